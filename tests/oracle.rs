use dindlog::fuzzing::Trickle;
use dindlog::{ScanOptions, ScanResult, Scanner, SignatureSet, Source};

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

/// A log given as a service log (`--service-log`, or a bare dind log): every
/// line is a service line, and the count of them does not depend on which
/// lines the prefilter sends the scan to (it did: 4 of 16 in a dockerd log).
#[test]
fn service_log_scan_equals_naive_scan() {
    let scanner = Scanner::new(SignatureSet::builtin().unwrap());
    let as_service = ScanOptions { force_source: Some(Source::Service), ..ScanOptions::default() };
    for (log, _) in logs() {
        let data = std::fs::read(&log).unwrap();
        let want = scanner.scan_naive_with(&data, &as_service);
        for pipeline in [false, true] {
            let opts = ScanOptions { capacity: 8192, pipeline, ..as_service.clone() };
            let got = scanner.scan_reader(Trickle::new(&data, 4096), &opts).unwrap();
            assert_eq!(
                ScanResult::fingerprint(&got),
                ScanResult::fingerprint(&want),
                "{}: pipeline {pipeline}",
                log.display()
            );
        }
    }
}

/// The fast scan against the reference that shares nothing with it (its own
/// line splitting, header parsing, continuation joining, decoding and
/// regexes), on every corpus log at several buffer and read sizes.
#[test]
fn fast_scan_agrees_with_the_independent_reference() {
    let set = SignatureSet::builtin().unwrap();
    let scanner = Scanner::new(set.clone());
    let sigs: Vec<_> = set.iter().collect();
    for (log, _) in logs() {
        let data = std::fs::read(&log).unwrap();
        for (capacity, step) in [(8192, 8192), (8193, 1), (1 << 20, 1 << 20)] {
            for pipeline in [false, true] {
                let opts = ScanOptions { capacity, pipeline, ..ScanOptions::default() };
                let got = scanner.scan_reader(Trickle::new(&data, step), &opts).unwrap();
                let diff = crate::reference::compare(&sigs, &data, &got);
                assert!(
                    diff.is_empty(),
                    "{}: capacity {capacity}, read size {step}, pipeline {pipeline}:\n{}",
                    log.display(),
                    diff.join("\n")
                );
            }
        }
    }
}
