//! Reading container image references: the `docker` images, their versions, dind, and service hostnames.

/// A Docker version as written in an image tag, e.g. `24.0.5` in `docker:24.0.5-dind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version {
    pub major: u32,
    pub minor: Option<u32>,
    pub patch: Option<u32>,
}

impl Version {
    /// `major.minor`, the part client and daemon must agree on.
    pub fn major_minor(&self) -> (u32, u32) {
        (self.major, self.minor.unwrap_or(0))
    }

    /// At least `major.minor`; an absent minor counts as the newest of that major.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        self.major > major || (self.major == major && self.minor.is_none_or(|m| m >= minor))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.major)?;
        if let Some(m) = self.minor {
            write!(f, ".{m}")?;
        }
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        Ok(())
    }
}

/// The parts of an image reference that the checks need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// Everything before the tag and digest, e.g. `registry.example.com/ci/docker`.
    pub repository: &'a str,
    /// The last path component of the repository, e.g. `docker`.
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: bool,
}

impl<'a> ImageRef<'a> {
    pub fn parse(reference: &'a str) -> ImageRef<'a> {
        let reference = reference.trim();
        let (rest, digest) = match reference.split_once('@') {
            Some((r, _)) => (r, true),
            None => (reference, false),
        };
        // A ':' after the last '/' starts the tag; one before it is a registry port.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        let name = &repository[repository.rfind('/').map_or(0, |i| i + 1)..];
        ImageRef { repository, name, tag, digest }
    }

    /// An official-style `docker` image (client, dind or rootless dind).
    pub fn is_docker(&self) -> bool {
        self.name == "docker"
    }

    /// A Docker-in-Docker daemon image: `docker` with a tag containing `dind`.
    pub fn is_dind(&self) -> bool {
        self.is_docker() && self.tag.is_some_and(|t| t.contains("dind"))
    }

    /// The version at the start of the tag, if the tag starts with one.
    pub fn version(&self) -> Option<Version> {
        let tag = self.tag?;
        let mut parts = tag.split(['.', '-']);
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().and_then(|p| p.parse().ok());
        let patch = minor.and(parts.next().and_then(|p| p.parse().ok()));
        Some(Version { major, minor, patch })
    }

    /// Pinned: a version in the tag or a digest. `docker`, `docker:latest`,
    /// `docker:dind`, `docker:stable`, `docker:git` are not.
    pub fn is_pinned(&self) -> bool {
        self.digest || self.version().is_some()
    }

    /// The hostnames the runner derives for a service without `alias`:
    /// `docker` for `docker:dind`, but `registry.example.com__ci__docker`
    /// and `registry.example.com-ci-docker` when the name has a path.
    pub fn service_hostnames(&self) -> Vec<String> {
        if !self.repository.contains('/') {
            return vec![self.repository.to_string()];
        }
        vec![self.repository.replace('/', "__"), self.repository.replace('/', "-")]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        // (reference, repository, name, tag, version, dind, pinned)
        type Case<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>, bool, bool);
        let cases: &[Case<'_>] = &[
            ("docker", "docker", "docker", None, None, false, false),
            ("docker:dind", "docker", "docker", Some("dind"), None, true, false),
            ("docker:latest", "docker", "docker", Some("latest"), None, false, false),
            ("docker:stable", "docker", "docker", Some("stable"), None, false, false),
            ("docker:24.0.5", "docker", "docker", Some("24.0.5"), Some("24.0.5"), false, true),
            (
                "docker:24.0.5-dind",
                "docker",
                "docker",
                Some("24.0.5-dind"),
                Some("24.0.5"),
                true,
                true,
            ),
            (
                "docker:27-dind-rootless",
                "docker",
                "docker",
                Some("27-dind-rootless"),
                Some("27"),
                true,
                true,
            ),
            (
                "docker:20.10.16-dind-alpine3.16",
                "docker",
                "docker",
                Some("20.10.16-dind-alpine3.16"),
                Some("20.10.16"),
                true,
                true,
            ),
            (
                "registry.example.com:5000/ci/docker:24.0-dind",
                "registry.example.com:5000/ci/docker",
                "docker",
                Some("24.0-dind"),
                Some("24.0"),
                true,
                true,
            ),
            ("docker@sha256:abc", "docker", "docker", None, None, false, true),
            ("alpine:3.19", "alpine", "alpine", Some("3.19"), Some("3.19"), false, true),
            (
                "quay.io/buildah/stable",
                "quay.io/buildah/stable",
                "stable",
                None,
                None,
                false,
                false,
            ),
        ];
        for &(r, repo, name, tag, version, dind, pinned) in cases {
            let i = ImageRef::parse(r);
            assert_eq!(i.repository, repo, "{r}");
            assert_eq!(i.name, name, "{r}");
            assert_eq!(i.tag, tag, "{r}");
            assert_eq!(i.version().map(|v| v.to_string()).as_deref(), version, "{r}");
            assert_eq!(i.is_dind(), dind, "{r}");
            assert_eq!(i.is_pinned(), pinned, "{r}");
        }
    }

    #[test]
    fn versions_compare() {
        let v = |s: &str| ImageRef::parse(s).version().expect(s);
        assert!(v("docker:19.03.12-dind").at_least(19, 3));
        assert!(!v("docker:18.09-dind").at_least(19, 3));
        assert!(v("docker:20-dind").at_least(19, 3));
        assert!(v("docker:19-dind").at_least(19, 3));
        assert_eq!(v("docker:24.0.5").major_minor(), v("docker:24.0.7-dind").major_minor());
        assert_ne!(v("docker:20.10.16").major_minor(), v("docker:24.0.5-dind").major_minor());
    }

    #[test]
    fn service_hostnames() {
        assert_eq!(ImageRef::parse("docker:dind").service_hostnames(), ["docker"]);
        assert_eq!(
            ImageRef::parse("registry.example.com/ci/docker:24.0.5-dind").service_hostnames(),
            ["registry.example.com__ci__docker", "registry.example.com-ci-docker"]
        );
    }
}
