//! `Signature::from_toml` on arbitrary UTF-8: `Ok` or `Err`, never a panic.
//! A signature that loads must be usable: every example line can be
//! confirmed without a panic, and a regex that does not compile (the
//! built-ins' loader only checks the syntax and the parsed size) must make
//! the same file fail to load from a user directory.
#![no_main]

use std::path::Path;

use dindlog::{Signature, SignatureSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // An origin without a file stem, so the id/file-name check does not
    // reject most inputs before the interesting parts.
    let Ok(sig) = Signature::from_toml(text, Path::new("")) else { return };
    let ex = &sig.examples;
    let mut compiles = true;
    for p in &sig.patterns {
        for r in p.regex.iter().chain(&p.not_regex) {
            compiles &= r.get().is_some();
        }
        for line in ex.matches.iter().chain(&ex.no_matches) {
            let _ = p.confirm(line.as_bytes());
        }
    }
    if !compiles {
        let dir = std::env::temp_dir().join(format!("dindlog-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{}.toml", sig.id)), text).unwrap();
        let user = SignatureSet::new(Vec::new()).unwrap().with_dir(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(user.is_err(), "a user file with a regex that does not compile loaded");
    }
    // Also through the id check, with a matching and a mismatching file name.
    let ok = Signature::from_toml(text, &Path::new("sigs").join(format!("{}.toml", sig.id)));
    assert!(ok.is_ok(), "{:?}", ok.err());
    if sig.id != "x" {
        assert!(Signature::from_toml(text, Path::new("sigs/x.toml")).is_err());
    }
});
