//! `dindlog lint` on a `.gitlab-ci.yml` and, after a `\0` in the input, a
//! runner `config.toml`: a report or a typed error, never a panic (YAML
//! aliases, deep nesting and broken TOML included).
#![no_main]

use dindlog::lint::lint_str;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (yaml, toml) = match text.split_once('\0') {
        Some((y, t)) => (y, Some(t)),
        None => (text, None),
    };
    let _ = lint_str(yaml, ".gitlab-ci.yml", toml.map(|t| (t, "config.toml")));
    if let Some(t) = toml {
        let _ = lint_str("job:\n  script: [docker info]\n", ".gitlab-ci.yml", Some((t, "config.toml")));
    }
});
