//! The `dindlog` binary: parses the command line, hands each subcommand to `cmd`, prints errors, and decides the exit status.

mod cli;
mod cmd;
mod progress;

use std::error::Error;
use std::io;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, ColorChoice, Command, CommonArgs, Format, ScanArgs, SignaturesAction};
use cmd::{Result, EXIT_CLEAN, EXIT_ERROR};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // A reporting step in after_script must never fail the job, not even
        // on bad arguments: `annotate` warns and exits 0.
        Err(e) if std::env::args().nth(1).as_deref() == Some("annotate") && e.use_stderr() => {
            eprintln!("dindlog: warning: annotate: {}", e.kind());
            let _ = e.print();
            return ExitCode::from(EXIT_CLEAN);
        }
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(err.as_ref()) => ExitCode::from(EXIT_CLEAN),
        Err(err) => {
            eprintln!("dindlog: {err}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `dindlog big.log | head -1` must end quietly, as other Unix tools do.
pub(crate) fn is_broken_pipe(err: &(dyn Error + 'static)) -> bool {
    let mut e: Option<&(dyn Error + 'static)> = Some(err);
    while let Some(cur) = e {
        if let Some(io) = cur.downcast_ref::<io::Error>() {
            if io.kind() == io::ErrorKind::BrokenPipe {
                return true;
            }
        }
        e = cur.source();
    }
    false
}

/// Option combinations clap cannot judge. `--summary` is the summary alone:
/// human, json and jsonl (its `summary` event) can carry that; GitHub
/// workflow commands and the GitLab section are per-finding formats, so the
/// combination is an error rather than a flag silently ignored.
fn check_scan(args: &ScanArgs) -> Result<()> {
    match args.format {
        Format::Github | Format::Gitlab if args.summary => Err(format!(
            "--summary cannot be written as --format {}: use --format human, json or jsonl",
            if args.format == Format::Github { "github" } else { "gitlab" }
        )
        .into()),
        _ => Ok(()),
    }
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        None => {
            check_scan(&cli.scan)?;
            cmd::scan::scan(cli.scan)
        }
        Some(Command::Scan(args)) => {
            check_scan(&args)?;
            cmd::scan::scan(args)
        }
        Some(Command::Run(args)) => cmd::job::run_command(args),
        Some(Command::Annotate(args)) => Ok(cmd::job::annotate(args)),
        Some(Command::Lint(args)) => cmd::config::lint(args),
        Some(Command::Doctor(args)) => cmd::config::doctor(args),
        Some(Command::Explain { id, set, color }) => {
            cmd::knowledge::explain(&id, &CommonArgs::knowledge(set, color.color))
        }
        Some(Command::Signatures { action, format, set }) => {
            let common = CommonArgs::knowledge(set, ColorChoice::Never);
            match action {
                None => cmd::knowledge::list(format, &common),
                Some(SignaturesAction::Test { dir }) => {
                    cmd::knowledge::signatures_test(dir, &common)
                }
                Some(SignaturesAction::CheckFp { paths }) => {
                    cmd::knowledge::check_fp(&paths, &common)
                }
            }
        }
        Some(Command::Merge { reports, html }) => cmd::knowledge::merge(&reports, html.as_deref()),
        Some(Command::ClassesMarkdown) => cmd::knowledge::classes_markdown(),
        Some(Command::Completions { shell }) => cmd::manual::completions(shell),
        Some(Command::Man { dir }) => cmd::manual::man(dir.as_deref()),
    }
}
