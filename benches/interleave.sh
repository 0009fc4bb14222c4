#!/usr/bin/env bash
# Runs each command N times, interleaved (A B C A B C ...), and prints the
# minimum and median wall and CPU (user+sys) seconds of each. On a machine
# whose speed drifts (a shared VM), interleaving keeps a slow spell from
# landing on one command only; benches/compare.sh runs each command's
# hyperfine series back to back instead. Output goes to a file (ugrep, like
# grep, stops at the first match when it writes to /dev/null).
#
#   benches/interleave.sh 5 "dindlog --format jsonl tree" "rg -F -f lit -c tree"
set -euo pipefail
n=$1
shift
[[ -x /usr/bin/time ]] || { echo "interleave.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }
declare -a wall cpu
for ((round = 0; round < n; round++)); do
  i=0
  for c in "$@"; do
    read -r w u s < <({ /usr/bin/time -f "%e %U %S" bash -c "$c > ${TMPDIR:-/tmp}/interleave.out 2>/dev/null" || true; } 2>&1 | tail -1)
    wall[i]+="$w "
    cpu[i]+="$(echo "$u $s" | awk '{print $1 + $2}') "
    i=$((i + 1))
  done
done
i=0
for c in "$@"; do
  python3 - "${wall[i]}" "${cpu[i]}" "$c" <<'PY'
import statistics, sys
w = [float(x) for x in sys.argv[1].split()]
c = [float(x) for x in sys.argv[2].split()]
print("wall min %.3f med %.3f | cpu min %.3f med %.3f | %s"
      % (min(w), statistics.median(w), min(c), statistics.median(c), sys.argv[3]))
PY
  i=$((i + 1))
done
