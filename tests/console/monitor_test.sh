#!/usr/bin/env bash
# The monitoring page against the real programs (docs/console.md,
# "Monitoring"): metersim's meters behind a kiosk (kioskctl) that sells,
# scans and uploads to the reference back office on loopback, which serves
# the console; organisations EA (site S1, building B1) and EB (site S2,
# building B2) under one headquarters; chromium driven by
# monitor_test.mjs signs in as their staff. Cases:
#   balance  a sale at the kiosk, its reading uploaded: the room's tile
#            shows the balance metersim holds, the panel its balance chart;
#            the overview counts the meters below the site's alarm level
#   trip     tripping a meter from the console (confirmed, with a reason):
#            the command's progress to done, metersim's relay open, audited;
#            the overview counts it cut off
#   scope    another organisation's buildings, meters, kiosks, sales,
#            income, energy, batches, accounts and audit rows invisible in
#            the page and through the API with that session; the
#            organisation switcher narrows the utility's operator to one
#   axe      axe-core on the monitoring page, a room's panel and a command
#            dialog in both languages
# Usage: monitor_test.sh CASE KIOSKCTL METERSIM BACKOFFICE CONSOLE_DIR
CASE=$1 CTL=$2 SIM=$3 BO=$4 CONSOLE_DIR=$5
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/../cli/bo_lib.sh"
. "$(dirname "$0")/../cli/metersim_lib.sh"
PW='monitor password 1'

start_metersim 3 500
trap 'stop_worker; kill $SIM_PID ${BO_PID:-} 2>/dev/null; wait 2>/dev/null; rm -rf "$SITE"' EXIT
bo_loopback "[console]
dir = $CONSOLE_DIR"
printf 'pubkey = %s\n' "$(bo pubkey | grep -o '[A-Za-z0-9+/=]\{44\}' | head -1)" >>"$SITE/kiosk.ini"

# The structure: HQ over EA (S1: B1 with rooms on two floors) and EB (S2:
# B2 with a meter of its own); staff ann of EA, bob of EB, uma of the utility
# (all permissions); cara of EA without contacts.
{ bo org add HQ "Group headquarters" && bo org add EA "Estate A" --parent HQ && bo org add EB "Estate B" --parent HQ &&
  bo site add S2 "Estate B gate" && bo org site S1 EA && bo org site S2 EB &&
  bo customer add 100000000009 "Customer 9" &&
  bo meter add 000000000009 --customer 100000000009 --protocol dlt645 --gateway 127.0.0.1:1 --site S2 &&
  bo building add B1 "Block 1" --site S1 && bo building add B2 "Tower B" --site S2 && bo building kiosk B1 K1 &&
  bo room add R101 101 --building B1 --floor 1 && bo room add R102 102 --building B1 --floor 1 &&
  bo room add R201 201 --building B1 --floor 2 && bo room add R901 901 --building B2 --floor 9 &&
  bo room meter R101 000000000001 && bo room meter R102 000000000002 && bo room meter R201 000000000003 &&
  bo room meter R901 000000000009 && bo group set admins --perms all; } >/dev/null || fail "setting up the structure"
bo group set watchers --perms diagnostics >/dev/null || fail "group watchers"
for op in ann:EA:admins bob:EB:admins uma:none:admins cara:EA:watchers; do
  IFS=: read -r name org group <<<"$op"
  BACKOFFICE_NEW_PIN=2468 bo operator add "$name" --group "$group" >/dev/null &&
    BACKOFFICE_NEW_PASSWORD=$PW bo operator password "$name" >/dev/null &&
    bo org staff "$name" "$org" >/dev/null || fail "operator $name"
done
[[ $(bo_sql "select count(*) from audit where action in ('org.add', 'org.site', 'building.add', 'room.add',
      'room.meter', 'building.kiosk', 'org.staff')") == 20 ]] || fail "the structure's changes are not audited once each"

meter_state() { # meter_state N FIELD: metersim's
  control "state 00000000000$1"
  json "${REPLY#ok }" "\$.$2"
}
browser() { # browser CASE [ARGS]: the browser's part
  node "$(dirname "$0")/monitor_test.mjs" "$1" "http://localhost:$PORT" "$PW" "${@:2}" || fail "the browser's part of $1"
}
worker() { # the kiosk's worker: scans every second, runs central commands
  "$CTL" --config "$SITE/kiosk.ini" worker --interval 200 --scan-every 1000 >>"$SITE/worker.log" 2>&1 &
  WORKER_PID=$!
}
read_uploaded() { # read_uploaded N BALANCE: the back office has a reading of meter N with that balance
  for _ in $(seq 100); do
    ctl sync now >/dev/null 2>&1
    [[ $(bo_sql "select count(*) from reading where meter = '00000000000$1' and balance = $2") != 0 ]] && return 0
    sleep 0.2
  done
  return 1
}

low_count() { # low_count LEVEL: site S1's meters whose latest reading's balance is below LEVEL
  bo_sql "select count(*) from meter m where m.site = 'S1' and (select r.balance from reading r
    where r.meter = m.id order by r.at desc limit 1) < $1"
}

case_balance() {
  expect_status 0 ctl sale --meter 000000000001 --amount 5000 --pay counter
  local bal
  bal=$(meter_state 1 balance)
  (( bal >= 5000 )) || fail "metersim's balance after the sale: $bal"
  worker
  read_uploaded 1 "$bal" || fail "no reading of meter 1 with balance $bal at the back office: $(bo meter show 000000000001)"
  stop_worker
  local level=$((bal + 100))
  bo notices levels --site S1 "$level,1000,500" --operator ann >/dev/null || fail "the site's notice levels"
  browser balance "$bal" "$level" "$(low_count "$level")"
}

case_trip() {
  worker
  [[ $(meter_state 1 relay) == closed ]] || fail "metersim's relay is not closed at the start"
  browser trip
  [[ $(meter_state 1 relay) == open ]] || fail "metersim's relay is not open after the console's trip"
  [[ $(meter_state 2 relay) == closed ]] || fail "another meter's relay changed"
  for _ in $(seq 100); do # the next scan's reading, uploaded
    ctl sync now >/dev/null 2>&1
    [[ $(bo_sql "select relay_open from reading where meter = '000000000001' order by at desc limit 1") == 1 ]] && break
    sleep 0.2
  done
  browser tripped "$(low_count 2000)"
  [[ $(bo_sql "select count(*) from audit where action = 'command.issue' and target = '000000000001'
        and actor = 'console:ann' and reason like 'arrears%'") == 1 ]] ||
    fail "the trip is not audited once with the operator: $(bo_sql "select * from audit where action = 'command.issue'")"
  stop_worker
}

case_scope() {
  expect_status 0 ctl sale --meter 000000000001 --amount 700 --pay counter
  expect_status 0 ctl sync now
  # Estate B's kiosk and an alert of its meter
  bo kiosk add K2 --site S2 --by-hand >/dev/null || fail "kiosk K2"
  # 300 more rooms in Tower B, below floor 9 (the monitoring page draws them as they come near the screen)
  bo_sql "insert into room (id, building, floor, name, created_at) select printf('RX%04d', i), 'B2', 1 + i / 100,
          printf('X%d', i), 0 from (with recursive c(i) as (select 0 union all select i + 1 from c where i < 299)
          select i from c) as n"
  bo_sql "insert into alert (kiosk, kiosk_alert, meter, at, kind, severity, evidence, subject)
          values ('K2', 1, '000000000009', 0, 'meter_tamper', 'critical', 'cover open', '000000000009')"
  # Estate B's sale of 9.00 at K2, its account, and a batch over each estate
  local now=$(( $(date +%s) * 1000 )) cur
  cur=$(bo_sql "select currency from sale where meter = '000000000001' limit 1") && [[ -n $cur ]] || fail "no sale of Estate A's"
  bo_sql "insert into sale values ('TXN-EB-1', 'K2', 'S2', 'delivered', '000000000009', '100000000009', 'cash',
          'kiosk', '$cur', 900, 900, 900, 0, 1, 1, $now, $now)"
  bo account open AB9 --customer 100000000009 --meter 000000000009 >/dev/null || fail "Estate B's account"
  bo batch create --command relay_trip --site S2 --operator uma --reason "Estate B's run" >/dev/null ||
    fail "Estate B's batch"
  bo batch create --command relay_trip --meters 000000000002 --operator uma --reason "Estate A's run" >/dev/null ||
    fail "Estate A's batch"
  browser scope "$(bo_sql "select id from batch where reason like 'Estate B%'")"
  [[ $(bo_sql "select count(*) from audit where actor = 'console:ann' and action in ('room.add', 'org.add')") == 2 ]] ||
    fail "the console's changes to the structure are not audited with the operator"
  [[ $(bo_sql "select count(*) from room where id = 'R103'") == 1 && $(bo_sql "select count(*) from org where id = 'EC'") == 0 ]] ||
    fail "the structure after the console's changes"
}

case_axe() {
  browser axe
}

"case_$CASE"
finish
