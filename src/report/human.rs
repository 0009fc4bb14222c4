//! The output for a person at a terminal: root cause first, its evidence, fix and link; symptoms under it; a summary table.

use std::io::{self, Write};

use comfy_table::{presets, ColumnConstraint, ContentArrangement, Table, Width};

use super::term::{escape_terminal, plural, table_width, Style};
use super::{FileReport, Summary};
use crate::classify::{Finding, Role};
use crate::docker::version_order;
use crate::signature::{Severity, Signature, SignatureSet};

/// How the human output looks.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    /// Emit dindlog's own ANSI colours.
    pub color: bool,
    /// Print a header line per input (more than one input).
    pub headers: bool,
}

/// Prints one input's report.
pub fn print_human(w: &mut dyn Write, r: &FileReport, opts: HumanOptions) -> io::Result<()> {
    let st = Style { on: opts.color };
    let path = escape_terminal(&r.path);
    if opts.headers {
        writeln!(w, "{}{}{}", st.bold(), path, st.reset())?;
    }
    if let Some(err) = &r.error {
        writeln!(w, "  {}error:{} {}", st.red(), st.reset(), escape_terminal(err))?;
        return Ok(());
    }
    if r.binary {
        writeln!(
            w,
            "{}note:{} the input holds NUL bytes (binary data); it was read as text",
            st.dim(),
            st.reset()
        )?;
    }
    let causes: Vec<&Finding> = r.findings.iter().filter(|f| f.role == Role::Cause).collect();
    let candidates: Vec<&Finding> =
        r.findings.iter().filter(|f| f.role == Role::Candidate).collect();
    if r.findings.is_empty() {
        writeln!(
            w,
            "{}No known Docker-build failure found{} ({} read).",
            st.green(),
            st.reset(),
            plural(r.lines, "line")
        )?;
        if r.context.outcome == Some(crate::context::Outcome::Failed) {
            writeln!(w, "The job failed for a reason dindlog does not know yet.")?;
        }
        return Ok(());
    }
    match (causes.len(), candidates.len()) {
        (0, 0) => {}
        (0, n) => writeln!(
            w,
            "{}The log does not say which of {n} possible causes it is.{} Check each below.\n",
            st.yellow(),
            st.reset()
        )?,
        (1, _) => writeln!(
            w,
            "{}Root cause: {}{} {}({}){}\n",
            st.bold(),
            causes[0].id,
            st.reset(),
            st.dim(),
            causes[0].title,
            st.reset()
        )?,
        (n, _) => writeln!(w, "{}{n} root causes.{}\n", st.bold(), st.reset())?,
    }
    for f in &r.findings {
        print_finding(w, f, st)?;
    }
    if r.findings.len() > 1 {
        print_table(w, r)?;
    }
    Ok(())
}

fn print_finding(w: &mut dyn Write, f: &Finding, st: Style) -> io::Result<()> {
    let (mark, color, label) = match f.role {
        Role::Cause => ("✖", st.red(), "ROOT CAUSE"),
        Role::Candidate => ("?", st.yellow(), "POSSIBLE CAUSE"),
        Role::Symptom => ("↳", st.dim(), "SYMPTOM"),
        Role::Advice => ("•", st.cyan(), "ADVICE"),
    };
    writeln!(
        w,
        "{color}{mark} {label}{} {}{}{} · {} [{}]",
        st.reset(),
        st.bold(),
        f.id,
        st.reset(),
        f.title,
        severity_word(f.severity)
    )?;
    if let Some(by) = &f.explained_by {
        writeln!(w, "  explained by {by}: fix that first; this goes away with it.")?;
    }
    if matches!(f.role, Role::Cause | Role::Candidate) {
        let words = crate::classify::confidence_words(f.confidence);
        writeln!(w, "  {}Confidence:{} {words} ({:.2})", st.bold(), st.reset(), f.confidence)?;
    }
    if f.role != Role::Symptom {
        writeln!(w, "  {}Why:{} {}", st.bold(), st.reset(), wrap(&f.summary, 7, 2))?;
    }
    let more = f.count.saturating_sub(f.evidence.len() as u64);
    writeln!(w, "  {}Evidence:{}", st.bold(), st.reset())?;
    for e in &f.evidence {
        let place = match &e.origin {
            Some(file) => format!("{}:{}", escape_terminal(file), e.line),
            // The environment and the probe are not lines of any file.
            None if e.line == 0 => String::new(),
            None => format!("line {}", e.line),
        };
        writeln!(
            w,
            "    {}{:>10} {:<7}{} {}",
            st.dim(),
            place,
            e.source.as_str(),
            st.reset(),
            escape_terminal(&e.text)
        )?;
    }
    if more > 0 {
        writeln!(w, "    {}... and {more} more{}", st.dim(), st.reset())?;
    }
    if let Some(q) = &f.question {
        writeln!(w, "  {}Check:{} {}", st.bold(), st.reset(), wrap(q, 9, 2))?;
    }
    if let Some(c) = &f.config {
        writeln!(
            w,
            "  {}Change:{} {}:{}:{}",
            st.bold(),
            st.reset(),
            escape_terminal(&c.path),
            c.line,
            c.column
        )?;
    }
    if f.role != Role::Symptom {
        writeln!(w, "  {}Fix:{}", st.bold(), st.reset())?;
        for line in f.fix.lines() {
            writeln!(w, "    {line}")?;
        }
    }
    if !f.explains.is_empty() {
        writeln!(w, "  Also explains: {}", f.explains.join(", "))?;
    }
    for d in &f.docs {
        writeln!(w, "  {}Docs:{} {}", st.bold(), st.reset(), d)?;
    }
    writeln!(w)
}

fn print_table(w: &mut dyn Write, r: &FileReport) -> io::Result<()> {
    let mut t = Table::new();
    t.load_style(presets::UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(table_width())
        .set_header(["role", "class", "severity", "first line", "lines", "explained by"]);
    for f in &r.findings {
        t.add_row([
            f.role.as_str().to_string(),
            f.id.clone(),
            severity_word(f.severity).to_string(),
            f.first_line.to_string(),
            f.count.to_string(),
            f.explained_by.clone().unwrap_or_default(),
        ]);
    }
    keep_whole(&mut t, &[0, 1, 2, 3, 4, 5]);
    writeln!(w, "{t}")
}

/// Prints the run's totals after several inputs.
pub fn print_summary(w: &mut dyn Write, s: &Summary, color: bool) -> io::Result<()> {
    let st = Style { on: color };
    let rate = |n: u64| if s.failed == 0 { 0.0 } else { 100.0 * n as f64 / s.failed as f64 };
    // Failed jobs split into diagnosed and unexplained; the other files
    // (succeeded, or no outcome in the log) are counted apart, so that
    // failed + other + unreadable = files and diagnosed + unexplained = failed.
    let failed_diagnosed = s.failed.saturating_sub(s.failed_unclassified);
    let others = s.files.saturating_sub(s.failed + s.errors);
    let others_diagnosed = s.files_with_findings.saturating_sub(failed_diagnosed);
    writeln!(
        w,
        "{}{}: {}, {}, {} unreadable{}",
        st.bold(),
        plural(s.files, "file"),
        plural(s.failed, "failed job"),
        plural(others, "other file"),
        s.errors,
        st.reset()
    )?;
    writeln!(
        w,
        "failed jobs: {failed_diagnosed} with a diagnosis, {} unexplained ({:.1}% of failures)",
        s.failed_unclassified,
        rate(s.failed_unclassified),
    )?;
    writeln!(
        w,
        "other files (succeeded, or no outcome in the log): {others_diagnosed} with a diagnosis"
    )?;
    if s.classes.is_empty() {
        return Ok(());
    }
    let mut t = Table::new();
    t.load_style(presets::UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(table_width())
        .set_header(["class", "files", "share", "cause", "candidate", "symptom", "advice"]);
    let mut rows: Vec<_> = s.classes.iter().collect();
    rows.sort_by(|a, b| b.1.files.cmp(&a.1.files).then(a.0.cmp(b.0)));
    for (id, c) in rows {
        let share = if s.files == 0 { 0.0 } else { 100.0 * c.files as f64 / s.files as f64 };
        t.add_row([
            id.clone(),
            c.files.to_string(),
            format!("{share:.1}%"),
            c.cause.to_string(),
            c.candidate.to_string(),
            c.symptom.to_string(),
            c.advice.to_string(),
        ]);
    }
    keep_whole(&mut t, &[0, 1, 2, 3, 4, 5, 6]);
    writeln!(w, "{t}")?;
    for (title, map) in [
        ("runner version", &s.runner_versions),
        ("executor", &s.executors),
        ("dind image", &s.dind_images),
    ] {
        if map.is_empty() {
            continue;
        }
        let mut t = Table::new();
        t.load_style(presets::UTF8_BORDERS_ONLY)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(table_width())
            .set_header([title, "files", "failed", "most common root cause"]);
        // `9.5.0` before `16.11.0`, `docker:9-dind` before `docker:20.10-dind`.
        let mut keys: Vec<(&String, _)> = map.iter().collect();
        keys.sort_by(|a, b| version_order(a.0, b.0));
        for (key, b) in keys {
            let top = b
                .causes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map_or(String::new(), |(id, n)| format!("{id} ({n})"));
            t.add_row([
                escape_terminal(key).into_owned(),
                b.files.to_string(),
                b.failed.to_string(),
                top,
            ]);
        }
        keep_whole(&mut t, &[1, 2, 3]);
        writeln!(w, "{t}")?;
    }
    Ok(())
}

/// `dindlog explain ID`: everything the knowledge base says about one class.
pub fn print_explain(w: &mut dyn Write, sig: &Signature, color: bool) -> io::Result<()> {
    let st = Style { on: color };
    writeln!(w, "{}{}{} · {}", st.bold(), sig.id, st.reset(), sig.title)?;
    writeln!(w, "kind: {}, severity: {}", sig.kind.as_str(), severity_word(sig.severity))?;
    writeln!(w, "\n{}Why{}\n  {}", st.bold(), st.reset(), wrap(&sig.summary, 2, 2))?;
    if let Some(q) = &sig.question {
        writeln!(
            w,
            "\n{}When it is only a candidate, check{}\n  {}",
            st.bold(),
            st.reset(),
            wrap(q, 2, 2)
        )?;
    }
    writeln!(w, "\n{}Fix{}", st.bold(), st.reset())?;
    for line in Signature::with_defaults(&sig.fix).lines() {
        writeln!(w, "  {line}")?;
    }
    for (exec, fix) in &sig.fix_by_executor {
        writeln!(w, "\n{}Fix on the {exec} executor{}", st.bold(), st.reset())?;
        for line in Signature::with_defaults(fix).lines() {
            writeln!(w, "  {line}")?;
        }
    }
    if !sig.explains.is_empty() {
        writeln!(w, "\nExplains: {}", sig.explains.join(", "))?;
    }
    writeln!(w, "\n{}Evidence it looks for{}", st.bold(), st.reset())?;
    for p in &sig.patterns {
        let what = match &p.regex {
            Some(re) => re.as_str().to_string(),
            None => p.literals.join(" | "),
        };
        writeln!(w, "  [{}] {}: {}", p.strength.as_str(), p.name, what)?;
    }
    writeln!(w, "\n{}Docs{}", st.bold(), st.reset())?;
    for d in &sig.docs {
        writeln!(w, "  {d}")?;
    }
    Ok(())
}

/// `dindlog signatures`: one row per class.
pub fn print_signature_table(w: &mut dyn Write, set: &SignatureSet) -> io::Result<()> {
    let mut t = Table::new();
    t.load_style(presets::UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(table_width())
        .set_header(["id", "kind", "severity", "title"]);
    let mut sigs: Vec<&Signature> = set.iter().collect();
    sigs.sort_by(|a, b| a.id.cmp(&b.id));
    for s in sigs {
        t.add_row([
            s.id.clone(),
            s.kind.as_str().to_string(),
            severity_word(s.severity).to_string(),
            s.title.clone(),
        ]);
    }
    keep_whole(&mut t, &[0, 1, 2]);
    writeln!(w, "{t}")?;
    writeln!(w, "{}. `dindlog explain <id>` shows one in full.", plural(set.len() as u64, "class"))
}

/// Wraps prose at [`WIDTH`] columns; `first` is how much of the first line a
/// label already took, continuation lines are indented by `indent`.
fn wrap(text: &str, first: usize, indent: usize) -> String {
    let mut out = String::new();
    for (i, para) in text.split("\n\n").enumerate() {
        if i > 0 {
            out.push_str("\n\n");
            out.push_str(&" ".repeat(indent));
        }
        let mut col = if i == 0 { first } else { indent };
        for (j, word) in para.split_whitespace().enumerate() {
            let len = word.chars().count();
            if j > 0 && col + 1 + len > WIDTH {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                col = indent;
            } else if j > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += len;
        }
    }
    out
}

/// Prose is wrapped to fit a common terminal.
const WIDTH: usize = 96;

/// Tables shrink to the terminal by wrapping their prose columns (titles,
/// image names); the `columns` given (class ids, numbers, short words) are
/// never cut: a cut id cannot be searched or pasted; prose keeps 16 columns. Columns are two spaces
/// apart rather than three, so that the class table fits 80 columns whole.
fn keep_whole(t: &mut Table, columns: &[usize]) {
    let last = t.column_count().saturating_sub(1);
    for (i, c) in t.column_iter_mut().enumerate() {
        c.set_padding((1, u16::from(i == last)));
        if columns.contains(&i) {
            c.set_constraint(ColumnConstraint::ContentWidth);
        } else {
            // On a very narrow terminal a table overflows rather than
            // wrapping prose one letter per line.
            c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(16)));
        }
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// `dindlog lint`: one block per finding, `file:line:col: severity[id] job: message`.
pub fn print_lint(w: &mut dyn Write, r: &crate::lint::LintReport, color: bool) -> io::Result<()> {
    use crate::lint::Severity as S;
    let st = Style { on: color };
    for f in &r.findings {
        let (word, c) = match f.severity {
            S::Error => ("error", st.red()),
            S::Warning => ("warning", st.yellow()),
            S::Info => ("info", st.cyan()),
        };
        let job = f.job.as_deref().map(|j| format!("job {j}: ")).unwrap_or_default();
        writeln!(
            w,
            "{}{}{}: {c}{word}[{}]{} {job}{}",
            st.bold(),
            escape_terminal(&f.location.to_string()),
            st.reset(),
            f.id,
            st.reset(),
            escape_terminal(&f.message)
        )?;
        let mut lines = f.fix.lines();
        if let Some(first) = lines.next() {
            writeln!(w, "  fix: {first}")?;
            for l in lines {
                writeln!(w, "       {l}")?;
            }
        }
        writeln!(w, "  docs: {}", f.docs)?;
    }
    for n in &r.notes {
        writeln!(w, "{}note:{} {}", st.dim(), st.reset(), escape_terminal(n))?;
    }
    let errors = r.findings.iter().filter(|f| f.severity == S::Error).count();
    writeln!(
        w,
        "{} ({}) in {}",
        plural(r.findings.len() as u64, "finding"),
        plural(errors as u64, "error"),
        plural(r.jobs.len() as u64, "job")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_wraps_at_the_width() {
        let text = "word ".repeat(60);
        let out = wrap(text.trim(), 7, 2);
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        assert!(out.lines().skip(1).all(|l| l.starts_with("  word")));
        assert_eq!(out.split_whitespace().count(), 60);
        assert_eq!(wrap("a\n\nb", 0, 2), "a\n\n  b");
    }
}
