#!/usr/bin/env bash
# Enrolment against the reference back office over HTTPS, certificates made
# with the openssl command line (docs/enrolment.md): a new kiosk makes its
# keys, enrols with the one-time code from `backoffice kiosk add`, and then
# syncs over mutual TLS with the certificate it got; a code enrols once; a
# wrong, expired or mistyped code is refused and nothing is stored; a
# factory reset keeps a ledger that still has rows to upload.
# Usage: enrol_test.sh CASE KIOSKCTL BACKOFFICE
CASE=$1 CTL=$2 BO=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"

CODE_RE='[A-Z2-7]{4}(-[A-Z2-7]{4}){3}'
ID=$SITE/identity
unsent() { kiosk_sql "select count(*) from outbox where sent_at is null"; }
stored() { bo_sql "select count(*) from sale"; }
json_of() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$OUT" "$1"; }

# The back office's server certificate under its own CA, and the kiosks'
# CA whose key the back office signs enrolled kiosks' certificates with.
make_certs() {
  make_cas server-ca kiosk-ca
  make_leaf server server-ca server localhost
}

# A back office over HTTPS that enrols kiosks, K1 added (its code in $CODE),
# and a kiosk configured with the back office's address and CA only.
setup() {
  make_site
  make_certs
  cat >"$SITE/bo.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
database = $SITE/bo.db
[tls]
cert = $SITE/server.pem
key = $SITE/server.key
client_ca = $SITE/kiosk-ca.pem
client_ca_key = $SITE/kiosk-ca.key
[signing]
key = $SITE/signing.key
[test]
hooks = true
INI
  { bo keygen && bo site add S1 "Market hall" && bo_meters 1 2; } >/dev/null ||
    { fail "setting up the back office"; finish; }
  CODE=$(bo kiosk add K1 --site S1 2>/dev/null | grep -oE "$CODE_RE")
  [[ -n $CODE ]] || { fail "kiosk add printed no enrolment code"; finish; }
  [[ $(bo_sql "select state from kiosk where id = 'K1'") == enrolling ]] || fail "a new kiosk is not enrolling"
  [[ $(bo_sql "select count(*) from enrol_code where code_hash like '%$CODE%'") == 0 ]] || fail "the code is stored as it is"
  trap 'kill $BO_PID 2>/dev/null; wait $BO_PID 2>/dev/null; rm -rf "$SITE"' EXIT
  serve_bo
  cat >>"$SITE/kiosk.ini" <<INI
[site]
id = S1
kiosk_id = K1
[sync]
url = https://127.0.0.1:$PORT
ca_file = $SITE/server-ca.pem
timeout_ms = 3000
INI
}

# https_status PATH [CURL ARGS]: the status of a request to the back office.
https_status() {
  local path=$1; shift
  curl -s -o "$SITE/bo.answer" -w '%{http_code}' --cacert "$SITE/server-ca.pem" "$@" "https://127.0.0.1:$PORT$path"
}

# qr_decodes CODE: the QR code `kioskctl identity` drew (UTF-8 half blocks,
# light modules drawn) decodes, with zbarimg, to CODE.
qr_decodes() {
  printf '%s\n' "$OUT" >"$SITE/qr.txt"
  python3 - "$SITE/qr.txt" "$SITE/qr.pgm" <<'PY' || return 1
import sys
text = open(sys.argv[1], encoding="utf-8").read()
rows = [l for l in text.splitlines() if l and set(l) <= set(" \u2580\u2584\u2588")]
px = []
for l in rows:
    px.append([255 if c in "\u2588\u2580" else 0 for c in l])
    px.append([255 if c in "\u2588\u2584" else 0 for c in l])
s, w, h = 6, len(px[0]), len(px)
data = b"".join(bytes(v for v in row for _ in range(s)) * s for row in px)
open(sys.argv[2], "wb").write(b"P5 %d %d 255\n" % (w * s, h * s) + data)
PY
  [[ $(zbarimg -q --raw "$SITE/qr.pgm" 2>/dev/null) == "$1" ]]
}

not_enrolled() { # not_enrolled DIR WHAT: nothing of an enrolment was stored
  [[ ! -e $1/cert.pem && ! -e $1/enrolment.json && ! -e $1/document.pub ]] || fail "$2 stored an enrolment: $(ls "$1")"
}

case_enrol_then_sync() {
  setup
  expect_status 0 ctl identity
  contains "$OUT" "enrolled: no" "identity before enrolment"
  local text=$OUT shown
  expect_status 0 ctl identity --json
  shown=$(json_of enrolment_code)
  OUT=$text
  contains "$OUT" "enrolment code: $shown" "identity before enrolment"
  qr_decodes "$shown" || fail "the QR code does not read as $shown: $OUT"
  [[ $shown =~ ^$CODE_RE$ ]] || fail "the kiosk's code is '$shown'"
  [[ $(stat -c %a "$ID") == 700 ]] || fail "the identity folder is mode $(stat -c %a "$ID")"
  expect_status 0 ctl enrol --code "$(tr 'A-Z' 'a-z' <<<"$CODE")"
  contains "$OUT" "enrolled as kiosk K1 of site S1" "enrol"
  contains "$OUT" "$shown" "enrol shows the kiosk's code"
  for f in tls.key tls.csr upload.key cert.pem ca.pem document.pub enrolment.json; do
    [[ -f $ID/$f ]] || { fail "$f is missing after enrolment"; continue; }
    [[ $(stat -c %a "$ID/$f") == 600 ]] || fail "$f is mode $(stat -c %a "$ID/$f"), not 600"
  done
  openssl verify -CAfile "$SITE/kiosk-ca.pem" "$ID/cert.pem" >/dev/null || fail "the certificate is not from the kiosks' CA"
  openssl x509 -in "$ID/cert.pem" -noout -subject | grep -q 'CN *= *K1' || fail "the certificate is not K1's"
  [[ $(cat "$ID/document.pub") == $(bo pubkey) ]] || fail "the pinned document key is not the back office's"
  [[ $(bo_sql "select state || ' ' || kiosk_code from kiosk where id = 'K1'") == "active $shown" ]] ||
    fail "the back office's kiosk: $(bo_sql "select * from kiosk where id = 'K1'")"
  local fp
  fp=sha256:$(openssl x509 -in "$ID/cert.pem" -outform der | sha256sum | cut -d' ' -f1)
  [[ $(bo_sql "select cert_fingerprint from kiosk where id = 'K1'") == "$fp" ]] || fail "the recorded fingerprint"
  bo kiosk list --csv | grep -q "^K1,S1,active,.*,$shown," || fail "kiosk list lacks the code: $(bo kiosk list --csv)"
  expect_status 0 ctl identity --json
  [[ $(json_of enrolled) == True && $(json_of certificate_fingerprint) == "$fp" ]] || fail "identity after enrolment: $OUT"
  # every other endpoint still wants a kiosk's certificate
  [[ $(https_status /v1/kiosks/K1/notices) == 401 ]] || fail "a request without a certificate was not refused"
  # sync over mutual TLS with the enrolled certificate, no other setting
  ctl sale --meter 000000000001 --amount 5000 --pay counter >/dev/null || fail "sale"
  ctl sale --meter 000000000002 --amount 2500 --pay counter >/dev/null || fail "sale"
  expect_status 0 ctl sync now
  contains "$OUT" "documents:" "sync now with the pinned document key"
  [[ $(stored) == 2 ]] || fail "the back office holds $(stored) sales, not 2"
  [[ $(https_status /v1/kiosks/K1/notices --cert "$ID/cert.pem" --key "$ID/tls.key") == 200 ]] ||
    fail "the enrolled certificate was refused: $(cat "$SITE/bo.answer")"
}

case_code_used_twice() {
  setup
  expect_status 0 ctl enrol --code "$CODE"
  local fp
  fp=$(bo_sql "select cert_fingerprint from kiosk where id = 'K1'")
  expect_status 1 ctl --set "site.identity_dir=$SITE/other" enrol --code "$CODE"
  contains "$ERR" "was used" "the same code a second time"
  contains "$ERR" "nothing was stored" "the same code a second time"
  not_enrolled "$SITE/other" "a second enrolment with a used code"
  [[ $(bo_sql "select cert_fingerprint from kiosk where id = 'K1'") == "$fp" ]] || fail "a used code changed the kiosk"
  # a fresh code from staff enrols again
  local fresh
  fresh=$(bo kiosk enrol-code K1 2>/dev/null | grep -oE "$CODE_RE")
  [[ $(bo_sql "select state from kiosk where id = 'K1'") == enrolling ]] || fail "a fresh code leaves the kiosk active"
  expect_status 0 ctl --set "site.identity_dir=$SITE/other" enrol --code "$fresh"
  [[ $(bo_sql "select cert_fingerprint from kiosk where id = 'K1'") != "$fp" ]] || fail "re-enrolment kept the old certificate"
  # the certificate of the first enrolment no longer speaks for K1; the new one does
  [[ $(https_status /v1/kiosks/K1/notices --cert "$ID/cert.pem" --key "$ID/tls.key") == 403 ]] ||
    fail "the replaced certificate was not refused: $(cat "$SITE/bo.answer")"
  contains "$(cat "$SITE/bo.answer")" certificate_replaced "the replaced certificate's refusal"
  [[ $(https_status /v1/kiosks/K1/notices --cert "$SITE/other/cert.pem" --key "$SITE/other/tls.key") == 200 ]] ||
    fail "the new certificate was refused: $(cat "$SITE/bo.answer")"
}

# The back office enrolled the kiosk but its answer never arrived (the
# kiosk stored nothing): the same kiosk asks again with the same code and
# gets a fresh certificate, pinned instead of the one it never had.
case_answer_lost() {
  setup
  expect_status 0 ctl enrol --code "$CODE"
  local first
  first=$(bo_sql "select cert_fingerprint from kiosk where id = 'K1'")
  rm -f "$ID/cert.pem" "$ID/ca.pem" "$ID/document.pub" "$ID/enrolment.json"
  expect_status 0 ctl enrol --code "$CODE"
  [[ -s $ID/cert.pem ]] || fail "the second answer stored no certificate"
  local fp
  fp=sha256:$(openssl x509 -in "$ID/cert.pem" -outform der | sha256sum | cut -d' ' -f1)
  [[ $(bo_sql "select cert_fingerprint from kiosk where id = 'K1'") == "$fp" && $fp != "$first" ]] ||
    fail "the back office did not pin the certificate sent again"
  [[ $(bo_sql "select count(*) from audit where action = 'kiosk.enrol_again' and target = 'K1'") == 1 ]] ||
    fail "asking again is not in the back office's audit"
  expect_status 0 ctl sync now
}

case_wrong_or_expired_code() {
  setup
  expect_status 2 ctl enrol --code "not-a-code"
  contains "$ERR" "is not an enrolment code" "a mistyped code"
  expect_status 1 ctl enrol --code "AAAA-BBBB-CCCC-DDDD"
  contains "$ERR" "not known" "a wrong code"
  not_enrolled "$ID" "a wrong code"
  expect_status 1 ctl --set site.kiosk_id=K9 enrol --code "$CODE"
  contains "$ERR" "set site.kiosk_id = K1" "a kiosk enrolling under another id"
  not_enrolled "$ID" "a kiosk enrolling under another id"
  [[ $(https_status /v1/test/clock -H 'Content-Type: application/json' -d '{"advance_ms": 691200000}') == 200 ]] || fail "moving the clock 8 days"
  expect_status 1 ctl enrol --code "$CODE"
  contains "$ERR" "expired" "an expired code"
  not_enrolled "$ID" "an expired code"
  [[ $(bo_sql "select state || ' ' || cert_fingerprint || ' ' || (select count(*) from enrol_code where used_at is not null) from kiosk where id = 'K1'") == "enrolling  0" ]] ||
    fail "a refused enrolment changed the back office: $(bo_sql "select * from kiosk")"
  local fresh
  fresh=$(bo kiosk enrol-code K1 --days 30 2>/dev/null | grep -oE "$CODE_RE")
  expect_status 1 ctl enrol --code "$CODE"
  contains "$ERR" "not known" "a code replaced by a fresh one"
  expect_status 0 ctl enrol --code "$fresh"
}

case_factory_reset() {
  setup
  expect_status 0 ctl enrol --code "$CODE"
  ctl sale --meter 000000000001 --amount 5000 --pay counter >/dev/null || fail "sale"
  expect_status 2 ctl factory-reset
  contains "$OUT" "keep the ledger" "factory-reset without --confirm"
  [[ -f $ID/cert.pem ]] || fail "factory-reset without --confirm deleted the identity"
  expect_status 0 ctl factory-reset --confirm
  contains "$OUT" "ledger kept" "factory-reset with rows to upload"
  # the keys and certificate are gone; the kept ledger stays the kiosk's (so it is never silently replaced)
  [[ $(ls "$ID") == ledger.id ]] || fail "the identity is still there: $(ls "$ID")"
  [[ $(cat "$ID/ledger.id") == "$(kiosk_sql "select id from ledger_identity")" ]] || fail "ledger.id names another ledger"
  [[ $(kiosk_sql "select count(*) from txn") == 1 ]] || fail "the ledger lost its sale"
  (( $(unsent) > 0 )) || fail "the ledger's outbox was emptied"
  # enrolled again, synced: now the reset deletes the ledger too
  expect_status 0 ctl identity
  local fresh
  fresh=$(bo kiosk enrol-code K1 2>/dev/null | grep -oE "$CODE_RE")
  expect_status 0 ctl enrol --code "$fresh"
  for _ in 1 2 3; do ctl sync now >/dev/null || fail "sync now: $(ctl sync now 2>&1)"; [[ $(unsent) == 0 ]] && break; done
  [[ $(unsent) == 0 ]] || fail "$(unsent) rows left after syncing"
  expect_status 2 ctl factory-reset
  contains "$OUT" "delete the ledger" "factory-reset without --confirm, all synced"
  expect_status 0 ctl factory-reset --confirm
  contains "$OUT" "ledger deleted" "factory-reset, all synced"
  [[ ! -e $SITE/ledger.db && ! -e $ID ]] || fail "the ledger or the identity is still there"
}

"case_$CASE"
finish
