#!/usr/bin/env bash
# The kiosk's own outbox, as its ledger writes it, uploaded to the back
# office: two counter sales and a meter reading made by kioskctl against the
# fake meters, their outbox rows sent twice with the ledger's identity and
# signed with the kiosk's upload key by the openssl command line (every row
# accepted, the second answer the same as the first), then the back
# office's reports and counts. The meters are registered on the kiosk's
# site: a kiosk acts only for those. With BO_TEST_PG the back office's
# database is one of its own on the test PostgreSQL server (bo_lib.sh).
# Usage: real_outbox.sh KIOSKCTL BACKOFFICE
set -eu
ctl=$1 bo=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/bo-real-XXXXXX")
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  bo_db_drop
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
. "$(dirname "$0")/../cli/bo_lib.sh"
SITE=$dir
bo_db_make

kiosk() { "$ctl" --config "$dir/kiosk.ini" "$@" >>"$dir/kiosk.log" 2>&1; }
printf '[ledger]\npath = %s/ledger.db\n[gateway]\nprotocol = fake\nfake_dir = %s\n' "$dir" "$dir" >"$dir/kiosk.ini"
# the fake meter bank: meter, customer, purchase count, balance
printf '000000000001 100000000001 0 0\n000000000002 100000000002 41 900\n' >"$dir/meters"
kiosk sale --meter 000000000001 --amount 500 --pay counter || fail "kioskctl sale: $(tail -3 "$dir/kiosk.log")"
kiosk sale --meter 000000000002 --amount 800 --pay counter || fail "kioskctl sale: $(tail -3 "$dir/kiosk.log")"
kiosk meter read 000000000002 || fail "kioskctl meter read: $(tail -3 "$dir/kiosk.log")"

printf '[server]\nport = 0\nplain_http = true\ndatabase = %s\n[signing]\nkey = %s/signing.key\n' \
  "$BO_DB" "$dir" >"$dir/bo.ini"
b() { "$bo" --config "$dir/bo.ini" "$@" 2>>"$dir/bo.log"; }
"$ctl" --config "$dir/kiosk.ini" identity --json >"$dir/identity.json" || fail "kioskctl identity"
key=$(sqlite3 :memory: "select json_extract(readfile('$dir/identity.json'), '\$.upload_key')")
b keygen >/dev/null && b site add S1 Market >/dev/null && b kiosk add K1 --site S1 --by-hand --upload-key "$key" \
  >/dev/null || fail "backoffice setup"
for m in 1 2; do # the meters on K1's site (one site: --site may be left out)
  b customer add "10000000000$m" "Customer $m" >/dev/null &&
    b meter add "00000000000$m" --customer "10000000000$m" --protocol dlt645 --gateway 127.0.0.1:8899 >/dev/null ||
    fail "registering meter $m"
done
"$bo" --config "$dir/bo.ini" serve >"$dir/port" 2>>"$dir/bo.log" &
pid=$!
for _ in $(seq 50); do [[ -s $dir/port ]] && break; sleep 0.1; done
port=$(cat "$dir/port")
[[ -n $port ]] || fail "backoffice serve did not start: $(cat "$dir/bo.log")"

sqlite3 "$dir/ledger.db" "SELECT json_object('ledger', (SELECT json_object('id', id, 'created_at',
  strftime('%Y-%m-%dT%H:%M:%fZ', created_at / 1000.0, 'unixepoch')) FROM ledger_identity),
  'rows', json_group_array(json_object('seq', seq, 'topic', topic, 'payload', json(payload))))
  FROM (SELECT * FROM outbox ORDER BY seq)" | tr -d '\n' >"$dir/batch.json"
# the upload key's seed as OpenSSL reads an Ed25519 private key (PKCS#8 DER)
{ printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20'
  awk '{print $2}' "$dir/identity/upload.key" | base64 -d; } >"$dir/upload.der"
sig=$(openssl pkeyutl -sign -rawin -keyform DER -inkey "$dir/upload.der" -in "$dir/batch.json" | base64 -w0) ||
  fail "signing the batch"
rows=$(sqlite3 "$dir/ledger.db" "SELECT count(*) FROM outbox")
topics=$(sqlite3 "$dir/ledger.db" "SELECT group_concat(DISTINCT topic) FROM outbox")
(( rows >= 6 )) || fail "only $rows outbox rows"
[[ $topics == *txn* && $topics == *reading* ]] || fail "outbox topics: $topics"

post() { curl -sS -X POST -H 'Content-Type: application/json' -H "X-Kiosk-Signature: $sig" \
  --data-binary @"$dir/batch.json" "http://127.0.0.1:$port/v1/kiosks/K1/outbox"; }
first=$(post) || fail "upload failed"
second=$(post) || fail "second upload failed"
accepted=$(grep -o '"status":"accepted"' <<<"$first" | wc -l)
(( accepted == rows )) || fail "$accepted of $rows rows accepted: $first"
[[ $first == "$second" ]] || fail "the replay's answer differs"

report=$(b report sales --by method --csv | tr -d '\r')
[[ $report == *"counter,CNY,2,1300"* ]] || fail "report: $report"
[[ $(bo_sql "SELECT count(*) FROM sale") == 2 ]] || fail "sales stored: $(bo_sql "SELECT count(*) FROM sale")"
want=$(sqlite3 "$dir/ledger.db" "SELECT max(purchase_count) FROM txn WHERE meter = '000000000002'")
counts=$(b count list --csv | tr -d '\r')
[[ $counts == *"000000000002,$want"* ]] || fail "count list: $counts (the kiosk's count is $want)"
echo "ok: $rows rows of the kiosk's outbox ($topics) stored once; report and counts agree"
