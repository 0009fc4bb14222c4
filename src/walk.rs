//! Turns the paths on the command line into an ordered list of inputs: directories walked recursively and sorted, hidden entries, symlinks, globs and shards handled as `rg` and `fd` users expect.
//!
//! # Rules
//!
//! - A path named on the command line that is not a directory (a file, `-`,
//!   a FIFO, or a path that does not exist) is passed through unchanged, so
//!   the opener reports it the same way as before; named paths are never
//!   filtered by globs or extensions (as `rg` searches a file it is given).
//! - A directory is walked depth first, each directory's entries sorted by
//!   file name (byte order), which is `rg --sort path`'s order and stable
//!   across runs and machines whatever the file system returns.
//! - Entries whose name starts with `.` are skipped unless
//!   [`WalkOptions::hidden`]; the named root itself is walked even if hidden.
//! - Symbolic links met while walking are skipped unless
//!   [`WalkOptions::follow`]. When following, a link to a directory that is
//!   one of its own ancestors (same device and inode) is a loop: it is
//!   reported once as a [`WalkError`] and not entered, so the walk always
//!   ends. A link whose target does not exist is reported too.
//! - Without include globs, a walked file is taken only if its name looks like
//!   a log or an archive ([`LOG_EXTENSIONS`]): `.log`, `.txt`, `.trace`,
//!   `.out`, and the compressed and archive forms `.gz`, `.tgz`, `.zst`,
//!   `.zip`, `.tar`. `.json` is left out on purpose: a directory of logs
//!   often holds dindlog's own `--format json` reports, and scanning them
//!   would count every finding twice. An include glob (`--glob`) replaces the
//!   extension filter (`--glob '*'` takes every file).
//! - Globs are matched against the path relative to the walked root, with
//!   `/` separators. As in `.gitignore` and `rg --glob`, a glob without a `/`
//!   matches the file name at any depth (`*.log`), one with a `/` matches the
//!   whole relative path (`jobs/**/trace.log`). Include globs apply to files;
//!   exclude globs apply to files and directories (an excluded directory is
//!   not entered).
//!
//! - Inside an archive ([`MemberRule`]) the same rules pick members by their
//!   path in the archive: excludes drop a member when they match it or one of
//!   its directories; without include globs a member is taken when its name
//!   looks like a log; with include globs, those that do not match the
//!   archive itself must match the member (`--glob '*.zip' --glob
//!   'jobs/**/*.log'` opens the zips and reads their `jobs/**/*.log`), and when
//!   every include glob matched the archive (`--glob '*.zip'`) its members are
//!   picked by name as without globs.
//!
//! Sharding is applied by the caller to the expanded list (`crate::shard`;
//! [`in_shard`] is the older split by a hash of each name).

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::io_message;

/// File name endings taken from walked directories when no include glob is
/// given (compared case-insensitively; `.tar.gz` is covered by `.gz`).
pub const LOG_EXTENSIONS: &[&str] =
    &["log", "txt", "trace", "out", "gz", "tgz", "zst", "zip", "tar"];

/// How command-line paths are expanded.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Also take entries whose name starts with `.` (`--hidden`).
    pub hidden: bool,
    /// Follow symbolic links met while walking (`--follow`).
    pub follow: bool,
    /// Include globs (`--glob`, repeatable): when any is given, a walked file
    /// is taken only if one matches, and the extension filter is off.
    pub globs: Vec<Glob>,
    /// Exclude globs (`--exclude`, repeatable): a matching file is dropped and
    /// a matching directory is not entered.
    pub excludes: Vec<Glob>,
}

/// A problem met while walking. Not fatal: the rest of the walk goes on.
#[derive(Debug)]
pub struct WalkError {
    /// The path the problem is at.
    pub path: PathBuf,
    /// What went wrong.
    pub kind: WalkErrorKind,
}

/// Why a path could not be walked.
#[derive(Debug)]
#[non_exhaustive]
pub enum WalkErrorKind {
    /// Reading the directory or the entry's metadata failed.
    Io(io::Error),
    /// A symbolic link leads back to one of its own ancestors.
    Loop {
        /// The ancestor directory the link leads to.
        ancestor: PathBuf,
    },
    /// A symbolic link whose target does not exist.
    BrokenLink,
}

impl fmt::Display for WalkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.kind {
            WalkErrorKind::Io(e) => write!(f, "{path}: {}", io_message(e)),
            WalkErrorKind::Loop { ancestor } => write!(
                f,
                "{path}: symbolic link loop (leads back to {}), not followed",
                ancestor.display()
            ),
            WalkErrorKind::BrokenLink => {
                write!(f, "{path}: broken symbolic link (its target does not exist)")
            }
        }
    }
}

impl std::error::Error for WalkError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            WalkErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Expands command-line paths into the ordered list of inputs, with the
/// problems met on the way (each names its path; none stops the walk).
///
/// # Example
///
/// ```no_run
/// use std::path::PathBuf;
/// use dindlog::walk::{expand, Glob, WalkOptions};
///
/// let opts = WalkOptions { excludes: vec![Glob::new("old/**").unwrap()], ..WalkOptions::default() };
/// let (inputs, errors) = expand(&[PathBuf::from("archive")], &opts);
/// ```
pub fn expand(paths: &[PathBuf], opts: &WalkOptions) -> (Vec<PathBuf>, Vec<WalkError>) {
    let e = expand_inputs(paths, opts);
    (e.inputs.into_iter().map(|f| f.path).collect(), e.errors)
}

/// One input found by [`expand_inputs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path to open.
    pub path: PathBuf,
    /// The path relative to the walked directory (`/` separators), which
    /// globs match; `None` for a path named on the command line.
    pub rel: Option<String>,
}

/// A named directory in which the walk took nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyDir {
    /// The directory as named.
    pub path: PathBuf,
    /// Files seen in it (at any depth) and left out by the name rule, the
    /// globs or `--hidden`.
    pub skipped: usize,
}

/// What [`expand_inputs`] found.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The inputs, in order.
    pub inputs: Vec<Found>,
    /// Problems met on the way.
    pub errors: Vec<WalkError>,
    /// Named directories that gave no input.
    pub empty: Vec<EmptyDir>,
}

/// [`expand`], keeping each walked file's relative path and saying which
/// named directories gave nothing (for rg's "no files were searched").
pub fn expand_inputs(paths: &[PathBuf], opts: &WalkOptions) -> Expanded {
    let mut w = Walker { opts, out: Vec::new(), errors: Vec::new(), skipped: 0 };
    let mut empty = Vec::new();
    for p in paths {
        // `metadata` follows a named link, as every tool does for its arguments.
        match fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let mut ancestors = Vec::new();
                if let Some(id) = file_id(&m) {
                    ancestors.push((id, p.clone()));
                }
                let (before, errors) = (w.out.len(), w.errors.len());
                w.skipped = 0;
                w.walk_dir(p, p, &mut ancestors);
                // A directory that could not be read was reported as an error.
                if w.out.len() == before && w.errors.len() == errors {
                    empty.push(EmptyDir { path: p.clone(), skipped: w.skipped });
                }
            }
            _ => w.out.push(Found { path: p.clone(), rel: None }),
        }
    }
    Expanded { inputs: w.out, errors: w.errors, empty }
}

struct Walker<'a> {
    opts: &'a WalkOptions,
    out: Vec<Found>,
    errors: Vec<WalkError>,
    /// Files left out in the directory being walked.
    skipped: usize,
}

impl Walker<'_> {
    /// Walks `dir` (below `root`); `ancestors` holds the (device, inode) of
    /// every directory on the way down, for loop detection.
    fn walk_dir(&mut self, root: &Path, dir: &Path, ancestors: &mut Vec<(FileId, PathBuf)>) {
        let mut entries: Vec<fs::DirEntry> = match fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| match e {
                    Ok(e) => Some(e),
                    Err(err) => {
                        self.error(dir, WalkErrorKind::Io(err));
                        None
                    }
                })
                .collect(),
            Err(err) => {
                self.error(dir, WalkErrorKind::Io(err));
                return;
            }
        };
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            if !self.opts.hidden && name.as_encoded_bytes().first() == Some(&b'.') {
                self.skipped += 1;
                continue;
            }
            let path = entry.path();
            let rel = relative(root, &path);
            let Ok(ft) = entry.file_type() else {
                self.error(&path, WalkErrorKind::BrokenLink);
                continue;
            };
            let meta = if ft.is_symlink() {
                if !self.opts.follow {
                    continue;
                }
                match fs::metadata(&path) {
                    Ok(m) => m,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        self.error(&path, WalkErrorKind::BrokenLink);
                        continue;
                    }
                    Err(e) => {
                        self.error(&path, WalkErrorKind::Io(e));
                        continue;
                    }
                }
            } else if ft.is_dir() {
                // Only directories need metadata (for the inode); files don't.
                match entry.metadata() {
                    Ok(m) => m,
                    Err(e) => {
                        self.error(&path, WalkErrorKind::Io(e));
                        continue;
                    }
                }
            } else {
                self.take(path, rel, &name.to_string_lossy());
                continue;
            };
            if meta.is_dir() {
                if self.opts.excludes.iter().any(|g| g.matches_path(&rel)) {
                    continue;
                }
                let id = file_id(&meta);
                if let Some(id) = id {
                    if let Some((_, anc)) = ancestors.iter().find(|(a, _)| *a == id) {
                        let ancestor = anc.clone();
                        self.error(&path, WalkErrorKind::Loop { ancestor });
                        continue;
                    }
                    ancestors.push((id, path.clone()));
                }
                self.walk_dir(root, &path, ancestors);
                if id.is_some() {
                    ancestors.pop();
                }
            } else {
                self.take(path, rel, &name.to_string_lossy());
            }
        }
    }

    fn take(&mut self, path: PathBuf, rel: String, name: &str) {
        if self.take_file(&rel, name) {
            self.out.push(Found { path, rel: Some(rel) });
        } else {
            self.skipped += 1;
        }
    }

    fn take_file(&self, rel: &str, name: &str) -> bool {
        if self.opts.excludes.iter().any(|g| g.matches_path(rel)) {
            return false;
        }
        if self.opts.globs.is_empty() {
            looks_like_log(name)
        } else {
            self.opts.globs.iter().any(|g| g.matches_path(rel))
        }
    }

    fn error(&mut self, path: &Path, kind: WalkErrorKind) {
        self.errors.push(WalkError { path: path.to_path_buf(), kind });
    }
}

/// How the members of one archive are picked (see the module's rules).
#[derive(Debug, Clone)]
pub struct MemberRule {
    globs: Vec<Glob>,
    excludes: Vec<Glob>,
}

impl WalkOptions {
    /// The rule for the members of the archive at `archive`: its path
    /// relative to the walked directory, or as named on the command line.
    pub fn member_rule(&self, archive: &str) -> MemberRule {
        MemberRule {
            globs: self.globs.iter().filter(|g| !g.matches_path(archive)).cloned().collect(),
            excludes: self.excludes.clone(),
        }
    }
}

impl MemberRule {
    /// Whether to read the member at `path` inside the archive.
    pub fn takes(&self, path: &str) -> bool {
        let path = path.trim_start_matches("./").trim_start_matches('/');
        let dirs: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
        if self
            .excludes
            .iter()
            .any(|g| g.matches_path(path) || dirs.iter().any(|d| g.matches_path(d)))
        {
            return false;
        }
        if self.globs.is_empty() {
            looks_like_log(path.rsplit('/').next().unwrap_or(path))
        } else {
            self.globs.iter().any(|g| g.matches_path(path))
        }
    }
}

/// Whether a file name ends in one of [`LOG_EXTENSIONS`].
pub fn looks_like_log(name: &str) -> bool {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            LOG_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
        }
        _ => false,
    }
}

/// `path` relative to `root`, with `/` separators, for glob matching.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

type FileId = (u64, u64);

#[cfg(unix)]
fn file_id(m: &fs::Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

/// Elsewhere there is no cheap identity; loops are then bounded only by the
/// operating system's path length limit.
#[cfg(not(unix))]
fn file_id(_: &fs::Metadata) -> Option<FileId> {
    None
}

/// A compiled glob: `*` (any run of characters but `/`), `**` (any number of
/// whole path components, as in `a/**/b` or `**/x.log`), `?` (one character
/// but `/`), `[abc]`, `[a-z]`, `[!abc]` or `[^abc]` (one character in or not
/// in the set); `\` escapes the next character. Matching is on characters,
/// case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    text: String,
    tokens: Vec<Token>,
    /// Without a `/`, the glob is matched against the file name only.
    basename: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Char(char),
    Any,
    Star,
    /// `**/` or a trailing `/**`: zero or more whole components.
    Globstar,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// A glob that cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobError {
    /// The glob as given.
    pub glob: String,
    /// What is wrong with it.
    pub message: &'static str,
}

impl fmt::Display for GlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid glob '{}': {}", self.glob, self.message)
    }
}

impl std::error::Error for GlobError {}

impl std::str::FromStr for Glob {
    type Err = GlobError;
    fn from_str(s: &str) -> Result<Glob, GlobError> {
        Glob::new(s)
    }
}

impl fmt::Display for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Glob {
    /// Compiles a glob.
    ///
    /// # Errors
    ///
    /// An unclosed `[`, an empty class or a trailing `\`.
    pub fn new(glob: &str) -> Result<Glob, GlobError> {
        let err = |message| GlobError { glob: glob.to_string(), message };
        // A leading `/` anchors at the root, which relative matching already does.
        let body = glob.strip_prefix('/').unwrap_or(glob);
        let basename = !body.contains('/');
        let chars: Vec<char> = body.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '*' if chars.get(i + 1) == Some(&'*') => {
                    let at_start = i == 0 || chars[i - 1] == '/';
                    let next = chars.get(i + 2);
                    if at_start && next == Some(&'/') {
                        tokens.push(Token::Globstar);
                        i += 3;
                        continue;
                    }
                    if at_start && next.is_none() {
                        // A trailing `**` matches everything below: any
                        // number of components, then the last one.
                        tokens.push(Token::Globstar);
                        tokens.push(Token::Star);
                        i += 2;
                        continue;
                    }
                    // `a**b` is two stars: the same as one.
                    tokens.push(Token::Star);
                    i += 2;
                }
                '*' => {
                    tokens.push(Token::Star);
                    i += 1;
                }
                '?' => {
                    tokens.push(Token::Any);
                    i += 1;
                }
                '\\' => {
                    let c = *chars.get(i + 1).ok_or_else(|| err("trailing backslash"))?;
                    tokens.push(Token::Char(c));
                    i += 2;
                }
                '[' => {
                    let (tok, next) = parse_class(&chars, i).ok_or_else(|| err("unclosed '['"))?;
                    tokens.push(tok);
                    i = next;
                }
                c => {
                    tokens.push(Token::Char(c));
                    i += 1;
                }
            }
        }
        Ok(Glob { text: glob.to_string(), tokens, basename })
    }

    /// Matches a `/`-separated relative path (only its last component for a
    /// glob without `/`).
    pub fn matches_path(&self, rel: &str) -> bool {
        let subject = if self.basename { rel.rsplit('/').next().unwrap_or(rel) } else { rel };
        let s: Vec<char> = subject.chars().collect();
        match_tokens(&self.tokens, &s)
    }
}

/// Parses `[...]` starting at `chars[start] == '['`; returns the token and the
/// index after `]`.
fn parse_class(chars: &[char], start: usize) -> Option<(Token, usize)> {
    let mut i = start + 1;
    let negated = matches!(chars.get(i), Some('!') | Some('^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        // A `]` right after `[` or `[!` is a literal, as in POSIX.
        if c == ']' && !first {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        first = false;
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&e| e != ']') {
            ranges.push((c, chars[i + 2]));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
}

/// Backtracking matcher. Globs are short and paths are short, and `*` never
/// crosses `/`, so the work stays small (no exponential blow-up in practice:
/// each `*` is bounded by one component).
fn match_tokens(t: &[Token], s: &[char]) -> bool {
    match t.first() {
        None => s.is_empty(),
        Some(Token::Char(c)) => s.first() == Some(c) && match_tokens(&t[1..], &s[1..]),
        Some(Token::Any) => s.first().is_some_and(|&c| c != '/') && match_tokens(&t[1..], &s[1..]),
        Some(Token::Class { negated, ranges }) => match s.first() {
            Some(&c) if c != '/' => {
                let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                inside != *negated && match_tokens(&t[1..], &s[1..])
            }
            _ => false,
        },
        Some(Token::Star) => {
            let stop = s.iter().position(|&c| c == '/').unwrap_or(s.len());
            (0..=stop).any(|k| match_tokens(&t[1..], &s[k..]))
        }
        Some(Token::Globstar) => {
            // Zero components, or skip one whole component and its `/`.
            if match_tokens(&t[1..], s) {
                return true;
            }
            let mut k = 0;
            while let Some(p) = s[k..].iter().position(|&c| c == '/') {
                k += p + 1;
                if match_tokens(&t[1..], &s[k..]) {
                    return true;
                }
            }
            false
        }
    }
}

/// Whether an input belongs to shard `i` of `n` (`--shard I/N`, with `i`
/// from 1 to `n` like GitLab's `CI_NODE_INDEX`/`CI_NODE_TOTAL` under
/// `parallel:`). The shards of one `n` partition any set of names exactly.
///
/// The name is hashed with 64-bit FNV-1a, then mixed with the splitmix64
/// finalizer (FNV's low bits alone spread poorly over small `n`); both are
/// fixed algorithms, so a name lands in the same shard on every machine,
/// run and Rust version (std's hasher is randomized per process). Hash the
/// name as printed: run every shard with the same arguments from the same
/// directory. Returns false when `i` is 0 or above `n`.
pub fn in_shard(name: &str, i: u32, n: u32) -> bool {
    if i == 0 || i > n {
        return false;
    }
    shard_of(name, n) == i
}

/// The shard (1 to `n`) a name belongs to; see [`in_shard`].
pub fn shard_of(name: &str, n: u32) -> u32 {
    // The high lane of the stable hash is FNV-1a 64.
    let mut h = (crate::docker::stable_hash(name.as_bytes()) >> 64) as u64;
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h % u64::from(n.max(1))) as u32 + 1
}

/// A `--shard I/N` value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardError(pub String);

impl fmt::Display for ShardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid shard '{}': expected I/N with 1 <= I <= N (e.g. 2/8)", self.0)
    }
}

impl std::error::Error for ShardError {}

/// Parses `I/N` (`--shard 2/8`).
pub fn parse_shard(s: &str) -> Result<(u32, u32), ShardError> {
    let err = || ShardError(s.to_string());
    let (i, n) = s.split_once('/').ok_or_else(err)?;
    let i: u32 = i.trim().parse().map_err(|_| err())?;
    let n: u32 = n.trim().parse().map_err(|_| err())?;
    if i == 0 || n == 0 || i > n {
        return Err(err());
    }
    Ok((i, n))
}

/// Drops names outside the shard, keeping order (a no-op for `1/1`).
pub fn shard<T>(items: Vec<T>, name: impl Fn(&T) -> String, i: u32, n: u32) -> Vec<T> {
    items.into_iter().filter(|x| in_shard(&name(x), i, n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, path: &str) -> bool {
        Glob::new(glob).unwrap().matches_path(path)
    }

    #[test]
    fn glob_table() {
        let table: &[(&str, &str, bool)] = &[
            ("*.log", "a.log", true),
            ("*.log", "x/y/a.log", true),
            ("*.log", "a.log.gz", false),
            ("*.log*", "a.log.gz", true),
            ("a/*.log", "a/b.log", true),
            ("a/*.log", "a/c/b.log", false),
            ("a/**/b.log", "a/b.log", true),
            ("a/**/b.log", "a/x/y/b.log", true),
            ("**/b.log", "b.log", true),
            ("**/b.log", "q/b.log", true),
            ("a/**", "a/x/y", true),
            ("a/**", "ab/x", false),
            ("old/**", "old", false),
            ("job-??.log", "job-12.log", true),
            ("job-??.log", "job-1.log", false),
            ("job-[0-9].log", "job-7.log", true),
            ("job-[!0-9].log", "job-7.log", false),
            ("job-[^0-9].log", "job-x.log", true),
            ("[]]", "]", true),
            (r"\*.log", "*.log", true),
            (r"\*.log", "a.log", false),
            ("/top.log", "top.log", true),
            ("a?b", "x/acb", true),
            ("**", "x/y/z.log", true),
            ("x/a?b", "x/a/b", false),
        ];
        for &(g, p, want) in table {
            assert_eq!(m(g, p), want, "glob {g:?} on {p:?}");
        }
        assert!(Glob::new("[abc").is_err());
        assert!(Glob::new("abc\\").is_err());
        assert_eq!(Glob::new("[x").unwrap_err().to_string(), "invalid glob '[x': unclosed '['");
    }

    #[test]
    fn extensions() {
        for n in ["a.log", "A.LOG", "x.tar.gz", "t.tgz", "t.zst", "a.zip", "t.trace", "t.txt"] {
            assert!(looks_like_log(n), "{n}");
        }
        for n in ["a.json", "log", ".log", "a.png", "Makefile"] {
            assert!(!looks_like_log(n), "{n}");
        }
    }

    #[test]
    fn shard_parse_and_bounds() {
        assert_eq!(parse_shard("2/8"), Ok((2, 8)));
        for bad in ["0/3", "4/3", "1/0", "x/2", "3", ""] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
        assert!(!in_shard("a", 0, 3));
        assert!(!in_shard("a", 4, 3));
        assert!(in_shard("anything", 1, 1));
    }
}
