#!/usr/bin/env bash
# kioskctl with meter cards on the real PC/SC stack (pcscd and vpcd's
# readers, cardsim as the card and the SAM), as staff and the demo use it:
# card read, card issue, card replace, sale --card.
# Usage: card_test.sh CASE KIOSKCTL CARDSIM
CASE=$1 CTL=$2 CARDSIM=$3
. "$(dirname "$0")/lib.sh"

start_cardsim() {
  make_site
  printf '000102030405060708090a0b0c0d0e0f\n' >"$SITE/master.key"
  chmod 600 "$SITE/master.key"
  "$CARDSIM" --vpcd 127.0.0.1:35963 --sam 127.0.0.1:35964 --master-key "$SITE/master.key" \
    --ports-file "$SITE/ports" 2>"$SITE/cardsim.log" &
  SIM_PID=$!
  trap 'kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null; rm -rf "$SITE"' EXIT
  for _ in $(seq 100); do [[ -s "$SITE/ports" ]] && break; sleep 0.05; done
  CONTROL=$(awk '$1 == "control" { print $2 }' "$SITE/ports")
  [[ -n $CONTROL ]] || { fail "cardsim did not start: $(cat "$SITE/cardsim.log")"; finish; }
  cat >>"$SITE/kiosk.ini" <<INI
[card]
protocol = pcsc
reader = Virtual PCD 00 00
keys = sam
sam_reader = Virtual PCD 00 01
INI
}

control() { # control COMMAND: one line to cardsim, sets $REPLY
  exec 3<>"/dev/tcp/127.0.0.1/$CONTROL"
  printf '%s\n' "$1" >&3
  IFS= read -r REPLY <&3
  exec 3>&-
}

# insert FILE: the card goes into the reader until kioskctl sees it (vpcd
# drops a card that connects in the moment after the last one left).
insert() {
  control remove
  for _ in $(seq 20); do
    sleep 0.3
    control "insert $1"
    sleep 0.6
    ctl card read >"$SITE/seen" 2>&1
    [[ $(cat "$SITE/seen") != *"no meter card in the reader"* ]] && return 0
    control remove
  done
  fail "the reader never saw $1: $(cat "$SITE/seen")"
  finish
}

blank() { # blank SERIAL: a new blank card image, inserted
  "$CARDSIM" make-blank "$1" "$SITE/$1.json" >/dev/null || fail "make-blank $1"
  insert "$SITE/$1.json"
}

json() { sqlite3 :memory: "select json_extract('$1', '$2')"; }

case_issue_sale_replace() {
  start_cardsim
  blank 4B50000000000031
  expect_status 1 ctl sale --card --amount 1000 --pay counter
  contains "$ERR" "not been issued" "a sale onto a blank card"
  expect_status 0 ctl card issue --meter 000000000001 --customer 100000000001 --reason "new tenant"
  [[ $(json "$OUT" '$.type') == user && $(json "$OUT" '$.generation') == 0 ]] || fail "issued card: $OUT"
  expect_status 1 ctl card issue --meter 000000000001 --customer 100000000001
  contains "$ERR" "issued already" "issuing a card twice"
  expect_status 0 ctl card read
  [[ $(json "$OUT" '$.can_buy') == 1 ]] || fail "a new card cannot buy: $OUT"
  expect_status 0 ctl sale --card --amount 5000 --pay counter
  [[ $(json "$OUT" '$.state') == delivered && $(json "$OUT" '$.purchase_count') == 1 &&
     $(json "$OUT" '$.card') == 4B50000000000031 ]] || fail "card sale: $OUT"
  [[ $(json "$OUT" '$.balance_after') == "" ]] || fail "a card sale claims the meter's balance already: $OUT"
  expect_status 0 ctl card read
  [[ $(json "$OUT" '$.purse.purpose') == open_account && $(json "$OUT" '$.purse.amount') == 5000 ]] ||
    fail "the purse after the sale: $OUT"
  contains "$(json "$OUT" '$.verdict')" "insert the card into your meter" "a second purchase before the meter"
  expect_status 1 ctl sale --card --amount 1000 --pay counter

  blank 4B50000000000032 # the first card is lost
  expect_status 1 ctl card issue --meter 000000000001 --customer 100000000001
  contains "$ERR" "card replace" "a second first card for the meter"
  expect_status 0 ctl card replace --meter 000000000001 --reason "lost"
  [[ $(json "$OUT" '$.type') == replacement && $(json "$OUT" '$.generation') == 1 &&
     $(json "$OUT" '$.customer') == 100000000001 ]] || fail "replacement card: $OUT"
  insert "$SITE/4B50000000000031.json"
  expect_status 0 ctl card read
  contains "$(json "$OUT" '$.verdict')" "replaced" "the lost card"
  expect_status 1 ctl sale --card --amount 1000 --pay counter
  contains "$ERR" "replaced" "a sale onto the lost card"
  expect_status 0 ctl ledger verify
  [[ $(sqlite3 "$SITE/ledger.db" "select group_concat(action) from audit where action like 'card_%'") == \
     card_issue,card_replace ]] || fail "the audit log lacks the card operations"
}

# registry ZERO_OK: the back office's registry document as applied, naming
# meter 000000000001 with first_purchase_zero_ok ZERO_OK (true, false).
registry() {
  local body='{"meters":[{"meter":"000000000001","account":"A1","status":"open","sellable":true,"first_purchase_zero_ok":'$1'}]}'
  sqlite3 "$SITE/ledger.db" "insert or replace into document(kind, version, etag, body, envelope, applied_at)
    values ('registry', (select coalesce(max(version), 0) + 1 from document where kind = 'registry'), '',
    '$body', '{}', 1)" || fail "storing the registry document"
}

case_zero_first() {
  start_cardsim
  blank 4B50000000000051
  expect_status 0 ctl card issue --meter 000000000001 --customer 100000000001 --reason "new tenant"
  expect_status 2 ctl sale --card --amount 0 --pay counter
  contains "$ERR" "leave out --pay" "a zero sale with a method"
  expect_status 2 ctl sale --meter 000000000001 --amount 0 --pay counter
  contains "$ERR" "limits.min_purchase" "a zero sale to a remote meter"
  expect_status 2 ctl sale --card --amount 0
  contains "$ERR" "limits.min_purchase" "a zero sale without the registry's word"
  registry false
  expect_status 2 ctl sale --card --amount 0
  contains "$ERR" "registry does not allow meter 000000000001" "a zero sale the registry does not allow"
  registry true
  expect_status 0 ctl sale --card --amount 0
  [[ $(json "$OUT" '$.state') == delivered && $(json "$OUT" '$.amount') == 0 && $(json "$OUT" '$.paid') == 0 &&
     $(json "$OUT" '$.purchase_count') == 1 ]] || fail "zero sale: $OUT"
  expect_status 0 ctl card read
  [[ $(json "$OUT" '$.purse.purpose') == open_account && $(json "$OUT" '$.purse.amount') == 0 &&
     $(json "$OUT" '$.purse.count') == 1 ]] || fail "the purse after the zero sale: $OUT"
  expect_status 1 ctl sale --card --amount 0
  contains "$ERR" "insert the card into your meter" "a second zero sale before the meter"
  expect_status 1 ctl sale --card --amount 1000 --pay counter
  contains "$ERR" "insert the card into your meter" "a paid sale before the meter"
  [[ $(sqlite3 "$SITE/ledger.db" "select method || ',' || channel || ',' || amount || ',' || paid || ',' ||
       (select count(*) from payment) from txn") == none,card,0,0,0 ]] || fail "the zero sale's row"
  [[ $(sqlite3 "$SITE/ledger.db" "select group_concat(event) from txn_event") == open,zero_first,deliver,applied ]] ||
    fail "the zero sale's history: $(sqlite3 "$SITE/ledger.db" "select group_concat(event) from txn_event")"
  expect_status 0 ctl ledger verify
}

case_bad_usage() {
  make_site
  expect_status 2 ctl card issue --meter 000000000001
  contains "$ERR" "usage: kioskctl card issue" "issue without a customer"
  expect_status 2 ctl card issue --meter 123 --customer 100000000001
  expect_status 2 ctl card replace --meter 000000000001 --generation 3
  contains "$ERR" "usage: kioskctl card replace" "a generation without the customer"
  expect_status 2 ctl card replace --meter 000000000001 --generation x --customer 100000000001
  expect_status 1 ctl card issue --meter 000000000001 --customer 100000000001
  contains "$ERR" "no meter-card reader" "issuing without a reader"
  [[ ! -e "$SITE/ledger.db" ]] || [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from meter_card") == 0 ]] ||
    fail "a refused issue wrote to the ledger"
}

"case_$CASE"
finish
