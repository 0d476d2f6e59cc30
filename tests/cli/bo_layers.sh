#!/usr/bin/env bash
# The back office's layers, from its #include lines (docs/architecture.md,
# "The back office"): each folder includes only the folders below it, only
# the storage implementation includes SQLite or libpq and only the HTTP layer
# libmicrohttpd, and no modules include each other round in a cycle (a
# module: a folder's X.c, X.h and internal X_int.h).
#   bo_main.c (the program)   anything
#   cli/, http/               domain, notify, pay, store, base (and their own)
#   domain/                   notify, pay, store, base
#   pay/                      base (the QR money providers' merchant APIs, docs/payments-qr.md)
#   notify/                   store, base (notices: the pure rules, the outbox, the channels)
#   store_sqlite/             store, base
#   store/                    base
#   base/                     base
src=$1/backoffice
fail=0
allowed() { # folder of the including file -> folders it may include
  case $1 in
    .) echo "cli http domain notify pay store_sqlite store base" ;;
    cli) echo "cli domain notify pay store base" ;;
    http) echo "http domain notify pay store base" ;;
    domain) echo "domain notify pay store base" ;;
    pay) echo "pay base" ;;
    notify) echo "notify store base" ;;
    store_sqlite) echo "store_sqlite store base" ;;
    store) echo "store base" ;;
    base) echo "base" ;;
  esac
}
module() { # backoffice-relative path -> folder/stem, an internal header with its module
  local f=${1%.[ch]}
  echo "${f%_int}"
}
files=$(cd "$src" && find . -name '*.[ch]' | sed 's|^\./||' | sort)
n=$(echo "$files" | wc -l)
(( n >= 80 )) || { echo "FAIL: only $n back-office sources found in $src"; exit 1; }
edges=""
for f in $files; do
  dir=$(dirname "$f")
  [[ -n $(allowed "$dir") ]] || { echo "FAIL: $f is in a folder of no layer ($dir)"; fail=1; continue; }
  while IFS= read -r line; do
    inc=$(sed -nE 's/^#include *"([^"]+)".*/\1/p' <<<"$line")
    sys=$(sed -nE 's/^#include *<([^>]+)>.*/\1/p' <<<"$line")
    if [[ ($sys == sqlite3.h || $sys == libpq-fe.h) && $dir != store_sqlite ]]; then
      echo "FAIL: $f includes <$sys>: only store_sqlite/ speaks SQL"; fail=1
    fi
    if [[ $sys == microhttpd.h && $dir != http ]]; then
      echo "FAIL: $f includes <microhttpd.h>: only http/ speaks HTTP"; fail=1
    fi
    [[ -z $inc ]] && continue
    case $inc in
      backoffice/*) ;;
      */*) continue ;; # another part of the project (kiosk/, sync/)
      *) echo "FAIL: $f includes \"$inc\" by a relative path: name it from the project's root"; fail=1; continue ;;
    esac
    rel=${inc#backoffice/}
    to=$(dirname "$rel")
    [[ $to == "." ]] && { echo "FAIL: $f includes $inc, which is in no layer's folder"; fail=1; continue; }
    if [[ " $(allowed "$dir") " != *" $to "* ]]; then
      echo "FAIL: $f (${dir/./the program}) includes $inc ($to): a layer includes only the layers below it"; fail=1
    fi
    from_m=$(module "$f") to_m=$(module "$rel")
    [[ $from_m != "$to_m" ]] && edges+="$from_m $to_m"$'\n'
  done < <(grep -E '^#include' "$src/$f")
done
loop=$(printf '%s' "$edges" | tsort 2>&1 >/dev/null)
if [[ -n $loop ]]; then
  echo "FAIL: modules include each other round in a cycle:"; echo "$loop"; fail=1
fi
(( fail == 0 )) || exit 1
echo "ok: $n back-office files, $(printf '%s' "$edges" | sort -u | wc -l) module includes, every one downward, no cycle"
