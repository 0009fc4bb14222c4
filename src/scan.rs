//! The scanner: a SIMD literal prefilter picks candidate lines, which alone are decoded and confirmed.
//!
//! # How a chunk is scanned
//!
//! The reader hands over whole lines. Lazy cursors run ahead over the raw
//! bytes, each the position of its next hit: a literal (Teddy, see
//! [`Prefilter`]), a "dirty" byte (ESC, or a `\r` that does not just end the
//! line), an `FF_TIMESTAMPS` `+` continuation header, and, inside an image
//! build step, a `$ ` prompt. The scanner jumps from one hit's line to the
//! next, counting the newlines it skips; it never looks at the lines between
//! (except to learn that the log is stamped). A dirty line is decoded first and
//! then searched again, because an escape sequence or a `\r` rewrite can split
//! or erase a literal. Lines joined from `+` continuations are always searched
//! in full for the same reason, which is why continuations are a cursor of
//! their own. Inside a service-log block every line matters (each is counted),
//! so there the scan goes line by line.
//!
//! Overlapping literals (`docker:2375` inside `tcp://docker:2375`) are handled
//! by mapping each distinct literal to every target it gates and searching a
//! candidate line with overlapping iteration, so no target is shadowed by a
//! longer or earlier literal.

use std::collections::HashMap;
use std::io::Read;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use aho_corasick::AhoCorasick;

use crate::context::{JobContext, Probe, PROBES};
use crate::decode::{self, Header, SectionEvent, HEADER_LEN};
use crate::hits::{
    find_prompt, has_stamped_line, is_continuation, line_end, line_start, quick_header, Cursors,
    HitSource, Hits, Prefilter, NONE,
};
use crate::reader::{ChunkReader, Region, DEFAULT_CAPACITY};
use crate::signature::{SignatureSet, Source};
use crate::track::{Tracker, TRACK_LITERALS};

/// Evidence lines kept per pattern; the count goes on past it.
pub const MAX_EVIDENCE: usize = 5;
/// Characters of an evidence line kept around the match.
const EXCERPT: usize = 400;
/// A logical line joined from `+` continuations is flushed when it grows past this.
const MAX_JOINED: usize = 1 << 20;
/// The runner cuts a write this long without `\n` into `+` continuations
/// (its timestamper's 8 KiB); a stamped line this long may go on later.
const RUNNER_SPLIT: usize = 8 * 1024;
/// Parked lines waiting for their stream's continuation: one per stream in
/// practice; past this, lines are scanned as they are (bounded memory).
const MAX_PARKED: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Pattern { sig: u32, pat: u32 },
    Probe(Probe),
    Track,
}

/// Options for one input.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Read buffer size in bytes.
    pub capacity: usize,
    /// Treat every line as coming from this source (a service log file).
    pub force_source: Option<Source>,
    /// Name to put on evidence from this input when it is merged into another.
    pub origin: Option<Arc<str>>,
    /// Mask credentials in evidence text (see [`crate::redact`]).
    pub redact: bool,
    /// Read and prefilter on this thread while a second thread follows the
    /// lines: for one large input on a machine with a core to spare.
    pub pipeline: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            capacity: DEFAULT_CAPACITY,
            force_source: None,
            origin: None,
            redact: true,
            pipeline: false,
        }
    }
}

/// One line that matched a pattern.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Evidence {
    /// 1-based physical line number where the logical line starts.
    pub line: u64,
    /// Who wrote it.
    pub source: Source,
    /// The job phase (section name).
    pub section: Option<String>,
    /// The decoded text (an excerpt around the match when long), lossily UTF-8.
    pub text: String,
    /// Named regex captures.
    pub captures: Vec<(String, String)>,
    /// The file it came from, when not the report's own file.
    pub origin: Option<Arc<str>>,
}

/// Every match of one pattern in one input.
#[derive(Debug, Clone)]
pub struct PatternHits {
    /// Index of the signature in the set.
    pub sig: usize,
    /// Index of the pattern in the signature.
    pub pat: usize,
    /// Lines that matched.
    pub count: u64,
    /// The first [`MAX_EVIDENCE`] of them.
    pub evidence: Vec<Evidence>,
    last_line: u64,
}

/// What scanning one input produced, before classification.
#[derive(Debug, Clone, Default)]
pub struct ScanResult {
    /// Facts about the job.
    pub context: JobContext,
    /// Matches, ordered by (signature, pattern).
    pub hits: Vec<PatternHits>,
    /// Physical lines read.
    pub lines: u64,
    /// Bytes read.
    pub bytes: u64,
    /// The input held NUL bytes (binary data); it was scanned as text anyway.
    pub binary: bool,
    /// What the input was read as (set by [`crate::Analyzer::scan`]).
    pub kind: crate::pairing::LogKind,
}

impl ScanResult {
    /// Everything classification reads from a scan, as text: two scans of the
    /// same input by different paths (buffer sizes, the naive reference) must
    /// give equal fingerprints. Used by the oracle test and the fuzz target.
    pub fn fingerprint(&self) -> String {
        let hits: Vec<String> = self
            .hits
            .iter()
            .map(|h| {
                let lines: Vec<String> = h
                    .evidence
                    .iter()
                    .map(|e| {
                        format!(
                            "{}:{:?}:{:?}:{}:{:?}",
                            e.line, e.source, e.section, e.text, e.captures
                        )
                    })
                    .collect();
                format!("{}/{} x{} [{}]", h.sig, h.pat, h.count, lines.join(" | "))
            })
            .collect();
        format!(
            "{:?}\nlines={} binary={}\n{}",
            self.context,
            self.lines,
            self.binary,
            hits.join("\n")
        )
    }

    /// Adds a service log's matches to a job log's, so both are classified together.
    pub fn merge_service_log(&mut self, other: ScanResult) {
        self.context.service_log_lines += other.context.service_log_lines;
        for h in other.hits {
            match self.hits.iter_mut().find(|m| m.sig == h.sig && m.pat == h.pat) {
                Some(m) => {
                    m.count += h.count;
                    let room = MAX_EVIDENCE.saturating_sub(m.evidence.len());
                    m.evidence.extend(h.evidence.into_iter().take(room));
                }
                None => self.hits.push(h),
            }
        }
        self.hits.sort_by_key(|h| (h.sig, h.pat));
    }
}

/// The compiled knowledge base. Cheap to clone (reference counted) and shared
/// by all threads.
#[derive(Clone, Debug)]
pub struct Scanner {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    set: SignatureSet,
    prefilter: Prefilter,
    /// Some pattern has `not_commands`: the tracker follows every prompt.
    follow_commands: bool,
    /// Confirms which literals a candidate line holds (overlapping search).
    /// A contiguous NFA builds in a fraction of a millisecond: it serves
    /// until the scanner has read [`DFA_AFTER`] bytes.
    nfa: AhoCorasick,
    /// The same literals as a DFA: about 3x faster to search, a few
    /// milliseconds to build. Built once, when [`DFA_AFTER`] is passed, so
    /// a one-off scan of a small log never pays for it.
    dfa: OnceLock<AhoCorasick>,
    literals: Vec<String>,
    /// Bytes read by every scan of this scanner so far (all threads).
    seen: AtomicU64,
    targets: Vec<Vec<Target>>,
}

/// Bytes read, over all inputs, after which the DFA pays for its construction.
const DFA_AFTER: u64 = 4 << 20;

impl Inner {
    /// The automaton that confirms candidate lines, once `more` bytes are read.
    fn confirmer(&self, more: usize) -> &AhoCorasick {
        if let Some(dfa) = self.dfa.get() {
            return dfa;
        }
        if self.seen.fetch_add(more as u64, Ordering::Relaxed) < DFA_AFTER {
            return &self.nfa;
        }
        self.dfa.get_or_init(|| {
            aho_corasick::AhoCorasickBuilder::new()
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(&self.literals)
                // The same literals already built the NFA.
                .expect("literal automaton")
        })
    }
}

impl Scanner {
    /// Compiles a signature set.
    pub fn new(set: SignatureSet) -> Scanner {
        let mut literals: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut add = |lit: &str, t: Target| {
            let i = *index.entry(lit.to_string()).or_insert_with(|| {
                literals.push(lit.to_string());
                targets.push(Vec::new());
                literals.len() - 1
            });
            if !targets[i].contains(&t) {
                targets[i].push(t);
            }
        };
        for (si, sig) in set.iter().enumerate() {
            for (pi, p) in sig.patterns.iter().enumerate() {
                for lit in &p.literals {
                    add(lit, Target::Pattern { sig: si as u32, pat: pi as u32 });
                }
            }
        }
        for (lit, probe) in PROBES {
            add(lit, Target::Probe(*probe));
        }
        for lit in TRACK_LITERALS {
            add(lit, Target::Track);
        }
        // Literals are at least 4 bytes (checked by the loader), so Teddy
        // uses its 4-byte fingerprints.
        let nfa = aho_corasick::AhoCorasickBuilder::new()
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(&literals)
            .expect("literal automaton");
        let prefilter = Prefilter::new(&crate::hits::guards(&literals));
        let follow_commands =
            set.iter().any(|s| s.patterns.iter().any(|p| !p.not_commands.is_empty()));
        let inner = Inner {
            follow_commands,
            set,
            prefilter,
            nfa,
            dfa: OnceLock::new(),
            literals,
            seen: AtomicU64::new(0),
            targets,
        };
        Scanner { inner: Arc::new(inner) }
    }

    /// The signature set this scanner was built from.
    pub fn signatures(&self) -> &SignatureSet {
        &self.inner.set
    }

    /// Scans an input to its end.
    pub fn scan_reader<R: Read>(&self, rdr: R, opts: &ScanOptions) -> std::io::Result<ScanResult> {
        self.scan_chunks(&mut ChunkReader::new(rdr, opts.capacity), opts)
    }

    /// Scans what is left in a chunk reader (which may have been peeked at).
    pub fn scan_chunks<R: Read>(
        &self,
        reader: &mut ChunkReader<R>,
        opts: &ScanOptions,
    ) -> std::io::Result<ScanResult> {
        if opts.pipeline {
            return self.scan_pipelined(reader, opts);
        }
        let mut fs = FileScan::new(&self.inner, opts);
        while let Some(region) = reader.next_region()? {
            match region {
                Region::Lines(bytes) => fs.lines(bytes),
                Region::Partial(bytes) => fs.partial(bytes),
            }
        }
        fs.flush();
        let mut result = fs.finish();
        result.bytes = reader.bytes_read();
        Ok(result)
    }

    /// [`Scanner::scan_chunks`] on two threads. This one reads each region,
    /// copies it into a recycled buffer and finds every line with a hit (the
    /// SIMD passes, about half the work); a scoped worker follows the lines
    /// from those lists exactly as the one-thread scan does from its lazy
    /// cursors. The reader never leaves this thread, so it need not be `Send`.
    /// Memory stays bounded: at most four buffers exist at a time.
    fn scan_pipelined<R: Read>(
        &self,
        reader: &mut ChunkReader<R>,
        opts: &ScanOptions,
    ) -> std::io::Result<ScanResult> {
        enum Batch {
            Lines(Vec<u8>, Hits),
            Partial(Vec<u8>),
        }
        let inner = &*self.inner;
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(2);
            let (back, recycled) = std::sync::mpsc::channel::<(Vec<u8>, Hits)>();
            let worker = s.spawn(move || {
                let mut fs = FileScan::new(inner, opts);
                for batch in rx {
                    let returned = match batch {
                        Batch::Lines(buf, mut hits) => {
                            fs.lines_with(&buf, &mut hits);
                            (buf, hits)
                        }
                        Batch::Partial(buf) => {
                            fs.partial(&buf);
                            (buf, Hits::default())
                        }
                    };
                    // The reader may have stopped on an error: nobody to return to.
                    let _ = back.send(returned);
                }
                fs.flush();
                fs.finish()
            });
            let mut cursors = Cursors::new(&inner.prefilter);
            let read: std::io::Result<()> = (|| {
                while let Some(region) = reader.next_region()? {
                    let (mut buf, mut hits) = recycled.try_recv().unwrap_or_default();
                    buf.clear();
                    let batch = match region {
                        Region::Lines(b) => {
                            buf.extend_from_slice(b);
                            hits.find_all(&inner.prefilter, &buf, &mut cursors);
                            Batch::Lines(buf, hits)
                        }
                        Region::Partial(b) => {
                            buf.extend_from_slice(b);
                            Batch::Partial(buf)
                        }
                    };
                    if tx.send(batch).is_err() {
                        break;
                    }
                }
                Ok(())
            })();
            drop(tx);
            let mut result = match worker.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            read?;
            result.bytes = reader.bytes_read();
            Ok(result)
        })
    }

    /// Scans bytes already in memory (tests, and the examples in signature files).
    pub fn scan_bytes(&self, data: &[u8]) -> ScanResult {
        // Reading from a slice cannot fail.
        self.scan_reader(data, &ScanOptions::default()).expect("in-memory read")
    }

    /// The reference scanner: decodes every line and tries every pattern on it,
    /// with no prefilter and the whole input in memory. Slow and obviously
    /// right; tests check that [`Scanner::scan_reader`] agrees with it.
    pub fn scan_naive(&self, data: &[u8]) -> ScanResult {
        let mut fs = FileScan::new(&self.inner, &ScanOptions::default());
        fs.naive = true;
        fs.lines(data);
        fs.flush();
        let mut r = fs.finish();
        r.bytes = data.len() as u64;
        r
    }
}

/// A logical line under construction: one physical line, or several joined by
/// `+` continuations.
#[derive(Debug, Default)]
struct Pending {
    active: bool,
    line_no: u64,
    header: Option<Header>,
    /// The body inside the current region, while it is one physical line.
    borrowed: Option<Range<usize>>,
    owned: Vec<u8>,
    /// The tracker as it stood when the line was parked: a parked line is
    /// read where it stands in the log, whatever lines came between.
    parked_at: Option<Box<Tracker>>,
    /// What scanning it before it was parked counted already.
    counted: Vec<(u32, u32)>,
    candidate: bool,
    /// Its raw bytes held a literal, or it was joined or cut: search its
    /// text. Otherwise it was visited for an escape or for the tracker, and
    /// its text is searched only if decoding joined pieces.
    literal: bool,
}

struct FileScan<'s> {
    sc: &'s Inner,
    force_source: Option<Source>,
    origin: Option<Arc<str>>,
    redact: bool,
    tracker: Tracker,
    ctx: JobContext,
    hits: HashMap<(u32, u32), PatternHits>,
    line_no: u64,
    /// The previous region ended inside an over-long line.
    long_line_open: bool,
    /// That line's timestamp header, so a `+` continuation can still join its tail.
    long_header: Option<Header>,
    pending: Pending,
    events: Vec<SectionEvent>,
    found: Vec<Target>,
    naive: bool,
    binary: bool,
    /// Per-region search positions, kept to reuse their allocation.
    cursors: Cursors,
    /// The scanner's confirming automaton, looked up once per region.
    confirm: &'s AhoCorasick,
    /// Decoded text of the line being scanned.
    scratch: Vec<u8>,
    /// The last line counted as a service log line.
    last_service_line: Option<u64>,
    /// Copies of stamped lines the runner may continue (see [`FileScan::settle`]):
    /// that stream's next `+` line continues it, however many other streams'
    /// lines come between.
    parked: Vec<Pending>,
    /// While a re-joined parked line is scanned: what its first scan counted.
    counted: Vec<(u32, u32)>,
}

impl<'s> FileScan<'s> {
    fn new(sc: &'s Inner, opts: &ScanOptions) -> Self {
        FileScan {
            sc,
            force_source: opts.force_source,
            origin: opts.origin.clone(),
            redact: opts.redact,
            tracker: Tracker::new(sc.follow_commands),
            ctx: JobContext::default(),
            hits: HashMap::new(),
            line_no: 0,
            long_line_open: false,
            long_header: None,
            pending: Pending::default(),
            events: Vec::new(),
            found: Vec::new(),
            naive: false,
            binary: false,
            cursors: Cursors::new(&sc.prefilter),
            confirm: &sc.nfa,
            scratch: Vec::new(),
            last_service_line: None,
            parked: Vec::new(),
            counted: Vec::new(),
        }
    }

    fn lines(&mut self, bytes: &[u8]) {
        if self.naive {
            self.binary = self.binary || memchr::memchr(0, bytes).is_some();
            let mut pos = 0;
            while pos < bytes.len() {
                let end = line_end(bytes, pos);
                self.physical_line(bytes, pos..end, true, true);
                pos = end + 1;
            }
            self.pending_to_owned(bytes);
            return;
        }
        let mut cursors = std::mem::take(&mut self.cursors);
        cursors.reset();
        self.lines_with(bytes, &mut cursors);
        self.cursors = cursors;
    }

    /// [`FileScan::lines`] with the hits found by `hits`.
    fn lines_with<H: HitSource>(&mut self, bytes: &[u8], hits: &mut H) {
        // Like `rg -a`: NUL bytes are noted, and the input is still read as text,
        // because a job log with a stray binary blob still holds the failure.
        self.binary = self.binary || memchr::memchr(0, bytes).is_some();
        self.confirm = self.sc.confirmer(bytes.len());
        // The last line stays pending into the next region (its continuation
        // may be there), so it is always visited.
        let last = line_start(bytes, 0, bytes.len().saturating_sub(1));
        let mut pos = 0;
        while pos < bytes.len() {
            // The first line may finish an over-long line or continue the
            // previous region's last one: it is always visited.
            if pos > 0 && !is_continuation(&bytes[pos..]) {
                // Nothing joins the pending line any more: settle it now, so
                // the tracker's state is known before deciding what to skip.
                self.settle(bytes, quick_header(&bytes[pos..]));
                if !self.tracker.wants_every_line() {
                    let target = self.next_visit(bytes, pos, last, hits);
                    if target > pos {
                        self.skip(&bytes[pos..target]);
                        pos = target;
                    }
                }
            }
            let end = line_end(bytes, pos);
            let sc = self.sc;
            let literal = hits.literal(&sc.prefilter, bytes, pos) < end;
            let candidate = literal || hits.dirty(bytes, pos) < end;
            self.physical_line(bytes, pos..end, candidate, literal);
            pos = end + 1;
        }
        self.pending_to_owned(bytes);
    }

    /// The start of the next line from `pos` on that must be visited: one
    /// with a cursor hit, or the one a `+` continuation there joins, or `last`.
    fn next_visit<H: HitSource>(
        &mut self,
        bytes: &[u8],
        pos: usize,
        last: usize,
        hits: &mut H,
    ) -> usize {
        let mut hit = hits.literal(&self.sc.prefilter, bytes, pos);
        hit = hit.min(hits.dirty(bytes, pos));
        hit = hit.min(hits.continuation(bytes, pos));
        if self.tracker.wants_prompt_lines() {
            hit = hit.min(hits.prompt(bytes, pos));
        }
        let target = if hit >= last { last.max(pos) } else { line_start(bytes, pos, hit) };
        if target > pos && is_continuation(&bytes[target..]) {
            // Visit the line it continues, so the two are joined.
            return line_start(bytes, pos, target - 1);
        }
        target
    }

    /// Passes over whole lines that hold nothing: no literal, no escape, no
    /// continuation. They only count, and tell whether the log is stamped.
    fn skip(&mut self, span: &[u8]) {
        self.line_no += memchr::memchr_iter(b'\n', span).count() as u64;
        if !self.ctx.timestamps && has_stamped_line(span) {
            self.ctx.timestamps = true;
        }
    }

    /// A piece of a line longer than the read buffer.
    fn partial(&mut self, bytes: &[u8]) {
        self.flush();
        self.binary = self.binary || memchr::memchr(0, bytes).is_some();
        // Only the first piece starts with the timestamp header; the later
        // pieces keep its stream (a service line stays a service line).
        let (header, body) = if self.long_line_open {
            (self.long_header, bytes)
        } else {
            self.line_no += 1;
            let header = decode::parse_header(bytes);
            self.long_header = header;
            (header, if header.is_some() { &bytes[HEADER_LEN..] } else { bytes })
        };
        self.long_line_open = true;
        self.pending = Pending {
            active: true,
            line_no: self.line_no,
            header,
            borrowed: None,
            owned: body.to_vec(),
            candidate: true,
            literal: true,
            parked_at: None,
            counted: Vec::new(),
        };
        self.flush();
    }

    fn physical_line(&mut self, bytes: &[u8], range: Range<usize>, candidate: bool, literal: bool) {
        let line = &bytes[range.clone()];
        if self.long_line_open {
            // The tail of an over-long line: same line number, already started.
            self.long_line_open = false;
            self.pending = Pending {
                active: true,
                line_no: self.line_no,
                header: self.long_header.take(),
                borrowed: Some(range),
                owned: Vec::new(),
                candidate: true,
                literal: true,
                parked_at: None,
                counted: Vec::new(),
            };
            return;
        }
        self.line_no += 1;
        let header = quick_header(line);
        let mut start = range.start;
        if let Some(h) = header {
            self.ctx.timestamps = true;
            start += HEADER_LEN;
            let same = |p: &Pending| {
                p.active && p.header.is_some_and(|p| p.stream == h.stream && p.stderr == h.stderr)
            };
            if h.continuation && !same(&self.pending) {
                // It continues a parked line of its stream, not the line before it.
                if let Some(i) = self.parked.iter().position(same) {
                    self.settle(bytes, Some(h));
                    self.pending = self.parked.remove(i);
                }
            } else if let Some(i) = self.parked.iter().position(same) {
                // A full line of a parked stream: that line was complete, and scanned.
                self.parked.remove(i);
            }
            if h.continuation
                && same(&self.pending)
                && self.pending_len() + line.len() <= MAX_JOINED
            {
                self.pending_to_owned(bytes);
                // The earlier piece's trailing `\r` was a rewrite, not a line end.
                self.pending.owned.extend_from_slice(&bytes[start..range.end]);
                self.pending.candidate = true;
                self.pending.literal = true;
                return;
            }
        }
        self.settle(bytes, header);
        self.pending = Pending {
            active: true,
            line_no: self.line_no,
            header,
            borrowed: Some(start..range.end),
            owned: Vec::new(),
            candidate,
            literal,
            parked_at: None,
            counted: Vec::new(),
        };
    }

    fn pending_len(&self) -> usize {
        self.pending.borrowed.as_ref().map_or(self.pending.owned.len(), |r| r.len())
    }

    /// Copies the pending line out of a region that is about to be reused.
    fn pending_to_owned(&mut self, bytes: &[u8]) {
        if let Some(r) = self.pending.borrowed.take() {
            self.pending.owned.clear();
            self.pending.owned.extend_from_slice(&bytes[r]);
        }
    }

    /// Scans the pending line once it is known to be complete. `bytes` is the
    /// region a borrowed pending line points into.
    /// Settles the pending line before `next` starts. A stamped line the
    /// runner may continue later (it ended in `\r`, or reached the runner's
    /// split size) with another stream's line next is scanned now, as it is,
    /// and a copy waits (parked) for its own stream's `+` line: then the
    /// joined line is scanned again, in the tracker state of its place, and
    /// only what the first scan did not count is counted.
    fn settle(&mut self, bytes: &[u8], next: Option<Header>) {
        let p = &self.pending;
        let other_stream = match (p.header, next) {
            (Some(a), Some(b)) => (a.stream, a.stderr) != (b.stream, b.stderr),
            _ => false,
        };
        let awaits = p.active
            && other_stream
            && p.parked_at.is_none()
            && self.parked.len() < MAX_PARKED
            && {
                let body = match &p.borrowed {
                    Some(r) => &bytes[r.clone()],
                    None => &p.owned[..],
                };
                body.ends_with(b"\r") || body.len() >= RUNNER_SPLIT
            };
        if !awaits {
            self.flush_in(bytes);
            return;
        }
        self.pending_to_owned(bytes);
        let mut copy = Pending {
            active: true,
            line_no: self.pending.line_no,
            header: self.pending.header,
            borrowed: None,
            owned: self.pending.owned.clone(),
            candidate: true,
            literal: true,
            parked_at: Some(Box::new(self.tracker.clone())),
            counted: Vec::new(),
        };
        let before: HashMap<(u32, u32), u64> =
            self.hits.iter().map(|(k, h)| (*k, h.count)).collect();
        self.flush_in(bytes);
        copy.counted = self
            .hits
            .iter()
            .filter(|(k, h)| h.count > before.get(k).copied().unwrap_or(0))
            .map(|(k, _)| *k)
            .collect();
        self.parked.push(copy);
    }

    fn flush_in(&mut self, bytes: &[u8]) {
        let p = std::mem::take(&mut self.pending);
        // Inside a service-log block or a build step every line matters to the
        // state (service lines are counted, `$ ` ends a step), not only those
        // with a literal.
        if !p.active {
            return;
        }
        let raw = match &p.borrowed {
            Some(r) => &bytes[r.clone()],
            None => &p.owned[..],
        };
        // A parked line is read with the tracker of its place in the log; the
        // tracker of the lines after it stays as they left it.
        let now = p.parked_at.map(|t| std::mem::replace(&mut self.tracker, *t));
        self.counted = p.counted;
        // A `$ ` prompt ends a build step's output; the prompt cursor sent
        // such lines here, and the tracker must see them.
        let visit = p.candidate
            || self.tracker.wants_every_line()
            || (self.tracker.wants_prompt_lines() && find_prompt(raw, 0) != NONE);
        if visit {
            self.scan_logical(p.line_no, p.header, raw, p.literal);
        }
        if let Some(t) = now {
            self.tracker = t;
        }
        self.counted.clear();
    }

    /// Flushes a pending line that owns its bytes (between regions, at the end).
    fn flush(&mut self) {
        debug_assert!(self.pending.borrowed.is_none(), "borrowed lines are owned between regions");
        self.flush_in(&[]);
        // Lines whose continuation never came were complete, and are scanned.
        self.parked.clear();
    }

    fn scan_logical(&mut self, line_no: u64, header: Option<Header>, raw: &[u8], literal: bool) {
        let raw = trim_line_end(raw);
        self.events.clear();
        // One buffer for every decoded line, rather than one allocation each.
        let mut scratch = std::mem::take(&mut self.scratch);
        let (text, search) = if decode::needs_decoding(raw) {
            let joined = decode::decode_into(raw, &mut scratch, &mut self.events);
            (&scratch[..], literal || joined)
        } else {
            (raw, literal)
        };
        self.scan_text(line_no, header, text, search || self.naive);
        self.scratch = scratch;
    }

    /// `search`: the text may hold a literal (see [`Pending::literal`]).
    fn scan_text(&mut self, line_no: u64, header: Option<Header>, text: &[u8], search: bool) {
        self.tracker.apply(&self.events);
        let mut info = self.tracker.line(header, text);
        if let Some(s) = self.force_source {
            info.source = s;
        }
        // Pieces of one over-long line share its number: count the line once.
        if info.source == Source::Service && self.last_service_line != Some(line_no) {
            self.last_service_line = Some(line_no);
            self.ctx.service_log_lines += 1;
        }

        self.found.clear();
        if search {
            for m in self.confirm.find_overlapping_iter(text) {
                self.found.extend_from_slice(&self.sc.targets[m.pattern().as_usize()]);
            }
        }
        if self.naive {
            // The reference path ignores the prefilter: every pattern, every line.
            self.found.clear();
            for (si, sig) in self.sc.set.iter().enumerate() {
                for pi in 0..sig.patterns.len() {
                    self.found.push(Target::Pattern { sig: si as u32, pat: pi as u32 });
                }
            }
            self.found.extend(PROBES.iter().map(|(_, p)| Target::Probe(*p)));
        }
        if self.found.is_empty() {
            return;
        }
        dedup(&mut self.found);
        for i in 0..self.found.len() {
            match self.found[i] {
                Target::Probe(p) => {
                    if info.source != Source::Service {
                        self.ctx.observe(p, text);
                    }
                }
                Target::Track => {}
                Target::Pattern { sig, pat } => {
                    if self.counted.contains(&(sig, pat)) {
                        continue;
                    }
                    let pattern = &self.sc.set.get(sig as usize).patterns[pat as usize];
                    if !pattern.accepts_source(info.source)
                        || !pattern.accepts_build_output(info.in_build_step)
                        || (info.source == Source::Job
                            && !pattern.accepts_command(self.tracker.command()))
                    {
                        continue;
                    }
                    let Some((at, captures)) = pattern.confirm(text) else { continue };
                    let entry = self.hits.entry((sig, pat)).or_insert_with(|| PatternHits {
                        sig: sig as usize,
                        pat: pat as usize,
                        count: 0,
                        evidence: Vec::new(),
                        last_line: 0,
                    });
                    if entry.last_line == line_no {
                        // Pieces of one long line, or a re-joined line: count once.
                        continue;
                    }
                    entry.last_line = line_no;
                    entry.count += 1;
                    if entry.evidence.len() < MAX_EVIDENCE {
                        let (text, captures) = if self.redact {
                            let full = String::from_utf8_lossy(text);
                            let masked = crate::redact::redact(&full);
                            let at = at.min(masked.len());
                            let caps = captures
                                .into_iter()
                                .map(|(k, v)| (k, crate::redact::redact(&v).into_owned()))
                                .collect();
                            (excerpt(masked.as_bytes(), at), caps)
                        } else {
                            (excerpt(text, at), captures)
                        };
                        entry.evidence.push(Evidence {
                            line: line_no,
                            source: info.source,
                            section: self.tracker.section().map(str::to_owned),
                            text,
                            captures,
                            origin: self.origin.clone(),
                        });
                    }
                }
            }
        }
    }

    fn finish(self) -> ScanResult {
        let mut hits: Vec<PatternHits> = self.hits.into_values().collect();
        hits.sort_by_key(|h| (h.sig, h.pat));
        ScanResult {
            context: self.ctx,
            hits,
            lines: self.line_no,
            bytes: 0,
            binary: self.binary,
            kind: Default::default(),
        }
    }
}

fn dedup(v: &mut Vec<Target>) {
    let key = |t: &Target| match *t {
        Target::Pattern { sig, pat } => (0u8, sig, pat),
        Target::Probe(p) => (1, p as u32, 0),
        Target::Track => (2, 0, 0),
    };
    v.sort_by_key(key);
    v.dedup();
}

/// GitLab ends a line at `\r*\n`; the `\n` is already gone.
fn trim_line_end(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r'] = s {
        s = rest;
    }
    s
}

/// The whole line when short; otherwise a window around byte `at`, cut on
/// character boundaries.
fn excerpt(text: &[u8], at: usize) -> String {
    let s = String::from_utf8_lossy(text);
    if s.chars().count() <= EXCERPT {
        return s.into_owned();
    }
    let at = at.min(s.len());
    let mut start = at.saturating_sub(EXCERPT / 3);
    while !s.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + EXCERPT).min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&s[start..end]);
    if end < s.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::Signature;
    use std::path::Path;

    const SIG: &str = r#"
id = "demo"
title = "Demo"
kind = "root"
severity = "error"
summary = "s"
docs = ["https://docs.gitlab.com/"]
fix = "f"
[[pattern]]
name = "connect"
literals = ["Cannot connect to the Docker daemon"]
regex = 'Cannot connect to the Docker daemon at (?P<url>\S+?)\.? '
[[pattern]]
name = "svc"
literals = ["are you root?"]
sources = ["service"]
[[pattern]]
name = "run-only"
literals = ["no such host"]
build_output = "never"
[[pattern]]
name = "not-go"
literals = ["x509: certificate"]
not_commands = ["go", "kubectl"]
[tests]
match = ["Cannot connect to the Docker daemon at tcp://docker:2375. Is"]
no_match = ["x"]
"#;

    fn scanner() -> Scanner {
        let sig = Signature::from_toml(SIG, Path::new("demo.toml")).unwrap();
        Scanner::new(SignatureSet::new(vec![sig]).unwrap())
    }

    /// (pattern name, line, source) of every evidence line.
    fn hits(sc: &Scanner, r: &ScanResult) -> Vec<(String, u64, Source)> {
        let set = sc.signatures();
        let mut v: Vec<_> = r
            .hits
            .iter()
            .flat_map(|h| {
                let name = set.get(h.sig).patterns[h.pat].name.clone();
                h.evidence.iter().map(move |e| (name.clone(), e.line, e.source))
            })
            .collect();
        v.sort_by_key(|x| x.1);
        v
    }

    /// Regression (issue 15): `+` continues the previous line of its own
    /// stream (id and O/E), as the runner defines it, even with another
    /// stream's line between: the runner's 8 KiB split of a stderr write
    /// around an interleaved stdout line comes back whole.
    #[test]
    fn continuations_join_per_stream_across_interleaved_lines() {
        let sc = scanner();
        let head = "x".repeat(8200);
        let log = format!(
            "2024-05-01T10:00:01.123456Z 01E {head} Cannot connect to the Docker daemon at tc\n\
2024-05-01T10:00:01.123457Z 01O building step 3\n\
2024-05-01T10:00:01.123458Z 01E+p://docker:2375. Is the docker daemon running?\n\
2024-05-01T10:00:01.123459Z 01O done\n"
        );
        for capacity in [16 * 1024, 1 << 20] {
            let opts = ScanOptions { capacity, ..ScanOptions::default() };
            let r =
                sc.scan_reader(crate::reader::Trickle::new(log.as_bytes(), 4096), &opts).unwrap();
            assert_eq!(
                hits(&sc, &r),
                vec![("connect".into(), 1, Source::Job)],
                "capacity {capacity}"
            );
            assert_eq!(r.lines, 4);
        }
        // A `\r`-flushed progress write is rewritten by its continuation, not by
        // the other stream's line.
        let progress = b"2024-05-01T10:00:01.123456Z 01E Downloading 10%\r\n\
2024-05-01T10:00:01.123457Z 01O Cannot connect to the Docker daemon at tcp://docker:2375. Is it\n\
2024-05-01T10:00:01.123458Z 01E+Cannot connect to the Docker daemon at tcp://docker:2376. Is it\n";
        let r = sc.scan_bytes(progress);
        assert_eq!(
            hits(&sc, &r),
            vec![("connect".into(), 1, Source::Job), ("connect".into(), 2, Source::Job)]
        );
    }

    /// Who talks decides: an x509 error while `$ go mod download` or
    /// `$ sudo kubectl` runs is that tool's, under `$ docker push` it counts;
    /// both with and without the prompt's colour codes.
    #[test]
    fn not_commands_follow_the_current_prompt() {
        let sc = scanner();
        let log = b"x509: certificate signed by unknown authority\n\
$ FOO=1 go mod download\n\
x509: certificate signed by unknown authority\n\
\x1b[32;1m$ docker push registry.example.com/app:1\x1b[0;m\n\
x509: certificate signed by unknown authority\n\
$ sudo /usr/local/bin/kubectl apply -f k8s/\n\
x509: certificate signed by unknown authority\n";
        let want: Vec<(String, u64, Source)> =
            vec![("not-go".into(), 1, Source::Job), ("not-go".into(), 5, Source::Job)];
        assert_eq!(hits(&sc, &sc.scan_bytes(log)), want);
    }

    #[test]
    fn ansi_split_literal_is_found() {
        let sc = scanner();
        let log =
            b"ok\nCannot \x1b[1mconnect\x1b[0m to the Docker daemon at tcp://docker:2375. Is it\n";
        assert_eq!(hits(&sc, &sc.scan_bytes(log)), vec![("connect".into(), 2, Source::Job)]);
    }

    #[test]
    fn carriage_return_erases_what_it_rewrites() {
        let sc = scanner();
        let log = b"Cannot connect to the Docker daemon at tcp://x:1. Is\rall good\n";
        assert!(sc.scan_bytes(log).hits.is_empty());
    }

    #[test]
    fn timestamp_continuations_are_joined_per_stream() {
        let sc = scanner();
        let log = b"2024-05-01T10:00:00.000001Z 00O Running with gitlab-runner 17.3.1 (abc)\n\
2024-05-01T10:00:01.000001Z 01E 50%\rCannot connect to the Doc\n\
2024-05-01T10:00:01.000002Z 01E+ker daemon at tcp://docker:2375. Is the docker daemon running?\n\
2024-05-01T10:00:02.000001Z 0fO [service:docker] mount: permission denied (are you root?)\n";
        let r = sc.scan_bytes(log);
        assert!(r.context.timestamps && r.context.preamble);
        assert_eq!(
            hits(&sc, &r),
            vec![("connect".into(), 2, Source::Job), ("svc".into(), 4, Source::Service)]
        );
        let caps = &r.hits[0].evidence[0].captures;
        assert_eq!(caps, &vec![("url".to_string(), "tcp://docker:2375".to_string())]);
    }

    #[test]
    fn continuation_of_another_stream_is_not_joined() {
        let sc = scanner();
        let log = b"2024-05-01T10:00:01.000001Z 01E Cannot connect to the Doc\n\
2024-05-01T10:00:01.000002Z 00O+ker daemon at tcp://docker:2375. Is\n";
        assert!(sc.scan_bytes(log).hits.is_empty());
    }

    #[test]
    fn service_lines_only_count_as_service() {
        let sc = scanner();
        let r = sc.scan_bytes(b"$ mount /x\nmount: permission denied (are you root?)\n");
        assert!(r.hits.is_empty(), "job output is not the service log");
    }

    #[test]
    fn build_step_output_is_excluded_where_asked() {
        let sc = scanner();
        let log = b"#8 2.104 go: lookup proxy.golang.org on 10.0.0.2:53: no such host\n\
error during connect: dial tcp: lookup docker on 10.0.0.2:53: no such host\n";
        assert_eq!(hits(&sc, &sc.scan_bytes(log)), vec![("run-only".into(), 2, Source::Job)]);
    }

    #[test]
    fn long_line_is_found_with_bounded_buffer() {
        let sc = scanner();
        let mut log = vec![b'a'; 100_000];
        log.extend_from_slice(b" Cannot connect to the Docker daemon at tcp://d:2375. Is");
        log.extend(std::iter::repeat_n(b'b', 50_000));
        log.extend_from_slice(b"\nsecond line\n");
        let opts = ScanOptions { capacity: 16 * 1024, ..ScanOptions::default() };
        let r = sc.scan_reader(&log[..], &opts).unwrap();
        assert_eq!(hits(&sc, &r), vec![("connect".into(), 1, Source::Job)]);
        assert_eq!(r.lines, 2);
        assert_eq!(r.hits[0].count, 1, "overlapping pieces count once");
    }

    #[test]
    fn same_result_for_every_capacity_and_the_naive_scan() {
        let sc = scanner();
        let mut log = Vec::new();
        for i in 0..400 {
            log.extend_from_slice(format!("line {i} with filler text\n").as_bytes());
            if i % 37 == 0 {
                log.extend_from_slice(b"\x1b[31;1mCannot connect to the Docker daemon at tcp://docker:2375. Is it\x1b[0;m\n");
            }
            if i % 53 == 0 {
                log.extend_from_slice(
                    b"[service:docker] mount: permission denied (are you root?)\n",
                );
            }
        }
        let counts = |r: &ScanResult| r.hits.iter().map(|h| h.count).collect::<Vec<_>>();
        let naive = sc.scan_naive(&log);
        let want = hits(&sc, &naive);
        assert_eq!(counts(&naive), vec![11, 8]);
        for cap in [8192, 8193, 9001, 65536, 1 << 20] {
            let opts = ScanOptions { capacity: cap, ..ScanOptions::default() };
            let r = sc.scan_reader(&log[..], &opts).unwrap();
            assert_eq!(hits(&sc, &r), want, "capacity {cap}");
            assert_eq!(counts(&r), counts(&naive), "capacity {cap}");
        }
    }

    /// Past [`DFA_AFTER`] bytes the scanner switches automata; both must find
    /// the same lines.
    #[test]
    fn large_inputs_agree_with_the_naive_scan_with_either_prefilter() {
        let teddy = scanner();
        assert!(matches!(teddy.inner.prefilter, Prefilter::Teddy(_)), "this machine has Teddy");
        let mut inner = Arc::try_unwrap(scanner().inner).expect("not shared");
        inner.prefilter = Prefilter::automaton(&inner.literals);
        let automaton = Scanner { inner: Arc::new(inner) };
        let mut log = Vec::new();
        let mut i = 0;
        while log.len() < 8 << 20 {
            i += 1;
            log.extend_from_slice(format!("ordinary build output line {i}\n").as_bytes());
            if i % 9973 == 0 {
                log.extend_from_slice(
                    b"Cannot connect to the Docker daemon at tcp://docker:2375. Is it\n",
                );
            }
        }
        let counts = |r: &ScanResult| r.hits.iter().map(|h| h.count).collect::<Vec<_>>();
        let naive = teddy.scan_naive(&log);
        for sc in [&teddy, &automaton] {
            for pipeline in [false, true] {
                let opts = ScanOptions { pipeline, ..ScanOptions::default() };
                let fast = sc.scan_reader(&log[..], &opts).unwrap();
                assert_eq!(fast.fingerprint(), naive.fingerprint());
                assert!(counts(&fast)[0] > 10, "hits: {:?}", counts(&fast));
            }
        }
    }

    /// Found by reading during the fuzzing work: the later pieces of an
    /// over-long stamped line lost their stream (so service evidence was
    /// missed), a service line was counted once per piece, and a NUL in a
    /// piece was not noted.
    #[test]
    fn over_long_stamped_service_line_keeps_its_stream() {
        let sc = scanner();
        let mut log = b"2024-05-01T10:00:01.123456Z 0fO [service:docker] ".to_vec();
        log.extend(std::iter::repeat_n(b'x', 20_000));
        log.extend_from_slice(b" mount: permission denied (are you root?) ");
        log.extend(std::iter::repeat_n(b'y', 20_000));
        log.push(0);
        log.extend_from_slice(b"\n");
        let opts = ScanOptions { capacity: 8192, ..ScanOptions::default() };
        let fast = sc.scan_reader(&log[..], &opts).unwrap();
        let naive = sc.scan_naive(&log);
        assert_eq!(hits(&sc, &fast), vec![("svc".into(), 1, Source::Service)]);
        assert_eq!(hits(&sc, &fast), hits(&sc, &naive));
        assert_eq!(fast.context.service_log_lines, 1);
        assert!(fast.binary, "the NUL in a later piece is noted");
    }

    /// Regression: a `+` continuation that was the last line of a region
    /// was visited without the line it continues, which had no literal of its
    /// own and had been skipped: the evidence lost its first piece.
    #[test]
    fn continuation_ending_a_region_joins_a_skipped_line() {
        let sc = scanner();
        let log = b"2024-05-01T10:00:00.000000Z 01O \x1b[32;1m$ docker build .\x1b[0;m\r\n\
2024-05-01T10:00:01.000007Z 01O Cannot conn\n\
2024-05-01T10:00:01.000007Z 01O+ect to the Docker daemon at tcp://docker:2375. Is it\r\n\
2024-05-01T10:00:02.000014Z 01O done\n";
        let naive = sc.scan_naive(log);
        assert!(naive.fingerprint().contains(":Cannot connect to the Docker daemon"));
        for step in 1..log.len() {
            for pipeline in [false, true] {
                let opts = ScanOptions { pipeline, ..ScanOptions::default() };
                let r = sc.scan_reader(crate::reader::Trickle::new(log, step), &opts);
                assert_eq!(r.unwrap().fingerprint(), naive.fingerprint(), "read size {step}");
            }
        }
    }

    /// A read error in the middle of a pipelined scan is returned, and the
    /// worker thread ends (no hang, no lost error).
    #[test]
    fn pipelined_scan_returns_a_read_error() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("disk on fire"));
                }
                self.0 -= 1;
                let line = b"Cannot connect to the Docker daemon at tcp://docker:2375. Is it\n";
                let n = line.len().min(buf.len());
                buf[..n].copy_from_slice(&line[..n]);
                Ok(n)
            }
        }
        let sc = scanner();
        let opts = ScanOptions { capacity: 8192, pipeline: true, ..ScanOptions::default() };
        let err = sc.scan_reader(Failing(1000), &opts).unwrap_err();
        assert_eq!(err.to_string(), "disk on fire");
    }

    #[test]
    fn excerpts_keep_the_match() {
        let long = format!("{}MATCH{}", "x".repeat(1000), "y".repeat(1000));
        let e = excerpt(long.as_bytes(), 1000);
        assert!(e.contains("MATCH") && e.starts_with('…') && e.ends_with('…'));
        assert!(e.chars().count() <= EXCERPT + 2);
        assert_eq!(excerpt("é".repeat(10).as_bytes(), 3), "é".repeat(10));
    }
}
