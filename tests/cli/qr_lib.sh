# Shared by the QR sales' tests (qr_test.sh, qr_wechat_test.sh,
# qr_alipay_test.sh): a kiosk's
# QR sale in the background, its end, and what the ledgers hold. Source
# after lib.sh and bo_lib.sh.

# start_sale AMOUNT [TIMEOUT]: a QR sale in the background; waits for its
# code and sets CODE (the code's URL the kiosk shows), ORDER (the back
# office's order) and SALE_PID.
start_sale() {
  "$CTL" --config "$SITE/kiosk.ini" sale --meter 000000000001 --amount "$1" --pay qr --timeout "${2:-30}" \
    >"$SITE/sale.out" 2>"$SITE/sale.err" &
  SALE_PID=$!
  for _ in $(seq 100); do grep -q 'scan to pay' "$SITE/sale.err" && break; sleep 0.05; done
  CODE=$(sed -n 's/.*scan to pay: \([^ ]*\) (until.*/\1/p' "$SITE/sale.err" | head -1)
  [[ -n $CODE ]] || { fail "no code URL on stderr: $(cat "$SITE/sale.err")"; finish; }
  local txn
  txn=$(kiosk_sql "select id from txn order by rowid desc limit 1")
  ORDER=$(bo_sql "select id from qr_order where txn_id = '$txn'")
  sleep 0.3 # the kiosk is long-polling now
}

# end_sale WANT_STATUS: waits for the sale; its JSON in OUT.
end_sale() {
  wait "$SALE_PID"
  local got=$?
  OUT=$(cat "$SITE/sale.out")
  [[ $got == "$1" ]] || fail "the QR sale exited $got, expected $1: $(cat "$SITE/sale.err")"
}

order_state() { bo_sql "select state from qr_order where id = '$1'"; }
booked() { kiosk_sql "select count(*) from payment where method = 'qr' and ref = '$1'"; }
verify() { expect_status 0 ctl ledger verify; }

# sale_expired: a QR sale nobody pays while the back office's clock passes
# its order's life: the kiosk gives up, the order expired, nothing booked.
sale_expired() {
  start_sale 5000
  [[ $(bo_post /v1/test/clock '{"advance_ms": 61000}') == 200 ]] || fail "moving the clock"
  end_sale 1
  contains "$OUT" '"state":	"cancelled"' "an expired QR order"
  contains "$OUT" 'QR order expired' "an expired QR order"
  [[ $(order_state "$ORDER") == expired ]] || fail "the back office's order is $(order_state "$ORDER")"
  [[ $(booked "$ORDER") == 0 ]] || fail "an expired order was booked"
}

# sale_cancelled: a QR sale the resident cancels at the kiosk.
sale_cancelled() {
  start_sale 5000
  kill -INT "$SALE_PID" # the resident's cancel
  end_sale 1
  contains "$OUT" '"state":	"cancelled"' "a cancelled QR sale"
  [[ $(order_state "$ORDER") == cancelled ]] || fail "the back office's order is $(order_state "$ORDER")"
}

# sale_paid AMOUNT: the sale in OUT delivered AMOUNT, booked once at the
# kiosk, the back office's order paid.
sale_paid() {
  contains "$OUT" '"state":	"delivered"' "a paid QR sale"
  contains "$OUT" "\"paid\":	$1" "a paid QR sale"
  [[ $(booked "$ORDER") == 1 ]] || fail "the payment is booked $(booked "$ORDER") times"
  [[ $(order_state "$ORDER") == paid ]] || fail "the back office's order is $(order_state "$ORDER")"
}

# sale_paid_late: the kiosk gives up (the order expired at the back
# office), then the phone pays at the provider (pay_order and acked 1, as
# the scenarios below): the notification books the order as paid_late
# with a notice, and the kiosk's next sync books the sale once.
sale_paid_late() {
  start_sale 5000
  [[ $(bo_post /v1/test/clock '{"advance_ms": 61000}') == 200 ]] || fail "moving the clock"
  end_sale 1
  pay_order
  acked 1
  [[ $(order_state "$ORDER") == paid_late ]] || fail "the back office's order is $(order_state "$ORDER")"
  expect_status 0 ctl sync now
  contains "$OUT" "1 late QR payments booked" "the late payment's notice"
  expect_status 0 ctl sync now
  [[ $(booked "$ORDER") == 1 ]] || fail "the late payment is booked $(booked "$ORDER") times"
  [[ $(bo_sql "select count(*) from notice where kind = 'qr_paid_late'") == 1 ]] || fail "not one notice"
  verify
}

# The scenarios the real providers' tests share; each test defines
# pay_order (the phone pays ORDER at the provider), acked N (until N
# notifications were answered) and paid_once AMOUNT (sale_paid and the
# provider's trade paid).

# qr_duplicated: the provider sends its notification twice: booked once,
# no notice.
qr_duplicated() {
  start_sale 5000
  pay_order
  end_sale 0
  acked 2
  paid_once 5000
  [[ $(bo_sql "select count(*) from notice") == 0 ]] || fail "a duplicated notification left a notice"
}

# qr_cancel_after_pay: the phone pays while the kiosk is stopped, then the
# resident cancels: the cancel is refused, the payment booked, the kiosk
# delivers.
qr_cancel_after_pay() {
  start_sale 5000 60
  kill -STOP "$SALE_PID"
  pay_order
  kill -INT "$SALE_PID"
  kill -CONT "$SALE_PID"
  end_sale 0
  paid_once 5000
  grep -q "the cancel came after the payment" "$SITE/sale.err" || fail "the kiosk did not learn it from the cancel"
}

# Refunds (docs/payments-qr.md, "Refunds"). Each test defines
# provider_refunds (how many refunds of ORDER the provider made),
# refund_fails_first (the provider's next refund answers a passing error),
# refund_in_flight (its next answer is held back a few seconds),
# refund_asked (until the provider was asked for the refund) and
# refund_given_up (its next refund ends failed).

refund_state() { bo_sql "select state from qr_refund where order_id = '$ORDER'"; }

# wait_refund STATE: until ORDER's refund is in STATE (15 s at most).
wait_refund() {
  for _ in $(seq 150); do [[ $(refund_state) == "$1" ]] && return 0; sleep 0.1; done
  fail "the refund of $ORDER is '$(refund_state)', expected $1: $(bo_sql "select last_error from qr_refund")"
}

# undeliverable_sale: a QR sale paid at the provider whose meter refuses
# the credit: the kiosk parks it (it cannot give QR money back) and its
# next sync uploads it, paid and not delivered.
undeliverable_sale() {
  echo "refuse 9" >"$SITE/faults"
  start_sale 5000
  pay_order
  end_sale 1
  [[ $(booked "$ORDER") == 1 ]] || fail "the payment is booked $(booked "$ORDER") times"
  local state
  state=$(kiosk_sql "select state from txn t join payment p on p.txn_id = t.id where p.ref = '$ORDER'")
  [[ $state == needs_reconciliation ]] || fail "the kiosk's sale is $state, not parked"
}

# refunded_once: ORDER's refund succeeded, one refund at the provider for
# the sale's whole amount, listed by the command line and the API, audited.
refunded_once() {
  wait_refund succeeded
  [[ $(provider_refunds) == 1 ]] || fail "the provider made $(provider_refunds) refunds of $ORDER"
  [[ $(bo_sql "select amount || ' ' || out_refund_no from qr_refund") == "5000 RF$ORDER" ]] ||
    fail "the refund record: $(bo_sql "select * from qr_refund")"
  [[ $(bo_sql "select count(*) from audit where action = 'qr.refund_done' and target = '$ORDER'") == 1 ]] ||
    fail "the refund's outcome is not audited once"
  expect_status 0 bo qr refunds --state succeeded --csv
  contains "$OUT" "$ORDER,RF$ORDER,K1," "the refunds listed"
  local api
  api=$(curl -s "http://127.0.0.1:$PORT/v1/admin/qr-refunds?state=succeeded")
  [[ $(jq -r '.rows[0].order + " " + .rows[0].state' <<<"$api") == "$ORDER succeeded" ]] || fail "the API's refunds: $api"
}

# qr_undeliverable: the undeliverable sale is refunded through the
# provider once; the kiosk uploading the sale again changes nothing.
qr_undeliverable() {
  undeliverable_sale
  expect_status 0 ctl sync now
  refunded_once
  expect_status 0 ctl sync now
  contains "$OUT" "1 QR refunds booked" "the refund's notice"
  kiosk_refunded refunded "qr_reversal 5000 $(bo_sql "select case when refund_ref <> '' then refund_ref else out_refund_no end from qr_refund")"
  expect_status 0 ctl sync now
  [[ $(bo_sql "select count(*) from qr_refund") == 1 ]] || fail "more than one refund recorded"
  [[ $(kiosk_sql "select count(*) from refund") == 1 ]] || fail "the kiosk booked the refund more than once"
  [[ $(bo_sql "select count(*) from notice where kind = 'qr_refunded' and acked_at is not null") == 1 ]] ||
    fail "the refund's notice is not acknowledged once"
  verify
}

# kiosk_refunded STATE REFUND: the kiosk's parked sale of ORDER ended in
# STATE with one refund row "method amount ref", shown by `ledger show`
# and no longer parked.
kiosk_refunded() {
  local sale
  sale=$(kiosk_sql "select t.id from txn t join payment p on p.txn_id = t.id where p.ref = '$ORDER'")
  [[ $(kiosk_sql "select state from txn where id = '$sale'") == "$1" ]] ||
    fail "the kiosk's sale is $(kiosk_sql "select state || ' ' || reason from txn where id = '$sale'"), not $1"
  [[ $(kiosk_sql "select method || ' ' || amount || ' ' || ref from refund where txn_id = '$sale'") == "$2" ]] ||
    fail "the kiosk's refund: $(kiosk_sql "select * from refund")"
  expect_status 0 ctl ledger show "$sale"
  contains "$OUT" "$1" "the sale's history"
  expect_status 0 ctl ledger list --state needs_reconciliation
  [[ $OUT != *"${sale:0:8}"* ]] || fail "the refunded sale is still listed as parked: $OUT"
}

# qr_refund_fails_first: the provider's first answer to the refund is a
# passing error: asked again, by the same number, later; refunded once.
qr_refund_fails_first() {
  undeliverable_sale
  refund_fails_first
  expect_status 0 ctl sync now
  refunded_once
  grep -q "refund RF$ORDER of order $ORDER (pending): pending: " "$SITE/bo.log" ||
    fail "the first refund did not fail: $(grep "refund RF" "$SITE/bo.log")"
}

# qr_refund_restart: the back office stops hard while its refund request
# is at the provider (the answer held back: refund_in_flight), then
# starts again (after BEFORE_RESTART, a command, if set: a change of
# bo.ini): the refund is asked again by the same number, and made once.
qr_refund_restart() {
  undeliverable_sale
  refund_in_flight
  expect_status 0 ctl sync now
  refund_asked
  kill -KILL "$BO_PID"
  wait "$BO_PID" 2>/dev/null
  [[ $(refund_state) == pending ]] || fail "the refund is $(refund_state) before its answer came"
  ${BEFORE_RESTART:-}
  serve_bo
  refunded_once
}

# qr_refund_settled: the provider gives the refund up: staff are alerted,
# it stays listed as failed, then is settled by hand by an operator allowed
# `void` with the PIN (refused without it), audited.
qr_refund_settled() {
  { bo group set cashiers --perms void && BACKOFFICE_NEW_PIN=2468 bo operator add alice --group cashiers &&
    bo group set readers --perms reprint && BACKOFFICE_NEW_PIN=1357 bo operator add bob --group readers; } \
    >/dev/null 2>>"$SITE/setup.log" || fail "adding the operators"
  undeliverable_sale
  refund_given_up
  expect_status 0 ctl sync now
  wait_refund failed
  [[ $(bo_sql "select count(*) from alert where kind = 'qr_refund_failed'") == 1 ]] || fail "no staff alert"
  expect_status 0 bo qr refunds --state failed
  contains "$OUT" "$ORDER" "the failed refunds"
  BACKOFFICE_PIN=1357 expect_status 1 bo qr refund settle "$ORDER" --reason "paid back in cash" --operator bob
  contains "$ERR" "void" "a settlement without the permission"
  BACKOFFICE_PIN=0000 expect_status 1 bo qr refund settle "$ORDER" --reason "paid back in cash" --operator alice
  [[ $(refund_state) == failed ]] || fail "a refused settlement changed the refund: $(refund_state)"
  BACKOFFICE_PIN=2468 expect_status 0 bo qr refund settle "$ORDER" --reason "paid back in cash" --operator alice
  [[ $(refund_state) == settled ]] || fail "the refund is $(refund_state) after its settlement"
  [[ $(bo_sql "select count(*) from audit where action = 'qr.refund_settle' and target = '$ORDER' and reason = 'paid back in cash'") == 1 ]] ||
    fail "the settlement is not audited"
  expect_status 0 ctl sync now
  kiosk_refunded voided "operator 5000 backoffice:alice"
  BACKOFFICE_PIN=2468 expect_status 1 bo qr refund settle "$ORDER" --reason again --operator alice
  contains "$ERR" "settled already" "a second settlement"
  local asked
  asked=$(grep -c "refund RF$ORDER of order" "$SITE/bo.log")
  sleep 2
  [[ $(refund_state) == settled && $(grep -c "refund RF$ORDER of order" "$SITE/bo.log") == "$asked" ]] ||
    fail "the settled refund was asked again"
}
