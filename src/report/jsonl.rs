//! The `jsonl` format: JSON Lines events, each input's as soon as it is classified (described in `json`'s module docs).

use std::io::{self, Write};

use serde::Serialize;

use super::export::{ExportError, Exporter, LogStream, Options, Subject};
use super::json::FindingJson;
use super::{FileReport, Summary};

/// The `jsonl` exporter (log reports only): every input's events, then the
/// summary. A command that streams calls [`JsonLines`] itself as inputs
/// complete; the bytes are the same.
pub struct Jsonl;

impl Exporter for Jsonl {
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        opts: &Options,
    ) -> Result<(), ExportError> {
        let (reports, summary) = subject.logs("jsonl")?;
        // `--summary`: the closing summary event alone.
        for r in reports.iter().filter(|_| !opts.summary_only) {
            JsonLines::file(w, r)?;
        }
        Ok(JsonLines::summary(w, summary)?)
    }

    fn stream(&self, opts: &Options) -> Option<Box<dyn LogStream>> {
        Some(Box::new(JsonlStream { summary_only: opts.summary_only }))
    }
}

/// JSON Lines are made for streaming: each report's events, then the summary.
struct JsonlStream {
    summary_only: bool,
}

impl LogStream for JsonlStream {
    fn report(&mut self, w: &mut dyn Write, r: &FileReport) -> io::Result<()> {
        if self.summary_only {
            return Ok(());
        }
        JsonLines::file(w, r)
    }

    fn finish(&mut self, w: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        JsonLines::summary(w, summary)
    }
}

#[derive(Serialize)]
#[serde(tag = "type", content = "data", rename_all = "lowercase")]
enum Event<'a> {
    Begin {
        path: &'a str,
    },
    Finding {
        path: &'a str,
        #[serde(flatten)]
        finding: FindingJson<'a>,
    },
    End {
        path: &'a str,
        lines: u64,
        bytes: u64,
        error: Option<&'a str>,
        findings: usize,
    },
    Summary(&'a Summary),
}

/// The JSON Lines printer: call [`JsonLines::file`] per input as it
/// completes, then [`JsonLines::summary`].
pub struct JsonLines;

impl JsonLines {
    /// Writes one input's events.
    pub fn file(w: &mut dyn Write, r: &FileReport) -> io::Result<()> {
        emit(w, &Event::Begin { path: &r.path })?;
        for f in &r.findings {
            emit(w, &Event::Finding { path: &r.path, finding: FindingJson::new(f) })?;
        }
        emit(
            w,
            &Event::End {
                path: &r.path,
                lines: r.lines,
                bytes: r.bytes,
                error: r.error.as_deref(),
                findings: r.findings.len(),
            },
        )?;
        w.flush()
    }

    /// Writes the closing summary event.
    pub fn summary(w: &mut dyn Write, s: &Summary) -> io::Result<()> {
        emit(w, &Event::Summary(s))?;
        w.flush()
    }
}

fn emit(w: &mut dyn Write, e: &Event<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *w, e)?;
    w.write_all(b"\n")
}
