//! `dindlog lint` and `dindlog doctor`: checking the configuration and the daemon rather than a log.

use dindlog::report::Subject;

use super::{fail_on, output, use_color, Result, EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::{DoctorArgs, LintArgs};

pub(crate) fn lint(args: LintArgs) -> Result<u8> {
    let opts = dindlog::lint::LintOptions {
        ci_config: args.ci_config.clone(),
        runner_config: args.runner_config.clone(),
    };
    let report = dindlog::lint::lint(&opts)?;
    let opts = output::options(use_color(args.color.color), false, Some(&args.ci_config));
    let subject = Subject::Config(&report);
    output::print(output::format_of(&args.format), subject, &opts)?;
    if let Some(path) = &args.codequality {
        output::write_files(&[("--codequality", path.as_path())], subject, &opts)?;
    }
    let threshold = fail_on(args.fail_on);
    Ok(if threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t)) {
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
    let opts = output::options(use_color(args.color.color), false, None);
    output::print(output::format_of(&args.format), Subject::Daemon(&report), &opts)?;
    Ok(if report.ok() { EXIT_CLEAN } else { EXIT_FINDINGS })
}
