#!/usr/bin/env bash
# kioskctl sync against the reference back office on loopback (plain HTTP,
# test hooks on): the outbox uploaded and each sale stored once, through a
# replay, a 500, an answer lost after the back office committed, a dropped
# connection and a back office that is down; sync status; a factory reset's
# new ledger uploaded whole; the round going on after a refused upload;
# plain HTTP only to loopback hosts.
# Usage: sync_test.sh CASE KIOSKCTL BACKOFFICE
CASE=$1 CTL=$2 BO=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"

json_of() { sqlite3 :memory: "select json_extract('$OUT', '\$.$1')"; }
unsent() { sqlite3 "$SITE/ledger.db" "select count(*) from outbox where sent_at is null"; }
stored() { bo_sql "select count(*) from sale"; }

sales() {
  ctl sale --meter 000000000001 --amount 5000 --pay counter >/dev/null || fail "sale"
  ctl sale --meter 000000000002 --amount 2500 --pay counter >/dev/null || fail "sale"
}

case_upload_and_replay() {
  setup_bo
  expect_status 0 ctl sync status
  contains "$OUT" '"outbox_depth":	0' "sync status before any sale"
  sales
  local rows
  rows=$(unsent)
  (( rows > 4 )) || fail "the two sales left only $rows outbox rows"
  expect_status 0 ctl sync now
  contains "$OUT" "uploaded $rows rows in 1 batches: $rows accepted" "sync now"
  [[ $(unsent) == 0 ]] || fail "rows left unsent after a good upload"
  [[ $(stored) == 2 ]] || fail "the back office holds $(stored) sales, not 2"
  bo report sales --by method --csv >"$SITE/report" || fail "report"
  contains "$(cat "$SITE/report")" "counter,CNY,2,7500" "the back office's report"
  expect_status 0 ctl sync status
  contains "$OUT" '"outbox_depth":	0' "sync status"
  contains "$OUT" '"last_contact"' "sync status"
  # the same rows again (as after an answer the kiosk lost): the first answers, stored once
  sqlite3 "$SITE/ledger.db" "update outbox set sent_at = null"
  expect_status 0 ctl --set sync.batch=3 sync now
  contains "$OUT" "uploaded $rows rows" "a replay"
  contains "$OUT" "$rows accepted" "a replay"
  [[ $(stored) == 2 ]] || fail "a replay stored the sales again"
}

case_failures() {
  setup_bo
  sales
  local rows
  rows=$(unsent)
  fault '{"path": "/v1/kiosks/K1/outbox", "times": 1, "status": 500}'
  expect_status 1 ctl sync now
  contains "$ERR" "answered 500" "an upload answered 500"
  [[ $(unsent) == "$rows" ]] || fail "a failed upload marked rows sent"
  expect_status 0 ctl sync status
  contains "$OUT" '"failures_in_a_row":	1' "sync status after a failure"
  fault '{"path": "/v1/kiosks/K1/outbox", "times": 1, "status": 500, "after": true}'
  expect_status 1 ctl sync now # the back office stored them, the answer was lost
  [[ $(unsent) == "$rows" ]] || fail "rows marked sent without an answer"
  fault '{"path": "/v1/kiosks/K1/outbox", "times": 1, "drop": true}'
  expect_status 1 ctl sync now
  contains "$ERR" "did not answer" "a dropped connection"
  stop_bo
  expect_status 1 ctl sync now
  contains "$ERR" "did not answer" "the back office down"
  ctl sale --meter 000000000001 --amount 1000 --pay counter >/dev/null || fail "a sale while the back office is down"
  serve_bo
  expect_status 0 ctl sync now
  [[ $(unsent) == 0 ]] || fail "the catch-up left rows"
  [[ $(stored) == 3 ]] || fail "after the catch-up the back office holds $(stored) sales, not 3"
  expect_status 0 ctl sync status
  contains "$OUT" '"failures_in_a_row":	0' "sync status after the catch-up"
}

# A factory reset keeps the kiosk's id and starts a new ledger, whose outbox
# seqs start at 1 again: the back office stores the new ledger's rows
# beside the old one's (none refused as seq_conflict), records the change
# in its audit, and its reports show the new sale.
case_new_ledger_after_reset() {
  setup_bo
  sales
  expect_status 0 ctl sync now
  local old new rows
  old=$(kiosk_sql "select id from ledger_identity")
  expect_status 0 ctl factory-reset --confirm
  contains "$OUT" "ledger deleted" "the factory reset"
  bo kiosk upload-key K1 "$(upload_key)" >/dev/null || fail "registering the kiosk's new upload key"
  ctl sale --meter 000000000001 --amount 1234 --pay counter >/dev/null || fail "a sale on the new ledger"
  new=$(kiosk_sql "select id from ledger_identity")
  rows=$(unsent)
  [[ -n $new && $new != "$old" ]] || fail "the reset did not start a new ledger ($old, $new)"
  [[ $(kiosk_sql "select min(seq) from outbox") == 1 ]] || fail "the new ledger's outbox does not start at 1"
  expect_status 0 ctl sync now
  contains "$OUT" "uploaded $rows rows in 1 batches: $rows accepted, 0 duplicate, 0 rejected" "sync now after the reset"
  [[ $(unsent) == 0 && $(stored) == 3 ]] || fail "after the reset: $(unsent) rows unsent, $(stored) sales stored"
  bo report sales --by method --csv >"$SITE/report" || fail "report"
  contains "$(cat "$SITE/report")" "counter,CNY,3,8734" "the back office's report"
  curl -s "http://127.0.0.1:$PORT/v1/admin/reports/sales?by=method" >"$SITE/report.json"
  contains "$(cat "$SITE/report.json")" '"amount":8734' "the admin API's report"
  [[ $(bo_sql "select count(*) from audit where action = 'kiosk.ledger_new' and target = 'K1'
         and detail like 'ledger $old %-> $new %'") == 1 ]] || fail "no kiosk.ledger_new in the back office's audit"
}

# An upload the back office refuses does not end the round: the heartbeat
# says the failure, the documents still come (a new blocked-cards list
# reaches a kiosk stuck on a batch), and sync now fails at the end. After a
# clean round the heartbeat's last_error is empty again; it says no paper
# state, having no printer to ask.
case_round_after_failed_upload() {
  setup_bo
  printf 'pubkey = %s\n' "$(bo pubkey | grep -o '[A-Za-z0-9+/=]\{44\}' | head -1)" >>"$SITE/kiosk.ini"
  bo card block 0011223344556677 --reason "reported lost" >/dev/null || fail "card block"
  sales
  fault '{"path": "/v1/kiosks/K1/outbox", "times": 1, "status": 500}'
  expect_status 1 ctl sync now
  contains "$ERR" "answered 500" "sync now with the upload refused"
  contains "$OUT" "documents: " "sync now with the upload refused"
  contains "$(kiosk_sql "select body from document where kind = 'blocked-cards'")" "reported lost" \
    "the blocked cards after a failed upload"
  contains "$(bo_sql "select last_error from kiosk_health where kiosk = 'K1'")" "answered 500" "the heartbeat"
  [[ $(bo_sql "select json_type(report, '\$.paper') from kiosk_health where kiosk = 'K1'") == "" ]] ||
    fail "the heartbeat says paper '$(bo_sql "select json_extract(report, '\$.paper') from kiosk_health")'"
  expect_status 0 ctl sync now
  [[ $(unsent) == 0 && $(bo_sql "select last_error from kiosk_health where kiosk = 'K1'") == "" ]] ||
    fail "after a clean round: $(unsent) rows unsent, last_error '$(bo_sql "select last_error from kiosk_health")'"
}

# kioskctl worker does the rounds itself: the outbox goes up within a
# heartbeat period, the heartbeat reaches the back office, and after an
# outage the worker backs off and catches up; SIGTERM stops it cleanly.
case_worker() {
  setup_bo
  printf 'heartbeat_s = 5\nretry_base_ms = 200\nretry_max_ms = 1000\n' >>"$SITE/kiosk.ini"
  "$CTL" --config "$SITE/kiosk.ini" worker --interval 100 >"$SITE/worker.out" 2>&1 &
  local worker=$!
  for _ in $(seq 100); do grep -q "^recovery:" "$SITE/worker.out" && break; sleep 0.05; done # its start is over
  sales
  for _ in $(seq 150); do [[ $(stored) == 2 && $(unsent) == 0 ]] && break; sleep 0.1; done
  [[ $(stored) == 2 && $(unsent) == 0 ]] || fail "the worker did not upload the sales: $(cat "$SITE/worker.out")"
  [[ $(bo_sql "select count(*) from kiosk_health where kiosk = 'K1'") -ge 1 ]] ||
    fail "no heartbeat reached the back office"
  stop_bo
  ctl sale --meter 000000000001 --amount 1000 --pay counter >/dev/null || fail "a sale during the outage"
  sleep 6 # a round falls in the outage
  [[ $(unsent) != 0 ]] || fail "rows marked sent while the back office was down"
  serve_bo
  for _ in $(seq 100); do [[ $(stored) == 3 && $(unsent) == 0 ]] && break; sleep 0.1; done
  [[ $(stored) == 3 ]] || fail "the worker did not catch up: $(tail -5 "$SITE/worker.out")"
  contains "$(cat "$SITE/worker.out")" "again in" "the worker's backoff"
  kill -TERM "$worker"
  wait "$worker" || fail "the worker did not stop cleanly on SIGTERM"
}

# The link's worker beside the touchscreen (--sync-only) uploads, and never
# opens the bill acceptor, the card terminal or the card reader: they are
# the touchscreen's, and a second program talking on their lines would
# garble its dialogue.
case_worker_leaves_devices() {
  setup_bo
  sales
  printf '[cash]\nprotocol = cctalk\ndevice = %s/bill-acceptor\n[payterm]\nprotocol = zvt\naddress = 127.0.0.1:9\n' \
    "$SITE" >>"$SITE/kiosk.ini"
  "$CTL" --config "$SITE/kiosk.ini" worker --sync-only --interval 100 >"$SITE/worker.out" 2>&1 &
  local worker=$!
  for _ in $(seq 100); do [[ $(stored) == 2 && $(unsent) == 0 ]] && break; sleep 0.1; done
  kill -TERM "$worker"
  wait "$worker" || fail "the worker did not stop cleanly"
  [[ $(stored) == 2 ]] || fail "the worker did not upload the sales: $(cat "$SITE/worker.out")"
  ! grep -Eq "bill acceptor|card terminal|card reader" "$SITE/worker.out" ||
    fail "the sync-only worker went for the touchscreen's devices: $(cat "$SITE/worker.out")"
}

# The back office's count service keeps two kiosks apart: while K2 holds
# meter 1's next count, K1's sale to it waits (the money safe, nothing
# sent); once K2 gives it back, the retry delivers. K1's own sales follow
# each other (a delivered sale gives its count back).
case_counts() {
  setup_bo
  bo kiosk add K2 --site S1 --by-hand >/dev/null || fail "kiosk K2"
  ctl sale --meter 000000000002 --amount 1000 --pay counter >/dev/null || fail "sale"
  expect_status 0 ctl sale --meter 000000000002 --amount 1000 --pay counter
  [[ $(json_of state) == delivered ]] || fail "K1's second sale to one meter: $OUT"
  [[ $(bo_post /v1/kiosks/K2/counts/reserve '{"meter": "000000000001", "txn": "00000000-0000-4000-8000-000000000099", "seen": 0}') == 200 ]] ||
    fail "K2 could not reserve: $(cat "$SITE/bo.answer")"
  expect_status 1 ctl sale --meter 000000000001 --amount 5000 --pay counter # not delivered (yet)
  [[ $(json_of state) == delivery_pending ]] || fail "K1 sent while K2 held the count: $OUT"
  contains "$(json_of reason)" "K2" "the waiting sale's reason"
  [[ ! -s "$SITE/journal" ]] || ! grep -q "credit 000000000001" "$SITE/journal" || fail "a credit reached meter 1"
  [[ $(bo_post /v1/kiosks/K2/counts/release '{"meter": "000000000001", "txn": "00000000-0000-4000-8000-000000000099", "applied": false}') == 200 ]] ||
    fail "K2 could not release: $(cat "$SITE/bo.answer")"
  sleep 0.3
  expect_status 0 ctl retry
  [[ $(kiosk_sql "select state from txn where meter = '000000000001'") == delivered ]] ||
    fail "the retry did not deliver after K2 gave the count back"
  grep -q "credit 000000000001 1 5000" "$SITE/journal" || fail "meter 1's journal: $(cat "$SITE/journal")"
}

# A lease ends by time (docs/sync.md, "Purchase counts"): K1's sale whose
# credit was lost on the way twice waits, holding count 1; its lease ends
# and K2's sale takes count 1. K1's retry renews its count before sending
# again, learns the count moved, and parks the sale: nothing is sent (the
# meter's journal is the witness), a person decides.
case_lease_outlived() {
  setup_bo $'[counts]\nlease_seconds = 5'
  bo kiosk add K2 --site S1 --by-hand >/dev/null || fail "kiosk K2"
  printf 'drop 2\n' >"$SITE/faults"
  expect_status 1 ctl sale --meter 000000000001 --amount 5000 --pay counter
  [[ $(json_of state) == delivery_pending ]] || fail "the sale whose credit was lost: $OUT"
  [[ $(kiosk_sql "select purchase_count from txn where meter = '000000000001'") == 1 ]] || fail "no count held"
  [[ $(bo_post /v1/test/clock '{"advance_ms": 60000}') == 200 ]] || fail "moving the back office's clock"
  [[ $(bo_post /v1/kiosks/K2/counts/reserve '{"meter": "000000000001", "txn": "00000000-0000-4000-8000-000000000099", "seen": 0}') == 200 ]] ||
    fail "K2 could not take the ended lease: $(cat "$SITE/bo.answer")"
  contains "$(cat "$SITE/bo.answer")" '"count":1' "K2's count"
  sleep 0.3
  expect_status 0 ctl retry
  contains "$OUT" "0 delivered" "the retry"
  [[ $(kiosk_sql "select state from txn where meter = '000000000001'") == needs_reconciliation ]] ||
    fail "K1's sale is $(kiosk_sql "select state from txn where meter = '000000000001'"), not parked"
  contains "$(kiosk_sql "select reason from txn where meter = '000000000001'")" "went to another sale" "the park's reason"
  [[ ! -s "$SITE/journal" ]] || ! grep -q "credit 000000000001" "$SITE/journal" ||
    fail "K1 sent the count K2 holds: $(cat "$SITE/journal")"
}

# Certificates as the tests make them: a CA for the back office's server
# certificate, a CA for kiosks and K1's certificate, and a stranger's CA.
make_certs() {
  make_cas server-ca kiosk-ca rogue-ca
  make_leaf server server-ca server localhost
  make_leaf K1 kiosk-ca client K1
}

# The link over HTTPS with mutual TLS, as in the field: the kiosk pins the
# back office's CA and shows its own certificate; a kiosk pinning another
# CA does not talk to it, and marks nothing sent.
case_https() {
  make_site
  make_certs
  bo_db_make
  cat >"$SITE/bo.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
database = $BO_DB
[tls]
cert = $SITE/server.pem
key = $SITE/server.key
client_ca = $SITE/kiosk-ca.pem
[signing]
key = $SITE/signing.key
INI
  { bo keygen && bo site add S1 "Market hall" && bo kiosk add K1 --site S1 --by-hand --upload-key "$(upload_key)" &&
    bo_meters 1 2; } >/dev/null || { fail "setting up the back office"; finish; }
  trap 'kill $BO_PID 2>/dev/null; wait $BO_PID 2>/dev/null; bo_db_drop; rm -rf "$SITE"' EXIT
  serve_bo
  cat >>"$SITE/kiosk.ini" <<INI
[site]
kiosk_id = K1
[sync]
url = https://127.0.0.1:$PORT
ca_file = $SITE/server-ca.pem
cert_file = $SITE/K1.pem
key_file = $SITE/K1.key
timeout_ms = 3000
INI
  sales
  expect_status 1 ctl --set "sync.ca_file=$SITE/rogue-ca.pem" sync now
  contains "$ERR" "did not answer" "a kiosk pinning another CA"
  [[ $(unsent) != 0 && $(stored) == 0 ]] || fail "rows went or were marked sent without a trusted link"
  expect_status 1 ctl --set "sync.cert_file=$SITE/server.pem" --set "sync.key_file=$SITE/server.key" sync now
  [[ $(stored) == 0 ]] || fail "the back office took rows from a certificate that is not a kiosk's"
  expect_status 0 ctl sync now
  [[ $(unsent) == 0 && $(stored) == 2 ]] || fail "over mutual TLS: $(unsent) rows unsent, $(stored) sales stored"
}

case_bad_config() {
  make_site
  expect_status 2 ctl worker --sync-only
  contains "$ERR" "needs a back office" "worker --sync-only without one"
  expect_status 2 ctl sync now
  contains "$ERR" "sync.url is empty" "no back office"
  expect_status 2 ctl --set sync.url=http://192.0.2.1:80 sync now
  contains "$ERR" "plain HTTP only on loopback" "plain HTTP off loopback"
  local url # hosts that only look like loopback: user info, a longer name
  for url in http://127.0.0.1@192.0.2.1:80 http://localhost.example:80 http://127.0.0.1.example:80; do
    expect_status 2 ctl --set "sync.url=$url" sync now
    contains "$ERR" "plain HTTP only on loopback" "sync.url $url"
    expect_status 2 ctl enrol --code MZXW-6YTB-OIQC-A4DE --url "$url"
    contains "$ERR" "plain HTTP only on loopback" "enrol --url $url"
  done
  for url in http://127.0.0.2:9 'http://[::1]:9' http://LOCALHOST:9; do # loopback: taken, nothing answers
    expect_status 1 ctl --set "sync.url=$url" sync now
    contains "$ERR" "did not answer" "sync.url $url"
  done
  expect_status 2 ctl --set sync.url=https://bo.example:8443 sync now
  contains "$ERR" "sync.ca_file" "HTTPS without certificates"
}

"case_$CASE"
finish
