//! The whole `scan` path the command line runs, on one to three inputs cut
//! from the fuzz input at `\0\0\0`: sniffing each (job log or bare service
//! log), pairing, classification, then every output format and report file.
//! Any panic is a bug; every input gets a report.
#![no_main]

use std::sync::OnceLock;

use dindlog::report;
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
    // Every registered format, standard output and report files alike.
    for (color, summary_only) in [(false, false), (true, false), (false, true)] {
        let opts = report::Options { color, summary_only, ..report::Options::default() };
        for f in report::FORMATS {
            out.clear();
            f.export(&mut out, report::Subject::Logs { reports: &reports, summary: &summary }, &opts)
                .unwrap();
            // The JSON formats GitLab reads must stay valid JSON.
            if matches!(f.name, "json" | "codequality" | "annotations") {
                let _: serde_json::Value = serde_json::from_slice(&out).unwrap();
            }
        }
    }
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
