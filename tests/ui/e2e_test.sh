#!/usr/bin/env bash
# The touchscreen end to end, headless: `kiosk-demo --script` against metersim,
# cashsim, paysim and printsim (and cardsim in pcscd's virtual readers for
# the meter card, the reference back office for QR codes), each in its own
# process on its real protocol; then the ledger, the devices' own journals
# and the receipts are checked.
# Usage: e2e_test.sh CASE KIOSK_DEMO KIOSKCTL METERSIM CASHSIM PAYSIM SCRIPTS PRINTSIM [CARDSIM [BACKOFFICE]]
CASE=$1 KIOSK=$2 CTL=$3 METERSIM=$4 CASHSIM=$5 PAYSIM=$6 SCRIPTS=$7 PRINTSIM=$8 CARDSIM=${9:-} BO=${10:-}
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/../cli/bo_lib.sh"
. "$(dirname "$0")/site_lib.sh"

json() { sqlite3 :memory: "select json_extract('$1', '$2')"; }

run_kiosk() { # run_kiosk SCRIPT [OPTIONS...]: headless, shots into $SITE/shots
  local script=$1; shift
  mkdir -p "$SITE/shots"
  SDL_VIDEODRIVER=offscreen timeout 60 "$KIOSK" --config "$SITE/kiosk.ini" --headless "$@" \
    --script "$SCRIPTS/$script.kscript" --shots "$SITE/shots" --sim cash=127.0.0.1:$CASH \
    --sim meters=127.0.0.1:$METERS --sim printer=127.0.0.1:$PRINTER ${CARDS:+--sim cards=127.0.0.1:$CARDS} \
    >"$SITE/out" 2>"$SITE/err"
  local got=$?
  [[ $got == 0 ]] || fail "kiosk-demo --script $script exited $got: $(grep -v ' I kiosk' "$SITE/err" | tail -20)"
}

sale() { # sale FIELD: of the newest sale in the ledger
  sqlite3 "$SITE/ledger.db" "select $1 from txn order by created_at desc limit 1"
}

case_cash_remote() {
  run_kiosk cash_remote --report
  # the report counts every tap (12 of them the meter's digits on identify), the screens read after attract
  # (identify, account, amount, method, payment, result) and the kiosk's waiting (the lookup, the delivery)
  local report
  report=$(grep '^report ' "$SITE/out")
  [[ $report == "report touches=20 meter_digits=12 screens=6 kiosk_ms="* ]] || fail "the script's report: $report"
  (( $(sed 's/.*kiosk_ms=\([0-9]*\).*/\1/' <<<"$report") > 0 )) || fail "no waiting for the kiosk measured: $report"
  [[ $(sale state) == delivered && $(sale paid) == 3000 && $(sale method) == cash ]] \
    || fail "the ledger's sale: $(sale 'state, paid, method')"
  control "$METERS" "state 000000000001"
  [[ $(json "${REPLY#ok }" '$.journal[0].amount') == 3000 && $(json "${REPLY#ok }" '$.purchase_count') == 1 ]] \
    || fail "the meter's journal has no credit of 3000: $REPLY"
  control "$CASH" state
  [[ $(json "${REPLY#ok }" '$.journal[1].value') == 1000 ]] || fail "cashsim's journal: $REPLY"
  [[ -s "$SITE/shots/result.png" && -s "$SITE/shots/attract.png" ]] || fail "no shots: $(ls "$SITE/shots")"
  local id paper
  id=$(sale id)
  paper=$(receipt 1)
  contains "$paper" "$id" "the printed receipt"
  contains "$paper" "000000000001" "the printed receipt"
  contains "$paper" "已到账 Credited" "the printed receipt"
  [[ $(sqlite3 "$SITE/ledger.db" "select target from audit where action = 'receipt_print'") == "$id" ]] ||
    fail "the printed receipt is not in the audit log"
  expect_status 0 ctl ledger verify
}

case_cash_stop() { # one note of a 30.00 top-up, then Cancel: asked, the resident stops and the 20.00 is credited
  run_kiosk cash_stop
  [[ $(sale state) == delivered && $(sale paid) == 2000 && $(sale amount) == 3000 ]] \
    || fail "the ledger's sale: $(sale 'state, paid, amount')"
  control "$METERS" "state 000000000001"
  [[ $(json "${REPLY#ok }" '$.journal[0].amount') == 2000 ]] || fail "the meter's journal has no credit of 2000: $REPLY"
  control "$CASH" state
  [[ $(json "${REPLY#ok }" '$.journal[0].value') == 2000 && -z $(json "${REPLY#ok }" '$.journal[1].value') ]] \
    || fail "cashsim's journal: $REPLY"
  expect_status 0 ctl ledger verify
}

receipt() { # receipt N: the text of printsim's Nth receipt, once it is written
  local f=$SITE/paper/$(printf 'receipt-%04d.txt' "$1")
  for _ in $(seq 60); do [[ -s $f ]] && break; sleep 0.05; done
  cat "$f" 2>/dev/null
}

case_receipt_on_screen() { # the printer is out of paper: the receipt is on the screen, the credit delivered
  control "$PRINTER" "paper out"
  run_kiosk receipt_on_screen
  [[ $(sale state) == delivered && $(sale paid) == 2000 ]] || fail "the ledger's sale: $(sale 'state, paid')"
  [[ ! -e "$SITE/paper/receipt-0001.txt" ]] || fail "a receipt was printed without paper"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where action = 'receipt_print'") == 0 ]] ||
    fail "a receipt not printed is recorded as printed"
  [[ -s "$SITE/shots/receipt.png" ]] || fail "no shot of the receipt on the screen"
  local qr
  qr=$(zbarimg --quiet --raw "$SITE/shots/receipt.png" 2>/dev/null)
  [[ $qr == "$(sale id)" ]] || fail "the QR code on the screen reads '$qr', not the sale $(sale id)"
}

case_device_health() { # the acceptor stops answering: out of service (no terminal here), back when it answers
  run_kiosk device_health --set payterm.protocol=none
  grep -q "the bill acceptor does not answer" "$SITE/err" || fail "the acceptor's fault was not reported"
}

case_card_remote() {
  run_kiosk card_remote
  [[ $(sale state) == delivered && $(sale paid) == 2000 && $(sale method) == card ]] \
    || fail "the ledger's sale: $(sale 'state, paid, method')"
  control "$PAY" state
  [[ $(json "${REPLY#ok }" '$.journal[0].amount') == 2000 ]] || fail "paysim's journal: $REPLY"
  control "$METERS" "state 000000000002"
  [[ $(json "${REPLY#ok }" '$.journal[0].amount') == 2000 ]] || fail "the meter's journal: $REPLY"
  expect_status 0 ctl ledger verify
}

case_pending() {
  control "$METERS" "offline 000000000003"
  run_kiosk pending
  [[ $(sale state) == delivery_pending && $(sale paid) == 1000 ]] || fail "the ledger's sale: $(sale 'state, paid')"
  local id ref
  id=$(sale id)
  ref=$(tr a-f A-F <<<"${id:0:8}")
  grep -q "result pending, paid 1000, sale $id" "$SITE/err" || fail "the kiosk did not end on pending for $id"
  [[ -s "$SITE/shots/pending.png" ]] || fail "no shot of the pending result"
  control "$METERS" "state 000000000003"
  [[ $(json "${REPLY#ok }" '$.purchase_count') == 0 ]] || fail "the offline meter was credited: $REPLY"
  # the meter comes back: the retry finishes the same sale
  control "$METERS" "online 000000000003"
  sleep 2 # the first retry is due after delivery.retry_base_ms, with jitter
  expect_status 0 ctl retry
  [[ $(sale state) == delivered ]] || fail "the pending sale ($ref) was not finished by the retry: $(sale reason)"
  expect_status 0 ctl ledger verify
}

case_bad_script() { # a script whose expect (or absent) cannot hold must fail the run, saying where
  printf 'expect payment 500\n' >"$SITE/never.kscript"
  SDL_VIDEODRIVER=offscreen timeout 30 "$KIOSK" --config "$SITE/kiosk.ini" --headless --script "$SITE/never.kscript" \
    --shots "$SITE" >"$SITE/out" 2>"$SITE/err"
  [[ $? == 1 ]] || fail "a failed expect did not fail the run"
  grep -q "never.kscript:1: expect payment: not reached within 500 ms; the screen is attract" "$SITE/err" \
    || fail "the failure does not say where: $(cat "$SITE/err")"
  [[ -s "$SITE/failed.png" ]] || fail "no shot of the screen at the failure"
  printf 'tap nothing\n' >"$SITE/bad.kscript"
  "$KIOSK" --config "$SITE/kiosk.ini" --headless --script "$SITE/bad.kscript" >"$SITE/out" 2>"$SITE/err"
  [[ $? == 2 ]] && grep -q "bad.kscript:1: tap 'nothing': not a control" "$SITE/err" \
    || fail "a bad script line was not refused: $(cat "$SITE/err")"
  printf 'expect attract 5000\nlang en\nabsent Top up your meter\n' >"$SITE/shown.kscript"
  SDL_VIDEODRIVER=offscreen timeout 30 "$KIOSK" --config "$SITE/kiosk.ini" --headless --script "$SITE/shown.kscript" \
    --shots "$SITE" >"$SITE/out" 2>"$SITE/err"
  [[ $? == 1 ]] && grep -q "shown.kscript:3: absent 'Top up your meter': it is on the screen" "$SITE/err" \
    || fail "absent held for a text on the screen: $(cat "$SITE/err")"
}

case_water_remote() { # a water meter: m³ and valve wording on the screens, m3 on paper, the credit at metersim
  control "$METERS" "set 000000000003 kind water"
  control "$METERS" "set 000000000003 tariff single 4.10"
  control "$METERS" "set 000000000003 relay open" # the valve closed at zero
  sed -i '1s/$/,kind,tariff/; 2,3s/$/,electricity,/; 4s/$/,water,/' "$SITE/meters.csv"
  printf '[ui]\ntariff_water = single 4.10\n' >>"$SITE/kiosk.ini"
  run_kiosk water_remote
  [[ $(sale state) == delivered && $(sale paid) == 1000 && $(sale meter) == 000000000003 ]] ||
    fail "the ledger's last sale: $(sale 'state, paid, meter')"
  [[ $(sqlite3 "$SITE/ledger.db" "select group_concat(paid) from (select paid from txn where meter = '000000000003'
        and state = 'delivered' and method = 'cash' order by created_at)") == 2000,1000 ]] ||
    fail "the ledger's water sales: $(sqlite3 "$SITE/ledger.db" 'select meter, state, paid, method from txn')"
  control "$METERS" "state 000000000003"
  local st=${REPLY#ok }
  [[ $(json "$st" '$.kind') == water && $(json "$st" '$.purchase_count') == 2 ]] || fail "metersim's meter: $st"
  [[ $(json "$st" '$.journal[0].amount') == 2000 && $(json "$st" '$.journal[1].amount') == 1000 ]] ||
    fail "metersim's journal: $st"
  [[ $(json "$st" '$.relay') == closed ]] || fail "the valve did not open after the top-up: $st"
  local paper
  paper=$(receipt 1)
  contains "$paper" "000000000003" "the water sale's receipt"
  contains "$paper" "4.87 m3" "the water sale's receipt (CNY 20.00 at 4.10 per m3)"
  [[ $paper != *kWh* ]] || fail "the water sale's receipt says kWh: $paper"
  [[ ! -e "$SITE/paper/receipt-0002.txt" ]] || fail "a receipt was printed without paper"
  [[ -s "$SITE/shots/water-receipt.png" && -s "$SITE/shots/water-amount.png" ]] || fail "no shots: $(ls "$SITE/shots")"
  expect_status 0 ctl ledger verify
}

case_meter_card() { # staff issued the card; the resident inserts it, pays in notes; the credit is on the card; then a water meter's card
  start_cards
  "$CARDSIM" make-blank 4B50000000000071 "$SITE/card.json" >/dev/null || fail "make-blank"
  card_into_reader card.json
  expect_status 0 ctl card issue --meter 000000000002 --customer 100000000002 --reason "e2e"
  control "$CARDS" remove
  sleep 1 # vpcd listens again a moment after a card left
  run_kiosk meter_card
  [[ $(sale state) == delivered && $(sale paid) == 3000 && $(sale channel) == card && $(sale card) == 4B50000000000071 ]] \
    || fail "the ledger's sale: $(sale 'state, paid, channel, card')"
  local purse
  purse=$(sqlite3 :memory: "select json_extract(readfile('$SITE/card.json'), '\$.ef_purse')")
  [[ ${purse:0:14} == 0100000BB80001 ]] || fail "the card's purse is not 30.00 with count 1 (purpose 01): $purse"
  contains "$(receipt 1)" "4B50000000000071" "the card sale's receipt"
  # A water meter's card: the same flow in Chinese, in the water meter's words
  control "$METERS" "set 000000000003 kind water"
  sed -i '1s/$/,kind,tariff/; 2,3s/$/,electricity,/; 4s/$/,water,/' "$SITE/meters.csv"
  "$CARDSIM" make-blank 4B50000000000072 "$SITE/water.json" >/dev/null || fail "make-blank (water)"
  card_into_reader water.json
  printf '[ui]\ntariff_water = single 4.10\n' >>"$SITE/kiosk.ini"
  expect_status 0 ctl card issue --meter 000000000003 --customer 100000000003 --reason "e2e water"
  control "$CARDS" remove
  sleep 1
  run_kiosk water_card
  [[ $(sale meter) == 000000000003 && $(sale state) == delivered && $(sale card) == 4B50000000000072 ]] ||
    fail "the ledger's water card sale: $(sale 'meter, state, card')"
  local paper
  paper=$(receipt 2)
  contains "$paper" "水卡" "the water card sale's receipt"
  [[ $paper != *电卡* && $paper != *kWh* ]] || fail "the water card sale's receipt names electricity: $paper"
  expect_status 0 ctl ledger verify
}

case_zero_first() { # a new account's card opens its account with 0: no method, no money, written onto the card
  start_cards
  "$CARDSIM" make-blank 4B50000000000091 "$SITE/card.json" >/dev/null || fail "make-blank"
  card_into_reader card.json
  expect_status 0 ctl card issue --meter 000000000002 --customer 100000000002 --reason "new tenant"
  control "$CARDS" remove
  sleep 1
  local doc='{"meters":[{"meter":"000000000002","account":"A2","status":"open","sellable":true,"first_purchase_zero_ok":true}]}'
  sqlite3 "$SITE/ledger.db" "insert into document(kind, version, etag, body, envelope, applied_at)
    values ('registry', 1, '', '$doc', '{}', 1)" || fail "storing the registry document"
  run_kiosk zero_first
  local row
  row=$(sale "state || ',' || amount || ',' || paid || ',' || method || ',' || channel || ',' || card")
  [[ $row == delivered,0,0,none,card,4B50000000000091 ]] || fail "the ledger's sale: $row"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from payment") == 0 ]] || fail "a payment was booked"
  local purse
  purse=$(sqlite3 :memory: "select json_extract(readfile('$SITE/card.json'), '\$.ef_purse')")
  [[ ${purse:0:14} == 01000000000001 ]] || fail "the card's purse is not 0 with count 1 (purpose 01): $purse"
  contains "$(receipt 1)" "已开户 Account opened" "the zero sale's receipt"
  contains "$(receipt 1)" "4B50000000000091" "the zero sale's receipt"
  expect_status 0 ctl ledger verify
}

case_service_mode() { # staff sign in at the screen, collect, reconcile, replace a lost card; the back office sees it
  start_cards
  start_bo
  expect_status 0 ctl group set admins --perms all
  KIOSK_NEW_PIN=2468 expect_status 0 ctl operator add alice --group admins
  export KIOSK_PIN=2468
  KIOSK_NEW_PIN=2468 expect_status 1 ctl --operator alice operator add bob --group admins
  contains "$ERR" "another operator has this PIN" "kioskctl's answer to a shared PIN"
  KIOSK_NEW_PIN=9753 expect_status 0 ctl --operator alice operator add bob --group admins
  expect_status 0 ctl --operator alice sale --meter 000000000001 --amount 2500 --pay counter
  control "$METERS" "set 000000000003 suspended on"
  expect_status 1 ctl --operator alice sale --meter 000000000003 --amount 1500 --pay counter
  local parked
  parked=$(sale id)
  [[ $(sale state) == needs_reconciliation ]] || fail "the sale to a suspended meter is $(sale state), not parked"
  control "$METERS" "set 000000000003 suspended off"
  "$CARDSIM" make-blank 4B50000000000081 "$SITE/lost.json" >/dev/null || fail "make-blank"
  "$CARDSIM" make-blank 4B50000000000082 "$SITE/blank.json" >/dev/null || fail "make-blank"
  card_into_reader lost.json
  expect_status 0 ctl --operator alice card issue --meter 000000000002 --customer 100000000002 --reason "e2e"
  control "$CARDS" remove
  sleep 1
  run_kiosk service_mode
  contains "$(receipt 1)" "Z REPORT" "the Z report printed"
  contains "$(receipt 1)" "Operator alice" "the Z report printed"
  [[ $(sqlite3 "$SITE/ledger.db" "select state from txn where id = '$parked'") == delivered ]] ||
    fail "the parked sale was not delivered after it was sent back"
  local card
  card=$(sqlite3 "$SITE/ledger.db" "select state || ' ' || replaces from meter_card where serial = '4B50000000000082'")
  [[ $card == "active 4B50000000000081" ]] || fail "the replacement card is '$card'"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where action = 'login_refused' and target = 'service mode'
        and reason = 'wrong code' and actor = 'system:touchscreen'") == 1 ]] || fail "the wrong PIN is not audited once"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where action = 'login' and actor = 'bob'") == 0 ]] ||
    fail "bob signed in, not alice"
  grep -q 86420975 "$SITE/err" "$SITE/out" && fail "the PIN typed is in the log"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where (actor || action || target || reason || detail)
        like '%86420975%'") == 0 ]] || fail "the PIN typed is in the audit log"
  for action in login cash_collect txn_resume retry_now card_replace logout; do
    [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from audit where action = '$action' and actor in ('alice', 'operator:alice')") -ge 1 ]] ||
      fail "no audit row '$action' by operator:alice"
  done
  local code shown
  code=$(json "$(ctl identity --json)" '$.enrolment_code')
  shown=$(zbarimg --quiet --raw "$SITE/shots/service-settings.png" 2>/dev/null)
  [[ -n $code && $shown == "$code" ]] || fail "the settings page's QR code reads '$shown', the kiosk's code is '$code'"
  expect_status 0 ctl sync now
  for action in cash_collect txn_resume card_replace; do
    [[ $(bo_sql "select count(*) from audit where kiosk = 'K1' and action = '$action' and actor = 'operator:alice'") == 1 ]] ||
      fail "the back office does not show '$action' by operator:alice"
  done
  expect_status 0 ctl ledger verify
}

case_qr_remote() { # the code on the screen is the order's; paid through the provider, the credit is delivered
  start_bo
  mkdir -p "$SITE/shots"
  SDL_VIDEODRIVER=offscreen timeout 60 "$KIOSK" --config "$SITE/kiosk.ini" --headless \
    --script "$SCRIPTS/qr_remote.kscript" --shots "$SITE/shots" --sim meters=127.0.0.1:$METERS \
    >"$SITE/out" 2>"$SITE/err" &
  local k=$! order="" code="" url=""
  for _ in $(seq 300); do [[ -s $SITE/shots/qr.png ]] && break; kill -0 $k 2>/dev/null || break; sleep 0.05; done
  sleep 0.2 # the picture is written whole
  order=$(bo_sql "select id from qr_order")
  code=$(zbarimg --quiet --raw "$SITE/shots/qr.png" 2>/dev/null)
  curl -s -o "$SITE/order.json" "http://127.0.0.1:$PORT/v1/kiosks/K1/qr-orders/$order"
  url=$(sqlite3 :memory: "select json_extract(readfile('$SITE/order.json'), '\$.code_url')")
  [[ -n $order && -n $url && $code == "$url" ]] ||
    fail "the QR code on the screen reads '$code', the order '$order' has code_url '$url'"
  [[ $(bo_post "/v1/sim/qr-orders/$order/pay") == 200 ]] || fail "paying order $order: $(cat "$SITE/bo.answer")"
  wait $k
  local got=$?
  [[ $got == 0 ]] || fail "kiosk-demo --script qr_remote exited $got: $(grep -v ' I kiosk' "$SITE/err" | tail -20)"
  [[ $(sale state) == delivered && $(sale paid) == 2000 && $(sale method) == qr ]] \
    || fail "the ledger's sale: $(sale 'state, paid, method')"
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from payment p join txn t on t.id = p.txn_id
        where p.method = 'qr' and p.ref = '$order' and p.amount = 2000 and t.state = 'delivered'") == 1 ]] ||
    fail "no delivered sale holds a qr payment of 2000 for order $order"
  [[ $(bo_sql "select state from qr_order where id = '$order'") == paid ]] || fail "the order is not paid"
  control "$METERS" "state 000000000001"
  [[ $(json "${REPLY#ok }" '$.journal[0].amount') == 2000 ]] || fail "the meter's journal: $REPLY"
  expect_status 0 ctl ledger verify
}

# Post-paid accounts at the reference back office: 20260001 with bills of
# September (20.00 left of 30.00) and October (50.00), 20260002 with one
# of 50.00, 20260003 post-paid with none; all on the kiosk's meters.
bill_site() {
  start_bo
  { bo account open 20260001 --customer 100000000001 --meter 000000000001 &&
    bo account open 20260002 --customer 100000000002 --meter 000000000002 &&
    bo account open 20260003 --customer 100000000003 --meter 000000000003 &&
    bo group set clerks --perms accounts && BACKOFFICE_NEW_PIN=2468 bo operator add alice --group clerks &&
    for a in 20260001 20260002 20260003; do
      BACKOFFICE_PIN=2468 bo account payment $a postpaid --operator alice --reason contract || exit 1
    done; } >/dev/null || { fail "setting up the post-paid accounts"; finish; }
  bo_bills "(1, '20260001', 'S1', '2026-09-01', '2026-09-30', 3000, 0, 1000, 'issued')" \
    "(2, '20260001', 'S1', '2026-10-01', '2026-10-31', 5000, 2000, 0, 'issued')" \
    "(3, '20260002', 'S1', '2026-10-01', '2026-10-31', 5000, 0, 0, 'issued')" || fail "the bills"
}

kiosk_payments() { # the back office's payments from kiosks: count, sum
  bo_sql "SELECT count(*) || ' ' || coalesce(sum(amount), 0) FROM bill_payment WHERE method = 'kiosk'"
}

# The bill payment went up once and paid the bills: uploaded (twice: an
# answer lost), recorded once, the bills paid. bill_uploaded ID AMOUNT BILLS
bill_uploaded() {
  expect_status 0 ctl sync now
  [[ $(kiosk_payments) == "1 $2" ]] || fail "the back office's payments: $(kiosk_payments)"
  [[ $(bo_sql "SELECT ref FROM bill_payment WHERE method = 'kiosk'") == "$1" ]] || fail "the payment's reference"
  sqlite3 "$SITE/ledger.db" "UPDATE outbox SET sent_at = NULL WHERE topic = 'bill_payment'"
  expect_status 0 ctl sync now
  [[ $(kiosk_payments) == "1 $2" ]] || fail "a replayed upload paid twice: $(kiosk_payments)"
  local states want
  states=$(bo_sql "SELECT group_concat(s) FROM (SELECT id || ':' || state s FROM bill WHERE id IN ($3) ORDER BY id)")
  want=$(sed 's/\([0-9]\)/\1:paid/g' <<<"$3")
  [[ $states == "$want" ]] || fail "the bills: $(bo_sql "SELECT id, state, paid FROM bill")"
}

case_bill_cash() { # the account's two bills paid in notes; the receipt; recorded once at the back office
  bill_site
  run_kiosk bill_cash
  [[ $(sale state) == delivered && $(sale paid) == 7000 && $(sale channel) == bill && $(sale meter) == 20260001 &&
     $(sale method) == cash ]] || fail "the ledger's bill payment: $(sale 'state, paid, channel, meter, method')"
  local id paper
  id=$(sale id)
  paper=$(receipt 1)
  contains "$paper" "缴费凭证 BILL PAYMENT" "the receipt's title"
  contains "$paper" "缴费户号 Account" "the receipt's account"
  contains "$paper" "20260001" "the receipt's account"
  contains "$paper" "2026-09..2026-10 (2)" "the bills the receipt says are paid"
  contains "$paper" "70.00 元" "the amount on the receipt"
  contains "$paper" "现金 Cash" "the method on the receipt"
  contains "$paper" "尚欠 Still owed" "what the receipt says is still owed"
  contains "$paper" "K1" "the kiosk on the receipt"
  contains "$paper" "$id" "the transaction on the receipt"
  [[ $paper != *"表号 Meter"* ]] || fail "a bill payment's receipt names a meter: $paper"
  control "$METERS" "state 000000000001"
  [[ $(json "${REPLY#ok }" '$.purchase_count') == 0 ]] || fail "a bill payment went to the meter: $REPLY"
  expect_status 0 ctl receipt print "${id:0:8}" # the reprint: the same lines, from what the ledger kept
  paper=$(receipt 2)
  contains "$paper" "缴费凭证(副本) BILL PAYMENT (COPY)" "the reprint's title"
  contains "$paper" "2026-09..2026-10 (2)" "the bills the reprint says are paid"
  contains "$paper" "尚欠 Still owed" "what the reprint says is still owed"
  contains "$paper" "$id" "the transaction on the reprint"
  expect_status 0 ctl ledger verify
  bill_uploaded "$id" 7000 "1,2"
}

case_bill_card() { # one bill paid by bank card (paysim), in Chinese
  bill_site
  run_kiosk bill_card
  [[ $(sale state) == delivered && $(sale paid) == 5000 && $(sale method) == card && $(sale meter) == 20260002 ]] ||
    fail "the ledger's bill payment: $(sale 'state, paid, method, meter')"
  control "$PAY" state
  [[ $(json "${REPLY#ok }" '$.journal[0].amount') == 5000 ]] || fail "paysim's journal: $REPLY"
  local paper
  paper=$(receipt 1)
  contains "$paper" "银行卡 Bank card" "the method on the receipt"
  contains "$paper" "2026-10" "the bill on the receipt"
  expect_status 0 ctl ledger verify
  bill_uploaded "$(sale id)" 5000 "3"
}

case_bill_refused() { # an unknown account, one owing nothing: refused before any money; offline: not offered
  bill_site
  run_kiosk bill_refused
  [[ $(sqlite3 "$SITE/ledger.db" "select count(*) from txn") == 0 ]] || fail "a refused bill payment left a sale"
  control "$CASH" state
  [[ -z $(json "${REPLY#ok }" '$.journal[0].value') ]] || fail "cashsim took a note: $REPLY"
  grep -q "account 99999999 (account_unknown)" "$SITE/err" || fail "the unknown account not logged: $(cat "$SITE/err")"
  grep -q "account 20260003 (nothing_due)" "$SITE/err" || fail "nothing due not logged"
  [[ $(kiosk_payments) == "0 0" ]] || fail "the back office recorded a payment: $(kiosk_payments)"
  stop_bo
  run_kiosk bill_offline
}

start_site
"case_$CASE"
finish
