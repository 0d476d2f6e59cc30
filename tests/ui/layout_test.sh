#!/usr/bin/env bash
# Every screen in both languages at one resolution: no text wider or taller
# than its box, no control smaller than a finger (15 mm at the dpi).
# Usage: layout_test.sh KIOSK_DEMO WIDTHxHEIGHT DPI [fails] (the gallery of kiosk-demo)
# With "fails", the layout must be found broken (a screen too small for the
# kiosk): the check itself is shown to work.
KIOSK=$1 SIZE=$2 DPI=$3 WANT=${4:-fits}
OUT=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-layout-XXXXXX")
trap 'rm -rf "$OUT"' EXIT
"$KIOSK" --set ui.resolution="$SIZE" --set ui.dpi="$DPI" --gallery "$OUT" 2>"$OUT/err"
status=$?
n=$(ls "$OUT"/*.png 2>/dev/null | wc -l)
if [[ $WANT == fails ]]; then
  [[ $status == 1 ]] && grep -q "layout problem" "$OUT/err" && { echo "ok: the broken layout was found"; exit 0; }
  echo "FAIL: a ${SIZE} screen at ${DPI} dpi cannot hold the kiosk, yet no layout problem was found"; exit 1
fi
(( status == 0 && n >= 20 )) && { echo "ok: $n pictures at $SIZE, every text fits"; exit 0; }
echo "FAIL: layout at $SIZE ($DPI dpi), $n pictures:"; cat "$OUT/err"; exit 1
