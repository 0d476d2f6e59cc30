#!/usr/bin/env bash
# The back office's WeChat Pay client (backoffice/pay/bo_wx*.c) against
# wxpaysim, one call at a time through wxpay_tool: orders placed, queried
# and closed; notifications verified and decrypted (and refused when
# tampered with); refunds (one failing first, asked again by the same
# number); the day's bill downloaded and read; faults; wrong keys; the
# platform named by a certificate's serial instead of a public key id.
# Usage: wxpay_test.sh CASE WXPAY_TOOL WXPAYSIM
set -u
CASE=$1 TOOL=$2 WXPAYSIM=$3
DIR=$(mktemp -d "${TMPDIR:-/tmp}/wxpay-XXXXXX")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/wxpay_lib.sh"
failures=0
RECV_PID=
cleanup() { stop_wxpaysim; [[ -n $RECV_PID ]] && kill "$RECV_PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# K_EIO 7, K_ETIMEOUT 8, K_ECORRUPT 11, K_EDENIED 12: the tool exits 10 + code.
EIO=17 ETIMEOUT=18 ECORRUPT=21 EDENIED=22

# tool WANT_STATUS OP ARGS...: OUT holds stdout, ERR stderr.
tool() {
  local want=$1; shift
  "$TOOL" "$DIR/bo.ini" "$@" >"$DIR/out" 2>"$DIR/err"
  local got=$?
  OUT=$(cat "$DIR/out") ERR=$(cat "$DIR/err")
  [[ $got == "$want" ]] || fail "wxpay_tool $* exited $got, expected $want: $OUT $ERR"
}
like() { [[ $1 =~ $2 ]] || fail "$3: '$1' is not like '$2'"; }

start_receiver() {
  mkdir -p "$DIR/notes"
  python3 "$HERE/notify_receiver.py" "$DIR/notes" &
  RECV_PID=$!
  for _ in $(seq 100); do [[ -s $DIR/notes/port ]] && break; sleep 0.05; done
  NOTIFY_URL="http://127.0.0.1:$(cat "$DIR/notes/port")/v1/notify/wechatpay"
}

# wait_notes N: until N notifications were received.
wait_notes() {
  for _ in $(seq 100); do (( $(ls "$DIR/notes"/*.body 2>/dev/null | wc -l) >= $1 )) && return 0; sleep 0.05; done
  fail "$1 notification(s) expected, $(ls "$DIR/notes"/*.body 2>/dev/null | wc -l) came"
}

setup() {
  make_keys
  start_wxpaysim "${1:-}"
  start_receiver
  wechat_ini "$NOTIFY_URL" "${@:2}" >"$DIR/bo.ini"
}

case_orders() {
  setup
  tool 0 create native ORDER000001 5000
  like "$OUT" '^pending weixin://wxpay/bizpayurl\?pr=[0-9A-Za-z]{10}$' "a Native order's code"
  local code=${OUT#pending }
  tool 0 create native ORDER000001 5000
  [[ $OUT == "pending $code" ]] || fail "the same order placed again gave another code: $OUT"
  tool $EDENIED create native ORDER000001 4000
  like "$ERR" 'INVALID_REQUEST' "the same number for another amount"
  tool 0 query ORDER000001
  [[ $OUT == "pending 5000 - -" ]] || fail "a new order queried: $OUT"
  [[ $(wx_sim POST /sim/scan "$code") == 200 ]] || fail "scanning the code: $WX_ANSWER"
  tool 0 query ORDER000001
  like "$OUT" '^paid 5000 4200[0-9]{24} paid_at$' "a paid order queried"
  tool $EDENIED cancel ORDER000001
  like "$ERR" 'ORDERPAID' "closing a paid order"
  tool 0 create h5 ORDER000002 100 "$(( ($(date +%s) + 600) * 1000 ))"
  like "$OUT" "^pending $WX_URL/sim/h5/" "an H5 order's page"
  tool 0 cancel ORDER000002
  tool 0 query ORDER000002
  [[ $OUT == "closed 100 - -" ]] || fail "a closed order queried: $OUT"
  [[ $(wx_sim POST /sim/orders/ORDER000002/pay) == 409 ]] || fail "a closed order could be paid: $WX_ANSWER"
  tool 0 query NEVERPLACED1
  [[ $OUT == unknown* ]] || fail "an order never placed: $OUT"
  tool 0 cancel NEVERPLACED1 # closed already
  wx_sim GET /sim/requests >/dev/null
  local n bad
  n=$(jq length <<<"$WX_ANSWER") bad=$(jq '[.[] | select(.verified | not)] | length' <<<"$WX_ANSWER")
  (( n >= 11 )) || fail "the simulator saw only $n requests"
  [[ $bad == 0 ]] || fail "$bad of the client's requests did not verify at the simulator"
  jq -e '.[0].body | fromjson | .amount.total == 5000 and .appid == "'$APPID'" and (.time_expire | not)' \
    <<<"$WX_ANSWER" >/dev/null || fail "the first order's body: $(jq '.[0].body' <<<"$WX_ANSWER")"
  jq -e '[.[] | select(.uri == "/v3/pay/transactions/h5")][0].body | fromjson |
         .scene_info.payer_client_ip == "203.0.113.7" and (.time_expire | endswith("+08:00"))' \
    <<<"$WX_ANSWER" >/dev/null || fail "the H5 order's body"
}

case_notify() {
  setup
  tool 0 create native ORDER000003 1234
  [[ $(wx_sim POST /sim/orders/ORDER000003/pay) == 200 ]] || fail "paying: $WX_ANSWER"
  wait_notes 1
  tool 0 notify "$DIR/notes/001.headers" "$DIR/notes/001.body"
  like "$OUT" '^payment paid ORDER000003 1234 [0-9A-Za-z]{36}$' "the payment's notification"
  # the body changed by one character: refused
  sed 's/"event_type":"TRANSACTION.SUCCESS"/"event_type":"TRANSACTION.SUCCESs"/' "$DIR/notes/001.body" >"$DIR/bad.body"
  cmp -s "$DIR/bad.body" "$DIR/notes/001.body" && fail "the tampered body is the same"
  tool $ECORRUPT notify "$DIR/notes/001.headers" "$DIR/bad.body"
  # signed by a serial nobody configured
  sed "s/^Wechatpay-Serial: .*/Wechatpay-Serial: PUB_KEY_ID_0000000000000000000000000000000000/" \
    "$DIR/notes/001.headers" >"$DIR/bad.headers"
  tool $ECORRUPT notify "$DIR/bad.headers" "$DIR/notes/001.body"
  like "$ERR" 'not configured' "an unknown platform key"
  # too old to be believed
  sed "s/^Wechatpay-Timestamp: .*/Wechatpay-Timestamp: $(( $(date +%s) - 3600 ))/" \
    "$DIR/notes/001.headers" >"$DIR/old.headers"
  tool $ECORRUPT notify "$DIR/old.headers" "$DIR/notes/001.body"
  # an unacknowledged notification comes again, with the same id
  echo 500 >"$DIR/notes/status"
  tool 0 create native ORDER000004 200
  wx_sim POST /sim/orders/ORDER000004/pay >/dev/null
  wait_notes 3
  rm "$DIR/notes/status"
  wait_notes 4
  sleep 0.3
  local ids
  ids=$(for f in "$DIR"/notes/00[2-9].body; do jq -r .id "$f"; done | sort -u | wc -l)
  [[ $ids == 1 ]] || fail "the retried notification changed its id ($ids ids)"
  wx_sim GET /sim/deliveries >/dev/null
  [[ $(jq '[.[] | select(.status == 204)] | length' <<<"$WX_ANSWER") == 2 ]] ||
    fail "deliveries: $WX_ANSWER"
}

case_refund() {
  setup
  tool 0 create native ORDER000005 5000
  wx_sim POST /sim/orders/ORDER000005/pay >/dev/null
  [[ $(wx_sim POST /sim/fault '{"kind": "refund_fail", "times": 1}') == 200 ]] || fail "setting the fault"
  tool $EIO refund ORDER000005 REFUND000005 5000 5000
  like "$ERR" 'SYSTEM_ERROR' "a refund failing first"
  tool 0 refund ORDER000005 REFUND000005 5000 5000
  like "$OUT" '^processing 5000 [0-9]+$' "the refund asked again"
  local id=${OUT##* }
  tool 0 refund ORDER000005 REFUND000005 5000 5000
  [[ $OUT == "processing 5000 $id" || $OUT == "success 5000 $id" ]] || fail "the same refund asked again: $OUT"
  sleep 1.3
  tool 0 refund-query ORDER000005 REFUND000005
  [[ $OUT == "success 5000" ]] || fail "the refund queried: $OUT"
  tool 0 query ORDER000005
  like "$OUT" '^refunded ' "a refunded order"
  tool $EDENIED refund ORDER000005 REFUND000006 1 5000
  tool $EDENIED refund-query ORDER000005 NOSUCHREFUND
  wait_notes 2
  tool 0 notify "$DIR/notes/002.headers" "$DIR/notes/002.body"
  like "$OUT" '^refund refunded ORDER000005 5000 ' "the refund's notification"
  # one the provider gives up on
  tool 0 create native ORDER000006 700
  wx_sim POST /sim/orders/ORDER000006/pay >/dev/null
  wx_sim POST /sim/fault '{"kind": "refund_abnormal"}' >/dev/null
  tool 0 refund ORDER000006 REFUND000007 700 700
  sleep 1.3
  tool 0 refund-query ORDER000006 REFUND000007
  [[ $OUT == "failed 700" ]] || fail "an abnormal refund: $OUT"
}

case_bill() {
  setup
  local today
  today=$(TZ=Asia/Shanghai date +%F)
  for n in 7 8 9; do tool 0 create native ORDER00000$n "${n}01"; done
  wx_sim POST /sim/orders/ORDER000007/pay >/dev/null
  wx_sim POST /sim/orders/ORDER000008/pay >/dev/null
  tool 0 refund ORDER000008 REFUND000008 300 801
  sleep 1.3
  tool 0 refund-query ORDER000008 REFUND000008
  tool 0 bill "$today"
  local rows
  rows=$(sed -E 's/ 4200[0-9]+ / T /' <<<"$OUT")
  [[ $rows == $'ORDER000007 T 701 payment\nORDER000008 T 801 payment\nORDER000008 T -300 refund' ]] ||
    fail "the bill read: $OUT"
  tool 0 bill 2020-01-01 # WeChat Pay's NO_STATEMENT_EXIST: a day without trades, an empty bill
  [[ -z $OUT ]] || fail "a day without trades: $OUT"
}

case_faults() {
  setup "" "timeout_seconds = 1"
  wx_sim POST /sim/fault '{"kind": "timeout", "times": 1, "ms": 2500}' >/dev/null
  tool $ETIMEOUT create native ORDER000010 100
  tool 0 create native ORDER000010 100 # asked again: the order the first call placed
  wx_sim POST /sim/fault '{"kind": "notify_duplicate"}' >/dev/null
  wx_sim POST /sim/orders/ORDER000010/pay >/dev/null
  wait_notes 2
  [[ $(jq -r .id "$DIR/notes/001.body") == $(jq -r .id "$DIR/notes/002.body") ]] ||
    fail "a duplicated notification has another id"
  tool 0 create native ORDER000011 100
  wx_sim POST /sim/fault '{"kind": "notify_drop"}' >/dev/null
  wx_sim POST /sim/orders/ORDER000011/pay >/dev/null
  wx_sim POST /sim/fault '{"kind": "notify_late", "ms": 1500}' >/dev/null
  tool 0 create native ORDER000012 100
  wx_sim POST /sim/orders/ORDER000012/pay >/dev/null
  sleep 0.8
  (( $(ls "$DIR/notes"/*.body | wc -l) == 2 )) || fail "a dropped or late notification came early"
  wait_notes 3
  [[ $(jq -r .summary "$DIR/notes/003.body") == 支付成功 ]] || fail "the late notification"
}

case_wrong_keys() {
  setup
  # the platform key the client trusts is another one: every answer refused
  openssl genrsa 2048 2>/dev/null | openssl rsa -pubout -out "$DIR/other_pub.pem" 2>/dev/null
  sed -i "s|^platform_key_file = .*|platform_key_file = $DIR/other_pub.pem|" "$DIR/bo.ini"
  tool $ECORRUPT create native ORDER000020 100
  like "$ERR" 'does not verify' "an answer signed by another key"
  # the merchant key is another one: the simulator refuses the signature
  wechat_ini "$NOTIFY_URL" >"$DIR/bo.ini"
  openssl genrsa -out "$DIR/other_key.pem" 2048 2>/dev/null
  sed -i "s|^key_file = .*|key_file = $DIR/other_key.pem|" "$DIR/bo.ini"
  tool $EDENIED query ORDER000020
  like "$ERR" 'SIGN_ERROR' "a request signed by another merchant key"
  grep -q "BEGIN\|PRIVATE" "$DIR/err" && fail "key material in a message"
  # a missing APIv3 key file: the provider does not open
  wechat_ini "$NOTIFY_URL" "apiv3_key_file = $DIR/none" >"$DIR/bo.ini"
  tool 17 query ORDER000020
}

case_cert_serial() {
  make_keys
  start_wxpaysim "$PLATFORM_CERT_SERIAL"
  start_receiver
  wechat_ini "$NOTIFY_URL" | grep -v '^platform_key' >"$DIR/bo.ini"
  echo "platform_cert_file = $KEYS/platform_cert.pem" >>"$DIR/bo.ini"
  tool 0 create native ORDER000030 100
  wx_sim POST /sim/orders/ORDER000030/pay >/dev/null
  wait_notes 1
  grep -q "^Wechatpay-Serial: $PLATFORM_CERT_SERIAL" "$DIR/notes/001.headers" || fail "the serial announced"
  tool 0 notify "$DIR/notes/001.headers" "$DIR/notes/001.body"
  like "$OUT" '^payment paid ORDER000030 100 ' "a notification signed under a certificate's serial"
}

"case_$CASE"
if (( failures )); then echo "$failures failure(s)"; exit 1; fi
echo ok
