/* Reconciliation's comparison (backoffice/domain/bo_reconcile.c): each
 * kind of difference found once, a clean day none, refunds summed per
 * trade, a payment learned of across midnight no difference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "backoffice/domain/bo_reconcile.h"

typedef struct seen {
    char lines[16][160];
    int n;
} seen_t;

static void on_diff(void *arg, const bo_recon_diff_t *d)
{
    seen_t *s = arg;
    if (s->n < 16)
        snprintf(s->lines[s->n++], sizeof s->lines[0], "%s %s %lld %lld", bo_recon_kind_name(d->kind),
                 d->out_trade_no, (long long)d->bill, (long long)d->ours);
}

static bool paid_q9(void *arg, const char *no, int64_t amount)
{
    (void)arg;
    return strcmp(no, "Q9") == 0 && amount == 900;
}

static size_t run(const bo_recon_side_t *bill, const bo_recon_side_t *here, seen_t *s)
{
    size_t n = 0;
    memset(s, 0, sizeof *s);
    assert_int_equal(bo_recon_compare(bill, here, paid_q9, NULL, on_diff, s, &n), K_OK);
    assert_int_equal((int)n, s->n);
    return n;
}

static void clean_day_reports_nothing(void **state)
{
    (void)state;
    bo_recon_entry_t paid[] = {{"Q1", "T1", 500}, {"Q2", "T2", 700}};
    bo_recon_entry_t ours[] = {{"Q2", "", 700}, {"Q1", "", 500}};
    bo_recon_entry_t ref[] = {{"Q1", "T1", 200}};
    bo_recon_side_t bill = {paid, 2, ref, 1}, here = {ours, 2, ref, 1};
    seen_t s;
    assert_int_equal(run(&bill, &here, &s), 0);
    bo_recon_side_t none = {NULL, 0, NULL, 0};
    assert_int_equal(run(&none, &none, &s), 0);
}

static void each_kind_found_once(void **state)
{
    (void)state;
    bo_recon_entry_t paid[] = {{"Q1", "T1", 500}, {"Q3", "T3", 300}, {"Q4", "T4", 450}};
    bo_recon_entry_t ours[] = {{"Q1", "", 500}, {"Q2", "", 700}, {"Q4", "", 400}};
    bo_recon_entry_t bref[] = {{"Q1", "T1", 100}};
    bo_recon_side_t bill = {paid, 3, bref, 1}, here = {ours, 3, NULL, 0};
    seen_t s;
    assert_int_equal(run(&bill, &here, &s), 4);
    assert_string_equal(s.lines[0], "unknown_here Q3 300 0");
    assert_string_equal(s.lines[1], "amount Q4 450 400");
    assert_string_equal(s.lines[2], "missing_from_bill Q2 0 700");
    assert_string_equal(s.lines[3], "refund Q1 100 0");
}

static void refunds_summed_per_trade(void **state)
{
    (void)state;
    bo_recon_entry_t bref[] = {{"Q5", "T5", 100}, {"Q1", "T1", 50}, {"Q5", "T5", 200}};
    bo_recon_entry_t oref[] = {{"Q5", "", 300}, {"Q1", "", 60}, {"Q7", "", 10}};
    bo_recon_side_t bill = {NULL, 0, bref, 3}, here = {NULL, 0, oref, 3};
    seen_t s;
    assert_int_equal(run(&bill, &here, &s), 2);
    assert_string_equal(s.lines[0], "refund Q1 50 60");
    assert_string_equal(s.lines[1], "refund Q7 0 10");
}

static void paid_here_across_midnight_is_no_difference(void **state)
{
    (void)state;
    bo_recon_entry_t paid[] = {{"Q9", "T9", 900}, {"Q8", "T8", 800}};
    bo_recon_side_t bill = {paid, 2, NULL, 0}, here = {NULL, 0, NULL, 0};
    seen_t s;
    assert_int_equal(run(&bill, &here, &s), 1);
    assert_string_equal(s.lines[0], "unknown_here Q8 800 0");
}

static void kind_names(void **state)
{
    (void)state;
    assert_string_equal(bo_recon_kind_name(BO_RECON_MISSING_FROM_BILL), "missing_from_bill");
    assert_string_equal(bo_recon_kind_name(BO_RECON_KIND_N), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_day_reports_nothing),
        cmocka_unit_test(each_kind_found_once),
        cmocka_unit_test(refunds_summed_per_trade),
        cmocka_unit_test(paid_here_across_midnight_is_no_difference),
        cmocka_unit_test(kind_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
