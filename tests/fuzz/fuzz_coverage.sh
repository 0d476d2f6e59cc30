#!/usr/bin/env bash
# Prints what each fuzz target's coverage is: libFuzzer's `cov` (code edges
# reached) and `ft` (features) once the seed corpus has run (INITED) and
# after SECONDS of fuzzing from it (DONE), with the same seed every time so
# two builds can be compared. Nothing is written into the tree.
# Usage: fuzz_coverage.sh BIN_DIR [SECONDS] [TARGET...]   (default 30 s, every target)
set -euo pipefail
bin=$1 seconds=${2:-30}
shift $(( $# > 1 ? 2 : 1 ))
src=$(cd "$(dirname "$0")/../.." && pwd)
corpus_of() { # the seed folder of a target, as tests/CMakeLists.txt names it
  case $1 in
    bo_decode) echo "$src/tests/backoffice/corpus" ;;
    *) echo "$src/tests/fuzz/corpus/$1" ;;
  esac
}
targets=("$@")
if (( ${#targets[@]} == 0 )); then
  for f in "$bin"/fuzz_*; do targets+=("$(basename "$f" | sed 's/^fuzz_//')"); done
fi
printf '%-16s %8s %8s %8s %8s %10s\n' target seed_cov seed_ft cov ft execs
for t in "${targets[@]}"; do
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-fuzzcov-XXXXXX")
  log=$("$bin/fuzz_$t" -max_total_time="$seconds" -seed=1 -print_final_stats=1 "$scratch" "$(corpus_of "$t")" 2>&1 || true)
  rm -rf "$scratch"
  field() { grep -E "$1" <<<"$log" | tail -1 | grep -oE "$2: *[0-9]+" | grep -oE '[0-9]+$' || echo -; }
  printf '%-16s %8s %8s %8s %8s %10s\n' "$t" "$(field INITED cov)" "$(field INITED ft)" \
    "$(field '#[0-9]+' cov)" "$(field '#[0-9]+' ft)" "$(field stat::number_of_executed_units stat::number_of_executed_units)"
done
