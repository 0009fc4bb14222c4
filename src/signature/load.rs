//! Parses signature TOML files into validated `Signature`s, with errors that name file, line and column.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{
    BuildOutput, ConfigKey, ContextCondition, Examples, Kind, LazyRegex, Pattern, Rule, Severity,
    Signature, Source, Strength, Version,
};
use crate::error::LoadError;

/// Regexes are compiled once per run; this keeps a hostile user file from
/// building a huge automaton.
pub(super) const REGEX_SIZE_LIMIT: usize = 1 << 20;
const MIN_LITERAL_LEN: usize = 4;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignature {
    id: Spanned<String>,
    title: String,
    kind: Spanned<String>,
    severity: Spanned<String>,
    #[serde(default = "default_rank")]
    rank: Spanned<i64>,
    summary: String,
    question: Option<String>,
    #[serde(default)]
    explains: Vec<Spanned<String>>,
    docs: Spanned<Vec<String>>,
    fix: String,
    #[serde(default)]
    fix_by_executor: BTreeMap<String, String>,
    #[serde(default)]
    probe: bool,
    #[serde(default)]
    daemon_unreachable: bool,
    #[serde(default)]
    config_keys: Vec<Spanned<String>>,
    requires: Option<RawContext>,
    #[serde(default)]
    pattern: Vec<Spanned<RawPattern>>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
    tests: Spanned<RawTests>,
}

fn no_literals() -> Spanned<Vec<Spanned<String>>> {
    Spanned::new(0..0, Vec::new())
}

fn default_rank() -> Spanned<i64> {
    Spanned::new(0..0, 50)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    name: Spanned<String>,
    #[serde(default = "no_literals")]
    literals: Spanned<Vec<Spanned<String>>>,
    like: Option<Spanned<String>>,
    regex: Option<Spanned<String>>,
    not_regex: Option<Spanned<String>>,
    sources: Option<Vec<Spanned<String>>>,
    build_output: Option<Spanned<String>>,
    strength: Option<Spanned<String>>,
    not_commands: Option<Vec<String>>,
    script_text: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    all_of: Vec<Spanned<String>>,
    #[serde(default)]
    none_of: Vec<Spanned<String>>,
    #[serde(default)]
    context: RawContext,
    verdict: Option<Spanned<String>>,
    rank: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawContext {
    preamble: Option<bool>,
    dind_service: Option<bool>,
    registry_host_service: Option<bool>,
    daemon_service: Option<bool>,
    executor: Option<String>,
    runner_before: Option<Spanned<String>>,
    service_log: Option<bool>,
    image: Option<Spanned<String>>,
    service: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTests {
    #[serde(rename = "match", default)]
    matches: Vec<String>,
    #[serde(default)]
    no_match: Vec<String>,
    #[serde(default)]
    overlaps: Vec<String>,
}

/// Turns byte offsets into 1-based (line, column) for one file.
struct Positions<'a> {
    text: &'a str,
    origin: &'a Path,
    check: RegexCheck,
}

/// How much a regex is checked at load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RegexCheck {
    /// Compiled now (user files): the only exact size check.
    Compile,
    /// Parsed, and its size estimated (signature text from elsewhere).
    Parse,
    /// Neither (the built-ins: a unit test compiles every one of their
    /// regexes and the suite runs their examples; parsing them again at each
    /// start was more than half the time of loading them).
    Trusted,
}

impl Positions<'_> {
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text.as_bytes()[..offset];
        let line = memchr::memchr_iter(b'\n', before).count() + 1;
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        let col = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        (line, col)
    }

    fn err(&self, span: Range<usize>, message: impl Into<String>) -> LoadError {
        let pos = if span.is_empty() && span.start == 0 { None } else { Some(span.start) };
        LoadError::new(self.origin, message).at(pos.map(|p| self.line_col(p)))
    }
}

pub(super) fn parse(text: &str, origin: &Path) -> Result<Signature, LoadError> {
    parse_with(Positions { text, origin, check: RegexCheck::Parse })
}

/// [`parse`] for the embedded signatures, whose regexes the tests check.
pub(super) fn parse_builtin(text: &str, origin: &Path) -> Result<Signature, LoadError> {
    parse_with(Positions { text, origin, check: RegexCheck::Trusted })
}

fn parse_with(pos: Positions<'_>) -> Result<Signature, LoadError> {
    let (text, origin) = (pos.text, pos.origin);
    let raw: RawSignature = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        match e.span() {
            Some(span) => pos.err(span, message),
            None => LoadError::new(origin, message),
        }
    })?;

    let id = raw.id.get_ref().clone();
    if !is_kebab(&id) {
        return Err(pos.err(raw.id.span(), format!("id '{id}' must be kebab-case (a-z, 0-9, -)")));
    }
    if let Some(stem) = origin.file_stem().and_then(|s| s.to_str()) {
        if stem != id {
            return Err(
                pos.err(raw.id.span(), format!("id '{id}' must equal the file name '{stem}.toml'"))
            );
        }
    }
    let kind = match raw.kind.get_ref().as_str() {
        "root" => Kind::Root,
        "symptom" => Kind::Symptom,
        "advice" => Kind::Advice,
        "transient" => Kind::Transient,
        other => {
            return Err(pos.err(
                raw.kind.span(),
                format!("kind '{other}' is not one of root, symptom, advice, transient"),
            ))
        }
    };
    let severity = match raw.severity.get_ref().as_str() {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        other => {
            return Err(pos.err(
                raw.severity.span(),
                format!("severity '{other}' is not one of error, warning, info"),
            ))
        }
    };
    let rank = *raw.rank.get_ref();
    if !(0..=100).contains(&rank) {
        return Err(pos.err(raw.rank.span(), format!("rank {rank} is not within 0..=100")));
    }
    if raw.title.trim().is_empty() || raw.title.contains('\n') {
        return Err(LoadError::new(origin, "title must be one non-empty line"));
    }
    if raw.docs.get_ref().is_empty() {
        return Err(pos.err(raw.docs.span(), "docs needs at least one link"));
    }
    if raw.pattern.is_empty() {
        return Err(LoadError::new(origin, format!("'{id}' has no [[pattern]]")));
    }

    let mut patterns = Vec::with_capacity(raw.pattern.len());
    let mut names = HashSet::new();
    for p in &raw.pattern {
        let pattern = parse_pattern(&pos, p.get_ref())?;
        if !names.insert(pattern.name.clone()) {
            return Err(pos.err(
                p.get_ref().name.span(),
                format!("pattern name '{}' is used twice", pattern.name),
            ));
        }
        patterns.push(pattern);
    }
    let has_weak = patterns.iter().any(|p| p.strength == Strength::Weak);
    if has_weak && raw.question.as_deref().is_none_or(|q| q.trim().is_empty()) {
        return Err(LoadError::new(
            origin,
            format!(
                "'{id}' has weak patterns, so it needs a `question` for when it is a candidate"
            ),
        ));
    }
    if !patterns.iter().any(|p| matches!(p.strength, Strength::Strong | Strength::Weak)) {
        return Err(LoadError::new(origin, format!("'{id}' needs a strong or weak pattern")));
    }

    let mut rules = Vec::with_capacity(raw.rule.len());
    for r in &raw.rule {
        rules.push(parse_rule(&pos, r.get_ref(), &patterns)?);
    }

    let tests = raw.tests.get_ref();
    if tests.matches.is_empty() || tests.no_match.is_empty() {
        return Err(
            pos.err(raw.tests.span(), "[tests] needs at least one `match` and one `no_match` line")
        );
    }

    for e in &raw.explains {
        if !is_kebab(e.get_ref()) {
            return Err(pos.err(e.span(), format!("explains: '{}' is not a class id", e.get_ref())));
        }
    }

    let mut config_keys = Vec::with_capacity(raw.config_keys.len());
    for k in &raw.config_keys {
        let key = ConfigKey::parse(k.get_ref()).ok_or_else(|| {
            pos.err(
                k.span(),
                format!(
                    "config_keys: '{}' is not one of variables.NAME, services.dind, image, job, \
                     script:TEXT",
                    k.get_ref()
                ),
            )
        })?;
        if config_keys.contains(&key) {
            return Err(pos.err(k.span(), format!("config_keys: '{key}' is listed twice")));
        }
        config_keys.push(key);
    }

    Ok(Signature {
        id,
        title: raw.title.trim().to_string(),
        kind,
        severity,
        rank: rank as u8,
        summary: unwrap_prose(&raw.summary),
        question: raw.question.map(|q| unwrap_prose(&q)),
        explains: raw.explains.into_iter().map(|e| e.into_inner()).collect(),
        docs: raw.docs.into_inner(),
        fix: raw.fix.trim_matches('\n').to_string(),
        fix_by_executor: raw
            .fix_by_executor
            .into_iter()
            .map(|(k, v)| (k, v.trim_matches('\n').to_string()))
            .collect(),
        probe: raw.probe,
        daemon_unreachable: raw.daemon_unreachable,
        config_keys,
        requires: raw.requires.as_ref().map(|c| parse_context(&pos, c)).transpose()?,
        patterns,
        rules,
        examples: Examples {
            matches: tests.matches.clone(),
            no_matches: tests.no_match.clone(),
            overlaps: tests.overlaps.clone(),
        },
        origin: origin.to_path_buf(),
    })
}

fn parse_pattern(pos: &Positions<'_>, p: &RawPattern) -> Result<Pattern, LoadError> {
    let name = p.name.get_ref().clone();
    if !is_kebab(&name) {
        return Err(pos.err(p.name.span(), format!("pattern name '{name}' must be kebab-case")));
    }
    let like = match &p.like {
        Some(l) if !p.literals.get_ref().is_empty() || p.regex.is_some() || p.not_regex.is_some() => {
            return Err(pos.err(
                l.span(),
                format!("pattern '{name}': `like` takes literals and regexes from the other pattern; give none here"),
            ))
        }
        Some(l) if l.get_ref().split_once('/').is_none() => {
            return Err(pos.err(l.span(), format!("like '{}' is not <class>/<pattern>", l.get_ref())))
        }
        Some(l) => Some(l.get_ref().clone()),
        None => None,
    };
    if like.is_none() && p.literals.get_ref().is_empty() {
        return Err(pos.err(
            p.literals.span(),
            format!("pattern '{name}' needs at least one literal for the prefilter"),
        ));
    }
    let mut literals = Vec::new();
    for lit in p.literals.get_ref() {
        if lit.get_ref().len() < MIN_LITERAL_LEN {
            return Err(pos.err(
                lit.span(),
                format!(
                    "literal '{}' is shorter than {MIN_LITERAL_LEN} bytes and would match too often",
                    lit.get_ref()
                ),
            ));
        }
        literals.push(lit.get_ref().clone());
    }
    let regex = p.regex.as_ref().map(|r| compile(pos, r, &name)).transpose()?;
    let not_regex = p.not_regex.as_ref().map(|r| compile(pos, r, &name)).transpose()?;
    let sources = match &p.sources {
        None => Source::Job.bit() | Source::Service.bit() | Source::Runner.bit(),
        Some(list) => {
            let mut bits = 0;
            for s in list {
                bits |= match s.get_ref().as_str() {
                    "job" => Source::Job.bit(),
                    "service" => Source::Service.bit(),
                    "runner" => Source::Runner.bit(),
                    other => {
                        return Err(pos.err(
                            s.span(),
                            format!("source '{other}' is not one of job, service, runner"),
                        ))
                    }
                };
            }
            bits
        }
    };
    let build_output = match p.build_output.as_ref().map(|b| (b.get_ref().as_str(), b.span())) {
        None | Some(("any", _)) => BuildOutput::Any,
        Some(("never", _)) => BuildOutput::Never,
        Some(("only", _)) => BuildOutput::Only,
        Some((other, span)) => {
            return Err(
                pos.err(span, format!("build_output '{other}' is not one of any, never, only"))
            )
        }
    };
    let strength = match p.strength.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("strong", _)) => Strength::Strong,
        Some(("weak", _)) => Strength::Weak,
        Some(("context", _)) => Strength::Context,
        Some(("veto", _)) => Strength::Veto,
        Some((other, span)) => {
            return Err(pos.err(
                span,
                format!("strength '{other}' is not one of strong, weak, context, veto"),
            ))
        }
    };
    let not_commands = p.not_commands.clone().unwrap_or_default();
    // Context and veto patterns read what the script says by default; evidence does not.
    let script_text =
        p.script_text.unwrap_or(matches!(strength, Strength::Context | Strength::Veto));
    Ok(Pattern {
        name,
        literals,
        regex,
        not_regex,
        sources,
        build_output,
        strength,
        not_commands,
        script_text,
        like,
    })
}

/// Checks a pattern the way compiling it would, without building the
/// automaton: the syntax, and the compiled-size limit (from the parsed size).
/// User files are also compiled, which is the only exact size check; the
/// built-ins are trusted (see [`RegexCheck`]).
/// Whether a regex has an unbounded `.*` or `.+`: a match could then be
/// longer than the scanner's overlap between the pieces of an over-long line
/// ([`crate::reader::OVERLAP`]), and such a line would match differently
/// read whole and read in pieces.
pub(crate) fn has_unbounded_dot(re: &str) -> bool {
    let b = re.as_bytes();
    (1..b.len())
        .any(|i| matches!(b[i], b'*' | b'+') && b[i - 1] == b'.' && (i < 2 || b[i - 2] != b'\\'))
}

fn compile(pos: &Positions<'_>, re: &Spanned<String>, name: &str) -> Result<LazyRegex, LoadError> {
    let lazy = LazyRegex::new(re.get_ref().clone());
    if pos.check == RegexCheck::Trusted {
        return Ok(lazy);
    }
    if has_unbounded_dot(re.get_ref()) {
        return Err(pos.err(
            re.span(),
            format!(
                "pattern '{name}': `.*` and `.+` may span past the scanner's 4 KiB overlap on long lines; bound them, e.g. `.{{0,1024}}`"
            ),
        ));
    }
    let err = |detail: String| {
        pos.err(re.span(), format!("pattern '{name}': regex does not compile: {detail}"))
    };
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .unicode(false)
        .build()
        .parse(re.get_ref())
        .map_err(|e| err(regex_detail(&e.to_string())))?;
    // A cheap guard against patterns far past the limit (huge counted
    // repetitions); the real limit is enforced again when it is compiled.
    if hir.properties().maximum_len().is_some_and(|n| n > REGEX_SIZE_LIMIT) {
        return Err(err(format!("it can match more than {REGEX_SIZE_LIMIT} bytes")));
    }
    // The parsed size says nothing about the compiled one: `\w{300}` matches
    // at most 1200 bytes but compiles past the limit (Unicode classes), and
    // would then silently never match. Compiling it here fills the cache.
    if pos.check == RegexCheck::Compile && lazy.get().is_none() {
        let detail = super::build_regex(re.get_ref())
            .err()
            .map(|e| regex_detail(&e.to_string()))
            .unwrap_or_else(|| "invalid regex".to_string());
        return Err(err(detail));
    }
    Ok(lazy)
}

fn parse_rule(pos: &Positions<'_>, r: &RawRule, patterns: &[Pattern]) -> Result<Rule, LoadError> {
    let index = |n: &Spanned<String>| {
        patterns.iter().position(|p| &p.name == n.get_ref()).ok_or_else(|| {
            pos.err(n.span(), format!("rule names unknown pattern '{}'", n.get_ref()))
        })
    };
    let all_of = r.all_of.iter().map(index).collect::<Result<Vec<_>, _>>()?;
    let none_of = r.none_of.iter().map(index).collect::<Result<Vec<_>, _>>()?;
    let candidate = match r.verdict.as_ref().map(|v| (v.get_ref().as_str(), v.span())) {
        None | Some(("finding", _)) => false,
        Some(("candidate", _)) => true,
        Some((other, span)) => {
            return Err(pos.err(span, format!("verdict '{other}' is not one of finding, candidate")))
        }
    };
    let rank = match &r.rank {
        None => None,
        Some(v) if (0..=100).contains(v.get_ref()) => Some(*v.get_ref() as u8),
        Some(v) => return Err(pos.err(v.span(), format!("rank {} is not in 0..=100", v.get_ref()))),
    };
    Ok(Rule { candidate, all_of, none_of, context: parse_context(pos, &r.context)?, rank })
}

fn parse_context(pos: &Positions<'_>, c: &RawContext) -> Result<ContextCondition, LoadError> {
    let runner_before = match &c.runner_before {
        None => None,
        Some(v) => Some(Version::parse(v.get_ref()).ok_or_else(|| {
            pos.err(v.span(), format!("runner_before '{}' is not a version", v.get_ref()))
        })?),
    };
    Ok(ContextCondition {
        preamble: c.preamble,
        dind_service: c.dind_service,
        registry_host_service: c.registry_host_service,
        daemon_service: c.daemon_service,
        executor: c.executor.clone(),
        runner_before,
        service_log: c.service_log,
        image: context_regex(pos, c.image.as_ref())?,
        service: context_regex(pos, c.service.as_ref())?,
    })
}

fn context_regex(
    pos: &Positions<'_>,
    re: Option<&Spanned<String>>,
) -> Result<Option<regex::Regex>, LoadError> {
    re.map(|r| {
        regex::RegexBuilder::new(r.get_ref()).size_limit(REGEX_SIZE_LIMIT).build().map_err(|e| {
            let detail = regex_detail(&e.to_string());
            pos.err(r.span(), format!("context regex does not compile: {detail}"))
        })
    })
    .transpose()
}

/// The regex crates explain an error over several lines, pointing at the
/// column; the last line says what is wrong, which is what a one-line error needs.
fn regex_detail(message: &str) -> String {
    message.lines().last().unwrap_or("invalid regex").trim().to_string()
}

/// Loads every `*.toml` in a directory (not recursively), in file-name order.
pub(super) fn load_dir(dir: &Path) -> Result<Vec<Signature>, LoadError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| LoadError::new(dir, format!("cannot read signature directory: {e}")))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(LoadError::new(dir, "no *.toml signature files in this directory"));
    }
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p)
                .map_err(|e| LoadError::new(p, format!("cannot read: {e}")))?;
            parse_with(Positions { text: &text, origin: p, check: RegexCheck::Compile })
        })
        .collect()
}

/// Prose fields are wrapped in the files for reading; the printers wrap them
/// again for the terminal, so hard line breaks inside a paragraph go.
fn unwrap_prose(s: &str) -> String {
    s.split("\n\n")
        .map(|para| para.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "demo-class"
title = "A demo"
kind = "root"
severity = "error"
summary = "Because."
docs = ["https://docs.gitlab.com/"]
fix = "Do it."

[[pattern]]
name = "hit"
literals = ["demo failure"]
regex = 'demo failure (?P<what>\w+)'

[tests]
match = ["demo failure now"]
no_match = ["demo success"]
"#;

    fn load(text: &str) -> Result<Signature, LoadError> {
        parse(text, Path::new("sigs/demo-class.toml"))
    }

    #[test]
    fn good_file_loads() {
        let s = load(GOOD).unwrap();
        assert_eq!(s.id, "demo-class");
        assert_eq!(s.rank, 50);
        assert_eq!(s.patterns[0].strength, Strength::Strong);
        let caps = s.patterns[0].confirm(b"x demo failure disk").unwrap();
        assert_eq!(caps, (2, vec![("what".to_string(), "disk".to_string())]));
    }

    /// Each case: an edit of GOOD, and the start of the message plus the line it names.
    #[test]
    fn errors_name_file_line_and_column() {
        let cases: &[(&str, &str, &str, Option<usize>)] = &[
            ("kind = \"root\"", "kind = \"rooot\"", "kind 'rooot'", Some(4)),
            (
                "regex = 'demo failure (?P<what>\\w+)'",
                "regex = 'demo (failure'",
                "pattern 'hit': regex does not compile",
                Some(13),
            ),
            (
                "literals = [\"demo failure\"]",
                "literals = [\"dem\"]",
                "literal 'dem' is shorter",
                Some(12),
            ),
            ("id = \"demo-class\"", "id = \"other\"", "id 'other' must equal", Some(2)),
            ("fix = \"Do it.\"", "fix = \"Do it.\"\nbogus = 1", "unknown field `bogus`", Some(9)),
            ("title = \"A demo\"", "title = ", "", Some(3)),
            ("no_match = [\"demo success\"]", "no_match = []", "[tests] needs", Some(15)),
        ];
        for (from, to, want, line) in cases {
            let text = GOOD.replacen(from, to, 1);
            assert_ne!(text, GOOD, "edit {from:?} did not apply");
            let err = load(&text).expect_err(to);
            assert!(err.message.starts_with(want), "{to:?}: got {err}");
            assert_eq!(err.position.map(|p| p.0), *line, "{to:?}: got {err}");
            assert!(err.to_string().starts_with("sigs/demo-class.toml:"), "{err}");
        }
    }

    #[test]
    fn weak_pattern_needs_a_question() {
        let text = GOOD.replacen("regex =", "strength = \"weak\"\nregex =", 1);
        let err = load(&text).unwrap_err();
        assert!(err.message.contains("needs a `question`"), "{err}");
        let text = text.replacen("fix =", "question = \"Is it?\"\nfix =", 1);
        assert!(load(&text).is_ok());
    }

    #[test]
    fn rules_must_name_known_patterns() {
        let text = format!("{GOOD}\n[[rule]]\nall_of = [\"nope\"]\n");
        let err = load(&text).unwrap_err();
        assert!(err.message.contains("unknown pattern 'nope'"), "{err}");
    }

    /// Found writing the `signature` fuzz target's invariant: a regex whose
    /// parsed size is small but whose compiled size is past the limit (`\w`
    /// is a large class with Unicode on) loaded fine and then never matched. A user
    /// file must fail to load, naming the line; a built-in's examples catch
    /// it in the tests.
    #[test]
    fn regex_past_the_compiled_size_limit_is_an_error_in_a_user_file() {
        let text = GOOD.replacen(r"(?P<what>\w+)", r"(?P<what>(?u:\w{300}))", 1);
        assert_ne!(text, GOOD);
        let dir = std::env::temp_dir().join(format!("dindlog-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("demo-class.toml"), &text).unwrap();
        let got = load_dir(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        let err = got.unwrap_err();
        assert!(err.message.starts_with("pattern 'hit': regex does not compile"), "{err}");
        assert!(err.message.contains("size limit"), "{err}");
        assert_eq!(err.position.map(|p| p.0), Some(13), "{err}");
        // The cheap check alone (built-ins) still accepts it.
        assert!(load(&text).is_ok());
    }
}
