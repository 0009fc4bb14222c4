//! An archive or compressed stream given to `scan` (gz, zst, zip, tar,
//! tar.gz, or plain): every member within tight limits is scanned and
//! classified as the command line does; errors are values, never panics, and
//! the limits hold.
#![no_main]

use std::sync::OnceLock;

use dindlog::archive::{for_each_stream_from, Limits};
use dindlog::{Analyzer, InputKind, SignatureSet};
use libfuzzer_sys::fuzz_target;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| Analyzer::new(SignatureSet::builtin().expect("built-in signatures")))
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_member_bytes: 1 << 20, max_ratio: 100, ..Limits::default() };
    let mut members = 0usize;
    let _ = for_each_stream_from("fuzz.tar.gz", data, &limits, |name, rdr| {
        members += 1;
        if let Ok(r) = analyzer().scan(name, rdr, InputKind::Detect) {
            assert!(r.bytes <= 1 << 20, "member past its limit: {} bytes", r.bytes);
            let _ = analyzer().report(name, r, Vec::new());
        }
    });
});
