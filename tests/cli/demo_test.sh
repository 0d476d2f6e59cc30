#!/usr/bin/env bash
# The demo's centre, non-interactively: the site scripts/demo and
# scripts/demo-ctl build (seven meters, two of them water, registered with
# their tariffs in the reference back office), the kiosk's worker as the
# site's collector, and the same steps the demos run (scripts/demo-lib.sh:
# demo_centre): the back office trips meter 2's relay, closes it again and
# sends a central credit to water meter 6. Then the outcome is checked at
# each end: the back office's commands, metersim's relay and journal, the
# kiosk's ledger, the sale of method central in the back office's report.
# Usage: demo_test.sh CASE BIN_DIR ROOT
CASE=$1 BIN=$2 ROOT=$3 CTL=$2/kioskctl
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/demo-lib.sh"

PIDS=""
start() { "$@" & PIDS="$PIDS $!"; }
trap 'kill $PIDS 2>/dev/null; wait $PIDS 2>/dev/null; rm -rf "$SITE"' EXIT

bo_sql() { sqlite3 "$SITE/backoffice.db" "$1"; }
kiosk_sql() { sqlite3 "$SITE/ledger.db" "$1"; }
json() { sqlite3 :memory: "select json_extract('$1', '$2')"; }

site() { # the demo's site, speeded up: metersim's time stands still
  printf '000102030405060708090a0b0c0d0e0f\n' >"$SITE/master.key" && chmod 600 "$SITE/master.key"
  demo_metersim --baud 9600 --speed 0
  demo_backoffice
  cat >"$SITE/kiosk.ini" <<INI
[site]
kiosk_id = K1
currency = CNY
[ledger]
path = $SITE/ledger.db
$(demo_sync_ini)
[gateway]
master_key_file = $SITE/master.key
timeout_ms = 500
[registry]
path = $SITE/meters.csv
INI
  demo_link
}

case_centre() {
  site
  demo_collector
  demo_await_scan || fail "the collector's first scan did not reach the back office"
  [[ $(bo_sql "select count(distinct meter) from reading where source = 'scan'") == 7 ]] || fail "scans: $(bo_sql 'select meter, source from reading')"
  demo_centre >"$SITE/centre.out" 2>&1 || fail "demo_centre failed: $(cat "$SITE/centre.out") worker: $(tail -5 "$SITE/worker.log")"
  local out
  out=$(cat "$SITE/centre.out")
  contains "$out" "relay is open" "the demo's words"
  contains "$out" "relay is closed" "the demo's words"
  contains "$out" "central" "the demo's sales report"
  # the back office: three commands, each done, in the order issued
  local want="relay_trip done, relay_close done, credit done"
  [[ $(bo_sql "select group_concat(command || ' ' || state, ', ') from
        (select * from meter_command order by issued_at, rowid)") == "$want" ]] ||
    fail "the commands: $(bo_sql 'select command, state from meter_command')"
  # metersim: the relay closed again; the credit once on water meter 6
  tell "$METERS" "state 000000000002"
  [[ $(json "${reply#ok }" '$.relay') == closed ]] || fail "meter 2's relay: $reply"
  tell "$METERS" "state 000000000006"
  local st=${reply#ok }
  [[ $(json "$st" '$.kind') == water && $(json "$st" '$.purchase_count') == 1 ]] || fail "water meter 6: $st"
  [[ $(json "$st" '$.journal[0].amount') == 4000 ]] || fail "meter 6's credit: $st"
  [[ $(sqlite3 :memory: "select json_array_length('$st', '\$.journal')") == 1 ]] || fail "meter 6's journal: $st"
  # the kiosk: a central payment named by the command, its sale delivered
  local id txn
  id=$(bo_sql "select id from meter_command where command = 'credit'")
  txn=$(bo_sql "select txn_id from meter_command where id = '$id'")
  [[ $(kiosk_sql "select t.state || ' ' || t.meter || ' ' || p.amount from payment p join txn t on t.id = p.txn_id
        where p.method = 'central' and p.ref = '$id'") == "delivered 000000000006 4000" ]] ||
    fail "the kiosk's central sale: $(kiosk_sql 'select method, ref, amount from payment')"
  # the back office: the sale of method central, uploaded by the worker, in the report
  [[ $(bo_sql "select method || ' ' || delivered from sale where txn_id = '$txn'") == "central 4000" ]] ||
    fail "the back office's sale: $(bo_sql 'select txn_id, method, delivered from sale')"
  expect_status 0 bo report sales --by method
  [[ $(grep '^central' <<<"$OUT" | awk '{ print $3, $4 }') == "1 4000" ]] || fail "the sales report: $OUT"
  # the water meter's latest state at the back office, in its own words
  expect_status 0 bo meter show 000000000006
  contains "$OUT" "valve open" "the water meter's state"
  expect_status 0 ctl ledger verify
}

# A resident told by SMS (scripts/demo-lib.sh: demo_notices): the
# low-balance SMS, then the credit-arrived one after a top-up at the kiosk,
# each printed from smscsim's list in Chinese, each once, delivered.
case_notices() {
  site
  demo_collector
  demo_await_scan || fail "the collector's first scan did not reach the back office"
  demo_notices >"$SITE/notices.out" 2>&1 || fail "demo_notices failed: $(cat "$SITE/notices.out")"
  local out
  out=$(cat "$SITE/notices.out")
  echo "$out"
  contains "$out" "smscsim got, for 8613812345678 (1 part, UCS-2): 尊敬的用户：表号${DEMO_NOTICE_METER}余额18.00元，已低于20.00元，请及时充值。" \
    "the low-balance SMS"
  contains "$out" "充值50.00元已到账，当前余额68.00元。" "the credit-arrived SMS (18.00 + 50.00)"
  contains "$out" "138****5678" "the notices list, masked"
  tell "$SMSC" "count"
  contains "$reply" "messages=2" "smscsim's messages: only the two"
  for _ in $(seq 50); do
    [[ $(bo_sql "select count(*) from notice_outbox where state = 'delivered'") == 2 ]] && break
    sleep 0.1
  done
  [[ $(bo_sql "select group_concat(kind || ' ' || state, ', ') from (select * from notice_outbox order by id)") == \
     "low1 delivered, credit delivered" ]] || fail "the outbox: $(bo_sql 'select kind, state from notice_outbox')"
}

# The demo with DEMO_QR=wechat: the back office places QR orders with
# WeChat Pay played by wxpaysim; a QR sale at the kiosk shows WeChat Pay's
# code, the resident's phone pays it there (demo_phone_pay), the signed
# notification books it and the credit is delivered.
# qr_sale PROVIDER CODE: a QR sale in the demo with DEMO_QR=PROVIDER: the
# kiosk shows a code starting with CODE, the resident's phone pays it
# (demo_phone_pay), the credit is delivered; the order's id in ID.
qr_sale() {
  DEMO_QR=$1 site
  "$CTL" --config "$SITE/kiosk.ini" sale --meter 000000000001 --amount 2000 --pay qr --timeout 30 \
    >"$SITE/sale.out" 2>"$SITE/sale.err" &
  local sale=$!
  for _ in $(seq 100); do grep -q 'scan to pay' "$SITE/sale.err" && break; sleep 0.05; done
  grep -q "scan to pay: $2" "$SITE/sale.err" || fail "the code: $(cat "$SITE/sale.err")"
  ID=$(bo_sql "select id from qr_order where state = 'pending'")
  DEMO_QR=$1 demo_phone_pay "$ID"
  wait "$sale" || fail "the QR sale failed: $(cat "$SITE/sale.err")"
  contains "$(cat "$SITE/sale.out")" '"state":	"delivered"' "the demo's QR sale"
  [[ $(bo_sql "select state from qr_order where id = '$ID'") == paid ]] || fail "the order: $(bo_sql 'select * from qr_order')"
}

case_qr_wechat() {
  qr_sale wechat 'weixin://wxpay/bizpayurl?pr='
  grep -q "TRANSACTION.SUCCESS" <(curl -s "$WX/sim/deliveries") || fail "no notification was sent"
}

# The demo with DEMO_QR=alipay,wechat: the back office opens both and
# places the kiosk's QR orders with Alipay played by alipaysim
# (alipay.trade.precreate); the kiosk shows Alipay's code, the phone pays
# it there, the signed form notification books it and the credit is
# delivered. Then the resident pays from the phone page by each provider
# (demo_phone_topup, as scripts/demo-ctl phone-pay): each credit reaches
# the meter through the kiosk's worker, once.
case_qr_alipay() {
  qr_sale alipay,wechat 'https://qr.alipay.com/'
  ask "$ALI" "state $ID"
  [[ $reply == "ok TRADE_SUCCESS total=2000 "* ]] || fail "Alipay's trade: $reply"
  demo_collector
  tell "$METERS" "state $DEMO_PHONE_METER"
  local before=$(json "${reply#ok }" '$.balance') out
  for prov in alipay wechat; do
    out=$(DEMO_QR=alipay,wechat demo_phone_topup "$DEMO_PHONE_METER" 2000 "$prov" 2>&1) ||
      fail "the phone page's top-up by $prov: $out worker: $(tail -3 "$SITE/worker.log")"
    contains "$out" "the page shows: done" "the phone page's top-up by $prov"
  done
  [[ $(bo_sql "select group_concat(substr(id, 15, 1) || ' ' || json_extract(params, '$.amount') || ' ' || state, ', ') from
        (select * from meter_command where command = 'credit' order by issued_at)") == "A 2000 done, W 2000 done" ]] ||
    fail "the phone's credits: $(bo_sql 'select id, params, state from meter_command')"
  tell "$METERS" "state $DEMO_PHONE_METER"
  [[ $(json "${reply#ok }" '$.balance') == $((before + 4000)) ]] || fail "meter 1's balance: $before -> $reply"
}

"case_$CASE"
finish
