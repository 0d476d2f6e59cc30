#!/usr/bin/env bash
# kioskctl and staff: first setup as the local administrator, operators and
# groups, every staff verb refused to a group without its permission
# (table-driven), the PIN lockout, no PIN shared by two operators, and the
# audit log naming the operator.
# Usage: staff_test.sh CASE KIOSKCTL
CASE=$1 CTL=$2
. "$(dirname "$0")/lib.sh"

audit() { sqlite3 "$SITE/ledger.db" "$1"; }

# admins (everything) with alice, collectors (cash and reprints) with bob.
setup_staff() {
  make_site
  expect_status 0 ctl group set admins --perms all
  expect_status 0 ctl group set collectors --perms collect_cash,reprint
  KIOSK_NEW_PIN=2468 expect_status 0 ctl operator add alice --group admins
  # operators exist now: the next change needs one of them
  KIOSK_NEW_PIN=1357 expect_status 2 ctl operator add bob --group collectors
  contains "$ERR" "needs an operator" "adding an operator without signing in"
  KIOSK_PIN=2468 KIOSK_NEW_PIN=1357 expect_status 0 ctl --operator alice operator add bob --group collectors
}

case_first_setup() {
  make_site
  ctl sale --meter 000000000001 --amount 1000 --pay counter >/dev/null || fail "sale"
  expect_status 0 ctl cash collect # no operator yet: the local administrator
  [[ $(audit "select actor from audit where action = 'cash_collect'") == staff:* ]] ||
    fail "the first collection is not the local administrator's"
  expect_status 2 ctl --operator alice cash collect
  contains "$ERR" "no operators yet" "--operator before any operator exists"
  expect_status 2 ctl group set typo --perms collect_cash,colect
  contains "$ERR" "'colect' is not a permission" "a typo in a permission"
  KIOSK_NEW_PIN=12 expect_status 2 ctl operator add x --group nobody
  contains "$ERR" "PIN is 4 to 12 digits" "a short PIN"
  KIOSK_NEW_PIN=1234 expect_status 2 ctl operator add x --group nobody
  contains "$ERR" "no group nobody" "an operator of no group"
  [[ $(audit "select count(*) from operator") == 0 ]] || fail "a refused operator was stored"
}

# Each staff verb with the permission it needs; bob (collectors) may only
# collect cash and reprint.
case_permissions() {
  setup_staff
  ctl sale --meter 000000000001 --amount 1000 --pay counter >/dev/null || fail "sale"
  local denied=(
    "retry|deliveries"
    "meter read 000000000001|diagnostics"
    "meter scan|diagnostics"
    "meter relay 000000000001 trip|diagnostics"
    "card issue --meter 000000000001 --customer 100000000001|cards"
    "card replace --meter 000000000001|cards"
    "operator add carol --group collectors|operators"
    "operator pin alice|operators"
    "operator disable alice|operators"
    "group set collectors --perms all|operators"
    "txn reconcile 00000000 resume --reason checked|deliveries"
    "txn void 00000000 --reason mistake|void"
    "txn void 00000000 --zero --reason mistake|void"
  )
  local before
  before=$(audit "select count(*) from audit where action not like 'login%'")
  for row in "${denied[@]}"; do
    local verb=${row%|*} perm=${row#*|}
    # shellcheck disable=SC2086
    KIOSK_PIN=1357 KIOSK_NEW_PIN=9999 expect_status 1 ctl --operator bob $verb
    contains "$ERR" "operator bob may not do this: it needs the permission $perm" "'$verb' as bob"
  done
  [[ $(audit "select count(*) from audit where action not like 'login%'") == "$before" ]] ||
    fail "a refused staff verb changed something"
  KIOSK_PIN=1357 expect_status 0 ctl --operator bob cash collect
  [[ $(audit "select actor from audit where action = 'cash_collect'") == operator:bob ]] ||
    fail "the collection is not recorded as bob's"
  KIOSK_PIN=2468 expect_status 0 ctl --operator alice meter read 000000000001
  expect_status 2 ctl meter read 000000000001
  contains "$ERR" "needs an operator" "a staff verb without signing in"
  expect_status 0 ctl ledger list # not a staff verb
}

# Corrections by hand: a delivered sale cannot be voided; a reason is
# required; an unknown sale is named.
case_corrections() {
  setup_staff
  ctl sale --meter 000000000001 --amount 1000 --pay counter >/dev/null || fail "sale"
  local id
  id=$(audit "select id from txn")
  KIOSK_PIN=2468 expect_status 2 ctl --operator alice txn void "$id"
  contains "$ERR" "usage: kioskctl txn void ID [--zero] --reason TEXT" "a void without a reason"
  KIOSK_PIN=2468 expect_status 1 ctl --operator alice txn void "${id:0:8}" --reason "mistake"
  contains "$ERR" "is delivered with 1000 paid: it cannot be voided" "voiding a delivered sale"
  KIOSK_PIN=2468 expect_status 1 ctl --operator alice txn reconcile "$id" confirm --reason "seen"
  contains "$ERR" "cannot be confirmed" "confirming a delivered sale"
  KIOSK_PIN=2468 expect_status 2 ctl --operator alice txn void ffffffff --reason "x"
  [[ $(audit "select count(*) from audit where action like 'txn_%'") == 0 ]] || fail "a refused correction was audited"
  [[ $(audit "select state from txn") == delivered ]] || fail "a refused correction changed the sale"
}

case_lockout() {
  setup_staff
  for i in 1 2 3 4; do
    KIOSK_PIN=0000 expect_status 1 ctl --operator bob cash collect
    contains "$ERR" "$((5 - i)) tries left" "wrong PIN $i"
  done
  KIOSK_PIN=0000 expect_status 1 ctl --operator bob cash collect
  contains "$ERR" "locked out for 30 minutes" "the fifth wrong PIN"
  KIOSK_PIN=1357 expect_status 1 ctl --operator bob cash collect
  contains "$ERR" "try again in 30 minutes" "the right PIN while locked out"
  [[ $(audit "select count(*) from audit where action = 'login_failed'") == 4 &&
     $(audit "select count(*) from audit where action = 'locked_out'") == 1 ]] || fail "the attempts are not audited"
  expect_status 0 ctl operator list
  contains "$OUT" "locked out" "operator list"
  KIOSK_PIN=2468 KIOSK_NEW_PIN=1111 expect_status 0 ctl --operator alice operator pin bob # lifts the lockout
  KIOSK_PIN=1111 expect_status 0 ctl --operator bob cash collect
  KIOSK_PIN=2468 expect_status 0 ctl --operator alice operator disable bob
  KIOSK_PIN=1111 expect_status 1 ctl --operator bob cash collect
  contains "$ERR" "disabled" "a disabled operator"
}

# No two active operators share a PIN (at the touchscreen a PIN alone
# signs in): a new PIN another has is refused without naming whom.
case_shared_pin() {
  setup_staff
  KIOSK_PIN=2468 KIOSK_NEW_PIN=1357 expect_status 1 ctl --operator alice operator add carol --group collectors
  contains "$ERR" "another operator has this PIN" "a new operator with bob's PIN"
  [[ $ERR != *bob* ]] || fail "the refusal names whose PIN it is: $ERR"
  [[ $(audit "select count(*) from operator where name = 'carol'") == 0 ]] || fail "carol was stored"
  KIOSK_PIN=2468 KIOSK_NEW_PIN=1357 expect_status 1 ctl --operator alice operator pin alice
  contains "$ERR" "another operator has this PIN" "alice given bob's PIN"
  KIOSK_PIN=2468 KIOSK_NEW_PIN=2468 expect_status 0 ctl --operator alice operator pin alice # her own again
  KIOSK_PIN=2468 expect_status 0 ctl --operator alice operator disable bob
  KIOSK_PIN=2468 KIOSK_NEW_PIN=1357 expect_status 0 ctl --operator alice operator add carol --group collectors
}

"case_$CASE"
finish
