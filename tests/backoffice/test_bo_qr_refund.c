/* QR refunds in the back office (backoffice/domain/bo_qr_refund.h) on a
 * real database (SQLite, and PostgreSQL as pg.bo_qr_refund.*), with a
 * provider whose answers the test scripts: recorded once per order at
 * ingest, asked by the order's number, followed until SUCCESS, a failure
 * that passes asked again later, a lost answer asked again by the same
 * number, a refund the provider gives up alerted and settled by hand;
 * the kiosk told of each outcome by one qr_refunded notice; a phone
 * page's payment whose credit failed refunded once, across restarts. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/bo_testdb.h"
#include "backoffice/domain/bo_qr_refund.h"
#include "backoffice/domain/bo_staff.h"
#include "backoffice/store_sqlite/bo_sqlite.h"
#include "ktest.h"
#include "support/support.h"

#define NOW 1800000000000LL
#define ORDER "0123456789abcdef0123456789abcdef"
#define TXN "6f1c2a4e-3b1d-4c8a-9e2f-000000000001"
#define PHONE "P000012345678_0123456789abcdef"

/* The provider: each call takes the next scripted answer. */
typedef struct script {
    kerr_t rc[8];
    bo_prov_refund_state_t state[8];
    int n, calls, refunds, queries;
    char last_no[65];
    const char *trade; /* the order refunded (NULL: ORDER) */
} script_t;

static kerr_t answer(script_t *s, bo_prov_refund_t *r, kmsg_t *msg)
{
    int i = s->calls < s->n ? s->calls : s->n - 1;
    s->calls++;
    r->state = s->state[i];
    snprintf(r->refund_no, sizeof r->refund_no, "503000001");
    return s->rc[i] ? kmsg_set(msg, s->rc[i], "scripted failure %d", i) : K_OK;
}

static kerr_t refund(void *ctx, const char *trade, const char *no, int64_t amount, int64_t total, bo_prov_refund_t *r,
                     kmsg_t *msg)
{
    script_t *s = ctx;
    assert_string_equal(trade, s->trade ? s->trade : ORDER);
    assert_int_equal(amount, 5000);
    assert_int_equal(total, 5000);
    snprintf(s->last_no, sizeof s->last_no, "%s", no);
    s->refunds++;
    return answer(s, r, msg);
}

static kerr_t query(void *ctx, const char *trade, const char *no, bo_prov_refund_t *r, kmsg_t *msg)
{
    script_t *s = ctx;
    assert_string_equal(trade, ORDER);
    snprintf(s->last_no, sizeof s->last_no, "%s", no);
    s->queries++;
    return answer(s, r, msg);
}

static const bo_provider_ops_t fake_ops = {.name = "fake", .refund = refund, .refund_query = query};

/* The provider that did not take the payment: never asked. */
static kerr_t not_mine(void *ctx, const char *trade, const char *no, int64_t amount, int64_t total,
                       bo_prov_refund_t *r, kmsg_t *msg)
{
    (void)ctx, (void)no, (void)amount, (void)total, (void)r, (void)msg;
    fail_msg("order %s refunded through a provider that did not take it", trade);
    return K_EIO;
}

static const bo_provider_ops_t other_ops = {.name = "other", .refund = not_mine};

typedef struct fixture {
    char dir[512], database[600];
    bo_store_t st;
    script_t script;
    bo_provider_t prov, other; /* the scripted provider, and one never asked */
    int locked;
} fixture_t;

/* The phone page's provider for order: the scripted one for a phone order
 * (the kiosks' is then the other), as the back office finds it by id. */
static const bo_provider_t *phone_prov(void *arg, const char *order)
{
    fixture_t *f = arg;
    assert_int_equal(order[0], 'P');
    return &f->prov;
}

static void lock(void *arg)
{
    assert_int_equal(((fixture_t *)arg)->locked++, 0);
}

static void unlock(void *arg)
{
    assert_int_equal(--((fixture_t *)arg)->locked, 0);
}

/* A paid QR order of kiosk K1's sale TXN, and the store. */
static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    kmsg_t msg = {{0}};
    assert_true(tmpdir_make(f->dir, sizeof f->dir)); /* a file, so that the store may be opened again */
    assert_true(bo_testdb_make(f->dir, "bo.db", f->database, sizeof f->database));
    assert_int_equal(bo_sqlite_open(f->database, &f->st, &msg), K_OK);
    bo_order_t o = {.id = ORDER, .kiosk = "K1", .txn = TXN, .meter = "000012345678", .currency = "CNY",
                    .amount = 5000, .created_at = NOW, .expires_at = NOW + 60000};
    assert_int_equal(f->st.ops->qr->order_add(f->st.ctx, &o, &msg), K_OK);
    snprintf(o.state, sizeof o.state, "paid");
    o.paid_at = NOW + 1000;
    assert_int_equal(f->st.ops->qr->order_set(f->st.ctx, &o, &msg), K_OK);
    f->prov = (bo_provider_t){&f->script, &fake_ops};
    f->other = (bo_provider_t){NULL, &other_ops};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    f->st.ops->close(f->st.ctx);
    bo_testdb_drop(f->database);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* The kiosk uploads its sale in state (parked for reason), paid 5000 and
 * delivered d. */
static void upload_why(fixture_t *f, const char *state, int64_t delivered, const char *reason)
{
    bo_txn_t t = {.id = TXN, .meter = "000012345678", .method = "qr", .currency = "CNY", .amount = 5000,
                  .paid = 5000, .delivered = delivered};
    snprintf(t.state, sizeof t.state, "%s", state);
    kmsg_t msg = {{0}};
    assert_int_equal(f->st.ops->begin(f->st.ctx, &msg), K_OK);
    assert_int_equal(bo_qr_refund_on_sale(&f->st, "K1", &t, reason, NOW, &msg), K_OK);
    assert_int_equal(f->st.ops->commit(f->st.ctx, &msg), K_OK);
}

static void upload(fixture_t *f, const char *state, int64_t delivered)
{
    upload_why(f, state, delivered, "refused: count 8: refused (balance limit)");
}

static bo_refund_rec_t stored(fixture_t *f)
{
    bo_refund_rec_t r = {0};
    bool found = false;
    kmsg_t msg = {{0}};
    assert_int_equal(f->st.ops->refund->get(f->st.ctx, ORDER, &r, &found, &msg), K_OK);
    assert_true(found);
    return r;
}

static bo_refund_stats_t pass_as(fixture_t *f, int64_t at, bool phone)
{
    bo_refund_env_t env = {&f->st, phone ? &f->other : &f->prov, lock, unlock, f, phone_prov, NULL};
    bo_refund_stats_t s;
    kmsg_t msg = {{0}};
    assert_int_equal(bo_qr_refund_pass(&env, at, &s, &msg), K_OK);
    return s;
}

/* A pass with the kiosks' provider the scripted one. */
static bo_refund_stats_t pass(fixture_t *f, int64_t at)
{
    return pass_as(f, at, false);
}

static void script(fixture_t *f, int n, const kerr_t *rc, const bo_prov_refund_state_t *st)
{
    f->script.n = n;
    memcpy(f->script.rc, rc, sizeof(kerr_t) * (size_t)n);
    memcpy(f->script.state, st, sizeof(bo_prov_refund_state_t) * (size_t)n);
}

static long count(fixture_t *f, const char *state)
{
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    assert_int_equal(f->st.ops->refund->list(f->st.ctx, state, &rows, &msg), K_OK);
    long n = rows.nrows;
    bo_rows_free(&rows);
    return n;
}

typedef struct notices {
    int n;
    char kind[32], body[1024];
} notices_t;

static void on_notice(void *arg, int64_t id, const char *kind, const char *body, int64_t at)
{
    notices_t *n = arg;
    (void)id, (void)at;
    n->n++;
    snprintf(n->kind, sizeof n->kind, "%s", kind);
    snprintf(n->body, sizeof n->body, "%s", body);
}

/* The open notices of kiosk K1 (the last one's kind and body). */
static notices_t notices(fixture_t *f)
{
    notices_t n = {0};
    kmsg_t msg = {{0}};
    assert_int_equal(f->st.ops->qr->notices_each(f->st.ctx, "K1", 50, on_notice, &n, &msg), K_OK);
    return n;
}

/* Only a parked QR sale with nothing delivered is refunded, once. */
static void recorded_once_per_order(void **state)
{
    fixture_t *f = *state;
    upload(f, "delivered", 5000);
    upload(f, "delivery_pending", 0);
    assert_int_equal(count(f, ""), 0);
    upload(f, "needs_reconciliation", 0);
    upload(f, "needs_reconciliation", 0);
    assert_int_equal(count(f, ""), 1);
    assert_int_equal(count(f, "pending"), 1);
    bo_refund_rec_t r = stored(f);
    assert_string_equal(r.out_refund_no, "RF" ORDER);
    assert_int_equal(r.amount, 5000);
    assert_string_equal(r.kiosk, "K1");
}

/* A sale parked for a reason that leaves it possible that the meter took
 * the credit is kept for review, alerted, never asked; staff may settle it. */
static void in_doubt_kept_for_review(void **state)
{
    fixture_t *f = *state;
    upload_why(f, "needs_reconciliation", 0, "repeated_unconfirmed: count 8 answered repeated, read back 7");
    upload_why(f, "needs_reconciliation", 0, NULL);
    assert_int_equal(count(f, "review"), 1);
    assert_int_equal(pass(f, NOW + 3600000).asked, 0);
    assert_int_equal(f->script.calls, 0);
    bool found = false;
    kmsg_t msg = {{0}};
    assert_int_equal(f->st.ops->log->alert_open(f->st.ctx, "qr_refund_review", "", "000012345678", &found, &msg), K_OK);
    assert_true(found);
}

/* PROCESSING, then SUCCESS to the query; nothing asked once done. */
static void asked_then_followed(void **state)
{
    fixture_t *f = *state;
    upload(f, "needs_reconciliation", 0);
    script(f, 2, (kerr_t[]){K_OK, K_OK}, (bo_prov_refund_state_t[]){BO_PROV_REFUND_PROCESSING, BO_PROV_REFUND_SUCCESS});
    assert_int_equal(pass(f, NOW).asked, 1);
    assert_string_equal(stored(f).state, "processing");
    assert_int_equal(pass(f, NOW + 500).asked, 0); /* not due yet */
    assert_int_equal(pass(f, NOW + 1000).succeeded, 1);
    assert_int_equal(f->script.refunds, 1);
    assert_int_equal(f->script.queries, 1);
    assert_string_equal(f->script.last_no, "RF" ORDER);
    bo_refund_rec_t r = stored(f);
    assert_string_equal(r.state, "succeeded");
    assert_string_equal(r.refund_ref, "503000001");
    assert_string_equal(r.source, "kiosk");
    assert_int_equal(pass(f, NOW + 3600000).asked, 0);
    /* the kiosk is told once, with what its ledger books */
    notices_t n = notices(f);
    assert_int_equal(n.n, 1);
    assert_string_equal(n.kind, "qr_refunded");
    assert_non_null(strstr(n.body, "\"order\":\"" ORDER "\""));
    assert_non_null(strstr(n.body, "\"txn\":\"" TXN "\""));
    assert_non_null(strstr(n.body, "\"amount\":5000"));
    assert_non_null(strstr(n.body, "\"outcome\":\"refunded\""));
    assert_non_null(strstr(n.body, "\"refund_ref\":\"503000001\""));
}

/* A failure that passes (and a lost answer: the provider has no such
 * refund) is asked again by the same number, later each time; five
 * failures are one alert, and the asking goes on. */
static void failures_asked_again_later(void **state)
{
    fixture_t *f = *state;
    upload(f, "needs_reconciliation", 0);
    kerr_t rc[] = {K_EIO, K_OK, K_ENOTFOUND, K_EIO, K_EIO, K_EIO, K_OK};
    bo_prov_refund_state_t st[] = {0, BO_PROV_REFUND_PROCESSING, 0, 0, 0, 0, BO_PROV_REFUND_SUCCESS};
    script(f, 7, rc, st);
    pass(f, NOW);
    bo_refund_rec_t r = stored(f);
    assert_string_equal(r.state, "pending");
    assert_int_equal(r.next_at, NOW + 1000);
    assert_string_equal(r.last_error, "scripted failure 0");
    pass(f, NOW + 1000); /* processing */
    pass(f, stored(f).next_at); /* the query: no such refund: pending, at once */
    assert_string_equal(stored(f).state, "pending");
    int64_t at = stored(f).next_at, alerts = 0;
    for (int i = 0; i < 3; i++) {
        bo_refund_stats_t s = pass(f, at);
        alerts += s.alerted;
        int64_t next = stored(f).next_at;
        assert_true(next - at >= 1000LL << (i + 2) && next - at <= 300000);
        at = next;
    }
    assert_int_equal(alerts, 1); /* the fifth failure */
    assert_true(stored(f).alerted);
    assert_int_equal(pass(f, at).succeeded, 1);
    assert_int_equal(f->script.refunds, 6);
    assert_string_equal(f->script.last_no, "RF" ORDER);
}

/* The provider gives the refund up: failed, alerted, never asked again;
 * settled by hand by an operator allowed `void` with the PIN only. */
static void failed_settled_by_hand(void **state)
{
    fixture_t *f = *state;
    kmsg_t msg = {{0}};
    char hash[crypto_pwhash_STRBYTES];
    bo_who_t who = {"backoffice:test", NOW};
    assert_int_equal(sodium_init() >= 0, 1);
    assert_int_equal(bo_group_set(&f->st, &who, "cashiers", "void", &msg), K_OK);
    assert_int_equal(bo_group_set(&f->st, &who, "readers", "reprint", &msg), K_OK);
    assert_int_equal(bo_staff_pin_hash("2468", hash, &msg), K_OK);
    assert_int_equal(bo_operator_add(&f->st, &who, "alice", "cashiers", hash, &msg), K_OK);
    assert_int_equal(bo_operator_add(&f->st, &who, "bob", "readers", hash, &msg), K_OK);
    upload(f, "needs_reconciliation", 0);
    script(f, 1, (kerr_t[]){K_OK}, (bo_prov_refund_state_t[]){BO_PROV_REFUND_FAILED});
    bo_refund_stats_t s = pass(f, NOW);
    assert_int_equal(s.failed, 1);
    assert_int_equal(s.alerted, 1);
    assert_int_equal(pass(f, NOW + 3600000).asked, 0);
    assert_int_equal(count(f, "failed"), 1);
    assert_int_equal(notices(f).n, 0); /* a failed refund tells the kiosk nothing: its sale stays parked */
    assert_int_equal(bo_qr_refund_settle(&f->st, &who, &(bo_signer_t){"bob", "2468"}, ORDER, "cash", &msg),
                     K_EDENIED);
    assert_int_equal(bo_qr_refund_settle(&f->st, &who, &(bo_signer_t){"alice", "1111"}, ORDER, "cash", &msg),
                     K_EDENIED);
    assert_string_equal(stored(f).state, "failed");
    assert_int_equal(bo_qr_refund_settle(&f->st, &who, &(bo_signer_t){"alice", "2468"}, ORDER, "cash", &msg), K_OK);
    bo_refund_rec_t r = stored(f);
    assert_string_equal(r.state, "settled");
    assert_string_equal(r.settled_by, "alice");
    assert_string_equal(r.reason, "cash");
    notices_t n = notices(f);
    assert_int_equal(n.n, 1);
    assert_non_null(strstr(n.body, "\"outcome\":\"settled\""));
    assert_non_null(strstr(n.body, "\"settled_by\":\"alice\""));
    assert_int_equal(bo_qr_refund_settle(&f->st, &who, &(bo_signer_t){"alice", "2468"}, ORDER, "again", &msg),
                     K_ESTATE);
    assert_int_equal(bo_qr_refund_settle(&f->st, &who, &(bo_signer_t){"alice", "2468"}, "nope", "x", &msg),
                     K_ENOTFOUND);
}

/* A central credit command of the phone page (operator phone) or of staff,
 * ended in state (handed to its kiosk when sent). */
static void phone_credit(fixture_t *f, const char *id, const char *operator_name, const char *state, bool sent)
{
    bo_cmd_rec_t c = {.issued_at = NOW, .expires_at = NOW + 86400000, .updated_at = NOW + 5000,
                      .sent_at = sent ? NOW + 1000 : 0};
    snprintf(c.id, sizeof c.id, "%s", id);
    snprintf(c.kiosk, sizeof c.kiosk, "K1");
    snprintf(c.meter, sizeof c.meter, "000012345678");
    snprintf(c.command, sizeof c.command, "credit");
    snprintf(c.state, sizeof c.state, "%s", state);
    snprintf(c.operator_name, sizeof c.operator_name, "%s", operator_name);
    snprintf(c.reason, sizeof c.reason, "paid from the phone page");
    snprintf(c.params, sizeof c.params, "{\"amount\":5000,\"currency\":\"CNY\",\"paid_by\":\"online\"}");
    snprintf(c.outcome, sizeof c.outcome, "the meter refused it");
    snprintf(c.envelope, sizeof c.envelope, "{}");
    kmsg_t msg = {{0}};
    assert_int_equal(f->st.ops->cmd->add(f->st.ctx, &c, &msg), K_OK);
    assert_int_equal(f->st.ops->cmd->set(f->st.ctx, &c, &msg), K_OK);
}

static bo_refund_rec_t stored_of(fixture_t *f, const char *order, bool *found)
{
    bo_refund_rec_t r = {0};
    kmsg_t msg = {{0}};
    assert_int_equal(f->st.ops->refund->get(f->st.ctx, order, &r, found, &msg), K_OK);
    return r;
}

static void reopen(fixture_t *f)
{
    kmsg_t msg = {{0}};
    f->st.ops->close(f->st.ctx);
    assert_int_equal(bo_sqlite_open(f->database, &f->st, &msg), K_OK);
}

/* A phone payment whose credit failed is refunded once: the check run
 * twice, and again after the back office restarts, records one refund;
 * the provider is asked once. Credits done, of staff, or in doubt are
 * not refunded by themselves; no kiosk is told (no sale of its own). */
static void phone_failed_refunded_once(void **state)
{
    fixture_t *f = *state;
    kmsg_t msg = {{0}};
    int added = -1;
    bool found = false;
    phone_credit(f, PHONE, "phone", "failed", true);
    phone_credit(f, "P000012345678_00000000000000d1", "phone", "done", true);
    phone_credit(f, "P000012345678_00000000000000d2", "phone", "unknown", true);
    phone_credit(f, "C000000000000000000000000000003", "alice", "failed", true);
    assert_int_equal(bo_phone_refund_scan(&f->st, NOW + 6000, &added, &msg), K_OK);
    assert_int_equal(added, 2);
    assert_int_equal(bo_phone_refund_scan(&f->st, NOW + 7000, &added, &msg), K_OK);
    assert_int_equal(added, 0);
    bo_refund_rec_t r = stored_of(f, PHONE, &found);
    assert_true(found);
    assert_string_equal(r.state, "pending");
    assert_string_equal(r.source, "phone");
    assert_string_equal(r.out_refund_no, "RF" PHONE);
    assert_int_equal(r.amount, 5000);
    assert_string_equal(bo_phone_refund_stage(&r), "refunding");
    assert_string_equal(stored_of(f, "P000012345678_00000000000000d2", &found).state, "review");
    assert_true(found);
    stored_of(f, "P000012345678_00000000000000d1", &found);
    assert_false(found);
    stored_of(f, "C000000000000000000000000000003", &found);
    assert_false(found);
    assert_int_equal(f->st.ops->log->alert_open(f->st.ctx, "qr_refund_review", "", "000012345678", &found, &msg), K_OK);
    assert_true(found);
    reopen(f); /* the back office restarts before asking */
    f->script.trade = PHONE;
    script(f, 1, (kerr_t[]){K_OK}, (bo_prov_refund_state_t[]){BO_PROV_REFUND_SUCCESS});
    bo_refund_stats_t s = pass_as(f, NOW + 8000, true);
    assert_int_equal(s.recorded, 0);
    assert_int_equal(s.asked, 1);
    assert_int_equal(s.succeeded, 1);
    reopen(f);
    s = pass_as(f, NOW + 3600000, true);
    assert_int_equal(s.recorded + s.asked, 0);
    assert_int_equal(f->script.refunds, 1);
    assert_string_equal(f->script.last_no, "RF" PHONE);
    r = stored_of(f, PHONE, &found);
    assert_string_equal(r.state, "succeeded");
    assert_string_equal(bo_phone_refund_stage(&r), "refunded");
    assert_int_equal(count(f, ""), 2);
    assert_int_equal(notices(f).n, 0);
}

/* A phone credit that expired before its kiosk took it is surely not on
 * the meter: refunded; one its kiosk's long poll took is in doubt. */
static void phone_expired(void **state)
{
    fixture_t *f = *state;
    kmsg_t msg = {{0}};
    int added = 0;
    bool found = false;
    phone_credit(f, PHONE, "phone", "expired", false);
    phone_credit(f, "P000012345678_00000000000000e2", "phone", "expired", true);
    assert_int_equal(bo_phone_refund_scan(&f->st, NOW + 6000, &added, &msg), K_OK);
    assert_int_equal(added, 2);
    assert_string_equal(stored_of(f, PHONE, &found).state, "pending");
    assert_string_equal(stored_of(f, "P000012345678_00000000000000e2", &found).state, "review");
    assert_string_equal(bo_phone_refund_stage(&(bo_refund_rec_t){.state = "review"}), "checking");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(recorded_once_per_order, setup, teardown),
    cmocka_unit_test_setup_teardown(in_doubt_kept_for_review, setup, teardown),
    cmocka_unit_test_setup_teardown(asked_then_followed, setup, teardown),
    cmocka_unit_test_setup_teardown(failures_asked_again_later, setup, teardown),
    cmocka_unit_test_setup_teardown(failed_settled_by_hand, setup, teardown),
    cmocka_unit_test_setup_teardown(phone_failed_refunded_once, setup, teardown),
    cmocka_unit_test_setup_teardown(phone_expired, setup, teardown),
};

KTEST_MAIN(tests)
