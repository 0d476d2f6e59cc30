#!/usr/bin/env bash
# kioskctl sync against a back office written from the spec alone
# (tests/sync/stub_backoffice.py), answering as the protocol allows: a 413
# halves the batch until it fits (a row too large alone is parked); a 400
# splits it until the unreadable row is found and parked, unless the back
# office refuses an empty upload too; an answer for only some rows, an HTML
# page or a cut body mark nothing they do not name and fail the command;
# the heartbeat follows the schema and says the last error only while it
# stands.
# Usage: sync_spec_test.sh CASE KIOSKCTL STUB
CASE=$1 CTL=$2 STUB=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"

unsent() { kiosk_sql "select count(*) from outbox where sent_at is null"; }
parked() { kiosk_sql "select count(*) from alert where kind = 'sync_parked'"; }
# log QUERY: a query over the stub's requests, table req (path, status,
# seqs: a JSON array, problem: why the request broke the spec, heartbeat: its body).
log() {
  sqlite3 :memory: "with req as (select json_extract(value, '\$.path') as path, json_extract(value, '\$.status')
      as status, json_extract(value, '\$.seqs') as seqs, json_extract(value, '\$.problem') as problem,
      json_extract(value, '\$.heartbeat') as heartbeat
    from json_each('[' || rtrim(replace(cast(readfile('$SITE/stub.log') as text), char(10), ','), ',') || ']'))
    select $1"
}

# stub OPTIONS...: the stub serving; the kiosk (K1, its keys made) pointed at it, with sales to upload.
stub() {
  make_site
  trap 'kill $STUB_PID 2>/dev/null; wait $STUB_PID 2>/dev/null; rm -rf "$SITE"' EXIT
  python3 "$STUB" "$SITE/stub.port" "$SITE/stub.log" "$@" 2>"$SITE/stub.err" &
  STUB_PID=$!
  for _ in $(seq 100); do [[ -s $SITE/stub.port ]] && break; sleep 0.05; done
  [[ -s $SITE/stub.port ]] || { fail "the stub did not start: $(cat "$SITE/stub.err")"; finish; }
  printf '[site]\nkiosk_id = K1\n[sync]\nurl = http://127.0.0.1:%s\ntimeout_ms = 3000\n' "$(cat "$SITE/stub.port")" \
    >>"$SITE/kiosk.ini"
  [[ -n $(upload_key) ]] || fail "the kiosk's keys"
  local i
  for i in 1 2 3 4; do
    ctl sale --meter 000000000001 --amount $((1000 * i)) --pay counter >/dev/null || fail "sale $i"
  done
  : >"$SITE/stub.log"
  ROWS=$(unsent)
  (( ROWS >= 12 )) || fail "four sales left only $ROWS outbox rows"
}

no_spec_breach() {
  [[ $(log "count(*) from req") -gt 0 && $(log "count(*) from req where problem is not null") == 0 ]] ||
    fail "requests the spec does not allow: $(log "problem from req where problem is not null limit 3")"
}

# 413 for more than 3 rows: the batch halves until it fits (ROWS -> ROWS/2
# -> ... -> 3 or fewer), and that size is kept for the rest of the process:
# no 413 after it; everything accepted.
case_too_large_halves() {
  stub --max-rows 3
  local n=$ROWS halvings=0
  while (( n > 3 )); do n=$((n / 2)); halvings=$((halvings + 1)); done
  expect_status 0 ctl sync now
  contains "$OUT" "$ROWS accepted, 0 duplicate, 0 rejected, 0 parked" "sync now"
  [[ $(unsent) == 0 ]] || fail "$(unsent) rows left unsent"
  [[ $(log "count(*) from req where status = 413") == "$halvings" ]] ||
    fail "$(log "count(*) from req where status = 413") answers 413, not $halvings: the size that fits was not kept"
  [[ $(log "max(json_array_length(seqs)) from req where status = 200") == "$n" ]] ||
    fail "the batches taken: $(log "group_concat(json_array_length(seqs)) from req where status = 200"), not $n at most"
  no_spec_breach
}

# One row too large even alone: parked (marked, with a staff alert), the
# others uploaded, and it is not sent again.
case_single_row_too_large() {
  stub --too-large-seq 3
  expect_status 0 ctl sync now
  # the others, and the alert's own outbox row: staff in the back office see it too
  contains "$OUT" "uploaded $((ROWS + 1)) rows in 2 batches: $ROWS accepted, 0 duplicate, 0 rejected, 1 parked" \
    "sync now"
  [[ $(unsent) == 0 && $(parked) == 1 ]] || fail "$(unsent) rows unsent, $(parked) parked"
  contains "$(kiosk_sql "select evidence from alert where kind = 'sync_parked'")" "row 3 is no longer sent" "the alert"
  # the row was too large, not the batches: the rest went in large batches
  [[ $(log "max(json_array_length(seqs)) from req where status = 200") -ge $((ROWS / 2)) ]] ||
    fail "one large row made the batches small: $(log "group_concat(json_array_length(seqs)) from req where status = 200")"
  : >"$SITE/stub.log"
  ctl sale --meter 000000000002 --amount 500 --pay counter >/dev/null || fail "a sale"
  expect_status 0 ctl sync now
  [[ $(log "count(*) from req, json_each(req.seqs) where json_each.value = 3") == 0 ]] ||
    fail "the parked row was sent again"
  no_spec_breach
}

# 400 for any batch holding seq 5, an empty upload taken: row 5 found by
# splitting and parked with the back office's message; the rest goes on.
case_unreadable_row_parked() {
  stub --unreadable-seq 5
  expect_status 0 ctl sync now
  contains "$OUT" "uploaded $((ROWS + 1)) rows in 2 batches: $ROWS accepted, 0 duplicate, 0 rejected, 1 parked" \
    "sync now"
  [[ $(unsent) == 0 && $(parked) == 1 ]] || fail "$(unsent) rows unsent, $(parked) parked"
  contains "$(kiosk_sql "select evidence from alert where kind = 'sync_parked'")" "cannot read this row" "the alert"
  [[ $(kiosk_sql "select sent_at is not null from outbox where seq = 5") == 1 ]] || fail "row 5 is not marked"
  (( $(log "count(*) from req where path like '%/outbox'") <= 16 )) ||
    fail "$(log "count(*) from req where path like '%/outbox'") uploads to find one row"
  : >"$SITE/stub.log"
  expect_status 0 ctl sync now
  [[ $(log "count(*) from req where path like '%/outbox'") == 0 ]] || fail "a row was sent again"
  no_spec_breach
}

# A back office that refuses every upload, an empty one too: the request
# is at fault, not a row; nothing parked or marked, sync now fails saying so.
case_refused_request_parks_nothing() {
  stub --refuse-all
  expect_status 1 ctl sync now
  contains "$ERR" "refuses an empty upload too" "sync now"
  contains "$ERR" "nothing parked" "sync now"
  [[ $(unsent) == "$ROWS" && $(parked) == 0 ]] || fail "$(unsent) of $ROWS rows unsent, $(parked) parked"
}

# A 200 that answers only 2 rows: those are marked, the rest stay unsent,
# and sync now says how many got no answer and fails.
case_partial_answer() {
  stub --answer-only 2
  expect_status 1 ctl sync now
  contains "$ERR" "left $((ROWS - 2)) out" "sync now"
  contains "$OUT" "2 accepted" "sync now"
  contains "$OUT" "$((ROWS - 2)) without an answer" "sync now"
  [[ $(unsent) == $((ROWS - 2)) ]] || fail "$(unsent) rows unsent, not $((ROWS - 2))"
}

# An HTML page (a proxy's) with 200 or 502, and a JSON answer cut in half:
# "not JSON", its first bytes quoted without control characters; nothing marked.
case_not_json() {
  stub --html
  expect_status 1 ctl sync now
  contains "$ERR" "not JSON ('<html><body><h1>Bad gateway</h1>?? the upstream" "a 200 with an HTML page"
  [[ $(unsent) == "$ROWS" ]] || fail "rows marked from an HTML page"
  kill $STUB_PID; wait $STUB_PID 2>/dev/null
  python3 "$STUB" "$SITE/stub.port" "$SITE/stub.log" --html --html-status 502 &
  STUB_PID=$!
  sleep 0.5
  ctl --set "sync.url=http://127.0.0.1:$(cat "$SITE/stub.port")" sync now >"$SITE/out" 2>"$SITE/err"
  contains "$(cat "$SITE/err")" "answered 502, not JSON: '<html>" "a 502 with an HTML page"
  kill $STUB_PID; wait $STUB_PID 2>/dev/null
  python3 "$STUB" "$SITE/stub.port" "$SITE/stub.log" --truncate &
  STUB_PID=$!
  sleep 0.5
  ctl --set "sync.url=http://127.0.0.1:$(cat "$SITE/stub.port")" sync now >"$SITE/out" 2>"$SITE/err"
  contains "$(cat "$SITE/err")" "is not JSON ('{\"results\": [{\"seq\": 1" "a cut answer"
  [[ $(unsent) == "$ROWS" ]] || fail "rows marked from a cut answer"
}

# The heartbeat as the schema says (paper left out without a printer),
# sent after a failed upload and saying its error; after a clean round its
# last_error is empty again.
case_heartbeat() {
  stub --fail-outbox 1
  expect_status 1 ctl sync now
  contains "$ERR" "answered 500" "sync now with the upload failing"
  [[ $(log "count(*) from req where path like '%/heartbeat' and status = 200") == 1 ]] ||
    fail "no heartbeat after the failed upload: $(log "group_concat(path || ' ' || status || ' ' || coalesce(problem, '')) from req")"
  contains "$(log "json_extract(heartbeat, '\$.last_error') from req where heartbeat is not null")" "answered 500" \
    "the heartbeat after the failed upload"
  expect_status 0 ctl sync now
  [[ $(log "count(*) from req where heartbeat is not null") == 2 &&
     $(log "json_extract(heartbeat, '\$.last_error') from req where heartbeat is not null limit 1 offset 1") == "" ]] ||
    fail "the clean round's heartbeat: $(log "heartbeat from req where heartbeat is not null limit 1 offset 1")"
  no_spec_breach
}

"case_$CASE"
finish
