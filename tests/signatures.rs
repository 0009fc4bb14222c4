use std::collections::BTreeSet;

use dindlog::selftest::run_examples;
use dindlog::{Scanner, SignatureSet};

#[test]
fn every_example_line_behaves() {
    let scanner = Scanner::new(SignatureSet::builtin().unwrap());
    let stats = run_examples(&scanner, None);
    let msgs: Vec<String> = stats.failures.iter().map(|f| f.to_string()).collect();
    assert!(
        msgs.is_empty(),
        "{} of {} examples failed:\n{}",
        msgs.len(),
        stats.run,
        msgs.join("\n")
    );
    assert!(stats.run >= 27 * 6, "only {} examples", stats.run);
}

/// The committed class documentation is the one the signatures generate.
#[test]
fn docs_classes_md_is_generated_from_the_signatures() {
    let run = crate::util::run(&["classes-markdown"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let committed = source("docs/classes.md");
    assert!(
        committed == run.stdout,
        "docs/classes.md differs from what the signatures generate: run `{}` and commit it",
        dindlog::signature::doc::REGENERATE
    );
    // Ids are a public contract: the set never loses one the committed page lists.
    let set = SignatureSet::builtin().unwrap();
    assert!(set.len() >= 35, "only {} classes", set.len());
    for s in set.iter() {
        let stem = s.origin.file_stem().and_then(|x| x.to_str());
        assert_eq!(stem, Some(s.id.as_str()), "one file per class, named by its id");
    }
}

#[test]
fn registry_invariants() {
    let set = SignatureSet::builtin().unwrap();
    for s in set.iter() {
        let name = &s.id;
        assert!(
            s.docs.iter().all(|d| d.starts_with("https://")),
            "{name}: docs must be https links"
        );
        assert!(!s.title.ends_with('.'), "{name}: title ends with a period");
        assert!(s.fix.lines().count() >= 2, "{name}: the fix should show what to change");
        assert!(s.examples.matches.len() >= 3, "{name}: fewer than 3 match examples");
        assert!(s.examples.no_matches.len() >= 3, "{name}: fewer than 3 no_match examples");
        // A `like` pattern's literals are the other class's, exampled there.
        for lit in s.patterns.iter().filter(|p| p.like.is_none()).flat_map(|p| &p.literals) {
            let used = s.examples.matches.iter().any(|m| m.contains(lit.as_str()));
            let used_by_rule_only = s.patterns.iter().any(|p| {
                p.literals.contains(lit)
                    && p.strength != dindlog::signature::Strength::Strong
                    && p.strength != dindlog::signature::Strength::Weak
            });
            assert!(
                used || used_by_rule_only,
                "{name}: literal {lit:?} occurs in no match example"
            );
        }
    }
}

#[test]
fn a_broken_user_signature_is_reported_with_its_position() {
    let dir = crate::util::dir("broken_user_signature");
    let text = "id = \"my-class\"\ntitle = \"x\"\nkind = \"rot\"\nseverity = \"error\"\nsummary = \"s\"\n\
docs = [\"https://docs.gitlab.com/\"]\nfix = \"f\"\n[[pattern]]\nname = \"p\"\nliterals = [\"abcd\"]\n\
[tests]\nmatch = [\"abcd\"]\nno_match = [\"abc\"]\n";
    crate::util::write(&dir, "my-class.toml", text.as_bytes());
    let run = crate::util::run(&["signatures", "--signatures", dir.to_str().unwrap()], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("my-class.toml:3:8: kind 'rot' is not one of"), "{}", run.stderr);
}

// ---- the signature files are the only registry (issue 10 §1) -------------

fn source(rel: &str) -> String {
    std::fs::read_to_string(crate::util::root().join(rel)).unwrap()
}

fn rust_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![crate::util::root().join(dir)];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The ids lint's checks emit (`id: "..."` in `src/lint`) are the ids
/// `lint::CLASSES` lists, and every one is a signature.
#[test]
fn every_class_id_lint_uses_is_a_signature() {
    let set = SignatureSet::builtin().unwrap();
    let re = regex::Regex::new(r#"\bid: "([a-z0-9-]+)""#).unwrap();
    let mut used = BTreeSet::new();
    for f in rust_files("src/lint") {
        let text = std::fs::read_to_string(&f).unwrap();
        // Unit tests may name ids of any class; the checks are above them.
        let code = text.split("#[cfg(test)]").next().unwrap();
        used.extend(re.captures_iter(code).map(|c| c[1].to_string()));
    }
    assert!(used.len() >= 12, "the grep found only {used:?}: did the checks' syntax change?");
    let listed: BTreeSet<String> = dindlog::lint::CLASSES.iter().map(|s| s.to_string()).collect();
    assert_eq!(used, listed, "src/lint's ids and lint::CLASSES differ");
    let unknown: Vec<&String> = used.iter().filter(|id| set.by_id(id).is_none()).collect();
    assert!(unknown.is_empty(), "lint uses ids with no signatures/<id>.toml: {unknown:?}");
}

/// Every kebab-case string doctor's checks hold is a check name or a class
/// id in the set: a class doctor reports cannot be missing from the registry.
#[test]
fn every_class_id_doctor_uses_is_a_signature() {
    // Check names, an HTTP header and a program: the other kebab-case words.
    const CHECK_NAMES: &[&str] =
        &["docker-host", "tls-files", "storage-driver", "api-version", "docker-compose"];
    let set = SignatureSet::builtin().unwrap();
    let text = source("src/doctor/checks.rs");
    let code = text.split("#[cfg(test)]").next().unwrap();
    let re = regex::Regex::new(r#""([a-z0-9]+(?:-[a-z0-9]+)+)""#).unwrap();
    let found: BTreeSet<&str> =
        re.captures_iter(code).map(|c| c.get(1).unwrap().as_str()).collect();
    let classes: Vec<&&str> = found.iter().filter(|s| !CHECK_NAMES.contains(s)).collect();
    assert!(classes.len() >= 8, "the grep found only {classes:?}");
    let unknown: Vec<&&&str> = classes.iter().filter(|id| set.by_id(id).is_none()).collect();
    assert!(unknown.is_empty(), "doctor uses ids with no signatures/<id>.toml: {unknown:?}");
    // No fix text of a class lives in doctor any more: it is the signature's.
    assert!(!code.contains("mod fix"), "doctor keeps its own fix texts again");
}

/// Class facts live in the TOML files only: no GitLab docs link in lint or
/// doctor code (they come from the signatures' `docs`).
#[test]
fn no_class_documentation_in_code() {
    for dir in ["src/lint", "src/doctor"] {
        for f in rust_files(dir) {
            let text = std::fs::read_to_string(&f).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            assert!(
                !code.contains("https://docs.gitlab.com"),
                "{}: a docs link in code",
                f.display()
            );
        }
    }
}

/// `config_keys` is validated when a file loads.
#[test]
fn config_keys_are_validated_at_load() {
    let dir = crate::util::dir("bad_config_keys");
    let text = "id = \"my-class\"\ntitle = \"x\"\nkind = \"root\"\nseverity = \"error\"\n\
config_keys = [\"variables.DOCKER_HOST\", \"services.postgres\"]\nsummary = \"s\"\n\
docs = [\"https://docs.gitlab.com/\"]\nfix = \"f\"\n[[pattern]]\nname = \"p\"\nliterals = [\"abcd\"]\n\
[tests]\nmatch = [\"abcd\"]\nno_match = [\"abc\"]\n";
    crate::util::write(&dir, "my-class.toml", text.as_bytes());
    let run = crate::util::run(&["--signatures", dir.to_str().unwrap(), "signatures"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("my-class.toml:5:41: config_keys: 'services.postgres' is not one of"),
        "{}",
        run.stderr
    );
}

/// Regression (issue 13 §2): `explain` printed raw `{service|docker:24.0.5-dind}`
/// placeholders and `kind: Root`, `[Strong]` where everything else says
/// `root` and `strong`.
#[test]
fn explain_fills_placeholders_and_uses_the_same_words() {
    let set = SignatureSet::builtin().unwrap();
    let placeholder = regex::Regex::new(r"\{[a-z_][a-z0-9_]*(\|[^}\n]*)?\}").unwrap();
    for s in set.iter() {
        let run = crate::util::run(&["explain", &s.id, "--color", "never"], None);
        assert_eq!(run.code, 0, "{}: {}", s.id, run.stderr);
        let out = &run.stdout;
        assert!(!placeholder.is_match(out), "{}: a raw placeholder in\n{out}", s.id);
        let kind = format!("kind: {}, severity: ", s.kind.as_str());
        assert!(out.lines().nth(1).is_some_and(|l| l.starts_with(&kind)), "{}:\n{out}", s.id);
        for p in &s.patterns {
            assert!(
                out.contains(&format!("[{}] {}:", p.strength.as_str(), p.name)),
                "{}:\n{out}",
                s.id
            );
        }
    }
    let run = crate::util::run(&["explain", "dind-tls-hostname", "--color", "never"], None);
    assert!(run.stdout.contains("    - name: docker:24.0.5-dind\n"), "{}", run.stdout);
    assert!(run.stdout.contains("DOCKER_TLS_SAN: \"DNS:my-dind\""), "{}", run.stdout);
}
