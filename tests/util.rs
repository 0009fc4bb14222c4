use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh directory for one test, removed and recreated on each run.
pub fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("it").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

pub fn cmd() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dindlog"));
    c.env_remove("NO_COLOR");
    // Forces colour into pipes (issue 13 §3): a test sets it when it means to.
    c.env_remove("CLICOLOR_FORCE");
    // Tables take COLUMNS as their width: tests expect the default, 100.
    c.env_remove("COLUMNS");
    c
}

/// Runs dindlog with `args` and `stdin` (closed when `None`... actually empty).
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut c = cmd();
    c.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    c.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = c.spawn().expect("spawn dindlog");
    if let Some(data) = stdin {
        let mut sin = child.stdin.take().unwrap();
        let data = data.to_vec();
        // A writer thread, so a large input cannot deadlock against a full stdout pipe.
        std::thread::spawn(move || {
            let _ = sin.write_all(&data);
        });
    }
    child.wait_with_output().unwrap().into()
}

pub fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

/// A FIFO `name` in `dir` (replacing a leftover from an earlier run), or
/// `None` when `mkfifo` is missing: then the test `test` was [`skip`]ped.
pub fn fifo(dir: &Path, name: &str, test: &str) -> Option<PathBuf> {
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    if made.is_ok_and(|s| s.success()) {
        Some(path)
    } else {
        skip(test, "no mkfifo");
        None
    }
}

/// A test that cannot run here because a real component (dockerd, xmllint, a
/// shell) is missing says so where a person sees it: on the real standard
/// error, which cargo's capture does not hide, and in
/// `target/tmp/skipped-components.txt`, which `.ci/run` prints at the end.
/// Under `CI=true` a missing component is a failure: CI installs them.
pub fn skip(test: &str, why: &str) {
    let line = format!("SKIPPED {test}: {why}");
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{line} (CI=true: CI must provide it)");
    let _ = writeln!(std::io::stderr(), "{line}");
    let list = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("skipped-components.txt");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(list) {
        let _ = writeln!(f, "{line}");
    }
}
