# Shared by the touchscreen's end-to-end tests and the resident's benchmark
# (bench/resident_bench.sh): the simulated site, each simulator in its own
# process on its real protocol (metersim, cashsim, paysim, printsim; cardsim
# in pcscd's virtual readers; the reference back office for QR codes), the
# kiosk's configuration for it, and the simulators' control ports. Source
# after tests/cli/lib.sh and tests/cli/bo_lib.sh, with METERSIM, CASHSIM,
# PAYSIM, PRINTSIM (and CARDSIM, BO) set.

wait_ports() { # wait_ports FILE LOG
  for _ in $(seq 100); do [[ -s "$1" ]] && return 0; sleep 0.05; done
  fail "a simulator did not start: $(cat "$2")"
  finish
}

port() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

start_site() {
  printf '000102030405060708090a0b0c0d0e0f\n' >"$SITE/master.key" && chmod 600 "$SITE/master.key"
  "$METERSIM" --state "$SITE/meters.json" --meters 3 --ports-file "$SITE/meter.ports" --master-key "$SITE/master.key" \
    --baud 9600 --speed 0 2>"$SITE/metersim.log" &
  local m=$!
  "$CASHSIM" --link "$SITE/bv" --state "$SITE/cash.json" --ports-file "$SITE/cash.ports" 2>"$SITE/cashsim.log" &
  local c=$!
  "$PAYSIM" --port 0 --state "$SITE/pay.json" --ports-file "$SITE/pay.ports" 2>"$SITE/paysim.log" &
  local p=$!
  "$PRINTSIM" --out "$SITE/paper" --tcp 0 --ports-file "$SITE/print.ports" 2>"$SITE/printsim.log" &
  local r=$!
  PIDS="$m $c $p $r"
  trap 'kill $PIDS 2>/dev/null; wait $PIDS 2>/dev/null; rm -rf "$SITE"' EXIT
  wait_ports "$SITE/meter.ports" "$SITE/metersim.log"
  wait_ports "$SITE/cash.ports" "$SITE/cashsim.log"
  wait_ports "$SITE/pay.ports" "$SITE/paysim.log"
  wait_ports "$SITE/print.ports" "$SITE/printsim.log"
  METERS=$(port "$SITE/meter.ports" control) CASH=$(port "$SITE/cash.ports" control)
  PAY=$(port "$SITE/pay.ports" control) PRINTER=$(port "$SITE/print.ports" control)
  local dlt=$(port "$SITE/meter.ports" dlt645)
  printf 'meter,customer,protocol,gateway\n' >"$SITE/meters.csv"
  for i in 1 2 3; do printf '00000000000%d,10000000000%d,dlt645,127.0.0.1:%s\n' $i $i "$dlt" >>"$SITE/meters.csv"; done
  cat >"$SITE/kiosk.ini" <<INI
[ledger]
path = $SITE/ledger.db
[gateway]
master_key_file = $SITE/master.key
timeout_ms = 300
retries = 0
[registry]
path = $SITE/meters.csv
[cash]
protocol = cctalk
device = $SITE/bv
[payterm]
protocol = zvt
address = 127.0.0.1:$(port "$SITE/pay.ports" zvt)
timeout_ms = 5000
[delivery]
attempts = 1
retry_base_ms = 1000
[printer]
protocol = escpos
transport = tcp
address = 127.0.0.1:$(port "$SITE/print.ports" printer)
[log]
level = info
INI
}

control() { # control PORT LINE: sets $REPLY
  exec 3<>"/dev/tcp/127.0.0.1/$1"; printf '%s\n' "$2" >&3; IFS= read -r REPLY <&3; exec 3>&-
  [[ $REPLY == ok* ]] || fail "simulator refused '$2': $REPLY"
}

# Meter cards: cardsim in pcscd's virtual readers, run from the site's folder
# (the script names card images relative to it).
start_cards() {
  ( cd "$SITE" && exec "$CARDSIM" --vpcd 127.0.0.1:35963 --sam 127.0.0.1:35964 --master-key "$SITE/master.key" \
      --ports-file "$SITE/card.ports" 2>"$SITE/cardsim.log" ) &
  PIDS="$PIDS $!"
  wait_ports "$SITE/card.ports" "$SITE/cardsim.log"
  CARDS=$(port "$SITE/card.ports" control)
  printf '[card]\nprotocol = pcsc\nreader = Virtual PCD 00 00\nkeys = sam\nsam_reader = Virtual PCD 00 01\n' \
    >>"$SITE/kiosk.ini"
}

# The card goes into the reader until kioskctl sees it (vpcd drops a card
# that connects in the moment after the last one left).
card_into_reader() {
  for _ in $(seq 20); do
    exec 3<>"/dev/tcp/127.0.0.1/$CARDS"; printf 'remove\ninsert %s\n' "$1" >&3; read -r _ <&3; read -r _ <&3
    exec 3>&-
    sleep 0.6
    "$CTL" --config "$SITE/kiosk.ini" card read >/dev/null 2>"$SITE/seen" || [[ $(cat "$SITE/seen") != *"no meter card"* ]] &&
      return 0
  done
  fail "the reader never saw $1: $(cat "$SITE/seen")"
  finish
}

# The reference back office on loopback (plain HTTP, the simulated QR
# provider); the kiosk K1 takes QR payments through it.
start_bo() {
  bo_loopback "" $'qr = true\nqr_ttl_s = 60\n'
  PIDS="$PIDS $BO_PID"
}
