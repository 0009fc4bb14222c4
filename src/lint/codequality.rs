//! The GitLab Code Quality (Code Climate) form of a lint report, for `--format codequality`.
//!
//! GitLab stops reading the report at the first invalid entry, so every
//! entry always has the required fields, and fingerprints are unique per
//! (class, job, place) because entries with equal fingerprints overwrite
//! each other.

use serde::Serialize;

use super::{LintReport, Severity};

/// One entry of a Code Quality report (a JSON array of these).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeQualityIssue {
    /// The message, prefixed with the job when there is one.
    pub description: String,
    /// `dindlog/<class id>`.
    pub check_name: String,
    /// Stable for the same class, job and place across runs.
    pub fingerprint: String,
    /// `blocker`, `major` or `info`.
    pub severity: &'static str,
    /// The file and line.
    pub location: CodeQualityLocation,
}

/// Where a Code Quality entry points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeQualityLocation {
    /// The path relative to the repository, as given.
    pub path: String,
    /// The line range (one line).
    pub lines: CodeQualityLines,
}

/// A Code Quality line range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeQualityLines {
    /// 1-based line.
    pub begin: u32,
}

/// The report as Code Quality entries, in finding order.
pub fn codequality(report: &LintReport) -> Vec<CodeQualityIssue> {
    report
        .findings
        .iter()
        .map(|f| {
            let key =
                format!("{}|{}|{}|{}", f.id, f.job.as_deref().unwrap_or(""), f.location, f.message);
            CodeQualityIssue {
                description: match &f.job {
                    Some(j) => format!("{j}: {}", f.message),
                    None => f.message.clone(),
                },
                check_name: format!("dindlog/{}", f.id),
                fingerprint: format!(
                    "{:016x}{:016x}",
                    fnv1a(&key, 0xcbf2_9ce4_8422_2325),
                    fnv1a(&key, 0x8422_2325_cbf2_9ce4)
                ),
                severity: match f.severity {
                    Severity::Error => "blocker",
                    Severity::Warning => "major",
                    Severity::Info => "info",
                },
                location: CodeQualityLocation {
                    path: f.location.file.trim_start_matches("./").to_string(),
                    lines: CodeQualityLines { begin: f.location.line },
                },
            }
        })
        .collect()
}

/// FNV-1a: a fingerprint needs to be stable and well spread, not secret.
fn fnv1a(s: &str, seed: u64) -> u64 {
    s.bytes().fold(seed, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::lint_str;

    #[test]
    fn entries_are_complete_and_unique() {
        let ci = "a:\n  image: docker:latest\n  services: [docker:dind]\n  variables:\n    DOCKER_HOST: tcp://docker:2375\n  script: [docker info]\n\
                  b:\n  extends: a\n";
        let r = lint_str(ci, "./.gitlab-ci.yml", None).unwrap_or_else(|e| panic!("{e}"));
        let cq = codequality(&r);
        assert_eq!(cq.len(), r.findings.len());
        assert!(cq.len() >= 6, "{cq:#?}");
        for (i, e) in cq.iter().enumerate() {
            assert!(e.check_name.starts_with("dindlog/"));
            assert_eq!(e.location.path, ".gitlab-ci.yml");
            assert_eq!(e.fingerprint.len(), 32);
            assert!(
                cq[i + 1..].iter().all(|o| o.fingerprint != e.fingerprint),
                "duplicate fingerprint {e:?}"
            );
        }
        let tls = cq.iter().find(|e| e.check_name == "dindlog/daemon-tls-port").expect("tls entry");
        assert_eq!((tls.severity, tls.location.lines.begin), ("blocker", 5));
        assert!(tls.description.starts_with("a: "));
    }
}
