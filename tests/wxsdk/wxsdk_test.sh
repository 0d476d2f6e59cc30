#!/usr/bin/env bash
# wechatpay-node-v3 (npm) over wxpaysim and the back office's WeChat Pay
# client: the back office's client places, queries, closes and refunds
# orders at the simulator (wxpay_tool), then check.js runs the SDK's own
# requests against the simulator, verifies its answers and notifications
# and decrypts them with the SDK's functions, and recomputes each of the
# client's signatures and headers with the SDK.
# Usage: wxsdk_test.sh WXPAY_TOOL WXPAYSIM
set -u
TOOL=$1 WXPAYSIM=$2
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/wxsdk-XXXXXX")
trap 'stop_wxpaysim; rm -rf "$DIR"' EXIT
. "$HERE/../wxpay/wxpay_lib.sh"
[[ -d $HERE/node_modules/wechatpay-node-v3 ]] || { echo "FAIL: run scripts/install-deps (npm ci in tests/wxsdk)"; exit 1; }
make_keys
start_wxpaysim
wechat_ini http://127.0.0.1:9/v1/notify/wechatpay >"$DIR/bo.ini"
run() { "$TOOL" "$DIR/bo.ini" "$@" >/dev/null || { echo "FAIL: wxpay_tool $*"; exit 1; }; }
run create native CLIENT000001 5000 "$(( ($(date +%s) + 600) * 1000 ))"
run create h5 CLIENT000002 100
run query CLIENT000001
run cancel CLIENT000002
curl -sf -X POST "$WX_URL/sim/orders/CLIENT000001/pay" >/dev/null || { echo "FAIL: paying"; exit 1; }
run refund CLIENT000001 CLIENTREF001 1000 5000
run refund-query CLIENT000001 CLIENTREF001
cd "$HERE" && node check.js "$WX_URL" "$KEYS" "$MCHID" "$APPID" "$PUBKEY_ID" "$MERCHANT_SERIAL"
