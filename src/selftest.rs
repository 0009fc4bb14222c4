//! Runs the example lines every signature carries, for the test suite and `dindlog signatures test`.

use std::fmt;

use crate::scan::{ScanResult, Scanner};
use crate::signature::{SignatureSet, Strength};

/// One example that did not behave as its signature says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The signature's file.
    pub origin: String,
    /// Which example: `tests.match[2]`.
    pub example: String,
    /// The example line.
    pub line: String,
    /// What should have happened.
    pub expected: String,
    /// What did.
    pub got: String,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: expected {}, got {}\n    line: {:?}",
            self.origin, self.example, self.expected, self.got, self.line
        )
    }
}

/// Totals of a self-test run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExampleStats {
    /// Examples run.
    pub run: usize,
    /// Failures.
    pub failures: Vec<ExampleFailure>,
}

/// Classes whose strong or weak patterns the line hits.
fn hit_ids(set: &SignatureSet, r: &ScanResult, strengths: &[Strength]) -> Vec<String> {
    let mut ids: Vec<String> = r
        .hits
        .iter()
        .filter(|h| strengths.contains(&set.get(h.sig).patterns[h.pat].strength))
        .map(|h| set.get(h.sig).id.clone())
        .collect();
    ids.dedup();
    ids
}

/// Runs every example of every signature in `scanner`'s set (optionally only
/// those whose id is in `only`). Each line is scanned as a one-line log, by the
/// fast scanner and by the naive reference, which must agree.
pub fn run_examples(scanner: &Scanner, only: Option<&[String]>) -> ExampleStats {
    let set = scanner.signatures();
    let mut stats = ExampleStats::default();
    for sig in set.iter() {
        if only.is_some_and(|ids| !ids.contains(&sig.id)) {
            continue;
        }
        let origin = sig.origin.display().to_string();
        let cases = sig
            .examples
            .matches
            .iter()
            .enumerate()
            .map(|(i, l)| (true, format!("tests.match[{i}]"), l))
            .chain(
                sig.examples
                    .no_matches
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (false, format!("tests.no_match[{i}]"), l)),
            );
        for (should_match, example, line) in cases {
            stats.run += 1;
            let mut fail = |expected: String, got: String| {
                stats.failures.push(ExampleFailure {
                    origin: origin.clone(),
                    example: example.clone(),
                    line: line.clone(),
                    expected,
                    got,
                })
            };
            let data = format!("{line}\n");
            let fast = scanner.scan_bytes(data.as_bytes());
            let naive = scanner.scan_naive(data.as_bytes());
            let evidence = [Strength::Strong, Strength::Weak];
            let got = hit_ids(set, &fast, &evidence);
            let naive_got = hit_ids(set, &naive, &evidence);
            if got != naive_got {
                fail(
                    format!("the prefilter to find what the naive scan finds ({naive_got:?})"),
                    format!("{got:?}; a literal is missing from the line"),
                );
                continue;
            }
            let hit = got.contains(&sig.id);
            if should_match && !hit {
                fail(format!("a hit for '{}'", sig.id), format!("{got:?}"));
            } else if !should_match && hit {
                fail(format!("no hit for '{}'", sig.id), format!("{got:?}"));
            } else if should_match {
                let strong_others: Vec<String> = hit_ids(set, &fast, &[Strength::Strong])
                    .into_iter()
                    .filter(|id| *id != sig.id && !sig.examples.overlaps.contains(id))
                    .collect();
                if !strong_others.is_empty() {
                    fail(
                        format!("only '{}' (or classes listed in tests.overlaps)", sig.id),
                        format!("strong hits for {strong_others:?} too"),
                    );
                }
            }
        }
    }
    stats
}
