//! The exporter trait and the one table of output formats: standard output (`--format`) and report files (`--junit FILE`, ...) are the same exporters pointed at different targets.

use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use super::{FileReport, Summary};
use crate::doctor::DoctorReport;
use crate::lint::LintReport;

/// What a command hands to an exporter.
#[derive(Clone, Copy)]
pub enum Subject<'a> {
    /// `scan`, `run`, `annotate`: one report per input and the summary over them.
    Logs {
        /// The reports, in input order.
        reports: &'a [FileReport],
        /// Counts over every input.
        summary: &'a Summary,
    },
    /// `lint`: the configuration's findings.
    Config(&'a LintReport),
    /// `doctor`: the daemon checks.
    Daemon(&'a DoctorReport),
    /// `merge`: the merged JSON document of several shards.
    Merged(&'a serde_json::Value),
}

impl<'a> Subject<'a> {
    /// The log reports and their summary, for a format that writes nothing
    /// else: any other subject is [`ExportError::Unsupported`] by `format`.
    pub fn logs(
        self,
        format: &'static str,
    ) -> Result<(&'a [FileReport], &'a Summary), ExportError> {
        match self {
            Subject::Logs { reports, summary } => Ok((reports, summary)),
            other => Err(ExportError::Unsupported { format, subject: other.what() }),
        }
    }

    /// What the subject is, for "cannot be written as" errors.
    pub fn what(&self) -> &'static str {
        match self {
            Subject::Logs { .. } => "a log report",
            Subject::Config(_) => "a lint report",
            Subject::Daemon(_) => "a doctor report",
            Subject::Merged(_) => "a merged report",
        }
    }
}

/// How to render, beside the subject.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// ANSI colour (terminal formats only).
    pub color: bool,
    /// Only the summary over all inputs (human and json).
    pub summary_only: bool,
    /// The job's web page (`CI_JOB_URL`), for links to log lines.
    pub job_url: Option<String>,
    /// The Unix time written in GitLab section markers.
    pub now: u64,
    /// What Code Quality locations are relative to (`CI_PROJECT_DIR`, or the
    /// repository root), when known.
    pub project_dir: Option<std::path::PathBuf>,
}

/// Why an export failed.
#[derive(Debug)]
pub enum ExportError {
    /// Writing failed.
    Io(io::Error),
    /// The format does not apply to this subject (e.g. JUnit for `doctor`).
    Unsupported {
        /// The format's name.
        format: &'static str,
        /// [`Subject::what`].
        subject: &'static str,
    },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Io(e) => e.fmt(f),
            ExportError::Unsupported { format, subject } => {
                write!(f, "{subject} cannot be written as {format}")
            }
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExportError::Io(e) => Some(e),
            ExportError::Unsupported { .. } => None,
        }
    }
}

impl From<io::Error> for ExportError {
    fn from(e: io::Error) -> Self {
        ExportError::Io(e)
    }
}

/// One output format.
pub trait Exporter: Sync {
    /// Writes `subject` in this format.
    ///
    /// # Errors
    ///
    /// [`ExportError::Unsupported`] when the format does not apply to the
    /// subject; [`ExportError::Io`] when writing fails.
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        opts: &Options,
    ) -> Result<(), ExportError>;

    /// A writer of log reports one at a time, in input order, as a bulk scan
    /// completes them, when this format can be written so: then nothing
    /// needs keeping once written, and memory does not grow with the inputs.
    /// What it writes equals [`Exporter::export`] of all the reports.
    fn stream(&self, _opts: &Options) -> Option<Box<dyn LogStream>> {
        None
    }
}

/// Log reports written one by one (see [`Exporter::stream`]).
pub trait LogStream {
    /// Writes the next report.
    ///
    /// # Errors
    ///
    /// When writing fails.
    fn report(&mut self, w: &mut dyn Write, r: &FileReport) -> io::Result<()>;
    /// Writes what follows the last report.
    ///
    /// # Errors
    ///
    /// When writing fails.
    fn finish(&mut self, w: &mut dyn Write, summary: &Summary) -> io::Result<()>;
}

/// A format's entry in [`FORMATS`].
pub struct Format {
    /// Its name, as `--format NAME` spells it.
    pub name: &'static str,
    /// The flag that writes it to a file (`--junit`), if it is a report file.
    pub file_flag: Option<&'static str>,
    /// What it is, one line.
    pub about: &'static str,
    /// The exporter.
    pub exporter: &'static dyn Exporter,
}

impl Format {
    /// Exports `subject` to `w`.
    ///
    /// # Errors
    ///
    /// As [`Exporter::export`].
    pub fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        opts: &Options,
    ) -> Result<(), ExportError> {
        self.exporter.export(w, subject, opts)
    }

    /// Exports `subject` to the file `path`, creating its directory. The
    /// whole text is made first, so a format that does not apply leaves no
    /// file behind.
    ///
    /// # Errors
    ///
    /// As [`Exporter::export`], and the file cannot be created or written
    /// (the message names the path).
    pub fn write_file(
        &self,
        path: &Path,
        subject: Subject<'_>,
        opts: &Options,
    ) -> Result<(), ExportError> {
        let mut text = Vec::new();
        self.export(&mut text, subject, opts)?;
        let named = |what: &str, e: io::Error| {
            ExportError::Io(io::Error::new(e.kind(), format!("{}: {what}: {e}", path.display())))
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                ExportError::Io(io::Error::new(
                    e.kind(),
                    format!("{}: cannot create directory: {e}", parent.display()),
                ))
            })?;
        }
        std::fs::write(path, text).map_err(|e| named("cannot write report", e))
    }
}

/// Every output format, each once. Commands pick from it by name: `--format
/// NAME` writes to standard output, a format's `file_flag` to a file.
pub static FORMATS: &[Format] = &[
    Format {
        name: "human",
        file_flag: None,
        about: "for a person at a terminal",
        exporter: &super::human_exporter::Human,
    },
    Format {
        name: "json",
        file_flag: None,
        about: "one JSON document",
        exporter: &super::json::Json,
    },
    Format {
        name: "jsonl",
        file_flag: None,
        about: "JSON Lines: events as each input is classified",
        exporter: &super::jsonl::Jsonl,
    },
    Format {
        name: "github",
        file_flag: None,
        about: "GitHub Actions workflow commands",
        exporter: &super::github::Github,
    },
    Format {
        name: "gitlab",
        file_flag: None,
        about: "the human output inside a collapsible GitLab job-log section",
        exporter: &super::gitlab::GitlabSection,
    },
    Format {
        name: "junit",
        file_flag: Some("--junit"),
        about: "JUnit XML (artifacts:reports:junit)",
        exporter: &super::junit::Junit,
    },
    Format {
        name: "codequality",
        file_flag: Some("--codequality"),
        about: "GitLab Code Quality (artifacts:reports:codequality)",
        exporter: &super::codequality::CodeQuality,
    },
    Format {
        name: "annotations",
        file_flag: Some("--annotations"),
        about: "GitLab annotations (artifacts:reports:annotations)",
        exporter: &super::annotations::Annotations,
    },
    Format {
        name: "html",
        file_flag: Some("--html"),
        about: "one self-contained HTML page: charts of the summary, each job's root cause",
        exporter: &super::html::Html,
    },
    Format {
        name: "dotenv",
        file_flag: Some("--dotenv"),
        about: "dotenv variables for later jobs (artifacts:reports:dotenv)",
        exporter: &super::dotenv::Dotenv,
    },
];

/// The format called `name`.
pub fn format(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
}

/// The format a report-file flag (`--junit`) writes.
pub fn file_format(flag: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.file_flag == Some(flag))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each name and each file flag appears once in the table.
    #[test]
    fn every_format_is_registered_once() {
        for (i, a) in FORMATS.iter().enumerate() {
            for b in &FORMATS[i + 1..] {
                assert_ne!(a.name, b.name, "format {} registered twice", a.name);
                assert!(
                    a.file_flag.is_none() || a.file_flag != b.file_flag,
                    "{:?} writes two formats",
                    a.file_flag
                );
            }
            assert_eq!(format(a.name).map(|f| f.name), Some(a.name));
            if let Some(flag) = a.file_flag {
                assert_eq!(file_format(flag).map(|f| f.name), Some(a.name));
                assert_eq!(flag, format!("--{}", a.name), "a file flag is named after its format");
            }
        }
    }

    /// A format that does not apply says so and writes nothing.
    #[test]
    fn unsupported_subjects_are_refused() {
        let v = serde_json::json!({});
        let dir = std::env::temp_dir().join(format!("dindlog-export-{}", std::process::id()));
        let path = dir.join("junit.xml");
        let err = format("junit")
            .unwrap()
            .write_file(&path, Subject::Merged(&v), &Options::default())
            .unwrap_err();
        assert_eq!(err.to_string(), "a merged report cannot be written as junit");
        assert!(!path.exists());
    }

    /// Streaming writes exactly what exporting all the reports at once writes,
    /// for none, one, an unreadable one first, and many reports.
    #[test]
    fn streams_equal_whole_exports() {
        let analyzer = crate::Analyzer::new(crate::SignatureSet::builtin().unwrap());
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut logs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "log"))
            .collect();
        logs.sort();
        let mut all: Vec<FileReport> = logs
            .iter()
            .take(12)
            .map(|p| analyzer.analyze_bytes(&p.display().to_string(), &std::fs::read(p).unwrap()))
            .collect();
        all.insert(0, FileReport::failed("gone.log".into(), "No such file".into()));
        let cases: Vec<&[FileReport]> = vec![&[], &all[1..2], &all[0..1], &all[..2], &all];
        let mut streamed_formats = 0;
        for f in FORMATS {
            for summary_only in [false, true] {
                for color in [false, true] {
                    let opts = Options { color, summary_only, ..Options::default() };
                    let Some(_) = f.exporter.stream(&opts) else { continue };
                    streamed_formats += 1;
                    for reports in &cases {
                        let mut summary = Summary::default();
                        reports.iter().for_each(|r| summary.add(r));
                        let mut whole = Vec::new();
                        f.export(&mut whole, Subject::Logs { reports, summary: &summary }, &opts)
                            .unwrap();
                        let mut stream = f.exporter.stream(&opts).unwrap();
                        let mut parts = Vec::new();
                        for r in reports.iter() {
                            stream.report(&mut parts, r).unwrap();
                        }
                        stream.finish(&mut parts, &summary).unwrap();
                        assert!(
                            whole == parts,
                            "{} (summary only {summary_only}, colour {color}, {} reports):\n{}\n---\n{}",
                            f.name,
                            reports.len(),
                            String::from_utf8_lossy(&whole),
                            String::from_utf8_lossy(&parts)
                        );
                    }
                }
            }
        }
        assert_eq!(streamed_formats, 12, "human, json and jsonl stream");
    }
}
