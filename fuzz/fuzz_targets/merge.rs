//! `dindlog merge` on arbitrary JSON documents (split at `\0`): a merged
//! report or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let docs: Vec<serde_json::Value> = data
        .split(|&b| b == 0)
        .filter_map(|d| serde_json::from_slice(d).ok())
        .collect();
    let _ = dindlog::merge::merge_json(docs);
});
