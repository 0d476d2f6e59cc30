#!/usr/bin/env bash
# kioskctl against metersim, as staff use it: meter read, relay, scan,
# alerts, and a counter sale through the registry.
# Usage: remote_test.sh CASE KIOSKCTL METERSIM PROTOCOL
CASE=$1 CTL=$2 SIM=$3 PROTO=$4
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/metersim_lib.sh" # control

start_sim() {
  printf '000102030405060708090a0b0c0d0e0f\n' >"$SITE/master.key" && chmod 600 "$SITE/master.key"
  "$SIM" --state "$SITE/state.json" --meters 3 --ports-file "$SITE/ports" --master-key "$SITE/master.key" \
    --baud 9600 --speed 0 2>"$SITE/metersim.log" &
  SIM_PID=$!
  trap 'kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null; rm -rf "$SITE"' EXIT
  for _ in $(seq 100); do [[ -s "$SITE/ports" ]] && break; sleep 0.05; done
  port() { awk -v k="$1" '$1 == k { print $2 }' "$SITE/ports"; }
  DLT645=$(port dlt645) MODBUS=$(port modbus) CONTROL=$(port control)
  [[ -n ${CONTROL:-} ]] || { fail "metersim did not start: $(cat "$SITE/metersim.log")"; finish; }
  local port=$DLT645 unit=""
  {
    echo "meter,customer,protocol,gateway"
    for i in 1 2 3; do
      [[ $PROTO == modbus ]] && port=$MODBUS unit="/$i"
      printf '00000000000%d,10000000000%d,%s,127.0.0.1:%s%s\n' "$i" "$i" "$PROTO" "$port" "$unit"
    done
  } >"$SITE/meters.csv"
  cat >"$SITE/kiosk.ini" <<INI
[ledger]
path = $SITE/ledger.db
[gateway]
protocol = $PROTO
master_key_file = $SITE/master.key
timeout_ms = 500
[registry]
path = $SITE/meters.csv
INI
}

json() { sqlite3 :memory: "select json_extract('$1', '$2')"; }

sim_json() { # sim_json METER PATH: a field of the meter's state in metersim
  control "state $1"
  json "${REPLY#ok }" "$2"
}

case_keep_power() { # a meter keeping power on refuses to trip, and says so
  expect_status 0 ctl meter keep-power 000000000001 on --reason "hospital" --json
  [[ $(json "$OUT" '$.command') == keep_power_on ]] || fail "keep-power --json: $OUT"
  [[ $(sim_json 000000000001 '$.keep_power') == 1 ]] || fail "the meter does not keep power on"
  expect_status 1 ctl meter relay 000000000001 trip --reason "arrears"
  contains "$ERR" "keep" "the refused trip"
  [[ $(sim_json 000000000001 '$.relay') == closed ]] || fail "the meter tripped although it keeps power on"
  expect_status 0 ctl meter keep-power 000000000001 off
  contains "$OUT" "keep power released" "keep-power off"
  expect_status 0 ctl meter relay 000000000001 trip
  [[ $(sim_json 000000000001 '$.relay') == open ]] || fail "the trip after release did not trip"
  expect_status 2 ctl meter keep-power 000000000001 maybe
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where action in ('keep_power_on', 'keep_power_off')
        and target = '000000000001'") == 2 ]] || fail "keep power is not in the audit log"
}

case_alarms_and_prices() {
  expect_status 0 ctl meter alarms 000000000002 --alarm1 2000 --alarm2 500
  contains "$OUT" "alarm amounts written" "alarms"
  [[ $(sim_json 000000000002 '$.alarm_amounts') == "[2000,500]" ]] || fail "alarm amounts: $REPLY"
  expect_status 2 ctl meter alarms 000000000002 --alarm1 2000
  expect_status 0 ctl meter prices 000000000002 \
    --text "tou sharp=1.2 peak=0.9 flat=0.6 valley=0.3 at=00:00/valley,08:00/flat,18:00/peak,22:00/valley" --json
  [[ $(json "$OUT" '$.result') == ok ]] || fail "prices --json: $OUT"
  [[ $(sim_json 000000000002 '$.prices') == "[12000,9000,6000,3000]" ]] || fail "prices: $REPLY"
  [[ $(sim_json 000000000002 '$.day_table') == "[0,4,480,3,1080,2,1320,4]" ]] || fail "day table: $REPLY"
  expect_status 0 ctl meter prices 000000000003 # ui.tariff, single 0.5283 by default
  [[ $(sim_json 000000000003 '$.prices') == "[5283,5283,5283,5283]" ]] || fail "prices from ui.tariff: $REPLY"
  expect_status 2 ctl meter prices 000000000003 --text "tiered 200:0.5283 -:0.8283"
  contains "$ERR" "tiered" "a tiered tariff"
  [[ $(sqlite3 "$SITE/ledger.db" "select detail from audit where action = 'set_alarms'") == "alarm1=2000 alarm2=500" ]] ||
    fail "set_alarms is not audited with its amounts"
}

case_frozen() {
  expect_status 0 ctl meter frozen 000000000001
  [[ $(json "$OUT" '$.frozen_at') == "" ]] || fail "a meter that never froze: $OUT"
  control "set 000000000001 energy 1234560"
  control "time 2026-12-07T00:00:10"
  control "freeze 000000000001"
  expect_status 0 ctl meter frozen 000000000001
  [[ $(json "$OUT" '$.energy_kwh') == 1234.56 ]] || fail "frozen energy: $OUT"
  [[ -n $(json "$OUT" '$.frozen_at') ]] || fail "no freeze time: $OUT"
  [[ $(sqlite3 :memory: "select json_type('$OUT', '\$.bands_kwh')") == object ]] || fail "bands: $OUT"
  control "set 000000000002 freezes off"
  expect_status 2 ctl meter frozen 000000000002
  contains "$ERR" "no daily freeze" "a meter without a freeze"
}

case_meter_read() {
  control "set 000000000002 balance 4321"
  control "consume 000000000002 12340"
  expect_status 0 ctl meter read 000000000002
  [[ $(json "$OUT" '$.meter') == 000000000002 ]] || fail "meter: $OUT"
  [[ $(json "$OUT" '$.energy_kwh') == 12.34 ]] || fail "energy_kwh: $OUT"
  # 12.34 kWh at 0.5283 is 6.519222: the meter takes 6.51 and keeps the rest owed
  [[ $(json "$OUT" "\$.balance") == $(( 4321 - 651 )) ]] || fail "balance: $OUT"
  [[ $(json "$OUT" '$.purchase_count') == 0 ]] || fail "purchase_count: $OUT"
  [[ $(json "$OUT" '$.relay') == closed ]] || fail "relay: $OUT"
  [[ $(sqlite3 :memory: "select json_type('$OUT', '\$.flags')") == array ]] || fail "flags is not an array: $OUT"
  expect_status 2 ctl meter read 12345
  expect_status 2 ctl meter read 000000000009
  contains "$ERR" "not in the meter registry" "unknown meter"
}

case_water_meter() { # a water meter: m3 and valve in kioskctl's sale, read and valve control, against metersim
  control "set 000000000003 kind water"
  { echo "meter,customer,protocol,gateway,kind,tariff"; tail -n +2 "$SITE/meters.csv" | sed '3s/$/,water,/; 1,2s/$/,electricity,/'; } \
    >"$SITE/m6.csv" && mv "$SITE/m6.csv" "$SITE/meters.csv"
  printf '[ui]\ntariff_water = single 4.10\n' >>"$SITE/kiosk.ini"
  expect_status 0 ctl sale --meter 000000000003 --amount 5000 --pay counter
  [[ $(json "$OUT" '$.state') == delivered ]] || fail "water sale: $OUT"
  [[ $(json "$OUT" '$.kind') == water && $(json "$OUT" '$.unit') == m3 ]] || fail "water sale's unit: $OUT"
  [[ $(json "$OUT" '$.energy') == 12.19 ]] || fail "50.00 at 4.10/m3 is 12.19 m3: $OUT"
  expect_status 0 ctl sale --meter 000000000001 --amount 5000 --pay counter # electricity beside it: its own tariff
  [[ $(json "$OUT" '$.unit') == kWh && $(json "$OUT" '$.energy') == 94.64 ]] || fail "electricity sale: $OUT"
  control "consume 000000000003 5000"
  expect_status 0 ctl meter read 000000000003
  [[ $(json "$OUT" '$.unit') == m3 && $(json "$OUT" '$.energy') == 5.00 ]] || fail "5000 litres are 5.00 m3: $OUT"
  [[ $(json "$OUT" '$.valve') == open && $(json "$OUT" '$.relay') == "" ]] || fail "valve: $OUT"
  [[ $(json "$OUT" '$.energy_kwh') == "" ]] || fail "a water meter has no kWh: $OUT"
  expect_status 0 ctl meter relay 000000000003 trip --reason "test"
  contains "$OUT" "valve closed" "valve control"
  expect_status 0 ctl meter read 000000000003
  [[ $(json "$OUT" '$.valve') == closed ]] || fail "the valve did not close: $OUT"
  expect_status 0 ctl meter relay 000000000003 close
  contains "$OUT" "valve open" "valve control"
  expect_status 0 ctl meter scan
  contains "$OUT" "valve open" "scan"
  contains "$OUT" " m3" "scan"
}

case_sale_remote() {
  expect_status 0 ctl sale --meter 000000000001 --amount 2500 --pay counter
  [[ $(json "$OUT" '$.state') == delivered ]] || fail "sale: $OUT"
  [[ $(json "$OUT" '$.purchase_count') == 1 ]] || fail "sale: $OUT"
  [[ $(json "$OUT" '$.balance_after') == 2500 ]] || fail "sale: $OUT"
  control "lose-reply 1"
  expect_status 0 ctl sale --meter 000000000001 --amount 1000 --pay counter
  [[ $(json "$OUT" '$.purchase_count') == 2 ]] || fail "second sale: $OUT"
  control "state 000000000001"
  [[ $(json "${REPLY#ok }" '$[0].purchase_count') == 2 || $(json "${REPLY#ok }" '$.purchase_count') == 2 ]] \
    || fail "the meter's count is not 2: $REPLY"
  expect_status 2 ctl sale --meter 000000000007 --amount 1000 --pay counter
  contains "$ERR" "is not in the meter registry" "unknown meter"
  expect_status 0 ctl ledger verify
}

case_relay_and_alerts() {
  expect_status 0 ctl meter relay 000000000003 trip --reason "test of the relay"
  contains "$OUT" "tripped" "relay trip"
  expect_status 0 ctl meter read 000000000003
  [[ $(json "$OUT" '$.relay') == open ]] || fail "relay after trip: $OUT"
  control "tamper 000000000003 cover on"
  expect_status 0 ctl meter read 000000000003
  contains "$OUT" '"tamper"' "read after tamper"
  expect_status 0 ctl alerts
  contains "$OUT" "tamper" "alerts"
  contains "$OUT" "000000000003" "alerts"
  expect_status 0 ctl meter relay 000000000003 close
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where action like 'relay_%' and reason != ''") == 2 ]] \
    || fail "relay commands are not both in the audit log"
}

case_refused_credit_message() { # a refusal is quoted as the meter gave it: no count or balance it did not send
  control "set 000000000002 balance 777"
  control "set 000000000002 suspended on"
  expect_status 1 ctl sale --meter 000000000002 --amount 1500 --pay counter
  local reason
  reason=$(json "$OUT" '$.reason')
  contains "$reason" "refused (meter suspended)" "the reason of the refused credit"
  if [[ $PROTO == dlt645 ]]; then # the C3 reply is the error word alone
    [[ $reason != *"meter count"* && $reason != *balance* ]] || fail "the reason quotes what the meter did not say: $reason"
  else # the result block holds the count and balance after the refusal
    contains "$reason" "meter count 0, balance 777" "the reason of the refused credit"
  fi
  expect_status 0 ctl ledger verify
}

case_single_rate_meter() { # no TOU registers: the total alone, bands null (not 0), scans and inspection work
  control "set 000000000002 rates single"
  control "set 000000000002 energy 12340"
  expect_status 0 ctl meter read 000000000002
  [[ $(json "$OUT" '$.energy_kwh') == 12.34 ]] || fail "energy_kwh: $OUT"
  [[ $(sqlite3 :memory: "select json_type('$OUT', '\$.bands_kwh')") == null ]] || fail "bands_kwh is not null: $OUT"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from meter_reading where meter = '000000000002'
        and sharp is null and peak is null and flat is null and valley is null and energy = 12340") == 1 ]] ||
    fail "the stored reading has bands: $(sqlite3 "$SITE/ledger.db" 'select * from meter_reading')"
  expect_status 0 ctl meter read 000000000001 # a time-of-use meter still has its bands
  [[ $(sqlite3 :memory: "select json_type('$OUT', '\$.bands_kwh')") == object ]] || fail "bands_kwh: $OUT"
  control "set 000000000002 energy 10000"
  expect_status 0 ctl meter scan
  contains "$OUT" "3 meters: 3 answered, 0 did not" "scan summary"
  contains "$(grep '^000000000002' <<<"$OUT")" "energy_backwards" "the single-rate meter's scan line"
}

relays() { # the relay and trip_commanded of each meter, as metersim has them
  control "state"
  local i
  for i in 0 1 2; do
    printf '%s/%s ' "$(json "${REPLY#ok }" "\$.meters[$i].relay")" "$(json "${REPLY#ok }" "\$.meters[$i].trip_commanded")"
  done
}

case_relay_identity() { # a registry line that reaches another meter, or another customer, sends nothing
  local good want
  good=$(cat "$SITE/meters.csv")
  if [[ $PROTO == modbus ]]; then # the unit of meter 2's line is meter 1's
    sed -i 's|^\(000000000002,.*\)/2$|\1/1|' "$SITE/meters.csv"
    want="meter 000000000001 (customer 100000000001) answers at modbus unit 1 of 127.0.0.1:$MODBUS, where the registry puts meter 000000000002 (customer 100000000002)"
  else # the address is the meter's own; its line names another customer
    sed -i 's|^000000000002,100000000002,|000000000002,100000000009,|' "$SITE/meters.csv"
    want="meter 000000000002 (customer 100000000002) answers at dlt645 address 000000000002 at 127.0.0.1:$DLT645, where the registry puts meter 000000000002 (customer 100000000009)"
  fi
  local before
  before=$(relays)
  [[ $before == "closed/0 closed/0 closed/0 " ]] || fail "the meters' relays before: $before"
  expect_status 1 ctl meter relay 000000000002 trip --reason "arrears"
  contains "$ERR" "nothing sent: $want" "the refused relay command"
  contains "$ERR" "correct that registry line (registry.path)" "the refused relay command"
  [[ $(relays) == "$before" ]] || fail "a relay changed although nothing was to be sent: $(relays)"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where action = 'identity_mismatch'
        and target = '000000000002' and reason = 'arrears' and detail like 'relay_trip other_%'") == 1 ]] ||
    fail "the refusal is not in the audit log: $(sqlite3 "$SITE/ledger.db" 'select * from audit')"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where action like 'relay_%'") == 0 ]] ||
    fail "a relay command was audited as sent"
  printf '%s\n' "$good" >"$SITE/meters.csv" # the line corrected
  expect_status 0 ctl meter relay 000000000002 trip --reason "arrears"
  [[ $(relays) == "closed/0 open/1 closed/0 " ]] || fail "the meters' relays after the trip: $(relays)"
}

case_meter_scan() {
  expect_status 0 ctl meter scan
  [[ $(grep -c '  ok  ' <<<"$OUT") == 3 ]] || fail "scan: $OUT"
  contains "$OUT" "3 meters: 3 answered, 0 did not" "scan summary"
  control "offline 000000000002"
  expect_status 1 ctl --set gateway.retries=0 meter scan
  contains "$OUT" "000000000002  no answer" "scan with an offline meter"
  contains "$OUT" "3 meters: 2 answered, 1 did not" "scan summary"
}

start_sim
"case_$CASE"
finish
