//! Docker's vocabulary, one definition each: image references, `DOCKER_HOST`, versions, and the one stable hash.
//!
//! Every other module uses these types instead of parsing the same strings
//! its own way: `lint` reads images and `DOCKER_HOST` from the CI
//! configuration, `doctor` dials the `DOCKER_HOST` it parses here, the log
//! context recognises dind services with [`ImageRef::is_dind`], signature
//! rules compare runner [`Version`]s, and the summary's printers order runner
//! versions and dind images by them ([`version_order`]).

use std::cmp::Ordering;
use std::fmt;
use std::path::PathBuf;

/// The daemon's documented TLS port (IANA `docker-s`).
pub const TLS_PORT: u16 = 2376;
/// The daemon's documented plain-TCP port (IANA `docker`).
pub const PLAIN_PORT: u16 = 2375;
/// The socket the CLI uses when `DOCKER_HOST` is unset and TLS is off.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";
/// The dind image `lint` and the fixes suggest when the configuration names
/// no docker version: a client and daemon pair pinned to the same release.
pub const DEFAULT_DOCKER_VERSION: &str = "24.0.5";

// ---- versions -------------------------------------------------------------

/// A dotted version (`17.3.1`, the `24.0` of `docker:24.0-dind`), compared
/// numerically part by part: `12.10 > 12.8`, and `12.8 < 12.8.0`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub Vec<u32>);

impl Version {
    /// Parses the leading `N(.N)*` of `s`, after an optional `v`:
    /// `17.3.1~beta` and `20.10.16-dind` stop at the first non-digit.
    pub fn parse(s: &str) -> Option<Version> {
        match Version::parse_prefix(s.trim().trim_start_matches('v'))? {
            (v, _, false) => Some(v),
            (_, _, true) => None,
        }
    }

    /// The `N(.N)*` at the very start of `s`, its length in bytes (`9` of
    /// `9-dind`, `20.10` of `20.10.x`), and whether a part was too large for
    /// a `u32` (it is then `u32::MAX`); `None` without a leading digit.
    fn parse_prefix(s: &str) -> Option<(Version, usize, bool)> {
        let mut parts = Vec::new();
        let (mut end, mut overflow) = (0, false);
        for piece in s.split('.') {
            let digits = piece.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                break;
            }
            let part = piece[..digits].parse().ok();
            overflow |= part.is_none();
            parts.push(part.unwrap_or(u32::MAX));
            // The dot before every part but the first.
            end += digits + usize::from(end > 0);
            if digits != piece.len() {
                break;
            }
        }
        (!parts.is_empty()).then_some((Version(parts), end, overflow))
    }

    /// The major version.
    pub fn major(&self) -> u32 {
        self.0.first().copied().unwrap_or(0)
    }

    /// `major.minor`, the part client and daemon must agree on (a missing
    /// minor counts as 0).
    pub fn major_minor(&self) -> (u32, u32) {
        (self.major(), self.0.get(1).copied().unwrap_or(0))
    }

    /// At least `major.minor`. A tag that names only the major (`docker:19`)
    /// follows that major's newest release, so a missing minor passes.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        let m = self.major();
        m > major || (m == major && self.0.get(1).is_none_or(|&n| n >= minor))
    }
}

/// Orders labels that hold versions, such as runner versions (`9.5.0` before
/// `16.11.0`) and image references (`docker:9-dind` before
/// `docker:20.10-dind`): wherever both labels have a version at the same
/// place, the two compare as [`Version`]s; the rest compares as text. Labels
/// that only differ in how a version is written (`007`, `7`) fall back to
/// their text, so distinct labels never compare equal.
pub fn version_order(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        let (Some(cx), Some(cy)) = (x.chars().next(), y.chars().next()) else {
            return x.len().cmp(&y.len()).then_with(|| a.cmp(b));
        };
        // Each label splits into versions and characters on its own (a part
        // too large for a u32 counts as u32::MAX), so this is a total order.
        if let (Some((vx, nx, _)), Some((vy, ny, _))) =
            (Version::parse_prefix(x), Version::parse_prefix(y))
        {
            let o = vx.cmp(&vy);
            if o.is_ne() {
                return o;
            }
            (x, y) = (&x[nx..], &y[ny..]);
        } else if cx != cy {
            return cx.cmp(&cy);
        } else {
            (x, y) = (&x[cx.len_utf8()..], &y[cy.len_utf8()..]);
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

// ---- image references -----------------------------------------------------

/// The parts of an image reference dindlog needs (not a full OCI parser).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag and digest, e.g. `registry.example.com/ci/docker`.
    pub repository: &'a str,
    /// The last path component of the repository, e.g. `docker`.
    pub name: &'a str,
    /// The tag, e.g. `24.0.5-dind`.
    pub tag: Option<&'a str>,
    /// Whether the reference pins a digest (`@sha256:...`).
    pub digest: bool,
}

impl<'a> ImageRef<'a> {
    /// Splits a reference; anything is accepted (a malformed one simply has
    /// odd parts).
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

    /// A Docker-in-Docker daemon image: a tag that says `dind`
    /// (`docker:24.0.5-dind`, `mirror/docker:dind-rootless`). The runner and
    /// the log only show the reference, so the tag is what tells.
    pub fn is_dind(&self) -> bool {
        self.tag.is_some_and(|t| t.contains("dind"))
    }

    /// The version at the start of the tag, if the tag starts with one.
    pub fn version(&self) -> Option<Version> {
        Version::parse(self.tag?)
    }

    /// The Docker version to suggest for a dind service next to this image:
    /// only a `docker` image says which version the job's client is.
    pub fn docker_version(&self) -> Option<Version> {
        self.version().filter(|_| self.is_docker())
    }

    /// Pinned: a version in the tag or a digest. `docker`, `docker:latest`,
    /// `docker:dind`, `docker:stable`, `docker:git` are not.
    pub fn is_pinned(&self) -> bool {
        self.digest || self.version().is_some()
    }

    /// Whether the reference starts with a registry host (`host.tld/...`,
    /// `host:5000/...`, `localhost/...`), which changes the service's hostname.
    pub fn has_registry_host(&self) -> bool {
        match self.repository.split_once('/') {
            Some((first, _)) => first.contains('.') || first.contains(':') || first == "localhost",
            None => false,
        }
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

/// The dind service image to suggest for a job whose image is `job_image`:
/// the same Docker version when the job runs a `docker:` image, otherwise the
/// documented default pinned pair. A `python:3.12` image says nothing about
/// Docker.
pub fn suggested_dind(job_image: Option<&str>) -> String {
    let version = job_image
        .and_then(|i| ImageRef::parse(i).docker_version())
        .map_or_else(|| DEFAULT_DOCKER_VERSION.to_string(), |v| v.to_string());
    format!("docker:{version}-dind")
}

// ---- DOCKER_HOST ------------------------------------------------------------

/// Where the docker CLI connects, read from `DOCKER_HOST` as the CLI reads it
/// (`opts.ParseHost` in docker/cli).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DockerHost {
    /// `tcp://host:port`; also a value without a scheme (`docker:2375`).
    Tcp {
        /// Host name or IP literal, without IPv6 brackets.
        host: String,
        /// The port; 2375 when the value names none.
        port: u16,
    },
    /// `unix:///path`.
    Unix(PathBuf),
    /// `npipe:////./pipe/name`: a Windows named pipe.
    Npipe(String),
    /// `ssh://[user@]host[:port]`: the CLI runs `docker system dial-stdio` over ssh.
    Ssh(String),
    /// `fd://`: a socket inherited from systemd (daemon side only).
    Fd(String),
}

/// Why the CLI refuses a `DOCKER_HOST`, in its own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DockerHostError {
    /// An unknown scheme (`http://`, `https://`, `bogus://`) or an address
    /// that is not `host[:port]`.
    InvalidBindAddress(String),
    /// `://` again after the scheme (`tcp://tcp://x`).
    InvalidProto {
        /// The scheme the value started with.
        expected: &'static str,
        /// The value as given.
        value: String,
    },
    /// A port that is not a number from 1 to 65535.
    InvalidPort(String),
}

impl fmt::Display for DockerHostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DockerHostError::InvalidBindAddress(v) => write!(f, "invalid bind address format: {v}"),
            DockerHostError::InvalidProto { expected, value } => {
                write!(f, "invalid proto, expected {expected}: {value}")
            }
            DockerHostError::InvalidPort(p) => write!(f, "invalid port {p:?}"),
        }
    }
}

impl std::error::Error for DockerHostError {}

impl DockerHost {
    /// Parses `DOCKER_HOST` as the CLI does. An empty value is the CLI's
    /// default: `unix:///var/run/docker.sock`, or `tcp://localhost:2376`
    /// when TLS is on (`DOCKER_TLS_VERIFY` set). A value without a port gets
    /// 2375 whatever TLS says: the CLI only uses 2376 for its own default.
    ///
    /// # Errors
    ///
    /// The CLI's: `invalid bind address format: http://...` for any scheme
    /// but `tcp`, `unix`, `npipe`, `ssh` and `fd`, and for an address that is
    /// not `host[:port]`; `invalid proto` for a second `://`.
    pub fn parse(value: &str, tls: bool) -> Result<DockerHost, DockerHostError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(if tls {
                DockerHost::Tcp { host: "localhost".into(), port: TLS_PORT }
            } else {
                DockerHost::Unix(PathBuf::from(DEFAULT_SOCKET))
            });
        }
        // The CLI reads a value without "://" as a tcp address.
        let (scheme, rest) = value.split_once("://").unwrap_or(("tcp", value));
        let simple = |expected: &'static str| {
            if rest.contains("://") {
                return Err(DockerHostError::InvalidProto { expected, value: rest.to_string() });
            }
            Ok(rest.to_string())
        };
        match scheme {
            "tcp" => parse_tcp(value, rest),
            "unix" => {
                let path = simple("unix")?;
                Ok(DockerHost::Unix(PathBuf::from(if path.is_empty() {
                    DEFAULT_SOCKET
                } else {
                    &path
                })))
            }
            "npipe" => {
                let pipe = simple("npipe")?;
                Ok(DockerHost::Npipe(if pipe.is_empty() {
                    "//./pipe/docker_engine".into()
                } else {
                    pipe
                }))
            }
            "ssh" => Ok(DockerHost::Ssh(value.to_string())),
            "fd" => Ok(DockerHost::Fd(value.to_string())),
            _ => Err(DockerHostError::InvalidBindAddress(value.to_string())),
        }
    }

    /// The host name a tcp or ssh address names.
    pub fn host_name(&self) -> Option<&str> {
        match self {
            DockerHost::Tcp { host, .. } => Some(host),
            DockerHost::Ssh(v) => {
                let rest = v.split_once("://").map_or(v.as_str(), |(_, r)| r);
                let rest = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
                rest.split([':', '/']).next().filter(|h| !h.is_empty())
            }
            _ => None,
        }
    }

    /// The tcp port, if it is a tcp address.
    pub fn port(&self) -> Option<u16> {
        match self {
            DockerHost::Tcp { port, .. } => Some(*port),
            _ => None,
        }
    }

    /// The scheme: `tcp`, `unix`, `npipe`, `ssh` or `fd`.
    pub fn scheme(&self) -> &'static str {
        match self {
            DockerHost::Tcp { .. } => "tcp",
            DockerHost::Unix(_) => "unix",
            DockerHost::Npipe(_) => "npipe",
            DockerHost::Ssh(_) => "ssh",
            DockerHost::Fd(_) => "fd",
        }
    }
}

/// The CLI's `ParseTCPAddr`: `host[:port][/path]`, userinfo ignored, an
/// empty host is `localhost`, an empty port 2375.
fn parse_tcp(value: &str, rest: &str) -> Result<DockerHost, DockerHostError> {
    let bad = || DockerHostError::InvalidBindAddress(value.to_string());
    if rest.contains("://") {
        return Err(DockerHostError::InvalidProto { expected: "tcp", value: value.to_string() });
    }
    // The URL's authority: up to the path, query or fragment, without userinfo.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let (h, after) = inner.split_once(']').ok_or_else(bad)?;
        match after {
            "" => (h, None),
            p => (h, Some(p.strip_prefix(':').ok_or_else(bad)?)),
        }
    } else {
        match authority.split_once(':') {
            // Go's SplitHostPort refuses "a:b:c" without brackets.
            Some((_, p)) if p.contains(':') => return Err(bad()),
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None | Some("") => PLAIN_PORT,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(DockerHostError::InvalidPort(p.to_string())),
        },
        Some(_) => return Err(bad()),
    };
    // Go's URL parser refuses spaces and control characters in a host.
    if host.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
        return Err(bad());
    }
    let host = if host.is_empty() { "localhost" } else { host };
    Ok(DockerHost::Tcp { host: host.to_string(), port })
}

impl fmt::Display for DockerHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DockerHost::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            DockerHost::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            DockerHost::Unix(p) => write!(f, "unix://{}", p.display()),
            DockerHost::Npipe(p) => write!(f, "npipe://{p}"),
            DockerHost::Ssh(v) | DockerHost::Fd(v) => f.write_str(v),
        }
    }
}

// ---- the stable hash -----------------------------------------------------

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
const SECOND_LANE_OFFSET: u64 = 0x6c62_272e_07bb_0142;

/// The one hash whose values dindlog persists (shard assignment, report
/// fingerprints): fixed, so a value is the same on every machine, run and
/// Rust version, which std's randomized hasher is not. Not for secrets.
///
/// The high 64 bits are FNV-1a 64; the low 64 bits a second lane (FNV-1a
/// steps from another offset, rotated each byte) so the 128 bits are not
/// two copies of one value.
pub fn stable_hash(bytes: &[u8]) -> u128 {
    let (mut a, mut b) = (FNV_OFFSET, SECOND_LANE_OFFSET);
    for &byte in bytes {
        a = (a ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        b = (b ^ u64::from(byte)).wrapping_mul(FNV_PRIME).rotate_left(5);
    }
    (u128::from(a) << 64) | u128::from(b)
}

/// [`stable_hash`] of parts, each followed by a unit separator (so `["ab",
/// "c"]` and `["a", "bc"]` differ), as 32 hex digits: a report fingerprint.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut joined = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts {
        joined.extend_from_slice(p.as_bytes());
        joined.push(0x1f);
    }
    format!("{:032x}", stable_hash(&joined))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_sort_as_versions() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("12.7.0") < v("12.8"));
        assert!(v("12.10") > v("12.8"));
        assert!(v("9.0") < v("10.0"), "numeric, not lexical");
        assert_eq!(v("17.3.1~beta.5"), v("17.3.1"));
        assert_eq!(v("v16.11.0"), Version(vec![16, 11, 0]));
        assert_eq!(v("20.10.16-dind-alpine3.16").to_string(), "20.10.16");
        assert_eq!(v("27-dind-rootless").to_string(), "27");
        assert!(Version::parse("beta").is_none() && Version::parse("dind").is_none());
        let mut list = [v("20.10"), v("9.3"), v("24.0.5"), v("24.0.10")];
        list.sort();
        let shown: Vec<String> = list.iter().map(Version::to_string).collect();
        assert_eq!(shown, ["9.3", "20.10", "24.0.5", "24.0.10"]);
    }

    #[test]
    fn labels_with_versions_sort_by_their_versions() {
        let sorted = |list: &[&'static str]| {
            let mut v = list.to_vec();
            v.sort_by(|a, b| version_order(a, b));
            v
        };
        // Runner versions, with pre-release suffixes and leading zeros.
        assert_eq!(
            sorted(&["16.11.0", "9.5.0", "16.2.1", "16.11.0~beta", "007", "17.10.0", "17.9.1"]),
            ["007", "9.5.0", "16.2.1", "16.11.0", "16.11.0~beta", "17.9.1", "17.10.0"]
        );
        // Image references: the tag's version, then the rest as text.
        assert_eq!(
            sorted(&[
                "docker:24.0.5-dind",
                "docker:dind",
                "docker:20.10-dind",
                "docker:9-dind",
                "docker:20.9-dind",
                "a",
                "mirror/docker:19.03.12-dind",
            ]),
            [
                "a",
                "docker:9-dind",
                "docker:20.9-dind",
                "docker:20.10-dind",
                "docker:24.0.5-dind",
                "docker:dind",
                "mirror/docker:19.03.12-dind",
            ]
        );
        // Plain versions order exactly as Version does.
        let plain = ["9", "9.0", "12.8", "12.8.0", "12.10", "20.10.16", "24.0.5", "24.0.10"];
        for a in plain {
            for b in plain {
                let want = Version::parse(a).cmp(&Version::parse(b));
                assert_eq!(version_order(a, b), want, "{a} vs {b}");
            }
        }
        // Distinct labels never tie; a part too large for u32 sorts last.
        assert_eq!(version_order("007", "7"), Ordering::Less);
        assert_eq!(version_order("1.99999999999", "1.100"), Ordering::Greater);
        assert_eq!(version_order("99999999999", "99999999998"), Ordering::Greater);
        assert!(Version::parse("1.99999999999").is_none());
    }

    #[test]
    fn version_thresholds() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("19.03.12").at_least(19, 3));
        assert!(!v("18.09").at_least(19, 3));
        assert!(v("20").at_least(19, 3) && v("19").at_least(19, 3));
        assert_eq!(v("24.0.5").major_minor(), v("24.0.7").major_minor());
        assert_ne!(v("20.10.16").major_minor(), v("24.0.5").major_minor());
    }

    #[test]
    fn image_references() {
        // (reference, repository, name, tag, version, dind, pinned)
        type Case<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>, bool, bool);
        let cases: &[Case<'_>] = &[
            ("docker", "docker", "docker", None, None, false, false),
            ("docker:dind", "docker", "docker", Some("dind"), None, true, false),
            ("docker:latest", "docker", "docker", Some("latest"), None, false, false),
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
                "registry.example.com:5000/ci/docker:24.0-dind",
                "registry.example.com:5000/ci/docker",
                "docker",
                Some("24.0-dind"),
                Some("24.0"),
                true,
                true,
            ),
            ("docker:dind@sha256:abc", "docker", "docker", Some("dind"), None, true, true),
            ("docker@sha256:abc", "docker", "docker", None, None, false, true),
            ("alpine:3.19", "alpine", "alpine", Some("3.19"), Some("3.19"), false, true),
            (
                "dind-helper/postgres:15",
                "dind-helper/postgres",
                "postgres",
                Some("15"),
                Some("15"),
                false,
                true,
            ),
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
            assert_eq!((i.repository, i.name, i.tag), (repo, name, tag), "{r}");
            assert_eq!(i.version().map(|v| v.to_string()).as_deref(), version, "{r}");
            assert_eq!((i.is_dind(), i.is_pinned()), (dind, pinned), "{r}");
        }
        assert!(ImageRef::parse("registry.example.com/mirror/docker:dind").has_registry_host());
        assert!(ImageRef::parse("localhost/docker:dind").has_registry_host());
        assert!(!ImageRef::parse("library/docker:dind").has_registry_host());
        assert_eq!(ImageRef::parse("docker:dind").service_hostnames(), ["docker"]);
        assert_eq!(
            ImageRef::parse("registry.example.com/ci/docker:24.0.5-dind").service_hostnames(),
            ["registry.example.com__ci__docker", "registry.example.com-ci-docker"]
        );
    }

    /// Regression (issue 13 §2): `python:3.12-slim` suggested `docker:3.12-dind`.
    #[test]
    fn dind_suggestions_come_from_docker_images_only() {
        assert_eq!(suggested_dind(Some("python:3.12-slim")), "docker:24.0.5-dind");
        assert_eq!(suggested_dind(Some("node:20")), "docker:24.0.5-dind");
        assert_eq!(suggested_dind(None), "docker:24.0.5-dind");
        assert_eq!(suggested_dind(Some("docker:latest")), "docker:24.0.5-dind");
        assert_eq!(suggested_dind(Some("docker:27.1.1")), "docker:27.1.1-dind");
        assert_eq!(suggested_dind(Some("mirror.example/ci/docker:25.0")), "docker:25.0-dind");
    }

    fn tcp(host: &str, port: u16) -> DockerHost {
        DockerHost::Tcp { host: host.into(), port }
    }

    /// As docker/cli's `opts.ParseHost` reads them.
    #[test]
    fn docker_hosts_the_cli_accepts() {
        let cases: &[(&str, bool, DockerHost)] = &[
            ("tcp://docker:2375", false, tcp("docker", 2375)),
            ("tcp://docker:2376/", true, tcp("docker", 2376)),
            ("tcp://docker", false, tcp("docker", 2375)),
            // Only the CLI's own default host follows TLS.
            ("tcp://docker", true, tcp("docker", 2375)),
            ("", true, tcp("localhost", 2376)),
            ("", false, DockerHost::Unix(DEFAULT_SOCKET.into())),
            ("docker:2375", false, tcp("docker", 2375)),
            ("tcp://127.0.0.1:1234", false, tcp("127.0.0.1", 1234)),
            ("tcp://[::1]:2375", false, tcp("::1", 2375)),
            ("tcp://[::1]", true, tcp("::1", 2375)),
            ("tcp://:2375", false, tcp("localhost", 2375)),
            ("tcp://", false, tcp("localhost", 2375)),
            ("tcp://host:", false, tcp("host", 2375)),
            (" tcp://:7777/path ", false, tcp("localhost", 7777)),
            ("[::1]:5555/path", false, tcp("::1", 5555)),
            ("tcp://admin:pw@docker:2376/base", false, tcp("docker", 2376)),
            ("unix:///var/run/docker.sock", false, DockerHost::Unix(DEFAULT_SOCKET.into())),
            ("unix://", false, DockerHost::Unix(DEFAULT_SOCKET.into())),
            ("ssh://me@host:22", false, DockerHost::Ssh("ssh://me@host:22".into())),
            (
                "npipe:////./pipe/docker_engine",
                false,
                DockerHost::Npipe("//./pipe/docker_engine".into()),
            ),
            ("fd://", false, DockerHost::Fd("fd://".into())),
        ];
        for (raw, tls, want) in cases {
            assert_eq!(DockerHost::parse(raw, *tls).as_ref(), Ok(want), "{raw}");
        }
        assert_eq!(
            DockerHost::parse("ssh://me@build-host:22", false).unwrap().host_name(),
            Some("build-host")
        );
        assert_eq!(tcp("::1", 2375).to_string(), "tcp://[::1]:2375");
        assert_eq!(tcp("docker", 2376).to_string(), "tcp://docker:2376");
    }

    #[test]
    fn docker_hosts_the_cli_refuses_with_its_words() {
        let err = |raw: &str| DockerHost::parse(raw, false).unwrap_err().to_string();
        assert_eq!(
            err("http://127.0.0.1:23750"),
            "invalid bind address format: http://127.0.0.1:23750"
        );
        assert_eq!(err("https://docker:2376"), "invalid bind address format: https://docker:2376");
        assert_eq!(err("bogus://x"), "invalid bind address format: bogus://x");
        assert_eq!(err("TCP://docker:2375"), "invalid bind address format: TCP://docker:2375");
        assert_eq!(err("tcp://tcp://docker"), "invalid proto, expected tcp: tcp://tcp://docker");
        assert_eq!(err("unix://unix:///x"), "invalid proto, expected unix: unix:///x");
        // docker/cli's own invalid examples (opts/hosts_test.go).
        for raw in ["something with spaces", "://", "unknown://", "tcp://:port", "tcp:a.b.c.d"] {
            assert!(DockerHost::parse(raw, false).is_err(), "{raw}");
        }
        // The CLI accepts a port past 65535 and fails when it dials; doctor
        // cannot dial it either, so it is an error here at once.
        for raw in [
            "tcp://docker:abc",
            "tcp://docker:0",
            "tcp://docker:99999",
            "tcp://[::1",
            "tcp://a:b:c",
        ] {
            assert!(DockerHost::parse(raw, false).is_err(), "{raw}");
        }
    }

    /// The values persisted before the hashes were merged into one: shard
    /// assignment (walk) and scan's Code Quality fingerprints must not move.
    #[test]
    fn stable_hash_keeps_the_persisted_values() {
        // FNV-1a 64 reference vectors (the high lane).
        assert_eq!((stable_hash(b"") >> 64) as u64, 0xcbf2_9ce4_8422_2325);
        assert_eq!((stable_hash(b"a") >> 64) as u64, 0xaf63_dc4c_8601_ec8c);
        assert_eq!((stable_hash(b"foobar") >> 64) as u64, 0x8594_4171_f739_67e8);
        // The fingerprint the old report writer computed for these parts.
        let old = |parts: &[&str]| {
            let mut a: u64 = 0xcbf2_9ce4_8422_2325;
            let mut b: u64 = 0x6c62_272e_07bb_0142;
            for p in parts {
                for &byte in p.as_bytes().iter().chain(b"\x1f") {
                    a = (a ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
                    b = (b ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
                }
            }
            format!("{a:016x}{b:016x}")
        };
        for parts in [&["job.log", "daemon-tls-port", "12"][..], &[][..], &["a", "bc"][..]] {
            assert_eq!(fingerprint(parts), old(parts), "{parts:?}");
        }
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        // The shard assignment walk made with its own FNV loop.
        let old_shard = |name: &str, n: u32| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for &b in name.as_bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
            h ^= h >> 30;
            h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
            h ^= h >> 27;
            h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
            h ^= h >> 31;
            (h % u64::from(n)) as u32 + 1
        };
        for name in ["", "job.log", "logs/123/trace.log", "ä/ü.log"] {
            for n in [1, 2, 3, 8, 17] {
                assert_eq!(crate::walk::shard_of(name, n), old_shard(name, n), "{name} {n}");
            }
        }
    }
}
