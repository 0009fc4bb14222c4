//! The whole `scan` path the command line runs, on one to three inputs cut
//! from the fuzz input at `\0\0\0`: sniffing each (job log or bare service
//! log), pairing, classification, then every output format and report file.
//! Any panic is a bug; every input gets a report.
#![no_main]

use std::sync::OnceLock;

use dindlog::report::{self, HumanOptions, JsonLines};
use dindlog::{Analyzer, SignatureSet, Summary};
use libfuzzer_sys::fuzz_target;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| Analyzer::new(SignatureSet::builtin().expect("built-in signatures")))
}

fuzz_target!(|data: &[u8]| {
    let parts: Vec<&[u8]> = data.split_inclusive_sep().take(3).collect();
    let inputs: Vec<(String, &[u8])> =
        parts.iter().enumerate().map(|(i, p)| (format!("in{i}.log"), *p)).collect();
    let n = inputs.len();
    let reports = analyzer().analyze_all(inputs, &[]);
    assert!(!reports.is_empty() && reports.len() <= n);
    let mut summary = Summary::default();
    for r in &reports {
        summary.add(r);
    }
    let mut out = Vec::new();
    for color in [false, true] {
        for r in &reports {
            report::print_human(&mut out, r, HumanOptions { color, headers: n > 1 }).unwrap();
        }
        report::print_summary(&mut out, &summary, color).unwrap();
    }
    report::print_json(&mut out, &reports, &summary).unwrap();
    for r in &reports {
        JsonLines::file(&mut out, r).unwrap();
    }
    JsonLines::summary(&mut out, &summary).unwrap();
    report::print_github(&mut out, &reports).unwrap();
    let body = String::from_utf8_lossy(&out).into_owned();
    report::gitlab_section(&mut out, "dindlog", &body, 1).unwrap();
    // The report files GitLab reads: Code Quality and annotations must stay valid JSON.
    let _: serde_json::Value = serde_json::from_str(&report::codequality(&reports)).unwrap();
    let _: serde_json::Value = serde_json::from_str(&report::annotations(&reports, None)).unwrap();
    let _ = (report::junit(&reports), report::dotenv(&reports));
});

/// Splits at `\0\0\0` (a separator no real log carries).
trait SplitSep {
    fn split_inclusive_sep(&self) -> std::vec::IntoIter<&[u8]>;
}

impl SplitSep for [u8] {
    fn split_inclusive_sep(&self) -> std::vec::IntoIter<&[u8]> {
        let mut parts = Vec::new();
        let mut rest = self;
        while let Some(i) = rest.windows(3).position(|w| w == b"\0\0\0") {
            parts.push(&rest[..i]);
            rest = &rest[i + 3..];
        }
        parts.push(rest);
        parts.into_iter()
    }
}
