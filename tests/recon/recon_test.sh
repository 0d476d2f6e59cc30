#!/usr/bin/env bash
# QR reconciliation against a provider simulator, through the real programs:
# recon_test.sh CASE PROVIDER BACKOFFICE RECON_TOOL SIMULATOR
#   PROVIDER wechat (wxpaysim) or alipay (alipaysim)
#   CASE differences: a clean day reports nothing; then a trade paid at the
#        provider unknown here, an order paid here missing from the bill,
#        an amount differing and a refund differing are each found once
#        (an order the other provider took is not this bill's business),
#        a second run adds nothing, a difference is resolved (PIN,
#        permission, audited) and leaves the open list
#   CASE serve: `backoffice serve` reconciles yesterday once on its own
#        (the run recorded), the difference alerted and in the admin API
set -u
CASE=$1 PROVIDER=$2 BO=$3 TOOL=$4 SIM=$5
DIR=$(mktemp -d)
FAILS=0
HERE=$(dirname "${BASH_SOURCE[0]}")
BO_PID=
cleanup() {
  [[ -n $BO_PID ]] && kill "$BO_PID" 2>/dev/null && wait "$BO_PID" 2>/dev/null
  if [[ $PROVIDER == wechat ]]; then stop_wxpaysim; else stop_alipaysim; fi
  rm -rf "$DIR"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
check() { [[ $2 == "$3" ]] || fail "$1: got '$2', wanted '$3'"; }

if [[ $PROVIDER == wechat ]]; then
  WXPAYSIM=$SIM; source "$HERE/../wxpay/wxpay_lib.sh"
  make_keys >/dev/null 2>&1; start_wxpaysim
  SECTION=$(wechat_ini "http://127.0.0.1:9/v1/notify/wechatpay")
  pay() { [[ $(wx_sim POST "/sim/orders/$1/pay") == 200 ]] || fail "paying $1 at wxpaysim: $WX_ANSWER"; }
else
  ALIPAYSIM=$SIM; source "$HERE/../alipay/alipay_lib.sh"
  start_alipaysim 2>/dev/null
  SECTION=$(alipay_ini "notify_url = http://127.0.0.1:9/v1/pay/notify/alipay")
  pay() { ali "pay $1" || fail "paying $1 at alipaysim: $ALI_REPLY"; }
fi
cat >"$DIR/bo.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
database = $DIR/bo.db
plain_http = true
[signing]
key = $DIR/signing.key
[billing]
check_seconds = 1
[qr]
provider = $PROVIDER
reconcile_hour = 0
$SECTION
INI
bo() { "$BO" --config "$DIR/bo.ini" "$@"; }
tool() { "$TOOL" "$DIR/bo.ini" "$@" >/dev/null || fail "recon_tool $*"; }
# paid_here ID AMOUNT [MS [PROVIDER]]: the back office holds order ID as
# paid (at MS, default now) by PROVIDER (default '': an order from before
# orders recorded theirs, the kiosks' provider's).
paid_here() {
  local at=${3:-$(($(date +%s) * 1000))}
  sqlite3 "$DIR/bo.db" "INSERT INTO qr_order(id, kiosk, txn_id, meter, amount, currency, state, created_at,
    expires_at, paid_at, provider_ref, provider) VALUES ('$1', 'K1', 'T-$1', 'M1', $2, 'CNY', 'paid', $at, $at + 60000,
    $at, 'ref', '${4:-}')"
}
NOW_MS=$(($(date +%s) * 1000))
OTHER=$([[ $PROVIDER == wechat ]] && echo alipay || echo wechat)
# trade ID AMOUNT: placed and paid at the provider.
trade() { tool create "$1" "$2"; pay "$1"; }
DAY=$(date -u -d '+8 hours' +%F) # the provider's day: China time
bo keygen >/dev/null && bo qr differences >/dev/null || { echo "FAIL: the back office's set-up"; exit 1; }

differences() {
  trade RC-OK1 1000; paid_here RC-OK1 1000
  check "a clean day" "$(bo qr reconcile --day "$DAY")" "$PROVIDER $DAY: 1 bill rows, 0 differences, 0 new"
  check "a clean day lists nothing" "$(bo qr differences --day "$DAY" --csv | tail -n +2)" ""

  trade RC-UNK1 500                         # paid at the provider, unknown here
  trade RC-AMT1 800; paid_here RC-AMT1 700 "$NOW_MS" "$PROVIDER" # amounts differ (the order says whose)
  paid_here RC-MISS1 900                    # paid here, not in the bill
  paid_here RC-OTH1 300 "$NOW_MS" "$OTHER"  # the other provider's order: not in this bill, no difference
  trade RC-REF1 600; paid_here RC-REF1 600    # refunded at the provider, not here
  tool refund RC-REF1 RF-0001 200 600
  if [[ $PROVIDER == wechat ]]; then sleep 1.2; tool refund-query RC-REF1 RF-0001; fi
  check "the first run" "$(bo qr reconcile --day "$DAY")" "$PROVIDER $DAY: 5 bill rows, 4 differences, 4 new"
  local list; list=$(bo qr differences --day "$DAY" --csv | tail -n +2 | cut -d, -f4,5,7,8 | sort)
  check "each difference once" "$list" "$(printf '%s\n' amount,RC-AMT1,800,700 missing_from_bill,RC-MISS1,0,900 \
    refund,RC-REF1,200,0 unknown_here,RC-UNK1,500,0)"
  check "the second run" "$(bo qr reconcile --day "$DAY")" "$PROVIDER $DAY: 5 bill rows, 4 differences, 0 new"
  check "still four" "$(bo qr differences --csv | tail -n +2 | wc -l)" 4
  check "one alert each" "$(bo alerts --csv | grep -c qr_difference)" 4
  grep -q "no such order here" <(bo qr differences --csv | grep RC-UNK1) || fail "the unknown trade's detail"

  local id; id=$(bo qr differences --csv | grep RC-MISS1 | cut -d, -f1)
  bo group set money --perms accounts >/dev/null && bo group set view --perms reprint >/dev/null
  BACKOFFICE_NEW_PIN=2468 bo operator add alice --group money >/dev/null
  BACKOFFICE_NEW_PIN=1357 bo operator add bob --group view >/dev/null
  BACKOFFICE_PIN=1111 bo qr difference resolve "$id" --reason "order voided" --operator alice 2>/dev/null &&
    fail "a wrong PIN resolved"
  BACKOFFICE_PIN=1357 bo qr difference resolve "$id" --reason "order voided" --operator bob 2>/dev/null &&
    fail "an operator without accounts resolved"
  BACKOFFICE_PIN=2468 bo qr difference resolve "$id" --operator alice 2>/dev/null && fail "resolved without a reason"
  check "resolved" "$(BACKOFFICE_PIN=2468 bo qr difference resolve "$id" --reason "order voided" --operator alice)" \
    "difference $id resolved"
  BACKOFFICE_PIN=2468 bo qr difference resolve "$id" --reason again --operator alice 2>/dev/null &&
    fail "resolved twice"
  check "open ones" "$(bo qr differences --open --csv | tail -n +2 | grep -c .)" 3
  check "the resolved one" "$(bo qr differences --csv | tr -d "\r" | grep RC-MISS1 | cut -d, -f11,12,13)" "resolved,alice,order voided"
  check "audited" "$(bo report audit --action qr.difference.resolve --csv | grep -c "difference $id")" 1
  check "a run again after" "$(bo qr reconcile --day "$DAY")" "$PROVIDER $DAY: 5 bill rows, 4 differences, 0 new"
  check "still resolved" "$(bo qr differences --open --csv | grep -c RC-MISS1)" 0
  bo qr reconcile --day 2026-02-30 2>/dev/null; check "not a day" $? 2
}

serve() {
  local yday at port
  yday=$(date -u -d '+8 hours -1 day' +%F)
  at=$(( ($(date -u -d "$yday 12:00" +%s) - 8 * 3600) * 1000 ))  # noon yesterday, China time
  paid_here RC-YDAY1 300 "$at"
  "$BO" --config "$DIR/bo.ini" serve >"$DIR/port" 2>"$DIR/serve.log" &
  BO_PID=$!
  for _ in $(seq 100); do [[ -s $DIR/port ]] && break; sleep 0.1; done
  port=$(head -1 "$DIR/port")
  for _ in $(seq 100); do grep -q "reconciled" "$DIR/serve.log" && break; sleep 0.1; done
  sleep 2.5 # more periodic checks: none runs the day again
  check "run once" "$(grep -c "reconciled .* of $yday" "$DIR/serve.log")" 1
  check "its record" "$(sqlite3 "$DIR/bo.db" "SELECT count(*) FROM schedule_run WHERE job = 'qr_reconcile:$PROVIDER' AND period = '$yday'")" 1
  local api; api=$(curl -s "http://127.0.0.1:$port/v1/admin/qr-differences?open=1")
  [[ $api == *'"order_id":"RC-YDAY1"'* && $api == *'"kind":"missing_from_bill"'* ]] || fail "the admin API: $api"
  check "alerted" "$(curl -s "http://127.0.0.1:$port/v1/admin/alerts" | grep -o qr_difference | wc -l)" 1
}

case $CASE in
  differences) differences ;;
  serve) serve ;;
  *) echo "unknown case $CASE"; exit 2 ;;
esac
[[ $FAILS -eq 0 ]] && echo "PASS: recon $CASE ($PROVIDER)"
exit $((FAILS > 0))
