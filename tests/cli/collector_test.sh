#!/usr/bin/env bash
# The collector through the real programs (docs/collector.md): kioskctl
# worker scanning metersim's meters on a shortened schedule, the reference
# back office receiving the readings with their bands; readings surviving
# the back office being down and arriving once; a silent meter alerted once
# and cleared; a sale during a scan waiting at most about one exchange; the
# kiosk-silence alert raised once and cleared; the energy report against
# metersim's known consumption; alerts acknowledged.
# Usage: collector_test.sh CASE KIOSKCTL METERSIM BACKOFFICE
CASE=$1 CTL=$2 SIM=$3 BO=$4
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"
. "$(dirname "$0")/metersim_lib.sh"

SIM_BAUD=9600
WORKER_PID=""
start_worker() { # start_worker ARGS...: kioskctl worker, its output in worker.out
  "$CTL" --config "$SITE/kiosk.ini" worker --interval 100 "$@" >>"$SITE/worker.out" 2>&1 &
  WORKER_PID=$!
}
stop_worker() { [[ -n $WORKER_PID ]] && kill "$WORKER_PID" 2>/dev/null && wait "$WORKER_PID" 2>/dev/null; WORKER_PID=""; }
passes() { grep -c '^worker: scan.*meters:' "$SITE/worker.out" 2>/dev/null; }
wait_for() { # wait_for SECONDS CONDITION...: true once the condition holds
  local n=$(( $1 * 10 )); shift
  for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
  return 1
}
passes_at_least() { (( $(passes) >= $1 )); }
bo_readings() { bo_sql "select count(*) from reading where source = 'scan'"; }

setup() { # setup N: metersim with N meters, the back office knowing them on S1, the kiosk pointed at it
  SITE_EXTRA=${2:-}
  start_metersim "$1" 300 "retries = 0"
  trap 'stop_worker; kill $SIM_PID ${BO_PID:-} 2>/dev/null; wait 2>/dev/null; bo_db_drop; rm -rf "$SITE"' EXIT
  bo_loopback "$SITE_EXTRA"
}

# The worker reads every meter on its schedule (shortened by --scan-every),
# each reading stored in the ledger with its bands and source and uploaded;
# the back office shows each meter's state.
case_scan_on_schedule() {
  setup 3
  control "consume 000000000002 12340"
  start_worker --scan-every 1500
  wait_for 20 passes_at_least 2 || fail "no second scan: $(cat "$SITE/worker.out")"
  contains "$(cat "$SITE/worker.out")" "3 meters: 3 answered, 0 did not" "the scan's summary"
  (( $(kiosk_sql "select count(*) from meter_reading where source = 'scan'") >= 6 )) || fail "fewer than 6 scan readings"
  expect_status 0 ctl sync now
  (( $(bo_readings) >= 6 )) || fail "the back office holds $(bo_readings) scan readings"
  [[ $(kiosk_sql "select count(*) from meter_reading where source = 'scan' and sharp is null") == 0 ]] ||
    fail "a TOU meter's scan reading without bands"
  stop_worker
  expect_status 0 ctl sync now
  [[ $(bo_sql "select count(*) from reading where meter = '000000000002' and source = 'scan' and sharp is not null
               and sharp + peak + flat + valley = energy") -ge 1 ]] || fail "no reading with bands at the back office"
  expect_status 0 bo meter show 000000000002 --csv
  echo "$OUT" >"$SITE/show"
  contains "$OUT" "000000000002," "meter show"
  contains "$OUT" ",-651,relay open,yes," "meter show: balance (12.34 kWh taken from none), supply, online"
  contains "$OUT" ",12340," "meter show: the energy register"
  expect_status 0 bo meter list --site S1 --csv
  [[ $(grep -c ',yes,' <<<"$OUT") == 3 ]] || fail "meter list: not every meter online: $OUT"
  local json
  json=$(curl -s "http://127.0.0.1:$PORT/v1/admin/meters/000000000002")
  contains "$json" '"online":"yes"' "the JSON API's meter"
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/admin/meters/000000000009") == 404 ]] ||
    fail "an unknown meter is not 404"
  # a day's scan is configured off and the period lengthened through the settings document
  expect_status 0 bo settings set K1 scan_minutes 1440
  expect_status 0 bo settings set K1 scan_after_midnight_minutes -1
  expect_status 0 ctl sync now
  rm -f "$SITE/worker.out"
  start_worker
  wait_for 10 passes_at_least 1 || fail "no scan at the worker's start"
  sleep 1.5
  [[ $(passes) == 1 ]] || fail "scan_minutes 1440 still scanned again: $(cat "$SITE/worker.out")"
  stop_worker
}

# The day's scan stores each meter's daily freeze once per freeze and the
# back office receives it once (topic frozen): the freeze time is the
# meter's local time with the kiosk's offset (here +08:00), the same
# instant metersim froze at; a meter without freezes is skipped quietly.
# A day's scan at any time of day: the day's scan 0 minutes after
# midnight and a period of a day.
case_daily_freeze() {
  export TZ=Asia/Shanghai
  setup 3
  expect_status 0 bo settings set K1 scan_after_midnight_minutes 0
  expect_status 0 ctl sync now
  control "consume 000000000001 4320"
  control "set 000000000003 freezes off"
  control "freeze"
  control "consume 000000000001 1000" # after the freeze: not in it
  start_worker --scan-every 86400000
  wait_for 20 passes_at_least 1 || fail "no scan: $(cat "$SITE/worker.out")"
  stop_worker
  contains "$(cat "$SITE/worker.out")" "scan (the day's): 3 meters" "the day's scan"
  [[ $(kiosk_sql "select meter || ' ' || energy || ' ' || (sharp is not null) from meter_frozen order by meter") == \
     $'000000000001 4320 1\n000000000002 0 1' ]] || fail "the kiosk's freezes: $(kiosk_sql 'select * from meter_frozen')"
  if grep -q "000000000003.*freeze" "$SITE/worker.out"; then fail "a meter without freezes was not skipped quietly"; fi
  start_worker --scan-every 86400000 # another day's scan reads the same freezes: stored once
  wait_for 20 passes_at_least 2 || fail "no second scan: $(cat "$SITE/worker.out")"
  stop_worker
  [[ $(kiosk_sql "select count(*) from meter_frozen") == 2 ]] || fail "a freeze stored twice"
  [[ $(kiosk_sql "select count(*) from outbox where topic = 'frozen'") == 2 ]] || fail "a freeze queued twice"
  expect_status 0 ctl sync now
  kiosk_sql "update outbox set sent_at = null where topic = 'frozen'"
  expect_status 0 ctl sync now # a replay
  [[ $(bo_sql "select count(*) from frozen") == 2 ]] || fail "the back office's freezes: $(bo_sql 'select * from frozen')"
  control "state 000000000001"
  local want
  want=$(sqlite3 :memory: "select json_extract('${REPLY#ok }', '\$.frozen.time_ms')")
  [[ $(bo_sql "select at || ' ' || energy || ' ' || kiosk from frozen where meter = '000000000001'") == "$want 4320 K1" ]] ||
    fail "the freeze at the back office: $(bo_sql 'select * from frozen'), metersim froze at $want"
  contains "$(bo_sql "select at_text from frozen where meter = '000000000001'")" "+08:00" "the freeze's offset"
  expect_status 0 bo meter show 000000000001 --csv
  contains "$OUT" "frozen_at,frozen_energy" "meter show's columns"
  contains "$OUT" "+08:00,4320" "meter show: the last freeze"
}

# Readings taken while the back office is down stay in the outbox and
# arrive once it is back, each once.
case_store_and_forward() {
  setup 2
  stop_bo
  start_worker --scan-every 500
  wait_for 20 passes_at_least 3 || fail "the worker did not scan with the back office down"
  stop_worker
  local taken
  taken=$(kiosk_sql "select count(*) from meter_reading where source = 'scan'")
  (( taken >= 6 )) || fail "only $taken readings taken"
  [[ $(kiosk_sql "select count(*) from outbox where topic = 'reading' and sent_at is null") == "$taken" ]] ||
    fail "readings not all waiting in the outbox"
  rm -f "$SITE/bo.port" # a fresh port file: serve_bo reads the port from it
  serve_bo
  expect_status 0 ctl sync now
  expect_status 0 ctl sync now
  [[ $(bo_readings) == "$taken" ]] || fail "the back office holds $(bo_readings) readings, the kiosk took $taken"
  [[ $(kiosk_sql "select count(*) from outbox where sent_at is null") == 0 ]] || fail "rows left unsent"
  kiosk_sql "update outbox set sent_at = null where topic = 'reading'"
  expect_status 0 ctl sync now
  [[ $(bo_readings) == "$taken" ]] || fail "a replay stored readings twice"
}

# A meter that does not answer: no reading, its misses counted, one
# meter_silent alert after 3 in a row; answering again clears it (at the
# kiosk, and at the back office when the kiosk's meter_answering arrives).
case_silent_meter() {
  setup 2
  control "offline 000000000002"
  start_worker --scan-every 300
  wait_for 30 passes_at_least 5 || fail "fewer than 5 scans"
  [[ $(kiosk_sql "select count(*) from alert where kind = 'meter_silent' and meter = '000000000002'") == 1 ]] ||
    fail "not exactly one meter_silent alert: $(kiosk_sql "select kind, meter from alert")"
  (( $(kiosk_sql "select misses from meter_miss where meter = '000000000002'") >= 5 )) || fail "misses not counted"
  [[ $(kiosk_sql "select count(*) from alert where meter = '000000000001'") == 0 ]] || fail "an alert for the answering meter"
  control "online 000000000002"
  wait_for 10 bash -c "grep -q 'meter 000000000002 answers again' '$SITE/worker.out'" || fail "no 'answers again'"
  stop_worker
  [[ $(kiosk_sql "select count(*) from meter_miss") == 0 ]] || fail "misses kept after the answer"
  [[ $(kiosk_sql "select count(*) from alert where kind = 'meter_silent' and acknowledged_at is null") == 0 ]] ||
    fail "the kiosk's meter_silent alert not settled"
  expect_status 0 ctl sync now
  [[ $(bo_sql "select count(*) from alert where kind = 'meter_silent' and cleared_at is not null") == 1 ]] ||
    fail "the back office's meter_silent alert not cleared"
  expect_status 0 bo alerts --open --csv
  [[ $OUT != *meter_silent* ]] || fail "a cleared alert listed as open: $OUT"
}

# A sale while the scan runs: the scan takes the bus one exchange at a
# time and a sale's delivery holds it, so the sale takes at most about one
# exchange longer than on an idle bus. The bound comes from the wire time:
# an exchange of at most 60 bytes at 11 bits per byte, twice (one on the
# wire when the sale asks, and slack), plus 300 ms for the processes.
case_sale_during_scan() {
  SIM_BAUD=2400
  setup 40
  local idle busy frame_ms bound t0 t1
  sale_ms() {
    t0=$(date +%s%N)
    ctl sale --meter 000000000001 --amount 100 --pay counter >/dev/null || fail "a sale"
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
  }
  idle=$(sale_ms)
  start_worker --scan-every 10
  wait_for 10 bash -c "grep -q 'scan' '$SITE/worker.out' || (( \$(sqlite3 '$SITE/ledger.db' \"select count(*) from meter_reading\") > 1 ))" ||
    fail "the scan did not start"
  busy=$(sale_ms)
  local before
  before=$(kiosk_sql "select count(*) from meter_reading where source = 'scan'")
  wait_for 10 bash -c "(( \$(sqlite3 '$SITE/ledger.db' \"select count(*) from meter_reading where source = 'scan'\") > $before ))" ||
    fail "the scan did not resume after the sale"
  stop_worker
  frame_ms=$(( 60 * 11 * 1000 / SIM_BAUD ))
  bound=$(( idle + 2 * frame_ms + 300 ))
  echo "sale: idle bus $idle ms, during the scan $busy ms (bound $bound ms, an exchange at most $frame_ms ms)"
  (( busy <= bound )) || fail "the sale during the scan took $busy ms; idle $idle ms; bound $bound ms"
}

# A kiosk silent beyond silent_heartbeats x heartbeat_seconds raises ONE
# kiosk_silent alert however many checks see it, cleared when it is heard
# from again; staff acknowledge alerts (audited).
case_kiosk_silence() {
  setup 1 "$(printf '[alerts]\ncheck_seconds = 1')"
  expect_status 0 bo settings set K1 heartbeat_seconds 10
  expect_status 0 bo settings set K1 silent_heartbeats 3
  expect_status 0 ctl sync now
  [[ $(bo_post /v1/test/clock '{"advance_ms": 31000}') == 200 ]] || fail "the back office's test clock"
  wait_for 10 bash -c "(( \$(bo_sql \"select count(*) from alert where kind = 'kiosk_silent'\") > 0 ))" ||
    fail "no kiosk_silent alert"
  sleep 2.5 # more checks: still one
  [[ $(bo_sql "select count(*) from alert where kind = 'kiosk_silent' and subject = 'K1'") == 1 ]] ||
    fail "not one kiosk_silent alert: $(bo_sql "select id, kind, subject from alert")"
  local id
  id=$(bo_sql "select id from alert where kind = 'kiosk_silent'")
  expect_status 0 bo alerts --open --csv
  contains "$OUT" "kiosk_silent" "alerts --open"
  expect_status 0 ctl sync now # heard from again (on the moved clock)
  wait_for 10 bash -c "[[ \$(bo_sql \"select count(*) from alert where kind = 'kiosk_silent' and cleared_at is not null\") == 1 ]]" ||
    fail "the kiosk_silent alert was not cleared"
  expect_status 0 bo alerts --csv
  contains "$OUT" ",cleared," "alerts: cleared"
  expect_status 2 bo alert ack "$id" --reason "seen"
  expect_status 0 bo alert ack "$id" --operator alice --reason "power cut at the market"
  expect_status 1 bo alert ack "$id" --operator alice --reason "again"
  contains "$ERR" "acknowledged already" "a second ack"
  expect_status 1 bo alert ack 999 --operator alice --reason "none"
  [[ $(bo_sql "select count(*) from audit where action = 'alert.ack' and actor = 'operator:alice'
               and reason = 'power cut at the market'") == 1 ]] || fail "no audit row for the ack"
  [[ $(bo_post "/v1/admin/alerts/$id/ack" '{"operator": "bob", "reason": "x"}') == 409 ]] || fail "the API's second ack"
  [[ $(curl -s "http://127.0.0.1:$PORT/v1/admin/alerts") == *'"acked_by":"operator:alice"'* ]] || fail "the API's alerts"
}

# The energy report of a meter against metersim's consumption: the rise of
# the registers between readings, bands summing to the total, by day,
# month and year, CSV.
case_energy_report() {
  setup 1
  start_worker --scan-every 200000
  wait_for 10 passes_at_least 1 || fail "no first scan"
  stop_worker
  control "consume 000000000001 12340"
  start_worker --scan-every 200000
  wait_for 10 passes_at_least 2 || fail "no second scan"
  stop_worker
  control "consume 000000000001 5000"
  start_worker --scan-every 200000
  wait_for 10 passes_at_least 3 || fail "no third scan"
  stop_worker
  expect_status 0 ctl sync now
  local day month year
  day=$(date -u +%Y-%m-%d) month=$(date -u +%Y-%m) year=$(date -u +%Y)
  expect_status 0 bo report energy --meter 000000000001 --by day --csv
  contains "$OUT" "period,unit,energy,sharp,peak,flat,valley,year_before,change" "the report's columns"
  contains "$OUT" "$day,Wh,17340," "the day's energy"
  local bands
  bands=$(awk -F, -v d="$day" '$1 == d { print $4 + $5 + $6 + $7 }' <<<"$OUT")
  [[ $bands == 17340 ]] || fail "the bands sum to $bands, not 17340: $OUT"
  expect_status 0 bo report energy --meter 000000000001 --by month --csv
  contains "$OUT" "$month,Wh,17340," "the month's energy"
  expect_status 0 bo report energy --meter 000000000001 --by year
  contains "$OUT" "$year" "the year's energy"
  contains "$OUT" "17340" "the year's energy"
  expect_status 2 bo report energy --meter 000000000001 --by week
  [[ $(curl -s "http://127.0.0.1:$PORT/v1/admin/reports/energy?meter=000000000001&by=day") == *'"energy":17340'* ]] ||
    fail "the API's energy report"
}

"case_$CASE"
finish
