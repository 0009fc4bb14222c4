//! State carried from line to line: the job phase (section), service-log blocks and image-build `RUN` steps; gives each line its source.

use crate::decode::{Header, SectionEvent};
use crate::signature::Source;

/// Literals of the lines that change the state; they join the signatures' in
/// one prefilter so that otherwise clean lines carrying them are visited.
pub(crate) const TRACK_LITERALS: &[&str] = &[
    "[service:",
    // A stamped line of the service stream (`CI_DEBUG_SERVICES`): counted.
    "Z 0fO ",
    "Z 0fE ",
    "Service container logs:",
    "*********",
    "Step ",
    "STEP ",
    "INFO[",
    " ---> ",
    "Removing intermediate container",
    "Successfully built",
    "COMMIT",
    "--> ",
    "] RUN ",
    "------",
];

/// Runner stages (section names) whose lines the runner writes itself.
const RUNNER_SECTIONS: &[&str] = &[
    "resolve_secrets",
    "prepare_executor",
    "prepare_script",
    "get_sources",
    "clear_worktree",
    "restore_cache",
    "download_artifacts",
    "archive_cache",
    "archive_cache_on_failure",
    "upload_artifacts_on_success",
    "upload_artifacts_on_failure",
    "cleanup_file_variables",
];

/// Where a decoded line stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInfo {
    /// Who wrote it.
    pub source: Source,
    /// Printed by a `RUN` step of an image build.
    pub in_build_step: bool,
    /// The runner's echo of a script line (`$ cmd`): the script's own text,
    /// not what a program printed.
    pub prompt: bool,
}

/// The line-to-line state machine.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tracker {
    sections: Vec<String>,
    service_block: bool,
    build_step: bool,
    /// The program of the job script's last `$ ` command, while it runs.
    command: Option<String>,
    /// Some pattern ignores lines by command (`not_commands`): every prompt
    /// must then be seen. Without one, following them is only cost.
    follow_commands: bool,
}

impl Tracker {
    /// Applies the section markers found on a line.
    pub(crate) fn apply(&mut self, events: &[SectionEvent]) {
        for ev in events {
            if ev.start {
                self.sections.push(ev.name.clone());
            } else if let Some(pos) = self.sections.iter().rposition(|s| *s == ev.name) {
                // An end marker for a section that is not open is ignored, as GitLab does.
                self.sections.truncate(pos);
            }
            self.service_block = false;
            self.build_step = false;
        }
    }

    /// Whether the next line must be visited even without a literal: inside
    /// a service-log block every line is counted.
    pub(crate) fn wants_every_line(&self) -> bool {
        self.service_block
    }

    /// Whether lines holding a `$ ` must be visited: inside a build step's
    /// output, a prompt line is the one state change that carries no literal.
    /// Inside a build step's output a prompt ends the step; and every prompt
    /// names the program whose output follows (see [`Tracker::command`]),
    /// which matters when some pattern ignores lines by command.
    pub(crate) fn wants_prompt_lines(&self) -> bool {
        self.build_step || self.follow_commands
    }

    /// A tracker that follows every prompt's program, or only build steps'.
    pub(crate) fn new(follow_commands: bool) -> Tracker {
        Tracker { follow_commands, ..Tracker::default() }
    }

    /// The program the job script is running, when the log shows its `$ `
    /// prompt: who is talking when a line follows.
    pub(crate) fn command(&self) -> Option<&str> {
        self.command.as_deref()
    }

    /// Classifies a decoded line and advances the state past it.
    pub(crate) fn line(&mut self, header: Option<Header>, text: &[u8]) -> LineInfo {
        let trimmed = trim(text);
        let source = self.source(header, text, trimmed);
        let mut prompt = false;
        if source == Source::Job {
            if let Some(cmd) = trimmed.strip_prefix(b"$ ") {
                self.command = program(cmd);
                prompt = true;
            }
        }
        let in_build_step = source == Source::Job && self.build_step(trimmed);
        LineInfo { source, in_build_step, prompt }
    }

    /// The innermost open section, if any.
    pub(crate) fn section(&self) -> Option<&str> {
        self.sections.last().map(String::as_str)
    }

    /// Inside the runner's `after_script` section (or a section the script
    /// opened within it).
    pub(crate) fn in_after_script(&self) -> bool {
        self.sections.iter().any(|s| s == "after_script")
    }

    fn source(&mut self, header: Option<Header>, text: &[u8], trimmed: &[u8]) -> Source {
        if trimmed == b"Service container logs:" {
            self.service_block = true;
            return Source::Runner;
        }
        if self.service_block {
            if trimmed == b"*********" || trimmed.starts_with(b"Health check") {
                self.service_block = false;
                return Source::Runner;
            }
            return Source::Service;
        }
        if text.starts_with(b"[service:") {
            return Source::Service;
        }
        match header.map(|h| h.stream) {
            Some(Header::SERVICE) => return Source::Service,
            Some(Header::RUNNER) => return Source::Runner,
            _ => {}
        }
        match self.section() {
            Some(s) if RUNNER_SECTIONS.contains(&s) => Source::Runner,
            _ => Source::Job,
        }
    }

    /// Whether this job line is `RUN` output, updating the build-step state.
    fn build_step(&mut self, t: &[u8]) -> bool {
        if is_buildkit_step_output(t) {
            return true;
        }
        if let Some(rest) = strip_step(t, b"Step ", b" : ") {
            // Legacy builder: `Step 3/5 : RUN go mod download`.
            self.build_step = rest.starts_with(b"RUN ");
            return false;
        }
        if let Some(rest) = strip_step(t, b"STEP ", b": ") {
            // buildah: `STEP 3/5: RUN go mod download`.
            self.build_step = rest.starts_with(b"RUN ");
            return false;
        }
        if let Some(rest) = t.strip_prefix(b"INFO[") {
            // kaniko: output follows `INFO[0003] Running: [/bin/sh -c ...]`
            // until its next INFO line.
            let msg =
                rest.iter().position(|&b| b == b']').map_or(&b""[..], |i| trim(&rest[i + 1..]));
            self.build_step = msg.starts_with(b"Running: [");
            return false;
        }
        if let Some(rest) = t.strip_prefix(b"---> ") {
            // ` ---> Running in 3f2a` opens the step's output; ` ---> 9c1d` closes it.
            self.build_step = self.build_step && rest.starts_with(b"Running in ");
            return false;
        }
        if t.starts_with(b"> [") && memchr::memmem::find(t, b"] RUN ").is_some() {
            // BuildKit's error box repeats the failed step's output without the
            // `#N` prefix: ` > [2/4] RUN go mod download:` up to `------`.
            self.build_step = true;
            return false;
        }
        if t.starts_with(b"------") {
            self.build_step = false;
            return false;
        }
        if t.starts_with(b"Removing intermediate container")
            || t.starts_with(b"Successfully built")
            || t.starts_with(b"COMMIT")
            || t.starts_with(b"--> ")
            || t.starts_with(b"$ ")
        {
            self.build_step = false;
            return false;
        }
        self.build_step
    }
}

/// The program a shell command line runs: past `VAR=value` assignments and
/// `sudo`/`time`/`env`/`exec`, without its directory.
fn program(cmd: &[u8]) -> Option<String> {
    let word = cmd.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()).find(|w| {
        !w.contains(&b'=') && !matches!(*w, b"sudo" | b"time" | b"env" | b"exec" | b"-E")
    })?;
    let base = word.rsplit(|&b| b == b'/').next().unwrap_or(word);
    Some(String::from_utf8_lossy(base).into_owned())
}

/// BuildKit's plain progress prints a step's output as `#7 1.234 text`.
fn is_buildkit_step_output(t: &[u8]) -> bool {
    let Some(rest) = t.strip_prefix(b"#") else { return false };
    let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 || rest.get(n) != Some(&b' ') {
        return false;
    }
    let rest = &rest[n + 1..];
    let int = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if int == 0 || rest.get(int) != Some(&b'.') {
        return false;
    }
    let frac = rest[int + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
    frac > 0 && matches!(rest.get(int + 1 + frac), Some(b' ') | None)
}

/// `Step 3/5 : RUN x` with prefix `Step ` and separator ` : ` gives `RUN x`.
fn strip_step<'a>(t: &'a [u8], prefix: &[u8], sep: &[u8]) -> Option<&'a [u8]> {
    let rest = t.strip_prefix(prefix)?;
    let n = rest.iter().take_while(|b| b.is_ascii_digit() || **b == b'/').count();
    if n == 0 {
        return None;
    }
    rest[n..].strip_prefix(sep)
}

fn trim(t: &[u8]) -> &[u8] {
    let start = t.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let end = t.len() - t[start..].iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
    &t[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> Vec<(Source, bool)> {
        let mut t = Tracker::default();
        lines
            .iter()
            .map(|l| {
                let i = t.line(None, l.as_bytes());
                (i.source, i.in_build_step)
            })
            .collect()
    }

    #[test]
    fn legacy_builder_run_steps() {
        let got = run(&[
            "Step 2/5 : COPY . .",
            " ---> 1a2b3c",
            "Step 3/5 : RUN go mod download",
            " ---> Running in 3f2a1b0c9d8e",
            "go: lookup proxy.golang.org on 10.0.0.2:53: no such host",
            "The command '/bin/sh -c go mod download' returned a non-zero code: 1",
            "$ docker push x",
            "error during connect: lookup docker: no such host",
        ]);
        let in_build: Vec<bool> = got.iter().map(|g| g.1).collect();
        assert_eq!(in_build, [false, false, false, false, true, true, false, false]);
    }

    #[test]
    fn buildkit_kaniko_buildah() {
        let got = run(&[
            "#7 [2/4] RUN npm ci",
            "#7 1.234 npm ERR! network",
            "#7 ERROR: process \"/bin/sh -c npm ci\" did not complete successfully",
            "INFO[0003] RUN go mod download",
            "INFO[0003] Running: [/bin/sh -c go mod download]",
            "go: proxyconnect tcp: dial tcp 10.1.1.1:3128: i/o timeout",
            "INFO[0009] Taking snapshot of full filesystem...",
            "STEP 2/3: RUN apt-get update",
            "Temporary failure resolving 'deb.debian.org'",
            "COMMIT registry.example.com/app:latest",
            "x509: certificate signed by unknown authority",
        ]);
        let in_build: Vec<bool> = got.iter().map(|g| g.1).collect();
        assert_eq!(
            in_build,
            [false, true, false, false, false, true, false, false, true, false, false]
        );
    }

    #[test]
    fn sources() {
        let mut t = Tracker::default();
        t.apply(&[SectionEvent { start: true, name: "prepare_executor".into() }]);
        assert_eq!(t.line(None, b"Pulling docker image").source, Source::Runner);
        assert_eq!(t.line(None, b"Service container logs:").source, Source::Runner);
        assert_eq!(t.line(None, b"2023-08-01T16:04:10Z mount: x").source, Source::Service);
        assert_eq!(t.line(None, b"*********").source, Source::Runner);
        assert_eq!(t.line(None, b"after the block").source, Source::Runner);
        t.apply(&[
            SectionEvent { start: false, name: "prepare_executor".into() },
            SectionEvent { start: true, name: "step_script".into() },
        ]);
        let i = t.line(None, b"job output");
        assert_eq!((i.source, t.section()), (Source::Job, Some("step_script")));
        assert_eq!(t.line(None, b"[service:docker] msg").source, Source::Service);
        let h = crate::decode::parse_header(b"2024-05-01T10:00:01.123456Z 0fO ").unwrap();
        assert_eq!(t.line(Some(h), b"dockerd says").source, Source::Service);
    }
}
