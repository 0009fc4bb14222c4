//! Where the exporters write: standard output (`--format`) and the report files a command was asked for (`--junit FILE`, ...), both through `report::FORMATS`.

use std::io::Write;
use std::path::{Path, PathBuf};

use dindlog::report::{self, Options, Subject};

use super::{stdout, unix_now, Result};
use crate::cli::ReportArgs;

/// Rendering options from the process: `CI_JOB_URL` for links to log lines,
/// and the project directory Code Quality paths are relative to.
/// `config` is the CI configuration the command read (`--ci-config`, lint's file).
pub(crate) fn options(color: bool, summary_only: bool, config: Option<&Path>) -> Options {
    let job_url = std::env::var("CI_JOB_URL")
        .ok()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    Options { color, summary_only, job_url, now: unix_now(), project_dir: project_dir(config) }
}

/// `CI_PROJECT_DIR`, or else the repository root above the configuration file.
fn project_dir(config: Option<&Path>) -> Option<PathBuf> {
    match std::env::var_os("CI_PROJECT_DIR").filter(|d| !d.is_empty()) {
        Some(d) => {
            let d = PathBuf::from(d);
            Some(if d.is_absolute() { d } else { std::env::current_dir().ok()?.join(d) })
        }
        None => config.and_then(report::codequality::repository_root),
    }
}

/// The registry entry of a `--format` value (every clap format enum spells
/// its values as the registry names them; a test checks it).
pub(crate) fn format_of(value: &impl clap::ValueEnum) -> &'static report::Format {
    let name = value.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
    report::format(&name).unwrap_or_else(|| panic!("format {name} is not registered"))
}

/// Exports `subject` to standard output.
pub(crate) fn print(format: &report::Format, subject: Subject<'_>, opts: &Options) -> Result<()> {
    let mut out = stdout();
    format.export(&mut out, subject, opts)?;
    out.flush()?;
    Ok(())
}

/// The report files asked for, by flag: `--junit` and its path, ...
pub(crate) fn report_files(args: &ReportArgs) -> Vec<(&'static str, &Path)> {
    [
        ("--junit", &args.junit),
        ("--codequality", &args.codequality),
        ("--annotations", &args.annotations),
        ("--html", &args.html),
        ("--dotenv", &args.dotenv),
    ]
    .into_iter()
    .filter_map(|(flag, p)| p.as_deref().map(|p| (flag, p)))
    .collect()
}

/// Writes every report file in `files` (flag, path).
pub(crate) fn write_files(
    files: &[(&'static str, &Path)],
    subject: Subject<'_>,
    opts: &Options,
) -> Result<()> {
    for (flag, path) in files {
        let format = report::file_format(flag)
            .unwrap_or_else(|| panic!("{flag} writes no registered format"));
        format.write_file(path, subject, opts)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;
    use crate::cli::{DoctorFormat, Format, LintFormat};

    /// Every `--format` value of every command and every report-file flag
    /// is one entry of the registry.
    #[test]
    fn command_line_formats_are_registered() {
        for v in Format::value_variants() {
            format_of(v);
        }
        for v in LintFormat::value_variants() {
            format_of(v);
        }
        for v in DoctorFormat::value_variants() {
            format_of(v);
        }
        let all = std::path::PathBuf::from("x");
        let args = ReportArgs {
            junit: Some(all.clone()),
            codequality: Some(all.clone()),
            annotations: Some(all.clone()),
            html: Some(all.clone()),
            dotenv: Some(all.clone()),
            ..ReportArgs::default()
        };
        let flags: Vec<&str> = report_files(&args).into_iter().map(|(f, _)| f).collect();
        let registered: Vec<&str> = report::FORMATS.iter().filter_map(|f| f.file_flag).collect();
        assert_eq!(flags, registered);
    }
}
