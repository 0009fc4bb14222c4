//! `dindlog doctor` against real peers: loopback HTTP and TLS servers, closed ports, an unresolvable name, and a real dockerd where one can start.
//!
//! Every server listens on 127.0.0.1 port 0, serves from its own thread and
//! stops when its handle is dropped or after 20 seconds, whichever is first.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use dindlog::doctor::{self, DoctorEnv, DoctorReport, Status};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};

use crate::util;

const TIMEOUT: Duration = Duration::from_secs(2);

// ---- fixtures -------------------------------------------------------------

fn env(root: &Path) -> DoctorEnv {
    let mut e = DoctorEnv::empty(root);
    e.timeout = TIMEOUT;
    e
}

fn tcp_env(root: &Path, port: u16) -> DoctorEnv {
    let mut e = env(root);
    e.docker_host = Some(format!("tcp://127.0.0.1:{port}"));
    e
}

fn status(r: &DoctorReport, name: &str) -> (Status, Option<&'static str>) {
    let c = r.check(name).unwrap_or_else(|| panic!("no check {name} in {r:#?}"));
    (c.status, c.class)
}

/// Makes an executable file (a stand-in program doctor must find but never runs).
fn program(dir: &Path, name: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, "#!/bin/sh\nexit 99\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// What the fake Engine API answers, by request path; `/version` is chunked.
fn engine_answer(path: &str, driver: &str) -> Vec<u8> {
    match path {
        "/_ping" => b"HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nContent-Length: 2\r\n\r\nOK".to_vec(),
        "/version" => {
            let body = r#"{"Version":"24.0.5","ApiVersion":"1.43","Os":"linux","Arch":"amd64"}"#;
            let (a, b) = body.split_at(20);
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
                a.len(),
                b.len()
            )
            .into_bytes()
        }
        "/info" => {
            let body = format!(r#"{{"Driver":"{driver}","ServerVersion":"24.0.5"}}"#);
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
        }
        _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec(),
    }
}

/// Reads one request head and returns its path ("" if none arrived).
fn read_request<S: Read>(s: &mut S) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") && buf.len() < 8192 {
        match s.read(&mut byte) {
            // Like Go's server, give up at once on a request line that cannot be HTTP
            // (a TLS ClientHello starts with 0x16).
            Ok(1) if buf.is_empty() && !byte[0].is_ascii_uppercase() => return String::new(),
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&buf);
    head.split(' ').nth(1).unwrap_or("").to_string()
}

/// A loopback server on its own thread; dropping it stops the thread.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves each accepted connection with `handle`, one at a time.
    fn start(handle: impl Fn(TcpStream) + Send + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        listener.set_nonblocking(true).unwrap();
        let thread = std::thread::spawn(move || {
            let end = Instant::now() + Duration::from_secs(20);
            while !flag.load(Ordering::Relaxed) && Instant::now() < end {
                match listener.accept() {
                    Ok((s, _)) => {
                        let _ = s.set_nonblocking(false);
                        let _ = s.set_read_timeout(Some(Duration::from_secs(3)));
                        handle(s);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server { port, stop, thread: Some(thread) }
    }

    /// A plain-HTTP Engine API reporting `driver`.
    fn plain(driver: &'static str) -> Server {
        Server::start(move |mut s| {
            let path = read_request(&mut s);
            let answer = if path.is_empty() {
                b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n400 Bad Request".to_vec()
            } else {
                engine_answer(&path, driver)
            };
            let _ = s.write_all(&answer);
        })
    }

    /// A TLS Engine API, like `dockerd --tlsverify`.
    fn tls(config: Arc<ServerConfig>) -> Server {
        Server::start(move |s| {
            let Ok(conn) = ServerConnection::new(config.clone()) else { return };
            let mut t = StreamOwned::new(conn, s);
            let path = read_request(&mut t);
            if !path.is_empty() {
                let _ = t.write_all(&engine_answer(&path, "overlay2"));
                t.conn.send_close_notify();
                let _ = t.flush();
            }
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A certificate authority and what it signed, written as PEM files.
struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
}

impl Pki {
    fn new(name: &str) -> Pki {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name.push(DnType::CommonName, name);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
        Pki { ca: CertifiedIssuer::self_signed(p, KeyPair::generate().unwrap()).unwrap() }
    }

    /// A leaf certificate and its key, as PEM.
    fn leaf(&self, sans: &[&str], usage: ExtendedKeyUsagePurpose) -> (String, String) {
        let sans: Vec<String> = sans.iter().map(|s| s.to_string()).collect();
        let mut p = CertificateParams::new(sans).unwrap();
        p.distinguished_name.push(DnType::CommonName, "dindlog test");
        p.extended_key_usages = vec![usage];
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &self.ca).unwrap();
        (cert.pem(), key.serialize_pem())
    }

    /// Writes ca.pem, cert.pem and key.pem (a client certificate) into `dir`.
    fn write_client(&self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        let (cert, key) = self.leaf(&["client"], ExtendedKeyUsagePurpose::ClientAuth);
        std::fs::write(dir.join("ca.pem"), self.ca.pem()).unwrap();
        std::fs::write(dir.join("cert.pem"), cert).unwrap();
        std::fs::write(dir.join("key.pem"), key).unwrap();
    }

    /// Writes the server's ca.pem, server-cert.pem and server-key.pem into `dir`.
    fn write_server(&self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        let (cert, key) =
            self.leaf(&["localhost", "127.0.0.1"], ExtendedKeyUsagePurpose::ServerAuth);
        std::fs::write(dir.join("ca.pem"), self.ca.pem()).unwrap();
        std::fs::write(dir.join("server-cert.pem"), cert).unwrap();
        std::fs::write(dir.join("server-key.pem"), key).unwrap();
    }

    /// A server config presenting a certificate from this CA and requiring
    /// client certificates from `client_ca`.
    fn server_config(&self, client_ca: &Pki) -> Arc<ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let (cert, key) =
            self.leaf(&["localhost", "127.0.0.1"], ExtendedKeyUsagePurpose::ServerAuth);
        let mut roots = RootCertStore::empty();
        roots.add(client_ca.ca.der().clone()).unwrap();
        let verifier = WebPkiClientVerifier::builder_with_provider(roots.into(), provider.clone())
            .build()
            .unwrap();
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![CertificateDer::from_pem_slice(cert.as_bytes()).unwrap()],
                PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap(),
            )
            .unwrap();
        Arc::new(config)
    }
}

// ---- plain TCP ------------------------------------------------------------

#[test]
fn plain_daemon_answers_and_all_is_well() {
    let root = util::dir("doctor_plain_ok");
    let bin = root.join("bin");
    program(&bin, "docker");
    program(&bin, "docker-compose");
    let server = Server::plain("overlay2");
    let mut e = tcp_env(&root, server.port);
    e.path = Some(bin.into_os_string());
    let r = doctor::run(&e);
    assert!(r.ok(), "{r:#?}");
    for name in [
        "docker-host",
        "connect",
        "protocol",
        "ping",
        "version",
        "storage-driver",
        "cli",
        "compose",
    ] {
        assert_eq!(status(&r, name).0, Status::Ok, "{name}: {r:#?}");
    }
    assert_eq!(status(&r, "tls-files").0, Status::Skip);
    let d = r.daemon.as_ref().unwrap();
    assert_eq!(d.version.as_deref(), Some("24.0.5"));
    assert_eq!(d.api_version.as_deref(), Some("1.43"));
    assert_eq!(d.os.as_deref(), Some("linux/amd64"));
    assert_eq!(d.storage_driver.as_deref(), Some("overlay2"));

    let mut out = Vec::new();
    r.print_human(&mut out, false).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("Result: the daemon answers and nothing is wrong"), "{text}");
    assert!(
        text.contains("Docker Engine 24.0.5 · API 1.43 · linux/amd64 · storage driver overlay2")
    );
    let v = r.to_json();
    assert_eq!(v["ok"], true);
    assert_eq!(v["daemon"]["storage_driver"], "overlay2");
    assert_eq!(v["endpoint"], format!("tcp://127.0.0.1:{}", server.port));
}

#[test]
fn vfs_storage_driver_is_a_warning() {
    let root = util::dir("doctor_vfs");
    let server = Server::plain("vfs");
    let r = doctor::run(&tcp_env(&root, server.port));
    assert_eq!(status(&r, "storage-driver"), (Status::Warn, Some("storage-driver")));
    assert_eq!(r.daemon.as_ref().unwrap().storage_driver.as_deref(), Some("vfs"));
}

#[test]
fn closed_port_means_no_daemon_listens() {
    let root = util::dir("doctor_closed");
    let r = doctor::run(&tcp_env(&root, closed_port()));
    assert_eq!(status(&r, "connect"), (Status::Fail, Some("service-not-ready")));
    assert_eq!(status(&r, "ping").0, Status::Skip);
    assert!(!r.ok());
}

#[test]
fn plain_port_2375_refused_while_2376_is_open_is_daemon_tls_port() {
    // Needs the documented ports themselves; skip where something else holds them.
    let Ok(listener) = TcpListener::bind("127.0.0.1:2376") else {
        eprintln!("skipped: 127.0.0.1:2376 is in use");
        return;
    };
    if TcpStream::connect_timeout(&"127.0.0.1:2375".parse().unwrap(), TIMEOUT).is_ok() {
        eprintln!("skipped: something listens on 127.0.0.1:2375");
        return;
    }
    let root = util::dir("doctor_2375");
    let r = doctor::run(&tcp_env(&root, 2375));
    drop(listener);
    assert_eq!(status(&r, "connect"), (Status::Fail, Some("daemon-tls-port")), "{r:#?}");
    assert!(r.check("connect").unwrap().message.contains("2376 is open"));
}

#[test]
fn unresolvable_name_fails_fast() {
    let root = util::dir("doctor_invalid");
    let mut e = env(&root);
    e.docker_host = Some("tcp://dindlog-doctor-test.invalid:2375".into());
    let start = Instant::now();
    let r = doctor::run(&e);
    assert!(start.elapsed() < TIMEOUT + Duration::from_secs(1), "{:?}", start.elapsed());
    assert_eq!(status(&r, "resolve"), (Status::Fail, None));
    assert_eq!(status(&r, "connect").0, Status::Skip);
    assert!(r.daemon.is_none());
}

#[test]
fn a_silent_server_cannot_stretch_the_run() {
    let root = util::dir("doctor_silent");
    // Accepts, reads nothing, answers nothing, holds the socket a while.
    let server = Server::start(|s| {
        std::thread::sleep(Duration::from_millis(1500));
        drop(s);
    });
    let mut e = tcp_env(&root, server.port);
    e.timeout = Duration::from_millis(300);
    let start = Instant::now();
    let r = doctor::run(&e);
    let took = start.elapsed();
    assert!(took < Duration::from_millis(1300), "{took:?}");
    assert_eq!(status(&r, "protocol").0, Status::Fail, "{r:#?}");
    assert!(r.check("protocol").unwrap().message.contains("timed out"), "{r:#?}");
}

#[test]
fn hostile_answers_are_failures_not_panics() {
    let root = util::dir("doctor_hostile");
    let answers: Vec<Vec<u8>> = vec![
        [b"HTTP/1.1 200 OK\r\n\r\n".as_slice(), &vec![b'x'; 2 << 20]].concat(),
        vec![b'a'; 100 << 10],
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n".to_vec(),
        b"\x00\xff\x1b[2J garbage".to_vec(),
    ];
    for answer in answers {
        let server = Server::start(move |mut s| {
            let _ = read_request(&mut s);
            let _ = s.write_all(&answer);
        });
        let r = doctor::run(&tcp_env(&root, server.port));
        assert!(!r.ok());
        let mut out = Vec::new();
        r.print_human(&mut out, false).unwrap();
        assert!(!String::from_utf8_lossy(&out).contains('\x1b'));
    }
}

// ---- TLS ------------------------------------------------------------------

#[test]
fn tls_daemon_with_client_certificates() {
    let root = util::dir("doctor_tls_ok");
    let pki = Pki::new("dind ca");
    let server = Server::tls(pki.server_config(&pki));
    let certs = root.join("client");
    pki.write_client(&certs);
    let mut e = tcp_env(&root, server.port);
    e.docker_tls_verify = Some("1".into());
    e.docker_cert_path = Some(certs.display().to_string());
    let r = doctor::run(&e);
    assert!(r.daemon.is_some(), "{r:#?}");
    for name in ["tls-files", "protocol", "ping", "version", "storage-driver"] {
        assert_eq!(status(&r, name).0, Status::Ok, "{name}: {r:#?}");
    }
}

#[test]
fn tls_certdir_is_read_from_root_certs_client() {
    let root = util::dir("doctor_tls_certdir");
    let pki = Pki::new("dind ca");
    let server = Server::tls(pki.server_config(&pki));
    let mut e = tcp_env(&root, server.port);
    e.docker_tls_verify = Some("1".into());
    e.docker_tls_certdir = Some("/certs".into());

    let r = doctor::run(&e);
    assert_eq!(status(&r, "tls-files"), (Status::Fail, Some("tls-certs-missing")));
    let msg = &r.check("tls-files").unwrap().message;
    assert!(msg.contains(&root.join("certs/client/ca.pem").display().to_string()), "{msg}");
    // The port still answers in TLS; without certificates the API is out of reach.
    assert_eq!(status(&r, "protocol").0, Status::Ok, "{r:#?}");
    assert_eq!(status(&r, "ping").0, Status::Skip);
    assert!(!r.ok());

    pki.write_client(&root.join("certs/client"));
    let r = doctor::run(&e);
    assert_eq!(status(&r, "ping").0, Status::Ok, "{r:#?}");
}

#[test]
fn plain_client_to_a_tls_port_is_daemon_tls_port() {
    let root = util::dir("doctor_plain_to_tls");
    let pki = Pki::new("dind ca");
    let server = Server::tls(pki.server_config(&pki));
    let r = doctor::run(&tcp_env(&root, server.port));
    // Not port 2376, so the daemon is the odd one out: daemon-tls-port.
    assert_eq!(status(&r, "protocol"), (Status::Fail, Some("daemon-tls-port")), "{r:#?}");
    assert_eq!(status(&r, "ping").0, Status::Skip);
}

#[test]
fn tls_client_to_a_plain_port_is_daemon_tls_port() {
    let root = util::dir("doctor_tls_to_plain");
    let pki = Pki::new("dind ca");
    pki.write_client(&root.join("client"));
    let server = Server::plain("overlay2");
    let mut e = tcp_env(&root, server.port);
    e.docker_tls_verify = Some("1".into());
    e.docker_cert_path = Some(root.join("client").display().to_string());
    let r = doctor::run(&e);
    assert_eq!(status(&r, "protocol"), (Status::Fail, Some("daemon-tls-port")), "{r:#?}");
}

#[test]
fn certificates_of_another_daemon_are_tls_certs_missing() {
    let root = util::dir("doctor_tls_stale");
    let daemon = Pki::new("this dind");
    let other = Pki::new("another job's dind");
    let server = Server::tls(daemon.server_config(&daemon));
    other.write_client(&root.join("client"));
    let mut e = tcp_env(&root, server.port);
    e.docker_tls_verify = Some("1".into());
    e.docker_cert_path = Some(root.join("client").display().to_string());
    let r = doctor::run(&e);
    assert_eq!(status(&r, "protocol"), (Status::Fail, Some("tls-certs-missing")), "{r:#?}");
    assert!(r.check("protocol").unwrap().message.contains("unknown authority"));
}

#[test]
fn a_refused_client_certificate_is_tls_certs_missing() {
    let root = util::dir("doctor_tls_client_refused");
    let daemon = Pki::new("this dind");
    let other = Pki::new("another CA");
    let server = Server::tls(daemon.server_config(&daemon));
    // The right ca.pem, but a client certificate the daemon does not trust.
    let dir = root.join("client");
    other.write_client(&dir);
    std::fs::write(dir.join("ca.pem"), daemon.ca.pem()).unwrap();
    let mut e = tcp_env(&root, server.port);
    e.docker_tls_verify = Some("1".into());
    e.docker_cert_path = Some(dir.display().to_string());
    let r = doctor::run(&e);
    // TLS 1.3: the handshake completes, the refusal arrives on the first read.
    assert_eq!(status(&r, "protocol").0, Status::Ok, "{r:#?}");
    assert_eq!(status(&r, "ping"), (Status::Fail, Some("tls-certs-missing")), "{r:#?}");
    assert!(r.check("ping").unwrap().message.contains("rejected the client certificate"));
}

// ---- unix sockets and local programs ---------------------------------------

/// Serves the plain Engine API on a unix socket until dropped.
fn unix_server(path: &Path) -> Server {
    let listener = UnixListener::bind(path).unwrap();
    listener.set_nonblocking(true).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || {
        let end = Instant::now() + Duration::from_secs(20);
        while !flag.load(Ordering::Relaxed) && Instant::now() < end {
            match listener.accept() {
                Ok((mut s, _)) => {
                    let _ = s.set_nonblocking(false);
                    let _ = s.set_read_timeout(Some(Duration::from_secs(3)));
                    let path = read_request(&mut s);
                    let _ = s.write_all(&engine_answer(&path, "overlay2"));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    Server { port: 0, stop, thread: Some(thread) }
}

#[test]
fn unix_socket_daemon() {
    let root = util::dir("doctor_unix");
    let sock = root.join("d.sock");
    let _server = unix_server(&sock);
    let mut e = env(&root);
    e.docker_host = Some(format!("unix://{}", sock.display()));
    let r = doctor::run(&e);
    assert_eq!(status(&r, "ping").0, Status::Ok, "{r:#?}");
    assert_eq!(status(&r, "protocol").0, Status::Skip);
    assert_eq!(status(&r, "tls-files").0, Status::Skip);
}

#[test]
fn without_docker_host_the_local_socket_is_used_if_present() {
    let root = util::dir("doctor_default_socket");
    let r = doctor::run(&env(&root));
    assert_eq!(status(&r, "docker-host"), (Status::Fail, Some("daemon-unix-socket")));
    assert_eq!(r.classes()[0], "daemon-unix-socket");

    std::fs::create_dir_all(root.join("var/run")).unwrap();
    let _server = unix_server(&root.join("var/run/docker.sock"));
    let r = doctor::run(&env(&root));
    assert_eq!(status(&r, "docker-host").0, Status::Ok, "{r:#?}");
    assert_eq!(status(&r, "ping").0, Status::Ok, "{r:#?}");
}

#[test]
fn missing_programs() {
    let root = util::dir("doctor_programs");
    let r = doctor::run(&env(&root));
    assert_eq!(status(&r, "cli"), (Status::Fail, Some("docker-cli-missing")));
    assert_eq!(status(&r, "compose"), (Status::Warn, Some("compose-missing")));

    // The v2 plugin in a system directory counts as compose.
    program(&root.join("usr/libexec/docker/cli-plugins"), "docker-compose");
    let r = doctor::run(&env(&root));
    assert_eq!(status(&r, "compose").0, Status::Ok);

    // So does the user's plugin directory.
    let root2 = util::dir("doctor_programs_home");
    program(&root2.join("home/.docker/cli-plugins"), "docker-compose");
    let mut e = env(&root2);
    e.home = Some(root2.join("home"));
    assert_eq!(status(&doctor::run(&e), "compose").0, Status::Ok);
}

// ---- a real dockerd --------------------------------------------------------

/// A dockerd of our own, in its own directories, stopped on drop.
struct Dockerd {
    child: Child,
    dir: PathBuf,
}

impl Dockerd {
    /// Why a real daemon cannot run here, if it cannot.
    fn unavailable() -> Option<String> {
        if !Path::new("/usr/sbin/dockerd").exists() && !Path::new("/usr/bin/dockerd").exists() {
            return Some("no dockerd (apt-get install docker.io)".into());
        }
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let root = status
            .lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
        (!root).then(|| "dockerd needs root".into())
    }

    /// Starts dockerd with a unix socket plus `args`; waits up to 20 s for it to answer.
    fn start(name: &str, args: &[String]) -> Result<Dockerd, String> {
        // Short, so the unix socket path fits in 108 bytes.
        let dir = PathBuf::from(format!("/tmp/dindlog-doctor-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let log = std::fs::File::create(dir.join("log")).map_err(|e| e.to_string())?;
        let child = Command::new("dockerd")
            .arg(format!("--data-root={}/data", dir.display()))
            .arg(format!("--exec-root={}/exec", dir.display()))
            .arg(format!("--pidfile={}/docker.pid", dir.display()))
            .arg(format!("--host=unix://{}/docker.sock", dir.display()))
            // Keep the machine's network as it is: no bridge, no iptables rules.
            .args(["--bridge=none", "--iptables=false", "--ip-masq=false"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run dockerd: {e}"))?;
        let mut d = Dockerd { child, dir };
        let sock = d.dir.join("docker.sock");
        let end = Instant::now() + Duration::from_secs(20);
        while Instant::now() < end {
            if let Ok(Some(st)) = d.child.try_wait() {
                return Err(format!("dockerd exited ({st}): {}", d.log_tail()));
            }
            if ping_unix(&sock) {
                return Ok(d);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("dockerd did not answer within 20 s: {}", d.log_tail()))
    }

    fn socket(&self) -> PathBuf {
        self.dir.join("docker.sock")
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().rev().take(5).collect();
        lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        // SIGTERM lets dockerd stop its containerd; SIGKILL only if it hangs.
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let end = Instant::now() + Duration::from_secs(15);
        while Instant::now() < end {
            if let Ok(Some(_)) = self.child.try_wait() {
                let _ = std::fs::remove_dir_all(&self.dir);
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ping_unix(path: &Path) -> bool {
    let Ok(mut s) = std::os::unix::net::UnixStream::connect(path) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    if s.write_all(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.1 200")
}

/// Starts a daemon or says why the test is skipped.
fn dockerd_or_skip(name: &str, args: &[String]) -> Option<Dockerd> {
    if let Some(why) = Dockerd::unavailable() {
        util::skip(&format!("doctor dockerd {name}"), &why);
        return None;
    }
    match Dockerd::start(name, args) {
        Ok(d) => Some(d),
        Err(why) => {
            util::skip(&format!("doctor dockerd {name}"), &why);
            None
        }
    }
}

#[test]
fn real_dockerd_over_unix_socket_and_plain_tcp() {
    let port = closed_port();
    let args = [format!("--host=tcp://127.0.0.1:{port}"), "--storage-driver=vfs".to_string()];
    let Some(daemon) = dockerd_or_skip("plain", &args) else { return };
    let root = util::dir("doctor_dockerd_plain");

    let mut e = env(&root);
    e.docker_host = Some(format!("unix://{}", daemon.socket().display()));
    let r = doctor::run(&e);
    assert_eq!(status(&r, "ping").0, Status::Ok, "{r:#?}");
    let d = r.daemon.as_ref().unwrap();
    assert!(d.version.as_deref().is_some_and(|v| !v.is_empty()), "{d:?}");
    assert!(d.api_version.is_some() && d.os.as_deref().is_some_and(|o| o.starts_with("linux/")));
    assert_eq!(status(&r, "storage-driver"), (Status::Warn, Some("storage-driver")));

    let r = doctor::run(&tcp_env(&root, port));
    assert_eq!(status(&r, "protocol").0, Status::Ok, "{r:#?}");
    assert_eq!(status(&r, "version").0, Status::Ok, "{r:#?}");
    assert_eq!(r.daemon.as_ref().unwrap().storage_driver.as_deref(), Some("vfs"));

    // A TLS client against this plain listener: Go answers the ClientHello in HTTP.
    let pki = Pki::new("unused");
    pki.write_client(&root.join("client"));
    let mut e = tcp_env(&root, port);
    e.docker_tls_verify = Some("1".into());
    e.docker_cert_path = Some(root.join("client").display().to_string());
    let r = doctor::run(&e);
    assert_eq!(status(&r, "protocol"), (Status::Fail, Some("daemon-tls-port")), "{r:#?}");
}

#[test]
fn real_dockerd_over_tls() {
    let root = util::dir("doctor_dockerd_tls");
    let pki = Pki::new("dind test ca");
    let server = root.join("server");
    pki.write_server(&server);
    pki.write_client(&root.join("client"));
    let port = closed_port();
    let args = [
        "--tlsverify".to_string(),
        format!("--tlscacert={}", server.join("ca.pem").display()),
        format!("--tlscert={}", server.join("server-cert.pem").display()),
        format!("--tlskey={}", server.join("server-key.pem").display()),
        format!("--host=tcp://127.0.0.1:{port}"),
    ];
    let Some(_daemon) = dockerd_or_skip("tls", &args) else { return };

    let mut e = tcp_env(&root, port);
    e.docker_tls_verify = Some("1".into());
    e.docker_cert_path = Some(root.join("client").display().to_string());
    let r = doctor::run(&e);
    assert!(r.daemon.is_some(), "{r:#?}");
    for name in ["tls-files", "protocol", "ping", "version", "storage-driver"] {
        assert_eq!(status(&r, name).0, Status::Ok, "{name}: {r:#?}");
    }

    // Plain HTTP to the TLS listener: "Client sent an HTTP request to an HTTPS server."
    let r = doctor::run(&tcp_env(&root, port));
    assert_eq!(status(&r, "protocol"), (Status::Fail, Some("daemon-tls-port")), "{r:#?}");

    // Certificates from another CA: x509 unknown authority.
    let other = Pki::new("another job");
    other.write_client(&root.join("stale"));
    e.docker_cert_path = Some(root.join("stale").display().to_string());
    let r = doctor::run(&e);
    assert_eq!(status(&r, "protocol"), (Status::Fail, Some("tls-certs-missing")), "{r:#?}");
}

// ---- `dindlog run` against a real dockerd ------------------------------------

/// Runs `dindlog run -- docker -H <host> <args...>` with the real docker CLI.
fn dindlog_run_docker(root: &Path, host: &str, docker_args: &[&str]) -> Option<util::Run> {
    let docker =
        ["/usr/bin/docker", "/usr/local/bin/docker"].into_iter().find(|p| Path::new(p).exists());
    let Some(docker) = docker else {
        util::skip("doctor run docker", "no docker CLI (apt-get install docker.io)");
        return None;
    };
    let log = root.join("run.log");
    let out = util::cmd()
        .args(["run", "--color", "never", "--log", log.to_str().unwrap(), "--", docker, "-H", host])
        .args(docker_args)
        .env("DOCKER_CONFIG", root.join("docker-config"))
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_TLS_VERIFY")
        .env_remove("DOCKER_CERT_PATH")
        .output()
        .unwrap();
    Some(out.into())
}

#[test]
fn dindlog_run_against_a_real_dockerd() {
    let port = closed_port();
    let args = [format!("--host=tcp://127.0.0.1:{port}"), "--storage-driver=vfs".to_string()];
    let Some(daemon) = dockerd_or_skip("run-plain", &args) else { return };
    let root = util::dir("run_dockerd_plain");
    for host in [format!("unix://{}", daemon.socket().display()), format!("tcp://127.0.0.1:{port}")]
    {
        let Some(r) =
            dindlog_run_docker(&root, &host, &["version", "--format", "{{.Server.Version}}"])
        else {
            return;
        };
        assert_eq!(r.code, 0, "{host}: {}{}", r.stdout, r.stderr);
        assert!(
            !r.stdout.is_empty() && !r.stdout.contains("dindlog"),
            "{host}: silent on success: {}",
            r.stdout
        );
    }
}

#[test]
fn dindlog_run_diagnoses_plain_http_to_a_real_tls_dockerd() {
    let root = util::dir("run_dockerd_tls");
    let pki = Pki::new("dind run ca");
    let server = root.join("server");
    pki.write_server(&server);
    let port = closed_port();
    let args = [
        "--tlsverify".to_string(),
        format!("--tlscacert={}", server.join("ca.pem").display()),
        format!("--tlscert={}", server.join("server-cert.pem").display()),
        format!("--tlskey={}", server.join("server-key.pem").display()),
        format!("--host=tcp://127.0.0.1:{port}"),
    ];
    let Some(_daemon) = dockerd_or_skip("run-tls", &args) else { return };
    let Some(r) = dindlog_run_docker(&root, &format!("tcp://127.0.0.1:{port}"), &["info"]) else {
        return;
    };
    assert_ne!(r.code, 0, "{}", r.stdout);
    let both = format!("{}{}", r.stdout, r.stderr);
    assert!(
        both.contains("Client sent an HTTP request to an HTTPS server"),
        "the real message: {both}"
    );
    assert!(r.stdout.contains("dindlog: root cause tls-certs-missing"), "{}", r.stdout);
}

// ---- `dindlog run` inside a job: environment and live probe ------------------

const NO_SUCH_HOST: &str = "echo 'error during connect: Get \"http://docker:2375/v1.24/info\": dial tcp: lookup docker on 10.0.0.2:53: no such host' >&2; exit 1";

/// `dindlog run -- sh -c SCRIPT` with only the variables given (GitLab's as a
/// runner sets them), nothing from this machine's own Docker setup.
/// Whether some evidence line of the probe starts with `check:`.
fn probed(stdout: &str, check: &str) -> bool {
    stdout.lines().any(|l| {
        l.trim_start().strip_prefix("probe").is_some_and(|r| r.trim_start().starts_with(check))
    })
}

fn run_in_job(name: &str, vars: &[(&str, &str)], extra: &[&str], script: &str) -> util::Run {
    let root = util::dir(name);
    let mut c = util::cmd();
    c.arg("run").args(["--color", "never", "--log"]).arg(root.join("run.log"));
    c.args(extra).args(["--", "sh", "-c", script]);
    c.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    c.env("CI_PROJECT_DIR", &root).env("HOME", &root);
    for (k, v) in vars {
        c.env(k, v);
    }
    c.output().unwrap().into()
}

#[test]
fn run_uses_the_jobs_environment_as_context_and_evidence() {
    let vars = [
        ("CI_RUNNER_VERSION", "17.3.1"),
        ("CI_JOB_IMAGE", "docker:24.0.5"),
        ("DOCKER_HOST", "tcp://docker:2375"),
        ("DOCKER_TLS_CERTDIR", ""),
    ];
    let r = run_in_job("job_env", &vars, &["--no-probe"], NO_SUCH_HOST);
    assert_eq!(r.code, 1, "the command's status: {}{}", r.stdout, r.stderr);
    // A runner of 17.3.1 cannot have the 12.7-and-older Kubernetes behaviour.
    assert!(!r.stdout.contains("k8s-service-localhost"), "{}", r.stdout);
    assert!(r.stdout.contains("dind-service-missing"), "{}", r.stdout);
    assert!(
        r.stdout.contains("from the job's environment: DOCKER_HOST=tcp://docker:2375"),
        "{}",
        r.stdout
    );
    // Without the runner's variables the same output keeps every candidate.
    let bare = run_in_job("job_env_bare", &[], &["--no-probe"], NO_SUCH_HOST);
    assert!(bare.stdout.contains("k8s-service-localhost"), "{}", bare.stdout);
}

#[test]
fn run_probe_sees_a_daemon_that_answers_and_doubts_the_guess() {
    let server = Server::plain("overlay2");
    let host = format!("tcp://127.0.0.1:{}", server.port);
    let script = "echo 'Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?' >&2; exit 1";
    let r = run_in_job("probe_answers", &[("DOCKER_HOST", &host)], &[], script);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(probed(&r.stdout, "ping:") && r.stdout.contains("reachable now"), "{}", r.stdout);
    assert!(r.stdout.contains("engine 24.0.5"), "{}", r.stdout);
}

#[test]
fn run_probe_confirms_plain_http_to_a_tls_port() {
    let server_pki = Pki::new("probe server ca");
    let server = Server::tls(server_pki.server_config(&Pki::new("probe client ca")));
    let host = format!("tcp://127.0.0.1:{}", server.port);
    let r = run_in_job("probe_tls", &[("DOCKER_HOST", &host)], &[], NO_SUCH_HOST);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // The log alone leaves several candidates; the probe measures one.
    assert!(r.stdout.contains("dindlog: root cause daemon-tls-port"), "{}", r.stdout);
    assert!(probed(&r.stdout, "protocol:"), "{}", r.stdout);
    assert!(!r.stdout.contains("POSSIBLE CAUSE"), "{}", r.stdout);
}

#[test]
fn run_probe_reports_a_closed_port_and_an_unresolvable_name() {
    let closed = format!("tcp://127.0.0.1:{}", closed_port());
    let r = run_in_job("probe_closed", &[("DOCKER_HOST", &closed)], &[], NO_SUCH_HOST);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(probed(&r.stdout, "connect:"), "{}", r.stdout);
    let invalid = "tcp://docker.invalid:2375";
    let r = run_in_job("probe_invalid", &[("DOCKER_HOST", invalid)], &[], NO_SUCH_HOST);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(probed(&r.stdout, "resolve:"), "{}", r.stdout);
}

/// A server that accepts and never answers: the probe gives up on its own
/// bound and says so. What is checked is the timeout message, not a clock,
/// so a slow machine cannot fail it; the outer limit only catches a hang.
#[test]
fn run_probe_gives_up_on_a_server_that_never_answers() {
    let server = Server::start(|s| {
        std::thread::sleep(Duration::from_secs(8));
        drop(s);
    });
    let host = format!("tcp://127.0.0.1:{}", server.port);
    let started = Instant::now();
    let r = run_in_job("probe_silent", &[("DOCKER_HOST", &host)], &[], NO_SUCH_HOST);
    assert_eq!(r.code, 1, "never changes the command's status: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("timed out") || r.stdout.contains("time out"), "{}", r.stdout);
    assert!(started.elapsed() < Duration::from_secs(30), "hung: {:?}", started.elapsed());
}

#[test]
fn no_probe_means_no_probe() {
    let server = Server::plain("overlay2");
    let host = format!("tcp://127.0.0.1:{}", server.port);
    let r = run_in_job("no_probe", &[("DOCKER_HOST", &host)], &["--no-probe"], NO_SUCH_HOST);
    assert!(!r.stdout.lines().any(|l| l.trim_start().starts_with("probe")), "{}", r.stdout);
}

/// The probe against a real dockerd (where one can start here): the daemon
/// answers, so the log's "cannot connect" guess is doubted, with the
/// engine's own version as evidence.
#[test]
fn run_probe_against_a_real_dockerd() {
    let port = closed_port();
    let args = [format!("--host=tcp://127.0.0.1:{port}"), "--storage-driver=vfs".to_string()];
    let Some(_daemon) = dockerd_or_skip("probe", &args) else { return };
    let host = format!("tcp://127.0.0.1:{port}");
    let script = "echo 'Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?' >&2; exit 1";
    let r = run_in_job("probe_real_dockerd", &[("DOCKER_HOST", &host)], &[], script);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(probed(&r.stdout, "ping:") && r.stdout.contains("reachable now"), "{}", r.stdout);
    assert!(r.stdout.contains("(engine "), "{}", r.stdout);
}

/// `scan --env-context` uses the job's variables as `run` does; without the
/// flag the same log keeps every candidate.
#[test]
fn scan_env_context_reads_the_jobs_variables() {
    let d = util::dir("scan_env_context");
    let log = d.join("job.log");
    std::fs::write(&log, "error during connect: Get \"http://docker:2375/v1.24/info\": dial tcp: lookup docker on 10.0.0.2:53: no such host\n").unwrap();
    let scan = |flag: bool| -> util::Run {
        let mut c = util::cmd();
        c.arg("scan").arg(&log);
        if flag {
            c.arg("--env-context");
        }
        c.env_clear().env("CI_RUNNER_VERSION", "17.3.1").env("DOCKER_HOST", "tcp://docker:2375");
        c.output().unwrap().into()
    };
    let with = scan(true);
    assert!(!with.stdout.contains("k8s-service-localhost"), "{}", with.stdout);
    assert!(
        with.stdout.contains("from the job's environment: DOCKER_HOST=tcp://docker:2375"),
        "{}",
        with.stdout
    );
    let without = scan(false);
    assert!(without.stdout.contains("k8s-service-localhost"), "{}", without.stdout);
    assert!(!without.stdout.contains("from the job's environment"), "{}", without.stdout);
}

/// `/version` gives the daemon's API range; a client version the log names
/// is held to it: outside, the skew is measured and is the root cause
/// (issue 11). A daemon answering is no contradiction for this class.
#[test]
fn run_probe_measures_client_daemon_api_skew() {
    let server = Server::start(|mut s| {
        let path = read_request(&mut s);
        let answer = match path.as_str() {
            "/version" => {
                let body = r#"{"Version":"29.0.1","ApiVersion":"1.52","MinAPIVersion":"1.44","Os":"linux","Arch":"amd64"}"#;
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len())
                    .into_bytes()
            }
            "/info" => {
                let body = r#"{"Driver":"overlay2","SecurityOptions":["name=seccomp,profile=builtin","name=cgroupns"]}"#;
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len())
                    .into_bytes()
            }
            other => engine_answer(other, "overlay2"),
        };
        let _ = s.write_all(&answer);
    });
    let host = format!("tcp://127.0.0.1:{}", server.port);
    let script = "echo 'Error response from daemon: client version 1.40 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version' >&2; exit 1";
    let r = run_in_job("probe_api_skew", &[("DOCKER_HOST", &host)], &[], script);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("root cause client-daemon-api-skew"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("the daemon accepts API 1.44 to 1.52; the client asked for 1.40, outside it"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("security options seccomp, cgroupns"), "{}", r.stdout);
    assert!(!r.stdout.contains("reachable now"), "not a reachability class: {}", r.stdout);
}

// ---- the real binary: DOCKER_HOST as the CLI reads it (issue 13 §2) ---------

/// Runs `dindlog doctor` with only these Docker variables set, a HOME with no
/// certificates, and stand-ins for docker and docker-compose in PATH.
fn doctor_bin(name: &str, vars: &[(&str, &str)], json: bool) -> util::Run {
    let home = util::dir(name);
    program(&home.join("bin"), "docker");
    program(&home.join("bin"), "docker-compose");
    let mut c = util::cmd();
    c.args(["doctor", "--color", "never", "--timeout", "2"]);
    if json {
        c.args(["--format", "json"]);
    }
    for v in [
        "DOCKER_HOST",
        "DOCKER_TLS_VERIFY",
        "DOCKER_CERT_PATH",
        "DOCKER_TLS_CERTDIR",
        "DOCKER_CONFIG",
    ] {
        c.env_remove(v);
    }
    c.env("HOME", &home).env("PATH", home.join("bin"));
    c.envs(vars.iter().copied());
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    c.output().unwrap().into()
}

fn line_of<'a>(out: &'a str, check: &str) -> &'a str {
    out.lines()
        .find(|l| l.split_whitespace().nth(1) == Some(check))
        .unwrap_or_else(|| panic!("no {check} line in\n{out}"))
}

/// Regression: `http://` passed every check although the CLI refuses it.
#[test]
fn bin_http_docker_host_is_refused_as_the_cli_does() {
    let server = Server::plain("overlay2");
    let host = format!("http://127.0.0.1:{}", server.port);
    let r = doctor_bin("doctor_bin_http", &[("DOCKER_HOST", &host)], false);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let line = line_of(&r.stdout, "docker-host");
    assert!(line.starts_with('✖'), "{line}");
    assert!(line.contains(&format!("invalid bind address format: {host}")), "{line}");
    assert!(!r.stdout.contains("GET /_ping: OK"), "nothing may be dialled:\n{}", r.stdout);
    assert!(r.stdout.contains("Result: 1 problem, 0 warnings: fix"), "{}", r.stdout);
}

/// Regression: the result line said `1 problem(s), 0 warning(s)`: each count
/// agrees with its noun, in the real binary's output.
#[test]
fn bin_result_counts_are_proper_plurals() {
    let closed = format!("tcp://127.0.0.1:{}", closed_port());
    // One problem (nothing listens), the programs present: no warning.
    let r = doctor_bin("doctor_bin_plural_one", &[("DOCKER_HOST", &closed)], false);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("\nResult: 1 problem, 0 warnings: fix"), "{}", r.stdout);
    // Without docker and docker-compose in PATH: two problems, one warning.
    let empty = util::dir("doctor_bin_plural_path");
    let path = empty.to_str().unwrap();
    let r = doctor_bin("doctor_bin_plural_two", &[("DOCKER_HOST", &closed), ("PATH", path)], false);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("\nResult: 2 problems, 1 warning: fix"), "{}", r.stdout);
    // A daemon that answers, with the vfs storage driver: one warning.
    let server = Server::plain("vfs");
    let host = format!("tcp://127.0.0.1:{}", server.port);
    let r = doctor_bin("doctor_bin_plural_warn", &[("DOCKER_HOST", &host)], false);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("\nResult: the daemon answers; 1 warning\n"), "{}", r.stdout);
    assert!(!r.stdout.contains("(s)"), "{}", r.stdout);
}

/// Regression: `bogus://` was "skipped", then "the daemon did not answer".
#[test]
fn bin_unknown_scheme_is_an_error_and_ssh_is_named() {
    let r = doctor_bin("doctor_bin_bogus", &[("DOCKER_HOST", "bogus://x")], false);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let line = line_of(&r.stdout, "docker-host");
    assert!(
        line.starts_with('✖') && line.contains("invalid bind address format: bogus://x"),
        "{line}"
    );
    assert!(!r.stdout.contains("did not answer"), "{}", r.stdout);

    let r = doctor_bin("doctor_bin_ssh", &[("DOCKER_HOST", "ssh://me@build-host")], false);
    let line = line_of(&r.stdout, "docker-host");
    assert!(line.contains("ssh://me@build-host is an SSH host"), "{line}");
    assert!(line.contains("nothing was tried"), "{line}");
    assert!(!r.stdout.contains("did not answer"), "nothing was tried:\n{}", r.stdout);
    assert!(r.stdout.contains("Result: nothing was tested"), "{}", r.stdout);
    assert!(line_of(&r.stdout, "connect").contains("doctor does not dial ssh:// hosts"));
}

/// Regression: with DOCKER_HOST unset (and no socket), resolve, connect and
/// protocol were listed twice.
#[test]
fn bin_every_check_is_listed_once() {
    for vars in [&[][..], &[("DOCKER_HOST", "bogus://x")][..], &[("DOCKER_HOST", "ssh://h")][..]] {
        let r = doctor_bin("doctor_bin_once", vars, true);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let names: Vec<&str> =
            v["checks"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(n), "{n} twice in {names:?} ({vars:?})");
        }
        assert_eq!(names.len(), 10, "{names:?}");
    }
}

/// Regression: a web server on the port got its HTML quoted back.
#[test]
fn bin_a_web_server_is_not_a_docker_daemon() {
    let server = Server::start(|mut s| {
        let _ = read_request(&mut s);
        let body = "<html><body><h1>404 Not Found</h1>nginx</body></html>";
        let _ = write!(
            s,
            "HTTP/1.1 404 Not Found\r\nServer: nginx/1.25.3\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
    });
    let host = format!("tcp://127.0.0.1:{}", server.port);
    let r = doctor_bin("doctor_bin_web", &[("DOCKER_HOST", &host)], false);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let line = line_of(&r.stdout, "ping");
    assert!(
        line.contains("this is not a Docker daemon") && line.contains("nginx/1.25.3"),
        "{line}"
    );
    assert!(!r.stdout.contains("<html"), "{}", r.stdout);
    assert!(line_of(&r.stdout, "version").contains("not a Docker daemon"));
}

/// Regression: "TLS off" on docker-host, then a missing client certificate
/// as a failure, read as a contradiction. Each line now says what it found.
#[test]
fn bin_plain_client_on_the_tls_port_reads_plainly() {
    let r = doctor_bin("doctor_bin_tls_words", &[("DOCKER_HOST", "tcp://127.0.0.1:2376")], false);
    assert!(!r.stdout.contains("TLS off"), "{}", r.stdout);
    let host = line_of(&r.stdout, "docker-host");
    assert!(host.contains("the client speaks plain HTTP (DOCKER_TLS_VERIFY is empty)"), "{host}");
    let files = line_of(&r.stdout, "tls-files");
    assert!(files.contains("port 2376 is the daemon's TLS port"), "{files}");
    assert!(files.contains("even if DOCKER_TLS_VERIFY were set"), "{files}");

    let r = doctor_bin(
        "doctor_bin_tls_words2",
        &[("DOCKER_HOST", "tcp://127.0.0.1:2376"), ("DOCKER_TLS_VERIFY", "1")],
        false,
    );
    let files = line_of(&r.stdout, "tls-files");
    assert!(files.contains("the client speaks TLS but has no usable certificates"), "{files}");
}

/// As the CLI: with TLS on and DOCKER_HOST unset the default is
/// tcp://localhost:2376, not the unix socket.
#[test]
fn tls_on_without_docker_host_dials_localhost_2376() {
    let root = util::dir("doctor_tls_default_host");
    let mut e = env(&root);
    e.docker_tls_verify = Some("1".into());
    let r = doctor::run(&e);
    let host = r.check("docker-host").unwrap();
    assert!(host.message.contains("the CLI uses tcp://localhost:2376"), "{r:#?}");
    assert_eq!(r.endpoint.as_deref(), Some("tcp://localhost:2376"));
    assert_eq!(r.check("resolve").unwrap().status, Status::Ok, "{r:#?}");
}
