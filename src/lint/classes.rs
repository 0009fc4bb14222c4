//! The failure classes `lint` reports: id, severity and documentation link, in one table.
//!
//! Ids and severities come from `shared/catalog.md` and are a public contract:
//! a check never invents a severity of its own, it looks it up here.

use super::Severity;

/// One class a lint check can report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Class {
    /// The catalog id, e.g. `daemon-tls-port`.
    pub id: &'static str,
    /// The catalog severity for this class.
    pub severity: Severity,
    /// The GitLab documentation page that gives the remedy.
    pub docs: &'static str,
}

const USING_DOCKER_BUILD: &str = "https://docs.gitlab.com/ci/docker/using_docker_build/";

/// Proposed addition to the catalog: a dind service on a runner that binds the
/// host socket. GitLab documents the two as incompatible (volume bindings are
/// applied to services too), and no catalog class names that cause: the dind
/// daemon fails or is bypassed, which the log shows only as symptoms of other
/// classes. Kept in one constant so a rename is a one-line change.
pub const DIND_SOCKET_BINDING: &str = "dind-socket-binding";

/// Every class `lint` can emit, in catalog order.
pub const CLASSES: &[Class] = &[
    Class {
        id: "daemon-tls-port",
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/ci/docker/using_docker_build/#docker-in-docker-with-tls-enabled-in-the-docker-executor",
    },
    Class {
        id: "daemon-unix-socket",
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/ci/docker/docker_build_troubleshooting/",
    },
    Class {
        id: "dind-service-missing",
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/ci/docker/using_docker_build/#use-the-docker-executor-with-docker-in-docker",
    },
    Class {
        id: "service-alias",
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/ci/services/#accessing-the-services",
    },
    Class {
        id: "dind-not-privileged",
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/runner/executors/docker/#use-docker-in-docker-with-privileged-mode",
    },
    Class {
        id: "service-not-ready",
        severity: Severity::Warning,
        docs: "https://docs.gitlab.com/ci/docker/using_docker_build/#docker-in-docker-with-tls-enabled-in-kubernetes",
    },
    Class {
        id: "tls-certs-missing",
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/ci/docker/using_docker_build/#docker-in-docker-with-tls-enabled-in-the-docker-executor",
    },
    Class {
        id: "storage-driver",
        severity: Severity::Warning,
        docs: "https://docs.gitlab.com/ci/docker/using_docker_build/#use-the-overlayfs-driver",
    },
    Class {
        id: "registry-auth",
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/ci/docker/authenticate_registry/",
    },
    Class {
        id: "compose-missing",
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/ci/docker/docker_build_troubleshooting/",
    },
    Class {
        id: "container-name-conflict",
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/ci/docker/using_docker_build/#use-docker-socket-binding",
    },
    Class {
        id: "buildah-storage",
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/ci/docker/buildah_rootless_tutorial/",
    },
    Class { id: "unpinned-image", severity: Severity::Info, docs: USING_DOCKER_BUILD },
    Class {
        id: DIND_SOCKET_BINDING,
        severity: Severity::Error,
        docs: "https://docs.gitlab.com/ci/docker/using_docker_build/#use-docker-socket-binding",
    },
];

/// The class with this id, if `lint` reports it.
pub fn class(id: &str) -> Option<&'static Class> {
    CLASSES.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        for (i, c) in CLASSES.iter().enumerate() {
            assert!(
                c.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}: not kebab-case",
                c.id
            );
            assert!(c.docs.starts_with("https://docs.gitlab.com/"), "{}: docs link", c.id);
            assert!(CLASSES[i + 1..].iter().all(|o| o.id != c.id), "{}: duplicate id", c.id);
        }
    }

    #[test]
    fn severities_match_the_catalog() {
        // The catalog's sev column, copied by hand: a change there must be a
        // deliberate change here too.
        let expected = [
            ("daemon-tls-port", Severity::Error),
            ("service-not-ready", Severity::Warning),
            ("storage-driver", Severity::Warning),
            ("unpinned-image", Severity::Info),
            ("buildah-storage", Severity::Error),
        ];
        for (id, sev) in expected {
            assert_eq!(class(id).map(|c| c.severity), Some(sev), "{id}");
        }
        assert!(class("no-such-class").is_none());
    }
}
