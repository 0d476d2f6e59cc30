#!/usr/bin/env bash
# QR payments end to end: kioskctl sale --pay qr against the reference back
# office (simulated provider): paid, expired, cancelled by the resident, a
# cancel racing the payment (409 order_paid), paid after the kiosk gave up
# (booked once even when the notice comes twice), and a crash while the
# order was open (recovery settles it by asking the back office again).
# Usage: qr_test.sh CASE KIOSKCTL BACKOFFICE
CASE=$1 CTL=$2 BO=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"
. "$(dirname "$0")/qr_lib.sh"

setup() {
  setup_bo
  printf 'qr = true\nqr_ttl_s = 60\n[log]\nlevel = info\n' >>"$SITE/kiosk.ini"
}

pay() { [[ $(bo_post "/v1/sim/qr-orders/$1/pay") == 200 ]] || fail "paying order $1: $(cat "$SITE/bo.answer")"; }

json_of() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$OUT" "$1"; }

case_paid() {
  setup
  start_sale 5000
  pay "$ORDER"
  end_sale 0
  contains "$OUT" '"state":	"delivered"' "a paid QR sale"
  contains "$OUT" '"paid":	5000' "a paid QR sale"
  [[ $(booked "$ORDER") == 1 ]] || fail "the payment is not booked with the order id as its reference"
  [[ $(order_state "$ORDER") == paid ]] || fail "the back office's order is $(order_state "$ORDER")"
  verify
}

case_expired() {
  setup
  sale_expired
  verify
}

case_cancelled() {
  setup
  sale_cancelled
  verify
}

case_cancel_races_payment() {
  setup
  start_sale 5000
  # The long poll under way loses its answer; the kiosk is held while the
  # resident pays, then cancels: the back office says order_paid.
  fault "{\"path\": \"/v1/kiosks/K1/qr-orders/$ORDER\", \"times\": 1, \"after\": true, \"drop\": true}"
  kill -STOP "$SALE_PID"
  pay "$ORDER"
  sleep 0.3
  kill -INT "$SALE_PID"
  kill -CONT "$SALE_PID"
  end_sale 0
  contains "$OUT" '"state":	"delivered"' "a cancel that came after the payment"
  [[ $(booked "$ORDER") == 1 ]] || fail "the payment the cancel found is not booked"
  grep -q "the cancel came after the payment" "$SITE/sale.err" || fail "the kiosk did not learn it from the cancel"
  [[ $(order_state "$ORDER") == paid ]] || fail "the back office's order is $(order_state "$ORDER")"
  verify
}

case_paid_late() {
  setup
  start_sale 5000
  kill -INT "$SALE_PID"
  end_sale 1
  pay "$ORDER" # after the kiosk gave up
  [[ $(order_state "$ORDER") == paid_late ]] || fail "the back office's order is $(order_state "$ORDER")"
  # the acknowledgement is lost: the notice comes again
  fault '{"path": "/v1/kiosks/K1/notices/", "times": 1, "status": 500}'
  expect_status 1 ctl sync notices
  contains "$OUT" "1 late QR payments booked" "the first notice"
  expect_status 0 ctl sync now
  contains "$OUT" "0 late QR payments booked, 1 booked before, 1 acknowledged" "the notice seen again"
  [[ $(booked "$ORDER") == 1 ]] || fail "the late payment is booked $(booked "$ORDER") times"
  local state
  state=$(kiosk_sql "select t.state from txn t join payment p on p.txn_id = t.id where p.ref = '$ORDER'")
  [[ $state == delivered ]] || fail "the late payment's sale is $state"
  [[ $(bo_sql "select count(*) from notice where acked_at is null") == 0 ]] || fail "the notice is still open"
  expect_status 0 ctl sync now
  [[ $OUT != *notices:* ]] || fail "a notice was handled after its acknowledgement: $OUT"
  [[ $(bo_sql "select count(*) from sale where method = 'qr' and state = 'delivered'") == 1 ]] ||
    fail "the back office does not hold the late sale once"
  verify
}

case_crash_while_open() {
  setup
  start_sale 5000
  kill -KILL "$SALE_PID" # the order exists; the kiosk never recorded its outcome
  wait "$SALE_PID" 2>/dev/null
  pay "$ORDER"
  expect_status 0 ctl recover
  contains "$OUT" "1 delivered" "recovery of an open QR order that was paid"
  [[ $(booked "$ORDER") == 1 ]] || fail "recovery did not book the paid order"
  # and one still open when the kiosk comes back: cancelled, not paid
  start_sale 3000
  kill -KILL "$SALE_PID"
  wait "$SALE_PID" 2>/dev/null
  expect_status 0 ctl recover
  contains "$OUT" "1 cancelled" "recovery of an open QR order nobody paid"
  [[ $(order_state "$ORDER") == cancelled ]] || fail "recovery left the order $(order_state "$ORDER")"
  # the create's answer lost: the kiosk asks again by the same sale
  fault '{"path": "/v1/kiosks/K1/qr-orders", "times": 1, "after": true, "drop": true}'
  expect_status 1 ctl sale --meter 000000000002 --amount 1000 --pay qr --timeout 5
  contains "$OUT" '"state":	"cancelled"' "a sale whose order's answer was lost"
  [[ $(bo_sql "select count(*) from qr_order") == 3 ]] || fail "asking again made another order"
  verify
}

# Neither the order's answer nor the question after it reached the kiosk:
# the sale is parked with its payment unknown, and the resident pays. The
# next retry asks the back office again (the order, not the last payment,
# is asked about) and books the money once to a new sale that is delivered;
# the parked sale ends cancelled, naming it. One nobody paid: the question
# cancels the order, the parked sale ends not paid, and a payment after
# that comes back as a late one.
case_parked_payment_settled() {
  setup
  fault '{"path": "/v1/kiosks/K1/qr-orders", "times": 2, "status": 500, "after": true}'
  expect_status 1 ctl sale --meter 000000000001 --amount 5000 --pay qr --timeout 5
  contains "$OUT" '"state":	"needs_reconciliation"' "a sale whose provider could not answer"
  contains "$OUT" 'payment_unknown' "a sale whose provider could not answer"
  local order parked
  order=$(bo_sql "select id from qr_order")
  parked=$(json_of id)
  pay "$order"
  expect_status 0 ctl retry
  [[ $(booked "$order") == 1 ]] || fail "the paid order is booked $(booked "$order") times"
  [[ $(kiosk_sql "select state from txn where id = '$parked'") == cancelled ]] ||
    fail "the parked sale is $(kiosk_sql "select state || ': ' || reason from txn where id = '$parked'")"
  [[ $(kiosk_sql "select t.state from txn t join payment p on p.txn_id = t.id where p.ref = '$order'") == delivered ]] ||
    fail "the order's money was not delivered"
  [[ $(grep -c "^credit 000000000001" "$SITE/journal") == 1 ]] || fail "meter 1 was credited $(cat "$SITE/journal")"
  expect_status 0 ctl retry # asked again: nothing changes
  [[ $(booked "$order") == 1 ]] || fail "the paid order is booked $(booked "$order") times after a second retry"
  fault '{"path": "/v1/kiosks/K1/qr-orders", "times": 2, "status": 500, "after": true}'
  expect_status 1 ctl sale --meter 000000000002 --amount 3000 --pay qr --timeout 5
  parked=$(json_of id)
  order=$(bo_sql "select id from qr_order where amount = 3000")
  expect_status 0 ctl retry
  [[ $(order_state "$order") == cancelled ]] || fail "the unpaid order is $(order_state "$order")"
  [[ $(kiosk_sql "select state from txn where id = '$parked'") == cancelled ]] || fail "the unpaid parked sale is not closed"
  pay "$order" # too late: a notice, booked by the next round
  expect_status 0 ctl sync now
  [[ $(booked "$order") == 1 ]] || fail "the payment after the close is booked $(booked "$order") times"
  verify
}

"case_$CASE"
finish
