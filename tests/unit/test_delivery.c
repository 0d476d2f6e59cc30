/* Delivery decisions, the recovery plan and retry delays: pure tables. */
#include "ktest.h"

#include "base/backoff.h"
#include "core/delivery.h"
#include "core/recovery.h"

static void count_is_meter_count_plus_one(void **state)
{
    (void)state;
    count_facts_t f = {.meter_count = 6};
    delivery_decision_t d = delivery_pick_count(&f);
    assert_int_equal(d.step, STEP_SEND);
    assert_int_equal(d.count, 7);
    f = (count_facts_t){.meter_count = 6, .have_delivered = true, .highest_delivered = 6};
    d = delivery_pick_count(&f);
    assert_int_equal(d.step, STEP_SEND);
    assert_int_equal(d.count, 7);
}

static void open_purchase_queues_the_next(void **state)
{
    (void)state;
    count_facts_t f = {.meter_count = 6, .other_open = true};
    delivery_decision_t d = delivery_pick_count(&f);
    assert_int_equal(d.step, STEP_DEFER);
    assert_int_equal(d.reason, REASON_QUEUED);
}

static void meter_behind_the_ledger_parks(void **state)
{
    (void)state;
    count_facts_t f = {.meter_count = 3, .have_delivered = true, .highest_delivered = 5};
    delivery_decision_t d = delivery_pick_count(&f);
    assert_int_equal(d.step, STEP_PARK);
    assert_int_equal(d.reason, REASON_COUNT_BEHIND);
    f = (count_facts_t){.meter_count = UINT32_MAX};
    assert_int_equal(delivery_pick_count(&f).step, STEP_PARK);
}

/* A card with nothing written yet takes any first count: the next count is
 * one above the highest the kiosk delivered or saw on the meter, whatever
 * the empty purse says. */
static void a_new_card_continues_the_meters_count(void **state)
{
    (void)state;
    count_facts_t f = {.any_count = true};
    delivery_decision_t d = delivery_pick_count(&f);
    assert_int_equal(d.step, STEP_SEND);
    assert_int_equal(d.count, 1); /* a new account */
    f = (count_facts_t){.any_count = true, .have_delivered = true, .highest_delivered = 7, .known_count = 5};
    d = delivery_pick_count(&f);
    assert_int_equal(d.step, STEP_SEND);
    assert_int_equal(d.count, 8); /* not parked as behind: the purse count 0 means nothing */
    f = (count_facts_t){.any_count = true, .have_delivered = true, .highest_delivered = 7, .known_count = 9};
    assert_int_equal(delivery_pick_count(&f).count, 10); /* the lost card's last write-back knew more */
    f.other_open = true;
    assert_int_equal(delivery_pick_count(&f).step, STEP_DEFER);
    f = (count_facts_t){.any_count = true, .known_count = UINT32_MAX};
    assert_int_equal(delivery_pick_count(&f).step, STEP_PARK);
}

static void answers_to_a_credit(void **state)
{
    (void)state;
    const struct {
        credit_outcome_t in;
        delivery_step_t step;
        delivery_reason_t reason;
    } cases[] = {
        {CREDIT_APPLIED, STEP_DONE, REASON_NONE},
        {CREDIT_REPEATED, STEP_READ_BACK, REASON_NONE},
        {CREDIT_NO_ANSWER, STEP_READ_BACK, REASON_NONE},
        {CREDIT_COUNT_MISMATCH, STEP_PARK, REASON_COUNT_MISMATCH},
        {CREDIT_REFUSED, STEP_PARK, REASON_REFUSED},
        {CREDIT_UNREACHABLE, STEP_DEFER, REASON_METER_UNREACHABLE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        delivery_decision_t d = delivery_after_credit(cases[i].in);
        assert_int_equal(d.step, cases[i].step);
        assert_int_equal(d.reason, cases[i].reason);
    }
}

static void read_back_settles_a_lost_answer(void **state)
{
    (void)state;
    /* count 7 sent, answer lost */
    delivery_decision_t d = delivery_after_read_back(7, true, 7, CREDIT_NO_ANSWER, 1, 2);
    assert_int_equal(d.step, STEP_DONE);
    d = delivery_after_read_back(7, true, 6, CREDIT_NO_ANSWER, 1, 2);
    assert_int_equal(d.step, STEP_RESEND); /* same count again: cannot credit twice */
    d = delivery_after_read_back(7, true, 6, CREDIT_NO_ANSWER, 2, 2);
    assert_int_equal(d.step, STEP_DEFER);
    assert_int_equal(d.reason, REASON_NOT_APPLIED);
    d = delivery_after_read_back(7, false, 0, CREDIT_NO_ANSWER, 1, 2);
    assert_int_equal(d.step, STEP_DEFER);
    assert_int_equal(d.reason, REASON_METER_UNREACHABLE);
    d = delivery_after_read_back(7, true, 9, CREDIT_NO_ANSWER, 1, 2);
    assert_int_equal(d.step, STEP_PARK);
    assert_int_equal(d.reason, REASON_COUNT_MISMATCH);
    d = delivery_after_read_back(7, true, 4, CREDIT_NO_ANSWER, 1, 2);
    assert_int_equal(d.step, STEP_PARK);
}

static void repeated_is_confirmed_by_read_back(void **state)
{
    (void)state;
    delivery_decision_t d = delivery_after_read_back(7, true, 7, CREDIT_REPEATED, 1, 2);
    assert_int_equal(d.step, STEP_DONE);
    /* "repeated" while the meter is still at count - 1 contradicts itself */
    d = delivery_after_read_back(7, true, 6, CREDIT_REPEATED, 1, 2);
    assert_int_equal(d.step, STEP_PARK);
    assert_int_equal(d.reason, REASON_REPEATED_UNCONFIRMED);
}

static void recovery_plan_per_state(void **state)
{
    (void)state;
    recovery_facts_t none = {.paid = 0}, some = {.paid = 500}, unknown = {.paid = 0, .payment_unknown = true};
    assert_int_equal(recovery_plan(TXN_CREATED, &none), RECOVER_CANCEL);
    assert_int_equal(recovery_plan(TXN_PAYMENT_PENDING, &none), RECOVER_CANCEL);
    assert_int_equal(recovery_plan(TXN_PAYMENT_PENDING, &some), RECOVER_FINISH_PAYMENT);
    assert_int_equal(recovery_plan(TXN_PAYMENT_PENDING, &unknown), RECOVER_PARK);
    assert_int_equal(recovery_plan(TXN_PAID, &some), RECOVER_DELIVER);
    assert_int_equal(recovery_plan(TXN_DELIVERY_PENDING, &some), RECOVER_DELIVER);
    assert_int_equal(recovery_plan(TXN_DELIVERING, &some), RECOVER_CONFIRM);
    assert_int_equal(recovery_plan(TXN_REFUNDING, &some), RECOVER_REFUND);
    assert_int_equal(recovery_plan(TXN_NEEDS_RECONCILIATION, &some), RECOVER_LEAVE_PARKED);
    for (int s = 0; s < TXN_STATE_COUNT; s++) {
        recovery_action_t a = recovery_plan((txn_state_t)s, &some);
        assert_int_equal(a == RECOVER_NOTHING, s == TXN_NONE || txn_state_is_final((txn_state_t)s));
    }
}

static void backoff_grows_caps_and_jitters(void **state)
{
    (void)state;
    assert_int_equal(backoff_delay_ms(1, 1000, 60000, UINT32_MAX), 1000);
    assert_int_equal(backoff_delay_ms(1, 1000, 60000, 0), 500);
    assert_int_equal(backoff_delay_ms(2, 1000, 60000, UINT32_MAX), 2000);
    assert_int_equal(backoff_delay_ms(4, 1000, 60000, UINT32_MAX), 8000);
    assert_int_equal(backoff_delay_ms(30, 1000, 60000, UINT32_MAX), 60000);
    assert_int_equal(backoff_delay_ms(1000, 1000, 60000, 0), 30000);
    for (uint32_t r = 0; r < 4000000000u; r += 123456789u) {
        int64_t d = backoff_delay_ms(3, 1000, 60000, r);
        assert_true(d >= 2000 && d <= 4000);
    }
    assert_int_equal(backoff_delay_ms(3, 0, 60000, 7), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(count_is_meter_count_plus_one),
    cmocka_unit_test(open_purchase_queues_the_next),
    cmocka_unit_test(meter_behind_the_ledger_parks),
    cmocka_unit_test(a_new_card_continues_the_meters_count),
    cmocka_unit_test(answers_to_a_credit),
    cmocka_unit_test(read_back_settles_a_lost_answer),
    cmocka_unit_test(repeated_is_confirmed_by_read_back),
    cmocka_unit_test(recovery_plan_per_state),
    cmocka_unit_test(backoff_grows_caps_and_jitters),
};

KTEST_MAIN(tests)
