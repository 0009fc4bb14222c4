use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::Value;

use crate::util::{cmd, dir, run, write};

const TLS_LOG: &[u8] = b"\x1b[0KRunning with gitlab-runner 17.3.1 (66269445)\x1b[0;m\n\
section_start:1717171712:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting \"step_script\" stage of the job script\x1b[0;m\x1b[0;m\n\
\x1b[32;1m$ docker info\x1b[0;m\n\
Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n\
\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m\n";

const CLEAN_LOG: &[u8] = b"$ make test\nok  \tgithub.com/acme/app\t0.012s\nJob succeeded\n";

#[test]
fn stdin_is_read_and_the_root_cause_comes_first() {
    let r = run(&[], Some(TLS_LOG));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.starts_with("Root cause: daemon-tls-port"), "{}", r.stdout);
    assert!(r.stdout.contains("line 4"), "{}", r.stdout);
    assert!(r.stdout.contains("https://docs.gitlab.com/"), "{}", r.stdout);
    assert!(!r.stdout.contains('\x1b'), "no colour when piped");
}

#[test]
fn a_clean_log_exits_zero() {
    let r = run(&["-"], Some(CLEAN_LOG));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("No known Docker-build failure found"), "{}", r.stdout);
}

#[test]
fn json_document_has_the_documented_shape() {
    let r = run(&["--format", "json"], Some(TLS_LOG));
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let f = &v["files"][0]["findings"][0];
    assert_eq!(v["files"][0]["path"], "<stdin>");
    assert_eq!(f["id"], "daemon-tls-port");
    assert_eq!(f["role"], "cause");
    assert_eq!(f["kind"], "root");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["first_line"], 4);
    assert_eq!(f["evidence"][0]["line"], 4);
    assert_eq!(f["evidence"][0]["source"], "job");
    assert_eq!(f["evidence"][0]["section"], "step_script");
    assert!(f["fix"].as_str().unwrap().contains("2376"));
    assert!(f["docs"][0].as_str().unwrap().starts_with("https://docs.gitlab.com/"));
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["classes"]["daemon-tls-port"]["cause"], 1);
    assert_eq!(v["files"][0]["context"]["runner_version"], "17.3.1");
}

#[test]
fn jsonl_streams_events_in_order() {
    let d = dir("jsonl");
    let a = write(&d, "a.log", TLS_LOG);
    let b = write(&d, "b.log", CLEAN_LOG);
    let r = run(&["--format", "jsonl", a.to_str().unwrap(), b.to_str().unwrap()], None);
    let types: Vec<String> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(types, ["begin", "finding", "end", "begin", "end", "summary"]);
    let finding: Value = serde_json::from_str(r.stdout.lines().nth(1).unwrap()).unwrap();
    assert_eq!(finding["data"]["id"], "daemon-tls-port");
    assert!(finding["data"]["path"].as_str().unwrap().ends_with("a.log"));
}

#[test]
fn an_unreadable_input_does_not_stop_the_others() {
    let d = dir("unreadable");
    let good = write(&d, "good.log", TLS_LOG);
    let missing = d.join("missing.log");
    let args = [missing.to_str().unwrap(), good.to_str().unwrap(), "-s", d.to_str().unwrap()];
    let r = run(&args, None);
    assert_eq!(r.code, 2);
    let errs: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(errs.len(), 2, "{}", r.stderr);
    assert!(errs.iter().all(|e| e.starts_with("dindlog: ")), "{}", r.stderr);
    assert!(
        errs.iter()
            .any(|e| e.ends_with("unreadable: is a directory (use `dindlog scan DIR` to walk it)")),
        "{}",
        r.stderr
    );
    assert!(
        errs.iter().any(|e| e.ends_with("missing.log: no such file or directory")),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("Root cause: daemon-tls-port"), "{}", r.stdout);
    // Said once to a person (issue 15): not repeated in the report on stdout.
    assert!(!r.stdout.contains("missing.log"), "{}", r.stdout);
    let json = run(&[missing.to_str().unwrap(), good.to_str().unwrap(), "--format", "json"], None);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let err = v["files"][0]["error"].as_str().unwrap_or_default();
    assert!(err.ends_with("no such file or directory"), "{}", json.stdout);
}

/// Regression (issue 15): 32 bytes with a malformed stamp panicked the sniffer.
#[test]
fn malformed_stamp_on_stdin_does_not_panic() {
    let r = run(&[], Some(b"2023- x-01T00:00:000000000 hello\n"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

/// Standard input named twice would be split between two "files" (issue 15).
#[test]
fn stdin_named_twice_is_an_error() {
    let r = run(&["-", "-"], Some(TLS_LOG));
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.trim(), "dindlog: standard input (`-`) is named more than once");
}

/// A dind container's log without stamps (`kubectl logs`, a paste) is
/// recognised by the daemon's own phrases: alone it is diagnosed, beside one
/// job log it joins it (issue 14).
#[test]
fn unstamped_service_log_is_diagnosed_alone_and_paired() {
    let d = dir("unstamped_service");
    let svc = write(
        &d,
        "dind.log",
        b"Certificate request self-signature ok\nsubject=CN = docker:dind server\n\
mount: permission denied (are you root?)\nCould not mount /sys/kernel/security.\n",
    );
    let job = write(
        &d,
        "job.log",
        b"$ docker info\nerror during connect: Get \"https://docker:2376/v1.24/info\": dial tcp: lookup docker on 10.0.0.2:53: no such host\n",
    );
    let alone = run(&["--format", "json", svc.to_str().unwrap()], None);
    let v: Value = serde_json::from_str(&alone.stdout).unwrap();
    assert_eq!(v["files"][0]["findings"][0]["id"], "dind-not-privileged", "{}", alone.stdout);
    assert_eq!(v["files"][0]["findings"][0]["role"], "cause");
    let paired = run(&["--format", "json", job.to_str().unwrap(), svc.to_str().unwrap()], None);
    let v: Value = serde_json::from_str(&paired.stdout).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 1, "{}", paired.stdout);
    assert_eq!(v["files"][0]["findings"][0]["id"], "dind-not-privileged", "{}", paired.stdout);
}

#[test]
fn fail_on_sets_the_threshold() {
    assert_eq!(run(&["--fail-on", "never"], Some(TLS_LOG)).code, 0);
    let advice_only = b"\x1b[0KUsing docker image sha256:1a2b for docker:latest with digest docker@sha256:3c4d ...\x1b[0;m\nJob succeeded\n";
    assert_eq!(run(&[], Some(advice_only)).code, 0);
    assert_eq!(run(&["--fail-on", "info"], Some(advice_only)).code, 1);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    assert!(run(&["--color", "always"], Some(TLS_LOG)).stdout.contains("\x1b[1;31m"));
    assert!(!run(&["--color", "never"], Some(TLS_LOG)).stdout.contains('\x1b'));
    let mut c = cmd();
    c.env("NO_COLOR", "1").stdin(Stdio::piped()).stdout(Stdio::piped());
    let out = c.output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

/// `auto` reads CLICOLOR_FORCE, NO_COLOR and TERM=dumb as rg and fd do; the
/// flag wins over the environment (issue 13 §3).
#[test]
fn colour_reads_clicolor_force_and_term_dumb() {
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = cmd();
        c.args(args).envs(env.iter().copied()).stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = c.spawn().unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), TLS_LOG).unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).contains("\x1b[")
    };
    assert!(!coloured(&[], &[]), "a pipe gets no colour");
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]), "CLICOLOR_FORCE forces it into a pipe");
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins");
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]), "the flag wins");
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1"), ("TERM", "dumb")]));
    // On a real terminal (a pty from script(1)): colour, but not for TERM=dumb.
    let d = dir("colour_pty");
    let log = write(&d, "tls.log", TLS_LOG);
    let on_pty = |term: &str| {
        let line = format!("{} {}", env!("CARGO_BIN_EXE_dindlog"), log.display());
        std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("TERM", term)
            .stdin(Stdio::null())
            .output()
    };
    match (on_pty("xterm-256color"), on_pty("dumb")) {
        (Ok(xterm), Ok(dumb)) => {
            let (xterm, dumb) =
                (String::from_utf8_lossy(&xterm.stdout), String::from_utf8_lossy(&dumb.stdout));
            assert!(xterm.contains("Root cause") && xterm.contains("\x1b[1;31m"), "{xterm}");
            assert!(dumb.contains("Root cause") && !dumb.contains('\x1b'), "{dumb}");
        }
        _ => {
            crate::util::skip("colour_reads_clicolor_force_and_term_dumb", "no script(1) for a pty")
        }
    }
}

#[test]
fn log_text_cannot_drive_the_terminal() {
    let log = b"Cannot connect to the Docker daemon at tcp://docker:2375. \x07\x08\x9b Is the docker daemon running?\x1b]0;pwned\x07\n";
    let r = run(&["--color", "always"], Some(log));
    let evidence = r.stdout.lines().find(|l| l.contains("Cannot connect")).unwrap();
    assert!(evidence.contains("\\x07\\x08"), "{evidence}");
    assert!(
        !evidence.contains('\x07') && !evidence.contains('\x08') && !evidence.contains("pwned")
    );
}

#[test]
fn explain_and_signatures() {
    let r = run(&["explain", "dind-not-privileged"], None);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("dind-not-privileged"), "{}", r.stdout);
    assert!(r.stdout.contains("privileged = true"), "{}", r.stdout);
    let r = run(&["explain", "no-such-class"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown class 'no-such-class'"));

    // One class per file in signatures/: the directory is the registry.
    let files = std::fs::read_dir(crate::util::root().join("signatures"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "toml"))
        .count();
    let r = run(&["signatures"], None);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains(&format!("{files} classes")), "{}", r.stdout);
    let r = run(&["signatures", "--format", "json"], None);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), files);

    let r = run(&["signatures", "test"], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.trim_end().ends_with(" passed, 0 failed"), "{}", r.stdout);
}

#[test]
fn user_signatures_are_tested_and_used() {
    let d = dir("user_signatures");
    let sig = "id = \"acme-cache\"\ntitle = \"ACME cache server down\"\nkind = \"transient\"\n\
severity = \"error\"\nsummary = \"Our cache.\"\ndocs = [\"https://wiki.example.com/cache\"]\n\
fix = \"Retry.\\nOr page the cache team.\"\n[[pattern]]\nname = \"down\"\nliterals = [\"acme-cache: 503\"]\n\
[tests]\nmatch = [\"acme-cache: 503 Service Unavailable\"]\nno_match = [\"acme-cache: 200\"]\n";
    write(&d, "acme-cache.toml", sig.as_bytes());
    let r = run(&["signatures", "test", d.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r =
        run(&["--signatures", d.to_str().unwrap()], Some(b"acme-cache: 503 Service Unavailable\n"));
    assert!(r.stdout.starts_with("Root cause: acme-cache"), "{}", r.stdout);

    let bad =
        sig.replace("no_match = [\"acme-cache: 200\"]", "no_match = [\"acme-cache: 503 again\"]");
    write(&d, "acme-cache.toml", bad.as_bytes());
    let r = run(&["signatures", "test", d.to_str().unwrap()], None);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("tests.no_match[0]: expected no hit for 'acme-cache'"),
        "{}",
        r.stdout
    );
}

#[test]
fn service_log_given_beside_the_job_log_is_read_with_it() {
    let d = dir("service_log");
    let job = write(
        &d,
        "job.log",
        b"\x1b[0KRunning with gitlab-runner 17.3.1 (66269445)\x1b[0;m\n\
\x1b[0KStarting service docker:24.0.5-dind...\x1b[0;m\n\
\x1b[32;1m$ docker build -t app .\x1b[0;m\n\
error during connect: Get \"https://docker:2376/v1.24/info\": dial tcp: lookup docker on 10.0.0.2:53: no such host\n",
    );
    let svc = write(
        &d,
        "dind.log",
        b"2023-08-01T16:04:10.664620455Z mount: permission denied (are you root?)\n\
2023-08-01T16:04:10.664692175Z Could not mount /sys/kernel/security.\n\
2023-08-01T16:04:10.664703615Z AppArmor detection and --privileged mode might break.\n",
    );
    let explicit =
        run(&["--format", "json", job.to_str().unwrap(), "-s", svc.to_str().unwrap()], None);
    let sniffed = run(&["--format", "json", job.to_str().unwrap(), svc.to_str().unwrap()], None);
    for r in [explicit, sniffed] {
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["files"].as_array().unwrap().len(), 1, "{}", r.stdout);
        let f = &v["files"][0]["findings"][0];
        assert_eq!(f["id"], "dind-not-privileged", "{}", r.stdout);
        assert_eq!(f["role"], "cause");
        let files: Vec<&str> =
            f["evidence"].as_array().unwrap().iter().filter_map(|e| e["file"].as_str()).collect();
        assert!(files.iter().any(|f| f.ends_with("dind.log")), "{}", r.stdout);
    }
}

/// A service log joins a lone job log whatever their order, and stays on its
/// own beside two job logs (JSON Lines, which reports each input).
#[test]
fn jsonl_pairs_a_service_log_only_with_a_lone_job_log() {
    let d = dir("stream_pairing");
    let job = write(
        &d,
        "job.log",
        b"\x1b[0KRunning with gitlab-runner 17.3.1 (66269445)\x1b[0;m\n\
\x1b[0KStarting service docker:24.0.5-dind...\x1b[0;m\n\
error during connect: Get \"https://docker:2376/v1.24/info\": dial tcp: lookup docker on 10.0.0.2:53: no such host\n",
    );
    let job2 = write(&d, "job2.log", TLS_LOG);
    let svc = write(
        &d,
        "dind.log",
        b"2023-08-01T16:04:10.664620455Z mount: permission denied (are you root?)\n\
2023-08-01T16:04:10.664692175Z Could not mount /sys/kernel/security.\n",
    );
    let files = |args: &[&std::path::Path]| -> Vec<String> {
        let mut a = vec!["--format", "jsonl"];
        a.extend(args.iter().map(|p| p.to_str().unwrap()));
        let r = run(&a, None);
        let mut out: Vec<String> = Vec::new();
        for line in r.stdout.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let data = &v["data"];
            match v["type"].as_str().unwrap() {
                "begin" => {
                    let path = data["path"].as_str().unwrap();
                    out.push(format!("{}:", path.rsplit('/').next().unwrap()));
                }
                "finding" => {
                    let last = out.last_mut().unwrap();
                    last.push_str(data["id"].as_str().unwrap());
                    last.push(',');
                }
                _ => {}
            }
        }
        out
    };
    let paired = files(&[&svc, &job]);
    assert_eq!(paired.len(), 1, "{paired:?}");
    // With the service log the cause is known; without, it stays among candidates.
    assert!(paired[0].starts_with("job.log:dind-not-privileged,"), "{paired:?}");
    assert!(!paired[0].contains("dind-iptables"), "{paired:?}");
    let apart = files(&[&job, &svc, &job2]);
    assert_eq!(apart.len(), 3, "{apart:?}");
    assert!(apart[0].starts_with("job.log:") && apart[1].starts_with("dind.log:"), "{apart:?}");
    assert!(apart[2].starts_with("job2.log:"), "{apart:?}");
    assert!(apart[0].contains("dind-iptables,"), "{apart:?}");
}

/// Once standard output is closed (`dindlog scan dir/ | head`), no further
/// input is opened: a FIFO nobody writes, named after 3,000 logs, would
/// otherwise block the scan for ever. (The wait below only keeps a
/// regression from hanging the suite; nothing here is timed.)
#[test]
fn a_closed_pipe_stops_the_scan() {
    let d = dir("broken_pipe_stops");
    let log = write(&d, "job.log", TLS_LOG);
    let Some(fifo) = crate::util::fifo(&d, "never-written.log", "a_closed_pipe_stops_the_scan")
    else {
        return;
    };
    let mut c = cmd();
    c.args(std::iter::repeat_n(log.to_str().unwrap(), 3000))
        .arg(&fifo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    let mut child = c.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(!first.is_empty());
    let mut status = None;
    for _ in 0..600 {
        status = child.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_file(&fifo);
        panic!("dindlog went on to open the FIFO after its output was closed");
    }
    let _ = std::fs::remove_file(&fifo);
    assert_eq!(status.and_then(|s| s.code()), Some(0), "a broken pipe is not an error");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let d = dir("broken_pipe");
    let log = write(&d, "job.log", TLS_LOG);
    let mut c = cmd();
    c.args(std::iter::repeat_n(log.to_str().unwrap(), 3000))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    let mut child = c.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    // The reader is dropped here, closing the pipe while dindlog still writes.
    let out = child.wait_with_output().unwrap();
    assert!(!first.is_empty());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0), "a broken pipe is not an error");
}

#[test]
fn lint_reports_config_lines_and_exit_codes() {
    let bad = "corpus/lint/tls-2375-default-certdir.gitlab-ci.yml";
    let r = run(&["lint", bad], None);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with(&format!("{bad}:16:3: error[daemon-tls-port] job build:")),
        "{}",
        r.stdout
    );
    let r = run(&["lint", "corpus/lint/tls-2376-ok.gitlab-ci.yml"], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = run(&["lint", bad, "--format", "codequality"], None);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["check_name"], "dindlog/daemon-tls-port");
    assert_eq!(v[0]["location"]["lines"]["begin"], 16);
    let r = run(&["lint", "corpus/lint/no-such-file.yml"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("dindlog: corpus/lint/no-such-file.yml"), "{}", r.stderr);
}

#[test]
fn scan_with_ci_config_points_at_the_line_to_change() {
    let args = [
        "corpus/daemon-tls-port-buildkit-grpc.log",
        "--ci-config",
        "corpus/lint/tls-2375-default-certdir.gitlab-ci.yml",
    ];
    let r = run(&args, None);
    assert!(
        r.stdout.contains("Change: corpus/lint/tls-2375-default-certdir.gitlab-ci.yml:16:3"),
        "{}",
        r.stdout
    );
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let v: Value = serde_json::from_str(&run(&json_args, None).stdout).unwrap();
    let cfg = &v["files"][0]["findings"][0]["config"];
    assert_eq!(cfg["line"], 16);
    assert_eq!(cfg["column"], 3);
    let plain: Value =
        serde_json::from_str(&run(&[args[0], "--format", "json"], None).stdout).unwrap();
    assert!(plain["files"][0]["findings"][0]["config"].is_null());
}

#[test]
fn report_files_are_written_in_gitlab_formats() {
    let d = dir("report_files");
    let (junit, cq, ann, env) =
        (d.join("r/junit.xml"), d.join("cq.json"), d.join("ann.json"), d.join("dindlog.env"));
    let mut c = cmd();
    c.env("CI_JOB_URL", "https://gitlab.example.com/g/p/-/jobs/42");
    let out = c
        .args(["corpus/dind-not-privileged-healthcheck.log", "--junit"])
        .arg(&junit)
        .arg("--codequality")
        .arg(&cq)
        .arg("--annotations")
        .arg(&ann)
        .arg("--dotenv")
        .arg(&env)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    assert!(xml.contains("classname=\"dindlog.dind-not-privileged\""), "{xml}");
    assert!(xml.contains("<failure message=\"root cause: dind-not-privileged\""), "{xml}");
    assert!(xml.contains("<skipped message=\"symptom of dind-not-privileged\"/>"), "{xml}");
    let cq: Value = serde_json::from_str(&std::fs::read_to_string(&cq).unwrap()).unwrap();
    for e in cq.as_array().unwrap() {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(e[key].is_string(), "{key} in {e}");
        }
        assert!(["info", "minor", "major", "critical", "blocker"]
            .contains(&e["severity"].as_str().unwrap()));
        assert!(e["location"]["path"].is_string() && e["location"]["lines"]["begin"].is_u64());
    }
    let ann: Value = serde_json::from_str(&std::fs::read_to_string(&ann).unwrap()).unwrap();
    let links = ann["dindlog"].as_array().unwrap();
    assert!(links
        .iter()
        .all(|l| l["external_link"]["label"].is_string() && l["external_link"]["url"].is_string()));
    assert!(links[0]["external_link"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://gitlab.example.com/g/p/-/jobs/42#L"));
    let env = std::fs::read_to_string(&env).unwrap();
    assert!(
        env.starts_with("DINDLOG_ROOT_CAUSE=dind-not-privileged\nDINDLOG_TRANSIENT=false\n"),
        "{env}"
    );
    for line in env.lines() {
        let (k, v) = line.split_once('=').unwrap();
        assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !v.contains(' '));
    }
}

#[test]
fn run_passes_output_through_and_keeps_the_command_status() {
    let d = dir("run");
    let log = d.join("kept.log");
    let script = "echo building; echo 'Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?' >&2; exit 3";
    let r =
        run(&["run", "--no-probe", "--log", log.to_str().unwrap(), "--", "sh", "-c", script], None);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("building\n"), "{}", r.stdout);
    assert!(r.stderr.starts_with("Cannot connect to the Docker daemon"), "{}", r.stderr);
    // Collapsed or not depends on its length, which the job's environment adds to.
    assert!(r.stdout.contains("section_start:") && r.stdout.contains(":dindlog[collapsed="));
    assert!(r.stdout.contains("Root cause: daemon-tls-port"), "{}", r.stdout);
    let kept = std::fs::read_to_string(&log).unwrap();
    assert!(kept.contains("building\n") && kept.contains("Cannot connect"), "{kept}");

    let r = run(&["run", "--log", log.to_str().unwrap(), "--", "sh", "-c", "echo fine"], None);
    assert_eq!((r.code, r.stdout.as_str()), (0, "fine\n"), "silent on success");

    let r = run(&["run", "--log", log.to_str().unwrap(), "--", "sh", "-c", "kill -TERM $$"], None);
    assert_eq!(r.code, 128 + 15);
    assert!(r.stdout.contains("killed by signal 15"), "{}", r.stdout);

    let limit = "echo 'toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit'; exit 1";
    let r = run(
        &["run", "--transient-exit", "75", "--log", log.to_str().unwrap(), "--", "sh", "-c", limit],
        None,
    );
    assert_eq!(r.code, 75, "{}", r.stdout);
    // As `env`, `timeout` and shells do: 127 not found, 126 not executable.
    let r = run(&["run", "--", "/nonexistent/program"], None);
    assert_eq!(r.code, 127);
    assert!(r.stderr.contains("cannot run '/nonexistent/program'"), "{}", r.stderr);
    let not_exec = write(&d, "not-executable.sh", b"echo hi\n");
    let r = run(&["run", "--", not_exec.to_str().unwrap()], None);
    assert_eq!(r.code, 126, "{}", r.stderr);
}

#[test]
fn run_forwards_signals_to_the_command() {
    let d = dir("run_signal");
    let log = d.join("kept.log");
    let marker = d.join("got-term");
    let script = format!(
        "trap 'touch {}; exit 42' TERM; echo ready; while true; do sleep 0.05; done",
        marker.display()
    );
    let mut child = cmd()
        .args(["run", "--log", log.to_str().unwrap(), "--", "sh", "-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(42));
    assert!(marker.exists(), "the command saw SIGTERM");
}

#[test]
fn annotate_is_silent_on_success_and_never_fails_the_job() {
    let d = dir("annotate");
    let kept = d.join(".dindlog");
    std::fs::create_dir_all(&kept).unwrap();
    std::fs::copy("corpus/dind-not-privileged-healthcheck.log", kept.join("run-1.log")).unwrap();
    let annotate = |status: &str| {
        let out = cmd()
            .arg("annotate")
            .arg("--junit")
            .arg(d.join("junit.xml"))
            .env("CI_JOB_STATUS", status)
            .env("CI_PROJECT_DIR", &d)
            .output()
            .unwrap();
        crate::util::Run::from(out)
    };
    let ok = annotate("success");
    assert_eq!((ok.code, ok.stdout.as_str(), ok.stderr.as_str()), (0, "", ""));
    // artifacts:reports never points at a missing file: an empty, valid report.
    let junit = std::fs::read_to_string(d.join("junit.xml")).unwrap();
    assert!(junit.contains("<testsuites") && !junit.contains("<testcase"), "{junit}");
    std::fs::remove_file(d.join("junit.xml")).unwrap();
    let failed = annotate("failed");
    assert_eq!(failed.code, 0);
    assert!(failed.stdout.contains("dindlog: root cause dind-not-privileged"), "{}", failed.stdout);
    assert!(d.join("junit.xml").exists());
    std::fs::remove_dir_all(&kept).unwrap();
    let nothing = annotate("failed");
    assert_eq!(nothing.code, 0, "no kept logs is not a job failure");
    assert!(nothing.stderr.starts_with("dindlog: warning:"), "{}", nothing.stderr);
    assert!(d.join("junit.xml").exists(), "written even with nothing to read");
    // Bad arguments must not fail the job either.
    let bad = cmd().args(["annotate", "--no-such-flag"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("dindlog: warning: annotate:"));
    // Outside after_script it says what it does.
    let unset = cmd()
        .arg("annotate")
        .env_remove("CI_JOB_STATUS")
        .env("CI_PROJECT_DIR", &d)
        .output()
        .unwrap();
    assert_eq!(unset.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&unset.stderr).contains("CI_JOB_STATUS is not set"));
}

/// `run` prints the diagnosis and keeps it; `annotate` writes the reports from
/// it and prints one line instead of a second diagnosis (issue 11).
#[test]
fn one_diagnosis_per_failed_job() {
    let d = dir("one_diagnosis");
    let script = "echo 'Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?'; exit 1";
    let ran = cmd()
        .args(["run", "--no-probe", "--color", "never", "--", "sh", "-c", script])
        .env("CI_PROJECT_DIR", &d)
        .output()
        .unwrap();
    let ran = crate::util::Run::from(ran);
    assert_eq!(ran.code, 1);
    assert_eq!(ran.stdout.matches("ROOT CAUSE daemon-tls-port").count(), 1, "{}", ran.stdout);
    let annotated = cmd()
        .args(["annotate", "--color", "never", "--junit"])
        .arg(d.join("junit.xml"))
        .env("CI_JOB_STATUS", "failed")
        .env("CI_PROJECT_DIR", &d)
        .output()
        .unwrap();
    let annotated = crate::util::Run::from(annotated);
    assert_eq!(annotated.code, 0);
    assert_eq!(annotated.stdout.lines().count(), 1, "{}", annotated.stdout);
    assert!(
        annotated.stdout.contains("daemon-tls-port") && annotated.stdout.contains("printed above")
    );
    let junit = std::fs::read_to_string(d.join("junit.xml")).unwrap();
    assert!(junit.contains("daemon-tls-port"), "{junit}");
}

/// The kept copy is bounded (head and tail, and a line saying how much was
/// cut); the analysis still reads every line, the middle included.
#[test]
fn run_keeps_a_bounded_copy_but_reads_everything() {
    let d = dir("bounded_copy");
    let log = d.join("kept.log");
    let script = "i=0; while [ $i -lt 400 ]; do echo \"line $i of the build output, padded to be long enough\"; i=$((i+1)); done; \
echo 'Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?'; \
i=0; while [ $i -lt 400 ]; do echo \"tail $i of the build output, padded to be long enough\"; i=$((i+1)); done; exit 1";
    let r = run(
        &[
            "run",
            "--no-probe",
            "--keep-bytes",
            "4096",
            "--log",
            log.to_str().unwrap(),
            "--",
            "sh",
            "-c",
            script,
        ],
        None,
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("ROOT CAUSE daemon-tls-port"), "{}", r.stdout);
    let kept = std::fs::read_to_string(&log).unwrap();
    assert!(kept.len() < 4096 + 200, "{} bytes kept", kept.len());
    assert!(kept.starts_with("line 0 of"), "{kept}");
    assert!(kept.trim_end().ends_with("tail 399 of the build output, padded to be long enough"));
    assert!(kept.contains("bytes of output cut here; the analysis read them all"), "{kept}");
}

#[test]
fn doctor_runs_from_the_command_line() {
    // A port nobody listens on: bind one, note it, free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = cmd()
        .args(["doctor", "--format", "json", "--timeout", "1"])
        .env("DOCKER_HOST", format!("tcp://127.0.0.1:{port}"))
        .env_remove("DOCKER_TLS_VERIFY")
        .env_remove("DOCKER_CERT_PATH")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    let connect = v["checks"].as_array().unwrap().iter().find(|c| c["name"] == "connect").unwrap();
    assert_eq!(connect["status"], "fail", "{connect}");
    let r = run(&["doctor", "--timeout", "0"], None);
    assert_eq!(r.code, 2);
}

#[test]
fn check_fp_lists_findings_on_green_jobs() {
    let d = dir("check_fp");
    let green = d.join("green");
    std::fs::create_dir_all(green.join("nested")).unwrap();
    std::fs::copy("corpus/near-miss-pinned-dind-success.log", green.join("a.log")).unwrap();
    std::fs::copy("corpus/near-miss-go-mod-download-dns.log", green.join("nested/b.log")).unwrap();
    let r = run(&["signatures", "check-fp", green.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.ends_with("check-fp: 2 files, 0 false positives\n"), "{}", r.stdout);
    // A "green" log that is not green: its finding is listed as a false positive.
    write(&green, "c.log", TLS_LOG);
    let r = run(&["signatures", "check-fp", green.to_str().unwrap()], None);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("c.log:4: daemon-tls-port (cause): Cannot connect"), "{}", r.stdout);
    assert!(r.stdout.ends_with("check-fp: 3 files, 1 false positive\n"), "{}", r.stdout);
}

/// check-fp reads what a directory scan reads: log-like names, compressed
/// logs and archive members; not images or JSON data (issue 13 §4).
#[test]
fn check_fp_takes_the_files_a_directory_scan_takes() {
    let d = dir("check_fp_filter");
    let green = d.join("green");
    std::fs::create_dir_all(&green).unwrap();
    std::fs::copy("corpus/near-miss-pinned-dind-success.log", green.join("a.log")).unwrap();
    // Not logs: a directory scan skips them, so check-fp must too (the
    // failing text inside would otherwise be counted).
    write(&green, "data.json", TLS_LOG);
    write(&green, "screenshot.png", TLS_LOG);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, TLS_LOG).unwrap();
    write(&green, "b.log.gz", &gz.finish().unwrap());
    let r = run(&["signatures", "check-fp", green.to_str().unwrap()], None);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("b.log.gz:4: daemon-tls-port (cause)"), "{}", r.stdout);
    assert!(!r.stdout.contains("data.json") && !r.stdout.contains(".png"), "{}", r.stdout);
    assert!(r.stdout.ends_with("check-fp: 2 files, 1 false positive\n"), "{}", r.stdout);
    let scan = run(&["scan", "--format", "json", green.to_str().unwrap()], None);
    let v: Value = serde_json::from_str(&scan.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 2, "the same files as a scan");
}

/// Each subcommand shows and accepts only the options it uses (issue 13 §4).
#[test]
fn subcommands_show_only_their_own_options() {
    for (args, absent, present) in [
        (&["merge", "--help"][..], &["--signatures", "--no-redact", "--color"][..], &[][..]),
        (&["lint", "--help"], &["--signatures", "--no-redact"], &["--color", "--runner-config"]),
        (&["doctor", "--help"], &["--signatures", "--no-redact"], &["--color", "--timeout"]),
        (&["signatures", "check-fp", "--help"], &["--no-redact", "--color"], &["--signatures"]),
        (&["explain", "--help"], &["--no-redact"], &["--signatures", "--color"]),
        (&["scan", "--help"], &["--buffer-size"], &["--signatures", "--no-redact", "--color"]),
    ] {
        let r = run(args, None);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        for flag in absent {
            assert!(!r.stdout.contains(flag), "{args:?} shows {flag}:\n{}", r.stdout);
        }
        for flag in present {
            assert!(r.stdout.contains(flag), "{args:?} lacks {flag}:\n{}", r.stdout);
        }
    }
    // Not shown, and not accepted either.
    let r = run(&["lint", "--no-redact", "x.yml"], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--no-redact"), "{}", r.stderr);
    let r = run(&["merge", "--color", "never", "a.json"], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // The knowledge commands still take --signatures where it applies.
    let r = run(&["signatures", "--signatures", "signatures", "test"], None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// A mistyped class id gets the nearest one (issue 13 §4).
#[test]
fn unknown_class_ids_get_a_suggestion() {
    let r = run(&["explain", "dind-not-priviledged"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean 'dind-not-privileged'?"), "{}", r.stderr);
    let r = run(&["explain", "privileged"], None);
    assert!(r.stderr.contains("did you mean 'dind-not-privileged'?"), "{}", r.stderr);
    let r = run(&["explain", "nothing-like-any-class"], None);
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains("did you mean"), "{}", r.stderr);
    assert!(r.stderr.contains("`dindlog signatures` lists them"), "{}", r.stderr);
}

/// Completion scripts offer class ids after `explain` and no hidden option (issue 13 §4).
#[test]
fn completions_offer_class_ids_and_no_hidden_options() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(&["completions", shell], None);
        assert!(!r.stdout.contains("buffer-size"), "{shell} offers the hidden --buffer-size");
    }
    let zsh = run(&["completions", "zsh"], None).stdout;
    assert!(zsh.contains("dind-not-privileged\\:\"The dind service runs without privileged mode\""));
    let fish = run(&["completions", "fish"], None).stdout;
    assert!(fish.contains(
        "-n \"__fish_dindlog_using_subcommand explain\" -f -a 'dind-not-privileged' -d "
    ));
    // Bash, for real: source the script and ask it to complete `dindlog explain dind-not`.
    let d = dir("completion_ids");
    let script = write(&d, "dindlog.bash", run(&["completions", "bash"], None).stdout.as_bytes());
    let probe = format!(
        "source {}; COMP_WORDS=(dindlog explain dind-not); COMP_CWORD=2; _dindlog dindlog dind-not explain; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    match std::process::Command::new("bash").args(["-c", &probe]).output() {
        Ok(o) => {
            let words = String::from_utf8_lossy(&o.stdout);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            assert!(words.lines().any(|w| w == "dind-not-privileged"), "{words}");
            assert!(words.lines().all(|w| w.starts_with("dind-not")), "{words}");
        }
        Err(_) => crate::util::skip("completions_offer_class_ids", "no bash"),
    }
}

/// `man --dir` writes every page the SUBCOMMANDS sections name (issue 13 §4).
#[test]
fn man_pages_exist_for_every_subcommand_they_name() {
    let d = dir("man_pages");
    let man1 = d.join("man1");
    let r = run(&["man", "--dir", man1.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pages: Vec<String> = std::fs::read_dir(&man1)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(r.stderr.contains(&format!("wrote {} man pages", pages.len())), "{}", r.stderr);
    for want in ["dindlog.1", "dindlog-scan.1", "dindlog-signatures-check-fp.1"] {
        assert!(pages.iter().any(|p| p == want), "no {want} in {pages:?}");
    }
    let mut references = 0;
    for page in &pages {
        let text = std::fs::read_to_string(man1.join(page)).unwrap();
        assert!(!text.contains("buffer\\-size"), "{page} shows a hidden option");
        // Every `dindlog-x(1)` a page names is a page that was written.
        for (i, _) in text.match_indices("(1)") {
            let start = text[..i].rfind(|c: char| c.is_whitespace()).map_or(0, |s| s + 1);
            let name = text[start..i].replace("\\-", "-");
            if name.starts_with("dindlog-") {
                references += 1;
                assert!(pages.contains(&format!("{name}.1")), "{page} names {name}(1)");
            }
        }
    }
    assert!(references >= 12, "{references} references");
    // And man itself finds them.
    match std::process::Command::new("man")
        .args(["-M", d.to_str().unwrap(), "dindlog-signatures-check-fp"])
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
    {
        Ok(o) if o.status.success() => {
            assert!(String::from_utf8_lossy(&o.stdout).contains("check-fp"));
        }
        Ok(o) => panic!("man: {}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => crate::util::skip("man_pages", "no man to read the pages"),
    }
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(&["completions", shell], None);
        assert_eq!(r.code, 0, "{shell}");
        for sub in ["scan", "lint", "doctor", "annotate", "explain", "signatures"] {
            assert!(r.stdout.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    for (shell, flag) in [("bash", "-n"), ("zsh", "-n")] {
        let script = run(&["completions", shell], None).stdout;
        let dirp = dir(&format!("completion_{shell}"));
        let path = write(&dirp, "dindlog.completion", script.as_bytes());
        match std::process::Command::new(shell).arg(flag).arg(&path).status() {
            Ok(s) => assert!(s.success(), "{shell} rejects the completion script"),
            Err(_) => crate::util::skip(
                "completions",
                &format!("no {shell} to check the script's syntax"),
            ),
        }
    }
    let man = run(&["man"], None);
    assert_eq!(man.code, 0);
    assert!(man.stdout.contains(".TH dindlog 1"), "{}", &man.stdout[..200.min(man.stdout.len())]);
    assert!(man.stdout.contains("\\-\\-fail\\-on") || man.stdout.contains("fail-on"));
}

#[test]
fn junit_reports_validate_against_the_schema() {
    let d = dir("junit_schema");
    let mut logs: Vec<String> = [
        "dind-not-privileged-healthcheck",
        "ambiguous-no-such-host-bare",
        "near-miss-jest-failure",
        "registry-auth-unpinned",
    ]
    .iter()
    .map(|n| format!("corpus/{n}.log"))
    .collect();
    // Hostile text in evidence must still give well-formed XML.
    let hostile = write(&d, "hostile.log", b"Cannot connect to the Docker daemon at tcp://docker:2375. <x> & \"q\" \x01\x1b]0;t\x07 ]]> Is it\n");
    logs.push(hostile.to_string_lossy().into_owned());
    let junit = d.join("junit.xml");
    let mut args: Vec<&str> = logs.iter().map(String::as_str).collect();
    args.extend(["--junit", junit.to_str().unwrap()]);
    run(&args, None);
    match std::process::Command::new("xmllint")
        .args(["--noout", "--schema", "tests/junit.xsd"])
        .arg(&junit)
        .output()
    {
        Ok(out) => assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => crate::util::skip(
            "junit schema",
            "xmllint is not installed (apt-get install libxml2-utils)",
        ),
    }
    let xml = std::fs::read_to_string(&junit).unwrap();
    let tests: usize = xml
        .split("<testsuite name=\"dindlog\" tests=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(xml.matches("<testcase ").count(), tests, "{xml}");
    assert!(!xml.contains('\u{1b}') && !xml.contains('\u{1}'), "control characters escaped");
}

#[test]
fn the_job_template_lints_clean() {
    let d = dir("template");
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::copy("templates/dindlog.gitlab-ci.yml", d.join("templates/dindlog.gitlab-ci.yml"))
        .unwrap();
    let ci = write(
        &d,
        ".gitlab-ci.yml",
        b"include:\n  - local: templates/dindlog.gitlab-ci.yml\n\nbuild:\n  extends: .dindlog-dind\n  script:\n    - dindlog run --transient-exit 75 -- docker build -t app .\n",
    );
    let r = run(&["lint", ci.to_str().unwrap(), "--format", "json", "--fail-on", "info"], None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{}", r.stdout);
    let job = v["jobs"].as_array().unwrap().iter().find(|j| j["name"] == "build").unwrap();
    assert!(job["services"][0]["value"].as_str().unwrap().contains("docker:24.0.5-dind"), "{job}");
}

#[test]
fn summary_counts_classes_failures_and_job_context() {
    let files = [
        "corpus/dind-not-privileged-healthcheck.log",
        "corpus/near-miss-jest-failure.log",
        "corpus/registry-auth-unpinned.log",
        "corpus/near-miss-pinned-dind-success.log",
    ];
    let mut args = files.to_vec();
    args.extend(["--format", "json", "--summary"]);
    let r = run(&args, None);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 0, "--summary leaves the files out");
    let s = &v["summary"];
    assert_eq!(s["files"], 4);
    assert_eq!(s["failed"], 3, "{s}");
    assert_eq!(s["failed_unclassified"], 1, "the jest failure is not a Docker failure: {s}");
    assert_eq!(s["files_with_findings"], 2);
    assert_eq!(s["classes"]["registry-auth"]["cause"], 1);
    assert_eq!(s["classes"]["service-not-ready"]["symptom"], 1);
    assert_eq!(s["executors"]["docker"]["files"], 4, "{s}");
    assert_eq!(s["dind_images"]["docker:dind"]["causes"]["registry-auth"], 1, "{s}");
    let human = run(&files, None);
    assert!(
        human.stdout.contains(
            "4 files: 3 failed jobs, 1 other file, 0 unreadable\n\
             failed jobs: 2 with a diagnosis, 1 unexplained (33.3% of failures)\n\
             other files (succeeded, or no outcome in the log): 0 with a diagnosis\n"
        ),
        "{}",
        human.stdout
    );
}

/// The summary's counts add up: a job that succeeded with a root cause (the
/// service was slow but the job passed) or with advice is not counted with
/// the failures (issue 13 §3).
#[test]
fn summary_counts_add_up() {
    let files = [
        "corpus/dind-not-privileged-healthcheck.log",
        "corpus/near-miss-jest-failure.log",
        "corpus/service-not-ready-healthcheck-timeout-succeeds.log",
        "corpus/near-miss-success-unpinned.log",
        "corpus/ambiguous-no-such-host-bare.log",
        "corpus/missing.log",
    ];
    let r = run(&files, None);
    assert_eq!(r.code, 2, "one input is missing");
    let json = run(&[&files[..], &["--format", "json"]].concat(), None);
    let s = &serde_json::from_str::<Value>(&json.stdout).unwrap()["summary"];
    assert_eq!((s["files"].as_u64(), s["errors"].as_u64()), (Some(6), Some(1)), "{s}");
    assert_eq!((s["failed"].as_u64(), s["failed_unclassified"].as_u64()), (Some(2), Some(1)));
    // dind-not-privileged, the succeeded job's cause, the bare log's candidates.
    assert_eq!(s["files_with_findings"], 3, "{s}");
    let want = "6 files: 2 failed jobs, 3 other files, 1 unreadable\n\
                failed jobs: 1 with a diagnosis, 1 unexplained (50.0% of failures)\n\
                other files (succeeded, or no outcome in the log): 2 with a diagnosis\n";
    assert!(r.stdout.contains(want), "{}", r.stdout);
}

/// Tables fit the terminal: COLUMNS when set, else 100 columns when not on a
/// terminal; class ids are never cut; prose columns wrap (issue 13 §3).
#[test]
fn tables_fit_the_width() {
    let width = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let ids: Vec<String> =
        serde_json::from_str::<Value>(&run(&["signatures", "--format", "json"], None).stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect();
    let listed = |env: Option<&str>| {
        let mut c = cmd();
        c.arg("signatures");
        if let Some(cols) = env {
            c.env("COLUMNS", cols);
        } else {
            c.env_remove("COLUMNS");
        }
        crate::util::Run::from(c.output().unwrap()).stdout
    };
    for (env, max) in [(None, 100), (Some("80"), 80), (Some("100"), 100)] {
        let out = listed(env);
        assert!(width(&out) <= max, "COLUMNS={env:?}: {} wide\n{out}", width(&out));
        for id in &ids {
            assert!(
                out.lines().any(|l| l.split_whitespace().nth(1) == Some(id.as_str())),
                "{id} is cut or missing at COLUMNS={env:?}"
            );
        }
    }
    assert!(listed(Some("200")).lines().count() < listed(Some("80")).lines().count());
    // The summary's tables: the class table fits 80 columns whole.
    let mut c = cmd();
    c.args(["scan", "--summary", "corpus"]).env("COLUMNS", "80");
    let out = crate::util::Run::from(c.output().unwrap()).stdout;
    assert!(width(&out) <= 80, "{}\n{out}", width(&out));
    assert!(out.contains("candidate  symptom  advice"), "{out}");
}

/// Runner versions and dind images sort as versions in the summary, in the
/// terminal and on the HTML page alike (issue 13 §3).
#[test]
fn summary_sorts_versions_as_versions() {
    let d = dir("version_order");
    let mut args = Vec::new();
    for (runner, dind) in [("16.11.0", "20.10"), ("9.5.0", "9"), ("16.2.1", "20.9")] {
        let log = format!(
            "Running with gitlab-runner {runner} (abc)\n\
             Using Docker executor with image docker:{dind} ...\n\
             Starting service docker:{dind}-dind...\n\
             $ docker info\n\
             Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n\
             ERROR: Job failed: exit code 1\n"
        );
        args.push(write(&d, &format!("{runner}.log"), log.as_bytes()));
    }
    let page = d.join("fleet.html");
    let mut argv: Vec<&str> = args.iter().map(|p| p.to_str().unwrap()).collect();
    argv.extend(["--summary", "--html", page.to_str().unwrap()]);
    let out = run(&argv, None).stdout;
    let html = std::fs::read_to_string(&page).unwrap();
    for (out, [left, right]) in [(&out, ["│ ", " "]), (&html, ["class=\"label\">", "<"])] {
        let order = |words: &[&str]| {
            words
                .iter()
                .map(|w| {
                    let w = format!("{left}{w}{right}");
                    out.find(&w).unwrap_or_else(|| panic!("{w}: {out}"))
                })
                .collect::<Vec<_>>()
        };
        let runners = order(&["9.5.0", "16.2.1", "16.11.0"]);
        assert!(runners.is_sorted(), "{out}");
        let images = order(&["docker:9-dind", "docker:20.9-dind", "docker:20.10-dind"]);
        assert!(images.is_sorted(), "{out}");
    }
}

/// A small archive tree: plain, gzipped, zipped and hidden logs.
fn archive_tree(name: &str) -> std::path::PathBuf {
    use std::io::Write as _;
    let d = dir(name);
    std::fs::create_dir_all(d.join("a/b")).unwrap();
    std::fs::copy("corpus/dind-not-privileged-healthcheck.log", d.join("a/dind.log")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&std::fs::read("corpus/registry-auth-unpinned.log").unwrap()).unwrap();
    std::fs::write(d.join("a/b/reg.log.gz"), gz.finish().unwrap()).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (member, src) in
        [("logs/job1.log", "custom-ca-kaniko"), ("logs/job2.log", "near-miss-jest-failure")]
    {
        zip.start_file(member, opts).unwrap();
        zip.write_all(&std::fs::read(format!("corpus/{src}.log")).unwrap()).unwrap();
    }
    std::fs::write(d.join("arts.zip"), zip.finish().unwrap().into_inner()).unwrap();
    std::fs::copy("corpus/rate-limit-buildkit.log", d.join(".hidden.log")).unwrap();
    std::fs::write(d.join("notes.md"), "not a log").unwrap();
    d
}

fn jsonl_paths(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == "begin")
        .map(|v| v["data"]["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn directories_archives_and_compressed_logs_are_scanned() {
    let d = archive_tree("bulk_tree");
    let root = d.to_str().unwrap();
    let r = run(&[root, "--format", "jsonl"], None);
    let want: Vec<String> =
        ["a/b/reg.log.gz", "a/dind.log", "arts.zip!logs/job1.log", "arts.zip!logs/job2.log"]
            .iter()
            .map(|p| format!("{root}/{p}"))
            .collect();
    assert_eq!(jsonl_paths(&r.stdout), want, "sorted walk, hidden and non-log files skipped");
    for threads in ["1", "4"] {
        let again = run(&[root, "--format", "jsonl", "-j", threads], None);
        assert_eq!(jsonl_paths(&again.stdout), want, "order does not depend on threads");
    }
    let ids: Vec<String> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == "finding" && v["data"]["role"] == "cause")
        .map(|v| v["data"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["registry-auth", "dind-not-privileged", "custom-ca"]);
    let hidden = run(&[root, "--hidden", "--format", "jsonl"], None);
    assert_eq!(jsonl_paths(&hidden.stdout).len(), 5);
    let globbed = run(&[root, "--glob", "**/*.gz", "--format", "jsonl"], None);
    assert_eq!(jsonl_paths(&globbed.stdout), [format!("{root}/a/b/reg.log.gz")]);
    let excluded = run(&[root, "--exclude", "a", "--format", "jsonl"], None);
    assert_eq!(jsonl_paths(&excluded.stdout).len(), 2);
}

#[test]
fn shards_partition_the_inputs_and_merge_puts_them_back() {
    let d = archive_tree("bulk_shards");
    let root = d.to_str().unwrap();
    let whole: Value =
        serde_json::from_str(&run(&[root, "--format", "json"], None).stdout).unwrap();
    let mut shard_files = Vec::new();
    let mut seen = Vec::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let out = run(&[root, "--format", "json", "--shard", &shard], None).stdout;
        let v: Value = serde_json::from_str(&out).unwrap();
        seen.extend(
            v["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()),
        );
        shard_files.push(write(&d, &format!("shard{i}.json"), out.as_bytes()));
    }
    let mut all: Vec<String> = whole["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    all.sort();
    seen.sort();
    assert_eq!(seen, all, "every input in exactly one shard");
    let args: Vec<&str> =
        std::iter::once("merge").chain(shard_files.iter().map(|p| p.to_str().unwrap())).collect();
    let merged = run(&args, None);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let m: Value = serde_json::from_str(&merged.stdout).unwrap();
    assert_eq!(m["summary"], whole["summary"], "the merged summary is the summary of one run");
    assert_eq!(m["files"].as_array().unwrap().len(), whole["files"].as_array().unwrap().len());
    let bad = write(&d, "bad.json", b"{\"version\": 2, \"files\": [], \"summary\": {}}");
    let r = run(&["merge", shard_files[0].to_str().unwrap(), bad.to_str().unwrap()], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.json"), "{}", r.stderr);
}

#[test]
fn corrupt_and_oversized_archives_are_reported_and_skipped() {
    use std::io::Write as _;
    let d = dir("bulk_corrupt");
    let good = write(&d, "good.log", TLS_LOG);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&TLS_LOG.repeat(50)).unwrap();
    let full = gz.finish().unwrap();
    write(&d, "cut.log.gz", &full[..full.len() / 2]);
    write(&d, "broken.zip", b"PK\x03\x04 this is not really a zip archive");
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    bomb.write_all(&vec![b'a'; 8 << 20]).unwrap();
    write(&d, "bomb.log.gz", &bomb.finish().unwrap());
    let r = run(&[d.to_str().unwrap(), "--format", "jsonl"], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let errs: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(errs.len(), 3, "{}", r.stderr);
    assert!(errs.iter().any(|e| e.contains("bomb.log.gz") && e.contains("100")), "{}", r.stderr);
    assert!(errs.iter().any(|e| e.contains("broken.zip")), "{}", r.stderr);
    assert!(errs.iter().any(|e| e.contains("cut.log.gz")), "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("\"path\":\"{}\"", good.display())),
        "the good log is still scanned"
    );
}

/// On a terminal 16 columns wide, the progress line never reaches the last
/// column (so it cannot wrap into a new line per update), and Ctrl-C erases
/// it before dindlog dies of the signal (issue 13 §3). A FIFO nobody writes
/// keeps the scan running for as long as the test needs.
#[test]
fn progress_line_fits_a_narrow_terminal_and_ctrl_c_erases_it() {
    let d = dir("progress_pty");
    let log = write(&d, "a.log", TLS_LOG);
    let Some(fifo) = crate::util::fifo(&d, "never-written", "progress_line") else { return };
    // dindlog runs in the foreground (a background job of a shell without
    // job control starts with SIGINT ignored, and must stay so).
    let inner = format!(
        "(sleep 1.5; kill -INT $$) & exec {} -j1 {} {} >/dev/null",
        env!("CARGO_BIN_EXE_dindlog"),
        log.display(),
        fifo.display()
    );
    let outer = format!("stty cols 16; sh -c '{inner}'; echo status=$?");
    let child = std::process::Command::new("script")
        .args(["-qec", &outer, "/dev/null"])
        .env_remove("COLUMNS")
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return crate::util::skip("progress_line", "no script(1) for a pty");
    };
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(30) {
            // Unblock and end it: a writer lets the FIFO's reader finish.
            drop(std::fs::OpenOptions::new().write(true).open(&fifo));
            let _ = child.kill();
            panic!("dindlog did not die of SIGINT");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned();
    let (terminal, status) = out.split_once("status=").expect(&out);
    assert!(status.starts_with("130"), "killed by SIGINT: {out:?}");
    let erase = "\r\x1b[2K";
    assert!(terminal.contains("/2 in\r"), "the line was drawn, cut: {out:?}");
    assert!(terminal.ends_with(erase), "Ctrl-C left the line on the terminal: {out:?}");
    for drawn in terminal.split(erase) {
        assert!(drawn.chars().count() <= 15, "{drawn:?} reaches the last column: {out:?}");
    }
}

/// A scan started with SIGINT ignored (a background job of a script) keeps
/// ignoring it: the progress line's handler does not undo that.
#[test]
fn an_ignored_sigint_stays_ignored() {
    let d = dir("progress_ignored");
    let log = write(&d, "a.log", TLS_LOG);
    let Some(fifo) = crate::util::fifo(&d, "written-late", "an_ignored_sigint_stays_ignored")
    else {
        return;
    };
    // The background job starts with SIGINT ignored; after the interrupt,
    // the FIFO gets a writer and the scan finishes normally. (Opened for
    // reading and writing, the FIFO never blocks the shell, even if dindlog
    // died.)
    let inner = format!(
        "{} -j1 {} {} >/dev/null & p=$!; sleep 1.5; kill -INT $p; sleep 0.5; : 1<> {}; wait $p; echo status=$?",
        env!("CARGO_BIN_EXE_dindlog"),
        log.display(),
        fifo.display(),
        fifo.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("sh -c '{inner}'"), "/dev/null"])
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .output();
    let Ok(out) = out else {
        return crate::util::skip("an_ignored_sigint_stays_ignored", "no script(1) for a pty");
    };
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    let status = out.split_once("status=").map(|(_, s)| s.trim_end());
    assert_eq!(status, Some("1"), "the scan finished with its findings: {out:?}");
    assert!(out.contains("inputs ("), "the line was drawn: {out:?}");
}

/// The documentation names only files that exist: markdown links to local
/// paths, and inline `paths` under the repository's own directories
/// (issue 13 §4). Generated files (`bench-data/`) are not checked.
#[test]
fn documentation_names_files_that_exist() {
    let root = crate::util::root();
    let mut docs = vec![root.join("README.md")];
    for dir in ["docs", "corpus", "fuzz", "signatures", "benches", "templates", "corpus/lint"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            docs.extend(
                entries
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|e| e == "md")),
            );
        }
    }
    let tops = [
        "src/",
        "docs/",
        "tests/",
        "benches/",
        "scripts/",
        "corpus/",
        "signatures/",
        "templates/",
        "fuzz/",
    ];
    let mut checked = 0;
    for doc in &docs {
        let text = std::fs::read_to_string(doc).unwrap();
        let mut fenced = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                continue;
            }
            if fenced {
                continue;
            }
            let mut names = Vec::new();
            for (i, _) in line.match_indices("](") {
                let rest = &line[i + 2..];
                let target = &rest[..rest.find(')').unwrap_or(rest.len())];
                let target = target.split('#').next().unwrap();
                if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
                    // Relative to the document.
                    names.push(doc.parent().unwrap().join(target));
                }
            }
            for (j, span) in line.split('`').enumerate() {
                let repo_path = j % 2 == 1
                    && tops.iter().any(|t| span.starts_with(t))
                    && !span.contains(['*', '<', '$', ' ', '{'])
                    && !span.ends_with("...");
                if repo_path {
                    names.push(root.join(span));
                }
            }
            for name in names {
                checked += 1;
                assert!(
                    name.exists(),
                    "{} names {}, which does not exist",
                    doc.display(),
                    name.display()
                );
            }
        }
    }
    assert!(checked > 20, "only {checked} paths found");
}

/// An unknown option of `run` is an error, not the command to run (it used
/// to run `--bogus` and exit 127); the command's own options still pass.
#[test]
fn run_rejects_unknown_options_before_the_command() {
    let r = run(&["run", "--bogus", "--", "true"], None);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("unexpected argument '--bogus'"), "{}", r.stderr);
    let d = dir("run_hyphens");
    let keep = d.join("kept.log");
    let keep = keep.to_str().unwrap();
    for args in [
        &["run", "--no-probe", "--log", keep, "sh", "-c", "echo -x; exit 4"][..],
        &["run", "--no-probe", "--log", keep, "--", "sh", "-c", "echo -x; exit 4"],
    ] {
        let r = run(args, None);
        assert_eq!(r.code, 4, "{args:?}: {}", r.stderr);
        assert!(r.stdout.starts_with("-x\n"), "{args:?}: {}", r.stdout);
    }
}

/// What the README says the binary prints and exits with is what it does:
/// the sample command's status, the signature test count (issue 13 §4).
#[test]
fn readme_matches_the_binary() {
    let readme = std::fs::read_to_string(crate::util::root().join("README.md")).unwrap();
    let sample = readme.lines().find(|l| l.contains("-- corpus/")).expect("a sample command");
    let log = sample.split("-- ").nth(1).unwrap().split_whitespace().next().unwrap();
    let r = run(&[log], None);
    let said = sample.split("(exits ").nth(1).and_then(|s| s.split(':').next()).expect(sample);
    assert_eq!(said, r.code.to_string(), "{sample}");
    let tested = run(&["signatures", "test"], None);
    let line = tested.stdout.lines().last().unwrap().to_string();
    assert!(line.starts_with("signatures: ") && line.ends_with(" passed, 0 failed"), "{line}");
    assert!(readme.contains(&format!("\n{line}\n")), "the README does not show `{line}`");
}
