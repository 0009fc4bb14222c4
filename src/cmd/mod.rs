//! The subcommands, one module each, and the plumbing they share: exit codes, signature loading, colour and standard output.

pub(crate) mod config;
pub(crate) mod job;
pub(crate) mod knowledge;
pub(crate) mod output;
pub(crate) mod scan;

use std::error::Error;
use std::io::{self, BufWriter, IsTerminal};

use dindlog::SignatureSet;

use crate::cli::{ColorChoice, CommonArgs, FailOn};

/// Exit status: no finding at or above `--fail-on`.
pub(crate) const EXIT_CLEAN: u8 = 0;

/// Exit status: findings.
pub(crate) const EXIT_FINDINGS: u8 = 1;

/// Exit status: an error.
pub(crate) const EXIT_ERROR: u8 = 2;

/// Errors of a subcommand; `main` prints them.
pub(crate) type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The severity a finding must reach for exit status 1, if any.
pub(crate) fn fail_on(f: FailOn) -> Option<dindlog::Severity> {
    match f {
        FailOn::Error => Some(dindlog::Severity::Error),
        FailOn::Warning => Some(dindlog::Severity::Warning),
        FailOn::Info => Some(dindlog::Severity::Info),
        FailOn::Never => None,
    }
}

pub(crate) fn load_set(common: &CommonArgs) -> Result<SignatureSet> {
    let set = SignatureSet::builtin()?;
    Ok(match &common.signatures {
        Some(dir) => set.with_dir(dir)?,
        None => set,
    })
}

pub(crate) fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// GitLab renders ANSI in job logs, so `auto` colours there even without a terminal.
pub(crate) fn use_color_in_job(choice: ColorChoice) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Auto => {
            use_color(choice) || (!no_color && std::env::var_os("GITLAB_CI").is_some())
        }
        other => use_color(other),
    }
}

pub(crate) fn stdout() -> BufWriter<io::StdoutLock<'static>> {
    // Reports are written in one go at the end; a bulk scan's JSON Lines run
    // to megabytes, which an 8 KiB buffer would cut into thousands of writes.
    BufWriter::with_capacity(256 * 1024, io::stdout().lock())
}

pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
