//! `dindlog scan`: resolves the command line once into a frozen [`ScanConfig`], scans the inputs on worker threads and hands each result, in input order, to the printer as soon as it and everything before it is done.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::{mpsc, Condvar, Mutex};

use dindlog::input::Input;
use dindlog::lint::LintReport;
use dindlog::pairing::{self, LogKind, Placement};
use dindlog::report::{self, LogStream, Subject};
use dindlog::{archive, shard, walk};
use dindlog::{Analyzer, FileReport, InputKind, ScanResult, Severity, Summary};

use super::{
    fail_on, load_set, output, stdout, use_color, Result, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS,
};
use crate::cli::{ReportArgs, ScanArgs};
use crate::progress;

/// One input (a file, or one member of an archive) after scanning.
struct Scanned {
    name: String,
    result: std::result::Result<Done, String>,
}

/// An input read to its end, on the thread that read it. Each job log is
/// classified exactly once: on its thread when it cannot be paired, on the
/// printing thread when it may be.
enum Done {
    /// A bare service log (sniffed): held until it is known whether it joins
    /// the one job log or is reported on its own.
    Service(ScanResult),
    /// The first job log scanned: sniffed service logs may still join it.
    Deferred(ScanResult),
    /// A job log after the first: no sniffed service log can join it, so it
    /// was classified on its thread and its scan dropped.
    Reported(FileReport),
}

impl Done {
    fn kind(&self) -> LogKind {
        match self {
            Done::Service(_) => LogKind::Service,
            Done::Deferred(_) | Done::Reported(_) => LogKind::Job,
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
    fn scan(&self, cfg: &ScanConfig, job_logs: &AtomicUsize) -> Vec<Scanned> {
        let analyzer = &cfg.analyzer;
        let mut out = Vec::new();
        let mut each = |name: &str, rdr: &mut dyn io::Read| {
            let result = analyzer.scan(name, rdr, InputKind::Detect).map_err(|e| e.to_string());
            let result = result.map(|r| match r.kind {
                LogKind::Service => Done::Service(r),
                LogKind::Job if job_logs.fetch_add(1, Relaxed) == 0 => Done::Deferred(r),
                LogKind::Job => Done::Reported(analyzer.report_of(name, &r, &cfg.explicit_service)),
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
                &cfg.limits,
                &select,
                &mut each,
            ),
            Origin::Path(p) => archive::for_each_stream_with(p, &cfg.limits, &select, &mut each),
        };
        if let Err(e) = res {
            out.push(Scanned { name: self.name(), result: Err(e.to_string()) });
        }
        out
    }
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

/// Everything a scan needs, resolved once from the command line; nothing
/// reads the arguments after this.
struct ScanConfig {
    inputs: Vec<Source>,
    threads: usize,
    analyzer: Analyzer,
    limits: archive::Limits,
    /// `--service-log` files, read first; they join every job log.
    explicit_service: Vec<(String, ScanResult)>,
    /// `--ci-config`, linted once: findings point at the key to change.
    ci_config: Option<LintReport>,
    format: &'static report::Format,
    files: Vec<(&'static str, PathBuf)>,
    opts: report::Options,
    fail_on: Option<Severity>,
    progress: bool,
}

impl ScanConfig {
    /// Reads the arguments; problems that leave other inputs scannable
    /// (an unreadable path, a service log that cannot be read) are printed
    /// and set `errored`.
    fn new(args: &ScanArgs, errored: &mut bool) -> Result<ScanConfig> {
        let inputs = sources(args, errored)?;
        let threads = args
            .threads
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        // Files are scanned in parallel; a lone input gets the spare core instead.
        let mut analyzer = Analyzer::new(load_set(&args.common)?)
            .with_capacity(args.buffer_size)
            .with_redaction(!args.common.no_redact)
            .with_pipeline(inputs.len() == 1 && threads > 1);
        if args.env_context {
            analyzer = analyzer.with_env(dindlog::jobenv::JobEnv::from_process());
        }
        let mut explicit_service = Vec::new();
        for path in &args.service_logs {
            let input = Input::from_arg(path);
            let name = input.display_name();
            match input.open().and_then(|r| analyzer.scan(&name, r, InputKind::Service)) {
                Ok(r) => explicit_service.push((name, r)),
                Err(e) => {
                    *errored = true;
                    eprintln!("dindlog: {e}");
                }
            }
        }
        let ci_config = match &args.reports.ci_config {
            Some(path) => Some(dindlog::lint::lint(&dindlog::lint::LintOptions {
                ci_config: path.clone(),
                runner_config: None,
            })?),
            None => None,
        };
        let color = use_color(args.common.color);
        Ok(ScanConfig {
            progress: inputs.len() > 1 && io::stderr().is_terminal(),
            threads: threads.min(inputs.len()).max(1),
            inputs,
            analyzer,
            limits: archive::Limits {
                max_member_bytes: args.max_member_bytes,
                max_ratio: args.max_ratio,
                ..archive::Limits::default()
            },
            explicit_service,
            ci_config,
            format: output::format_of(&args.format),
            files: output::report_files(&args.reports)
                .into_iter()
                .map(|(flag, p)| (flag, p.to_path_buf()))
                .collect(),
            opts: output::options(color, args.summary, args.reports.ci_config.as_deref()),
            fail_on: fail_on(args.fail_on),
        })
    }
}

pub(crate) fn scan(args: ScanArgs) -> Result<u8> {
    let mut errored = false;
    let cfg = ScanConfig::new(&args, &mut errored)?;
    let job_logs = AtomicUsize::new(0);
    let mut printer = Printer::new(&cfg, &job_logs);
    let progress = progress::Progress::start(cfg.inputs.len(), cfg.progress);
    let mut failed: Option<Box<dyn std::error::Error>> = None;
    // After a failed write (`dindlog scan dir/ | head` closed the pipe) no
    // input is scanned any more: the workers only drain what is left.
    let stop = AtomicBool::new(false);
    in_input_order(
        cfg.inputs.len(),
        cfg.threads,
        |i| {
            if stop.load(Relaxed) {
                return Vec::new();
            }
            let scanned = cfg.inputs[i].scan(&cfg, &job_logs);
            progress.tick();
            scanned
        },
        |scanned| {
            if failed.is_none() {
                if let Err(e) = scanned.into_iter().try_for_each(|s| printer.take(s)) {
                    failed = Some(e);
                    stop.store(true, Relaxed);
                }
            }
        },
    );
    progress.finish();
    if let Some(e) = failed {
        return Err(e);
    }
    let (unreadable, reached) = printer.finish()?;
    Ok(if errored || unreadable {
        EXIT_ERROR
    } else if reached {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// Inputs held in flight beyond the oldest unprinted one, per thread: enough
/// that a slow input does not idle the other threads, few enough that memory
/// depends on the threads and not on the inputs.
const WINDOW_PER_THREAD: usize = 8;

/// Runs `work` on `0..n` over `threads` threads and hands the results to
/// `sink`, on the calling thread, in index order, each as soon as it and every
/// earlier one are done. A thread does not start an index more than the
/// window past the oldest result not yet handed over, so the results waiting
/// to be put in order stay bounded.
fn in_input_order<T: Send>(
    n: usize,
    threads: usize,
    work: impl Fn(usize) -> T + Sync,
    mut sink: impl FnMut(T),
) {
    let window = WINDOW_PER_THREAD * threads;
    let next = AtomicUsize::new(0);
    let handed = (Mutex::new(0usize), Condvar::new());
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel::<(usize, T)>();
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, handed, work) = (&next, &handed, &work);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Relaxed);
                if i >= n {
                    break;
                }
                {
                    let (lock, cv) = handed;
                    let mut done = lock.lock().unwrap_or_else(|e| e.into_inner());
                    while i >= *done + window {
                        done = cv.wait(done).unwrap_or_else(|e| e.into_inner());
                    }
                }
                if tx.send((i, work(i))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut waiting: BTreeMap<usize, T> = BTreeMap::new();
        let mut expected = 0;
        for (i, t) in rx {
            waiting.insert(i, t);
            while let Some(t) = waiting.remove(&expected) {
                sink(t);
                expected += 1;
                let (lock, cv) = &handed;
                *lock.lock().unwrap_or_else(|e| e.into_inner()) = expected;
                cv.notify_all();
            }
        }
    });
}

/// Turns scanned inputs, in input order, into reports and prints them: each
/// as soon as it is known whether sniffed service logs join a job log, which
/// is as soon as a second job log exists (then none can), or at the end.
struct Printer<'c> {
    cfg: &'c ScanConfig,
    job_logs: &'c AtomicUsize,
    /// Inputs held while a sniffed service log may still join a job log.
    held: Vec<Scanned>,
    /// Two job logs were scanned: every input is reported on its own.
    settled: bool,
    out: io::BufWriter<io::StdoutLock<'static>>,
    /// The output format written report by report, when it can be.
    stream: Option<Box<dyn LogStream>>,
    /// Reports kept for formats and report files that need them all at once.
    kept: Option<Vec<FileReport>>,
    summary: Summary,
    /// A report reached `--fail-on`.
    reached: bool,
    /// An input could not be read.
    errored: bool,
}

impl<'c> Printer<'c> {
    fn new(cfg: &'c ScanConfig, job_logs: &'c AtomicUsize) -> Printer<'c> {
        let stream = cfg.format.exporter.stream(&cfg.opts);
        let keep = stream.is_none() || !cfg.files.is_empty();
        Printer {
            cfg,
            job_logs,
            held: Vec::new(),
            settled: false,
            out: stdout(),
            stream,
            kept: keep.then(Vec::new),
            summary: Summary::default(),
            reached: false,
            errored: false,
        }
    }

    fn take(&mut self, s: Scanned) -> Result<()> {
        if !self.settled && self.job_logs.load(Relaxed) >= 2 {
            self.settled = true;
            for h in std::mem::take(&mut self.held) {
                self.alone(h)?;
            }
        }
        if self.settled {
            self.alone(s)
        } else {
            self.held.push(s);
            Ok(())
        }
    }

    /// Reports an input on its own.
    fn alone(&mut self, s: Scanned) -> Result<()> {
        let report = match s.result {
            Err(e) => self.failed(s.name, e),
            Ok(done) => self.report(&s.name, done, Vec::new()),
        };
        self.emit(report)
    }

    /// The report of a scanned input, with the sniffed service logs that
    /// join it (only the one job log scanned first, `Deferred`, can have any).
    fn report(&self, name: &str, done: Done, joined: Vec<(String, ScanResult)>) -> FileReport {
        let cfg = self.cfg;
        match done {
            Done::Reported(r) => r,
            Done::Deferred(r) => {
                let mut service = cfg.explicit_service.clone();
                service.extend(joined);
                cfg.analyzer.report(name, r, service)
            }
            Done::Service(r) => cfg.analyzer.report_of(name, &r, &cfg.explicit_service),
        }
    }

    fn failed(&mut self, name: String, e: String) -> FileReport {
        self.errored = true;
        eprintln!("dindlog: {e}");
        FileReport::failed(name, e)
    }

    fn emit(&mut self, mut report: FileReport) -> Result<()> {
        if let Some(model) = &self.cfg.ci_config {
            attach_model(model, &mut report);
        }
        self.summary.add(&report);
        self.reached |= self.cfg.fail_on.is_some_and(|t| report.reaches(t));
        if let Some(stream) = &mut self.stream {
            stream.report(&mut self.out, &report)?;
        }
        if let Some(kept) = &mut self.kept {
            kept.push(report);
        }
        Ok(())
    }

    /// Reports what is held at the end: a bare service log given beside
    /// exactly one job log belongs to it (`dindlog job.log dind.log`);
    /// otherwise each is reported on its own, in input order.
    fn settle_held(&mut self) -> Result<()> {
        let held = std::mem::take(&mut self.held);
        let readable: Vec<usize> =
            held.iter().enumerate().filter(|(_, s)| s.result.is_ok()).map(|(p, _)| p).collect();
        let kinds: Vec<LogKind> =
            held.iter().filter_map(|s| s.result.as_ref().ok().map(Done::kind)).collect();
        let mut items: Vec<Option<Scanned>> = held.into_iter().map(Some).collect();
        let mut reports: Vec<(usize, FileReport)> = Vec::with_capacity(items.len());
        for place in pairing::pair(&kinds) {
            let (i, joining) = match place {
                Placement::Job(i, services) => (i, services),
                Placement::Alone(i) => (i, Vec::new()),
            };
            let pos = readable[i];
            let Some(Scanned { name, result: Ok(done) }) = items[pos].take() else { continue };
            let joined = joining
                .into_iter()
                .filter_map(|j| match items[readable[j]].take() {
                    Some(Scanned { name, result: Ok(Done::Service(r)) }) => Some((name, r)),
                    _ => None,
                })
                .collect();
            reports.push((pos, self.report(&name, done, joined)));
        }
        for (pos, item) in items.into_iter().enumerate() {
            if let Some(Scanned { name, result: Err(e) }) = item {
                let report = self.failed(name, e);
                reports.push((pos, report));
            }
        }
        reports.sort_by_key(|(pos, _)| *pos);
        reports.into_iter().try_for_each(|(_, r)| self.emit(r))
    }

    /// Settles what is held, then writes the closing output and the report files.
    /// Whether an input was unreadable, and whether a report reached `--fail-on`.
    fn finish(mut self) -> Result<(bool, bool)> {
        self.settle_held()?;
        let cfg = self.cfg;
        match &mut self.stream {
            Some(stream) => stream.finish(&mut self.out, &self.summary)?,
            None => {
                let reports = self.kept.as_deref().unwrap_or_default();
                let subject = Subject::Logs { reports, summary: &self.summary };
                cfg.format.export(&mut self.out, subject, &cfg.opts)?;
            }
        }
        self.out.flush()?;
        if let Some(reports) = &self.kept {
            let files: Vec<(&str, &Path)> =
                cfg.files.iter().map(|(f, p)| (*f, p.as_path())).collect();
            let subject = Subject::Logs { reports, summary: &self.summary };
            output::write_files(&files, subject, &cfg.opts)?;
        }
        Ok((self.errored, self.reached))
    }
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
    for r in reports {
        attach_model(&model, r);
    }
    Ok(())
}

/// Points each finding of one report at the key of a linted configuration.
fn attach_model(model: &LintReport, report: &mut FileReport) {
    for f in report.findings.iter_mut() {
        if f.role == dindlog::Role::Symptom {
            continue;
        }
        f.config =
            dindlog::lint::locate(model, &f.id, None).map(|l| dindlog::report::ConfigLocation {
                path: l.file,
                line: u64::from(l.line),
                column: u64::from(l.column),
            });
    }
}
