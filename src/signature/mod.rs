//! The knowledge base: what a signature (one failure class) is, and the validated set of them.

mod builtin;
pub mod doc;
mod load;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use regex::bytes::Regex;
use serde::{Deserialize, Serialize};

use crate::error::LoadError;

/// Versions are Docker vocabulary; re-exported for signature rules (`runner_before`).
pub use crate::docker::Version;
pub use builtin::BUILTIN;

/// What a class is, in the catalog's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A cause to fix.
    Root,
    /// Evidence that other classes explain.
    Symptom,
    /// Not a failure by itself.
    Advice,
    /// A retry may succeed.
    Transient,
}

impl Kind {
    /// The lowercase word used in signature files, JSON and every printer.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Root => "root",
            Kind::Symptom => "symptom",
            Kind::Advice => "advice",
            Kind::Transient => "transient",
        }
    }
}

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Likely to hurt.
    Warning,
    /// Fails the job.
    Error,
}

impl Severity {
    /// The word used in every output: `error`, `warning`, `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a log line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The job's own script output.
    Job,
    /// A service container's log (the dind daemon).
    Service,
    /// The runner's own messages (preamble, stage headers, `ERROR: Job failed`).
    Runner,
    /// The job's environment (`dindlog run`, `annotate`, `scan --env-context`):
    /// GitLab's variables and the container's `/etc/hosts`, `/etc/resolv.conf`.
    Env,
    /// A live look at the daemon (`dindlog run` after a failure): doctor's checks.
    Probe,
}

impl Source {
    fn bit(self) -> u8 {
        match self {
            Source::Job => 1,
            Source::Service => 2,
            Source::Runner => 4,
            Source::Env => 8,
            Source::Probe => 16,
        }
    }

    /// The lowercase name used in signature files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Job => "job",
            Source::Service => "service",
            Source::Runner => "runner",
            Source::Env => "env",
            Source::Probe => "probe",
        }
    }
}

/// Whether a pattern counts on lines printed by a `RUN` step of an image build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildOutput {
    /// Everywhere.
    Any,
    /// Not on `RUN` step output: that is the application's network, not the daemon's.
    Never,
    /// Only on `RUN` step output.
    Only,
}

/// What a pattern's match means for its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Reports the class on its own.
    Strong,
    /// Reports the class when a rule holds; otherwise makes it a candidate.
    Weak,
    /// Only used by rules.
    Context,
    /// Suppresses the class when it matches anywhere.
    Veto,
}

impl Strength {
    /// The lowercase word used in signature files and every printer.
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Strong => "strong",
            Strength::Weak => "weak",
            Strength::Context => "context",
            Strength::Veto => "veto",
        }
    }
}

/// A key of a job's configuration that a class is about (`config_keys`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigKey {
    /// `variables.NAME`: the variable as the job sees it (its own or a global one).
    Variable(String),
    /// `services.dind`: the job's dind service.
    DindService,
    /// `image`: the job image.
    Image,
    /// `job`: the job's own key (for what is missing from it).
    Job,
    /// `script:TEXT`: the first script line that runs docker, docker-compose
    /// or buildah and contains TEXT.
    Script(String),
}

impl ConfigKey {
    /// Reads the signature-file form; `None` if it is none of them.
    pub fn parse(s: &str) -> Option<ConfigKey> {
        if let Some(name) = s.strip_prefix("variables.") {
            let ok = !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            return ok.then(|| ConfigKey::Variable(name.to_string()));
        }
        if let Some(text) = s.strip_prefix("script:") {
            return (!text.trim().is_empty()).then(|| ConfigKey::Script(text.to_string()));
        }
        match s {
            "services.dind" => Some(ConfigKey::DindService),
            "image" => Some(ConfigKey::Image),
            "job" => Some(ConfigKey::Job),
            _ => None,
        }
    }
}

impl std::fmt::Display for ConfigKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigKey::Variable(n) => write!(f, "variables.{n}"),
            ConfigKey::DindService => f.write_str("services.dind"),
            ConfigKey::Image => f.write_str("image"),
            ConfigKey::Job => f.write_str("job"),
            ConfigKey::Script(t) => write!(f, "script:{t}"),
        }
    }
}

/// One piece of evidence a class looks for on a single decoded line.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Unique within its signature.
    pub name: String,
    /// Prefilter needles; the decoded line must contain one for the pattern to match.
    pub literals: Vec<String>,
    /// Confirmation on the decoded line.
    pub regex: Option<LazyRegex>,
    /// The line must not match this.
    pub not_regex: Option<LazyRegex>,
    sources: u8,
    /// Whether it counts on `RUN` step output.
    pub build_output: BuildOutput,
    /// What a match means.
    pub strength: Strength,
    /// Programs whose output this pattern ignores: a line printed while the job
    /// script's current `$ ` command is one of them (`go`, `npm`, `kubectl`)
    /// is that tool talking to its own servers, not the daemon or builder.
    pub not_commands: Vec<String>,
    /// Whether the runner's echo of a script line (`$ cmd`) can match: that is
    /// the script's text, not what a program printed (a retry loop that greps
    /// for `toomanyrequests` did not hit the limit).
    pub script_text: bool,
    /// `<class>/<pattern>` whose literals and regexes this pattern uses: the
    /// same evidence, read in another class's terms (sources, build output,
    /// strength and rules stay this pattern's own). Resolved by [`SignatureSet::new`].
    pub like: Option<String>,
}

impl Pattern {
    /// Whether a line printed while `command` (the job script's current
    /// program, when the log shows it) ran can match.
    pub fn accepts_command(&self, command: Option<&str>) -> bool {
        command.is_none_or(|c| !self.not_commands.iter().any(|n| n == c))
    }

    /// Whether a line can match, given whether it is a script line's echo.
    pub fn accepts_prompt(&self, prompt: bool) -> bool {
        !prompt || self.script_text
    }

    /// Whether lines from `source` can match.
    pub fn accepts_source(&self, source: Source) -> bool {
        self.sources & source.bit() != 0
    }

    /// Whether a line in (or out of) a build step can match.
    pub fn accepts_build_output(&self, in_build_step: bool) -> bool {
        match self.build_output {
            BuildOutput::Any => true,
            BuildOutput::Never => !in_build_step,
            BuildOutput::Only => in_build_step,
        }
    }

    /// Which confirmation this pattern runs: patterns with the same value
    /// (a `like` and the pattern it names) confirm a line alike, so a scan
    /// confirms it once for all of them. `None` for a literal-only pattern,
    /// whose confirmation is a substring search.
    pub(crate) fn same_evidence(&self) -> Option<(usize, usize)> {
        let id = |r: &LazyRegex| std::sync::Arc::as_ptr(&r.compiled) as usize;
        let regex = self.regex.as_ref().map(id)?;
        Some((regex, self.not_regex.as_ref().map_or(0, id)))
    }

    /// Confirms a decoded line that contains one of the literals. Returns where
    /// the match starts and the regex captures (name, value).
    pub fn confirm(&self, line: &[u8]) -> Option<(usize, Vec<(String, String)>)> {
        let found = match &self.regex {
            None => {
                let at =
                    self.literals.iter().find_map(|l| memchr::memmem::find(line, l.as_bytes()))?;
                (at, Vec::new())
            }
            Some(lazy) => {
                let re = lazy.get()?;
                let caps = re.captures(line)?;
                let at = caps.get(0).map_or(0, |m| m.start());
                let named = re
                    .capture_names()
                    .flatten()
                    .filter_map(|name| {
                        caps.name(name).map(|m| {
                            (name.to_string(), String::from_utf8_lossy(m.as_bytes()).into_owned())
                        })
                    })
                    .collect();
                (at, named)
            }
        };
        if let Some(not) = self.not_regex.as_ref().and_then(LazyRegex::get) {
            if not.is_match(line) {
                return None;
            }
        }
        Some(found)
    }
}

/// A regex checked when its file is loaded but compiled on first use: most
/// patterns never see a candidate line, and compiling all of them is most of
/// dindlog's start-up time.
/// Clones share one compiled regex: a `like` pattern is the same evidence as
/// the pattern it names, so it compiles once and its line is confirmed once
/// (see [`Pattern::same_evidence`]).
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    compiled: std::sync::Arc<std::sync::OnceLock<Option<Regex>>>,
}

impl LazyRegex {
    /// Wraps a pattern that already passed the loader's checks.
    pub(crate) fn new(source: String) -> LazyRegex {
        LazyRegex { source, compiled: Default::default() }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The compiled regex, or `None` if it exceeds the compiled-size limit.
    /// Files loaded from a directory are compiled at load time, so this only
    /// concerns built-ins, whose examples the test suite runs; a test also
    /// compiles every built-in regex.
    pub fn get(&self) -> Option<&Regex> {
        self.compiled.get_or_init(|| build_regex(&self.source).ok()).as_ref()
    }
}

/// Compiles a signature regex. Unicode classes are off (ASCII `\w`, `\d`,
/// `\s`, `\b`; `.` is any byte): log text is matched as bytes, and Unicode
/// `\w`/`\S` repetitions made compiling about three times slower, a cost
/// every short scan paid at start-up.
pub(crate) fn build_regex(source: &str) -> Result<Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(source)
        .unicode(false)
        .size_limit(load::REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_CACHE_LIMIT)
        .build()
}

/// The lazy DFA cache of one regex on one thread, at most. A regex here only
/// ever confirms single candidate lines, for which a small cache suffices
/// (when full it is cleared, or the search falls back to an NFA); the
/// default (2 MiB) let every regex's cache keep growing over a bulk scan,
/// hundreds of them on every thread: memory grew with the number of files.
pub(crate) const REGEX_CACHE_LIMIT: usize = 64 * 1024;

/// Conditions on the job, read from the runner's preamble. `None` means "not asked".
#[derive(Debug, Clone, Default)]
pub struct ContextCondition {
    /// The log has the runner preamble.
    pub preamble: Option<bool>,
    /// A `*dind*` service was started.
    pub dind_service: Option<bool>,
    /// A started dind service's image has a registry host.
    pub registry_host_service: Option<bool>,
    /// Some started service could be a Docker daemon (its image names
    /// `docker`, `dind` or `buildkit`): looser than `dind_service`, for
    /// `[requires]`, which drops a class outright.
    pub daemon_service: Option<bool>,
    /// The executor named in the preamble.
    pub executor: Option<String>,
    /// The runner version is strictly older than this.
    pub runner_before: Option<Version>,
    /// Service container log lines were captured.
    pub service_log: Option<bool>,
    /// The job image (as the preamble names it) matches this regex.
    pub image: Option<regex::Regex>,
    /// Some started service's image matches this regex.
    pub service: Option<regex::Regex>,
}

/// Fills each `like` pattern with the literals and regexes of the pattern it
/// names, which must exist and not be a `like` itself.
fn resolve_likes(sigs: &mut [Signature], by_id: &HashMap<String, usize>) -> Result<(), LoadError> {
    for si in 0..sigs.len() {
        for pi in 0..sigs[si].patterns.len() {
            let Some(like) = sigs[si].patterns[pi].like.clone() else { continue };
            let err = |why: &str| {
                LoadError::new(
                    &sigs[si].origin,
                    format!("pattern '{}': like '{like}' {why}", sigs[si].patterns[pi].name),
                )
            };
            let (class, name) =
                like.split_once('/').ok_or_else(|| err("is not <class>/<pattern>"))?;
            let &ti = by_id.get(class).ok_or_else(|| err("names an unknown class"))?;
            let target = sigs[ti]
                .patterns
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| err("names an unknown pattern"))?;
            if target.like.is_some() {
                return Err(err("names a pattern that is itself a `like`"));
            }
            let (literals, regex, not_regex) =
                (target.literals.clone(), target.regex.clone(), target.not_regex.clone());
            let p = &mut sigs[si].patterns[pi];
            (p.literals, p.regex, p.not_regex) = (literals, regex, not_regex);
        }
    }
    Ok(())
}

/// "These patterns matched, those did not, and the job looks like this".
#[derive(Debug, Clone)]
pub struct Rule {
    /// When the rule holds, the class is only a candidate: the log narrows
    /// the causes down to a few but cannot pick one.
    pub candidate: bool,
    /// Indexes into the signature's patterns that must all have matched.
    pub all_of: Vec<usize>,
    /// Indexes into the signature's patterns that must not have matched.
    pub none_of: Vec<usize>,
    /// Conditions on the job context.
    pub context: ContextCondition,
    /// The class's prior rank while this rule is what makes it a candidate:
    /// the evidence it names makes the class likelier (or less likely) than
    /// its default rank says.
    pub rank: Option<u8>,
}

/// Example lines a signature carries, run by the test suite and `dindlog signatures test`.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    /// Lines that must hit the class.
    pub matches: Vec<String>,
    /// Near misses that must not.
    pub no_matches: Vec<String>,
    /// Classes whose strong patterns a match line may also hit.
    pub overlaps: Vec<String>,
}

/// One failure class: its documentation, evidence patterns, rules and examples.
#[derive(Debug, Clone)]
pub struct Signature {
    /// The catalog id (public contract).
    pub id: String,
    /// One line.
    pub title: String,
    /// The catalog's kind.
    pub kind: Kind,
    /// The catalog's severity.
    pub severity: Severity,
    /// Prior likelihood among classes that share ambiguous evidence (0..=100).
    pub rank: u8,
    /// Why it happens.
    pub summary: String,
    /// The check that tells this class apart when it is only a candidate.
    pub question: Option<String>,
    /// Classes this one explains when both are found.
    pub explains: Vec<String>,
    /// Documentation links.
    pub docs: Vec<String>,
    /// The fix, with `{placeholders}`.
    pub fix: String,
    /// Executor-specific fixes that replace `fix`.
    pub fix_by_executor: BTreeMap<String, String>,
    /// A live look at the daemon can decide this class (`dindlog run` probes
    /// when a finding has it, and may find it with the probe alone).
    pub probe: bool,
    /// The class says the client cannot reach the daemon: a daemon that
    /// answers a probe contradicts it.
    pub daemon_unreachable: bool,
    /// Where in `.gitlab-ci.yml` this class is fixed, most specific first:
    /// what a finding of it in a job log points at (`scan --ci-config`).
    pub config_keys: Vec<ConfigKey>,
    /// What the job must be for this class to happen at all (`[requires]`): a
    /// class that needs a dind service cannot be the cause when the preamble
    /// shows none was started. Unknown leaves the class as it is.
    pub requires: Option<ContextCondition>,
    /// Evidence patterns.
    pub patterns: Vec<Pattern>,
    /// Rules for weak evidence.
    pub rules: Vec<Rule>,
    /// Example lines.
    pub examples: Examples,
    /// The file it was loaded from.
    pub origin: PathBuf,
}

impl Signature {
    /// Parses and validates one signature file. `stem` is the file name without
    /// `.toml`, which must equal the id.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Signature, LoadError> {
        load::parse(text, origin)
    }

    /// A fix text with every placeholder replaced by its documented default
    /// (`{service|docker:24.0.5-dind}` gives `docker:24.0.5-dind`): what
    /// `explain` and the class documentation show, with no job to fill it from.
    pub fn with_defaults(text: &str) -> String {
        crate::classify::render(text, |_| None)
    }

    /// The fix text for this executor, before placeholders are filled in.
    pub fn fix_for(&self, executor: Option<&str>) -> &str {
        executor.and_then(|e| self.fix_by_executor.get(e)).unwrap_or(&self.fix)
    }
}

/// A validated, immutable set of signatures. Cheap to share between threads.
#[derive(Debug, Clone)]
pub struct SignatureSet {
    sigs: Vec<Signature>,
    by_id: HashMap<String, usize>,
}

impl SignatureSet {
    /// The signatures compiled into the binary.
    pub fn builtin() -> Result<SignatureSet, LoadError> {
        let mut sigs = Vec::with_capacity(BUILTIN.len());
        for (name, text) in BUILTIN {
            sigs.push(load::parse_builtin(text, &Path::new("signatures").join(name))?);
        }
        SignatureSet::new(sigs)
    }

    /// The built-in set, loaded once per process: `lint`, `doctor` and
    /// `locate` look class facts (severity, docs, fix, config keys) up here.
    pub fn builtin_shared() -> Result<&'static SignatureSet, LoadError> {
        static SET: std::sync::OnceLock<Result<SignatureSet, LoadError>> =
            std::sync::OnceLock::new();
        SET.get_or_init(SignatureSet::builtin).as_ref().map_err(Clone::clone)
    }

    /// Builds a set, checking what spans files: unique ids and known `explains`
    /// and `overlaps` targets.
    pub fn new(mut sigs: Vec<Signature>) -> Result<SignatureSet, LoadError> {
        let mut by_id = HashMap::with_capacity(sigs.len());
        for (i, s) in sigs.iter().enumerate() {
            if let Some(prev) = by_id.insert(s.id.clone(), i) {
                return Err(LoadError::new(
                    &s.origin,
                    format!("id '{}' is already defined in {}", s.id, sigs[prev].origin.display()),
                ));
            }
        }
        for s in &sigs {
            for target in s.explains.iter().chain(&s.examples.overlaps) {
                if !by_id.contains_key(target) {
                    return Err(LoadError::new(
                        &s.origin,
                        format!("'{}' names unknown class '{}'", s.id, target),
                    ));
                }
            }
        }
        resolve_likes(&mut sigs, &by_id)?;
        Ok(SignatureSet { sigs, by_id })
    }

    /// Adds every `*.toml` in `dir`; a file whose id is already known replaces
    /// that signature.
    pub fn with_dir(self, dir: &Path) -> Result<SignatureSet, LoadError> {
        let mut sigs = self.sigs;
        for s in load::load_dir(dir)? {
            match sigs.iter().position(|old| old.id == s.id) {
                Some(i) => sigs[i] = s,
                None => sigs.push(s),
            }
        }
        SignatureSet::new(sigs)
    }

    /// All signatures, in load order (built-ins sorted by id, then user files).
    pub fn iter(&self) -> impl Iterator<Item = &Signature> {
        self.sigs.iter()
    }

    /// Number of signatures.
    pub fn len(&self) -> usize {
        self.sigs.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.sigs.is_empty()
    }

    /// The signature at an index.
    pub fn get(&self, index: usize) -> &Signature {
        &self.sigs[index]
    }

    /// The index of a class id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The signature with a class id.
    pub fn by_id(&self, id: &str) -> Option<&Signature> {
        self.index_of(id).map(|i| &self.sigs[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented regex dialect: ASCII classes, bytes, Unicode on request.
    #[test]
    fn signature_regexes_have_ascii_classes() {
        let m = |re: &str, text: &str| build_regex(re).unwrap().is_match(text.as_bytes());
        assert!(m(r"^\w+$", "cafe"));
        assert!(!m(r"^\w+$", "café"), "\\w is ASCII");
        assert!(m(r"^(?u:\w)+$", "café"), "(?u:...) opts in");
        assert!(m(r"caf\S+ x", "café x"), "\\S takes the bytes of é");
        assert!(m(r"café", "un café"), "non-ASCII text matches as written");
        assert!(!m(r"^a.b$", "a\u{e9}b") && m(r"^a..b$", "a\u{e9}b"), ". is one byte");
    }

    /// A `like` pattern shares the compiled regex of the pattern it names, so
    /// a scan confirms a line once for both; unrelated patterns do not.
    #[test]
    fn like_patterns_share_their_evidence() {
        let set = SignatureSet::builtin().unwrap();
        let pat = |class: &str, name: &str| {
            let sig = set.iter().find(|s| s.id == class).unwrap();
            sig.patterns.iter().find(|p| p.name == name).unwrap().clone()
        };
        let target = pat("service-not-ready", "daemon-answered");
        let like = pat("daemon-tls-port", "daemon-answered");
        assert_eq!(like.like.as_deref(), Some("service-not-ready/daemon-answered"));
        assert!(target.same_evidence().is_some());
        assert_eq!(like.same_evidence(), target.same_evidence());
        let other = set.iter().flat_map(|s| &s.patterns).find(|p| {
            p.regex.is_some()
                && p.like.is_none()
                && p.regex.as_ref().map(|r| r.as_str()) != target.regex.as_ref().map(|r| r.as_str())
        });
        assert_ne!(other.unwrap().same_evidence(), target.same_evidence());
        // One compilation serves both.
        let (a, b) = (target.regex.as_ref().unwrap(), like.regex.as_ref().unwrap());
        assert!(std::ptr::eq(a.get().unwrap(), b.get().unwrap()));
    }

    #[test]
    fn builtin_set_is_valid() {
        let set = SignatureSet::builtin().unwrap_or_else(|e| panic!("{e}"));
        assert!(set.len() >= 27, "only {} signatures", set.len());
        // Regexes compile lazily; every built-in one must compile.
        for sig in set.iter() {
            for p in &sig.patterns {
                for re in p.regex.iter().chain(&p.not_regex) {
                    assert!(re.get().is_some(), "{}: {}: {}", sig.id, p.name, re.as_str());
                    assert!(
                        !load::has_unbounded_dot(re.as_str()),
                        "{}: {}: bound its .* (the scan overlap)",
                        sig.id,
                        p.name
                    );
                }
            }
        }
    }

    /// Regression: `a.*b` spanning a 9 KiB line matched differently read
    /// whole (the naive scan) and in pieces (the fast scan at 8 KiB).
    #[test]
    fn unbounded_dots_are_refused_in_user_signatures() {
        assert!(load::has_unbounded_dot("a.*b") && load::has_unbounded_dot(".+x"));
        assert!(!load::has_unbounded_dot(r"a\.*b") && !load::has_unbounded_dot("a.{0,1024}b"));
        let text = "id = \"x-y\"\ntitle = \"t\"\nkind = \"root\"\nseverity = \"error\"\nsummary = \"s\"\n\
docs = [\"https://docs.gitlab.com/\"]\nfix = \"f\\ng\"\n[[pattern]]\nname = \"p\"\nliterals = [\"abcd\"]\n\
regex = 'abcd.*efgh'\n[tests]\nmatch = [\"abcd efgh\"]\nno_match = [\"abc\"]\n";
        let err = Signature::from_toml(text, Path::new("x-y.toml")).unwrap_err().to_string();
        assert!(err.contains("bound them"), "{err}");
    }

    #[test]
    fn scanner_types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SignatureSet>();
        check::<Signature>();
    }
}
