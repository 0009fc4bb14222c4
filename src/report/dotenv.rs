//! The `dotenv` format: variables for later jobs (`artifacts:reports:dotenv`).

use std::fmt::Write as _;
use std::io::Write;

use super::export::{ExportError, Exporter, Options, Subject};
use super::FileReport;
use crate::classify::Role;
use crate::signature::Kind;

/// The `dotenv` exporter (log reports only).
pub struct Dotenv;

impl Exporter for Dotenv {
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        _: &Options,
    ) -> Result<(), ExportError> {
        let (reports, _) = subject.logs("dotenv")?;
        Ok(w.write_all(dotenv(reports).as_bytes())?)
    }
}

/// GitLab rejects a dotenv report over 5 KB; this leaves room to spare.
const MAX_BYTES: usize = 4096;

/// GitLab self-managed accepts 20 variables by default; a bulk file writes
/// [`FLEET_VARIABLES`], a single one four.
#[cfg(test)]
const MAX_VARIABLES: usize = 20;

/// The variables of a bulk file.
const FLEET_VARIABLES: usize = 10;

/// How many classes `DINDLOG_TOP_CLASSES` names.
const TOP: usize = 5;

/// dotenv for later jobs. One report: its root cause, whether that is
/// transient, its cause and candidate classes (each once) and the log line.
/// Several: fleet figures (see [`fleet`]). Values never contain spaces,
/// quotes or newlines; an empty value means none.
fn dotenv(reports: &[FileReport]) -> String {
    if reports.len() > 1 {
        return fleet(reports);
    }
    let cause = reports.iter().find_map(|r| r.root_cause());
    let classes: Vec<&str> = counts(reports).into_iter().map(|(id, _)| id).collect();
    let transient = cause.is_some_and(|f| f.kind == Kind::Transient);
    let mut s = String::new();
    let _ = writeln!(s, "DINDLOG_ROOT_CAUSE={}", cause.map_or("", |f| f.id.as_str()));
    let _ = writeln!(s, "DINDLOG_TRANSIENT={transient}");
    let _ = writeln!(s, "DINDLOG_CLASSES={}", fit(&classes, MAX_BYTES / 2));
    let _ =
        writeln!(s, "DINDLOG_LINE={}", cause.map_or(String::new(), |f| f.first_line.to_string()));
    s
}

/// Cause and candidate classes with the number of reports naming them, most
/// first, ties in order of first appearance.
fn counts(reports: &[FileReport]) -> Vec<(&str, u64)> {
    let mut v: Vec<(&str, u64)> = Vec::new();
    for r in reports {
        let mut seen: Vec<&str> = Vec::new();
        for f in r.findings.iter().filter(|f| matches!(f.role, Role::Cause | Role::Candidate)) {
            if seen.contains(&f.id.as_str()) {
                continue;
            }
            seen.push(&f.id);
            match v.iter_mut().find(|(id, _)| *id == f.id) {
                Some((_, n)) => *n += 1,
                None => v.push((&f.id, 1)),
            }
        }
    }
    // A stable sort keeps first appearance among equal counts.
    v.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    v
}

/// A bulk scan's file, bounded whatever the number of logs: `DINDLOG_REPORTS`,
/// `DINDLOG_FAILED`, `DINDLOG_UNEXPLAINED` (failed with no cause or
/// candidate), `DINDLOG_UNREADABLE`; `DINDLOG_ROOT_CAUSE` (the root cause of
/// the most reports) and `DINDLOG_TRANSIENT` (whether it is transient);
/// `DINDLOG_LINE` (empty: a fleet has no one line); `DINDLOG_CLASSES` (cause
/// and candidate classes, most reports first), `DINDLOG_TOP_CLASSES` (the
/// first five as `id:count`) and `DINDLOG_CLASS_COUNTS` (every class as
/// `id:count`). The lists are cut, whole entries only, to keep the file
/// under [`MAX_BYTES`].
fn fleet(reports: &[FileReport]) -> String {
    let mut causes: Vec<(&crate::classify::Finding, u64)> = Vec::new();
    let (mut failed, mut unexplained, mut unreadable) = (0, 0, 0);
    for r in reports {
        unreadable += u64::from(r.error.is_some());
        let is_failed = r.context.outcome == Some(crate::context::Outcome::Failed);
        failed += u64::from(is_failed);
        let diagnosed = r.findings.iter().any(|f| matches!(f.role, Role::Cause | Role::Candidate));
        unexplained += u64::from(is_failed && !diagnosed);
        if let Some(f) = r.root_cause() {
            match causes.iter_mut().find(|(c, _)| c.id == f.id) {
                Some((_, n)) => *n += 1,
                None => causes.push((f, 1)),
            }
        }
    }
    causes.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    let cause = causes.first().map(|(f, _)| *f);
    let classes = counts(reports);
    let ids: Vec<&str> = classes.iter().map(|(id, _)| *id).collect();
    let pairs: Vec<String> = classes.iter().map(|(id, n)| format!("{id}:{n}")).collect();
    let pairs: Vec<&str> = pairs.iter().map(String::as_str).collect();
    let mut s = String::new();
    let _ = writeln!(s, "DINDLOG_REPORTS={}", reports.len());
    let _ = writeln!(s, "DINDLOG_FAILED={failed}");
    let _ = writeln!(s, "DINDLOG_UNEXPLAINED={unexplained}");
    let _ = writeln!(s, "DINDLOG_UNREADABLE={unreadable}");
    let _ = writeln!(s, "DINDLOG_ROOT_CAUSE={}", cause.map_or("", |f| f.id.as_str()));
    let _ = writeln!(s, "DINDLOG_TRANSIENT={}", cause.is_some_and(|f| f.kind == Kind::Transient));
    let _ = writeln!(s, "DINDLOG_LINE=");
    let top = fit(&pairs[..pairs.len().min(TOP)], 200);
    // What is left below the limit, shared by the two long lists.
    let keys = "DINDLOG_CLASSES=\nDINDLOG_TOP_CLASSES=\nDINDLOG_CLASS_COUNTS=\n".len();
    let room = (MAX_BYTES - 1).saturating_sub(s.len() + keys + top.len());
    let _ = writeln!(s, "DINDLOG_CLASSES={}", fit(&ids, room / 2));
    let _ = writeln!(s, "DINDLOG_TOP_CLASSES={top}");
    let _ = writeln!(s, "DINDLOG_CLASS_COUNTS={}", fit(&pairs, room / 2));
    debug_assert_eq!(s.lines().count(), FLEET_VARIABLES);
    s
}

/// The items joined by commas, as many whole items as fit in `max` bytes.
fn fit(items: &[&str], max: usize) -> String {
    let mut out = String::new();
    for item in items {
        let extra = item.len() + usize::from(!out.is_empty());
        if out.len() + extra > max {
            break;
        }
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Finding;
    use crate::context::{JobContext, Outcome};

    fn report(path: &str, findings: &[(&str, Role)]) -> FileReport {
        let mut r = FileReport::failed(path.to_string(), String::new());
        r.error = None;
        r.context = JobContext { outcome: Some(Outcome::Failed), ..JobContext::default() };
        r.findings = findings
            .iter()
            .map(|(id, role)| {
                let mut f: Finding = serde_json::from_value(serde_json::json!({
                    "id": id, "title": "", "kind": "root", "severity": "error", "role": role,
                    "explained_by": null, "explains": [], "first_line": 7, "count": 1,
                    "evidence": [], "summary": "", "fix": "", "question": null, "docs": [],
                    "config": null, "confidence": 0.9
                }))
                .unwrap();
                f.id = id.to_string();
                f
            })
            .collect();
        r
    }

    fn vars(s: &str) -> Vec<(&str, &str)> {
        s.lines().map(|l| l.split_once('=').unwrap()).collect()
    }

    #[test]
    fn one_report_names_each_class_once_and_always_a_line() {
        let r = report(
            "a.log",
            &[
                ("x", Role::Cause),
                ("y", Role::Candidate),
                ("x", Role::Candidate),
                ("z", Role::Symptom),
            ],
        );
        assert_eq!(
            dotenv(&[r]),
            "DINDLOG_ROOT_CAUSE=x\nDINDLOG_TRANSIENT=false\nDINDLOG_CLASSES=x,y\nDINDLOG_LINE=7\n"
        );
        let clean = report("b.log", &[]);
        assert_eq!(
            dotenv(&[clean]),
            "DINDLOG_ROOT_CAUSE=\nDINDLOG_TRANSIENT=false\nDINDLOG_CLASSES=\nDINDLOG_LINE=\n"
        );
        assert_eq!(dotenv(&[]), dotenv(&[report("c.log", &[])]));
    }

    /// Thousands of reports over hundreds of long class ids still give a
    /// file GitLab accepts.
    #[test]
    fn a_fleet_stays_within_gitlabs_limits() {
        let ids: Vec<String> =
            (0..400).map(|i| format!("a-rather-long-user-defined-class-id-{i:04}")).collect();
        let reports: Vec<FileReport> = (0..5000)
            .map(|i| {
                let id = ids[(i * i) % ids.len()].as_str();
                report(&format!("{i}.log"), &[(id, Role::Cause), ("common", Role::Candidate)])
            })
            .collect();
        let s = dotenv(&reports);
        assert!(s.len() < MAX_BYTES, "{} bytes", s.len());
        let v = vars(&s);
        assert_eq!(v.len(), FLEET_VARIABLES);
        assert!(v.len() <= MAX_VARIABLES);
        let get = |k: &str| v.iter().find(|(key, _)| *key == k).map(|(_, val)| *val).unwrap();
        assert_eq!(get("DINDLOG_REPORTS"), "5000");
        assert_eq!(get("DINDLOG_FAILED"), "5000");
        assert_eq!(get("DINDLOG_LINE"), "");
        assert!(get("DINDLOG_TOP_CLASSES").starts_with("common:5000,"), "{s}");
        let classes: Vec<&str> = get("DINDLOG_CLASSES").split(',').collect();
        assert_eq!(classes[0], "common");
        let mut unique = classes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), classes.len(), "a class named twice");
        assert!(classes.len() > 10 && classes.len() < 401, "{} classes", classes.len());
        for (k, val) in v {
            assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{k}");
            assert!(!val.contains([' ', '"', '\'', '#']) && val != "none", "{k}={val}");
        }
    }
}
