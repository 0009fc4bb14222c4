//! The signature files compiled into the binary: `build.rs` embeds every `signatures/*.toml`.

/// `(file name, contents)` of every built-in signature, sorted by file name.
pub const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_signatures.rs"));

#[cfg(test)]
mod tests {
    use super::BUILTIN;

    /// The embedded set is exactly the directory (build.rs reruns when it changes).
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
