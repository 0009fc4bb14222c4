//! The progress line on standard error for scans of many inputs; drawn only on a terminal, and only once a scan takes more than a moment.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Quick scans never show a progress line.
const DELAY: Duration = Duration::from_millis(500);
const REFRESH: Duration = Duration::from_millis(100);

/// A running progress line. `finish` (or drop) erases it.
pub struct Progress {
    done: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    drawer: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts counting towards `total` inputs; draws nothing unless `enabled`.
    pub fn start(total: usize, enabled: bool) -> Progress {
        let done = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let drawer = enabled.then(|| {
            let (done, stop) = (done.clone(), stop.clone());
            std::thread::spawn(move || draw(total, &done, &stop))
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

fn draw(total: usize, done: &AtomicUsize, stop: &AtomicBool) {
    let start = Instant::now();
    let mut drawn = false;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(REFRESH);
        if start.elapsed() < DELAY {
            continue;
        }
        let n = done.load(Ordering::Relaxed);
        let pct = (n * 100).checked_div(total).unwrap_or(100);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2Kdindlog: {n}/{total} inputs ({pct}%)");
        let _ = err.flush();
        drawn = true;
    }
    if drawn {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}
