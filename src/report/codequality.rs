//! The `codequality` format: GitLab Code Quality (Code Climate) JSON, the one writer for `scan`, `run`, `annotate` and `lint`, with one severity map and one fingerprint.
//!
//! GitLab stops reading the report at the first invalid entry, so every
//! entry has the required fields; entries with equal fingerprints overwrite
//! each other in GitLab, so a repeated one is written once.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::export::{ExportError, Exporter, Options, Subject};
use super::FileReport;
use crate::classify::Role;
use crate::docker::fingerprint;
use crate::signature::Severity;

/// The Code Quality severity of a finding, the same for every command: a
/// class that fails the job is `critical`, one likely to hurt `major`,
/// advice `info`. (`blocker` and `minor` are not used: the catalog has three
/// levels, and `blocker` would outrank what GitLab's own checks call
/// critical.)
pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// One finding to report, from a log or from the configuration.
#[derive(Clone, Debug)]
pub struct Issue {
    /// The class id.
    pub id: String,
    /// The message.
    pub description: String,
    /// The class's severity.
    pub severity: Severity,
    /// The file to point at, as known (made relative by [`entries`]).
    pub path: String,
    /// 1-based line (0 is written as 1).
    pub line: u64,
    /// What else tells two findings of one class at one place apart (for
    /// `lint`: the job and column, as several jobs share a template's line).
    pub scope: Vec<String>,
}

/// One entry of a Code Quality report (a JSON array of these).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeQualityIssue {
    /// The message.
    pub description: String,
    /// `dindlog/<class id>`.
    pub check_name: String,
    /// Stable for the same class and place across runs.
    pub fingerprint: String,
    /// [`severity_name`].
    pub severity: &'static str,
    /// The file and line.
    pub location: CodeQualityLocation,
}

/// Where a Code Quality entry points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeQualityLocation {
    /// The path relative to the project directory.
    pub path: String,
    /// The line range (one line).
    pub lines: CodeQualityLines,
}

/// A Code Quality line range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeQualityLines {
    /// 1-based line.
    pub begin: u64,
}

/// The entries for `issues`, in order, each fingerprint once.
pub fn entries(issues: Vec<Issue>, opts: &Options) -> Vec<CodeQualityIssue> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for i in issues {
        let path = relative(&i.path, opts.project_dir.as_deref());
        let line = i.line.to_string();
        let mut parts: Vec<&str> = vec![&i.id, &path, &line];
        parts.extend(i.scope.iter().map(String::as_str));
        let fingerprint = fingerprint(&parts);
        if !seen.insert(fingerprint.clone()) {
            continue;
        }
        out.push(CodeQualityIssue {
            description: i.description,
            check_name: format!("dindlog/{}", i.id),
            fingerprint,
            severity: severity_name(i.severity),
            location: CodeQualityLocation {
                path,
                lines: CodeQualityLines { begin: i.line.max(1) },
            },
        });
    }
    out
}

/// `path` as GitLab links it: relative to the project directory `base`,
/// never absolute. A relative `path` is taken from the current directory. A
/// path outside `base` keeps its relative form as given, or, absolute,
/// only its file name (GitLab cannot link outside the project anyway).
fn relative(path: &str, base: Option<&Path>) -> String {
    let given = Path::new(path);
    let inside = base.and_then(|b| {
        let abs = if given.is_absolute() {
            given.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(given)
        };
        lexical(&abs).strip_prefix(lexical(b)).ok().map(Path::to_path_buf)
    });
    let rel = match inside {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ if given.is_absolute() => {
            given.file_name().map_or_else(|| PathBuf::from(path), PathBuf::from)
        }
        _ => given.to_path_buf(),
    };
    let s = rel.to_string_lossy();
    s.trim_start_matches("./").to_string()
}

/// `path` with `.` and `..` resolved without asking the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The repository root for a configuration file: the nearest directory,
/// from the file's own upwards, that holds `.git` (a directory, or the file
/// a worktree has).
pub fn repository_root(config: &Path) -> Option<PathBuf> {
    let abs = if config.is_absolute() {
        config.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(config)
    };
    let abs = lexical(&abs);
    abs.parent()?.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf)
}

/// The issues of log reports: symptoms are left out (their cause is the
/// entry); each points at the finding's configuration line when
/// `--ci-config` found one, else at its first line in the job log (the log
/// artifact: never at a file dindlog did not read).
fn log_issues(reports: &[FileReport]) -> Vec<Issue> {
    let mut out = Vec::new();
    for r in reports {
        for f in r.findings.iter().filter(|f| f.role != Role::Symptom) {
            let (path, line) = match &f.config {
                Some(c) => (c.path.clone(), c.line),
                None => (r.path.clone(), f.first_line),
            };
            out.push(Issue {
                id: f.id.clone(),
                description: format!(
                    "dindlog {}: {} (job log line {})",
                    f.id, f.title, f.first_line
                ),
                severity: f.severity,
                path,
                line,
                scope: Vec::new(),
            });
        }
    }
    out
}

/// The `codequality` exporter: log reports and lint reports.
pub struct CodeQuality;

impl Exporter for CodeQuality {
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        opts: &Options,
    ) -> Result<(), ExportError> {
        let issues = match subject {
            Subject::Logs { reports, .. } => log_issues(reports),
            Subject::Config(r) => crate::lint::codequality_issues(r),
            other => {
                return Err(ExportError::Unsupported {
                    format: "codequality",
                    subject: other.what(),
                })
            }
        };
        serde_json::to_writer_pretty(&mut *w, &entries(issues, opts))
            .map_err(std::io::Error::from)?;
        Ok(w.write_all(b"\n")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = fingerprint(&["daemon-tls-port", ".gitlab-ci.yml", "12"]);
        assert_eq!(a, fingerprint(&["daemon-tls-port", ".gitlab-ci.yml", "12"]));
        assert_ne!(a, fingerprint(&["daemon-tls-port", ".gitlab-ci.yml", "13"]));
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn paths_are_relative_to_the_project_and_never_absolute() {
        let base = Path::new("/builds/group/project");
        assert_eq!(relative("/builds/group/project/.gitlab-ci.yml", Some(base)), ".gitlab-ci.yml");
        assert_eq!(relative("/builds/group/project/./ci/../ci/x.yml", Some(base)), "ci/x.yml");
        assert_eq!(relative("/elsewhere/job.log", Some(base)), "job.log");
        assert_eq!(relative("/elsewhere/job.log", None), "job.log");
        assert_eq!(relative("./ci/x.yml", None), "ci/x.yml");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(relative("corpus/a.log", Some(&cwd)), "corpus/a.log");
        assert_eq!(
            relative("a.log", cwd.parent()),
            format!("{}/a.log", cwd.file_name().unwrap().to_string_lossy())
        );
    }

    /// One map for every command: a severity names one Code Quality level.
    #[test]
    fn one_severity_map() {
        let names: Vec<&str> =
            [Severity::Info, Severity::Warning, Severity::Error].map(severity_name).to_vec();
        assert_eq!(names, ["info", "major", "critical"]);
    }
}
