//! The machine-readable outputs: one JSON document (`--format json`) or a stream of JSON Lines events (`--format jsonl`).
//!
//! # The JSON document (`version` 1)
//!
//! ```text
//! {"version": 1,
//!  "files": [ {"path": "job.log", "lines": 812, "bytes": 64133, "error": null, "binary": false,
//!              "service_logs": [],
//!              "context": {"preamble": true, "runner_version": "17.3.1", "executor": "docker",
//!                          "image": "docker:24.0.5", "services": ["docker:24.0.5-dind"], ...},
//!              "findings": [ FINDING, ... ] } ],
//!  "summary": {"files": 1, "errors": 0, "files_with_findings": 1, "failed_unclassified": 0,
//!              "classes": {"dind-not-privileged": {"files": 1, "cause": 1, ...}}, ...}}
//! ```
//!
//! A FINDING is `{"id", "title", "kind", "severity", "role", "explained_by",
//! "explains", "first_line", "count", "evidence": [{"line", "source",
//! "section", "text", "file", "captures"}], "summary", "fix", "question",
//! "docs", "config", "confidence"}`; `config` is `{"path", "line", "column"}` of the CI
//! configuration key to change (with `--ci-config`), else null. `confidence`
//! (0..1, two decimals) is how likely the finding is right: 0.9 and up for a
//! message that names its class, about 0.8 for weak evidence the job's context
//! settles, and for open candidates their share of what the log leaves open
//! (they add up to at most 0.85); calibrated on the corpora by `scripts/eval.py`. Findings are ordered most likely root cause first. Fields are
//! only ever added, never renamed or removed, while `version` stays 1.
//!
//! # JSON Lines
//!
//! One object per line, `{"type": T, "data": D}`, in this order per input:
//! `begin` (`{"path"}`), one `finding` per finding (`{"path", ...FINDING}`),
//! `end` (`{"path", "lines", "bytes", "error", "findings"}`); after every
//! input, one `summary`. Each input's events are written as soon as it is
//! classified.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::export::{ExportError, Exporter, LogStream, Options, Subject};

use serde::Serialize;

use super::{FileReport, Summary};
use crate::classify::{Finding, Role};
use crate::context::JobContext;
use crate::scan::Evidence;
use crate::signature::{Kind, Severity, Source};

/// The document's schema version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files: Vec<FileJson<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct FileJson<'a> {
    path: &'a str,
    lines: u64,
    bytes: u64,
    error: Option<&'a str>,
    binary: bool,
    service_logs: &'a [String],
    context: &'a JobContext,
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
pub(crate) struct FindingJson<'a> {
    id: &'a str,
    title: &'a str,
    kind: Kind,
    severity: Severity,
    role: Role,
    explained_by: Option<&'a str>,
    explains: &'a [String],
    first_line: u64,
    count: u64,
    evidence: Vec<EvidenceJson<'a>>,
    summary: &'a str,
    fix: &'a str,
    question: Option<&'a str>,
    docs: &'a [String],
    config: Option<&'a crate::classify::ConfigLocation>,
    confidence: f64,
}

#[derive(Serialize)]
struct EvidenceJson<'a> {
    line: u64,
    source: Source,
    section: Option<&'a str>,
    text: &'a str,
    file: Option<&'a str>,
    captures: BTreeMap<&'a str, &'a str>,
}

impl<'a> FindingJson<'a> {
    pub(crate) fn new(f: &'a Finding) -> Self {
        FindingJson {
            id: &f.id,
            title: &f.title,
            kind: f.kind,
            severity: f.severity,
            role: f.role,
            explained_by: f.explained_by.as_deref(),
            explains: &f.explains,
            first_line: f.first_line,
            count: f.count,
            evidence: f.evidence.iter().map(EvidenceJson::new).collect(),
            summary: &f.summary,
            fix: &f.fix,
            question: f.question.as_deref(),
            docs: &f.docs,
            config: f.config.as_ref(),
            confidence: f.confidence,
        }
    }
}

impl<'a> EvidenceJson<'a> {
    fn new(e: &'a Evidence) -> Self {
        EvidenceJson {
            line: e.line,
            source: e.source,
            section: e.section.as_deref(),
            text: &e.text,
            file: e.origin.as_deref(),
            captures: e.captures.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        }
    }
}

/// The `json` exporter: log reports (the document above), lint and doctor
/// reports, and merged documents.
pub struct Json;

impl Exporter for Json {
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        opts: &Options,
    ) -> Result<(), ExportError> {
        match subject {
            Subject::Logs { summary, .. } if opts.summary_only => print_json(w, &[], summary)?,
            Subject::Logs { reports, summary } => print_json(w, reports, summary)?,
            Subject::Config(r) => pretty(w, r)?,
            Subject::Daemon(r) => pretty(w, &r.to_json())?,
            Subject::Merged(v) => pretty(w, v)?,
        }
        Ok(())
    }

    fn stream(&self, opts: &Options) -> Option<Box<dyn LogStream>> {
        Some(Box::new(JsonStream { summary_only: opts.summary_only, files: 0 }))
    }
}

/// The document above written file by file: the same bytes serde_json's
/// pretty printer makes of the whole [`Document`], with each file's object
/// printed on its own and indented to its depth (JSON strings hold no raw
/// newline, so indenting line by line is exact).
struct JsonStream {
    summary_only: bool,
    files: usize,
}

const JSON_HEAD: &str = "{\n  \"version\": 1,\n  \"files\": [";

impl LogStream for JsonStream {
    fn report(&mut self, w: &mut dyn Write, r: &FileReport) -> io::Result<()> {
        if self.summary_only {
            return Ok(());
        }
        w.write_all(if self.files == 0 { JSON_HEAD.as_bytes() } else { b"," })?;
        self.files += 1;
        let text = serde_json::to_string_pretty(&FileJson::new(r))?;
        for line in text.lines() {
            write!(w, "\n    {line}")?;
        }
        Ok(())
    }

    fn finish(&mut self, w: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if self.files == 0 {
            write!(w, "{JSON_HEAD}],")?;
        } else {
            w.write_all(b"\n  ],")?;
        }
        w.write_all(b"\n  \"summary\": ")?;
        let text = serde_json::to_string_pretty(summary)?;
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                w.write_all(b"\n  ")?;
            }
            w.write_all(line.as_bytes())?;
        }
        w.write_all(b"\n}\n")
    }
}

fn pretty(w: &mut dyn Write, v: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, v)?;
    writeln!(w)
}

impl<'a> FileJson<'a> {
    fn new(r: &'a FileReport) -> Self {
        FileJson {
            path: &r.path,
            lines: r.lines,
            bytes: r.bytes,
            error: r.error.as_deref(),
            binary: r.binary,
            service_logs: &r.service_logs,
            context: &r.context,
            findings: r.findings.iter().map(FindingJson::new).collect(),
        }
    }
}

/// Writes the whole run as one JSON document.
fn print_json(w: &mut dyn Write, reports: &[FileReport], summary: &Summary) -> io::Result<()> {
    let doc =
        Document { version: VERSION, files: reports.iter().map(FileJson::new).collect(), summary };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}
