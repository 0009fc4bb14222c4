//! Turns one raw GitLab log line into the text a person sees: timestamp headers, section markers, ANSI and `\r` rewrites.
//!
//! The rules follow GitLab's own renderer (`ansi2json`): section markers are
//! taken out before anything else (they contain a `\r` that must not wipe the
//! line), a bare `\r` clears what came before it on the line, and every escape
//! sequence is dropped (only colours would survive in GitLab, and we do not
//! need them).

use std::borrow::Cow;

/// Length of an `FF_TIMESTAMPS` header: `2024-05-01T10:00:01.123456Z 01O `.
pub const HEADER_LEN: usize = 32;

/// A parsed `FF_TIMESTAMPS` line header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Stream number: 0 runner, 1 job script, 15 service logs.
    pub stream: u8,
    /// `E` rather than `O`.
    pub stderr: bool,
    /// `+`: this physical line continues the previous one of the same stream.
    pub continuation: bool,
}

impl Header {
    /// The runner's own messages.
    pub const RUNNER: u8 = 0;
    /// `CI_DEBUG_SERVICES` service log capture.
    pub const SERVICE: u8 = 15;
}

/// Parses the 32-byte timestamp header at the start of `line`, using the same
/// byte positions GitLab checks, plus the digits GitLab's regex wants.
pub fn parse_header(line: &[u8]) -> Option<Header> {
    if line.len() < HEADER_LEN {
        return None;
    }
    let h = &line[..HEADER_LEN];
    let fixed = h[4] == b'-'
        && h[7] == b'-'
        && h[10] == b'T'
        && h[13] == b':'
        && h[16] == b':'
        && h[19] == b'.'
        && h[26] == b'Z'
        && h[27] == b' ';
    if !fixed {
        return None;
    }
    let digits = [0..4, 5..7, 8..10, 11..13, 14..16, 17..19, 20..26];
    if !digits.into_iter().all(|r| h[r].iter().all(u8::is_ascii_digit)) {
        return None;
    }
    let hex = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    let stream = hex(h[28])? << 4 | hex(h[29])?;
    let stderr = match h[30] {
        b'O' => false,
        b'E' => true,
        _ => return None,
    };
    let continuation = match h[31] {
        b' ' => false,
        b'+' => true,
        _ => return None,
    };
    Some(Header { stream, stderr, continuation })
}

/// A `section_start` or `section_end` marker found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionEvent {
    /// `true` for `section_start`.
    pub start: bool,
    /// The section name as written (`step_script`, `prepare_executor`, ...).
    pub name: String,
}

/// Whether a line needs [`decode`] at all: without ESC or `\r` it is shown as is
/// (section markers always contain `\r`).
pub fn needs_decoding(line: &[u8]) -> bool {
    memchr::memchr2(0x1b, b'\r', line).is_some()
}

/// Decodes one logical line (without its header and line terminator) into the
/// visible text, appending section markers to `events`.
pub fn decode<'a>(line: &'a [u8], events: &mut Vec<SectionEvent>) -> Cow<'a, [u8]> {
    if !needs_decoding(line) {
        return Cow::Borrowed(line);
    }
    let mut out = Vec::with_capacity(line.len());
    decode_into(line, &mut out, events);
    Cow::Owned(out)
}

/// Built once: a `memmem::find` call builds its searcher every time.
static MARKER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"section_"));

/// [`decode`] into a caller's buffer (cleared first), so a scan can reuse one.
///
/// Returns whether the visible text may hold a sequence of bytes that the raw
/// line does not: whether something was taken out between two pieces of
/// visible text. When not, the text is one contiguous piece of `line`, so a
/// literal absent from the line is absent from the text too (the scanner
/// then skips searching it again).
pub fn decode_into(line: &[u8], out: &mut Vec<u8>, events: &mut Vec<SectionEvent>) -> bool {
    out.clear();
    let mut joined = false;
    // Something was removed after visible text, and nothing visible followed yet.
    let mut gap = false;
    let mut next_marker = MARKER.find(line).unwrap_or(usize::MAX);
    let mut i = 0;
    loop {
        let next_special = memchr::memchr2(0x1b, b'\r', &line[i..]).map_or(usize::MAX, |k| i + k);
        let p = next_special.min(next_marker).min(line.len());
        // Runs between the special bytes are copied whole, not byte by byte.
        if p > i {
            joined |= gap;
            gap = false;
            out.extend_from_slice(&line[i..p]);
        }
        if p == line.len() {
            return joined;
        }
        if p == next_marker {
            match parse_marker(&line[p..]) {
                Some((event, len)) => {
                    events.push(event);
                    gap = gap || !out.is_empty();
                    i = p + len;
                }
                None => {
                    joined |= gap;
                    gap = false;
                    out.push(b's');
                    i = p + 1;
                }
            }
        } else if line[p] == b'\r' {
            // A bare carriage return rewrites the line: only what follows it is visible.
            out.clear();
            gap = false;
            i = p + 1;
        } else {
            gap = gap || !out.is_empty();
            i = skip_escape(line, p);
        }
        if next_marker < i {
            // Passed (or swallowed by an escape): find the next one.
            next_marker = MARKER.find(&line[i..]).map_or(usize::MAX, |k| i + k);
        }
    }
}

/// The reference the tests hold [`decode_into`] to: byte by byte, looking
/// for a marker at every `s`.
#[cfg(test)]
fn decode_bytes(line: &[u8], out: &mut Vec<u8>, events: &mut Vec<SectionEvent>) {
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        match b {
            b's' => {
                if let Some((event, len)) = parse_marker(&line[i..]) {
                    events.push(event);
                    i += len;
                } else {
                    out.push(b);
                    i += 1;
                }
            }
            b'\r' => {
                // A bare carriage return rewrites the line: only what follows it is visible.
                out.clear();
                i += 1;
            }
            0x1b => i = skip_escape(line, i),
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
}

/// Returns the index just past the escape sequence starting at `line[i] == ESC`.
fn skip_escape(line: &[u8], i: usize) -> usize {
    let Some(&kind) = line.get(i + 1) else { return line.len() };
    match kind {
        b'[' => {
            // CSI: parameter and intermediate bytes, then one final byte in @..~.
            let mut j = i + 2;
            while j < line.len() && (0x20..=0x3f).contains(&line[j]) {
                j += 1;
            }
            if j < line.len() && (0x40..=0x7e).contains(&line[j]) {
                j + 1
            } else {
                // Incomplete or malformed: GitLab stops rendering the line here.
                j.min(line.len())
            }
        }
        b']' | b'P' | b'X' | b'^' | b'_' => {
            // OSC and other strings: up to BEL or ST (ESC \). These set window
            // titles and hyperlinks, which must never leak through.
            let mut j = i + 2;
            while j < line.len() {
                if line[j] == 0x07 {
                    return j + 1;
                }
                if line[j] == 0x1b && line.get(j + 1) == Some(&b'\\') {
                    return j + 2;
                }
                j += 1;
            }
            line.len()
        }
        // nF sequences such as `ESC ( B` (character set): intermediates, then a final byte.
        0x20..=0x2f => {
            let mut j = i + 2;
            while j < line.len() && (0x20..=0x2f).contains(&line[j]) {
                j += 1;
            }
            (j + 1).min(line.len())
        }
        _ => i + 2,
    }
}

/// Parses `section_(start|end):<digits>:<name>[opts]\r\e[0K` at the start of `s`.
fn parse_marker(s: &[u8]) -> Option<(SectionEvent, usize)> {
    let (start, mut i) = if s.starts_with(b"section_start:") {
        (true, 14)
    } else if s.starts_with(b"section_end:") {
        (false, 12)
    } else {
        return None;
    };
    let digits = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || s.get(i + digits) != Some(&b':') {
        return None;
    }
    i += digits + 1;
    let name_len = s[i..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    if name_len == 0 {
        return None;
    }
    let name = String::from_utf8_lossy(&s[i..i + name_len]).into_owned();
    i += name_len;
    if s.get(i) == Some(&b'[') {
        let close = memchr::memchr(b']', &s[i..])?;
        i += close + 1;
    }
    if !s[i..].starts_with(b"\r\x1b[0K") {
        return None;
    }
    Some((SectionEvent { start, name }, i + 5))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run-copying decoder must give exactly what the byte-by-byte one
    /// gives: escapes of every kind, cut-off escapes, `\r` rewrites, section
    /// markers whole and broken and inside escapes, and text next to them.
    /// When it says nothing was joined, its text is one piece of the line.
    #[test]
    fn run_copy_equals_bytewise_decoding() {
        let parts: [&[u8]; 20] = [
            b"section_start:1700000000:step_x\r\x1b[0K",
            b"section_end:1700000001:step_x\r\x1b[0K",
            b"section_start:17[collapsed=true]\r\x1b[0K",
            b"section_start:1:y[collapsed=true]\r\x1b[0K",
            b"section_",
            b"\x1b]0;section_end:1:z\r\x1b[0K\x07",
            b"text ",
            b"s",
            b"sect",
            b"\r",
            b"\x1b[31;1m",
            b"\x1b[0K",
            b"\x1b]0;title\x07",
            b"\x1b]8;;http://x\x1b\\",
            b"\x1b(B",
            b"\x1b",
            b"\x1b[",
            b"\x1b[12",
            b"\x1b]",
            b"\xff",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut markers = 0;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let mut line = Vec::new();
            for _ in 0..next() % 9 {
                line.extend_from_slice(parts[(next() % parts.len() as u64) as usize]);
            }
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            let (mut fast_events, mut events) = (Vec::new(), Vec::new());
            let joined = decode_into(&line, &mut fast, &mut fast_events);
            decode_bytes(&line, &mut slow, &mut events);
            if !joined {
                // The text is one contiguous piece of the line.
                assert!(
                    fast.is_empty() || memchr::memmem::find(&line, &fast).is_some(),
                    "{:?} -> {:?}",
                    String::from_utf8_lossy(&line),
                    String::from_utf8_lossy(&fast)
                );
            }
            assert_eq!(fast, slow, "{:?}", String::from_utf8_lossy(&line));
            assert_eq!(fast_events, events, "{:?}", String::from_utf8_lossy(&line));
            markers += events.len();
        }
        assert!(markers > 1000, "the cases hold markers: {markers}");
    }

    fn dec(line: &[u8]) -> (String, Vec<SectionEvent>) {
        let mut ev = Vec::new();
        let out = decode(line, &mut ev);
        (String::from_utf8_lossy(&out).into_owned(), ev)
    }

    #[test]
    fn decode_table() {
        let cases: &[(&[u8], &str)] = &[
            (b"plain text", "plain text"),
            (
                b"\x1b[0KUsing docker image sha256:ab for docker:24.0.5 ...\x1b[0;m",
                "Using docker image sha256:ab for docker:24.0.5 ...",
            ),
            (b"\x1b[32;1m$ docker build .\x1b[0;m", "$ docker build ."),
            (b"Downloading 10%\rDownloading 100%", "Downloading 100%"),
            (b"a\x1b]0;evil title\x07b", "ab"),
            (b"a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
            (b"cut \x1b[31", "cut "),
            (b"lone esc \x1b", "lone esc "),
            (b"\x1b(Bcharset", "charset"),
            (b"Can\x1b[1mnot con\x1b[0mnect", "Cannot connect"),
            (b"section_x not a marker", "section_x not a marker"),
        ];
        for (raw, want) in cases {
            assert_eq!(dec(raw).0, *want, "raw {:?}", String::from_utf8_lossy(raw));
        }
    }

    #[test]
    fn section_markers_do_not_wipe_the_line() {
        let raw = b"section_end:1717171712:prepare_executor\r\x1b[0Ksection_start:1717171712:prepare_script[collapsed=true]\r\x1b[0K\x1b[0K\x1b[36;1mPreparing environment\x1b[0;m\x1b[0;m";
        let (text, ev) = dec(raw);
        assert_eq!(text, "Preparing environment");
        assert_eq!(
            ev,
            vec![
                SectionEvent { start: false, name: "prepare_executor".into() },
                SectionEvent { start: true, name: "prepare_script".into() },
            ]
        );
    }

    #[test]
    fn marker_without_clear_is_text() {
        let (text, ev) = dec(b"section_start:12:foo\rrest");
        assert!(ev.is_empty());
        assert_eq!(text, "rest");
    }

    #[test]
    fn headers() {
        let h = parse_header(b"2024-05-01T10:00:01.123456Z 0fO+rest").unwrap();
        assert_eq!(h, Header { stream: 15, stderr: false, continuation: true });
        let h = parse_header(b"2021-01-01T01:00:00.020010Z 01E section").unwrap();
        assert_eq!(h, Header { stream: 1, stderr: true, continuation: false });
        for bad in [
            &b"2024-05-01T10:00:01.123456Z 0fX rest"[..],
            b"2024-05-01T10:00:01.12345Z 0fO rest!",
            b"2024-05-01 10:00:01.123456Z 0fO rest",
            b"2024-05-01T10:00:01.123456Z 0gO rest",
            b"short",
        ] {
            assert!(parse_header(bad).is_none(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
