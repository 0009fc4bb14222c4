//! Line assembly: turns the reader's regions of physical lines into logical lines (continuations joined, over-long lines pieced, idle lines skipped) and hands them to a [`LineSink`].
//!
//! The assembler knows the byte layout of a GitLab log: line breaks, the
//! `FF_TIMESTAMPS` header and its `+` continuations, the pieces of a line
//! longer than the read buffer. It does not decode, match or track: a
//! [`LineSink`] does that with each logical line it is given, as ripgrep's
//! searcher hands matches to a printer. The sink is a type parameter, so the
//! hot loop is monomorphised (no dynamic call per line).
//!
//! Which lines are visited is decided with the prefilter's cursors (see
//! [`crate::hits`]): a line is handed over when it holds a literal, a dirty
//! byte or a continuation, when it is the last of its region, or when the
//! sink asks for more ([`LineSink::wants_every_line`],
//! [`LineSink::wants_prompt_lines`]). Lines in between are only counted.

use std::ops::Range;

use crate::decode::{self, Header, HEADER_LEN};
use crate::hits::{
    has_stamped_line, is_continuation, line_end, line_start, quick_header, Cursors, HitSource,
    Prefilter,
};

/// A logical line joined from `+` continuations is flushed when it grows past this.
const MAX_JOINED: usize = 1 << 20;
/// The runner cuts a write this long without `\n` into `+` continuations
/// (its timestamper's 8 KiB); a stamped line this long may go on later.
const RUNNER_SPLIT: usize = 8 * 1024;
/// Parked lines waiting for their stream's continuation: one per stream in
/// practice; past this, lines are scanned as they are (bounded memory).
const MAX_PARKED: usize = 8;

/// One logical line, as the assembler hands it to a sink.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LogicalLine<'a> {
    /// 1-based physical line number where it starts.
    pub(crate) number: u64,
    /// Its `FF_TIMESTAMPS` header, taken off `raw`.
    pub(crate) header: Option<Header>,
    /// The raw bytes, undecoded, with any `\r` before the line break.
    pub(crate) raw: &'a [u8],
    /// Its raw bytes held a literal or a dirty byte, or it was joined or cut:
    /// the sink must read it. Otherwise it was visited for the sink's state
    /// (last line of a region, a service block, a build step's prompt).
    pub(crate) candidate: bool,
    /// Its raw bytes held a literal, or it was joined or cut: search its
    /// text. Otherwise only what decoding joined can hold one.
    pub(crate) literal: bool,
}

/// What consumes logical lines. Implemented by the scanner
/// ([`crate::scan`]); the assembler is generic over it.
pub(crate) trait LineSink {
    /// The sink's state before a line it may be asked to read again, joined
    /// with a continuation that comes later (see [`LineSink::line_kept`]).
    type Mark;

    /// Every line matters to the sink's state (a service-log block, whose
    /// lines are counted): no line may be skipped.
    fn wants_every_line(&self) -> bool;

    /// Lines with a `$ ` prompt matter (an image build step is open, and a
    /// prompt ends it).
    fn wants_prompt_lines(&self) -> bool;

    /// `lines` whole lines with nothing to visit were passed over.
    fn skipped(&mut self, lines: u64);

    /// Reads one complete logical line.
    fn line(&mut self, line: &LogicalLine<'_>);

    /// Reads a stamped line its stream may still continue (another stream's
    /// line came next), and returns what reading it again in its place needs.
    fn line_kept(&mut self, line: &LogicalLine<'_>) -> Self::Mark;

    /// Reads a kept line again, now joined with its continuation, in the
    /// state `mark` recorded; what the first reading counted is not counted again.
    fn line_again(&mut self, line: &LogicalLine<'_>, mark: Self::Mark);
}

/// What the assembler learnt about the input as a whole.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Assembled {
    /// Physical lines.
    pub(crate) lines: u64,
    /// NUL bytes were seen.
    pub(crate) binary: bool,
    /// Some line carried an `FF_TIMESTAMPS` header.
    pub(crate) stamped: bool,
}

/// A logical line under construction: one physical line, or several joined by
/// `+` continuations.
struct Pending<M> {
    active: bool,
    line_no: u64,
    header: Option<Header>,
    /// The body inside the current region, while it is one physical line.
    borrowed: Option<Range<usize>>,
    owned: Vec<u8>,
    /// Set on a parked copy: the sink's state where the line stands in the
    /// log, whatever lines came between.
    mark: Option<M>,
    candidate: bool,
    literal: bool,
}

impl<M> Default for Pending<M> {
    fn default() -> Self {
        Pending {
            active: false,
            line_no: 0,
            header: None,
            borrowed: None,
            owned: Vec::new(),
            mark: None,
            candidate: false,
            literal: false,
        }
    }
}

impl<M> Pending<M> {
    /// A line that is one physical line (or piece) so far.
    fn new(
        line_no: u64,
        header: Option<Header>,
        body: Body,
        candidate: bool,
        literal: bool,
    ) -> Self {
        let (borrowed, owned) = match body {
            Body::Borrowed(r) => (Some(r), Vec::new()),
            Body::Owned(v) => (None, v),
        };
        Pending { active: true, line_no, header, borrowed, owned, mark: None, candidate, literal }
    }
}

enum Body {
    Borrowed(Range<usize>),
    Owned(Vec<u8>),
}

/// Physical lines in, logical lines out to the sink `S`.
pub(crate) struct Assembler<'p, S: LineSink> {
    prefilter: &'p Prefilter,
    sink: S,
    line_no: u64,
    binary: bool,
    stamped: bool,
    /// Visit every line, with no prefilter (the naive reference scan).
    naive: bool,
    /// The previous region ended inside an over-long line.
    long_line_open: bool,
    /// That line's timestamp header, so a `+` continuation can still join its tail.
    long_header: Option<Header>,
    pending: Pending<S::Mark>,
    /// Per-region search positions, kept to reuse their allocation.
    cursors: Cursors,
    /// Copies of stamped lines the runner may continue (see [`Assembler::settle`]):
    /// that stream's next `+` line continues it, however many other streams'
    /// lines come between.
    parked: Vec<Pending<S::Mark>>,
}

impl<'p, S: LineSink> Assembler<'p, S> {
    pub(crate) fn new(prefilter: &'p Prefilter, sink: S) -> Self {
        Assembler {
            prefilter,
            sink,
            line_no: 0,
            binary: false,
            stamped: false,
            naive: false,
            long_line_open: false,
            long_header: None,
            pending: Pending::default(),
            cursors: Cursors::new(prefilter),
            parked: Vec::new(),
        }
    }

    /// Visits every line (the naive reference scan): no prefilter, no skipping.
    pub(crate) fn naive(mut self) -> Self {
        self.naive = true;
        self
    }

    /// A region of whole lines, searched with the assembler's own cursors.
    pub(crate) fn lines(&mut self, bytes: &[u8]) {
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

    /// [`Assembler::lines`] with the hits found by `hits` (the pipelined
    /// scan's lists, found on the reading thread).
    pub(crate) fn lines_with<H: HitSource>(&mut self, bytes: &[u8], hits: &mut H) {
        // Like `rg -a`: NUL bytes are noted, and the input is still read as text,
        // because a job log with a stray binary blob still holds the failure.
        self.binary = self.binary || memchr::memchr(0, bytes).is_some();
        // The last line stays pending into the next region (its continuation
        // may be there), so it is always visited.
        let last = line_start(bytes, 0, bytes.len().saturating_sub(1));
        let mut pos = 0;
        while pos < bytes.len() {
            // The first line may finish an over-long line or continue the
            // previous region's last one: it is always visited.
            if pos > 0 && !is_continuation(&bytes[pos..]) {
                // Nothing joins the pending line any more: settle it now, so
                // the sink's state is known before deciding what to skip.
                self.settle(bytes, quick_header(&bytes[pos..]));
                if !self.sink.wants_every_line() {
                    let target = self.next_visit(bytes, pos, last, hits);
                    if target > pos {
                        self.skip(&bytes[pos..target]);
                        pos = target;
                    }
                }
            }
            let end = line_end(bytes, pos);
            let literal = hits.literal(self.prefilter, bytes, pos) < end;
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
        let mut hit = hits.literal(self.prefilter, bytes, pos);
        hit = hit.min(hits.dirty(bytes, pos));
        hit = hit.min(hits.continuation(bytes, pos));
        if self.sink.wants_prompt_lines() {
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
        let lines = memchr::memchr_iter(b'\n', span).count() as u64;
        self.line_no += lines;
        self.sink.skipped(lines);
        if !self.stamped && has_stamped_line(span) {
            self.stamped = true;
        }
    }

    /// A piece of a line longer than the read buffer.
    pub(crate) fn partial(&mut self, bytes: &[u8]) {
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
        self.pending = Pending::new(self.line_no, header, Body::Owned(body.to_vec()), true, true);
        self.flush();
    }

    fn physical_line(&mut self, bytes: &[u8], range: Range<usize>, candidate: bool, literal: bool) {
        let line = &bytes[range.clone()];
        if self.long_line_open {
            // The tail of an over-long line: same line number, already started.
            self.long_line_open = false;
            let header = self.long_header.take();
            self.pending = Pending::new(self.line_no, header, Body::Borrowed(range), true, true);
            return;
        }
        self.line_no += 1;
        let header = quick_header(line);
        let mut start = range.start;
        if let Some(h) = header {
            self.stamped = true;
            start += HEADER_LEN;
            let same = |p: &Pending<S::Mark>| {
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
        let body = Body::Borrowed(start..range.end);
        self.pending = Pending::new(self.line_no, header, body, candidate, literal);
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

    /// Settles the pending line before `next` starts; `bytes` is the region a
    /// borrowed pending line points into. A stamped line the runner may
    /// continue later (it ended in `\r`, or reached the runner's split size)
    /// with another stream's line next is read now, as it is, and a copy
    /// waits (parked) for its own stream's `+` line: then the joined line is
    /// read again in the sink's state of its place (see [`LineSink::line_again`]).
    fn settle(&mut self, bytes: &[u8], next: Option<Header>) {
        let p = &self.pending;
        let other_stream = match (p.header, next) {
            (Some(a), Some(b)) => (a.stream, a.stderr) != (b.stream, b.stderr),
            _ => false,
        };
        let awaits =
            p.active && other_stream && p.mark.is_none() && self.parked.len() < MAX_PARKED && {
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
        let p = std::mem::take(&mut self.pending);
        let line = LogicalLine {
            number: p.line_no,
            header: p.header,
            raw: &p.owned,
            candidate: p.candidate,
            literal: p.literal,
        };
        let mark = self.sink.line_kept(&line);
        let mut copy = Pending::new(p.line_no, p.header, Body::Owned(p.owned), true, true);
        copy.mark = Some(mark);
        self.parked.push(copy);
    }

    /// Hands the pending line to the sink.
    fn flush_in(&mut self, bytes: &[u8]) {
        let p = std::mem::take(&mut self.pending);
        if !p.active {
            return;
        }
        let raw = match &p.borrowed {
            Some(r) => &bytes[r.clone()],
            None => &p.owned[..],
        };
        let line = LogicalLine {
            number: p.line_no,
            header: p.header,
            raw,
            candidate: p.candidate,
            literal: p.literal,
        };
        match p.mark {
            Some(mark) => self.sink.line_again(&line, mark),
            None => self.sink.line(&line),
        }
    }

    /// Flushes a pending line that owns its bytes (between regions, at the end).
    fn flush(&mut self) {
        debug_assert!(self.pending.borrowed.is_none(), "borrowed lines are owned between regions");
        self.flush_in(&[]);
        // Lines whose continuation never came were complete, and were read.
        self.parked.clear();
    }

    /// Ends the input: the last line is handed over, and the sink comes back
    /// with what the assembler learnt.
    pub(crate) fn finish(mut self) -> (S, Assembled) {
        self.flush();
        let seen = Assembled { lines: self.line_no, binary: self.binary, stamped: self.stamped };
        (self.sink, seen)
    }
}
