//! The progress line on standard error for scans of many inputs; drawn only on a terminal (not `TERM=dumb`), only once a scan takes more than a moment, never wider than the terminal, and erased on Ctrl-C.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Quick scans never show a progress line.
const DELAY: Duration = Duration::from_millis(500);
const REFRESH: Duration = Duration::from_millis(100);

/// Moves to the start of the line and erases it.
const ERASE: &str = "\r\x1b[2K";

/// A running progress line. `finish` (or drop) erases it.
pub struct Progress {
    done: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    drawer: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts counting towards `total` inputs; draws nothing unless `enabled`
    /// (and the terminal is not `TERM=dumb`, which cannot erase a line).
    pub fn start(total: usize, enabled: bool) -> Progress {
        let done = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let drawer = (enabled && !dumb).then(|| {
            let drawn = Arc::new(AtomicBool::new(false));
            erase_on_signal(drawn.clone());
            let (done, stop) = (done.clone(), stop.clone());
            std::thread::spawn(move || draw(total, &done, &stop, &drawn))
        });
        Progress { done, stop, drawer }
    }

    /// One more input is done.
    pub fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Stops drawing and erases the line.
    pub fn finish(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.drawer.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Ctrl-C (or SIGTERM, SIGHUP) would otherwise leave the progress line on
/// the terminal, and the shell prompt after it. A thread waits for those
/// signals for the rest of the process's life (signal-hook cannot give a
/// signal its default action back: an unregistered SIGINT would be
/// ignored), erases the line if it is drawn and ends the process as the
/// signal would have.
///
/// A signal the process was started with ignored stays ignored: a shell
/// starts background jobs with SIGINT ignored so that Ctrl-C does not reach
/// them, and a handler would undo that.
fn erase_on_signal(drawn: Arc<AtomicBool>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let ignored = ignored_signals();
    let wanted: Vec<i32> =
        [SIGINT, SIGTERM, SIGHUP].into_iter().filter(|&s| !is_in(ignored, s)).collect();
    if wanted.is_empty() {
        return;
    }
    let Ok(mut signals) = signal_hook::iterator::Signals::new(wanted) else {
        // No handler: the line may stay on Ctrl-C, nothing worse.
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // Holding the lock, the drawer cannot draw again before the end.
            let mut err = std::io::stderr().lock();
            if drawn.load(Ordering::SeqCst) {
                let _ = write!(err, "{ERASE}");
                let _ = err.flush();
            }
            let _ = signal_hook::low_level::emulate_default_handler(sig);
            drop(err);
            std::process::exit(128 + sig);
        }
    });
}

/// The signals this process ignores, as a mask (bit N-1 for signal N), from
/// Linux's `/proc/self/status`; none where that cannot be read. (Asking
/// `sigaction` would need `unsafe`.)
fn ignored_signals() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    parse_sig_ign(&status)
}

fn parse_sig_ign(status: &str) -> u64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .unwrap_or(0)
}

fn is_in(mask: u64, sig: i32) -> bool {
    (1..=64).contains(&sig) && mask & (1 << (sig - 1)) != 0
}

fn draw(total: usize, done: &AtomicUsize, stop: &AtomicBool, drawn: &AtomicBool) {
    let start = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(REFRESH);
        if start.elapsed() < DELAY {
            continue;
        }
        let n = done.load(Ordering::Relaxed);
        let mut err = std::io::stderr().lock();
        // Read each time: the terminal may be resized during a long scan.
        let width = dindlog::report::terminal_width(&err).unwrap_or(80);
        let _ = write!(err, "{ERASE}{}", line(n, total, width));
        let _ = err.flush();
        drawn.store(true, Ordering::SeqCst);
    }
    if drawn.load(Ordering::SeqCst) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{ERASE}");
        let _ = err.flush();
        drawn.store(false, Ordering::SeqCst);
    }
}

/// The progress text, cut to `width - 1` columns: a line that fills or
/// passes the last column wraps, and `\r` then returns to the wrapped part,
/// leaving one line on the terminal per update.
fn line(n: usize, total: usize, width: u16) -> String {
    let pct = (n * 100).checked_div(total).unwrap_or(100);
    let full = format!("dindlog: {n}/{total} inputs ({pct}%)");
    let room = usize::from(width.saturating_sub(1));
    full.chars().take(room).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_signals_are_read_from_proc_status() {
        let status = "Name:\tdindlog\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000006\n";
        let mask = parse_sig_ign(status);
        assert!(is_in(mask, 2) && is_in(mask, 3), "SIGINT and SIGQUIT");
        assert!(!is_in(mask, 1) && !is_in(mask, 15));
        assert_eq!(parse_sig_ign("Name:\tx\n"), 0);
        assert!(!is_in(u64::MAX, 0) && !is_in(u64::MAX, 65));
    }

    #[test]
    fn the_line_never_reaches_the_last_column() {
        assert_eq!(line(3, 12, 80), "dindlog: 3/12 inputs (25%)");
        assert_eq!(line(0, 0, 80), "dindlog: 0/0 inputs (100%)");
        for width in [0u16, 1, 2, 10, 20, 26, 27, 28] {
            let l = line(3, 12, width);
            assert!(l.chars().count() < usize::from(width.max(1)), "{width}: {l:?}");
            assert!("dindlog: 3/12 inputs (25%)".starts_with(&l), "{width}: {l:?}");
        }
        assert_eq!(line(3, 12, 27), "dindlog: 3/12 inputs (25%)");
        assert_eq!(line(3, 12, 10), "dindlog: ");
    }
}
