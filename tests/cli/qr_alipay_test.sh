#!/usr/bin/env bash
# Kiosk QR sales end to end with real QR money: kioskctl sale --pay qr
# against the back office with [qr] provider = alipay and alipaysim playing
# Alipay's gateway. The order is an alipay.trade.precreate trade (the kiosk
# shows its qr_code) that Alipay does not know until the phone scans it; the
# phone pays at the simulator (its control port) and the signed form
# notification books it once. Cases: paid, expired, cancelled (the trade
# closed), paid late, a duplicated notification, a lost one (the back
# office asks), a cancel that finds the trade paid.
# Usage: qr_alipay_test.sh CASE KIOSKCTL BACKOFFICE ALIPAYSIM
CASE=$1 CTL=$2 BO=$3 ALIPAYSIM=$4
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"
. "$(dirname "$0")/qr_lib.sh"
. "$(dirname "$0")/../alipay/alipay_lib.sh"
DIR=$SITE

setup() {
  make_site
  trap 'kill $BO_PID 2>/dev/null; wait $BO_PID 2>/dev/null; stop_alipaysim; rm -rf "$SITE"' EXIT
  start_alipaysim
  bo_loopback "$(printf '[qr]\nprovider = alipay\n'; alipay_ini "$@")"
  printf 'qr = true\nqr_ttl_s = 60\n[log]\nlevel = info\n' >>"$SITE/kiosk.ini"
}

pay() { ali "pay $1" || fail "paying $1 at Alipay: $ALI_REPLY"; }
pay_order() { pay "$ORDER"; }
ali_state() { ali "state $1"; awk '{print $2}' <<<"$ALI_REPLY"; }
# acked N: until Alipay's notifications of ORDER were answered `success` N times.
acked() {
  for _ in $(seq 100); do
    ali "state $ORDER"
    [[ $ALI_REPLY =~ notified=([0-9]+) ]] && (( BASH_REMATCH[1] >= $1 )) && return 0
    sleep 0.1
  done
  fail "$1 notification(s) acknowledged expected: $ALI_REPLY"
}

paid_once() {
  sale_paid "$1"
  [[ $(ali_state "$ORDER") == TRADE_SUCCESS ]] || fail "Alipay's trade is $(ali_state "$ORDER")"
  verify
}

case_paid() {
  setup
  start_sale 5000
  [[ $CODE == https://qr.alipay.com/* ]] || fail "the kiosk shows $CODE, not Alipay's code"
  ali "state $ORDER" || fail "Alipay holds no trade $ORDER: $ALI_REPLY"
  contains "$ALI_REPLY" "total=5000" "the trade Alipay holds"
  # not scanned yet: Alipay answers ACQ.TRADE_NOT_EXIST to the back
  # office's query, and the order stays pending
  sleep 3.5
  [[ $(order_state "$ORDER") == pending ]] || fail "an unscanned trade made the order $(order_state "$ORDER")"
  # a forged notification: refused, nothing booked
  local forged
  forged=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
    -d "notify_id=x&app_id=$ALI_APP_ID&out_trade_no=$ORDER&trade_status=TRADE_SUCCESS&total_amount=50.00&sign_type=RSA2&sign=AAAA" \
    "http://127.0.0.1:$PORT/v1/notify/alipay")
  [[ $forged == 401 ]] || fail "a forged notification was answered $forged"
  [[ $(order_state "$ORDER") == pending ]] || fail "a forged notification changed the order"
  pay "$ORDER"
  end_sale 0
  paid_once 5000
  acked 1
}

case_expired() {
  setup
  sale_expired
  [[ $(ali_state "$ORDER") != TRADE_SUCCESS ]] || fail "Alipay's trade was paid"
  verify
}

# Cancelled after the phone scanned (the trade exists): it is closed at
# Alipay and can no longer be paid.
case_cancelled() {
  setup
  start_sale 5000
  ali "scan $ORDER" || fail "scanning: $ALI_REPLY"
  kill -INT "$SALE_PID"
  end_sale 1
  contains "$OUT" '"state":	"cancelled"' "a cancelled QR sale"
  [[ $(order_state "$ORDER") == cancelled ]] || fail "the back office's order is $(order_state "$ORDER")"
  [[ $(ali_state "$ORDER") == TRADE_CLOSED ]] || fail "Alipay's trade was not closed: $(ali_state "$ORDER")"
  ! ali "pay $ORDER" || fail "the closed trade could still be paid"
  [[ $(booked "$ORDER") == 0 ]] || fail "a cancelled order was booked"
  verify
}

# The kiosk gave up (the order expired at the back office) but the phone
# still paid: the notification books it as paid_late with a notice, the
# kiosk's next sync books the sale once.
case_paid_late() {
  setup
  sale_paid_late
}

case_duplicated_notification() {
  setup
  ali dup-notify || fail "dup-notify: $ALI_REPLY"
  qr_duplicated
}

# The notification does not come in time: the back office asks Alipay
# (alipay.trade.query) while the kiosk waits, and books what it answers.
case_lost_notification() {
  setup
  ali "late-notify 60000" || fail "late-notify: $ALI_REPLY"
  start_sale 5000
  pay "$ORDER"
  end_sale 0
  paid_once 5000
  grep -q "order $ORDER paid at alipay" "$SITE/bo.log" || fail "the back office did not ask: $(tail "$SITE/bo.log")"
  ali "state $ORDER"
  contains "$ALI_REPLY" "notified=0" "the notification not come yet"
}

# The notification is late and the resident cancels after paying: the back
# office asks first, books the payment and refuses the cancel (Alipay's
# cancel would have refunded it); the kiosk delivers.
case_cancel_finds_paid() {
  setup
  ali "late-notify 60000" || fail "late-notify: $ALI_REPLY"
  qr_cancel_after_pay
  contains "$(ali "state $ORDER"; echo "$ALI_REPLY")" "refunded=0" "the trade left paid"
}

# Refunds (qr_lib.sh): the refunds of ORDER Alipay made (its control
# port's `state`), a refund answered ACQ.SYSTEM_ERROR first, an answer held
# back. Alipay has no fault that ends a refund failed: the settlement by
# hand is checked with WeChat Pay.
provider_refunds() { ali "state $ORDER"; sed -n 's/.* refunds=\([0-9]*\).*/\1/p' <<<"$ALI_REPLY"; }
refund_fails_first() { ali "refund-fail 1" || fail "arming refund-fail: $ALI_REPLY"; }
refund_in_flight() { ali "stall 1 4000" || fail "arming stall: $ALI_REPLY"; }
refund_asked() {
  for _ in $(seq 100); do [[ $(provider_refunds) == 1 ]] && return 0; sleep 0.1; done
  fail "the back office did not ask Alipay for the refund: $ALI_REPLY"
}

case_undeliverable() {
  setup
  qr_undeliverable
  [[ $(ali_state "$ORDER") == TRADE_CLOSED ]] || fail "Alipay's trade is $(ali_state "$ORDER") after its full refund"
}

case_refund_fails_first() { setup; qr_refund_fails_first; }
case_refund_restart() { setup; qr_refund_restart; }

"case_$CASE"
finish
