#!/usr/bin/env bash
# The resident's touches and seconds (docs/ui.md, "Touches and seconds"):
# kiosk-demo replays a resident's top-up (bench/resident/*.kscript) against
# the simulated site the end-to-end tests use, and reports the touches, the
# screens read and how long the kiosk kept the resident waiting; the
# resident's own time comes from a stated model. Paths: cash with one note
# by meter number, card, QR code (the phone pays through the simulated
# provider), and cash by meter card when CARDSIM is given and pcscd runs
# with the virtual readers. Figures, not pass or fail; goal for cash with
# one note: at most 6 touches and 20 s besides inserting the note.
# Usage: resident_bench.sh KIOSK_DEMO KIOSKCTL METERSIM CASHSIM PAYSIM PRINTSIM BACKOFFICE [CARDSIM]
# Environment: BENCH_RESIDENT_RUNS (runs per path, default 3; the median is
# printed), and the model: TOUCH_S (a touch on a control, 1.0), DIGIT_S (a
# keypad digit typed in a row, 0.5), SCREEN_S (reading a new screen, 1.5).
(( $# >= 7 )) || { echo "usage: resident_bench.sh KIOSK_DEMO KIOSKCTL METERSIM CASHSIM PAYSIM PRINTSIM BACKOFFICE [CARDSIM]" >&2; exit 2; }
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
KIOSK=$(abs "$1") CTL=$(abs "$2") METERSIM=$(abs "$3") CASHSIM=$(abs "$4") PAYSIM=$(abs "$5") PRINTSIM=$(abs "$6")
BO=$(abs "$7") CARDSIM=${8:+$(abs "$8")}
KIOSK_BIN=$(dirname "$KIOSK")/kiosk
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tests/cli/lib.sh"
. "$HERE/../tests/cli/bo_lib.sh"
. "$HERE/../tests/ui/site_lib.sh"
RUNS=${BENCH_RESIDENT_RUNS:-3} TOUCH_S=${TOUCH_S:-1.0} DIGIT_S=${DIGIT_S:-0.5} SCREEN_S=${SCREEN_S:-1.5}

# resident SCRIPT: one run headless; its report line in $REPORT.
resident() {
  SDL_VIDEODRIVER=offscreen timeout 120 "$KIOSK" --config "$SITE/kiosk.ini" --headless --report \
    --script "$HERE/resident/$1.kscript" --sim cash=127.0.0.1:$CASH --sim meters=127.0.0.1:$METERS \
    ${CARDS:+--sim cards=127.0.0.1:$CARDS} >"$SITE/out" 2>"$SITE/err" &
  local k=$!
  [[ $1 != qr_phone ]] || phone_pays $k
  wait $k || { echo "resident_bench: $1 failed: $(grep -v ' I kiosk' "$SITE/err" | tail -5)" >&2; return 1; }
  REPORT=$(grep '^report ' "$SITE/out")
  [[ -z ${BENCH_VERBOSE:-} ]] || echo "  $1: $REPORT"
}

# phone_pays PID: once the kiosk made its QR order, the phone pays it.
phone_pays() {
  local order=""
  for _ in $(seq 1200); do
    order=$(bo_sql "select id from qr_order where state = 'pending' limit 1" 2>/dev/null)
    [[ -n $order ]] && break
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.02
  done
  [[ $(bo_post "/v1/sim/qr-orders/$order/pay") == 200 ]] || echo "resident_bench: paying $order failed" >&2
}

field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$REPORT"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# row NAME SCRIPT [RUNS]: RUNS runs, one line of the table (the medians of
# the waits).
row() {
  local waits="" pays="" i
  for ((i = 0; i < ${3:-$RUNS}; i++)); do
    resident "$2" || return 1
    waits+="$(field kiosk_ms)"$'\n' pays+="$(field paying_ms)"$'\n'
  done
  local touches digits screens wait pay
  touches=$(field touches) digits=$(field meter_digits) screens=$(field screens)
  wait=$(printf '%s' "$waits" | median) pay=$(printf '%s' "$pays" | median)
  awk -v n="$1" -v t="$touches" -v d="$digits" -v s="$screens" -v w="$wait" -v p="$pay" -v ts="$TOUCH_S" \
    -v ds="$DIGIT_S" -v ss="$SCREEN_S" 'BEGIN {
      model = (t - d) * ts + d * ds + s * ss
      printf "  %-18s %7d %7d %7d %7.1f %7.1f %7.1f %7.1f %7.1f\n", n, t - d, t, s, w / 1000, model, model + w / 1000,
        model + w / 1000 - d * ds, p / 1000
    }'
}

# idle_cpu: the program kiosk headless against the same site, on the idle
# attract screen for IDLE_S seconds (default 20): its CPU time from /proc
# (utime + stime) over the wall time.
idle_cpu() {
  local s=${IDLE_S:-20} k t0 t1 c0 c1 tck
  SDL_VIDEODRIVER=offscreen "$KIOSK_BIN" --config "$SITE/kiosk.ini" --headless 2>"$SITE/kiosk.err" &
  k=$!
  for _ in $(seq 200); do grep -q -- '-> attract' "$SITE/kiosk.err" && break; sleep 0.05; done
  sleep 1 # recovery and the first look at the devices are behind it
  tck=$(getconf CLK_TCK)
  read -r c0 t0 < <(cpu_of $k)
  sleep "$s"
  read -r c1 t1 < <(cpu_of $k)
  [[ -z ${BENCH_VERBOSE:-} ]] || echo "  idle: ticks $c0 -> $c1; $(grep -c . "$SITE/kiosk.err") log lines, $(tail -2 "$SITE/kiosk.err")"
  kill $k; wait $k 2>/dev/null
  awk -v c="$((c1 - c0))" -v t="$((t1 - t0))" -v hz="$tck" -v s="$s" 'BEGIN {
    printf "\nThe program kiosk, idle on attract for %d s against the same site: %.2f %% of one core, %d ms of CPU\n",
      s, c / hz * 1e9 / t * 100, c * 1000 / hz
    printf "  (goal: under 1 %%; /proc counts CPU in steps of %d ms)\n", 1000 / hz }'
}

cpu_of() { # cpu_of PID: its utime + stime in ticks, and the time now in ns
  local stat
  stat=$(cat "/proc/$1/stat")
  stat=${stat##*) }
  set -- $stat
  echo "$((${12} + ${13})) $(date +%s%N)"
}

start_site
echo "The resident's touches and seconds (kiosk-demo headless against the simulated site; median of $RUNS runs)"
echo "  model: ${TOUCH_S} s a touch on a control, ${DIGIT_S} s a keypad digit, ${SCREEN_S} s to read a new screen"
echo "  goal, cash with one note: at most 6 touches, 20 s besides inserting the note"
printf '  %-18s %7s %7s %7s %7s %7s %7s %7s %7s\n' "" touches +digits screens kiosk model total "-typing" paying
row "cash, one note" cash_one_note || exit 1
row "card" card_one_touch || exit 1
if [[ -z $CARDSIM ]] || ! pgrep -x pcscd >/dev/null; then
  echo "  (cash by meter card: give CARDSIM and run pcscd with the virtual readers)"
elif pgrep -x cardsim >/dev/null; then
  echo "  (cash by meter card: skipped, another cardsim holds the virtual readers)"
else
  start_cards
  "$CARDSIM" make-blank 4B50000000000091 "$SITE/card.json" >/dev/null
  card_into_reader card.json
  ctl card issue --meter 000000000002 --customer 100000000002 --reason "bench" >/dev/null 2>&1
  control "$CARDS" remove
  sleep 1 # vpcd listens again a moment after a card left
  row "cash, meter card" cash_meter_card 1 || exit 1 # the card buys again once it was in the meter
fi
start_bo 2>/dev/null # (the back office's keygen speaks)
row "QR code" qr_phone || exit 1
echo "  touches: on controls besides the meter number's digits; +digits: with them. Seconds: kiosk, measured,"
echo "  the kiosk's own waiting (answers, the acceptor made ready, the QR order made, the delivery); model, the"
echo "  resident's (touches, digits, screens read); total = model + kiosk; -typing: total without typing the"
echo "  meter number (a meter card, or a number the kiosk remembers); paying: inserting the note, the"
echo "  terminal, the phone (in no total)."
idle_cpu
