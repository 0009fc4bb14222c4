//! Doctor's two outputs: lines for a person (optionally coloured) and one JSON document.
//!
//! # The JSON document (`version` 1)
//!
//! ```text
//! {"version": 1, "ok": false, "endpoint": "tcp://docker:2375",
//!  "checks": [{"name": "connect", "status": "fail", "class": "daemon-tls-port",
//!              "message": "...", "fix": "..."}, ...],
//!  "daemon": {"version": "24.0.5", "api_version": "1.43", "os": "linux/amd64",
//!             "storage_driver": "overlay2"} | null}
//! ```
//!
//! `status` is `ok`, `warn`, `fail` or `skip`; `class` is a catalog id or
//! null. Fields are only ever added while `version` stays 1.

use std::io::{self, Write};

use serde_json::json;

use super::{DoctorReport, Status};
use crate::report::{escape_terminal, plural};

/// The document's schema version.
pub const VERSION: u32 = 1;

/// ANSI styles, empty when colour is off.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn on(self, code: &'static str) -> &'static str {
        if self.0 {
            code
        } else {
            ""
        }
    }
    fn status(self, s: Status) -> (&'static str, &'static str) {
        match s {
            Status::Ok => ("✔", self.on("\x1b[32m")),
            Status::Warn => ("!", self.on("\x1b[1;33m")),
            Status::Fail => ("✖", self.on("\x1b[1;31m")),
            Status::Skip => ("-", self.on("\x1b[2m")),
        }
    }
    fn reset(self) -> &'static str {
        self.on("\x1b[0m")
    }
    fn bold(self) -> &'static str {
        self.on("\x1b[1m")
    }
}

impl DoctorReport {
    /// Writes one line per check (with its class and fix when it has them),
    /// the daemon's identity, and a verdict. Messages may quote what a server
    /// or the environment said, so control characters are escaped.
    pub fn print_human(&self, w: &mut dyn Write, color: bool) -> io::Result<()> {
        let p = Paint(color);
        let width = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &self.checks {
            let (mark, col) = p.status(c.status);
            let class = c.class.map(|id| format!(" [{id}]")).unwrap_or_default();
            writeln!(
                w,
                "{col}{mark}{} {}{:<width$}{}  {}{}{class}{}",
                p.reset(),
                p.bold(),
                c.name,
                p.reset(),
                escape_terminal(&c.message),
                col,
                p.reset(),
            )?;
            if let Some(fix) = &c.fix {
                if matches!(c.status, Status::Fail | Status::Warn) {
                    // A class's fix is its signature's, several lines with a snippet.
                    let mut lines = fix.lines();
                    let first = lines.next().unwrap_or_default();
                    writeln!(w, "  {:width$}  {}fix:{} {first}", "", p.bold(), p.reset())?;
                    for l in lines {
                        if l.is_empty() {
                            writeln!(w)?;
                        } else {
                            writeln!(w, "  {:width$}       {l}", "")?;
                        }
                    }
                }
            }
        }
        writeln!(w)?;
        if let Some(d) = &self.daemon {
            let v = |o: &Option<String>| escape_terminal(o.as_deref().unwrap_or("?")).into_owned();
            writeln!(
                w,
                "{}Daemon:{} Docker Engine {} · API {} · {} · storage driver {}",
                p.bold(),
                p.reset(),
                v(&d.version),
                v(&d.api_version),
                v(&d.os),
                v(&d.storage_driver),
            )?;
        }
        let fails = self.checks.iter().filter(|c| c.status == Status::Fail).count();
        let warns = self.checks.iter().filter(|c| c.status == Status::Warn).count();
        let (col, verdict) = match (self.ok(), fails) {
            (true, _) if warns == 0 => {
                (p.on("\x1b[32m"), "the daemon answers and nothing is wrong".to_string())
            }
            (true, _) => (
                p.on("\x1b[1;33m"),
                format!("the daemon answers; {}", plural(warns as u64, "warning")),
            ),
            // Every network check skipped: nothing was dialled, so nothing
            // can be said about the daemon.
            (false, 0) if self.check("connect").is_none_or(|c| c.status == Status::Skip) => (
                p.on("\x1b[1;33m"),
                "nothing was tested: doctor had no address it can dial (see docker-host)"
                    .to_string(),
            ),
            (false, 0) => (p.on("\x1b[1;31m"), "the daemon did not answer".to_string()),
            (false, n) => (
                p.on("\x1b[1;31m"),
                format!(
                    "{}, {}: fix the first ✖ first",
                    plural(n as u64, "problem"),
                    plural(warns as u64, "warning")
                ),
            ),
        };
        writeln!(w, "{col}Result:{} {verdict}", p.reset())
    }

    /// The JSON document described in this module's documentation.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "version": VERSION,
            "ok": self.ok(),
            "endpoint": self.endpoint,
            "checks": self.checks,
            "daemon": self.daemon,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Check, DaemonInfo};
    use super::*;

    fn report() -> DoctorReport {
        DoctorReport {
            endpoint: Some("tcp://docker:2375".into()),
            checks: vec![
                Check {
                    name: "connect",
                    status: Status::Fail,
                    message: "refused\x1b[2J".into(),
                    class: Some("daemon-tls-port"),
                    fix: Some("use 2376".into()),
                },
                Check {
                    name: "cli",
                    status: Status::Ok,
                    message: "/usr/bin/docker".into(),
                    class: None,
                    fix: None,
                },
            ],
            daemon: Some(DaemonInfo { version: Some("24.0.5".into()), ..DaemonInfo::default() }),
        }
    }

    #[test]
    fn human_without_colour_is_plain_and_escaped() {
        let mut out = Vec::new();
        report().print_human(&mut out, false).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(!s.contains('\x1b'), "{s}");
        assert!(s.contains("✖ connect  refused\\e[2J [daemon-tls-port]"), "{s}");
        assert!(s.contains("fix: use 2376"), "{s}");
        assert!(s.contains("Docker Engine 24.0.5 · API ?"), "{s}");
        assert!(s.contains("Result: 1 problem, 0 warnings: fix"), "{s}");
    }

    #[test]
    fn human_with_colour_colours() {
        let mut out = Vec::new();
        report().print_human(&mut out, true).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("\x1b[1;31m✖"));
    }

    #[test]
    fn json_shape() {
        let v = report().to_json();
        assert_eq!(v["version"], 1);
        assert_eq!(v["ok"], false);
        assert_eq!(v["checks"][0]["status"], "fail");
        assert_eq!(v["checks"][0]["class"], "daemon-tls-port");
        assert_eq!(v["checks"][1]["class"], serde_json::Value::Null);
        assert_eq!(v["daemon"]["version"], "24.0.5");
    }
}
