//! `dindlog merge`: combines the `--format json` documents of several shards into one, as if one run had scanned every input.
//!
//! The files are concatenated in the order the documents are given. The
//! summary is recomputed by adding the shards' summaries, not from the files,
//! because a shard run with `--summary` writes its summary but no files.
//! Adding is exact for everything the summary holds: every leaf is a count
//! (`files`, `errors`, `files_with_findings`, `failed`,
//! `failed_unclassified`, `lines`, `bytes`), and the maps (`classes`,
//! `runner_versions`, `executors`, `dind_images`, and the `causes` inside a
//! breakdown) are merged by key with their counts added. A leaf that is not
//! a count (a share, a rate, a name) cannot be added: if the shards agree on
//! it the value is kept, otherwise the merge fails naming it, rather than
//! writing a wrong figure. Shares and rates are for printers to derive.
//!
//! A report given twice (the same document, byte for byte once parsed) would
//! count its inputs twice: [`dedup`] keeps the first and names the others so
//! the caller can warn. JSON Lines (`--format jsonl`) are refused by
//! [`parse_report`] with a message that says so: their events carry less than
//! the document (no context), so a merge of them could not equal one run.

use std::fmt;

use serde_json::{Map, Value};

/// The JSON document version this merge understands (`report::json::VERSION`;
/// a test keeps them equal).
pub const SUPPORTED_VERSION: u64 = 1;

/// Why documents cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeError {
    /// Which document (0-based, in the order given), when one is at fault.
    pub document: Option<usize>,
    /// What is wrong, lowercase.
    pub message: String,
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.document {
            Some(i) => write!(f, "report {}: {}", i + 1, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for MergeError {}

fn err(document: Option<usize>, message: impl Into<String>) -> MergeError {
    MergeError { document, message: message.into() }
}

/// Parses one report's text (the caller names the file in the error).
///
/// # Errors
///
/// Text that is not JSON, naming JSON Lines (several JSON values, one per
/// line, as `--format jsonl` writes) as such.
pub fn parse_report(text: &str) -> Result<Value, MergeError> {
    match serde_json::from_str(text) {
        Ok(v) => Ok(v),
        Err(e) => {
            let mut lines = text.lines().filter(|l| !l.trim().is_empty());
            let first: Option<Value> = lines.next().and_then(|l| serde_json::from_str(l).ok());
            let jsonl = first.is_some_and(|v| v.get("type").is_some() || lines.next().is_some());
            Err(err(
                None,
                if jsonl {
                    "JSON Lines (--format jsonl) cannot be merged: write each shard with --format json"
                        .to_string()
                } else if text.trim().is_empty() {
                    "empty: not a dindlog --format json report".to_string()
                } else {
                    format!("not a dindlog --format json report: {e}")
                },
            ))
        }
    }
}

/// A report dropped by [`dedup`] because an earlier one is the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Index (0-based, in the order given) of the dropped report.
    pub index: usize,
    /// Index of the earlier report it repeats.
    pub same_as: usize,
}

/// Drops every report equal to an earlier one (the same file given twice, or
/// a copy of it), keeping order; returns the kept reports with their original
/// indices, and what was dropped.
///
/// Equal documents are the same scan: two shards of one run never hold the
/// same files. Shards that read nothing (`"files": []`, zero files counted)
/// are alike without being copies, and add nothing: they are never flagged.
pub fn dedup(docs: Vec<Value>) -> (Vec<(usize, Value)>, Vec<Duplicate>) {
    let mut kept: Vec<(usize, Value)> = Vec::with_capacity(docs.len());
    let mut dups = Vec::new();
    for (index, doc) in docs.into_iter().enumerate() {
        let empty = doc["files"].as_array().is_some_and(Vec::is_empty)
            && doc["summary"]["files"].as_u64().unwrap_or(0) == 0;
        match kept.iter().find(|(_, k)| !empty && *k == doc) {
            Some(&(same_as, _)) => dups.push(Duplicate { index, same_as }),
            None => kept.push((index, doc)),
        }
    }
    (kept, dups)
}

/// Merges `--format json` documents into one.
///
/// # Errors
///
/// No documents; a document that is not an object with `version`, `files`
/// (an array) and `summary` (an object); a version other than
/// [`SUPPORTED_VERSION`] or differing between documents; a summary leaf that
/// is neither a count nor equal in every document.
///
/// # Example
///
/// ```
/// use serde_json::json;
/// let a = json!({"version": 1, "files": [{"path": "a.log"}], "summary": {"files": 1, "classes": {"x": {"files": 1}}}});
/// let b = json!({"version": 1, "files": [{"path": "b.log"}], "summary": {"files": 1, "classes": {"x": {"files": 1}}}});
/// let m = dindlog::merge::merge_json(vec![a, b]).unwrap();
/// assert_eq!(m["summary"]["classes"]["x"]["files"], 2);
/// ```
pub fn merge_json(docs: Vec<Value>) -> Result<Value, MergeError> {
    if docs.is_empty() {
        return Err(err(None, "nothing to merge: give at least one --format json report"));
    }
    let mut version = None;
    let mut files = Vec::new();
    let mut summary = Value::Object(Map::new());
    for (i, doc) in docs.into_iter().enumerate() {
        let Value::Object(mut doc) = doc else {
            return Err(err(Some(i), "not a dindlog json report (expected an object)"));
        };
        let v = doc
            .get("version")
            .and_then(Value::as_u64)
            .ok_or_else(|| err(Some(i), "no \"version\": not a dindlog --format json report"))?;
        if v != SUPPORTED_VERSION {
            return Err(err(
                Some(i),
                format!(
                    "version {v} is not supported (this dindlog reads version {SUPPORTED_VERSION})"
                ),
            ));
        }
        match version {
            Some(first) if first != v => {
                return Err(err(
                    Some(i),
                    format!("version {v} differs from the first report's {first}"),
                ))
            }
            _ => version = Some(v),
        }
        match doc.remove("files") {
            Some(Value::Array(f)) => files.extend(f),
            _ => return Err(err(Some(i), "\"files\" is missing or not an array")),
        }
        match doc.remove("summary") {
            Some(s @ Value::Object(_)) => add(&mut summary, s, "summary", i)?,
            _ => return Err(err(Some(i), "\"summary\" is missing or not an object")),
        }
    }
    let mut out = Map::new();
    out.insert("version".into(), Value::from(version.unwrap_or(SUPPORTED_VERSION)));
    out.insert("files".into(), Value::Array(files));
    out.insert("summary".into(), summary);
    Ok(Value::Object(out))
}

/// Adds `from` into `into`: objects by key, unsigned integers summed, other
/// leaves kept when equal.
fn add(into: &mut Value, from: Value, path: &str, doc: usize) -> Result<(), MergeError> {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                let sub = format!("{path}.{k}");
                match a.get_mut(&k) {
                    Some(slot) => add(slot, v, &sub, doc)?,
                    None => {
                        a.insert(k, v);
                    }
                }
            }
            Ok(())
        }
        (slot @ Value::Number(_), Value::Number(n)) if slot.is_u64() && n.is_u64() => {
            let sum = slot.as_u64().unwrap_or(0).checked_add(n.as_u64().unwrap_or(0));
            *slot =
                Value::from(sum.ok_or_else(|| err(Some(doc), format!("{path}: count overflows")))?);
            Ok(())
        }
        (slot, v) if *slot == v && !v.is_object() => Ok(()),
        (slot, v) => Err(err(
            Some(doc),
            format!(
                "{path}: cannot add {v} to {slot} (only counts and maps of counts can be merged)"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn non_count_leaves_must_agree() {
        let a = json!({"version": 1, "files": [], "summary": {"note": "x", "rate": 0.5}});
        let b = json!({"version": 1, "files": [], "summary": {"note": "x", "rate": 0.5}});
        assert!(merge_json(vec![a.clone(), b]).is_ok());
        let c = json!({"version": 1, "files": [], "summary": {"note": "x", "rate": 0.25}});
        let e = merge_json(vec![a, c]).unwrap_err();
        assert_eq!(e.document, Some(1));
        assert!(e.message.starts_with("summary.rate: cannot add 0.25 to 0.5"), "{e}");
    }

    #[test]
    fn parse_names_json_lines() {
        let jsonl =
            "{\"type\":\"begin\",\"data\":{\"path\":\"a\"}}\n{\"type\":\"end\",\"data\":{}}\n";
        let e = parse_report(jsonl).unwrap_err();
        assert!(e.message.starts_with("JSON Lines (--format jsonl) cannot be merged"), "{e}");
        // One line of JSON Lines is one JSON value: still refused by merge_json's shape check.
        assert!(parse_report("{\"version\": 1}").is_ok());
        assert!(parse_report("").unwrap_err().message.starts_with("empty"));
        assert!(parse_report("nope").unwrap_err().message.starts_with("not a dindlog"));
    }

    #[test]
    fn dedup_keeps_first() {
        let a = json!({"version": 1, "files": [{"path": "a"}], "summary": {"files": 1}});
        let b = json!({"version": 1, "files": [{"path": "b"}], "summary": {"files": 1}});
        let (kept, dups) = dedup(vec![a.clone(), b.clone(), a.clone()]);
        assert_eq!(kept, vec![(0, a), (1, b)]);
        assert_eq!(dups, vec![Duplicate { index: 2, same_as: 0 }]);
        // Empty shards (more shards than inputs) are alike but not repeats.
        let e = json!({"version": 1, "files": [], "summary": {"files": 0}});
        let (kept, dups) = dedup(vec![e.clone(), e.clone()]);
        assert_eq!((kept.len(), dups.len()), (2, 0));
        // A summary-only report given twice is a repeat.
        let s = json!({"version": 1, "files": [], "summary": {"files": 4}});
        assert_eq!(dedup(vec![s.clone(), s]).1.len(), 1);
    }

    #[test]
    fn rejects_shapes() {
        assert!(merge_json(vec![]).is_err());
        assert!(merge_json(vec![json!([])]).is_err());
        assert!(merge_json(vec![json!({"version": 1, "summary": {}})]).is_err());
        assert!(merge_json(vec![json!({"version": 1, "files": []})]).is_err());
    }
}
