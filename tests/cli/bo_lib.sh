# Shared by the command-line tests that need the reference back office: it
# runs on loopback with plain HTTP and the test hooks, the kiosk (K1) points
# at it. Source after lib.sh.

bo() { "$BO" --config "$SITE/bo.ini" "$@"; }

# setup_bo [EXTRA_BO_INI]: a site, a back office with K1 enrolled, serving.
setup_bo() {
  make_site
  cat >"$SITE/bo.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
database = $SITE/bo.db
plain_http = true
[signing]
key = $SITE/signing.key
[qr]
simulate = true
[test]
hooks = true
${1:-}
INI
  { bo keygen && bo site add S1 "Market hall" && bo kiosk add K1 --site S1 --by-hand; } >/dev/null ||
    { fail "setting up the back office"; finish; }
  trap 'kill $BO_PID 2>/dev/null; wait $BO_PID 2>/dev/null; rm -rf "$SITE"' EXIT
  serve_bo
  printf '[site]\nkiosk_id = K1\n[sync]\nurl = http://127.0.0.1:%s\ntimeout_ms = 3000\n' "$PORT" >>"$SITE/kiosk.ini"
}

serve_bo() { # the back office on the port it had (any free port the first time)
  "$BO" --config "$SITE/bo.ini" --set "server.port=${PORT:-0}" serve >"$SITE/bo.port" 2>>"$SITE/bo.log" &
  BO_PID=$!
  for _ in $(seq 100); do [[ -s $SITE/bo.port ]] && break; sleep 0.05; done
  PORT=$(grep -o '[0-9]*' "$SITE/bo.port" | head -1)
  [[ -n $PORT ]] || { fail "the back office did not start: $(cat "$SITE/bo.log")"; finish; }
}

stop_bo() { kill "$BO_PID"; wait "$BO_PID" 2>/dev/null; }

# bo_post PATH [JSON]: a POST to the back office; prints the status.
bo_post() {
  curl -s -o "$SITE/bo.answer" -w '%{http_code}' -X POST -d "${2:-}" "http://127.0.0.1:$PORT$1"
}

fault() { # fault JSON: arms a test fault in the back office
  [[ $(bo_post /v1/test/fault "$1") == 200 ]] || fail "the back office did not take the fault $1"
}

bo_sql() { sqlite3 "$SITE/bo.db" "$1"; }
kiosk_sql() { sqlite3 "$SITE/ledger.db" "$1"; }
