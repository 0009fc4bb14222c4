//! Where inputs come from: paths and standard input, opened with errors that name them, and sniffing for bare service-container logs.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::decode;
use crate::error::{ScanError, ScanErrorKind};

/// How many bytes are looked at to guess an input's kind.
pub const SNIFF_LEN: usize = 4096;

/// One input named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`, or no file at all).
    Stdin,
    /// A file.
    Path(PathBuf),
}

impl Input {
    /// `-` is standard input; anything else a path.
    pub fn from_arg(arg: &Path) -> Input {
        if arg == Path::new("-") {
            Input::Stdin
        } else {
            Input::Path(arg.to_path_buf())
        }
    }

    /// The name used in reports and errors.
    pub fn display_name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::Path(p) => p.display().to_string(),
        }
    }

    /// Opens the input for reading.
    pub fn open(&self) -> Result<Box<dyn Read + Send>, ScanError> {
        match self {
            Input::Stdin => Ok(Box::new(io::stdin())),
            Input::Path(p) => {
                let name = p.display().to_string();
                let file = File::open(p).map_err(|e| ScanError::io(&name, e))?;
                let meta = file.metadata().map_err(|e| ScanError::io(&name, e))?;
                if meta.is_dir() {
                    return Err(ScanError { path: name, kind: ScanErrorKind::IsDirectory });
                }
                Ok(Box::new(file))
            }
        }
    }
}

/// Phrases only the dind entrypoint, dockerd or containerd print: they make a
/// bare service log recognisable when it has neither Docker's timestamps nor
/// logrus's `level=` (a `kubectl logs` or a paste of the daemon's terminal).
const DAEMON_PHRASES: &[&[u8]] = &[
    b"Certificate request self-signature ok",
    b"Generating RSA private key",
    b"subject=CN = docker:dind",
    b"mount: permission denied (are you root?)",
    b"Could not mount /sys/kernel/security",
    b"privileged mode might break",
    b"Could not make a tmpfs mount",
    b"failed to mount overlay",
    b"unable to detect if iptables supports xlock",
    b"ip: can't find device",
    b"modprobe: can't change directory",
    b"Devices cgroup isn't mounted",
    b"failed to start daemon",
    b"Error starting daemon",
    b"containerd successfully booted",
    b"API listen on ",
    b"Daemon has completed initialization",
    b"Loading containers: start",
    b"starting containerd",
    b"cgroup mountpoint does not exist",
    b"Setting the storage driver",
    b"libcontainerd",
    b"[graphdriver]",
    b"dockerd-entrypoint",
];

/// Phrases a docker client prints: a file holding them is the job's side.
const CLIENT_PHRASES: &[&[u8]] = &[
    b"Cannot connect to the Docker daemon",
    b"error during connect",
    b"Error response from daemon",
    b"failed to connect to the docker API",
    b"Is the docker daemon running",
];

fn contains_any(line: &[u8], phrases: &[&[u8]]) -> bool {
    phrases.iter().any(|p| memchr::memmem::find(line, p).is_some())
}

/// Whether the first bytes of an input look like `docker logs` of a dind
/// container rather than a job log: most lines are dockerd's (`time="..."
/// level=...`, Docker's own RFC 3339 prefix, or phrases only the daemon and
/// the dind entrypoint print), no docker client complains, and nothing GitLab
/// writes (sections, stamped headers, the preamble, `$ ` command echoes)
/// appears.
pub fn looks_like_service_log(head: &[u8]) -> bool {
    let mut lines = 0;
    let mut daemonish = 0;
    let mut phrases = 0;
    for line in head.split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)) {
        if lines == 20 {
            break;
        }
        lines += 1;
        if decode::parse_header(line).is_some()
            || memchr::memmem::find(line, b"section_").is_some()
            || memchr::memmem::find(line, b"gitlab-runner").is_some()
            || line.starts_with(b"$ ")
            || line.starts_with(b"\x1b[32;1m$ ")
            || contains_any(line, CLIENT_PHRASES)
        {
            return false;
        }
        let body = strip_rfc3339(line);
        let phrase = contains_any(body, DAEMON_PHRASES);
        phrases += usize::from(phrase);
        if phrase
            || body.len() < line.len()
            || body.starts_with(b"time=\"")
            || memchr::memmem::find(body, b" level=").is_some()
        {
            daemonish += 1;
        }
    }
    (lines >= 2 && daemonish * 2 > lines) || phrases >= 2
}

/// Strips Docker's `2023-08-01T16:04:10.664620455Z ` log prefix, if present.
///
/// Every index goes through `get`: the line is untrusted, and a malformed stamp
/// such as `2023- x-01T00:00:000000000 hello` must come back unchanged.
fn strip_rfc3339(line: &[u8]) -> &[u8] {
    let at = |i: usize| line.get(i).copied();
    let shaped = line.len() > 21
        && at(4) == Some(b'-')
        && at(7) == Some(b'-')
        && at(10) == Some(b'T')
        && at(13) == Some(b':')
        && line[..4].iter().all(u8::is_ascii_digit);
    if !shaped {
        return line;
    }
    let Some(sp) = memchr::memchr(b' ', line) else { return line };
    let stamp = &line[..sp];
    let zoned = stamp.ends_with(b"Z")
        || stamp
            .len()
            .checked_sub(6)
            .and_then(|i| stamp.get(i))
            .is_some_and(|&b| b == b'+' || b == b'-');
    if zoned && stamp.len() >= 20 {
        &line[sp + 1..]
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_dockerd_logs() {
        let dind = b"Certificate request self-signature ok\n\
2023-08-01T16:04:10.664620455Z mount: permission denied (are you root?)\n\
2023-08-01T16:04:10.664692175Z Could not mount /sys/kernel/security.\n\
time=\"2024-05-01T10:00:01Z\" level=info msg=\"Starting up\"\n";
        assert!(looks_like_service_log(dind));
        let job = b"\x1b[0KRunning with gitlab-runner 17.3.1 (66269445)\x1b[0;m\n\
time=\"x\" level=info\ntime=\"y\" level=info\n";
        assert!(!looks_like_service_log(job));
        let stamped = b"2024-05-01T10:00:01.123456Z 01O time=\"x\" level=info\n\
2024-05-01T10:00:01.123456Z 01O time=\"x\" level=info\n";
        assert!(!looks_like_service_log(stamped));
        assert!(!looks_like_service_log(b"npm ERR! one\nnpm ERR! two\n"));
        assert!(!looks_like_service_log(b""));
    }

    /// `kubectl logs` of a dind container, or a paste of it, carries no stamp
    /// and no `level=`: the entrypoint's and dockerd's own phrases tell.
    #[test]
    fn sniffs_unstamped_service_logs() {
        let bare = b"Certificate request self-signature ok\n\
subject=CN = docker:dind server\n\
/certs/server/cert.pem: OK\n\
mount: permission denied (are you root?)\n\
Could not mount /sys/kernel/security.\n";
        assert!(looks_like_service_log(bare));
        let two = b"ip: can't find device 'ip_tables'\nmodprobe: can't change directory to '/lib/modules': No such file or directory\n";
        assert!(looks_like_service_log(two));
        // The job's side of the same failure is not a service log.
        let job =
            b"Certificate request self-signature ok\nmount: permission denied (are you root?)\n\
Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n";
        assert!(!looks_like_service_log(job));
        let one = b"some build output\nmore output\nfailed to start daemon\n";
        assert!(!looks_like_service_log(one));
    }

    /// Regression: a space right after a stamp-shaped start (`2023- x-01T00:00:...`)
    /// indexed before the line and panicked (issue 15).
    #[test]
    fn malformed_stamps_do_not_panic() {
        let reported = b"2023- x-01T00:00:000000000 hello\n";
        assert!(!looks_like_service_log(reported));
        assert_eq!(
            strip_rfc3339(b"2023- x-01T00:00:000000000 hello"),
            b"2023- x-01T00:00:000000000 hello"
        );
        let good = b"2023-08-01T16:04:10.664620455Z mount: permission denied";
        assert_eq!(strip_rfc3339(good), b"mount: permission denied");
        let zoned = b"2023-08-01T16:04:10.664620455+02:00 hello";
        assert_eq!(strip_rfc3339(zoned), b"hello");
        // Every prefix, and a space at every position, of a stamped line.
        for cut in 0..=good.len() {
            strip_rfc3339(&good[..cut]);
            let mut spaced = good.to_vec();
            if cut < spaced.len() {
                spaced[cut] = b' ';
            }
            strip_rfc3339(&spaced);
            looks_like_service_log(&spaced);
        }
    }
}

/// Reads through a byte-order mark: UTF-8's is dropped, UTF-16 (little or big
/// endian, as Windows runners may write) is transcoded to UTF-8 on the fly,
/// anything else passes unchanged. Memory is bounded by one read buffer.
pub struct BomReader<R> {
    inner: R,
    state: BomState,
    /// Bytes read ahead while sniffing, or transcoded output not yet handed out.
    pending: Vec<u8>,
    pos: usize,
    /// An odd byte or a high surrogate waiting for its partner.
    carry: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BomState {
    Unknown,
    Plain,
    Utf16 { big_endian: bool },
}

impl<R: Read> BomReader<R> {
    /// Wraps a reader.
    pub fn new(inner: R) -> Self {
        BomReader {
            inner,
            state: BomState::Unknown,
            pending: Vec::new(),
            pos: 0,
            carry: Vec::new(),
        }
    }

    fn sniff(&mut self) -> io::Result<()> {
        // Enough to see whether text after a UTF-16 mark really is UTF-16.
        let mut head = [0u8; 64];
        let mut n = 0;
        while n < head.len() {
            match self.inner.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let head = &head[..n];
        if let Some(rest) = head.strip_prefix(&[0xef, 0xbb, 0xbf]) {
            self.state = BomState::Plain;
            self.pending = rest.to_vec();
        } else if (head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]))
            && looks_like_utf16(&head[2..], head[0] == 0xfe)
        {
            self.state = BomState::Utf16 { big_endian: head[0] == 0xfe };
            self.carry.extend_from_slice(&head[2..]);
        } else {
            self.state = BomState::Plain;
            self.pending = head.to_vec();
        }
        Ok(())
    }

    fn fill_utf16(&mut self, big_endian: bool) -> io::Result<bool> {
        let mut raw = vec![0u8; 64 * 1024];
        let n = loop {
            match self.inner.read(&mut raw) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        let eof = n == 0;
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(&raw[..n]);
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| {
                if big_endian {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        let mut used = units.len();
        // A high surrogate at the end may pair with the next read.
        if !eof && units.last().is_some_and(|u| (0xd800..0xdc00).contains(u)) {
            used -= 1;
        }
        self.carry = bytes[used * 2..].to_vec();
        if eof && !self.carry.is_empty() {
            // An odd trailing byte: not text.
            self.carry.clear();
            self.pending.extend_from_slice("\u{fffd}".as_bytes());
        }
        let mut out = String::with_capacity(used);
        for c in char::decode_utf16(units[..used].iter().copied()) {
            out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        self.pending.extend_from_slice(out.as_bytes());
        Ok(!eof || !self.pending.is_empty())
    }
}

/// Whether bytes after a UTF-16 byte-order mark are UTF-16: a log is mostly
/// ASCII, which in UTF-16 has a NUL as every other byte. A UTF-8 log that
/// happens to start with `FF FE` has none.
fn looks_like_utf16(sample: &[u8], big_endian: bool) -> bool {
    let units = sample.len() / 2;
    if units == 0 {
        return true;
    }
    let high = usize::from(!big_endian);
    let nul_high = sample.chunks_exact(2).filter(|c| c[high] == 0).count();
    nul_high * 2 >= units
}

impl<R: Read> Read for BomReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.state == BomState::Unknown {
            self.sniff()?;
        }
        loop {
            if self.pos < self.pending.len() {
                let n = buf.len().min(self.pending.len() - self.pos);
                buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            self.pending.clear();
            self.pos = 0;
            match self.state {
                BomState::Utf16 { big_endian } => {
                    if !self.fill_utf16(big_endian)? && self.pending.is_empty() {
                        return Ok(0);
                    }
                    if self.pending.is_empty() {
                        continue;
                    }
                }
                _ => return self.inner.read(buf),
            }
        }
    }
}

#[cfg(test)]
mod bom_tests {
    use super::*;

    fn read_all(data: &[u8], step: usize) -> Vec<u8> {
        let mut out = Vec::new();
        BomReader::new(crate::reader::Trickle::new(data, step)).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn utf16_and_bom_variants() {
        let text = "ERROR: Cannot connect to the Docker daemon 🐳 at tcp://docker:2375\r\nnext\n";
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let utf8_bom: Vec<u8> = [0xef, 0xbb, 0xbf].into_iter().chain(text.bytes()).collect();
        for step in [1, 2, 3, 7, 4096] {
            assert_eq!(read_all(&le, step), text.as_bytes(), "le step {step}");
            assert_eq!(read_all(&be, step), text.as_bytes(), "be step {step}");
            assert_eq!(read_all(&utf8_bom, step), text.as_bytes(), "bom step {step}");
            assert_eq!(read_all(text.as_bytes(), step), text.as_bytes(), "plain step {step}");
        }
        assert_eq!(read_all(b"a", 1), b"a");
        assert_eq!(read_all(b"", 1), b"");
        assert_eq!(read_all(&[0xff, 0xfe, b'a'], 1), "\u{fffd}".as_bytes(), "odd trailing byte");
    }

    /// Regression (issue 15): a UTF-8 log that starts with `FF FE` was
    /// transcoded as UTF-16 into garbage; it is read as it is.
    #[test]
    fn ff_fe_before_utf8_text_is_not_utf16() {
        let mut data = vec![0xff, 0xfe];
        data.extend_from_slice(
            b"Cannot connect to the Docker daemon at tcp://docker:2375. Is it?\nnext\n",
        );
        for step in [1, 2, 3, 7, 4096] {
            assert_eq!(read_all(&data, step), data, "step {step}");
        }
        let analyzer = crate::Analyzer::new(crate::SignatureSet::builtin().unwrap());
        let report = analyzer.analyze_bytes("ff-fe.log", &data);
        assert_eq!(report.lines, 2);
        assert_eq!(report.root_cause().map(|f| f.id.as_str()), Some("daemon-tls-port"));
    }
}
