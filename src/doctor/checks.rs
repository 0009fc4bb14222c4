//! The checks themselves: each one asks one question of the environment, the network or the daemon, and records a `Check`.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rustls::ClientConfig;

use super::http::{self, HttpError, Response};
use super::net::{self, Deadline, DeadlineStream, ResolveError};
use super::tls::{self, TlsProblem};
use super::{local, Check, DaemonInfo, DoctorEnv, DoctorReport, Status};
use crate::docker::{DockerHost, DEFAULT_SOCKET, PLAIN_PORT, TLS_PORT};
use crate::signature::{Signature, SignatureSet};

/// How doctor reaches the API once the transport is known.
enum Target {
    Tcp { addr: SocketAddr, host: String, tls: Option<Arc<ClientConfig>> },
    Unix(PathBuf),
}

/// What `tls-files` found.
struct TlsSetup {
    dir: PathBuf,
    config: Option<Arc<ClientConfig>>,
}

struct Doctor<'a> {
    env: &'a DoctorEnv,
    /// The whole run's budget.
    end: Instant,
    checks: Vec<Check>,
    daemon: Option<DaemonInfo>,
}

/// What tells certificates of another daemon apart, added to the message of
/// a certificate check (the class fix says how to share certificates).
const STALE: &str = "these certificates belong to another daemon: give each job its own \
/certs/client (no volume shared by concurrent jobs)";

/// Runs every check in order; see the table in the parent module.
pub(super) fn run(env: &DoctorEnv) -> DoctorReport {
    let mut d = Doctor {
        env,
        end: Instant::now().checked_add(env.timeout.saturating_mul(3)).unwrap_or_else(Instant::now),
        checks: Vec::new(),
        daemon: None,
    };
    let endpoint = d.check_host();
    let tls = d.check_tls_files(endpoint.as_ref());
    let target = match &endpoint {
        Some(DockerHost::Tcp { host, port }) => d.tcp(host, *port, &tls),
        Some(DockerHost::Unix(path)) => d.unix(path),
        Some(other) => {
            let why = format!("doctor does not dial {}:// hosts", other.scheme());
            d.skip(&["resolve", "connect", "protocol"], &why);
            None
        }
        None => {
            d.skip(&["resolve", "connect", "protocol"], "no daemon address to test");
            None
        }
    };
    d.api(target.as_ref());
    d.check_cli();
    d.check_compose();
    DoctorReport { endpoint: endpoint.map(|e| e.to_string()), checks: d.checks, daemon: d.daemon }
}

impl Doctor<'_> {
    fn deadline(&self) -> Deadline {
        Deadline::new(self.env.timeout, self.end)
    }

    fn push(&mut self, name: &'static str, status: Status, message: impl Into<String>) {
        self.checks.push(Check { name, status, message: message.into(), class: None, fix: None });
    }

    /// A check that found a class: the fix is the class's, from the signature set.
    fn problem(
        &mut self,
        name: &'static str,
        status: Status,
        class: &'static str,
        message: impl Into<String>,
    ) {
        let fix = SignatureSet::builtin_shared()
            .ok()
            .and_then(|set| set.by_id(class))
            .map(|sig| Signature::with_defaults(&sig.fix));
        self.checks.push(Check { name, status, message: message.into(), class: Some(class), fix });
    }

    /// A check that failed without a class: its fix is about this situation only.
    fn hint(&mut self, name: &'static str, status: Status, message: impl Into<String>, fix: &str) {
        self.checks.push(Check {
            name,
            status,
            message: message.into(),
            class: None,
            fix: Some(fix.to_string()),
        });
    }

    fn skip(&mut self, names: &[&'static str], why: &str) {
        for n in names {
            self.push(n, Status::Skip, format!("skipped: {why}"));
        }
    }

    fn secs(&self) -> String {
        format!("{:.1} s", self.env.timeout.as_secs_f64())
    }

    // ---- docker-host ----------------------------------------------------

    /// Reads `DOCKER_HOST` as the CLI does; `None` when there is nothing
    /// doctor can dial (then the network checks are skipped by the caller).
    fn check_host(&mut self) -> Option<DockerHost> {
        let tls_on = self.env.tls_on();
        let verify = self.env.docker_tls_verify.as_deref().unwrap_or("");
        // The CLI only asks whether the variable is non-empty.
        let falsy = ["0", "false", "no", "off"].contains(&verify.to_ascii_lowercase().as_str());
        let tls_note = if falsy {
            format!(
                "the client speaks TLS: the CLI treats any non-empty DOCKER_TLS_VERIFY as on, \
                 even {verify:?}"
            )
        } else if tls_on {
            "the client speaks TLS (DOCKER_TLS_VERIFY is set)".to_string()
        } else {
            "the client speaks plain HTTP (DOCKER_TLS_VERIFY is empty)".to_string()
        };
        let status = if falsy { Status::Warn } else { Status::Ok };
        let raw = self.env.docker_host.as_deref().map(str::trim).filter(|h| !h.is_empty());
        let Some(raw) = raw else {
            if tls_on {
                // With TLS on, the CLI's default is the TLS port on this host, not the socket.
                let host = DockerHost::parse("", true).ok()?;
                self.push(
                    "docker-host",
                    status,
                    format!("DOCKER_HOST is not set: the CLI uses {host}; {tls_note}"),
                );
                return Some(host);
            }
            let sock = self.env.rooted(DEFAULT_SOCKET);
            if sock.exists() {
                self.push(
                    "docker-host",
                    Status::Ok,
                    format!("DOCKER_HOST is not set: the CLI uses unix://{DEFAULT_SOCKET}, which exists"),
                );
                return Some(DockerHost::Unix(sock));
            }
            self.problem("docker-host", Status::Fail, "daemon-unix-socket", format!(
                    "DOCKER_HOST is not set and {DEFAULT_SOCKET} does not exist: the CLI has no daemon to talk to"
                ));
            return None;
        };
        match DockerHost::parse(raw, tls_on) {
            Ok(h @ DockerHost::Tcp { .. }) => {
                self.push("docker-host", status, format!("{h}; {tls_note}"));
                Some(h)
            }
            Ok(h @ DockerHost::Unix(_)) => {
                self.push("docker-host", status, h.to_string());
                Some(h)
            }
            Ok(h) => {
                let what = match &h {
                    DockerHost::Ssh(_) => {
                        "an SSH host: the CLI runs `docker system dial-stdio` there over ssh"
                    }
                    DockerHost::Npipe(_) => "a Windows named pipe",
                    _ => "a systemd socket, which only the daemon side uses",
                };
                self.push(
                    "docker-host",
                    Status::Skip,
                    format!(
                        "DOCKER_HOST={h} is {what}; doctor tests tcp:// and unix:// hosts only, so \
                         nothing was tried"
                    ),
                );
                Some(h)
            }
            Err(err) => {
                self.hint(
                    "docker-host",
                    Status::Fail,
                    format!("DOCKER_HOST={raw:?}: the docker CLI refuses it: {err}"),
                    "Use tcp://docker:2376 (TLS) or tcp://docker:2375 (TLS off), or unix:///path; \
                     the CLI takes no http:// or https:// URL.",
                );
                None
            }
        }
    }

    // ---- tls-files --------------------------------------------------------

    fn check_tls_files(&mut self, endpoint: Option<&DockerHost>) -> TlsSetup {
        let dir = self.env.cert_dir();
        let mut setup = TlsSetup { dir: dir.clone(), config: None };
        let port = match endpoint {
            Some(DockerHost::Tcp { port, .. }) => *port,
            Some(DockerHost::Unix(_)) => {
                self.push("tls-files", Status::Skip, "skipped: a unix socket needs no TLS");
                return setup;
            }
            _ => {
                self.push("tls-files", Status::Skip, "skipped: no TCP daemon address");
                return setup;
            }
        };
        let tls_on = self.env.tls_on();
        if !tls_on && port != TLS_PORT {
            self.push(
                "tls-files",
                Status::Skip,
                format!(
                    "skipped: the client speaks plain HTTP (DOCKER_TLS_VERIFY is empty) and the \
                     port is not {TLS_PORT}"
                ),
            );
            return setup;
        }
        match tls::load_config(&dir) {
            Ok(config) => {
                let note = if tls_on {
                    ""
                } else {
                    ", but DOCKER_TLS_VERIFY is empty so the CLI does not use them"
                };
                self.push(
                    "tls-files",
                    Status::Ok,
                    format!("ca.pem, cert.pem and key.pem in {}{note}", dir.display()),
                );
                setup.config = Some(config);
            }
            Err(problems) => {
                let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                // Plain HTTP on the TLS port: the certificates are what the
                // client would need to talk TLS there, which it does not try.
                let message = if tls_on {
                    format!(
                        "the client speaks TLS but has no usable certificates: {}",
                        list.join("; ")
                    )
                } else {
                    format!(
                        "port {TLS_PORT} is the daemon's TLS port, and the client could not talk \
                         TLS to it even if DOCKER_TLS_VERIFY were set: {}",
                        list.join("; ")
                    )
                };
                self.problem("tls-files", Status::Fail, "tls-certs-missing", message);
            }
        }
        setup
    }

    // ---- resolve, connect, protocol over TCP ------------------------------

    fn tcp(&mut self, host: &str, port: u16, tls: &TlsSetup) -> Option<Target> {
        let addrs = match net::resolve(host, port, self.deadline()) {
            Ok(a) => {
                let ips: Vec<String> = a.iter().map(|s| s.ip().to_string()).collect();
                self.push("resolve", Status::Ok, format!("{host} → {}", ips.join(", ")));
                a
            }
            Err(e) => {
                self.resolve_failed(host, e);
                self.skip(&["connect", "protocol"], "the host did not resolve");
                return None;
            }
        };
        let (sock, addr) = match net::connect_any(&addrs, self.deadline()) {
            Ok(ok) => ok,
            Err(e) => {
                self.connect_failed(&addrs, host, port, e);
                self.skip(&["protocol"], "no connection");
                return None;
            }
        };
        let via = if host == addr.ip().to_string() { String::new() } else { format!(" ({addr})") };
        self.push("connect", Status::Ok, format!("{host}:{port}{via} accepts connections"));
        let mode = self.protocol(sock, addr, host, port, tls)?;
        Some(Target::Tcp { addr, host: host.to_string(), tls: mode })
    }

    fn resolve_failed(&mut self, host: &str, e: ResolveError) {
        let why = match &e {
            ResolveError::Failed(err) => format!("does not resolve ({err})"),
            ResolveError::TimedOut => format!("did not resolve within {}", self.secs()),
            ResolveError::Empty => "resolves to no address".to_string(),
        };
        if host == "docker" {
            self.problem(
                "resolve",
                Status::Fail,
                "dind-service-missing",
                format!(
                    "{host} {why}. Is a dind service defined under services:, and is its \
                     hostname docker (an image named with a registry host needs alias: docker)? \
                     A service that crashed at start (not privileged) also leaves no host."
                ),
            );
        } else {
            self.hint(
                "resolve",
                Status::Fail,
                format!("{host} {why}"),
                "Check the host name in DOCKER_HOST against the service's alias.",
            );
        }
    }

    fn connect_failed(&mut self, addrs: &[SocketAddr], host: &str, port: u16, e: io::Error) {
        let what = format!("{host}:{port}");
        match e.kind() {
            io::ErrorKind::ConnectionRefused => {
                let alt = match port {
                    PLAIN_PORT => Some(TLS_PORT),
                    TLS_PORT => Some(PLAIN_PORT),
                    _ => None,
                };
                let alt_open = alt.filter(|&p| self.port_open(addrs, p));
                match alt_open {
                    Some(TLS_PORT) => self.problem(
                        "connect",
                        Status::Fail,
                        "daemon-tls-port",
                        format!(
                            "{what}: connection refused, but {host}:{TLS_PORT} is open: the daemon \
                             serves TLS on {TLS_PORT} (dind 19.03+ with DOCKER_TLS_CERTDIR set){}",
                            self.certdir_note()
                        ),
                    ),
                    Some(other) => self.problem(
                        "connect",
                        Status::Fail,
                        "daemon-tls-port",
                        format!(
                            "{what}: connection refused, but {host}:{other} is open: the daemon \
                             has TLS off (DOCKER_TLS_CERTDIR: \"\") and listens on {other}"
                        ),
                    ),
                    None => self.problem(
                        "connect",
                        Status::Fail,
                        "service-not-ready",
                        format!(
                            "{what}: connection refused: the host exists but no daemon listens \
                             (still starting, or it failed: see the service log)"
                        ),
                    ),
                }
            }
            io::ErrorKind::TimedOut => self.hint(
                "connect",
                Status::Fail,
                format!("{what}: no answer within {}", self.secs()),
                "A firewall or a wrong address: DOCKER_HOST should name the dind service.",
            ),
            _ => self.hint(
                "connect",
                Status::Fail,
                format!("{what}: {e}"),
                "Check DOCKER_HOST and the network between the job and the service.",
            ),
        }
    }

    fn port_open(&self, addrs: &[SocketAddr], port: u16) -> bool {
        let alt: Vec<SocketAddr> = addrs.iter().map(|a| SocketAddr::new(a.ip(), port)).collect();
        net::connect_any(&alt, self.deadline()).is_ok()
    }

    /// Finds out whether the port speaks what the client speaks. Returns the
    /// TLS configuration to use (`None` for plain HTTP), or `None` overall when
    /// the API cannot be reached as the client would reach it.
    fn protocol(
        &mut self,
        sock: TcpStream,
        addr: SocketAddr,
        host: &str,
        port: u16,
        tls: &TlsSetup,
    ) -> Option<Option<Arc<ClientConfig>>> {
        let stream = DeadlineStream::new(sock, self.deadline());
        if self.env.tls_on() {
            self.protocol_tls(stream, host, tls)
        } else {
            self.protocol_plain(stream, addr, host, port)
        }
    }

    fn protocol_tls(
        &mut self,
        stream: DeadlineStream<TcpStream>,
        host: &str,
        tls: &TlsSetup,
    ) -> Option<Option<Arc<ClientConfig>>> {
        let (config, verified) = match (&tls.config, tls::probe_config()) {
            (Some(c), _) => (c.clone(), true),
            (None, Ok(p)) => (p, false),
            (None, Err(e)) => {
                self.push("protocol", Status::Fail, format!("cannot set up TLS: {e}"));
                return None;
            }
        };
        match tls::handshake(config.clone(), host, stream) {
            Ok(_) if verified => {
                self.push(
                    "protocol",
                    Status::Ok,
                    format!(
                        "TLS; the daemon's certificate is signed by {}/ca.pem",
                        tls.dir.display()
                    ),
                );
                Some(Some(config))
            }
            Ok(_) => {
                self.push(
                    "protocol",
                    Status::Ok,
                    "the port speaks TLS (certificate not checked: no usable ca.pem)",
                );
                None
            }
            Err(p) => {
                self.tls_failed("protocol", &p, tls);
                None
            }
        }
    }

    fn tls_failed(&mut self, name: &'static str, p: &TlsProblem, tls: &TlsSetup) {
        let dir = tls.dir.display();
        match p {
            TlsProblem::PlainHttpPeer => self.problem(
                name,
                Status::Fail,
                "daemon-tls-port",
                "the client speaks TLS (DOCKER_TLS_VERIFY set) but the daemon answers in plain \
                 HTTP: TLS is off on the daemon",
            ),
            TlsProblem::UnknownIssuer => self.problem(
                name,
                Status::Fail,
                "tls-certs-missing",
                format!("{p}: the daemon's certificate is not signed by {dir}/ca.pem; {STALE}"),
            ),
            TlsProblem::WrongName => self.problem(
                name,
                Status::Fail,
                "tls-certs-missing",
                format!(
                    "{p}: dind's certificate names docker, localhost and the service's \
                     hostname; DOCKER_HOST must use one of them"
                ),
            ),
            TlsProblem::NotCurrent | TlsProblem::BadCertificate(_) => {
                self.problem(name, Status::Fail, "tls-certs-missing", format!("{p}; {STALE}"))
            }
            TlsProblem::ClientCertRejected(_) => self.problem(
                name,
                Status::Fail,
                "tls-certs-missing",
                format!("{p}: {dir}/cert.pem is not signed by the daemon's CA; {STALE}"),
            ),
            TlsProblem::Closed | TlsProblem::Io(_) | TlsProblem::Other(_) => {
                self.push(name, Status::Fail, p.to_string())
            }
        }
    }

    fn protocol_plain(
        &mut self,
        mut stream: DeadlineStream<TcpStream>,
        addr: SocketAddr,
        host: &str,
        port: u16,
    ) -> Option<Option<Arc<ClientConfig>>> {
        let answer = http::get(&mut stream, "/_ping");
        let evidence = match &answer {
            // Go's TLS listener answers a plain request with this 400.
            Ok(r) if r.status == 400 && r.text().contains("HTTP request to an HTTPS server") => {
                Some("it answered \"Client sent an HTTP request to an HTTPS server.\"")
            }
            // A TLS record: alert (0x15) or handshake (0x16).
            Err(HttpError::NotHttp(b)) if matches!(b.first(), Some(0x15 | 0x16)) => {
                Some("it answered with a TLS record")
            }
            // Silence: a TLS server may just hang up. Ask it in TLS to be sure.
            Err(HttpError::Empty) => self.answers_tls(addr, host),
            Err(HttpError::Io(e)) if e.kind() == io::ErrorKind::ConnectionReset => {
                self.answers_tls(addr, host)
            }
            _ => None,
        };
        if let Some(evidence) = evidence {
            let class = if port == TLS_PORT { "tls-certs-missing" } else { "daemon-tls-port" };
            self.problem(
                "protocol",
                Status::Fail,
                class,
                format!(
                    "{host}:{port} speaks TLS but the client speaks plain HTTP (DOCKER_TLS_VERIFY \
                     is empty): {evidence}{}",
                    self.certdir_note()
                ),
            );
            return None;
        }
        match answer {
            Ok(_) => {
                self.push("protocol", Status::Ok, "plain HTTP");
                Some(None)
            }
            Err(e) => {
                self.push("protocol", Status::Fail, format!("{host}:{port}: {e}"));
                None
            }
        }
    }

    /// Whether the port completes a TLS handshake (or refuses only our lack of
    /// a client certificate); says so as evidence.
    fn answers_tls(&self, addr: SocketAddr, host: &str) -> Option<&'static str> {
        let config = tls::probe_config().ok()?;
        let dl = self.deadline();
        let sock = TcpStream::connect_timeout(&addr, dl.remaining().ok()?).ok()?;
        match tls::handshake(config, host, DeadlineStream::new(sock, dl)) {
            Ok(_) | Err(TlsProblem::ClientCertRejected(_)) => {
                Some("it closed on plain HTTP and completed a TLS handshake")
            }
            Err(_) => None,
        }
    }

    /// Why the daemon may serve TLS although the client does not speak it.
    fn certdir_note(&self) -> &'static str {
        if self.env.docker_tls_certdir.as_deref().is_some_and(|d| !d.is_empty()) {
            "; DOCKER_TLS_CERTDIR is set, and job variables reach the dind service too, so it serves TLS"
        } else {
            ""
        }
    }

    // ---- unix socket ----------------------------------------------------

    fn unix(&mut self, path: &Path) -> Option<Target> {
        self.push("resolve", Status::Skip, "skipped: a unix socket has no host name");
        let shown = format!("unix://{}", path.display());
        match net::connect_unix(path, self.deadline()) {
            Ok(_) => {
                self.push("connect", Status::Ok, format!("{shown} accepts connections"));
                self.push("protocol", Status::Skip, "skipped: a unix socket speaks plain HTTP");
                return Some(Target::Unix(path.to_path_buf()));
            }
            Err(e) => {
                let is_default =
                    path == self.env.rooted(DEFAULT_SOCKET) || path == Path::new(DEFAULT_SOCKET);
                match e.kind() {
                    io::ErrorKind::NotFound if is_default => self.problem(
                        "connect",
                        Status::Fail,
                        "daemon-unix-socket",
                        format!("{shown} does not exist: a dind job container has no local daemon"),
                    ),
                    io::ErrorKind::PermissionDenied => self.problem(
                        "connect",
                        Status::Fail,
                        "socket-permission",
                        format!("{shown}: permission denied"),
                    ),
                    io::ErrorKind::ConnectionRefused => self.hint(
                        "connect",
                        Status::Fail,
                        format!("{shown}: connection refused: no daemon listens on this socket"),
                        "Start the daemon, or point DOCKER_HOST at the dind service.",
                    ),
                    _ => self.hint(
                        "connect",
                        Status::Fail,
                        format!("{shown}: {e}"),
                        "Check the socket path in DOCKER_HOST.",
                    ),
                }
            }
        }
        self.skip(&["protocol"], "no connection");
        None
    }

    // ---- the Engine API -------------------------------------------------

    fn api(&mut self, target: Option<&Target>) {
        let Some(target) = target else {
            self.skip(&["ping", "version", "storage-driver"], "the daemon was not reached");
            return;
        };
        let ping = match self.get(target, "/_ping") {
            Ok(r) => r,
            Err(e) => {
                self.api_failed("ping", e, target);
                self.skip(&["version", "storage-driver"], "the daemon did not answer /_ping");
                return;
            }
        };
        // Every Engine since API 1.25 sends Api-Version with /_ping, and its
        // body is `OK`: a web server, a proxy's error page or another service
        // on the port has neither, and its HTML says nothing useful here.
        let is_docker = ping.header("api-version").is_some() || ping.text().trim() == "OK";
        if !is_docker {
            let server = ping
                .header("server")
                .map(|s| format!(" (Server: {})", s.chars().take(60).collect::<String>()))
                .unwrap_or_default();
            self.push(
                "ping",
                Status::Fail,
                format!(
                    "this is not a Docker daemon: GET /_ping answered HTTP {}{server} without \
                     Docker's Api-Version header or its OK",
                    ping.status
                ),
            );
            self.skip(&["version", "storage-driver"], "the port is not a Docker daemon");
            return;
        }
        if ping.status != 200 {
            let body: String = ping.text().chars().take(200).collect();
            self.push(
                "ping",
                Status::Fail,
                format!("GET /_ping answered {}: {}", ping.status, body.trim()),
            );
            self.skip(&["version", "storage-driver"], "the daemon did not answer /_ping");
            return;
        }
        let mut info = DaemonInfo {
            api_version: ping.header("api-version").map(str::to_string),
            ..DaemonInfo::default()
        };
        self.push("ping", Status::Ok, format!("GET /_ping: {}", ping.text().trim()));
        match self.get_json(target, "/version") {
            Ok(v) => {
                let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
                info.version = s("Version");
                info.api_version = s("ApiVersion").or(info.api_version);
                info.min_api_version = s("MinAPIVersion");
                info.os = match (s("Os"), s("Arch")) {
                    (Some(o), Some(a)) => Some(format!("{o}/{a}")),
                    (o, _) => o,
                };
                let msg = format!(
                    "Docker Engine {} (API {}, {})",
                    info.version.as_deref().unwrap_or("?"),
                    info.api_version.as_deref().unwrap_or("?"),
                    info.os.as_deref().unwrap_or("?")
                );
                self.push("version", Status::Ok, msg);
            }
            Err(e) => self.push("version", Status::Warn, format!("GET /version: {e}")),
        }
        match self.get_json(target, "/info") {
            Ok(v) => {
                let driver = v.get("Driver").and_then(|x| x.as_str()).unwrap_or("").to_string();
                if driver == "vfs" {
                    self.problem(
                        "storage-driver",
                        Status::Warn,
                        "storage-driver",
                        "the daemon uses the vfs storage driver: every layer is a full copy, \
                         so builds are slow and fill the disk",
                    );
                } else if driver.is_empty() {
                    self.push("storage-driver", Status::Warn, "GET /info has no Driver");
                } else {
                    self.push("storage-driver", Status::Ok, driver.clone());
                }
                info.storage_driver = Some(driver).filter(|d| !d.is_empty());
                info.security_options = v
                    .get("SecurityOptions")
                    .and_then(|x| x.as_array())
                    .map(|a| a.iter().filter_map(|o| o.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
            }
            Err(e) => self.push("storage-driver", Status::Warn, format!("GET /info: {e}")),
        }
        self.daemon = Some(info);
    }

    fn api_failed(&mut self, name: &'static str, e: ApiError, target: &Target) {
        match e {
            ApiError::Tls(p) => {
                let setup = TlsSetup { dir: self.env.cert_dir(), config: None };
                self.tls_failed(name, &p, &setup);
            }
            other => {
                let where_ = match target {
                    Target::Tcp { addr, .. } => addr.to_string(),
                    Target::Unix(p) => format!("unix://{}", p.display()),
                };
                self.push(name, Status::Fail, format!("{where_}: {other}"));
            }
        }
    }

    fn get_json(&self, target: &Target, path: &str) -> Result<serde_json::Value, String> {
        let r = self.get(target, path).map_err(|e| e.to_string())?;
        if r.status != 200 {
            return Err(format!("status {}", r.status));
        }
        serde_json::from_slice(&r.body).map_err(|e| format!("bad JSON: {e}"))
    }

    /// One request on a fresh connection, bounded by one check's deadline.
    fn get(&self, target: &Target, path: &str) -> Result<Response, ApiError> {
        let dl = self.deadline();
        match target {
            Target::Unix(p) => {
                let sock = net::connect_unix(p, dl).map_err(ApiError::Connect)?;
                let mut s = DeadlineStream::new(sock, dl);
                http::get(&mut s, path).map_err(ApiError::Http)
            }
            Target::Tcp { addr, host, tls } => {
                let sock =
                    TcpStream::connect_timeout(addr, dl.remaining().map_err(ApiError::Connect)?)
                        .map_err(ApiError::Connect)?;
                let s = DeadlineStream::new(sock, dl);
                match tls {
                    None => {
                        let mut s = s;
                        http::get(&mut s, path).map_err(ApiError::Http)
                    }
                    Some(config) => {
                        let mut t =
                            tls::handshake(config.clone(), host, s).map_err(ApiError::Tls)?;
                        // After a TLS 1.3 handshake, a refused client certificate
                        // arrives as an alert on the first read.
                        http::get(&mut t, path).map_err(|e| match e {
                            HttpError::Io(io) if is_tls_error(&io) => {
                                ApiError::Tls(tls::classify(io))
                            }
                            other => ApiError::Http(other),
                        })
                    }
                }
            }
        }
    }

    // ---- local programs -------------------------------------------------

    fn check_cli(&mut self) {
        match local::find_in_path(self.env.path.as_deref(), "docker") {
            Some(p) => self.push("cli", Status::Ok, p.display().to_string()),
            None => {
                self.problem("cli", Status::Fail, "docker-cli-missing", "no docker program in PATH")
            }
        }
    }

    fn check_compose(&mut self) {
        if let Some(p) = local::find_in_path(self.env.path.as_deref(), "docker-compose") {
            self.push("compose", Status::Ok, p.display().to_string());
            return;
        }
        let dirs = local::plugin_dirs(
            self.env.docker_config.as_deref(),
            self.env.home.as_deref(),
            &self.env.root,
        );
        match local::find_plugin(&dirs) {
            Some(p) => {
                self.push("compose", Status::Ok, format!("docker compose plugin: {}", p.display()))
            }
            None => self.problem(
                "compose",
                Status::Warn,
                "compose-missing",
                "neither docker-compose in PATH nor the docker compose plugin",
            ),
        }
    }
}

fn is_tls_error(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|i| i.is::<rustls::Error>())
}

/// Why an API request failed.
#[derive(Debug)]
enum ApiError {
    Connect(io::Error),
    Tls(TlsProblem),
    Http(HttpError),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Connect(e) => write!(f, "cannot connect: {e}"),
            ApiError::Tls(p) => write!(f, "{p}"),
            ApiError::Http(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resolve_failure_of_docker_is_a_missing_service() {
        let e = DoctorEnv::empty("/nonexistent/dindlog-doctor-root");
        let mut d = Doctor { env: &e, end: Instant::now(), checks: Vec::new(), daemon: None };
        d.resolve_failed("docker", ResolveError::TimedOut);
        d.resolve_failed("dind.example", ResolveError::Empty);
        assert_eq!(d.checks[0].class, Some("dind-service-missing"));
        assert!(d.checks[0].message.contains("alias"));
        assert_eq!(d.checks[1].class, None);
    }
}
