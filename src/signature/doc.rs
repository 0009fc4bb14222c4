//! The class documentation for users (`docs/classes.md`), generated from the signature set.
//!
//! `dindlog classes-markdown > docs/classes.md` writes it; a test fails when
//! the committed file and the generated one differ.

use std::fmt::Write;

use super::{Severity, Signature, SignatureSet};

/// The command that regenerates the committed file.
pub const REGENERATE: &str = "cargo run -q -- classes-markdown > docs/classes.md";

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// A Markdown table cell: pipes would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Every class of `set`, sorted by id: an index table, then one section each
/// with what `dindlog explain` prints (placeholders filled with their defaults).
pub fn markdown(set: &SignatureSet) -> String {
    let mut sigs: Vec<&Signature> = set.iter().collect();
    sigs.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "# Failure classes\n\n\
         Generated from `signatures/*.toml` by `{REGENERATE}`: edit the signature files, \
         not this page.\n\n\
         {} classes. `kind` is what a finding of the class is (`root`: a cause to fix, \
         `symptom`: evidence another class explains, `transient`: a retry may succeed, \
         `advice`: not a failure by itself).\n",
        sigs.len()
    );
    let _ = writeln!(out, "| id | kind | severity | title |\n|---|---|---|---|");
    for s in &sigs {
        let _ = writeln!(
            out,
            "| [{id}](#{id}) | {} | {} | {} |",
            s.kind.as_str(),
            severity_word(s.severity),
            cell(&s.title),
            id = s.id
        );
    }
    for s in &sigs {
        section(&mut out, s);
    }
    out
}

fn section(out: &mut String, s: &Signature) {
    let _ = writeln!(out, "\n## {}\n\n**{}**\n", s.id, s.title);
    let _ = writeln!(out, "- kind: {}, severity: {}", s.kind.as_str(), severity_word(s.severity));
    if !s.explains.is_empty() {
        let list: Vec<String> = s.explains.iter().map(|e| format!("[{e}](#{e})")).collect();
        let _ = writeln!(out, "- explains: {}", list.join(", "));
    }
    if !s.config_keys.is_empty() {
        let list: Vec<String> = s.config_keys.iter().map(|k| format!("`{k}`")).collect();
        let _ = writeln!(out, "- configuration it points at: {}", list.join(", "));
    }
    if crate::lint::CLASSES.contains(&s.id.as_str()) {
        let _ = writeln!(out, "- `dindlog lint` looks for it in the configuration");
    }
    if s.probe {
        let _ = writeln!(out, "- a live look at the daemon (`dindlog run`) can decide it");
    }
    let _ = writeln!(out, "\n{}", s.summary);
    if let Some(q) = &s.question {
        let _ = writeln!(out, "\nWhen it is only a candidate, check: {q}");
    }
    fix(out, "Fix", &s.fix);
    for (exec, text) in &s.fix_by_executor {
        fix(out, &format!("Fix on the {exec} executor"), text);
    }
    let _ = writeln!(out, "\nDocumentation:\n");
    for d in &s.docs {
        let _ = writeln!(out, "- <{d}>");
    }
}

fn fix(out: &mut String, heading: &str, text: &str) {
    let _ = writeln!(out, "\n{heading}:\n\n```text\n{}\n```", Signature::with_defaults(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_a_section_and_a_row() {
        let set = SignatureSet::builtin().unwrap_or_else(|e| panic!("{e}"));
        let md = markdown(&set);
        for s in set.iter() {
            assert!(md.contains(&format!("\n## {}\n", s.id)), "{}", s.id);
            assert!(md.contains(&format!("| [{id}](#{id}) |", id = s.id)), "{}", s.id);
        }
        assert!(!md.contains("{service|"), "placeholders are filled");
    }
}
