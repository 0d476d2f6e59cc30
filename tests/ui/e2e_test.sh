#!/usr/bin/env bash
# The touchscreen end to end, headless: `kiosk --script` against metersim,
# cashsim and paysim, each in its own process on its real protocol; then
# the ledger and the devices' own journals are checked.
# Usage: e2e_test.sh CASE KIOSK KIOSKCTL METERSIM CASHSIM PAYSIM SCRIPTS
CASE=$1 KIOSK=$2 CTL=$3 METERSIM=$4 CASHSIM=$5 PAYSIM=$6 SCRIPTS=$7
. "$(dirname "$0")/../cli/lib.sh"

wait_ports() { # wait_ports FILE LOG
  for _ in $(seq 100); do [[ -s "$1" ]] && return 0; sleep 0.05; done
  fail "a simulator did not start: $(cat "$2")"
  finish
}

port() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

start_site() {
  printf '000102030405060708090a0b0c0d0e0f\n' >"$SITE/master.key" && chmod 600 "$SITE/master.key"
  "$METERSIM" --state "$SITE/meters.json" --meters 3 --ports-file "$SITE/meter.ports" --master-key "$SITE/master.key" \
    --baud 9600 --speed 0 2>"$SITE/metersim.log" &
  local m=$!
  "$CASHSIM" --link "$SITE/bv" --state "$SITE/cash.json" --ports-file "$SITE/cash.ports" 2>"$SITE/cashsim.log" &
  local c=$!
  "$PAYSIM" --port 0 --state "$SITE/pay.json" --ports-file "$SITE/pay.ports" 2>"$SITE/paysim.log" &
  local p=$!
  trap "kill $m $c $p 2>/dev/null; wait $m $c $p 2>/dev/null; rm -rf '$SITE'" EXIT
  wait_ports "$SITE/meter.ports" "$SITE/metersim.log"
  wait_ports "$SITE/cash.ports" "$SITE/cashsim.log"
  wait_ports "$SITE/pay.ports" "$SITE/paysim.log"
  METERS=$(port "$SITE/meter.ports" control) CASH=$(port "$SITE/cash.ports" control)
  PAY=$(port "$SITE/pay.ports" control)
  local dlt=$(port "$SITE/meter.ports" dlt645)
  printf 'meter,customer,protocol,gateway\n' >"$SITE/meters.csv"
  for i in 1 2 3; do printf '00000000000%d,10000000000%d,dlt645,127.0.0.1:%s\n' $i $i "$dlt" >>"$SITE/meters.csv"; done
  cat >"$SITE/kiosk.ini" <<INI
[ledger]
path = $SITE/ledger.db
[gateway]
master_key_file = $SITE/master.key
timeout_ms = 300
retries = 0
[registry]
path = $SITE/meters.csv
[cash]
protocol = cctalk
device = $SITE/bv
[payterm]
protocol = zvt
address = 127.0.0.1:$(port "$SITE/pay.ports" zvt)
timeout_ms = 5000
[delivery]
attempts = 1
retry_base_ms = 1000
[log]
level = info
INI
}

control() { # control PORT LINE: sets $REPLY
  exec 3<>"/dev/tcp/127.0.0.1/$1"; printf '%s\n' "$2" >&3; IFS= read -r REPLY <&3; exec 3>&-
  [[ $REPLY == ok* ]] || fail "simulator refused '$2': $REPLY"
}

json() { sqlite3 :memory: "select json_extract('$1', '$2')"; }

run_kiosk() { # run_kiosk SCRIPT: headless, shots into $SITE/shots
  mkdir -p "$SITE/shots"
  SDL_VIDEODRIVER=offscreen timeout 60 "$KIOSK" --config "$SITE/kiosk.ini" --headless \
    --script "$SCRIPTS/$1.kscript" --shots "$SITE/shots" --sim cash=127.0.0.1:$CASH --sim meters=127.0.0.1:$METERS \
    >"$SITE/out" 2>"$SITE/err"
  local got=$?
  [[ $got == 0 ]] || fail "kiosk --script $1 exited $got: $(grep -v ' I kiosk' "$SITE/err" | tail -20)"
}

sale() { # sale FIELD: of the newest sale in the ledger
  sqlite3 "$SITE/ledger.db" "select $1 from txn order by created_at desc limit 1"
}

case_cash_remote() {
  run_kiosk cash_remote
  [[ $(sale state) == delivered && $(sale paid) == 3000 && $(sale method) == cash ]] \
    || fail "the ledger's sale: $(sale 'state, paid, method')"
  control "$METERS" "state 000000000001"
  [[ $(json "${REPLY#ok }" '$.journal[0].amount') == 3000 && $(json "${REPLY#ok }" '$.purchase_count') == 1 ]] \
    || fail "the meter's journal has no credit of 3000: $REPLY"
  control "$CASH" state
  [[ $(json "${REPLY#ok }" '$.journal[1].value') == 1000 ]] || fail "cashsim's journal: $REPLY"
  [[ -s "$SITE/shots/result.png" && -s "$SITE/shots/attract.png" ]] || fail "no shots: $(ls "$SITE/shots")"
  expect_status 0 ctl ledger verify
}

case_card_remote() {
  run_kiosk card_remote
  [[ $(sale state) == delivered && $(sale paid) == 2000 && $(sale method) == card ]] \
    || fail "the ledger's sale: $(sale 'state, paid, method')"
  control "$PAY" state
  [[ $(json "${REPLY#ok }" '$.journal[0].amount') == 2000 ]] || fail "paysim's journal: $REPLY"
  control "$METERS" "state 000000000002"
  [[ $(json "${REPLY#ok }" '$.journal[0].amount') == 2000 ]] || fail "the meter's journal: $REPLY"
  expect_status 0 ctl ledger verify
}

case_pending() {
  control "$METERS" "offline 000000000003"
  run_kiosk pending
  [[ $(sale state) == delivery_pending && $(sale paid) == 1000 ]] || fail "the ledger's sale: $(sale 'state, paid')"
  local id ref
  id=$(sale id)
  ref=$(tr a-f A-F <<<"${id:0:8}")
  grep -q "result pending, paid 1000, sale $id" "$SITE/err" || fail "the kiosk did not end on pending for $id"
  [[ -s "$SITE/shots/pending.png" ]] || fail "no shot of the pending result"
  control "$METERS" "state 000000000003"
  [[ $(json "${REPLY#ok }" '$.purchase_count') == 0 ]] || fail "the offline meter was credited: $REPLY"
  # the meter comes back: the retry finishes the same sale
  control "$METERS" "online 000000000003"
  sleep 2 # the first retry is due after delivery.retry_base_ms, with jitter
  expect_status 0 ctl retry
  [[ $(sale state) == delivered ]] || fail "the pending sale ($ref) was not finished by the retry: $(sale reason)"
  expect_status 0 ctl ledger verify
}

case_bad_script() { # a script whose expect cannot hold must fail the run, saying where
  printf 'expect payment 500\n' >"$SITE/never.kscript"
  SDL_VIDEODRIVER=offscreen timeout 30 "$KIOSK" --config "$SITE/kiosk.ini" --headless --script "$SITE/never.kscript" \
    --shots "$SITE" >"$SITE/out" 2>"$SITE/err"
  [[ $? == 1 ]] || fail "a failed expect did not fail the run"
  grep -q "never.kscript:1: expect payment: not reached within 500 ms; the screen is attract" "$SITE/err" \
    || fail "the failure does not say where: $(cat "$SITE/err")"
  [[ -s "$SITE/failed.png" ]] || fail "no shot of the screen at the failure"
  printf 'tap nothing\n' >"$SITE/bad.kscript"
  "$KIOSK" --config "$SITE/kiosk.ini" --headless --script "$SITE/bad.kscript" >"$SITE/out" 2>"$SITE/err"
  [[ $? == 2 ]] && grep -q "bad.kscript:1: tap 'nothing': not a control" "$SITE/err" \
    || fail "a bad script line was not refused: $(cat "$SITE/err")"
}

start_site
"case_$CASE"
finish
