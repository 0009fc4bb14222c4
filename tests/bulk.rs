//! Bulk scanning inputs: directory walking, compressed and archived logs with their limits, shards and the merge of shard reports. Fixtures are built here with the same crates, never committed.

use std::io::Write;
use std::path::{Path, PathBuf};

use dindlog::archive::{
    for_each_stream, for_each_stream_from, ArchiveErrorKind, LimitExceeded, Limits,
};
use dindlog::merge::{merge_json, SUPPORTED_VERSION};
use dindlog::walk::{expand, in_shard, shard_of, Glob, WalkErrorKind, WalkOptions};
use dindlog::{Analyzer, FileReport, SignatureSet};
use serde_json::{json, Value};

use crate::util::{dir, root, run, write};

// ---------------------------------------------------------------- helpers

/// Every stream of an input as (name, Ok(bytes) | Err(message)).
type Streams = Vec<(String, Result<Vec<u8>, String>)>;

fn streams(path: &Path, limits: &Limits) -> Result<Streams, String> {
    let mut out = Vec::new();
    for_each_stream(path, limits, |name, rdr| {
        let mut buf = Vec::new();
        let res = rdr.read_to_end(&mut buf).map(|_| buf).map_err(|e| e.to_string());
        out.push((name.to_string(), res));
    })
    .map_err(|e| e.to_string())?;
    Ok(out)
}

fn names(s: &Streams) -> Vec<&str> {
    s.iter().map(|(n, _)| n.as_str()).collect()
}

fn ok<'a>(s: &'a Streams, name: &str) -> &'a [u8] {
    match s.iter().find(|(n, _)| n == name) {
        Some((_, Ok(b))) => b,
        other => panic!("{name}: {other:?} in {:?}", names(s)),
    }
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zst(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        if name.ends_with('/') {
            w.add_directory(*name, opts).unwrap();
        } else {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// 10 MiB of one byte: gzip makes about 10 KiB of it, 1000x.
fn bomb() -> Vec<u8> {
    vec![b'a'; 10 << 20]
}

const LOG: &[u8] = b"Running with gitlab-runner 17.3.1 (66269445)\n$ docker info\n\
Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n\
ERROR: Job failed: exit code 1\n";

fn analyzer() -> Analyzer {
    Analyzer::new(SignatureSet::builtin().unwrap())
}

/// Scans every stream of an input the way `dindlog scan` does.
fn reports(path: &Path) -> Vec<FileReport> {
    let a = analyzer();
    let mut out = Vec::new();
    let res = for_each_stream(path, &Limits::default(), |name, rdr| {
        out.push(match a.scan(name, rdr, dindlog::InputKind::Detect) {
            Ok(r) => a.report(name, r, Vec::new()),
            Err(e) => FileReport::failed(name.to_string(), e.to_string()),
        });
    });
    if let Err(e) = res {
        out.push(FileReport::failed(e.path.clone(), e.to_string()));
    }
    out
}

fn rel(base: &Path, paths: &[PathBuf]) -> Vec<String> {
    paths.iter().map(|p| p.strip_prefix(base).unwrap().to_string_lossy().into_owned()).collect()
}

// ---------------------------------------------------------------- walk

fn tree(name: &str) -> PathBuf {
    let d = dir(name);
    for p in ["a", "b/c", ".hidden", "node_modules"] {
        std::fs::create_dir_all(d.join(p)).unwrap();
    }
    for f in [
        "z.log",
        "a/10.log",
        "a/2.log",
        "a/notes.md",
        "b/c/job.trace",
        "b/c/old.log.gz",
        "b/report.json",
        "b/x.zip",
        ".hidden/h.log",
        ".dot.log",
        "node_modules/n.log",
        "A.TXT",
    ] {
        write(&d, f, b"x\n");
    }
    d
}

#[test]
fn walk_sorted_filtered_and_hidden() {
    let d = tree("walk_sorted");
    let (got, errs) = expand(std::slice::from_ref(&d), &WalkOptions::default());
    assert!(errs.is_empty(), "{errs:?}");
    // Byte order within each directory, depth first; .md and .json are not logs.
    assert_eq!(
        rel(&d, &got),
        [
            "A.TXT",
            "a/10.log",
            "a/2.log",
            "b/c/job.trace",
            "b/c/old.log.gz",
            "b/x.zip",
            "node_modules/n.log",
            "z.log"
        ]
    );
    let hidden = WalkOptions { hidden: true, ..WalkOptions::default() };
    let (got, _) = expand(std::slice::from_ref(&d), &hidden);
    assert_eq!(rel(&d, &got)[..3], [".dot.log", ".hidden/h.log", "A.TXT"]);
    // The same walk twice gives the same list.
    assert_eq!(expand(std::slice::from_ref(&d), &hidden).0, got);
}

#[test]
fn walk_globs_and_excludes() {
    let d = tree("walk_globs");
    let g = |s: &str| Glob::new(s).unwrap();
    let opts = WalkOptions { globs: vec![g("*.md"), g("b/**/*.json")], ..WalkOptions::default() };
    assert_eq!(
        rel(&d, &expand(std::slice::from_ref(&d), &opts).0),
        ["a/notes.md", "b/report.json"]
    );
    let opts = WalkOptions {
        excludes: vec![g("node_modules"), g("b/**"), g("*.TXT")],
        ..WalkOptions::default()
    };
    assert_eq!(
        rel(&d, &expand(std::slice::from_ref(&d), &opts).0),
        ["a/10.log", "a/2.log", "z.log"]
    );
    let opts =
        WalkOptions { globs: vec![g("*")], excludes: vec![g("a/1*")], ..WalkOptions::default() };
    let all = rel(&d, &expand(std::slice::from_ref(&d), &opts).0);
    assert!(
        all.contains(&"a/notes.md".to_string()) && !all.contains(&"a/10.log".to_string()),
        "{all:?}"
    );
}

#[test]
fn walk_named_paths_pass_through() {
    let d = tree("walk_named");
    let opts = WalkOptions { excludes: vec![Glob::new("*.md").unwrap()], ..WalkOptions::default() };
    let args = [d.join("a/notes.md"), d.join("missing.log"), PathBuf::from("-"), d.join("a")];
    let (got, errs) = expand(&args, &opts);
    assert!(errs.is_empty());
    // Named files are taken whatever the filters; the opener reports the missing one.
    assert_eq!(
        got,
        [
            d.join("a/notes.md"),
            d.join("missing.log"),
            PathBuf::from("-"),
            d.join("a/10.log"),
            d.join("a/2.log")
        ]
    );
}

#[cfg(unix)]
#[test]
fn walk_symlink_loop_and_broken_link() {
    use std::os::unix::fs::symlink;
    let d = dir("walk_loop");
    std::fs::create_dir_all(d.join("top/sub")).unwrap();
    write(&d, "top/sub/a.log", b"x\n");
    symlink(d.join("top"), d.join("top/sub/loop")).unwrap();
    symlink(d.join("nowhere.log"), d.join("top/dangling.log")).unwrap();
    symlink(d.join("top/sub/a.log"), d.join("top/link.log")).unwrap();

    // Not following: links are skipped silently.
    let (got, errs) = expand(&[d.join("top")], &WalkOptions::default());
    assert_eq!(got, [d.join("top/sub/a.log")]);
    assert!(errs.is_empty(), "{errs:?}");

    // Following: the loop is reported once and not entered; the walk ends.
    let follow = WalkOptions { follow: true, ..WalkOptions::default() };
    let (got, errs) = expand(&[d.join("top")], &follow);
    assert_eq!(got, [d.join("top/link.log"), d.join("top/sub/a.log")]);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(matches!(errs[0].kind, WalkErrorKind::BrokenLink));
    assert!(matches!(errs[1].kind, WalkErrorKind::Loop { .. }));
    let msg = errs[1].to_string();
    assert!(
        msg.starts_with(&format!("{}: symbolic link loop", d.join("top/sub/loop").display())),
        "{msg}"
    );
}

#[cfg(unix)]
#[test]
fn walk_unreadable_directory_among_good_ones() {
    use std::os::unix::fs::PermissionsExt;
    let d = dir("walk_unreadable");
    std::fs::create_dir_all(d.join("locked")).unwrap();
    write(&d, "locked/x.log", b"x\n");
    write(&d, "ok.log", b"x\n");
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let (got, errs) = expand(std::slice::from_ref(&d), &WalkOptions::default());
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(got.contains(&d.join("ok.log")));
    // root reads anything: the error only shows for other users.
    if !got.contains(&d.join("locked/x.log")) {
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            errs[0].to_string(),
            format!("{}: permission denied", d.join("locked").display())
        );
    }
}

// ---------------------------------------------------------------- archives

#[test]
fn plain_gz_and_zst_streams() {
    let d = dir("plain_gz_zst");
    let limits = Limits::default();
    let p = write(&d, "job.log", LOG);
    assert_eq!(streams(&p, &limits).unwrap(), [(p.display().to_string(), Ok(LOG.to_vec()))]);

    // Two gzip members back to back (`cat a.gz b.gz`) are one stream.
    let mut two = gz(b"first\n");
    two.extend(gz(b"second\n"));
    let p = write(&d, "two.log.gz", &two);
    let s = streams(&p, &limits).unwrap();
    assert_eq!(names(&s), [p.display().to_string()]);
    assert_eq!(ok(&s, &p.display().to_string()), b"first\nsecond\n");

    // Content wins over the name: a gzipped `.log` is decompressed.
    let p = write(&d, "really-gz.log", &gz(LOG));
    assert_eq!(ok(&streams(&p, &limits).unwrap(), &p.display().to_string()), LOG);

    // zstd, two frames.
    let mut z = zst(b"one\n");
    z.extend(zst(LOG));
    let p = write(&d, "job.log.zst", &z);
    let s = streams(&p, &limits).unwrap();
    let mut want = b"one\n".to_vec();
    want.extend_from_slice(LOG);
    assert_eq!(ok(&s, &p.display().to_string()), want);

    // Standard input: the same detection without a name.
    let mut got = Vec::new();
    for_each_stream_from("<stdin>", &gz(LOG)[..], &limits, |n, r| {
        assert_eq!(n, "<stdin>");
        r.read_to_end(&mut got).unwrap();
    })
    .unwrap();
    assert_eq!(got, LOG);
}

#[test]
fn zip_members_including_nested_gz() {
    let d = dir("zip_members");
    let data = zip(&[
        ("logs/", b""),
        ("logs/job.log", LOG),
        ("logs/old.log.gz", &gz(b"old\n")),
        ("readme.txt", b"hello\n"),
    ]);
    let p = write(&d, "artifacts.zip", &data);
    let s = streams(&p, &Limits::default()).unwrap();
    let z = p.display().to_string();
    assert_eq!(
        names(&s),
        [format!("{z}!logs/job.log"), format!("{z}!logs/old.log.gz"), format!("{z}!readme.txt")]
    );
    assert_eq!(ok(&s, &format!("{z}!logs/job.log")), LOG);
    assert_eq!(ok(&s, &format!("{z}!logs/old.log.gz")), b"old\n");

    // Through the analyzer, each member is its own report.
    let r = reports(&p);
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].path, format!("{z}!logs/job.log"));
    assert_eq!(r[0].root_cause().map(|f| f.id.as_str()), Some("daemon-tls-port"));

    // A zip cannot come through a pipe.
    let e = for_each_stream_from("<stdin>", &data[..], &Limits::default(), |_, _| {}).unwrap_err();
    assert!(matches!(e.kind, ArchiveErrorKind::ZipFromStream), "{e}");
}

#[test]
fn tar_tar_gz_and_tgz() {
    let d = dir("tar_members");
    let t = tar(&[("a/job.log", LOG), ("b.log.gz", &gz(b"inner\n"))]);
    for (file, bytes) in [
        ("logs.tar", t.clone()),
        ("logs.tar.gz", gz(&t)),
        ("logs.tgz", gz(&t)),
        ("logs.tar.zst", zst(&t)),
    ] {
        let p = write(&d, file, &bytes);
        let s = streams(&p, &Limits::default()).unwrap();
        let n = p.display().to_string();
        assert_eq!(names(&s), [format!("{n}!a/job.log"), format!("{n}!b.log.gz")], "{file}");
        assert_eq!(ok(&s, &format!("{n}!a/job.log")), LOG, "{file}");
        assert_eq!(ok(&s, &format!("{n}!b.log.gz")), b"inner\n", "{file}");
    }
}

#[test]
fn corrupt_and_truncated_inputs_name_the_file() {
    let d = dir("corrupt");
    let limits = Limits::default();

    // gzip magic, then garbage: the stream's read fails, named by the scan.
    let p =
        write(&d, "bad.log.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage garbage garbage");
    let r = reports(&p);
    assert_eq!(r.len(), 1);
    let err = r[0].error.as_deref().unwrap();
    assert!(err.starts_with(&format!("{}: gzip stream: ", p.display())), "{err}");
    assert!(!err.contains('\n'));

    // Truncated: a good stream cut in half.
    let whole = gz(&LOG.repeat(200));
    let p = write(&d, "cut.log.gz", &whole[..whole.len() / 2]);
    let err = reports(&p)[0].error.clone().unwrap();
    assert!(err.starts_with(&format!("{}: gzip stream: ", p.display())), "{err}");

    // A `.gz` that is not gzip at all.
    let p = write(&d, "text.gz", b"plain text\n");
    let e = streams(&p, &limits).unwrap_err();
    assert_eq!(e, format!("{}: not a gzip file (its first bytes say otherwise)", p.display()));

    // A `.zip` that is not zip, and one whose directory is cut off.
    let p = write(&d, "text.zip", b"plain text\n");
    assert!(streams(&p, &limits)
        .unwrap_err()
        .ends_with(": not a zip file (its first bytes say otherwise)"));
    let good = zip(&[("a.log", LOG), ("b.log", LOG)]);
    let p = write(&d, "cut.zip", &good[..good.len() - 30]);
    let e = streams(&p, &limits).unwrap_err();
    assert!(e.starts_with(&format!("{}: corrupt zip archive: ", p.display())), "{e}");

    // A zip whose first member's data is damaged: that member fails, the next is read.
    let mut bad = zip(&[("a.log", &LOG.repeat(50)), ("b.log", LOG)]);
    for b in &mut bad[40..60] {
        *b ^= 0x5a;
    }
    let p = write(&d, "damaged.zip", &bad);
    let s = streams(&p, &limits).unwrap();
    let n = p.display().to_string();
    assert!(s[0].1.is_err(), "{s:?}");
    assert_eq!(ok(&s, &format!("{n}!b.log")), LOG);

    // A tar with a broken header checksum.
    let mut t = tar(&[("a.log", LOG)]);
    t[148] ^= 0x11;
    let p = write(&d, "bad.tar", &t);
    let e = streams(&p, &limits).unwrap_err();
    assert!(e.starts_with(&format!("{}: corrupt tar archive: ", p.display())), "{e}");
}

#[test]
fn over_expanding_members_are_reported_and_skipped() {
    let d = dir("bomb");
    let limits = Limits::default();
    let expect_ratio = |res: &Result<Vec<u8>, String>| {
        let e = res.as_ref().unwrap_err();
        assert!(e.starts_with("expands past the 100x limit ("), "{e}");
    };

    let p = write(&d, "bomb.log.gz", &gz(&bomb()));
    let s = streams(&p, &limits).unwrap();
    expect_ratio(&s[0].1);
    // Through the scanner the message names the file.
    let err = reports(&p)[0].error.clone().unwrap();
    assert!(err.starts_with(&format!("{}: expands past the 100x limit", p.display())), "{err}");

    // In a zip the other members are still read.
    let p = write(
        &d,
        "a.zip",
        &zip(&[("bomb.log", &bomb()), ("good.log", LOG), ("bomb2.log.gz", &gz(&bomb()))]),
    );
    let s = streams(&p, &limits).unwrap();
    let n = p.display().to_string();
    assert_eq!(s.len(), 3);
    expect_ratio(&s[0].1);
    assert_eq!(ok(&s, &format!("{n}!good.log")), LOG);
    expect_ratio(&s[2].1);

    // A tar.gz: members before the bomb are read, the bomb is cut off, and
    // the archive says the rest could not be reached (one compressed stream).
    let t = tar(&[("good.log", LOG), ("bomb.log", &bomb()), ("after.log", LOG)]);
    let p = write(&d, "b.tar.gz", &gz(&t));
    let mut seen: Streams = Vec::new();
    let e = for_each_stream(&p, &limits, |name, rdr| {
        let mut buf = Vec::new();
        seen.push((
            name.to_string(),
            rdr.read_to_end(&mut buf).map(|_| buf).map_err(|e| e.to_string()),
        ));
    })
    .unwrap_err();
    assert_eq!(
        names(&seen),
        [format!("{}!good.log", p.display()), format!("{}!bomb.log", p.display())]
    );
    assert_eq!(ok(&seen, &format!("{}!good.log", p.display())), LOG);
    expect_ratio(&seen[1].1);
    let e = e.to_string();
    assert!(
        e.starts_with(&format!(
            "{}: the members after this point were not read: expands past",
            p.display()
        )),
        "{e}"
    );

    // The byte cap, and the ratio switched off.
    let capped = Limits { max_member_bytes: 1000, ..Limits::default() };
    let p = write(&d, "big.log.gz", &gz(&LOG.repeat(100)));
    let s = streams(&p, &capped).unwrap();
    let e = s[0].1.as_ref().unwrap_err();
    assert_eq!(e, "decompresses past the 1000 B cap (--max-member-bytes), skipped");
    let p = write(&d, "bomb2.log.gz", &gz(&bomb()));
    let off = Limits { max_ratio: 0, ..Limits::default() };
    assert_eq!(streams(&p, &off).unwrap()[0].1.as_ref().unwrap().len(), 10 << 20);

    // The typed error is reachable from the io::Error.
    let mut err = None;
    for_each_stream(&p, &limits, |_, r| err = r.read_to_end(&mut Vec::new()).err()).unwrap();
    assert!(matches!(
        LimitExceeded::of(&err.unwrap()),
        Some(LimitExceeded::Ratio { limit: 100, .. })
    ));
}

#[test]
fn unreadable_file_among_good_ones() {
    let d = dir("unreadable_among");
    let good = write(&d, "good.log", LOG);
    let gzp = write(&d, "good.log.gz", &gz(LOG));
    let missing = d.join("missing.log");
    let mut all = Vec::new();
    for p in [&good, &missing, &gzp, &d] {
        all.extend(reports(p));
    }
    let paths: Vec<&str> = all.iter().map(|r| r.path.as_str()).collect();
    let (g, m, z, dd) = (
        good.display().to_string(),
        missing.display().to_string(),
        gzp.display().to_string(),
        d.display().to_string(),
    );
    assert_eq!(paths, [g.as_str(), m.as_str(), z.as_str(), dd.as_str()]);
    assert!(all[0].error.is_none() && all[2].error.is_none());
    assert_eq!(all[1].error.as_deref(), Some(format!("{m}: no such file or directory").as_str()));
    assert!(all[3].error.as_deref().unwrap().contains("is a directory"));
    assert_eq!(all[2].root_cause().map(|f| f.id.as_str()), Some("daemon-tls-port"));
}

// ---------------------------------------------------------------- shard

#[test]
fn shards_are_stable_and_partition() {
    // Pinned: a change of hash would move every file between shards.
    let pinned: Vec<u32> = ["a.log", "logs/job-1.log", "archive/2024/05/trace.log.gz", ""]
        .iter()
        .map(|n| shard_of(n, 8))
        .collect();
    assert_eq!(pinned, PINNED_SHARDS);
    let names: Vec<String> = (0..2000).map(|i| format!("archive/{}/job-{i}.log", i % 37)).collect();
    for n in 1..=9u32 {
        let mut counts = vec![0usize; n as usize];
        for name in &names {
            let hits: Vec<u32> = (1..=n).filter(|&i| in_shard(name, i, n)).collect();
            assert_eq!(hits.len(), 1, "{name} in {hits:?} of {n}");
            counts[hits[0] as usize - 1] += 1;
        }
        let mean = names.len() / n as usize;
        for c in counts {
            assert!(c * 10 > mean * 7 && c * 10 < mean * 13, "uneven shards of {n}: {c} vs {mean}");
        }
    }
}

/// Computed independently (FNV-1a 64, splitmix64 finalizer, `% 8 + 1`) in Python.
const PINNED_SHARDS: [u32; 4] = [6, 7, 5, 4];

// ---------------------------------------------------------------- merge

fn json_report(files: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend(files);
    let r = run(&args, None);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr))
}

#[test]
fn merge_of_shards_equals_one_run() {
    let c = |n: &str| root().join("corpus").join(n).display().to_string();
    let (a, b, x) = (
        c("daemon-tls-port-debug-services.log"),
        c("compose-missing.log"),
        c("custom-ca-kaniko.log"),
    );
    let whole = json_report(&[&a, &b, &x]);
    assert_eq!(whole["version"], SUPPORTED_VERSION, "merge must read what scan writes");
    let merged = merge_json(vec![json_report(&[&a]), json_report(&[&b, &x])]).unwrap();
    assert_eq!(merged, whole);
    // Merging one report is the identity.
    assert_eq!(merge_json(vec![whole.clone()]).unwrap(), whole);
}

#[test]
fn merge_sums_and_rejects_versions() {
    let doc = |files: u64, class: u64, v: u64| {
        json!({"version": v, "files": [{"path": format!("f{files}")}],
               "summary": {"files": files, "errors": 1, "failed_unclassified": 2, "lines": 10, "bytes": 100,
                           "classes": {"rate-limit": {"files": class, "cause": class}},
                           "executors": {"docker": {"files": 1, "failed": 1, "causes": {"rate-limit": 1}}}}})
    };
    let mut b = doc(2, 2, 1);
    b["summary"]["classes"]["proxy"] = json!({"files": 1, "cause": 0});
    let m = merge_json(vec![doc(1, 1, 1), b]).unwrap();
    assert_eq!(m["files"], json!([{"path": "f1"}, {"path": "f2"}]));
    let s = &m["summary"];
    assert_eq!(
        (s["files"].as_u64(), s["errors"].as_u64(), s["failed_unclassified"].as_u64()),
        (Some(3), Some(2), Some(4))
    );
    assert_eq!((s["lines"].as_u64(), s["bytes"].as_u64()), (Some(20), Some(200)));
    assert_eq!(
        s["classes"],
        json!({"proxy": {"files": 1, "cause": 0}, "rate-limit": {"files": 3, "cause": 3}})
    );
    assert_eq!(
        s["executors"]["docker"],
        json!({"files": 2, "failed": 2, "causes": {"rate-limit": 2}})
    );

    let e = merge_json(vec![doc(1, 1, 1), doc(1, 1, 2)]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "report 2: version 2 is not supported (this dindlog reads version 1)"
    );
    let e = merge_json(vec![json!({"files": [], "summary": {}})]).unwrap_err();
    assert_eq!(e.to_string(), "report 1: no \"version\": not a dindlog --format json report");
}

// ---------------------------------------------------------------- issue 13, through the binary

/// Paths of a `--format json` report.
fn paths_of(v: &Value) -> Vec<String> {
    v["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()).collect()
}

fn scan_json(args: &[&str]) -> Value {
    let r = run(args, None);
    assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

#[test]
fn merge_reads_stdin_counts_a_repeat_once_and_refuses_json_lines() {
    let d = dir("merge_stdin_dup");
    let c = |n: &str| root().join("corpus").join(n).display().to_string();
    let (a, b) = (c("compose-missing.log"), c("custom-ca-kaniko.log"));
    let whole = json_report(&[&a, &b]);
    let ra = json_report(&[&a]);
    let rb = json_report(&[&b]);
    let pa = write(&d, "a.json", ra.to_string().as_bytes());
    let pb = write(&d, "b.json", rb.to_string().as_bytes());
    let (pa, pb) = (pa.to_str().unwrap(), pb.to_str().unwrap());

    // `-` is standard input, in the position it is given.
    let r = run(&["merge", pa, "-"], Some(rb.to_string().as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let m: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(m, whole);

    // The same report twice: a warning naming both, counted once.
    let r = run(&["merge", pa, pb, pa], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("dindlog: warning: {pa} is the same report as {pa}: counted once\n")
    );
    let m: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(m["summary"], whole["summary"]);
    // A copy under another name, one of them from standard input.
    let r = run(&["merge", "-", pb, pa], Some(ra.to_string().as_bytes()));
    assert!(r.stderr.contains(&format!("{pa} is the same report as <stdin>")), "{}", r.stderr);
    assert_eq!(serde_json::from_str::<Value>(&r.stdout).unwrap()["summary"], whole["summary"]);
    let r = run(&["merge", "-", "-"], Some(b"{}"));
    assert_eq!(
        (r.code, r.stderr.trim()),
        (2, "dindlog: standard input (`-`) is named more than once")
    );

    // JSON Lines: one line of error that names the file and says what to do.
    let jl = run(&["--format", "jsonl", &a], None);
    let pj = write(&d, "a.jsonl", jl.stdout.as_bytes());
    let r = run(&["merge", pa, pj.to_str().unwrap()], None);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        format!(
            "dindlog: {}: JSON Lines (--format jsonl) cannot be merged: write each shard with --format json\n",
            pj.display()
        )
    );
}

/// A zip as GitLab's artifact archives hold them: logs beside screenshots,
/// JSON data and binaries, some of them with log-like names.
fn mixed_zip(d: &Path) -> PathBuf {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    let elf = [b"\x7fELF\x02\x01\x01\0".as_slice(), &[0u8; 120]].concat();
    let data = zip(&[
        ("jobs/1/job.log", LOG),
        ("jobs/1/screenshot.png", png),
        ("jobs/1/trace.log", png), // an image, whatever its name
        ("jobs/2/job.log.gz", &gz(LOG)),
        ("jobs/2/report.json", b"{\"tests\": 3}\n"),
        ("jobs/2/results.txt", b"{\"version\": 1, \"files\": []}\n"), // JSON data
        ("jobs/2/tool", &elf),
        ("jobs/2/tool.out", &elf),
        ("jobs/2/coverage.txt.gz", &gz(&[0u8; 4096])),
        ("old/3/job.log", LOG),
        ("jobs/3/notes.log", b"[INFO] plain text that starts with a bracket\n"),
    ]);
    write(d, "artifacts.zip", &data)
}

#[test]
fn archive_members_that_are_not_logs_are_skipped_and_globs_see_member_paths() {
    let d = dir("archive_member_filter");
    let z = mixed_zip(&d);
    let zs = z.to_str().unwrap();
    let member = |m: &str| format!("{zs}!{m}");
    let all = scan_json(&[zs, "--format", "json"]);
    assert_eq!(
        paths_of(&all),
        [
            member("jobs/1/job.log"),
            member("jobs/2/job.log.gz"),
            member("old/3/job.log"),
            member("jobs/3/notes.log")
        ]
    );
    assert_eq!(all["summary"]["errors"], 0);

    // Excludes drop members and whole directories inside the archive.
    let v = scan_json(&[zs, "--exclude", "old", "--exclude", "*.gz", "--format", "json"]);
    assert_eq!(paths_of(&v), [member("jobs/1/job.log"), member("jobs/3/notes.log")]);
    // An include glob picks members by their path in the archive (content still decides).
    let v = scan_json(&[zs, "--glob", "jobs/**/*.log", "--format", "json"]);
    assert_eq!(paths_of(&v), [member("jobs/1/job.log"), member("jobs/3/notes.log")]);
    let v = scan_json(&[zs, "--glob", "tool*", "--format", "json"]);
    assert!(paths_of(&v).is_empty(), "binaries stay skipped: {v}");

    // In a walked directory the archive must pass the walk; a glob that only
    // matches the archive leaves its members to the name rule.
    let dd = d.display().to_string();
    let v = scan_json(&[&dd, "--glob", "*.zip", "--format", "json"]);
    assert_eq!(paths_of(&v), paths_of(&all));
    let v = scan_json(&[&dd, "--glob", "*.zip", "--glob", "old/**", "--format", "json"]);
    assert_eq!(paths_of(&v), [member("old/3/job.log")]);
}

/// Inputs of very different sizes: a directory of plain logs and a zip whose
/// members range from a few hundred bytes to a large one.
fn skewed_tree(name: &str) -> PathBuf {
    let d = dir(name);
    std::fs::create_dir_all(d.join("logs")).unwrap();
    let corpus: Vec<PathBuf> = std::fs::read_dir(root().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    let mut corpus = corpus;
    corpus.sort();
    for (i, p) in corpus.iter().take(12).enumerate() {
        let text = std::fs::read(p).unwrap();
        // One huge file, a few big ones, many small.
        let times = match i {
            0 => 60,
            1..=3 => 8,
            _ => 1,
        };
        write(&d, &format!("logs/{i:02}.log"), &text.repeat(times));
    }
    let members: Vec<(String, Vec<u8>)> = corpus[12..40]
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let text = std::fs::read(p).unwrap();
            let times = if i == 5 { 40 } else { 1 + i % 3 };
            (format!("jobs/{i:02}/job.log"), text.repeat(times))
        })
        .collect();
    let refs: Vec<(&str, &[u8])> =
        members.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    write(&d, "artifacts.zip", &zip(&refs));
    d
}

#[test]
fn shards_partition_archive_members_and_balance_bytes() {
    let d = skewed_tree("shard_balance");
    let root_s = d.display().to_string();
    let whole = scan_json(&[&root_s, "--format", "json", "--fail-on", "never"]);
    let mut all = paths_of(&whole);
    all.sort();
    let members = all.iter().filter(|p| p.contains("artifacts.zip!")).count();
    assert_eq!(members, 28, "the zip's members are units: {all:?}");
    let largest = whole["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["bytes"].as_u64().unwrap())
        .max()
        .unwrap();
    let total = whole["summary"]["bytes"].as_u64().unwrap();
    for n in 2..=5u32 {
        let mut union = Vec::new();
        let mut sizes = Vec::new();
        for i in 1..=n {
            let v = scan_json(&[
                &root_s,
                "--format",
                "json",
                "--fail-on",
                "never",
                "--shard",
                &format!("{i}/{n}"),
            ]);
            let p = paths_of(&v);
            sizes.push(v["summary"]["bytes"].as_u64().unwrap());
            union.extend(p);
        }
        let count = union.len();
        union.sort();
        union.dedup();
        assert_eq!(union.len(), count, "shards of {n} overlap");
        assert_eq!(union, all, "shards of {n} do not cover every input");
        assert_eq!(sizes.iter().sum::<u64>(), total);
        let (min, max) = (*sizes.iter().min().unwrap(), *sizes.iter().max().unwrap());
        // Greedy by size: no shard is heavier than the lightest by more than
        // the largest unit, and the heaviest is the largest unit when that
        // is more than a fair share.
        assert!(max - min <= largest, "shards of {n}: {sizes:?}, largest unit {largest}");
        assert!(max <= largest.max(total / u64::from(n) + largest), "{sizes:?}");
        // A split of members too: the zip is not read whole by one shard.
        if n == 2 {
            let shard_of_member = |i: u32| {
                let v = scan_json(&[
                    &root_s,
                    "--format",
                    "json",
                    "--fail-on",
                    "never",
                    "--shard",
                    &format!("{i}/2"),
                ]);
                paths_of(&v).iter().filter(|p| p.contains("artifacts.zip!")).count()
            };
            let (a, b) = (shard_of_member(1), shard_of_member(2));
            assert!(a > 0 && b > 0 && a + b == members, "{a} + {b}");
        }
    }
    // Every shard computes the same split: run twice, with other thread counts.
    let once = scan_json(&[&root_s, "--format", "json", "--shard", "2/3", "-j", "1"]);
    let again = scan_json(&[&root_s, "--format", "json", "--shard", "2/3", "-j", "2"]);
    assert_eq!(paths_of(&once), paths_of(&again));
    // More shards than inputs: the extra shards are empty, valid, and say so.
    let r = run(
        &[&d.join("logs/00.log").display().to_string(), "--format", "json", "--shard", "3/3"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(serde_json::from_str::<Value>(&r.stdout).unwrap()["summary"]["files"], 0);
    assert_eq!(r.stderr, "dindlog: shard 3/3: no input falls in this shard\n");
}

#[test]
fn empty_or_log_less_directory_says_so_and_exits_0() {
    let d = dir("empty_dirs");
    std::fs::create_dir_all(d.join("empty")).unwrap();
    std::fs::create_dir_all(d.join("nolog/sub")).unwrap();
    write(&d, "nolog/shot.png", b"\x89PNG");
    write(&d, "nolog/sub/report.json", b"{}");
    write(&d, "nolog/.hidden.log", b"x\n");
    let empty = d.join("empty").display().to_string();
    let nolog = d.join("nolog").display().to_string();

    let r = run(&[&empty], None);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(r.stderr, format!("dindlog: {empty}: no files to scan (the directory is empty)\n"));
    let r = run(&[&empty, "--format", "json"], None);
    assert_eq!(r.code, 0);
    assert_eq!(serde_json::from_str::<Value>(&r.stdout).unwrap()["summary"]["files"], 0);

    let r = run(&[&nolog], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!(
            "dindlog: {nolog}: no log files to scan (3 files skipped: only .log .txt"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--glob '*' takes every file"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1);
    let r = run(&[&nolog, "--glob", "*.md"], None);
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, format!("dindlog: {nolog}: no files to scan (3 files skipped: none matches --glob, or --hidden is needed)\n"));

    // Beside a real log the message still names the empty directory; the log
    // decides the exit status.
    let log = write(&d, "job.log", LOG);
    let r = run(&[&empty, log.to_str().unwrap()], None);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, format!("dindlog: {empty}: no files to scan (the directory is empty)\n"));
    // A directory with logs says nothing.
    let r = run(&[&d.display().to_string(), "--format", "json"], None);
    assert_eq!(r.stderr, "");
}
