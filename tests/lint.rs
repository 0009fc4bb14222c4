//! The lint corpus and the public API: each `corpus/lint/<case>.gitlab-ci.yml` (with an optional `<case>.config.toml`) against `<case>.expect.toml`.
//!
//! An expect file lists every finding the case must produce, no more and no
//! less, so a case is a negative fixture for every check it names in
//! `checks` and has no finding of:
//!
//! ```toml
//! checks = ["daemon-tls-port"]      # the checks this case is about
//! notes = ["include:remote"]        # substrings the notes must contain
//! error = "circular include"        # the case must fail with this text
//! [[finding]]
//! id = "daemon-tls-port"
//! job = "build"                     # omitted for runner-wide findings
//! line = 12
//! file = "runner"                   # or an included file; default: the CI file
//! ```

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use dindlog::lint::{
    self, codequality, lint, lint_str, locate, LintError, LintOptions, LintReport, CLASSES,
};
use serde::Deserialize;

const CORPUS: &str = "corpus/lint";

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default)]
    checks: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
    error: Option<String>,
    #[serde(default)]
    finding: Vec<Expected>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    id: String,
    job: Option<String>,
    line: u32,
    file: Option<String>,
}

struct Case {
    name: String,
    ci: PathBuf,
    runner: Option<PathBuf>,
    expect: Expect,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let entries = fs::read_dir(CORPUS).unwrap_or_else(|e| panic!("{CORPUS}: {e}"));
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(name) = file.strip_suffix(".gitlab-ci.yml") else { continue };
        let base = Path::new(CORPUS);
        let runner = base.join(format!("{name}.config.toml"));
        let expect_path = base.join(format!("{name}.expect.toml"));
        let text = fs::read_to_string(&expect_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let expect: Expect =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        out.push(Case {
            name: name.to_string(),
            ci: base.join(&file),
            runner: runner.exists().then_some(runner),
            expect,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    // An empty or moved corpus must not pass silently.
    assert!(out.len() >= 25, "only {} cases found in {CORPUS}", out.len());
    out
}

fn run(case: &Case) -> Result<LintReport, LintError> {
    lint(&LintOptions { ci_config: case.ci.clone(), runner_config: case.runner.clone() })
}

type Key = (String, Option<String>, String, u32);

fn expected_keys(case: &Case) -> BTreeSet<Key> {
    let ci = case.ci.to_string_lossy().into_owned();
    case.expect
        .finding
        .iter()
        .map(|f| {
            let file = match f.file.as_deref() {
                None => ci.clone(),
                Some("runner") => case
                    .runner
                    .as_ref()
                    .map(|r| r.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                Some(other) => format!("{CORPUS}/{other}"),
            };
            (f.id.clone(), f.job.clone(), file, f.line)
        })
        .collect()
}

fn actual_keys(report: &LintReport) -> BTreeSet<Key> {
    report
        .findings
        .iter()
        .map(|f| (f.id.clone(), f.job.clone(), f.location.file.clone(), f.location.line))
        .collect()
}

/// The findings as expect-file entries, to paste after checking them.
fn as_expect(case: &Case, report: &LintReport) -> String {
    let ci = case.ci.to_string_lossy();
    let runner = case.runner.as_ref().map(|r| r.to_string_lossy().into_owned());
    let mut s = String::new();
    for f in &report.findings {
        s += &format!("[[finding]]\nid = {:?}\n", f.id);
        if let Some(j) = &f.job {
            s += &format!("job = {j:?}\n");
        }
        s += &format!("line = {}\n", f.location.line);
        if f.location.file != ci {
            let file = if Some(&f.location.file) == runner.as_ref() {
                "runner".to_string()
            } else {
                f.location.file.trim_start_matches(&format!("{CORPUS}/")).to_string()
            };
            s += &format!("file = {file:?}\n");
        }
        s += &format!("# {}\n\n", f.message);
    }
    s
}

#[test]
fn corpus_cases_match_expectations() {
    let mut failures = Vec::new();
    for case in cases() {
        match (run(&case), &case.expect.error) {
            (Err(e), Some(want)) => {
                if !e.to_string().contains(want.as_str()) {
                    failures.push(format!("{}: error {e:?} does not contain {want:?}", case.name));
                }
            }
            (Err(e), None) => failures.push(format!("{}: unexpected error: {e}", case.name)),
            (Ok(_), Some(want)) => {
                failures.push(format!("{}: expected an error containing {want:?}", case.name))
            }
            (Ok(report), None) => {
                let want = expected_keys(&case);
                let got = actual_keys(&report);
                if want != got {
                    failures.push(format!(
                        "{}:\n  missing: {:?}\n  unexpected: {:?}\n~~~ actual\n{}~~~",
                        case.name,
                        want.difference(&got).collect::<Vec<_>>(),
                        got.difference(&want).collect::<Vec<_>>(),
                        as_expect(&case, &report)
                    ));
                }
                for n in &case.expect.notes {
                    if !report.notes.iter().any(|x| x.contains(n.as_str())) {
                        failures.push(format!(
                            "{}: no note contains {n:?}: {:?}",
                            case.name, report.notes
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn every_check_has_a_positive_and_a_negative_fixture() {
    let cases = cases();
    let mut missing = Vec::new();
    for case in &cases {
        for id in &case.expect.checks {
            assert!(lint::class(id).is_some(), "{}: unknown check {id:?}", case.name);
        }
    }
    for &id in CLASSES {
        let about: Vec<&Case> = cases
            .iter()
            .filter(|c| c.expect.error.is_none() && c.expect.checks.iter().any(|x| x == id))
            .collect();
        let positive = about.iter().filter(|c| c.expect.finding.iter().any(|f| f.id == id)).count();
        let negative = about.len() - positive;
        if positive == 0 || negative == 0 {
            missing.push(format!("{}: {positive} positive, {negative} negative", id));
        }
    }
    assert!(missing.is_empty(), "checks without both fixtures:\n{}", missing.join("\n"));
}

#[test]
fn every_finding_is_complete_and_points_at_a_real_place() {
    for case in cases() {
        let Ok(report) = run(&case) else { continue };
        for f in &report.findings {
            let class =
                lint::class(&f.id).unwrap_or_else(|| panic!("{}: unknown id {}", case.name, f.id));
            assert_eq!(f.severity, class.severity, "{}: {}", case.name, f.id);
            assert_eq!(f.docs, class.docs);
            assert!(
                !f.message.is_empty() && !f.message.contains('\n'),
                "{}: message {:?}",
                case.name,
                f.message
            );
            assert!(!f.fix.trim().is_empty(), "{}: {} has no fix", case.name, f.id);
            let text = fs::read_to_string(&f.location.file)
                .unwrap_or_else(|e| panic!("{}: {e}", f.location));
            let line = text
                .lines()
                .nth(f.location.line as usize - 1)
                .unwrap_or_else(|| panic!("{}: no such line", f.location));
            let col = f.location.column as usize;
            assert!(
                col >= 1 && col <= line.chars().count(),
                "{}: column beyond {line:?}",
                f.location
            );
            // The column is the start of the key or value, never blank space.
            let at = line.chars().nth(col - 1).unwrap_or(' ');
            assert!(!at.is_whitespace(), "{}: column points at blank in {line:?}", f.location);
        }
    }
}

#[test]
fn lint_str_agrees_with_lint_without_includes() {
    for case in cases() {
        if case.expect.error.is_some() || !case.expect.notes.is_empty() {
            continue;
        }
        let Ok(from_files) = run(&case) else { continue };
        let ci = fs::read_to_string(&case.ci).unwrap_or_default();
        let runner = case
            .runner
            .as_ref()
            .map(|r| (fs::read_to_string(r).unwrap_or_default(), r.to_string_lossy().into_owned()));
        let from_str = lint_str(
            &ci,
            &case.ci.to_string_lossy(),
            runner.as_ref().map(|(t, p)| (t.as_str(), p.as_str())),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(from_files.findings, from_str.findings, "{}", case.name);
        assert_eq!(from_files.jobs, from_str.jobs, "{}", case.name);
    }
}

#[test]
fn findings_in_templates_point_at_the_template() {
    let case = cases().into_iter().find(|c| c.name == "includes").expect("includes case");
    let report = run(&case).unwrap_or_else(|e| panic!("{e}"));
    let tls: Vec<_> = report.findings.iter().filter(|f| f.id == "daemon-tls-port").collect();
    // build-api inherits DOCKER_HOST from the template (two levels of
    // extends, through a wildcard include); build-worker overrides it with 2376.
    assert_eq!(tls.len(), 1, "{tls:#?}");
    assert_eq!(tls[0].location.to_string(), "corpus/lint/ci/templates/docker.yml:8:5");
    assert_eq!(tls[0].job.as_deref(), Some("build-api"));
    let jobs: Vec<&str> = report.jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(jobs, ["build-api", "build-worker", "deploy"]);
    assert!(
        report.notes.iter().any(|n| n.starts_with("include:remote https://gitlab.example.com/")),
        "{:?}",
        report.notes
    );
}

#[test]
fn errors_name_file_line_and_column() {
    // (ci yaml, runner (toml, path), expected error text)
    type Case<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a str);
    let cases: &[Case<'_>] = &[
        ("build:\n  script: [a\n", None, "ci.yml:3:1: yaml syntax error"),
        (
            "build:\n  script:\n    - !reference [.gone, script]\n",
            None,
            "ci.yml:3:7: !reference [.gone, script] could not be found",
        ),
        (
            "build:\n  extends: .gone\n",
            None,
            "ci.yml:2:12: job \"build\" extends \".gone\", which does not exist",
        ),
        (
            ".a:\n  extends: .b\n.b:\n  extends: .a\nj:\n  extends: .a\n",
            None,
            "ci.yml:4:12: circular extends: .a -> .b -> .a",
        ),
        (
            "j:\n  script: [x]\n",
            Some(("[[runners]]\nname = \n", "config.toml")),
            "config.toml:2:8: toml syntax error",
        ),
        ("- not\n- a mapping\n", None, "ci.yml:1:1: the configuration must be a mapping"),
    ];
    for (ci, runner, want) in cases {
        match lint_str(ci, "ci.yml", *runner) {
            Err(e) => assert!(
                e.to_string().starts_with(want) || e.to_string().contains(want),
                "{e} !~ {want}"
            ),
            Ok(r) => panic!("{ci:?} linted: {r:?}"),
        }
    }
    let missing = lint(&LintOptions {
        ci_config: "corpus/lint/no-such.gitlab-ci.yml".into(),
        runner_config: None,
    });
    assert!(matches!(missing, Err(LintError::Io { .. })), "{missing:?}");
}

#[test]
fn include_local_is_followed_only_with_a_repository() {
    let ci = "include:\n  - local: ci/templates/docker.yml\nbuild:\n  extends: .docker-build\n  script: [docker build .]\n";
    match lint_str(ci, "corpus/lint/x.gitlab-ci.yml", None) {
        Err(e) => assert!(e.to_string().contains(".docker-build"), "{e}"),
        Ok(r) => panic!("extends of an unfollowed include must fail: {r:?}"),
    }
    let r = lint_str("include: ci/a.yml\nj:\n  script: [x]\n", "x.yml", None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.notes[0], "include:local ci/a.yml not followed: no repository to read");
}

/// The log scanner's use: a class from a job log, mapped to the line to change.
#[test]
fn locate_points_the_scanner_at_config_lines() {
    let all = cases();
    let report = |name: &str| {
        let case = all.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no case {name}"));
        run(case).unwrap_or_else(|e| panic!("{e}"))
    };
    // (case, class, job as in the log, expected file suffix and line)
    type Check<'a> = (&'a str, &'a str, Option<&'a str>, Option<(&'a str, u32)>);
    let checks: &[Check<'_>] = &[
        (
            "tls-2375-default-certdir",
            "daemon-tls-port",
            Some("build"),
            Some(("tls-2375-default-certdir.gitlab-ci.yml", 16)),
        ),
        ("includes", "daemon-tls-port", Some("build-worker 1/2"), Some(("ci/jobs/worker.yml", 4))),
        ("includes", "daemon-tls-port", Some("build-api"), Some(("ci/templates/docker.yml", 8))),
        (
            "tls-no-certs-volume",
            "dind-not-privileged",
            Some("build"),
            Some(("tls-no-certs-volume.config.toml", 10)),
        ),
        ("tls-2376-ok", "dind-iptables", Some("build"), Some(("tls-2376-ok.gitlab-ci.yml", 15))),
        (
            "tls-2376-ok",
            "docker-cli-missing",
            Some("publish"),
            Some(("tls-2376-ok.gitlab-ci.yml", 13)),
        ),
        (
            "dind-missing",
            "dind-service-missing",
            Some("build"),
            Some(("dind-missing.gitlab-ci.yml", 17)),
        ),
        (
            "socket-binding",
            "container-name-conflict",
            Some("integration"),
            Some(("socket-binding.gitlab-ci.yml", 16)),
        ),
        ("tls-2376-ok", "log-truncated", Some("build"), None),
        ("tls-2376-ok", "daemon-tls-port", Some("no-such-job"), None),
    ];
    for &(name, class, job, want) in checks {
        let got = locate(&report(name), class, job);
        match (got, want) {
            (Some(loc), Some((suffix, line))) => {
                assert!(
                    loc.file.ends_with(suffix) && loc.line == line,
                    "{name} {class} {job:?}: {loc}"
                )
            }
            (None, None) => {}
            (got, want) => panic!("{name} {class} {job:?}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn report_serializes_to_json_and_code_quality() {
    let case = cases().into_iter().find(|c| c.name == "tls-no-certs-volume").expect("case");
    let report = run(&case).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_value(&report).unwrap_or_else(|e| panic!("{e}"));
    let first = &json["findings"][0];
    for key in ["id", "severity", "message", "fix", "job", "location", "docs"] {
        assert!(first.get(key).is_some(), "finding JSON lacks {key}: {first}");
    }
    assert!(matches!(first["severity"].as_str(), Some("error" | "warning" | "info")));
    let cq = serde_json::to_value(codequality(&report)).unwrap_or_else(|e| panic!("{e}"));
    let entries = cq.as_array().expect("array");
    assert_eq!(entries.len(), report.findings.len());
    for e in entries {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(e[key].is_string(), "{key} in {e}");
        }
        assert!(
            e["location"]["path"].is_string() && e["location"]["lines"]["begin"].is_u64(),
            "{e}"
        );
    }
}

/// Truncated and corrupted versions of every fixture must give a report or an
/// error, never a panic.
#[test]
fn no_panic_on_damaged_input() {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let noise = [
        b'[', b']', b'{', b'}', b':', b'-', b'&', b'*', b'!', b'\'', b'"', b'\n', b' ', b'<', b'|',
        b'#',
    ];
    let mut runs = 0;
    for case in cases() {
        let ci = fs::read(&case.ci).unwrap_or_default();
        let toml = case.runner.as_ref().and_then(|r| fs::read_to_string(r).ok());
        for round in 0..60 {
            let mut bytes = ci.clone();
            if round % 3 == 0 {
                let cut = (next() as usize) % (bytes.len() + 1);
                bytes.truncate(cut);
            } else {
                for _ in 0..(1 + round % 4) {
                    let at = (next() as usize) % bytes.len().max(1);
                    if let Some(b) = bytes.get_mut(at) {
                        *b = noise[(next() as usize) % noise.len()];
                    }
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            let runner = toml.as_ref().map(|t| {
                let cut = (next() as usize) % (t.len() + 1);
                (t.get(..cut).unwrap_or(t).to_string(), "config.toml")
            });
            let _ = lint_str(&text, "ci.yml", runner.as_ref().map(|(t, p)| (t.as_str(), *p)));
            runs += 1;
        }
    }
    assert!(runs > 1000);
}

/// Regression (issue 13 §2): the suggested dind service took the job image's
/// tag, so `python:3.12-slim` got `docker:3.12-dind`. Only a docker image
/// says which Docker to pair with; otherwise the documented default pair.
#[test]
fn suggested_dind_service_comes_from_a_docker_image_only() {
    let dir = crate::util::dir("lint_suggested_dind");
    for (image, want) in [
        ("python:3.12-slim", "docker:24.0.5-dind"),
        ("node:20", "docker:24.0.5-dind"),
        ("docker:27.1.1", "docker:27.1.1-dind"),
    ] {
        let ci = format!("build:\n  image: {image}\n  script:\n    - docker build .\n");
        let path = crate::util::write(&dir, ".gitlab-ci.yml", ci.as_bytes());
        let r = crate::util::run(&["lint", "--color", "never", path.to_str().unwrap()], None);
        assert!(r.stdout.contains("[dind-service-missing]"), "{image}: {}", r.stdout);
        assert!(r.stdout.contains(&format!("- {want}\n")), "{image}: want {want}:\n{}", r.stdout);
        assert!(!r.stdout.contains("docker:3.12-dind") && !r.stdout.contains("docker:20-dind"));
    }
}
