#!/usr/bin/env bash
# The tree's layers, from what the compiler read: every compiled source's
# dependency file (*.o.d, written by -MD) names each project header it
# included, directly or through another header. An include between
# top-level folders must point down (docs/architecture.md, "The tree"):
#
#   base/                    nothing of the project
#   core/                    base
#   drivers/, sim/, ledger/  base, core
#   engine/                  ledger, drivers and below
#   sync/                    engine and below
#   provisioning/            sync and below
#   screens/                 core, base
#   backoffice/              sync (its protocol code), core, base
#   kiosk/                   the programs: everything above
#   tests/, bench/           anything
#
# and the folders inside one (drivers/card, backoffice/domain, kiosk/ui...)
# must not include each other round in a cycle.
# Usage: layers.sh SOURCE_DIR BUILD_DIR (after the self-test below), or
# layers.sh --self-test alone.
set -u

allowed() { # a top-level folder -> the folders it may include (closed under "below")
  case $1 in
    base) echo "" ;;
    core) echo "base" ;;
    drivers | sim | ledger) echo "base core" ;;
    engine) echo "base core ledger drivers" ;;
    sync) echo "base core ledger drivers engine" ;;
    provisioning) echo "base core ledger drivers engine sync" ;;
    screens) echo "base core" ;;
    backoffice) echo "base core sync" ;;
    kiosk) echo "base core ledger drivers engine sync provisioning screens" ;;
    tests | bench) echo "*" ;;
    *) echo "?" ;;
  esac
}

# Prints "source header" for each project file each depfile names, paths
# relative to the source tree (a generated header by where it is made: the
# generated/base/version.h of any build is base's). A depfile naming a
# project file that is no more (left from an older tree: make would
# rebuild it) is skipped.
pairs() {
  local src=$1 build=$2 known
  known=$(mktemp) || return 1
  (cd "$src" && find . -path ./build -prune -o -type f -name '*.[ch]' -print | sed 's|^\./||') >"$known"
  find "$build" -name '*.o.d' -print0 | xargs -0 awk -v src="$src/" -v known="$known" '
    function norm(p,   parts, k, m, out, j) { # resolves "." and "dir/.."
      m = split(p, parts, "/"); k = 0
      for (j = 1; j <= m; j++) {
        if (parts[j] == "..") { if (k > 0) k-- } else if (parts[j] != "." && parts[j] != "") out[++k] = parts[j]
      }
      p = ""; for (j = 1; j <= k; j++) p = p "/" out[j]
      return p
    }
    function flush(   i) { if (from != "" && !stale) for (i = 0; i < n; i++) print from, to[i]; from = ""; n = 0; stale = 0 }
    FILENAME == known { exists[$0] = 1; next }
    FNR == 1 { flush(); cwd = FILENAME; sub(/\/CMakeFiles\/.*/, "", cwd) } # where the compiler ran
    {
      for (i = 1; i <= NF; i++) {
        t = $i
        if (t == "\\" || t ~ /:$/) continue
        t = norm(t ~ /^\// ? t : cwd "/" t)
        if (match(t, /\/generated\//)) t = substr(t, RSTART + RLENGTH)
        else if (index(t, src) == 1) { t = substr(t, length(src) + 1); if (!(t in exists)) stale = 1 }
        else continue
        if (from == "") { if (t ~ /\.c$/) from = t; continue }
        to[n++] = t
      }
    }
    END { flush() }' "$known" | sort -u
  rm -f "$known"
}

check() {
  local src=$1 build=$2 fail=0 n=0 tops mods
  local list
  list=$(pairs "$src" "$build")
  n=$(cut -d' ' -f1 <<<"$list" | sort -u | grep -c .)
  ((n >= 100)) || { echo "FAIL: only $n compiled sources found in $build (build the project first)"; return 1; }
  local table="" f
  for f in base core drivers sim ledger engine sync provisioning screens backoffice kiosk tests bench; do
    table+="$f=$(allowed $f | tr ' ' ,);"
  done
  local out
  out=$(awk -v table="$table" '
    BEGIN { m = split(table, rows, ";"); for (i = 1; i < m; i++) { split(rows[i], kv, "="); ok[kv[1]] = "," kv[2] "," } }
    function dir(p) { sub(/\/[^\/]*$/, "", p); return p }
    {
      from = $1; to = $2; ft = from; sub(/\/.*/, "", ft); tt = to; sub(/\/.*/, "", tt)
      if (dir(from) != dir(to)) print "MOD", dir(from), dir(to)
      if (ft == tt) next
      if (!(ft in ok)) { print "FAIL: " from " is in " ft "/, a folder of no layer: add it to tests/cli/layers.sh and docs/architecture.md"; next }
      if (ok[ft] != ",*," && index(ok[ft], "," tt ",") == 0) {
        a = ok[ft]; gsub(/^,|,$/, "", a); gsub(/,/, " ", a)
        print "FAIL: " from " (" ft "/) includes " to " (" tt "/): " ft "/ may include only " (a == "" ? "nothing of the project" : a)
      }
      print "TOP", ft, tt
    }' <<<"$list")
  if grep -q '^FAIL' <<<"$out"; then grep '^FAIL' <<<"$out" | sort -u; fail=1; fi
  mods=$(sed -n 's/^MOD //p' <<<"$out" | sort -u)
  tops=$(sed -n 's/^TOP //p' <<<"$out" | sort -u)
  local loop
  loop=$(printf '%s\n' "$mods" | tsort 2>&1 >/dev/null)
  [[ -z $loop ]] || { echo "FAIL: folders include each other round in a cycle:"; echo "$loop"; fail=1; }
  ((fail == 0)) || return 1
  echo "ok: $n sources, $(grep -c . <<<"$tops") kinds of include between top-level folders, every one downward; $(grep -c . <<<"$mods") between folders, no cycle"
}

# The check itself must fail on an upward include and on a cycle: a small
# tree of made-up depfiles with each (and one clean) shows it does.
self_test() {
  local t
  t=$(mktemp -d) || return 1
  trap 'rm -rf "$t"' RETURN
  local s=$t/src b=$t/build
  mkdir -p "$s/base" "$s/core" "$s/engine" "$s/drivers/a" "$s/drivers/b" "$b"
  touch "$s/base/err.h" "$s/engine/engine.h" "$s/drivers/a/x.h" "$s/drivers/b/y.h"
  for i in $(seq 100); do
    touch "$s/core/c$i.c"
    printf 'x.o: %s/core/c%d.c %s/base/err.h\n' "$s" "$i" "$s" >"$b/c$i.o.d"
  done
  touch "$s/engine/e.c" "$s/drivers/a/x.c" "$s/drivers/b/y.c"
  check "$s" "$b" >/dev/null || { echo "FAIL: the self-test's clean tree was refused"; return 1; }
  printf 'x.o: %s/core/c1.c \\\n  %s/engine/engine.h\n' "$s" "$s" >"$b/c1.o.d"
  check "$s" "$b" | grep -q 'core/c1.c (core/) includes engine/engine.h' ||
    { echo "FAIL: an upward include (core -> engine) went unnoticed"; return 1; }
  printf 'x.o: %s/core/c1.c %s/base/err.h\n' "$s" "$s" >"$b/c1.o.d"
  printf 'x.o: %s/drivers/a/x.c %s/drivers/b/y.h\n' "$s" "$s" >"$b/x.o.d"
  printf 'y.o: %s/drivers/b/y.c %s/drivers/a/x.h\n' "$s" "$s" >"$b/y.o.d"
  check "$s" "$b" | grep -q 'cycle' || { echo "FAIL: a cycle (drivers/a <-> drivers/b) went unnoticed"; return 1; }
  echo "ok: the check refuses an upward include and a cycle"
}

if [[ ${1:-} == --self-test ]]; then
  self_test
else
  self_test && check "$(realpath "$1")" "$(realpath "$2")"
fi
