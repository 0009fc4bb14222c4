#!/usr/bin/env bash
# Builds a static (musl) dindlog for Alpine-based `docker:` images and checks
# that it has no dynamic dependencies and runs on a shipped sample log.
# Exit 0: built and checked. Exit 3: the musl target or musl-gcc is not
# available here (nothing was built).
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-musl
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  rustup target add "$target" >/dev/null 2>&1 || { echo "build-static: cannot install the $target target"; exit 3; }
fi
if ! command -v musl-gcc >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq musl-tools >/dev/null 2>&1 || true
  fi
  command -v musl-gcc >/dev/null || { echo "build-static: musl-gcc missing (apt-get install musl-tools)"; exit 3; }
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --profile dist --locked --target "$target"
bin="$CARGO_TARGET_DIR/$target/dist/dindlog"
if command -v file >/dev/null; then
  file "$bin" | grep -Eq "static(-pie)? linked|statically linked" || { file "$bin"; echo "build-static: not static"; exit 1; }
fi
# No interpreter, no NEEDED entries.
if command -v readelf >/dev/null; then
  ! readelf -d "$bin" 2>/dev/null | grep -q NEEDED || { echo "build-static: dynamic dependencies left"; exit 1; }
fi
# Exit status 1 means "findings", which is what this sample must give.
out=$("$bin" --color never corpus/dind-not-privileged-healthcheck.log) && status=0 || status=$?
if [ "$status" != 1 ] || [ "${out%%$'\n'*}" != "Root cause: dind-not-privileged (The dind service runs without privileged mode)" ]; then
  echo "build-static: the static binary did not diagnose the sample log (exit $status)"
  exit 1
fi
echo "build-static: $bin is static and works ($(du -h "$bin" | cut -f1))"
