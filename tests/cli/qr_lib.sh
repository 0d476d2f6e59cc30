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
  ORDER=$(bo_sql "select id from qr_order order by created_at desc, rowid desc limit 1")
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
