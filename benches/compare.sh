#!/usr/bin/env bash
# Times dindlog against ripgrep 15 and ugrep on the same inputs and the same
# literal set, and prints wall times and ratios (dindlog / reference; below
# 1.0 means dindlog is faster). Data is generated deterministically under
# bench-data/ (gitignored) by benches/gen_data.py; see docs/PERFORMANCE.md.
#
#   benches/compare.sh            # 1 GiB log, 20,000-file tree (about 2.5 GB of disk)
#   benches/compare.sh --quick    # 64 MiB log, 2,000 files
#
# Environment: DINDLOG (binary; default: cargo build --release, then
# target/release/dindlog), RG (ripgrep 15; default: rg if it is 15, else
# `cargo install ripgrep --locked` into bench-data/tools), UGREP (ugrep),
# RUNS (hyperfine runs, default 5), DATA (default bench-data).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BIG_MIB=1024 FILES=20000
if [[ "${1:-}" == "--quick" ]]; then BIG_MIB=64 FILES=2000; fi
DATA=${DATA:-$ROOT/bench-data}
RUNS=${RUNS:-5}
mkdir -p "$DATA"

need() { command -v "$1" >/dev/null || { echo "compare.sh: $1 is needed ($2)" >&2; exit 2; }; }
need hyperfine "apt-get install hyperfine"
need python3 "3.11 or newer, for tomllib"
[[ -x /usr/bin/time ]] || { echo "compare.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }

if [[ -z "${DINDLOG:-}" ]]; then
  cargo build --release -q
  DINDLOG=$ROOT/target/release/dindlog
fi
UGREP=${UGREP:-ugrep}
need "$UGREP" "apt-get install ugrep"
if [[ -z "${RG:-}" ]]; then
  if command -v rg >/dev/null && rg --version | head -1 | grep -q '^ripgrep 15\.'; then
    RG=$(command -v rg)
  else
    # Debian's ripgrep 13 is about half as fast as 15: compare with the real thing.
    [[ -x "$DATA/tools/bin/rg" ]] || cargo install ripgrep --locked --root "$DATA/tools"
    RG=$DATA/tools/bin/rg
  fi
fi

echo "generating data in $DATA (big.log $BIG_MIB MiB, $FILES files) ..." >&2
python3 benches/gen_data.py "$DATA" "$BIG_MIB" "$FILES"
LIT=$DATA/literals.txt
BIG=$DATA/big-$BIG_MIB.log TREE=$DATA/tree-$FILES TREEGZ=$DATA/tree-gz-$FILES

OUT=$DATA/results-$BIG_MIB-$FILES
# Output goes to a real file: ugrep (like GNU grep) notices /dev/null and
# stops at the first match, which would time nothing.
SINK=$DATA/out.tmp
mkdir -p "$OUT"
bench() { # name, then commands: dindlog first
  local name=$1; shift
  hyperfine -N -i --style basic --warmup 1 --runs "$RUNS" --output "$SINK" \
    --export-json "$OUT/$name.json" "$@" >&2
}
bench single \
  "$DINDLOG --format jsonl $BIG" \
  "$RG -F -f $LIT -c $BIG" \
  "$UGREP -F -f $LIT -c $BIG"
# --no-ignore: bench-data/ is in .gitignore, which rg would honour.
bench tree \
  "$DINDLOG --format jsonl $TREE" \
  "$RG --no-ignore -F -f $LIT -c $TREE" \
  "$UGREP -r -F -f $LIT -c $TREE"
bench treegz \
  "$DINDLOG --format jsonl $TREEGZ" \
  "$UGREP -z -r -F -f $LIT -c $TREEGZ" \
  "$RG --no-ignore -z -F -f $LIT -c $TREEGZ"
bench startup \
  "$DINDLOG --format jsonl $DATA/small.log" \
  "$RG -F -f $LIT -c $DATA/small.log"

# Peak memory on standard input (GNU time's "Maximum resident set size", KiB).
rss() { { /usr/bin/time -v "$@" < "$BIG" > "$SINK" || true; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}'; }
RSS_D=$(rss "$DINDLOG" --format jsonl)
RSS_RG=$(rss "$RG" -F -f "$LIT" -c)
STDIN_T=$( { /usr/bin/time -f %e "$DINDLOG" --format jsonl < "$BIG" > "$SINK" || true; } 2>&1 | tail -1)
# A line of BIG_MIB MiB without a newline, generated on the fly into a pipe.
LINE_RSS=$( { head -c "${BIG_MIB}M" /dev/zero | tr '\0' x \
  | /usr/bin/time -v "$DINDLOG" --format jsonl > "$SINK" || true; } 2>&1 \
  | awk -F': ' '/Maximum resident/ {print $2}')

python3 - "$OUT" "$RSS_D" "$RSS_RG" "$STDIN_T" "$BIG_MIB" "$FILES" "$LINE_RSS" <<'PY'
import json, os, sys
out, rss_d, rss_rg, stdin_t, big, files, line_rss = sys.argv[1:8]
rows = [("single", "%s MiB log" % big, "rg"), ("tree", "%s-file tree" % files, "rg"),
        ("treegz", "%s-file tree, gzipped" % files, "ugrep -z"), ("startup", "small log (start-up)", "rg")]
print("| workload | dindlog | ripgrep 15 | ugrep | target ratio | measured ratio |")
print("|---|---|---|---|---|---|")
for key, label, ref in rows:
    p = os.path.join(out, key + ".json")
    if not os.path.exists(p):
        print("| %s | not run | | | | |" % label)
        continue
    r = [x["mean"] for x in json.load(open(p))["results"]]
    d = r[0]
    if key == "treegz":
        ug, rg = r[1], r[2]
        target, ratio = "<= 1.0x ugrep", d / ug
    elif key == "startup":
        rg, ug = r[1], None
        target, ratio = "<= 2.0x rg", d / rg
    else:
        rg, ug = r[1], r[2]
        target, ratio = "<= 1.0x rg", d / rg
    fmt = lambda s: "-" if s is None else ("%.1f ms" % (s * 1e3) if s < 1 else "%.2f s" % s)
    print("| %s | %s | %s | %s | %s | %.2fx |" % (label, fmt(d), fmt(rg), fmt(ug), target, ratio))
print("| %s MiB on stdin: peak RSS | %.1f MiB (%ss) | %.1f MiB | | < 64 MiB | %s |" % (
    big, int(rss_d) / 1024, stdin_t, int(rss_rg) / 1024, "met" if int(rss_d) < 64 * 1024 else "missed"))
print("| %s MiB line without newline on stdin: peak RSS | %.1f MiB | | | bounded | %s |" % (
    big, int(line_rss) / 1024, "met" if int(line_rss) < 64 * 1024 else "missed"))
PY
