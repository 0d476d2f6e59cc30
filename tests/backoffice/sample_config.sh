#!/usr/bin/env bash
# backoffice.ini.sample with every key uncommented is a valid configuration,
# and a key that is not a setting is refused, naming it.
# Usage: sample_config.sh BACKOFFICE SOURCE_DIR
set -eu
bo=$1 src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/bo-sample-XXXXXX")
trap 'rm -rf "$dir"' EXIT
sed -E 's/^;([a-z_]+ =)/\1/' "$src/backoffice/backoffice.ini.sample" >"$dir/all.ini"
n=$(grep -cE '^[a-z_]+ =' "$dir/all.ini")
(( n >= 14 )) || { echo "FAIL: only $n keys in the sample"; exit 1; }
"$bo" --config "$dir/all.ini" --set "server.database=$dir/bo.db" site list >/dev/null ||
  { echo "FAIL: the sample's keys are not all accepted"; exit 1; }
printf '[server]\ncolour = blue\n' >"$dir/bad.ini"
if "$bo" --config "$dir/bad.ini" site list 2>"$dir/err"; then echo "FAIL: an unknown key was accepted"; exit 1; fi
grep -q 'colour is not a setting' "$dir/err" || { echo "FAIL: the error does not name the key"; cat "$dir/err"; exit 1; }
echo "ok: $n keys"
