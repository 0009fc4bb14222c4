use std::io::Write;
use std::process::Stdio;

use serde_json::Value;

use crate::util::{cmd, dir, run, write};

const EVIDENCE: &str =
    "Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?";

fn ids(stdout: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn empty_input_is_a_clean_log() {
    let r = run(&["--format", "json"], Some(b""));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(ids(&r.stdout).is_empty());
    let d = dir("empty");
    let p = write(&d, "empty.log", b"");
    let r = run(&[p.to_str().unwrap()], None);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("(0 lines read)"), "{}", r.stdout);
}

#[test]
fn binary_and_invalid_utf8_are_read_as_text() {
    let mut log = b"\x00\x01\x02binary\xff\xfe junk\x00\n".to_vec();
    log.extend_from_slice(b"\xc3\x28 invalid utf-8 ");
    log.extend_from_slice(EVIDENCE.as_bytes());
    log.extend_from_slice(b" \xe2\x82\n");
    let r = run(&["--format", "json"], Some(&log));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(ids(&r.stdout), ["daemon-tls-port"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["files"][0]["binary"], true);
    assert!(v["files"][0]["findings"][0]["evidence"][0]["text"]
        .as_str()
        .unwrap()
        .contains('\u{fffd}'));
    let human = run(&["--color", "never"], Some(&log));
    assert!(human.stdout.starts_with("note: the input holds NUL bytes"), "{}", human.stdout);
    assert!(!human.stdout.bytes().any(|b| b == 0 || b == 0x1b));
}

#[test]
fn utf16_with_a_bom_and_crlf_line_ends() {
    let text = format!("$ docker info\r\n{EVIDENCE}\r\nERROR: Job failed: exit code 1\r\n");
    let utf16: Vec<u8> =
        [0xff, 0xfe].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    for data in [utf16, text.clone().into_bytes()] {
        let r = run(&["--format", "json"], Some(&data));
        assert_eq!(ids(&r.stdout), ["daemon-tls-port"]);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["files"][0]["findings"][0]["evidence"][0]["text"], EVIDENCE, "no \\r left");
        assert_eq!(v["files"][0]["findings"][0]["first_line"], 2);
    }
}

#[test]
fn logs_cut_anywhere_do_not_break_anything() {
    let full = format!(
        "2024-05-01T10:00:01.123456Z 01O \x1b[32;1m$ docker info\x1b[0;m\n2024-05-01T10:00:02.123456Z 01E {EVIDENCE}\n"
    );
    for cut in 0..full.len() {
        let r = run(&["--format", "json"], Some(&full.as_bytes()[..cut]));
        assert!(matches!(r.code, 0 | 1), "cut at {cut}: {}", r.stderr);
        assert!(r.stderr.is_empty(), "cut at {cut}: {}", r.stderr);
        let _ = ids(&r.stdout);
    }
}

/// Reads the peak resident size of a running process, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_huge_line_without_newline_uses_bounded_memory() {
    const SIZE: usize = 64 << 20;
    let mut child = cmd()
        .args(["--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 1 << 20];
        for i in 0..SIZE / chunk.len() {
            stdin.write_all(&chunk).unwrap();
            if i == 40 {
                stdin.write_all(EVIDENCE.as_bytes()).unwrap();
            }
        }
    });
    let mut peak = 0;
    while !writer.is_finished() {
        peak = peak.max(peak_rss_kib(pid).unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    writer.join().unwrap();
    peak = peak.max(peak_rss_kib(pid).unwrap_or(0));
    let out = child.wait_with_output().unwrap();
    assert_eq!(ids(&String::from_utf8_lossy(&out.stdout)), ["daemon-tls-port"]);
    assert!(peak > 0, "could not read the child's memory use");
    assert!(peak < 48 * 1024, "peak RSS {peak} KiB for a {SIZE}-byte line");
}

#[test]
fn a_fifo_is_read_like_a_file() {
    let d = dir("fifo");
    let Some(fifo) = crate::util::fifo(&d, "job.fifo", "a_fifo_is_read_like_a_file") else {
        return;
    };
    let path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        f.write_all(format!("{EVIDENCE}\n").as_bytes()).unwrap();
    });
    let r = run(&["--format", "json", fifo.to_str().unwrap()], None);
    writer.join().unwrap();
    assert_eq!(ids(&r.stdout), ["daemon-tls-port"]);
}

#[test]
fn secrets_never_reach_a_report() {
    let d = dir("secrets");
    let sig = "id = \"acme-auth\"\ntitle = \"ACME registry refused us\"\nkind = \"root\"\nseverity = \"error\"\n\
summary = \"s\"\ndocs = [\"https://wiki.example.com/acme\"]\nfix = \"Rotate it.\\nThen retry.\"\n\
[[pattern]]\nname = \"refused\"\nliterals = [\"acme refused\"]\n\
[tests]\nmatch = [\"acme refused x\"]\nno_match = [\"acme ok\"]\n";
    write(&d, "acme-auth.toml", sig.as_bytes());
    let secrets = [
        "glpat-AbCdEfGhIjKlMnOpQrSt12",
        "hunter2pass",
        "s3cr3tJobToken",
        "AKIAIOSFODNN7EXAMPLE",
        "ZGVwbG95OnMzY3IzdA==",
    ];
    let log = format!(
        "acme refused token {} \n\
acme refused $ docker login -u deploy -p {} registry.example.com\n\
acme refused https://gitlab-ci-token:{}@gitlab.example.com/g/p.git\n\
acme refused key {}\n\
acme refused {{\"auths\":{{\"r.example.com\":{{\"auth\":\"{}\"}}}}}}\n",
        secrets[0], secrets[1], secrets[2], secrets[3], secrets[4]
    );
    let junit = d.join("junit.xml");
    let sigdir = d.to_str().unwrap();
    for format in ["human", "json", "jsonl", "github", "gitlab"] {
        let r = run(
            &["--signatures", sigdir, "--format", format, "--junit", junit.to_str().unwrap()],
            Some(log.as_bytes()),
        );
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        let xml = std::fs::read_to_string(&junit).unwrap();
        for s in secrets {
            assert!(!r.stdout.contains(s), "{format} leaks {s}:\n{}", r.stdout);
            assert!(!xml.contains(s), "junit leaks {s}");
        }
        assert!(r.stdout.contains("[REDACTED]"), "{format}: {}", r.stdout);
    }
    let r = run(&["--signatures", sigdir, "--no-redact"], Some(log.as_bytes()));
    assert!(r.stdout.contains(secrets[1]), "--no-redact shows them: {}", r.stdout);
}

#[test]
fn run_redacts_the_diagnosis_unless_asked_not_to() {
    let d = dir("run_secrets");
    let log = d.join("kept.log");
    let script = "echo 'fatal: unable to access https://gitlab-ci-token:s3cr3tJobToken@gitlab.example.com: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading'; exit 1";
    let masked = run(&["run", "--log", log.to_str().unwrap(), "--", "sh", "-c", script], None);
    let diagnosis = masked.stdout.split_once("section_start:").map(|x| x.1).unwrap_or("");
    assert!(diagnosis.contains("rate-limit"), "{}", masked.stdout);
    assert!(
        !diagnosis.contains("s3cr3tJobToken") && diagnosis.contains("[REDACTED]"),
        "{diagnosis}"
    );
    let shown = run(
        &["run", "--no-redact", "--log", log.to_str().unwrap(), "--", "sh", "-c", script],
        None,
    );
    let diagnosis = shown.stdout.split_once("section_start:").map(|x| x.1).unwrap_or("");
    assert!(diagnosis.contains("s3cr3tJobToken"), "{diagnosis}");
}

/// Every prefix and short mutation of the corpus's lines, alone and after a
/// preamble line, through the whole scan path the command line runs
/// (sniffing, pairing, classification) and every output format: nothing
/// panics, every input gets a report (issue 15).
#[test]
fn every_prefix_and_short_mutation_of_corpus_lines() {
    use dindlog::report;
    use dindlog::{Analyzer, SignatureSet, Summary};
    let analyzer = Analyzer::new(SignatureSet::builtin().unwrap());
    // Bytes the parsers treat specially: stamps, escapes, rewrites, markers.
    const SPECIAL: &[u8] = b"\r\x1b[:-+T.Z 0\n\x00\xff";
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for (log, _) in crate::corpus::logs() {
        let data = std::fs::read(&log).unwrap();
        lines.extend(data.split(|&b| b == b'\n').take(40).map(<[u8]>::to_vec));
    }
    lines.sort();
    lines.dedup();
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for line in &lines {
        let cuts: Vec<usize> = (0..=line.len().min(96)).chain([line.len()]).collect();
        for cut in cuts {
            inputs.push(line[..cut.min(line.len())].to_vec());
        }
        for at in (0..line.len().min(64)).step_by(3) {
            let b = SPECIAL[at % SPECIAL.len()];
            let mut replaced = line.clone();
            replaced[at] = b;
            let mut inserted = line.clone();
            inserted.insert(at, b);
            let mut removed = line.clone();
            removed.remove(at);
            inputs.extend([replaced, inserted, removed]);
        }
    }
    let mut out = Vec::new();
    for input in &inputs {
        let stamped = [b"2024-05-01T10:00:01.123456Z 01O ".as_slice(), input].concat();
        let pair = vec![("a.log".to_string(), &input[..]), ("b.log".to_string(), &stamped[..])];
        let reports = analyzer.analyze_all(pair, &[]);
        assert!(!reports.is_empty(), "{:?}", String::from_utf8_lossy(input));
        let mut summary = Summary::default();
        for r in &reports {
            summary.add(r);
        }
        out.clear();
        let opts = report::Options { color: true, ..report::Options::default() };
        for f in report::FORMATS {
            f.export(
                &mut out,
                report::Subject::Logs { reports: &reports, summary: &summary },
                &opts,
            )
            .unwrap();
        }
    }
    assert!(inputs.len() > 10_000, "only {} inputs", inputs.len());
}
