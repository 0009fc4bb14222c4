#!/usr/bin/env python3
"""Scores dindlog on directories of labelled logs, beside a first-match string matcher.

Each `<name>.log` (or `.txt`) in a directory has a `<name>.expect.toml` beside it
(format: corpus/README.md). For every directory this prints:

  top-1        share of labelled failures whose first root cause (or, when
               dindlog names none, its first candidate) is the expected one;
               for a log labelled ambiguous (candidates only), any expected
               candidate counts
  recall       share of expected causes and candidates dindlog names at all
  false alarms near misses (nothing expected) that get an error-severity finding

and the same figures for a plain matcher that takes the first line holding one
of our signature literals, so the value of the reasoning shows as a number.

  scripts/eval.py corpus corpus/wild              # print the table
  scripts/eval.py --check scripts/eval-ratchet.toml corpus corpus/wild
                                                  # exit 1 if a figure drops
  scripts/eval.py --verbose corpus/wild           # one line per miss

Standard library only (Python 3.11+ for tomllib).
"""

import argparse
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ERROR_ROLES = {"cause", "candidate", "symptom"}


def load_matcher(sig_dirs):
    """(id, literals) for every root/transient class, in file-name order."""
    classes = {}
    for d in sig_dirs:
        for f in sorted(Path(d).glob("*.toml")):
            data = tomllib.loads(f.read_text())
            if data.get("kind") == "advice" or "pattern" not in data:
                continue
            lits = [
                lit
                for p in data["pattern"]
                if p.get("strength", "strong") in ("strong", "weak")
                for lit in p.get("literals", [])
            ]
            classes[data["id"]] = lits
    return sorted(classes.items())


def string_match(text, matcher):
    """The classes a first-match matcher names, in the order their lines come."""
    found = []
    for line in text.splitlines():
        for cid, lits in matcher:
            if cid not in found and any(lit in line for lit in lits):
                found.append(cid)
                break
    return found


def run_dindlog(binary, log, service_logs, extra):
    cmd = [binary, "scan", "--format", "json", "--fail-on", "never", *extra, str(log)]
    for s in service_logs:
        cmd += ["--service-log", str(s)]
    out = subprocess.run(cmd, capture_output=True, check=False)
    if out.returncode not in (0, 1):
        raise RuntimeError(f"{log}: dindlog exited {out.returncode}: {out.stderr.decode(errors='replace').strip()}")
    doc = json.loads(out.stdout)
    findings = []
    for f in doc["files"]:
        findings += f["findings"]
    return findings


def ranked(findings):
    causes = [f for f in findings if f["role"] == "cause"]
    cands = [f for f in findings if f["role"] == "candidate"]
    return causes + cands


# Reliability bins for the calibration check: (low, high) of the top finding's confidence.
BINS = [(0.0, 0.4), (0.4, 0.75), (0.75, 0.9), (0.9, 1.01)]


def calibration(pairs):
    """(low, high, n, mean confidence, share right) per bin of (confidence, right) pairs."""
    rows = []
    for lo, hi in BINS:
        inside = [(c, ok) for c, ok in pairs if lo <= c < hi]
        if inside:
            n = len(inside)
            rows.append((lo, hi, n, sum(c for c, _ in inside) / n, sum(ok for _, ok in inside) / n))
    return rows


def miscalibrated(rows, min_n=10):
    """Bins whose share right is further from their mean confidence than two
    standard errors of a binomial of that size, plus 0.05 for the bin's width."""
    bad = []
    for lo, hi, n, conf, right in rows:
        if n >= min_n and abs(right - conf) > 2 * (conf * (1 - conf) / n) ** 0.5 + 0.05:
            bad.append(f"confidence {lo:.2f}-{min(hi, 1):.2f}: {n} findings, mean {conf:.2f}, right {right:.2f}")
    return bad


def score_dir(directory, binary, matcher, extra, verbose, pairs):
    logs = sorted(p for p in Path(directory).iterdir() if p.suffix in (".log", ".txt") and not p.name.endswith(".service.txt"))
    stats = {k: {"labelled": 0, "top1": 0, "want": 0, "found": 0, "near": 0, "false": 0} for k in ("dindlog", "strings")}
    misses = []
    for log in logs:
        exp_path = log.with_name(log.stem + ".expect.toml")
        if not exp_path.exists():
            continue
        exp = tomllib.loads(exp_path.read_text())
        causes, cands = exp.get("causes", []), exp.get("candidates", [])
        services = [log.parent / s for s in exp.get("service_logs", [])]
        findings = run_dindlog(binary, log, services, extra)
        text = log.read_text(errors="replace") + "".join(s.read_text(errors="replace") for s in services)
        top_findings = ranked(findings)
        if (causes or cands) and top_findings:
            first = top_findings[0]
            pairs.append((first.get("confidence", 0.0), first["id"] == causes[0] if causes else first["id"] in cands))
        answers = {
            "dindlog": ([f["id"] for f in top_findings], any(f["role"] in ERROR_ROLES and f["severity"] == "error" for f in findings)),
            "strings": (string_match(text, matcher), None),
        }
        for name, (order, alarm) in answers.items():
            st = stats[name]
            if alarm is None:
                alarm = bool(order)
            if not causes and not cands:
                st["near"] += 1
                st["false"] += int(alarm)
                if alarm and name == "dindlog":
                    misses.append(f"{log.name}: false alarm {order}")
                continue
            st["labelled"] += 1
            top = order[0] if order else None
            ok = top == causes[0] if causes else top in cands
            st["top1"] += int(ok)
            wanted = causes + cands
            st["want"] += len(wanted)
            st["found"] += sum(1 for w in wanted if w in order)
            if not ok and name == "dindlog":
                misses.append(f"{log.name}: expected {causes[0] if causes else cands}, got {order}")
    if verbose:
        for m in misses:
            print("  miss " + m)
    return stats


def figures(st):
    top1 = st["top1"] / st["labelled"] if st["labelled"] else 1.0
    recall = st["found"] / st["want"] if st["want"] else 1.0
    return top1, recall, st["false"], st["near"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--bin", default=os.environ.get("DINDLOG", str(ROOT / "target/release/dindlog")))
    ap.add_argument("--signatures", help="passed to dindlog, and added to the string matcher")
    ap.add_argument("--check", metavar="RATCHET", help="fail when a figure is below this file's")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    sig_dirs = [ROOT / "signatures"] + ([args.signatures] if args.signatures else [])
    matcher = load_matcher(sig_dirs)
    extra = ["--signatures", args.signatures] if args.signatures else []
    ratchet = tomllib.loads(Path(args.check).read_text()) if args.check else {}
    failed = []
    pairs = []
    print(f"{'set':<16} {'logs':>5} {'top-1':>6} {'recall':>7} {'false':>7}   {'strings top-1':>13} {'false':>7}")
    for d in args.dirs:
        stats = score_dir(d, args.bin, matcher, extra, args.verbose, pairs)
        t, r, fa, near = figures(stats["dindlog"])
        st, _, sfa, _ = figures(stats["strings"])
        n = stats["dindlog"]["labelled"] + near
        print(f"{d:<16} {n:>5} {t:>6.2f} {r:>7.2f} {fa:>3}/{near:<3}   {st:>13.2f} {sfa:>3}/{near:<3}")
        want = ratchet.get(Path(d).as_posix().rstrip("/"))
        if want:
            if t + 1e-9 < want.get("top1", 0):
                failed.append(f"{d}: top-1 {t:.2f} < {want['top1']}")
            if r + 1e-9 < want.get("recall", 0):
                failed.append(f"{d}: recall {r:.2f} < {want['recall']}")
            if fa > want.get("false_alarms", fa):
                failed.append(f"{d}: {fa} false alarms > {want['false_alarms']}")
    rows = calibration(pairs)
    print("\ncalibration of the first finding (all sets): confidence bin, findings, mean confidence, share right")
    for lo, hi, n, conf, right in rows:
        print(f"  {lo:.2f}-{min(hi, 1):.2f} {n:>5} {conf:>6.2f} {right:>6.2f}")
    if args.check:
        failed += ["calibration: " + b for b in miscalibrated(rows)]
    for f in failed:
        print("ratchet: " + f, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
