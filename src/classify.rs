//! Turns one input's matches into findings: which classes hold, which is the root cause, which are its symptoms, and which are open candidates.
//!
//! Pure data in, data out: no I/O. The rules (strong, weak, context and veto
//! patterns; `[[rule]]` conditions; `explains`) come from the signature files;
//! this module only applies them. See `docs/DESIGN.md` for the reasoning.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::context::{JobContext, Tri};
use crate::scan::{Evidence, ScanResult};
use crate::signature::{Kind, Severity, Signature, SignatureSet, Strength};

/// Evidence lines shown per finding.
pub const MAX_FINDING_EVIDENCE: usize = 8;

/// What a finding is in this log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A root cause to fix.
    Cause,
    /// One of several classes that could explain the evidence; the log does not say which.
    Candidate,
    /// Explained by a cause.
    Symptom,
    /// Not a failure by itself.
    Advice,
}

impl Role {
    /// The lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cause => "cause",
            Role::Candidate => "candidate",
            Role::Symptom => "symptom",
            Role::Advice => "advice",
        }
    }
}

/// One class found in one input.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// The catalog id.
    pub id: String,
    /// One line.
    pub title: String,
    /// The catalog's kind.
    pub kind: Kind,
    /// The catalog's severity.
    pub severity: Severity,
    /// What it is in this log.
    pub role: Role,
    /// The cause that explains it, for symptoms.
    pub explained_by: Option<String>,
    /// Findings this one explains.
    pub explains: Vec<String>,
    /// Line of the first evidence in the input itself.
    pub first_line: u64,
    /// Matching lines.
    pub count: u64,
    /// The first evidence lines, in line order.
    pub evidence: Vec<Evidence>,
    /// Why it happens.
    pub summary: String,
    /// The fix for this job, placeholders filled in.
    pub fix: String,
    /// The check that tells this candidate apart (candidates only).
    pub question: Option<String>,
    /// Documentation links.
    pub docs: Vec<String>,
    /// Where in the CI configuration the fix goes, when `--ci-config` tells.
    pub config: Option<ConfigLocation>,
    /// How likely this finding is right, in 0..1 (see `confidence_words`).
    pub confidence: f64,
    /// What the finding rests on (a strong pattern, or weak evidence a rule settled).
    #[serde(skip)]
    basis: Basis,
    /// How likely the class is before this log's other evidence: its rank, or
    /// the rank of the rule that made it a candidate.
    #[serde(skip)]
    prior: u8,
}

/// What made a class a finding: it sets the confidence before the log's other
/// evidence adjusts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Basis {
    /// A strong pattern: the message names the class on its own.
    Strong,
    /// Weak evidence that a rule turned into a finding with the job's context.
    Rule,
    /// Weak evidence the log cannot settle.
    #[default]
    Open,
}

/// Calibrated on the written and wild corpora (`scripts/eval.py` prints the
/// reliability table and CI checks it): how often a finding of each basis was
/// the thread's or the label's root cause.
const CONFIDENCE_STRONG: f64 = 0.9;
const CONFIDENCE_RULE: f64 = 0.8;
/// A candidate's share of the probability left open, at most this much in all.
const CONFIDENCE_OPEN: f64 = 0.85;
/// When the service log was captured and backs the finding, doubt shrinks.
const SERVICE_BONUS: f64 = 0.05;

/// The words a person reads for a confidence.
pub fn confidence_words(c: f64) -> &'static str {
    match c {
        c if c >= 0.9 => "almost certain",
        c if c >= 0.75 => "likely",
        c if c >= 0.4 => "possible",
        _ => "one of several",
    }
}

/// A place in the CI configuration that a finding's fix changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigLocation {
    /// The path as given.
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

impl Finding {
    /// A finding of `sig` with this evidence, its fix rendered for the job.
    pub(crate) fn of(
        sig: &Signature,
        role: Role,
        evidence: Vec<Evidence>,
        ctx: &JobContext,
    ) -> Finding {
        Finding {
            id: sig.id.clone(),
            title: sig.title.clone(),
            kind: sig.kind,
            severity: sig.severity,
            role,
            explained_by: None,
            explains: Vec::new(),
            first_line: evidence.first().map_or(0, |e| e.line),
            count: evidence.len() as u64,
            fix: render_fix(sig, &evidence, ctx),
            evidence,
            summary: sig.summary.clone(),
            question: None,
            docs: sig.docs.clone(),
            config: None,
            confidence: 0.0,
            basis: Basis::Strong,
            prior: sig.rank,
        }
    }
}

enum Status {
    Found(Basis),
    Candidate,
}

/// Classifies one input's scan result (in its own context: the unit tests' form).
#[cfg(test)]
pub fn classify(set: &SignatureSet, result: &ScanResult) -> Vec<Finding> {
    classify_in(set, result, &result.context)
}

/// Classifies a scan result in a context that may know more than its log
/// (the job's environment, see [`crate::jobenv`]).
pub fn classify_in(set: &SignatureSet, result: &ScanResult, ctx: &JobContext) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (si, sig) in set.iter().enumerate() {
        let hits: Vec<_> = result.hits.iter().filter(|h| h.sig == si).collect();
        if hits.is_empty() {
            continue;
        }
        let matched: BTreeSet<usize> = hits.iter().map(|h| h.pat).collect();
        let has = |s: Strength| matched.iter().any(|&p| sig.patterns[p].strength == s);
        if has(Strength::Veto) {
            continue;
        }
        // A class that needs what the job is known not to have cannot be it.
        if sig.requires.as_ref().is_some_and(|r| ctx.eval(r) == Tri::False) {
            continue;
        }
        let mut prior = sig.rank;
        let status = if has(Strength::Strong) {
            Status::Found(Basis::Strong)
        } else if has(Strength::Weak) {
            match rules_verdict(sig, &matched, ctx) {
                (Tri::True, _) => Status::Found(Basis::Rule),
                (Tri::Unknown, rank) => {
                    prior = rank.unwrap_or(prior);
                    Status::Candidate
                }
                (Tri::False, _) => continue,
            }
        } else {
            continue;
        };
        let mut evidence: Vec<Evidence> = hits
            .iter()
            .filter(|h| matches!(sig.patterns[h.pat].strength, Strength::Strong | Strength::Weak))
            .flat_map(|h| h.evidence.iter().cloned())
            .collect();
        let count = hits
            .iter()
            .filter(|h| matches!(sig.patterns[h.pat].strength, Strength::Strong | Strength::Weak))
            .map(|h| h.count)
            .sum();
        // Evidence from a merged service log sorts after the log's own lines.
        evidence.sort_by_key(|e| (e.origin.is_some(), e.line));
        evidence.dedup_by(|a, b| a.line == b.line && a.origin == b.origin);
        evidence.truncate(MAX_FINDING_EVIDENCE);
        let first_line = evidence.first().map_or(0, |e| e.line);
        let (role, basis) = match (status, sig.kind) {
            (Status::Candidate, _) => (Role::Candidate, Basis::Open),
            (Status::Found(b), Kind::Advice) => (Role::Advice, b),
            (Status::Found(b), Kind::Symptom) => (Role::Symptom, b),
            (Status::Found(b), _) => (Role::Cause, b),
        };
        let mut f = Finding::of(sig, role, evidence, ctx);
        f.first_line = first_line;
        f.count = count;
        f.basis = basis;
        f.prior = prior;
        findings.push(f);
    }
    explain(set, &mut findings);
    prune_candidates(&mut findings);
    for f in findings.iter_mut().filter(|f| f.role == Role::Candidate) {
        f.question = set.by_id(&f.id).and_then(|s| s.question.clone());
    }
    order(&mut findings);
    assign_confidence(&mut findings);
    findings
}

/// A finding's confidence: its basis sets it, evidence from the service log
/// (the daemon's own words) raises it, and open candidates share what is left
/// in proportion to their prior rank, so the most likely comes first and none
/// claims certainty.
fn assign_confidence(findings: &mut [Finding]) {
    let rank = |f: &Finding| f64::from(f.prior.max(1));
    let open: f64 = findings.iter().filter(|f| f.basis == Basis::Open).map(rank).sum();
    let others = findings.iter().any(|f| f.basis != Basis::Open && f.role == Role::Cause);
    let confidences: Vec<f64> = findings
        .iter()
        .map(|f| {
            let service = f.evidence.iter().any(|e| e.source == crate::signature::Source::Service);
            let bonus = if service { SERVICE_BONUS } else { 0.0 };
            match f.basis {
                Basis::Strong => CONFIDENCE_STRONG + bonus,
                Basis::Rule => CONFIDENCE_RULE + bonus,
                // A cause already found leaves less room for an open alternative.
                Basis::Open => {
                    let share = CONFIDENCE_OPEN * rank(f) / open;
                    if others {
                        share / 2.0
                    } else {
                        share
                    }
                }
            }
        })
        .collect();
    for (f, c) in findings.iter_mut().zip(confidences) {
        f.confidence = (c.clamp(0.0, 0.99) * 100.0).round() / 100.0;
    }
}

/// Whether weak evidence becomes a finding: any rule true wins, then any rule
/// the log cannot decide; with no rules at all, weak evidence is a candidate.
/// With a candidate comes the highest rank among the rules that made it one.
fn rules_verdict(
    sig: &Signature,
    matched: &BTreeSet<usize>,
    ctx: &JobContext,
) -> (Tri, Option<u8>) {
    if sig.rules.is_empty() {
        return (Tri::Unknown, None);
    }
    let mut best = Tri::False;
    let mut rank: Option<u8> = None;
    for rule in &sig.rules {
        let lines_ok = rule.all_of.iter().all(|p| matched.contains(p))
            && !rule.none_of.iter().any(|p| matched.contains(p));
        let v = if lines_ok { ctx.eval(&rule.context) } else { Tri::False };
        match v {
            Tri::True if !rule.candidate => return (Tri::True, None),
            Tri::True | Tri::Unknown => {
                best = Tri::Unknown;
                rank = rank.max(rule.rank);
            }
            Tri::False => {}
        }
    }
    (best, rank)
}

/// Marks findings explained by a cause as its symptoms, following chains to
/// the root. Causes are visited most important first, so when two classes
/// claim to explain each other the stronger one wins.
fn explain(set: &SignatureSet, findings: &mut Vec<Finding>) {
    let priority = |f: &Finding| {
        let rank = set.by_id(&f.id).map_or(0, |s| s.rank);
        (std::cmp::Reverse(f.severity), std::cmp::Reverse(rank), f.first_line)
    };
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| priority(&findings[i]));
    // Each finding changes at most twice (role, then explained_by), so this
    // bound is never reached; it keeps a future bug from spinning forever.
    for _ in 0..=2 * findings.len() {
        let mut changed = false;
        for &i in &order {
            if !matches!(findings[i].role, Role::Cause | Role::Symptom) {
                continue;
            }
            let root = findings[i].explained_by.clone().unwrap_or_else(|| findings[i].id.clone());
            let Some(sig) = set.by_id(&findings[i].id) else { continue };
            for target in &sig.explains {
                let Some(j) = findings.iter().position(|f| &f.id == target) else { continue };
                if j == i || findings[j].id == root {
                    continue;
                }
                match findings[j].role {
                    Role::Cause => {
                        findings[j].role = Role::Symptom;
                        findings[j].explained_by = Some(root.clone());
                        changed = true;
                    }
                    // Only possible, and a found cause accounts for it anyway:
                    // not a separate problem.
                    Role::Candidate if findings[j].explained_by.is_none() => {
                        findings[j].explained_by = Some(root.clone());
                        changed = true;
                    }
                    _ => {}
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut k = 0;
    while k < findings.len() {
        if findings[k].role == Role::Candidate && findings[k].explained_by.is_some() {
            findings.remove(k);
        } else {
            k += 1;
        }
    }
    let ids: Vec<(String, Option<String>)> =
        findings.iter().map(|f| (f.id.clone(), f.explained_by.clone())).collect();
    for f in findings.iter_mut() {
        f.explains = ids
            .iter()
            .filter(|(_, by)| by.as_deref() == Some(f.id.as_str()))
            .map(|(id, _)| id.clone())
            .collect();
    }
}

/// A candidate whose evidence lines a cause (or its symptoms) already account
/// for is no longer open: the ambiguity is resolved by that cause.
fn prune_candidates(findings: &mut Vec<Finding>) {
    let explained: BTreeSet<(Option<&str>, u64)> = findings
        .iter()
        .filter(|f| matches!(f.role, Role::Cause | Role::Symptom))
        .flat_map(|f| f.evidence.iter().map(|e| (e.origin.as_deref(), e.line)))
        .collect();
    let keep: Vec<bool> = findings
        .iter()
        .map(|f| {
            f.role != Role::Candidate
                || !f.evidence.iter().any(|e| explained.contains(&(e.origin.as_deref(), e.line)))
        })
        .collect();
    let mut it = keep.iter();
    findings.retain(|_| *it.next().unwrap_or(&true));
}

/// Most likely root cause first: causes (by severity, how much they explain,
/// first line, rank), then candidates (by rank), then symptoms, then advice.
fn order(findings: &mut [Finding]) {
    let rank = |f: &Finding| f.prior;
    findings.sort_by(|a, b| {
        a.role
            .cmp(&b.role)
            .then(b.severity.cmp(&a.severity))
            .then(b.explains.len().cmp(&a.explains.len()))
            .then_with(|| match a.role {
                // Among causes the earlier failure tends to provoke the later ones;
                // among candidates only the prior likelihood says anything.
                Role::Cause => a.first_line.cmp(&b.first_line).then(rank(b).cmp(&rank(a))),
                _ => rank(b).cmp(&rank(a)).then(a.first_line.cmp(&b.first_line)),
            })
            .then(a.id.cmp(&b.id))
    });
}

/// Fills `{name}` and `{name|default}` from the evidence captures and the job context.
fn render_fix(sig: &Signature, evidence: &[Evidence], ctx: &JobContext) -> String {
    let template = sig.fix_for(ctx.executor.as_deref());
    let lookup = |name: &str| -> Option<String> {
        for e in evidence {
            if let Some((_, v)) = e.captures.iter().find(|(k, _)| k == name) {
                return Some(v.clone());
            }
        }
        match name {
            "service" => ctx.dind_service().map(str::to_string),
            "image" => ctx.image.clone(),
            "executor" => ctx.executor.clone(),
            "runner_version" => ctx.runner_version.clone(),
            _ => None,
        }
    };
    render(template, lookup)
}

/// The placeholder syntax: `{` name (`[a-z_][a-z0-9_]*`) optional `|default` `}`.
/// Anything else, such as YAML or TOML braces, is left alone.
pub(crate) fn render(template: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        let starts_ok = after.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b == b'_');
        let close = after.find('}');
        let valid = starts_ok
            && close.is_some_and(|c| {
                c == name_len || (after.as_bytes()[name_len] == b'|' && !after[..c].contains('\n'))
            });
        match (valid, close) {
            (true, Some(c)) => {
                let name = &after[..name_len];
                let default = after[name_len..c].strip_prefix('|');
                match lookup(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(default.unwrap_or(&format!("<{name}>"))),
                }
                rest = &after[c + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// See: the endless loop fixed in 30e3147. A candidate (service-not-ready,
    /// executor unknown) that a found cause (daemon-tls-port) explains is
    /// dropped, and classification ends.
    #[test]
    fn explained_candidate_is_dropped_and_classification_ends() {
        let set = SignatureSet::builtin().unwrap();
        let scanner = crate::scan::Scanner::new(set.clone());
        let log = b"Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n";
        let findings = classify(&set, &scanner.scan_bytes(log));
        let ids: Vec<(&str, Role)> = findings.iter().map(|f| (f.id.as_str(), f.role)).collect();
        assert_eq!(ids, [("daemon-tls-port", Role::Cause)]);
    }

    /// A message that names its class is near certain; open candidates share
    /// at most 0.85, the higher-ranked first; a found cause halves what an
    /// open alternative may claim.
    #[test]
    fn confidence_by_basis() {
        let set = SignatureSet::builtin().unwrap();
        let scanner = crate::scan::Scanner::new(set.clone());
        let strong = b"Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n";
        let f = classify(&set, &scanner.scan_bytes(strong));
        assert!(f[0].confidence >= 0.9, "{}", f[0].confidence);
        let open = b"error during connect: Get \"http://docker:2375/v1.24/info\": dial tcp: lookup docker on 10.0.0.2:53: no such host\n";
        let f = classify(&set, &scanner.scan_bytes(open));
        assert!(f.len() > 1 && f.iter().all(|f| f.role == Role::Candidate));
        let total: f64 = f.iter().map(|f| f.confidence).sum();
        assert!(total <= 0.86 && total > 0.5, "{total}");
        let rank = |id: &str| set.by_id(id).unwrap().rank;
        for w in f.windows(2).filter(|w| w[0].severity == w[1].severity) {
            assert_eq!(rank(&w[0].id) >= rank(&w[1].id), w[0].confidence >= w[1].confidence);
        }
        assert!(f.iter().all(|f| confidence_words(f.confidence) == "one of several"));
        assert_eq!(confidence_words(0.8), "likely");
    }

    fn sig(toml: &str) -> Signature {
        Signature::from_toml(toml, std::path::Path::new("")).unwrap_or_else(|e| panic!("{e}"))
    }

    const HEAD: &str = "kind = \"root\"\nseverity = \"error\"\nsummary = \"s\"\nquestion = \"q\"\n\
docs = [\"https://docs.gitlab.com/\"]\nfix = \"f\\ng\"\n";
    const TESTS: &str =
        "[tests]\nmatch = [\"lookup docker on 10.96.0.10:53: no such host\"]\nno_match = [\"x\"]\n";

    /// `[requires]` drops a class the job cannot have; a rule's `rank` lifts a
    /// candidate; `like` shares another class's evidence (issue 14).
    #[test]
    fn requires_rule_rank_and_like() {
        let a = sig(&format!(
            "id = \"a-class\"\ntitle = \"A\"\nrank = 60\nrequires = {{ daemon_service = true }}\n{HEAD}\
[[pattern]]\nname = \"nsh\"\nliterals = [\"lookup docker\"]\nregex = 'lookup docker on \\S+: no such host'\nstrength = \"weak\"\n{TESTS}"
        ));
        let b = sig(&format!(
            "id = \"b-class\"\ntitle = \"B\"\nrank = 10\n{HEAD}\
[[pattern]]\nname = \"nsh\"\nlike = \"a-class/nsh\"\nstrength = \"weak\"\n\
[[pattern]]\nname = \"kube-dns\"\nliterals = [\" on 10.96.0.10:53\"]\nstrength = \"context\"\n\
[[rule]]\nall_of = [\"nsh\", \"kube-dns\"]\nverdict = \"candidate\"\nrank = 90\n{TESTS}"
        ));
        let set = SignatureSet::new(vec![a, b]).unwrap();
        assert_eq!(
            set.by_id("b-class").unwrap().patterns[0].literals,
            ["lookup docker"],
            "like resolved"
        );
        let scanner = crate::scan::Scanner::new(set.clone());
        let ids = |log: &[u8]| -> Vec<String> {
            classify(&set, &scanner.scan_bytes(log)).into_iter().map(|f| f.id).collect()
        };
        // No preamble: both open, and the rule's rank puts b first.
        assert_eq!(ids(b"lookup docker on 10.96.0.10:53: no such host\n"), ["b-class", "a-class"]);
        // Another resolver: b's only rule does not hold, so its weak evidence is dropped.
        assert_eq!(ids(b"lookup docker on 10.0.0.2:53: no such host\n"), ["a-class"]);
        // A preamble with no service that could be a daemon: a-class cannot be it.
        let preamble = b"Running with gitlab-runner 17.3.1 (66269445)\nUsing Docker executor with image alpine:3.20 ...\n\
Starting service redis:7...\nlookup docker on 10.96.0.10:53: no such host\n";
        assert_eq!(ids(preamble), ["b-class"]);
        let with_dind = b"Running with gitlab-runner 17.3.1 (66269445)\nUsing Docker executor with image docker:24.0.5 ...\n\
Starting service registry.example.com/ci/docker:24...\nlookup docker on 10.0.0.2:53: no such host\n";
        assert!(
            ids(with_dind).contains(&"a-class".to_string()),
            "a service that could be a daemon"
        );
    }

    #[test]
    fn placeholders() {
        let look = |n: &str| match n {
            "host" => Some("docker".to_string()),
            _ => None,
        };
        let cases = [
            ("DOCKER_HOST: tcp://{host}:2376", "DOCKER_HOST: tcp://docker:2376"),
            ("image: {service|docker:24.0.5-dind}", "image: docker:24.0.5-dind"),
            ("{unknown}", "<unknown>"),
            ("fix_by_executor = { kubernetes = 1 }", "fix_by_executor = { kubernetes = 1 }"),
            ("a {b c} {", "a {b c} {"),
            ("{Host}", "{Host}"),
        ];
        for (t, want) in cases {
            assert_eq!(render(t, look), want, "{t}");
        }
    }
}
