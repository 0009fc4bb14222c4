//! Bounded networking: name resolution on a helper thread, connects and reads that give up at a deadline.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A point in time after which a check gives up.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(Instant);

impl Deadline {
    /// `timeout` from now, but never later than `cap`.
    pub fn new(timeout: Duration, cap: Instant) -> Deadline {
        Deadline(Instant::now().checked_add(timeout).map_or(cap, |t| t.min(cap)))
    }

    /// Time left; an error once it has passed, so callers can `?` it.
    pub fn remaining(self) -> io::Result<Duration> {
        match self.0.checked_duration_since(Instant::now()) {
            // A zero timeout means "block forever" to the socket API: never pass one.
            Some(d) if d > Duration::from_millis(1) => Ok(d),
            _ => Err(io::Error::new(io::ErrorKind::TimedOut, "timed out")),
        }
    }
}

/// Why a name did not resolve.
#[derive(Debug)]
pub enum ResolveError {
    /// The resolver answered: no such host, or another resolver error.
    Failed(io::Error),
    /// The resolver did not answer in time.
    TimedOut,
    /// It answered with no addresses.
    Empty,
}

/// Resolves `host:port`. getaddrinfo cannot be cancelled, so it runs on a
/// detached thread that is abandoned at the deadline.
pub fn resolve(host: &str, port: u16, deadline: Deadline) -> Result<Vec<SocketAddr>, ResolveError> {
    let (tx, rx) = mpsc::channel();
    let name = host.to_string();
    let spawned = std::thread::Builder::new().name("doctor-resolve".into()).spawn(move || {
        let r = (name.as_str(), port).to_socket_addrs().map(|a| a.collect::<Vec<_>>());
        let _ = tx.send(r);
    });
    if let Err(e) = spawned {
        return Err(ResolveError::Failed(e));
    }
    let wait = deadline.remaining().map_err(|_| ResolveError::TimedOut)?;
    match rx.recv_timeout(wait) {
        Ok(Ok(addrs)) if addrs.is_empty() => Err(ResolveError::Empty),
        Ok(Ok(addrs)) => Ok(addrs),
        Ok(Err(e)) => Err(ResolveError::Failed(e)),
        Err(_) => Err(ResolveError::TimedOut),
    }
}

/// Connects to the first address that accepts; returns the last error otherwise
/// (refused beats timed out, because it says more).
pub fn connect_any(
    addrs: &[SocketAddr],
    deadline: Deadline,
) -> Result<(TcpStream, SocketAddr), io::Error> {
    let mut last: Option<io::Error> = None;
    for addr in addrs {
        let wait = deadline.remaining()?;
        match TcpStream::connect_timeout(addr, wait) {
            Ok(s) => return Ok((s, *addr)),
            Err(e) => {
                let keep = matches!(&last, Some(l) if l.kind() == io::ErrorKind::ConnectionRefused)
                    && e.kind() != io::ErrorKind::ConnectionRefused;
                if !keep {
                    last = Some(e);
                }
            }
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address")))
}

/// Connects to a unix socket. A unix connect does not block on the network,
/// but a full accept backlog can stall it, so it also runs on a helper thread.
pub fn connect_unix(path: &Path, deadline: Deadline) -> io::Result<UnixStream> {
    let (tx, rx) = mpsc::channel();
    let p = path.to_path_buf();
    std::thread::Builder::new().name("doctor-unix".into()).spawn(move || {
        let _ = tx.send(UnixStream::connect(p));
    })?;
    match rx.recv_timeout(deadline.remaining()?) {
        Ok(r) => r,
        Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "timed out")),
    }
}

/// A socket whose I/O timeouts can be set.
pub trait Timed: Read + Write + Send {
    /// Sets both read and write timeouts.
    fn set_timeouts(&self, d: Duration) -> io::Result<()>;
}

impl Timed for TcpStream {
    fn set_timeouts(&self, d: Duration) -> io::Result<()> {
        self.set_read_timeout(Some(d))?;
        self.set_write_timeout(Some(d))
    }
}

impl Timed for UnixStream {
    fn set_timeouts(&self, d: Duration) -> io::Result<()> {
        self.set_read_timeout(Some(d))?;
        self.set_write_timeout(Some(d))
    }
}

/// A socket that re-arms its timeout to the time left before every read and
/// write, so a peer that trickles bytes cannot stretch a check past its deadline.
/// It also keeps the first bytes received, to tell what protocol the peer spoke.
pub struct DeadlineStream<S> {
    inner: S,
    deadline: Deadline,
    first: Vec<u8>,
}

/// How many received bytes are kept for protocol sniffing.
const SNIFF: usize = 64;

impl<S: Timed> DeadlineStream<S> {
    /// Wraps a connected socket.
    pub fn new(inner: S, deadline: Deadline) -> Self {
        DeadlineStream { inner, deadline, first: Vec::new() }
    }

    /// The first bytes the peer sent (up to 64).
    pub fn first_bytes(&self) -> &[u8] {
        &self.first
    }
}

impl<S: Timed> Read for DeadlineStream<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.set_timeouts(self.deadline.remaining()?)?;
        let n = self.inner.read(buf).map_err(timeout_kind)?;
        if self.first.len() < SNIFF {
            let take = n.min(SNIFF - self.first.len());
            self.first.extend_from_slice(&buf[..take]);
        }
        Ok(n)
    }
}

impl<S: Timed> Write for DeadlineStream<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.set_timeouts(self.deadline.remaining()?)?;
        self.inner.write(buf).map_err(timeout_kind)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Socket timeouts surface as `WouldBlock` on Unix; callers only need to know it was time.
fn timeout_kind(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::WouldBlock {
        io::Error::new(io::ErrorKind::TimedOut, "timed out")
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_caps_and_expires() {
        let cap = Instant::now() + Duration::from_millis(50);
        let d = Deadline::new(Duration::from_secs(60), cap);
        assert!(d.remaining().unwrap() <= Duration::from_millis(50));
        let past = Deadline::new(Duration::ZERO, Instant::now() + Duration::from_secs(1));
        assert_eq!(past.remaining().unwrap_err().kind(), io::ErrorKind::TimedOut);
    }

    #[test]
    fn ip_literals_resolve_without_dns() {
        let d = Deadline::new(Duration::from_secs(2), Instant::now() + Duration::from_secs(2));
        let addrs = resolve("127.0.0.1", 2375, d).unwrap();
        assert_eq!(addrs, vec!["127.0.0.1:2375".parse().unwrap()]);
    }
}
