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

/// Where each scanned input goes, by index into the list given to [`pair`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    /// Job logs, each with the indexes of the sniffed service logs that join it.
    pub jobs: Vec<(usize, Vec<usize>)>,
    /// Service logs that join no job log: each is reported on its own.
    pub alone: Vec<usize>,
}

/// Joins sniffed service logs to the job log they belong to: all of them to
/// the one job log when there is exactly one, none otherwise.
pub fn pair(kinds: &[LogKind]) -> Pairing {
    let jobs: Vec<usize> = (0..kinds.len()).filter(|&i| kinds[i] == LogKind::Job).collect();
    let services: Vec<usize> = (0..kinds.len()).filter(|&i| kinds[i] == LogKind::Service).collect();
    match jobs.as_slice() {
        [only] => Pairing { jobs: vec![(*only, services)], alone: Vec::new() },
        _ => Pairing { jobs: jobs.into_iter().map(|j| (j, Vec::new())).collect(), alone: services },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LogKind::{Job, Service};

    #[test]
    fn a_lone_job_log_takes_every_service_log_in_either_order() {
        assert_eq!(pair(&[Job, Service]), Pairing { jobs: vec![(0, vec![1])], alone: vec![] });
        assert_eq!(
            pair(&[Service, Job, Service]),
            Pairing { jobs: vec![(1, vec![0, 2])], alone: vec![] }
        );
    }

    #[test]
    fn beside_two_job_logs_a_service_log_stands_alone() {
        assert_eq!(
            pair(&[Job, Service, Job]),
            Pairing { jobs: vec![(0, vec![]), (2, vec![])], alone: vec![1] }
        );
        assert_eq!(pair(&[Service]), Pairing { jobs: vec![], alone: vec![0] });
        assert_eq!(pair(&[]), Pairing { jobs: vec![], alone: vec![] });
    }
}
