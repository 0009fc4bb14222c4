//! The signature files compiled into the binary, listed explicitly so a file cannot be forgotten.

/// `(file name, contents)` of every built-in signature, sorted by id.
pub const BUILTIN: &[(&str, &str)] = &[
    ("buildah-storage.toml", include_str!("../../signatures/buildah-storage.toml")),
    ("buildx-cache-driver.toml", include_str!("../../signatures/buildx-cache-driver.toml")),
    ("cgroup-mountpoint.toml", include_str!("../../signatures/cgroup-mountpoint.toml")),
    ("compose-missing.toml", include_str!("../../signatures/compose-missing.toml")),
    ("container-name-conflict.toml", include_str!("../../signatures/container-name-conflict.toml")),
    ("custom-ca.toml", include_str!("../../signatures/custom-ca.toml")),
    ("daemon-tls-port.toml", include_str!("../../signatures/daemon-tls-port.toml")),
    ("daemon-unix-socket.toml", include_str!("../../signatures/daemon-unix-socket.toml")),
    ("dind-iptables.toml", include_str!("../../signatures/dind-iptables.toml")),
    ("dind-mtu.toml", include_str!("../../signatures/dind-mtu.toml")),
    ("dind-not-privileged.toml", include_str!("../../signatures/dind-not-privileged.toml")),
    ("dind-service-missing.toml", include_str!("../../signatures/dind-service-missing.toml")),
    ("docker-cli-missing.toml", include_str!("../../signatures/docker-cli-missing.toml")),
    (
        "executor-daemon-unreachable.toml",
        include_str!("../../signatures/executor-daemon-unreachable.toml"),
    ),
    ("k8s-service-localhost.toml", include_str!("../../signatures/k8s-service-localhost.toml")),
    ("log-truncated.toml", include_str!("../../signatures/log-truncated.toml")),
    ("proxy.toml", include_str!("../../signatures/proxy.toml")),
    ("rate-limit.toml", include_str!("../../signatures/rate-limit.toml")),
    ("registry-auth.toml", include_str!("../../signatures/registry-auth.toml")),
    ("registry-empty-variable.toml", include_str!("../../signatures/registry-empty-variable.toml")),
    ("rootless-buildkit.toml", include_str!("../../signatures/rootless-buildkit.toml")),
    ("service-alias.toml", include_str!("../../signatures/service-alias.toml")),
    ("service-not-ready.toml", include_str!("../../signatures/service-not-ready.toml")),
    ("socket-permission.toml", include_str!("../../signatures/socket-permission.toml")),
    ("storage-driver.toml", include_str!("../../signatures/storage-driver.toml")),
    ("tls-certs-missing.toml", include_str!("../../signatures/tls-certs-missing.toml")),
    ("unpinned-image.toml", include_str!("../../signatures/unpinned-image.toml")),
];

#[cfg(test)]
mod tests {
    use super::BUILTIN;

    /// Adding a file to `signatures/` without listing it here (or the reverse)
    /// fails this test.
    #[test]
    fn list_equals_directory() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/signatures");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let listed: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(listed, on_disk);
    }
}
