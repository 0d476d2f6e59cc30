#!/usr/bin/env bash
# Kiosk QR sales end to end with real QR money: kioskctl sale --pay qr
# against the back office with [qr] provider = wechat and wxpaysim playing
# WeChat Pay. The kiosk's flow is the one of qr_test.sh; the order is
# placed with WeChat Pay (the kiosk shows its code_url), the phone pays at
# the simulator, the signed encrypted notification books it once. Cases:
# paid, expired, cancelled (the trade closed), paid late, a duplicated
# notification, a lost one (the back office asks WeChat Pay), a late one,
# and a cancel that finds the trade paid. An order stays WeChat Pay's
# when staff put Alipay (alipaysim) first in [qr] providers while it is
# pending (lost_notification, refund_restart), and is left pending with a
# staff alert when WeChat Pay is no longer configured at all (expired); an
# order from before orders recorded their provider counts as the kiosks'
# provider's now (paid_late).
# Usage: qr_wechat_test.sh CASE KIOSKCTL BACKOFFICE WXPAYSIM ALIPAYSIM
CASE=$1 CTL=$2 BO=$3 WXPAYSIM=$4 ALIPAYSIM=$5
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"
. "$(dirname "$0")/qr_lib.sh"
. "$(dirname "$0")/../wxpay/wxpay_lib.sh"
. "$(dirname "$0")/../alipay/alipay_lib.sh"
DIR=$SITE

setup() {
  make_site
  trap 'kill $BO_PID 2>/dev/null; wait $BO_PID 2>/dev/null; stop_wxpaysim; stop_alipaysim; rm -rf "$SITE"' EXIT
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

# set_providers LINES: bo.ini's [qr] provider = wechat becomes LINES,
# Alipay (alipaysim, started now) configured beside WeChat Pay; the back
# office takes it when it starts next.
set_providers() {
  ALI_LOG_LEVEL=info start_alipaysim
  grep -q 'listening on' "$SITE/alipaysim.log" || fail "alipaysim does not log its calls: $(cat "$SITE/alipaysim.log")"
  sed -i '/^provider = wechat$/d' "$SITE/bo.ini"
  { alipay_ini; printf '[qr]\n%s\n' "$1"; } >>"$SITE/bo.ini"
}
alipay_first() { set_providers $'provider = alipay\nproviders = alipay, wechat'; }
# alipay_trade_calls: how many trade calls (query, close, refund...) alipaysim took.
alipay_trade_calls() { grep -c 'alipay\.trade\.' "$SITE/alipaysim.log"; }
# order_alert KIND: the evidence of staff alert KIND about ORDER, once raised (15 s at most).
order_alert() {
  local alert=""
  for _ in $(seq 150); do
    alert=$(bo_sql "select evidence from alert where kind = '$1' and subject = '$ORDER'")
    [[ -n $alert ]] && break
    sleep 0.1
  done
  echo "$alert"
}
recorded_wechat() {
  [[ $(bo_sql "select provider from qr_order where id = '$ORDER'") == wechat ]] ||
    fail "order $ORDER records provider '$(bo_sql "select provider from qr_order where id = '$ORDER'")'"
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

# Staff drop WeChat Pay from [qr] while the order is pending: the kiosk's
# polls ask no provider about it (not Alipay, the kiosks' provider now);
# it stays pending and staff are alerted, once, to configure WeChat Pay
# again. The order then expires as any other.
case_expired() {
  setup
  start_sale 5000
  recorded_wechat
  stop_bo
  set_providers 'provider = alipay'
  serve_bo
  local alert
  alert=$(order_alert qr_provider_missing)
  contains "$alert" "placed with wechat" "the staff alert"
  contains "$alert" "configure wechat again" "the staff alert"
  [[ $(order_state "$ORDER") == pending ]] || fail "the order is $(order_state "$ORDER") with its provider gone"
  sleep 3.5 # the kiosk polls on: asked again, still no provider called and one alert
  [[ $(bo_sql "select count(*) from alert where kind = 'qr_provider_missing'") == 1 ]] || fail "not one alert"
  [[ $(alipay_trade_calls) == 0 ]] || fail "Alipay was asked about WeChat Pay's order: $(grep alipay.trade "$SITE/alipaysim.log")"
  [[ $(bo_post /v1/test/clock '{"advance_ms": 61000}') == 200 ]] || fail "moving the clock"
  end_sale 1
  [[ $(order_state "$ORDER") == expired ]] || fail "the back office's order is $(order_state "$ORDER")"
  [[ $(booked "$ORDER") == 0 ]] || fail "an expired order was booked"
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
# Then an order made before orders recorded their provider ('': taken as
# the kiosks' provider now) while staff put Alipay first: WeChat Pay's
# notification of its late payment is not booked (the order counts as
# Alipay's) nor acknowledged (sent again), and staff are alerted.
case_paid_late() {
  setup
  sale_paid_late
  start_sale 5000
  [[ $(bo_post /v1/test/clock '{"advance_ms": 61000}') == 200 ]] || fail "moving the clock"
  end_sale 1
  bo_sql "update qr_order set provider = '' where id = '$ORDER'"
  stop_bo
  alipay_first
  serve_bo
  scan
  local alert
  alert=$(order_alert qr_provider_mismatch)
  contains "$alert" "wechat reports QR order $ORDER" "the staff alert"
  contains "$alert" "put wechat first" "the staff alert"
  wx_sim GET /sim/deliveries >/dev/null
  ! jq -e '[.[] | select(.status == 204)] | length > 1' <<<"$WX_ANSWER" >/dev/null ||
    fail "the notification of another provider's order was acknowledged: $WX_ANSWER"
  [[ $(order_state "$ORDER") == expired ]] || fail "the order is $(order_state "$ORDER"), not left expired"
  [[ $(bo_sql "select count(*) from notice where kind = 'qr_paid_late'") == 1 ]] || fail "a second notice"
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
  recorded_wechat
  # staff put Alipay first while the order is pending: it is still WeChat Pay's
  stop_bo
  alipay_first
  serve_bo
  scan
  end_sale 0
  paid_once 5000
  wx_sim GET /sim/requests >/dev/null
  local asked
  asked=$(jq "[.[] | select(.method == \"GET\" and (.uri | startswith(\"/v3/pay/transactions/out-trade-no/$ORDER\")))] | length" <<<"$WX_ANSWER")
  (( asked >= 1 && asked <= 4 )) || fail "the back office asked WeChat Pay $asked times"
  [[ $(alipay_trade_calls) == 0 ]] || fail "Alipay was asked about WeChat Pay's order: $(grep alipay.trade "$SITE/alipaysim.log")"
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

# The back office starts again with Alipay first in [qr] providers: the
# refund of WeChat Pay's order is still asked of WeChat Pay, never Alipay.
case_refund_restart() {
  setup
  BEFORE_RESTART=alipay_first
  qr_refund_restart
  recorded_wechat
  [[ $(alipay_trade_calls) == 0 ]] || fail "Alipay was asked about WeChat Pay's order: $(grep alipay.trade "$SITE/alipaysim.log")"
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
