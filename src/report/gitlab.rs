//! The `gitlab` format: the human report inside a collapsible GitLab job-log section.

use std::io::{self, Write};

use super::export::{ExportError, Exporter, Options, Subject};
use super::human::{print_human, print_summary, HumanOptions};
use super::term::escape_terminal;

/// The `gitlab` exporter (log reports only).
pub struct GitlabSection;

impl Exporter for GitlabSection {
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        opts: &Options,
    ) -> Result<(), ExportError> {
        let (reports, summary) = subject.logs("gitlab")?;
        let mut body = Vec::new();
        let human = HumanOptions { color: opts.color, headers: reports.len() > 1 };
        for r in reports {
            print_human(&mut body, r, human)?;
        }
        if reports.len() > 1 {
            print_summary(&mut body, summary, opts.color)?;
        }
        let findings: usize = reports.iter().map(|r| r.findings.len()).sum();
        let header = match reports.iter().find_map(|r| r.root_cause()) {
            Some(f) => format!(
                "dindlog: root cause {} ({})",
                f.id,
                super::plural(findings as u64, "finding")
            ),
            None => format!("dindlog: {}", super::plural(findings as u64, "finding")),
        };
        Ok(gitlab_section(w, &header, &String::from_utf8_lossy(&body), opts.now)?)
    }
}

/// Wraps `body` in a GitLab collapsible section named `dindlog`, collapsed
/// when it is long. `now` is the Unix time for the markers.
pub(crate) fn gitlab_section(
    w: &mut dyn Write,
    header: &str,
    body: &str,
    now: u64,
) -> io::Result<()> {
    let collapsed = body.lines().count() > 30;
    write!(
        w,
        "\x1b[0Ksection_start:{now}:dindlog[collapsed={collapsed}]\r\x1b[0K\x1b[36;1m{}\x1b[0;m\n",
        escape_terminal(header)
    )?;
    w.write_all(body.as_bytes())?;
    if !body.ends_with('\n') && !body.is_empty() {
        writeln!(w)?;
    }
    write!(w, "\x1b[0Ksection_end:{now}:dindlog\r\x1b[0K\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sections_start_collapsed() {
        let mut out = Vec::new();
        gitlab_section(&mut out, "h", &"line\n".repeat(31), 1).unwrap();
        assert!(out.starts_with(b"\x1b[0Ksection_start:1:dindlog[collapsed=true]\r\x1b[0K"));
        let mut out = Vec::new();
        gitlab_section(&mut out, "h", &"line\n".repeat(30), 1).unwrap();
        assert!(out.starts_with(b"\x1b[0Ksection_start:1:dindlog[collapsed=false]\r\x1b[0K"));
    }

    #[test]
    fn section_markers_are_byte_exact() {
        let mut out = Vec::new();
        gitlab_section(&mut out, "dindlog: 1 finding", "body\n", 1717171717).unwrap();
        assert_eq!(
            out,
            b"\x1b[0Ksection_start:1717171717:dindlog[collapsed=false]\r\x1b[0K\x1b[36;1mdindlog: 1 finding\x1b[0;m\nbody\n\x1b[0Ksection_end:1717171717:dindlog\r\x1b[0K\n"
        );
    }
}
