//! Looks for the docker and compose programs the way a shell and the docker CLI do, without running them.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The first executable regular file called `name` in a `PATH` value.
pub fn find_in_path(path: Option<&OsStr>, name: &str) -> Option<PathBuf> {
    std::env::split_paths(path?)
        // An empty PATH entry means the current directory to a shell; doctor
        // does not guess what that is in the job.
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// The first executable `docker-compose` plugin in `dirs`.
pub fn find_plugin(dirs: &[PathBuf]) -> Option<PathBuf> {
    dirs.iter().map(|d| d.join("docker-compose")).find(|p| is_executable(p))
}

/// The CLI's plugin directories: the user's (`$DOCKER_CONFIG/cli-plugins`,
/// else `~/.docker/cli-plugins`) and the system ones under `root`.
pub fn plugin_dirs(docker_config: Option<&str>, home: Option<&Path>, root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    match (docker_config.filter(|c| !c.is_empty()), home) {
        (Some(cfg), _) => dirs.push(Path::new(cfg).join("cli-plugins")),
        (None, Some(h)) => dirs.push(h.join(".docker/cli-plugins")),
        (None, None) => {}
    }
    for sys in [
        "usr/local/lib/docker/cli-plugins",
        "usr/local/libexec/docker/cli-plugins",
        "usr/lib/docker/cli-plugins",
        "usr/libexec/docker/cli-plugins",
    ] {
        dirs.push(root.join(sys));
    }
    dirs
}

fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_plugin_dir_prefers_docker_config() {
        let d = plugin_dirs(Some("/cfg"), Some(Path::new("/home/u")), Path::new("/r"));
        assert_eq!(d[0], PathBuf::from("/cfg/cli-plugins"));
        assert_eq!(d[1], PathBuf::from("/r/usr/local/lib/docker/cli-plugins"));
        let d = plugin_dirs(None, Some(Path::new("/home/u")), Path::new("/"));
        assert_eq!(d[0], PathBuf::from("/home/u/.docker/cli-plugins"));
        assert_eq!(plugin_dirs(Some(""), None, Path::new("/")).len(), 4);
    }

    #[test]
    fn no_path_finds_nothing() {
        assert_eq!(find_in_path(None, "sh"), None);
        assert_eq!(find_in_path(Some(OsStr::new("")), "sh"), None);
    }
}
