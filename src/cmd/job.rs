//! `dindlog run` and `dindlog annotate`: the subcommands that work inside a CI job.

use std::io::Write;
use std::path::{Path, PathBuf};

use dindlog::doctor::DoctorEnv;
use dindlog::input::Input;
use dindlog::jobenv::JobEnv;
use dindlog::{live, Analyzer, FileReport, InputKind, Summary};

use dindlog::report::Subject;

use super::output;
use super::scan::{attach_config, summary_of};
use super::{load_set, stdout, unix_now, use_color_in_job, Result, EXIT_CLEAN};
use crate::cli::{AnnotateArgs, Format, RunArgs};
use crate::is_broken_pipe;

/// `run -- missing-program` exits as `env`, `timeout` and shells do.
const EXIT_NOT_FOUND: u8 = 127;
/// `run -- file-that-is-not-executable`.
const EXIT_NOT_EXECUTABLE: u8 = 126;

/// Each probe check's limit; doctor bounds the whole probe by three times it.
const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// Where `run` keeps logs and `annotate` finds them.
pub(crate) fn kept_logs_dir() -> PathBuf {
    let base = std::env::var_os("CI_PROJECT_DIR").map_or_else(|| PathBuf::from("."), Into::into);
    base.join(".dindlog")
}

/// Where `run` leaves its diagnosis of a kept log, for `annotate` to reuse.
fn diagnosis_path(log: &Path) -> PathBuf {
    let mut name = log.file_name().unwrap_or_default().to_os_string();
    name.push(".diagnosis.json");
    log.with_file_name(name)
}

/// Classifies a failed job's log in its environment, and looks at the daemon
/// when that can decide something (unless `no_probe`).
fn diagnose(analyzer: &Analyzer, report: &mut FileReport, no_probe: bool) {
    if !no_probe && live::wants_probe(analyzer.signatures(), report) {
        let env = DoctorEnv { timeout: PROBE_TIMEOUT, ..DoctorEnv::from_process_env() };
        let doctor = dindlog::doctor::run(&env);
        live::fold_probe(analyzer.signatures(), report, &doctor);
        // A class the probe found alone gets the environment's lines too.
        live::add_environment(analyzer.signatures(), report, &JobEnv::from_process());
    }
}

pub(crate) fn run_command(args: RunArgs) -> Result<u8> {
    let analyzer = Analyzer::new(load_set(&args.common)?)
        .with_redaction(!args.common.no_redact)
        .with_env(JobEnv::from_process());
    let log_path = args.log.clone().unwrap_or_else(|| {
        kept_logs_dir().join(format!("run-{}-{}.log", unix_now(), std::process::id()))
    });
    let opts = dindlog::run::RunOptions {
        command: args.command.clone(),
        log_path: Some(log_path.clone()),
        grace: std::time::Duration::from_secs(2),
        redact: !args.common.no_redact,
        keep_bytes: args.keep_bytes,
    };
    let outcome = match dindlog::run::run(analyzer.scanner(), &opts) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("dindlog: {e}");
            return Ok(match e.error.kind() {
                std::io::ErrorKind::NotFound => EXIT_NOT_FOUND,
                _ => EXIT_NOT_EXECUTABLE,
            });
        }
    };
    if let Some(e) = &outcome.log_error {
        eprintln!("dindlog: warning: {e}");
    }
    if outcome.status.success() {
        return Ok(0);
    }
    let name = log_path.display().to_string();
    let mut report = analyzer.report(&name, outcome.scan, Vec::new());
    diagnose(&analyzer, &mut report, args.no_probe);
    let mut reports = [report];
    if let Err(e) = attach_config(&args.reports, &mut reports) {
        eprintln!("dindlog: warning: {e}");
    }
    if let Err(e) = save_diagnosis(&log_path, &reports[0]) {
        eprintln!("dindlog: warning: {e}");
    }
    let opts = output::options(
        use_color_in_job(args.common.color),
        false,
        args.reports.ci_config.as_deref(),
    );
    let summary = Summary::default();
    let subject = Subject::Logs { reports: &reports, summary: &summary };
    let mut out = stdout();
    let status_line = format!("dindlog: the command failed ({})", outcome.status);
    writeln!(out, "{status_line}")?;
    output::format_of(&Format::Gitlab).export(&mut out, subject, &opts)?;
    out.flush()?;
    if let Err(e) = output::write_files(&output::report_files(&args.reports), subject, &opts) {
        eprintln!("dindlog: warning: {e}");
    }
    let transient =
        reports[0].root_cause().is_some_and(|f| f.kind == dindlog::signature::Kind::Transient);
    Ok(match args.transient_exit {
        Some(code) if transient => code,
        _ => outcome.status.shell_code(),
    })
}

fn save_diagnosis(log: &Path, report: &FileReport) -> Result<()> {
    let path = diagnosis_path(log);
    let text = serde_json::to_vec(report)?;
    std::fs::write(&path, text)
        .map_err(|e| format!("{}: cannot keep the diagnosis: {e}", path.display()).into())
}

fn load_diagnosis(log: &Path) -> Option<FileReport> {
    let text = std::fs::read(diagnosis_path(log)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// after_script: never fails the job. Bad arguments reach here too (see
/// `main`), as a warning.
pub(crate) fn annotate(args: AnnotateArgs) -> u8 {
    if let Err(e) = annotate_inner(&args) {
        if !is_broken_pipe(e.as_ref()) {
            eprintln!("dindlog: warning: {e}");
        }
    }
    EXIT_CLEAN
}

fn annotate_inner(args: &AnnotateArgs) -> Result<()> {
    let opts = output::options(
        use_color_in_job(args.common.color),
        false,
        args.reports.ci_config.as_deref(),
    );
    let files = output::report_files(&args.reports);
    let write_report_files = |reports: &[FileReport]| {
        let summary = summary_of(reports);
        output::write_files(&files, Subject::Logs { reports, summary: &summary }, &opts)
    };
    let status = std::env::var("CI_JOB_STATUS").ok();
    if status.as_deref() == Some("success") {
        // artifacts:reports must never point at a missing file.
        return write_report_files(&[]);
    }
    if status.is_none() {
        eprintln!(
            "dindlog: CI_JOB_STATUS is not set (not in after_script?): reading the kept logs as if the job failed"
        );
    }
    let analyzer = Analyzer::new(load_set(&args.common)?)
        .with_redaction(!args.common.no_redact)
        .with_env(JobEnv::from_process());
    let files: Vec<PathBuf> = if args.files.is_empty() {
        let dir = kept_logs_dir();
        let mut v: Vec<_> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "log"))
                .collect(),
            Err(e) => {
                write_report_files(&[])?;
                return Err(
                    format!("{}: no logs kept by `dindlog run` ({e})", dir.display()).into()
                );
            }
        };
        v.sort();
        v
    } else {
        args.files.clone()
    };
    let mut service = Vec::new();
    for p in &args.service_logs {
        let input = Input::from_arg(p);
        let name = input.display_name();
        match input.open().and_then(|r| analyzer.scan(&name, r, InputKind::Service)) {
            Ok(r) => service.push((name, r)),
            Err(e) => eprintln!("dindlog: warning: {e}"),
        }
    }
    let mut reports = Vec::new();
    let mut reused = 0;
    for p in &files {
        // `run` already printed and kept this diagnosis: one per failed job.
        if service.is_empty() {
            if let Some(r) = load_diagnosis(p) {
                reports.push(r);
                reused += 1;
                continue;
            }
        }
        let input = Input::from_arg(p);
        let name = input.display_name();
        match input.open().and_then(|r| analyzer.scan(&name, r, InputKind::Job)) {
            Ok(r) => {
                let mut report = analyzer.report(&name, r, service.clone());
                diagnose(&analyzer, &mut report, args.no_probe);
                reports.push(report);
            }
            Err(e) => eprintln!("dindlog: warning: {e}"),
        }
    }
    attach_config(&args.reports, &mut reports)?;
    let mut out = stdout();
    if reused == reports.len() && !reports.is_empty() {
        let causes: Vec<&str> =
            reports.iter().filter_map(|r| r.root_cause()).map(|f| f.id.as_str()).collect();
        let what = if causes.is_empty() { "no known cause".to_string() } else { causes.join(", ") };
        writeln!(
            out,
            "dindlog: diagnosis ({what}) printed above by `dindlog run`, in its \"dindlog\" section; reports written"
        )?;
    } else {
        let summary = summary_of(&reports);
        let subject = Subject::Logs { reports: &reports, summary: &summary };
        output::format_of(&Format::Gitlab).export(&mut out, subject, &opts)?;
    }
    out.flush()?;
    write_report_files(&reports)
}
