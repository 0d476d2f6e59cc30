/* The transaction state table: every allowed transition, every refusal,
 * guards, names, and the diagram. The expected edges are written out here
 * independently of core/txn.c, so any change to the table shows up. */
#include <stdlib.h>

#include "ktest.h"

#include "base/uuid.h"
#include "core/txn.h"

typedef struct edge {
    txn_state_t from;
    txn_event_t event;
    txn_state_t to;
} edge_t;

static const edge_t allowed[] = {
    {TXN_NONE, EV_OPEN, TXN_CREATED},
    {TXN_CREATED, EV_PAY_BEGIN, TXN_PAYMENT_PENDING},
    {TXN_CREATED, EV_CANCEL, TXN_CANCELLED},
    {TXN_CREATED, EV_ZERO_FIRST, TXN_PAID},
    {TXN_PAYMENT_PENDING, EV_MONEY_IN, TXN_PAYMENT_PENDING},
    {TXN_PAYMENT_PENDING, EV_PAY_DONE, TXN_PAID},
    {TXN_PAYMENT_PENDING, EV_CANCEL, TXN_CANCELLED},
    {TXN_PAYMENT_PENDING, EV_PARK, TXN_NEEDS_RECONCILIATION},
    {TXN_PAID, EV_DELIVER, TXN_DELIVERING},
    {TXN_PAID, EV_SETTLE, TXN_DELIVERED},
    {TXN_PAID, EV_DEFER, TXN_DELIVERY_PENDING},
    {TXN_PAID, EV_PARK, TXN_NEEDS_RECONCILIATION},
    {TXN_PAID, EV_REFUND_BEGIN, TXN_REFUNDING},
    {TXN_DELIVERING, EV_APPLIED, TXN_DELIVERED},
    {TXN_DELIVERING, EV_DEFER, TXN_DELIVERY_PENDING},
    {TXN_DELIVERING, EV_PARK, TXN_NEEDS_RECONCILIATION},
    {TXN_DELIVERY_PENDING, EV_DELIVER, TXN_DELIVERING},
    {TXN_DELIVERY_PENDING, EV_APPLIED, TXN_DELIVERED},
    {TXN_DELIVERY_PENDING, EV_SETTLE, TXN_DELIVERED},
    {TXN_DELIVERY_PENDING, EV_DEFER, TXN_DELIVERY_PENDING},
    {TXN_DELIVERY_PENDING, EV_PARK, TXN_NEEDS_RECONCILIATION},
    {TXN_DELIVERY_PENDING, EV_REFUND_BEGIN, TXN_REFUNDING},
    {TXN_DELIVERY_PENDING, EV_VOID, TXN_VOIDED},
    {TXN_NEEDS_RECONCILIATION, EV_RESUME, TXN_DELIVERY_PENDING},
    {TXN_NEEDS_RECONCILIATION, EV_CONFIRM, TXN_DELIVERED},
    {TXN_NEEDS_RECONCILIATION, EV_CANCEL, TXN_CANCELLED},
    {TXN_NEEDS_RECONCILIATION, EV_REFUND_BEGIN, TXN_REFUNDING},
    {TXN_NEEDS_RECONCILIATION, EV_VOID, TXN_VOIDED},
    {TXN_NEEDS_RECONCILIATION, EV_REFUND_DONE, TXN_REFUNDED},
    {TXN_REFUNDING, EV_REFUND_DONE, TXN_REFUNDED},
    {TXN_REFUNDING, EV_PARK, TXN_NEEDS_RECONCILIATION},
};

#define N_ALLOWED (sizeof allowed / sizeof allowed[0])

static const edge_t *expected(txn_state_t from, txn_event_t ev)
{
    for (size_t i = 0; i < N_ALLOWED; i++)
        if (allowed[i].from == from && allowed[i].event == ev)
            return &allowed[i];
    return NULL;
}

static void every_pair_is_allowed_or_refused(void **state)
{
    (void)state;
    const txn_facts_t some = {.paid = 100}, none = {.paid = 0}, zero = {.zero_sale = true},
                      bill = {.paid = 100, .bill = true};
    size_t seen_allowed = 0;
    for (int s = 0; s < TXN_STATE_COUNT; s++)
        for (int e = 0; e < TXN_EVENT_COUNT; e++) {
            const edge_t *want = expected((txn_state_t)s, (txn_event_t)e);
            txn_state_t to = TXN_STATE_COUNT;
            kmsg_t msg = {""};
            kerr_t a = txn_next((txn_state_t)s, (txn_event_t)e, &some, &to, &msg);
            kerr_t b = txn_next((txn_state_t)s, (txn_event_t)e, &none, &to, &msg);
            kerr_t z = txn_next((txn_state_t)s, (txn_event_t)e, &zero, &to, &msg);
            kerr_t p = txn_next((txn_state_t)s, (txn_event_t)e, &bill, &to, &msg);
            if (!want) {
                if (a != K_ESTATE || b != K_ESTATE || z != K_ESTATE || p != K_ESTATE)
                    fail_msg("%s in %s should be refused", txn_event_name((txn_event_t)e),
                             txn_state_name((txn_state_t)s));
                assert_non_null(strstr(msg.text, "not allowed"));
                assert_int_equal(to, TXN_STATE_COUNT); /* nothing written on refusal */
                continue;
            }
            seen_allowed++;
            if (a != K_OK && b != K_OK && z != K_OK && p != K_OK)
                fail_msg("%s in %s should be allowed", txn_event_name((txn_event_t)e), txn_state_name((txn_state_t)s));
            assert_int_equal(to, want->to);
            assert_true(txn_edge_exists(want->from, want->event, want->to));
        }
    size_t n;
    txn_table(&n);
    assert_int_equal(seen_allowed, N_ALLOWED);
    assert_int_equal(n, N_ALLOWED);
}

static void guards_hold(void **state)
{
    (void)state;
    const txn_facts_t some = {.paid = 1}, none = {.paid = 0};
    txn_state_t to;
    kmsg_t msg;
    assert_int_equal(txn_next(TXN_PAYMENT_PENDING, EV_PAY_DONE, &none, &to, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "paid > 0"));
    assert_int_equal(txn_next(TXN_PAYMENT_PENDING, EV_PAY_DONE, &some, &to, NULL), K_OK);
    assert_int_equal(txn_next(TXN_PAYMENT_PENDING, EV_CANCEL, &some, &to, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "paid = 0"));
    assert_int_equal(txn_next(TXN_PAYMENT_PENDING, EV_CANCEL, &none, &to, NULL), K_OK);
    assert_int_equal(txn_next(TXN_NEEDS_RECONCILIATION, EV_RESUME, &none, &to, NULL), K_ESTATE);
    assert_int_equal(txn_next(TXN_NEEDS_RECONCILIATION, EV_CONFIRM, &none, &to, NULL), K_ESTATE);
    assert_int_equal(txn_next(TXN_NEEDS_RECONCILIATION, EV_CANCEL, &some, &to, NULL), K_ESTATE);
    /* refunded outside the kiosk only when money was taken */
    assert_int_equal(txn_next(TXN_NEEDS_RECONCILIATION, EV_REFUND_DONE, &none, &to, NULL), K_ESTATE);
    assert_int_equal(txn_next(TXN_NEEDS_RECONCILIATION, EV_REFUND_DONE, &some, &to, NULL), K_OK);
    assert_int_equal(to, TXN_REFUNDED);
    /* only a bill payment with money taken is settled */
    const txn_facts_t bill = {.bill = true, .paid = 1}, bill_none = {.bill = true};
    assert_int_equal(txn_next(TXN_PAID, EV_SETTLE, &some, &to, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "bill payment"));
    assert_int_equal(txn_next(TXN_PAID, EV_SETTLE, &bill_none, &to, NULL), K_ESTATE);
    assert_int_equal(txn_next(TXN_PAID, EV_SETTLE, &bill, &to, NULL), K_OK);
    assert_int_equal(to, TXN_DELIVERED);
    /* a zero first purchase goes to paid with nothing paid, by its own event only */
    const txn_facts_t zero = {.zero_sale = true}, zero_paid = {.zero_sale = true, .paid = 1};
    assert_int_equal(txn_next(TXN_CREATED, EV_ZERO_FIRST, &none, &to, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "zero first purchase"));
    assert_int_equal(txn_next(TXN_CREATED, EV_ZERO_FIRST, &zero_paid, &to, NULL), K_ESTATE);
    assert_int_equal(txn_next(TXN_CREATED, EV_ZERO_FIRST, &zero, &to, NULL), K_OK);
    assert_int_equal(to, TXN_PAID);
    assert_int_equal(txn_next(TXN_PAYMENT_PENDING, EV_PAY_DONE, &zero, &to, NULL), K_ESTATE);
    assert_int_equal(txn_next(TXN_NEEDS_RECONCILIATION, EV_RESUME, &zero, &to, NULL), K_OK);
    assert_int_equal(txn_next(TXN_NEEDS_RECONCILIATION, EV_CONFIRM, &zero, &to, NULL), K_OK);
    /* a guarded edge with no facts is refused, never assumed */
    assert_int_equal(txn_next(TXN_PAYMENT_PENDING, EV_PAY_DONE, NULL, &to, NULL), K_ESTATE);
}

static void final_states_have_no_way_out(void **state)
{
    (void)state;
    const txn_state_t finals[] = {TXN_DELIVERED, TXN_CANCELLED, TXN_REFUNDED, TXN_VOIDED};
    for (size_t i = 0; i < 4; i++) {
        assert_true(txn_state_is_final(finals[i]));
        for (int e = 0; e < TXN_EVENT_COUNT; e++) {
            txn_state_t to;
            txn_facts_t f = {.paid = 5};
            assert_int_equal(txn_next(finals[i], (txn_event_t)e, &f, &to, NULL), K_ESTATE);
        }
    }
    int n_final = 0;
    for (int s = 0; s < TXN_STATE_COUNT; s++)
        n_final += txn_state_is_final((txn_state_t)s);
    assert_int_equal(n_final, 4);
}

static void names_round_trip(void **state)
{
    (void)state;
    for (int s = TXN_CREATED; s < TXN_STATE_COUNT; s++)
        assert_int_equal(txn_state_from_name(txn_state_name((txn_state_t)s)), s);
    for (int e = 0; e < TXN_EVENT_COUNT; e++) {
        txn_event_t back;
        assert_true(txn_event_from_name(txn_event_name((txn_event_t)e), &back));
        assert_int_equal(back, e);
    }
    txn_event_t ev;
    assert_int_equal(txn_state_from_name("delivred"), TXN_NONE);
    assert_int_equal(txn_state_from_name(NULL), TXN_NONE);
    assert_false(txn_event_from_name("teleport", &ev));
    assert_string_equal(txn_state_name(TXN_NEEDS_RECONCILIATION), "needs_reconciliation");
}

static char *diagram(txn_diagram_format_t fmt)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    txn_diagram(f, fmt);
    fclose(f);
    return text;
}

static void diagrams_show_every_edge(void **state)
{
    (void)state;
    char *dot = diagram(TXN_DIAGRAM_DOT), *mer = diagram(TXN_DIAGRAM_MERMAID);
    for (size_t i = 0; i < N_ALLOWED; i++) {
        char want[128];
        snprintf(want, sizeof want, "%s -> %s [label=\"%s", i == 0 ? "start" : txn_state_name(allowed[i].from),
                 txn_state_name(allowed[i].to), txn_event_name(allowed[i].event));
        if (!strstr(dot, want))
            fail_msg("dot lacks %s", want);
        snprintf(want, sizeof want, "%s --> %s: %s", i == 0 ? "[*]" : txn_state_name(allowed[i].from),
                 txn_state_name(allowed[i].to), txn_event_name(allowed[i].event));
        if (!strstr(mer, want))
            fail_msg("mermaid lacks %s", want);
    }
    assert_non_null(strstr(dot, "digraph txn {"));
    assert_non_null(strstr(dot, "delivered [peripheries=2]"));
    assert_non_null(strstr(mer, "stateDiagram-v2"));
    assert_non_null(strstr(mer, "pay_done [paid > 0]"));
    assert_non_null(strstr(mer, "voided --> [*]"));
    free(dot);
    free(mer);
}

static void uuid_v4_text(void **state)
{
    (void)state;
    uint8_t ones[16], zeros[16] = {0};
    memset(ones, 0xFF, sizeof ones);
    char a[UUID_STR_LEN], b[UUID_STR_LEN];
    uuid_v4_format(zeros, a);
    uuid_v4_format(ones, b);
    assert_string_equal(a, "00000000-0000-4000-8000-000000000000");
    assert_string_equal(b, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    assert_true(uuid_v4_valid(a));
    assert_true(uuid_v4_valid(b));
    assert_false(uuid_v4_valid("ffffffff-ffff-1fff-bfff-ffffffffffff")); /* version 1 */
    assert_false(uuid_v4_valid("ffffffff-ffff-4fff-cfff-ffffffffffff")); /* wrong variant */
    assert_false(uuid_v4_valid("FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF")); /* not canonical */
    assert_false(uuid_v4_valid("ffffffff-ffff-4fff-bfff-fffffffffff"));
    assert_false(uuid_v4_valid(NULL));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_pair_is_allowed_or_refused),
    cmocka_unit_test(guards_hold),
    cmocka_unit_test(final_states_have_no_way_out),
    cmocka_unit_test(names_round_trip),
    cmocka_unit_test(diagrams_show_every_edge),
    cmocka_unit_test(uuid_v4_text),
};

KTEST_MAIN(tests)
