//! The `dindlog` binary: resolves the command line, runs the library, prints, and decides the exit status.

mod cli;
mod progress;

use std::error::Error;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use rayon::prelude::*;

use cli::{
    AnnotateArgs, Cli, ColorChoice, Command, CommonArgs, DoctorArgs, DoctorFormat, FailOn, Format,
    LintArgs, LintFormat, ListFormat, ReportArgs, RunArgs, ScanArgs, SignaturesAction,
};
use dindlog::input::Input;
use dindlog::report::{self, HumanOptions, JsonLines};
use dindlog::{Analyzer, FileReport, ScanError, ScanResult, Severity, SignatureSet, Summary};

/// Exit status: no finding at or above `--fail-on`.
const EXIT_CLEAN: u8 = 0;
/// Exit status: findings.
const EXIT_FINDINGS: u8 = 1;
/// Exit status: an error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(err.as_ref()) => ExitCode::from(EXIT_CLEAN),
        Err(err) => {
            eprintln!("dindlog: {err}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `dindlog big.log | head -1` must end quietly, as other Unix tools do.
fn is_broken_pipe(err: &(dyn Error + 'static)) -> bool {
    let mut e: Option<&(dyn Error + 'static)> = Some(err);
    while let Some(cur) = e {
        if let Some(io) = cur.downcast_ref::<io::Error>() {
            if io.kind() == io::ErrorKind::BrokenPipe {
                return true;
            }
        }
        e = cur.source();
    }
    false
}

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        None => scan(cli.scan),
        Some(Command::Scan(args)) => scan(args),
        Some(Command::Run(args)) => run_command(args),
        Some(Command::Annotate(args)) => Ok(annotate(args)),
        Some(Command::Lint(args)) => lint(args),
        Some(Command::Doctor(args)) => doctor(args),
        Some(Command::Explain { id, common }) => explain(&id, &common),
        Some(Command::Signatures { action: None, format, common }) => list(format, &common),
        Some(Command::Signatures {
            action: Some(SignaturesAction::Test { dir }), common, ..
        }) => signatures_test(dir, &common),
        Some(Command::Signatures {
            action: Some(SignaturesAction::CheckFp { paths }),
            common,
            ..
        }) => check_fp(&paths, &common),
        Some(Command::Completions { shell }) => {
            let mut out = stdout();
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "dindlog", &mut out);
            out.flush()?;
            Ok(EXIT_CLEAN)
        }
        Some(Command::Man) => {
            let mut out = stdout();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out)?;
            out.flush()?;
            Ok(EXIT_CLEAN)
        }
    }
}

fn load_set(common: &CommonArgs) -> Result<SignatureSet> {
    let set = SignatureSet::builtin()?;
    Ok(match &common.signatures {
        Some(dir) => set.with_dir(dir)?,
        None => set,
    })
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn stdout() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::new(io::stdout().lock())
}

/// One input after scanning, before classification.
struct Scanned {
    name: String,
    result: std::result::Result<(ScanResult, bool), ScanError>,
}

fn scan(args: ScanArgs) -> Result<u8> {
    let analyzer = Analyzer::new(load_set(&args.common)?)
        .with_capacity(args.buffer_size)
        .with_redaction(!args.common.no_redact);
    let color = use_color(args.common.color);
    let inputs: Vec<Input> = if args.files.is_empty() {
        if io::stdin().is_terminal() {
            return Err(
                "no input: give a job log file, or pipe one in (`glab ci trace | dindlog`)".into(),
            );
        }
        vec![Input::Stdin]
    } else {
        args.files.iter().map(|f| Input::from_arg(f)).collect()
    };
    let mut errored = false;

    let mut explicit_service = Vec::new();
    for path in &args.service_logs {
        let input = Input::from_arg(path);
        let name = input.display_name();
        match input.open().and_then(|r| analyzer.scan(&name, r, true, false)) {
            Ok((r, _)) => explicit_service.push((name, r)),
            Err(e) => {
                errored = true;
                eprintln!("dindlog: {e}");
            }
        }
    }

    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build()?;
    let progress =
        progress::Progress::start(inputs.len(), inputs.len() > 1 && io::stderr().is_terminal());
    let scanned: Vec<Scanned> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let name = input.display_name();
                let result = input.open().and_then(|r| analyzer.scan(&name, r, false, true));
                progress.tick();
                Scanned { name, result }
            })
            .collect()
    });
    progress.finish();

    // A bare service log given beside exactly one job log belongs to it
    // (`dindlog job.log dind.log`); otherwise each is reported on its own.
    let job_logs = scanned.iter().filter(|s| matches!(s.result, Ok((_, false)))).count();
    let pair = job_logs == 1;
    let mut sniffed_service = Vec::new();
    let mut pending: Vec<Scanned> = Vec::new();
    for s in scanned {
        match s.result {
            Ok((r, true)) if pair => sniffed_service.push((s.name, r)),
            _ => pending.push(s),
        }
    }

    let mut reports = Vec::with_capacity(pending.len());
    for s in pending {
        match s.result {
            Ok((r, is_service)) => {
                let mut service = explicit_service.clone();
                if !is_service {
                    service.extend(sniffed_service.iter().cloned());
                }
                reports.push(analyzer.report(&s.name, r, service));
            }
            Err(e) => {
                errored = true;
                eprintln!("dindlog: {e}");
                reports.push(FileReport::failed(s.name, e.to_string()));
            }
        }
    }

    attach_config(&args.reports, &mut reports)?;
    let mut summary = Summary::default();
    for r in &reports {
        summary.add(r);
    }
    let mut out = stdout();
    match args.format {
        Format::Human if args.summary => report::print_summary(&mut out, &summary, color)?,
        Format::Json if args.summary => report::print_json(&mut out, &[], &summary)?,
        Format::Human => {
            let opts = HumanOptions { color, headers: reports.len() > 1 };
            for (i, r) in reports.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                report::print_human(&mut out, r, opts)?;
            }
            if reports.len() > 1 {
                writeln!(out)?;
                report::print_summary(&mut out, &summary, color)?;
            }
        }
        Format::Json => report::print_json(&mut out, &reports, &summary)?,
        Format::Jsonl => {
            for r in &reports {
                JsonLines::file(&mut out, r)?;
            }
            JsonLines::summary(&mut out, &summary)?;
        }
        Format::Github => report::print_github(&mut out, &reports)?,
        Format::Gitlab => print_section(&mut out, &reports, &summary, color)?,
    }
    out.flush()?;
    write_report_files(&args.reports, &reports)?;

    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    Ok(if errored {
        EXIT_ERROR
    } else if threshold.is_some_and(|t| reports.iter().any(|r| r.reaches(t))) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// The human report inside a GitLab collapsible section.
fn print_section(
    w: &mut dyn Write,
    reports: &[FileReport],
    summary: &Summary,
    color: bool,
) -> Result<()> {
    let mut body = Vec::new();
    let opts = HumanOptions { color, headers: reports.len() > 1 };
    for r in reports {
        report::print_human(&mut body, r, opts)?;
    }
    if reports.len() > 1 {
        report::print_summary(&mut body, summary, color)?;
    }
    let findings: usize = reports.iter().map(|r| r.findings.len()).sum();
    let header = match reports.iter().find_map(|r| r.root_cause()) {
        Some(f) => format!("dindlog: root cause {} ({findings} findings)", f.id),
        None => format!("dindlog: {findings} findings"),
    };
    report::gitlab_section(w, &header, &String::from_utf8_lossy(&body), unix_now())?;
    Ok(())
}

/// Writes the `--junit`, `--codequality`, `--annotations` and `--dotenv` files.
fn write_report_files(args: &ReportArgs, reports: &[FileReport]) -> Result<()> {
    let write = |path: &std::path::Path, text: String| -> Result<()> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("{}: cannot create directory: {e}", parent.display()))?;
        }
        std::fs::write(path, text)
            .map_err(|e| format!("{}: cannot write report: {e}", path.display()).into())
    };
    if let Some(p) = &args.junit {
        write(p, report::junit(reports))?;
    }
    if let Some(p) = &args.codequality {
        write(p, report::codequality(reports))?;
    }
    if let Some(p) = &args.annotations {
        let job_url = std::env::var("CI_JOB_URL")
            .ok()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
        write(p, report::annotations(reports, job_url.as_deref()))?;
    }
    if let Some(p) = &args.dotenv {
        write(p, report::dotenv(reports))?;
    }
    Ok(())
}

/// GitLab renders ANSI in job logs, so `auto` colours there even without a terminal.
fn use_color_in_job(choice: ColorChoice) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Auto => {
            use_color(choice) || (!no_color && std::env::var_os("GITLAB_CI").is_some())
        }
        other => use_color(other),
    }
}

/// Where `run` keeps logs and `annotate` finds them.
fn kept_logs_dir() -> std::path::PathBuf {
    let base = std::env::var_os("CI_PROJECT_DIR")
        .map_or_else(|| std::path::PathBuf::from("."), Into::into);
    base.join(".dindlog")
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn run_command(args: RunArgs) -> Result<u8> {
    let analyzer = Analyzer::new(load_set(&args.common)?).with_redaction(!args.common.no_redact);
    let log_path = args.log.clone().unwrap_or_else(|| {
        kept_logs_dir().join(format!("run-{}-{}.log", unix_now(), std::process::id()))
    });
    let opts = dindlog::run::RunOptions {
        command: args.command.clone(),
        log_path: Some(log_path.clone()),
        grace: std::time::Duration::from_secs(2),
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
fn annotate(args: AnnotateArgs) -> u8 {
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

fn summary_of(reports: &[FileReport]) -> Summary {
    let mut s = Summary::default();
    for r in reports {
        s.add(r);
    }
    s
}

/// With `--ci-config`, points each finding at the configuration key to change.
fn attach_config(args: &ReportArgs, reports: &mut [FileReport]) -> Result<()> {
    let Some(path) = &args.ci_config else { return Ok(()) };
    let opts = dindlog::lint::LintOptions { ci_config: path.clone(), runner_config: None };
    let model = dindlog::lint::lint(&opts)?;
    for f in reports.iter_mut().flat_map(|r| r.findings.iter_mut()) {
        if f.role == dindlog::Role::Symptom {
            continue;
        }
        f.config =
            dindlog::lint::locate(&model, &f.id, None).map(|l| dindlog::report::ConfigLocation {
                path: l.file,
                line: u64::from(l.line),
                column: u64::from(l.column),
            });
    }
    Ok(())
}

fn lint(args: LintArgs) -> Result<u8> {
    use dindlog::lint::Severity as LintSeverity;
    let opts = dindlog::lint::LintOptions {
        ci_config: args.ci_config.clone(),
        runner_config: args.runner_config.clone(),
    };
    let report = dindlog::lint::lint(&opts)?;
    let color = use_color(args.common.color);
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

fn doctor(args: DoctorArgs) -> Result<u8> {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 60.0) {
        return Err(format!("--timeout {} is not between 0 and 60 seconds", args.timeout).into());
    }
    let mut env = dindlog::doctor::DoctorEnv::from_process_env();
    env.timeout = std::time::Duration::from_secs_f64(args.timeout);
    let report = dindlog::doctor::run(&env);
    let mut out = stdout();
    match args.format {
        DoctorFormat::Human => report.print_human(&mut out, use_color(args.common.color))?,
        DoctorFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report.to_json())?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(if report.ok() { EXIT_CLEAN } else { EXIT_FINDINGS })
}

fn explain(id: &str, common: &CommonArgs) -> Result<u8> {
    let set = load_set(common)?;
    let Some(sig) = set.by_id(id) else {
        return Err(format!("unknown class '{id}'; `dindlog signatures` lists them").into());
    };
    let mut out = stdout();
    report::print_explain(&mut out, sig, use_color(common.color))?;
    out.flush()?;
    Ok(EXIT_CLEAN)
}

fn list(format: ListFormat, common: &CommonArgs) -> Result<u8> {
    let set = load_set(common)?;
    let mut out = stdout();
    match format {
        ListFormat::Table => report::print_signature_table(&mut out, &set)?,
        ListFormat::Json => {
            let rows: Vec<serde_json::Value> = set
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "id": s.id, "title": s.title, "kind": s.kind, "severity": s.severity,
                        "summary": s.summary, "docs": s.docs,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(EXIT_CLEAN)
}

/// Every file under `paths`, recursively, in name order.
fn files_under(paths: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<std::path::PathBuf> = paths.iter().rev().cloned().collect();
    while let Some(p) = stack.pop() {
        match std::fs::read_dir(&p) {
            Ok(entries) if p.is_dir() => {
                let mut children: Vec<_> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                children.sort();
                // Symlinked directories are not followed, so a link loop cannot trap the walk.
                children.retain(|c| !(c.is_symlink() && c.is_dir()));
                stack.extend(children.into_iter().rev());
            }
            _ => out.push(p),
        }
    }
    out
}

/// `signatures check-fp`: anything but advice on a green job is a false positive.
fn check_fp(paths: &[std::path::PathBuf], common: &CommonArgs) -> Result<u8> {
    let analyzer = Analyzer::new(load_set(common)?);
    let files = files_under(paths);
    let mut out = stdout();
    let (mut fps, mut errored) = (0usize, false);
    for path in &files {
        let input = Input::Path(path.clone());
        let name = input.display_name();
        let report = match input.open().and_then(|r| analyzer.scan(&name, r, false, true)) {
            Ok((r, _)) => analyzer.report(&name, r, Vec::new()),
            Err(e) => {
                errored = true;
                eprintln!("dindlog: {e}");
                continue;
            }
        };
        for f in report.findings.iter().filter(|f| f.role != dindlog::Role::Advice) {
            fps += 1;
            let line = f.evidence.first().map_or(String::new(), |e| e.text.clone());
            writeln!(
                out,
                "{}:{}: {} ({}): {}",
                report::escape_terminal(&name),
                f.first_line,
                f.id,
                f.role.as_str(),
                report::escape_terminal(&line)
            )?;
        }
    }
    writeln!(out, "check-fp: {} files, {fps} false positives", files.len())?;
    out.flush()?;
    Ok(if errored {
        EXIT_ERROR
    } else if fps > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn signatures_test(dir: Option<std::path::PathBuf>, common: &CommonArgs) -> Result<u8> {
    let mut set = load_set(common)?;
    if let Some(dir) = &dir {
        set = set.with_dir(dir)?;
    }
    let analyzer = Analyzer::new(set);
    let stats = dindlog::selftest::run_examples(analyzer.scanner(), None);
    let mut out = stdout();
    for f in &stats.failures {
        writeln!(out, "FAIL {f}")?;
    }
    let failed = stats.failures.len();
    writeln!(out, "signatures: {} passed, {} failed", stats.run - failed, failed)?;
    out.flush()?;
    Ok(if failed == 0 { EXIT_CLEAN } else { EXIT_FINDINGS })
}
