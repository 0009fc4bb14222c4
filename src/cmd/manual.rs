//! `dindlog completions` and `dindlog man`: shell completion scripts and man pages, made from the command-line definition.

use std::io::{self, Write};
use std::path::Path;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Command, CommandFactory};

use super::{stdout, Result, EXIT_CLEAN};
use crate::cli::Cli;

/// Prints the completion script for `shell`.
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<u8> {
    let mut command = completion_command()?;
    let mut out = stdout();
    clap_complete::generate(shell, &mut command, "dindlog", &mut out);
    if shell == clap_complete::Shell::Fish {
        // clap_complete's fish generator completes options only, not
        // positional values: the class ids are added here.
        let set = dindlog::SignatureSet::builtin()?;
        let quote = |s: &str| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"));
        for s in set.iter() {
            writeln!(
                out,
                "complete -c dindlog -n \"__fish_dindlog_using_subcommand explain\" -f -a {} -d {}",
                quote(&s.id),
                quote(&s.title)
            )?;
        }
    }
    out.flush()?;
    Ok(EXIT_CLEAN)
}

/// The command line as the completion scripts should see it: no hidden
/// options (clap_complete's generators list them), and the built-in class
/// ids offered after `explain`. The ids are only completion hints: `explain`
/// itself accepts any id, since `--signatures DIR` can add classes.
pub(crate) fn completion_command() -> Result<Command> {
    let set = dindlog::SignatureSet::builtin()?;
    let mut ids: Vec<PossibleValue> =
        set.iter().map(|s| PossibleValue::new(s.id.clone()).help(s.title.clone())).collect();
    ids.sort_by(|a, b| a.get_name().cmp(b.get_name()));
    Ok(visible_only(&Cli::command()).mut_subcommand("explain", |c| {
        c.mut_arg("id", |a| a.value_parser(PossibleValuesParser::new(ids)))
    }))
}

/// A copy of `cmd` without its hidden arguments and subcommands. clap cannot
/// remove an argument from a command, so the copy is built anew; argument
/// groups are left out: completion scripts do not use them.
fn visible_only(cmd: &Command) -> Command {
    let mut out = Command::new(cmd.get_name().to_string())
        .args_conflicts_with_subcommands(cmd.is_args_conflicts_with_subcommands_set());
    if let Some(v) = cmd.get_version() {
        out = out.version(v.to_string());
    }
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        out = out.arg(arg.clone());
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out = out.subcommand(visible_only(sub));
    }
    out
}

/// `dindlog man`: the main page on standard output, or with `--dir` one page
/// per command (`dindlog-scan.1`, `dindlog-signatures-test.1`, ...), which
/// are the pages the main page's SUBCOMMANDS section refers to.
pub(crate) fn man(dir: Option<&Path>) -> Result<u8> {
    match dir {
        None => {
            let mut out = stdout();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("{}: cannot create directory: {e}", dir.display()))?;
            clap_mangen::generate_to(Cli::command(), dir)
                .map_err(|e| format!("{}: cannot write the man pages: {e}", dir.display()))?;
            let mut err = io::stderr().lock();
            writeln!(
                err,
                "dindlog: wrote {} man pages into {}",
                pages(&Cli::command()),
                dir.display()
            )?;
        }
    }
    Ok(EXIT_CLEAN)
}

/// How many pages `clap_mangen::generate_to` writes: one per visible command.
fn pages(cmd: &Command) -> usize {
    1 + cmd.get_subcommands().filter(|s| !s.is_hide_set()).map(pages).sum::<usize>()
}
