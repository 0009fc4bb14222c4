//! Checks that need the runner configuration: privileged mode, socket binding, certificate volumes, a daemon at all.
//!
//! The runner a job lands on is decided by tags on the GitLab server, which
//! `config.toml` does not show. So a runner check fires when *any* docker or
//! Kubernetes runner in the file has the problem, and its message names that
//! runner.

use super::daemon::uses_tls;
use super::{jobs, list, Ctx, Raw, View};
use crate::docker::{DockerHost, ImageRef};
use crate::lint::runner::{Executor, Runner};

pub(super) fn job(ctx: &Ctx<'_>, v: &View<'_>, out: &mut Vec<Raw>) {
    socket_binding_with_dind(ctx, v, out);
    service_missing(ctx, v, out);
    container_names(ctx, v, out);
}

pub(super) fn global(ctx: &Ctx<'_>, views: &[View<'_>], out: &mut Vec<Raw>) {
    let Some(runners) = ctx.runners else { return };
    not_privileged(runners, views, out);
    certs_volume(runners, views, out);
}

/// A dind service provided by the runner itself (`[[runners.docker.services]]`).
fn runner_dind(r: &Runner) -> Option<&str> {
    r.containers
        .as_ref()?
        .services
        .iter()
        .find(|s| ImageRef::parse(&s.name.value).is_dind())
        .map(|s| s.name.value.as_str())
}

fn socket_binding_with_dind(ctx: &Ctx<'_>, v: &View<'_>, out: &mut Vec<Raw>) {
    let Some(dind) = v.dind else { return };
    let binding: Vec<(&Runner, u32)> = ctx
        .container_runners()
        .filter_map(|r| r.socket_binding().map(|b| (r, b.pos.line)))
        .collect();
    let Some(&(first, line)) = binding.first() else { return };
    out.push(Raw {
        id: "dind-socket-binding",
        message: format!(
            "runner {:?} binds /var/run/docker.sock (its config line {line}) and the job starts the {} \
             service; volume bindings apply to services too, so the two are incompatible",
            first.name, dind.image.name
        ),
        fix: "either drop the dind service and DOCKER_HOST and use the host daemon through the socket, \
              or remove \"/var/run/docker.sock:/var/run/docker.sock\" from the runner's volumes"
            .to_string(),
        job: v.name(),
        pos: dind.image.pos,
    });
}

fn service_missing(ctx: &Ctx<'_>, v: &View<'_>, out: &mut Vec<Raw>) {
    if v.dind.is_some() {
        return;
    }
    let Some(first) = v.docker_commands().next() else { return };
    // The job starts its own daemon (a dind image as the job image).
    if v.commands.iter().any(|c| matches!(c.command.program, "dockerd" | "dockerd-entrypoint.sh")) {
        return;
    }
    // A DOCKER_HOST to some other machine is a remote daemon, not a missing service.
    match v.var("DOCKER_HOST").and_then(|h| super::docker_host(&h.value)) {
        Some(DockerHost::Tcp { host, .. })
            if !matches!(host.as_str(), "docker" | "localhost" | "127.0.0.1") =>
        {
            return
        }
        Some(DockerHost::Ssh(_)) => return,
        _ => {}
    }
    let where_ = match ctx.runners {
        None => "(unless the runner binds /var/run/docker.sock: pass the runner config to check)"
            .to_string(),
        Some(_) => {
            let without: Vec<&str> = ctx
                .container_runners()
                .filter(|r| r.socket_binding().is_none() && runner_dind(r).is_none())
                .map(|r| r.name.as_str())
                .collect();
            if without.is_empty() {
                return;
            }
            format!(
                "and runner {} neither binds /var/run/docker.sock nor adds a dind service",
                list(&without)
            )
        }
    };
    // Only a docker image says which Docker the job's client is.
    let service = crate::docker::suggested_dind(v.job.image.as_ref().map(|i| i.name.as_str()));
    out.push(Raw {
        id: "dind-service-missing",
        message: format!(
            "job runs `{}` but has no docker:dind service {where_}",
            first.line.text.trim()
        ),
        fix: format!("services:\n  - {service}\n(on a privileged runner), or use socket binding"),
        job: v.name(),
        pos: first.pos(),
    });
}

fn container_names(ctx: &Ctx<'_>, v: &View<'_>, out: &mut Vec<Raw>) {
    if v.dind.is_some() {
        // The job's own daemon is not shared with other jobs.
        return;
    }
    let shared = ctx
        .runners
        .unwrap_or(&[])
        .iter()
        .find(|r| r.socket_binding().is_some() || r.executor == Executor::Host);
    let Some(runner) = shared else { return };
    let how = if runner.executor == Executor::Host { "shell executor" } else { "socket binding" };
    for c in &v.commands {
        let verb = match c.command.docker_subcommand() {
            Some(v @ ("run" | "create")) => v.to_string(),
            Some("container") => match c.command.args.get(1).copied() {
                Some(v @ ("run" | "create")) => format!("container {v}"),
                _ => continue,
            },
            _ => continue,
        };
        let Some((name, off)) = c.command.option("--name") else { continue };
        if name.contains('$') || name.is_empty() {
            continue;
        }
        out.push(Raw {
            id: "container-name-conflict",
            message: format!(
                "`docker {verb} --name {name}` uses a fixed name on the daemon that runner {:?} shares \
                 between jobs ({how}); concurrent jobs collide",
                runner.name
            ),
            fix: format!("--name \"{name}-$CI_JOB_ID\"\nand remove it in after_script: docker rm -f \"{name}-$CI_JOB_ID\""),
            job: v.name(),
            pos: c.at(off),
        });
    }
}

fn dind_users<'a>(views: &'a [View<'_>]) -> Vec<&'a str> {
    views.iter().filter(|v| v.dind.is_some()).map(|v| v.job.name.as_str()).collect()
}

fn not_privileged(runners: &[Runner], views: &[View<'_>], out: &mut Vec<Raw>) {
    let users = dind_users(views);
    for r in runners.iter().filter(|r| r.executor != Executor::Host) {
        let own = runner_dind(r);
        if users.is_empty() && own.is_none() {
            continue;
        }
        let (privileged, pos) = r.privileged_for_services();
        if privileged {
            continue;
        }
        let who = match own {
            Some(s) => format!("its own {s} service"),
            None => format!("the dind service of {}", jobs(&users)),
        };
        let table = if r.executor == Executor::Kubernetes {
            "runners.kubernetes"
        } else {
            "runners.docker"
        };
        out.push(Raw {
            id: "dind-not-privileged",
            message: format!(
                "runner {:?} runs services without privileged mode, so {who} cannot start if it runs there",
                r.name
            ),
            fix: format!("[{table}]\n  privileged = true"),
            job: None,
            pos,
        });
    }
}

fn certs_volume(runners: &[Runner], views: &[View<'_>], out: &mut Vec<Raw>) {
    let tls: Vec<&str> =
        views.iter().filter(|v| uses_tls(v)).map(|v| v.job.name.as_str()).collect();
    if tls.is_empty() {
        return;
    }
    for r in runners.iter().filter(|r| r.executor != Executor::Host) {
        if r.has_mount("/certs/client") || r.has_mount("/certs") {
            continue;
        }
        let pos = r.containers.as_ref().map_or(r.pos, |c| c.pos);
        let fix = if r.executor == Executor::Kubernetes {
            "[[runners.kubernetes.volumes.empty_dir]]\n  name = \"docker-certs\"\n  mount_path = \"/certs/client\"\n  medium = \"Memory\""
        } else {
            "[runners.docker]\n  volumes = [\"/certs/client\", \"/cache\"]"
        };
        out.push(Raw {
            id: "tls-certs-missing",
            message: format!(
                "runner {:?} has no /certs/client volume, so {} cannot read the client certificates \
                 the dind service writes for TLS",
                r.name,
                jobs(&tls)
            ),
            fix: fix.to_string(),
            job: None,
            pos,
        });
    }
}
