//! `cargo bench`: throughput of the scan loop, decoding and start-up, on
//! generated logs. Each benchmark first checks that it finds what it should,
//! so a broken fast path cannot look fast. No external harness: best of N
//! wall-clock runs, reported in MB/s (or µs for start-up).

use std::hint::black_box;
use std::time::{Duration, Instant};

use dindlog::{Analyzer, Role, ScanOptions, Scanner, SignatureSet};

/// A deterministic job log: `filler` lines of ordinary build output per
/// failure block, repeated to about `size` bytes.
fn generate(size: usize, ansi: bool, failures_every: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 4096);
    let mut i = 0u64;
    while out.len() < size {
        i += 1;
        if ansi {
            out.extend_from_slice(format!("\x1b[32;1m$ make step-{i}\x1b[0;m\n").as_bytes());
            out.extend_from_slice(format!("Downloading {i}%\rDownloading 100%\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "#{} {}.{:03} compiling crate number {i} of the workspace (release)\n",
                i % 40,
                i % 90,
                i % 1000
            )
            .as_bytes(),
        );
        out.extend_from_slice(b"Step 4/9 : COPY . /src\n ---> 3f2a1b0c9d8e\n");
        if failures_every > 0 && i as usize % failures_every == 0 {
            out.extend_from_slice(
                b"Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n",
            );
        }
    }
    out
}

fn best_of<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn report(name: &str, bytes: usize, d: Duration) {
    let mbps = bytes as f64 / d.as_secs_f64() / 1e6;
    println!("{name:<34} {:>9.2} ms {:>9.1} MB/s", d.as_secs_f64() * 1e3, mbps);
}

fn main() {
    let set = SignatureSet::builtin().expect("built-in signatures");
    let scanner = Scanner::new(set.clone());
    let analyzer = Analyzer::new(set.clone());
    let opts = ScanOptions::default();

    for (name, data, expected) in [
        ("clean log, 64 MiB (prefilter)", generate(64 << 20, false, 0), 0u64),
        ("dense hits, 16 MiB", generate(16 << 20, false, 3), 0),
        ("ANSI and \\r heavy, 16 MiB (decode)", generate(16 << 20, true, 0), 0),
    ] {
        let r = scanner.scan_reader(&data[..], &opts).unwrap();
        let hits: u64 = r.hits.iter().map(|h| h.count).sum();
        if expected == 0 && name.starts_with("dense") {
            assert!(hits > 1000, "{name}: expected many hits, got {hits}");
        } else {
            assert_eq!(hits, expected, "{name}: unexpected hits");
        }
        let d = best_of(5, || {
            black_box(scanner.scan_reader(black_box(&data[..]), &opts).unwrap());
        });
        report(name, data.len(), d);
        if name.starts_with("clean") {
            // The same input on two threads (reader and prefilter, then lines).
            let piped = ScanOptions { pipeline: true, ..ScanOptions::default() };
            let r2 = scanner.scan_reader(&data[..], &piped).unwrap();
            assert_eq!(r2.fingerprint(), r.fingerprint(), "pipelined scan differs");
            let d = best_of(5, || {
                black_box(scanner.scan_reader(black_box(&data[..]), &piped).unwrap());
            });
            report("clean log, 64 MiB, pipelined", data.len(), d);
        }
    }

    let small = generate(8 << 10, true, 50);
    let r = analyzer.analyze_bytes("small.log", &small);
    assert_eq!(r.findings.iter().filter(|f| f.role == Role::Cause).count(), 1);
    let d = best_of(20, || {
        let set = SignatureSet::builtin().unwrap();
        black_box(Analyzer::new(set).analyze_bytes("small.log", black_box(&small)));
    });
    println!("{:<34} {:>9.0} µs", "start-up + 8 KiB log (oneshot)", d.as_secs_f64() * 1e6);
}
