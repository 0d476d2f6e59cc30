#!/usr/bin/env bash
# The core includes no SDL, curl, SQLite, termios or socket header, and no
# floating-point type touches it.
src=$1/core
bad=$(grep -nE '#include *<(SDL|curl|sqlite3|termios|sys/socket|netinet|arpa/|pcsclite|winscard|modbus)' "$src"/*.[ch])
[[ -z $bad ]] || { echo "FAIL: forbidden header in the core:"; echo "$bad"; exit 1; }
float=$(grep -nwE 'float|double|long double' "$src"/*.[ch])
[[ -z $float ]] || { echo "FAIL: floating point in the core:"; echo "$float"; exit 1; }
n=$(ls "$src"/*.c | wc -l)
(( n >= 8 )) || { echo "FAIL: only $n core sources found in $src"; exit 1; }
echo "ok: $n core sources, no forbidden header, no floating point"
