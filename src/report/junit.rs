//! The `junit` format: JUnit XML, one test case per finding, for GitLab's `artifacts:reports:junit`.

use std::fmt::Write as _;
use std::io::Write;

use super::export::{ExportError, Exporter, Options, Subject};
use super::FileReport;
use crate::classify::{Finding, Role};

/// The `junit` exporter (log reports only).
pub struct Junit;

impl Exporter for Junit {
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        _: &Options,
    ) -> Result<(), ExportError> {
        let (reports, _) = subject.logs("junit")?;
        Ok(w.write_all(junit(reports).as_bytes())?)
    }
}

/// JUnit XML: one test case per finding, failed for causes and candidates, so
/// the merge request's test summary names the failure and shows the fix.
fn junit(reports: &[FileReport]) -> String {
    let mut cases = String::new();
    let (mut tests, mut failures, mut skipped) = (0, 0, 0);
    for r in reports {
        if r.findings.is_empty() {
            tests += 1;
            let name = match &r.error {
                Some(e) => format!("could not read the log: {e}"),
                None => "no known Docker-build failure".to_string(),
            };
            let _ = writeln!(
                cases,
                "    <testcase classname=\"dindlog\" name=\"{}\" file=\"{}\" time=\"0\"/>",
                xml(&format!("{}: {name}", r.path)),
                xml(&r.path)
            );
            continue;
        }
        for f in &r.findings {
            tests += 1;
            let name = format!("{}: {}", f.id, f.title);
            let _ = write!(
                cases,
                "    <testcase classname=\"dindlog.{}\" name=\"{}\" file=\"{}\" time=\"0\">",
                xml(&f.id),
                xml(&name),
                xml(&r.path)
            );
            match f.role {
                Role::Cause | Role::Candidate => {
                    failures += 1;
                    let what = if f.role == Role::Cause { "root cause" } else { "possible cause" };
                    let _ = write!(
                        cases,
                        "\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    ",
                        xml(&format!("{what}: {}", f.id)),
                        xml(&f.id),
                        xml(&finding_text(&r.path, f))
                    );
                }
                Role::Symptom | Role::Advice => {
                    skipped += 1;
                    let why = match &f.explained_by {
                        Some(by) => format!("symptom of {by}"),
                        None => format!("{}: {}", f.role.as_str(), f.title),
                    };
                    let _ = write!(cases, "\n      <skipped message=\"{}\"/>\n    ", xml(&why));
                }
            }
            cases.push_str("</testcase>\n");
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dindlog\" tests=\"{tests}\" failures=\"{failures}\" skipped=\"{skipped}\">\n  \
<testsuite name=\"dindlog\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}

/// The body shown for a failed test case: evidence, fix, links.
fn finding_text(path: &str, f: &Finding) -> String {
    let mut s = format!("{}\n\n{}\n\nEvidence ({path}):\n", f.title, f.summary);
    for e in &f.evidence {
        let _ = writeln!(s, "  line {} [{}]: {}", e.line, e.source.as_str(), e.text);
    }
    if let Some(q) = &f.question {
        let _ = writeln!(s, "\nCheck: {q}");
    }
    let _ = writeln!(s, "\nFix:\n{}\n", f.fix);
    for d in &f.docs {
        let _ = writeln!(s, "Docs: {d}");
    }
    s
}

/// Escapes text for XML 1.0, replacing characters XML cannot carry at all.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping() {
        assert_eq!(xml("a<b>&\"'\x07\u{1b}"), "a&lt;b&gt;&amp;&quot;&apos;\\x07\\x1b");
    }
}
