#!/usr/bin/env bash
# Every screen has its spoken prompt in both languages: kiosk-demo's
# gallery draws every resident's screen in every state it has, in Chinese
# and in English, and writes beside each picture the sentence the voice
# says there (screen_prompt). Each must be there and not empty; the
# Chinese one must be Chinese (from the catalogue: CJK characters, no
# English word) and the English one English; the two must differ.
# Usage: voice_test.sh KIOSK_DEMO
set -u
demo=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-voice-XXXXXX")
trap 'rm -rf "$dir"' EXIT
SDL_VIDEODRIVER=offscreen TZ=UTC "$demo" --set ui.resolution=1280x800 --set ui.dpi=150 --gallery "$dir" >"$dir/log" 2>&1 ||
  { echo "FAIL: the gallery did not draw"; cat "$dir/log"; exit 1; }
fail=0 n=0
for png in "$dir"/*-en.png; do
  name=$(basename "$png" -en.png)
  [[ $name == service-* ]] && continue # the service mode says nothing
  n=$((n + 1))
  zh=$(cat "$dir/$name-zh_CN.prompt" 2>/dev/null) en=$(cat "$dir/$name-en.prompt" 2>/dev/null)
  if [[ -z $zh || -z $en ]]; then
    echo "FAIL: $name has no prompt in $([[ -z $zh ]] && echo Chinese || echo English)"; fail=1; continue
  fi
  grep -qP '[\x{4E00}-\x{9FFF}]' <<<"$zh" && ! grep -qE '[A-Za-z]{2,}' <<<"$zh" ||
    { echo "FAIL: $name: the Chinese prompt is not Chinese: $zh"; fail=1; }
  grep -qP '[\x{2E80}-\x{9FFF}\x{FF00}-\x{FFEF}]' <<<"$en" && { echo "FAIL: $name: the English prompt is not English: $en"; fail=1; }
  [[ $zh == "$en" ]] && { echo "FAIL: $name: the same prompt in both languages: $zh"; fail=1; }
  printf '  %-24s %s | %s\n' "$name" "$zh" "$en"
done
((n >= 20)) || { echo "FAIL: only $n screens drawn"; exit 1; }
((fail == 0)) || exit 1
echo "ok: $n screens, each with its prompt in Chinese and in English"
