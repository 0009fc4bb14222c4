//! What the live job's environment says: GitLab's variables and the job container's own files, as job context and as evidence.
//!
//! Inside a job (`run`, `annotate`, `scan --env-context`) these facts are used
//! exactly as the runner's preamble would be: a variable that is set is known,
//! one that is unset leaves the fact unknown (three-valued, as in
//! [`crate::JobContext`]). Nothing here is read from the log, so nothing here is
//! untrusted in the way log text is; values are still redacted before they
//! are shown, since variables carry credentials.

use crate::context::JobContext;
use crate::redact;
use crate::scan::Evidence;
use crate::signature::Source;

/// The variables read, in the order they are shown as evidence.
pub const VARIABLES: &[&str] = &[
    "DOCKER_HOST",
    "DOCKER_TLS_CERTDIR",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
    "CI_RUNNER_VERSION",
    "CI_SERVER_VERSION",
    "CI_JOB_IMAGE",
    "CI_RUNNER_EXECUTABLE_ARCH",
    "CI_DEBUG_SERVICES",
    "FF_NETWORK_PER_BUILD",
    "DOCKER_PORT_2375_TCP",
    "DOCKER_PORT_2376_TCP",
];

/// The job's environment, as read once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobEnv {
    /// `(name, value)` of each of [`VARIABLES`] that is set, in that order.
    pub vars: Vec<(String, String)>,
    /// `/etc/hosts`, when readable.
    pub hosts: Option<String>,
    /// `/etc/resolv.conf`, when readable.
    pub resolv: Option<String>,
}

/// `/etc/hosts` and `/etc/resolv.conf` are small; a larger one is not what it seems.
const MAX_FILE: u64 = 64 * 1024;

impl JobEnv {
    /// Reads the process environment and the container's files.
    pub fn from_process() -> JobEnv {
        let read = |p: &str| {
            let meta = std::fs::metadata(p).ok()?;
            (meta.len() <= MAX_FILE).then(|| std::fs::read_to_string(p).ok()).flatten()
        };
        JobEnv::from_lookup(
            |name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()),
            read("/etc/hosts"),
            read("/etc/resolv.conf"),
        )
    }

    /// From any variable lookup (tests pass a map, never the real environment).
    pub fn from_lookup(
        var: impl Fn(&str) -> Option<String>,
        hosts: Option<String>,
        resolv: Option<String>,
    ) -> JobEnv {
        let vars = VARIABLES.iter().filter_map(|&n| var(n).map(|v| (n.to_string(), v))).collect();
        JobEnv { vars, hosts, resolv }
    }

    /// Whether this is a GitLab job at all (the runner always sets its version).
    pub fn in_job(&self) -> bool {
        self.var("CI_RUNNER_VERSION").is_some()
    }

    /// A variable's value, when set.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The host `DOCKER_HOST` names (`tcp://docker:2375` gives `docker`).
    /// Read as the CLI reads it: a value the CLI refuses names no host.
    pub fn docker_host_name(&self) -> Option<String> {
        let value = self.var("DOCKER_HOST").filter(|v| !v.trim().is_empty())?;
        let host = crate::docker::DockerHost::parse(value, false).ok()?;
        host.host_name().map(str::to_string)
    }

    /// Whether a service answers to `name` by the legacy links: the runner
    /// writes it into `/etc/hosts` and sets `<NAME>_PORT_<port>_TCP`.
    /// `None` when the environment cannot say (network per build resolves
    /// service names by DNS, which leaves no trace here).
    pub fn service_linked(&self, name: &str) -> Option<bool> {
        let in_hosts = self.hosts.as_deref().is_some_and(|h| {
            h.lines()
                .map(|l| l.split('#').next().unwrap_or_default())
                .any(|l| l.split_whitespace().skip(1).any(|n| n == name))
        });
        let linked = name == "docker"
            && (self.var("DOCKER_PORT_2375_TCP").is_some()
                || self.var("DOCKER_PORT_2376_TCP").is_some());
        if in_hosts || linked {
            Some(true)
        } else if self.var("FF_NETWORK_PER_BUILD").is_some_and(truthy) || self.hosts.is_none() {
            None
        } else {
            Some(false)
        }
    }

    /// The nameservers the job's resolver asks.
    pub fn nameservers(&self) -> Vec<&str> {
        self.resolv
            .as_deref()
            .map(|r| {
                r.lines()
                    .filter_map(|l| l.trim().strip_prefix("nameserver"))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Fills what the log left unknown, as the preamble would have: the
    /// runner version and the job image, the network-per-build flag, and a
    /// dind service that the links prove.
    pub fn apply(&self, ctx: &mut JobContext) {
        if ctx.runner_version.is_none() {
            ctx.runner_version = self.var("CI_RUNNER_VERSION").map(str::to_string);
        }
        if ctx.image.is_none() {
            ctx.image = self.var("CI_JOB_IMAGE").map(str::to_string);
        }
        if self.var("FF_NETWORK_PER_BUILD").is_some_and(truthy)
            && !ctx.feature_flags.iter().any(|f| f == "FF_NETWORK_PER_BUILD")
        {
            ctx.feature_flags.push("FF_NETWORK_PER_BUILD".to_string());
        }
        if let Some(host) = self.docker_host_name() {
            if self.service_linked(&host) == Some(true) {
                ctx.env_service = Some(host);
            }
        }
    }

    /// The environment as evidence lines, credentials masked: what a person
    /// checks first when a job cannot reach its daemon.
    pub fn evidence(&self) -> Vec<Evidence> {
        let mut out: Vec<Evidence> = self
            .vars
            .iter()
            .filter(|(n, _)| {
                n.starts_with("DOCKER_") || n == "FF_NETWORK_PER_BUILD" || n == "CI_DEBUG_SERVICES"
            })
            .map(|(n, v)| line(format!("{n}={}", shown(v))))
            .collect();
        if self.var("DOCKER_HOST").is_none() {
            out.insert(0, line("DOCKER_HOST is not set".to_string()));
        }
        if let Some(host) = self.docker_host_name() {
            match self.service_linked(&host) {
                Some(true) => out.push(line(format!("/etc/hosts names {host}: a service has that alias"))),
                Some(false) => out.push(line(format!(
                    "/etc/hosts does not name {host} and FF_NETWORK_PER_BUILD is off: no service has that alias"
                ))),
                None => {}
            }
        }
        let ns = self.nameservers();
        if !ns.is_empty() {
            out.push(line(format!("/etc/resolv.conf: nameserver {}", ns.join(", "))));
        }
        out
    }
}

/// GitLab's feature flags take `true`/`1`.
fn truthy(v: &str) -> bool {
    matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes")
}

fn shown(v: &str) -> String {
    if v.is_empty() {
        "\"\" (empty)".to_string()
    } else {
        redact::redact(v).into_owned()
    }
}

fn line(text: String) -> Evidence {
    Evidence {
        line: 0,
        source: Source::Env,
        section: None,
        text: format!("from the job's environment: {text}"),
        captures: Vec::new(),
        origin: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)], hosts: Option<&str>) -> JobEnv {
        let map: Vec<(String, String)> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        JobEnv::from_lookup(
            |n| map.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()),
            hosts.map(str::to_string),
            Some("search example.com\nnameserver 10.0.0.2\n".to_string()),
        )
    }

    #[test]
    fn fills_what_the_log_left_unknown() {
        let e = env(
            &[
                ("CI_RUNNER_VERSION", "17.3.1"),
                ("CI_JOB_IMAGE", "docker:24.0.5"),
                ("DOCKER_HOST", "tcp://docker:2375"),
            ],
            Some("127.0.0.1 localhost\n172.17.0.3\tdocker 3f2a runner-abc-docker-0\n"),
        );
        let mut ctx = JobContext::default();
        e.apply(&mut ctx);
        assert_eq!(ctx.runner_version.as_deref(), Some("17.3.1"));
        assert_eq!(ctx.image.as_deref(), Some("docker:24.0.5"));
        assert_eq!(ctx.env_service.as_deref(), Some("docker"));
        // What the log said wins.
        let mut ctx = JobContext { runner_version: Some("12.6.0".into()), ..JobContext::default() };
        e.apply(&mut ctx);
        assert_eq!(ctx.runner_version.as_deref(), Some("12.6.0"));
    }

    #[test]
    fn service_alias_known_unknown_or_absent() {
        let hosts = Some("127.0.0.1 localhost\n");
        assert_eq!(env(&[], hosts).service_linked("docker"), Some(false));
        assert_eq!(
            env(&[("DOCKER_PORT_2375_TCP", "tcp://172.17.0.3:2375")], hosts)
                .service_linked("docker"),
            Some(true)
        );
        assert_eq!(env(&[("FF_NETWORK_PER_BUILD", "true")], hosts).service_linked("docker"), None);
        assert_eq!(env(&[], None).service_linked("docker"), None);
        assert_eq!(env(&[], Some("# docker\n")).service_linked("docker"), Some(false));
    }

    #[test]
    fn evidence_masks_credentials_and_says_what_is_unset() {
        let e = env(
            &[
                ("DOCKER_HOST", "tcp://admin:s3cr3tpassw0rd@docker:2375"),
                ("DOCKER_TLS_CERTDIR", ""),
            ],
            None,
        );
        let text: Vec<String> = e.evidence().into_iter().map(|l| l.text).collect();
        assert!(text.iter().all(|t| !t.contains("s3cr3tpassw0rd")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("DOCKER_TLS_CERTDIR=\"\" (empty)")), "{text:?}");
        assert!(text.iter().any(|t| t.ends_with("nameserver 10.0.0.2")), "{text:?}");
        assert_eq!(e.docker_host_name().as_deref(), Some("docker"));
        let none = env(&[], None).evidence();
        assert_eq!(none[0].text, "from the job's environment: DOCKER_HOST is not set");
        assert!(none.iter().all(|l| l.source == Source::Env));
    }
}
