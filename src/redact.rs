//! Removes credentials from evidence text before any report shows it: GitLab tokens, auth headers, passwords, URL credentials, registry auth, AWS keys.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// What replaces a secret.
pub const MASK: &str = "[REDACTED]";

struct Rule {
    re: Regex,
    /// The capture group holding the secret; the rest of the match stays.
    group: usize,
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    // Fixed patterns reviewed by the tests below; a failure to compile is a bug.
    let rule =
        |re: &str, group: usize| Rule { re: Regex::new(re).expect("redaction regex"), group };
    vec![
        // GitLab personal, deploy, runner, pipeline-trigger, CI build, OAuth... tokens.
        rule(r"\b(gl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt|agent|ffct|rtr)-[0-9A-Za-z_\-]{16,})", 1),
        // Credentials in URLs: https://gitlab-ci-token:TOKEN@host, https://user:pass@host.
        rule(r"(?i)\b[a-z][a-z0-9+.\-]*://[^\s/:@]+:([^\s@/]+)@", 1),
        // HTTP headers.
        rule(
            r#"(?i)\b(?:authorization|proxy-authorization)\s*[:=]\s*(?:(?:bearer|basic|token)\s+)?([^\s,;"']+)"#,
            1,
        ),
        rule(r#"(?i)\b(?:private-token|job-token|deploy-token)\s*[:=]\s*([^\s,;"']+)"#, 1),
        // docker/podman/buildah login passwords on the command line.
        rule(r"\blogin\b.*?\s(?:-p|--password)(?:\s+|=)([^\s]+)", 1),
        // Registry auth in DOCKER_AUTH_CONFIG / config.json payloads.
        rule(r#""(?:auth|identitytoken|password|registrytoken)"\s*:\s*"([^"]+)""#, 1),
        rule(r"\bDOCKER_AUTH_CONFIG\s*[=:]\s*(.+)$", 1),
        // AWS access key ids and secret keys.
        rule(r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b", 1),
        rule(r"(?i)\baws_secret_access_key\s*[=:]\s*([A-Za-z0-9/+=]{20,})", 1),
        // Masked-variable style assignments of obviously secret names.
        rule(r"(?i)\b[A-Z0-9_]*(?:PASSWORD|SECRET|TOKEN)\s*=\s*([^\s]+)", 1),
    ]
});

/// Cheap test before the regexes: every rule needs one of these bytes sequences.
const TRIGGERS: &[&str] = &[
    "gl",
    "://",
    "uthorization",
    "UTHORIZATION",
    "token",
    "TOKEN",
    "Token",
    "-p",
    "--password",
    "\"auth",
    "identitytoken",
    "password",
    "registrytoken",
    "DOCKER_AUTH_CONFIG",
    "AKIA",
    "ASIA",
    "ws_secret",
    "WS_SECRET",
    "PASSWORD",
    "SECRET",
    "Password",
    "Secret",
    "secret",
];

/// Returns `text` with every credential replaced by [`MASK`].
pub fn redact(text: &str) -> Cow<'_, str> {
    if !TRIGGERS.iter().any(|t| text.contains(t)) {
        return Cow::Borrowed(text);
    }
    let mut out = Cow::Borrowed(text);
    for rule in RULES.iter() {
        if !rule.re.is_match(&out) {
            continue;
        }
        let replaced = rule
            .re
            .replace_all(&out, |c: &Captures<'_>| {
                let whole = c.get(0).map_or("", |m| m.as_str());
                match c.get(rule.group) {
                    Some(secret) if secret.as_str() != MASK => {
                        let start = secret.start() - c.get(0).map_or(0, |m| m.start());
                        format!("{}{MASK}{}", &whole[..start], &whole[start + secret.len()..])
                    }
                    _ => whole.to_string(),
                }
            })
            .into_owned();
        out = Cow::Owned(replaced);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked() {
        let cases = [
            ("token glpat-AbCdEfGhIjKlMnOpQrSt12 used", "token [REDACTED] used"),
            ("gldt-0123456789abcdefABCD and glrt-t1_AbCdEfGhIjKlMnOpQrSt", "[REDACTED] and [REDACTED]"),
            (
                "fatal: unable to access 'https://gitlab-ci-token:64_sEcReTjObToKeN@gitlab.example.com/g/p.git/'",
                "fatal: unable to access 'https://gitlab-ci-token:[REDACTED]@gitlab.example.com/g/p.git/'",
            ),
            ("proxyconnect tcp: http://bob:hunter2@proxy:3128", "proxyconnect tcp: http://bob:[REDACTED]@proxy:3128"),
            ("Authorization: Bearer eyJhbGciOi.x.y", "Authorization: Bearer [REDACTED]"),
            ("curl --header \"PRIVATE-TOKEN: abc123def\" https://x", "curl --header \"PRIVATE-TOKEN: [REDACTED]\" https://x"),
            ("$ docker login -u deploy -p s3cr3t! registry.example.com", "$ docker login -u deploy -p [REDACTED] registry.example.com"),
            ("$ docker login --password=s3cr3t registry", "$ docker login --password=[REDACTED] registry"),
            (r#"{"auths":{"registry.example.com":{"auth":"ZGVwbG95OnMzY3IzdA=="}}}"#, r#"{"auths":{"registry.example.com":{"auth":"[REDACTED]"}}}"#),
            ("export DOCKER_AUTH_CONFIG={\"auths\":{}}", "export DOCKER_AUTH_CONFIG=[REDACTED]"),
            ("key AKIAIOSFODNN7EXAMPLE here", "key [REDACTED] here"),
            ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED]"),
            ("CI_REGISTRY_PASSWORD=hunter2 docker login", "CI_REGISTRY_PASSWORD=[REDACTED] docker login"),
        ];
        for (raw, want) in cases {
            assert_eq!(redact(raw), want, "{raw}");
        }
    }

    #[test]
    fn ordinary_lines_are_untouched() {
        for line in [
            "Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?",
            "error during connect: Get \"https://docker:2376/v1.24/info\": dial tcp: lookup docker on 10.0.0.2:53: no such host",
            "unauthorized: incorrect username or password",
            "Login Succeeded",
            "WARNING! Using --password via the CLI is insecure. Use --password-stdin.",
            "docker build -t registry.example.com/g/p:1.0 -f Dockerfile .",
            "glob pattern matched",
        ] {
            assert_eq!(redact(line), line);
        }
    }
}
