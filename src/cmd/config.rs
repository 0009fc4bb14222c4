//! `dindlog lint` and `dindlog doctor`: checking the configuration and the daemon rather than a log.

use std::io::Write;

use dindlog::report;

use super::{stdout, use_color, Result, EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::{DoctorArgs, DoctorFormat, FailOn, LintArgs, LintFormat};

pub(crate) fn lint(args: LintArgs) -> Result<u8> {
    use dindlog::lint::Severity as LintSeverity;
    let opts = dindlog::lint::LintOptions {
        ci_config: args.ci_config.clone(),
        runner_config: args.runner_config.clone(),
    };
    let report = dindlog::lint::lint(&opts)?;
    let color = use_color(args.color.color);
    let mut out = stdout();
    match args.format {
        LintFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        LintFormat::Codequality => {
            serde_json::to_writer_pretty(&mut out, &dindlog::lint::codequality(&report))?;
            writeln!(out)?;
        }
        LintFormat::Human => report::print_lint(&mut out, &report, color)?,
    }
    out.flush()?;
    let rank = |s: LintSeverity| match s {
        LintSeverity::Error => 3,
        LintSeverity::Warning => 2,
        LintSeverity::Info => 1,
    };
    let threshold = match args.fail_on {
        FailOn::Error => 3,
        FailOn::Warning => 2,
        FailOn::Info => 1,
        FailOn::Never => u8::MAX,
    };
    Ok(if report.findings.iter().any(|f| rank(f.severity) >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

pub(crate) fn doctor(args: DoctorArgs) -> Result<u8> {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 60.0) {
        return Err(format!("--timeout {} is not between 0 and 60 seconds", args.timeout).into());
    }
    let mut env = dindlog::doctor::DoctorEnv::from_process_env();
    env.timeout = std::time::Duration::from_secs_f64(args.timeout);
    let report = dindlog::doctor::run(&env);
    let mut out = stdout();
    match args.format {
        DoctorFormat::Human => report.print_human(&mut out, use_color(args.color.color))?,
        DoctorFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report.to_json())?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(if report.ok() { EXIT_CLEAN } else { EXIT_FINDINGS })
}
