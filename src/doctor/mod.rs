//! `dindlog doctor`: active checks from inside the job container, each mapped to a catalog class id.
//!
//! The checks run in this order; a network check that cannot run because an
//! earlier one failed is reported as skipped, so the first ✖ is the one to fix:
//!
//! | check | what it asks | classes it reports |
//! |---|---|---|
//! | `docker-host` | is `DOCKER_HOST` one the docker CLI accepts (read as the CLI reads it: `http://` is refused, `ssh://` is not dialled); without it, is there a local socket | `daemon-unix-socket` |
//! | `tls-files` | when TLS is on or the port is 2376: `ca.pem`, `cert.pem`, `key.pem` readable and matching | `tls-certs-missing` |
//! | `resolve` | does the host name resolve | `dind-service-missing` (host `docker`) |
//! | `connect` | does the port accept; if 2375 is closed, is 2376 open (and back) | `daemon-tls-port`, `service-not-ready`, `socket-permission`, `daemon-unix-socket` |
//! | `protocol` | does the port speak what the client speaks (TLS or plain HTTP); is the daemon's certificate ours | `daemon-tls-port`, `tls-certs-missing` |
//! | `ping` | `GET /_ping` answers `OK` | `tls-certs-missing` (client certificate refused) |
//! | `version` | `GET /version`: engine and API version | |
//! | `storage-driver` | `GET /info`: `Driver` | `storage-driver` (vfs, a warning) |
//! | `cli` | a `docker` program in `PATH` | `docker-cli-missing` |
//! | `compose` | `docker-compose` in `PATH` or the `docker compose` plugin | `compose-missing` (a warning) |
//!
//! Doctor never runs the docker program: it speaks HTTP/1.1 to the Engine API
//! itself (`http`), over TCP, TLS (`tls`, rustls) or a unix socket. Every
//! network step is bounded by [`DoctorEnv::timeout`] and the whole run by
//! three times that (`net`), so a dead service cannot hang the job.
//! Everything doctor reads from the environment is in [`DoctorEnv`], so tests
//! never touch the real environment or the real `/certs`.

mod checks;
pub mod http;
mod local;
mod net;
mod output;
mod tls;

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

/// The per-check timeout [`DoctorEnv::from_process_env`] uses.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// Everything doctor reads from the environment, so tests never touch the
/// real environment or filesystem paths.
#[derive(Debug, Clone)]
pub struct DoctorEnv {
    /// `DOCKER_HOST`.
    pub docker_host: Option<String>,
    /// `DOCKER_TLS_VERIFY`: like the CLI, any non-empty value turns TLS on (even `0`).
    pub docker_tls_verify: Option<String>,
    /// `DOCKER_CERT_PATH`, used as given (not under [`root`](Self::root)).
    pub docker_cert_path: Option<String>,
    /// `DOCKER_TLS_CERTDIR`: without `DOCKER_CERT_PATH`, certificates are read
    /// from `<root>/<DOCKER_TLS_CERTDIR>/client`, where the docker image's
    /// entrypoint would point `DOCKER_CERT_PATH`.
    pub docker_tls_certdir: Option<String>,
    /// `DOCKER_CONFIG`: its `cli-plugins` holds the user's CLI plugins.
    pub docker_config: Option<String>,
    /// `HOME`: `~/.docker/cli-plugins`, and `~/.docker` as the CLI's default certificate directory.
    pub home: Option<PathBuf>,
    /// `PATH`, to look for `docker` and `docker-compose`.
    pub path: Option<OsString>,
    /// The filesystem root for the fixed paths doctor checks: `/var/run/docker.sock`,
    /// `/certs/client` (from `DOCKER_TLS_CERTDIR`) and the system CLI plugin
    /// directories. `/` normally; tests point it at a temporary directory.
    pub root: PathBuf,
    /// The limit for each network step; the whole run takes at most three times this.
    pub timeout: Duration,
}

impl DoctorEnv {
    /// Reads the process environment; root `/`, timeout [`DEFAULT_TIMEOUT`].
    pub fn from_process_env() -> Self {
        let var = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        DoctorEnv {
            docker_host: var("DOCKER_HOST"),
            docker_tls_verify: var("DOCKER_TLS_VERIFY"),
            docker_cert_path: var("DOCKER_CERT_PATH"),
            docker_tls_certdir: var("DOCKER_TLS_CERTDIR"),
            docker_config: var("DOCKER_CONFIG"),
            home: std::env::var_os("HOME").map(PathBuf::from),
            path: std::env::var_os("PATH"),
            root: PathBuf::from("/"),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// An environment with nothing set, rooted at `root`: the base for tests.
    pub fn empty(root: impl Into<PathBuf>) -> Self {
        DoctorEnv {
            docker_host: None,
            docker_tls_verify: None,
            docker_cert_path: None,
            docker_tls_certdir: None,
            docker_config: None,
            home: None,
            path: None,
            root: root.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    fn tls_on(&self) -> bool {
        self.docker_tls_verify.as_deref().is_some_and(|v| !v.is_empty())
    }

    /// Where the CLI would read `ca.pem`, `cert.pem` and `key.pem`.
    fn cert_dir(&self) -> PathBuf {
        if let Some(p) = self.docker_cert_path.as_deref().filter(|p| !p.is_empty()) {
            return PathBuf::from(p);
        }
        if let Some(d) = self.docker_tls_certdir.as_deref().filter(|d| !d.is_empty()) {
            return self.root.join(d.trim_start_matches('/')).join("client");
        }
        self.home.as_deref().unwrap_or(&self.root).join(".docker")
    }

    fn rooted(&self, absolute: &str) -> PathBuf {
        self.root.join(absolute.trim_start_matches('/'))
    }
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fine.
    Ok,
    /// Works, but worth fixing (vfs, no compose).
    Warn,
    /// Broken: the job's docker commands will fail.
    Fail,
    /// Not run, because it does not apply or an earlier check failed.
    Skip,
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable name: `docker-host`, `tls-files`, `resolve`, `connect`,
    /// `protocol`, `ping`, `version`, `storage-driver`, `cli`, `compose`.
    pub name: &'static str,
    /// How it ended.
    pub status: Status,
    /// What was found, in one sentence or two.
    pub message: String,
    /// The catalog class id this problem is, when one fits.
    pub class: Option<&'static str>,
    /// What to change.
    pub fix: Option<String>,
}

/// What the daemon said about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DaemonInfo {
    /// Engine version (`/version` `Version`), e.g. `24.0.5`.
    pub version: Option<String>,
    /// API version (`/version` `ApiVersion`, else the `/_ping` `Api-Version` header).
    pub api_version: Option<String>,
    /// `Os` and `Arch`, e.g. `linux/amd64`.
    pub os: Option<String>,
    /// `/info` `Driver`, e.g. `overlay2`.
    pub storage_driver: Option<String>,
    /// `/version` `MinAPIVersion`: the oldest API the daemon accepts.
    pub min_api_version: Option<String>,
    /// `/info` `SecurityOptions`, e.g. `name=seccomp,profile=builtin`, `name=rootless`.
    pub security_options: Vec<String>,
}

/// Everything one doctor run found.
#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    /// The endpoint tested, e.g. `tcp://docker:2376`, when there was one.
    pub endpoint: Option<String>,
    /// Every check, in the order run.
    pub checks: Vec<Check>,
    /// Set when the daemon answered `/_ping`.
    pub daemon: Option<DaemonInfo>,
}

impl DoctorReport {
    /// The daemon answered and no check failed: doctor's exit status 0.
    pub fn ok(&self) -> bool {
        self.daemon.is_some() && !self.checks.iter().any(|c| c.status == Status::Fail)
    }

    /// The check with this name.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The class ids of failed and warned checks, in order, without repeats.
    pub fn classes(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for c in &self.checks {
            if let (Status::Fail | Status::Warn, Some(id)) = (c.status, c.class) {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
        out
    }
}

/// Runs every check. Never panics; bounded by three times `env.timeout`
/// (getaddrinfo threads that outlive it are abandoned, not waited for).
pub fn run(env: &DoctorEnv) -> DoctorReport {
    checks::run(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> DoctorEnv {
        DoctorEnv::empty("/nonexistent/dindlog-doctor-root")
    }

    #[test]
    fn tls_verify_is_on_when_non_empty() {
        let mut e = env();
        assert!(!e.tls_on());
        e.docker_tls_verify = Some(String::new());
        assert!(!e.tls_on());
        e.docker_tls_verify = Some("0".into());
        assert!(e.tls_on());
    }

    #[test]
    fn cert_dir_follows_the_cli_and_entrypoint() {
        let mut e = env();
        e.home = Some("/home/u".into());
        assert_eq!(e.cert_dir(), PathBuf::from("/home/u/.docker"));
        e.docker_tls_certdir = Some("/certs".into());
        assert_eq!(e.cert_dir(), PathBuf::from("/nonexistent/dindlog-doctor-root/certs/client"));
        e.docker_cert_path = Some("/elsewhere".into());
        assert_eq!(e.cert_dir(), PathBuf::from("/elsewhere"));
    }

    #[test]
    fn no_host_and_no_socket_is_daemon_unix_socket() {
        let r = run(&env());
        let c = r.check("docker-host").unwrap();
        assert_eq!((c.status, c.class), (Status::Fail, Some("daemon-unix-socket")));
        assert!(!r.ok());
        assert_eq!(r.check("ping").unwrap().status, Status::Skip);
    }

    #[test]
    fn falsy_tls_verify_warns() {
        let mut e = env();
        e.docker_host = Some("unix:///nonexistent/dindlog.sock".into());
        e.docker_tls_verify = Some("false".into());
        let r = run(&e);
        assert_eq!(r.check("docker-host").unwrap().status, Status::Warn);
    }

    #[test]
    fn every_class_doctor_reports_is_in_the_catalog() {
        let set = crate::SignatureSet::builtin().unwrap();
        let src = [include_str!("checks.rs")];
        for id in [
            "daemon-unix-socket",
            "tls-certs-missing",
            "dind-service-missing",
            "daemon-tls-port",
            "service-not-ready",
            "socket-permission",
            "storage-driver",
            "docker-cli-missing",
            "compose-missing",
        ] {
            assert!(src[0].contains(&format!("\"{id}\"")), "{id} unused");
            assert!(set.by_id(id).is_some(), "{id} is not a known class");
        }
    }
}
