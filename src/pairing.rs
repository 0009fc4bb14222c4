//! Which inputs belong together: the kind of each input (a job log, or a bare service log) and the pure pass that joins service logs to the job log they belong to.
//!
//! `dindlog job.log dind.log` promises that a service log named beside one
//! job log is read with it. Service logs named with `--service-log` join
//! every job log. Beside two or more job logs a sniffed service log belongs
//! to none of them and is reported on its own.

use serde::{Deserialize, Serialize};

/// What an input is taken for before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A job log, whatever it looks like.
    Job,
    /// A service container's log (`--service-log`): every line is the daemon's.
    Service,
    /// Decided from its first bytes ([`crate::input::looks_like_service_log`]).
    Detect,
}

/// What an input turned out to be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogKind {
    /// A job log.
    #[default]
    Job,
    /// A bare service container log.
    Service,
}

/// What to report for one input, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// A job log (index), read with the sniffed service logs (indexes) that join it.
    Job(usize, Vec<usize>),
    /// A service log that joins no job log: reported on its own.
    Alone(usize),
}

/// Joins sniffed service logs to the job log they belong to: all of them to
/// the one job log when there is exactly one, none otherwise. Returns what
/// to report, in input order; a service log that joins a job log is not
/// listed on its own.
pub fn pair(kinds: &[LogKind]) -> Vec<Placement> {
    let jobs = kinds.iter().filter(|&&k| k == LogKind::Job).count();
    let services: Vec<usize> = (0..kinds.len()).filter(|&i| kinds[i] == LogKind::Service).collect();
    let mut out = Vec::with_capacity(kinds.len());
    for (i, kind) in kinds.iter().enumerate() {
        match kind {
            LogKind::Job if jobs == 1 => out.push(Placement::Job(i, services.clone())),
            LogKind::Job => out.push(Placement::Job(i, Vec::new())),
            LogKind::Service if jobs == 1 => {}
            LogKind::Service => out.push(Placement::Alone(i)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use LogKind::{Job, Service};
    use Placement::Alone;

    #[test]
    fn a_lone_job_log_takes_every_service_log_in_either_order() {
        assert_eq!(pair(&[Job, Service]), [Placement::Job(0, vec![1])]);
        assert_eq!(pair(&[Service, Job, Service]), [Placement::Job(1, vec![0, 2])]);
    }

    #[test]
    fn beside_two_job_logs_a_service_log_stands_alone() {
        assert_eq!(
            pair(&[Job, Service, Job]),
            [Placement::Job(0, vec![]), Alone(1), Placement::Job(2, vec![])]
        );
        assert_eq!(pair(&[Service]), [Alone(0)]);
        assert_eq!(pair(&[]), []);
    }
}
