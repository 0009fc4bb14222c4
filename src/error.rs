//! Typed errors returned by the library; only `main.rs` turns them into exit codes.

use std::fmt;
use std::path::PathBuf;

/// A signature file that cannot be used. Fatal at start-up: dindlog refuses to
/// run with a broken knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file (or `<builtin>/<id>.toml`) the problem is in.
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a position.
    pub position: Option<(usize, usize)>,
    /// What is wrong, lowercase, without a final period.
    pub message: String,
}

impl LoadError {
    pub(crate) fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        LoadError { path: path.into(), position: None, message: message.into() }
    }

    pub(crate) fn at(mut self, position: Option<(usize, usize)>) -> Self {
        self.position = position;
        self
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, col)) => {
                write!(f, "{}:{}:{}: {}", self.path.display(), line, col, self.message)
            }
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// A problem reading one input. Not fatal: the other inputs are still scanned.
#[derive(Debug)]
pub struct ScanError {
    /// The input's display name (`-` or `<stdin>` for standard input).
    pub path: String,
    /// What went wrong.
    pub kind: ScanErrorKind,
}

/// Why an input could not be scanned.
#[derive(Debug)]
#[non_exhaustive]
pub enum ScanErrorKind {
    /// The operating system refused a read or an open.
    Io(std::io::Error),
    /// The path names a directory where a file was expected.
    IsDirectory,
    /// The input is not text we can read (and what we saw).
    Unsupported(String),
}

impl ScanError {
    pub(crate) fn io(path: impl Into<String>, err: std::io::Error) -> Self {
        ScanError { path: path.into(), kind: ScanErrorKind::Io(err) }
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ScanErrorKind::Io(e) => write!(f, "{}: {}", self.path, io_message(e)),
            ScanErrorKind::IsDirectory => {
                write!(f, "{}: is a directory (use `dindlog scan DIR` to walk it)", self.path)
            }
            ScanErrorKind::Unsupported(what) => write!(f, "{}: {}", self.path, what),
        }
    }
}

impl std::error::Error for ScanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ScanErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// `io::Error`'s Display ends with "(os error 2)"; users want the words only.
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => lowercase_first(&s[..i]),
        None => lowercase_first(&s),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
