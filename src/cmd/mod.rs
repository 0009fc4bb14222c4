//! The subcommands, one module each, and the plumbing they share: exit codes, signature loading, colour and standard output.

pub(crate) mod config;
pub(crate) mod job;
pub(crate) mod knowledge;
pub(crate) mod manual;
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
    color_from(choice, |k| std::env::var_os(k), io::stdout().is_terminal())
}

/// `--color` wins; with `auto`, as rg and fd do: a non-empty `NO_COLOR` turns
/// colour off, then a `CLICOLOR_FORCE` other than `0` turns it on even when
/// not on a terminal, then a terminal gets colour unless `TERM=dumb`.
fn color_from(
    choice: ColorChoice,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
    terminal: bool,
) -> bool {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR").is_some() => false,
        ColorChoice::Auto if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
        ColorChoice::Auto => terminal && env("TERM").is_none_or(|t| t != "dumb"),
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

/// The known name closest to a mistyped one, if one is close: within a third
/// of its length in edits (at least 2), or the only name that contains it.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let known: Vec<&str> = known.into_iter().collect();
    let limit = (word.chars().count() / 3).max(2);
    let best = known
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    if let Some((_, k)) = best {
        return Some(k);
    }
    let mut containing = known.iter().filter(|k| word.len() >= 4 && k.contains(word));
    match (containing.next(), containing.next()) {
        (Some(k), None) => Some(k),
        _ => None,
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_flag_then_no_color_then_clicolor_force_then_terminal() {
        use ColorChoice::{Always, Auto, Never};
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).into())
        };
        assert!(color_from(Auto, env(&[]), true));
        assert!(!color_from(Auto, env(&[]), false));
        assert!(!color_from(Auto, env(&[("TERM", "dumb")]), true));
        assert!(color_from(Auto, env(&[("TERM", "xterm-256color")]), true));
        assert!(color_from(Auto, env(&[("CLICOLOR_FORCE", "1")]), false));
        assert!(color_from(Auto, env(&[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")]), false));
        assert!(!color_from(Auto, env(&[("CLICOLOR_FORCE", "0")]), false));
        assert!(!color_from(Auto, env(&[("CLICOLOR_FORCE", "")]), false));
        assert!(!color_from(Auto, env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), true));
        assert!(color_from(Auto, env(&[("NO_COLOR", "")]), true));
        assert!(color_from(Always, env(&[("NO_COLOR", "1"), ("TERM", "dumb")]), false));
        assert!(!color_from(Never, env(&[("CLICOLOR_FORCE", "1")]), true));
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_substitutions() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("dind", "dnid"), 2);
    }

    #[test]
    fn suggestions_are_close_or_contain_the_word() {
        let ids =
            ["dind-not-privileged", "daemon-tls-port", "registry-auth", "registry-rate-limit"];
        assert_eq!(did_you_mean("dind-not-priviledged", ids), Some("dind-not-privileged"));
        assert_eq!(did_you_mean("deamon-tls-port", ids), Some("daemon-tls-port"));
        assert_eq!(did_you_mean("privileged", ids), Some("dind-not-privileged"));
        // Two ids contain it: no guess.
        assert_eq!(did_you_mean("registry", ids), None);
        assert_eq!(did_you_mean("zzzzzz", ids), None);
    }
}
