#!/usr/bin/env bash
# The simulators keep their own codecs: no file under sim/ includes a
# drivers/ or backoffice/ header, and no target defined under sim/ compiles
# a source of either or links a library they define, directly or through
# another library. $2 is the list tests/sim/sims_own_codecs.cmake wrote.
src=$1 links=$2
[[ -s $links ]] || { echo "FAIL: $links is missing or empty (configure the build again)"; exit 1; }
fail=0
inc=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]*/)?(drivers|backoffice)/' "$src"/sim)
[[ -z $inc ]] || { echo "FAIL: a simulator includes a driver header:"; echo "$inc"; fail=1; }
mapfile -t drivers < <(awk '$1 == "driver" {print $2}' "$links")
(( ${#drivers[@]} > 0 )) || { echo "FAIL: no driver library listed in $links"; exit 1; }
for lib in "${drivers[@]}"; do
  hit=$(awk -v lib="$lib" '$1 == "sim" && $3 == "links" && $4 == lib {print "  " $2 " links " $4}' "$links")
  [[ -z $hit ]] || { echo "FAIL: a simulator links driver code:"; echo "$hit"; fail=1; }
done
hit=$(awk -v d="$src/drivers/" -v b="$src/backoffice/" \
  '$1 == "sim" && $3 == "source" && (index($4, d) == 1 || index($4, b) == 1) {print "  " $2 " compiles " $4}' "$links")
[[ -z $hit ]] || { echo "FAIL: a simulator compiles a driver source:"; echo "$hit"; fail=1; }
for prog in metersim cashsim paysim cardsim printsim smscsim; do
  grep -q "^sim $prog source " "$links" || { echo "FAIL: the simulator $prog is not in $links"; fail=1; }
done
(( fail == 0 )) || exit 1
n=$(awk '$1 == "sim" {print $2}' "$links" | sort -u | wc -l)
echo "ok: $n simulator targets, none includes, compiles or links driver code (${#drivers[@]} driver libraries)"
