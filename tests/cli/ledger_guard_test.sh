#!/usr/bin/env bash
# The ledger's identity and its one writer (docs/ledger.md, "Identity" and
# "One writer"): never a new ledger where one is expected, one writer at a
# time, a private file, and one clear line on a full or read-only disk.
# Usage: ledger_guard_test.sh CASE KIOSKCTL
CASE=$1 CTL=$2
. "$(dirname "$0")/lib.sh"

M1=000000000001
DB=$SITE/ledger.db

sale() { ctl sale --meter "$M1" --amount "${1:-1000}" --pay counter; }
credits() { grep -c "^credit" "$SITE/journal" 2>/dev/null || echo 0; }
bound_id() { cat "$SITE/identity/ledger.id"; }

# A kiosk that sold once: its ledger and the identity folder naming it.
set_up_kiosk() {
  make_site
  sale >/dev/null || fail "the first sale"
  [[ -s $SITE/identity/ledger.id ]] || fail "the first start recorded no ledger identity"
  [[ $(bound_id) == "$(sqlite3 "$DB" 'select id from ledger_identity')" ]] || fail "the recorded identity is not the ledger's"
}

# Every writing verb refuses, in one line naming the file and what to do,
# and creates nothing.
writers_refuse() { # WHAT-IS-WRONG
  local verb
  for verb in "sale --meter $M1 --amount 1000 --pay counter" "recover" "retry" "cash collect" "operator list" \
    "sync status"; do
    # shellcheck disable=SC2086
    expect_status 1 ctl $verb
    contains "$ERR" "$DB" "kioskctl $verb"
    contains "$ERR" "$1" "kioskctl $verb"
    contains "$ERR" "ledger init --new" "kioskctl $verb"
    [[ $(grep -c . <<<"$ERR") == 1 ]] || fail "kioskctl $verb: more than one line: $ERR"
  done
}

case_missing_after_setup() {
  set_up_kiosk
  rm -f "$DB" "$DB-wal" "$DB-shm"
  writers_refuse "is missing, but this kiosk has had a ledger"
  [[ ! -e $DB ]] || fail "a ledger was created where the kiosk's is expected"
  [[ $(credits) == 1 ]] || fail "a refused sale reached the meter"
}

case_empty_after_setup() {
  set_up_kiosk
  rm -f "$DB-wal" "$DB-shm"
  : >"$DB"
  writers_refuse "is empty, but this kiosk has had a ledger"
  [[ ! -s $DB ]] || fail "the empty file was made into a new ledger"
}

case_foreign_ledger() {
  set_up_kiosk
  mkdir "$SITE/other"
  ctl --set ledger.path="$SITE/other/ledger.db" sale --meter "$M1" --amount 500 --pay counter >/dev/null ||
    fail "the other kiosk's sale"
  local ours theirs
  ours=$(bound_id)
  theirs=$(sqlite3 "$SITE/other/ledger.db" 'select id from ledger_identity')
  rm -f "$DB-wal" "$DB-shm"
  cp "$SITE/other/ledger.db" "$DB"
  writers_refuse "holds ledger $theirs, not this kiosk's $ours"
}

case_not_a_ledger() {
  set_up_kiosk
  rm -f "$DB-wal" "$DB-shm"
  head -c 8192 /dev/urandom >"$DB"
  writers_refuse "not a kiosk ledger"
}

# Staff start a new ledger on purpose: the old file is kept aside, the new
# one is recorded as the kiosk's, the audit log says who and why, and sales
# go on.
case_init_new() {
  set_up_kiosk
  local old
  old=$(bound_id)
  expect_status 2 ctl ledger init --new --reason "the disk was replaced"
  contains "$ERR" "opens fine: nothing to replace" "init on a healthy ledger"
  : >"$DB"
  expect_status 2 ctl ledger init --new
  expect_status 0 ctl ledger init --new --reason "the disk was replaced"
  contains "$OUT" "in place of $old" "init"
  ls "$SITE"/ledger.db.replaced-* >/dev/null 2>&1 || fail "the broken file was not kept aside"
  local new
  new=$(bound_id)
  [[ $new != "$old" && $new == "$(sqlite3 "$DB" 'select id from ledger_identity')" ]] ||
    fail "the new ledger ($new) is not the kiosk's recorded one"
  [[ $(sqlite3 "$DB" "select action || '|' || target || '|' || reason from audit") == \
    "ledger.init_new|$new|the disk was replaced" ]] || fail "audit: $(sqlite3 "$DB" 'select * from audit')"
  [[ $(sqlite3 "$DB" "select count(*) from outbox where topic = 'audit'") == 1 ]] || fail "the audit row is not in the outbox"
  expect_status 0 sale
  expect_status 0 ctl ledger verify
}

# A fresh appliance creates its ledger, private whatever the umask; the
# identity folder records it.
case_fresh_start_is_private() {
  make_site
  (umask 000 && sale >/dev/null) || fail "the first sale"
  local f
  for f in "$DB" "$DB.lock" "$SITE/identity/ledger.id"; do
    [[ -e $f ]] || { fail "$f was not made"; continue; }
    [[ $(stat -c %a "$f") == 600 ]] || fail "$f has mode $(stat -c %a "$f"), not 600"
  done
  [[ $(stat -c %a "$SITE/identity") == 700 ]] || fail "the identity folder has mode $(stat -c %a "$SITE/identity")"
  # SQLite's -wal and -shm files take the ledger's mode while a program has it open
  python3 - "$DB" <<'PY' || fail "the -wal and -shm files are not private while the ledger is open"
import os, sqlite3, sys
db = sys.argv[1]
os.umask(0)
c = sqlite3.connect(db)
c.execute("select count(*) from txn").fetchall()
for side in ("-wal", "-shm"):
    mode = os.stat(db + side).st_mode & 0o777
    assert mode == 0o600, (side, oct(mode))
PY
}

# Two programs selling on one ledger at once: each waits for the other,
# every sale ends delivered, each credit reaches the meter once.
case_two_writers() {
  make_site
  local n=40 i s
  stream() {
    for ((i = 0; i < n; i++)); do
      sale 100 >"$SITE/out.$1.$i" 2>"$SITE/err.$1.$i"
      echo $? >"$SITE/status.$1.$i"
    done
  }
  stream a & local a=$!
  stream b & local b=$!
  wait $a $b
  local bad=0
  for s in a b; do
    for ((i = 0; i < n; i++)); do
      if [[ $(cat "$SITE/status.$s.$i") != 0 ]] || ! grep -q '"state":	"delivered"' "$SITE/out.$s.$i"; then
        ((bad++ < 3)) && fail "sale $s.$i exited $(cat "$SITE/status.$s.$i"): $(cat "$SITE/out.$s.$i" "$SITE/err.$s.$i")"
      fi
    done
  done
  ((bad == 0)) || fail "$bad of $((2 * n)) sales did not end delivered and reported so"
  [[ $(credits) == $((2 * n)) ]] || fail "the meter got $(credits) credits for $((2 * n)) sales"
  [[ $(sqlite3 "$DB" "select count(*) from txn where state = 'delivered'") == $((2 * n)) ]] ||
    fail "the ledger holds $(sqlite3 "$DB" "select count(*) from txn where state = 'delivered'") delivered sales"
  expect_status 0 ctl ledger verify
}

# While one program holds the ledger, another waits and says for whom, then
# goes on; with no patience it refuses, naming the holder.
case_waits_then_refuses() {
  set_up_kiosk
  flock "$DB.lock" bash -c "echo 'kiosk (pid 4242): a sale since now' >'$DB.lock'; sleep 1.5" &
  local holder=$!
  sleep 0.3
  expect_status 0 sale
  contains "$ERR" "waiting for the ledger" "the waiting sale"
  contains "$ERR" "kiosk (pid 4242)" "the waiting sale"
  wait $holder
  flock "$DB.lock" sleep 3 &
  holder=$!
  sleep 0.3
  expect_status 1 ctl --set ledger.lock_wait_ms=200 sale --meter "$M1" --amount 1000 --pay counter
  contains "$ERR" "the ledger is in use by" "the impatient sale"
  wait $holder
  [[ $(credits) == 2 ]] || fail "credits: $(credits)"
}

# A disk that fills up: the step that cannot be recorded fails with one line
# naming the file and what to do; nothing is credited that is not recorded.
case_disk_full() {
  make_site
  mkdir "$SITE/disk"
  unshare -rm bash -c "
    mount -t tmpfs -o size=1m tmpfs '$SITE/disk' || exit 99
    c() { '$CTL' --config '$SITE/kiosk.ini' --set ledger.path='$SITE/disk/ledger.db' \"\$@\"; }
    c sale --meter $M1 --amount 1000 --pay counter >/dev/null || exit 98
    dd if=/dev/zero of='$SITE/disk/filler' bs=4k 2>/dev/null
    for i in \$(seq 40); do
      c sale --meter $M1 --amount 1000 --pay counter >'$SITE/full.out' 2>'$SITE/full.err' || break
    done
    rm -f '$SITE/disk/filler'
    c recover >/dev/null && c ledger verify >'$SITE/verify.out' 2>&1 || exit 97
    sqlite3 '$SITE/disk/ledger.db' \"select count(*) from txn where state = 'delivered'\" >'$SITE/delivered'
  "
  local rc=$?
  ((rc == 0)) || { fail "the disk-full run stopped ($rc): $(cat "$SITE/full.err" "$SITE/verify.out" 2>/dev/null)"; return; }
  ERR=$(cat "$SITE/full.err")
  contains "$ERR" "is full" "the sale on a full disk"
  contains "$ERR" "$SITE/disk/ledger.db" "the sale on a full disk"
  [[ $(grep -c . <<<"$ERR") == 1 ]] || fail "more than one line: $ERR"
  [[ $(credits) == $(cat "$SITE/delivered") ]] ||
    fail "the meter got $(credits) credits, the ledger holds $(cat "$SITE/delivered") delivered sales"
}

# A ledger on a read-only file system: one line saying so, nothing sent.
case_read_only() {
  set_up_kiosk
  unshare -rm bash -c "
    mount --bind '$SITE' '$SITE' && mount -o remount,ro,bind '$SITE' || exit 99
    '$CTL' --config '$SITE/kiosk.ini' sale --meter $M1 --amount 1000 --pay counter >'$SITE/../ro.out.$$' 2>'$SITE/../ro.err.$$'
    echo \$? >'$SITE/../ro.status.$$'
  "
  (($? != 99)) || { fail "could not mount read-only"; return; }
  local dir=$SITE/..
  ERR=$(cat "$dir/ro.err.$$"); local st
  st=$(cat "$dir/ro.status.$$")
  rm -f "$dir/ro.out.$$" "$dir/ro.err.$$" "$dir/ro.status.$$"
  [[ $st == 1 ]] || fail "the sale on a read-only ledger exited $st"
  contains "$ERR" "$DB" "the sale on a read-only ledger"
  contains "$ERR" "read-only" "the sale on a read-only ledger"
  contains "$ERR" "make it writable" "the sale on a read-only ledger"
  [[ $(grep -c . <<<"$ERR") == 1 ]] || fail "more than one line: $ERR"
  [[ $(credits) == 1 ]] || fail "a sale on a read-only ledger reached the meter"
}

"case_$CASE"
finish
