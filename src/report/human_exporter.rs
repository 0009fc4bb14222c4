//! The `human` format's exporter: wraps the printers of `human` (log reports, the summary, lint) and doctor's own.

use std::io::Write;

use super::export::{ExportError, Exporter, Options, Subject};
use super::human::{print_human, print_lint, print_summary, HumanOptions};

/// The `human` exporter: log, lint and doctor reports.
pub struct Human;

impl Exporter for Human {
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        opts: &Options,
    ) -> Result<(), ExportError> {
        match subject {
            Subject::Logs { summary, .. } if opts.summary_only => {
                print_summary(w, summary, opts.color)?;
            }
            Subject::Logs { reports, summary } => {
                let human = HumanOptions { color: opts.color, headers: reports.len() > 1 };
                // An unreadable input was said once, on standard error; a
                // person does not need it again here (JSON keeps it in `error`).
                for (i, r) in reports.iter().filter(|r| r.error.is_none()).enumerate() {
                    if i > 0 {
                        writeln!(w)?;
                    }
                    print_human(w, r, human)?;
                }
                if reports.len() > 1 {
                    writeln!(w)?;
                    print_summary(w, summary, opts.color)?;
                }
            }
            Subject::Config(r) => print_lint(w, r, opts.color)?,
            Subject::Daemon(r) => r.print_human(w, opts.color)?,
            Subject::Merged(_) => {
                return Err(ExportError::Unsupported { format: "human", subject: subject.what() })
            }
        }
        Ok(())
    }
}
