#!/usr/bin/env bash
# kioskctl as a user runs it. Usage: cli_test.sh CASE KIOSKCTL SOURCE_DIR
CASE=$1 CTL=$2 SRC=$3
. "$(dirname "$0")/lib.sh"

case_help_and_version() {
  expect_status 0 "$CTL" --help
  for verb in "sale" "recover" "ledger list" "ledger show" "ledger export" "ledger verify" "txn-diagram" "config show"; do
    contains "$OUT" "$verb" "--help"
  done
  contains "$OUT" "Exit status" "--help"
  expect_status 0 "$CTL" --version
  [[ $OUT =~ ^kioskctl\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version printed '$OUT'"
  expect_status 2 "$CTL"
  expect_status 2 "$CTL" fly
  contains "$ERR" "unknown verb 'fly'" "unknown verb"
  expect_status 0 "$CTL" ledger verify --help   # help wins wherever it stands
  expect_status 0 "$CTL" txn-diagram --format mermaid
  contains "$OUT" "stateDiagram-v2" "mermaid diagram"
  contains "$OUT" "delivering --> delivery_pending: defer" "mermaid diagram"
  expect_status 0 "$CTL" txn-diagram
  contains "$OUT" "digraph txn" "dot diagram"
  expect_status 2 "$CTL" txn-diagram --format svg
}

case_bad_config_file() {
  make_site
  printf '[ledger]\npth = %s/ledger.db\n' "$SITE" >"$SITE/bad.ini"
  expect_status 2 "$CTL" --config "$SITE/bad.ini" sale --meter 000000000001 --amount 500 --pay counter
  contains "$ERR" "bad.ini:2: unknown key 'pth' in [ledger] (did you mean 'ledger.path'?)" "error"
  [[ $(wc -l <<<"$ERR") == 1 ]] || fail "expected one line, got: $ERR"
  expect_status 2 "$CTL" --config "$SITE/missing.ini" recover
  contains "$ERR" "missing.ini: cannot read the configuration file" "error"
  [[ ! -e "$SITE/ledger.db" && ! -e kiosk-ledger.db ]] || fail "a ledger was written despite the bad configuration"
}

case_bad_set() {
  make_site
  expect_status 2 ctl --set gateway.timeout_ms=soon recover
  contains "$ERR" "--set gateway.timeout_ms: 'soon' is not a whole number" "error"
  expect_status 2 ctl --set nokey=1 recover
  contains "$ERR" "expected section.key=value" "error"
  expect_status 2 ctl --set limits.min_purchase=900 --set limits.max_purchase=800 recover
  contains "$ERR" "limits.min_purchase (900) is above limits.max_purchase (800)" "error"
  expect_status 2 ctl sale --meter 000000000001 --amount 12.50 --pay counter
  contains "$ERR" "give minor units" "error"
  expect_status 2 ctl sale --meter 000000000001 --amount 500 --pay bitcoin
  expect_status 2 ctl sale --meter 00000000000A --amount 500 --pay counter
  contains "$ERR" "must be 1 to 12 digits" "error"
  [[ ! -e "$SITE/ledger.db" ]] || fail "a ledger was written for refused arguments"
}

case_empty_config() {
  make_site
  : >"$SITE/empty.ini"
  expect_status 0 "$CTL" --config "$SITE/empty.ini" --set "ledger.path=$SITE/other.db" --set gateway.protocol=fake \
    --set "gateway.fake_dir=$SITE" \
    sale --meter 000000000002 --amount 700 --pay counter
  contains "$OUT" '"state":	"delivered"' "sale output"
  contains "$OUT" '"purchase_count":	42' "sale output"
  contains "$OUT" '"balance_after":	1600' "sale output"
  [[ -e "$SITE/other.db" ]] || fail "ledger.path from --set was not used"
}

case_sample_matches() {
  expect_status 0 "$CTL" config sample
  diff <(printf '%s\n' "$OUT") "$SRC/config/kiosk.ini.sample" >/dev/null \
    || fail "config/kiosk.ini.sample is stale: regenerate it with 'kioskctl config sample'"
  expect_status 0 "$CTL" --config "$SRC/config/kiosk.ini.sample" config show
  contains "$OUT" "path = kiosk-ledger.db" "config show"
}

case_docs_diagram_current() {
  expect_status 0 "$CTL" txn-diagram --format mermaid
  local doc
  doc=$(sed -n '/<!-- txn-diagram:begin -->/,/<!-- txn-diagram:end -->/p' "$SRC/docs/ledger.md" | sed '1,2d;$d' | sed '$d')
  [[ "$doc" == "$OUT" ]] || fail "docs/ledger.md's diagram differs from 'kioskctl txn-diagram --format mermaid'"
}

case_export_json() {
  make_site
  expect_status 0 ctl sale --meter 000000000001 --amount 500 --pay counter
  expect_status 0 ctl sale --meter 000000000002 --amount 800 --pay counter
  expect_status 0 ctl ledger export --format json --output "$SITE/all.json"
  local q="select json_valid(j), json_array_length(j), json_extract(j, '\$[0].amount'), json_extract(j, '\$[1].purchase_count'),
           json_extract(j, '\$[0].state') from (select readfile('$SITE/all.json') as j)"
  [[ $(sqlite3 :memory: "$q") == "1|2|500|42|delivered" ]] || fail "export: $(sqlite3 :memory: "$q")"
  for field in id state amount currency meter method purchase_count created_at updated_at; do
    [[ $(sqlite3 :memory: "select json_type(readfile('$SITE/all.json'), '\$[0].$field') is not null") == 1 ]] \
      || fail "export lacks $field"
  done
  local today tomorrow
  today=$(date -u +%F); tomorrow=$(date -u -d tomorrow +%F)
  expect_status 0 ctl ledger export --format json --from "$today" --to "$today"
  [[ $(sqlite3 :memory: "select json_array_length('$OUT')") == 2 ]] || fail "today's export: $OUT"
  expect_status 0 ctl ledger export --format json --from "$tomorrow"
  [[ "$OUT" == "[]" ]] || fail "tomorrow's export: $OUT"
  expect_status 0 ctl ledger export --format csv
  [[ $(wc -l <<<"$OUT") == 3 ]] || fail "csv: $OUT"
  expect_status 2 ctl ledger export --format xml
  expect_status 2 ctl ledger export --format json --from yesterday
  contains "$ERR" "give a date as YYYY-MM-DD" "error"
  expect_status 0 ctl ledger list
  contains "$OUT" "CNY 8.00" "ledger list"
  local id; id=$(sqlite3 "$SITE/ledger.db" "select substr(id, 1, 8) from txn where meter = '000000000002'")
  expect_status 0 ctl ledger show "$id"
  contains "$OUT" "paid                 -[deliver]-> delivering  purchase count 42" "ledger show"
  expect_status 1 ctl ledger show 99999999
}

case_sale_lost_reply() {
  make_site
  echo "lose_reply 1" >"$SITE/faults"
  expect_status 0 ctl sale --meter 000000000002 --amount 1000 --pay counter
  contains "$OUT" '"state":	"delivered"' "sale output"
  contains "$OUT" '"purchase_count":	42' "sale output"
  [[ $(grep -c '^credit 000000000002 ' "$SITE/journal") == 1 ]] || fail "meter credited $(grep -c . "$SITE/journal") times"
  expect_status 0 ctl ledger verify
}

case_sale_offline_then_retry() {
  make_site
  echo "offline 1" >"$SITE/faults"
  expect_status 1 ctl sale --meter 000000000001 --amount 1000 --pay counter
  contains "$OUT" '"state":	"delivery_pending"' "sale output"
  contains "$OUT" 'meter_unreachable' "sale output"
  [[ ! -e "$SITE/journal" ]] || fail "credited while offline"
  sleep 0.3
  expect_status 0 ctl retry
  contains "$OUT" "retry: 1 delivered" "retry"
  [[ $(grep -c . "$SITE/journal") == 1 ]] || fail "journal: $(cat "$SITE/journal")"
  expect_status 0 ctl ledger verify
  contains "$OUT" "all invariants hold" "verify"
}

"case_$CASE"
finish
