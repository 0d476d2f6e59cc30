#!/usr/bin/env bash
# The resident's phone page end to end (docs/phone.md): metersim's meters,
# a kiosk's worker carrying central commands, the back office with WeChat
# Pay played by wxpaysim (pay_alipay: and Alipay by alipaysim, both
# offered, their notify_url set by hand to /v1/notify/...) and the page's
# files, and Debian's chromium at 375x812 driven by
# tests/console/phone_test.mjs (playwright-core).
# Usage: phone_test.sh CASE KIOSKCTL BACKOFFICE METERSIM WXPAYSIM DIST ALIPAYSIM
CASE=$1 CTL=$2 BO=$3 SIM=$4 WXPAYSIM=$5 DIST=$6 ALIPAYSIM=$7
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/../cli/bo_lib.sh"
. "$(dirname "$0")/../cli/metersim_lib.sh"
. "$(dirname "$0")/../wxpay/wxpay_lib.sh"
. "$(dirname "$0")/../alipay/alipay_lib.sh"
DIR=$SITE

start_metersim 3 500
trap 'stop_worker; stop_wxpaysim; stop_alipaysim; kill $BO_PID $SIM_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$SITE"' EXIT
make_keys
start_wxpaysim
if [[ $CASE == pay_alipay ]]; then
  start_alipaysim
  bo_loopback "$(printf '[qr]\nproviders = wechat, alipay\n'; wechat_ini ''; alipay_ini
    printf '[console]\ndir = %s\n' "$DIST")"
  # the notify_urls a utility sets by hand (behind a proxy): the kiosks' routes, which pass phone orders on
  stop_bo
  sed -i "/^\[alipay\]/a notify_url = http://127.0.0.1:$PORT/v1/notify/alipay" "$SITE/bo.ini"
  sed -i "/^\[wechatpay\]/a notify_url = http://127.0.0.1:$PORT/v1/notify/wechatpay" "$SITE/bo.ini"
  rm -f "$SITE/bo.port"
  serve_bo
  export ALI_URL ALI_CTL
else
  bo_loopback "$(printf '[qr]\nprovider = wechat\n'; wechat_ini ''; printf '[console]\ndir = %s\n' "$DIST")"
fi
printf 'pubkey = %s\n' "$(bo pubkey | grep -o '[A-Za-z0-9+/=]\{44\}' | head -1)" >>"$SITE/kiosk.ini"
# 30 days of readings of meter 1 before today: 1.000 kWh a day (the chart's known figures)
now=$(date +%s)
for d in $(seq 31 -1 1); do
  bo_sql "INSERT INTO reading(kiosk, meter, at, energy, balance, purchase_count, relay_open, flags)
          VALUES ('K1', '000000000001', $(( (now - d * 86400) * 1000 )), $(( (31 - d) * 1000 )), 500, 0, 0, 0)"
done
control "set 000000000001 energy 40000" # above the planted readings
control "set 000000000001 balance 1234"
start_worker
PHONE_LINK=$(bo phone-link 000000000001 --days 1) || fail "phone-link"
export PHONE_LINK
node "$(dirname "$0")/../console/phone_test.mjs" "$CASE" "http://127.0.0.1:$PORT" "$WX_URL" "$CONTROL" "$SITE" ||
  fail "the browser's checks"
if [[ $CASE == pay_alipay ]]; then # each provider's bill of the day holds its phone payment, matched here
  day=$(date -u -d '+8 hours' +%F) # the providers' day: China time
  expect_status 0 bo qr reconcile --day "$day"
  contains "$OUT" "wechat $day: 1 bill rows, 0 differences" "WeChat Pay's bill: the phone payment matched"
  contains "$OUT" "alipay $day: 1 bill rows, 0 differences" "Alipay's bill: the phone payment matched"
fi
[[ $failures == 0 ]] || { echo "--- bo.log"; tail -30 "$SITE/bo.log"; echo "--- worker.log"; tail -20 "$SITE/worker.log"; } >&2
finish
