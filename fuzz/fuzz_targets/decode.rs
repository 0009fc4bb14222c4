//! `decode::decode` and `decode::parse_header` on arbitrary bytes.
#![no_main]

use dindlog::fuzzing::decode::{self, HEADER_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The decoder gets one line without its `\n` (the scanner splits first).
    for line in data.split(|&b| b == b'\n') {
        check_line(line);
    }
    check_line(data);
});

fn check_line(line: &[u8]) {
    if let Some(h) = decode::parse_header(line) {
        assert!(line.len() >= HEADER_LEN);
        // Round trip: the header says what its bytes say.
        assert_eq!(format!("{:02x}", h.stream).as_bytes(), &line[28..30]);
        assert_eq!(line[30], if h.stderr { b'E' } else { b'O' });
        assert_eq!(line[31], if h.continuation { b'+' } else { b' ' });
    }
    let mut events = Vec::new();
    let out = decode::decode(line, &mut events);
    assert!(out.len() <= line.len(), "decoding never adds bytes");
    assert!(!out.contains(&0x1b), "no ESC survives: {:?}", String::from_utf8_lossy(&out));
    assert!(!out.contains(&b'\r'), "no bare CR survives: {:?}", String::from_utf8_lossy(&out));
    assert_eq!(decode::needs_decoding(line), matches!(out, std::borrow::Cow::Owned(_)));
    // Decoding is idempotent: the visible text is already clean.
    let mut again = Vec::new();
    assert_eq!(&*decode::decode(&out, &mut again), &*out);
    assert!(again.is_empty(), "a marker survived decoding: {again:?}");
    for ev in &events {
        assert!(!ev.name.is_empty());
    }
}
