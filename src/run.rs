//! `dindlog run`: runs a command, passes its output through untouched, keeps a copy, analyses it as it arrives, and forwards signals.

use std::ffi::OsString;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::scan::{ScanOptions, ScanResult, Scanner};

/// A line handed to the analyser is cut when it grows past this without a newline.
const MAX_LINE: usize = 64 * 1024;

/// What to run and where to keep its output.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The program and its arguments.
    pub command: Vec<OsString>,
    /// Where the copy of the output goes (`None`: keep no copy).
    pub log_path: Option<PathBuf>,
    /// How long to wait for the output pipes to close after the command has
    /// exited: a daemon it started in the background may hold them open.
    pub grace: Duration,
    /// Mask credentials in the evidence (the copy of the output is kept as is).
    pub redact: bool,
    /// The most bytes the copy keeps: the first half and the last half of
    /// the output, with a line saying how much was cut between them. The
    /// analysis still reads every line.
    pub keep_bytes: u64,
}

/// [`RunOptions::keep_bytes`] by default: 4 MiB.
pub const DEFAULT_KEEP_BYTES: u64 = 4 * 1024 * 1024;

/// How the command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildStatus {
    /// It exited with this code.
    Exited(i32),
    /// A signal killed it.
    Signaled(i32),
}

impl ChildStatus {
    /// Whether the command succeeded.
    pub fn success(self) -> bool {
        self == ChildStatus::Exited(0)
    }

    /// The exit status a shell would report: the code, or 128 + signal.
    pub fn shell_code(self) -> u8 {
        match self {
            ChildStatus::Exited(c) => u8::try_from(c).unwrap_or(1),
            ChildStatus::Signaled(s) => u8::try_from(128 + s).unwrap_or(255),
        }
    }
}

impl fmt::Display for ChildStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildStatus::Exited(c) => write!(f, "exit code {c}"),
            ChildStatus::Signaled(s) => write!(f, "killed by signal {s}{}", signal_name(*s)),
        }
    }
}

fn signal_name(s: i32) -> &'static str {
    match s {
        1 => " (SIGHUP)",
        2 => " (SIGINT)",
        3 => " (SIGQUIT)",
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        13 => " (SIGPIPE)",
        15 => " (SIGTERM)",
        _ => "",
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    /// How the command ended.
    pub status: ChildStatus,
    /// The analysis of its output.
    pub scan: ScanResult,
    /// Why the copy could not be kept, if it could not.
    pub log_error: Option<String>,
}

/// Why the command could not be run at all.
#[derive(Debug)]
pub struct RunError {
    /// The program.
    pub program: String,
    /// The operating system's reason.
    pub error: io::Error,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot run '{}': {}", self.program, self.error)
    }
}

impl std::error::Error for RunError {}

/// Runs the command to its end.
pub fn run(scanner: &Scanner, opts: &RunOptions) -> Result<RunOutcome, RunError> {
    let program = opts.command.first().cloned().unwrap_or_default();
    let spawn_err = |error| RunError { program: program.to_string_lossy().into_owned(), error };
    let mut cmd = Command::new(&program);
    cmd.args(&opts.command[1..])
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group: a terminal's Ctrl-C reaches only us, and we pass it
    // on exactly once, to the command and everything it started.
    cmd.process_group(0);
    let mut child = cmd.spawn().map_err(spawn_err)?;
    let pid = rustix::process::Pid::from_child(&child);

    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGQUIT,
    ])
    .map_err(spawn_err)?;
    let signal_handle = signals.handle();
    let forwarder = thread::spawn(move || {
        for sig in signals.forever() {
            if let Some(s) = rustix::process::Signal::from_named_raw(sig) {
                // The group may already be gone; nothing more to do then.
                let _ = rustix::process::kill_process_group(pid, s);
            }
        }
    });

    let (log, mut log_error) = match &opts.log_path {
        None => (None, None),
        Some(p) => match create_log(p) {
            Ok(f) => (Some(f), None),
            Err(e) => {
                (None, Some(format!("{}: cannot keep a copy of the output: {e}", p.display())))
            }
        },
    };

    // Bounded: if the analyser falls behind, the pumps wait, and so does the
    // command, instead of memory growing.
    let (tx, rx) = mpsc::sync_channel::<Vec<u8>>(256);
    let mut pumps = Vec::new();
    if let Some(out) = child.stdout.take() {
        pumps.push(pump(out, io::stdout(), tx.clone()));
    }
    if let Some(err) = child.stderr.take() {
        pumps.push(pump(err, io::stderr(), tx.clone()));
    }
    drop(tx);

    let abandon = Arc::new(AtomicBool::new(false));
    let keep_bytes = opts.keep_bytes;
    let analyser = {
        let scanner = scanner.clone();
        let abandon = abandon.clone();
        let opts = ScanOptions { redact: opts.redact, ..ScanOptions::default() };
        let copy = log.map(|f| BoundedCopy::new(f, keep_bytes));
        thread::spawn(move || {
            let mut tee = Tee { rx, copy, buf: Vec::new(), pos: 0, abandon, log_error: None };
            let result = scanner.scan_reader(&mut tee, &opts);
            tee.finish();
            (result, tee.log_error)
        })
    };

    let status = child.wait().map_err(spawn_err)?;
    let status = match (status.code(), status.signal()) {
        (Some(c), _) => ChildStatus::Exited(c),
        (None, Some(s)) => ChildStatus::Signaled(s),
        (None, None) => ChildStatus::Exited(1),
    };
    let deadline = Instant::now() + opts.grace;
    while pumps.iter().any(|p| !p.is_finished()) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    abandon.store(true, Ordering::Relaxed);
    let (scan, tee_error) = analyser.join().unwrap_or((Ok(ScanResult::default()), None));
    signal_handle.close();
    let _ = forwarder.join();
    log_error = log_error.or(tee_error);
    Ok(RunOutcome { status, scan: scan.unwrap_or_default(), log_error })
}

fn create_log(path: &std::path::Path) -> io::Result<File> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    File::create(path)
}

/// Copies one of the command's pipes to ours as it arrives, and sends whole
/// lines to the analyser.
fn pump<R, W>(mut from: R, mut to: W, tx: SyncSender<Vec<u8>>) -> thread::JoinHandle<()>
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    thread::spawn(move || {
        let mut buf = vec![0u8; 16 * 1024];
        let mut line = Vec::new();
        let mut passthrough = true;
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            if passthrough && (to.write_all(&buf[..n]).is_err() || to.flush().is_err()) {
                // Our own output is gone; keep draining so the command is not blocked.
                passthrough = false;
            }
            for chunk in buf[..n].split_inclusive(|&b| b == b'\n') {
                line.extend_from_slice(chunk);
                if (line.ends_with(b"\n") || line.len() >= MAX_LINE)
                    && tx.send(std::mem::take(&mut line)).is_err()
                {
                    return;
                }
            }
        }
        if !line.is_empty() {
            line.push(b'\n');
            let _ = tx.send(line);
        }
    })
}

/// The analyser's input: lines from the channel, copied to the log file on
/// the way.
struct Tee {
    rx: Receiver<Vec<u8>>,
    copy: Option<BoundedCopy>,
    buf: Vec<u8>,
    pos: usize,
    abandon: Arc<AtomicBool>,
    log_error: Option<String>,
}

impl Tee {
    /// Writes the kept tail once the output has ended.
    fn finish(&mut self) {
        while let Ok(chunk) = self.rx.try_recv() {
            if let Some(c) = &mut self.copy {
                let _ = c.write(&chunk);
            }
        }
        if let Some(c) = self.copy.take() {
            if let Err(e) = c.finish() {
                self.log_error = Some(format!("cannot write the output copy: {e}"));
            }
        }
    }
}

/// The kept copy of the output: the head goes to the file as it comes, the
/// tail waits in a ring of at most half the budget, and whatever fell out of
/// it is counted in a line between the two.
struct BoundedCopy {
    file: File,
    head_left: u64,
    tail: std::collections::VecDeque<u8>,
    tail_max: usize,
    cut: u64,
}

impl BoundedCopy {
    fn new(file: File, keep: u64) -> BoundedCopy {
        let tail_max = usize::try_from(keep / 2).unwrap_or(usize::MAX);
        BoundedCopy { file, head_left: keep - keep / 2, tail: Default::default(), tail_max, cut: 0 }
    }

    fn write(&mut self, mut chunk: &[u8]) -> io::Result<()> {
        if self.head_left > 0 {
            let n = chunk.len().min(usize::try_from(self.head_left).unwrap_or(usize::MAX));
            self.file.write_all(&chunk[..n])?;
            self.head_left -= n as u64;
            chunk = &chunk[n..];
        }
        self.tail.extend(chunk);
        if self.tail.len() > self.tail_max {
            let over = self.tail.len() - self.tail_max;
            self.tail.drain(..over);
            self.cut += over as u64;
        }
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        if self.cut > 0 {
            // On a line of its own, whatever the head ended with.
            writeln!(
                self.file,
                "\n[dindlog: {} bytes of output cut here; the analysis read them all]",
                self.cut
            )?;
        }
        let (a, b) = self.tail.as_slices();
        self.file.write_all(a)?;
        self.file.write_all(b)?;
        self.file.flush()
    }
}

impl Read for Tee {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.buf.len() {
            match self.rx.recv_timeout(Duration::from_millis(50)) {
                Ok(chunk) => {
                    if let Some(c) = &mut self.copy {
                        if let Err(e) = c.write(&chunk) {
                            self.log_error = Some(format!("cannot write the output copy: {e}"));
                            self.copy = None;
                        }
                    }
                    self.buf = chunk;
                    self.pos = 0;
                }
                Err(RecvTimeoutError::Timeout) if self.abandon.load(Ordering::Relaxed) => {
                    return Ok(0)
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
