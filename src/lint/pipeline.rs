//! The CI configuration as GitLab resolves it: includes, `extends`, `!reference`, `default:` and variables, per job.
//!
//! The order follows GitLab's: local includes are deep-merged under the file
//! that includes them, then `extends` is expanded (hashes merged deeply,
//! arrays replaced), then `!reference` tags are resolved against the expanded
//! configuration, then `default:` fills the keys a job lacks. Every value
//! keeps the position it was written at, so a finding about a key inherited
//! from a template points at the template.

use std::collections::{HashMap, HashSet};

use super::error::LintError;
use super::yaml::{self, Entry, FileId, Node, Pos, Style, Value};

/// The source files of one lint run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub(crate) struct Files {
    paths: Vec<String>,
    sources: Vec<String>,
}

impl Files {
    pub fn add(&mut self, path: &str, source: &str) -> FileId {
        self.paths.push(path.to_string());
        self.sources.push(source.to_string());
        u32::try_from(self.paths.len() - 1).unwrap_or(u32::MAX)
    }

    pub fn path(&self, id: FileId) -> &str {
        self.paths.get(id as usize).map_or("", String::as_str)
    }

    /// Line `line` (1-based) of file `id`, without its newline.
    pub fn line(&self, id: FileId, line: u32) -> Option<&str> {
        let src = self.sources.get(id as usize)?;
        src.lines().nth((line as usize).checked_sub(1)?)
    }
}

/// What a [`Loader`] found for a repository path.
pub(crate) enum Read {
    Text(String),
    NotFound,
    Failed(String),
    /// The loader has no repository to read from (`lint_str`).
    NoRoot,
}

/// Reads `include:local` files. Paths are relative to the repository root,
/// without a leading `/`.
pub(crate) trait Loader {
    fn read(&self, path: &str) -> Read;
    /// The path to show for a repository file, e.g. joined to the directory
    /// the main configuration was given in.
    fn display(&self, path: &str) -> String;
    /// Repository files matching a wildcard pattern, sorted; `None` when
    /// there is no repository to list.
    fn glob(&self, pattern: &str) -> Option<Vec<String>>;
}

/// A CI/CD variable as the job sees it.
#[derive(Clone, Debug)]
pub(crate) struct Var {
    pub name: String,
    pub value: String,
    pub key_pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) struct Image {
    /// As written, e.g. `docker:$DOCKER_VERSION`.
    pub raw: String,
    /// With the job's variables expanded.
    pub name: String,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) struct Service {
    pub image: Image,
    pub aliases: Vec<String>,
    pub command: Vec<String>,
    /// The service's own `variables:`, which override the job's for it.
    pub variables: Vec<Var>,
}

/// One line of `before_script`, `script` or `after_script`.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    pub text: String,
    /// The start of the line's text.
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub name: String,
    pub pos: Pos,
    pub image: Option<Image>,
    pub services: Vec<Service>,
    /// Global variables not turned off by `inherit:`, overridden by the job's.
    pub variables: Vec<Var>,
    pub lines: Vec<Line>,
}

impl Job {
    pub fn var(&self, name: &str) -> Option<&Var> {
        self.variables.iter().find(|v| v.name == name)
    }
}

impl Service {
    /// A variable as the service container sees it: its own, then the job's.
    pub fn var<'a>(&'a self, job: &'a Job, name: &str) -> Option<&'a Var> {
        self.variables.iter().find(|v| v.name == name).or_else(|| job.var(name))
    }
}

#[derive(Debug, Default)]
pub(crate) struct Pipeline {
    pub files: Files,
    pub jobs: Vec<Job>,
    pub notes: Vec<String>,
}

/// Top-level keys that are not jobs.
const RESERVED: &[&str] = &[
    "image",
    "services",
    "stages",
    "types",
    "before_script",
    "after_script",
    "variables",
    "cache",
    "include",
    "default",
    "workflow",
    "spec",
];
/// Keys `default:` (or the deprecated top-level form) gives to jobs that lack them.
const DEFAULT_KEYS: &[&str] = &["image", "services", "before_script", "after_script"];
/// GitLab's limit on `!reference` nesting.
const MAX_REFERENCE_DEPTH: usize = 10;
/// GitLab's limit on the number of included files.
const MAX_INCLUDES: usize = 150;

/// Builds the resolved pipeline from the main configuration.
pub(crate) fn build(path: &str, source: &str, loader: &dyn Loader) -> Result<Pipeline, LintError> {
    // The main file sits at the repository root, so its repository path is its name.
    let main = path.rsplit(['/', '\\']).next().unwrap_or(path).to_string();
    let mut b = Resolver {
        files: Files::default(),
        notes: Vec::new(),
        loader,
        seen: HashSet::from([main.clone()]),
        stack: vec![main],
    };
    let id = b.files.add(path, source);
    let top = b.load(id, source)?;
    let top = expand_extends(&top, &b.files)?;
    let jobs = build_jobs(&top, &b.files)?;
    Ok(Pipeline { files: b.files, jobs, notes: b.notes })
}

struct Resolver<'a> {
    files: Files,
    notes: Vec<String>,
    loader: &'a dyn Loader,
    /// Repository paths already included: GitLab includes a file once.
    seen: HashSet<String>,
    /// The include chain being loaded, for cycle detection.
    stack: Vec<String>,
}

impl Resolver<'_> {
    /// Parses one file and merges its local includes under it.
    fn load(&mut self, id: FileId, source: &str) -> Result<Node, LintError> {
        let start = Pos { file: id, line: 1, col: 1 };
        let root = yaml::parse(source, id).map_err(|e| {
            let file = self.files.path(id).to_string();
            if e.syntax {
                LintError::Yaml { file, line: e.line, column: e.col, message: e.message }
            } else {
                LintError::Invalid { file, line: e.line, column: e.col, message: e.message }
            }
        })?;
        let mut root = root.unwrap_or_else(|| Node::empty_map(start));
        let Value::Map(entries) = &mut root.value else {
            return Err(invalid(
                &self.files,
                root.pos,
                "the configuration must be a mapping of keys to values",
            ));
        };
        let include = entries.iter().position(|e| e.key == "include").map(|i| entries.remove(i));
        let mut merged = Node::empty_map(start);
        if let Some(include) = include {
            for (kind, target, pos) in include_items(&include.value) {
                if let Some(sub) = self.include(&kind, &target, pos)? {
                    for part in sub {
                        merged = deep_merge(merged, part);
                    }
                }
            }
        }
        Ok(deep_merge(merged, root))
    }

    fn include(
        &mut self,
        kind: &str,
        target: &str,
        pos: Pos,
    ) -> Result<Option<Vec<Node>>, LintError> {
        if kind != "local" {
            self.notes.push(format!("include:{kind} {target} not followed"));
            return Ok(None);
        }
        if target.contains('$') {
            self.notes.push(format!("include:local {target} not followed: it uses a variable"));
            return Ok(None);
        }
        let path = target.trim_start_matches('/').to_string();
        let paths = if path.contains('*') {
            match self.loader.glob(&path) {
                Some(p) => p,
                None => {
                    self.notes.push(format!(
                        "include:local {target} not followed: no repository to read"
                    ));
                    return Ok(None);
                }
            }
        } else {
            vec![path]
        };
        let mut out = Vec::new();
        for p in paths {
            if self.stack.contains(&p) {
                let mut chain = self.stack.clone();
                chain.push(p);
                return Err(LintError::IncludeCycle { chain });
            }
            if !self.seen.insert(p.clone()) {
                continue;
            }
            if self.seen.len() > MAX_INCLUDES {
                return Err(invalid(
                    &self.files,
                    pos,
                    &format!("more than {MAX_INCLUDES} included files"),
                ));
            }
            let text = match self.loader.read(&p) {
                Read::Text(t) => t,
                Read::NoRoot => {
                    self.notes.push(format!(
                        "include:local {target} not followed: no repository to read"
                    ));
                    continue;
                }
                Read::NotFound => {
                    return Err(LintError::IncludeNotFound {
                        file: self.files.path(pos.file).to_string(),
                        line: pos.line,
                        column: pos.col,
                        include: target.to_string(),
                    })
                }
                Read::Failed(message) => {
                    return Err(LintError::Io { path: self.loader.display(&p), message })
                }
            };
            let id = self.files.add(&self.loader.display(&p), &text);
            self.stack.push(p);
            let node = self.load(id, &text);
            self.stack.pop();
            out.push(node?);
        }
        Ok(Some(out))
    }
}

/// The entries of an `include:` value as (kind, target, position).
fn include_items(node: &Node) -> Vec<(String, String, Pos)> {
    let items: Vec<&Node> = match &node.value {
        Value::Seq(s) => s.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for item in items {
        match &item.value {
            Value::Str(s, _) => {
                let kind = if s.starts_with("http://") || s.starts_with("https://") {
                    "remote"
                } else {
                    "local"
                };
                out.push((kind.to_string(), s.clone(), item.pos));
            }
            Value::Map(entries) => {
                for e in entries {
                    let target = match &e.value.value {
                        Value::Str(s, _) => s.clone(),
                        Value::Seq(files) => {
                            files.iter().filter_map(Node::as_str).collect::<Vec<_>>().join(", ")
                        }
                        _ => continue,
                    };
                    match e.key.as_str() {
                        "local" | "remote" | "template" | "component" => {
                            out.push((e.key.clone(), target, e.value.pos));
                        }
                        "project" => {
                            let files = item.get("file").map(|f| match &f.value {
                                Value::Seq(s) => {
                                    s.iter().filter_map(Node::as_str).collect::<Vec<_>>().join(", ")
                                }
                                Value::Str(s, _) => s.clone(),
                                _ => String::new(),
                            });
                            let t = match files {
                                Some(f) if !f.is_empty() => format!("{target} ({f})"),
                                _ => target,
                            };
                            out.push(("project".to_string(), t, e.value.pos));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// GitLab's deep merge: mappings merge key by key, anything else is replaced.
pub(crate) fn deep_merge(base: Node, over: Node) -> Node {
    match (base.value, over.value) {
        (Value::Map(mut b), Value::Map(o)) => {
            for e in o {
                match b.iter().position(|x| x.key == e.key) {
                    Some(i) => {
                        let old = b.remove(i);
                        let value = deep_merge(old.value, e.value);
                        b.insert(i, Entry { key: e.key, key_pos: e.key_pos, value });
                    }
                    None => b.push(e),
                }
            }
            Node { value: Value::Map(b), pos: over.pos, tag: over.tag }
        }
        (_, value) => Node { value, pos: over.pos, tag: over.tag },
    }
}

fn invalid(files: &Files, pos: Pos, message: &str) -> LintError {
    LintError::Invalid {
        file: files.path(pos.file).to_string(),
        line: pos.line,
        column: pos.col,
        message: message.to_string(),
    }
}

fn is_job(e: &Entry) -> bool {
    !RESERVED.contains(&e.key.as_str()) && matches!(e.value.value, Value::Map(_))
}

/// Replaces every job by its `extends`-expanded form.
fn expand_extends(top: &Node, files: &Files) -> Result<Node, LintError> {
    let Some(entries) = top.as_map() else { return Ok(top.clone()) };
    let mut memo: HashMap<String, Node> = HashMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        if is_job(e) {
            let value = extend(&e.key, entries, &mut memo, &mut Vec::new(), files)?;
            out.push(Entry { key: e.key.clone(), key_pos: e.key_pos, value });
        } else {
            out.push(e.clone());
        }
    }
    Ok(Node { value: Value::Map(out), pos: top.pos, tag: None })
}

fn extend(
    name: &str,
    top: &[Entry],
    memo: &mut HashMap<String, Node>,
    chain: &mut Vec<String>,
    files: &Files,
) -> Result<Node, LintError> {
    if let Some(done) = memo.get(name) {
        return Ok(done.clone());
    }
    let Some(entry) = top.iter().find(|e| e.key == name) else {
        return Ok(Node::empty_map(Pos { file: 0, line: 1, col: 1 }));
    };
    let mut job = entry.value.clone();
    let parents = match &mut job.value {
        Value::Map(m) => match m.iter().position(|e| e.key == "extends") {
            Some(i) => names(&m.remove(i).value),
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    chain.push(name.to_string());
    let mut base = Node::empty_map(job.pos);
    for (parent, pos) in parents {
        if chain.contains(&parent) {
            let mut c = chain.clone();
            c.push(parent);
            return Err(LintError::ExtendsCycle {
                file: files.path(pos.file).to_string(),
                line: pos.line,
                column: pos.col,
                chain: c,
            });
        }
        if !top.iter().any(|e| e.key == parent && is_job(e)) {
            return Err(LintError::ExtendsNotFound {
                file: files.path(pos.file).to_string(),
                line: pos.line,
                column: pos.col,
                job: name.to_string(),
                parent,
            });
        }
        let p = extend(&parent, top, memo, chain, files)?;
        base = deep_merge(base, p);
    }
    chain.pop();
    let merged = deep_merge(base, job);
    memo.insert(name.to_string(), merged.clone());
    Ok(merged)
}

/// A string or a list of strings, with positions.
fn names(node: &Node) -> Vec<(String, Pos)> {
    match &node.value {
        Value::Str(s, _) => vec![(s.clone(), node.pos)],
        Value::Seq(items) => {
            items.iter().filter_map(|n| n.as_str().map(|s| (s.to_string(), n.pos))).collect()
        }
        _ => Vec::new(),
    }
}

/// Where the `!reference` tag of a node starts: the parser marks the `[`
/// after it, but the tag is what the user looks for.
fn tag_pos(files: &Files, pos: Pos) -> Pos {
    let Some(line) = files.line(pos.file, pos.line) else { return pos };
    let before: String = line.chars().take(pos.col.saturating_sub(1) as usize).collect();
    match before.rfind("!reference") {
        Some(i) => {
            Pos { col: u32::try_from(before[..i].chars().count() + 1).unwrap_or(pos.col), ..pos }
        }
        None => pos,
    }
}

/// Resolves `!reference` tags inside `node` against `top`.
fn resolve_refs(node: &mut Node, top: &Node, depth: usize, files: &Files) -> Result<(), LintError> {
    let mut budget = yaml::MAX_NODES;
    refs(node, top, depth, files, &mut budget)
}

/// `budget` counts the nodes references copy in: a reference to references
/// to references can otherwise grow a small file exponentially.
fn refs(
    node: &mut Node,
    top: &Node,
    depth: usize,
    files: &Files,
    budget: &mut usize,
) -> Result<(), LintError> {
    if node.tag.as_deref() == Some("!reference") {
        let path: Vec<&str> =
            node.as_seq().map(|s| s.iter().filter_map(Node::as_str).collect()).unwrap_or_default();
        let written = format!("[{}]", path.join(", "));
        let at = tag_pos(files, node.pos);
        if depth >= MAX_REFERENCE_DEPTH {
            return Err(LintError::ReferenceCycle {
                file: files.path(at.file).to_string(),
                line: at.line,
                column: at.col,
                reference: written,
            });
        }
        let mut target = Some(top);
        for key in &path {
            target = target.and_then(|t| t.get(key));
        }
        let target = match target {
            Some(t) if !path.is_empty() => t,
            _ => {
                return Err(LintError::ReferenceNotFound {
                    file: files.path(at.file).to_string(),
                    line: at.line,
                    column: at.col,
                    reference: written,
                })
            }
        };
        *budget = budget
            .checked_sub(yaml::count_nodes(target))
            .ok_or_else(|| invalid(files, at, "!reference expands to too many nodes"))?;
        let mut resolved = target.clone();
        refs(&mut resolved, top, depth + 1, files, budget).map_err(|e| match e {
            // Report the outermost reference: that is the one the user wrote here.
            LintError::ReferenceCycle { .. } => LintError::ReferenceCycle {
                file: files.path(at.file).to_string(),
                line: at.line,
                column: at.col,
                reference: written.clone(),
            },
            other => other,
        })?;
        *node = resolved;
        return Ok(());
    }
    match &mut node.value {
        Value::Seq(items) => {
            for i in items {
                refs(i, top, depth, files, budget)?;
            }
        }
        Value::Map(entries) => {
            for e in entries {
                refs(&mut e.value, top, depth, files, budget)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// What `inherit:` lets a job take: everything, nothing, or the listed keys.
enum Inherit {
    All,
    None,
    Only(Vec<String>),
}

impl Inherit {
    fn from(node: Option<&Node>) -> Inherit {
        match node.map(|n| &n.value) {
            Some(Value::Str(s, _)) if s == "false" => Inherit::None,
            Some(Value::Seq(items)) => {
                Inherit::Only(items.iter().filter_map(Node::as_str).map(String::from).collect())
            }
            _ => Inherit::All,
        }
    }

    fn allows(&self, key: &str) -> bool {
        match self {
            Inherit::All => true,
            Inherit::None => false,
            Inherit::Only(keys) => keys.iter().any(|k| k == key),
        }
    }
}

fn build_jobs(top: &Node, files: &Files) -> Result<Vec<Job>, LintError> {
    let Some(entries) = top.as_map() else { return Ok(Vec::new()) };
    let resolved = |key: &str| -> Result<Option<Node>, LintError> {
        match top.get(key) {
            Some(n) => {
                let mut n = n.clone();
                resolve_refs(&mut n, top, 0, files)?;
                Ok(Some(n))
            }
            None => Ok(None),
        }
    };
    let mut defaults: Vec<(String, Node)> = Vec::new();
    if let Some(d) = resolved("default")? {
        for e in d.as_map().unwrap_or(&[]) {
            defaults.push((e.key.clone(), e.value.clone()));
        }
    }
    for key in DEFAULT_KEYS {
        if !defaults.iter().any(|(k, _)| k == key) {
            if let Some(n) = resolved(key)? {
                defaults.push((key.to_string(), n));
            }
        }
    }
    let globals = match resolved("variables")? {
        Some(v) => variables(&v),
        None => Vec::new(),
    };
    let mut jobs = Vec::new();
    for e in entries.iter().filter(|e| is_job(e) && !e.key.starts_with('.')) {
        let mut node = e.value.clone();
        resolve_refs(&mut node, top, 0, files)?;
        let inherit = node.get("inherit");
        let inherit_default = Inherit::from(inherit.and_then(|i| i.get("default")));
        let inherit_vars = Inherit::from(inherit.and_then(|i| i.get("variables")));
        let key = |k: &str| -> Option<&Node> {
            node.get(k).or_else(|| {
                if inherit_default.allows(k) {
                    defaults.iter().find(|(dk, _)| dk == k).map(|(_, n)| n)
                } else {
                    None
                }
            })
        };
        let mut vars: Vec<Var> =
            globals.iter().filter(|v| inherit_vars.allows(&v.name)).cloned().collect();
        for v in node.get("variables").map(variables).unwrap_or_default() {
            vars.retain(|x| x.name != v.name);
            vars.push(v);
        }
        let image = key("image").and_then(|n| image(n, &vars));
        let services = key("services").map(|n| services(n, &vars)).unwrap_or_default();
        let mut lines = Vec::new();
        for section in ["before_script", "script", "after_script"] {
            if let Some(n) = key(section) {
                script_lines(n, files, &mut lines);
            }
        }
        jobs.push(Job {
            name: e.key.clone(),
            pos: e.key_pos,
            image,
            services,
            variables: vars,
            lines,
        });
    }
    Ok(jobs)
}

fn variables(node: &Node) -> Vec<Var> {
    let mut out = Vec::new();
    for e in node.as_map().unwrap_or(&[]) {
        let value = match &e.value.value {
            Value::Str(s, _) => s.clone(),
            // The long form: `VAR: {value: ..., description: ...}`.
            Value::Map(_) => e.value.get("value").and_then(Node::as_str).unwrap_or("").to_string(),
            _ => String::new(),
        };
        out.push(Var { name: e.key.clone(), value, key_pos: e.key_pos });
    }
    out
}

/// `$NAME` and `${NAME}` replaced by the job's variables; unknown names stay.
pub(crate) fn expand(text: &str, vars: &[Var]) -> String {
    let mut s = text.to_string();
    // A few passes resolve variables defined by other variables, without looping forever.
    for _ in 0..4 {
        if !s.contains('$') {
            break;
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let (name, len) = if let Some(inner) = after.strip_prefix('{') {
                match inner.find('}') {
                    Some(end) => (&inner[..end], end + 2),
                    None => ("", 0),
                }
            } else {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            };
            match vars.iter().find(|v| v.name == name && !name.is_empty()) {
                Some(v) => out.push_str(&v.value),
                None => out.push_str(&rest[i..i + 1 + len]),
            }
            rest = &after[len..];
        }
        out.push_str(rest);
        if out == s {
            break;
        }
        s = out;
    }
    s
}

fn image(node: &Node, vars: &[Var]) -> Option<Image> {
    let name_node = match &node.value {
        Value::Str(..) => node,
        Value::Map(_) => node.get("name")?,
        _ => return None,
    };
    let raw = name_node.as_str()?.to_string();
    Some(Image { name: expand(&raw, vars), raw, pos: name_node.pos })
}

fn services(node: &Node, vars: &[Var]) -> Vec<Service> {
    let mut out = Vec::new();
    let mut items = Vec::new();
    flatten(node, &mut items);
    for item in items {
        let Some(img) = image(item, vars) else { continue };
        let aliases = item
            .get("alias")
            .and_then(Node::as_str)
            .map(|a| a.split([',', ' ']).filter(|s| !s.is_empty()).map(String::from).collect())
            .unwrap_or_default();
        let mut command = Vec::new();
        if let Some(c) = item.get("command") {
            let mut parts = Vec::new();
            flatten(c, &mut parts);
            command = parts.iter().filter_map(|n| n.as_str()).map(String::from).collect();
        }
        let variables = item.get("variables").map(variables).unwrap_or_default();
        out.push(Service { image: img, aliases, command, variables });
    }
    out
}

/// Sequence items with nested sequences flattened (GitLab flattens the
/// arrays `!reference` produces); a scalar is a one-item list.
fn flatten<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.value {
        Value::Seq(items) => {
            for i in items {
                flatten(i, out);
            }
        }
        Value::Null => {}
        _ => out.push(node),
    }
}

fn script_lines(node: &Node, files: &Files, out: &mut Vec<Line>) {
    let mut items = Vec::new();
    flatten(node, &mut items);
    for item in items {
        let Value::Str(text, style) = &item.value else { continue };
        for (i, l) in text.split('\n').enumerate() {
            let trimmed = l.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let pos = if *style == Style::Literal {
                // Each line of a `|` block is one source line; its text starts
                // after the block's indentation.
                let line = item.pos.line.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
                let col = files
                    .line(item.pos.file, line)
                    .map(|s| s.chars().take_while(|c| c.is_whitespace()).count() + 1)
                    .and_then(|c| u32::try_from(c).ok())
                    .unwrap_or(item.pos.col);
                Pos { file: item.pos.file, line, col }
            } else if *style == Style::Plain {
                item.pos
            } else {
                // Quoted and folded scalars: the text starts after the indicator.
                Pos {
                    col: item.pos.col.saturating_add(u32::from(*style == Style::Quoted)),
                    ..item.pos
                }
            };
            out.push(Line { text: l.to_string(), pos });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A repository held in memory.
    struct Mem(BTreeMap<&'static str, &'static str>);

    impl Loader for Mem {
        fn read(&self, path: &str) -> Read {
            match self.0.get(path) {
                Some(t) => Read::Text(t.to_string()),
                None => Read::NotFound,
            }
        }
        fn display(&self, path: &str) -> String {
            path.to_string()
        }
        fn glob(&self, pattern: &str) -> Option<Vec<String>> {
            let prefix = pattern.split('*').next().unwrap_or("");
            Some(self.0.keys().filter(|k| k.starts_with(prefix)).map(|k| k.to_string()).collect())
        }
    }

    fn pipeline(files: &[(&'static str, &'static str)]) -> Result<Pipeline, LintError> {
        let repo = Mem(files.iter().copied().collect());
        let main = repo.0.get(".gitlab-ci.yml").copied().unwrap_or("");
        build(".gitlab-ci.yml", main, &repo)
    }

    fn ok(files: &[(&'static str, &'static str)]) -> Pipeline {
        pipeline(files).unwrap_or_else(|e| panic!("{e}"))
    }

    fn job<'a>(p: &'a Pipeline, name: &str) -> &'a Job {
        p.jobs.iter().find(|j| j.name == name).unwrap_or_else(|| panic!("no job {name}"))
    }

    fn var(j: &Job, name: &str) -> Option<String> {
        j.var(name).map(|v| v.value.clone())
    }

    #[test]
    fn variables_precedence_and_inherit() {
        let p = ok(&[(
            ".gitlab-ci.yml",
            "variables:\n  A: global\n  B: global\n  C: {value: long, description: d}\n\
             one:\n  variables:\n    A: job\n  script: [x]\n\
             two:\n  inherit:\n    variables: [B]\n  script: [x]\n\
             three:\n  inherit:\n    variables: false\n  script: [x]\n",
        )]);
        // (job, variable, expected)
        let cases = [
            ("one", "A", Some("job")),
            ("one", "B", Some("global")),
            ("one", "C", Some("long")),
            ("two", "A", None),
            ("two", "B", Some("global")),
            ("three", "B", None),
        ];
        for (j, v, want) in cases {
            assert_eq!(var(job(&p, j), v).as_deref(), want, "{j}.{v}");
        }
    }

    #[test]
    fn extends_multi_level_deep_merge() {
        let p = ok(&[(
            ".gitlab-ci.yml",
            ".base:\n  image: docker:24.0.5\n  variables:\n    A: base\n    B: base\n  script: [base]\n\
             .mid:\n  extends: .base\n  variables:\n    B: mid\n  services: [docker:24.0.5-dind]\n\
             build:\n  extends: .mid\n  variables:\n    C: job\n  script: [job1, job2]\n",
        )]);
        let j = job(&p, "build");
        assert_eq!(p.jobs.len(), 1, "hidden jobs are not jobs");
        assert_eq!(
            j.image.as_ref().map(|i| (i.name.as_str(), i.pos.line)),
            Some(("docker:24.0.5", 2))
        );
        assert_eq!(
            (var(j, "A"), var(j, "B"), var(j, "C")),
            (Some("base".into()), Some("mid".into()), Some("job".into()))
        );
        assert_eq!(j.services.len(), 1);
        // Arrays are replaced, not concatenated.
        assert_eq!(j.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["job1", "job2"]);
    }

    #[test]
    fn extends_list_later_parent_wins_and_errors() {
        let p = ok(&[(
            ".gitlab-ci.yml",
            ".a:\n  image: a:1\n  variables: {X: a}\n.b:\n  image: b:1\nj:\n  extends: [.a, .b]\n  script: [x]\n",
        )]);
        let j = job(&p, "j");
        assert_eq!(j.image.as_ref().map(|i| i.name.as_str()), Some("b:1"));
        assert_eq!(var(j, "X").as_deref(), Some("a"));

        let cycle = pipeline(&[(
            ".gitlab-ci.yml",
            ".a:\n  extends: .b\n.b:\n  extends: .a\nj:\n  extends: .a\n  script: [x]\n",
        )]);
        assert!(matches!(cycle, Err(LintError::ExtendsCycle { .. })), "{cycle:?}");
        let missing = pipeline(&[(".gitlab-ci.yml", "j:\n  extends: .nope\n  script: [x]\n")]);
        match missing {
            Err(e @ LintError::ExtendsNotFound { .. }) => {
                assert!(e.to_string().contains(".nope"), "{e}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn anchors_and_merge_keys() {
        let p = ok(&[(
            ".gitlab-ci.yml",
            ".dind: &dind\n  services:\n    - name: docker:24.0.5-dind\n      alias: docker\n  variables: &vars\n    DOCKER_HOST: tcp://docker:2376\n\
             build:\n  <<: *dind\n  image: docker:24.0.5\n  script: [docker info]\n",
        )]);
        let j = job(&p, "build");
        assert_eq!(j.services.first().map(|s| s.aliases.clone()), Some(vec!["docker".to_string()]));
        assert_eq!(j.var("DOCKER_HOST").map(|v| v.key_pos.line), Some(6));
    }

    #[test]
    fn references_resolve_and_fail() {
        let p = ok(&[(
            ".gitlab-ci.yml",
            ".setup:\n  script:\n    - docker login\n  vars:\n    DOCKER_HOST: tcp://docker:2376\n\
             build:\n  variables: !reference [.setup, vars]\n  script:\n    - !reference [.setup, script]\n    - docker build .\n",
        )]);
        let j = job(&p, "build");
        assert_eq!(
            j.lines.iter().map(|l| (l.text.as_str(), l.pos.line)).collect::<Vec<_>>(),
            [("docker login", 3), ("docker build .", 10)]
        );
        assert_eq!(var(j, "DOCKER_HOST").as_deref(), Some("tcp://docker:2376"));

        let missing = pipeline(&[(
            ".gitlab-ci.yml",
            "build:\n  script:\n    - !reference [.nope, script]\n",
        )]);
        match missing {
            Err(e @ LintError::ReferenceNotFound { .. }) => {
                let s = e.to_string();
                assert!(s.contains(".nope") && s.contains(":3:"), "{s}");
            }
            other => panic!("{other:?}"),
        }
        let cycle = pipeline(&[(".gitlab-ci.yml", ".a:\n  s: !reference [.b, s]\n.b:\n  s: !reference [.a, s]\nj:\n  script: !reference [.a, s]\n")]);
        assert!(matches!(cycle, Err(LintError::ReferenceCycle { .. })), "{cycle:?}");
    }

    #[test]
    fn reference_fan_out_is_bounded() {
        let mut src = String::from(".l0:\n  s: [a, a, a, a, a, a, a, a, a, a]\n");
        for i in 1..9 {
            let refs = vec![format!("!reference [.l{}, s]", i - 1); 10].join(", ");
            src += &format!(".l{i}:\n  s: [{refs}]\n");
        }
        src += "j:\n  script: !reference [.l8, s]\n";
        let src: &'static str = Box::leak(src.into_boxed_str());
        match pipeline(&[(".gitlab-ci.yml", src)]) {
            Err(e @ LintError::Invalid { .. }) => {
                assert!(e.to_string().contains("too many"), "{e}")
            }
            other => panic!("{:?}", other.map(|p| p.jobs.len())),
        }
    }

    #[test]
    fn default_and_legacy_globals() {
        let p = ok(&[(
            ".gitlab-ci.yml",
            "default:\n  image: docker:24.0.5\n  services: [docker:24.0.5-dind]\nbefore_script: [legacy]\n\
             a:\n  script: [x]\nb:\n  image: alpine:3.19\n  script: [x]\nc:\n  inherit:\n    default: [before_script]\n  script: [x]\n",
        )]);
        let a = job(&p, "a");
        assert_eq!(a.image.as_ref().map(|i| i.name.as_str()), Some("docker:24.0.5"));
        assert_eq!(a.lines.first().map(|l| l.text.as_str()), Some("legacy"));
        assert_eq!(job(&p, "b").image.as_ref().map(|i| i.name.as_str()), Some("alpine:3.19"));
        assert_eq!(job(&p, "b").services.len(), 1);
        let c = job(&p, "c");
        assert!(c.image.is_none() && c.services.is_empty());
        assert_eq!(c.lines.len(), 2);
    }

    #[test]
    fn services_forms_and_expansion() {
        let p = ok(&[(
            ".gitlab-ci.yml",
            "variables:\n  V: \"24.0.5\"\n  PREFIX: ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}\n\
             j:\n  image:\n    name: docker:$V\n    entrypoint: ['']\n  services:\n    - docker:${V}-dind\n\
             \x20   - name: $PREFIX/docker:$V-dind\n      alias: docker,dind\n      command: [--mtu=1450]\n      variables: {HEALTHCHECK_TCP_PORT: \"2376\"}\n  script: [x]\n",
        )]);
        let j = job(&p, "j");
        assert_eq!(j.image.as_ref().map(|i| i.name.as_str()), Some("docker:24.0.5"));
        let s = &j.services;
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].image.name, "docker:24.0.5-dind");
        assert_eq!(s[0].image.pos.line, 9);
        assert_eq!(s[1].image.name, "${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/docker:24.0.5-dind");
        assert_eq!(s[1].aliases, ["docker", "dind"]);
        assert_eq!(s[1].command, ["--mtu=1450"]);
        assert_eq!(s[1].var(j, "HEALTHCHECK_TCP_PORT").map(|v| v.value.as_str()), Some("2376"));
    }

    #[test]
    fn script_line_positions() {
        let p = ok(&[(
            ".gitlab-ci.yml",
            "j:\n  script:\n    - echo one\n    - |\n      docker build .\n\n      # comment\n      docker push x\n    - \"quoted\"\n",
        )]);
        let got: Vec<_> =
            job(&p, "j").lines.iter().map(|l| (l.text.as_str(), l.pos.line, l.pos.col)).collect();
        assert_eq!(
            got,
            [
                ("echo one", 3, 7),
                ("docker build .", 5, 7),
                ("docker push x", 8, 7),
                ("quoted", 9, 8)
            ]
        );
    }

    #[test]
    fn include_local_merge_and_notes() {
        let p = ok(&[
            (
                ".gitlab-ci.yml",
                "include:\n  - local: /ci/docker.yml\n  - remote: https://example.com/x.yml\n  - project: g/p\n    file: [/a.yml]\n  - template: Jobs/Build.gitlab-ci.yml\n\
                 build:\n  extends: .docker\n  variables:\n    DOCKER_HOST: tcp://docker:2376\n",
            ),
            ("ci/docker.yml", "include: ci/nested.yml\n.docker:\n  image: docker:24.0.5\n  script: [docker build .]\n"),
            ("ci/nested.yml", "variables:\n  DOCKER_TLS_CERTDIR: /certs\n"),
        ]);
        let j = job(&p, "build");
        let img = j.image.as_ref().expect("image from include");
        assert_eq!(p.files.path(img.pos.file), "ci/docker.yml");
        assert_eq!(
            j.var("DOCKER_TLS_CERTDIR").map(|v| p.files.path(v.key_pos.file)),
            Some("ci/nested.yml")
        );
        assert_eq!(
            p.notes,
            [
                "include:remote https://example.com/x.yml not followed",
                "include:project g/p (/a.yml) not followed",
                "include:template Jobs/Build.gitlab-ci.yml not followed",
            ]
        );
    }

    #[test]
    fn include_main_file_wins_and_wildcards() {
        let p = ok(&[
            (".gitlab-ci.yml", "include: 'ci/*.yml'\nj:\n  image: docker:25.0.0\n"),
            ("ci/a.yml", "j:\n  image: docker:24.0.5\n  script: [x]\n"),
            ("ci/b.yml", "k:\n  script: [y]\n"),
        ]);
        assert_eq!(job(&p, "j").image.as_ref().map(|i| i.name.as_str()), Some("docker:25.0.0"));
        assert_eq!(job(&p, "j").lines.len(), 1);
        assert!(p.jobs.iter().any(|j| j.name == "k"));
    }

    #[test]
    fn include_errors() {
        let cycle = pipeline(&[
            (".gitlab-ci.yml", "include: a.yml\n"),
            ("a.yml", "include: b.yml\n"),
            ("b.yml", "include: a.yml\n"),
        ]);
        match cycle {
            Err(LintError::IncludeCycle { chain }) => {
                assert_eq!(chain, [".gitlab-ci.yml", "a.yml", "b.yml", "a.yml"])
            }
            other => panic!("{other:?}"),
        }
        let missing = pipeline(&[(".gitlab-ci.yml", "include:\n  - local: nope.yml\n")]);
        match missing {
            Err(e @ LintError::IncludeNotFound { .. }) => assert_eq!(
                e.to_string(),
                ".gitlab-ci.yml:2:12: include:local file \"nope.yml\" does not exist"
            ),
            other => panic!("{other:?}"),
        }
        let syntax = pipeline(&[(".gitlab-ci.yml", "include: a.yml\n"), ("a.yml", "j: [\n")]);
        match syntax {
            Err(e @ LintError::Yaml { .. }) => {
                assert!(e.to_string().starts_with("a.yml:2:1: yaml syntax error"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            pipeline(&[(".gitlab-ci.yml", "- a\n- b\n")]),
            Err(LintError::Invalid { .. })
        ));
    }

    #[test]
    fn expand_variables() {
        let vars = vec![
            Var {
                name: "A".into(),
                value: "x$B".into(),
                key_pos: Pos { file: 0, line: 1, col: 1 },
            },
            Var { name: "B".into(), value: "y".into(), key_pos: Pos { file: 0, line: 1, col: 1 } },
        ];
        assert_eq!(expand("$A-${B}-$C-${", &vars), "xy-y-$C-${");
        assert_eq!(expand("no vars", &vars), "no vars");
    }
}
