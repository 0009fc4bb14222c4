//! Opens an input as one or more named byte streams, decompressing and unpacking as it reads (gzip, zstd, zip, tar, tar.gz), never to disk, with every decompressed stream held to a size and expansion-ratio limit.
//!
//! # What is recognised
//!
//! The content decides (magic bytes): gzip `1f 8b`, zstd `28 b5 2f fd`, zip
//! `PK\x03\x04` (or an empty archive's `PK\x05\x06`), tar `ustar` at byte
//! 257, also inside a gzip or zstd stream (`.tar.gz`, `.tgz`, `.tar.zst`).
//! Anything else is plain text. The name only sharpens errors: a `.gz`,
//! `.tgz`, `.zst`, `.zip` or `.tar` file without its magic bytes is reported
//! as not being one ("not a gzip stream") instead of being read as text,
//! while a `job.log` that is really gzip is still decompressed.
//!
//! Each member of a zip or tar archive is its own stream, named
//! `archive.zip!path/in/zip`; a member that is itself gzip or zstd is
//! decompressed too (one level: an archive inside an archive is read as
//! bytes). Directories, links and other non-file members are skipped.
//!
//! # Choosing members
//!
//! [`for_each_stream_with`] takes a [`Select`]: which member paths to read
//! (the caller's name rule, globs and shard), and whether to skip members
//! whose content is not text ([`looks_binary`]: images, executables,
//! archives inside the archive, JSON documents). A skipped member is not
//! offered at all, like a non-log file in a walked directory.
//!
//! # Limits
//!
//! Every decompressed stream is read through a [`Limits`] guard: past
//! [`Limits::max_member_bytes`] bytes, or once at least
//! [`Limits::ratio_floor`] bytes are out, past [`Limits::max_ratio`] times
//! the compressed bytes behind it, the read fails with an `io::Error`
//! carrying a [`LimitExceeded`]. The scan of that stream then fails with a
//! message naming it, and the next member is read as usual. A plain file is
//! not limited: its size is what it is on disk.
//!
//! A tar inside gzip or zstd is one compressed stream: a member that
//! explodes also exhausts the outer ratio, and since a stream cannot skip
//! ahead without decompressing, the members after it are not reached (the
//! archive is reported with the error). Zip members are independent, so a
//! bad or oversized zip member never hides the others.
//!
//! # Errors
//!
//! A corrupt stream fails the read of that stream (the caller's scan reports
//! it, named `file` or `file!member`); a file that cannot be opened, or an
//! archive whose structure cannot be read (a zip's central directory, a tar
//! header), is an [`ArchiveError`] naming the file. Nothing here panics on
//! input bytes.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::io_message;

/// Bytes looked at to recognise a format: a tar header is 512 bytes, and its
/// `ustar` magic sits at 257.
const HEAD_LEN: usize = 512;

/// Bounds on what one decompressed stream may produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes one stream may produce (4 GiB by default).
    pub max_member_bytes: u64,
    /// Decompressed bytes per compressed byte (100 by default; 0 turns the
    /// ratio check off). CI logs compress about 5 to 20 times with gzip;
    /// a bomb does thousands.
    pub max_ratio: u64,
    /// The ratio is only checked once this many bytes are out (1 MiB by
    /// default), so a tiny but very repetitive log is not refused.
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_member_bytes: 4 << 30, max_ratio: 100, ratio_floor: 1 << 20 }
    }
}

/// The error inside the `io::Error` a limited stream returns when it is cut
/// off; `io::Error::get_ref` and `downcast_ref` find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitExceeded {
    /// More than [`Limits::max_member_bytes`] bytes.
    Bytes {
        /// The cap.
        limit: u64,
    },
    /// More than [`Limits::max_ratio`] times the compressed size.
    Ratio {
        /// The ratio allowed.
        limit: u64,
        /// Bytes produced when the limit was hit.
        produced: u64,
        /// Compressed bytes behind them.
        compressed: u64,
    },
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LimitExceeded::Bytes { limit } => write!(
                f,
                "decompresses past the {} cap (--max-member-bytes), skipped",
                human_bytes(limit)
            ),
            LimitExceeded::Ratio { limit, produced, compressed } => write!(
                f,
                "expands past the {limit}x limit ({} from {} compressed), skipped",
                human_bytes(produced),
                human_bytes(compressed)
            ),
        }
    }
}

impl std::error::Error for LimitExceeded {}

impl LimitExceeded {
    /// The limit behind an I/O error, if it is one.
    pub fn of(err: &io::Error) -> Option<&LimitExceeded> {
        err.get_ref().and_then(|e| e.downcast_ref::<LimitExceeded>())
    }
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// An input, or an archive's structure, that cannot be read.
#[derive(Debug)]
pub struct ArchiveError {
    /// The file's display name (with `!member` when one member is at fault).
    pub path: String,
    /// What went wrong.
    pub kind: ArchiveErrorKind,
}

/// Why an input could not be opened or unpacked.
#[derive(Debug)]
#[non_exhaustive]
pub enum ArchiveErrorKind {
    /// Opening or reading the file failed.
    Io(io::Error),
    /// The path is a directory.
    IsDirectory,
    /// The name promises a format the bytes are not in (`gzip`, `zstd`,
    /// `zip`, `tar`).
    NotFormat(&'static str),
    /// The zip archive's directory cannot be read (the message says why).
    Zip(String),
    /// A tar header cannot be read.
    Tar(io::Error),
    /// A zip archive needs seeking, which standard input cannot do.
    ZipFromStream,
    /// A compressed tar stream hit a limit (or a read error) inside a
    /// member: the members after it cannot be reached.
    Stopped(io::Error),
}

impl fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.path;
        match &self.kind {
            ArchiveErrorKind::Io(e) => write!(f, "{p}: {}", io_message(e)),
            ArchiveErrorKind::IsDirectory => {
                write!(f, "{p}: is a directory (use `dindlog scan DIR` to walk it)")
            }
            ArchiveErrorKind::NotFormat(what) => {
                write!(f, "{p}: not a {what} file (its first bytes say otherwise)")
            }
            ArchiveErrorKind::Zip(msg) => write!(f, "{p}: corrupt zip archive: {msg}"),
            ArchiveErrorKind::Tar(e) => write!(f, "{p}: corrupt tar archive: {}", io_message(e)),
            ArchiveErrorKind::Stopped(e) => {
                write!(f, "{p}: the members after this point were not read: {}", io_message(e))
            }
            ArchiveErrorKind::ZipFromStream => write!(
                f,
                "{p}: a zip archive cannot be read from a pipe (it needs seeking): save it to a file"
            ),
        }
    }
}

impl std::error::Error for ArchiveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ArchiveErrorKind::Io(e) | ArchiveErrorKind::Tar(e) | ArchiveErrorKind::Stopped(e) => {
                Some(e)
            }
            _ => None,
        }
    }
}

impl ArchiveError {
    fn new(path: impl Into<String>, kind: ArchiveErrorKind) -> ArchiveError {
        ArchiveError { path: path.into(), kind }
    }
}

/// The formats recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text (or anything unrecognised).
    Plain,
    /// gzip (possibly several members, as `cat a.gz b.gz` makes).
    Gzip,
    /// Zstandard (possibly several frames).
    Zstd,
    /// A zip archive.
    Zip,
    /// A tar archive.
    Tar,
}

/// Recognises a format from the first bytes (up to 512; fewer is fine).
pub fn sniff(head: &[u8]) -> Format {
    if head.starts_with(&[0x1f, 0x8b]) {
        Format::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Format::Zstd
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Format::Zip
    } else if head.get(257..262) == Some(b"ustar") {
        Format::Tar
    } else {
        Format::Plain
    }
}

/// The format a file name promises, if any (`.tgz` promises gzip; the tar
/// inside is found by its magic).
fn promised(name: &str) -> Option<(Format, &'static str)> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    match ext.as_str() {
        "gz" | "tgz" => Some((Format::Gzip, "gzip")),
        "zst" | "tzst" => Some((Format::Zstd, "zstd")),
        "zip" => Some((Format::Zip, "zip")),
        "tar" => Some((Format::Tar, "tar")),
        _ => None,
    }
}

/// Calls `f` once per stream in the file at `path`, in archive order, with
/// the stream's display name (`path`, or `path!member`) and a reader.
///
/// A stream whose bytes are corrupt or over a limit fails inside `f`'s reads
/// (so it is reported under its own name) and the next member is still
/// offered. A zip member that cannot even be opened (an unsupported
/// compression method, encryption) is offered as a reader whose first read
/// fails with the reason.
///
/// # Errors
///
/// The file cannot be opened, is a directory, is not in the format its name
/// promises, or its archive structure is corrupt. Members offered before a
/// structure error have been seen by `f`.
///
/// # Example
///
/// ```no_run
/// use std::path::Path;
/// use dindlog::archive::{for_each_stream, Limits};
/// use dindlog::{Analyzer, SignatureSet};
///
/// let analyzer = Analyzer::new(SignatureSet::builtin().unwrap());
/// let mut reports = Vec::new();
/// let res = for_each_stream(Path::new("artifacts.zip"), &Limits::default(), |name, rdr| {
///     reports.push(match analyzer.scan(name, rdr, dindlog::InputKind::Detect) {
///         Ok(r) => analyzer.report(name, r, Vec::new()),
///         Err(e) => dindlog::FileReport::failed(name.to_string(), e.to_string()),
///     });
/// });
/// ```
pub fn for_each_stream(
    path: &Path,
    limits: &Limits,
    f: impl FnMut(&str, &mut dyn Read),
) -> Result<(), ArchiveError> {
    for_each_stream_with(path, limits, &Select::ALL, f)
}

/// Whether to read a member, by its path inside the archive and its size.
pub type MemberFilter<'a> = dyn Fn(&str, u64) -> bool + Sync + 'a;

/// Which archive members [`for_each_stream_with`] offers.
#[derive(Clone, Copy)]
pub struct Select<'a> {
    /// Whether to read a member, by its path inside the archive (as stored,
    /// e.g. `logs/job.log`) and its uncompressed size when the archive says
    /// it (zip, tar). `None` reads every member.
    pub member: Option<&'a MemberFilter<'a>>,
    /// Skip members whose first bytes are not text ([`looks_binary`]).
    pub text_only: bool,
}

impl Select<'_> {
    /// Every member, whatever its content.
    pub const ALL: Select<'static> = Select { member: None, text_only: false };

    fn takes(&self, member: &str, size: u64) -> bool {
        self.member.is_none_or(|f| f(member, size))
    }
}

/// [`for_each_stream`] offering only the members `select` chooses. A plain
/// or compressed file that is not an archive is always offered: it was
/// chosen by its caller.
///
/// # Errors
///
/// As [`for_each_stream`].
pub fn for_each_stream_with(
    path: &Path,
    limits: &Limits,
    select: &Select<'_>,
    mut f: impl FnMut(&str, &mut dyn Read),
) -> Result<(), ArchiveError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| ArchiveError::new(&name, ArchiveErrorKind::Io(e)))?;
    let meta = file.metadata().map_err(|e| ArchiveError::new(&name, ArchiveErrorKind::Io(e)))?;
    if meta.is_dir() {
        return Err(ArchiveError::new(&name, ArchiveErrorKind::IsDirectory));
    }
    let head = Head::new(file).map_err(|e| ArchiveError::new(&name, ArchiveErrorKind::Io(e)))?;
    let format = sniff(head.head());
    if let Some((want, what)) = promised(&name) {
        // A `.tgz` or `.tar.gz` is gzip on the outside; `.tar` must be tar.
        if format != want {
            return Err(ArchiveError::new(&name, ArchiveErrorKind::NotFormat(what)));
        }
    }
    if format == Format::Zip {
        let mut file = head.into_inner();
        file.seek(SeekFrom::Start(0))
            .map_err(|e| ArchiveError::new(&name, ArchiveErrorKind::Io(e)))?;
        return zip_members(&name, BufReader::new(file), limits, select, &mut f);
    }
    stream_input(&name, head, format, limits, select, &mut f)
}

/// [`for_each_stream`] for a reader that cannot seek, such as standard
/// input: plain, gzip, zstd and tar (also compressed) are read; a zip
/// archive is an error ([`ArchiveErrorKind::ZipFromStream`]).
///
/// # Errors
///
/// As [`for_each_stream`].
pub fn for_each_stream_from<R: Read>(
    name: &str,
    rdr: R,
    limits: &Limits,
    f: impl FnMut(&str, &mut dyn Read),
) -> Result<(), ArchiveError> {
    for_each_stream_from_with(name, rdr, limits, &Select::ALL, f)
}

/// [`for_each_stream_from`] offering only the members `select` chooses.
///
/// # Errors
///
/// As [`for_each_stream_from`].
pub fn for_each_stream_from_with<R: Read>(
    name: &str,
    rdr: R,
    limits: &Limits,
    select: &Select<'_>,
    mut f: impl FnMut(&str, &mut dyn Read),
) -> Result<(), ArchiveError> {
    let head = Head::new(rdr).map_err(|e| ArchiveError::new(name, ArchiveErrorKind::Io(e)))?;
    match sniff(head.head()) {
        Format::Zip => Err(ArchiveError::new(name, ArchiveErrorKind::ZipFromStream)),
        format => stream_input(name, head, format, limits, select, &mut f),
    }
}

type Callback<'f> = &'f mut dyn FnMut(&str, &mut dyn Read);

/// A non-zip input: plain, compressed, or a (compressed) tar stream.
fn stream_input<R: Read>(
    name: &str,
    head: Head<R>,
    format: Format,
    limits: &Limits,
    select: &Select<'_>,
    f: Callback<'_>,
) -> Result<(), ArchiveError> {
    let io_err = |e| ArchiveError::new(name, ArchiveErrorKind::Io(e));
    match format {
        Format::Plain => {
            // Plain text is read as it is, with no guard: its size is its size.
            let mut head = head;
            f(name, &mut head);
            Ok(())
        }
        Format::Tar => tar_members(name, head, limits, select, f),
        Format::Gzip | Format::Zstd => {
            let counted = Arc::new(AtomicU64::new(0));
            let raw = Counting { inner: head, count: Arc::clone(&counted) };
            let decoded = decoder(format, raw).map_err(io_err)?;
            match Head::new(decoded) {
                Ok(head) if sniff(head.head()) == Format::Tar => {
                    // The outer stream of a compressed tar is bounded by the
                    // ratio only: a tar of many logs may rightly exceed one
                    // member's cap (each member still has it).
                    let outer = Limits { max_member_bytes: u64::MAX, ..*limits };
                    tar_members(
                        name,
                        Limited::new(head, Budget::Counted(counted), outer),
                        limits,
                        select,
                        f,
                    )
                }
                Ok(head) => {
                    let mut stream = Limited::new(head, Budget::Counted(counted), *limits);
                    f(name, &mut stream);
                    Ok(())
                }
                // The first bytes already fail (a corrupt header): hand the
                // error to the caller as the stream's read error, so its scan
                // reports it under the file's name like any other.
                Err(e) => {
                    f(name, &mut Failing(Some(e)));
                    Ok(())
                }
            }
        }
        Format::Zip => Err(ArchiveError::new(name, ArchiveErrorKind::ZipFromStream)),
    }
}

/// A gzip or zstd decoder over `raw`. Errors from the decoder are prefixed
/// with the format, so "corrupt deflate stream" says it was gzip.
fn decoder<'a, R: Read + 'a>(format: Format, raw: R) -> io::Result<Box<dyn Read + 'a>> {
    Ok(match format {
        Format::Gzip => {
            Box::new(Context { inner: flate2::read::MultiGzDecoder::new(raw), what: "gzip" })
        }
        Format::Zstd => Box::new(Context { inner: Zstd::new(raw), what: "zstd" }),
        _ => Box::new(raw),
    })
}

/// Offers every file member of a zip archive.
fn zip_members<R: Read + Seek>(
    name: &str,
    rdr: R,
    limits: &Limits,
    select: &Select<'_>,
    f: Callback<'_>,
) -> Result<(), ArchiveError> {
    let mut zip = zip::ZipArchive::new(rdr)
        .map_err(|e| ArchiveError::new(name, ArchiveErrorKind::Zip(zip_message(&e))))?;
    for i in 0..zip.len() {
        // Taken before opening: the open borrows the archive, even on error.
        let member_path = zip_member_path(&zip, i);
        let mname = format!("{name}!{member_path}");
        let member = match zip.by_index(i) {
            Ok(m) => m,
            Err(e) => {
                // Unreadable metadata or an unsupported method: offer a
                // stream that fails, so the member is reported by name.
                let err = io::Error::other(format!("cannot read zip member: {}", zip_message(&e)));
                f(&mname, &mut Failing(Some(err)));
                continue;
            }
        };
        if !member.is_file() || member.is_symlink() || !select.takes(&member_path, member.size()) {
            continue;
        }
        let compressed = member.compressed_size();
        member_stream(&mname, member, compressed, limits, select.text_only, f);
    }
    Ok(())
}

/// A zip member's path as it is named (`#3` for one without a name).
fn zip_member_path<R: Read + Seek>(zip: &zip::ZipArchive<R>, i: usize) -> String {
    match zip.name_for_index(i) {
        Some(n) => n.to_string(),
        None => format!("#{i}"),
    }
}

fn zip_message(e: &zip::result::ZipError) -> String {
    let s = match e {
        zip::result::ZipError::Io(io) => io_message(io),
        other => other.to_string(),
    };
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => s,
    }
}

/// Offers every regular file in a tar stream.
fn tar_members<R: Read>(
    name: &str,
    rdr: R,
    limits: &Limits,
    select: &Select<'_>,
    f: Callback<'_>,
) -> Result<(), ArchiveError> {
    let tar_err = |e: io::Error| {
        // A limit or a decompression error is not the tar's fault.
        let stopped = e.get_ref().is_some_and(|i| i.is::<LimitExceeded>() || i.is::<DecodeError>());
        let kind = if stopped { ArchiveErrorKind::Stopped(e) } else { ArchiveErrorKind::Tar(e) };
        ArchiveError::new(name, kind)
    };
    let mut archive = tar::Archive::new(rdr);
    for entry in archive.entries().map_err(tar_err)? {
        let entry = entry.map_err(tar_err)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let member_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let size = entry.size();
        if !select.takes(&member_path, size) {
            continue;
        }
        let mname = format!("{name}!{member_path}");
        member_stream(&mname, entry, size, limits, select.text_only, f);
    }
    Ok(())
}

/// One archive member: decompressed if it is gzip or zstd, always limited
/// (its stored size bounds it anyway when it is not compressed).
fn member_stream<R: Read>(
    name: &str,
    rdr: R,
    compressed: u64,
    limits: &Limits,
    text_only: bool,
    f: Callback<'_>,
) {
    let head = match Head::new(rdr) {
        Ok(h) => h,
        Err(e) => {
            f(name, &mut Failing(Some(e)));
            return;
        }
    };
    let format = sniff(head.head());
    let stream: Box<dyn Read + '_> = match format {
        Format::Gzip | Format::Zstd => match decoder(format, head) {
            Ok(d) => d,
            Err(e) => {
                f(name, &mut Failing(Some(e)));
                return;
            }
        },
        _ => Box::new(head),
    };
    let mut limited = Limited::new(stream, Budget::Fixed(compressed), *limits);
    if text_only {
        // Sniffed after decompression, so a gzipped image is an image; a
        // member that fails to decompress is offered, to be reported.
        match Head::new(&mut limited) {
            Ok(head) if looks_binary(head.head()) => {}
            Ok(mut head) => f(name, &mut head),
            Err(e) => f(name, &mut Failing(Some(e))),
        }
        return;
    }
    f(name, &mut limited);
}

/// Magic numbers of formats that are never a log: images, documents,
/// executables, databases and archives (which are read one level deep only).
const BINARY_MAGIC: &[&[u8]] = &[
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"\x7fELF",
    b"%PDF-",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",
    b"\x28\xb5\x2f\xfd",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"BZh",
    b"SQLite format 3\x00",
    b"\x00asm",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
];

/// Whether the first bytes of a member are not a log: a known binary magic
/// number (image, executable, archive, database), mostly control bytes
/// (more than one in ten, other than tab, line ends, form feed, backspace and
/// ESC), or a JSON document (the first non-blank byte opens an object or an
/// array that the next one continues as JSON would). A UTF-16 byte-order mark
/// is text; an empty member is an empty log.
///
/// ```
/// use dindlog::archive::looks_binary;
/// assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
/// assert!(looks_binary(b"{\"version\": 1, \"files\": []}"));
/// assert!(!looks_binary(b"[INFO] Running with gitlab-runner 17.3.1\n"));
/// assert!(!looks_binary(b"\x1b[0KRunning with gitlab-runner 17.3.1\n"));
/// ```
pub fn looks_binary(head: &[u8]) -> bool {
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return false;
    }
    if BINARY_MAGIC.iter().any(|m| head.starts_with(m)) || sniff(head) == Format::Tar {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x08 | 0x1b))
        .count();
    if control * 10 > head.len() {
        return true;
    }
    let mut rest = head.iter().copied().filter(|b| !b.is_ascii_whitespace());
    match (rest.next(), rest.next()) {
        (Some(b'{'), Some(b'"' | b'}')) => true,
        (Some(b'['), Some(c)) => matches!(c, b'{' | b'[' | b'"' | b']' | b'-' | b'0'..=b'9'),
        _ => false,
    }
}

/// One member of an archive as listed by [`list_members`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its path inside the archive, as [`Select::member`] sees it.
    pub path: String,
    /// Its uncompressed size, as the archive says.
    pub size: u64,
}

/// The file members of a zip or uncompressed tar archive, in archive order,
/// read from the archive's directory (zip) or headers (tar) without
/// decompressing anything. `None` when the file is not one of those (plain,
/// compressed, a compressed tar: their members cannot be listed without
/// decompressing the whole stream) or cannot be read; the scan then reports
/// any problem.
pub fn list_members(path: &Path) -> Option<Vec<Member>> {
    let file = File::open(path).ok()?;
    let head = Head::new(file).ok()?;
    match sniff(head.head()) {
        Format::Zip => {
            let mut file = head.into_inner();
            file.seek(SeekFrom::Start(0)).ok()?;
            let mut zip = zip::ZipArchive::new(BufReader::new(file)).ok()?;
            let mut out = Vec::with_capacity(zip.len());
            for i in 0..zip.len() {
                let member_path = zip_member_path(&zip, i);
                // Unreadable metadata: listed, so the shard that gets it reports it.
                let Ok(m) = zip.by_index_raw(i) else {
                    out.push(Member { path: member_path, size: 0 });
                    continue;
                };
                if m.is_file() && !m.is_symlink() {
                    out.push(Member { path: member_path, size: m.size() });
                }
            }
            Some(out)
        }
        Format::Tar => {
            let mut file = head.into_inner();
            file.seek(SeekFrom::Start(0)).ok()?;
            let mut archive = tar::Archive::new(BufReader::new(file));
            let mut out = Vec::new();
            for entry in archive.entries_with_seek().ok()? {
                let entry = entry.ok()?;
                if entry.header().entry_type().is_file() {
                    let member_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
                    out.push(Member { path: member_path, size: entry.size() });
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// A reader whose first bytes were read ahead to recognise the format and
/// are handed out again first.
struct Head<R> {
    head: Vec<u8>,
    pos: usize,
    inner: R,
}

impl<R: Read> Head<R> {
    fn new(mut inner: R) -> io::Result<Head<R>> {
        let mut head = vec![0u8; HEAD_LEN];
        let mut n = 0;
        while n < HEAD_LEN {
            match inner.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        head.truncate(n);
        Ok(Head { head, pos: 0, inner })
    }

    fn head(&self) -> &[u8] {
        &self.head
    }

    /// The inner reader, without the bytes read ahead (for a file that is
    /// then seeked back to its start).
    fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for Head<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.head.len() {
            let n = buf.len().min(self.head.len() - self.pos);
            buf[..n].copy_from_slice(&self.head[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

/// Counts the compressed bytes read, for the ratio check.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// What the ratio is measured against.
enum Budget {
    /// A member's stored (compressed) size.
    Fixed(u64),
    /// Compressed bytes read so far from a stream.
    Counted(Arc<AtomicU64>),
}

/// The guard around every decompressed stream.
struct Limited<R> {
    inner: R,
    budget: Budget,
    limits: Limits,
    produced: u64,
    tripped: Option<LimitExceeded>,
}

impl<R: Read> Limited<R> {
    fn new(inner: R, budget: Budget, limits: Limits) -> Limited<R> {
        Limited { inner, budget, limits, produced: 0, tripped: None }
    }

    fn check(&self) -> Option<LimitExceeded> {
        if self.produced > self.limits.max_member_bytes {
            return Some(LimitExceeded::Bytes { limit: self.limits.max_member_bytes });
        }
        if self.limits.max_ratio == 0 || self.produced < self.limits.ratio_floor {
            return None;
        }
        let compressed = match &self.budget {
            Budget::Fixed(n) => *n,
            Budget::Counted(c) => c.load(Ordering::Relaxed),
        };
        let allowed = compressed.max(1).saturating_mul(self.limits.max_ratio);
        (self.produced > allowed).then_some(LimitExceeded::Ratio {
            limit: self.limits.max_ratio,
            produced: self.produced,
            compressed,
        })
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(t) = &self.tripped {
            return Err(io::Error::other(t.clone()));
        }
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        if let Some(t) = self.check() {
            self.tripped = Some(t.clone());
            return Err(io::Error::other(t));
        }
        Ok(n)
    }
}

/// Prefixes a decoder's errors with its format ("gzip: corrupt deflate
/// stream"); errors that already carry a [`LimitExceeded`] pass unchanged.
struct Context<R> {
    inner: R,
    what: &'static str,
}

impl<R: Read> Read for Context<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if LimitExceeded::of(&e).is_some() {
                return e;
            }
            let message = match e.kind() {
                io::ErrorKind::UnexpectedEof => {
                    Cow::Borrowed("unexpected end of file (truncated?)")
                }
                _ => Cow::Owned(io_message(&e)),
            };
            io::Error::new(e.kind(), DecodeError { format: self.what, message })
        })
    }
}

/// A compressed stream that cannot be decoded (inside the `io::Error`).
#[derive(Debug)]
struct DecodeError {
    format: &'static str,
    message: Cow<'static, str>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} stream: {}", self.format, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// A reader whose first read fails with a stored error (then reports EOF).
struct Failing(Option<io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// Zstandard with every frame of a multi-frame file, like `zstd -d`.
/// ruzstd's `StreamingDecoder` stops after one frame.
struct Zstd<R: Read> {
    state: ZstdState<R>,
}

enum ZstdState<R: Read> {
    /// Between frames (or before the first).
    Idle(BufReader<R>),
    Frame(Box<ruzstd::decoding::StreamingDecoder<BufReader<R>, ruzstd::decoding::FrameDecoder>>),
    Done,
}

impl<R: Read> Zstd<R> {
    fn new(inner: R) -> Zstd<R> {
        Zstd { state: ZstdState::Idle(BufReader::with_capacity(128 * 1024, inner)) }
    }
}

impl<R: Read> Read for Zstd<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match std::mem::replace(&mut self.state, ZstdState::Done) {
                ZstdState::Done => return Ok(0),
                ZstdState::Idle(mut src) => {
                    if src.fill_buf()?.is_empty() {
                        return Ok(0);
                    }
                    let dec = ruzstd::decoding::StreamingDecoder::new(src)
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
                    self.state = ZstdState::Frame(Box::new(dec));
                }
                ZstdState::Frame(mut dec) => {
                    let n = dec.read(buf)?;
                    if n > 0 || buf.is_empty() {
                        self.state = ZstdState::Frame(dec);
                        return Ok(n);
                    }
                    self.state = ZstdState::Idle(dec.into_inner());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_magic() {
        assert_eq!(sniff(b"\x1f\x8b\x08"), Format::Gzip);
        assert_eq!(sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0]), Format::Zstd);
        assert_eq!(sniff(b"PK\x03\x04...."), Format::Zip);
        assert_eq!(sniff(b"Running with gitlab-runner"), Format::Plain);
        assert_eq!(sniff(b""), Format::Plain);
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(sniff(&tar), Format::Tar);
    }

    #[test]
    fn limited_trips_on_ratio_and_bytes() {
        let data = vec![b'a'; 3 << 20];
        let limits = Limits { max_member_bytes: u64::MAX, max_ratio: 100, ratio_floor: 1 << 20 };
        let mut r = Limited::new(&data[..], Budget::Fixed(10_000), limits);
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        let lim = LimitExceeded::of(&err).unwrap();
        assert!(matches!(lim, LimitExceeded::Ratio { limit: 100, .. }), "{lim:?}");
        assert!(err.to_string().starts_with("expands past the 100x limit ("), "{err}");
        // Under the floor nothing is checked.
        let mut r = Limited::new(&data[..1000], Budget::Fixed(1), limits);
        assert_eq!(io::copy(&mut r, &mut io::sink()).unwrap(), 1000);
        let limits = Limits { max_member_bytes: 1000, ..Limits::default() };
        let mut r = Limited::new(&data[..], Budget::Fixed(u64::MAX), limits);
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert_eq!(LimitExceeded::of(&err), Some(&LimitExceeded::Bytes { limit: 1000 }));
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(10), "10 B");
        assert_eq!(human_bytes(4 << 30), "4 GiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
    }
}
