//! A YAML tree that remembers where every key and value came from.
//!
//! The tree is built from yaml-rust2's event parser, which reports a marker
//! (line, column) per event. Aliases are expanded here, so a value reached
//! through `*anchor` keeps the position of the anchored original: a finding in
//! a template points at the template. Merge keys (`<<`) are applied here too,
//! because GitLab's parser (Psych) applies them before any CI semantics.
//! Tags are kept (`!reference` is resolved later, by the pipeline model).

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Index of a file in the files table of one lint run.
pub(crate) type FileId = u32;

/// A place in a source file; line and column are 1-based, column in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Pos {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
}

impl Pos {
    fn from_marker(file: FileId, m: &Marker) -> Pos {
        Pos { file, line: to_u32(m.line()), col: to_u32(m.col()).saturating_add(1) }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// How a scalar was written; script lines need it to number block lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Quoted,
    /// `|`: each content line is one source line, starting at the node's line.
    Literal,
    /// `>`: lines were folded, so only the start is known.
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Str(String, Style),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub pos: Pos,
    /// The tag as written, handle and suffix joined, e.g. `!reference`.
    pub tag: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    pub fn empty_map(pos: Pos) -> Node {
        Node { value: Value::Map(Vec::new()), pos, tag: None }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The entry for `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// The value for `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
}

/// Why a document could not be turned into a tree.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub line: u32,
    pub col: u32,
    pub message: String,
    /// True for syntax errors, false for limits and unsupported constructs.
    pub syntax: bool,
}

/// Most nodes a document may expand to; aliases can otherwise grow a small
/// file exponentially ("billion laughs").
pub(crate) const MAX_NODES: usize = 1_000_000;
/// Deepest nesting accepted; deeper trees could overflow the stack when
/// walked or dropped recursively.
const MAX_DEPTH: usize = 128;

enum Frame {
    Seq {
        start: Node,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Node,
        anchor: usize,
        entries: Vec<Entry>,
        merges: Vec<(Pos, Node)>,
        key: Option<Key>,
    },
}

struct Key {
    text: String,
    pos: Pos,
    /// A plain `<<` is a merge key; a quoted one is an ordinary key.
    merge: bool,
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    docs: Vec<Node>,
    nodes: usize,
    /// Where the last error is, when that is not the current event.
    err_pos: Option<Pos>,
}

/// Parses `src` into the tree of its configuration document.
///
/// GitLab allows a header document (`spec:` with `inputs`) before the
/// configuration, separated by `---`; in that case the second document is
/// returned. An empty file gives `None`.
pub(crate) fn parse(src: &str, file: FileId) -> Result<Option<Node>, YamlError> {
    let mut parser = Parser::new_from_str(src);
    let mut b = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        docs: Vec::new(),
        nodes: 0,
        err_pos: None,
    };
    loop {
        let (event, mark) = parser.next_token().map_err(|e| YamlError {
            line: to_u32(e.marker().line()),
            col: to_u32(e.marker().col()).saturating_add(1),
            message: e.info().to_string(),
            syntax: true,
        })?;
        let pos = Pos::from_marker(file, &mark);
        if event == Event::StreamEnd {
            break;
        }
        if let Err(message) = b.event(event, pos) {
            let at = b.err_pos.unwrap_or(pos);
            return Err(YamlError { line: at.line, col: at.col, message, syntax: false });
        }
    }
    let mut docs = b.docs.into_iter();
    let first = docs.next();
    let second = docs.next();
    let is_header = first.as_ref().is_some_and(|d| {
        d.as_map().is_some_and(|m| !m.is_empty() && m.iter().all(|e| e.key == "spec"))
    });
    Ok(if is_header && second.is_some() { second } else { first })
}

impl Builder {
    fn event(&mut self, event: Event, pos: Pos) -> Result<(), String> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let plain = style == TScalarStyle::Plain;
                // Merge keys are recognised before typing: a plain `<<` key.
                if plain && text == "<<" && self.expecting_key() {
                    return self.key(Key { text, pos, merge: true });
                }
                let value = if plain
                    && tag.is_none()
                    && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL")
                {
                    Value::Null
                } else {
                    let style = match style {
                        TScalarStyle::Plain => Style::Plain,
                        TScalarStyle::Literal => Style::Literal,
                        TScalarStyle::Folded => Style::Folded,
                        _ => Style::Quoted,
                    };
                    Value::Str(text, style)
                };
                self.complete(Node { value, pos, tag }, anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                self.push(Frame::Seq {
                    start: Node { value: Value::Null, pos, tag },
                    anchor,
                    items: Vec::new(),
                })
            }
            Event::MappingStart(anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                self.push(Frame::Map {
                    start: Node { value: Value::Null, pos, tag },
                    anchor,
                    entries: Vec::new(),
                    merges: Vec::new(),
                    key: None,
                })
            }
            Event::SequenceEnd => match self.stack.pop() {
                Some(Frame::Seq { mut start, anchor, items }) => {
                    start.value = Value::Seq(items);
                    self.complete(start, anchor)
                }
                _ => Err("unbalanced sequence end".to_string()),
            },
            Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Map { mut start, anchor, entries, merges, .. }) => {
                    let merged = apply_merges(entries, merges).map_err(|(at, message)| {
                        self.err_pos = Some(at);
                        message
                    })?;
                    start.value = Value::Map(merged);
                    self.complete(start, anchor)
                }
                _ => Err("unbalanced mapping end".to_string()),
            },
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or("alias to an unknown anchor")?;
                self.count(count_nodes(&node))?;
                self.complete(node, 0)
            }
            _ => Ok(()),
        }
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn count(&mut self, n: usize) -> Result<(), String> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(format!("document expands to more than {MAX_NODES} nodes (aliases?)"));
        }
        Ok(())
    }

    fn push(&mut self, frame: Frame) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        self.count(1)?;
        self.stack.push(frame);
        Ok(())
    }

    fn key(&mut self, key: Key) -> Result<(), String> {
        if let Some(Frame::Map { key: slot, .. }) = self.stack.last_mut() {
            *slot = Some(key);
        }
        Ok(())
    }

    /// Attaches a finished node to its parent (or ends the document).
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), String> {
        if matches!(node.value, Value::Null | Value::Str(..)) {
            self.count(1)?;
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, merges, key, .. }) => match key.take() {
                None => {
                    let text = match node.value {
                        Value::Str(s, _) => s,
                        Value::Null => String::new(),
                        _ => {
                            return Err(
                                "a mapping or sequence used as a key is not supported".into()
                            )
                        }
                    };
                    *key = Some(Key { text, pos: node.pos, merge: false });
                }
                Some(Key { merge: true, pos, .. }) => merges.push((pos, node)),
                Some(Key { text, pos, .. }) => {
                    // A repeated key replaces the earlier one, as in GitLab's parser.
                    entries.retain(|e| e.key != text);
                    entries.push(Entry { key: text, key_pos: pos, value: node });
                }
            },
        }
        Ok(())
    }
}

/// Applies `<<` merge keys: explicit keys win, then earlier merge sources
/// win over later ones.
fn apply_merges(
    mut entries: Vec<Entry>,
    merges: Vec<(Pos, Node)>,
) -> Result<Vec<Entry>, (Pos, String)> {
    let bad = |at| (at, "merge key (<<) value must be a mapping or a list of mappings".to_string());
    for (at, source) in merges {
        let maps: Vec<Node> = match source.value {
            Value::Map(_) => vec![source],
            Value::Seq(items) => items,
            _ => return Err(bad(at)),
        };
        for map in maps {
            let Value::Map(extra) = map.value else { return Err(bad(at)) };
            for e in extra {
                if !entries.iter().any(|x| x.key == e.key) {
                    entries.push(e);
                }
            }
        }
    }
    Ok(entries)
}

pub(crate) fn count_nodes(node: &Node) -> usize {
    // Iterative so a deep tree cannot overflow the stack here.
    let mut n = 0usize;
    let mut todo = vec![node];
    while let Some(x) = todo.pop() {
        n += 1;
        match &x.value {
            Value::Seq(items) => todo.extend(items.iter()),
            Value::Map(entries) => todo.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(src: &str) -> Node {
        match parse(src, 0) {
            Ok(Some(n)) => n,
            other => panic!("parse failed: {other:?}"),
        }
    }

    #[test]
    fn positions_are_one_based() {
        let t = tree("a:\n  b: x\n");
        let a = t.entry("a").expect("a");
        assert_eq!((a.key_pos.line, a.key_pos.col), (1, 1));
        let b = a.value.entry("b").expect("b");
        assert_eq!((b.key_pos.line, b.key_pos.col), (2, 3));
        assert_eq!((b.value.pos.line, b.value.pos.col), (2, 6));
    }

    #[test]
    fn alias_keeps_anchor_position() {
        let t = tree(".t: &t\n  image: docker:24.0.5\njob:\n  <<: *t\n  script: [x]\n");
        let img = t.get("job").and_then(|j| j.get("image")).expect("merged image");
        assert_eq!(img.as_str(), Some("docker:24.0.5"));
        assert_eq!(img.pos.line, 2);
    }

    #[test]
    fn merge_keys_explicit_wins_then_first_source() {
        let t = tree("a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n  y: 3\n");
        let c = t.get("c").expect("c");
        assert_eq!(c.get("x").and_then(Node::as_str), Some("1"));
        assert_eq!(c.get("y").and_then(Node::as_str), Some("3"));
        assert_eq!(c.get("z").and_then(Node::as_str), Some("2"));
        // A quoted "<<" is an ordinary key.
        let q = tree("c:\n  '<<': 5\n");
        assert!(q.get("c").and_then(|c| c.get("<<")).is_some());
    }

    #[test]
    fn tags_nulls_and_empty_strings() {
        let t = tree("a: !reference [.x, script]\nb: \"\"\nc:\nd: ~\n");
        assert_eq!(t.get("a").and_then(|n| n.tag.as_deref()), Some("!reference"));
        assert_eq!(t.get("b").and_then(Node::as_str), Some(""));
        assert_eq!(t.get("c").map(|n| &n.value), Some(&Value::Null));
        assert_eq!(t.get("d").map(|n| &n.value), Some(&Value::Null));
    }

    #[test]
    fn literal_block_starts_on_its_first_content_line() {
        let t = tree("s:\n  - |\n    docker build .\n    docker push x\n");
        let item = &t.get("s").and_then(Node::as_seq).expect("seq")[0];
        assert_eq!(item.pos.line, 3);
        assert!(matches!(item.value, Value::Str(_, Style::Literal)));
    }

    #[test]
    fn header_document_is_skipped() {
        let t = tree("spec:\n  inputs:\n    x: {}\n---\njob:\n  script: [a]\n");
        assert!(t.get("job").is_some());
        assert!(t.get("spec").is_none());
    }

    #[test]
    fn errors_and_limits() {
        let cases: &[(&str, bool, u32)] = &[
            ("a: [1, 2\n", true, 2),
            ("a: *nope\n", true, 1),
            ("? [a]\n: b\n", false, 1),
            ("a: &a [x]\n<<: *a\n", false, 2),
        ];
        for (src, syntax, line) in cases {
            match parse(src, 0) {
                Err(e) => {
                    assert_eq!(e.syntax, *syntax, "{src:?}: {}", e.message);
                    assert_eq!(e.line, *line, "{src:?}: {}", e.message);
                }
                Ok(t) => panic!("{src:?} parsed: {t:?}"),
            }
        }
        let deep = "[".repeat(500) + &"]".repeat(500);
        assert!(parse(&deep, 0).is_err());
        let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            laughs += &format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n");
        }
        assert!(parse(&laughs, 0).is_err());
    }
}
