#!/usr/bin/env bash
# Batches end to end (docs/collector.md, "Batches"): the back office runs
# one command over many meters through a running `kioskctl worker` and
# metersim; each meter's outcome tracked, failed ones retried by serve's
# periodic check up to the batch's limit, a batch at a set time not run
# before it, cancel stopping what is still queued, the JSON API.
# Usage: batch_test.sh CASE KIOSKCTL BACKOFFICE METERSIM
CASE=$1 CTL=$2 BO=$3 SIM=$4
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"
. "$(dirname "$0")/metersim_lib.sh"

N=50
meter() { printf '%012d' "$1"; }
relay() { control "state $(meter "$1")"; json "${REPLY#ok }" '$.relay'; }

WORKER_PID=

setup() { # metersim's 50 meters, all on the back office's site S1; retries checked every second
  start_metersim $N 300 "retries = 0"
  trap 'kill $WORKER_PID $BO_PID $SIM_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$SITE"' EXIT
  bo_loopback "$(printf '[commands]\nbatch_check_seconds = 1')"
  printf 'pubkey = %s\n' "$(bo pubkey | grep -o '[A-Za-z0-9+/=]\{44\}' | head -1)" >>"$SITE/kiosk.ini"
  bo_sim_meters 4 $N
}

# create ARGS...: `batch create ARGS`, sets $ID
create() {
  expect_status 0 bo batch create "$@"
  ID=$(json "$OUT" '$.batch.id')
  [[ -n $ID ]] || fail "no batch id: $OUT $ERR"
}

count() { # count STATE: meters of batch $ID whose latest attempt is in STATE (batch show)
  expect_status 0 bo batch show "$ID"
  json "$OUT" "\$.counts.$1"
}

# settled [SECONDS]: until no meter of $ID is queued or sent and no retry is due
settled() {
  local want=$1 i
  for i in $(seq $((${2:-60} * 5))); do
    [[ $(bo_sql "select count(*) from meter_command where batch = '$ID' and state in ('queued', 'sent')") == 0 &&
       $(count done) == "$want" ]] && sleep 1.5 && # a retry check may still be coming
      [[ $(bo_sql "select count(*) from meter_command where batch = '$ID' and state in ('queued', 'sent')") == 0 ]] &&
      return 0
    sleep 0.2
  done
  return 1
}

case_fifty() { # 50 meters, 4 of them offline: 46 done, 4 failed after 1 + 2 retries, counts right
  local off=(7 19 33 50) m
  for m in "${off[@]}"; do control "offline $(meter "$m")"; done
  start_worker
  create --command relay_trip --site S1 --operator alice --reason "arrears run"
  [[ $(json "$OUT" '$.batch.meters') == $N ]] || fail "the batch's meters: $OUT"
  settled 46 120 || fail "the batch did not settle: $(bo batch show "$ID")"
  expect_status 0 bo batch show "$ID"
  local show=$OUT
  [[ $(json "$show" '$.counts.done') == 46 ]] || fail "done: $show"
  [[ $(( $(json "$show" '$.counts.failed') + $(json "$show" '$.counts.unknown') )) == 4 ]] || fail "failed: $show"
  [[ $(json "$show" '$.batch.done') == 46 ]] || fail "the batch row's counts: $show"
  for m in "${off[@]}"; do
    [[ $(bo_sql "select group_concat(attempt || ':' || state, ' ') from (select attempt, state from meter_command
          where batch = '$ID' and meter = '$(meter "$m")' order by attempt) a") =~ ^1:(failed|unknown)\ 2:(failed|unknown)\ 3:(failed|unknown)$ ]] ||
      fail "meter $m's attempts: $(bo_sql "select attempt, state, outcome from meter_command where meter = '$(meter "$m")'")"
    [[ $(relay "$m") == closed ]] || fail "offline meter $m's relay changed"
  done
  [[ $(bo_sql "select count(*) from meter_command c join meter_command p on c.retry_of = p.id
        where c.batch = '$ID' and c.attempt = p.attempt + 1 and c.meter = p.meter") == 8 ]] ||
    fail "the retries are not linked to the attempts they follow"
  [[ $(bo_sql "select count(*) from meter_command where batch = '$ID'") == 58 ]] || fail "commands: 50 + 8 retries"
  for m in $(seq $N); do
    [[ " ${off[*]} " == *" $m "* ]] && continue
    [[ $(relay "$m") == open ]] || fail "meter $m's relay is not open"
  done
  [[ $(kiosk_sql "select count(*) from meter_command where state = 'done'") == 46 ]] || fail "the kiosk ran a command twice"
  expect_status 0 bo batch show "$ID" --csv
  [[ $(grep -c '^0000000000' <<<"$OUT") == $N ]] || fail "batch show --csv: $OUT"
  expect_status 0 bo batch list
  contains "$OUT" "$ID" "batch list"
  [[ $(bo_sql "select count(*) from audit where action = 'batch.create' and target = '$ID' and reason = 'arrears run'
        and detail like '%site S1 (50 meters)%operator alice%'") == 1 ]] || fail "batch.create audit"
  [[ $(bo_sql "select count(*) from audit where action = 'batch.retry' and detail like 'batch $ID %'") == 8 ]] ||
    fail "batch.retry audit: $(bo_sql "select count(*) from audit where action = 'batch.retry'")"
}

case_at() { # a batch at a set time: not handed to the kiosk before it, run after it
  start_worker
  sleep 1 # the worker's long poll is open
  local at
  at=$(date -u -d '+5 seconds' +%Y-%m-%dT%H:%M:%SZ)
  create --command relay_trip --meters "$(meter 2),$(meter 3)" --at "$at" --operator bob --reason "at five"
  sleep 3
  [[ $(count queued) == 2 ]] || fail "before its time: $(bo batch show "$ID")"
  [[ $(relay 2) == closed ]] || fail "meter 2 switched before the batch's time"
  settled 2 20 || fail "after its time: $(bo batch show "$ID")"
  [[ $(relay 2) == open && $(relay 3) == open ]] || fail "the relays after the batch's time"
  local at_ms
  at_ms=$(( $(date -u -d "$at" +%s) * 1000 ))
  [[ $(bo_sql "select count(*) from meter_command where batch = '$ID' and sent_at >= $at_ms
        and sent_at < $at_ms + 2000") == 2 ]] ||
    fail "handed over at $at_ms: $(bo_sql "select sent_at from meter_command where batch = '$ID'")"
}

case_cancel() { # cancel stops the queued ones and the retries; the meters untouched
  local at
  at=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
  create --command relay_trip --meters "$(meter 4),$(meter 5),$(meter 6)" --at "$at" --operator carol --reason "later"
  local later=$ID
  create --command relay_trip --meters "$(meter 8),$(meter 9)" --operator carol --reason "now"
  expect_status 0 bo batch cancel "$ID" --operator carol --reason "wrong meters"
  contains "$OUT" "2 queued commands cancelled" "batch cancel"
  local now=$ID
  ID=$later
  expect_status 0 bo batch cancel "$ID" --operator carol --reason "not needed"
  expect_status 1 bo batch cancel "$ID" --operator carol --reason "again"
  [[ $(count cancelled) == 3 ]] || fail "cancelled: $(bo batch show "$ID")"
  start_worker
  sleep 3
  local m
  for m in 4 5 6 8 9; do [[ $(relay "$m") == closed ]] || fail "meter $m switched after its batch was cancelled"; done
  [[ $(kiosk_sql "select count(*) from meter_command") == 0 ]] || fail "the kiosk was handed a cancelled command"
  [[ $(bo_sql "select count(*) from audit where action = 'batch.cancel' and target in ('$later', '$now')") == 2 ]] ||
    fail "batch.cancel audit"
  expect_status 0 bo batch list
  contains "$OUT" "cancelled" "batch list"
}

case_api() { # the JSON API: credits (each meter its own sale, the amount per meter), show, list, cancel
  start_worker
  [[ $(bo_post /v1/admin/batches "{\"command\": \"credit\", \"meters\": [\"$(meter 10)\", \"$(meter 11)\"],
        \"params\": {\"amount\": 1500, \"paid_by\": \"counter\", \"reference\": \"RUN-1\"},
        \"operator\": \"dan\", \"reason\": \"grant\"}") == 200 ]] || fail "create: $(cat "$SITE/bo.answer")"
  ID=$(json "$(cat "$SITE/bo.answer")" '$.batch.id')
  settled 2 30 || fail "the credit batch: $(bo batch show "$ID")"
  local m
  for m in 10 11; do
    control "state $(meter "$m")"
    [[ $(json "${REPLY#ok }" '$.balance') == 1500 ]] || fail "meter $m's balance: $REPLY"
  done
  [[ $(bo_sql "select count(distinct txn_id) from meter_command where batch = '$ID' and txn_id <> ''") == 2 ]] ||
    fail "each meter's own sale"
  local got
  got=$(curl -s "http://127.0.0.1:$PORT/v1/admin/batches/$ID")
  [[ $(json "$got" '$.counts.done') == 2 && $(json "$got" '$.meters[0].state') == done ]] || fail "GET: $got"
  contains "$(curl -s "http://127.0.0.1:$PORT/v1/admin/batches")" "$ID" "the API's list"
  [[ $(bo_post /v1/admin/batches "{\"command\": \"relay_trip\", \"site\": \"S1\", \"meters\": [\"$(meter 1)\"],
        \"operator\": \"dan\", \"reason\": \"x\"}") == 400 ]] || fail "site and meters: $(cat "$SITE/bo.answer")"
  [[ $(bo_post /v1/admin/batches "{\"command\": \"relay_trip\", \"meters\": [\"$(meter 1)\", \"999\"],
        \"operator\": \"dan\", \"reason\": \"x\"}") == 404 ]] || fail "an unknown meter: $(cat "$SITE/bo.answer")"
  [[ $(bo_sql "select count(*) from batch") == 1 ]] || fail "a refused batch left rows"
  [[ $(bo_post /v1/admin/batches "{\"command\": \"set_alarms\", \"meters\": [\"$(meter 12)\"], \"at\": \"2099-01-01T00:00:00Z\",
        \"params\": {\"alarm1\": 2000, \"alarm2\": 1000}, \"operator\": \"dan\", \"reason\": \"x\"}") == 400 ]] ||
    fail "too far ahead: $(cat "$SITE/bo.answer")"
  [[ $(bo_post /v1/admin/batches "{\"command\": \"set_alarms\", \"meters\": [\"$(meter 12)\"],
        \"at\": \"$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)\", \"params\": {\"alarm1\": 2000, \"alarm2\": 1000},
        \"operator\": \"dan\", \"reason\": \"x\"}") == 200 ]] || fail "set_alarms: $(cat "$SITE/bo.answer")"
  ID=$(json "$(cat "$SITE/bo.answer")" '$.batch.id')
  [[ $(bo_post "/v1/admin/batches/$ID/cancel" '{"operator": "dan", "reason": "no"}') == 200 ]] ||
    fail "cancel: $(cat "$SITE/bo.answer")"
  [[ $(json "$(cat "$SITE/bo.answer")" '$.cancelled') == 1 ]] || fail "cancel: $(cat "$SITE/bo.answer")"
  [[ $(bo_sql "select count(*) from audit where action in ('batch.create', 'batch.cancel') and actor = 'api:loopback'") == 3 ]] ||
    fail "audit: $(bo_sql "select action, actor from audit where action like 'batch.%'")"
}

setup
"case_$CASE"
[[ $failures == 0 ]] || { echo "--- worker.log"; tail -40 "$SITE/worker.log"; echo "--- bo.log"; tail -20 "$SITE/bo.log"; } >&2
kill "$WORKER_PID" 2>/dev/null
finish
