# cashsim for a test script: started on the site, the kiosk configured to
# take its notes. Needs lib.sh sourced first and $CASHSIM set.

wait_ports() { # wait_ports FILE LOG: until FILE is written, or fail
  for _ in $(seq 100); do [[ -s "$1" ]] && return 0; sleep 0.05; done
  fail "a simulator did not start: $(cat "$2")"
  finish
}

control() { # control PORT COMMAND: one line to a simulator, sets $REPLY
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf '%s\n' "$2" >&3
  IFS= read -r REPLY <&3
  exec 3>&-
  [[ $REPLY == ok* ]] || fail "simulator refused '$2': $REPLY"
}

start_cashsim() { # cashsim on $SITE/cash; its control port in $CASH_CONTROL
  mkdir "$SITE/cash"
  "$CASHSIM" --link "$SITE/cash/bv" --state "$SITE/cash/state.json" --ports-file "$SITE/cash/ports" \
    2>"$SITE/cash/log" &
  CASH_PID=$!
  wait_ports "$SITE/cash/ports" "$SITE/cash/log"
  CASH_CONTROL=$(awk '$1 == "control" { print $2 }' "$SITE/cash/ports")
}

acceptor_enabled() { # until the kiosk lets the acceptor take notes, or fail naming $1 (a file of stderr)
  for _ in $(seq 100); do
    control "$CASH_CONTROL" state
    [[ $(sqlite3 :memory: "select json_extract('${REPLY#ok }', '\$.accepting')") == 1 &&
       $(sqlite3 :memory: "select json_extract('${REPLY#ok }', '\$.inhibit_mask')") != 0 ]] && return 0
    sleep 0.05
  done
  fail "the bill acceptor was never enabled: $(cat "$1")"
}

insert() { # insert BILLID: a resident's note, taken before the next
  control "$CASH_CONTROL" "insert $1"
  sleep 0.5
}

bg_done() { # bg_done PID STATUS WHAT: waits for a background kioskctl; its status must be STATUS; sets OUT, ERR
  wait "$1"
  local got=$?
  OUT=$(cat "$SITE/out") ERR=$(cat "$SITE/err")
  [[ $got == "$2" ]] || fail "the $3 exited $got, expected $2; stderr: $ERR"
}
