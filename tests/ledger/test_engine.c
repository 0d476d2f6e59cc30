/* The engine against the fake meter bank: exactly-once delivery through
 * lost answers, dropped requests, offline meters, refusals, counts moved
 * by someone else, queueing, and recovery after an interruption. The fake
 * meters' journal is the device's own record of every credit applied. */
#include <setjmp.h>
#include <stdlib.h>

#include "ktest.h"
#include "support/support.h"

#include "engine/engine.h"
#include "kiosk/site/site_devices.h"

#define M1 "000000000001"
#define M2 "000000000002"

static char dir[512];
static uint64_t next_id;
static kiosk_config_t cfg;
static ledger_t *ledger;
static gw_t gw;
static engine_t eng;

/* What the step hook does at a named step. */
static struct {
    const char *at;
    const char *faults; /* written to the faults file */
    const char *journal; /* appended to the journal: another kiosk's credit */
    bool crash;         /* longjmp out, as if the process died */
    void (*also)(void); /* something else happens then (another process's work) */
    jmp_buf env;
} hook;

/* Ids 00000000-0000-4000-8000-00000000000N, in order. */
static kerr_t counting_fill(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    memset(buf, 0, len);
    uint64_t v = ++next_id;
    for (size_t i = 0; i < 8 && i < len; i++)
        ((uint8_t *)buf)[len - 1 - i] = (uint8_t)(v >> (8 * i));
    return K_OK;
}

static const krand_t counting_rand = {counting_fill, NULL};

static void on_step(void *ctx, const char *step)
{
    (void)ctx;
    if (!hook.at || strcmp(step, hook.at) != 0)
        return;
    hook.at = NULL;
    if (hook.faults)
        assert_true(file_write(dir, "faults", hook.faults));
    if (hook.journal) {
        char *old = file_read(dir, "journal");
        char *joined = malloc(strlen(old ? old : "") + strlen(hook.journal) + 1);
        strcat(strcpy(joined, old ? old : ""), hook.journal);
        assert_true(file_write(dir, "journal", joined));
        free(joined);
        free(old);
    }
    if (hook.also)
        hook.also();
    if (hook.crash)
        longjmp(hook.env, 1);
}

static void open_site(void)
{
    kmsg_t msg = {""};
    if (ledger_open(cfg.ledger_path, LEDGER_CREATE, &test_clock, &ledger, &msg) != K_OK)
        fail_msg("ledger: %s", msg.text);
    if (site_gateway_open(&cfg, NULL, &gw, &msg) != K_OK)
        fail_msg("gateway: %s", msg.text);
    eng = (engine_t){.ledger = ledger, .gw = &gw, .cfg = &cfg, .clk = &test_clock, .rand = &counting_rand,
                     .step = on_step};
}

static void close_site(void)
{
    ledger_close(ledger);
    gw_close(&gw);
    ledger = NULL;
}

static int setup(void **state)
{
    (void)state;
    if (!tmpdir_make(dir, sizeof dir))
        return -1;
    memset(&hook, 0, sizeof hook);
    next_id = 0;
    config_defaults(&cfg);
    snprintf(cfg.ledger_path, sizeof cfg.ledger_path, "%s/ledger.db", dir);
    snprintf(cfg.gateway_fake_dir, sizeof cfg.gateway_fake_dir, "%s", dir);
    snprintf(cfg.gateway_protocol, sizeof cfg.gateway_protocol, "fake");
    cfg.delivery_attempts = 2;
    cfg.retry_base_ms = 1000;
    file_write(dir, "meters", "# meter customer count balance\n" M1 " 100000000001 0 0\n" M2 " 100000000002 7 500\n");
    open_site();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    close_site();
    tmpdir_remove(dir);
    return 0;
}

static void paid_sale(const char *meter, int64_t amount, char id[UUID_STR_LEN])
{
    sale_req_t req = {.meter = meter, .customer = "", .method = METHOD_COUNTER, .channel = CHANNEL_REMOTE, .amount = amount};
    ledger_payment_t p = {.method = METHOD_COUNTER, .amount = amount};
    kmsg_t msg = {""};
    if (engine_open_sale(&eng, &req, id, &msg) || engine_begin_payment(&eng, id, &msg) ||
        engine_accept_payment(&eng, id, &p, &msg) || engine_finish_payment(&eng, id, &msg))
        fail_msg("sale: %s", msg.text);
}

static ledger_txn_t deliver(const char *id)
{
    ledger_txn_t t;
    kmsg_t msg = {""};
    if (engine_deliver(&eng, id, &t, &msg) != K_OK)
        fail_msg("deliver: %s", msg.text);
    return t;
}

static ledger_txn_t get(const char *id)
{
    ledger_txn_t t;
    assert_int_equal(ledger_get(ledger, id, &t, NULL), K_OK);
    return t;
}

static int credits(const char *meter)
{
    char prefix[40];
    snprintf(prefix, sizeof prefix, "credit %s ", meter);
    return file_count_lines(dir, "journal", prefix);
}

static int journal_has(const char *line)
{
    char *text = file_read(dir, "journal");
    int found = text && strstr(text, line) != NULL;
    free(text);
    return found;
}

static void ledger_is_sound(void)
{
    int64_t n = -1;
    kmsg_t msg = {""};
    assert_int_equal(ledger_verify(ledger, NULL, NULL, &n, &msg), K_OK);
    assert_int_equal(n, 0);
}

static void count_attempt(void *ctx, const ledger_attempt_t *a)
{
    (void)a;
    (*(int *)ctx)++;
}

static void count_txn(void *ctx, const ledger_txn_t *t)
{
    (void)t;
    (*(int *)ctx)++;
}

static int attempts_of(const char *id)
{
    int n = 0;
    assert_int_equal(ledger_attempts(ledger, id, count_attempt, &n, NULL), K_OK);
    return n;
}

static void counter_sale_delivers(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    paid_sale(M2, 2500, id);
    ledger_txn_t t = deliver(id);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.purchase_count, 8);
    assert_int_equal(t.delivered, 2500);
    assert_true(journal_has("credit " M2 " 8 2500\n"));
    assert_int_equal(credits(M2), 1);
    assert_string_equal(id, "00000000-0000-4000-8000-000000000001");
    assert_int_equal(t.created_at, test_now_ms);
    ledger_is_sound();
}

static void lost_answer_is_confirmed_by_read_back(void **state)
{
    (void)state;
    file_write(dir, "faults", "lose_reply 1\n");
    char id[UUID_STR_LEN];
    paid_sale(M1, 1000, id);
    ledger_txn_t t = deliver(id);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(credits(M1), 1); /* applied once, not resent */
    assert_int_equal(attempts_of(id), 1);
    ledger_is_sound();
}

static void dropped_request_is_resent_with_the_same_count(void **state)
{
    (void)state;
    file_write(dir, "faults", "drop 1\n");
    char id[UUID_STR_LEN];
    paid_sale(M1, 1000, id);
    ledger_txn_t t = deliver(id);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(attempts_of(id), 2);
    assert_int_equal(credits(M1), 1);
    assert_true(journal_has("credit " M1 " 1 1000\n"));
    ledger_is_sound();
}

static void repeated_drops_wait_for_the_retry_worker(void **state)
{
    (void)state;
    file_write(dir, "faults", "drop 2\n");
    char id[UUID_STR_LEN];
    paid_sale(M1, 1000, id);
    ledger_txn_t t = deliver(id);
    assert_int_equal(t.state, TXN_DELIVERY_PENDING);
    assert_non_null(strstr(t.reason, "not_applied"));
    assert_int_equal(credits(M1), 0);
    int done = -1;
    assert_int_equal(engine_retry_due(&eng, &done, NULL), K_OK);
    assert_int_equal(done, 0); /* not due yet */
    test_now_ms = t.retry_at;
    assert_int_equal(engine_retry_due(&eng, &done, NULL), K_OK);
    assert_int_equal(done, 1);
    assert_int_equal(get(id).state, TXN_DELIVERED);
    assert_int_equal(get(id).purchase_count, 1);
    assert_int_equal(credits(M1), 1);
    ledger_is_sound();
}

/* Another process (the touchscreen) wants to deliver the same pending sale
 * while this one's retry is reading the meter: it cannot take the ledger
 * (one writer; told who holds it), nothing is sent twice, and the retry
 * delivers. */
static char race_id[UUID_STR_LEN];

static void other_process_delivers(void)
{
    ledger_t *other;
    kmsg_t msg = {""};
    if (ledger_open(cfg.ledger_path, LEDGER_EXISTING, &test_clock, &other, &msg) != K_OK)
        fail_msg("second ledger: %s", msg.text);
    kiosk_config_t impatient = cfg;
    impatient.ledger_lock_wait_ms = 0;
    engine_t e2 = eng;
    e2.ledger = other;
    e2.cfg = &impatient;
    e2.step = NULL;
    ledger_txn_t t;
    assert_int_equal(engine_deliver(&e2, race_id, &t, &msg), K_EBUSY);
    assert_non_null(strstr(msg.text, "in use by"));
    assert_non_null(strstr(msg.text, "pid"));
    ledger_close(other);
}

static void a_second_process_waits_for_the_retry(void **state)
{
    (void)state;
    file_write(dir, "faults", "drop 2\n");
    paid_sale(M1, 1000, race_id);
    ledger_txn_t t = deliver(race_id);
    assert_int_equal(t.state, TXN_DELIVERY_PENDING);
    test_now_ms = t.retry_at;
    hook.at = "deliver.read";
    hook.also = other_process_delivers;
    int done = -1;
    kmsg_t msg = {""};
    assert_int_equal(engine_retry_due(&eng, &done, &msg), K_OK);
    hook.also = NULL;
    assert_int_equal(done, 1);
    assert_int_equal(get(race_id).state, TXN_DELIVERED);
    assert_int_equal(credits(M1), 1);
    ledger_is_sound();
}

static void offline_meter_stays_pending_across_a_restart(void **state)
{
    (void)state;
    file_write(dir, "faults", "offline 1\n");
    char id[UUID_STR_LEN];
    paid_sale(M1, 1500, id);
    ledger_txn_t t = deliver(id);
    assert_int_equal(t.state, TXN_DELIVERY_PENDING);
    assert_non_null(strstr(t.reason, "meter_unreachable"));
    assert_int_equal(t.purchase_count, -1); /* nothing was sent, no count held */
    close_site();
    open_site();
    engine_recovery_t rep;
    assert_int_equal(engine_recover(&eng, &rep, NULL), K_OK);
    assert_int_equal(rep.examined, 1);
    assert_int_equal(rep.delivered, 1);
    assert_int_equal(credits(M1), 1);
    ledger_is_sound();
}

static void lost_answer_then_unreadable_meter(void **state)
{
    (void)state;
    file_write(dir, "faults", "lose_reply 1\n");
    hook.at = "deliver.sent";
    hook.faults = "offline 1\n"; /* the read-back fails too */
    char id[UUID_STR_LEN];
    paid_sale(M1, 1000, id);
    ledger_txn_t t = deliver(id);
    assert_int_equal(t.state, TXN_DELIVERY_PENDING);
    assert_int_equal(t.purchase_count, 1); /* the count stays held */
    assert_int_equal(credits(M1), 1);
    test_now_ms = t.retry_at;
    int done;
    assert_int_equal(engine_retry_due(&eng, &done, NULL), K_OK);
    assert_int_equal(done, 1);
    assert_int_equal(credits(M1), 1); /* confirmed by read-back, never sent again */
    assert_int_equal(attempts_of(id), 1);
    ledger_is_sound();
}

static void refused_credit_is_parked(void **state)
{
    (void)state;
    file_write(dir, "faults", "refuse 1\n");
    char id[UUID_STR_LEN];
    paid_sale(M2, 1000, id);
    ledger_txn_t t = deliver(id);
    assert_int_equal(t.state, TXN_NEEDS_RECONCILIATION);
    assert_non_null(strstr(t.reason, "refused"));
    assert_non_null(strstr(t.reason, "meter suspended"));
    assert_int_equal(credits(M2), 0);
    ledger_is_sound();
}

static void count_moved_by_another_sale_is_parked(void **state)
{
    (void)state;
    hook.at = "deliver.intent";
    hook.journal = "credit " M1 " 1 300\ncredit " M1 " 2 300\n"; /* two purchases elsewhere */
    char id[UUID_STR_LEN];
    paid_sale(M1, 1000, id);
    ledger_txn_t t = deliver(id);
    assert_int_equal(t.state, TXN_NEEDS_RECONCILIATION);
    assert_non_null(strstr(t.reason, "count_mismatch"));
    assert_int_equal(credits(M1), 2); /* only the other two */
    ledger_is_sound();
}

static void second_purchase_waits_for_the_first(void **state)
{
    (void)state;
    file_write(dir, "faults", "lose_reply 1\n");
    hook.at = "deliver.sent";
    hook.faults = "offline 2\n"; /* read-back fails; so does the second sale's read */
    char a[UUID_STR_LEN], b[UUID_STR_LEN];
    paid_sale(M1, 1000, a);
    assert_int_equal(deliver(a).state, TXN_DELIVERY_PENDING);
    paid_sale(M1, 2000, b);
    ledger_txn_t tb = deliver(b);
    assert_int_equal(tb.state, TXN_DELIVERY_PENDING);
    assert_non_null(strstr(tb.reason, "meter_unreachable"));
    test_now_ms = tb.retry_at > get(a).retry_at ? tb.retry_at : get(a).retry_at;
    tb = deliver(b); /* meter readable now, but a still holds an unconfirmed count */
    assert_int_equal(tb.state, TXN_DELIVERY_PENDING);
    assert_non_null(strstr(tb.reason, "queued"));
    test_now_ms = tb.retry_at;
    int done;
    assert_int_equal(engine_retry_due(&eng, &done, NULL), K_OK);
    assert_int_equal(done, 2);
    assert_int_equal(get(a).purchase_count, 1);
    assert_int_equal(get(b).purchase_count, 2);
    assert_true(journal_has("credit " M1 " 1 1000\ncredit " M1 " 2 2000\n"));
    ledger_is_sound();
}

static void limits_and_bad_meters_write_nothing(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    kmsg_t msg;
    sale_req_t small = {.meter = M1, .method = METHOD_COUNTER, .amount = 50};
    assert_int_equal(engine_open_sale(&eng, &small, id, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "between CNY 1.00 and CNY 1,000.00"));
    sale_req_t big = {.meter = M1, .method = METHOD_COUNTER, .amount = 100001};
    assert_int_equal(engine_open_sale(&eng, &big, id, &msg), K_EINVAL);
    sale_req_t letters = {.meter = "12ab", .method = METHOD_COUNTER, .amount = 500};
    assert_int_equal(engine_open_sale(&eng, &letters, id, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "must be 1 to 12 digits"));
    int n = 0;
    ledger_filter_t f = {0};
    assert_int_equal(ledger_list(ledger, &f, count_txn, &n, NULL), K_OK);
    assert_int_equal(n, 0);
}

/* A meter the back office's registry marks not sellable (account closed,
 * meter removed) is refused before anything is written; the others sell. */
static void registry_not_sellable_is_refused(void **state)
{
    (void)state;
    const char *body = "{\"meters\":[{\"meter\":\"" M1 "\",\"account\":\"A7\",\"status\":\"closed\","
                       "\"sellable\":false,\"first_purchase_zero_ok\":false},"
                       "{\"meter\":\"" M2 "\",\"account\":\"A8\",\"status\":\"open\",\"sellable\":true,"
                       "\"first_purchase_zero_ok\":false}]}";
    kmsg_t msg = {""};
    assert_int_equal(ledger_doc_put(ledger, "registry", 4, "\"registry-all-4\"", body, "{}", &msg), K_OK);
    char id[UUID_STR_LEN];
    sale_req_t req = {.meter = M1, .method = METHOD_COUNTER, .amount = 500};
    assert_int_equal(engine_open_sale(&eng, &req, id, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "meter " M1 " may not be sold to: its account A7 is closed"));
    assert_non_null(strstr(msg.text, "version 4"));
    int n = 0;
    ledger_filter_t f = {0};
    assert_int_equal(ledger_list(ledger, &f, count_txn, &n, NULL), K_OK);
    assert_int_equal(n, 0);
    body = "{\"meters\":[{\"meter\":\"" M1 "\",\"account\":\"\",\"status\":\"removed\",\"sellable\":false}]}";
    assert_int_equal(ledger_doc_put(ledger, "registry", 5, "\"registry-all-5\"", body, "{}", &msg), K_OK);
    assert_int_equal(engine_open_sale(&eng, &req, id, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "meter " M1 " was removed from service"));
    /* M2 is not named any more: sold as before */
    paid_sale(M2, 700, id);
    assert_int_equal(deliver(id).state, TXN_DELIVERED);
}

static void unknown_meter_is_parked_not_lost(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    paid_sale("000000000099", 1000, id);
    ledger_txn_t t = deliver(id);
    assert_int_equal(t.state, TXN_NEEDS_RECONCILIATION);
    assert_non_null(strstr(t.reason, "no meter 000000000099"));
    ledger_is_sound();
}

/* Three sales left unfinished by three runs that stopped (each run one
 * sale: a program holds one sale at a time until it is at rest). */
static void recovery_finishes_what_was_started(void **state)
{
    (void)state;
    char unpaid[UUID_STR_LEN], half[UUID_STR_LEN], paid[UUID_STR_LEN];
    sale_req_t req = {.meter = M1, .method = METHOD_CASH, .amount = 3000};
    assert_int_equal(engine_open_sale(&eng, &req, unpaid, NULL), K_OK);
    close_site();
    open_site();
    assert_int_equal(engine_open_sale(&eng, &req, half, NULL), K_OK);
    assert_int_equal(engine_begin_payment(&eng, half, NULL), K_OK);
    ledger_payment_t note = {.method = METHOD_CASH, .amount = 1000, .denomination = 1000, .ref = "CN0010A"};
    assert_int_equal(engine_accept_payment(&eng, half, &note, NULL), K_OK);
    close_site();
    open_site();
    paid_sale(M2, 700, paid);
    close_site();
    open_site();
    engine_recovery_t rep;
    assert_int_equal(engine_recover(&eng, &rep, NULL), K_OK);
    assert_int_equal(rep.examined, 3);
    assert_int_equal(rep.cancelled, 1);
    assert_int_equal(rep.delivered, 2);
    assert_int_equal(get(unpaid).state, TXN_CANCELLED);
    assert_int_equal(get(half).state, TXN_DELIVERED);
    assert_int_equal(get(half).delivered, 1000); /* what was inserted is delivered */
    assert_true(journal_has("credit " M1 " 1 1000\n"));
    assert_true(journal_has("credit " M2 " 8 700\n"));
    ledger_is_sound();
}

/* The outbox rows a bill payment left: topic bill_payment, and any other. */
typedef struct bill_rows {
    const char *id;
    int bill, other;
    char payload[512];
} bill_rows_t;

static void count_bill_row(void *ctx, const ledger_outbox_row_t *r)
{
    bill_rows_t *b = ctx;
    if (!strstr(r->payload, b->id))
        return;
    if (strcmp(r->topic, "bill_payment") == 0) {
        b->bill++;
        snprintf(b->payload, sizeof b->payload, "%s", r->payload);
    } else {
        b->other++;
    }
}

static bill_rows_t bill_rows(const char *id)
{
    bill_rows_t b = {.id = id};
    assert_int_equal(ledger_outbox_unsent(ledger, 1000, count_bill_row, &b, NULL), K_OK);
    return b;
}

/* A bill payment whose money was taken when the kiosk stopped (a note in,
 * or paid and not yet settled) is settled by recovery: its bill_payment row
 * written once, for what was taken, the sale's id its reference; a second
 * recovery writes none again. */
static void bill_payment_interrupted_is_settled_once(void **state)
{
    (void)state;
    char half[UUID_STR_LEN], paid[UUID_STR_LEN];
    sale_req_t req = {.meter = "A1", .method = METHOD_CASH, .channel = CHANNEL_BILL, .amount = 3000};
    ledger_payment_t note = {.method = METHOD_CASH, .amount = 1000, .denomination = 1000, .ref = "CN0010A"};
    assert_int_equal(engine_open_sale(&eng, &req, half, NULL), K_OK);
    assert_int_equal(engine_begin_payment(&eng, half, NULL), K_OK);
    assert_int_equal(engine_accept_payment(&eng, half, &note, NULL), K_OK);
    close_site();
    open_site();
    assert_int_equal(engine_open_sale(&eng, &req, paid, NULL), K_OK);
    note.amount = note.denomination = 2000;
    assert_int_equal(engine_begin_payment(&eng, paid, NULL), K_OK);
    assert_int_equal(engine_accept_payment(&eng, paid, &note, NULL), K_OK);
    assert_int_equal(engine_finish_payment(&eng, paid, NULL), K_OK);
    assert_int_equal(get(paid).state, TXN_PAID);
    assert_int_equal(bill_rows(paid).bill, 0); /* not settled: no row yet */
    close_site();
    open_site();
    engine_recovery_t rep;
    assert_int_equal(engine_recover(&eng, &rep, NULL), K_OK);
    assert_int_equal(engine_recover(&eng, &rep, NULL), K_OK);
    bill_rows_t h = bill_rows(half), p = bill_rows(paid);
    assert_int_equal(h.bill, 1);
    assert_int_equal(p.bill, 1);
    assert_int_equal(h.other + p.other, 0); /* a bill payment goes up as its bill_payment row only */
    char want[256];
    snprintf(want, sizeof want,
             "{\"txn_id\":\"%s\",\"account\":\"A1\",\"amount\":2000,\"currency\":\"CNY\",\"method\":\"kiosk\","
             "\"ref\":\"%s\"}", paid, paid);
    assert_string_equal(p.payload, want);
    assert_non_null(strstr(h.payload, "\"amount\":1000"));
    assert_int_equal(get(paid).delivered, 2000);
    assert_int_equal(credits("A1"), 0); /* no meter was told anything */
    ledger_is_sound();
}

/* A bill payment names an account and takes money above zero. */
static void bill_payment_needs_an_account_and_money(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    kmsg_t msg = {""};
    sale_req_t req = {.meter = "A1/../x", .method = METHOD_CASH, .channel = CHANNEL_BILL, .amount = 3000};
    assert_int_equal(engine_open_sale(&eng, &req, id, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "account 'A1/../x'"));
    req.meter = "A1";
    req.amount = 0;
    assert_int_equal(engine_open_sale(&eng, &req, id, &msg), K_EINVAL);
    assert_int_equal(engine_bill_open(&eng, "A1", METHOD_CASH, 3000, NULL, id, &msg), K_ENOTFOUND); /* no acceptor */
    ledger_is_sound();
}

/* A program that opens a new sale while the one before is still taking
 * money (the front end left it) brings that one to rest first: it is ours,
 * so it is recovered, never left for another process to guess about. */
static void a_sale_left_behind_is_settled_before_the_next(void **state)
{
    (void)state;
    char first[UUID_STR_LEN], second[UUID_STR_LEN];
    sale_req_t req = {.meter = M1, .method = METHOD_CASH, .amount = 3000};
    assert_int_equal(engine_open_sale(&eng, &req, first, NULL), K_OK);
    assert_int_equal(engine_begin_payment(&eng, first, NULL), K_OK);
    ledger_payment_t note = {.method = METHOD_CASH, .amount = 2000, .denomination = 2000, .ref = "CN0020A"};
    assert_int_equal(engine_accept_payment(&eng, first, &note, NULL), K_OK);
    assert_string_equal(engine_held_sale(&eng), first);
    assert_int_equal(engine_open_sale(&eng, &req, second, NULL), K_OK);
    assert_int_equal(get(first).state, TXN_DELIVERED);
    assert_int_equal(get(first).delivered, 2000);
    assert_string_equal(engine_held_sale(&eng), second);
    assert_int_equal(engine_cancel(&eng, second, "the resident left", NULL), K_OK);
    assert_null(engine_held_sale(&eng));
    ledger_is_sound();
}

static void crash_after_the_meter_applied(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    paid_sale(M1, 1200, id);
    hook.at = "deliver.sent";
    hook.crash = true;
    if (setjmp(hook.env) == 0) {
        deliver(id);
        fail_msg("the hook should have stopped the delivery");
    }
    assert_int_equal(get(id).state, TXN_DELIVERING); /* the outcome never reached the ledger */
    assert_int_equal(credits(M1), 1);
    close_site();
    open_site();
    engine_recovery_t rep;
    assert_int_equal(engine_recover(&eng, &rep, NULL), K_OK);
    assert_int_equal(rep.delivered, 1);
    assert_int_equal(get(id).state, TXN_DELIVERED);
    assert_int_equal(credits(M1), 1); /* confirmed, not sent again */
    ledger_is_sound();
}

static void crash_before_the_meter_heard(void **state)
{
    (void)state;
    char id[UUID_STR_LEN];
    paid_sale(M1, 1200, id);
    hook.at = "deliver.intent";
    hook.crash = true;
    if (setjmp(hook.env) == 0) {
        deliver(id);
        fail_msg("the hook should have stopped the delivery");
    }
    assert_int_equal(credits(M1), 0);
    close_site();
    open_site();
    engine_recovery_t rep;
    assert_int_equal(engine_recover(&eng, &rep, NULL), K_OK);
    assert_int_equal(get(id).state, TXN_DELIVERED);
    assert_int_equal(get(id).purchase_count, 1);
    assert_int_equal(credits(M1), 1);
    ledger_is_sound();
}

/* The receipt's lines joined by newlines, and its QR code's data. */
static void receipt_text(const char *id, bool copy, char *text, size_t cap, char *qr, size_t qcap)
{
    printer_doc_t doc;
    printer_doc_init(&doc);
    kmsg_t msg = {""};
    if (engine_receipt_doc(&eng, id, copy, &doc, &msg) != K_OK)
        fail_msg("receipt: %s", msg.text);
    text[0] = qr[0] = '\0';
    for (size_t i = 0; i < doc.n; i++) {
        const printer_item_t *it = &doc.items[i];
        if (it->kind == PRINTER_TEXT)
            snprintf(text + strlen(text), cap - strlen(text), "%.*s\n", (int)it->len, (const char *)it->data);
        else if (it->kind == PRINTER_QR)
            snprintf(qr, qcap, "%.*s", (int)it->len, (const char *)it->data);
    }
    assert_int_equal(doc.items[doc.n - 1].kind, PRINTER_CUT);
    printer_doc_free(&doc);
}

/* A receipt tells the resident what happened to the money: pending with
 * what happens next, then credited; the customer number masked; the
 * reference as text and QR; a reprint marked as a copy; nothing for a
 * transaction that took no money. */
static void receipts_say_what_happened(void **state)
{
    (void)state;
    char id[UUID_STR_LEN], text[4096], qr[64];
    sale_req_t req = {.meter = M1, .customer = "100000000001", .method = METHOD_CASH, .channel = CHANNEL_REMOTE, .amount = 3000};
    ledger_payment_t p = {.method = METHOD_CASH, .amount = 3000, .denomination = 1000};
    kmsg_t msg = {""};
    if (engine_open_sale(&eng, &req, id, &msg) || engine_begin_payment(&eng, id, &msg) ||
        engine_accept_payment(&eng, id, &p, &msg) || engine_finish_payment(&eng, id, &msg))
        fail_msg("sale: %s", msg.text);
    file_write(dir, "faults", "offline 3\n");
    assert_int_equal(deliver(id).state, TXN_DELIVERY_PENDING);
    receipt_text(id, false, text, sizeof text, qr, sizeof qr);
    assert_non_null(strstr(text, "1000****0001"));
    assert_null(strstr(text, "100000000001"));
    assert_non_null(strstr(text, "待送达 Pending"));
    assert_non_null(strstr(text, "The money is safe: the kiosk keeps sending it to the meter."));
    assert_non_null(strstr(text, "30.00 元"));
    assert_non_null(strstr(text, "现金 Cash"));
    char quoted[9]; /* the reference residents quote, as the screen shows it; the QR code holds the id */
    receipt_reference(id, quoted);
    assert_non_null(strstr(text, quoted));
    assert_string_equal(qr, id);
    assert_null(strstr(text, "COPY"));
    file_write(dir, "faults", "");
    assert_int_equal(deliver(id).state, TXN_DELIVERED);
    receipt_text(id, true, text, sizeof text, qr, sizeof qr);
    assert_non_null(strstr(text, "已到账 Credited"));
    assert_non_null(strstr(text, "(COPY)"));
    assert_non_null(strstr(text, "购电次数 Count"));

    char unpaid[UUID_STR_LEN];
    assert_int_equal(engine_open_sale(&eng, &req, unpaid, NULL), K_OK);
    printer_doc_t doc;
    printer_doc_init(&doc);
    assert_int_equal(engine_receipt_doc(&eng, unpaid, false, &doc, &msg), K_ESTATE);
    assert_int_equal(doc.n, 0);
    printer_doc_free(&doc);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(receipts_say_what_happened, setup, teardown),
    cmocka_unit_test_setup_teardown(counter_sale_delivers, setup, teardown),
    cmocka_unit_test_setup_teardown(a_second_process_waits_for_the_retry, setup, teardown),
    cmocka_unit_test_setup_teardown(lost_answer_is_confirmed_by_read_back, setup, teardown),
    cmocka_unit_test_setup_teardown(dropped_request_is_resent_with_the_same_count, setup, teardown),
    cmocka_unit_test_setup_teardown(repeated_drops_wait_for_the_retry_worker, setup, teardown),
    cmocka_unit_test_setup_teardown(offline_meter_stays_pending_across_a_restart, setup, teardown),
    cmocka_unit_test_setup_teardown(lost_answer_then_unreadable_meter, setup, teardown),
    cmocka_unit_test_setup_teardown(refused_credit_is_parked, setup, teardown),
    cmocka_unit_test_setup_teardown(count_moved_by_another_sale_is_parked, setup, teardown),
    cmocka_unit_test_setup_teardown(second_purchase_waits_for_the_first, setup, teardown),
    cmocka_unit_test_setup_teardown(limits_and_bad_meters_write_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(registry_not_sellable_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(unknown_meter_is_parked_not_lost, setup, teardown),
    cmocka_unit_test_setup_teardown(recovery_finishes_what_was_started, setup, teardown),
    cmocka_unit_test_setup_teardown(a_sale_left_behind_is_settled_before_the_next, setup, teardown),
    cmocka_unit_test_setup_teardown(crash_after_the_meter_applied, setup, teardown),
    cmocka_unit_test_setup_teardown(crash_before_the_meter_heard, setup, teardown),
    cmocka_unit_test_setup_teardown(bill_payment_interrupted_is_settled_once, setup, teardown),
    cmocka_unit_test_setup_teardown(bill_payment_needs_an_account_and_money, setup, teardown),
};

KTEST_MAIN(tests)
