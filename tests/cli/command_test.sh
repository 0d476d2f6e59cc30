#!/usr/bin/env bash
# Central commands end to end: the back office queues a signed command, a
# running `kioskctl worker` picks it up by long poll, runs it on metersim
# and the outcome comes back (docs/collector.md, "Central commands").
# Usage: command_test.sh CASE KIOSKCTL BACKOFFICE METERSIM
CASE=$1 CTL=$2 BO=$3 SIM=$4
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"
. "$(dirname "$0")/metersim_lib.sh"

setup() {
  SIM_LOG_LEVEL=info SIM_MODBUS=4 start_metersim 4 500 # meter 4 over modbus-prepaid: it has refunds
  trap 'kill $WORKER_PID $BO_PID $SIM_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$SITE"' EXIT
  bo_loopback
  printf 'pubkey = %s\n' "$(bo pubkey | grep -o '[A-Za-z0-9+/=]\{44\}' | head -1)" >>"$SITE/kiosk.ini"
  WORKER_PID=
}

# issue ARGS...: `meter command ARGS`, sets $ID
issue() {
  expect_status 0 bo meter command "$@"
  ID=$(json "$OUT" '$.id')
  [[ -n $ID ]] || fail "no command id: $OUT $ERR"
}

state_of() { bo_sql "select state from meter_command where id = '$1'"; }

# wait_final ID [SECONDS]: until the back office has the command in a final state
wait_final() {
  local s
  for _ in $(seq $((${2:-10} * 20))); do
    s=$(state_of "$1")
    [[ $s != queued && $s != sent ]] && { echo "$s"; return; }
    sleep 0.05
  done
  echo "$s"
}

meter_state() { # meter_state N FIELD: metersim's
  control "state 00000000000$1"
  json "${REPLY#ok }" "\$.$2"
}

journal_len() {
  control "state 00000000000$1"
  sqlite3 :memory: "select json_array_length(json_extract('${REPLY#ok }', '\$.journal'))"
}

case_relay_trip() { # issued at the back office, run at metersim, done at the back office
  start_worker
  issue 000000000002 relay_trip --operator alice --reason "arrears"
  [[ $(wait_final "$ID") == done ]] || fail "the command is $(state_of "$ID"): $(bo meter commands)"
  [[ $(meter_state 2 relay) == open ]] || fail "metersim's relay is not open"
  [[ $(meter_state 1 relay) == closed ]] || fail "another meter's relay changed"
  [[ $(kiosk_sql "select state from meter_command where id = '$ID'") == done ]] || fail "the kiosk's ledger"
  [[ $(kiosk_sql "select count(*) from audit where action = 'relay_trip' and actor = 'central:alice'
        and target = '000000000002'") == 1 ]] || fail "the relay command is not audited once at the kiosk"
  [[ $(bo_sql "select count(*) from audit where action = 'command.issue' and target = '000000000002'
        and reason = 'arrears' and detail like '%operator alice%'") == 1 ]] || fail "the issue is not audited"
  expect_status 0 bo meter commands --meter 000000000002
  contains "$OUT" "relay_trip" "meter commands"
  contains "$OUT" "done" "meter commands"
  issue 000000000002 relay_close --operator alice --reason "paid"
  [[ $(wait_final "$ID") == done ]] || fail "the close is $(state_of "$ID")"
  [[ $(meter_state 2 relay) == closed ]] || fail "metersim's relay is not closed again"
}

case_credit() { # a central credit: a sale of method central, once, in the reports
  start_worker
  issue 000000000001 credit --amount 2500 --paid-by counter --reference "R-77" --operator bob --reason "paid at the counter"
  [[ $(wait_final "$ID") == done ]] || fail "the credit is $(state_of "$ID"): $(bo meter commands)"
  [[ $(journal_len 1) == 1 ]] || fail "metersim's journal: $(journal_len 1) credits"
  [[ $(meter_state 1 balance) == 2500 ]] || fail "balance: $(meter_state 1 balance)"
  local txn
  txn=$(bo_sql "select txn_id from meter_command where id = '$ID'")
  [[ -n $txn ]] || fail "the command names no sale"
  [[ $(bo_sql "select balance_after || '/' || count_after from meter_command where id = '$ID'") == 2500/1 ]] ||
    fail "balance and count after: $(bo_sql "select * from meter_command")"
  # the worker's next upload brings it (every 200 ms; a loaded machine has taken over 5 s)
  for _ in $(seq 300); do [[ -n $(bo_sql "select 1 from sale where txn_id = '$txn' and state = 'delivered'") ]] && break; sleep 0.05; done
  [[ $(bo_sql "select method || ' ' || delivered from sale where txn_id = '$txn'") == "central 2500" ]] ||
    fail "the sale at the back office: $(bo_sql 'select * from sale'); the worker: $(tail -5 "$SITE/worker.log")"
  expect_status 0 bo report sales --by method
  contains "$OUT" "central" "the sales report by method"
  [[ $(kiosk_sql "select count(*) from payment where method = 'central' and ref = '$ID'") == 1 ]] ||
    fail "the kiosk's payment: $(kiosk_sql 'select * from payment')"
}

case_lost_answer() { # the meter's answer lost: the credit applied once, the relay command not run twice
  start_worker
  control "lose-reply 1"
  issue 000000000003 credit --amount 1000 --paid-by online --reference "pay-1" --operator bob --reason "online"
  [[ $(wait_final "$ID") == done ]] || fail "the credit is $(state_of "$ID"): $(bo meter commands)"
  [[ $(journal_len 3) == 1 ]] || fail "metersim's journal has $(journal_len 3) credits"
  [[ $(bo_sql "select count_after from meter_command where id = '$ID'") == 1 ]] || fail "count after"
  control "lose-reply 1"
  issue 000000000003 relay_trip --operator bob --reason "test"
  local s
  s=$(wait_final "$ID")
  [[ $s == done || $s == unknown ]] || fail "the relay command is $s"
  [[ $(meter_state 3 relay) == open ]] || fail "metersim's relay is not open"
  [[ $(kiosk_sql "select count(*) from meter_command") == 2 ]] || fail "the kiosk recorded the commands more than once"
}

case_refused() { # another site's meter, a tampered signature, an expired command: refused, nothing at the meter
  bo_meters 9 # on the kiosk's site at the back office, absent from the kiosk's registry
  control "state"
  local before=$REPLY
  start_worker
  issue 000000000009 relay_trip --operator carol --reason "x"
  [[ $(wait_final "$ID") == refused ]] || fail "a meter not at the kiosk's site: $(state_of "$ID")"
  contains "$(bo_sql "select outcome from meter_command where id = '$ID'")" "not at this kiosk's site" "the refusal"
  stop_worker
  issue 000000000001 relay_trip --operator carol --reason "tampered"
  local tampered=$ID
  bo_sql "update meter_command set envelope = replace(envelope, 'relay_trip', 'relay_close') where id = '$ID'"
  issue 000000000002 relay_trip --operator carol --reason "expired" --expires 10
  local expired=$ID
  # the back office believes it is still valid; the signed document says it expires in 10 s
  bo_sql "update meter_command set expires_at = expires_at + 3600000 where id = '$ID'"
  issue 000000000003 relay_trip --operator carol --reason "never picked up" --expires 10
  local unpicked=$ID
  bo_sql "update meter_command set envelope = '{}' where id = '$ID'" # so that only the back office's expiry ends it
  sleep 11
  start_worker
  [[ $(wait_final "$tampered") == refused ]] || fail "the tampered command is $(state_of "$tampered")"
  contains "$(bo_sql "select outcome from meter_command where id = '$tampered'")" "signature" "the tampered refusal"
  [[ $(wait_final "$expired") == refused ]] || fail "the expired command is $(state_of "$expired")"
  contains "$(bo_sql "select outcome from meter_command where id = '$expired'")" "expired" "the expired refusal"
  [[ $(wait_final "$unpicked") == expired ]] || fail "the command never picked up is $(state_of "$unpicked")"
  control "state"
  [[ $REPLY == "$before" ]] || fail "a meter changed: $before -> $REPLY"
  [[ $(kiosk_sql "select count(*) from alert where kind = 'command_refused'") == 3 ]] ||
    fail "alerts: $(kiosk_sql 'select kind, evidence from alert')"
}

# journal_kinds N: metersim's journal of meter N, its entries' kinds in order
journal_kinds() {
  control "state 00000000000$1"
  sqlite3 :memory: "select group_concat(json_extract(value, '\$.kind'), ' ') from json_each(json_extract('${REPLY#ok }', '\$.journal'))"
}

case_refund() { # a central refund on a Modbus meter: once, by purchase count; a lost answer settled by the count; none on DL/T 645
  bo_meters 4
  start_worker
  issue 000000000004 credit --amount 3000 --paid-by counter --reference R-1 --operator bob --reason "paid"
  [[ $(wait_final "$ID") == done ]] || fail "the credit is $(state_of "$ID"): $(bo meter commands)"
  issue 000000000004 refund --amount 1000 --operator bob --reason "paid back at the counter"
  [[ $(wait_final "$ID") == done ]] || fail "the refund is $(state_of "$ID"): $(bo meter commands)"
  [[ $(meter_state 4 balance) == 2000 ]] || fail "metersim's balance: $(meter_state 4 balance)"
  [[ $(journal_kinds 4) == "recharge refund" ]] || fail "metersim's journal: $(journal_kinds 4)"
  [[ $(bo_sql "select balance_after || '/' || count_after from meter_command where id = '$ID'") == 2000/2 ]] ||
    fail "balance and count after: $(bo_sql "select * from meter_command where id = '$ID'")"
  contains "$(bo_sql "select outcome from meter_command where id = '$ID'")" "refunded 1000 at purchase count 2" "the outcome"
  [[ $(kiosk_sql "select state || ' ' || amount || ' ' || purchase_count from central_refund where command_id = '$ID'") == "done 1000 2" ]] ||
    fail "the kiosk's refund: $(kiosk_sql 'select * from central_refund')"
  [[ $(kiosk_sql "select json_extract(payload, '\$.refunded') from outbox where topic = 'command' and json_extract(payload, '\$.id') = '$ID'") == 1000 ]] ||
    fail "the outcome's refunded amount: $(kiosk_sql "select payload from outbox where topic = 'command'")"

  control "lose-reply 1" # the refund's answer (or the count read before it) is lost
  issue 000000000004 refund --amount 500 --operator bob --reason "second"
  local s
  s=$(wait_final "$ID")
  [[ $s == done || $s == failed ]] || fail "the refund after a lost answer is $s: $(bo meter commands)"
  if [[ $s == done ]]; then
    [[ $(journal_kinds 4) == "recharge refund refund" ]] || fail "metersim's journal: $(journal_kinds 4)"
  else
    [[ $(journal_kinds 4) == "recharge refund" ]] || fail "failed, yet metersim's journal: $(journal_kinds 4)"
  fi

  issue 000000000004 refund --amount 99999 --operator bob --reason "more than the balance"
  [[ $(wait_final "$ID") == failed ]] || fail "a refund above the balance is $(state_of "$ID")"
  contains "$(bo_sql "select outcome from meter_command where id = '$ID'")" "refused" "the outcome of a refund above the balance"

  issue 000000000001 refund --amount 100 --operator bob --reason "dlt645"
  [[ $(wait_final "$ID") == failed ]] || fail "a refund on DL/T 645 is $(state_of "$ID")"
  contains "$(bo_sql "select outcome from meter_command where id = '$ID'")" "the profile defines no refund" "the DL/T 645 outcome"
  [[ $(journal_len 1) == 0 ]] || fail "metersim's journal of the DL/T 645 meter: $(journal_len 1)"
  [[ $(kiosk_sql "select count(*) from meter_command where state not in ('done', 'failed')") == 0 ]] ||
    fail "commands not final: $(kiosk_sql 'select id, command, state from meter_command')"
}

case_open_account() { # a new meter's account opened centrally: its first purchase binds the customer, once
  control "set 000000000003 customer none" # a meter just installed: no customer bound, no purchase yet
  start_worker
  issue 000000000003 open_account --amount 2000 --paid-by counter --reference R-OPEN --operator bob --reason "new tenant"
  [[ $(wait_final "$ID") == done ]] ||
    fail "open_account is $(state_of "$ID"): $(bo_sql "select outcome from meter_command where id = '$ID'")"
  [[ $(meter_state 3 customer) == 100000000003 ]] || fail "the meter's customer after opening: $(meter_state 3 customer)"
  [[ $(meter_state 3 'journal[0].kind') == open_account ]] || fail "metersim's journal: $(meter_state 3 journal)"
  [[ $(journal_len 3) == 1 ]] || fail "metersim's journal has $(journal_len 3) entries"
  [[ $(meter_state 3 balance) == 2000 ]] || fail "the meter's balance: $(meter_state 3 balance)"
  [[ $(kiosk_sql "select count(*) from txn where method = 'central' and state = 'delivered' and amount = 2000") == 1 ]] ||
    fail "the kiosk's sale: $(kiosk_sql 'select method, state, amount from txn')"
  issue 000000000003 credit --amount 500 --paid-by counter --reference R-NEXT --operator bob --reason "next"
  [[ $(wait_final "$ID") == done ]] || fail "a credit after opening is $(state_of "$ID")"
  [[ $(meter_state 3 'journal[1].kind') == recharge ]] || fail "the next purchase: $(meter_state 3 journal)"
}

case_api() { # the staff JSON API: issue, read, list, cancel
  [[ $(bo_post /v1/admin/commands '{"meter": "000000000001", "command": "relay_trip", "operator": "dan", "reason": "api"}') == 200 ]] ||
    fail "issue: $(cat "$SITE/bo.answer")"
  local id
  id=$(json "$(cat "$SITE/bo.answer")" '$.id')
  [[ $(json "$(cat "$SITE/bo.answer")" '$.state') == queued ]] || fail "issue: $(cat "$SITE/bo.answer")"
  [[ $(bo_post "/v1/admin/commands/$id/cancel" '{"operator": "dan", "reason": "changed my mind"}') == 200 ]] ||
    fail "cancel: $(cat "$SITE/bo.answer")"
  [[ $(curl -s "http://127.0.0.1:$PORT/v1/admin/commands/$id" | sed 's/.*"state":"\([a-z]*\)".*/\1/') == cancelled ]] ||
    fail "read: $(curl -s "http://127.0.0.1:$PORT/v1/admin/commands/$id")"
  [[ $(bo_post /v1/admin/commands '{"meter": "000000000001", "command": "open_account", "operator": "dan", "reason": "x", "params": {"amount": 100}}') == 400 ]] ||
    fail "open_account: $(cat "$SITE/bo.answer")"
  contains "$(cat "$SITE/bo.answer")" "open_account needs --paid-by" "open_account without where it was paid refused"
  [[ $(bo_post /v1/admin/commands '{"meter": "000000000002", "command": "set_alarms", "operator": "dan", "reason": "x", "params": {"alarm1": 2000, "alarm2": 1000}}') == 200 ]] ||
    fail "set_alarms: $(cat "$SITE/bo.answer")"
  id=$(json "$(cat "$SITE/bo.answer")" '$.id')
  start_worker
  [[ $(wait_final "$id") == done ]] || fail "set_alarms is $(state_of "$id")"
  [[ $(meter_state 2 'alarm_amounts') == '[2000,1000]' ]] || fail "metersim's alarm amounts: $(meter_state 2 'alarm_amounts')"
  local rows
  rows=$(curl -s "http://127.0.0.1:$PORT/v1/admin/commands?meter=000000000002")
  contains "$rows" "set_alarms" "the API's list"
  [[ $(bo_sql "select count(*) from audit where action in ('command.issue', 'command.cancel')") == 3 ]] ||
    fail "audit: $(bo_sql 'select action, actor, target from audit')"
}

setup
"case_$CASE"
[[ $failures == 0 ]] || { echo "--- worker.log"; cat "$SITE/worker.log"; echo "--- bo.log"; tail -20 "$SITE/bo.log"; } >&2
stop_worker
finish
