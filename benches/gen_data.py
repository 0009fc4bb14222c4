#!/usr/bin/env python3
"""Deterministic benchmark data for benches/compare.sh (never committed).

Writes under OUT (default bench-data/):
  literals.txt     dindlog's prefilter literals: every `literals` entry of
                   signatures/*.toml, the context probes (src/context.rs PROBES)
                   and the line-state markers (src/track.rs TRACK_LITERALS)
  big-BIG_MIB.log  one job log of BIG_MIB MiB (1024 for the real run)
  tree-FILES/      FILES job logs of about 50 KB (20000), 100 per directory
  tree-gz-FILES/   the same logs gzipped (level 6, mtime 0, so byte-identical every run)
  small.log        one ordinary failed job (start-up cost)

Usage: gen_data.py OUT BIG_MIB FILES
"""
import gzip
import os
import random
import re
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def literals():
    lits = []
    sigdir = os.path.join(ROOT, "signatures")
    for name in sorted(os.listdir(sigdir)):
        if not name.endswith(".toml"):
            continue
        with open(os.path.join(sigdir, name), "rb") as f:
            doc = tomllib.load(f)

        def walk(v):
            if isinstance(v, dict):
                for k, x in v.items():
                    if k == "literals" and isinstance(x, list):
                        lits.extend(s for s in x if isinstance(s, str))
                    else:
                        walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)

        walk(doc)
    # The Rust string literals in the two constant tables.
    for path, const in (("src/context.rs", "PROBES"), ("src/track.rs", "TRACK_LITERALS")):
        src = open(os.path.join(ROOT, path), encoding="utf-8").read()
        m = re.search(r"const %s: [^=]*= &\[(.*?)\n\];" % const, src, re.S)
        if not m:
            sys.exit("gen_data.py: cannot find %s in %s" % (const, path))
        for s in re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)):
            lits.append(s.encode().decode("unicode_escape"))
    seen, out = set(), []
    for s in lits:
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


def line_pool(rng, size):
    """Ordinary build output: mostly lines no literal matches, some ANSI and
    section markers as GitLab writes them, some docker-build steps."""
    pkgs = ["serde", "tokio", "regex", "clap", "rand", "hyper", "syn", "quote", "libc", "log"]
    out, n, t = [], 0, 1700000000
    while n < size:
        k = rng.randrange(100)
        i = rng.randrange(1 << 20)
        if k < 20:
            s = "   Compiling %s v1.%d.%d\n" % (rng.choice(pkgs), i % 40, i % 9)
        elif k < 35:
            s = "#%d %d.%03d npm WARN deprecated glob@7.2.%d: Glob versions prior to v9 are no longer supported\n" % (
                i % 30, i % 90, i % 1000, i % 9)
        elif k < 45:
            s = "go: downloading github.com/org%d/module%d v0.%d.%d\n" % (i % 50, i % 700, i % 30, i % 11)
        elif k < 55:
            s = "ok  \tgitlab.example.com/group/project/pkg/sub%d\t0.%03ds\n" % (i % 400, i % 1000)
        elif k < 63:
            s = "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/x%d/lib-%d.jar (%d kB at %d kB/s)\n" % (
                i % 90, i % 500, i % 900, i % 5000)
        elif k < 70:
            s = "Collecting package%d==1.%d.%d\n  Downloading package%d-1.%d.%d-py3-none-any.whl (%d kB)\n" % (
                i % 300, i % 20, i % 7, i % 300, i % 20, i % 7, i % 800)
        elif k < 76:
            s = "\x1b[32;1m$ make target-%d\x1b[0;m\n" % (i % 100)
        elif k < 79:
            t += 7
            s = "section_start:%d:step_%d\r\x1b[0K\x1b[0K\x1b[36;1mRunning step %d\x1b[0;m\nsection_end:%d:step_%d\r\x1b[0K\n" % (
                t, i % 50, i % 50, t + 3, i % 50)
        elif k < 82:
            s = "Step %d/12 : RUN apt-get install -y pkg%d\n ---> Running in %012x\n" % (i % 12, i % 80, i)
        elif k < 90:
            s = "test tests::case_%d ... ok\n" % i
        else:
            s = "warning: unused variable: `x%d` at src/module%d.rs:%d:%d\n" % (i % 60, i % 30, i % 900, i % 80)
        out.append(s)
        n += len(s)
    return "".join(out)


PREAMBLE = (
    "\x1b[0KRunning with gitlab-runner 17.3.1 (66269445)\x1b[0;m\n"
    "\x1b[0K  on runner-%d xYz12ab, system ID: s_0123456789ab\x1b[0;m\n"
    "section_start:1700000000:prepare_executor\r\x1b[0K\x1b[0K\x1b[36;1mPreparing the \"docker\" executor\x1b[0;m\x1b[0;m\n"
    "\x1b[0KUsing Docker executor with image docker:24.0.5 ...\x1b[0;m\n"
    "\x1b[0KStarting service docker:24.0.5-dind ...\x1b[0;m\n"
    "section_end:1700000001:prepare_executor\r\x1b[0K\n"
)
FAILURES = [
    "Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?\n",
    "toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit\n",
    "x509: certificate signed by unknown authority\n",
    "/bin/sh: eval: line 140: docker-compose: not found\n",
]
TAIL = "\x1b[31;1mERROR: Job failed: exit code 1\n\x1b[0;m\n"


def main():
    out, big_mib, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(20240501)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "literals.txt"), "w", encoding="utf-8") as f:
        for s in literals():
            f.write(s + "\n")
    pool = line_pool(rng, 8 << 20)

    # big.log: the pool over and over, a failure every 64 MiB.
    path = os.path.join(out, "big-%d.log" % big_mib)
    want = big_mib << 20
    if not os.path.exists(path):
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(PREAMBLE % 1)
            n, k = 0, 0
            while n < want:
                f.write(pool)
                f.write(FAILURES[k % len(FAILURES)])
                n += len(pool)
                k += 1
            f.write(TAIL)
        os.rename(path + ".tmp", path)

    # tree/ and tree-gz/: slices of the pool at seeded offsets; a third of
    # the jobs fail with a known line, the rest fail unexplained.
    tree, treegz = os.path.join(out, "tree-%d" % files), os.path.join(out, "tree-gz-%d" % files)
    marker = os.path.join(out, ".tree-%d" % files)
    if not os.path.exists(marker):
        for i in range(files):
            sub = "p%03d" % (i // 100)
            os.makedirs(os.path.join(tree, sub), exist_ok=True)
            os.makedirs(os.path.join(treegz, sub), exist_ok=True)
            start = pool.index("\n", rng.randrange(len(pool) - 60000)) + 1
            body = pool[start:start + 50000]
            body = body[: body.rindex("\n") + 1]
            text = PREAMBLE % i + body + (FAILURES[i % 4] if i % 3 == 0 else "") + TAIL
            data = text.encode()
            name = "job-%06d.log" % i
            with open(os.path.join(tree, sub, name), "wb") as f:
                f.write(data)
            with open(os.path.join(treegz, sub, name + ".gz"), "wb") as f:
                f.write(gzip.compress(data, compresslevel=6, mtime=0))
        open(marker, "w").close()

    with open(os.path.join(out, "small.log"), "w", encoding="utf-8") as f:
        f.write(PREAMBLE % 7 + pool[:4000][: pool[:4000].rindex("\n") + 1] + FAILURES[0] + TAIL)


if __name__ == "__main__":
    main()
