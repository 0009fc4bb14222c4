//! Checks on images and tools: unpinned docker images, compose, buildah, deprecated registry tokens.

use super::{Ctx, Raw, View};
use crate::docker::{ImageRef, Version, DEFAULT_DOCKER_VERSION as PINNED};
use crate::lint::pipeline::Image;

pub(super) fn job(_ctx: &Ctx<'_>, v: &View<'_>, out: &mut Vec<Raw>) {
    unpinned(v, out);
    build_token(v, out);
    buildah(v, out);
    compose(v, out);
}

pub(super) fn global(ctx: &Ctx<'_>, out: &mut Vec<Raw>) {
    for r in ctx.runners.unwrap_or(&[]) {
        let Some(c) = &r.containers else { continue };
        let images = c
            .image
            .iter()
            .map(|i| (&i.value, i.pos, "image"))
            .chain(c.services.iter().map(|s| (&s.name.value, s.name.pos, "service")));
        for (name, pos, what) in images {
            let img = ImageRef::parse(name);
            if img.is_docker() && !img.is_pinned() {
                out.push(Raw {
                    id: "unpinned-image",
                    message: format!(
                        "runner {:?} {what} {name} is not pinned to a version",
                        r.name
                    ),
                    fix: format!(
                        "{what} = \"docker:{PINNED}{}\"",
                        if img.is_dind() { "-dind" } else { "" }
                    ),
                    job: None,
                    pos,
                });
            }
        }
    }
}

/// The image as written, and what it expanded to when that differs.
fn shown(i: &Image) -> String {
    if i.raw == i.name {
        i.raw.clone()
    } else {
        format!("{} ({})", i.raw, i.name)
    }
}

fn unpinned(v: &View<'_>, out: &mut Vec<Raw>) {
    let client = v.job.image.as_ref().filter(|i| ImageRef::parse(&i.name).is_docker());
    if let Some(i) = client {
        if !ImageRef::parse(&i.name).is_pinned() {
            out.push(Raw {
                id: "unpinned-image",
                message: format!("image {} is not pinned to a version", shown(i)),
                fix: format!("image: docker:{PINNED}"),
                job: v.name(),
                pos: i.pos,
            });
        }
    }
    for s in &v.job.services {
        let img = ImageRef::parse(&s.image.name);
        if !img.is_docker() {
            continue;
        }
        if !img.is_pinned() {
            let suffix = if img.is_dind() { "-dind" } else { "" };
            out.push(Raw {
                id: "unpinned-image",
                message: format!("service {} is not pinned to a version", shown(&s.image)),
                fix: format!(
                    "services:\n  - docker:{PINNED}{suffix}\n(the same version as the docker image)"
                ),
                job: v.name(),
                pos: s.image.pos,
            });
            continue;
        }
        let daemon = img.version();
        let client_version = client.and_then(|i| ImageRef::parse(&i.name).version());
        if let (Some(d), Some(c), true) = (daemon, client_version, img.is_dind()) {
            if d.major_minor() != c.major_minor() {
                out.push(Raw {
                    id: "unpinned-image",
                    message: format!(
                        "client image {} and daemon service {} differ ({} vs {})",
                        client.map_or(String::new(), shown),
                        shown(&s.image),
                        mm(&c),
                        mm(&d)
                    ),
                    fix: format!("image: docker:{d}\nservices:\n  - docker:{d}-dind"),
                    job: v.name(),
                    pos: s.image.pos,
                });
            }
        }
    }
}

fn mm(v: &Version) -> String {
    let (a, b) = v.major_minor();
    format!("{a}.{b}")
}

fn build_token(v: &View<'_>, out: &mut Vec<Raw>) {
    const TOKEN: &str = "CI_BUILD_TOKEN";
    let message =
        "CI_BUILD_TOKEN is deprecated and no longer set, so the registry login fails".to_string();
    let fix = "echo \"$CI_REGISTRY_PASSWORD\" | docker login -u \"$CI_REGISTRY_USER\" --password-stdin \"$CI_REGISTRY\"";
    for var in v.job.variables.iter().filter(|x| x.value.contains(TOKEN)) {
        out.push(Raw {
            id: "registry-auth",
            message: message.clone(),
            fix: fix.to_string(),
            job: v.name(),
            pos: var.key_pos,
        });
    }
    for line in v.job.lines.iter().filter(|l| l.text.contains(TOKEN)) {
        let off = line.text.find(TOKEN).unwrap_or(0);
        let col = crate::lint::shell::column(&line.text, off).saturating_sub(1);
        let pos = crate::lint::yaml::Pos { col: line.pos.col.saturating_add(col), ..line.pos };
        out.push(Raw {
            id: "registry-auth",
            message: message.clone(),
            fix: fix.to_string(),
            job: v.name(),
            pos,
        });
    }
}

fn buildah(v: &View<'_>, out: &mut Vec<Raw>) {
    let Some(first) = v.commands.iter().find(|c| {
        // Commands that touch image storage; login and version do not.
        c.command.program == "buildah"
            && !matches!(
                buildah_subcommand(&c.command.args),
                Some("login" | "logout" | "version" | "help" | "info") | None
            )
    }) else {
        return;
    };
    let fix = "variables:\n  STORAGE_DRIVER: vfs\n  BUILDAH_ISOLATION: chroot".to_string();
    match v.var("STORAGE_DRIVER") {
        Some(d) if d.value.trim() == "vfs" => return,
        Some(d) => {
            out.push(Raw {
                id: "buildah-storage",
                message: format!(
                    "STORAGE_DRIVER is {:?} for buildah, which cannot stack overlay on the container's overlay filesystem",
                    d.value
                ),
                fix,
                job: v.name(),
                pos: d.key_pos,
            });
            return;
        }
        None => {}
    }
    let set_in_script = v.commands.iter().any(|c| {
        c.command.assignments.iter().any(|a| a.trim() == "STORAGE_DRIVER=vfs")
            || (c.command.program == "buildah"
                && c.command.option("--storage-driver").is_some_and(|(d, _)| d == "vfs"))
    });
    if set_in_script {
        return;
    }
    out.push(Raw {
        id: "buildah-storage",
        message: format!(
            "job runs `{}` without STORAGE_DRIVER: vfs; buildah's overlay driver fails inside a container",
            first.line.text.trim()
        ),
        fix,
        job: v.name(),
        pos: first.pos(),
    });
}

/// The buildah subcommand after global options (some of which take a value).
fn buildah_subcommand<'a>(args: &[&'a str]) -> Option<&'a str> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "--storage-driver" | "--root" | "--runroot" | "--registries-conf" | "--storage-opt" => {
                it.next();
            }
            a if a.starts_with('-') => {}
            a => return Some(a),
        }
    }
    None
}

/// Images known not to ship compose (nor, mostly, docker).
const BARE_IMAGES: &[&str] = &[
    "alpine",
    "ubuntu",
    "debian",
    "busybox",
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "python",
    "node",
    "golang",
    "ruby",
    "openjdk",
    "eclipse-temurin",
    "maven",
    "gradle",
    "rust",
    "php",
];

fn compose(v: &View<'_>, out: &mut Vec<Raw>) {
    let Some(first) = v.commands.iter().find(|c| {
        c.command.program == "docker-compose" || c.command.docker_subcommand() == Some("compose")
    }) else {
        return;
    };
    let Some(image) = &v.job.image else { return };
    // A job that installs compose itself is fine.
    let installs = v.commands.iter().any(|c| {
        matches!(
            c.command.program,
            "apk" | "apt-get" | "apt" | "yum" | "dnf" | "pip" | "pip3" | "pipx" | "curl" | "wget"
        ) && c.command.args.iter().any(|a| a.contains("compose"))
    });
    if installs {
        return;
    }
    let img = ImageRef::parse(&image.name);
    let v1 = first.command.program == "docker-compose";
    let old_docker = img.is_docker() && img.version().is_some_and(|x| !x.at_least(20, 10));
    let legacy_compose = img.repository.ends_with("docker/compose");
    let missing = if img.is_docker() {
        old_docker
    } else if legacy_compose {
        // The obsolete docker/compose images ship compose v1 only.
        !v1
    } else {
        v1 && BARE_IMAGES.contains(&img.name)
    };
    if !missing {
        return;
    }
    let what = if v1 { "docker-compose" } else { "the docker compose plugin" };
    out.push(Raw {
        id: "compose-missing",
        message: format!(
            "job runs `{}` but image {} does not ship {what}",
            first.line.text.trim(),
            shown(image)
        ),
        fix: format!(
            "image: docker:{PINNED}\n(it ships the compose plugin: call `docker compose`)"
        ),
        job: v.name(),
        pos: first.pos(),
    });
}
