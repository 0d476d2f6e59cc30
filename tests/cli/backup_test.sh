#!/usr/bin/env bash
# Backups and restores of the back office (docs/backup.md), through the
# real programs: a kiosk's sales uploaded by kioskctl sync, a backup while
# `backoffice serve` runs, more sales, the database destroyed, the backup
# restored and the back office started on it. Every sale up to the backup
# (or the point in time) is there exactly once, as the kiosk's ledger
# export has it, and none after; then the kiosk uploads its outbox again
# and the later sales arrive once (the ingest is idempotent).
#   sqlite_restore    `backoffice backup --to FILE` (SQLite's online backup)
#   sqlite_under_writes  backups while another process writes: each copy
#                     whole (its integrity checked) and at one instant
#   pg_pitr           PostgreSQL: a base backup, WAL archiving and a restore
#                     to a point in time between two known sales, on a
#                     server of the test's own (tests/support/pg_server)
# Usage: backup_test.sh CASE KIOSKCTL BACKOFFICE
CASE=$1 CTL=$2 BO=$3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bo_lib.sh"
PG_SERVER=$(cd "$(dirname "$0")/../support" && pwd)/pg_server
BACKUP=$(cd "$(dirname "$0")/../../packaging/backup" && pwd)

# bo_query SQL: one query on the back office's database, whichever the engine.
bo_query() { sqlite3 "$SITE/bo.db" "$1"; }

# two_sales: one sale on each of meters 1 and 2, uploaded.
two_sales() {
  ctl sale --meter 000000000001 --amount "$1" --pay counter >/dev/null || fail "a sale of $1"
  ctl sale --meter 000000000002 --amount "$2" --pay counter >/dev/null || fail "a sale of $2"
  expect_status 0 ctl sync now
}

# kiosk_sales: the kiosk's sales as its ledger export has them, "id,amount", sorted.
kiosk_sales() {
  ctl ledger export --format csv | tail -n +2 | tr -d '\r' | cut -d, -f1,3 | sort
}

# bo_sales: the back office's sales, "id,amount" (one line per row stored), sorted.
bo_sales() { bo_query "select txn_id || ',' || amount from sale" | sort; }

# same_sales WANT_FILE WHAT: the back office holds exactly the sales in WANT_FILE.
same_sales() {
  local got
  got=$(bo_sales)
  [[ $got == "$(cat "$1")" ]] || fail "$2: the back office holds
$got
and not
$(cat "$1")"
  (( $(wc -l <"$1") >= 2 )) || fail "$2: only $(wc -l <"$1") sales to compare"
}

# resync: the kiosk uploads its whole outbox again (what the back office
# lost in the restore among it); the rows it still holds are answered as
# before (their first answers), not stored again.
resync() {
  kiosk_sql "update outbox set sent_at = null"
  expect_status 0 ctl sync now
  contains "$OUT" " 0 rejected, 0 parked, 0 without an answer" "the upload after the restore"
  kiosk_sales >"$SITE/all"
  same_sales "$SITE/all" "after the kiosk's upload"
}

case_sqlite_restore() {
  setup_bo
  two_sales 5000 2500
  kiosk_sales >"$SITE/before"
  expect_status 0 bo backup --to "$SITE/copy.db"
  contains "$OUT" "integrity ok" "backup"
  contains "$OUT" "schema $(bo_query 'pragma user_version')" "backup"
  [[ $(stat -c %a "$SITE/copy.db") == 600 ]] || fail "the copy's mode is $(stat -c %a "$SITE/copy.db")"
  [[ -z $(ls "$SITE" | grep part) ]] || fail "the backup left $(ls "$SITE" | grep part)"
  expect_status 1 bo backup --to "$SITE/copy.db"
  contains "$ERR" "exists" "a backup over a file"
  expect_status 2 bo backup
  two_sales 1200 3400
  [[ $(bo_query "select count(*) from sale") == 4 ]] || fail "the back office holds $(bo_query "select count(*) from sale") sales"
  stop_bo
  rm -f "$SITE/bo.db" "$SITE/bo.db-wal" "$SITE/bo.db-shm"
  cp "$SITE/copy.db" "$SITE/bo.db"
  serve_bo
  same_sales "$SITE/before" "after the restore"
  resync
}

# Backups taken while another process adds customers one transaction at a
# time: each copy passes the integrity check and holds a whole number of
# those transactions (customers C1..Cn with no gap), later copies no fewer.
case_sqlite_under_writes() {
  setup_bo
  ( for i in $(seq 80); do bo customer add "9$(printf '%011d' "$i")" "Writer $i" >/dev/null || exit 1; done ) &
  local writer=$! n during=0 last=0 got
  for n in 1 2 3 4 5 6; do
    expect_status 0 bo backup --to "$SITE/copy$n.db"
    contains "$OUT" "integrity ok" "backup $n"
    kill -0 "$writer" 2>/dev/null && during=$((during + 1))
    sleep 0.2
  done
  wait "$writer" || fail "the writer failed"
  (( during >= 2 )) || fail "only $during backups overlapped the writes"
  for n in 1 2 3 4 5 6; do
    [[ $(sqlite3 "$SITE/copy$n.db" "pragma integrity_check") == ok ]] || fail "copy $n fails its integrity check"
    got=$(sqlite3 "$SITE/copy$n.db" "select count(*) from customer where id like '9%'")
    [[ $(sqlite3 "$SITE/copy$n.db" "select coalesce(max(cast(substr(id, 2) as integer)), 0) from customer
      where id like '9%'") == "$got" ]] || fail "copy $n holds $got writer customers, not C1..C$got"
    (( got >= last )) || fail "copy $n holds $got writer customers, fewer than the copy before ($last)"
    last=$got
    echo "copy $n: $got of the writer's customers"
  done
  [[ $(bo_query "select count(*) from customer where id like '9%'") == 80 ]] || fail "the writer's customers"
}

# The PostgreSQL server of this test, with WAL archiving; psql as its owner.
pg() { "$PG_SERVER" "$1" "$SITE/pg.state" "${@:2}"; }
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_bo() { psql -h "$PGDIR" -U postgres -d "${2:-bo}" -XAtqc "$1"; }

# The restore: base backup, WAL archive, a point in time between the
# second and third pairs of sales; the server destroyed in between.
case_pg_pitr() {
  make_site
  trap 'kill $BO_PID 2>/dev/null; wait $BO_PID 2>/dev/null; pg stop; rm -rf "$SITE"' EXIT
  pg start --archive || { fail "the PostgreSQL server did not start"; finish; }
  PGDIR=$(cat "$SITE/pg.state")
  psql_bo "create database bo" postgres || { fail "create database"; finish; }
  bo_query() { psql_bo "$1"; }
  bo_loopback "$(printf '[server]\ndatabase = postgresql:///bo?host=%s&user=postgres' "$PGDIR")"
  [[ $(bo_query "select count(*) from bo_schema_version") -gt 1 ]] || fail "the back office is not on PostgreSQL"
  expect_status 1 bo backup --to "$SITE/copy.db"
  contains "$ERR" "pg_basebackup" "backup on PostgreSQL"
  two_sales 5000 2500
  as_pg mkdir -m 700 "$PGDIR/backups"
  local base target seg
  base=$(as_pg "$BACKUP/pg-base-backup" "$PGDIR/backups" -h "$PGDIR" -U postgres | tail -n 1)
  [[ -f $base/PG_VERSION ]] || { fail "no base backup: $base"; finish; }
  two_sales 1200 3400
  kiosk_sales >"$SITE/before"
  sleep 1.1 # the point in time falls between the second and third pairs' commits
  target=$(psql_bo "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
  sleep 1.1
  two_sales 700 800
  [[ $(bo_query "select count(*) from sale") == 6 ]] || fail "the back office holds $(bo_query "select count(*) from sale") sales"
  seg=$(psql_bo "select pg_walfile_name(pg_switch_wal())")
  for _ in $(seq 100); do [[ -f $PGDIR/archive/$seg ]] && break; sleep 0.1; done
  [[ -f $PGDIR/archive/$seg ]] || fail "the segment $seg was not archived"
  stop_bo
  pg halt || fail "halting the server"
  rm -rf "$PGDIR/data"
  as_pg "$BACKUP/pg-restore-pitr" "$base" "$PGDIR/archive" "$PGDIR/data" "$target" >/dev/null ||
    fail "pg-restore-pitr"
  pg resume || { fail "the restored server did not start"; finish; }
  contains "$(cat "$PGDIR/server.log")" "recovery stopping before commit" "the server's log"
  serve_bo
  same_sales "$SITE/before" "after the restore to $target"
  resync
}

"case_$CASE"
finish
