//! TLS as the docker CLI does it: `ca.pem`, `cert.pem`, `key.pem` from a directory, rustls with ring, and what a failed handshake means.

use std::fmt;
use std::io::{self, Read};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct,
    RootCertStore, SignatureScheme, StreamOwned,
};

use super::net::DeadlineStream;

/// PEM files larger than this are not certificates.
const MAX_PEM: u64 = 1 << 20;

/// The three files the CLI reads from `DOCKER_CERT_PATH`.
pub const FILES: [&str; 3] = ["ca.pem", "cert.pem", "key.pem"];

/// What is wrong with one of the files.
#[derive(Debug)]
pub enum FileProblem {
    /// It does not exist.
    Missing(PathBuf),
    /// It exists but cannot be read, or is not a regular file.
    Unreadable(PathBuf, String),
    /// It holds no usable PEM block of the expected kind.
    Invalid(PathBuf, String),
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileProblem::Missing(p) => write!(f, "{} is missing", p.display()),
            FileProblem::Unreadable(p, why) => write!(f, "{} cannot be read: {why}", p.display()),
            FileProblem::Invalid(p, why) => write!(f, "{}: {why}", p.display()),
        }
    }
}

/// A client configuration built from a certificate directory.
pub fn load_config(dir: &Path) -> Result<Arc<ClientConfig>, Vec<FileProblem>> {
    let ca = read_pem(&dir.join(FILES[0])).and_then(|b| certs(&dir.join(FILES[0]), &b));
    let cert = read_pem(&dir.join(FILES[1])).and_then(|b| certs(&dir.join(FILES[1]), &b));
    let key = read_pem(&dir.join(FILES[2])).and_then(|b| {
        PrivateKeyDer::from_pem_slice(&b)
            .map_err(|e| FileProblem::Invalid(dir.join(FILES[2]), format!("no private key ({e})")))
    });
    let (ca, cert, key) = match (ca, cert, key) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (a, b, c) => {
            return Err([a.err(), b.err(), c.err()].into_iter().flatten().collect());
        }
    };
    let mut roots = RootCertStore::empty();
    for c in ca {
        roots.add(c).map_err(|e| {
            vec![FileProblem::Invalid(dir.join(FILES[0]), format!("unusable CA certificate: {e}"))]
        })?;
    }
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| vec![FileProblem::Invalid(dir.to_path_buf(), e.to_string())])?;
    let config =
        builder.with_root_certificates(roots).with_client_auth_cert(cert, key).map_err(|e| {
            vec![FileProblem::Invalid(
                dir.join(FILES[1]),
                format!("certificate and key.pem do not go together: {e}"),
            )]
        })?;
    Ok(Arc::new(config))
}

/// A configuration that accepts any server certificate and offers none: it
/// only tells whether a port speaks TLS, and never carries API traffic.
pub fn probe_config() -> Result<Arc<ClientConfig>, rustls::Error> {
    let provider = provider();
    let verifier = Arc::new(AcceptAny(provider.clone()));
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn read_pem(path: &Path) -> Result<Vec<u8>, FileProblem> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(FileProblem::Missing(path.to_path_buf()))
        }
        Err(e) => return Err(FileProblem::Unreadable(path.to_path_buf(), e.to_string())),
    };
    // A FIFO or device would block or never end.
    if !meta.is_file() {
        return Err(FileProblem::Unreadable(path.to_path_buf(), "not a regular file".into()));
    }
    let mut data = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_PEM + 1).read_to_end(&mut data))
        .map_err(|e| FileProblem::Unreadable(path.to_path_buf(), e.to_string()))?;
    if data.len() as u64 > MAX_PEM {
        return Err(FileProblem::Invalid(path.to_path_buf(), "larger than 1 MiB".into()));
    }
    Ok(data)
}

fn certs(path: &Path, pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, FileProblem> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(pem).collect();
    match certs {
        Ok(c) if !c.is_empty() => Ok(c),
        Ok(_) => Err(FileProblem::Invalid(path.to_path_buf(), "no CERTIFICATE block".into())),
        Err(e) => Err(FileProblem::Invalid(path.to_path_buf(), format!("bad PEM: {e}"))),
    }
}

/// The TLS stream doctor sends API requests over.
pub type TlsStream = StreamOwned<ClientConnection, DeadlineStream<TcpStream>>;

/// Why a TLS session could not be used.
#[derive(Debug)]
pub enum TlsProblem {
    /// The peer answered the ClientHello in plain HTTP: TLS is off on that port.
    PlainHttpPeer,
    /// The peer closed the connection without a TLS answer.
    Closed,
    /// The server's certificate is not signed by our `ca.pem`.
    UnknownIssuer,
    /// The server's certificate does not name the host we dialled.
    WrongName,
    /// The server's certificate is expired or not yet valid.
    NotCurrent,
    /// Another certificate problem.
    BadCertificate(String),
    /// The server refused our client certificate (or our lack of one).
    ClientCertRejected(String),
    /// Timed out or a socket error.
    Io(io::Error),
    /// Any other TLS error.
    Other(String),
}

impl fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsProblem::PlainHttpPeer => {
                f.write_str("the port answered a TLS handshake in plain HTTP")
            }
            TlsProblem::Closed => f.write_str("the connection closed during the TLS handshake"),
            TlsProblem::UnknownIssuer => {
                f.write_str("x509: certificate signed by unknown authority (not by ca.pem)")
            }
            TlsProblem::WrongName => {
                f.write_str("the daemon's certificate is not valid for this host name")
            }
            TlsProblem::NotCurrent => {
                f.write_str("the daemon's certificate is expired or not yet valid")
            }
            TlsProblem::BadCertificate(e) => write!(f, "bad daemon certificate: {e}"),
            TlsProblem::ClientCertRejected(a) => {
                write!(f, "the daemon rejected the client certificate (TLS alert {a})")
            }
            TlsProblem::Io(e) if e.kind() == io::ErrorKind::TimedOut => {
                f.write_str("the TLS handshake timed out")
            }
            TlsProblem::Io(e) => write!(f, "{e}"),
            TlsProblem::Other(e) => write!(f, "TLS error: {e}"),
        }
    }
}

/// Runs the handshake on a connected socket.
pub fn handshake(
    config: Arc<ClientConfig>,
    host: &str,
    sock: DeadlineStream<TcpStream>,
) -> Result<TlsStream, TlsProblem> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| TlsProblem::Other(format!("{host:?} is not a valid TLS server name")))?;
    let mut conn =
        ClientConnection::new(config, name).map_err(|e| TlsProblem::Other(e.to_string()))?;
    let mut sock = sock;
    while conn.is_handshaking() {
        match conn.complete_io(&mut sock) {
            Ok((0, 0)) if conn.is_handshaking() => {
                return Err(sniffed(sock.first_bytes()).unwrap_or(TlsProblem::Closed));
            }
            Ok(_) => {}
            Err(e) => return Err(sniffed(sock.first_bytes()).unwrap_or_else(|| classify(e))),
        }
    }
    Ok(StreamOwned::new(conn, sock))
}

/// A plain-HTTP answer to our ClientHello is the clearest evidence there is.
fn sniffed(first: &[u8]) -> Option<TlsProblem> {
    first.starts_with(b"HTTP/").then_some(TlsProblem::PlainHttpPeer)
}

/// Maps an I/O error from a TLS stream to what it means for the user.
pub fn classify(e: io::Error) -> TlsProblem {
    let Some(err) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return match e.kind() {
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => TlsProblem::Closed,
            _ => TlsProblem::Io(e),
        };
    };
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => TlsProblem::UnknownIssuer,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsProblem::WrongName
            }
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => TlsProblem::NotCurrent,
            other => TlsProblem::BadCertificate(format!("{other:?}")),
        },
        rustls::Error::AlertReceived(a) if client_cert_alert(*a) => {
            TlsProblem::ClientCertRejected(format!("{a:?}"))
        }
        other => TlsProblem::Other(other.to_string()),
    }
}

/// Alerts a server sends when the client certificate is absent or not trusted.
fn client_cert_alert(a: AlertDescription) -> bool {
    matches!(
        a,
        AlertDescription::BadCertificate
            | AlertDescription::CertificateRequired
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::HandshakeFailure
            | AlertDescription::AccessDenied
    )
}

/// Accepts any certificate, checking only that signatures are well formed.
#[derive(Debug)]
struct AcceptAny(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_directory_lists_every_file() {
        let problems = load_config(Path::new("/nonexistent/dindlog/certs")).unwrap_err();
        assert_eq!(problems.len(), 3);
        assert!(problems.iter().all(|p| matches!(p, FileProblem::Missing(_))));
    }

    #[test]
    fn rustls_errors_map_to_meanings() {
        let wrap = |e: rustls::Error| io::Error::new(io::ErrorKind::InvalidData, e);
        let cases = [
            (rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer), "UnknownIssuer"),
            (rustls::Error::InvalidCertificate(CertificateError::NotValidForName), "WrongName"),
            (rustls::Error::InvalidCertificate(CertificateError::Expired), "NotCurrent"),
            (
                rustls::Error::AlertReceived(AlertDescription::CertificateRequired),
                "ClientCertRejected",
            ),
            (rustls::Error::DecryptError, "Other"),
        ];
        for (e, want) in cases {
            let got = format!("{:?}", classify(wrap(e)));
            assert!(got.starts_with(want), "{got}");
        }
        assert!(matches!(classify(io::ErrorKind::UnexpectedEof.into()), TlsProblem::Closed));
        assert!(sniffed(b"HTTP/1.1 400 Bad Request").is_some());
        assert!(sniffed(b"\x15\x03\x03").is_none());
    }
}
