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

/// Whether the first bytes of an input look like `docker logs` of a dind
/// container rather than a job log: most lines are dockerd's
/// (`time="..." level=...`, or prefixed with Docker's own RFC 3339 timestamp)
/// and nothing GitLab writes (sections, stamped headers, the preamble, `$ `
/// command echoes) appears.
pub fn looks_like_service_log(head: &[u8]) -> bool {
    let mut lines = 0;
    let mut daemonish = 0;
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
        {
            return false;
        }
        let body = strip_rfc3339(line);
        if body.len() < line.len()
            || body.starts_with(b"time=\"")
            || memchr::memmem::find(body, b" level=").is_some()
        {
            daemonish += 1;
        }
    }
    lines >= 2 && daemonish * 2 > lines
}

/// Strips Docker's `2023-08-01T16:04:10.664620455Z ` log prefix, if present.
fn strip_rfc3339(line: &[u8]) -> &[u8] {
    let ok = line.len() > 21
        && line[4] == b'-'
        && line[7] == b'-'
        && line[10] == b'T'
        && line[13] == b':'
        && line[..4].iter().all(u8::is_ascii_digit);
    if !ok {
        return line;
    }
    match memchr::memchr(b' ', line) {
        Some(sp) if line[sp - 1] == b'Z' || line[sp - 6] == b'+' => &line[sp + 1..],
        _ => line,
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
}
