//! Golden outputs: every corpus log through every output format and report file, via the real binary, compared byte for byte with `tests/golden/`; and the report files' contracts checked through the binary (one Code Quality writer, its paths, dotenv limits, the HTML page in Chromium).
//!
//! What runs (the working directory is `corpus/`, so names are relative and
//! the same on every machine; the environment is cleared but for a fixed
//! `CI_JOB_URL`, so nothing depends on where or when the test runs):
//!
//! - `scan/<log>.txt`: each `corpus/*.log` alone (with the service log its
//!   expectation pairs it with, as `tests/corpus.rs` does), human output
//!   without colour, plus the four report files (JUnit, Code Quality,
//!   annotations, dotenv) of the same run.
//! - `bulk/<format>.txt`: every corpus log in one run, for each standard
//!   output format (`human`, `json`, `jsonl`, `github`, `gitlab`); a log's
//!   part of the JSON, JSON Lines and GitHub outputs is what it prints alone.
//!   `bulk/reports.txt` holds the report files of that bulk run (and its
//!   HTML page), and
//!   `bulk/ci-config.txt` those of a run with `--ci-config`.
//! - `lint/<case>.txt`: each `corpus/lint/*.gitlab-ci.yml` (with its runner
//!   configuration) as `lint --format human`, `json` and `codequality`.
//!
//! Each file has one section per output, headed `==> NAME (N bytes) <==`, the
//! command line and exit status first. The GitLab section's Unix times are
//! written as 0: they are the only part that varies between runs.
//!
//! To accept changed outputs, run `DINDLOG_BLESS=1 cargo test --test
//! integration golden::` and commit `tests/golden/` with a message saying why
//! each output changed. Without it, a mismatch fails naming the first
//! differing line of every file that differs, and a golden file no case
//! writes any more fails too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use crate::util::{dir, root};

/// The job URL the annotations link to.
const JOB_URL: &str = "https://gitlab.example.com/group/project/-/jobs/1";

/// One run of the binary: its arguments (relative to `corpus/`) and the
/// report files it writes, by golden section name.
struct Case {
    golden: String,
    args: Vec<String>,
    files: Vec<(&'static str, &'static str)>,
}

/// Report files: (section name, flag).
const REPORT_FILES: [(&str, &str); 4] = [
    ("junit.xml", "--junit"),
    ("codequality.json", "--codequality"),
    ("annotations.json", "--annotations"),
    ("dindlog.env", "--dotenv"),
];

fn corpus() -> PathBuf {
    root().join("corpus")
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Every corpus log, by name, with the service logs its expectation names.
fn logs() -> Vec<(String, Vec<String>)> {
    let mut v: Vec<(String, Vec<String>)> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .map(|p| {
            let expect: toml::Value =
                toml::from_str(&std::fs::read_to_string(p.with_extension("expect.toml")).unwrap())
                    .unwrap();
            let service = expect
                .get("service_logs")
                .and_then(|s| s.as_array())
                .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            (p.file_name().unwrap().to_string_lossy().into_owned(), service)
        })
        .collect();
    v.sort();
    assert!(v.len() >= 40, "corpus/ has only {} logs", v.len());
    v
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let logs = logs();
    for (log, service) in &logs {
        let mut args = strings(&["scan", "--color", "never", "--format", "human", log]);
        for s in service {
            args.extend(["-s".to_string(), s.clone()]);
        }
        let stem = log.trim_end_matches(".log");
        cases.push(Case { golden: format!("scan/{stem}.txt"), args, files: REPORT_FILES.to_vec() });
    }
    let all: Vec<String> = logs.iter().map(|(l, _)| l.clone()).collect();
    for format in ["human", "json", "jsonl", "github", "gitlab"] {
        let mut args = strings(&["scan", "--color", "never", "--format", format]);
        args.extend(all.iter().cloned());
        cases.push(Case { golden: format!("bulk/{format}.txt"), args, files: Vec::new() });
    }
    let mut args = strings(&["scan", "--color", "never", "--summary"]);
    args.extend(all.iter().cloned());
    let mut files = REPORT_FILES.to_vec();
    files.push(("report.html", "--html"));
    cases.push(Case { golden: "bulk/reports.txt".into(), args, files });
    // Findings pointed at configuration lines: a TLS-port log and a
    // dind-less log against a configuration with those mistakes.
    let args = strings(&[
        "scan",
        "--color",
        "never",
        "--format",
        "json",
        "--ci-config",
        "lint/tls-2375-default-certdir.gitlab-ci.yml",
        "daemon-tls-port-buildkit-grpc.log",
        "dind-service-missing.log",
        "rate-limit-buildkit.log",
    ]);
    cases.push(Case { golden: "bulk/ci-config.txt".into(), args, files: REPORT_FILES.to_vec() });
    // `lint --codequality FILE` is the same writer as `scan --codequality FILE`.
    cases.push(Case {
        golden: "lint/tls-2375-default-certdir.file.txt".into(),
        args: strings(&["lint", "--color", "never", "lint/tls-2375-default-certdir.gitlab-ci.yml"]),
        files: vec![("codequality.json", "--codequality")],
    });
    let mut configs: Vec<PathBuf> = std::fs::read_dir(corpus().join("lint"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".gitlab-ci.yml"))
        .collect();
    configs.sort();
    for config in configs {
        let name = config.file_name().unwrap().to_string_lossy().into_owned();
        let case = name.trim_end_matches(".gitlab-ci.yml").to_string();
        let runner = format!("lint/{case}.config.toml");
        for format in ["human", "json", "codequality"] {
            let mut args =
                strings(&["lint", "--color", "never", "--format", format, &format!("lint/{name}")]);
            if corpus().join(&runner).exists() {
                args.extend(["--runner-config".to_string(), runner.clone()]);
            }
            cases.push(Case {
                golden: format!("lint/{case}.{format}.txt"),
                args,
                files: Vec::new(),
            });
        }
    }
    cases
}

/// `section_start:1717171717:` -> `section_start:0:`.
fn fixed_times(s: &str) -> String {
    let re = regex::Regex::new(r"(section_(?:start|end)):[0-9]+:").unwrap();
    re.replace_all(s, "$1:0:").into_owned()
}

fn section(out: &mut String, name: &str, bytes: &[u8]) {
    let text = fixed_times(&String::from_utf8_lossy(bytes));
    out.push_str(&format!("==> {name} ({} bytes) <==\n", bytes.len()));
    out.push_str(&text);
    if !text.ends_with('\n') && !text.is_empty() {
        out.push('\n');
    }
}

/// Runs one case and renders its golden text.
fn render(case: &Case, scratch: &Path) -> String {
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_dindlog"));
    c.env_clear().env("CI_JOB_URL", JOB_URL).current_dir(corpus()).args(&case.args);
    for (name, flag) in &case.files {
        c.arg(flag).arg(scratch.join(name));
    }
    let out = c.output().unwrap();
    let mut text = format!(
        "dindlog {}\nexit {}\n",
        case.args.join(" "),
        out.status.code().map_or("signal".to_string(), |c| c.to_string())
    );
    section(&mut text, "stdout", &out.stdout);
    if !out.stderr.is_empty() {
        section(&mut text, "stderr", &out.stderr);
    }
    for (name, _) in &case.files {
        let bytes = std::fs::read(scratch.join(name))
            .unwrap_or_else(|e| format!("(not written: {e})").into_bytes());
        section(&mut text, name, &bytes);
    }
    text
}

/// Where the first difference is, as `line N: want ... got ...`.
fn first_difference(want: &str, got: &str) -> String {
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("line {}:\n      want {w:?}\n      got  {g:?}", i + 1);
        }
    }
    format!("lengths differ: want {} lines, got {}", want.lines().count(), got.lines().count())
}

fn golden_files(base: &Path) -> Vec<String> {
    let mut v = Vec::new();
    for sub in std::fs::read_dir(base).into_iter().flatten() {
        let sub = sub.unwrap().path();
        for f in std::fs::read_dir(&sub).into_iter().flatten() {
            let f = f.unwrap().path();
            v.push(format!(
                "{}/{}",
                sub.file_name().unwrap().to_string_lossy(),
                f.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    v.sort();
    v
}

#[test]
fn outputs_match_the_golden_files() {
    let base = root().join("tests/golden");
    let bless = std::env::var_os("DINDLOG_BLESS").is_some_and(|v| v == "1");
    let cases = cases();
    let scratch = dir("golden");
    // Two workers: the runs are independent and the binary is single-input fast.
    let rendered: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for w in 0..2 {
            let (cases, rendered, next, scratch) = (&cases, &rendered, &next, &scratch);
            s.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                let text = render(case, &scratch.join(format!("w{w}")));
                rendered.lock().unwrap().insert(case.golden.clone(), text);
            });
        }
    });
    let rendered = rendered.into_inner().unwrap();
    assert_eq!(rendered.len(), cases.len(), "two cases share a golden file");
    if bless {
        let _ = std::fs::remove_dir_all(&base);
        for (name, text) in &rendered {
            let path = base.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, got) in &rendered {
        match std::fs::read_to_string(base.join(name)) {
            Ok(want) if want == *got => {}
            Ok(want) => problems.push(format!("{name}: {}", first_difference(&want, got))),
            Err(e) => problems.push(format!("{name}: missing ({e})")),
        }
    }
    for name in golden_files(&base) {
        if !rendered.contains_key(&name) {
            problems.push(format!("{name}: no case writes it any more"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} golden outputs differ (DINDLOG_BLESS=1 rewrites them; see tests/golden.rs):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// `lint --codequality FILE` and `scan --ci-config ... --codequality FILE`
/// write one format: the same keys, the same severity for the same class at
/// the same configuration line.
#[test]
fn lint_and_scan_write_the_same_code_quality() {
    let d = dir("golden_cq");
    let config = "lint/tls-2375-default-certdir.gitlab-ci.yml";
    let run = |args: &[&str], file: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_dindlog"))
            .env_clear()
            .current_dir(corpus())
            .args(args)
            .arg("--codequality")
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .find(|e| e["check_name"] == "dindlog/daemon-tls-port")
            .cloned()
            .unwrap_or_else(|| panic!("no daemon-tls-port entry in {v}"))
    };
    let from_lint = run(&["lint", config], &d.join("lint.json"));
    let scan_args = ["scan", "daemon-tls-port-buildkit-grpc.log", "--ci-config", config];
    let from_scan = run(&scan_args, &d.join("scan.json"));
    for e in [&from_lint, &from_scan] {
        let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["check_name", "description", "fingerprint", "location", "severity"]);
    }
    assert_eq!(from_lint["severity"], "critical");
    assert_eq!(from_scan["severity"], from_lint["severity"]);
    assert_eq!(from_scan["location"], from_lint["location"]);
}

/// A bulk scan of every corpus log, written and wild, writes a dotenv file
/// GitLab accepts: under 5 KB, at most 20 variables, each once, no spaces or
/// quotes, no `none` sentinel, `DINDLOG_LINE` present, classes named once.
#[test]
fn a_bulk_dotenv_fits_gitlabs_limits() {
    let d = dir("golden_dotenv");
    let env = d.join("dindlog.env");
    let mut c = Command::new(env!("CARGO_BIN_EXE_dindlog"));
    c.env_clear().current_dir(root()).args(["scan", "--summary", "--dotenv"]).arg(&env);
    let mut n = 0;
    for sub in ["corpus", "corpus/wild"] {
        let mut logs: Vec<PathBuf> = std::fs::read_dir(root().join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "log"))
            .collect();
        logs.sort();
        n += logs.len();
        c.args(logs);
    }
    assert!(n > 140, "only {n} logs");
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&env).unwrap();
    assert!(text.len() < 5 * 1000, "{} bytes:\n{text}", text.len());
    let vars: Vec<(&str, &str)> = text.lines().map(|l| l.split_once('=').unwrap()).collect();
    assert!(vars.len() <= 20, "{} variables", vars.len());
    let mut keys: Vec<&str> = vars.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), vars.len(), "a key written twice:\n{text}");
    for (k, v) in &vars {
        assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{k}");
        assert!(!v.contains([' ', '"', '\'', '#']) && *v != "none", "{k}={v}");
    }
    let get = |key: &str| vars.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    assert_eq!(get("DINDLOG_REPORTS"), Some(n.to_string().as_str()));
    assert_eq!(get("DINDLOG_LINE"), Some(""));
    let classes: Vec<&str> = get("DINDLOG_CLASSES").unwrap().split(',').collect();
    let mut unique = classes.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), classes.len(), "a class named twice: {classes:?}");
    assert!(classes.len() > 20, "{classes:?}");
    let counts = get("DINDLOG_CLASS_COUNTS").unwrap();
    assert!(counts.starts_with(&format!("{}:", classes[0])), "{counts}");
}

/// Code Quality paths are relative to `CI_PROJECT_DIR` (or, unset, to the
/// repository root above `--ci-config`), even for an absolute `--ci-config`
/// as the shipped template passes it; a finding with no configuration line
/// points at the job log it came from, at its log line.
#[test]
fn code_quality_paths_are_relative_to_the_project() {
    let d = dir("golden_cq_paths");
    let project = d.join("builds/group/project");
    std::fs::create_dir_all(project.join("logs")).unwrap();
    let config = project.join(".gitlab-ci.yml");
    std::fs::copy(corpus().join("lint/tls-2375-default-certdir.gitlab-ci.yml"), &config).unwrap();
    for log in ["daemon-tls-port-buildkit-grpc.log", "rate-limit-buildkit.log"] {
        std::fs::copy(corpus().join(log), project.join("logs").join(log)).unwrap();
    }
    let cq = d.join("cq.json");
    let run = |project_dir: Option<&Path>, cwd: &Path, args: &[&std::ffi::OsStr]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_dindlog"));
        c.env_clear().current_dir(cwd).args(args).arg("--codequality").arg(&cq);
        if let Some(p) = project_dir {
            c.env("CI_PROJECT_DIR", p);
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&cq).unwrap()).unwrap();
        v.as_array().unwrap().clone()
    };
    let entry = |entries: &[serde_json::Value], id: &str| -> (String, u64) {
        let e = entries
            .iter()
            .find(|e| e["check_name"] == format!("dindlog/{id}"))
            .unwrap_or_else(|| panic!("no {id} in {entries:?}"));
        (
            e["location"]["path"].as_str().unwrap().to_string(),
            e["location"]["lines"]["begin"].as_u64().unwrap(),
        )
    };
    let tls_log = project.join("logs/daemon-tls-port-buildkit-grpc.log");
    let rate_log = project.join("logs/rate-limit-buildkit.log");
    let scan = [
        std::ffi::OsStr::new("scan"),
        tls_log.as_os_str(),
        rate_log.as_os_str(),
        "--ci-config".as_ref(),
        config.as_os_str(),
    ];
    // The rate limit's first line in its log, from the JSON report.
    let json = Command::new(env!("CARGO_BIN_EXE_dindlog"))
        .env_clear()
        .args([rate_log.as_os_str(), "--format".as_ref(), "json".as_ref()])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let rate_line = v["files"][0]["findings"][0]["first_line"].as_u64().unwrap();
    assert!(rate_line > 1);

    // In a job: CI_PROJECT_DIR, absolute paths, any working directory.
    let entries = run(Some(&project), &d, &scan);
    assert_eq!(entry(&entries, "daemon-tls-port"), (".gitlab-ci.yml".to_string(), 16));
    assert_eq!(
        entry(&entries, "rate-limit"),
        ("logs/rate-limit-buildkit.log".to_string(), rate_line)
    );
    for e in &entries {
        let path = e["location"]["path"].as_str().unwrap();
        assert!(!path.starts_with('/'), "absolute path in {e}");
    }

    // Outside a job: the repository root above the configuration.
    std::fs::create_dir_all(project.join(".git")).unwrap();
    let entries = run(None, &d, &scan);
    assert_eq!(entry(&entries, "daemon-tls-port"), (".gitlab-ci.yml".to_string(), 16));
    assert_eq!(
        entry(&entries, "rate-limit"),
        ("logs/rate-limit-buildkit.log".to_string(), rate_line)
    );

    // lint, given the configuration by an absolute path, writes the same path.
    let lint = [std::ffi::OsStr::new("lint"), config.as_os_str()];
    let entries = run(Some(&project), &d, &lint);
    assert_eq!(entry(&entries, "daemon-tls-port"), (".gitlab-ci.yml".to_string(), 16));
}

/// `--html FILE` on a bulk scan and on `merge`: the page renders in headless
/// Chromium (no network: every fetch would fail), its text names the classes
/// with their counts and the jobs, and a screenshot is taken.
#[test]
fn the_html_page_renders_in_chromium() {
    let d = dir("golden_html");
    let page = d.join("report.html");
    let json = d.join("report.json");
    let logs: Vec<String> = logs().into_iter().map(|(l, _)| l).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_dindlog"))
        .env_clear()
        .current_dir(corpus())
        .args(["scan", "--format", "json", "--html"])
        .arg(&page)
        .args(&logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&json, &out.stdout).unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    // The jobs table and the summary count unexplained failures alike.
    let unexplained = summary["summary"]["failed_unclassified"].as_u64().unwrap();
    assert!(unexplained > 0);
    assert_eq!(html.matches(">unexplained<").count() as u64, unexplained);

    // merge writes the same page from the JSON report.
    let merged = d.join("merged.html");
    let out = Command::new(env!("CARGO_BIN_EXE_dindlog"))
        .env_clear()
        .args([
            std::ffi::OsStr::new("merge"),
            json.as_os_str(),
            "--html".as_ref(),
            merged.as_os_str(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&merged).unwrap(),
        html,
        "merge --html differs from scan --html"
    );

    let Some(chromium) = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        crate::util::skip("golden::the_html_page_renders_in_chromium", "chromium is not installed");
        return;
    };
    let browse = |extra: &[&std::ffi::OsStr]| {
        let profile = d.join(format!("profile-{}", extra.len()));
        std::fs::create_dir_all(&profile).unwrap();
        let mut profile_arg = std::ffi::OsString::from("--user-data-dir=");
        profile_arg.push(&profile);
        let mut url = std::ffi::OsString::from("file://");
        url.push(&page);
        let out = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1000,3000",
            ])
            .arg(profile_arg)
            .args(extra)
            .arg(url)
            .output()
            .unwrap();
        assert!(out.status.success(), "chromium: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let dom = browse(&["--dump-dom".as_ref()]);
    let files = summary["summary"]["files"].as_u64().unwrap();
    assert!(dom.contains(&format!("dindlog: {files} jobs")), "{dom}");
    let classes = summary["summary"]["classes"].as_object().unwrap();
    assert!(classes.len() > 20);
    for (id, c) in classes {
        // The class table's row, as the browser parsed it: id, then counts.
        let row = format!(
            "<tr id=\"class-{id}\"><td><code>{id}</code></td><td>{}</td><td>{}</td><td>{}</td>",
            c["files"], c["cause"], c["candidate"]
        );
        assert!(dom.contains(&row), "no {row} in the rendered page");
    }
    assert!(dom.contains("<a href=\"#class-dind-not-privileged\""), "no link to a root cause");
    assert!(dom.contains("dind-not-privileged-healthcheck.log"), "a job is missing");
    let shot = d.join("report.png");
    let mut arg = std::ffi::OsString::from("--screenshot=");
    arg.push(&shot);
    browse(&[arg.as_os_str()]);
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} bytes", png.len());
}
