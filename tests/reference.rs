//! A reference scanner that shares no code with dindlog's: it splits the
//! whole input on `\n`, parses GitLab's 32-byte timestamp headers itself,
//! joins `+` continuations per stream as the runner defines them, decodes
//! byte by byte (sections, escapes, bare `\r`), and runs every pattern's
//! regex, compiled here, on every logical line.
//!
//! It knows nothing of who wrote a line (job, service, runner, build step),
//! so it answers "which lines does each pattern's text match". The fast
//! scanner must agree exactly for patterns that count everywhere, and may
//! only find fewer lines for patterns gated by source, build output or
//! command (gating only takes lines away), and on lines no pattern may take
//! as evidence: the job's `after_script` (any pattern) and the echo of a
//! script line (`$ cmd`, patterns that do not read script text).

use std::collections::{BTreeMap, BTreeSet};

use dindlog::signature::{BuildOutput, Signature, Source};
use dindlog::ScanResult;
use regex::bytes::{Regex, RegexBuilder};

/// One logical line: its first physical line (1-based) and visible text.
pub struct Line {
    pub number: u64,
    pub text: Vec<u8>,
    /// Section markers on the line: (start, name).
    pub sections: Vec<(bool, String)>,
}

/// What the reference found: physical lines, and per `(signature, pattern)`
/// the line numbers matched, in order.
pub struct Found {
    pub lines: u64,
    pub hits: BTreeMap<(usize, usize), Vec<u64>>,
    /// Lines inside (or opening or closing) an `after_script` section.
    pub after_script: BTreeSet<u64>,
    /// Lines that are a script line's echo (`$ cmd`).
    pub prompts: BTreeSet<u64>,
}

/// `YYYY-MM-DDTHH:MM:SS.uuuuuuZ sso+` at the start of a physical line:
/// `(stream id, O|E, continuation)` and the body after the 32 bytes.
fn header(line: &[u8]) -> Option<((u8, u8), bool, &[u8])> {
    static STAMP: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"(?-u)\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z ([0-9a-f]{2})([OE])([ +])")
            .unwrap()
    });
    let c = STAMP.captures(line)?;
    let id = u8::from_str_radix(std::str::from_utf8(&c[1]).ok()?, 16).ok()?;
    Some(((id, c[2][0]), &c[3] == b"+", &line[32..]))
}

/// Physical lines to logical lines: a `+` header appends its body to the
/// open line of the same stream; any other line starts a new one.
pub fn logical_lines(data: &[u8]) -> (u64, Vec<Line>) {
    let mut physical: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if physical.last().is_some_and(|l| l.is_empty()) {
        physical.pop();
    }
    // (first line, raw body) per logical line, and the open line of each stream.
    let mut raw: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut open: BTreeMap<(u8, u8), usize> = BTreeMap::new();
    for (i, line) in physical.iter().enumerate() {
        let number = i as u64 + 1;
        match header(line) {
            Some((stream, true, body)) if open.contains_key(&stream) => {
                raw[open[&stream]].1.extend_from_slice(body);
            }
            Some((stream, _, body)) => {
                open.insert(stream, raw.len());
                raw.push((number, body.to_vec()));
            }
            None => raw.push((number, line.to_vec())),
        }
    }
    let lines = raw
        .into_iter()
        .map(|(number, mut body)| {
            while body.last() == Some(&b'\r') {
                body.pop();
            }
            static MARK: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
                Regex::new(r"(?-u)section_(start|end):[0-9]+:([A-Za-z0-9_.-]+)").unwrap()
            });
            let sections = MARK
                .captures_iter(&body)
                .map(|c| (&c[1] == b"start", String::from_utf8_lossy(&c[2]).into_owned()))
                .collect();
            Line { number, text: visible(&body), sections }
        })
        .collect();
    (physical.len() as u64, lines)
}

/// The text a person sees, byte by byte: section markers and escape
/// sequences vanish, a bare `\r` clears what came before it.
pub fn visible(body: &[u8]) -> Vec<u8> {
    static MARKER: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"(?-u)\Asection_(?:start|end):[0-9]+:[A-Za-z0-9_.-]+(?:\[[^\]]*\])?\r\x1b\[0K")
            .unwrap()
    });
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if let Some(m) = MARKER.find(&body[i..]) {
            i += m.end();
            continue;
        }
        match body[i] {
            b'\r' => {
                out.clear();
                i += 1;
            }
            0x1b => i = past_escape(body, i),
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Where the escape sequence at `body[i]` ends.
fn past_escape(body: &[u8], i: usize) -> usize {
    let n = body.len();
    match body.get(i + 1) {
        None => n,
        // CSI: parameters and intermediates (0x20-0x3f), one final byte (0x40-0x7e).
        Some(b'[') => {
            let mut j = i + 2;
            while j < n && (0x20..0x40).contains(&body[j]) {
                j += 1;
            }
            if j < n && (0x40..0x7f).contains(&body[j]) {
                j + 1
            } else {
                j
            }
        }
        // Strings (OSC, DCS, SOS, PM, APC) run to BEL or ESC \.
        Some(b']' | b'P' | b'X' | b'^' | b'_') => {
            let mut j = i + 2;
            while j < n {
                if body[j] == 0x07 {
                    return j + 1;
                }
                if body[j] == 0x1b && body.get(j + 1) == Some(&b'\\') {
                    return j + 2;
                }
                j += 1;
            }
            n
        }
        // nF: intermediates, then a final byte.
        Some(0x20..=0x2f) => {
            let mut j = i + 2;
            while j < n && (0x20..0x30).contains(&body[j]) {
                j += 1;
            }
            (j + 1).min(n)
        }
        Some(_) => i + 2,
    }
}

/// Every pattern's text test on every logical line.
pub fn scan(sigs: &[&Signature], data: &[u8]) -> Found {
    let compile = |src: &str| -> Regex {
        RegexBuilder::new(src).unicode(false).size_limit(1 << 24).build().expect("regex")
    };
    let compiled: Vec<Vec<(Option<Regex>, Option<Regex>)>> = sigs
        .iter()
        .map(|s| {
            s.patterns
                .iter()
                .map(|p| {
                    (
                        p.regex.as_ref().map(|r| compile(r.as_str())),
                        p.not_regex.as_ref().map(|r| compile(r.as_str())),
                    )
                })
                .collect()
        })
        .collect();
    let (lines, logical) = logical_lines(data);
    let mut hits: BTreeMap<(usize, usize), Vec<u64>> = BTreeMap::new();
    let (mut after_script, mut prompts) = (BTreeSet::new(), BTreeSet::new());
    let mut open_after = 0usize;
    for line in &logical {
        let t = &line.text[..];
        let mut touches = false;
        for (start, name) in &line.sections {
            if name == "after_script" {
                touches = true;
                open_after = if *start { open_after + 1 } else { open_after.saturating_sub(1) };
            }
        }
        if touches || open_after > 0 {
            after_script.insert(line.number);
        }
        let trimmed = t.iter().position(|b| !b.is_ascii_whitespace()).map_or(&t[..0], |i| &t[i..]);
        if trimmed.starts_with(b"$ ") {
            prompts.insert(line.number);
        }
        for (si, sig) in sigs.iter().enumerate() {
            for (pi, p) in sig.patterns.iter().enumerate() {
                let has_literal =
                    p.literals.iter().any(|l| t.windows(l.len()).any(|w| w == l.as_bytes()));
                let (re, not_re) = &compiled[si][pi];
                if has_literal
                    && re.as_ref().is_none_or(|r| r.is_match(t))
                    && !not_re.as_ref().is_some_and(|r| r.is_match(t))
                {
                    hits.entry((si, pi)).or_default().push(line.number);
                }
            }
        }
    }
    Found { lines, hits, after_script, prompts }
}

/// Whether who wrote a line can take it away from this pattern.
fn gated(p: &dindlog::signature::Pattern) -> bool {
    let everywhere =
        [Source::Job, Source::Service, Source::Runner].iter().all(|&s| p.accepts_source(s));
    !everywhere || p.build_output != BuildOutput::Any || !p.not_commands.is_empty()
}

/// Holds a fast scan to the reference; returns what disagrees.
pub fn compare(sigs: &[&Signature], data: &[u8], fast: &ScanResult) -> Vec<String> {
    let want = scan(sigs, data);
    let mut diff = Vec::new();
    if fast.lines != want.lines {
        diff.push(format!("lines: fast {} reference {}", fast.lines, want.lines));
    }
    let mut got: BTreeMap<(usize, usize), (u64, Vec<u64>)> = BTreeMap::new();
    for h in &fast.hits {
        let lines: Vec<u64> =
            h.evidence.iter().filter(|e| e.origin.is_none()).map(|e| e.line).collect();
        got.insert((h.sig, h.pat), (h.count, lines));
    }
    for (si, sig) in sigs.iter().enumerate() {
        for (pi, p) in sig.patterns.iter().enumerate() {
            let reference = want.hits.get(&(si, pi)).cloned().unwrap_or_default();
            let (count, first) = got.get(&(si, pi)).cloned().unwrap_or_default();
            let name = format!("{}/{}", sig.id, p.name);
            // Lines the fast scan may leave out for this pattern whatever its gates.
            let optional = |l: &u64| {
                want.after_script.contains(l) || (!p.script_text && want.prompts.contains(l))
            };
            if gated(p) || reference.iter().any(optional) {
                if first.iter().any(|l| !reference.contains(l)) || count > reference.len() as u64 {
                    diff.push(format!(
                        "{name}: fast {first:?} (x{count}) not within reference {reference:?}"
                    ));
                }
            } else if count != reference.len() as u64
                || first[..] != reference[..first.len().min(reference.len())]
            {
                diff.push(format!("{name}: fast {first:?} (x{count}), reference {reference:?}"));
            }
        }
    }
    diff
}

#[test]
fn reference_lines_and_decoding() {
    let data = b"2024-05-01T10:00:01.123456Z 01E one \r\n\
2024-05-01T10:00:01.123457Z 01O other stream\n\
2024-05-01T10:00:01.123458Z 01E+half, joined\n\
plain \x1b[31mred\x1b[0;m and \x1b]0;title\x07gone\n\
section_start:1:step_script\r\x1b[0Kheader\n\
progress 10%\rprogress 100%\n";
    let (n, lines) = logical_lines(data);
    assert_eq!(n, 6);
    let text: Vec<(u64, String)> =
        lines.iter().map(|l| (l.number, String::from_utf8_lossy(&l.text).into_owned())).collect();
    assert_eq!(
        text,
        [
            (1, "half, joined".to_string()),
            (2, "other stream".to_string()),
            (4, "plain red and gone".to_string()),
            (5, "header".to_string()),
            (6, "progress 100%".to_string()),
        ]
    );
}
