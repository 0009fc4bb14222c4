//! Finding the commands a script line runs: which programs, with which arguments, at which column.
//!
//! This is a small tokenizer, not a shell: it knows quotes, escapes, command
//! separators, `$( )` and comments, which is enough to tell `docker build`
//! from `echo "docker build"` and to find the column of an argument.

/// One simple command in a script line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Command<'a> {
    /// The program name without its directory, e.g. `docker`.
    pub program: &'a str,
    /// The arguments after the program, quotes removed.
    pub args: Vec<&'a str>,
    /// Byte offset of each argument in the line, parallel to `args`.
    pub offsets: Vec<usize>,
    /// Byte offset of the program in the line.
    pub offset: usize,
    /// `NAME=value` words before the program (or the whole command when it
    /// is only assignments, as in `export NAME=value`).
    pub assignments: Vec<&'a str>,
}

impl Command<'_> {
    /// `docker compose`, `docker buildx`: the docker subcommand, if any.
    pub fn docker_subcommand(&self) -> Option<&str> {
        if self.program != "docker" {
            return None;
        }
        // Skip global options such as `--host tcp://...` or `-H x`.
        let mut i = 0;
        while let Some(a) = self.args.get(i) {
            if !a.starts_with('-') {
                return Some(a);
            }
            i += if matches!(
                *a,
                "-H" | "--host" | "--context" | "-c" | "--config" | "-l" | "--log-level"
            ) {
                2
            } else {
                1
            };
        }
        None
    }

    /// The value of an option written `--opt value` or `--opt=value`, with its byte offset.
    pub fn option(&self, name: &str) -> Option<(&str, usize)> {
        for (i, a) in self.args.iter().enumerate() {
            if *a == name {
                let off = self.offsets.get(i).copied().unwrap_or(self.offset);
                return Some((self.args.get(i + 1).copied().unwrap_or(""), off));
            }
            if let Some(v) = a.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                return Some((unquote(v), self.offsets.get(i).copied().unwrap_or(self.offset)));
            }
        }
        None
    }
}

/// Words that come before the program without being it.
const PREFIXES: &[&str] = &[
    "sudo", "time", "exec", "command", "nohup", "then", "do", "else", "elif", "if", "while",
    "until", "!", "{", "}", "export", "env",
];

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Code,
    Double,
    Single,
}

/// Splits `line` into simple commands.
pub(crate) fn commands(line: &str) -> Vec<Command<'_>> {
    let mut out = Vec::new();
    for segment in segments(line) {
        let words: Vec<(usize, &str)> = segment
            .iter()
            .map(|&(s, e)| (s, unquote(&line[s..e])))
            .filter(|(_, w)| !w.is_empty())
            .collect();
        let mut assignments = Vec::new();
        let mut i = 0;
        while let Some(&(_, w)) = words.get(i) {
            if is_assignment(w) {
                assignments.push(w);
            } else if !PREFIXES.contains(&w) && !w.starts_with('-') {
                break;
            }
            i += 1;
        }
        let Some(&(offset, program)) = words.get(i) else {
            if !assignments.is_empty() {
                out.push(Command {
                    program: "",
                    args: Vec::new(),
                    offsets: Vec::new(),
                    offset: 0,
                    assignments,
                });
            }
            continue;
        };
        let program = program.rsplit('/').next().unwrap_or(program);
        let rest = words.get(i + 1..).unwrap_or(&[]);
        out.push(Command {
            program,
            args: rest.iter().map(|&(_, w)| w).collect(),
            offsets: rest.iter().map(|&(o, _)| o).collect(),
            offset,
            assignments,
        });
    }
    out
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit()
        }
        None => false,
    }
}

fn unquote(w: &str) -> &str {
    let b = w.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &w[1..w.len() - 1]
    } else {
        w
    }
}

/// Word spans (byte ranges) grouped by simple command.
fn segments(line: &str) -> Vec<Vec<(usize, usize)>> {
    let bytes = line.as_bytes();
    let mut segs: Vec<Vec<(usize, usize)>> = vec![Vec::new()];
    let mut modes = vec![Mode::Code];
    let mut start: Option<usize> = None;
    let mut i = 0;
    macro_rules! end_word {
        () => {
            if let Some(s) = start.take() {
                if let Some(seg) = segs.last_mut() {
                    seg.push((s, i));
                }
            }
        };
    }
    macro_rules! end_segment {
        () => {
            end_word!();
            if segs.last().is_some_and(|s| !s.is_empty()) {
                segs.push(Vec::new());
            }
        };
    }
    while i < bytes.len() {
        let c = bytes[i];
        let mode = modes.last().copied().unwrap_or(Mode::Code);
        match mode {
            Mode::Single => {
                if c == b'\'' {
                    modes.pop();
                }
            }
            Mode::Double => match c {
                b'\\' => i += 1,
                b'"' => {
                    modes.pop();
                }
                b'$' if bytes.get(i + 1) == Some(&b'(') => {
                    end_segment!();
                    modes.push(Mode::Code);
                    i += 1;
                }
                _ => {}
            },
            Mode::Code => match c {
                b'\\' => {
                    start.get_or_insert(i);
                    i += 1;
                }
                b' ' | b'\t' | b'\r' => end_word!(),
                b'#' if start.is_none() => {
                    // A comment runs to the end of the line.
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'\n' | b';' | b'&' | b'|' | b'(' | b'`' => {
                    end_segment!();
                }
                b')' => {
                    end_segment!();
                    if modes.len() > 1 {
                        // Back in the quoted string the substitution was in.
                        modes.pop();
                    }
                }
                b'$' if bytes.get(i + 1) == Some(&b'(') => {
                    end_segment!();
                    modes.push(Mode::Code);
                    i += 1;
                }
                b'\'' => {
                    start.get_or_insert(i);
                    modes.push(Mode::Single);
                }
                b'"' => {
                    start.get_or_insert(i);
                    modes.push(Mode::Double);
                }
                _ => {
                    start.get_or_insert(i);
                }
            },
        }
        i += 1;
    }
    i = bytes.len();
    end_word!();
    segs.retain(|s| !s.is_empty());
    segs
}

/// The 1-based character column of byte offset `off` in `line`.
pub(crate) fn column(line: &str, off: usize) -> u32 {
    let off = off.min(line.len());
    let prefix = line.get(..off).unwrap_or(line);
    u32::try_from(prefix.chars().count()).unwrap_or(u32::MAX).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programs(line: &str) -> Vec<&str> {
        commands(line).into_iter().map(|c| c.program).filter(|p| !p.is_empty()).collect()
    }

    #[test]
    fn programs_table() {
        let cases: &[(&str, &[&str])] = &[
            ("docker build -t x .", &["docker"]),
            ("echo \"docker build\"", &["echo"]),
            ("echo 'a; docker run'", &["echo"]),
            ("apk add curl && docker-compose up -d", &["apk", "docker-compose"]),
            ("export IDS=\"$(docker ps -q)\"", &["docker"]),
            ("for i in 1 2; do docker pull x:$i; done", &["for", "docker", "done"]),
            ("DOCKER_BUILDKIT=1 /usr/local/bin/docker build .", &["docker"]),
            ("# docker build .", &[]),
            ("make image # then docker push", &["make"]),
            ("sudo buildah bud -t x .", &["buildah"]),
            ("echo $(date) `docker info`", &["echo", "date", "docker"]),
            ("", &[]),
            ("\"unterminated docker", &["\"unterminated docker"]),
        ];
        for (line, want) in cases {
            assert_eq!(programs(line), *want, "{line:?}");
        }
    }

    #[test]
    fn options_and_offsets() {
        let line = "docker run --rm --name db -d postgres";
        let c = &commands(line)[0];
        assert_eq!(c.docker_subcommand(), Some("run"));
        let (v, off) = c.option("--name").expect("--name");
        assert_eq!(v, "db");
        assert_eq!(column(line, off), 17);
        let c2 = &commands("docker run --name=\"web-$CI_JOB_ID\" x")[0];
        assert_eq!(c2.option("--name").map(|o| o.0), Some("web-$CI_JOB_ID"));
        let c3 = &commands("docker -H tcp://docker:2375 compose up")[0];
        assert_eq!(c3.docker_subcommand(), Some("compose"));
        assert!(c3.option("--name").is_none());
    }

    #[test]
    fn assignments() {
        let c = &commands("export STORAGE_DRIVER=vfs")[0];
        assert_eq!(c.program, "");
        assert_eq!(c.assignments, ["STORAGE_DRIVER=vfs"]);
        let c = &commands("STORAGE_DRIVER=vfs buildah bud .")[0];
        assert_eq!((c.program, c.assignments.as_slice()), ("buildah", &["STORAGE_DRIVER=vfs"][..]));
    }

    #[test]
    fn column_counts_characters() {
        assert_eq!(column("é docker", 3), 3);
        assert_eq!(column("abc", 99), 4);
    }
}
