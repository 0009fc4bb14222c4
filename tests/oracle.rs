use dindlog::reader::Trickle;
use dindlog::{ScanOptions, ScanResult, Scanner, SignatureSet};

use crate::corpus::logs;

/// Both fast paths: one thread with lazy cursors, and the pipeline (a
/// reading thread lists the hits, a worker follows the lines).
#[test]
fn fast_scan_equals_naive_scan_at_every_buffer_size() {
    let scanner = Scanner::new(SignatureSet::builtin().unwrap());
    let mut checked = 0;
    for (log, _) in logs() {
        let data = std::fs::read(&log).unwrap();
        let want = ScanResult::fingerprint(&scanner.scan_naive(&data));
        for (capacity, step) in
            [(8192, 8192), (8193, 1), (10_007, 333), (65_536, 4096), (1 << 20, 1 << 20)]
        {
            for pipeline in [false, true] {
                let opts = ScanOptions { capacity, pipeline, ..ScanOptions::default() };
                let got = scanner.scan_reader(Trickle::new(&data, step), &opts).unwrap();
                assert_eq!(
                    ScanResult::fingerprint(&got),
                    want,
                    "{}: capacity {capacity}, read size {step}, pipeline {pipeline}",
                    log.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 400);
}
