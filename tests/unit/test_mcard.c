/* The kiosk's meter-card rules (docs/card.md, "The kiosk's rules"). */
#include "ktest.h"

#include "core/mcard.h"

static const mcard_facts_t good = {.meter_known = true, .purse_count = 3, .writeback_written = true, .meter_count = 3};

static void a_taken_purchase_allows_the_next(void **state)
{
    (void)state;
    assert_int_equal(mcard_sale_check(&good), MCARD_OK);
    mcard_facts_t f = good;
    f.meter_count = 4; /* a purchase made elsewhere, taken: still fine */
    assert_int_equal(mcard_sale_check(&f), MCARD_OK);
    f = (mcard_facts_t){.meter_known = true}; /* issued, never bought */
    assert_int_equal(mcard_sale_check(&f), MCARD_OK);
}

static void a_purchase_not_yet_in_the_meter_is_refused(void **state)
{
    (void)state;
    mcard_facts_t f = good;
    f.meter_count = 2;
    assert_int_equal(mcard_sale_check(&f), MCARD_NOT_TAKEN);
    f = good;
    f.writeback_written = false; /* the first purchase never went into the meter */
    assert_int_equal(mcard_sale_check(&f), MCARD_NOT_TAKEN);
    assert_non_null(strstr(mcard_verdict_text(MCARD_NOT_TAKEN), "insert the card into your meter"));
}

static void the_first_reason_wins(void **state)
{
    (void)state;
    mcard_facts_t f = {.blank = true, .blocked = true};
    assert_int_equal(mcard_sale_check(&f), MCARD_BLANK);
    f.blank = false;
    assert_int_equal(mcard_sale_check(&f), MCARD_BLOCKED);
    f.blocked = false;
    f.replaced = true;
    assert_int_equal(mcard_sale_check(&f), MCARD_REPLACED);
    f.replaced = false;
    assert_int_equal(mcard_sale_check(&f), MCARD_UNKNOWN_METER);
    f = good;
    f.pending_same_card = true;
    f.pending_other_card = true;
    assert_int_equal(mcard_sale_check(&f), MCARD_PENDING_OTHER);
    f.pending_other_card = false;
    assert_int_equal(mcard_sale_check(&f), MCARD_PENDING_HERE);
}

static void a_replaced_card_is_refused(void **state)
{
    (void)state;
    mcard_facts_t f = good;
    f.replaced = true;
    assert_int_equal(mcard_sale_check(&f), MCARD_REPLACED);
    assert_non_null(strstr(mcard_verdict_text(MCARD_REPLACED), "use the new card"));
}

/* Only the first purchase on the first card of an account opens it. */
static void the_first_purchase_of_a_new_card_opens_the_account(void **state)
{
    (void)state;
    assert_true(mcard_opens_account(true, false));
    assert_false(mcard_opens_account(false, false)); /* a purchase was written before */
    assert_false(mcard_opens_account(true, true));   /* a replacement re-binds the meter */
    assert_false(mcard_opens_account(false, true));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(a_replaced_card_is_refused),
    cmocka_unit_test(the_first_purchase_of_a_new_card_opens_the_account),
    cmocka_unit_test(a_taken_purchase_allows_the_next),
    cmocka_unit_test(a_purchase_not_yet_in_the_meter_is_refused),
    cmocka_unit_test(the_first_reason_wins),
};

KTEST_MAIN(tests)
