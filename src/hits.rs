//! Where the next line worth visiting is: the literal prefilter (Teddy groups) and the lazy cursors and hit lists the scanner jumps by.

use aho_corasick::AhoCorasick;

use crate::decode::{self, Header, HEADER_LEN};

/// Finds the next line holding a literal, through its guards.
///
/// Teddy (aho-corasick's packed SIMD searcher) takes at most 64 needles, so
/// the guards come in groups (`crate::guards`), each searched by its own
/// Teddy: they build in microseconds where a DFA takes milliseconds, and a
/// pass is several times faster than a DFA's. A guard
/// found is checked at once against the literals that hold it, byte for
/// byte, so that a line is only visited (decoded, confirmed) for a literal:
/// a guard may then be a common piece shared by many literals, and fewer
/// guards make fewer passes. Where Teddy is unavailable (no SSSE3/NEON), a
/// DFA of the literals does the search.
#[derive(Debug)]
pub(crate) enum Prefilter {
    Teddy { groups: Vec<Group>, literals: Vec<Box<[u8]>> },
    Automaton(AhoCorasick),
}

/// One Teddy searcher and, for each of its guards, where the literals that
/// may hold it at a found place start.
#[derive(Debug)]
pub(crate) struct Group {
    searcher: aho_corasick::packed::Searcher,
    /// Per guard (Teddy's pattern id): `(literal, offset of the guard in it)`.
    holders: Vec<Vec<(usize, usize)>>,
}

impl Group {
    /// Start of the next guard at or after `from` that one of its literals
    /// surrounds.
    fn find(&self, literals: &[Box<[u8]>], bytes: &[u8], mut from: usize) -> usize {
        while let Some(m) =
            self.searcher.find_in(bytes, aho_corasick::Span::from(from..bytes.len()))
        {
            let at = m.start();
            let held = self.holders[m.pattern().as_usize()].iter().any(|&(lit, off)| {
                let lit = &literals[lit];
                at.checked_sub(off)
                    .and_then(|start| bytes.get(start..start + lit.len()))
                    .is_some_and(|found| found == &**lit)
            });
            if held {
                return at;
            }
            from = at + 1;
        }
        NONE
    }
}

impl Prefilter {
    /// A prefilter searching for `guards`, each of which `literals` hold:
    /// it finds the lines holding a literal.
    pub(crate) fn new(guards: &[Vec<String>], literals: &[String]) -> Prefilter {
        let mut built = Vec::with_capacity(guards.len());
        for group in guards {
            let searcher = aho_corasick::packed::Config::new()
                .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                .builder()
                .extend(group)
                .build();
            let Some(searcher) = searcher else { return Prefilter::automaton(literals) };
            built.push(Group { searcher, holders: holders(group, literals) });
        }
        let literals = literals.iter().map(|l| l.as_bytes().into()).collect();
        Prefilter::Teddy { groups: built, literals }
    }

    /// The search without SIMD.
    pub(crate) fn automaton(literals: &[String]) -> Prefilter {
        let dfa = aho_corasick::AhoCorasickBuilder::new()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(literals)
            // Literals the scanner's own automaton was built from.
            .expect("literal automaton");
        Prefilter::Automaton(dfa)
    }

    /// How many cursors a region scan keeps for literals.
    pub(crate) fn cursors(&self) -> usize {
        match self {
            Prefilter::Teddy { groups, .. } => groups.len(),
            Prefilter::Automaton(_) => 1,
        }
    }
}

/// For each guard of a group, every `(literal, offset)` at which a literal
/// holds it, found in one overlapping pass of the group's guards over the
/// literals. Teddy reports one guard per place (the first listed); any other
/// guard of the group found at the same place is a prefix of it or has it as
/// a prefix, so their literals are checked there too.
fn holders(group: &[String], literals: &[String]) -> Vec<Vec<(usize, usize)>> {
    let ac = AhoCorasick::new(group)
        // The guards the Teddy searcher was just built from.
        .expect("guard automaton");
    let mut found: Vec<Vec<(usize, usize)>> = vec![Vec::new(); group.len()];
    for (li, lit) in literals.iter().enumerate() {
        for m in ac.find_overlapping_iter(lit.as_str()) {
            found[m.pattern().as_usize()].push((li, m.start()));
        }
    }
    group
        .iter()
        .map(|g| {
            let mut out: Vec<(usize, usize)> = group
                .iter()
                .zip(&found)
                .filter(|(o, _)| o.starts_with(g.as_str()) || g.starts_with(o.as_str()))
                .flat_map(|(_, at)| at.iter().copied())
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect()
}

/// A cursor that has found nothing more in its region.
pub(crate) const NONE: usize = usize::MAX;

/// The next hit of one search at or after the last position asked about.
/// Asked again from a later position, it searches again only once the
/// position has passed its hit: the bytes in between were already searched.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    searched: bool,
    at: usize,
}

impl Default for Cursor {
    fn default() -> Self {
        Cursor::FRESH
    }
}

impl Cursor {
    const FRESH: Cursor = Cursor { searched: false, at: NONE };

    fn next(&mut self, from: usize, find: impl FnOnce(usize) -> usize) -> usize {
        if !self.searched || self.at < from {
            self.searched = true;
            self.at = find(from);
        }
        self.at
    }
}

#[derive(Debug, Default)]
pub(crate) struct Cursors {
    /// One per prefilter searcher.
    literals: Vec<Cursor>,
    dirty: Cursor,
    continuation: Cursor,
    prompt: Cursor,
}

impl Cursors {
    pub(crate) fn new(prefilter: &Prefilter) -> Cursors {
        Cursors {
            literals: vec![Cursor::FRESH; prefilter.cursors()],
            dirty: Cursor::FRESH,
            continuation: Cursor::FRESH,
            prompt: Cursor::FRESH,
        }
    }

    pub(crate) fn reset(&mut self) {
        self.literals.fill(Cursor::FRESH);
        self.dirty = Cursor::FRESH;
        self.continuation = Cursor::FRESH;
        self.prompt = Cursor::FRESH;
    }

    /// Start of the next literal at or after `from`.
    fn literal(&mut self, prefilter: &Prefilter, bytes: &[u8], from: usize) -> usize {
        self.literal_in(prefilter, bytes, from, 0..usize::MAX)
    }

    /// Start of the next literal at or after `from` that the searchers in
    /// `groups` find (the automaton is one group).
    fn literal_in(
        &mut self,
        prefilter: &Prefilter,
        bytes: &[u8],
        from: usize,
        groups: std::ops::Range<usize>,
    ) -> usize {
        match prefilter {
            Prefilter::Teddy { groups: all, literals } => {
                let mut best = NONE;
                let (skip, take) = (groups.start, groups.end.saturating_sub(groups.start));
                for (c, g) in self.literals.iter_mut().zip(all).skip(skip).take(take) {
                    best = best.min(c.next(from, |from| g.find(literals, bytes, from)));
                }
                best
            }
            Prefilter::Automaton(dfa) => self.literals[0]
                .next(from, |from| dfa.find(&bytes[from..]).map_or(NONE, |m| from + m.start())),
        }
    }
}

/// Where the next hit of each kind is, at or after a line start `from`.
pub(crate) trait HitSource {
    fn literal(&mut self, prefilter: &Prefilter, bytes: &[u8], from: usize) -> usize;
    fn dirty(&mut self, bytes: &[u8], from: usize) -> usize;
    fn continuation(&mut self, bytes: &[u8], from: usize) -> usize;
    fn prompt(&mut self, bytes: &[u8], from: usize) -> usize;
}

impl HitSource for Cursors {
    fn literal(&mut self, prefilter: &Prefilter, bytes: &[u8], from: usize) -> usize {
        Cursors::literal(self, prefilter, bytes, from)
    }
    fn dirty(&mut self, bytes: &[u8], from: usize) -> usize {
        self.dirty.next(from, |from| find_dirty(bytes, from))
    }
    fn continuation(&mut self, bytes: &[u8], from: usize) -> usize {
        self.continuation.next(from, |from| find_continuation(bytes, from))
    }
    fn prompt(&mut self, bytes: &[u8], from: usize) -> usize {
        self.prompt.next(from, |from| find_prompt(bytes, from))
    }
}

/// Every line of a region with a hit, by kind: the first hit of each such
/// line, in order. Found ahead of time by the reading thread of a pipelined
/// scan; read like the lazy cursors, since a scan only asks from line starts.
#[derive(Debug, Default)]
pub(crate) struct Hits {
    kinds: [Vec<usize>; 4],
    /// How far each list has been consumed.
    next: [usize; 4],
}

const LITERAL: usize = 0;
const DIRTY: usize = 1;
const CONTINUATION: usize = 2;
const PROMPT: usize = 3;

impl Hits {
    /// Lists every hit of the region, the literals only of the searchers in
    /// `groups` (see [`Hits::add_literals`] for the others).
    pub(crate) fn find_all(
        &mut self,
        prefilter: &Prefilter,
        bytes: &[u8],
        cursors: &mut Cursors,
        groups: std::ops::Range<usize>,
    ) {
        cursors.reset();
        for (kind, list) in self.kinds.iter_mut().enumerate() {
            list.clear();
            let mut from = 0;
            while from < bytes.len() {
                let hit = match kind {
                    LITERAL => cursors.literal_in(prefilter, bytes, from, groups.clone()),
                    DIRTY => find_dirty(bytes, from),
                    CONTINUATION => find_continuation(bytes, from),
                    _ => find_prompt(bytes, from),
                };
                if hit == NONE {
                    break;
                }
                list.push(hit);
                from = line_end(bytes, hit) + 1;
            }
        }
        self.next = [0; 4];
    }

    /// Adds the literal hits of the searchers in `groups` to a list made by
    /// [`Hits::find_all`] with the others: the two threads of a pipelined
    /// scan share the SIMD passes. The lists stay sorted; a line listed twice
    /// is visited once (the scan asks from line starts).
    pub(crate) fn add_literals(
        &mut self,
        prefilter: &Prefilter,
        bytes: &[u8],
        cursors: &mut Cursors,
        groups: std::ops::Range<usize>,
    ) {
        if groups.is_empty() {
            return;
        }
        cursors.reset();
        let mut more = Vec::new();
        let mut from = 0;
        while from < bytes.len() {
            let hit = cursors.literal_in(prefilter, bytes, from, groups.clone());
            if hit == NONE {
                break;
            }
            more.push(hit);
            from = line_end(bytes, hit) + 1;
        }
        if more.is_empty() {
            return;
        }
        let list = &mut self.kinds[LITERAL];
        let mut merged = Vec::with_capacity(list.len() + more.len());
        let (mut a, mut b) = (list.iter().peekable(), more.iter().peekable());
        while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
            if x <= y {
                merged.push(x);
                a.next();
            } else {
                merged.push(y);
                b.next();
            }
        }
        merged.extend(a);
        merged.extend(b);
        *list = merged;
        self.next[LITERAL] = 0;
    }

    fn at(&mut self, kind: usize, from: usize) -> usize {
        let list = &self.kinds[kind];
        let i = &mut self.next[kind];
        while *i < list.len() && list[*i] < from {
            *i += 1;
        }
        list.get(*i).copied().unwrap_or(NONE)
    }
}

impl HitSource for Hits {
    fn literal(&mut self, _: &Prefilter, _: &[u8], from: usize) -> usize {
        self.at(LITERAL, from)
    }
    fn dirty(&mut self, _: &[u8], from: usize) -> usize {
        self.at(DIRTY, from)
    }
    fn continuation(&mut self, _: &[u8], from: usize) -> usize {
        self.at(CONTINUATION, from)
    }
    fn prompt(&mut self, _: &[u8], from: usize) -> usize {
        self.at(PROMPT, from)
    }
}

/// The end of the line starting at `pos` (its `\n`, or the end of `bytes`).
pub(crate) fn line_end(bytes: &[u8], pos: usize) -> usize {
    memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i)
}

/// The start of the line holding byte `at`, given that a line starts at `floor <= at`.
pub(crate) fn line_start(bytes: &[u8], floor: usize, at: usize) -> usize {
    memchr::memrchr(b'\n', &bytes[floor..at]).map_or(floor, |i| floor + i + 1)
}

/// The next ESC, or `\r` that rewrites a line rather than ending it.
fn find_dirty(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(i) = memchr::memchr2(0x1b, b'\r', &bytes[at..]) {
        let p = at + i;
        if bytes[p] == 0x1b {
            return p;
        }
        // `\r*\n` is a line end (CRLF logs), and `trim_line_end` drops it.
        let crs = bytes[p..].iter().take_while(|&&b| b == b'\r').count();
        match bytes.get(p + crs) {
            None | Some(b'\n') => at = p + crs,
            Some(_) => return p,
        }
    }
    NONE
}

/// The `+` of the next line whose timestamp header marks a continuation.
fn find_continuation(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(i) = memchr::memchr(b'+', &bytes[at..]) {
        let p = at + i;
        if let Some(start) = p.checked_sub(HEADER_LEN - 1) {
            if (start == 0 || bytes[start - 1] == b'\n') && is_continuation(&bytes[start..]) {
                return p;
            }
        }
        at = p + 1;
    }
    NONE
}

/// The next `$ ` (a job script prompt ends an image build's step output).
pub(crate) fn find_prompt(bytes: &[u8], from: usize) -> usize {
    // `$` is rare in build output: memchr and a look at the next byte beat
    // building a two-byte memmem searcher per call.
    let mut at = from;
    while let Some(i) = memchr::memchr(b'$', &bytes[at..]) {
        let p = at + i;
        if bytes.get(p + 1) == Some(&b' ') {
            return p;
        }
        at = p + 1;
    }
    NONE
}

/// Whether the line at the start of `rest` is a `+` continuation. A header
/// never holds a `\n`, so `rest` may run past the line.
pub(crate) fn is_continuation(rest: &[u8]) -> bool {
    quick_header(rest).is_some_and(|h| h.continuation)
}

/// Whether any line of `span` (which starts at a line start) has a timestamp header.
pub(crate) fn has_stamped_line(span: &[u8]) -> bool {
    memchr::memchr_iter(b'Z', span).any(|z| {
        z.checked_sub(26).is_some_and(|start| {
            (start == 0 || span[start - 1] == b'\n') && quick_header(&span[start..]).is_some()
        })
    })
}

/// Cheap rejection before the full header check: most lines are not stamped.
pub(crate) fn quick_header(line: &[u8]) -> Option<Header> {
    if line.len() >= HEADER_LEN && line[26] == b'Z' && line[10] == b'T' {
        decode::parse_header(line)
    } else {
        None
    }
}
