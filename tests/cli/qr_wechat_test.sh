#!/usr/bin/env bash
# Kiosk QR sales end to end with real QR money: kioskctl sale --pay qr
# against the back office with [qr] provider = wechat and wxpaysim playing
# WeChat Pay. The kiosk's flow is the one of qr_test.sh; the order is
# placed with WeChat Pay (the kiosk shows its code_url), the phone pays at
# the simulator, the signed encrypted notification books it once. Cases:
# paid, expired, cancelled (the trade closed), paid late, a duplicated
# notification, a lost one (the back office asks WeChat Pay), a late one,
# and a cancel that finds the trade paid.
# Usage: qr_wechat_test.sh CASE KIOSKCTL BACKOFFICE WXPAYSIM
CASE=$1 CTL=$2 BO=$3 WXPAYSIM=$4
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"
. "$(dirname "$0")/qr_lib.sh"
. "$(dirname "$0")/../wxpay/wxpay_lib.sh"
DIR=$SITE

setup() {
  make_site
  trap 'kill $BO_PID 2>/dev/null; wait $BO_PID 2>/dev/null; stop_wxpaysim; rm -rf "$SITE"' EXIT
  make_keys
  start_wxpaysim
  bo_loopback "$(printf '[qr]\nprovider = wechat\n'; wechat_ini '')"
  printf 'qr = true\nqr_ttl_s = 60\n[log]\nlevel = info\n' >>"$SITE/kiosk.ini"
}

scan() { [[ $(wx_sim POST /sim/scan "$CODE") == 200 ]] || fail "paying $CODE at WeChat Pay: $WX_ANSWER"; }
pay_order() { scan; }
wx_fault() { [[ $(wx_sim POST /sim/fault "$1") == 200 ]] || fail "setting fault $1"; }
wx_state() { wx_sim GET "/sim/orders/$1" >/dev/null; jq -r .trade_state <<<"$WX_ANSWER"; }
# acked N: until N notifications were acknowledged by the back office.
acked() {
  for _ in $(seq 100); do
    wx_sim GET /sim/deliveries >/dev/null
    (( $(jq '[.[] | select(.status == 204)] | length' <<<"$WX_ANSWER") >= $1 )) && return 0
    sleep 0.1
  done
  fail "$1 notification(s) acknowledged expected: $WX_ANSWER"
}

paid_once() {
  sale_paid "$1"
  [[ $(wx_state "$ORDER") == SUCCESS ]] || fail "WeChat Pay's trade is $(wx_state "$ORDER")"
  verify
}

case_paid() {
  setup
  start_sale 5000
  [[ $CODE == weixin://wxpay/bizpayurl\?pr=* ]] || fail "the kiosk shows $CODE, not WeChat Pay's code"
  wx_sim GET "/sim/orders/$ORDER" >/dev/null
  jq -e '.amount.total == 5000 and .trade_type == "NATIVE"' <<<"$WX_ANSWER" >/dev/null ||
    fail "the order WeChat Pay holds: $WX_ANSWER"
  # a forged notification: refused, nothing booked
  local forged
  forged=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -H "Wechatpay-Timestamp: $(date +%s)" -H 'Wechatpay-Nonce: abc' -H "Wechatpay-Serial: $PUBKEY_ID" \
    -H 'Wechatpay-Signature: AAAA' -d '{"id": "x", "event_type": "TRANSACTION.SUCCESS", "resource": {}}' \
    "http://127.0.0.1:$PORT/v1/notify/wechatpay")
  [[ $forged == 401 ]] || fail "a forged notification was answered $forged"
  [[ $(order_state "$ORDER") == pending ]] || fail "a forged notification changed the order"
  scan
  end_sale 0
  paid_once 5000
  acked 1
}

case_expired() {
  setup
  sale_expired
  [[ $(wx_state "$ORDER") == NOTPAY ]] || fail "WeChat Pay's trade is $(wx_state "$ORDER")"
  verify
}

case_cancelled() {
  setup
  sale_cancelled
  [[ $(wx_state "$ORDER") == CLOSED ]] || fail "WeChat Pay's trade was not closed: $(wx_state "$ORDER")"
  [[ $(wx_sim POST "/sim/orders/$ORDER/pay") == 409 ]] || fail "the closed trade could still be paid"
  verify
}

# The kiosk gave up (the order expired at the back office) but the phone
# still paid at WeChat Pay: the notification books it as paid_late with a
# notice, and the kiosk's next sync books the sale once.
case_paid_late() {
  setup
  sale_paid_late
}

case_duplicated_notification() {
  setup
  wx_fault '{"kind": "notify_duplicate"}'
  qr_duplicated
}

# No notification ever comes: the back office asks WeChat Pay while the
# kiosk waits, and books what it answers.
case_lost_notification() {
  setup
  wx_fault '{"kind": "notify_drop"}'
  start_sale 5000
  scan
  end_sale 0
  paid_once 5000
  wx_sim GET /sim/requests >/dev/null
  local asked
  asked=$(jq "[.[] | select(.method == \"GET\" and (.uri | startswith(\"/v3/pay/transactions/out-trade-no/$ORDER\")))] | length" <<<"$WX_ANSWER")
  (( asked >= 1 && asked <= 4 )) || fail "the back office asked WeChat Pay $asked times"
}

# The notification comes after the back office found the payment by
# asking: booked once.
case_late_notification() {
  setup
  wx_fault '{"kind": "notify_late", "ms": 6000}'
  start_sale 5000
  scan
  end_sale 0
  acked 1
  paid_once 5000
}

# The notification is lost and the resident cancels after paying: the back
# office asks WeChat Pay first, books the payment and refuses the cancel
# without closing the trade; the kiosk delivers.
case_cancel_finds_paid() {
  setup
  wx_fault '{"kind": "notify_drop"}'
  qr_cancel_after_pay
  wx_sim GET /sim/requests >/dev/null
  jq -e "any(.[]; .method == \"GET\" and (.uri | startswith(\"/v3/pay/transactions/out-trade-no/$ORDER\")))" \
    <<<"$WX_ANSWER" >/dev/null || fail "the trade was not asked about"
  ! jq -e "any(.[]; .uri == \"/v3/pay/transactions/out-trade-no/$ORDER/close\")" <<<"$WX_ANSWER" >/dev/null ||
    fail "a paid trade was asked to close"
}

# Refunds (qr_lib.sh): the refunds of ORDER WeChat Pay made (its requests
# carry each out_refund_no; the sim makes one refund per number), and a
# refund answered SYSTEM_ERROR first.
provider_refunds() {
  wx_sim GET /sim/requests >/dev/null
  jq -r "[.[] | select(.method == \"POST\" and .uri == \"/v3/refund/domestic/refunds\") | .body | fromjson |
    select(.out_trade_no == \"$ORDER\") | .out_refund_no] | unique | length" <<<"$WX_ANSWER"
  [[ $(wx_state "$ORDER") == REFUND ]] || echo "(WeChat Pay's trade is $(wx_state "$ORDER"))"
}
refund_fails_first() { wx_fault '{"kind": "refund_fail"}'; }
refund_in_flight() { wx_fault '{"kind": "timeout", "ms": 4000}'; }
refund_given_up() { wx_fault '{"kind": "refund_abnormal"}'; }
refund_asked() {
  for _ in $(seq 100); do
    wx_sim GET /sim/requests >/dev/null
    jq -e 'any(.[]; .uri == "/v3/refund/domestic/refunds")' <<<"$WX_ANSWER" >/dev/null && return 0
    sleep 0.1
  done
  fail "the back office did not ask WeChat Pay for the refund"
}

case_undeliverable() {
  setup
  qr_undeliverable
}

case_refund_fails_first() {
  setup
  qr_refund_fails_first
}

case_refund_restart() {
  setup
  qr_refund_restart
  wx_sim GET /sim/requests >/dev/null
  (( $(jq '[.[] | select(.uri == "/v3/refund/domestic/refunds")] | length' <<<"$WX_ANSWER") >= 2 )) ||
    fail "the refund was not asked again after the restart"
}

case_refund_settled() {
  setup
  qr_refund_settled
}

"case_$CASE"
finish
