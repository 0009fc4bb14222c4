//! What a log says about the job itself: runner version, executor, image, services, outcome.
//!
//! These facts decide between classes that share evidence (the catalog's
//! "one line can mean different things"). Every fact comes from a runner line
//! found through the same prefilter as the signatures, so reading them costs
//! nothing on lines that do not carry them.

use std::sync::LazyLock;

use regex::bytes::Regex;
use serde::{Deserialize, Serialize};

use crate::docker::{ImageRef, Version};
use crate::signature::ContextCondition;

/// Three-valued truth: what a log can tell about a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    /// The log shows it holds.
    True,
    /// The log shows it does not.
    False,
    /// The log does not say.
    Unknown,
}

impl Tri {
    fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }

    /// Kleene conjunction: false wins, then unknown.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
            _ => Tri::True,
        }
    }
}

/// Facts about the job, gathered while scanning.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct JobContext {
    /// The runner's preamble (`Running with gitlab-runner ...`) was seen.
    pub preamble: bool,
    /// The runner version as printed (`17.3.1`).
    pub runner_version: Option<String>,
    /// The executor from `Preparing the "docker" executor`.
    pub executor: Option<String>,
    /// The job image.
    pub image: Option<String>,
    /// Services started, in order (`docker:24.0.5-dind`).
    pub services: Vec<String>,
    /// Non-default feature flags from the preamble.
    pub feature_flags: Vec<String>,
    /// The log carries `FF_TIMESTAMPS` headers.
    pub timestamps: bool,
    /// Number of service-container log lines captured.
    pub service_log_lines: u64,
    /// The runner's truncation notice was seen.
    pub truncated: bool,
    /// `Job failed`, `Job succeeded`, or nothing.
    pub outcome: Option<Outcome>,
    /// The executor's `Using ... executor with image` line was seen: the runner
    /// prints every `Starting service` line right after it, so an excerpt that
    /// starts there still shows which services ran.
    #[serde(skip)]
    pub executor_image_line: bool,
    /// The service that the job's environment proves exists (`/etc/hosts` or
    /// the legacy link variables name `DOCKER_HOST`'s host): set only by
    /// [`crate::jobenv::JobEnv::apply`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_service: Option<String>,
}

/// How the job ended, per the runner's last line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// `Job succeeded`.
    Succeeded,
    /// `ERROR: Job failed...`.
    Failed,
}

/// A runner line that carries a fact, found by its literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Probe {
    Runner,
    Executor,
    ExecutorImage,
    Service,
    FeatureFlags,
    Truncated,
    Failed,
    Succeeded,
}

/// `(literal, probe)`: the literals join the signatures' in one automaton.
pub(crate) const PROBES: &[(&str, Probe)] = &[
    ("Running with gitlab-runner", Probe::Runner),
    ("Preparing the \"", Probe::Executor),
    (" executor with image ", Probe::ExecutorImage),
    ("Starting service ", Probe::Service),
    ("feature flags: ", Probe::FeatureFlags),
    ("Job's log exceeded limit of", Probe::Truncated),
    ("Job failed", Probe::Failed),
    ("Job succeeded", Probe::Succeeded),
];

/// A probe's regex, compiled on first use: a small log that never reaches a
/// probe never pays for it. ASCII classes, as signature regexes (compiling the
/// Unicode `\w`/`\S` repetitions was a third of a short scan's start-up).
fn probe_regex(source: &str) -> Regex {
    // These are fixed strings reviewed in tests; failing to compile is a bug.
    regex::bytes::RegexBuilder::new(source)
        .unicode(false)
        .dfa_size_limit(crate::signature::REGEX_CACHE_LIMIT)
        .build()
        .expect("probe regex")
}

static RUNNER: LazyLock<Regex> =
    LazyLock::new(|| probe_regex(r"^Running with gitlab-runner v?(\d[\w.~+-]*)"));
static EXECUTOR: LazyLock<Regex> =
    LazyLock::new(|| probe_regex(r#"^Preparing the "([\w-]+)" executor"#));
static EXECUTOR_IMAGE: LazyLock<Regex> =
    LazyLock::new(|| probe_regex(r"^Using (\w+) executor with image (\S+)"));
// Runner 17.1+ prints `name...`, older ones `name ...`.
static SERVICE: LazyLock<Regex> =
    LazyLock::new(|| probe_regex(r"^Starting service (\S+?)\s?\.\.\."));
static FEATURE_FLAGS: LazyLock<Regex> = LazyLock::new(|| probe_regex(r"^\s*feature flags: (.*)$"));
static FAILED: LazyLock<Regex> = LazyLock::new(|| probe_regex(r"^(?:ERROR: )?Job failed"));

impl JobContext {
    /// Updates the context from a decoded runner line that contains a probe literal.
    pub(crate) fn observe(&mut self, probe: Probe, text: &[u8]) {
        let Some((literal, _)) = PROBES.iter().find(|(_, p)| *p == probe) else { return };
        if memchr::memmem::find(text, literal.as_bytes()).is_none() {
            return;
        }
        let text = trim_start(text);
        let cap1 =
            |re: &Regex| re.captures(text).and_then(|c| c.get(1)).map(|m| lossy(m.as_bytes()));
        match probe {
            Probe::Runner => {
                if let Some(v) = cap1(&RUNNER) {
                    self.preamble = true;
                    self.runner_version = Some(v);
                }
            }
            Probe::Executor => {
                if let Some(e) = cap1(&EXECUTOR) {
                    self.executor = Some(e);
                }
            }
            Probe::ExecutorImage => {
                if let Some(c) = EXECUTOR_IMAGE.captures(text) {
                    let exec = lossy(&c[1]).to_ascii_lowercase();
                    self.executor.get_or_insert(exec);
                    self.image = Some(lossy(&c[2]));
                    self.executor_image_line = true;
                }
            }
            Probe::Service => {
                if let Some(s) = cap1(&SERVICE) {
                    if !self.services.contains(&s) {
                        self.services.push(s);
                    }
                }
            }
            Probe::FeatureFlags => {
                if let Some(list) = cap1(&FEATURE_FLAGS) {
                    self.feature_flags = list
                        .split(',')
                        .map(|f| f.trim().to_string())
                        .filter(|f| !f.is_empty())
                        .collect();
                }
            }
            Probe::Truncated => self.truncated = true,
            Probe::Failed => {
                if FAILED.is_match(text) {
                    self.outcome = Some(Outcome::Failed);
                }
            }
            Probe::Succeeded => {
                if text.starts_with(b"Job succeeded") {
                    self.outcome = Some(Outcome::Succeeded);
                }
            }
        }
    }

    /// The parsed runner version.
    pub fn version(&self) -> Option<Version> {
        self.runner_version.as_deref().and_then(Version::parse)
    }

    /// The first dind service started, if any.
    pub fn dind_service(&self) -> Option<&str> {
        self.services.iter().map(String::as_str).find(|s| is_dind(s))
    }

    fn services_known(&self) -> bool {
        // The runner prints every `Starting service` line right after the
        // executor's image line, so a log that shows that line shows them all
        // (the `Running with` line alone may be all an excerpt kept). The
        // Kubernetes executor does not print `Starting service`.
        self.executor_image_line && self.executor.as_deref() != Some("kubernetes")
    }

    fn has_dind_service(&self) -> Tri {
        if self.dind_service().is_some() || self.env_service.is_some() {
            return Tri::True;
        }
        match self.executor.as_deref() {
            Some("shell") => Tri::False,
            _ if self.services_known() => Tri::False,
            _ => Tri::Unknown,
        }
    }

    fn has_daemon_service(&self) -> Tri {
        // The image's own name and tag, not its registry or namespace:
        // `docker.io/library/postgres` or a mirror's `harbor.example/dockerhub/redis`
        // is no daemon.
        let daemonish = |s: &String| {
            let image = ImageRef::parse(s);
            let own =
                format!("{}:{}", image.name, image.tag.unwrap_or_default()).to_ascii_lowercase();
            ["docker", "dind", "buildkit"].iter().any(|w| own.contains(w))
        };
        if self.services.iter().any(daemonish) || self.env_service.is_some() {
            return Tri::True;
        }
        match self.executor.as_deref() {
            Some("shell") => Tri::False,
            _ if self.services_known() => Tri::False,
            _ => Tri::Unknown,
        }
    }

    fn has_registry_host_service(&self) -> Tri {
        if self.services.iter().any(|s| is_dind(s) && has_registry_host(s)) {
            Tri::True
        } else if self.services_known() || self.executor.as_deref() == Some("shell") {
            Tri::False
        } else {
            Tri::Unknown
        }
    }

    /// Evaluates a rule's context conditions against what the log showed.
    pub fn eval(&self, cond: &ContextCondition) -> Tri {
        let mut t = Tri::True;
        if let Some(want) = cond.preamble {
            t = t.and(Tri::from_bool(self.preamble == want));
        }
        if let Some(want) = cond.dind_service {
            t = t.and(match self.has_dind_service() {
                Tri::Unknown => Tri::Unknown,
                have => Tri::from_bool((have == Tri::True) == want),
            });
        }
        if let Some(want) = cond.daemon_service {
            t = t.and(match self.has_daemon_service() {
                Tri::Unknown => Tri::Unknown,
                have => Tri::from_bool((have == Tri::True) == want),
            });
        }
        if let Some(want) = cond.registry_host_service {
            t = t.and(match self.has_registry_host_service() {
                Tri::Unknown => Tri::Unknown,
                have => Tri::from_bool((have == Tri::True) == want),
            });
        }
        if let Some(want) = &cond.executor {
            t = t.and(match &self.executor {
                Some(e) => Tri::from_bool(e == want),
                None => Tri::Unknown,
            });
        }
        if let Some(before) = &cond.runner_before {
            t = t.and(match self.version() {
                Some(v) => Tri::from_bool(&v < before),
                None => Tri::Unknown,
            });
        }
        if let Some(re) = &cond.image {
            t = t.and(match &self.image {
                Some(image) => Tri::from_bool(re.is_match(image)),
                None => Tri::Unknown,
            });
        }
        if let Some(re) = &cond.service {
            t = t.and(if self.services.iter().any(|s| re.is_match(s)) {
                Tri::True
            } else if self.services_known() {
                Tri::False
            } else {
                Tri::Unknown
            });
        }
        if let Some(want) = cond.service_log {
            t = t.and(Tri::from_bool((self.service_log_lines > 0) == want));
        }
        t
    }
}

/// `docker:24.0.5-dind`, `registry.example.com/mirror/docker:dind`, `docker:dind-rootless`.
pub fn is_dind(image: &str) -> bool {
    ImageRef::parse(image).is_dind()
}

/// Whether an image reference starts with a registry host (`host.tld/...`,
/// `host:5000/...`, `localhost/...`), which changes the service's hostname.
pub fn has_registry_host(image: &str) -> bool {
    ImageRef::parse(image).has_registry_host()
}

fn trim_start(text: &[u8]) -> &[u8] {
    let n = text.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &text[n..]
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(lines: &[(Probe, &str)]) -> JobContext {
        let mut c = JobContext::default();
        for (p, l) in lines {
            c.observe(*p, l.as_bytes());
        }
        c
    }

    #[test]
    fn reads_the_preamble() {
        let c = ctx(&[
            (Probe::Runner, "Running with gitlab-runner 17.3.1 (66269445)"),
            (Probe::FeatureFlags, "  feature flags: FF_TIMESTAMPS:true, FF_NETWORK_PER_BUILD:true"),
            (Probe::Executor, "Preparing the \"docker\" executor"),
            (Probe::ExecutorImage, "Using Docker executor with image docker:24.0.5 ..."),
            (Probe::Service, "Starting service docker:24.0.5-dind..."),
            (Probe::Service, "Starting service postgres:15 ..."),
            (Probe::Failed, "ERROR: Job failed: exit code 1"),
        ]);
        assert!(c.preamble);
        assert_eq!(c.version(), Version::parse("17.3.1"));
        assert_eq!(c.executor.as_deref(), Some("docker"));
        assert_eq!(c.image.as_deref(), Some("docker:24.0.5"));
        assert_eq!(c.services, vec!["docker:24.0.5-dind", "postgres:15"]);
        assert_eq!(c.dind_service(), Some("docker:24.0.5-dind"));
        assert_eq!(c.feature_flags, vec!["FF_TIMESTAMPS:true", "FF_NETWORK_PER_BUILD:true"]);
        assert_eq!(c.outcome, Some(Outcome::Failed));
    }

    #[test]
    fn probe_text_elsewhere_is_ignored() {
        let c = ctx(&[
            (Probe::Runner, "echo Running with gitlab-runner 1.0"),
            (Probe::Service, "note: Starting service later"),
            (Probe::Failed, "test_job_failed_path passed"),
        ]);
        assert!(!c.preamble);
        assert!(c.services.is_empty());
        assert_eq!(c.outcome, None);
    }

    #[test]
    fn conditions_are_three_valued() {
        let none = JobContext::default();
        let with = |f: fn(&mut ContextCondition)| {
            let mut c = ContextCondition::default();
            f(&mut c);
            c
        };
        let dind = with(|c| c.dind_service = Some(true));
        let nodind = with(|c| c.dind_service = Some(false));
        let k8s_old = with(|c| {
            c.executor = Some("kubernetes".into());
            c.runner_before = Version::parse("12.8");
        });
        assert_eq!(none.eval(&dind), Tri::Unknown);
        assert_eq!(none.eval(&k8s_old), Tri::Unknown);

        // The runner line alone (an excerpt that stops there) does not show
        // which services ran: they come after the executor's image line.
        let runner_only = ctx(&[(Probe::Runner, "Running with gitlab-runner 16.11.0 (abc)")]);
        assert_eq!(runner_only.eval(&dind), Tri::Unknown);
        let docker = ctx(&[
            (Probe::Runner, "Running with gitlab-runner 16.11.0 (abc)"),
            (Probe::Executor, "Preparing the \"docker\" executor"),
            (Probe::ExecutorImage, "Using Docker executor with image docker:24.0.5 ..."),
        ]);
        assert_eq!(docker.eval(&dind), Tri::False);
        assert_eq!(docker.eval(&nodind), Tri::True);
        assert_eq!(docker.eval(&k8s_old), Tri::False);

        let k8s = ctx(&[
            (Probe::Runner, "Running with gitlab-runner 12.5.0 (abc)"),
            (Probe::Executor, "Preparing the \"kubernetes\" executor"),
        ]);
        assert_eq!(k8s.eval(&k8s_old), Tri::True);
        assert_eq!(k8s.eval(&dind), Tri::Unknown, "k8s does not list services");

        let kaniko = with(|c| c.image = regex::Regex::new("kaniko").ok());
        let pg = with(|c| c.service = regex::Regex::new("^postgres:").ok());
        assert_eq!(none.eval(&kaniko), Tri::Unknown);
        assert_eq!(none.eval(&pg), Tri::Unknown);
        let job = ctx(&[
            (Probe::Runner, "Running with gitlab-runner 17.3.1 (abc)"),
            (
                Probe::ExecutorImage,
                "Using Docker executor with image gcr.io/kaniko-project/executor:debug ...",
            ),
            (Probe::Service, "Starting service postgres:15..."),
        ]);
        assert_eq!(job.eval(&kaniko), Tri::True);
        assert_eq!(job.eval(&pg), Tri::True);
        let other = ctx(&[
            (Probe::Runner, "Running with gitlab-runner 17.3.1 (abc)"),
            (Probe::ExecutorImage, "Using Docker executor with image docker:24.0.5 ..."),
        ]);
        assert_eq!(other.eval(&kaniko), Tri::False);
        assert_eq!(other.eval(&pg), Tri::False);
    }

    #[test]
    fn a_daemon_service_is_named_by_its_image_not_its_registry() {
        let daemon = ContextCondition { daemon_service: Some(true), ..Default::default() };
        let with_service = |svc: &str| {
            let started = format!("Starting service {svc}...");
            ctx(&[
                (Probe::Runner, "Running with gitlab-runner 17.3.1 (abc)"),
                (Probe::ExecutorImage, "Using Docker executor with image python:3.12 ..."),
                (Probe::Service, started.as_str()),
            ])
            .eval(&daemon)
        };
        assert_eq!(with_service("docker:24.0.5-dind"), Tri::True);
        assert_eq!(with_service("registry.example.com/ci/docker:27.3.1"), Tri::True);
        assert_eq!(with_service("moby/buildkit:v0.16.0"), Tri::True);
        assert_eq!(with_service("docker.io/library/postgres:16.4"), Tri::False);
        assert_eq!(with_service("harbor.example.com/dockerhub/library/redis:7"), Tri::False);
    }

    #[test]
    fn image_names() {
        assert!(is_dind("docker:24.0.5-dind"));
        assert!(is_dind("docker:dind"));
        assert!(is_dind("registry.example.com:5000/mirror/docker:dind-rootless"));
        assert!(!is_dind("docker:24.0.5"));
        assert!(!is_dind("dind-helper/postgres:15"));
        assert!(has_registry_host("registry.example.com/mirror/docker:24-dind"));
        assert!(has_registry_host("localhost:5000/docker:dind"));
        assert!(!has_registry_host("library/docker:dind"));
        assert!(!has_registry_host("docker:dind"));
    }
}
