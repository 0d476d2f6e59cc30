#!/usr/bin/env bash
# kioskctl taking money from cashsim and paysim, as staff and the demo use
# it: sale --pay cash|card, cash status|collect,
# payterm last|end-of-day.
# Usage: pay_test.sh CASE KIOSKCTL CASHSIM PAYSIM
CASE=$1 CTL=$2 CASHSIM=$3 PAYSIM=$4
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cash_lib.sh"

start_sims() {
  make_site
  mkdir "$SITE/pay"
  trap 'kill $CASH_PID $PAY_PID 2>/dev/null; wait $CASH_PID $PAY_PID 2>/dev/null; rm -rf "$SITE"' EXIT
  start_cashsim
  "$PAYSIM" --port 0 --state "$SITE/pay/state.json" --ports-file "$SITE/pay/ports" 2>"$SITE/pay/log" &
  PAY_PID=$!
  wait_ports "$SITE/pay/ports" "$SITE/pay/log"
  PAY_CONTROL=$(awk '$1 == "control" { print $2 }' "$SITE/pay/ports")
  ZVT=$(awk '$1 == "zvt" { print $2 }' "$SITE/pay/ports")
  cat >>"$SITE/kiosk.ini" <<INI
[cash]
protocol = cctalk
device = $SITE/cash/bv
[payterm]
protocol = zvt
address = 127.0.0.1:$ZVT
timeout_ms = 2000
[limits]
max_purchase = 10000
INI
}

json() { sqlite3 :memory: "select json_extract('$1', '$2')"; }

# Starts a cash sale in the background and waits until the acceptor takes notes.
cash_sale_bg() {
  ctl sale --meter 000000000001 --pay cash "$@" >"$SITE/out" 2>"$SITE/err" &
  SALE_PID=$!
  acceptor_enabled "$SITE/err"
}

sale_done() { bg_done "$SALE_PID" "$1" sale; } # waits for the background sale; its status must be $1

case_sale_cash() {
  cash_sale_bg --amount 3000 --timeout 20
  insert CN0010A
  insert CN0005A # not accepted: the acceptor refuses it
  insert CN0020A
  sale_done 0
  [[ $(json "$OUT" '$.state') == delivered && $(json "$OUT" '$.paid') == 3000 ]] || fail "cash sale: $OUT"
  contains "$ERR" "Note CNY 20.00 taken" "what the resident saw"
  contains "$ERR" "Note given back (inhibited)" "what the resident saw of a refused note"
  grep -q "credit 000000000001 1 3000" "$SITE/journal" || fail "the meter was not credited 3000"
  # not enough notes before the timeout: what was inserted is delivered
  cash_sale_bg --amount 5000 --timeout 2
  insert CN0010A
  sale_done 0
  [[ $(json "$OUT" '$.paid') == 1000 && $(json "$OUT" '$.state') == delivered ]] || fail "short cash sale: $OUT"
  expect_status 0 ctl ledger verify
}

case_cash_collect() {
  cash_sale_bg --amount 7000 --timeout 20
  insert CN0050A
  control "$CASH_CONTROL" remove-box # a collector too early: seen and recorded
  insert CN0020A # no box: the note goes back
  control "$CASH_CONTROL" insert-box
  insert CN0020A
  sale_done 0
  expect_status 0 ctl cash status
  contains "$OUT" "cash CNY 50.00" "cash status"
  contains "$OUT" "cash CNY 20.00" "cash status"
  contains "$OUT" "removed 1 times, inserted 1 times" "the cash box"
  contains "$OUT" "70.00" "cash status total"
  expect_status 0 ctl cash collect
  contains "$OUT" "Z REPORT" "collection"
  contains "$OUT" "70.00" "Z report total"
  expect_status 0 ctl cash status
  [[ $OUT != *"cash CNY 50.00"* ]] || fail "the counters were not reset: $OUT"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from cash_collection") == 1 ]] || fail "no collection row"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where action like 'cash_collect%'") == 1 ]] \
    || fail "the collection is not in the audit log"
}

case_sale_card() {
  expect_status 0 ctl sale --meter 000000000002 --amount 2500 --pay card
  [[ $(json "$OUT" '$.state') == delivered && $(json "$OUT" '$.paid') == 2500 ]] || fail "card sale: $OUT"
  contains "$ERR" "  | " "the terminal's receipt lines"
  expect_status 0 ctl payterm last
  contains "$OUT" "result 00" "payterm last"
  control "$PAY_CONTROL" "decline 05"
  expect_status 1 ctl sale --meter 000000000002 --amount 1000 --pay card
  [[ $(json "$OUT" '$.state') == cancelled ]] || fail "declined card sale: $OUT"
  control "$PAY_CONTROL" timeout-after
  expect_status 0 ctl sale --meter 000000000002 --amount 1200 --pay card
  [[ $(json "$OUT" '$.state') == delivered ]] || fail "card sale with a lost answer: $OUT"
  expect_status 0 ctl payterm end-of-day
  contains "$OUT" "result 00" "end of day"
  control "$PAY_CONTROL" state
  [[ $(json "${REPLY#ok }" '$.journal[3].kind') == end-of-day ]] || fail "the terminal's journal: $REPLY"
  expect_status 0 ctl ledger verify
  expect_status 0 ctl cash status
  contains "$OUT" "card" "cash status lists card payments"
  contains "$OUT" "37.00" "card total"
}

case_bad_devices() {
  expect_status 1 ctl --set cash.device="$SITE/nothing" sale --meter 000000000001 --amount 1000 --pay cash
  contains "$ERR" "$SITE/nothing" "a missing acceptor"
  contains "$ERR" "no sale opened" "a missing acceptor"
  expect_status 1 ctl --set payterm.address=127.0.0.1:1 sale --meter 000000000001 --amount 1000 --pay card
  [[ $(json "$OUT" '$.state') == cancelled ]] || fail "a sale with no terminal: $OUT"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from payment") == 0 ]] || fail "money booked without a terminal"
  expect_status 0 ctl ledger verify
}

# kioskctl selftest: the acceptor and the terminal answer, what is not
# configured is off; a terminal that is gone fails, and so does the run.
case_selftest() {
  expect_status 0 ctl selftest
  [[ $OUT =~ bill\ acceptor\ +ok ]] || fail "selftest: the acceptor: $OUT"
  [[ $OUT =~ card\ terminal\ +ok ]] || fail "selftest: the terminal: $OUT"
  [[ $OUT =~ ledger\ +ok ]] || fail "selftest: the ledger: $OUT"
  [[ $OUT =~ printer\ +off ]] || fail "selftest: no printer is configured: $OUT"
  kill "$PAY_PID"; wait "$PAY_PID" 2>/dev/null
  expect_status 1 ctl selftest
  [[ $OUT =~ card\ terminal\ +FAIL ]] || fail "selftest: a terminal that is gone: $OUT"
  [[ $OUT =~ bill\ acceptor\ +ok ]] || fail "selftest: one failure hides the rest: $OUT"
  contains "$ERR" "1 check(s) failed" "selftest's summary"
}

start_sims
"case_$CASE"
finish
