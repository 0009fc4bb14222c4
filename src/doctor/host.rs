//! Reads `DOCKER_HOST` the way the docker CLI does, into an endpoint doctor can dial.

use std::fmt;
use std::path::PathBuf;

/// The daemon's documented TLS port; dind 19.03+ serves it when `DOCKER_TLS_CERTDIR` is set.
pub const TLS_PORT: u16 = 2376;
/// The daemon's documented plain-TCP port.
pub const PLAIN_PORT: u16 = 2375;
/// The socket the CLI falls back to when `DOCKER_HOST` is unset.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// Where the client would connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `tcp://host:port` (also `http://`, `https://` and a bare `host:port`).
    Tcp {
        /// Host name or IP literal, without IPv6 brackets.
        host: String,
        /// Port, defaulted like the CLI does.
        port: u16,
    },
    /// `unix:///path`.
    Unix(PathBuf),
    /// A scheme doctor cannot test (`ssh://`, `npipe://`, `fd://`).
    Unsupported(String),
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            Endpoint::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Endpoint::Unix(p) => write!(f, "unix://{}", p.display()),
            Endpoint::Unsupported(s) => f.write_str(s),
        }
    }
}

/// Why a `DOCKER_HOST` value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    /// The port is not a number from 1 to 65535.
    BadPort(String),
    /// `unix://` without a path, or a host with unbalanced brackets.
    Malformed(&'static str),
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::BadPort(p) => write!(f, "invalid port {p:?}"),
            HostError::Malformed(why) => f.write_str(why),
        }
    }
}

/// Parses a non-empty `DOCKER_HOST`. Without a port, tcp defaults to 2376
/// when TLS is on and 2375 otherwise, as the CLI does.
pub fn parse(value: &str, tls: bool) -> Result<Endpoint, HostError> {
    let value = value.trim();
    // The CLI reads a value without "://" as tcp.
    let (scheme, rest) = value.split_once("://").unwrap_or(("tcp", value));
    match scheme.to_ascii_lowercase().as_str() {
        "tcp" | "http" | "https" => parse_tcp(rest, tls),
        "unix" => {
            if rest.is_empty() {
                return Err(HostError::Malformed("unix:// needs a socket path"));
            }
            Ok(Endpoint::Unix(PathBuf::from(rest)))
        }
        _ => Ok(Endpoint::Unsupported(value.to_string())),
    }
}

fn parse_tcp(rest: &str, tls: bool) -> Result<Endpoint, HostError> {
    // A base path after the authority is allowed by the CLI and irrelevant here.
    let authority = rest.split('/').next().unwrap_or("");
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let (h, after) =
            inner.split_once(']').ok_or(HostError::Malformed("unbalanced [ in the host"))?;
        (h, after.strip_prefix(':'))
    } else if authority.matches(':').count() > 1 {
        // A bare IPv6 literal without brackets has no port.
        (authority, None)
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None | Some("") => {
            if tls {
                TLS_PORT
            } else {
                PLAIN_PORT
            }
        }
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(HostError::BadPort(p.to_string())),
        },
    };
    let host = if host.is_empty() { "localhost" } else { host };
    Ok(Endpoint::Tcp { host: host.to_string(), port })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(host: &str, port: u16) -> Endpoint {
        Endpoint::Tcp { host: host.into(), port }
    }

    #[test]
    fn forms_the_cli_accepts() {
        let cases: &[(&str, bool, Endpoint)] = &[
            ("tcp://docker:2375", false, tcp("docker", 2375)),
            ("tcp://docker:2376/", true, tcp("docker", 2376)),
            ("tcp://docker", false, tcp("docker", 2375)),
            ("tcp://docker", true, tcp("docker", 2376)),
            ("docker:2375", false, tcp("docker", 2375)),
            ("TCP://127.0.0.1:1234", false, tcp("127.0.0.1", 1234)),
            ("tcp://[::1]:2375", false, tcp("::1", 2375)),
            ("tcp://[::1]", true, tcp("::1", 2376)),
            ("tcp://:2375", false, tcp("localhost", 2375)),
            ("unix:///var/run/docker.sock", false, Endpoint::Unix(DEFAULT_SOCKET.into())),
            ("ssh://me@host", false, Endpoint::Unsupported("ssh://me@host".into())),
        ];
        for (raw, tls, want) in cases {
            assert_eq!(parse(raw, *tls).as_ref(), Ok(want), "{raw}");
        }
    }

    #[test]
    fn bad_values_are_errors() {
        for raw in
            ["tcp://docker:0", "tcp://docker:99999", "tcp://docker:abc", "unix://", "tcp://[::1"]
        {
            assert!(parse(raw, false).is_err(), "{raw}");
        }
    }

    #[test]
    fn display_round_trips() {
        assert_eq!(tcp("::1", 2375).to_string(), "tcp://[::1]:2375");
        assert_eq!(tcp("docker", 2376).to_string(), "tcp://docker:2376");
    }
}
