//! The report data model (one `FileReport` per input, a `Summary` over all) and the printers that render it.

mod annotations;
pub mod codequality;
mod dotenv;
mod export;
mod github;
mod gitlab;
mod html;
mod human;
mod human_exporter;
mod json;
mod jsonl;
mod junit;
mod term;

pub use crate::classify::ConfigLocation;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::classify::{Finding, Role};
use crate::context::JobContext;
use crate::signature::Severity;

pub use export::{
    file_format, format, ExportError, Exporter, Format, LogStream, Options, Subject, FORMATS,
};
pub use human::{
    print_explain, print_human, print_lint, print_signature_table, print_summary, HumanOptions,
};
pub use jsonl::JsonLines;
pub use term::{escape_terminal, plural, table_width, terminal_width, DEFAULT_WIDTH};

/// Everything dindlog says about one input. It serialises (for `run` to hand
/// its diagnosis to `annotate`) in an internal form; the public JSON is
/// the `json` format's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileReport {
    /// Display name: the path as given, or `<stdin>`.
    pub path: String,
    /// Service logs merged into this report.
    pub service_logs: Vec<String>,
    /// Findings, most likely root cause first.
    pub findings: Vec<Finding>,
    /// What the log says about the job.
    pub context: JobContext,
    /// Physical lines read.
    pub lines: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Why the input could not be (fully) read, if it could not.
    pub error: Option<String>,
    /// The input held NUL bytes and was scanned as text.
    pub binary: bool,
}

impl FileReport {
    /// A report for an input that could not be read.
    pub fn failed(path: String, error: String) -> FileReport {
        FileReport {
            path,
            service_logs: Vec::new(),
            findings: Vec::new(),
            context: JobContext::default(),
            lines: 0,
            bytes: 0,
            error: Some(error),
            binary: false,
        }
    }

    /// The first root cause, if any.
    pub fn root_cause(&self) -> Option<&Finding> {
        self.findings.iter().find(|f| f.role == Role::Cause)
    }

    /// Whether a finding reaches `level` (symptoms count through their cause).
    pub fn reaches(&self, level: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= level)
    }

    /// Drops what only printing needs (evidence, titles, texts, links) and
    /// keeps what [`Summary::add`] and [`FileReport::reaches`] read: for a
    /// bulk scan whose report is already written, 20,000 of which would
    /// otherwise be held to the end.
    pub fn lighten(&mut self) {
        for f in &mut self.findings {
            f.evidence = Vec::new();
            f.title = String::new();
            f.summary = String::new();
            f.fix = String::new();
            f.question = None;
            f.docs = Vec::new();
            f.explains = Vec::new();
            f.explained_by = None;
        }
        self.service_logs = Vec::new();
    }
}

/// Counts over every input of a run (read back from a JSON report for `merge --html`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Inputs scanned (including those that failed).
    pub files: u64,
    /// Inputs that could not be read.
    pub errors: u64,
    /// Inputs with at least one cause or candidate.
    pub files_with_findings: u64,
    /// Inputs whose job failed (`ERROR: Job failed`).
    pub failed: u64,
    /// Inputs whose job failed (`ERROR: Job failed`) with no cause or candidate.
    pub failed_unclassified: u64,
    /// Per class id: in how many inputs it appeared, and in which role.
    pub classes: BTreeMap<String, ClassCount>,
    /// Per runner version, where the preamble names it.
    pub runner_versions: BTreeMap<String, Breakdown>,
    /// Per executor, where the preamble names it.
    pub executors: BTreeMap<String, Breakdown>,
    /// Per dind service image, where one was started.
    pub dind_images: BTreeMap<String, Breakdown>,
    /// Lines read in total.
    pub lines: u64,
    /// Bytes read in total.
    pub bytes: u64,
}

/// Inputs that share one runner version, executor or dind image.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Breakdown {
    /// Inputs.
    pub files: u64,
    /// ... whose job failed.
    pub failed: u64,
    /// Root causes found among them, by class id.
    pub causes: BTreeMap<String, u64>,
}

impl Breakdown {
    fn add(&mut self, r: &FileReport, failed: bool) {
        self.files += 1;
        self.failed += u64::from(failed);
        for f in r.findings.iter().filter(|f| f.role == Role::Cause) {
            *self.causes.entry(f.id.clone()).or_default() += 1;
        }
    }
}

/// How often one class appeared.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassCount {
    /// Inputs in which it was found in any role.
    pub files: u64,
    /// ... as the root cause.
    pub cause: u64,
    /// ... as a candidate.
    pub candidate: u64,
    /// ... as a symptom.
    pub symptom: u64,
    /// ... as advice.
    pub advice: u64,
}

impl Summary {
    /// Adds one input.
    pub fn add(&mut self, r: &FileReport) {
        self.files += 1;
        self.lines += r.lines;
        self.bytes += r.bytes;
        if r.error.is_some() {
            self.errors += 1;
        }
        let diagnosed = r.findings.iter().any(|f| matches!(f.role, Role::Cause | Role::Candidate));
        let failed = r.context.outcome == Some(crate::context::Outcome::Failed);
        self.failed += u64::from(failed);
        if diagnosed {
            self.files_with_findings += 1;
        } else if failed {
            self.failed_unclassified += 1;
        }
        if let Some(v) = &r.context.runner_version {
            self.runner_versions.entry(v.clone()).or_default().add(r, failed);
        }
        if let Some(e) = &r.context.executor {
            self.executors.entry(e.clone()).or_default().add(r, failed);
        }
        if let Some(d) = r.context.dind_service() {
            self.dind_images.entry(d.to_string()).or_default().add(r, failed);
        }
        for f in &r.findings {
            let c = self.classes.entry(f.id.clone()).or_default();
            c.files += 1;
            match f.role {
                Role::Cause => c.cause += 1,
                Role::Candidate => c.candidate += 1,
                Role::Symptom => c.symptom += 1,
                Role::Advice => c.advice += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Analyzer, SignatureSet};

    /// A lightened report still counts the same in the summary and reaches
    /// the same severities, on every corpus log.
    #[test]
    fn lightened_reports_summarise_the_same() {
        let a = Analyzer::new(SignatureSet::builtin().unwrap());
        let (mut full, mut light) = (Summary::default(), Summary::default());
        let mut findings = 0;
        for entry in std::fs::read_dir("corpus").unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "log") {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            let r = a.analyze_bytes(&path.display().to_string(), &data);
            let mut l = r.clone();
            l.lighten();
            for level in [Severity::Info, Severity::Warning, Severity::Error] {
                assert_eq!(l.reaches(level), r.reaches(level), "{}", path.display());
            }
            findings += r.findings.len();
            full.add(&r);
            light.add(&l);
        }
        assert!(findings > 50, "the corpus has findings: {findings}");
        let json = |s: &Summary| serde_json::to_string(s).unwrap();
        assert_eq!(json(&light), json(&full));
    }
}
