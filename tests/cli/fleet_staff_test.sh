#!/usr/bin/env bash
# Staff managed in the back office and synced down as the signed document
# `staff`: an operator made there signs in at the kiosk after `sync now`,
# and its staff verb's audit row reaches `backoffice report audit`; a
# disabled central operator can no longer sign in after the next sync; the
# lockout stays the kiosk's own; a document carried by hand applies; a
# central operator wins over a local one of the same name, local ones stay.
# Usage: fleet_staff_test.sh CASE KIOSKCTL BACKOFFICE
CASE=$1 CTL=$2 BO=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"

# The back office with collectors (cash, reprints) and carol (PIN 2468).
setup() {
  setup_bo
  printf 'pubkey = %s\n' "$(bo pubkey | grep -o '[A-Za-z0-9+/=]\{44\}' | head -1)" >>"$SITE/kiosk.ini"
  { bo group set collectors --perms collect_cash,reprint &&
    BACKOFFICE_NEW_PIN=2468 bo operator add carol --group collectors; } >/dev/null || fail "setting up staff"
}

collect() { KIOSK_PIN=$2 expect_status "$1" ctl --operator carol cash collect; }

case_sign_in_and_audit() {
  setup
  ctl sale --meter 000000000001 --amount 1000 --pay counter >/dev/null || fail "sale"
  expect_status 0 ctl sync now
  [[ $(kiosk_sql "select origin || ' ' || active from operator where name = 'carol'") == "central 1" ]] ||
    fail "carol did not arrive: $OUT"
  collect 1 1357
  contains "$ERR" "wrong PIN" "a wrong PIN"
  collect 0 2468
  [[ $(kiosk_sql "select actor from audit where action = 'cash_collect'") == operator:carol ]] ||
    fail "the collection is not carol's"
  expect_status 0 ctl sync now
  expect_status 0 bo report audit --kiosk K1 --action cash_collect --csv
  contains "$OUT" ",operator:carol,cash_collect,cash box," "the back office's audit report"
  expect_status 0 bo report audit --kiosk backoffice --csv
  contains "$OUT" ",operator.add,carol,,collectors" "the back office's own audit rows"
  [[ $OUT != *2468* ]] || fail "a PIN is in the audit report"
  [[ $(bo_sql "select count(*) from audit where kiosk = 'K1'") == $(kiosk_sql "select count(*) from audit") ]] ||
    fail "not every kiosk audit row reached the back office"
  local answer
  answer=$(curl -s "http://127.0.0.1:$PORT/v1/admin/reports/audit?kiosk=K1&action=login_failed")
  contains "$answer" '"actor":"carol"' "the admin endpoint"
  [[ $answer != *cash_collect* ]] || fail "the admin endpoint did not filter by action: $answer"
}

case_disabled() {
  setup
  expect_status 0 ctl sync now
  collect 0 2468
  bo operator disable carol >/dev/null || fail "operator disable"
  expect_status 0 ctl sync now
  collect 1 2468
  contains "$ERR" "disabled" "a disabled central operator"
  bo operator enable carol >/dev/null || fail "operator enable"
  expect_status 0 ctl sync now
  collect 0 2468
}

case_lockout() {
  setup
  expect_status 0 ctl sync now
  for i in 1 2 3 4; do
    collect 1 0000
    contains "$ERR" "$((5 - i)) tries left" "wrong PIN $i"
  done
  collect 1 0000
  contains "$ERR" "locked out for 30 minutes" "the fifth wrong PIN"
  collect 1 2468
  contains "$ERR" "try again in 30 minutes" "the right PIN while locked out"
  bo group set readers --perms reprint >/dev/null || fail "group set"
  expect_status 0 ctl sync now # a newer document, carol's PIN unchanged: still locked
  contains "$OUT" "1 applied" "the newer staff document"
  collect 1 2468
  contains "$ERR" "try again" "the lockout after a sync"
  expect_status 0 bo report audit --kiosk K1 --action locked_out --csv
  contains "$OUT" ",carol,locked_out,carol," "the lockout in the back office's audit report"
}

case_carried_by_hand() {
  setup
  { bo group set admins --perms all && BACKOFFICE_NEW_PIN=1111 bo operator add boss --group admins; } >/dev/null ||
    fail "setting up admins"
  curl -sf -o "$SITE/staff.json" "http://127.0.0.1:$PORT/v1/kiosks/K1/documents/staff" || fail "download"
  stop_bo
  expect_status 0 ctl sync apply staff "$SITE/staff.json"
  contains "$OUT" "document staff applied" "sync apply"
  collect 0 2468
  # operators exist now: applying by hand needs one allowed to change settings
  expect_status 2 ctl sync apply staff "$SITE/staff.json"
  KIOSK_PIN=1111 expect_status 0 ctl --operator boss sync apply staff "$SITE/staff.json"
  contains "$OUT" "already held" "the same document again"
  sed 's/collect_cash,reprint/collect_cash,reprint,operators/' "$SITE/staff.json" >"$SITE/forged.json"
  KIOSK_PIN=1111 expect_status 1 ctl --operator boss sync apply staff "$SITE/forged.json"
  [[ $(kiosk_sql "select perms from op_group where name = 'collectors'") == collect_cash,reprint ]] ||
    fail "a forged staff document changed a group"
  # signed, but not a staff document the kiosk can apply: refused whole, with an alert
  echo '{"groups": [{"name": "collectors", "perms": "fly"}], "operators": []}' >"$SITE/bad.json"
  bo sign --kind staff --version 99 "$SITE/bad.json" >"$SITE/bad.env" 2>/dev/null || fail "sign"
  KIOSK_PIN=1111 expect_status 1 ctl --operator boss sync apply staff "$SITE/bad.env"
  contains "$ERR" "'fly'" "a staff document with an unknown permission"
  [[ $(kiosk_sql "select count(*) from alert where kind = 'sync_document_refused'") -ge 1 ]] ||
    fail "no alert for the refused staff document"
  [[ $(kiosk_sql "select version from document where kind = 'staff'") != 99 ]] || fail "the bad document was stored"
  collect 0 2468
}

case_local_and_central() {
  setup
  expect_status 0 ctl group set admins --perms all # first setup, before any sync
  KIOSK_NEW_PIN=1111 expect_status 0 ctl operator add root --group admins
  KIOSK_PIN=1111 KIOSK_NEW_PIN=9999 expect_status 0 ctl --operator root operator add carol --group admins
  expect_status 0 ctl sync now
  collect 1 9999 # the back office's carol wins
  collect 0 2468
  KIOSK_PIN=1111 expect_status 0 ctl --operator root meter read 000000000001 # the local one stays
  expect_status 0 ctl operator list
  contains "$OUT" "(back office)" "operator list"
  [[ $(grep root <<<"$OUT") != *"back office"* ]] || fail "root is shown as the back office's: $OUT"
  KIOSK_PIN=1111 KIOSK_NEW_PIN=5555 expect_status 1 ctl --operator root operator pin carol
  contains "$ERR" "managed by the back office" "a local change to a central operator"
  collect 0 2468
}

"case_$CASE"
finish
