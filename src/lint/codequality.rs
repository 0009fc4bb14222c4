//! Lint findings as Code Quality issues, for the one Code Quality writer (`report::codequality`) that `scan` uses too.

use super::LintReport;
use crate::report::codequality::{entries, Issue};
pub use crate::report::codequality::{CodeQualityIssue, CodeQualityLines, CodeQualityLocation};

/// The findings as Code Quality issues, in finding order. Several jobs may
/// share one template line, so the job (and column) tell them apart.
pub(crate) fn codequality_issues(report: &LintReport) -> Vec<Issue> {
    report
        .findings
        .iter()
        .map(|f| Issue {
            id: f.id.clone(),
            description: match &f.job {
                Some(j) => format!("{j}: {}", f.message),
                None => f.message.clone(),
            },
            severity: f.severity,
            path: f.location.file.clone(),
            line: u64::from(f.location.line),
            scope: vec![f.job.clone().unwrap_or_default(), f.location.column.to_string()],
        })
        .collect()
}

/// The report as Code Quality entries, in finding order, paths as given
/// (the command line makes them relative to the project).
pub fn codequality(report: &LintReport) -> Vec<CodeQualityIssue> {
    entries(codequality_issues(report), &crate::report::Options::default())
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
        // The same level `scan` gives an error class.
        assert_eq!((tls.severity, tls.location.lines.begin), ("critical", 5));
        assert!(tls.description.starts_with("a: "));
    }
}
