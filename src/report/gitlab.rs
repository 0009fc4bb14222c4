//! The report files GitLab reads (JUnit, Code Quality, annotations, dotenv), GitHub workflow commands, and GitLab's collapsible log sections.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::term::escape_terminal;
use super::FileReport;
use crate::classify::{ConfigLocation, Finding, Role};
use crate::signature::{Kind, Severity};

/// Where Code Quality entries point when no CI file line is known.
pub const DEFAULT_CONFIG_PATH: &str = ".gitlab-ci.yml";

/// JUnit XML: one test case per finding, failed for causes and candidates, so
/// the merge request's test summary names the failure and shows the fix.
pub fn junit(reports: &[FileReport]) -> String {
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

#[derive(Serialize)]
struct CodeQuality<'a> {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'a str,
    location: CqLocation<'a>,
}

#[derive(Serialize)]
struct CqLocation<'a> {
    path: &'a str,
    lines: CqLines,
}

#[derive(Serialize)]
struct CqLines {
    begin: u64,
}

/// Code Quality JSON. Symptoms are left out (their cause is the entry). Each
/// entry points at the finding's configuration line when `--ci-config` found
/// one, else at the top of `.gitlab-ci.yml`.
pub fn codequality(reports: &[FileReport]) -> String {
    let mut entries = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let fallback = || ConfigLocation { path: DEFAULT_CONFIG_PATH.to_string(), line: 1, column: 1 };
    let mut locs = Vec::new();
    for r in reports {
        for f in r.findings.iter().filter(|f| f.role != Role::Symptom) {
            let loc = f.config.clone().unwrap_or_else(fallback);
            // Stable across runs and log versions: what failed and where to fix it.
            let fingerprint = fingerprint(&[&f.id, &loc.path, &loc.line.to_string()]);
            if seen.insert(fingerprint.clone()) {
                locs.push((f, loc, fingerprint));
            }
        }
    }
    for (f, loc, fingerprint) in &locs {
        entries.push(CodeQuality {
            description: format!("dindlog {}: {} (job log line {})", f.id, f.title, f.first_line),
            check_name: format!("dindlog/{}", f.id),
            fingerprint: fingerprint.clone(),
            severity: cq_severity(f),
            location: CqLocation { path: &loc.path, lines: CqLines { begin: loc.line.max(1) } },
        });
    }
    // Serialising plain data to a string cannot fail.
    serde_json::to_string_pretty(&entries).expect("code quality json") + "\n"
}

fn cq_severity(f: &Finding) -> &'static str {
    match (f.role, f.severity) {
        (Role::Cause, Severity::Error) => "critical",
        (_, Severity::Error) => "major",
        (_, Severity::Warning) => "minor",
        (_, Severity::Info) => "info",
    }
}

/// The stable hash over the parts, as 32 hex digits: unique enough for
/// de-duplicating a few findings, and the same on every machine.
fn fingerprint(parts: &[&str]) -> String {
    crate::docker::fingerprint(parts)
}

#[derive(Serialize)]
struct ExternalLink<'a> {
    external_link: Link<'a>,
}

#[derive(Serialize)]
struct Link<'a> {
    label: String,
    url: &'a str,
}

/// GitLab's annotations report: a link to each finding's documentation, and,
/// when `job_url` is known, to its first evidence line in the job log.
pub fn annotations(reports: &[FileReport], job_url: Option<&str>) -> String {
    let mut links = Vec::new();
    let mut line_urls = Vec::new();
    for r in reports {
        for f in r.findings.iter().filter(|f| f.role != Role::Symptom) {
            if let Some(url) = job_url {
                line_urls.push((
                    format!("{}: log line {}", f.id, f.first_line),
                    format!("{url}#L{}", f.first_line),
                ));
            }
            for d in &f.docs {
                if !links.iter().any(|(_, u): &(String, &str)| *u == d.as_str()) {
                    links.push((format!("{}: {}", f.id, f.title), d.as_str()));
                }
            }
        }
    }
    let mut list: Vec<ExternalLink<'_>> = line_urls
        .iter()
        .map(|(label, url)| ExternalLink { external_link: Link { label: label.clone(), url } })
        .collect();
    list.extend(
        links.into_iter().map(|(label, url)| ExternalLink { external_link: Link { label, url } }),
    );
    // GitLab accepts at most 1000 entries per list.
    list.truncate(1000);
    let doc = std::collections::BTreeMap::from([("dindlog", list)]);
    serde_json::to_string_pretty(&doc).expect("annotations json") + "\n"
}

/// dotenv for later jobs. Values never contain spaces, quotes or newlines.
pub fn dotenv(reports: &[FileReport]) -> String {
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

/// GitHub Actions workflow commands: a group per input, `::error` per cause.
pub fn print_github(w: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
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

/// Wraps `body` in a GitLab collapsible section named `dindlog`, collapsed
/// when it is long. `now` is the Unix time for the markers.
pub fn gitlab_section(w: &mut dyn Write, header: &str, body: &str, now: u64) -> io::Result<()> {
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
    fn fingerprints_are_stable_and_distinct() {
        let a = fingerprint(&["daemon-tls-port", ".gitlab-ci.yml", "12"]);
        assert_eq!(a, fingerprint(&["daemon-tls-port", ".gitlab-ci.yml", "12"]));
        assert_ne!(a, fingerprint(&["daemon-tls-port", ".gitlab-ci.yml", "13"]));
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn xml_escaping() {
        assert_eq!(xml("a<b>&\"'\x07\u{1b}"), "a&lt;b&gt;&amp;&quot;&apos;\\x07\\x1b");
    }

    #[test]
    fn github_escaping() {
        assert_eq!(gh_data("50%\nnext\r"), "50%25%0Anext%0D");
        assert_eq!(gh_prop("a:b,c"), "a%3Ab%2Cc");
    }

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
