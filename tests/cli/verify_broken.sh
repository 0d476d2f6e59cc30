#!/usr/bin/env bash
# A deliberately broken ledger makes `kioskctl ledger verify` fail and say why.
# Usage: verify_broken.sh CASE KIOSKCTL
CASE=$1 CTL=$2
. "$(dirname "$0")/lib.sh"

make_site
ctl sale --meter 000000000001 --amount 5000 --pay counter >/dev/null || fail "first sale"
ctl sale --meter 000000000001 --amount 2000 --pay counter >/dev/null || fail "second sale"
expect_status 0 ctl ledger verify   # sound before we break it
DB=$SITE/ledger.db
SECOND=$(sqlite3 "$DB" "select id from txn where amount = 2000")

break_and_expect() { # SQL EXPECTED-TEXT
  sqlite3 "$DB" "$1" || fail "could not apply: $1"
  expect_status 1 ctl ledger verify
  contains "$OUT$ERR" "$2" "verify output"
}

case "$CASE" in
paid_mismatch)
  break_and_expect "update txn set paid = paid + 1 where id = '$SECOND'" "paid 2001 but its payments sum to 2000" ;;
credited_twice)
  break_and_expect "insert into delivery_attempt(txn_id, meter, purchase_count, amount, channel, started_at, result, applied)
                    select txn_id, meter, purchase_count, amount, channel, started_at, result, 1
                    from delivery_attempt where txn_id = '$SECOND'" "credited 2 times" ;;
count_reused)
  break_and_expect "drop index txn_meter_count; update txn set purchase_count = 1 where id = '$SECOND'" \
                   "purchase count 1 held by 2 transactions" ;;
missing_outbox)
  break_and_expect "delete from outbox where seq = 3" "has no outbox row" ;;
illegal_history)
  break_and_expect "drop trigger txn_event_no_update;
                    update txn_event set event = 'applied' where event = 'pay_begin' and txn_id = '$SECOND'" \
                   "not allowed after created" ;;
counter_mismatch)
  break_and_expect "update cash_counter set total = total + 100" "cash counter counter/CNY/0" ;;
two_live_cards)
  break_and_expect "insert into meter_card values ('4B50000000000001', '000000000001', '100000000001', 'user', 0,
                    'active', '', 'staff:t', 1, 1), ('4B50000000000002', '000000000001', '100000000001',
                    'replacement', 1, 'active', '4B50000000000001', 'staff:t', 2, 2)" \
                   "meter 000000000001: 2 cards are active or being issued" ;;
bad_replacement)
  break_and_expect "insert into meter_card values ('4B50000000000003', '000000000001', '100000000001',
                    'replacement', 1, 'active', '4B5000000000FFFF', 'staff:t', 1, 1)" \
                   "replaces 4B5000000000FFFF, which is not an older card of that meter" ;;
torn_file)
  pages=$(sqlite3 "$DB" "pragma page_count")
  (( pages > 8 )) || fail "ledger too small to tear ($pages pages)"
  head -c 4096 /dev/zero | tr '\0' '\377' | dd of="$DB" bs=4096 seek=$((pages / 2)) conv=notrunc status=none
  expect_status 1 ctl ledger verify
  [[ "$OUT$ERR" =~ (integrity|malformed|corrupt) ]] || fail "verify did not name the damage: $OUT$ERR" ;;
*) fail "no case $CASE" ;;
esac
finish
