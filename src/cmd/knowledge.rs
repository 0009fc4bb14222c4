//! The knowledge-base and report subcommands: `explain`, `signatures` (list, test, check-fp), `merge`.

use std::io::Write;

use dindlog::report;
use dindlog::Analyzer;

use super::{load_set, stdout, use_color, Result, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::cli::{CommonArgs, ListFormat};

pub(crate) fn explain(id: &str, common: &CommonArgs) -> Result<u8> {
    let set = load_set(common)?;
    let Some(sig) = set.by_id(id) else {
        let hint = match super::did_you_mean(id, set.iter().map(|s| s.id.as_str())) {
            Some(near) => format!("did you mean '{near}'? "),
            None => String::new(),
        };
        let id = report::escape_terminal(id);
        return Err(format!("unknown class '{id}'; {hint}`dindlog signatures` lists them").into());
    };
    let mut out = stdout();
    report::print_explain(&mut out, sig, use_color(common.color))?;
    out.flush()?;
    Ok(EXIT_CLEAN)
}

/// The hidden `classes-markdown`: `docs/classes.md` from the built-in set
/// only, so a user's `--signatures` never changes the committed page.
pub(crate) fn classes_markdown() -> Result<u8> {
    let set = dindlog::SignatureSet::builtin()?;
    let mut out = stdout();
    out.write_all(dindlog::signature::doc::markdown(&set).as_bytes())?;
    out.flush()?;
    Ok(EXIT_CLEAN)
}

pub(crate) fn list(format: ListFormat, common: &CommonArgs) -> Result<u8> {
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

/// `signatures check-fp`: anything but advice on a green job is a false positive.
pub(crate) fn check_fp(paths: &[std::path::PathBuf], common: &CommonArgs) -> Result<u8> {
    let analyzer = Analyzer::new(load_set(common)?);
    // The files a directory scan takes (log-like names, compressed logs and
    // archives, read member by member), so that what check-fp calls clean is
    // what `dindlog scan DIR` would read.
    let (files, walk_errors) = dindlog::walk::expand(paths, &dindlog::walk::WalkOptions::default());
    let mut errored = !walk_errors.is_empty();
    for e in walk_errors {
        eprintln!("dindlog: {e}");
    }
    let limits = dindlog::archive::Limits::default();
    let mut out = stdout();
    let (mut streams, mut fps) = (0usize, 0usize);
    let mut lines: Vec<String> = Vec::new();
    for path in &files {
        let res = dindlog::archive::for_each_stream(path, &limits, |name, rdr| {
            streams += 1;
            let report = match analyzer.scan(name, rdr, dindlog::InputKind::Detect) {
                Ok(r) => analyzer.report(name, r, Vec::new()),
                Err(e) => {
                    errored = true;
                    eprintln!("dindlog: {e}");
                    return;
                }
            };
            for f in report.findings.iter().filter(|f| f.role != dindlog::Role::Advice) {
                fps += 1;
                let line = f.evidence.first().map_or(String::new(), |e| e.text.clone());
                lines.push(format!(
                    "{}:{}: {} ({}): {}",
                    report::escape_terminal(name),
                    f.first_line,
                    f.id,
                    f.role.as_str(),
                    report::escape_terminal(&line)
                ));
            }
        });
        if let Err(e) = res {
            errored = true;
            eprintln!("dindlog: {e}");
        }
        for l in lines.drain(..) {
            writeln!(out, "{l}")?;
        }
    }
    writeln!(
        out,
        "check-fp: {}, {}",
        dindlog::report::plural(streams as u64, "file"),
        dindlog::report::plural(fps as u64, "false positive")
    )?;
    out.flush()?;
    Ok(if errored {
        EXIT_ERROR
    } else if fps > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

pub(crate) fn signatures_test(dir: Option<std::path::PathBuf>, common: &CommonArgs) -> Result<u8> {
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

/// `dindlog merge`: one JSON document from the reports of several shards
/// (`-` is standard input); a report given twice is counted once, with a warning.
pub(crate) fn merge(paths: &[std::path::PathBuf], html: Option<&std::path::Path>) -> Result<u8> {
    let name = |p: &std::path::Path| {
        if p.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            p.display().to_string()
        }
    };
    if paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err("standard input (`-`) is named more than once".into());
    }
    let mut docs = Vec::with_capacity(paths.len());
    for p in paths {
        let text = if p.as_os_str() == "-" {
            let mut t = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
                .map_err(|e| format!("<stdin>: {}", dindlog::error::io_message(&e)))?;
            t
        } else {
            std::fs::read_to_string(p)
                .map_err(|e| format!("{}: {}", p.display(), dindlog::error::io_message(&e)))?
        };
        let doc = dindlog::merge::parse_report(&text).map_err(|e| format!("{}: {e}", name(p)))?;
        docs.push(doc);
    }
    let (kept, dups) = dindlog::merge::dedup(docs);
    for d in dups {
        eprintln!(
            "dindlog: warning: {} is the same report as {}: counted once",
            name(&paths[d.index]),
            name(&paths[d.same_as])
        );
    }
    let (order, docs): (Vec<usize>, Vec<serde_json::Value>) = kept.into_iter().unzip();
    let merged = dindlog::merge::merge_json(docs).map_err(|e| {
        // Name the file rather than its position.
        match e.document.and_then(|i| order.get(i)).and_then(|&i| paths.get(i)) {
            Some(p) => format!("{}: {}", name(p), e.message),
            None => e.to_string(),
        }
    })?;
    let opts = super::output::options(false, false, None);
    let json = report::format("json").ok_or("the json format is not registered")?;
    super::output::print(json, report::Subject::Merged(&merged), &opts)?;
    if let Some(path) = html {
        super::output::write_files(&[("--html", path)], report::Subject::Merged(&merged), &opts)?;
    }
    Ok(EXIT_CLEAN)
}
