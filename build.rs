//! Embeds every `signatures/*.toml` file: the directory is the registry, so adding a
//! failure class is adding one file (no list to keep in step with it).

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("signatures");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("signatures/ is readable")
        .map(|e| e.expect("signatures/ entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut out = String::from("&[\n");
    for name in &names {
        println!("cargo:rerun-if-changed={}", dir.join(name).display());
        let path = dir.join(name);
        writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    out.push(']');
    let dest = Path::new(&env::var("OUT_DIR").expect("OUT_DIR set by cargo"))
        .join("builtin_signatures.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
