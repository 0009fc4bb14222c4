//! The scanner over the built-in signatures: the fast path (prefilter, chunked
//! reader at a capacity and read size taken from the input's first bytes)
//! must agree with the naive reference whenever no line exceeds the buffer;
//! the whole analysis must never panic.
#![no_main]

use std::sync::OnceLock;

use dindlog::fuzzing::Trickle;
use dindlog::{Analyzer, ScanOptions, ScanResult, SignatureSet};
use libfuzzer_sys::fuzz_target;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| Analyzer::new(SignatureSet::builtin().expect("built-in signatures")))
}


fuzz_target!(|data: &[u8]| {
    let a = analyzer();
    // The reader never goes below 8192 bytes (2 * OVERLAP).
    let b = |i: usize| data.get(i).copied().unwrap_or(0) as usize;
    let capacity = 8192 + ((b(0) << 8 | b(1)) % 8192);
    let step = match b(2) {
        0 => usize::MAX,
        s => s,
    };
    let opts = ScanOptions { capacity, ..ScanOptions::default() };
    let fast = a.scanner().scan_reader(Trickle::new(data, step), &opts).expect("in-memory read");
    let fits = data.split_inclusive(|&c| c == b'\n').all(|l| l.len() <= capacity);
    if fits {
        let naive = a.scanner().scan_naive(data);
        assert_eq!(
            ScanResult::fingerprint(&fast),
            ScanResult::fingerprint(&naive),
            "capacity {capacity}, read size {step}"
        );
    }
    let report = a.analyze_bytes("fuzz.log", data);
    assert!(report.error.is_none());
});
