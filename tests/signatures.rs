use dindlog::selftest::run_examples;
use dindlog::{Scanner, SignatureSet};

/// The catalog's ids (v2, 35 classes, ../shared/catalog.md). They are public
/// contract: this list only ever grows.
const CATALOG: &[&str] = &[
    "daemon-tls-port",
    "daemon-unix-socket",
    "executor-daemon-unreachable",
    "dind-service-missing",
    "service-alias",
    "k8s-service-localhost",
    "dind-not-privileged",
    "service-not-ready",
    "tls-certs-missing",
    "cgroup-mountpoint",
    "dind-iptables",
    "storage-driver",
    "dind-mtu",
    "registry-auth",
    "registry-empty-variable",
    "rate-limit",
    "custom-ca",
    "proxy",
    "docker-cli-missing",
    "compose-missing",
    "socket-permission",
    "container-name-conflict",
    "buildx-cache-driver",
    "buildah-storage",
    "rootless-buildkit",
    "unpinned-image",
    "log-truncated",
    "client-daemon-api-skew",
    "buildx-missing",
    "image-name-invalid",
    "dind-tls-hostname",
    "bind-mount-context",
    "buildah-userns",
    "buildkit-log-clipped",
    "dind-socket-binding",
];

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

#[test]
fn catalog_ids_are_all_present() {
    let set = SignatureSet::builtin().unwrap();
    let mut ids: Vec<&str> = set.iter().map(|s| s.id.as_str()).collect();
    ids.sort();
    let mut want = CATALOG.to_vec();
    want.sort();
    assert_eq!(ids, want);
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
