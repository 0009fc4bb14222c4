//! `dindlog run` and `dindlog annotate`: the subcommands that work inside a CI job.

use std::io::Write;

use dindlog::input::Input;
use dindlog::{Analyzer, Summary};

use super::scan::{attach_config, print_section, summary_of, write_report_files};
use super::{load_set, stdout, unix_now, use_color_in_job, Result, EXIT_CLEAN};
use crate::cli::{AnnotateArgs, RunArgs};
use crate::is_broken_pipe;

/// Where `run` keeps logs and `annotate` finds them.
pub(crate) fn kept_logs_dir() -> std::path::PathBuf {
    let base = std::env::var_os("CI_PROJECT_DIR")
        .map_or_else(|| std::path::PathBuf::from("."), Into::into);
    base.join(".dindlog")
}

pub(crate) fn run_command(args: RunArgs) -> Result<u8> {
    let analyzer = Analyzer::new(load_set(&args.common)?).with_redaction(!args.common.no_redact);
    let log_path = args.log.clone().unwrap_or_else(|| {
        kept_logs_dir().join(format!("run-{}-{}.log", unix_now(), std::process::id()))
    });
    let opts = dindlog::run::RunOptions {
        command: args.command.clone(),
        log_path: Some(log_path.clone()),
        grace: std::time::Duration::from_secs(2),
        redact: !args.common.no_redact,
    };
    let outcome = dindlog::run::run(analyzer.scanner(), &opts)?;
    if let Some(e) = &outcome.log_error {
        eprintln!("dindlog: warning: {e}");
    }
    if outcome.status.success() {
        return Ok(0);
    }
    let name = log_path.display().to_string();
    let report = analyzer.report(&name, outcome.scan, Vec::new());
    let mut reports = [report];
    if let Err(e) = attach_config(&args.reports, &mut reports) {
        eprintln!("dindlog: warning: {e}");
    }
    let color = use_color_in_job(args.common.color);
    let mut out = stdout();
    let status_line = format!("dindlog: the command failed ({})", outcome.status);
    writeln!(out, "{status_line}")?;
    print_section(&mut out, &reports, &Summary::default(), color)?;
    out.flush()?;
    if let Err(e) = write_report_files(&args.reports, &reports) {
        eprintln!("dindlog: warning: {e}");
    }
    let transient =
        reports[0].root_cause().is_some_and(|f| f.kind == dindlog::signature::Kind::Transient);
    Ok(match args.transient_exit {
        Some(code) if transient => code,
        _ => outcome.status.shell_code(),
    })
}

/// after_script: never fails the job, stays silent on success.
pub(crate) fn annotate(args: AnnotateArgs) -> u8 {
    let status = std::env::var("CI_JOB_STATUS").unwrap_or_default();
    if status == "success" {
        return EXIT_CLEAN;
    }
    if let Err(e) = annotate_inner(&args) {
        if !is_broken_pipe(e.as_ref()) {
            eprintln!("dindlog: warning: {e}");
        }
    }
    EXIT_CLEAN
}

fn annotate_inner(args: &AnnotateArgs) -> Result<()> {
    let analyzer = Analyzer::new(load_set(&args.common)?).with_redaction(!args.common.no_redact);
    let files: Vec<std::path::PathBuf> = if args.files.is_empty() {
        let dir = kept_logs_dir();
        let mut v: Vec<_> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: no logs kept by `dindlog run` ({e})", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "log"))
            .collect();
        v.sort();
        v
    } else {
        args.files.clone()
    };
    let mut service = Vec::new();
    for p in &args.service_logs {
        let input = Input::from_arg(p);
        let name = input.display_name();
        match input.open().and_then(|r| analyzer.scan(&name, r, true, false)) {
            Ok((r, _)) => service.push((name, r)),
            Err(e) => eprintln!("dindlog: warning: {e}"),
        }
    }
    let mut reports = Vec::new();
    for p in &files {
        let input = Input::from_arg(p);
        let name = input.display_name();
        match input.open().and_then(|r| analyzer.scan(&name, r, false, false)) {
            Ok((r, _)) => reports.push(analyzer.report(&name, r, service.clone())),
            Err(e) => eprintln!("dindlog: warning: {e}"),
        }
    }
    attach_config(&args.reports, &mut reports)?;
    let color = use_color_in_job(args.common.color);
    let mut out = stdout();
    print_section(&mut out, &reports, &summary_of(&reports), color)?;
    out.flush()?;
    write_report_files(&args.reports, &reports)
}
