# Shared by the command-line tests that need the reference back office: it
# runs on loopback with plain HTTP and the test hooks, the kiosk (K1) points
# at it. Source after lib.sh.

bo() { "$BO" --config "$SITE/bo.ini" "$@"; }

# The back office's database: $SITE/bo.db (SQLite), or with BO_TEST_PG (the
# test PostgreSQL server's state file, docs/storage.md) a database of its
# own made on that server, dropped when the test ends (bo_db_drop).
bo_db_make() {
  if [[ -z ${BO_TEST_PG:-} ]]; then
    BO_DB=$SITE/bo.db
    export BO_DB
    return
  fi
  BO_PG_SOCK=$(cat "$BO_TEST_PG") && BO_PG_NAME=t_$(basename "$SITE" | tr -c 'a-zA-Z0-9\n' _ | tr A-Z a-z) ||
    fail "the test PostgreSQL server"
  psql -h "$BO_PG_SOCK" -U postgres -X -q -c "CREATE DATABASE $BO_PG_NAME" postgres >/dev/null ||
    fail "making database $BO_PG_NAME"
  BO_DB="postgresql:///$BO_PG_NAME?host=$BO_PG_SOCK&user=postgres"
  export BO_PG_SOCK BO_PG_NAME
}

bo_db_drop() {
  [[ -n ${BO_PG_NAME:-} ]] || return 0
  psql -h "$BO_PG_SOCK" -U postgres -X -q -c "DROP DATABASE IF EXISTS $BO_PG_NAME WITH (FORCE)" postgres \
    >/dev/null 2>&1 || true
}

# bo_sql SQL: a statement on the back office's database, its rows as
# sqlite3 prints them (columns split by |); exported for `bash -c` checks.
bo_sql() {
  if [[ -n ${BO_PG_NAME:-} ]]; then
    psql -h "$BO_PG_SOCK" -U postgres -X -q -t -A -c "$1" "$BO_PG_NAME"
  else
    sqlite3 "${BO_DB:-$SITE/bo.db}" "$1"
  fi
}
export -f bo_sql

# make_cas NAME...: self-signed EC P-256 CAs, $SITE/NAME.pem and NAME.key.
make_cas() {
  local ca
  for ca in "$@"; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$SITE/$ca.key" \
      -out "$SITE/$ca.pem" -days 2 -subj "/CN=$ca" 2>/dev/null || fail "making $ca"
  done
}

# make_leaf NAME CA server|client CN: $SITE/NAME.pem for CN signed by CA (a
# server's for 127.0.0.1, or a kiosk's client certificate), its key NAME.key.
make_leaf() {
  if [[ $3 == server ]]; then
    printf 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$SITE/$1.ext"
  else
    printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' >"$SITE/$1.ext"
  fi
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$SITE/$1.key" -out "$SITE/$1.csr" \
    -subj "/CN=$4" 2>/dev/null &&
    openssl x509 -req -in "$SITE/$1.csr" -CA "$SITE/$2.pem" -CAkey "$SITE/$2.key" -CAcreateserial \
      -out "$SITE/$1.pem" -days 2 -extfile "$SITE/$1.ext" 2>/dev/null || fail "making $1's certificate"
  chmod 600 "$SITE"/*.key
}

# bo_meters N...: meters 00000000000N (customer 10000000000N) registered on
# the back office's one site, S1: a kiosk acts only for its site's meters.
bo_meters() {
  local m
  for m in "$@"; do
    bo customer add "10000000000$m" "Customer $m" && bo meter add "00000000000$m" --customer "10000000000$m" \
      --protocol dlt645 --gateway 127.0.0.1:8899 || return 1
  done >/dev/null
}

# bo_sim_meters FROM TO: metersim's meters FROM..TO (%012d, customer 1%011d)
# registered on the back office's one site.
bo_sim_meters() {
  local i
  for i in $(seq "$1" "$2"); do
    bo customer add "1$(printf '%011d' "$i")" "Customer $i" >/dev/null &&
      bo meter add "$(printf '%012d' "$i")" --customer "1$(printf '%011d' "$i")" --protocol dlt645 \
        --gateway 127.0.0.1:8899 >/dev/null || fail "registering meter $i"
  done
}

# upload_key: the kiosk's upload key (its keys made if missing), as
# `kioskctl identity --json` prints it.
upload_key() {
  ctl identity --json | sed -n 's/.*"upload_key":[[:space:]]*"\([^"]*\)".*/\1/p'
}

# bo_loopback [EXTRA_BO_INI [EXTRA_SYNC_LINES]]: the back office on loopback
# (plain HTTP, the simulated QR provider, the test hooks), K1 added by hand
# (no enrolment) with the kiosk's upload key and meters 1 to 3 on its site,
# serving; the kiosk pointed at it.
bo_loopback() {
  bo_db_make
  cat >"$SITE/bo.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
database = $BO_DB
plain_http = true
[signing]
key = $SITE/signing.key
[qr]
simulate = true
[test]
hooks = true
${1:-}
INI
  local key
  key=$(upload_key) && [[ -n $key ]] || { fail "the kiosk's upload key"; finish; }
  { bo keygen && bo site add S1 "Market hall" && bo kiosk add K1 --site S1 --by-hand --upload-key "$key" &&
    bo_meters 1 2 3; } >/dev/null || { fail "setting up the back office"; finish; }
  serve_bo
  printf '[site]\nkiosk_id = K1\n[sync]\nurl = http://127.0.0.1:%s\ntimeout_ms = 3000\n%s' "$PORT" "${2:-}" \
    >>"$SITE/kiosk.ini"
}

# setup_bo [EXTRA_BO_INI]: a site, and the back office on loopback serving it.
setup_bo() {
  make_site
  trap 'kill $BO_PID 2>/dev/null; wait $BO_PID 2>/dev/null; bo_db_drop; rm -rf "$SITE"' EXIT
  bo_loopback "${1:-}"
}

serve_bo() { # the back office on the port it had (any free port the first time)
  : >"$SITE/bo.port" # emptied now: a restart must not read the port its last start wrote
  "$BO" --config "$SITE/bo.ini" --set "server.port=${PORT:-0}" serve >"$SITE/bo.port" 2>>"$SITE/bo.log" &
  BO_PID=$!
  # it starts in a tenth of a second; give a loaded machine its time
  for _ in $(seq 400); do [[ -s $SITE/bo.port ]] || ! kill -0 "$BO_PID" 2>/dev/null && break; sleep 0.05; done
  PORT=$(grep -o '[0-9]*' "$SITE/bo.port" | head -1)
  [[ -n $PORT ]] || {
    fail "the back office did not start in 20 s ($(kill -0 "$BO_PID" 2>/dev/null && echo "still starting" || echo "it ended")): $(cat "$SITE/bo.log")"
    finish
  }
}

stop_bo() { kill "$BO_PID"; wait "$BO_PID" 2>/dev/null; }

# bo_post PATH [JSON]: a POST to the back office (a JSON body); prints the status.
bo_post() {
  curl -s -o "$SITE/bo.answer" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "${2:-}" \
    "http://127.0.0.1:$PORT$1"
}

fault() { # fault JSON: arms a test fault in the back office
  [[ $(bo_post /v1/test/fault "$1") == 200 ]] || fail "the back office did not take the fault $1"
}


# bo_bills "(ID, 'ACCOUNT', 'SITE', 'FROM', 'TO', OWN, ARREARS, PAID, 'STATE')"...: bills written
# as they stand (CNY, no energy, no charges), for the kiosk's side of paying them.
bo_bills() {
  local rows="" r
  for r in "$@"; do
    rows+="${rows:+,}$(sed -E "s/^\((.*), ([0-9]+), ([0-9]+), ([0-9]+), ('[a-z]+')\)$/(\1, 'CNY', 0, 0, 0, 0, 0, \2, 0, \2, \3, \2 + \3, \4, \5, 0)/" <<<"$r")"
  done
  bo_sql "INSERT INTO bill(id, account, site, period_from, period_to, currency, energy, sharp, peak, flat, valley,
    amount, charges, own, arrears, total, paid, state, drafted_at) VALUES $rows;"
}
json() { sqlite3 :memory: "select json_extract('$1', '$2')"; } # json TEXT PATH

# start_worker / stop_worker: the kiosk's `kioskctl worker`, its output in
# worker.log, $WORKER_PID.
start_worker() {
  "$CTL" --config "$SITE/kiosk.ini" worker --interval 200 >>"$SITE/worker.log" 2>&1 &
  WORKER_PID=$!
}
stop_worker() { [[ -z ${WORKER_PID:-} ]] || { kill "$WORKER_PID" 2>/dev/null; wait "$WORKER_PID" 2>/dev/null; }; }
kiosk_sql() { sqlite3 "$SITE/ledger.db" "$1"; }
