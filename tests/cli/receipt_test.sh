#!/usr/bin/env bash
# kioskctl receipt print against printsim, the ESC/POS printer simulator:
# what the resident's receipt says, its QR code, a copy, and a printer that
# cannot print (nothing recorded as printed).
# Usage: receipt_test.sh CASE KIOSKCTL PRINTSIM
CASE=$1 CTL=$2 PRINTSIM=$3
. "$(dirname "$0")/lib.sh"

start_printsim() {
  make_site
  "$PRINTSIM" --out "$SITE/paper" --tcp 0 --ports-file "$SITE/print.ports" 2>"$SITE/printsim.log" &
  SIM_PID=$!
  trap 'kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null; rm -rf "$SITE"' EXIT
  for _ in $(seq 100); do [[ -s "$SITE/print.ports" ]] && break; sleep 0.05; done
  PRINTER=$(awk '$1 == "printer" { print $2 }' "$SITE/print.ports")
  CONTROL=$(awk '$1 == "control" { print $2 }' "$SITE/print.ports")
  [[ -n $PRINTER ]] || { fail "printsim did not start: $(cat "$SITE/printsim.log")"; finish; }
  printf '[site]\nid = market-hall-east\nname = 东区市场\n[printer]\nprotocol = escpos\ntransport = tcp\naddress = 127.0.0.1:%s\n' \
    "$PRINTER" >>"$SITE/kiosk.ini"
}

control() { # control COMMAND: one line to printsim
  exec 3<>"/dev/tcp/127.0.0.1/$CONTROL"
  printf '%s\n' "$1" >&3
  IFS= read -r REPLY <&3
  exec 3>&-
  [[ $REPLY == ok* ]] || fail "printsim refused '$1': $REPLY"
}

receipt() { # receipt N: the text of the Nth receipt, once printsim wrote it
  local f=$SITE/paper/$(printf 'receipt-%04d.txt' "$1")
  for _ in $(seq 100); do [[ -s $f ]] && break; sleep 0.05; done
  cat "$f" 2>/dev/null
}

case_receipt_and_copy() {
  start_printsim
  expect_status 2 ctl receipt print
  contains "$ERR" "no transaction took money" "a receipt before any sale"
  ctl sale --meter 000000000002 --amount 5000 --pay counter >"$SITE/sale" || fail "sale"
  ID=$(sqlite3 "$SITE/ledger.db" "select id from txn")
  expect_status 0 ctl receipt print
  local text
  text=$(receipt 1)
  contains "$text" "东区市场" "the receipt (the site's name)"
  contains "$text" "购电凭证 TOP-UP RECEIPT" "the receipt"
  contains "$text" "000000000002" "the receipt"
  contains "$text" "50.00 元" "the receipt"
  contains "$text" "已到账 Credited" "the receipt"
  contains "$text" "$(tr a-z A-Z <<<"${ID:0:8}")" "the receipt (the reference residents quote)"
  [[ $text != *UTC* ]] || fail "the receipt gives the time in UTC: $text"
  local qr
  qr=$(zbarimg --quiet --raw "$SITE/paper/receipt-0001.png" 2>/dev/null)
  [[ $qr == "$ID" ]] || fail "the receipt's QR code reads '$qr', not the reference $ID"
  expect_status 0 ctl receipt print "${ID:0:8}"
  contains "$(receipt 2)" "(COPY)" "a second print"
  [[ $(sqlite3 "$SITE/ledger.db" "select group_concat(reason) from audit where action = 'receipt_print'") == \
     receipt,reprint ]] || fail "the audit log lacks the two prints"
}

case_printer_cannot_print() {
  start_printsim
  ctl sale --meter 000000000001 --amount 1000 --pay counter >/dev/null || fail "sale"
  control "paper out"
  expect_status 1 ctl receipt print
  contains "$ERR" "paper" "printing without paper"
  control "paper ok"
  control "cover open"
  expect_status 1 ctl receipt print
  contains "$ERR" "cover" "printing with the cover open"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where action = 'receipt_print'") == 0 ]] ||
    fail "a receipt that was not printed is recorded as printed"
  [[ ! -e "$SITE/paper/receipt-0001.txt" ]] || fail "printsim rendered a receipt"
  expect_status 2 ctl --set printer.protocol=none receipt print
  contains "$ERR" "printer" "no printer configured"
}

"case_$CASE"
finish
