#!/usr/bin/env bash
# Builds the whole tree with the other compiler (gcc if the suite uses
# clang, and the reverse), warnings as errors.
set -eu
src=$1 out=$2 used=$3
if [[ $used == Clang ]]; then cc=gcc; else cc=clang; fi
command -v "$cc" >/dev/null || { echo "FAIL: $cc is not installed (scripts/install-deps installs it)"; exit 1; }
cmake -S "$src" -B "$out" -DCMAKE_C_COMPILER="$cc" -DKIOSK_WERROR=ON -DKIOSK_TESTS=OFF -DKIOSK_BENCH=ON \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out" -j2 2>&1 | grep -E 'warning|error' && exit 1
cmake --build "$out" -j2 >/dev/null
echo "ok: clean under $cc -Werror"
