use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use dindlog::{Analyzer, FileReport, Role, SignatureSet};
use serde::Deserialize;

use crate::util::root;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    description: String,
    #[serde(default)]
    causes: Vec<String>,
    #[serde(default)]
    candidates: Vec<String>,
    #[serde(default)]
    symptoms: Vec<String>,
    #[serde(default)]
    advice: Vec<String>,
    #[serde(default)]
    service_logs: Vec<String>,
}

/// Every `corpus/*.log` with its expectation; fails if there are none, so an
/// emptied corpus cannot pass.
pub fn logs() -> Vec<(PathBuf, PathBuf)> {
    let dir = root().join("corpus");
    let mut v: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .map(|p| {
            let expect = p.with_extension("expect.toml");
            (p, expect)
        })
        .collect();
    v.sort();
    assert!(v.len() >= 40, "corpus/ has only {} logs", v.len());
    v
}

fn analyze(analyzer: &Analyzer, log: &Path, service_logs: &[String]) -> FileReport {
    let name = log.file_name().unwrap().to_string_lossy().into_owned();
    let data = std::fs::read(log).unwrap();
    // As the command line reads a file: a bare service log is recognised.
    let result = analyzer.scan(&name, &data[..], dindlog::InputKind::Detect).unwrap();
    let service = service_logs
        .iter()
        .map(|s| {
            let bytes = std::fs::read(root().join("corpus").join(s)).unwrap();
            (s.clone(), analyzer.scan(s, &bytes[..], dindlog::InputKind::Service).unwrap())
        })
        .collect();
    analyzer.report(&name, result, service)
}

fn ids(r: &FileReport, role: Role) -> Vec<String> {
    r.findings.iter().filter(|f| f.role == role).map(|f| f.id.clone()).collect()
}

fn set(v: &[String]) -> BTreeSet<String> {
    v.iter().cloned().collect()
}

#[test]
fn every_log_is_classified_as_expected() {
    let analyzer = Analyzer::new(SignatureSet::builtin().unwrap());
    let mut failures = Vec::new();
    let mut near_misses = 0;
    for (log, expect_path) in logs() {
        let name = log.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&expect_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let expect: Expect =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        assert!(!expect.description.is_empty());
        let r = analyze(&analyzer, &log, &expect.service_logs);
        let got_causes = ids(&r, Role::Cause);
        let got_candidates = ids(&r, Role::Candidate);
        let got_symptoms = ids(&r, Role::Symptom);
        let got_advice = ids(&r, Role::Advice);
        let mut problems = Vec::new();
        if got_causes != expect.causes {
            problems.push(format!("causes: expected {:?}, got {:?}", expect.causes, got_causes));
        }
        for (what, want, got) in [
            ("candidates", &expect.candidates, &got_candidates),
            ("symptoms", &expect.symptoms, &got_symptoms),
            ("advice", &expect.advice, &got_advice),
        ] {
            if set(want) != set(got) {
                problems.push(format!("{what}: expected {want:?}, got {got:?}"));
            }
        }
        if name.starts_with("near-miss-") {
            near_misses += 1;
            let errors: Vec<&str> = r
                .findings
                .iter()
                .filter(|f| f.severity == dindlog::Severity::Error)
                .map(|f| f.id.as_str())
                .collect();
            if !errors.is_empty() {
                problems.push(format!("near miss with error findings {errors:?}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "corpus/{name} ({}):\n    {}",
                expect.description,
                problems.join("\n    ")
            ));
        }
    }
    assert!(near_misses >= 10, "only {near_misses} near-miss logs");
    assert!(
        failures.is_empty(),
        "{} corpus logs misclassified:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_catalog_class_appears_in_the_corpus() {
    let mut seen = BTreeSet::new();
    for (_, expect_path) in logs() {
        let expect: Expect =
            toml::from_str(&std::fs::read_to_string(expect_path).unwrap()).unwrap();
        seen.extend(expect.causes);
        seen.extend(expect.candidates);
        seen.extend(expect.advice);
        seen.extend(expect.symptoms);
    }
    let set = SignatureSet::builtin().unwrap();
    let missing: Vec<&str> =
        set.iter().map(|s| s.id.as_str()).filter(|id| !seen.contains(*id)).collect();
    assert!(missing.is_empty(), "classes with no corpus log: {missing:?}");
}
