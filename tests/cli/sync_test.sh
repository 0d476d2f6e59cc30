#!/usr/bin/env bash
# kioskctl sync against the reference back office on loopback (plain HTTP,
# test hooks on): the outbox uploaded and each sale stored once, through a
# replay, a 500, an answer lost after the back office committed, a dropped
# connection and a back office that is down; sync status.
# Usage: sync_test.sh CASE KIOSKCTL BACKOFFICE
CASE=$1 CTL=$2 BO=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"

unsent() { sqlite3 "$SITE/ledger.db" "select count(*) from outbox where sent_at is null"; }
stored() { sqlite3 "$SITE/bo.db" "select count(*) from sale"; }

sales() {
  ctl sale --meter 000000000001 --amount 5000 --pay counter >/dev/null || fail "sale"
  ctl sale --meter 000000000002 --amount 2500 --pay counter >/dev/null || fail "sale"
}

case_upload_and_replay() {
  setup_bo
  expect_status 0 ctl sync status
  contains "$OUT" '"outbox_depth":	0' "sync status before any sale"
  sales
  local rows
  rows=$(unsent)
  (( rows > 4 )) || fail "the two sales left only $rows outbox rows"
  expect_status 0 ctl sync now
  contains "$OUT" "uploaded $rows rows in 1 batches: $rows accepted" "sync now"
  [[ $(unsent) == 0 ]] || fail "rows left unsent after a good upload"
  [[ $(stored) == 2 ]] || fail "the back office holds $(stored) sales, not 2"
  bo report sales --by method --csv >"$SITE/report" || fail "report"
  contains "$(cat "$SITE/report")" "counter,CNY,2,7500" "the back office's report"
  expect_status 0 ctl sync status
  contains "$OUT" '"outbox_depth":	0' "sync status"
  contains "$OUT" '"last_contact"' "sync status"
  # the same rows again (as after an answer the kiosk lost): the first answers, stored once
  sqlite3 "$SITE/ledger.db" "update outbox set sent_at = null"
  expect_status 0 ctl --set sync.batch=3 sync now
  contains "$OUT" "uploaded $rows rows" "a replay"
  contains "$OUT" "$rows accepted" "a replay"
  [[ $(stored) == 2 ]] || fail "a replay stored the sales again"
}

case_failures() {
  setup_bo
  sales
  local rows
  rows=$(unsent)
  fault '{"path": "/v1/kiosks/K1/outbox", "times": 1, "status": 500}'
  expect_status 1 ctl sync now
  contains "$ERR" "answered 500" "an upload answered 500"
  [[ $(unsent) == "$rows" ]] || fail "a failed upload marked rows sent"
  expect_status 0 ctl sync status
  contains "$OUT" '"failures_in_a_row":	1' "sync status after a failure"
  fault '{"path": "/v1/kiosks/K1/outbox", "times": 1, "status": 500, "after": true}'
  expect_status 1 ctl sync now # the back office stored them, the answer was lost
  [[ $(unsent) == "$rows" ]] || fail "rows marked sent without an answer"
  fault '{"path": "/v1/kiosks/K1/outbox", "times": 1, "drop": true}'
  expect_status 1 ctl sync now
  contains "$ERR" "did not answer" "a dropped connection"
  stop_bo
  expect_status 1 ctl sync now
  contains "$ERR" "did not answer" "the back office down"
  ctl sale --meter 000000000001 --amount 1000 --pay counter >/dev/null || fail "a sale while the back office is down"
  serve_bo
  expect_status 0 ctl sync now
  [[ $(unsent) == 0 ]] || fail "the catch-up left rows"
  [[ $(stored) == 3 ]] || fail "after the catch-up the back office holds $(stored) sales, not 3"
  expect_status 0 ctl sync status
  contains "$OUT" '"failures_in_a_row":	0' "sync status after the catch-up"
}

# kioskctl worker does the rounds itself: the outbox goes up within a
# heartbeat period, the heartbeat reaches the back office, and after an
# outage the worker backs off and catches up; SIGTERM stops it cleanly.
case_worker() {
  setup_bo
  printf 'heartbeat_s = 5\nretry_base_ms = 200\nretry_max_ms = 1000\n' >>"$SITE/kiosk.ini"
  "$CTL" --config "$SITE/kiosk.ini" worker --interval 100 >"$SITE/worker.out" 2>&1 &
  local worker=$!
  sales
  for _ in $(seq 150); do [[ $(stored) == 2 && $(unsent) == 0 ]] && break; sleep 0.1; done
  [[ $(stored) == 2 && $(unsent) == 0 ]] || fail "the worker did not upload the sales: $(cat "$SITE/worker.out")"
  [[ $(sqlite3 "$SITE/bo.db" "select count(*) from kiosk_health where kiosk = 'K1'") -ge 1 ]] ||
    fail "no heartbeat reached the back office"
  stop_bo
  ctl sale --meter 000000000001 --amount 1000 --pay counter >/dev/null || fail "a sale during the outage"
  sleep 6 # a round falls in the outage
  [[ $(unsent) != 0 ]] || fail "rows marked sent while the back office was down"
  serve_bo
  for _ in $(seq 100); do [[ $(stored) == 3 && $(unsent) == 0 ]] && break; sleep 0.1; done
  [[ $(stored) == 3 ]] || fail "the worker did not catch up: $(tail -5 "$SITE/worker.out")"
  contains "$(cat "$SITE/worker.out")" "again in" "the worker's backoff"
  kill -TERM "$worker"
  wait "$worker" || fail "the worker did not stop cleanly on SIGTERM"
}

case_bad_config() {
  make_site
  expect_status 2 ctl sync now
  contains "$ERR" "sync.url is empty" "no back office"
  expect_status 2 ctl --set sync.url=http://192.0.2.1:80 sync now
  contains "$ERR" "plain HTTP only on loopback" "plain HTTP off loopback"
  expect_status 2 ctl --set sync.url=https://bo.example:8443 sync now
  contains "$ERR" "sync.ca_file" "HTTPS without certificates"
}

"case_$CASE"
finish
