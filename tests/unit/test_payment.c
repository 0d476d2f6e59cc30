/* Payment rules: escrow decisions, card answers, reversal after a failed
 * delivery; and the recovery plan for unsettled card payments. */
#include "ktest.h"

#include "core/payment.h"
#include "core/recovery.h"

static void escrow_rule(void **state)
{
    (void)state;
    assert_int_equal(payment_escrow_rule(true, 0, 2000, 0, 100000), ESCROW_OK);
    assert_int_equal(payment_escrow_rule(true, 98000, 2000, 0, 100000), ESCROW_OK); /* exactly the limit */
    assert_int_equal(payment_escrow_rule(true, 98001, 2000, 0, 100000), ESCROW_OVER_LIMIT);
    assert_int_equal(payment_escrow_rule(false, 0, 2000, 0, 100000), ESCROW_NOT_TAKING);
    assert_int_equal(payment_escrow_rule(true, 0, 0, 0, 100000), ESCROW_UNKNOWN_NOTE);
    assert_int_equal(payment_escrow_rule(true, INT64_MAX - 5, 10, 0, INT64_MAX), ESCROW_OVER_LIMIT); /* no overflow */
    assert_string_equal(payment_escrow_text(ESCROW_OVER_LIMIT), "over the purchase limit");
    /* the kiosk gives no change: it stops taking notes at the amount chosen */
    assert_int_equal(payment_escrow_rule(true, 1000, 10000, 5000, 100000), ESCROW_OVER_AMOUNT); /* 10 in, a 100 note */
    assert_int_equal(payment_escrow_rule(true, 1000, 2000, 5000, 100000), ESCROW_OK);
    assert_int_equal(payment_escrow_rule(true, 3000, 2000, 5000, 100000), ESCROW_OK); /* exactly the amount */
    assert_int_equal(payment_escrow_rule(true, 0, 10000, 5000, 100000), ESCROW_OVER_AMOUNT); /* a first note too big */
    assert_int_equal(payment_escrow_rule(true, 0, 10000, 0, 100000), ESCROW_OK); /* no amount set: up to the limit */
    assert_int_equal(payment_escrow_rule(true, 0, 5000, 100000, 2000), ESCROW_OVER_LIMIT); /* the limit first */
}

static void card_answers(void **state)
{
    (void)state;
    assert_int_equal(payment_after_authorise(PAYMENT_APPROVED), PAYMENT_STEP_PAID);
    assert_int_equal(payment_after_authorise(PAYMENT_DECLINED), PAYMENT_STEP_NOT_PAID);
    assert_int_equal(payment_after_authorise(PAYMENT_NOT_RECEIVED), PAYMENT_STEP_NOT_PAID);
    assert_int_equal(payment_after_authorise(PAYMENT_NO_RESULT), PAYMENT_STEP_ASK_LAST); /* never authorise again */
}

static void asking_the_terminal(void **state)
{
    (void)state;
    assert_int_equal(payment_after_last(true, PAYMENT_OURS, true), PAYMENT_STEP_PAID);
    assert_int_equal(payment_after_last(true, PAYMENT_OURS, false), PAYMENT_STEP_NOT_PAID);
    assert_int_equal(payment_after_last(true, PAYMENT_OTHERS, true), PAYMENT_STEP_NOT_PAID); /* another transaction was last */
    assert_int_equal(payment_after_last(true, PAYMENT_OTHERS, false), PAYMENT_STEP_NOT_PAID);
    /* a terminal that names no reference: an approval may be ours, a decline took nothing */
    assert_int_equal(payment_after_last(true, PAYMENT_UNNAMED, true), PAYMENT_STEP_PARK);
    assert_int_equal(payment_after_last(true, PAYMENT_UNNAMED, false), PAYMENT_STEP_NOT_PAID);
    assert_int_equal(payment_after_last(false, PAYMENT_OTHERS, false), PAYMENT_STEP_PARK);
}

static void reversal_after_park(void **state)
{
    (void)state;
    assert_true(payment_reverse_after_park(true, false));
    assert_false(payment_reverse_after_park(true, true)); /* the meter may have the credit: a person decides */
    assert_false(payment_reverse_after_park(false, false)); /* cash is never given back */
}

static void recovery_settles_cards_first(void **state)
{
    (void)state;
    recovery_facts_t f = {.paid = 0, .card_unsettled = true};
    assert_int_equal(recovery_plan(TXN_PAYMENT_PENDING, &f), RECOVER_SETTLE_CARD);
    f.card_unsettled = false;
    f.payment_unknown = true;
    assert_int_equal(recovery_plan(TXN_PAYMENT_PENDING, &f), RECOVER_PARK);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(escrow_rule),
    cmocka_unit_test(card_answers),
    cmocka_unit_test(asking_the_terminal),
    cmocka_unit_test(reversal_after_park),
    cmocka_unit_test(recovery_settles_cards_first),
};

KTEST_MAIN(tests)
