#!/usr/bin/env bash
# The console's accounts, finance, reports and batch pages in a browser
# (docs/console.md): the back office on loopback serving the console,
# metersim's 50 meters behind a running `kioskctl worker`, real sales and
# readings uploaded by the kiosk; the browser's half is pages_test.mjs, and
# what it did is checked here against the command line.
# Usage: pages_test.sh CASE KIOSKCTL BACKOFFICE METERSIM CONSOLE_DIR
CASE=$1 CTL=$2 BO=$3 SIM=$4 CONSOLE_DIR=$5
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../cli/lib.sh"
. "$HERE/../cli/bo_lib.sh"
. "$HERE/../cli/metersim_lib.sh"

N=50
meter() { printf '%012d' "$1"; }
browser() { node "$HERE/pages_test.mjs" "$1" "http://127.0.0.1:$PORT" "$SITE" || fail "the browser's part of $1"; }

setup() { # metersim's 50 meters on site S1; operators admin (all) and clerk (diagnostics)
  start_metersim $N 300 "retries = 0"
  trap 'stop_worker; kill $BO_PID $SIM_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$SITE"' EXIT
  bo_loopback "$(printf '[commands]\nbatch_check_seconds = 1\n[console]\ndir = %s' "$CONSOLE_DIR")"
  printf 'pubkey = %s\n' "$(bo pubkey | grep -o '[A-Za-z0-9+/=]\{44\}' | head -1)" >>"$SITE/kiosk.ini"
  bo_sim_meters 4 $N
  { bo group set admins --perms all && bo group set clerks --perms diagnostics &&
    BACKOFFICE_NEW_PIN=2468 bo operator add admin --group admins && BACKOFFICE_NEW_PIN=1357 bo operator add clerk --group clerks &&
    BACKOFFICE_NEW_PASSWORD='correct horse battery' bo operator password admin &&
    BACKOFFICE_NEW_PASSWORD='clerk password 1' bo operator password clerk; } >/dev/null || fail "the operators"
  expect_status 0 ctl sync now
}

case_batch() { # relay_trip over the 50 meters from the console; every relay open, audited as the operator
  start_worker
  browser batch
  local id m
  id=$(cat "$SITE/batch.id")
  [[ -n $id ]] || { fail "no batch id from the browser"; return; }
  expect_status 0 bo batch show "$id"
  [[ $(json "$OUT" '$.counts.done') == $N ]] || fail "the command line's count of done: $OUT"
  for m in $(seq $N); do
    control "state $(meter "$m")"
    [[ $(json "${REPLY#ok }" '$.relay') == open ]] || fail "meter $m's relay is not open"
  done
  [[ $(bo_sql "select count(*) from audit where action = 'batch.create' and target = '$id' and actor = 'console:admin'
        and reason = 'arrears run from the console'") == 1 ]] || fail "the batch.create audit row"
}

case_report_csv() { # meter 1 read three times with use between; the console's CSV is the command line's, byte for byte
  local pass
  for pass in 1 2 3; do
    "$CTL" --config "$SITE/kiosk.ini" worker --interval 200 --scan-every 100000 >>"$SITE/worker.log" 2>&1 &
    WORKER_PID=$!
    sleep 2.5
    stop_worker
    control "consume $(meter 1) $((pass * 4321))"
  done
  expect_status 0 ctl sync now
  [[ $(bo_sql "select count(distinct at) from reading where meter = '$(meter 1)'") -ge 2 ]] ||
    fail "the readings: $(bo_sql "select count(*) from reading")"
  local from to after
  from=$(date -u -d '-10 days' +%Y-%m-%d) to=$(date -u +%Y-%m-%d) after=$(date -u -d '+1 day' +%Y-%m-%d)
  echo "$from $to" >"$SITE/span"
  browser report_csv
  bo report energy --meter "$(meter 1)" --by day --from "$from" --to "$after" --csv >"$SITE/cli.csv" || fail "the command line's report"
  cmp "$SITE/cli.csv" "$SITE/console.csv" || fail "the console's CSV differs: $(diff "$SITE/cli.csv" "$SITE/console.csv")"
  [[ $(grep -c "^$to,Wh," "$SITE/cli.csv") == 1 ]] || fail "today's row: $(cat "$SITE/cli.csv")"
}

case_finance() { # three sales at the counter from the kiosk; the finance page's totals are theirs
  expect_status 0 ctl sale --meter "$(meter 1)" --amount 5000 --pay counter
  expect_status 0 ctl sale --meter "$(meter 2)" --amount 2500 --pay counter
  expect_status 0 ctl sale --meter "$(meter 3)" --amount 12345 --pay counter
  expect_status 0 ctl sync now
  [[ $(bo_sql "select count(*) from sale where state = 'delivered'") == 3 ]] || fail "the sales uploaded"
  EXPECT=19845 SALES=3 browser finance
  expect_status 0 bo report income --by day --csv
  contains "$OUT" ",S1,counter," "the command line's income report"
  [[ $(awk -F, 'NR > 1 { s += $6 } END { print s }' <<<"$OUT") == 19845 ]] || fail "the command line's income: $OUT"
}

case_accounts() { # the console's account changes are the command line's, audited as the operator
  browser accounts
  expect_status 0 bo account show A9
  contains "$OUT" "Wang Fang" "the pre-filled customer"
  contains "$OUT" "refund" "the settlement"
  [[ $(bo_sql "select group_concat(action, ' ') from (select action from audit where actor = 'console:admin'
        and action like 'account.%' order by id)") == "account.open account.bind account.close" ]] ||
    fail "the audit rows: $(bo_sql "select actor, action from audit where action like 'account.%'")"
  [[ $(bo_sql "select settled from account where id = 'A9'") == 2300 ]] || fail "the refund's amount"
}

case_permission() { # clerk lacks accounts: refused, nothing written
  browser permission
  [[ $(bo_sql "select count(*) from account") == 0 ]] || fail "a refused change wrote an account"
  [[ $(bo_sql "select count(*) from meter_removed") == 0 ]] || fail "a refused change removed a meter"
}

case_axe() { # every new page with data in it, both languages
  bo account open A1 --customer 100000000001 --meter "$(meter 1)" >/dev/null || fail "account A1"
  expect_status 0 ctl sale --meter "$(meter 1)" --amount 5000 --pay counter
  expect_status 0 ctl sync now
  expect_status 0 bo batch create --command relay_trip --meters "$(meter 2),$(meter 3)" \
    --at "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" --operator alice --reason later
  browser axe
}

setup
"case_$CASE"
[[ $failures == 0 ]] || { echo "--- worker.log"; tail -30 "$SITE/worker.log"; echo "--- bo.log"; tail -20 "$SITE/bo.log"; } >&2
finish
