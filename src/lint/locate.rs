//! Mapping a class the log scanner found back to the configuration line to change, by the class's `config_keys`.

use super::{JobSummary, LintReport, Location};
use crate::docker::ImageRef;
use crate::signature::{ConfigKey, SignatureSet};

/// The configuration location to change for `class_id` found in the log of
/// `job`, if the configuration tells.
///
/// A lint finding of that class for that job (or a runner-wide one) wins.
/// Otherwise the keys the class's signature lists (`config_keys`: the
/// `DOCKER_HOST` variable for `daemon-tls-port`, the dind service for
/// `dind-not-privileged`, ...) are looked up in the job, in order.
/// `job` may carry the suffixes GitLab adds to parallel jobs (`build 1/3`,
/// `build: [amd64]`). Without `job`, the first finding of the class is used,
/// or the only job that runs docker.
pub fn locate(report: &LintReport, class_id: &str, job: Option<&str>) -> Option<Location> {
    let set = SignatureSet::builtin_shared().ok()?;
    locate_in(set, report, class_id, job)
}

/// [`locate`] with the classes of `set` (built-ins and a `--signatures`
/// directory): the class's `config_keys` say which key to point at.
pub fn locate_in(
    set: &SignatureSet,
    report: &LintReport,
    class_id: &str,
    job: Option<&str>,
) -> Option<Location> {
    let job = job.map(base_name);
    let of_class = || report.findings.iter().filter(|f| f.id == class_id);
    let finding = match job {
        Some(j) => of_class()
            .find(|f| f.job.as_deref() == Some(j))
            .or_else(|| of_class().find(|f| f.job.is_none())),
        None => of_class().next(),
    };
    if let Some(f) = finding {
        return Some(f.location.clone());
    }
    let summary = match job {
        Some(j) => report.jobs.iter().find(|s| s.name == j)?,
        None => {
            let mut docker = report.jobs.iter().filter(|s| !s.docker_lines.is_empty());
            match (docker.next(), docker.next()) {
                (Some(only), None) => only,
                _ => return None,
            }
        }
    };
    let keys = &set.by_id(class_id)?.config_keys;
    keys.iter().find_map(|k| key_location(summary, k))
}

/// The job name without GitLab's `parallel` and `parallel:matrix` suffixes.
fn base_name(job: &str) -> &str {
    let job = job.trim();
    if let Some(i) = job.find(": [") {
        return &job[..i];
    }
    if let Some((name, last)) = job.rsplit_once(' ') {
        if let Some((a, b)) = last.split_once('/') {
            if !a.is_empty()
                && !b.is_empty()
                && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
            {
                return name;
            }
        }
    }
    job
}

/// Where `key` is written for `job`, if the job has it.
fn key_location(job: &JobSummary, key: &ConfigKey) -> Option<Location> {
    match key {
        ConfigKey::Variable(name) => {
            job.variables.iter().find(|v| &v.name == name).map(|v| v.location.clone())
        }
        ConfigKey::DindService => job
            .services
            .iter()
            .find(|s| ImageRef::parse(&s.value).is_dind())
            .map(|s| s.location.clone()),
        ConfigKey::Image => job.image.as_ref().map(|i| i.location.clone()),
        ConfigKey::Job => Some(job.location.clone()),
        ConfigKey::Script(text) => job
            .docker_lines
            .iter()
            .find(|l| l.value.contains(text.as_str()))
            .map(|l| l.location.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::lint_str;

    const CI: &str = "variables:\n  DOCKER_DRIVER: overlay2\n\
        build:\n  image: docker:24.0.5\n  services:\n    - docker:24.0.5-dind\n  variables:\n    DOCKER_HOST: tcp://docker:2375\n  script:\n    - docker login -u x -p y\n    - docker build .\n\
        lint:\n  image: alpine:3.19\n  script:\n    - echo ok\n";

    #[test]
    fn base_names() {
        let cases = [
            ("build", "build"),
            ("build 1/3", "build"),
            ("build: [amd64, x]", "build"),
            ("deploy v2", "deploy v2"),
            ("a 1/", "a 1/"),
        ];
        for (given, want) in cases {
            assert_eq!(base_name(given), want);
        }
    }

    #[test]
    fn finding_then_key_then_nothing() {
        let r = lint_str(CI, ".gitlab-ci.yml", None).unwrap_or_else(|e| panic!("{e}"));
        let line = |class: &str, job: Option<&str>| locate(&r, class, job).map(|l| l.line);
        // (class, job, expected line)
        let cases = [
            ("daemon-tls-port", Some("build"), Some(8)),
            ("daemon-tls-port", Some("build 2/4"), Some(8)),
            ("daemon-tls-port", None, Some(8)),
            ("dind-not-privileged", Some("build"), Some(6)),
            ("storage-driver", Some("build"), Some(2)),
            ("registry-auth", Some("build"), Some(10)),
            ("docker-cli-missing", Some("lint"), Some(13)),
            ("dind-service-missing", Some("lint"), Some(12)),
            ("service-alias", Some("lint"), None),
            ("log-truncated", Some("build"), None),
            ("daemon-tls-port", Some("no-such-job"), None),
            ("custom-ca", None, Some(6)),
        ];
        for (class, job, want) in cases {
            assert_eq!(line(class, job), want, "{class} {job:?}");
        }
    }
}
