#!/usr/bin/env bash
# The notice levels written to the meters as their alarm amounts
# (docs/notices.md, "Alarm amounts on the meters"): `notices levels` and
# `notices push-alarms` queue set_alarms batches at the back office, a
# running `kioskctl worker` carries them to metersim (DL/T 645 and Modbus
# meters), and metersim holds the amounts written.
# Usage: alarms_test.sh CASE KIOSKCTL BACKOFFICE METERSIM
CASE=$1 CTL=$2 BO=$3 SIM=$4
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"
. "$(dirname "$0")/metersim_lib.sh"

# Meters 1-3 over DL/T 645, meter 4 over Modbus (registered so at the back
# office too); meter 2 bound to account A2; an operator holding the
# contacts permission.
setup() {
  SIM_LOG_LEVEL=info SIM_MODBUS=4 start_metersim 4 500
  trap 'kill $WORKER_PID $BO_PID $SIM_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$SITE"' EXIT
  bo_loopback
  printf 'pubkey = %s\n' "$(bo pubkey | grep -o '[A-Za-z0-9+/=]\{44\}' | head -1)" >>"$SITE/kiosk.ini"
  WORKER_PID=
  { bo customer add 100000000004 "Customer 4" &&
    bo meter add 000000000004 --customer 100000000004 --protocol modbus --gateway 127.0.0.1:502 &&
    bo account open A2 --customer 100000000002 --meter 000000000002 &&
    BACKOFFICE_NEW_PIN=482915 bo group set privacy --perms accounts,contacts &&
    BACKOFFICE_NEW_PIN=482915 bo operator add alice --group privacy; } >/dev/null 2>>"$SITE/setup.log" ||
    { fail "setting up: $(cat "$SITE/setup.log")"; finish; }
}

alarms_of() { # alarms_of N: metersim's alarm amounts of meter N
  control "state 00000000000$1"
  json "${REPLY#ok }" '$.alarm_amounts'
}

# writes_of N A1,A2: how many times metersim's journal has meter N's alarm
# amounts becoming A1,A2 (DL/T 645 writes one amount a frame, so a command
# journals two entries, the second with both amounts; Modbus one)
writes_of() {
  control "state 00000000000$1"
  sqlite3 :memory: "select count(*) from json_each(json_extract('${REPLY#ok }', '\$.journal'))
    where json_extract(value, '\$.kind') = 'alarms' and json_extract(value, '\$.detail') = '$2'"
}

# wait_settled [SECONDS]: until no set_alarms command is queued or sent
wait_settled() {
  for _ in $(seq $((${1:-15} * 20))); do
    [[ $(bo_sql "select count(*) from meter_command where command = 'set_alarms' and state in ('queued', 'sent')") == 0 ]] &&
      return 0
    sleep 0.05
  done
  return 1
}

queued_of() { bo_sql "select count(*) from meter_command where command = 'set_alarms' and meter = '$1' and state = '$2'"; }

case_levels_reach_meters() { # an account's own levels, then the site's: each meter its own, once
  expect_status 0 bo notices levels --account A2 4000,2500,800 --operator alice
  contains "$OUT" "alarm amounts: 1 meters: 1 queued" "the account's push"
  contains "$OUT" "alarm1 4000 alarm2 800, 1 meters" "the account's batch"
  expect_status 0 bo notices levels --site S1 3000,1500,500 --operator alice
  contains "$OUT" "alarm amounts: 4 meters: 3 queued, 1 already written or on their way" "the site's push"
  contains "$OUT" "alarm1 3000 alarm2 500, 3 meters" "the site's batch"
  local batch
  batch=$(sed -n 's/^batch \([0-9a-f-]*\): alarm1 3000.*/\1/p' <<<"$OUT")
  [[ -n $batch ]] || fail "no batch named: $OUT"
  start_worker
  wait_settled || fail "the commands did not settle: $(bo meter commands)"
  [[ $(alarms_of 1) == '[3000,500]' ]] || fail "meter 1 (DL/T 645) holds $(alarms_of 1)"
  [[ $(alarms_of 3) == '[3000,500]' ]] || fail "meter 3 (DL/T 645) holds $(alarms_of 3)"
  [[ $(alarms_of 4) == '[3000,500]' ]] || fail "meter 4 (Modbus) holds $(alarms_of 4)"
  [[ $(alarms_of 2) == '[4000,800]' ]] || fail "meter 2 (account A2's levels) holds $(alarms_of 2)"
  expect_status 0 bo batch show "$batch"
  [[ $(json "$OUT" '$.counts.done') == 3 ]] || fail "the batch's progress: $OUT"
  expect_status 0 bo meter commands --meter 000000000004
  contains "$OUT" "set_alarms" "the command list"
  contains "$OUT" "done" "the command list"
  # pushed again: everything is written, nothing is queued
  expect_status 0 bo notices push-alarms --site S1 --operator alice
  contains "$OUT" "alarm amounts: 4 meters: 0 queued, 4 already written or on their way" "the push again"
  expect_status 0 bo notices push-alarms --meter 000000000002 --operator alice
  contains "$OUT" "1 meters: 0 queued, 1 already" "one meter pushed again"
  # the site's levels change: its meters follow, the account's own stays
  expect_status 0 bo notices levels --site S1 2600,1300,600 --operator alice
  contains "$OUT" "3 queued, 1 already" "the change"
  wait_settled || fail "the change did not settle: $(bo meter commands)"
  [[ $(alarms_of 1) == '[2600,600]' ]] || fail "meter 1 after the change holds $(alarms_of 1)"
  [[ $(alarms_of 2) == '[4000,800]' ]] || fail "meter 2 after the change holds $(alarms_of 2)"
  [[ $(writes_of 1 3000,500) == 1 && $(writes_of 1 2600,600) == 1 && $(writes_of 2 4000,800) == 1 &&
     $(writes_of 4 3000,500) == 1 ]] || fail "metersim's writes: $(control "state 000000000001"; echo "$REPLY")"
  [[ $(bo_sql "select count(*) from audit where action = 'batch.create' and detail like 'set_alarms%'") == 3 ]] ||
    fail "the batches are not audited: $(bo_sql "select action, detail from audit where action like 'batch%'")"
  expect_status 2 bo notices push-alarms --site S1 --meter 000000000001 --operator alice
  expect_status 1 bo notices push-alarms --meter 000000000099 --operator alice
}

case_undone_queued_again() { # what did not get through is queued by the next push, and only that
  expect_status 0 bo notices levels --site S1 3000,1500,500 --operator alice
  contains "$OUT" "4 queued" "the first push"
  local batch
  batch=$(sed -n 's/^batch \([0-9a-f-]*\):.*/\1/p' <<<"$OUT")
  expect_status 0 bo batch cancel "$batch" --operator alice --reason "not yet"
  [[ $(queued_of 000000000001 cancelled) == 1 ]] || fail "not cancelled: $(bo meter commands)"
  expect_status 0 bo notices push-alarms --account A2 --operator alice
  contains "$OUT" "1 meters: 1 queued" "the account's meter queued again"
  start_worker
  wait_settled || fail "the account's push did not settle"
  [[ $(alarms_of 2) == '[3000,500]' ]] || fail "meter 2 holds $(alarms_of 2)"
  [[ $(alarms_of 1) == '[0,0]' ]] || fail "meter 1 was written though its command was cancelled: $(alarms_of 1)"
  expect_status 0 bo notices push-alarms --site S1 --operator alice
  contains "$OUT" "4 meters: 3 queued, 1 already" "the site's push after the cancel"
  wait_settled || fail "the site's push did not settle"
  for m in 1 3 4; do [[ $(alarms_of $m) == '[3000,500]' ]] || fail "meter $m holds $(alarms_of $m)"; done
  [[ $(writes_of 2 3000,500) == 1 ]] || fail "meter 2 written $(writes_of 2 3000,500) times"
}

setup
"case_$CASE"
[[ $failures == 0 ]] || { echo "--- worker.log"; tail -30 "$SITE/worker.log"; echo "--- bo.log"; tail -20 "$SITE/bo.log"; } >&2
stop_worker
finish
