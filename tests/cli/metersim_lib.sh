# Shared by the command-line tests that run metersim's DL/T 645 meters
# behind kioskctl. Source after lib.sh; set SIM to metersim.

# start_metersim N TIMEOUT_MS [GATEWAY_LINES]: metersim with N meters
# (000000000001...) at SIM_BAUD (9600) baud, the kiosk's config ($SITE/kiosk.ini:
# ledger, gateway with TIMEOUT_MS and GATEWAY_LINES, registry) naming
# them; sets SIM_PID, DLT645, MODBUS and CONTROL. SIM_LOG_LEVEL: metersim's;
# SIM_MODBUS: the numbers of the meters the kiosk reaches over Modbus
# (modbus-prepaid, which has refunds), the others over DL/T 645.
start_metersim() {
  printf '000102030405060708090a0b0c0d0e0f\n' >"$SITE/master.key" && chmod 600 "$SITE/master.key"
  "$SIM" --state "$SITE/state.json" --meters "$1" --ports-file "$SITE/ports" --master-key "$SITE/master.key" \
    --baud "${SIM_BAUD:-9600}" --speed 0 ${SIM_LOG_LEVEL:+--log-level "$SIM_LOG_LEVEL"} 2>"$SITE/metersim.log" &
  SIM_PID=$!
  for _ in $(seq 100); do [[ -s "$SITE/ports" ]] && break; sleep 0.05; done
  DLT645=$(awk '$1 == "dlt645" { print $2 }' "$SITE/ports") CONTROL=$(awk '$1 == "control" { print $2 }' "$SITE/ports")
  MODBUS=$(awk '$1 == "modbus" { print $2 }' "$SITE/ports")
  [[ -n ${CONTROL:-} ]] || { fail "metersim did not start: $(cat "$SITE/metersim.log")"; finish; }
  { echo "meter,customer,protocol,gateway"
    for i in $(seq "$1"); do
      if [[ " ${SIM_MODBUS:-} " == *" $i "* ]]; then
        printf '%012d,1%011d,modbus,127.0.0.1:%s/%d\n' "$i" "$i" "$MODBUS" "$i"
      else
        printf '%012d,1%011d,dlt645,127.0.0.1:%s\n' "$i" "$i" "$DLT645"
      fi
    done; } >"$SITE/meters.csv"
  cat >"$SITE/kiosk.ini" <<INI
[ledger]
path = $SITE/ledger.db
[gateway]
protocol = dlt645
master_key_file = $SITE/master.key
timeout_ms = $2
${3:-}
[registry]
path = $SITE/meters.csv
INI
}

control() { # control COMMAND: one line to metersim, sets $REPLY
  exec 3<>"/dev/tcp/127.0.0.1/$CONTROL"
  printf '%s\n' "$1" >&3
  IFS= read -r REPLY <&3
  exec 3>&-
  [[ $REPLY == ok* ]] || fail "metersim refused '$1': $REPLY"
}
