#!/usr/bin/env bash
# Offline selling against the reference back office: while it does not
# answer, sales go on up to the offline limits (per sale, in total), the
# next is refused with the reason; when the link returns, sync now catches
# up and the back office stores each sale once.
# Usage: offline_test.sh CASE KIOSKCTL BACKOFFICE
CASE=$1 CTL=$2 BO=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"

sale() { ctl sale --meter 000000000001 --amount "$1" --pay counter; }
stored() { bo_sql "select count(*) from sale"; }

case_limits_and_catch_up() {
  setup_bo
  printf 'offline_max_purchase = 6000\noffline_total = 10000\n' >>"$SITE/kiosk.ini"
  expect_status 1 sale 8000 # never in touch with the back office: offline
  contains "$ERR" "while offline" "a sale before the first contact"
  expect_status 0 ctl sync now
  expect_status 0 sale 8000 # the back office answers: the offline limits do not apply
  expect_status 0 ctl sync now
  stop_bo
  expect_status 1 ctl sync now # the link is down: the kiosk is offline
  expect_status 1 sale 8000
  contains "$ERR" "above the most one sale may take while offline" "a sale over the offline per-sale limit"
  contains "$ERR" "sync.offline_max_purchase" "a sale over the offline per-sale limit"
  expect_status 0 sale 6000
  expect_status 0 sale 4000 # exactly the offline total
  expect_status 1 sale 100
  contains "$ERR" "sold as much as it may until the back office answers" "a sale over the offline total"
  contains "$ERR" "100.00 sold of" "a sale over the offline total"
  [[ $(kiosk_sql "select count(*) from txn") == 3 ]] || fail "a refused sale was opened"
  serve_bo
  expect_status 0 ctl sync now
  [[ $(stored) == 3 ]] || fail "after the catch-up the back office holds $(stored) sales, not 3"
  bo report sales --by method --csv >"$SITE/report" || fail "report"
  contains "$(cat "$SITE/report")" "counter,CNY,3,18000" "the back office's report"
  expect_status 0 sale 8000 # online again
  expect_status 0 ctl sync now
  expect_status 0 ctl sync now # nothing twice
  [[ $(stored) == 4 ]] || fail "the back office holds $(stored) sales, not 4"
}

case_no_back_office() { # without sync.url the offline limits never apply
  make_site
  printf '[sync]\noffline_max_purchase = 100\n' >>"$SITE/kiosk.ini"
  expect_status 0 sale 5000
}

"case_$CASE"
finish
