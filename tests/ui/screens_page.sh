#!/usr/bin/env bash
# Writes docs/screens.md: every reference screenshot, at 1280x800 and
# 800x480, Chinese beside English. Run by the target ui_refs.
src=$1
out="$src/docs/screens.md"
{
  echo "# Every screen"
  echo
  echo "The resident's screens and the service pages in both languages, at"
  echo "1280x800 (150 dpi) and 800x480 (133 dpi), drawn by the gallery"
  echo "(\`kiosk-demo --gallery\`, docs/ui.md) from fixed events; shown at half size."
  echo "Refresh with \`cmake --build build --target ui_refs\`."
  for size in 1280x800 800x480; do
    dir=screenshots; [[ $size == 800x480 ]] && dir=screenshots/800x480
    echo
    echo "## $size"
    echo
    echo "| screen | 中文 | English |"
    echo "|---|---|---|"
    for zh in "$src/docs/$dir"/*-zh_CN.png; do
      name=$(basename "$zh" -zh_CN.png)
      echo "| $name | ![$name 中文]($dir/$name-zh_CN.png) | ![$name English]($dir/$name-en.png) |"
    done
  done
} >"$out"
