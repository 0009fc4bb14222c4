//! The checks: what each concrete job (and each runner) looks like to Docker, and the shared helpers the checks use.
//!
//! Each submodule holds checks for one area and pushes [`Raw`] findings;
//! severity and documentation come from the class table, so a check only
//! decides *whether* and *where*.

mod daemon;
mod runners;
mod tools;

use super::pipeline::{Job, Line, Pipeline, Service, Var};
use super::runner::{Executor, Runner};
use super::shell::{self, Command};
use super::yaml::Pos;
use crate::docker::{DockerHost, ImageRef};

/// A finding before severity and documentation are attached.
#[derive(Debug)]
pub(crate) struct Raw {
    pub id: &'static str,
    pub message: String,
    pub fix: String,
    pub job: Option<String>,
    pub pos: Pos,
}

/// What the checks see: the resolved pipeline and, if given, the runners.
pub(crate) struct Ctx<'a> {
    pub pipeline: &'a Pipeline,
    /// `None` when no runner configuration was given.
    pub runners: Option<&'a [Runner]>,
}

impl<'a> Ctx<'a> {
    /// Runners that run jobs in containers (docker or Kubernetes executors).
    fn container_runners(&self) -> impl Iterator<Item = &'a Runner> {
        self.runners.unwrap_or(&[]).iter().filter(|r| r.executor != Executor::Host)
    }

    fn kubernetes_runners(&self) -> impl Iterator<Item = &'a Runner> {
        self.runners.unwrap_or(&[]).iter().filter(|r| r.executor == Executor::Kubernetes)
    }
}

/// A command in a job's script, with the line it is on.
pub(crate) struct Cmd<'a> {
    pub line: &'a Line,
    pub command: Command<'a>,
}

impl Cmd<'_> {
    /// The position of byte offset `off` of the line.
    fn at(&self, off: usize) -> Pos {
        // A line's position is where its text starts; columns beyond that
        // are only exact when the line is alone on its source line.
        let col = shell::column(&self.line.text, off).saturating_sub(1);
        Pos { col: self.line.pos.col.saturating_add(col), ..self.line.pos }
    }

    fn pos(&self) -> Pos {
        self.at(self.command.offset)
    }
}

/// One concrete job as the checks see it.
pub(crate) struct View<'a> {
    pub job: &'a Job,
    pub commands: Vec<Cmd<'a>>,
    /// The first dind service the job itself declares (or inherits from `default:`).
    pub dind: Option<&'a Service>,
}

impl<'a> View<'a> {
    fn new(job: &'a Job) -> View<'a> {
        let commands = job
            .lines
            .iter()
            .flat_map(|line| {
                shell::commands(&line.text).into_iter().map(move |command| Cmd { line, command })
            })
            .collect();
        let dind = job.services.iter().find(|s| ImageRef::parse(&s.image.name).is_dind());
        View { job, commands, dind }
    }

    /// Commands that need a Docker daemon.
    fn docker_commands(&self) -> impl Iterator<Item = &Cmd<'a>> {
        self.commands.iter().filter(|c| {
            matches!(c.command.program, "docker" | "docker-compose")
                && !matches!(
                    c.command.args.first().copied(),
                    Some("--version" | "-v" | "help") | None
                )
        })
    }

    fn talks_to_docker(&self) -> bool {
        self.docker_commands().next().is_some()
    }

    fn var(&self, name: &str) -> Option<&'a Var> {
        self.job.var(name)
    }

    fn name(&self) -> Option<String> {
        Some(self.job.name.clone())
    }
}

/// A job's `DOCKER_HOST` as the CLI reads it; `None` when it is empty or
/// the CLI would refuse it.
pub(crate) fn docker_host(value: &str) -> Option<DockerHost> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    DockerHost::parse(value, false).ok()
}

/// Whether the dind service serves TLS: dind 19.03 and later generate
/// certificates unless `DOCKER_TLS_CERTDIR` is set to the empty string.
pub(crate) fn tls_on(job: &Job, dind: &Service) -> bool {
    let old = ImageRef::parse(&dind.image.name).version().is_some_and(|v| !v.at_least(19, 3));
    let off_by_flag = dind.command.iter().any(|c| c == "--tls=false");
    match dind.var(job, "DOCKER_TLS_CERTDIR") {
        _ if old || off_by_flag => false,
        Some(v) => !v.value.is_empty(),
        None => true,
    }
}

/// Names for messages: `"a", "b" and 3 more`.
pub(crate) fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().take(3).map(|n| format!("{n:?}")).collect();
    match names.len() {
        0 => String::new(),
        n if n > 3 => format!("{} and {} more", quoted.join(", "), n - 3),
        _ => quoted.join(", "),
    }
}

/// `job "a"` or `jobs "a", "b"`.
pub(crate) fn jobs(names: &[&str]) -> String {
    match names.len() {
        1 => format!("job {}", list(names)),
        _ => format!("jobs {}", list(names)),
    }
}

/// Runs every check.
pub(crate) fn run(ctx: &Ctx<'_>) -> Vec<Raw> {
    let views: Vec<View<'_>> = ctx.pipeline.jobs.iter().map(View::new).collect();
    let mut out = Vec::new();
    for v in &views {
        daemon::job(ctx, v, &mut out);
        tools::job(ctx, v, &mut out);
        runners::job(ctx, v, &mut out);
    }
    runners::global(ctx, &views, &mut out);
    tools::global(ctx, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_host_parse() {
        let cases = [
            ("tcp://docker:2376", Some(("tcp", Some("docker"), Some(2376)))),
            ("tcp://docker:2375/", Some(("tcp", Some("docker"), Some(2375)))),
            ("tcp://localhost", Some(("tcp", Some("localhost"), Some(2375)))),
            ("unix:///var/run/docker.sock", Some(("unix", None, None))),
            ("docker:2375", Some(("tcp", Some("docker"), Some(2375)))),
            ("http://docker:2375", None),
            ("", None),
        ];
        for (s, want) in cases {
            let got = docker_host(s);
            assert_eq!(got.as_ref().map(|h| (h.scheme(), h.host_name(), h.port())), want, "{s}");
        }
    }

    /// Cases the corpus does not show, each with the ids it must produce.
    #[test]
    fn edge_cases() {
        const DOCKER_RUNNER: &str =
            "[[runners]]\nname = \"d\"\nexecutor = \"docker\"\n[runners.docker]\n\
                                     privileged = true\nvolumes = [\"/certs/client\"]\n";
        // (what, ci, runner config, ids expected)
        let cases: &[(&str, &str, Option<&str>, &[&str])] = &[
            (
                "--tls=false makes 2375 right and 2376 wrong",
                "a:\n  services:\n    - name: docker:24.0.5-dind\n      command: [--tls=false]\n  \
                 variables: {DOCKER_HOST: 'tcp://docker:2375'}\n  script: [docker info]\n\
                 b:\n  extends: a\n  variables: {DOCKER_HOST: 'tcp://docker:2376'}\n",
                None,
                &["daemon-tls-port"],
            ),
            (
                "a dind service from the runner counts as a daemon, and as dind for privileged mode",
                "a:\n  image: docker:24.0.5\n  script: [docker build .]\n",
                Some(
                    "[[runners]]\nname = \"r\"\nexecutor = \"docker\"\n[runners.docker]\nprivileged = false\n\
                     [[runners.docker.services]]\nname = \"docker:24.0.5-dind\"\n",
                ),
                &["dind-not-privileged"],
            ),
            (
                "FF_NETWORK_PER_BUILD as a job variable",
                "a:\n  services: [docker:24.0.5-dind]\n  variables:\n    FF_NETWORK_PER_BUILD: 'true'\n    \
                 DOCKER_HOST: tcp://$DOCKER_PORT_2375_TCP_ADDR:2376\n  script: [docker info]\n",
                None,
                &["daemon-unix-socket"],
            ),
            (
                "the obsolete docker/compose image has no compose plugin",
                "a:\n  image: docker/compose:1.29.2\n  services: [docker:24.0.5-dind]\n  \
                 variables: {DOCKER_HOST: 'tcp://docker:2376'}\n  script: [docker compose up -d]\n",
                None,
                &["compose-missing"],
            ),
            (
                "a shell executor shares the host daemon too",
                "a:\n  script: ['docker run --name web nginx:1.25']\n",
                Some("[[runners]]\nname = \"s\"\nexecutor = \"shell\"\n"),
                &["container-name-conflict"],
            ),
            (
                "inherit: default: false drops the default dind service",
                "default:\n  services: [docker:24.0.5-dind]\nvariables: {DOCKER_HOST: 'tcp://docker:2376'}\n\
                 a:\n  inherit: {default: false}\n  script: [docker build .]\n",
                None,
                &["dind-service-missing"],
            ),
            (
                "a runner that sets DOCKER_HOST itself",
                "a:\n  services: [docker:24.0.5-dind]\n  script: [docker info]\n",
                Some(
                    "[[runners]]\nname = \"e\"\nexecutor = \"docker\"\n\
                     environment = [\"DOCKER_HOST=tcp://docker:2376\"]\n[runners.docker]\nprivileged = true\n",
                ),
                &[],
            ),
            (
                "Kubernetes: HEALTHCHECK_TCP_PORT as a job variable reaches the service",
                "a:\n  services: [docker:24.0.5-dind]\n  variables:\n    HEALTHCHECK_TCP_PORT: '2375'\n    \
                 DOCKER_HOST: tcp://docker:2375\n    DOCKER_TLS_CERTDIR: ''\n  script: [docker info]\n",
                Some("[[runners]]\nexecutor = \"kubernetes\"\n[runners.kubernetes]\nprivileged = true\n"),
                &[],
            ),
            (
                "a job that only prints the client version needs no daemon",
                "a:\n  image: docker:24.0.5\n  script: [docker --version, 'buildah --version']\n",
                Some(DOCKER_RUNNER),
                &[],
            ),
            (
                "no docker image and no dind: nothing to say about TLS",
                "a:\n  image: alpine:3.19\n  variables: {DOCKER_HOST: 'tcp://docker:2375'}\n  script: [make]\n",
                Some(DOCKER_RUNNER),
                &[],
            ),
        ];
        for (what, ci, runner, want) in cases {
            let report = crate::lint::lint_str(ci, "ci.yml", runner.map(|r| (r, "config.toml")))
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            let got: std::collections::BTreeSet<&str> =
                report.findings.iter().map(|f| f.id.as_str()).collect();
            let want: std::collections::BTreeSet<&str> = want.iter().copied().collect();
            assert_eq!(got, want, "{what}: {:#?}", report.findings);
        }
    }

    #[test]
    fn list_names() {
        assert_eq!(list(&["a"]), "\"a\"");
        assert_eq!(list(&["a", "b", "c", "d", "e"]), "\"a\", \"b\", \"c\" and 2 more");
        assert_eq!(jobs(&["a"]), "job \"a\"");
        assert_eq!(jobs(&["a", "b"]), "jobs \"a\", \"b\"");
    }
}
