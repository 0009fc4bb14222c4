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
        match subject {
            Subject::Logs { reports, .. } => Ok(w.write_all(dotenv(reports).as_bytes())?),
            other => Err(ExportError::Unsupported { format: "dotenv", subject: other.what() }),
        }
    }
}

/// dotenv for later jobs. Values never contain spaces, quotes or newlines.
fn dotenv(reports: &[FileReport]) -> String {
    let cause = reports.iter().find_map(|r| r.root_cause());
    let classes: Vec<&str> = {
        let mut v: Vec<&str> = reports
            .iter()
            .flat_map(|r| r.findings.iter())
            .filter(|f| matches!(f.role, Role::Cause | Role::Candidate))
            .map(|f| f.id.as_str())
            .collect();
        v.dedup();
        v
    };
    let transient = cause.is_some_and(|f| f.kind == Kind::Transient);
    let mut s = String::new();
    let _ = writeln!(s, "DINDLOG_ROOT_CAUSE={}", cause.map_or("none", |f| f.id.as_str()));
    let _ = writeln!(s, "DINDLOG_TRANSIENT={transient}");
    let _ = writeln!(
        s,
        "DINDLOG_CLASSES={}",
        if classes.is_empty() { "none".to_string() } else { classes.join(",") }
    );
    if let Some(f) = cause {
        let _ = writeln!(s, "DINDLOG_LINE={}", f.first_line);
    }
    s
}
