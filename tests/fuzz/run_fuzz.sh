#!/usr/bin/env bash
# Runs a libFuzzer target for a few seconds from its seed corpus; new inputs
# go to a scratch folder, so the seeds in the tree stay as they are.
# Usage: run_fuzz.sh TARGET SEED_DIR SECONDS
set -euo pipefail
target=$1 seeds=$2 seconds=$3
scratch=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-fuzz-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
n=$(ls "$seeds" | wc -l)
(( n > 0 )) || { echo "FAIL: no seeds in $seeds"; exit 1; }
"$target" -max_total_time="$seconds" -seed=1 -print_final_stats=1 "$scratch" "$seeds" 2>&1 | tail -n 12
