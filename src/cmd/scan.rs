//! `dindlog scan`: reads the inputs in parallel, classifies them, prints them in the chosen format and writes the report files.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use rayon::prelude::*;

use std::path::PathBuf;

use dindlog::input::Input;
use dindlog::pairing::{self, LogKind, Placement};
use dindlog::report::{JsonLines, Subject};
use dindlog::{archive, shard, walk};
use dindlog::{Analyzer, FileReport, InputKind, ScanResult, Summary};

use super::{
    fail_on, load_set, output, stdout, use_color, Result, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS,
};
use crate::cli::{Format, ReportArgs, ScanArgs};
use crate::progress;

/// One input (a file, or one member of an archive) after scanning.
struct Scanned {
    name: String,
    result: std::result::Result<Done, String>,
}

/// An input read to its end, on the thread that read it. Each job log is
/// classified exactly once: on its thread when it cannot be paired, at the
/// end when it may be.
enum Done {
    /// A bare service log (sniffed): kept until the end, where it joins the
    /// one job log or is reported on its own.
    Service(ScanResult),
    /// The first job log: sniffed service logs may still join it, so it is
    /// classified at the end.
    Deferred(ScanResult),
    /// A job log after the first: no sniffed service log can join it, so it
    /// was classified on its thread (and its scan dropped: 20,000 of them
    /// grew the heap by megabytes).
    Reported {
        report: FileReport,
        /// That report as JSON Lines, when the output is JSON Lines: writing
        /// them out in order is then the only serial work left.
        jsonl: Option<Vec<u8>>,
    },
}

impl Done {
    fn kind(&self) -> LogKind {
        match self {
            Done::Service(_) => LogKind::Service,
            Done::Deferred(_) | Done::Reported { .. } => LogKind::Job,
        }
    }
}

/// An input named on the command line or found by the walk, with what of
/// its archive members is read.
struct Source {
    from: Origin,
    /// Which members of an archive are logs to read.
    rule: walk::MemberRule,
    /// With `--shard`, the members this shard reads (`None`: every one).
    members: Option<std::collections::HashSet<String>>,
}

enum Origin {
    Stdin,
    Path(PathBuf),
}

impl Source {
    fn name(&self) -> String {
        match &self.from {
            Origin::Stdin => "<stdin>".to_string(),
            Origin::Path(p) => p.display().to_string(),
        }
    }

    /// Scans every stream in this input: the file itself, or each member of
    /// an archive, decompressed on the fly within the limits.
    fn scan(&self, shared: &Shared<'_>) -> Vec<Scanned> {
        let Shared { analyzer, limits, explicit_service, jsonl, .. } = *shared;
        let mut out = Vec::new();
        let mut each = |name: &str, rdr: &mut dyn io::Read| {
            let result = analyzer.scan(name, rdr, InputKind::Detect).map_err(|e| e.to_string());
            let result = result.map(|r| match r.kind {
                LogKind::Service => Done::Service(r),
                LogKind::Job if shared.job_logs.fetch_add(1, Relaxed) == 0 => Done::Deferred(r),
                LogKind::Job => {
                    let mut report = analyzer.report_of(name, &r, explicit_service);
                    // Writing to memory does not fail; if it did, the report
                    // would simply be written at the end instead.
                    let jsonl = jsonl
                        .then(|| {
                            let mut buf = Vec::new();
                            JsonLines::file(&mut buf, &report).ok().map(|()| {
                                // Held until the end: without the doubling's slack.
                                buf.shrink_to_fit();
                                buf
                            })
                        })
                        .flatten();
                    if shared.lighten {
                        report.lighten();
                    }
                    Done::Reported { report, jsonl }
                }
            });
            out.push(Scanned { name: name.to_string(), result });
        };
        let take = |member: &str, _size: u64| {
            self.rule.takes(member) && self.members.as_ref().is_none_or(|m| m.contains(member))
        };
        let select = archive::Select { member: Some(&take), text_only: true };
        let res = match &self.from {
            Origin::Stdin => archive::for_each_stream_from_with(
                "<stdin>",
                io::stdin(),
                limits,
                &select,
                &mut each,
            ),
            Origin::Path(p) => archive::for_each_stream_with(p, limits, &select, &mut each),
        };
        if let Err(e) = res {
            out.push(Scanned { name: self.name(), result: Err(e.to_string()) });
        }
        out
    }
}

/// What every scanning thread needs.
struct Shared<'a> {
    analyzer: &'a Analyzer,
    limits: &'a archive::Limits,
    explicit_service: &'a [(String, ScanResult)],
    /// Make each report's JSON Lines on the scanning thread.
    jsonl: bool,
    /// Those JSON Lines are the only output of the reports' texts (no report
    /// files): keep only what the summary and exit status need.
    lighten: bool,
    /// Job logs scanned so far: only the first is kept for pairing.
    job_logs: AtomicUsize,
}

/// Turns the command-line paths into inputs: `-` is standard input,
/// directories are walked, `--shard` keeps this shard's part. Walk problems
/// are printed and counted; a directory that gives nothing is said.
fn sources(args: &ScanArgs, errored: &mut bool) -> Result<Vec<Source>> {
    if args.files.is_empty() {
        if io::stdin().is_terminal() {
            return Err(
                "no input: give a job log file, or pipe one in (`glab ci trace | dindlog`)".into(),
            );
        }
        let rule = walk::WalkOptions::default().member_rule("<stdin>");
        return Ok(vec![Source { from: Origin::Stdin, rule, members: None }]);
    }
    let opts = walk::WalkOptions {
        hidden: args.hidden,
        follow: args.follow,
        globs: args.globs.clone(),
        excludes: args.excludes.clone(),
    };
    let mut out = Vec::new();
    for arg in &args.files {
        if arg.as_os_str() == "-" {
            // Standard input can be read once: naming it twice would split one
            // stream between two "files" at random.
            if out.iter().any(|s: &Source| matches!(s.from, Origin::Stdin)) {
                return Err("standard input (`-`) is named more than once".into());
            }
            let rule = opts.member_rule("<stdin>");
            out.push(Source { from: Origin::Stdin, rule, members: None });
            continue;
        }
        let found = walk::expand_inputs(std::slice::from_ref(arg), &opts);
        for e in found.errors {
            *errored = true;
            eprintln!("dindlog: {e}");
        }
        for d in found.empty {
            eprintln!("dindlog: {}", empty_dir_message(&d, &opts));
        }
        out.extend(found.inputs.into_iter().map(|f| {
            let rule = opts.member_rule(&f.rel.unwrap_or_else(|| f.path.display().to_string()));
            Source { from: Origin::Path(f.path), rule, members: None }
        }));
    }
    let Some((i, n)) = args.shard else { return Ok(out) };
    let units: Vec<shard::Input<'_>> = out
        .iter()
        .map(|s| shard::Input {
            name: s.name(),
            path: match &s.from {
                Origin::Path(p) => Some(p.as_path()),
                Origin::Stdin => None,
            },
            rule: &s.rule,
        })
        .collect();
    let parts = shard::plan(&units, i, n);
    let kept: Vec<Source> = out
        .into_iter()
        .zip(parts)
        .filter_map(|(mut s, part)| match part? {
            shard::Part::Whole => Some(s),
            shard::Part::Members(m) => {
                s.members = Some(m);
                Some(s)
            }
        })
        .collect();
    if kept.is_empty() {
        eprintln!("dindlog: shard {i}/{n}: no input falls in this shard");
    }
    Ok(kept)
}

/// rg's "no files were searched", for one directory: why nothing was taken.
fn empty_dir_message(d: &walk::EmptyDir, opts: &walk::WalkOptions) -> String {
    let dir = d.path.display();
    if d.skipped == 0 {
        return format!("{dir}: no files to scan (the directory is empty)");
    }
    let skipped = dindlog::report::plural(d.skipped as u64, "file");
    if opts.globs.is_empty() {
        format!(
            "{dir}: no log files to scan ({skipped} skipped: only {} files are taken from a directory, \
             hidden ones only with --hidden; --glob '*' takes every file)",
            walk::LOG_EXTENSIONS.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(" ")
        )
    } else {
        format!("{dir}: no files to scan ({skipped} skipped: none matches --glob, or --hidden is needed)")
    }
}

pub(crate) fn scan(args: ScanArgs) -> Result<u8> {
    let mut errored = false;
    let inputs = sources(&args, &mut errored)?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build()?;
    // Files are scanned in parallel; a lone input gets the spare core instead.
    let mut analyzer = Analyzer::new(load_set(&args.common)?)
        .with_capacity(args.buffer_size)
        .with_redaction(!args.common.no_redact)
        .with_pipeline(inputs.len() == 1 && pool.current_num_threads() > 1);
    if args.env_context {
        analyzer = analyzer.with_env(dindlog::jobenv::JobEnv::from_process());
    }
    let color = use_color(args.common.color);
    let limits = archive::Limits {
        max_member_bytes: args.max_member_bytes,
        max_ratio: args.max_ratio,
        ..archive::Limits::default()
    };

    let mut explicit_service = Vec::new();
    for path in &args.service_logs {
        let input = Input::from_arg(path);
        let name = input.display_name();
        match input.open().and_then(|r| analyzer.scan(&name, r, InputKind::Service)) {
            Ok(r) => explicit_service.push((name, r)),
            Err(e) => {
                errored = true;
                eprintln!("dindlog: {e}");
            }
        }
    }

    // Reports change after scanning only with `--ci-config` (and for a job
    // log that sniffed service logs join, handled below).
    let early_jsonl =
        matches!(args.format, Format::Jsonl) && !args.summary && args.reports.ci_config.is_none();
    let shared = Shared {
        analyzer: &analyzer,
        limits: &limits,
        explicit_service: &explicit_service,
        jsonl: early_jsonl,
        lighten: early_jsonl && output::report_files(&args.reports).is_empty(),
        job_logs: AtomicUsize::new(0),
    };
    let progress =
        progress::Progress::start(inputs.len(), inputs.len() > 1 && io::stderr().is_terminal());
    let scanned: Vec<Scanned> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let members = input.scan(&shared);
                progress.tick();
                members
            })
            .collect::<Vec<_>>()
            .into_iter()
            .flatten()
            .collect()
    });
    progress.finish();

    // A bare service log given beside exactly one job log belongs to it
    // (`dindlog job.log dind.log`); otherwise each is reported on its own.
    // (input position, report, its JSON Lines when made early), put back in
    // input order at the end.
    let mut placed: Vec<(usize, FileReport, Option<Vec<u8>>)> = Vec::with_capacity(scanned.len());
    let mut kinds = Vec::new();
    let mut slots: Vec<(usize, String, Option<Done>)> = Vec::new();
    for (pos, s) in scanned.into_iter().enumerate() {
        match s.result {
            Ok(done) => {
                kinds.push(done.kind());
                slots.push((pos, s.name, Some(done)));
            }
            Err(e) => {
                errored = true;
                eprintln!("dindlog: {e}");
                placed.push((pos, FileReport::failed(s.name, e), None));
            }
        }
    }
    for place in pairing::pair(&kinds) {
        let (index, joining) = match place {
            Placement::Job(i, services) => (i, services),
            Placement::Alone(i) => (i, Vec::new()),
        };
        let pos = slots[index].0;
        let name = std::mem::take(&mut slots[index].1);
        let report = match slots[index].2.take() {
            None => continue,
            Some(Done::Reported { report, jsonl }) => {
                placed.push((pos, report, jsonl));
                continue;
            }
            Some(Done::Deferred(r)) => {
                let mut service = explicit_service.clone();
                for j in joining {
                    if let Some(Done::Service(r)) = slots[j].2.take() {
                        service.push((std::mem::take(&mut slots[j].1), r));
                    }
                }
                analyzer.report(&name, r, service)
            }
            Some(Done::Service(r)) => analyzer.report_of(&name, &r, &explicit_service),
        };
        placed.push((pos, report, None));
    }
    placed.sort_by_key(|(pos, ..)| *pos);
    let (mut reports, early): (Vec<FileReport>, Vec<Option<Vec<u8>>>) =
        placed.into_iter().map(|(_, r, j)| (r, j)).unzip();

    attach_config(&args.reports, &mut reports)?;
    let mut summary = Summary::default();
    for r in &reports {
        summary.add(r);
    }
    let opts = output::options(color, args.summary, args.reports.ci_config.as_deref());
    let subject = Subject::Logs { reports: &reports, summary: &summary };
    let format = output::format_of(&args.format);
    if matches!(args.format, Format::Jsonl) && !args.summary && early.iter().any(Option::is_some) {
        // Streamed: most reports were rendered on their scanning threads.
        let mut out = stdout();
        for (r, early) in reports.iter().zip(&early) {
            match early {
                Some(bytes) => out.write_all(bytes)?,
                None => JsonLines::file(&mut out, r)?,
            }
        }
        JsonLines::summary(&mut out, &summary)?;
        out.flush()?;
    } else {
        output::print(format, subject, &opts)?;
    }
    output::write_files(&output::report_files(&args.reports), subject, &opts)?;

    let threshold = fail_on(args.fail_on);
    Ok(if errored {
        EXIT_ERROR
    } else if threshold.is_some_and(|t| reports.iter().any(|r| r.reaches(t))) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

pub(crate) fn summary_of(reports: &[FileReport]) -> Summary {
    let mut s = Summary::default();
    for r in reports {
        s.add(r);
    }
    s
}

/// With `--ci-config`, points each finding at the configuration key to change.
pub(crate) fn attach_config(args: &ReportArgs, reports: &mut [FileReport]) -> Result<()> {
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
