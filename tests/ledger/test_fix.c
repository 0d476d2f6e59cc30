/* Staff corrections (engine/engine_correct.c) and the Z report
 * (engine_zreport.c) on a real ledger: which state allows which fix, each
 * fix's money and audit row in one commit, refusals that change nothing,
 * and a collection recorded even when its report cannot be printed. And
 * the back office's qr_refunded notice booked to a parked QR sale
 * (engine_qr_refund.c, sync_notice_refund.c): once, whether the notice
 * comes twice or after a restart. */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "ktest.h"
#include "support/support.h"

#include <cjson/cJSON.h>

#include "engine/engine.h"
#include "sync/sync_notice.h"

#define ID1 "11111111-1111-4111-8111-111111111111"
#define ACTOR "operator:alice"

static char dir[512];
static kiosk_config_t cfg;
static ledger_t *ledger;
static engine_t eng;

static int setup(void **state)
{
    (void)state;
    kmsg_t msg = {""};
    assert_true(tmpdir_make(dir, sizeof dir));
    config_defaults(&cfg);
    snprintf(cfg.ledger_path, sizeof cfg.ledger_path, "%s/ledger.db", dir);
    if (ledger_open(cfg.ledger_path, LEDGER_CREATE, &test_clock, &ledger, &msg) != K_OK)
        fail_msg("ledger: %s", msg.text);
    eng = (engine_t){.ledger = ledger, .cfg = &cfg, .clk = &test_clock};
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ledger_close(ledger);
    tmpdir_remove(dir);
    return 0;
}

static void step(txn_state_t from, ledger_change_t c)
{
    kmsg_t msg = {""};
    if (ledger_apply(ledger, ID1, from, &c, NULL, &msg) != K_OK)
        fail_msg("%s from %s: %s", txn_event_name(c.event), txn_state_name(from), msg.text);
}

/* A cash sale of 50.00, paid, parked after one delivery attempt whose
 * outcome is applied (APPLIED_NO: the meter refused it; APPLIED_UNKNOWN:
 * the answer was lost and nothing could tell). */
static void park_sale_paid(const ledger_payment_t *p, const char *reason, ledger_applied_t applied)
{
    ledger_new_txn_t n = {.id = ID1, .meter = "000000000001", .customer = "100000000001", .method = p->method,
                          .channel = CHANNEL_REMOTE, .currency = "CNY", .amount = 5000};
    kmsg_t msg = {""};
    assert_int_equal(ledger_create(ledger, &n, &msg), K_OK);
    step(TXN_CREATED, (ledger_change_t){.event = EV_PAY_BEGIN});
    step(TXN_PAYMENT_PENDING, (ledger_change_t){.event = EV_MONEY_IN, .payment = p});
    step(TXN_PAYMENT_PENDING, (ledger_change_t){.event = EV_PAY_DONE});
    step(TXN_PAID, (ledger_change_t){.event = EV_DELIVER, .begin_count = 8});
    step(TXN_DELIVERING, (ledger_change_t){.event = EV_PARK, .reason = reason, .close_result = "timeout",
                                           .close_applied = applied});
}

static void make_parked_after(ledger_applied_t applied)
{
    ledger_payment_t p = {.method = METHOD_CASH, .amount = 5000, .denomination = 5000, .ref = "note 1"};
    park_sale_paid(&p, "the attempt went wrong", applied);
}

static void make_parked(void)
{
    make_parked_after(APPLIED_NO);
}

static int64_t violations(void)
{
    int64_t n = -1;
    kmsg_t msg = {""};
    assert_int_equal(ledger_verify(ledger, NULL, NULL, &n, &msg), K_OK);
    return n;
}

typedef struct audit_seen {
    char action[32], actor[48], target[64], reason[160];
    int n;
} audit_seen_t;

static void newest(void *ctx, const ledger_audit_row_t *r)
{
    audit_seen_t *a = ctx;
    if (a->n++)
        return;
    snprintf(a->action, sizeof a->action, "%s", r->action);
    snprintf(a->actor, sizeof a->actor, "%s", r->actor);
    snprintf(a->target, sizeof a->target, "%s", r->target);
    snprintf(a->reason, sizeof a->reason, "%s", r->reason);
}

static audit_seen_t last_audit(void)
{
    audit_seen_t a = {0};
    kmsg_t msg = {""};
    assert_int_equal(ledger_audit_recent(ledger, 1, newest, &a, &msg), K_OK);
    return a;
}

/* One row per state and fix: what the transaction table allows. A parked
 * zero first purchase (nothing paid) may be resumed or confirmed; a sale
 * that is not one, with nothing paid, may not. */
static void allowed_follows_the_table(void **state)
{
    (void)state;
    static const struct {
        txn_state_t s;
        int64_t paid;
        bool zero_sale;
        bool resume, confirm, voids, zero;
    } rows[] = {
        {TXN_NEEDS_RECONCILIATION, 5000, false, true, true, true, true},
        {TXN_NEEDS_RECONCILIATION, 0, false, false, false, true, false},
        {TXN_NEEDS_RECONCILIATION, 0, true, true, true, true, false},
        {TXN_DELIVERY_PENDING, 5000, false, false, false, true, true},
        {TXN_DELIVERY_PENDING, 0, true, false, false, true, false},
        {TXN_DELIVERED, 5000, false, false, false, false, false},
        {TXN_DELIVERED, 0, true, false, false, false, false},
        {TXN_PAID, 5000, false, false, false, false, false},
        {TXN_VOIDED, 5000, false, false, false, false, false},
        {TXN_CREATED, 0, false, false, false, false, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        txn_state_t s = rows[i].s;
        int64_t paid = rows[i].paid;
        bool z = rows[i].zero_sale;
        assert_int_equal(engine_fix_allowed(s, paid, z, ENGINE_FIX_RESUME), rows[i].resume);
        assert_int_equal(engine_fix_allowed(s, paid, z, ENGINE_FIX_CONFIRM), rows[i].confirm);
        assert_int_equal(engine_fix_allowed(s, paid, z, ENGINE_FIX_VOID), rows[i].voids);
        assert_int_equal(engine_fix_allowed(s, paid, z, ENGINE_FIX_ZERO), rows[i].zero);
    }
    engine_fix_t f;
    assert_true(engine_fix_from_name("zero", &f));
    assert_int_equal(f, ENGINE_FIX_ZERO);
    assert_false(engine_fix_from_name("refund", &f));
}

static void void_gives_back_by_hand_with_audit(void **state)
{
    (void)state;
    make_parked(); /* the meter refused the attempt */
    ledger_txn_t t;
    kmsg_t msg = {""};
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_CONFIRM, ACTOR, "seen", &t, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "nothing to confirm"));
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_VOID, ACTOR, "Meter fault", &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_VOIDED);
    assert_int_equal(t.refunded, 5000);
    audit_seen_t a = last_audit();
    assert_string_equal(a.action, "txn_void");
    assert_string_equal(a.actor, ACTOR);
    assert_string_equal(a.target, ID1);
    assert_string_equal(a.reason, "Meter fault");
    assert_int_equal(violations(), 0);
    ledger_cash_report_t r;
    assert_int_equal(ledger_cash_status(ledger, &r, &msg), K_OK);
    assert_int_equal(r.n_refunded, 1);
    assert_string_equal(r.refunded[0].method, "operator");
    assert_int_equal(r.refunded[0].total, 5000);
}

static void zero_keeps_the_money_apart(void **state)
{
    (void)state;
    make_parked();
    ledger_txn_t t;
    kmsg_t msg = {""};
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_ZERO, ACTOR, "Operator error", &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_VOIDED);
    assert_string_equal(last_audit().action, "txn_zero");
    ledger_cash_report_t r;
    assert_int_equal(ledger_cash_status(ledger, &r, &msg), K_OK);
    assert_string_equal(r.refunded[0].method, "zeroed");
    assert_int_equal(violations(), 0);
}

/* The answer was lost: the credit may be on the meter. Giving the money
 * back then could pay twice; zeroing keeps it; resume reads the meter. */
static void no_void_while_the_credit_may_be_on_the_meter(void **state)
{
    (void)state;
    make_parked_after(APPLIED_UNKNOWN);
    ledger_txn_t t;
    kmsg_t msg = {""};
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_VOID, ACTOR, "Meter fault", &t, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "may have reached the meter"));
    assert_int_equal(ledger_get(ledger, ID1, &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_NEEDS_RECONCILIATION);
    assert_int_equal(t.refunded, 0);
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_ZERO, ACTOR, "Meter fault", &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_VOIDED);
    assert_int_equal(violations(), 0);
}

static void resume_then_confirm(void **state)
{
    (void)state;
    make_parked_after(APPLIED_UNKNOWN);
    ledger_txn_t t;
    kmsg_t msg = {""};
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_RESUME, ACTOR, "checked", &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_DELIVERY_PENDING);
    assert_string_equal(last_audit().action, "txn_resume");
    step(TXN_DELIVERY_PENDING, (ledger_change_t){.event = EV_PARK, .reason = "again"});
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_CONFIRM, ACTOR, "count 8 on the meter", &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.delivered, 5000);
    assert_int_equal(violations(), 0);
}

/* A new account's zero first purchase onto its card, parked after one
 * attempt whose answer was lost (nothing paid). */
static void make_zero_parked(void)
{
    ledger_new_txn_t n = {.id = ID1, .meter = "000000000003", .customer = "100000000003", .method = METHOD_NONE,
                          .channel = CHANNEL_CARD, .card = "4B50000000000001", .currency = "CNY", .amount = 0};
    kmsg_t msg = {""};
    if (ledger_create(ledger, &n, &msg) != K_OK)
        fail_msg("zero sale: %s", msg.text);
    step(TXN_CREATED, (ledger_change_t){.event = EV_ZERO_FIRST});
    step(TXN_PAID, (ledger_change_t){.event = EV_DELIVER, .begin_count = 1});
    step(TXN_DELIVERING, (ledger_change_t){.event = EV_PARK, .reason = "the card's answer was lost",
                                           .close_result = "timeout", .close_applied = APPLIED_UNKNOWN});
}

/* kioskctl's resume and confirm reach a parked zero first purchase: it is
 * owed a delivery though nothing was paid; its receipt then says the
 * account opened, for 0. */
static void zero_first_resumes_and_confirms(void **state)
{
    (void)state;
    make_zero_parked();
    ledger_txn_t t;
    kmsg_t msg = {""};
    receipt_t r;
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_ZERO, ACTOR, "nothing to zero", &t, &msg), K_ESTATE);
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_RESUME, ACTOR, "card back", &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_DELIVERY_PENDING);
    step(TXN_DELIVERY_PENDING, (ledger_change_t){.event = EV_PARK, .reason = "again"});
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_CONFIRM, ACTOR, "purse count 1 read", &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.paid, 0);
    assert_string_equal(last_audit().action, "txn_confirm");
    assert_int_equal(violations(), 0);
    assert_int_equal(engine_receipt_of(&eng, ID1, false, &r, &msg), K_OK);
    const receipt_line_t *amount = receipt_find(&r, RECEIPT_AMOUNT), *status = receipt_find(&r, RECEIPT_STATUS);
    assert_non_null(amount);
    assert_int_equal(amount->number, 0);
    assert_non_null(status);
    assert_string_equal(status->words.en, "Account opened");
    assert_null(receipt_find(&r, RECEIPT_ENERGY));
}

static void refusals_change_nothing(void **state)
{
    (void)state;
    make_parked_after(APPLIED_UNKNOWN);
    ledger_txn_t t;
    kmsg_t msg = {""};
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_VOID, ACTOR, "", &t, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "say why"));
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_VOID, ACTOR, "two\nlines", &t, &msg), K_EINVAL);
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_CONFIRM, ACTOR, "ok", &t, &msg), K_OK);
    assert_int_equal(engine_fix(&eng, ID1, ENGINE_FIX_VOID, ACTOR, "late", &t, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "delivered"));
    assert_int_equal(ledger_get(ledger, ID1, &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.refunded, 0);
    assert_string_equal(last_audit().action, "txn_confirm");
}

static void collect_without_printer_is_recorded(void **state)
{
    (void)state;
    make_parked();
    ledger_cash_report_t r;
    bool printed = true;
    kmsg_t msg = {""};
    assert_int_equal(engine_collect(&eng, NULL, ACTOR, &r, &printed, &msg), K_OK);
    assert_false(printed);
    assert_non_null(strstr(msg.text, "not printed"));
    assert_int_equal(r.n_taken, 1);
    assert_int_equal(r.taken[0].total, 5000);
    audit_seen_t a = last_audit();
    assert_string_equal(a.action, "cash_collect");
    assert_string_equal(a.actor, ACTOR);
    ledger_cash_report_t after;
    assert_int_equal(ledger_cash_status(ledger, &after, &msg), K_OK);
    assert_int_equal(after.n_taken, 0); /* the counters start again */
}

static void zreport_document(void **state)
{
    (void)state;
    make_parked();
    ledger_cash_report_t r;
    kmsg_t msg = {""};
    assert_int_equal(ledger_cash_status(ledger, &r, &msg), K_OK);
    printer_doc_t doc;
    printer_doc_init(&doc);
    assert_int_equal(engine_zreport_doc(&eng, &r, ACTOR, &doc, &msg), K_OK);
    bool title = false, total = false, who = false;
    long money_end = -1; /* the column where every money line ends: one straight column */
    for (size_t i = 0; i < doc.n; i++) {
        if (doc.items[i].kind != PRINTER_TEXT)
            continue;
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)doc.items[i].len, (const char *)doc.items[i].data);
        title |= strstr(line, "Z REPORT") != NULL;
        total |= strstr(line, "合计 Total") != NULL && strstr(line, "   1 ") != NULL && strstr(line, "50.00") != NULL;
        who |= strstr(line, "Operator") != NULL && strstr(line, "alice") != NULL;
        assert_null(strstr(line, "operator:")); /* the operator's name, not the actor's tag */
        if (strstr(line, "CNY") && strstr(line, "Z REPORT") == NULL) {
            long end = 0; /* columns: a Chinese character (three bytes) is two */
            for (const unsigned char *p = (const unsigned char *)line; *p; p++)
                end += *p < 0x80 ? 1 : (*p & 0xC0) == 0xC0 ? 2 : 0;
            if (money_end < 0)
                money_end = end;
            assert_int_equal(end, money_end);
        }
    }
    printer_doc_free(&doc);
    assert_true(title);
    assert_true(total); /* the count of the total is the sales', not 0 */
    assert_true(who);
    assert_true(money_end > 0);
}

/* The newest audit row's outbox payload. */
static void last_audit_payload(void *ctx, const ledger_outbox_row_t *r)
{
    if (strcmp(r->topic, "audit") == 0)
        snprintf(ctx, 4096, "%s", r->payload);
}

/* An audit row goes up within what the back office takes: a long reason
 * cut on a character boundary, a newline made a space. */
static void audit_uploads_within_limits(void **state)
{
    (void)state;
    char reason[700] = "换表\n";
    while (strlen(reason) < sizeof reason - 4)
        strcat(reason, "数");
    kmsg_t msg = {""};
    assert_int_equal(ledger_audit(ledger, ACTOR, "meter_read", "000000000001", reason, "", &msg), K_OK);
    static char payload[4096];
    assert_int_equal(ledger_outbox_unsent(ledger, 100, last_audit_payload, payload, &msg), K_OK);
    cJSON *o = cJSON_Parse(payload);
    assert_non_null(o);
    const char *up = cJSON_GetStringValue(cJSON_GetObjectItem(o, "reason"));
    assert_non_null(up);
    assert_true(strlen(up) <= 511);
    assert_true(strlen(up) > 500);
    assert_null(strchr(up, '\n'));
    assert_int_equal(strncmp(up, "换表 数", strlen("换表 数")), 0);
    assert_int_equal(strlen(up) % 3, 1); /* whole characters: the space and three-byte ones */
    cJSON_Delete(o);
}

#define ORDER "0123456789abcdef0123456789abcdef"

/* A QR sale of 50.00 for ORDER, paid, parked: the meter refused its
 * credit (applied: APPLIED_NO) or nothing could tell (APPLIED_UNKNOWN). */
static void make_qr_parked(ledger_applied_t applied)
{
    ledger_payment_t p = {.method = METHOD_QR, .amount = 5000, .ref = ORDER};
    park_sale_paid(&p, "refused: count 8: refused", applied);
}

/* The notices as the back office lists them: the same qr_refunded notice
 * (id 7) twice, and one of a kind this kiosk does not know. */
static size_t notices(const char *outcome, sync_notice_t out[3])
{
    char text[900];
    snprintf(text, sizeof text,
             "[{\"id\":7,\"kind\":\"qr_refunded\",\"body\":{\"order\":\"" ORDER "\",\"txn\":\"" ID1 "\","
             "\"meter\":\"000000000001\",\"amount\":5000,\"outcome\":\"%s\",\"out_refund_no\":\"RF" ORDER "\","
             "\"refund_ref\":\"50300001\",\"settled_by\":\"alice\",\"reason\":\"paid back in cash\"}},"
             "{\"id\":7,\"kind\":\"qr_refunded\",\"body\":{\"order\":\"" ORDER "\",\"txn\":\"" ID1 "\","
             "\"meter\":\"000000000001\",\"amount\":5000,\"outcome\":\"%s\",\"out_refund_no\":\"RF" ORDER "\","
             "\"refund_ref\":\"50300001\",\"settled_by\":\"alice\",\"reason\":\"paid back in cash\"}},"
             "{\"id\":8,\"kind\":\"qr_refunded\",\"body\":{\"order\":\"x\",\"amount\":0}}]",
             outcome, outcome);
    cJSON *arr = cJSON_Parse(text);
    assert_non_null(arr);
    size_t n = sync_notices_parse(arr, out, 3);
    cJSON_Delete(arr);
    return n;
}

static void count_txn(void *ctx, const ledger_txn_t *t)
{
    (void)t;
    ++*(int *)ctx;
}

static void reopen(void)
{
    kmsg_t msg = {""};
    ledger_close(ledger);
    assert_int_equal(ledger_open(cfg.ledger_path, LEDGER_EXISTING, &test_clock, &ledger, &msg), K_OK);
    eng.ledger = ledger;
}

/* The sale's events that end it (refund_done, void): how many, and the
 * last one's detail. */
typedef struct ends_seen {
    int n;
    char detail[LEDGER_REASON_LEN];
} ends_seen_t;

static void count_ends(void *ctx, const ledger_event_t *e)
{
    ends_seen_t *r = ctx;
    if (e->event != EV_REFUND_DONE && e->event != EV_VOID)
        return;
    r->n++;
    snprintf(r->detail, sizeof r->detail, "%s", e->detail);
}

/* The refunds of the collection period: one, of method and 50.00. */
static void one_refund(const char *method)
{
    ledger_cash_report_t c;
    kmsg_t msg = {""};
    assert_int_equal(ledger_cash_status(ledger, &c, &msg), K_OK);
    assert_int_equal(c.n_refunded, 1);
    assert_string_equal(c.refunded[0].method, method);
    assert_int_equal(c.refunded[0].total, 5000);
}

/* The parked QR sale ends refunded once, by the provider's refund: the
 * notice seen twice, and again after the kiosk restarts, books one
 * refund; the held count is let go (the meter refused it); the sale
 * leaves the parked list. */
static void qr_refund_notice_books_once(void **state)
{
    (void)state;
    make_qr_parked(APPLIED_NO);
    sync_notice_t n[3];
    assert_int_equal(notices("refunded", n), 2); /* the one without an amount is skipped */
    sync_notice_report_t rep = {0};
    kmsg_t msg = {""};
    assert_int_equal(sync__notice_refund(&eng, &n[0], &rep, &msg), K_OK);
    assert_int_equal(sync__notice_refund(&eng, &n[1], &rep, &msg), K_OK);
    assert_int_equal(rep.refunded, 1);
    assert_int_equal(rep.refunded_before, 1);
    reopen(); /* the kiosk restarts before the notice was acknowledged: it comes again */
    assert_int_equal(sync__notice_refund(&eng, &n[0], &rep, &msg), K_OK);
    assert_int_equal(rep.refunded, 1);
    assert_int_equal(rep.refunded_before, 2);
    ledger_txn_t t;
    assert_int_equal(ledger_get(ledger, ID1, &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_REFUNDED);
    assert_int_equal(t.refunded, 5000);
    assert_int_equal(t.purchase_count, -1);
    assert_non_null(strstr(t.reason, "qr_refunded"));
    ends_seen_t r = {0};
    assert_int_equal(ledger_events(ledger, ID1, count_ends, &r, &msg), K_OK);
    assert_int_equal(r.n, 1);
    assert_non_null(strstr(r.detail, "refund 50300001"));
    assert_non_null(strstr(r.detail, "RF" ORDER));
    one_refund("qr_reversal");
    assert_int_equal(violations(), 0);
    ledger_filter_t parked = {.state = TXN_NEEDS_RECONCILIATION};
    int left = 0;
    assert_int_equal(ledger_list(ledger, &parked, count_txn, &left, &msg), K_OK);
    assert_int_equal(left, 0);
}

/* Settled by hand at the back office: the sale is voided (an operator's
 * refund, naming who); a notice for a sale not parked, or for another
 * amount, is refused (left for staff) and changes nothing. */
static void qr_settled_notice_voids(void **state)
{
    (void)state;
    make_qr_parked(APPLIED_UNKNOWN);
    sync_notice_t n[3];
    assert_int_equal(notices("settled", n), 2);
    sync_notice_report_t rep = {0};
    kmsg_t msg = {""};
    sync_notice_t other = n[0];
    other.refund.amount = 4000;
    assert_int_equal(sync__notice_refund(&eng, &other, &rep, &msg), K_EINVAL);
    snprintf(other.refund.order, sizeof other.refund.order, "no-such-order");
    other.refund.amount = 5000;
    assert_int_equal(sync__notice_refund(&eng, &other, &rep, &msg), K_EINVAL);
    assert_int_equal(rep.refunded, 0);
    assert_int_equal(sync__notice_refund(&eng, &n[0], &rep, &msg), K_OK);
    assert_int_equal(sync__notice_refund(&eng, &n[1], &rep, &msg), K_OK);
    assert_int_equal(rep.refunded, 1);
    ledger_txn_t t;
    assert_int_equal(ledger_get(ledger, ID1, &t, &msg), K_OK);
    assert_int_equal(t.state, TXN_VOIDED);
    assert_int_equal(t.purchase_count, 8); /* the credit may be on the meter: its count stays held */
    ends_seen_t r = {0};
    assert_int_equal(ledger_events(ledger, ID1, count_ends, &r, &msg), K_OK);
    assert_int_equal(r.n, 1);
    assert_non_null(strstr(r.detail, "settled by hand at the back office by backoffice:alice: paid back in cash"));
    one_refund("operator");
    assert_int_equal(violations(), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allowed_follows_the_table),
        cmocka_unit_test_setup_teardown(void_gives_back_by_hand_with_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(zero_keeps_the_money_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(no_void_while_the_credit_may_be_on_the_meter, setup, teardown),
        cmocka_unit_test_setup_teardown(resume_then_confirm, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(zero_first_resumes_and_confirms, setup, teardown),
        cmocka_unit_test_setup_teardown(collect_without_printer_is_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(zreport_document, setup, teardown),
        cmocka_unit_test_setup_teardown(audit_uploads_within_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(qr_refund_notice_books_once, setup, teardown),
        cmocka_unit_test_setup_teardown(qr_settled_notice_voids, setup, teardown),
    };
    return ktest_run("fix", tests, sizeof tests / sizeof tests[0], argc, argv);
}
