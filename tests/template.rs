//! The shipped job template (`templates/dindlog.gitlab-ci.yml`) run end to end by gitlab-ci-local (shell executor): the reports a failed job writes, the exit code `retry` sees, the fleet jobs against a single-machine scan (and the merge job's HTML page), and GitLab's CI schema. Fixtures: tests/template/.
//!
//! One pipeline (tests/template/pipeline.gitlab-ci.yml) holds every job, so
//! gitlab-ci-local starts once. It runs in a fresh temporary project (a git
//! repository with the template copied in, as a user would include it) with
//! the dindlog under test first on PATH. Needs gitlab-ci-local (npm, pinned in
//! .ci/run), rsync (it copies the project for each job), git, node, xmllint
//! and python3 with jsonschema and PyYAML; a missing one skips with util's
//! mechanism, which fails under CI=true.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

use crate::util::{root, skip};

const TEST: &str = "template through gitlab-ci-local";

/// A program on PATH, or `None`.
fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(program)).find(|p| p.is_file())
}

/// The gitlab-ci-local package directory behind the program on PATH (the
/// program is a link into `node_modules/gitlab-ci-local/`).
fn package_dir(program: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(program).ok()?;
    real.ancestors()
        .find(|d| {
            std::fs::read_to_string(d.join("package.json"))
                .is_ok_and(|p| p.contains("\"name\": \"gitlab-ci-local\""))
        })
        .map(Path::to_path_buf)
}

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs a command with a deadline (gitlab-ci-local must not hang the suite).
fn run_for(cmd: &mut Command, limit: Duration) -> Out {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    // Pipes are drained on threads so a chatty child never blocks on a full pipe.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t1 = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut so, &mut s);
        s
    });
    let t2 = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut se, &mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish in {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Out { code: status.code(), stdout: t1.join().unwrap(), stderr: t2.join().unwrap() }
}

fn sh(dir: &Path, program: &str, args: &[&str]) -> Out {
    let out = run_for(Command::new(program).args(args).current_dir(dir), Duration::from_secs(60));
    assert_eq!(out.code, Some(0), "{program} {args:?}: {}{}", out.stdout, out.stderr);
    out
}

/// What the test needs, found, or the reason to skip.
struct Tools {
    gitlab_ci_local: PathBuf,
    schema_js: PathBuf,
}

fn tools() -> Result<Tools, String> {
    let gcl = which("gitlab-ci-local")
        .ok_or("gitlab-ci-local is not installed (npm install -g gitlab-ci-local@4.64.1)")?;
    let version = run_for(Command::new(&gcl).arg("--version"), Duration::from_secs(60));
    if version.code != Some(0) {
        return Err(format!(
            "gitlab-ci-local does not run here (it needs a newer node?): {}",
            version.stderr.lines().last().unwrap_or("")
        ));
    }
    let schema_js = package_dir(&gcl)
        .map(|d| d.join("src/schema/schema.js"))
        .filter(|p| p.is_file())
        .ok_or("this gitlab-ci-local does not ship src/schema/schema.js (install 4.64.1)")?;
    for (program, install) in [
        ("rsync", "apt-get install rsync"),
        ("git", "apt-get install git"),
        ("node", "apt-get install nodejs"),
        ("xmllint", "apt-get install libxml2-utils"),
        ("python3", "apt-get install python3"),
    ] {
        which(program).ok_or(format!("{program} is not installed ({install})"))?;
    }
    let py = run_for(
        Command::new("python3").args(["-c", "import jsonschema, yaml"]),
        Duration::from_secs(60),
    );
    if py.code != Some(0) {
        return Err("python3 lacks jsonschema or PyYAML (pip install jsonschema PyYAML)".into());
    }
    Ok(Tools { gitlab_ci_local: gcl, schema_js })
}

/// The artifact archive the fleet scans: corpus job logs of very different
/// sizes, and members that are not logs (skipped by every shard alike).
fn fleet_archive(path: &Path) {
    use std::io::Write;
    let mut logs: Vec<PathBuf> = std::fs::read_dir(root().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    logs.sort();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (i, p) in logs.iter().take(30).enumerate() {
        let text = std::fs::read(p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy();
        zip.start_file(format!("jobs/{i:02}/{name}"), opts).unwrap();
        zip.write_all(&text.repeat(if i == 7 { 25 } else { 1 })).unwrap();
    }
    zip.start_file("jobs/07/screenshot.png", opts).unwrap();
    zip.write_all(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    zip.start_file("jobs/07/metrics.json", opts).unwrap();
    zip.write_all(b"{\"duration\": 12}").unwrap();
    zip.finish().unwrap();
}

/// A fresh project in the system's temporary directory.
fn project() -> PathBuf {
    let d = std::env::temp_dir().join(format!("dindlog-template-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::create_dir_all(d.join("bin")).unwrap();
    let fixtures = root().join("tests/template");
    std::fs::copy(
        root().join("templates/dindlog.gitlab-ci.yml"),
        d.join("templates/dindlog.gitlab-ci.yml"),
    )
    .unwrap();
    std::fs::copy(fixtures.join("pipeline.gitlab-ci.yml"), d.join(".gitlab-ci.yml")).unwrap();
    std::fs::copy(fixtures.join("docker-fails.sh"), d.join("docker-fails.sh")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_dindlog"), d.join("bin/dindlog")).unwrap();
    fleet_archive(&d.join("logs.zip"));
    std::fs::write(d.join(".gitignore"), "bin/\n.home/\n").unwrap();
    // gitlab-ci-local reads the project's git data (commit, remote).
    sh(&d, "git", &["init", "-q", "-b", "main"]);
    sh(&d, "git", &["add", "-A"]);
    sh(&d, "git", &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "t"]);
    sh(&d, "git", &["remote", "add", "origin", "https://gitlab.example.com/group/project.git"]);
    d
}

fn yaml_at<'a>(doc: &'a Yaml, keys: &[&str]) -> &'a Yaml {
    keys.iter().fold(doc, |y, k| &y[*k])
}

fn exit_codes(expanded: &Yaml, job: &str) -> Vec<i64> {
    match yaml_at(expanded, &[job, "retry", "exit_codes"]) {
        Yaml::Array(a) => a.iter().filter_map(Yaml::as_i64).collect(),
        Yaml::Integer(i) => vec![*i],
        other => panic!("{job}: retry.exit_codes is {other:?}"),
    }
}

/// The status gitlab-ci-local reports for a job: `FAIL 75` gives 75, a pass 0.
fn job_status(stdout: &str, job: &str) -> Option<i64> {
    stdout.lines().filter(|l| l.starts_with(job) && l.contains(" finished in ")).find_map(|l| {
        let tail = l.trim_end();
        match tail.rsplit_once("FAIL ") {
            Some((_, code)) => code.trim().parse().ok(),
            None => Some(0),
        }
    })
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The four report files of one failed job: present, valid, naming `class`.
fn check_reports(project: &Path, job: &str, class: &str, transient: bool) {
    let dir = project.join(".gitlab-ci-local/artifacts").join(job).join("dindlog");
    let junit = dir.join("junit.xml");
    let x = run_for(
        Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(root().join("tests/junit.xsd"))
            .arg(&junit),
        Duration::from_secs(60),
    );
    assert_eq!(x.code, Some(0), "{job}: junit.xml: {}", x.stderr);
    let xml = read(&junit);
    assert!(xml.contains(&format!("classname=\"dindlog.{class}\"")), "{job}: {xml}");
    assert!(xml.contains("<failure "), "{job}: the cause fails the test case: {xml}");

    let cq = json(&dir.join("codequality.json"));
    let checks: Vec<&str> =
        cq.as_array().unwrap().iter().filter_map(|e| e["check_name"].as_str()).collect();
    assert_eq!(checks.first(), Some(&format!("dindlog/{class}").as_str()), "{job}: {cq}");
    for e in cq.as_array().unwrap() {
        for key in ["description", "fingerprint", "severity"] {
            assert!(e[key].is_string(), "{job}: codequality entry without {key}: {e}");
        }
        assert!(e["location"]["path"].is_string(), "{job}: {e}");
    }

    let ann = json(&dir.join("annotations.json"));
    let links = ann["dindlog"].as_array().unwrap_or_else(|| panic!("{job}: {ann}"));
    assert!(
        links
            .iter()
            .any(|l| l["external_link"]["label"].as_str().is_some_and(|s| s.contains(class))),
        "{job}: {ann}"
    );
    for l in links {
        let url = l["external_link"]["url"].as_str().unwrap_or("");
        assert!(url.starts_with("https://"), "{job}: {l}");
    }

    let env = read(&dir.join("dindlog.env"));
    let var =
        |k: &str| env.lines().find_map(|l| l.strip_prefix(&format!("{k}="))).map(str::to_string);
    assert_eq!(var("DINDLOG_ROOT_CAUSE").as_deref(), Some(class), "{job}: {env}");
    assert_eq!(var("DINDLOG_TRANSIENT").as_deref() == Some("true"), transient, "{job}: {env}");
    assert!(var("DINDLOG_LINE").is_some(), "{job}: {env}");
    for l in env.lines() {
        assert!(l.split_once('=').is_some_and(|(k, _)| !k.is_empty()), "{job}: {l:?}");
    }
}

/// Validates YAML files against the schema; returns (passed, output).
fn validate(schema: &Path, files: &[&Path]) -> (bool, String) {
    let out = run_for(
        Command::new("python3")
            .arg(root().join("tests/template/validate_ci_schema.py"))
            .arg(schema)
            .args(files),
        Duration::from_secs(120),
    );
    (out.code == Some(0), format!("{}{}", out.stdout, out.stderr))
}

/// Unix only: the jobs run in gitlab-ci-local's shell executor (bash).
#[cfg(unix)]
#[test]
fn template_runs_in_gitlab_ci_local_and_fleet_merge_equals_one_scan() {
    let tools = match tools() {
        Ok(t) => t,
        Err(why) => return skip(TEST, &why),
    };
    let d = project();

    let path = format!("{}:{}", d.join("bin").display(), std::env::var("PATH").unwrap_or_default());
    let home = d.join(".home");
    let gcl = |args: &[&str]| {
        let out = run_for(
            Command::new(&tools.gitlab_ci_local)
                .args(args)
                .arg("--home")
                .arg(&home)
                .current_dir(&d)
                .env_clear()
                .env("PATH", &path)
                .env("HOME", &home),
            Duration::from_secs(300),
        );
        (out.code, format!("{}\n{}", out.stdout, out.stderr))
    };

    // The failing jobs, one at a time in the project directory (shell
    // executor without isolation: gitlab-ci-local's isolation copies the
    // project again before after_script, which would drop what `dindlog run`
    // kept), clearing what the previous one left as a fresh checkout would.
    let mut log = String::new();
    for job in ["rate-limited", "wrong-port"] {
        for left in ["dindlog", ".dindlog"] {
            let _ = std::fs::remove_dir_all(d.join(left));
        }
        let (code, out) = gcl(&[job]);
        // A failed job fails the pipeline, as in GitLab.
        assert_eq!(code, Some(1), "{out}");
        log.push_str(&out);
    }
    // `retry` sees the transient exit code: the job exits 75, and the job as
    // gitlab-ci-local expanded it (extends resolved) retries on 75 only.
    assert_eq!(job_status(&log, "rate-limited"), Some(75), "{log}");
    assert_eq!(job_status(&log, "wrong-port"), Some(1), "{log}");
    let expanded_path = d.join(".gitlab-ci-local/expanded-gitlab-ci.yml");
    let expanded = YamlLoader::load_from_str(&read(&expanded_path)).unwrap().remove(0);
    assert_eq!(exit_codes(&expanded, "rate-limited"), [75]);
    assert!(yaml_at(&expanded, &["rate-limited", "retry", "max"]).as_i64() >= Some(1));
    assert!(
        !exit_codes(&expanded, "wrong-port").contains(&1),
        "a configuration error is not retried"
    );

    check_reports(&d, "rate-limited", "rate-limit", true);
    check_reports(&d, "wrong-port", "daemon-tls-port", false);

    // The fleet, isolated (each job in its own copy of the project): the
    // shard reports reach the merge only through `needs:` and artifacts.
    let (code, log) = gcl(&["--shell-isolation", "--needs", "dindlog-fleet-summary"]);
    assert_eq!(code, Some(0), "{log}");
    // Every shard job ran and kept only its own report...
    let artifacts = d.join(".gitlab-ci-local/artifacts");
    let mut shards: Vec<Value> = Vec::new();
    for e in std::fs::read_dir(&artifacts).unwrap() {
        let e = e.unwrap();
        if e.file_name().to_string_lossy().starts_with("dindlog-fleet-scan") {
            let files: Vec<_> =
                std::fs::read_dir(e.path().join("dindlog-fleet")).unwrap().collect();
            assert_eq!(files.len(), 1, "{}: one shard report per job", e.path().display());
            shards.push(json(&files[0].as_ref().unwrap().path()));
        }
    }
    assert_eq!(shards.len(), 3, "parallel: 3 gives three shard jobs\n{log}");
    // ...and the merged summary is the summary of one scan on one machine.
    let merged = json(&artifacts.join("dindlog-fleet-summary/dindlog-fleet/summary.json"));
    let single = run_for(
        Command::new(env!("CARGO_BIN_EXE_dindlog"))
            .args(["scan", "logs.zip", "--format", "json", "--fail-on", "never"])
            .current_dir(&d),
        Duration::from_secs(120),
    );
    assert_eq!(single.code, Some(0), "{}", single.stderr);
    let single: Value = serde_json::from_str(&single.stdout).unwrap();
    assert_eq!(merged["summary"], single["summary"], "merged fleet summary vs one scan");
    assert_eq!(single["summary"]["files"], 30, "the png and the json are not logs");
    let sorted = |v: &Value| {
        let mut f = v["files"].as_array().unwrap().clone();
        f.sort_by_key(|x| x["path"].as_str().unwrap().to_string());
        f
    };
    assert_eq!(sorted(&merged), sorted(&single));
    for s in &shards {
        let n = s["files"].as_array().unwrap().len();
        assert!(n > 0 && n < 30, "each machine scans a share of the members: {n}");
    }
    // The merge job also wrote the fleet's HTML page into its artifacts: one
    // self-contained page that names every class the one scan found.
    let page = read(&artifacts.join("dindlog-fleet-summary/dindlog-fleet/summary.html"));
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..page.len().min(200)]);
    let classes = single["summary"]["classes"].as_object().unwrap();
    assert!(classes.len() >= 3, "the archive holds several classes: {classes:?}");
    for id in classes.keys() {
        assert!(page.contains(&format!("<tr id=\"class-{id}\">")), "{id} not in the page");
    }
    let jobs = format!("dindlog: {} jobs", single["summary"]["files"]);
    assert!(page.contains(&jobs), "{jobs:?} not in the page");
    assert!(!page.contains("src=\"http") && !page.contains("<script"), "self-contained");

    // GitLab's CI schema, as gitlab-ci-local ships it: the template (its
    // hidden jobs checked as jobs), the pipeline including it, and the
    // pipeline as gitlab-ci-local expanded it.
    let schema = d.join("gitlab-ci-schema.json");
    let dump = run_for(
        Command::new("node").args([
            "--input-type=module",
            "-e",
            &format!(
                "import {{schema}} from {:?}; process.stdout.write(JSON.stringify(schema));",
                tools.schema_js.display().to_string()
            ),
        ]),
        Duration::from_secs(60),
    );
    assert_eq!(dump.code, Some(0), "{}", dump.stderr);
    std::fs::write(&schema, &dump.stdout).unwrap();
    let template = root().join("templates/dindlog.gitlab-ci.yml");
    let (ok, out) = validate(&schema, &[&template, &d.join(".gitlab-ci.yml"), &expanded_path]);
    assert!(ok, "{out}");
    // The check can fail: a retry GitLab refuses (max is 0 to 2) is caught.
    let bad = d.join("bad-template.yml");
    let text = read(&template);
    assert!(text.contains("    max: 2\n"));
    std::fs::write(&bad, text.replace("    max: 2\n", "    max: 9\n")).unwrap();
    let (ok, out) = validate(&schema, &[&bad]);
    assert!(!ok && out.contains("retry"), "{out}");

    let _ = std::fs::remove_dir_all(&d);
}
