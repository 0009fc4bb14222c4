//! The scanner: compiles the knowledge base, drives the reader and the line assembler, and confirms candidate lines.
//!
//! # How a chunk is scanned
//!
//! The reader hands over whole lines; [`crate::assemble`] turns them into
//! logical lines, jumping from one prefilter hit's line to the next (see
//! [`crate::hits`]), and hands each to this module's line sink. The sink
//! decodes the line, lets the tracker place it (section, service block,
//! build step, command), finds the literals its text holds, feeds the
//! context probes and confirms the patterns those literals gate; what a
//! confirmed match leaves behind (counts, redacted excerpts, the evidence
//! limit) is the [`crate::collect`] collector's business.
//!
//! A dirty line is searched again after decoding only when decoding joined
//! two visible pieces, because an escape sequence or a `\r` rewrite can split
//! a literal; lines joined from `+` continuations are always searched in full.
//!
//! Overlapping literals (`docker:2375` inside `tcp://docker:2375`) are handled
//! by mapping each distinct literal to every target it gates and searching a
//! candidate line with overlapping iteration, so no target is shadowed by a
//! longer or earlier literal.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use aho_corasick::AhoCorasick;

use crate::assemble::{Assembler, LineSink, LogicalLine};
use crate::collect::{self, Collector, Match};
use crate::context::{JobContext, Probe, PROBES};
use crate::decode::{self, Header, SectionEvent};
use crate::hits::{find_prompt, Cursors, Hits, Prefilter, NONE};
use crate::reader::{ChunkReader, Region, DEFAULT_CAPACITY};
use crate::signature::{Pattern, SignatureSet, Source};
use crate::track::{Tracker, TRACK_LITERALS};

pub use crate::collect::{Evidence, PatternHits};

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
    /// Mask credentials in evidence text (tokens, passwords, auth headers).
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
        collect::merge(&mut self.hits, other.hits);
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
    /// A contiguous NFA: it builds in a fraction of a millisecond, and since
    /// only lines with a literal reach it (the prefilter checks its guards),
    /// a DFA of the same literals saved no measurable time and cost 3.5 MiB.
    nfa: AhoCorasick,
    targets: Vec<Vec<Target>>,
}

/// Every literal the scanner looks for (the signatures', the context
/// probes', the tracker's), each once, with what a line holding it is for.
fn literal_table(set: &SignatureSet) -> (Vec<String>, Vec<Vec<Target>>) {
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
    (literals, targets)
}

impl Scanner {
    /// Compiles a signature set.
    pub fn new(set: SignatureSet) -> Scanner {
        let (literals, targets) = literal_table(&set);
        // Literals are at least 4 bytes (checked by the loader), so Teddy
        // uses its 4-byte fingerprints.
        let nfa = aho_corasick::AhoCorasickBuilder::new()
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(&literals)
            .expect("literal automaton");
        let prefilter = Prefilter::new(&crate::guards::guards(&literals), &literals);
        let follow_commands =
            set.iter().any(|s| s.patterns.iter().any(|p| !p.not_commands.is_empty()));
        let inner = Inner { follow_commands, set, prefilter, nfa, targets };
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
    pub(crate) fn scan_chunks<R: Read>(
        &self,
        reader: &mut ChunkReader<R>,
        opts: &ScanOptions,
    ) -> std::io::Result<ScanResult> {
        if opts.pipeline {
            return self.scan_pipelined(reader, opts);
        }
        let mut fs = self.inner.file_scan(opts);
        while let Some(region) = reader.next_region()? {
            match region {
                Region::Lines(bytes) => fs.lines(bytes),
                Region::Partial(bytes) => fs.partial(bytes),
            }
        }
        let mut result = finish(fs);
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
            // The SIMD passes are most of the work: the reader makes the
            // first half of them, the worker the rest before it follows the
            // lines, so neither thread waits on the other for long.
            let groups = inner.prefilter.cursors();
            let split = groups / 2 + groups % 2;
            let worker = s.spawn(move || {
                let mut fs = inner.file_scan(opts);
                let mut cursors = Cursors::new(&inner.prefilter);
                for batch in rx {
                    let returned = match batch {
                        Batch::Lines(buf, mut hits) => {
                            hits.add_literals(&inner.prefilter, &buf, &mut cursors, split..groups);
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
                finish(fs)
            });
            let mut cursors = Cursors::new(&inner.prefilter);
            let read: std::io::Result<()> = (|| {
                while let Some(region) = reader.next_region()? {
                    let (mut buf, mut hits) = recycled.try_recv().unwrap_or_default();
                    buf.clear();
                    let batch = match region {
                        Region::Lines(b) => {
                            buf.extend_from_slice(b);
                            hits.find_all(&inner.prefilter, &buf, &mut cursors, 0..split);
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
        self.scan_naive_with(data, &ScanOptions::default())
    }

    /// [`Scanner::scan_naive`] with options (a service log given as one).
    pub fn scan_naive_with(&self, data: &[u8], opts: &ScanOptions) -> ScanResult {
        let inner = &*self.inner;
        let mut sink = LineScan::new(inner, opts);
        sink.naive = true;
        let mut fs = Assembler::new(&inner.prefilter, sink).naive();
        fs.lines(data);
        let mut r = finish(fs);
        r.bytes = data.len() as u64;
        r
    }
}

/// A scan in progress: the assembler feeding the scanner's line sink.
type FileScan<'s> = Assembler<'s, LineScan<'s>>;

impl Inner {
    fn file_scan<'s>(&'s self, opts: &ScanOptions) -> FileScan<'s> {
        Assembler::new(&self.prefilter, LineScan::new(self, opts))
    }
}

/// Ends a scan: what the sink found and what the assembler counted.
fn finish(fs: FileScan<'_>) -> ScanResult {
    let (sink, seen) = fs.finish();
    let mut context = sink.ctx;
    context.timestamps = seen.stamped;
    ScanResult {
        context,
        hits: sink.collector.finish(),
        lines: seen.lines,
        bytes: 0,
        binary: seen.binary,
        kind: Default::default(),
    }
}

/// The scanner's [`LineSink`]: decodes each logical line, tracks where it
/// stands, finds the literals it holds and confirms their patterns under the
/// patterns' gates (source, build output, command); probes feed the job
/// context, matches go to the [`Collector`].
struct LineScan<'s> {
    sc: &'s Inner,
    force_source: Option<Source>,
    tracker: Tracker,
    ctx: JobContext,
    collector: Collector,
    events: Vec<SectionEvent>,
    found: Vec<Target>,
    /// Try every pattern on every line (the naive reference scan).
    naive: bool,
    /// Decoded text of the line being scanned.
    scratch: Vec<u8>,
    /// The last line counted as a service log line.
    last_service_line: Option<u64>,
    /// While a kept line is read again: what its first reading counted.
    counted: Vec<(u32, u32)>,
    /// While a kept line is read the first time: what it counts.
    recording: Option<Vec<(u32, u32)>>,
    /// Confirmations made on the current line, by [`Pattern::same_evidence`]:
    /// a `like` pattern (up to six classes share `daemon-answered`) reuses them.
    confirmed: Vec<((usize, usize), Confirmation)>,
}

type Confirmation = Option<(usize, Vec<(String, String)>)>;

/// Where a kept line stands (see [`LineSink::line_kept`]): the tracker before
/// it, and the patterns its first reading counted.
#[derive(Debug)]
struct Place {
    tracker: Tracker,
    counted: Vec<(u32, u32)>,
}

impl<'s> LineScan<'s> {
    fn new(sc: &'s Inner, opts: &ScanOptions) -> Self {
        LineScan {
            sc,
            force_source: opts.force_source,
            tracker: Tracker::new(sc.follow_commands),
            ctx: JobContext::default(),
            collector: Collector::new(opts.redact, opts.origin.clone()),
            events: Vec::new(),
            found: Vec::new(),
            naive: false,
            scratch: Vec::new(),
            last_service_line: None,
            counted: Vec::new(),
            recording: None,
            confirmed: Vec::new(),
        }
    }
}

impl LineSink for LineScan<'_> {
    type Mark = Box<Place>;

    fn wants_every_line(&self) -> bool {
        self.tracker.wants_every_line()
    }

    fn wants_prompt_lines(&self) -> bool {
        self.tracker.wants_prompt_lines()
    }

    fn skipped(&mut self, lines: u64) {
        // Every line of a service log given as one is a service line, visited
        // or not (stamped service lines and service-log blocks are visited).
        if self.force_source == Some(Source::Service) {
            self.ctx.service_log_lines += lines;
        }
    }

    fn line(&mut self, line: &LogicalLine<'_>) {
        // Inside a service-log block or a build step every line matters to the
        // state (service lines are counted, `$ ` ends a step), not only those
        // with a literal; the prompt cursor sent such lines here.
        let visit = line.candidate
            || self.tracker.wants_every_line()
            || (self.tracker.wants_prompt_lines() && find_prompt(line.raw, 0) != NONE);
        if visit {
            self.scan_logical(line.number, line.header, line.raw, line.literal);
        } else {
            self.skipped(1);
        }
    }

    fn line_kept(&mut self, line: &LogicalLine<'_>) -> Box<Place> {
        let tracker = self.tracker.clone();
        self.recording = Some(Vec::new());
        self.line(line);
        let counted = self.recording.take().unwrap_or_default();
        Box::new(Place { tracker, counted })
    }

    fn line_again(&mut self, line: &LogicalLine<'_>, mark: Box<Place>) {
        // A kept line is read with the tracker of its place in the log; the
        // tracker of the lines after it stays as they left it.
        let Place { tracker, counted } = *mark;
        let now = std::mem::replace(&mut self.tracker, tracker);
        self.counted = counted;
        self.line(line);
        self.tracker = now;
        self.counted.clear();
    }
}

impl LineScan<'_> {
    /// A pattern's confirmation of the current line, made once for all the
    /// patterns with the same evidence.
    fn confirm(&mut self, pattern: &Pattern, text: &[u8]) -> Confirmation {
        let Some(key) = pattern.same_evidence() else { return pattern.confirm(text) };
        if let Some((_, done)) = self.confirmed.iter().find(|(k, _)| *k == key) {
            return done.clone();
        }
        let done = pattern.confirm(text);
        self.confirmed.push((key, done.clone()));
        done
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

    /// `search`: the text may hold a literal (see [`LogicalLine::literal`]).
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
        self.confirmed.clear();
        if search {
            for m in self.sc.nfa.find_overlapping_iter(text) {
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
                    // The runner ignores after_script's exit status, so what it
                    // prints (a `docker logout` in an image without docker, a
                    // clean-up against a daemon that is gone) cannot be why the
                    // job failed: the failure is in the script before it. And a
                    // script line's echo is the script's text, not evidence
                    // unless the pattern reads script text.
                    if !pattern.accepts_source(info.source)
                        || !pattern.accepts_prompt(info.prompt)
                        || !pattern.accepts_build_output(info.in_build_step)
                        || (info.source == Source::Job
                            && (self.tracker.in_after_script()
                                || !pattern.accepts_command(self.tracker.command())))
                    {
                        continue;
                    }
                    let Some((at, captures)) = self.confirm(pattern, text) else { continue };
                    let m = Match {
                        line: line_no,
                        source: info.source,
                        section: self.tracker.section(),
                        text,
                        at,
                        captures,
                    };
                    if self.collector.record((sig, pat), m) {
                        if let Some(counted) = &mut self.recording {
                            counted.push((sig, pat));
                        }
                    }
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::Signature;
    use std::path::Path;

    /// `signatures/guards.txt` is what the chooser makes of today's
    /// literals over today's corpus. After a change to either, run
    /// `DINDLOG_BLESS=1 cargo test --lib shipped_guards_are_current`.
    #[test]
    fn shipped_guards_are_current() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (literals, _) = literal_table(&SignatureSet::builtin().unwrap());
        let mut logs: Vec<_> = std::fs::read_dir(root.join("corpus"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "log"))
            .collect();
        logs.sort();
        assert!(logs.len() > 50, "the corpus is there");
        let mut background = Vec::new();
        for log in &logs {
            background.extend(std::fs::read(log).unwrap());
            background.push(b'\n');
        }
        let chosen = crate::guards::choose::guards(&literals, &background);
        // Every literal is covered by the choice itself, not by the fallback.
        for l in &literals {
            assert!(chosen.iter().flatten().any(|g| l.contains(g.as_str())), "{l:?} has no guard");
        }
        let text = crate::guards::render(&chosen);
        let path = root.join("signatures/guards.txt");
        if std::env::var_os("DINDLOG_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &text).unwrap();
        }
        let shipped = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            shipped == text,
            "signatures/guards.txt is out of date; run \
             DINDLOG_BLESS=1 cargo test --lib shipped_guards_are_current"
        );
        // The scanner searches exactly these.
        assert_eq!(crate::guards::guards(&literals), chosen);
    }

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
    fn after_script_output_is_not_evidence() {
        let sc = scanner();
        let log = b"section_start:1:step_script\r\x1b[0K\n\
Cannot connect to the Docker daemon at tcp://docker:2375. Is it\n\
section_end:2:step_script\r\x1b[0Ksection_start:2:after_script\r\x1b[0K\n\
Cannot connect to the Docker daemon at tcp://docker:2375. Is it\n\
section_start:3:cleanup\r\x1b[0K\n\
Cannot connect to the Docker daemon at tcp://docker:2375. Is it\n\
section_end:4:cleanup\r\x1b[0Ksection_end:4:after_script\r\x1b[0K\n\
Cannot connect to the Docker daemon at tcp://docker:2375. Is it\n";
        let got = hits(&sc, &sc.scan_bytes(log));
        let lines: Vec<u64> = got.iter().map(|h| h.1).collect();
        assert_eq!(lines, vec![2, 8], "{got:?}");
    }

    #[test]
    fn a_script_line_echo_is_not_evidence() {
        let sc = scanner();
        let log = b"\x1b[32;1m$ grep -q 'Cannot connect to the Docker daemon at tcp://docker:2375. Is' out.log\x1b[0;m\n\
  $ echo 'Cannot connect to the Docker daemon at tcp://docker:2375. Is'\n\
Cannot connect to the Docker daemon at tcp://docker:2375. Is it\n";
        assert_eq!(hits(&sc, &sc.scan_bytes(log)), vec![("connect".into(), 3, Source::Job)]);
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

    /// A large input finds the same lines with either prefilter.
    #[test]
    fn large_inputs_agree_with_the_naive_scan_with_either_prefilter() {
        let teddy = scanner();
        assert!(matches!(teddy.inner.prefilter, Prefilter::Teddy { .. }), "this machine has Teddy");
        let mut inner = Arc::try_unwrap(scanner().inner).expect("not shared");
        inner.prefilter = Prefilter::automaton(&literal_table(&inner.set).0);
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
}
