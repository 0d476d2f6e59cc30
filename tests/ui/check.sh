#!/usr/bin/env bash
# Small checks of the touchscreen's sources.
#   check.sh po SRC          every string of the screens (and the service mode's labels and answers)
#                            is in po/zh_CN.po and po/en.po, translated
#   check.sh table SRC KIOSK docs/ui.md's state table is what `kiosk --table` prints
set -u
what=$1 src=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-check-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
case $what in
po)
  xgettext --from-code=UTF-8 -k_ -kN_ -o "$tmp/kiosk.pot" "$src"/screens/*.c "$src"/core/service.c \
    "$src"/kiosk/ui/ui_work_service.c "$src"/kiosk/ui/ui_work_pages.c "$src"/screens/screen_service_rows.c || exit 1
  n=$(grep -c '^msgid "[^"]' "$tmp/kiosk.pot")
  (( n > 40 )) || { echo "FAIL: only $n strings found in screens/"; exit 1; }
  for lang in zh_CN en; do
    msgcmp "$src/po/$lang.po" "$tmp/kiosk.pot" || { echo "FAIL: po/$lang.po lacks the strings above (docs/ui.md)"; exit 1; }
  done
  echo "ok: $n strings, each in both catalogues" ;;
table)
  "$3" --table >"$tmp/table" || exit 1
  sed -n '/<!-- session-table:begin -->/,/<!-- session-table:end -->/p' "$src/docs/ui.md" | sed '1,2d;$d' | sed '$d' \
    >"$tmp/doc"
  diff "$tmp/doc" "$tmp/table" || { echo "FAIL: docs/ui.md's table differs from 'kiosk --table'"; exit 1; }
  echo "ok: docs/ui.md's table is current" ;;
*) echo "usage: check.sh po|table SRC [KIOSK]"; exit 2 ;;
esac
