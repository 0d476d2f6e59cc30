#!/usr/bin/env bash
# Each language on its own screens: kiosk-demo's gallery draws every
# resident's screen in every state it has in both languages and writes the
# texts it drew beside each picture. A Chinese screen may show no English
# word, an English screen no Chinese character; numbers, money, units
# (kWh, m³) and each screen's switch to the other language ("English",
# "中文") are allowed; on the service mode's pages also the gallery's data:
# operators' names, the site's id, the gateway's protocol and address,
# card serials and the enrolment code.
# Usage: lang_test.sh KIOSK_DEMO
set -u
demo=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-lang-XXXXXX")
trap 'rm -rf "$dir"' EXIT
SDL_VIDEODRIVER=offscreen TZ=UTC "$demo" --set ui.resolution=1280x800 --set ui.dpi=150 --gallery "$dir" >"$dir/log" 2>&1 ||
  { echo "FAIL: the gallery did not draw"; cat "$dir/log"; exit 1; }
data='alice|bob|chen\.wei|market-hall-east|dlt645|[0-9A-F]{16}|[0-9A-Z]{4}(-[0-9A-Z]{4}){3}'
fail=0 n=0
for f in "$dir"/*.txt; do
  name=$(basename "$f" .txt)
  n=$((n + 1))
  case $name in
  *-zh_CN) bad=$(grep -vx 'English' "$f" | sed -E "s/kWh|m³|$data//g" | grep -E '[A-Za-z]{2,}') ;;
  *-en) bad=$(grep -vx '中文' "$f" | grep -P '[\x{2E80}-\x{9FFF}\x{FF00}-\x{FFEF}]') ;;
  *) echo "FAIL: $name is in no language"; fail=1; continue ;;
  esac
  if [[ -n $bad ]]; then
    echo "FAIL: $name shows text of the other language:"
    sed 's/^/    /' <<<"$bad"
    fail=1
  fi
done
((n >= 60)) || { echo "FAIL: only $n screens drawn"; exit 1; }
((fail == 0)) || exit 1
echo "ok: $n screens (the resident's and the service mode's), each in its own language only"
