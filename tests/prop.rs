//! Properties: the findings of a log do not change under the rewrites GitLab's
//! byte format allows, nor with the read buffer and read sizes.
//!
//! A log is built from real evidence lines (every signature's `[tests] match`
//! examples) and filler (preamble, section markers, script commands, build
//! steps, a service-log block). Each property applies random rewrites that
//! leave the text a person sees unchanged, and checks that the analysis is the
//! same as for the plain log: the findings' ids, roles, counts, causes and
//! evidence texts, and the job context. Line numbers are not compared: `+`
//! continuation lines move them.

use std::sync::LazyLock;

use dindlog::fuzzing::Trickle;
use dindlog::JobContext;
use dindlog::{Analyzer, FileReport, SignatureSet};
use proptest::prelude::*;

static ANALYZER: LazyLock<Analyzer> =
    LazyLock::new(|| Analyzer::new(SignatureSet::builtin().expect("built-in signatures")));

/// Filler lines: `(text, fragile)`; a fragile line (a section marker) must not
/// get escape codes inside it, which would make it plain text.
const FILLER: &[(&str, bool)] = &[
    ("Running with gitlab-runner 17.3.1 (66269445)", false),
    ("  on docker-runner-1 t3_abc123, system ID: r_xyz", false),
    ("section_start:1717171712:prepare_executor\r\x1b[0K", true),
    ("Using Docker executor with image docker:24.0.5 ...", false),
    ("Starting service docker:24.0.5-dind ...", false),
    ("section_end:1717171712:prepare_executor\r\x1b[0K", true),
    ("section_start:1717171720:step_script\r\x1b[0K", true),
    ("$ docker info", false),
    ("$ docker build -t registry.example.com/app:1.0 .", false),
    ("Step 3/5 : RUN go mod download", false),
    (" ---> Running in 3f2a1b0c9d8e", false),
    ("#7 1.234 npm ERR! network request failed", false),
    ("Service container logs:", false),
    ("*********", false),
    ("Cleaning up project directory and file based variables", false),
    ("ERROR: Job failed: exit code 1", false),
    ("", false),
    ("plain output of a test suite: 42 passed", false),
];

/// Text written before a `\r` that erases it: progress output, and text that
/// would be evidence if it were not rewritten.
const GARBAGE: &[&str] = &[
    "Downloading 10%",
    "\x1b[33m 50%\x1b[0m",
    "",
    "Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?",
    "toomanyrequests: You have reached your pull rate limit.",
    "error during connect: dial tcp: lookup docker on 10.0.0.2:53: no such host",
];

/// Colour and erase codes GitLab drops (only SGR changes style there).
const CODES: &[&str] =
    &["\x1b[0m", "\x1b[1m", "\x1b[31;1m", "\x1b[0;m", "\x1b[38;5;196m", "\x1b[0K"];

/// Every usable line: the signatures' match examples, then the filler.
static POOL: LazyLock<Vec<(String, bool)>> = LazyLock::new(|| {
    let mut pool: Vec<(String, bool)> = ANALYZER
        .signatures()
        .iter()
        .flat_map(|s| s.examples.matches.iter())
        // Examples are single visible lines; one that already holds control
        // bytes or looks like a timestamp header would be read differently
        // once wrapped in colour codes, in GitLab too.
        .filter(|l| {
            !l.bytes().any(|b| b.is_ascii_control() && b != b'\t')
                && dindlog::fuzzing::decode::parse_header(l.as_bytes()).is_none()
        })
        .map(|l| (l.clone(), false))
        .collect();
    pool.extend(FILLER.iter().map(|(l, f)| (l.to_string(), *f)));
    pool
});

/// A line of the plain log: a pool index, and whether it comes as a
/// `CI_DEBUG_SERVICES` `[service:docker]` line.
#[derive(Debug, Clone)]
struct Base {
    index: usize,
    service: bool,
}

/// What to do to one line.
#[derive(Debug, Clone, Default)]
struct Edit {
    /// Wrap the whole line in `\e[32;1m ... \e[0;m`.
    wrap: bool,
    /// Colour codes inserted at these (scaled) byte positions.
    inserts: Vec<(usize, usize)>,
    /// `GARBAGE[i]` then `\r` before the line.
    garbage: Option<usize>,
    /// Cut points (scaled) for `+` continuation lines (with timestamps only).
    splits: Vec<usize>,
    /// `E` rather than `O` in the header.
    stderr: bool,
}

/// What to do to the whole log.
#[derive(Debug, Clone)]
struct Whole {
    timestamps: bool,
    crlf: bool,
    capacity: usize,
    step: usize,
    pipeline: bool,
}

impl Default for Whole {
    fn default() -> Self {
        Whole {
            timestamps: false,
            crlf: false,
            capacity: 256 * 1024,
            step: usize::MAX,
            pipeline: false,
        }
    }
}

/// Which families of rewrites a property may use.
#[derive(Clone, Copy)]
struct Allow {
    colour: bool,
    rewrite: bool,
    timestamps: bool,
    crlf: bool,
    reader: bool,
}

const NONE: Allow =
    Allow { colour: false, rewrite: false, timestamps: false, crlf: false, reader: false };
const ALL: Allow =
    Allow { colour: true, rewrite: true, timestamps: true, crlf: true, reader: true };

const MAX_LINES: usize = 24;

fn base() -> impl Strategy<Value = Vec<Base>> {
    let n = POOL.len();
    prop::collection::vec(
        (0..n, prop::bool::weighted(0.2)).prop_map(|(index, service)| Base { index, service }),
        1..MAX_LINES,
    )
}

fn edit(allow: Allow) -> impl Strategy<Value = Edit> {
    let codes = prop::collection::vec((any::<usize>(), 0..CODES.len()), 0..4);
    let splits = prop::collection::vec(any::<usize>(), 0..3);
    (any::<bool>(), codes, prop::option::of(0..GARBAGE.len()), splits, any::<bool>()).prop_map(
        move |(wrap, inserts, garbage, splits, stderr)| Edit {
            wrap: allow.colour && wrap,
            inserts: if allow.colour { inserts } else { Vec::new() },
            garbage: garbage.filter(|_| allow.rewrite),
            splits: if allow.timestamps { splits } else { Vec::new() },
            stderr,
        },
    )
}

fn whole(allow: Allow) -> impl Strategy<Value = Whole> {
    (any::<bool>(), any::<bool>(), 8192usize..20_000, 1usize..600, any::<bool>()).prop_map(
        move |(timestamps, crlf, capacity, step, pipeline)| {
            let d = Whole::default();
            Whole {
                timestamps: allow.timestamps && timestamps,
                crlf: allow.crlf && crlf,
                capacity: if allow.reader { capacity } else { d.capacity },
                step: if allow.reader { step } else { d.step },
                pipeline: allow.reader && pipeline,
            }
        },
    )
}

fn case(allow: Allow) -> impl Strategy<Value = (Vec<Base>, Vec<Edit>, Whole)> {
    (base(), prop::collection::vec(edit(allow), MAX_LINES), whole(allow))
}

/// The visible text of one line of the plain log.
fn text(b: &Base) -> (String, bool) {
    let (line, fragile) = &POOL[b.index];
    if b.service && !fragile {
        (format!("[service:docker] {line}"), false)
    } else {
        (line.clone(), *fragile)
    }
}

fn plain(lines: &[Base]) -> Vec<u8> {
    let mut out = String::new();
    for b in lines {
        out.push_str(&text(b).0);
        out.push('\n');
    }
    out.into_bytes()
}

/// `2024-05-01T10:00:01.123456Z 01O ` for line `n` of the job's stream.
fn header(n: usize, stderr: bool, continuation: bool) -> String {
    format!(
        "2024-05-01T10:{:02}:{:02}.{:06}Z 01{}{}",
        n / 60 % 60,
        n % 60,
        n * 7 % 1_000_000,
        if stderr { 'E' } else { 'O' },
        if continuation { '+' } else { ' ' }
    )
}

fn rewritten(lines: &[Base], edits: &[Edit], w: &Whole) -> Vec<u8> {
    let eol: &[u8] = if w.crlf { b"\r\n" } else { b"\n" };
    let mut out = Vec::new();
    for (n, (b, e)) in lines.iter().zip(edits).enumerate() {
        let (visible, fragile) = text(b);
        let mut raw = visible.clone().into_bytes();
        if !fragile {
            // From the end, so earlier positions stay valid.
            let mut at: Vec<(usize, usize)> =
                e.inserts.iter().map(|&(p, c)| (p % (raw.len() + 1), c)).collect();
            at.sort();
            for &(p, c) in at.iter().rev() {
                raw.splice(p..p, CODES[c].bytes());
            }
        }
        if e.wrap {
            raw = [b"\x1b[32;1m", &raw[..], b"\x1b[0;m"].concat();
        }
        // A `\r` just before the line end belongs to the line end (`\r*\n`),
        // so an empty line cannot be rewritten this way.
        if let Some(g) = e.garbage.filter(|_| !visible.is_empty()) {
            raw = [GARBAGE[g].as_bytes(), b"\r", &raw[..]].concat();
        }
        if !w.timestamps {
            out.extend_from_slice(&raw);
            out.extend_from_slice(eol);
            continue;
        }
        let mut cuts: Vec<usize> =
            e.splits.iter().map(|s| s % raw.len().max(1)).filter(|&c| c > 0).collect();
        cuts.sort();
        cuts.dedup();
        cuts.push(raw.len());
        let mut from = 0;
        for (k, &to) in cuts.iter().enumerate() {
            out.extend_from_slice(header(n, e.stderr, k > 0).as_bytes());
            out.extend_from_slice(&raw[from..to]);
            // The runner ends a cut piece with a plain `\n`; only the real
            // line end is what the job wrote.
            out.extend_from_slice(if to == raw.len() { eol } else { b"\n" });
            from = to;
        }
    }
    out
}

/// What must not change: every finding's id, role, cause, count and
/// evidence (source, section, text), and the job context.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    findings: Vec<String>,
    context: String,
}

fn outcome(data: &[u8], w: &Whole) -> Outcome {
    let a = ANALYZER.clone().with_capacity(w.capacity).with_pipeline(w.pipeline);
    let report: FileReport =
        match a.scan("prop.log", Trickle::new(data, w.step), dindlog::InputKind::Job) {
            Ok(r) => a.report("prop.log", r, Vec::new()),
            Err(e) => panic!("scan failed: {e}"),
        };
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let ev: Vec<String> = f
                .evidence
                .iter()
                .map(|e| format!("{:?}/{:?}/{}", e.source, e.section, e.text))
                .collect();
            format!(
                "{} {} x{} by={:?} [{}]",
                f.id,
                f.role.as_str(),
                f.count,
                f.explained_by,
                ev.join(" | ")
            )
        })
        .collect();
    let context = JobContext { timestamps: false, ..report.context };
    Outcome { findings, context: format!("{context:?}") }
}

fn check(lines: &[Base], edits: &[Edit], w: &Whole) -> Result<(), TestCaseError> {
    let want = outcome(&plain(lines), &Whole::default());
    let data = rewritten(lines, edits, w);
    let got = outcome(&data, w);
    prop_assert_eq!(
        got,
        want,
        "rewritten log:\n{}\nplain log:\n{}",
        String::from_utf8_lossy(&data).escape_debug(),
        String::from_utf8_lossy(&plain(lines)).escape_debug()
    );
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    /// (a) Whole lines in SGR colour, and codes between any two bytes.
    #[test]
    fn colour_codes_do_not_change_findings(
        (lines, edits, w) in case(Allow { colour: true, ..NONE })
    ) {
        check(&lines, &edits, &w)?;
    }

    /// (b) `text\r` before a line: the text is erased, even when it is evidence.
    #[test]
    fn carriage_return_rewrites_do_not_change_findings(
        (lines, edits, w) in case(Allow { rewrite: true, ..NONE })
    ) {
        check(&lines, &edits, &w)?;
    }

    /// (c) `FF_TIMESTAMPS` headers on every line, lines cut into `+` continuations.
    #[test]
    fn timestamp_headers_and_continuations_do_not_change_findings(
        (lines, edits, w) in case(Allow { timestamps: true, ..NONE })
    ) {
        check(&lines, &edits, &w)?;
    }

    /// (d) CRLF line ends.
    #[test]
    fn crlf_does_not_change_findings(
        (lines, edits, w) in case(Allow { crlf: true, ..NONE })
    ) {
        check(&lines, &edits, &w)?;
    }

    /// (e) Read buffer capacity and read sizes.
    #[test]
    fn buffer_and_read_sizes_do_not_change_findings(
        (lines, edits, w) in case(Allow { reader: true, ..NONE })
    ) {
        check(&lines, &edits, &w)?;
    }

    /// All of them at once.
    #[test]
    fn all_rewrites_together_do_not_change_findings(
        (lines, edits, w) in case(ALL)
    ) {
        check(&lines, &edits, &w)?;
    }

    /// Every rewritten log, read by the fast scanner at its random buffer and
    /// read sizes, agrees with the reference that shares no code with it.
    #[test]
    fn rewritten_logs_agree_with_the_independent_reference(
        (lines, edits, w) in case(ALL)
    ) {
        let data = rewritten(&lines, &edits, &w);
        let opts = dindlog::ScanOptions { capacity: w.capacity, pipeline: w.pipeline, ..Default::default() };
        let fast = ANALYZER.scanner().scan_reader(Trickle::new(&data, w.step), &opts).unwrap();
        let sigs: Vec<_> = ANALYZER.signatures().iter().collect();
        let diff = crate::reference::compare(&sigs, &data, &fast);
        prop_assert!(diff.is_empty(), "{}\nlog:\n{}", diff.join("\n"), String::from_utf8_lossy(&data).escape_debug());
    }
}
