//! Reading the repository: the configuration files and the `include:local` files, with wildcard includes.

use std::io;
use std::path::{Path, PathBuf};

use super::error::LintError;
use super::pipeline::{Loader, Read};

/// Most directory entries a wildcard include may visit, so a pattern like
/// `**.yml` in a large checkout stays cheap.
const MAX_WALK: usize = 20_000;

pub(crate) fn read(path: &Path) -> Result<String, LintError> {
    std::fs::read_to_string(path).map_err(|e| LintError::Io {
        path: path.to_string_lossy().into_owned(),
        message: crate::error::io_message(&e),
    })
}

/// The repository the CI configuration lives in: its directory is the root.
pub(crate) struct Repo {
    root: PathBuf,
}

impl Repo {
    pub fn new(ci_config: &Path) -> Repo {
        Repo { root: ci_config.parent().map(Path::to_path_buf).unwrap_or_default() }
    }
}

impl Loader for Repo {
    fn read(&self, path: &str) -> Read {
        match std::fs::read_to_string(self.root.join(path)) {
            Ok(t) => Read::Text(t),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Read::NotFound,
            Err(e) => Read::Failed(crate::error::io_message(&e)),
        }
    }

    fn display(&self, path: &str) -> String {
        if self.root.as_os_str().is_empty() {
            path.to_string()
        } else {
            // Keep the relative form the user gave, with '/' separators.
            format!("{}/{}", self.root.to_string_lossy().trim_end_matches('/'), path)
        }
    }

    fn glob(&self, pattern: &str) -> Option<Vec<String>> {
        // Walk only below the part of the pattern without wildcards.
        let fixed: Vec<&str> = pattern.split('/').take_while(|c| !c.contains('*')).collect();
        let base = fixed.join("/");
        let mut found = Vec::new();
        let mut todo = vec![base.clone()];
        let mut visited = 0usize;
        while let Some(dir) = todo.pop() {
            let Ok(entries) = std::fs::read_dir(self.root.join(&dir)) else { continue };
            for e in entries.flatten() {
                visited += 1;
                if visited > MAX_WALK {
                    break;
                }
                let name = e.file_name().to_string_lossy().into_owned();
                if name == ".git" {
                    continue;
                }
                let rel = if dir.is_empty() { name } else { format!("{dir}/{name}") };
                match e.file_type() {
                    Ok(t) if t.is_dir() => todo.push(rel),
                    Ok(t) if t.is_file() && glob_match(pattern, &rel) => found.push(rel),
                    _ => {}
                }
            }
        }
        found.sort();
        Some(found)
    }
}

/// For `lint_str`: no repository, so includes are noted, not followed.
pub(crate) struct NoRepo;

impl Loader for NoRepo {
    fn read(&self, _: &str) -> Read {
        Read::NoRoot
    }
    fn display(&self, path: &str) -> String {
        path.to_string()
    }
    fn glob(&self, _: &str) -> Option<Vec<String>> {
        None
    }
}

/// Matches a repository path against an include pattern: `*` stays within
/// one directory, `**` crosses directories, and `**/` also matches none.
pub(crate) fn glob_match(pattern: &str, path: &str) -> bool {
    fn go(p: &[u8], s: &[u8], budget: &mut u32) -> bool {
        // The budget bounds backtracking on hostile patterns.
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match p {
            [] => s.is_empty(),
            [b'*', b'*', b'/', rest @ ..] => {
                (0..=s.len()).any(|i| (i == 0 || s[i - 1] == b'/') && go(rest, &s[i..], budget))
            }
            [b'*', b'*', rest @ ..] => (0..=s.len()).any(|i| go(rest, &s[i..], budget)),
            [b'*', rest @ ..] => (0..=s.len())
                .take_while(|&i| i == 0 || s[i - 1] != b'/')
                .any(|i| go(rest, &s[i..], budget)),
            [c, rest @ ..] => s.first() == Some(c) && go(rest, &s[1..], budget),
        }
    }
    go(pattern.as_bytes(), path.as_bytes(), &mut 100_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_table() {
        let cases = [
            ("ci/*.yml", "ci/a.yml", true),
            ("ci/*.yml", "ci/sub/a.yml", false),
            ("ci/**.yml", "ci/sub/a.yml", true),
            ("ci/**/*.yml", "ci/a.yml", true),
            ("ci/**/*.yml", "ci/x/y/a.yml", true),
            ("*.yml", "a.yaml", false),
            ("ci/a.yml", "ci/a.yml", true),
        ];
        for (p, s, want) in cases {
            assert_eq!(glob_match(p, s), want, "{p} ~ {s}");
        }
        // Backtracking is bounded: this would take forever unbounded.
        assert!(!glob_match(&("*a".repeat(20) + "c"), &"a".repeat(60)));
    }

    #[test]
    fn display_keeps_the_given_directory() {
        assert_eq!(Repo::new(Path::new(".gitlab-ci.yml")).display("ci/a.yml"), "ci/a.yml");
        assert_eq!(
            Repo::new(Path::new("corpus/lint/x.yml")).display("ci/a.yml"),
            "corpus/lint/ci/a.yml"
        );
    }
}
