//! Removes credentials from evidence text before any report shows it: GitLab tokens, auth headers, passwords, URL credentials, registry auth, AWS keys.

use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

use aho_corasick::AhoCorasick;

use regex::{Captures, Regex};

/// What replaces a secret.
pub const MASK: &str = "[REDACTED]";

struct Rule {
    source: &'static str,
    /// The capture group holding the secret; the rest of the match stays.
    group: usize,
    /// Cheap test before the regex: a match needs one of these. Regexes that
    /// ignore case list the spellings seen in logs.
    triggers: &'static [&'static str],
    /// Compiled on first need: most evidence lines hold no trigger of most
    /// rules, and compiling all of them was a tenth of a short scan's start-up.
    re: OnceLock<Regex>,
}

const fn rule(source: &'static str, group: usize, triggers: &'static [&'static str]) -> Rule {
    Rule { source, group, triggers, re: OnceLock::new() }
}

const TOKEN: &[&str] = &["token", "TOKEN", "Token"];

static RULES: [Rule; 10] = [
    // GitLab personal, deploy, runner, pipeline-trigger, CI build, OAuth... tokens.
    rule(
        r"\b(gl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt|agent|ffct|rtr)-[0-9A-Za-z_\-]{16,})",
        1,
        &[
            "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-", "glsoat-", "glft-", "glimt-",
            "glagent-", "glffct-", "glrtr-",
        ],
    ),
    // Credentials in URLs: https://gitlab-ci-token:TOKEN@host, https://user:pass@host.
    rule(r"(?i)\b[a-z][a-z0-9+.\-]*://[^\s/:@]+:([^\s@/]+)@", 1, &["@"]),
    // HTTP headers.
    rule(
        r#"(?i)\b(?:authorization|proxy-authorization)\s*[:=]\s*(?:(?:bearer|basic|token)\s+)?([^\s,;"']+)"#,
        1,
        &["uthorization", "UTHORIZATION"],
    ),
    rule(r#"(?i)\b(?:private-token|job-token|deploy-token)\s*[:=]\s*([^\s,;"']+)"#, 1, TOKEN),
    // docker/podman/buildah login passwords on the command line.
    rule(r"\blogin\b.*?\s(?:-p|--password)(?:\s+|=)([^\s]+)", 1, &["login"]),
    // Registry auth in DOCKER_AUTH_CONFIG / config.json payloads.
    rule(
        r#""(?:auth|identitytoken|password|registrytoken)"\s*:\s*"([^"]+)""#,
        1,
        &["\"auth\"", "\"identitytoken\"", "\"password\"", "\"registrytoken\""],
    ),
    rule(r"\bDOCKER_AUTH_CONFIG\s*[=:]\s*(.+)$", 1, &["DOCKER_AUTH_CONFIG"]),
    // AWS access key ids and secret keys.
    rule(r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b", 1, &["AKIA", "ASIA"]),
    rule(
        r"(?i)\baws_secret_access_key\s*[=:]\s*([A-Za-z0-9/+=]{20,})",
        1,
        &["ws_secret", "WS_SECRET"],
    ),
    // Masked-variable style assignments of obviously secret names.
    rule(
        r"(?i)\b[A-Z0-9_]*(?:PASSWORD|SECRET|TOKEN)\s*=\s*([^\s]+)",
        1,
        &[
            "PASSWORD", "SECRET", "TOKEN", "Password", "Secret", "Token", "password", "secret",
            "token",
        ],
    ),
];

impl Rule {
    fn regex(&self) -> &Regex {
        // Fixed patterns reviewed by the tests below; a failure to compile is a bug.
        self.re.get_or_init(|| Regex::new(self.source).expect("redaction regex"))
    }
}

/// Every rule's triggers in one automaton, with the rule of each: one pass
/// over a line tells which rules may apply (a `contains` per trigger was a
/// twentieth of a bulk scan, where every file records fresh evidence).
static TRIGGERS: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let (words, rules): (Vec<&str>, Vec<usize>) =
        RULES.iter().enumerate().flat_map(|(i, r)| r.triggers.iter().map(move |t| (*t, i))).unzip();
    // Fixed strings reviewed by the tests below.
    (AhoCorasick::new(words).expect("redaction triggers"), rules)
});

/// Returns `text` with every credential replaced by [`MASK`].
pub fn redact(text: &str) -> Cow<'_, str> {
    let (triggers, rule_of) = &*TRIGGERS;
    let mut armed = [false; RULES.len()];
    for m in triggers.find_overlapping_iter(text) {
        armed[rule_of[m.pattern().as_usize()]] = true;
    }
    let mut out = Cow::Borrowed(text);
    // Masking only removes text (MASK holds no trigger), so a rule the
    // original line did not arm cannot apply after another rule's mask.
    for (rule, _) in RULES.iter().zip(armed).filter(|(_, armed)| *armed) {
        if !rule.triggers.iter().any(|t| out.contains(t)) || !rule.regex().is_match(&out) {
            continue;
        }
        let replaced = rule
            .regex()
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

    /// What `redact` relies on to arm rules once, on the original line.
    #[test]
    fn the_mask_holds_no_trigger() {
        for rule in &RULES {
            for t in rule.triggers {
                assert!(!MASK.contains(t), "{t:?}");
            }
        }
        // Two rules on one line, the second armed by the original text.
        let both = "docker login -p s3cr3t https://u:pw@registry.example.com TOKEN=abc";
        let masked = redact(both);
        assert!(!masked.contains("s3cr3t") && !masked.contains("pw@") && !masked.contains("abc"));
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
