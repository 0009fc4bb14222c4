//! The `dindlog` binary: parses the command line, hands each subcommand to `cmd`, prints errors, and decides the exit status.

mod cli;
mod cmd;
mod progress;

use std::error::Error;
use std::io;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, SignaturesAction};
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

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        None => cmd::scan::scan(cli.scan),
        Some(Command::Scan(args)) => cmd::scan::scan(args),
        Some(Command::Run(args)) => cmd::job::run_command(args),
        Some(Command::Annotate(args)) => Ok(cmd::job::annotate(args)),
        Some(Command::Lint(args)) => cmd::config::lint(args),
        Some(Command::Doctor(args)) => cmd::config::doctor(args),
        Some(Command::Explain { id, common }) => cmd::knowledge::explain(&id, &common),
        Some(Command::Signatures { action: None, format, common }) => {
            cmd::knowledge::list(format, &common)
        }
        Some(Command::Signatures {
            action: Some(SignaturesAction::Test { dir }), common, ..
        }) => cmd::knowledge::signatures_test(dir, &common),
        Some(Command::Signatures {
            action: Some(SignaturesAction::CheckFp { paths }),
            common,
            ..
        }) => cmd::knowledge::check_fp(&paths, &common),
        Some(Command::Merge { reports }) => cmd::knowledge::merge(&reports),
        Some(Command::ClassesMarkdown) => cmd::knowledge::classes_markdown(),
        Some(Command::Completions { shell }) => {
            let mut out = cmd::stdout();
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "dindlog", &mut out);
            io::Write::flush(&mut out)?;
            Ok(EXIT_CLEAN)
        }
        Some(Command::Man) => {
            let mut out = cmd::stdout();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out)?;
            io::Write::flush(&mut out)?;
            Ok(EXIT_CLEAN)
        }
    }
}
