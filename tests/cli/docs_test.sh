#!/usr/bin/env bash
# Signed documents from the reference back office: sync now fetches and
# applies them (then 304 with If-None-Match); the settings document's
# offline limits take effect; a tampered document and a rollback carried by
# hand are refused with an alert and the old one kept; without the pinned
# key no document is applied.
# Usage: docs_test.sh CASE KIOSKCTL BACKOFFICE
CASE=$1 CTL=$2 BO=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"

setup() {
  setup_bo
  printf 'pubkey = %s\n' "$(bo pubkey | grep -o '[A-Za-z0-9+/=]\{44\}' | head -1)" >>"$SITE/kiosk.ini"
  { bo tariff set home CNY "single 0.5283" && bo card block 0011223344556677 --reason "reported lost" &&
    bo settings set K1 offline_max_purchase 3000; } >/dev/null || fail "setting up the documents"
}

held() { kiosk_sql "select version from document where kind = '$1'"; }

case_fetched_and_applied() {
  setup
  expect_status 0 ctl sync now
  contains "$OUT" "documents: " "sync now"
  [[ $OUT == *"refused"* && $OUT != *" 1 refused"* ]] || fail "a good document was refused: $OUT"
  [[ -n $(held blocked-cards) && -n $(held settings) && -n $(held tariffs) ]] || fail "documents not stored: $OUT"
  contains "$(kiosk_sql "select body from document where kind = 'blocked-cards'")" "reported lost" "the blocked cards"
  expect_status 0 ctl sync now # nothing changed: 304
  contains "$OUT" "0 applied" "a second sync"
  bo card block 8899aabbccddeeff --reason stolen >/dev/null
  local before
  before=$(held blocked-cards)
  expect_status 0 ctl sync now
  contains "$OUT" "1 applied" "a sync after a change"
  (( $(held blocked-cards) > before )) || fail "the newer blocked-cards list was not applied"
  # the settings document's offline limit, once the back office is down
  stop_bo
  expect_status 1 ctl sync now
  expect_status 1 ctl sale --meter 000000000001 --amount 5000 --pay counter
  contains "$ERR" "CNY 30.00" "the offline limit from the settings document"
}

case_tampered_and_rollback() {
  setup
  expect_status 0 ctl sync now
  local v
  v=$(held tariffs)
  curl -s "http://127.0.0.1:$PORT/v1/kiosks/K1/documents/tariffs" >"$SITE/tariffs.json"
  sed 's/0\.5283/0.0283/' "$SITE/tariffs.json" >"$SITE/tampered.json"
  expect_status 1 ctl sync apply tariffs "$SITE/tampered.json"
  contains "$ERR" "signature does not match" "a tampered document"
  [[ $(held tariffs) == "$v" ]] || fail "a tampered document replaced version $v"
  bo tariff set home CNY "single 0.6000" >/dev/null
  expect_status 0 ctl sync now
  (( $(held tariffs) > v )) || fail "the new tariff was not applied"
  expect_status 1 ctl sync apply tariffs "$SITE/tariffs.json" # the old version again
  contains "$ERR" "older than the version" "a rolled-back document"
  contains "$(kiosk_sql "select body from document where kind = 'tariffs'")" "0.6000" "the tariff in use"
  expect_status 0 ctl alerts
  contains "$OUT" "sync_document_refused" "the alerts for staff"
}

case_no_pinned_key() {
  setup_bo
  bo tariff set home CNY "single 0.5283" >/dev/null
  expect_status 0 ctl sync now
  [[ $OUT != *documents:* ]] || fail "documents fetched without a pinned key: $OUT"
  [[ -z $(held tariffs) ]] || fail "a document was applied without a pinned key"
}

"case_$CASE"
finish
