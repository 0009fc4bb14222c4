//! `dindlog lint`: finds the documented Docker-in-Docker misconfigurations in `.gitlab-ci.yml` and the runner's `config.toml`.
//!
//! The module is pure: it reads the files it is given (and the local files
//! they include) and returns data. It never prints; the CLI formats
//! [`LintReport`] as text, JSON or a Code Quality report ([`codequality()`]).
//!
//! # Overview
//!
//! - [`lint()`] reads the files named in [`LintOptions`]; [`lint_str`] takes the
//!   text directly (includes are then reported as not followed).
//! - The configuration is resolved as GitLab does (includes, `extends`,
//!   `!reference`, anchors and merge keys, `default:`, variables), keeping the
//!   position of every key, so each [`LintFinding`] names a file, line and
//!   column.
//! - Findings carry a class id ([`CLASSES`]) and their own message and fix;
//!   the class's title, kind, severity and docs come from the signature set.
//! - [`locate()`] tells the log scanner which configuration line to change for
//!   a class it found in a job log.
//!
//! # Example
//!
//! ```
//! use dindlog::lint::{lint_str, Severity};
//!
//! let ci = "build:\n  image: docker:24.0.5\n  services: [docker:24.0.5-dind]\n  \
//!           variables:\n    DOCKER_HOST: tcp://docker:2375\n  script: [docker build .]\n";
//! let report = lint_str(ci, ".gitlab-ci.yml", None).unwrap();
//! let f = &report.findings[0];
//! assert_eq!((f.id.as_str(), f.severity, f.location.line), ("daemon-tls-port", Severity::Error, 5));
//! ```

// The module returns data and never writes: the CLI prints.
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]
// Input-derived data is never unwrapped outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod checks;
mod classes;
mod codequality;
mod error;
mod fs;
mod locate;
mod pipeline;
mod runner;
mod shell;
mod yaml;

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

pub use classes::{class, class_in, Class, CLASSES};
pub(crate) use codequality::codequality_issues;
pub use codequality::{codequality, CodeQualityIssue, CodeQualityLines, CodeQualityLocation};
pub use error::LintError;
pub use locate::{locate, locate_in};

/// What to lint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintOptions {
    /// The CI configuration. Its directory is the repository root that
    /// `include:local` paths are relative to.
    pub ci_config: PathBuf,
    /// The runner's `config.toml`; without it the checks that need runner
    /// settings are skipped (and a note says so).
    pub runner_config: Option<PathBuf>,
}

/// How serious a finding is; the catalog's `sev` for its class (the crate's one
/// severity type, ordered `Info < Warning < Error`).
pub use crate::signature::Severity;

/// A place in a configuration file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// The path as given (or as derived for an included file: the
    /// configuration's directory joined with the include path).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem found in the configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LintFinding {
    /// The class id, e.g. `daemon-tls-port`.
    pub id: String,
    /// The class's title, from its signature.
    pub title: String,
    /// The class's kind, from its signature.
    pub kind: crate::signature::Kind,
    /// The class's severity, from its signature.
    pub severity: Severity,
    /// What is wrong, on one line, naming the values involved.
    pub message: String,
    /// What to change; may be a short YAML or TOML snippet over several lines.
    pub fix: String,
    /// The job concerned; `None` for runner-wide findings.
    pub job: Option<String>,
    /// The key or value to change. For a key a job inherits from a
    /// template, `default:` or an include, this is where the template says it.
    pub location: Location,
    /// The GitLab documentation page with the remedy: the signature's first link.
    pub docs: String,
}

/// A value and where it is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    /// The value (image names with variables expanded).
    pub value: T,
    /// Where it is written.
    pub location: Location,
}

/// A variable as a job sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Variable {
    /// The name, e.g. `DOCKER_HOST`.
    pub name: String,
    /// The value as written.
    pub value: String,
    /// Where the key is written (a global variable's line for global ones).
    pub location: Location,
}

/// A concrete (not hidden) job as resolved: what `locate` and the log
/// scanner need to map a log back to the configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobSummary {
    /// The job name, as in the log's `CI_JOB_NAME`.
    pub name: String,
    /// Where the job's key is written.
    pub location: Location,
    /// The job image, if any.
    pub image: Option<Located<String>>,
    /// The service images, in order.
    pub services: Vec<Located<String>>,
    /// Global variables (unless `inherit:` drops them) overridden by the job's.
    pub variables: Vec<Variable>,
    /// Script lines (`before_script`, `script`, `after_script`) that run
    /// `docker`, `docker-compose` or `buildah`.
    pub docker_lines: Vec<Located<String>>,
}

/// The result of linting one configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LintReport {
    /// Ordered by file, line, column, id.
    pub findings: Vec<LintFinding>,
    /// What could not be checked, e.g. `include:remote https://… not followed`.
    pub notes: Vec<String>,
    /// Every concrete job, in configuration order.
    pub jobs: Vec<JobSummary>,
}

/// Lints the files named in `opts`.
///
/// # Errors
///
/// A file that cannot be read, invalid YAML or TOML, an `include:local` file
/// that does not exist or includes itself, `extends` or `!reference` that
/// name a missing job or loop.
pub fn lint(opts: &LintOptions) -> Result<LintReport, LintError> {
    let ci_path = opts.ci_config.to_string_lossy().into_owned();
    let ci = fs::read(&opts.ci_config)?;
    let runner = match &opts.runner_config {
        Some(p) => Some((fs::read(p)?, p.to_string_lossy().into_owned())),
        None => None,
    };
    let loader = fs::Repo::new(&opts.ci_config);
    run(&ci_path, &ci, &loader, runner.as_ref().map(|(t, p)| (t.as_str(), p.as_str())))
}

/// Lints configuration text: `ci_path` is the name used in locations, and
/// `runner_toml` is `(text, path)` of a runner `config.toml`.
/// `include:local` is not followed (there is no repository); a note says so.
///
/// # Errors
///
/// As [`lint`], except for file access.
pub fn lint_str(
    ci_yaml: &str,
    ci_path: &str,
    runner_toml: Option<(&str, &str)>,
) -> Result<LintReport, LintError> {
    run(ci_path, ci_yaml, &fs::NoRepo, runner_toml)
}

fn run(
    ci_path: &str,
    ci: &str,
    loader: &dyn pipeline::Loader,
    runner_toml: Option<(&str, &str)>,
) -> Result<LintReport, LintError> {
    let mut p = pipeline::build(ci_path, ci, loader)?;
    let runners = match runner_toml {
        Some((text, path)) => {
            let id = p.files.add(path, text);
            Some(runner::parse(text, path, id)?)
        }
        None => None,
    };
    let set = crate::SignatureSet::builtin_shared()
        .map_err(|e| LintError::Signatures { message: e.to_string() })?;
    let raw = checks::run(&checks::Ctx { pipeline: &p, runners: runners.as_deref() });
    let mut findings: Vec<LintFinding> = raw
        .into_iter()
        .filter_map(|r| {
            // An id outside the set cannot happen: a test checks the checks' ids.
            let c = class_in(set, r.id)?;
            Some(LintFinding {
                id: c.id,
                title: c.title,
                kind: c.kind,
                severity: c.severity,
                message: r.message,
                fix: r.fix,
                job: r.job,
                location: location(&p.files, r.pos),
                docs: c.docs,
            })
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.location.file, a.location.line, a.location.column, &a.id, &a.job).cmp(&(
            &b.location.file,
            b.location.line,
            b.location.column,
            &b.id,
            &b.job,
        ))
    });
    findings.dedup_by(|a, b| a.id == b.id && a.job == b.job && a.location == b.location);
    if runners.is_none() {
        p.notes.push(
            "no runner config given: privileged mode, socket binding, certificate volumes and \
             Kubernetes-only checks were skipped"
                .to_string(),
        );
    }
    let jobs = p.jobs.iter().map(|j| summary(&p.files, j)).collect();
    Ok(LintReport { findings, notes: p.notes, jobs })
}

fn location(files: &pipeline::Files, pos: yaml::Pos) -> Location {
    Location { file: files.path(pos.file).to_string(), line: pos.line, column: pos.col }
}

fn summary(files: &pipeline::Files, j: &pipeline::Job) -> JobSummary {
    let located =
        |value: &str, pos| Located { value: value.to_string(), location: location(files, pos) };
    let docker_lines = j
        .lines
        .iter()
        .filter(|l| {
            shell::commands(&l.text)
                .iter()
                .any(|c| matches!(c.program, "docker" | "docker-compose" | "buildah"))
        })
        .map(|l| located(&l.text, l.pos))
        .collect();
    JobSummary {
        name: j.name.clone(),
        location: location(files, j.pos),
        image: j.image.as_ref().map(|i| located(&i.name, i.pos)),
        services: j.services.iter().map(|s| located(&s.image.name, s.image.pos)).collect(),
        variables: j
            .variables
            .iter()
            .map(|v| Variable {
                name: v.name.clone(),
                value: v.value.clone(),
                location: location(files, v.key_pos),
            })
            .collect(),
        docker_lines,
    }
}
