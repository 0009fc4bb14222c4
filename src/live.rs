//! What the live job adds to a diagnosis: its environment and a look at the daemon, folded into a report as evidence with their own sources.
//!
//! The log is classified first (with the environment filling the context the
//! preamble would have given, see [`crate::jobenv`]); this module then adds
//! the environment's lines to the findings they bear on, and folds a doctor
//! run in: a failed check confirms its class (a candidate becomes the cause,
//! measured instead of guessed), and a daemon that answers lowers the
//! confidence of every cause that says it cannot be reached. Which classes a
//! probe can decide is data: the signature key `probe = true`.

use std::cmp::Reverse;

use crate::classify::{Finding, Role};
use crate::doctor::{DoctorReport, Status};
use crate::jobenv::JobEnv;
use crate::report::FileReport;
use crate::scan::Evidence;
use crate::signature::{Kind, SignatureSet, Source};

/// Confidence of a class that a failed probe check confirms.
const CONFIRMED: f64 = 0.95;
/// Confidence of a class that only the probe found (the log said nothing of it).
const PROBE_ONLY: f64 = 0.85;
/// A daemon that answers now halves the confidence of "it cannot be reached".
const CONTRADICTED: f64 = 0.5;

/// Whether a live look at the daemon could decide anything in this report.
pub fn wants_probe(set: &SignatureSet, report: &FileReport) -> bool {
    report.findings.iter().any(|f| {
        matches!(f.role, Role::Cause | Role::Candidate | Role::Symptom) && probed(set, &f.id)
    })
}

fn probed(set: &SignatureSet, id: &str) -> bool {
    set.by_id(id).is_some_and(|s| s.probe)
}

/// Adds the environment's lines to each finding a probe could decide (those
/// are the ones about reaching, starting or authenticating to the daemon).
pub fn add_environment(set: &SignatureSet, report: &mut FileReport, env: &JobEnv) {
    let lines = env.evidence();
    for f in report.findings.iter_mut().filter(|f| probed(set, &f.id)) {
        for e in &lines {
            if !f.evidence.contains(e) {
                f.evidence.push(e.clone());
            }
        }
    }
}

/// Folds a doctor run into the report.
pub fn fold_probe(set: &SignatureSet, report: &mut FileReport, doctor: &DoctorReport) {
    let failed: Vec<(&'static str, Evidence)> = doctor
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
        .filter_map(|c| c.class.map(|id| (id, probe_line(&format!("{}: {}", c.name, c.message)))))
        .filter(|(id, _)| probed(set, id))
        .collect();
    // A probe settles what the log left open; against a cause the log names
    // outright, a failed check is only more evidence.
    let log_has_cause = report.findings.iter().any(|f| f.role == Role::Cause);
    let mut confirmed: Vec<&str> = Vec::new();
    for (id, evidence) in &failed {
        match report.findings.iter_mut().find(|f| f.id == *id) {
            Some(f) => {
                f.evidence.insert(0, evidence.clone());
                if f.role == Role::Candidate {
                    f.role = Role::Cause;
                    f.question = None;
                }
                f.confidence = f.confidence.max(CONFIRMED);
                confirmed.push(id);
            }
            None if !log_has_cause => {
                let Some(sig) = set.by_id(id) else { continue };
                if sig.kind == Kind::Advice {
                    continue;
                }
                let role = if sig.kind == Kind::Symptom { Role::Symptom } else { Role::Cause };
                let mut f = Finding::of(sig, role, vec![evidence.clone()], &report.context);
                f.confidence = PROBE_ONLY;
                report.findings.push(f);
                confirmed.push(id);
            }
            None => {}
        }
    }
    // A failed check that names no class this report can use still tells a
    // person what the probe met (a closed port, a name that does not resolve).
    let unattributed: Vec<Evidence> = doctor
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .filter(|c| !c.class.is_some_and(|id| confirmed.contains(&id)))
        .map(|c| probe_line(&format!("{}: {}", c.name, c.message)))
        .collect();
    for f in report.findings.iter_mut() {
        if matches!(f.role, Role::Cause | Role::Candidate) && probed(set, &f.id) {
            f.evidence.extend(unattributed.iter().cloned());
        }
    }
    if let Some(daemon) = &doctor.daemon {
        let endpoint = doctor.endpoint.as_deref().unwrap_or("the daemon");
        let version =
            daemon.version.as_deref().map(|v| format!(" (engine {v})")).unwrap_or_default();
        let note = probe_line(&format!(
            "ping: {endpoint} answered /_ping{version}: it is reachable now, which this cause \
             does not explain unless the daemon was only late"
        ));
        let info = probe_line(&daemon_facts(daemon));
        for f in report.findings.iter_mut() {
            if !matches!(f.role, Role::Cause | Role::Candidate) || !probed(set, &f.id) {
                continue;
            }
            f.evidence.push(info.clone());
            let unreachable = set.by_id(&f.id).is_some_and(|s| s.daemon_unreachable);
            if unreachable && !confirmed.contains(&f.id.as_str()) {
                f.confidence = (f.confidence * CONTRADICTED * 100.0).round() / 100.0;
                f.evidence.push(note.clone());
            }
            // An API version the client named (capture `client`), held to the
            // daemon's range: skew measured, not guessed.
            let client = f.evidence.iter().flat_map(|e| &e.captures).find(|(k, _)| k == "client");
            if let (Some((_, client)), Some(api)) = (client, daemon.api_version.as_deref()) {
                let v = |s: &str| crate::signature::Version::parse(s);
                let min = daemon.min_api_version.as_deref().and_then(v);
                let (c, max) = (v(client), v(api));
                let outside = match (&c, &max) {
                    (Some(c), Some(max)) => c > max || min.as_ref().is_some_and(|m| c < m),
                    _ => false,
                };
                let range = match &daemon.min_api_version {
                    Some(m) => format!("{m} to {api}"),
                    None => format!("up to {api}"),
                };
                let verdict = if outside { "outside it: skew measured" } else { "inside it" };
                f.evidence.insert(0, probe_line(&format!("version: the daemon accepts API {range}; the client asked for {client}, {verdict}")));
                if outside {
                    f.role = Role::Cause;
                    f.question = None;
                    f.confidence = f.confidence.max(CONFIRMED);
                } else {
                    f.confidence = (f.confidence * CONTRADICTED * 100.0).round() / 100.0;
                }
            }
        }
    }
    // Once a probe confirmed one, the other candidates are no longer open.
    if !confirmed.is_empty() {
        report.findings.retain(|f| f.role != Role::Candidate);
    }
    // What a probe measured comes first; otherwise the classifier's order stays.
    report.findings.sort_by_key(|f| {
        let measured = f.evidence.iter().any(|e| e.source == Source::Probe)
            && confirmed.contains(&f.id.as_str());
        (f.role, Reverse(measured))
    });
}

/// What `/version` and `/info` said, in one line.
fn daemon_facts(d: &crate::doctor::DaemonInfo) -> String {
    let mut parts = vec![format!(
        "info: Docker Engine {} (API {}{})",
        d.version.as_deref().unwrap_or("?"),
        d.api_version.as_deref().unwrap_or("?"),
        d.min_api_version.as_deref().map(|m| format!(", minimum {m}")).unwrap_or_default()
    )];
    if let Some(driver) = &d.storage_driver {
        parts.push(format!("storage driver {driver}"));
    }
    if d.security_options.iter().any(|o| o.contains("name=rootless")) {
        parts.push("rootless".to_string());
    }
    if !d.security_options.is_empty() {
        let names: Vec<&str> = d
            .security_options
            .iter()
            .filter_map(|o| o.split(',').next()?.strip_prefix("name="))
            .collect();
        parts.push(format!("security options {}", names.join(", ")));
    }
    parts.join("; ")
}

fn probe_line(text: &str) -> Evidence {
    Evidence {
        line: 0,
        source: Source::Probe,
        section: None,
        text: text.to_string(),
        captures: Vec::new(),
        origin: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::{Check, DaemonInfo};
    use crate::Analyzer;

    const NO_SUCH_HOST: &[u8] = b"$ docker info\nerror during connect: Get \"http://docker:2375/v1.24/info\": dial tcp: lookup docker on 10.0.0.2:53: no such host\n";

    fn check(name: &'static str, status: Status, class: Option<&'static str>) -> Check {
        Check { name, status, message: format!("{name} said so"), class, fix: None }
    }

    #[test]
    fn a_failed_check_turns_its_candidate_into_the_cause() {
        let analyzer = Analyzer::new(SignatureSet::builtin().unwrap());
        let set = analyzer.signatures().clone();
        let mut report = analyzer.analyze_bytes("job.log", NO_SUCH_HOST);
        assert!(report.findings.iter().all(|f| f.role == Role::Candidate));
        assert!(wants_probe(&set, &report));
        let doctor = DoctorReport {
            endpoint: Some("tcp://docker:2375".into()),
            checks: vec![check("resolve", Status::Fail, Some("dind-service-missing"))],
            daemon: None,
        };
        fold_probe(&set, &mut report, &doctor);
        let ids: Vec<(&str, Role)> =
            report.findings.iter().map(|f| (f.id.as_str(), f.role)).collect();
        assert_eq!(ids, [("dind-service-missing", Role::Cause)]);
        let f = &report.findings[0];
        assert_eq!(f.evidence[0].source, Source::Probe);
        assert!(f.confidence >= CONFIRMED);
    }

    #[test]
    fn a_daemon_that_answers_lowers_the_guess() {
        let analyzer = Analyzer::new(SignatureSet::builtin().unwrap());
        let set = analyzer.signatures().clone();
        let log = b"Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n";
        let mut report = analyzer.analyze_bytes("job.log", log);
        let before = report.findings[0].confidence;
        let doctor = DoctorReport {
            endpoint: Some("tcp://docker:2375".into()),
            checks: vec![check("ping", Status::Ok, None)],
            daemon: Some(DaemonInfo { version: Some("24.0.5".into()), ..DaemonInfo::default() }),
        };
        fold_probe(&set, &mut report, &doctor);
        let f = &report.findings[0];
        assert_eq!(f.id, "daemon-tls-port");
        assert!(f.confidence < before, "{} !< {before}", f.confidence);
        assert!(f
            .evidence
            .iter()
            .any(|e| e.source == Source::Probe && e.text.contains("reachable now")));
    }

    #[test]
    fn environment_lines_join_the_daemon_findings() {
        let analyzer = Analyzer::new(SignatureSet::builtin().unwrap());
        let set = analyzer.signatures().clone();
        let mut report = analyzer.analyze_bytes("job.log", NO_SUCH_HOST);
        let env = JobEnv::from_lookup(
            |n| (n == "DOCKER_HOST").then(|| "tcp://docker:2375".to_string()),
            None,
            None,
        );
        add_environment(&set, &mut report, &env);
        let f = &report.findings[0];
        assert!(f.evidence.iter().any(|e| e.source == Source::Env
            && e.text == "from the job's environment: DOCKER_HOST=tcp://docker:2375"));
    }
}
