//! The signature files compiled into the binary, listed explicitly so a file cannot be forgotten.

/// `(file name, contents)` of every built-in signature, sorted by id.
pub const BUILTIN: &[(&str, &str)] = &[];

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
