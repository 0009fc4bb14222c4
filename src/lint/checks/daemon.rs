//! Checks on how a job reaches its dind daemon: DOCKER_HOST, TLS, the service's hostname, health check and storage driver.

use super::{docker_host, tls_on, Ctx, Raw, View};
use crate::docker::{DockerHost, ImageRef};
use crate::lint::pipeline::{Service, Var};
use crate::lint::runner::truthy;

/// The variables that make the client use TLS when the Kubernetes executor
/// skips the docker image's entrypoint.
const K8S_TLS_VARS: [&str; 2] = ["DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"];

pub(super) fn job(ctx: &Ctx<'_>, v: &View<'_>, out: &mut Vec<Raw>) {
    if let Some(dind) = v.dind {
        tls_port(v, dind, out);
        alias(v, dind, out);
        unix_socket(ctx, v, dind, out);
        health_check(ctx, v, dind, out);
        storage_driver(v, dind, out);
        k8s_tls_vars(ctx, v, dind, out);
    }
    legacy_link_vars(ctx, v, out);
}

/// The job's DOCKER_HOST when it points at this dind service.
pub(super) fn host_of<'a>(v: &View<'a>, dind: &Service) -> Option<(&'a Var, DockerHost)> {
    let var = v.var("DOCKER_HOST")?;
    let host = docker_host(&var.value)?;
    let DockerHost::Tcp { host: name, .. } = &host else { return None };
    let img = ImageRef::parse(&dind.image.name);
    let ours = dind.aliases.iter().any(|a| a == name)
        || img.service_hostnames().iter().any(|h| h == name)
        || matches!(name.as_str(), "docker" | "localhost" | "127.0.0.1");
    ours.then_some((var, host))
}

/// The job talks TLS to its dind service on 2376 (what needs certificates).
pub(super) fn uses_tls(v: &View<'_>) -> bool {
    let Some(dind) = v.dind else { return false };
    host_of(v, dind).is_some_and(|(_, host)| host.port() == Some(2376) && tls_on(v.job, dind))
}

fn certdir_text(v: &View<'_>, dind: &Service) -> String {
    match dind.var(v.job, "DOCKER_TLS_CERTDIR") {
        Some(c) => format!("DOCKER_TLS_CERTDIR is {:?}", c.value),
        None => "DOCKER_TLS_CERTDIR is not set to \"\"".to_string(),
    }
}

fn tls_port(v: &View<'_>, dind: &Service, out: &mut Vec<Raw>) {
    let Some((var, host)) = host_of(v, dind) else { return };
    let on = tls_on(v.job, dind);
    let service = &dind.image.name;
    let message = match (host.port(), on) {
        (Some(2375), true) => format!(
            "DOCKER_HOST is {} but {}, so the {service} service serves TLS on port 2376 only",
            var.value,
            certdir_text(v, dind)
        ),
        (Some(2376), false) => {
            let why = if ImageRef::parse(service).version().is_some_and(|x| !x.at_least(19, 3)) {
                format!("{service} predates TLS by default")
            } else if dind.command.iter().any(|c| c == "--tls=false") {
                format!("{service} is started with --tls=false")
            } else {
                "DOCKER_TLS_CERTDIR is \"\" (TLS off)".to_string()
            };
            format!(
                "DOCKER_HOST is {} but {why}, so the daemon listens on plain port 2375",
                var.value
            )
        }
        _ => return,
    };
    out.push(Raw {
        id: "daemon-tls-port",
        message,
        fix: format!(
            "keep TLS:\n  DOCKER_HOST: tcp://{h}:2376\n  DOCKER_TLS_CERTDIR: \"/certs\"\n\
             or turn it off on purpose:\n  DOCKER_HOST: tcp://{h}:2375\n  DOCKER_TLS_CERTDIR: \"\"",
            h = host.host_name().unwrap_or("docker")
        ),
        job: v.name(),
        pos: var.key_pos,
    });
}

fn alias(v: &View<'_>, dind: &Service, out: &mut Vec<Raw>) {
    let img = ImageRef::parse(&dind.image.name);
    let hostnames = img.service_hostnames();
    // Without DOCKER_HOST the docker image's entrypoint looks for `docker`.
    let parsed = v.var("DOCKER_HOST").and_then(|x| docker_host(&x.value));
    let (wanted, how) = match &parsed {
        Some(DockerHost::Tcp { host, .. }) => (
            host.as_str(),
            format!("DOCKER_HOST is {}", v.var("DOCKER_HOST").map_or("", |x| &x.value)),
        ),
        Some(_) => return,
        None => ("docker", "the docker client looks for the host docker".to_string()),
    };
    if wanted != "docker"
        || dind.aliases.iter().any(|a| a == wanted)
        || hostnames.iter().any(|h| h == wanted)
    {
        return;
    }
    let named = if dind.image.name.contains('$') {
        "a hostname derived from its full image path".to_string()
    } else {
        format!("the hostnames {}", hostnames.join(" and "))
    };
    out.push(Raw {
        id: "service-alias",
        message: format!("service {} gets {named}, not docker, but {how}", dind.image.raw),
        fix: format!("services:\n  - name: {}\n    alias: docker", dind.image.raw),
        job: v.name(),
        pos: dind.image.pos,
    });
}

fn unix_socket(ctx: &Ctx<'_>, v: &View<'_>, dind: &Service, out: &mut Vec<Raw>) {
    let exported = v
        .commands
        .iter()
        .any(|c| c.command.assignments.iter().any(|a| a.starts_with("DOCKER_HOST=")));
    if v.var("DOCKER_HOST").is_some() || exported || !v.talks_to_docker() {
        return;
    }
    // A runner that sets DOCKER_HOST itself, or that binds the host socket
    // (another finding), is not this problem; with several runners, one
    // without either is enough.
    let affected: Vec<&str> = ctx
        .container_runners()
        .filter(|r| !r.sets_env("DOCKER_HOST") && r.socket_binding().is_none())
        .map(|r| r.name.as_str())
        .collect();
    if ctx.runners.is_some() && affected.is_empty() {
        return;
    }
    let k8s = ctx.kubernetes_runners().next().is_some();
    let why = if k8s {
        "the Kubernetes executor skips the image entrypoint that would guess it"
    } else {
        "only the docker image's entrypoint guesses tcp://docker:2375 or 2376, and not every executor runs it"
    };
    let port = if tls_on(v.job, dind) { "2376" } else { "2375" };
    out.push(Raw {
        id: "daemon-unix-socket",
        message: format!(
            "job uses the {} service but sets no DOCKER_HOST, so the client falls back to \
             unix:///var/run/docker.sock ({why})",
            dind.image.name
        ),
        fix: format!("variables:\n  DOCKER_HOST: tcp://docker:{port}"),
        job: v.name(),
        pos: dind.image.pos,
    });
}

fn legacy_link_vars(ctx: &Ctx<'_>, v: &View<'_>, out: &mut Vec<Raw>) {
    const LEGACY: &str = "DOCKER_PORT_2375_TCP";
    let flag = v
        .var("FF_NETWORK_PER_BUILD")
        .filter(|f| truthy(&f.value))
        .map(|_| "the job's variables".to_string())
        .or_else(|| {
            ctx.runners
                .unwrap_or(&[])
                .iter()
                .find(|r| r.feature_flag("FF_NETWORK_PER_BUILD").is_some())
                .map(|r| format!("runner {:?}", r.name))
        });
    let Some(flag) = flag else { return };
    let message = format!(
        "{LEGACY} is a legacy link variable that FF_NETWORK_PER_BUILD (set in {flag}) removes, \
         so the client gets no daemon address"
    );
    let fix = "variables:\n  DOCKER_HOST: tcp://docker:2376\n  DOCKER_TLS_CERTDIR: \"/certs\""
        .to_string();
    if let Some(var) = v.job.variables.iter().find(|x| x.value.contains(LEGACY)) {
        out.push(Raw { id: "daemon-unix-socket", message, fix, job: v.name(), pos: var.key_pos });
        return;
    }
    if let Some(c) = v.commands.iter().find(|c| c.line.text.contains(LEGACY)) {
        let off = c.line.text.find(LEGACY).unwrap_or(0);
        out.push(Raw { id: "daemon-unix-socket", message, fix, job: v.name(), pos: c.at(off) });
    }
}

fn health_check(ctx: &Ctx<'_>, v: &View<'_>, dind: &Service, out: &mut Vec<Raw>) {
    let on = tls_on(v.job, dind);
    let port = if on { "2376" } else { "2375" };
    match dind.var(v.job, "HEALTHCHECK_TCP_PORT") {
        Some(hc) if hc.value.trim() != port && matches!(hc.value.trim(), "2375" | "2376") => {
            let state = if on { "on" } else { "off" };
            out.push(Raw {
                id: "service-not-ready",
                message: format!(
                    "HEALTHCHECK_TCP_PORT is {} but TLS is {state}, so the daemon listens on {port} \
                     and the health check waits for a port that never opens",
                    hc.value
                ),
                fix: format!("HEALTHCHECK_TCP_PORT: \"{port}\""),
                job: v.name(),
                pos: hc.key_pos,
            });
        }
        Some(_) => {}
        None => {
            let k8s: Vec<&str> = ctx.kubernetes_runners().map(|r| r.name.as_str()).collect();
            if k8s.is_empty() {
                return;
            }
            out.push(Raw {
                id: "service-not-ready",
                message: format!(
                    "service {} has no HEALTHCHECK_TCP_PORT, so the Kubernetes executor (runner {}) \
                     starts the job before the daemon answers",
                    dind.image.name,
                    super::list(&k8s)
                ),
                fix: format!(
                    "services:\n  - name: {}\n    variables:\n      HEALTHCHECK_TCP_PORT: \"{port}\"",
                    dind.image.raw
                ),
                job: v.name(),
                pos: dind.image.pos,
            });
        }
    }
}

fn storage_driver(v: &View<'_>, dind: &Service, out: &mut Vec<Raw>) {
    if let Some(d) = dind.var(v.job, "DOCKER_DRIVER") {
        if d.value.trim() != "overlay2" && !d.value.is_empty() {
            out.push(Raw {
                id: "storage-driver",
                message: format!(
                    "DOCKER_DRIVER is {:?}, so the {} daemon uses a slower or unsupported storage driver",
                    d.value, dind.image.name
                ),
                fix: "DOCKER_DRIVER: overlay2".to_string(),
                job: v.name(),
                pos: d.key_pos,
            });
            return;
        }
    }
    let forced = dind.command.iter().enumerate().find_map(|(i, c)| {
        c.strip_prefix("--storage-driver=").or_else(|| {
            (c == "--storage-driver").then(|| dind.command.get(i + 1).map_or("", String::as_str))
        })
    });
    if let Some(driver) = forced.filter(|d| *d != "overlay2") {
        out.push(Raw {
            id: "storage-driver",
            message: format!(
                "service {} is started with --storage-driver={driver}",
                dind.image.name
            ),
            fix: "remove --storage-driver from the service command (overlay2 is the default)"
                .to_string(),
            job: v.name(),
            pos: dind.image.pos,
        });
    }
}

fn k8s_tls_vars(ctx: &Ctx<'_>, v: &View<'_>, dind: &Service, out: &mut Vec<Raw>) {
    let k8s: Vec<&str> = ctx.kubernetes_runners().map(|r| r.name.as_str()).collect();
    if k8s.is_empty() || !uses_tls(v) {
        return;
    }
    let missing: Vec<&str> = K8S_TLS_VARS.iter().copied().filter(|n| v.var(n).is_none()).collect();
    if missing.is_empty() {
        return;
    }
    let Some((var, _)) = host_of(v, dind) else { return };
    out.push(Raw {
        id: "tls-certs-missing",
        message: format!(
            "job uses TLS ({}) on the Kubernetes executor (runner {}) but does not set {}, \
             which the skipped image entrypoint would have set",
            var.value,
            super::list(&k8s),
            missing.join(" and ")
        ),
        fix:
            "variables:\n  DOCKER_TLS_VERIFY: 1\n  DOCKER_CERT_PATH: \"$DOCKER_TLS_CERTDIR/client\""
                .to_string(),
        job: v.name(),
        pos: var.key_pos,
    });
}
