//! dindlog explains why a GitLab CI job that builds Docker images failed.
//!
//! It reads job logs (and the dind service's log), recognises each documented
//! failure class, decides which finding is the root cause and which are its
//! symptoms, and gives the fix with the evidence lines and documentation link.
//!
//! # Example
//!
//! ```
//! use dindlog::{Analyzer, SignatureSet};
//!
//! let analyzer = Analyzer::new(SignatureSet::builtin().unwrap());
//! let log = b"$ docker info\nCannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n";
//! let report = analyzer.analyze_bytes("job.log", log);
//! assert_eq!(report.root_cause().map(|f| f.id.as_str()), Some("daemon-tls-port"));
//! ```
//!
//! # The library API
//!
//! - [`Analyzer`]: scans inputs ([`Analyzer::scan`], taken as an
//!   [`InputKind`]) and classifies them ([`Analyzer::report`],
//!   [`Analyzer::analyze_bytes`], [`Analyzer::analyze_all`]) into a
//!   [`FileReport`] of [`Finding`]s, each with a [`Role`], a [`Severity`] and
//!   its [`Evidence`].
//! - [`SignatureSet`] and the [`signature`] module: the knowledge base
//!   (built in, or loaded from TOML files).
//! - [`Scanner`], [`ScanOptions`], [`ScanResult`]: the scan on its own, before
//!   classification ([`Analyzer::scanner`]).
//! - [`report`]: the printers; [`pairing`]: which service log joins which job
//!   log; [`error`]: [`LoadError`] and [`ScanError`].
//!
//! The other public modules (`archive`, `doctor`, `lint`, `run`, ...) are the
//! command line's building blocks: public only because the `dindlog` binary
//! is a crate of its own, hidden from the documentation and not kept stable.
//! `fuzzing` gives the fuzz targets and tests a few internals.
//!
//! # Inside
//!
//! The pipeline, one private module each: `reader` (bounded regions of whole
//! lines) → `assemble` (physical to logical lines, skipping lines without a
//! prefilter hit, see `hits`) → `scan` (decode with `decode`, place with
//! `track` and `context`, confirm; evidence kept by `collect`) → `classify`
//! (roles) → [`report`] (printers). `docs/DESIGN.md` says which module may
//! use which.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The library API.
pub mod docker;
pub mod error;
pub mod pairing;
pub mod report;
pub mod signature;

// The command line's building blocks (see the crate documentation).
#[doc(hidden)]
pub mod archive;
#[doc(hidden)]
pub mod doctor;
#[doc(hidden)]
pub mod input;
#[doc(hidden)]
pub mod jobenv;
#[doc(hidden)]
pub mod lint;
#[doc(hidden)]
pub mod live;
#[doc(hidden)]
pub mod merge;
#[doc(hidden)]
pub mod run;
#[doc(hidden)]
pub mod selftest;
#[doc(hidden)]
pub mod shard;
#[doc(hidden)]
pub mod walk;

// The pipeline's insides.
mod assemble;
mod classify;
mod collect;
mod context;
mod decode;
mod guards;
mod hits;
mod reader;
mod redact;
mod scan;
mod track;

/// Internals the fuzz targets and the integration tests drive directly; not
/// part of the library API.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::reader::Trickle;

    /// The decoder of one physical GitLab log line.
    pub mod decode {
        pub use crate::decode::{
            decode, needs_decoding, parse_header, Header, SectionEvent, HEADER_LEN,
        };
    }
}

use std::io::Read;
use std::sync::Arc;

pub use classify::{ConfigLocation, Finding, Role};
pub use collect::{Evidence, PatternHits, MAX_EVIDENCE};
pub use context::{JobContext, Outcome};
pub use error::{LoadError, ScanError};
pub use pairing::{InputKind, LogKind};
pub use reader::DEFAULT_CAPACITY;
pub use report::{FileReport, Summary};
pub use scan::{ScanOptions, ScanResult, Scanner};
pub use signature::{Severity, Signature, SignatureSet, Source};

/// Scans and classifies inputs with one compiled knowledge base.
#[derive(Clone, Debug)]
pub struct Analyzer {
    scanner: Scanner,
    capacity: usize,
    redact: bool,
    pipeline: bool,
    env: Option<Arc<jobenv::JobEnv>>,
}

impl Analyzer {
    /// Compiles a signature set.
    pub fn new(set: SignatureSet) -> Analyzer {
        Analyzer {
            scanner: Scanner::new(set),
            capacity: reader::DEFAULT_CAPACITY,
            redact: true,
            pipeline: false,
            env: None,
        }
    }

    /// Classifies in the live job's environment: its variables fill the
    /// context the preamble would give, and its lines join the findings about
    /// the daemon (see [`jobenv`] and [`live`]).
    pub fn with_env(mut self, env: jobenv::JobEnv) -> Analyzer {
        self.env = Some(Arc::new(env));
        self
    }

    /// Sets the read buffer size (tests use tiny ones to exercise chunk edges).
    pub fn with_capacity(mut self, capacity: usize) -> Analyzer {
        self.capacity = capacity;
        self
    }

    /// Whether credentials in evidence are masked (the default) or shown.
    pub fn with_redaction(mut self, redact: bool) -> Analyzer {
        self.redact = redact;
        self
    }

    /// Whether each input is scanned on two threads (see
    /// [`ScanOptions::pipeline`]): worth it when there are fewer inputs than cores.
    pub fn with_pipeline(mut self, pipeline: bool) -> Analyzer {
        self.pipeline = pipeline;
        self
    }

    /// The scanner behind this analyzer.
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// The signature set.
    pub fn signatures(&self) -> &SignatureSet {
        self.scanner.signatures()
    }

    /// Scans one input taken for `kind`; the result records what it was
    /// read as ([`ScanResult::kind`]): with [`InputKind::Detect`], an input that
    /// looks like a bare service container log (`docker logs` of the dind
    /// container) is read as one.
    pub fn scan<R: Read>(
        &self,
        name: &str,
        rdr: R,
        kind: InputKind,
    ) -> Result<ScanResult, ScanError> {
        let mut opts = ScanOptions {
            capacity: self.capacity,
            redact: self.redact,
            pipeline: self.pipeline,
            ..ScanOptions::default()
        };
        thread_local! {
            /// Each thread's read buffer, reused from one input to the next.
            static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
        }
        let buffer = BUFFER.take();
        let mut reader =
            reader::ChunkReader::with_buffer(input::BomReader::new(rdr), self.capacity, buffer);
        let is_service = match kind {
            InputKind::Job => false,
            InputKind::Service => true,
            InputKind::Detect => input::looks_like_service_log(
                reader.peek(input::SNIFF_LEN).map_err(|e| ScanError::io(name, e))?,
            ),
        };
        if is_service {
            opts.force_source = Some(Source::Service);
            opts.origin = Some(Arc::from(name));
        }
        let result = self.scanner.scan_chunks(&mut reader, &opts);
        BUFFER.set(reader.into_buffer());
        let mut result = result.map_err(|e| ScanError::io(name, e))?;
        result.kind = if is_service { LogKind::Service } else { LogKind::Job };
        Ok(result)
    }

    /// Classifies a scan result (with any service logs merged in) into a report.
    pub fn report(
        &self,
        path: &str,
        mut result: ScanResult,
        service: Vec<(String, ScanResult)>,
    ) -> FileReport {
        let mut service_logs = Vec::new();
        for (name, s) in service {
            result.merge_service_log(s);
            service_logs.push(name);
        }
        self.classified(path, &result, service_logs)
    }

    /// [`Analyzer::report`] of a result that stays with the caller: without
    /// service logs nothing is merged, so nothing is copied but the context.
    pub fn report_of(
        &self,
        path: &str,
        result: &ScanResult,
        service: &[(String, ScanResult)],
    ) -> FileReport {
        if service.is_empty() {
            return self.classified(path, result, Vec::new());
        }
        self.report(path, result.clone(), service.to_vec())
    }

    fn classified(&self, path: &str, result: &ScanResult, service_logs: Vec<String>) -> FileReport {
        let mut context = result.context.clone();
        if let Some(env) = &self.env {
            env.apply(&mut context);
        }
        let mut report = FileReport {
            path: path.to_string(),
            service_logs,
            findings: classify::classify_in(self.signatures(), result, &context),
            context,
            lines: result.lines,
            bytes: result.bytes,
            error: None,
            binary: result.binary,
        };
        if let Some(env) = &self.env {
            live::add_environment(self.signatures(), &mut report, env);
        }
        report
    }

    /// Reads several inputs as `dindlog scan` does, one after another: each
    /// taken for [`InputKind::Detect`], sniffed service logs joined to the one
    /// job log by [`pairing::pair`], `explicit` service logs (`--service-log`)
    /// joined to every job log, each job log classified once. The command line
    /// runs the same steps on several threads.
    pub fn analyze_all<R: Read>(
        &self,
        inputs: Vec<(String, R)>,
        explicit: &[(String, ScanResult)],
    ) -> Vec<FileReport> {
        let mut out: Vec<(usize, FileReport)> = Vec::new();
        // (input position, name, scan) of each input read; failures are reported at once.
        let mut slots: Vec<(usize, String, Option<ScanResult>)> = Vec::new();
        for (pos, (name, rdr)) in inputs.into_iter().enumerate() {
            match self.scan(&name, rdr, InputKind::Detect) {
                Ok(r) => slots.push((pos, name, Some(r))),
                Err(e) => out.push((pos, FileReport::failed(name, e.to_string()))),
            }
        }
        let kinds: Vec<LogKind> =
            slots.iter().map(|(_, _, r)| r.as_ref().map_or(LogKind::Job, |r| r.kind)).collect();
        for place in pairing::pair(&kinds) {
            let (i, joining) = match place {
                pairing::Placement::Job(i, services) => (i, services),
                pairing::Placement::Alone(i) => (i, Vec::new()),
            };
            let mut service = explicit.to_vec();
            for j in joining {
                if let Some(r) = slots[j].2.take() {
                    service.push((std::mem::take(&mut slots[j].1), r));
                }
            }
            if let Some(r) = slots[i].2.take() {
                out.push((slots[i].0, self.report(&slots[i].1, r, service)));
            }
        }
        out.sort_by_key(|(pos, _)| *pos);
        out.into_iter().map(|(_, r)| r).collect()
    }

    /// Scans and classifies bytes in memory.
    pub fn analyze_bytes(&self, path: &str, data: &[u8]) -> FileReport {
        match self.scan(path, data, InputKind::Job) {
            Ok(r) => self.report(path, r, Vec::new()),
            Err(e) => FileReport::failed(path.to_string(), e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pipeline's steps in order (docs/DESIGN.md, "Pipeline"). A step
    /// may use the steps before it and the shared vocabulary (`signature`,
    /// `error`, `pairing`, `redact`, ...), never a step after it or beside it:
    /// the assembler knows nothing of what consumes its lines, the collector
    /// nothing of how lines were found, the printers nothing of how logs are read.
    const STEPS: &[&[&str]] = &[
        &["reader", "decode", "guards"],
        &["hits"],
        &["assemble"],
        &["track", "context", "collect"],
        &["scan"],
        &["classify"],
        &["report"],
    ];

    /// The first path segment of every `crate::` path in the code (not in
    /// comments, not in the unit tests) of one source file.
    fn crate_paths(source: &str) -> Vec<String> {
        let code = source.split("#[cfg(test)]\nmod ").next().unwrap_or("");
        let mut out = Vec::new();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + "crate::".len()..];
                let names = match rest.strip_prefix('{') {
                    Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
                    None => vec![rest],
                };
                for name in names {
                    let name: String = name
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push(name);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn pipeline_steps_use_only_earlier_steps() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut broken = Vec::new();
        let mut checked = 0;
        for (i, step) in STEPS.iter().enumerate() {
            for &module in *step {
                let mut files = vec![src.join(format!("{module}.rs"))];
                if let Ok(dir) = std::fs::read_dir(src.join(module)) {
                    files.extend(dir.filter_map(|e| e.ok()).map(|e| e.path()));
                }
                for file in files.into_iter().filter(|f| f.is_file()) {
                    let text = std::fs::read_to_string(&file).unwrap();
                    checked += 1;
                    for name in crate_paths(&text) {
                        let later_or_beside = STEPS.iter().enumerate().any(|(j, other)| {
                            (j > i || (j == i && name != module)) && other.contains(&name.as_str())
                        });
                        if later_or_beside {
                            broken.push(format!("{} uses crate::{name}", file.display()));
                        }
                    }
                }
            }
        }
        assert!(checked >= 12, "the source files were found ({checked})");
        assert!(broken.is_empty(), "{broken:#?}");
        // The check itself sees grouped and plain paths, and skips comments.
        assert_eq!(
            crate_paths(
                "use crate::{scan::X, hits};\n// crate::report\nlet x = crate::track::f();"
            ),
            ["scan", "hits", "track"]
        );
    }

    /// The sequential whole-scan path pairs as the command line does: a bare
    /// dind log beside one job log joins it, beside two it stands alone, and
    /// reports keep the input order.
    #[test]
    fn analyze_all_pairs_like_the_command_line() {
        let a = Analyzer::new(SignatureSet::builtin().unwrap());
        let job: &[u8] = b"$ docker info\nerror during connect: Get \"https://docker:2376/v1.24/info\": dial tcp: lookup docker on 10.0.0.2:53: no such host\n";
        let svc: &[u8] =
            b"mount: permission denied (are you root?)\nCould not mount /sys/kernel/security.\n";
        let paired = a.analyze_all(vec![("dind.log".into(), svc), ("job.log".into(), job)], &[]);
        assert_eq!(paired.len(), 1);
        assert_eq!(paired[0].service_logs, ["dind.log"]);
        assert_eq!(paired[0].root_cause().map(|f| f.id.as_str()), Some("dind-not-privileged"));
        let apart = a.analyze_all(
            vec![("a.log".into(), job), ("dind.log".into(), svc), ("b.log".into(), job)],
            &[],
        );
        let names: Vec<&str> = apart.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(names, ["a.log", "dind.log", "b.log"]);
        assert!(apart[0].root_cause().is_none());
    }
}
