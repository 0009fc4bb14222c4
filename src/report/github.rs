//! The `github` format: GitHub Actions workflow commands, a group per input and `::error` per cause.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::export::{ExportError, Exporter, Options, Subject};
use super::FileReport;
use crate::classify::Role;
use crate::signature::Severity;

/// The `github` exporter (log reports only).
pub struct Github;

impl Exporter for Github {
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        _: &Options,
    ) -> Result<(), ExportError> {
        let (reports, _) = subject.logs("github")?;
        Ok(print_github(w, reports)?)
    }
}

/// GitHub Actions workflow commands: a group per input, `::error` per cause.
fn print_github(w: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
    for r in reports {
        writeln!(w, "::group::dindlog {}", gh_data(&r.path))?;
        if let Some(e) = &r.error {
            writeln!(w, "::error title=dindlog::{}", gh_data(&format!("{}: {e}", r.path)))?;
        }
        for f in &r.findings {
            let cmd = match (f.role, f.severity) {
                (Role::Symptom, _) => "notice",
                (Role::Cause | Role::Candidate, Severity::Error) => "error",
                (_, Severity::Info) => "notice",
                _ => "warning",
            };
            let title = match f.role {
                Role::Cause => format!("{} (root cause)", f.id),
                Role::Candidate => format!("{} (possible cause)", f.id),
                Role::Symptom => {
                    format!("{} (symptom of {})", f.id, f.explained_by.as_deref().unwrap_or("?"))
                }
                Role::Advice => format!("{} (advice)", f.id),
            };
            let mut msg = format!("{}\n", f.title);
            for e in &f.evidence {
                let _ = writeln!(msg, "line {}: {}", e.line, e.text);
            }
            if f.role != Role::Symptom {
                let _ = write!(msg, "Fix:\n{}\n{}", f.fix, f.docs.join("\n"));
            }
            writeln!(
                w,
                "::{cmd} file={},line={},title={}::{}",
                gh_prop(&r.path),
                f.first_line.max(1),
                gh_prop(&title),
                gh_data(&msg)
            )?;
        }
        writeln!(w, "::endgroup::")?;
    }
    Ok(())
}

fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(gh_data("50%\nnext\r"), "50%25%0Anext%0D");
        assert_eq!(gh_prop("a:b,c"), "a%3Ab%2Cc");
    }
}
