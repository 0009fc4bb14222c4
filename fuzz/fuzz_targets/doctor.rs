//! `doctor`'s parsers of what it does not control: a daemon's HTTP answer
//! (status line, headers, chunked or sized bodies, at any read size) and the
//! `DOCKER_HOST` value. Errors are values; nothing panics or grows unbounded.
#![no_main]

use dindlog::docker::DockerHost;
use dindlog::doctor::http;
use dindlog::fuzzing::Trickle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let step = data.first().map_or(1, |&b| usize::from(b.max(1)));
    if let Ok(r) = http::read_response(&mut Trickle::new(data, step)) {
        let _ = r.text();
        let _ = r.header("Api-Version");
    }
    if let Ok(s) = std::str::from_utf8(data) {
        for tls in [false, true] {
            if let Ok(h) = DockerHost::parse(s, tls) {
                let _ = (h.to_string(), h.host_name(), h.port());
            }
        }
    }
});
