#!/usr/bin/env bash
# A post-paid account's bills as the kiosk asks for them (docs/billing.md,
# "At the kiosk"): `kioskctl bill due` against the real back office over
# the link, oldest first; a central payment seen at the next ask; an
# unknown account, an account of another site's meters and an id that is
# no id refused with the back office's reason.
# Usage: bill_test.sh CASE KIOSKCTL BACKOFFICE
CASE=$1 CTL=$2 BO=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"

# A1 (meter 1, post-paid): bill 1 of September (own 30.00, 10.00 paid),
# bill 2 of October (own 50.00), bill 3 a draft; A2 on meter 9 of site S2.
setup() {
  setup_bo
  { bo account open A1 --customer 100000000001 --prefill --name Chen --meter 000000000001 \
      --protocol dlt645 --gateway 127.0.0.1:8899 &&
    bo site add S2 "Tower" && bo customer add 100000000009 "Customer 9" &&
    bo meter add 000000000009 --customer 100000000009 --protocol dlt645 --gateway 127.0.0.1:8899 --site S2 &&
    bo account open A2 --customer 100000000009 --meter 000000000009 &&
    bo group set clerks --perms accounts &&
    BACKOFFICE_NEW_PIN=2468 bo operator add alice --group clerks &&
    BACKOFFICE_PIN=2468 bo account payment A1 postpaid --operator alice --reason 'contract'; } >/dev/null ||
    { fail "setting up the accounts"; finish; }
  local cols="id, account, site, period_from, period_to, currency, energy, sharp, peak, flat, valley, amount,
    charges, own, arrears, total, paid, state, drafted_at"
  bo_sql "INSERT INTO bill($cols) VALUES
    (1, 'A1', 'S1', '2026-09-01', '2026-09-30', 'CNY', 0, 0, 0, 0, 0, 3000, 0, 3000, 0, 3000, 1000, 'issued', 0),
    (2, 'A1', 'S1', '2026-10-01', '2026-10-31', 'CNY', 0, 0, 0, 0, 0, 5000, 0, 5000, 2000, 7000, 0, 'issued', 0),
    (3, 'A1', 'S1', '2026-11-01', '2026-11-30', 'CNY', 0, 0, 0, 0, 0, 900, 0, 900, 7000, 7900, 0, 'draft', 0);" ||
    fail "the bills"
}

case_due() {
  setup
  expect_status 0 ctl bill due --account A1
  [[ $OUT == "account A1 (postpaid) owes CNY 70.00 in 2 bills
bill 1 2026-09-01..2026-09-30 total CNY 30.00 paid CNY 10.00 due CNY 20.00
bill 2 2026-10-01..2026-10-31 total CNY 70.00 paid CNY 0.00 due CNY 50.00" ]] || fail "the due: $OUT"
  expect_status 0 bo bill pay 1 --amount 2500 --method counter --ref R-1
  expect_status 0 ctl bill due --account A1
  contains "$OUT" "owes CNY 45.00 in 1 bill" "the due after a central payment"
  contains "$OUT" "bill 2 2026-10-01..2026-10-31 total CNY 70.00 paid CNY 5.00 due CNY 45.00" "bill 2"
  [[ $(ctl sync status) == *'"last_contact"'* ]] || fail "the ask not recorded as a contact"
}

case_refused() {
  setup
  expect_status 1 ctl bill due --account NOPE
  contains "$ERR" "account NOPE is not known" "an unknown account"
  expect_status 1 ctl bill due --account A2
  contains "$ERR" "out_of_scope: account A2 has no meter kiosk K1 may act for" "another site's account"
  expect_status 2 ctl bill due --account 'A1/../x'
  contains "$ERR" "is not an account id" "an id that is no id"
  expect_status 2 ctl bill due A1
  stop_bo
  expect_status 1 ctl bill due --account A1
  [[ $(ctl sync status) =~ \"failures_in_a_row\":[[:space:]]*1 ]] || fail "the failed ask not recorded: $(ctl sync status)"
}

"case_$CASE"
finish
