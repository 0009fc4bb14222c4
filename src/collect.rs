//! The evidence collector: counts each pattern's matching lines and keeps the first few as redacted excerpts.
//!
//! The scanner decides that a line matches a pattern; what is kept of it is
//! decided here: one count per line (pieces of an over-long line and a
//! re-read joined line count once), at most [`MAX_EVIDENCE`] lines per
//! pattern, each cut to an excerpt around the match and masked by
//! [`crate::redact`] when it is recorded, so no printer sees a credential.

use std::collections::HashMap;
use std::sync::Arc;

use crate::signature::Source;

/// Evidence lines kept per pattern; the count goes on past it.
pub const MAX_EVIDENCE: usize = 5;
/// Characters of an evidence line kept around the match.
const EXCERPT: usize = 400;

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

/// A confirmed match, as the scanner reports it.
pub(crate) struct Match<'a> {
    /// The line's number.
    pub(crate) line: u64,
    /// Who wrote the line.
    pub(crate) source: Source,
    /// The job phase the line is in.
    pub(crate) section: Option<&'a str>,
    /// The decoded line.
    pub(crate) text: &'a [u8],
    /// Byte offset of the match in `text`.
    pub(crate) at: usize,
    /// Named regex captures.
    pub(crate) captures: Vec<(String, String)>,
}

/// The matches of one input, per (signature, pattern).
#[derive(Debug)]
pub(crate) struct Collector {
    hits: HashMap<(u32, u32), PatternHits>,
    redact: bool,
    origin: Option<Arc<str>>,
}

impl Collector {
    /// `redact`: mask credentials; `origin`: the file name put on evidence
    /// that will be merged into another file's report.
    pub(crate) fn new(redact: bool, origin: Option<Arc<str>>) -> Collector {
        Collector { hits: HashMap::new(), redact, origin }
    }

    /// Records a match of pattern `key`; false when its line was counted
    /// already (another piece of the same line, or a re-read joined line).
    pub(crate) fn record(&mut self, key: (u32, u32), m: Match<'_>) -> bool {
        let entry = self.hits.entry(key).or_insert_with(|| PatternHits {
            sig: key.0 as usize,
            pat: key.1 as usize,
            count: 0,
            evidence: Vec::new(),
            last_line: 0,
        });
        if entry.last_line == m.line {
            return false;
        }
        entry.last_line = m.line;
        entry.count += 1;
        if entry.evidence.len() < MAX_EVIDENCE {
            let (text, captures) = if self.redact {
                let full = String::from_utf8_lossy(m.text);
                let masked = crate::redact::redact(&full);
                let at = m.at.min(masked.len());
                let caps = m
                    .captures
                    .into_iter()
                    .map(|(k, v)| (k, crate::redact::redact(&v).into_owned()))
                    .collect();
                (excerpt(masked.as_bytes(), at), caps)
            } else {
                (excerpt(m.text, m.at), m.captures)
            };
            entry.evidence.push(Evidence {
                line: m.line,
                source: m.source,
                section: m.section.map(str::to_owned),
                text,
                captures,
                origin: self.origin.clone(),
            });
        }
        true
    }

    /// The matches, ordered by (signature, pattern).
    pub(crate) fn finish(self) -> Vec<PatternHits> {
        let mut hits: Vec<PatternHits> = self.hits.into_values().collect();
        hits.sort_by_key(|h| (h.sig, h.pat));
        hits
    }
}

/// Adds `other`'s matches to `hits` (a service log's to a job log's): counts
/// add up, evidence fills up to [`MAX_EVIDENCE`], the order stays (signature, pattern).
pub(crate) fn merge(hits: &mut Vec<PatternHits>, other: Vec<PatternHits>) {
    for h in other {
        match hits.iter_mut().find(|m| m.sig == h.sig && m.pat == h.pat) {
            Some(m) => {
                m.count += h.count;
                let room = MAX_EVIDENCE.saturating_sub(m.evidence.len());
                m.evidence.extend(h.evidence.into_iter().take(room));
            }
            None => hits.push(h),
        }
    }
    hits.sort_by_key(|h| (h.sig, h.pat));
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

    #[test]
    fn excerpts_keep_the_match() {
        let long = format!("{}MATCH{}", "x".repeat(1000), "y".repeat(1000));
        let e = excerpt(long.as_bytes(), 1000);
        assert!(e.contains("MATCH") && e.starts_with('…') && e.ends_with('…'));
        assert!(e.chars().count() <= EXCERPT + 2);
        assert_eq!(excerpt("é".repeat(10).as_bytes(), 3), "é".repeat(10));
    }

    /// A line is counted once however often it is reported; evidence stops
    /// at the limit while the count goes on; credentials are masked.
    #[test]
    fn counts_lines_once_and_keeps_the_first_evidence() {
        let m = |line, text: &'static str| Match {
            line,
            source: Source::Job,
            section: Some("build"),
            text: text.as_bytes(),
            at: 0,
            captures: Vec::new(),
        };
        let mut c = Collector::new(true, None);
        assert!(c.record((0, 1), m(3, "$ docker login -u deploy -p s3cr3t! registry.example.com")));
        assert!(!c.record((0, 1), m(3, "$ docker login -u deploy -p s3cr3t! registry.example.com")));
        for line in 4..20 {
            assert!(c.record((0, 1), m(line, "x")));
        }
        let hits = c.finish();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].count, 17);
        assert_eq!(hits[0].evidence.len(), MAX_EVIDENCE);
        assert_eq!(hits[0].evidence[0].section.as_deref(), Some("build"));
        assert_eq!(
            hits[0].evidence[0].text,
            "$ docker login -u deploy -p [REDACTED] registry.example.com"
        );
    }
}
