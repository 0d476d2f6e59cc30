#!/usr/bin/env bash
# A post-paid account's bills as the kiosk asks for them (docs/billing.md,
# "At the kiosk"): `kioskctl bill due` against the real back office over
# the link, oldest first; a central payment seen at the next ask; an
# unknown account, an account of another site's meters and an id that is
# no id refused with the back office's reason. `kioskctl bill pay` taking
# notes from cashsim: the payment recorded by the back office once, however
# often its row is uploaded, and the account's due going down by it; by
# card through paysim; refused before any money is taken for an account
# that owes nothing, is not known or not the kiosk's, or an amount more
# than it owes.
# Usage: bill_test.sh CASE KIOSKCTL BACKOFFICE [CASHSIM [PAYSIM]]
CASE=$1 CTL=$2 BO=$3 CASHSIM=${4:-} PAYSIM=${5:-}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"
. "$(dirname "$0")/cash_lib.sh"

# A1 (meter 1, post-paid): bill 1 of September (own 30.00, 10.00 paid),
# bill 2 of October (own 50.00), bill 3 a draft; A2 on meter 9 of site S2.
setup() {
  setup_bo
  { bo account open A1 --customer 100000000001 --prefill --name Chen --meter 000000000001 \
      --protocol dlt645 --gateway 127.0.0.1:8899 &&
    bo site add S2 "Tower" && bo customer add 100000000009 "Customer 9" &&
    bo meter add 000000000009 --customer 100000000009 --protocol dlt645 --gateway 127.0.0.1:8899 --site S2 &&
    bo account open A2 --customer 100000000009 --meter 000000000009 &&
    bo group set clerks --perms accounts &&
    BACKOFFICE_NEW_PIN=2468 bo operator add alice --group clerks &&
    BACKOFFICE_PIN=2468 bo account payment A1 postpaid --operator alice --reason 'contract'; } >/dev/null ||
    { fail "setting up the accounts"; finish; }
  bo_bills "(1, 'A1', 'S1', '2026-09-01', '2026-09-30', 3000, 0, 1000, 'issued')" \
    "(2, 'A1', 'S1', '2026-10-01', '2026-10-31', 5000, 2000, 0, 'issued')" \
    "(3, 'A1', 'S1', '2026-11-01', '2026-11-30', 900, 7000, 0, 'draft')" || fail "the bills"
}

case_due() {
  setup
  expect_status 0 ctl bill due --account A1
  [[ $OUT == "account A1 (postpaid) owes CNY 70.00 in 2 bills
bill 1 2026-09-01..2026-09-30 total CNY 30.00 paid CNY 10.00 due CNY 20.00
bill 2 2026-10-01..2026-10-31 total CNY 70.00 paid CNY 0.00 due CNY 50.00" ]] || fail "the due: $OUT"
  expect_status 0 bo bill pay 1 --amount 2500 --method counter --ref R-1
  expect_status 0 ctl bill due --account A1
  contains "$OUT" "owes CNY 45.00 in 1 bill" "the due after a central payment"
  contains "$OUT" "bill 2 2026-10-01..2026-10-31 total CNY 70.00 paid CNY 5.00 due CNY 45.00" "bill 2"
  [[ $(ctl sync status) == *'"last_contact"'* ]] || fail "the ask not recorded as a contact"
}

case_refused() {
  setup
  expect_status 1 ctl bill due --account NOPE
  contains "$ERR" "account NOPE is not known" "an unknown account"
  expect_status 1 ctl bill due --account A2
  contains "$ERR" "out_of_scope: account A2 has no meter kiosk K1 may act for" "another site's account"
  expect_status 2 ctl bill due --account 'A1/../x'
  contains "$ERR" "is not an account id" "an id that is no id"
  expect_status 2 ctl bill due A1
  stop_bo
  expect_status 1 ctl bill due --account A1
  [[ $(ctl sync status) =~ \"failures_in_a_row\":[[:space:]]*1 ]] || fail "the failed ask not recorded: $(ctl sync status)"
}

# The setup, and cashsim as the kiosk's bill acceptor.
setup_cash() {
  setup
  trap 'kill $BO_PID $CASH_PID 2>/dev/null; wait $BO_PID $CASH_PID 2>/dev/null; bo_db_drop; rm -rf "$SITE"' EXIT
  start_cashsim
  printf '[cash]\nprotocol = cctalk\ndevice = %s\n' "$SITE/cash/bv" >>"$SITE/kiosk.ini"
}

# bill_pay_bg ARGS...: a bill payment in cash in the background, once the acceptor takes notes.
bill_pay_bg() {
  ctl bill pay --account A1 --pay cash "$@" >"$SITE/out" 2>"$SITE/err" &
  PAY_PID=$!
  acceptor_enabled "$SITE/err"
}

bill_pay_done() { bg_done "$PAY_PID" "$1" "bill payment"; } # its status must be $1

kiosk_payments() { bo_sql "SELECT count(*) || ' ' || coalesce(sum(amount), 0) FROM bill_payment WHERE method = 'kiosk'"; }

case_pay_cash() {
  setup_cash
  bill_pay_bg --amount 3000 --timeout 20
  insert CN0010A
  insert CN0050A # over what is left to pay: given back, the kiosk gives no change
  insert CN0020A
  bill_pay_done 0
  local id
  id=$(json "$OUT" '$.id')
  [[ $(json "$OUT" '$.state') == delivered && $(json "$OUT" '$.paid') == 3000 && $(json "$OUT" '$.account') == A1 ]] ||
    fail "the bill payment: $OUT"
  contains "$ERR" "Note CNY 50.00 returned" "the note over the amount given back"
  expect_status 0 ctl ledger verify
  [[ $(kiosk_sql "SELECT count(*) FROM outbox WHERE topic = 'bill_payment'
                  AND json_extract(payload, '\$.ref') = '$id' AND json_extract(payload, '\$.amount') = 3000") == 1 ]] ||
    fail "the bill_payment row: $(kiosk_sql "SELECT topic, payload FROM outbox WHERE payload LIKE '%$id%'")"
  [[ $(kiosk_sql "SELECT count(*) FROM outbox WHERE topic = 'txn' AND payload LIKE '%$id%'") == 0 ]] ||
    fail "a bill payment's events went up as sales"
  expect_status 0 ctl sync now
  [[ $(kiosk_payments) == "1 3000" ]] || fail "the back office's payments: $(kiosk_payments)"
  [[ $(bo_sql "SELECT ref FROM bill_payment WHERE method = 'kiosk'") == "$id" ]] || fail "the payment's reference"
  expect_status 0 ctl bill due --account A1
  contains "$OUT" "account A1 (postpaid) owes CNY 40.00 in 1 bill" "the due after the kiosk's payment"
  # the row uploaded again (an answer lost): paid once
  kiosk_sql "UPDATE outbox SET sent_at = NULL WHERE topic = 'bill_payment'"
  expect_status 0 ctl sync now
  [[ $(kiosk_payments) == "1 3000" ]] || fail "a replay paid twice: $(kiosk_payments)"
  expect_status 0 ctl bill due --account A1
  contains "$OUT" "owes CNY 40.00 in 1 bill" "the due after a replay"
}

case_pay_short() {
  setup_cash
  # fewer notes than the amount before the resident is done: what went in is paid
  bill_pay_bg --amount 5000 --timeout 2
  insert CN0010A
  bill_pay_done 0
  [[ $(json "$OUT" '$.state') == delivered && $(json "$OUT" '$.paid') == 1000 && $(json "$OUT" '$.amount') == 5000 ]] ||
    fail "the short payment: $OUT"
  expect_status 0 ctl sync now
  [[ $(kiosk_payments) == "1 1000" ]] || fail "the back office's payments: $(kiosk_payments)"
  expect_status 0 ctl bill due --account A1
  contains "$OUT" "owes CNY 60.00 in 2 bills" "the due after a short payment"
  expect_status 0 ctl cash status
  contains "$OUT" "10.00" "the note counted in the money taken"
  # refused before any money is asked for
  expect_status 2 ctl bill pay --account A1 --amount 1000 --pay counter
  expect_status 2 ctl bill pay --account A1 --amount 0 --pay cash
  expect_status 2 ctl bill pay --account 'A1/../x' --amount 1000 --pay cash
  expect_status 1 ctl --set cash.protocol=none bill pay --account A1 --amount 1000 --pay cash
  [[ $(kiosk_sql "SELECT count(*) FROM txn WHERE channel = 'bill'") == 1 ]] || fail "a refused payment left a record"
}

# A bill payment by card (docs/billing.md): charged through the terminal
# as a sale is, settled with its bill_payment row, recorded once by the
# back office; a declined card takes nothing and writes no row.
case_pay_card() {
  setup
  mkdir "$SITE/pay"
  trap 'kill $BO_PID $PAY_PID 2>/dev/null; wait $BO_PID $PAY_PID 2>/dev/null; bo_db_drop; rm -rf "$SITE"' EXIT
  "$PAYSIM" --port 0 --state "$SITE/pay/state.json" --ports-file "$SITE/pay/ports" 2>"$SITE/pay/log" &
  PAY_PID=$!
  wait_ports "$SITE/pay/ports" "$SITE/pay/log"
  local control zvt id
  control=$(awk '$1 == "control" { print $2 }' "$SITE/pay/ports")
  zvt=$(awk '$1 == "zvt" { print $2 }' "$SITE/pay/ports")
  printf '[payterm]\nprotocol = zvt\naddress = 127.0.0.1:%s\ntimeout_ms = 2000\n' "$zvt" >>"$SITE/kiosk.ini"
  expect_status 0 ctl bill pay --account A1 --amount 2500 --pay card
  id=$(json "$OUT" '$.id')
  [[ $(json "$OUT" '$.state') == delivered && $(json "$OUT" '$.paid') == 2500 ]] || fail "card bill payment: $OUT"
  contains "$ERR" "  | " "the terminal's receipt lines"
  [[ $(kiosk_sql "SELECT json_extract(payload, '\$.amount') || ' ' || json_extract(payload, '\$.ref')
                  FROM outbox WHERE topic = 'bill_payment'") == "2500 $id" ]] ||
    fail "the bill_payment row: $(kiosk_sql "SELECT payload FROM outbox WHERE topic = 'bill_payment'")"
  control "$control" "decline 05"
  expect_status 1 ctl bill pay --account A1 --amount 1000 --pay card
  [[ $(json "$OUT" '$.state') == cancelled ]] || fail "declined card bill payment: $OUT"
  [[ $(kiosk_sql "SELECT count(*) FROM outbox WHERE topic = 'bill_payment'") == 1 ]] ||
    fail "a declined payment wrote a row"
  expect_status 0 ctl ledger verify
  expect_status 0 ctl sync now
  [[ $(kiosk_payments) == "1 2500" ]] || fail "the back office's payments: $(kiosk_payments)"
}

# Asked before any money is taken: nothing written, no note taken.
case_pay_refused() {
  setup_cash
  expect_status 1 ctl bill pay --account A1 --amount 7001 --pay cash
  contains "$ERR" "account A1 owes 7000: a payment of 7001 is more than its bills ask: nothing taken" "too much"
  expect_status 1 ctl bill pay --account NOPE --amount 1000 --pay cash
  contains "$ERR" "account NOPE is not known" "an unknown account"
  expect_status 1 ctl bill pay --account A2 --amount 1000 --pay cash
  contains "$ERR" "out_of_scope" "another site's account"
  expect_status 0 bo bill pay 1 --amount 2000 --method counter --ref R-1
  expect_status 0 bo bill pay 2 --amount 5000 --method counter --ref R-2
  expect_status 1 ctl bill pay --account A1 --amount 1000 --pay cash
  contains "$ERR" "no bill is due for account A1: nothing taken" "an account owing nothing"
  stop_bo
  expect_status 1 ctl bill pay --account A1 --amount 1000 --pay cash
  [[ $(kiosk_sql "SELECT count(*) FROM txn") == 0 ]] || fail "a refused payment left a record"
  control "$CASH_CONTROL" state
  [[ $(json "${REPLY#ok }" '$.journal[0].value') == "" ]] || fail "cashsim took a note: $REPLY"
}

"case_$CASE"
finish
