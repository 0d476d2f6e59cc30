#!/usr/bin/env bash
# Accounts reach the kiosk through the signed registry (docs/accounts.md):
# a meter on an open account sells; once its account is closed (or the
# meter removed) and the kiosk has synced, a sale to it is refused with a
# message that says why, and nothing is written.
# Usage: account_test.sh CASE KIOSKCTL BACKOFFICE
CASE=$1 CTL=$2 BO=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"

setup() {
  setup_bo
  printf 'pubkey = %s\n' "$(bo pubkey | grep -o '[A-Za-z0-9+/=]\{44\}' | head -1)" >>"$SITE/kiosk.ini"
  bo account open A1 --customer 100000000001 --prefill --name Chen --meter 000000000001 --meter 000000000002 \
    --protocol dlt645 --gateway 127.0.0.1:8899 >/dev/null || fail "opening the account"
}

sales() { kiosk_sql "select count(*) from txn where meter = '$1'"; }

case_closed_account_refused() {
  setup
  expect_status 0 ctl sync now
  expect_status 0 ctl sale --meter 000000000001 --amount 5000 --pay counter
  expect_status 0 bo account close A1 --final-reading 000000000001=1200 --final-reading 000000000002=3400 \
    --refund --reason "moved out"
  expect_status 0 ctl sync now
  contains "$OUT" "1 applied" "the sync after the closing"
  local before
  before=$(sales 000000000001)
  expect_status 1 ctl sale --meter 000000000001 --amount 5000 --pay counter
  contains "$ERR" "meter 000000000001 may not be sold to: its account A1 is closed" "the refusal"
  [[ $(sales 000000000001) == "$before" ]] || fail "the refused sale was written"
}

case_removed_meter_refused() {
  setup
  expect_status 0 bo meter remove 000000000002 --final-reading 77 --reason "meter replaced"
  expect_status 0 ctl sync now
  expect_status 1 ctl sale --meter 000000000002 --amount 5000 --pay counter
  contains "$ERR" "meter 000000000002 was removed from service" "the refusal"
  expect_status 0 ctl sale --meter 000000000001 --amount 5000 --pay counter # its account is open
}

"case_$CASE"
finish
