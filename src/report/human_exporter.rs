//! The `human` format's exporter: wraps the printers of `human` (log reports, the summary, lint) and doctor's own.

use std::io::{self, Write};

use super::export::{ExportError, Exporter, LogStream, Options, Subject};
use super::human::{print_human, print_lint, print_summary, HumanOptions};
use super::{FileReport, Summary};

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

    fn stream(&self, opts: &Options) -> Option<Box<dyn LogStream>> {
        Some(Box::new(HumanStream {
            color: opts.color,
            summary_only: opts.summary_only,
            seen: 0,
            printed: 0,
            first: None,
        }))
    }
}

/// The human output written report by report. Headers name each input only
/// when there is more than one, which the first report cannot know: it is
/// held, rendered both ways, until a second arrives or the input ends.
struct HumanStream {
    color: bool,
    summary_only: bool,
    /// Reports seen, unreadable ones included (they count for headers).
    seen: usize,
    /// Reports printed (an unreadable input was said on standard error).
    printed: usize,
    /// The first report, without and with its header.
    first: Option<(Vec<u8>, Vec<u8>)>,
}

impl HumanStream {
    fn options(&self, headers: bool) -> HumanOptions {
        HumanOptions { color: self.color, headers }
    }
}

impl LogStream for HumanStream {
    fn report(&mut self, w: &mut dyn Write, r: &FileReport) -> io::Result<()> {
        if self.summary_only {
            return Ok(());
        }
        self.seen += 1;
        if self.seen == 1 {
            if r.error.is_none() {
                let (mut bare, mut headed) = (Vec::new(), Vec::new());
                print_human(&mut bare, r, self.options(false))?;
                print_human(&mut headed, r, self.options(true))?;
                self.first = Some((bare, headed));
            }
            return Ok(());
        }
        if let Some((_, headed)) = self.first.take() {
            w.write_all(&headed)?;
            self.printed += 1;
        }
        if r.error.is_none() {
            if self.printed > 0 {
                writeln!(w)?;
            }
            print_human(w, r, self.options(true))?;
            self.printed += 1;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if self.summary_only {
            return print_summary(w, summary, self.color);
        }
        if let Some((bare, _)) = self.first.take() {
            w.write_all(&bare)?;
        }
        if self.seen > 1 {
            writeln!(w)?;
            print_summary(w, summary, self.color)?;
        }
        Ok(())
    }
}
