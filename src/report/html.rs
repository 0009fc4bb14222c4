//! The `html` format: one self-contained page (inline CSS and SVG, no script, nothing fetched) with the summary as bar charts and a table linking each job to its root cause.
//!
//! Every piece of log-derived text (paths, class titles, runner versions,
//! image names) goes through [`escape`] before it reaches the page.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use serde_json::Value;

use super::export::{ExportError, Exporter, Options, Subject};
use super::{Breakdown, Summary};
use crate::classify::Role;
use crate::docker::version_order;

/// The `html` exporter: log reports and merged documents.
pub struct Html;

impl Exporter for Html {
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        _: &Options,
    ) -> Result<(), ExportError> {
        let page = match subject {
            Subject::Logs { reports, summary } => Page {
                summary: summary.clone(),
                titles: titles(reports.iter().flat_map(|r| &r.findings).map(|f| (&f.id, &f.title))),
                jobs: reports
                    .iter()
                    .map(|r| {
                        let of = |role: Role| {
                            r.findings
                                .iter()
                                .filter(|f| f.role == role)
                                .map(|f| (f.id.clone(), f.title.clone()))
                                .collect::<Vec<_>>()
                        };
                        use crate::context::Outcome;
                        Job {
                            path: r.path.clone(),
                            outcome: match r.context.outcome {
                                Some(Outcome::Failed) => "failed",
                                Some(Outcome::Succeeded) => "succeeded",
                                None => "",
                            },
                            failed: r.context.outcome == Some(Outcome::Failed),
                            unreadable: r.error.is_some(),
                            causes: of(Role::Cause),
                            candidates: of(Role::Candidate),
                        }
                    })
                    .collect(),
            },
            Subject::Merged(v) => Page::from_json(v),
            other => {
                return Err(ExportError::Unsupported { format: "html", subject: other.what() })
            }
        };
        Ok(w.write_all(page.render().as_bytes())?)
    }
}

/// One input, as the page shows it.
struct Job {
    path: String,
    /// `failed`, `succeeded`, or empty when the log does not say.
    outcome: &'static str,
    failed: bool,
    unreadable: bool,
    /// (class id, title).
    causes: Vec<(String, String)>,
    candidates: Vec<(String, String)>,
}

struct Page {
    summary: Summary,
    jobs: Vec<Job>,
    /// Each class's title, from the first finding of it.
    titles: BTreeMap<String, String>,
}

impl Page {
    /// From a `--format json` document (one run's or `merge`'s): a field
    /// that is missing reads as empty, so any valid report renders.
    fn from_json(v: &Value) -> Page {
        let summary = serde_json::from_value(v["summary"].clone()).unwrap_or_default();
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let jobs = v["files"]
            .as_array()
            .map(|files| {
                files
                    .iter()
                    .map(|f| {
                        let of = |role: &str| {
                            f["findings"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter(|x| x["role"] == role)
                                .map(|x| (text(&x["id"]), text(&x["title"])))
                                .collect::<Vec<_>>()
                        };
                        Job {
                            path: text(&f["path"]),
                            outcome: match f["context"]["outcome"].as_str() {
                                Some("failed") => "failed",
                                Some("succeeded") => "succeeded",
                                _ => "",
                            },
                            failed: f["context"]["outcome"] == "failed",
                            unreadable: !f["error"].is_null(),
                            causes: of("cause"),
                            candidates: of("candidate"),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let findings: Vec<(String, String)> = v["files"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|f| f["findings"].as_array().into_iter().flatten())
            .map(|x| (text(&x["id"]), text(&x["title"])))
            .collect();
        Page { summary, jobs, titles: titles(findings.iter().map(|(a, b)| (a, b))) }
    }

    fn render(&self) -> String {
        let s = &self.summary;
        let mut h = String::with_capacity(16 * 1024);
        h.push_str(HEAD);
        let _ = writeln!(
            h,
            "<h1>dindlog: {}</h1>\n<p class=\"lead\">{} failed, {} of them with no known cause; {} with a diagnosis; {} unreadable.</p>",
            super::plural(s.files, "job"),
            s.failed,
            s.failed_unclassified,
            s.files_with_findings,
            s.errors
        );

        h.push_str("<section id=\"shares\">\n<h2>Failed and unexplained</h2>\n");
        let diagnosed_failed = s.failed.saturating_sub(s.failed_unclassified);
        let rows = vec![
            Row::new("all jobs", vec![(s.files, "all")], s.files),
            Row::new(
                "failed",
                vec![(diagnosed_failed, "cause"), (s.failed_unclassified, "open")],
                s.files,
            ),
            Row::new("failed, explained", vec![(diagnosed_failed, "cause")], s.files),
            Row::new("failed, unexplained", vec![(s.failed_unclassified, "open")], s.files),
        ];
        bars(&mut h, "Jobs: all, failed, explained and unexplained failures", &rows, s.files);
        h.push_str("</section>\n");

        h.push_str("<section id=\"classes\">\n<h2>Failure classes</h2>\n");
        let mut classes: Vec<(&String, &super::ClassCount)> = s.classes.iter().collect();
        classes.sort_by(|a, b| b.1.files.cmp(&a.1.files).then(a.0.cmp(b.0)));
        let rows: Vec<Row> = classes
            .iter()
            .map(|(id, c)| {
                let other = c.files.saturating_sub(c.cause + c.candidate);
                let parts = vec![(c.cause, "cause"), (c.candidate, "candidate"), (other, "other")];
                Row::new(id, parts, s.files)
            })
            .collect();
        let max = classes.iter().map(|(_, c)| c.files).max().unwrap_or(0);
        bars(&mut h, "Jobs per failure class", &rows, max);
        h.push_str(LEGEND);
        h.push_str("<table class=\"classes\">\n<thead><tr><th>class</th><th>jobs</th><th>root cause</th><th>candidate</th><th>symptom</th><th>advice</th><th>title</th></tr></thead>\n<tbody>\n");
        for (id, c) in &classes {
            let _ = writeln!(
                h,
                "<tr id=\"class-{0}\"><td><code>{0}</code></td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td><td>{6}</td></tr>",
                escape(id),
                c.files,
                c.cause,
                c.candidate,
                c.symptom,
                c.advice,
                escape(self.titles.get(id.as_str()).map_or("", String::as_str))
            );
        }
        h.push_str("</tbody>\n</table>\n</section>\n");

        for (key, title, map) in [
            ("runners", "By runner version", &s.runner_versions),
            ("dind", "By dind image", &s.dind_images),
        ] {
            let _ = writeln!(h, "<section id=\"{key}\">\n<h2>{title}</h2>");
            breakdown(&mut h, title, map);
            h.push_str("</section>\n");
        }

        h.push_str("<section id=\"jobs\">\n<h2>Jobs and their root causes</h2>\n<table class=\"jobs\">\n<thead><tr><th>job</th><th>outcome</th><th>root cause</th><th>possible causes</th></tr></thead>\n<tbody>\n");
        for j in &self.jobs {
            let outcome = if j.unreadable { "unreadable" } else { j.outcome };
            let links = |v: &[(String, String)]| {
                v.iter()
                    .map(|(id, title)| {
                        format!(
                            "<a href=\"#class-{0}\" title=\"{1}\">{0}</a>",
                            escape(id),
                            escape(title)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let cause = match j.causes.first() {
                Some((_, title)) => {
                    format!("{} <span class=\"title\">{}</span>", links(&j.causes), escape(title))
                }
                None if j.failed && j.candidates.is_empty() => {
                    "<span class=\"open\">unexplained</span>".to_string()
                }
                None => String::new(),
            };
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{outcome}</td><td>{cause}</td><td>{}</td></tr>",
                escape(&j.path),
                links(&j.candidates)
            );
        }
        h.push_str("</tbody>\n</table>\n</section>\n</body>\n</html>\n");
        h
    }
}

/// Each class's title, from the first finding of it with one.
fn titles<'a>(
    findings: impl Iterator<Item = (&'a String, &'a String)>,
) -> BTreeMap<String, String> {
    let mut t = BTreeMap::new();
    for (id, title) in findings.filter(|(_, t)| !t.is_empty()) {
        t.entry(id.clone()).or_insert_with(|| title.clone());
    }
    t
}

/// One bar: a label and segments (count, CSS class).
struct Row {
    label: String,
    parts: Vec<(u64, &'static str)>,
    /// The text after the bar.
    note: String,
}

impl Row {
    /// A row whose note is its total and that total's share of `of`.
    fn new(label: &str, parts: Vec<(u64, &'static str)>, of: u64) -> Row {
        let total: u64 = parts.iter().map(|(n, _)| n).sum();
        Row { label: label.to_string(), parts, note: format!("{total} ({})", percent(total, of)) }
    }
}

/// `n` as a whole percentage of `of`.
fn percent(n: u64, of: u64) -> String {
    if of == 0 {
        "0%".to_string()
    } else {
        format!("{:.0}%", n as f64 * 100.0 / of as f64)
    }
}

const LABEL_WIDTH: u64 = 300;
const BAR_WIDTH: u64 = 420;
const ROW_HEIGHT: u64 = 22;

/// A horizontal bar chart as inline SVG, scaled to `max`.
fn bars(h: &mut String, caption: &str, rows: &[Row], max: u64) {
    if rows.is_empty() {
        h.push_str("<p class=\"none\">none</p>\n");
        return;
    }
    let height = rows.len() as u64 * ROW_HEIGHT + 4;
    let width = LABEL_WIDTH + BAR_WIDTH + 200;
    let _ = writeln!(
        h,
        "<svg class=\"bars\" role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(caption)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = i as u64 * ROW_HEIGHT;
        let label: String = if row.label.chars().count() > 44 {
            row.label.chars().take(43).chain(['…']).collect()
        } else {
            row.label.clone()
        };
        let _ =
            writeln!(h, "<text x=\"0\" y=\"{}\" class=\"label\">{}</text>", y + 15, escape(&label));
        let mut x = LABEL_WIDTH;
        for &(n, class) in &row.parts {
            let w = (n * BAR_WIDTH).checked_div(max).unwrap_or(0);
            if w > 0 {
                let _ = writeln!(
                    h,
                    "<rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{}\" class=\"{class}\"/>",
                    y + 3,
                    ROW_HEIGHT - 6
                );
            }
            x += w;
        }
        let _ = writeln!(
            h,
            "<text x=\"{}\" y=\"{}\" class=\"value\">{}</text>",
            x + 6,
            y + 15,
            escape(&row.note)
        );
    }
    h.push_str("</svg>\n");
}

/// Jobs per key (runner version, dind image): all, and the failed share.
fn breakdown(h: &mut String, caption: &str, map: &BTreeMap<String, Breakdown>) {
    let mut keys: Vec<(&String, &Breakdown)> = map.iter().collect();
    keys.sort_by(|a, b| version_order(a.0, b.0));
    let rows: Vec<Row> = keys
        .into_iter()
        .map(|(k, b)| Row {
            label: k.clone(),
            parts: vec![(b.failed, "failed"), (b.files.saturating_sub(b.failed), "all")],
            note: format!(
                "{}, {} failed ({})",
                super::plural(b.files, "job"),
                b.failed,
                percent(b.failed, b.files)
            ),
        })
        .collect();
    let max = map.values().map(|b| b.files).max().unwrap_or(0);
    bars(h, caption, &rows, max);
    if !map.is_empty() {
        h.push_str("<p class=\"legend\"><span class=\"key failed\"></span> failed <span class=\"key all\"></span> other jobs</p>\n");
    }
}

/// Escapes text for HTML element content and quoted attributes; control
/// characters (which HTML cannot carry) are written as `\xNN`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dindlog report</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.lead { color: #555; }
svg.bars { display: block; max-width: 100%; height: auto; }
svg .label, svg .value { font: 12px system-ui, sans-serif; fill: #222; }
.cause { fill: #c0392b; background: #c0392b; }
.candidate { fill: #e67e22; background: #e67e22; }
.other { fill: #95a5a6; background: #95a5a6; }
.open { fill: #8e44ad; background: #8e44ad; }
span.open { background: none; color: #8e44ad; font-weight: bold; }
.failed { fill: #c0392b; background: #c0392b; }
.all { fill: #3498db; background: #3498db; }
.key { display: inline-block; width: 0.9em; height: 0.9em; vertical-align: middle; }
table { border-collapse: collapse; margin-top: 0.8em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
code { font-family: ui-monospace, monospace; }
.title { color: #555; }
</style>
</head>
<body>
"#;

const LEGEND: &str = "<p class=\"legend\"><span class=\"key cause\"></span> root cause <span class=\"key candidate\"></span> possible cause <span class=\"key other\"></span> symptom or advice</p>\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::FileReport;

    fn page_of(reports: &[FileReport]) -> String {
        let mut summary = Summary::default();
        for r in reports {
            summary.add(r);
        }
        let mut out = Vec::new();
        Html.export(&mut out, Subject::Logs { reports, summary: &summary }, &Options::default())
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The page is whole, fetches nothing and runs nothing.
    #[test]
    fn the_page_is_self_contained() {
        let a = crate::Analyzer::new(crate::SignatureSet::builtin().unwrap());
        let data = std::fs::read("corpus/dind-not-privileged-healthcheck.log").unwrap();
        let r = a.analyze_bytes("job.log", &data);
        let page = page_of(&[r, FileReport::failed("gone.log".into(), "no such file".into())]);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(page.ends_with("</body>\n</html>\n"));
        for section in ["shares", "classes", "runners", "dind", "jobs"] {
            assert!(page.contains(&format!("<section id=\"{section}\">")), "{section}");
        }
        assert!(page.matches("<svg ").count() >= 4);
        assert!(page.contains("<tr id=\"class-dind-not-privileged\">"), "{page}");
        assert!(page.contains("<a href=\"#class-dind-not-privileged\""), "{page}");
        // A failed job is unexplained only without a cause or a candidate,
        // as the summary counts it.
        assert_eq!(page.matches(">unexplained<").count(), 0, "{page}");
        let lower = page.to_lowercase();
        for banned in ["<script", "<link", "<img", "<iframe", " src=", "@import", "url("] {
            assert!(!lower.contains(banned), "{banned} in the page");
        }
        // The only absolute URL is the SVG namespace, which is never fetched.
        assert_eq!(
            lower.matches("http").count(),
            lower.matches("http://www.w3.org/2000/svg").count()
        );
    }

    /// Log-derived text cannot open a tag or leave an attribute.
    #[test]
    fn log_text_is_escaped() {
        assert_eq!(escape("<a href='x'>\"&\u{1b}"), "&lt;a href=&#39;x&#39;&gt;&quot;&amp;\\x1b");
        let evil = "<script>alert(1)</script>\"onload=x'.log";
        let page = page_of(&[FileReport::failed(evil.into(), "e".into())]);
        assert!(!page.contains("<script>"), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;onload=x&#39;.log"),
            "{page}"
        );
        let doc = serde_json::json!({"version": 1, "summary": {"files": 1, "classes": {"<b>x</b>": {"files": 1, "cause": 1}}},
            "files": [{"path": "<i>", "error": null, "context": {"outcome": "failed"},
                       "findings": [{"id": "<b>x</b>", "title": "<u>t</u>", "role": "cause"}]}]});
        let mut out = Vec::new();
        Html.export(&mut out, Subject::Merged(&doc), &Options::default()).unwrap();
        let page = String::from_utf8(out).unwrap();
        for raw in ["<b>", "<i>", "<u>"] {
            assert!(!page.contains(raw), "{raw} unescaped");
        }
        assert!(page.contains("id=\"class-&lt;b&gt;x&lt;/b&gt;\""), "{page}");
    }
}
