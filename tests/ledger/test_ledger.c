/* The ledger on a real SQLite file: schema and pragmas, atomic state
 * changes with their outbox rows, refusals that change nothing, the
 * purchase-count rules, append-only history, exports, verify. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "ktest.h"
#include "support/support.h"

#include "ledger/ledger_int.h"

static char dir[512], path[600];

static int setup(void **state)
{
    (void)state;
    if (!tmpdir_make(dir, sizeof dir))
        return -1;
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmpdir_remove(dir);
    return 0;
}

static ledger_t *open_new(void)
{
    ledger_t *l = NULL;
    kmsg_t msg = {""};
    if (ledger_open(path, LEDGER_CREATE, &test_clock, &l, &msg) != K_OK)
        fail_msg("open: %s", msg.text);
    return l;
}

static int64_t count_rows(ledger_t *l, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(l->db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void make_txn(ledger_t *l, const char *id, const char *meter)
{
    ledger_new_txn_t n = {.id = id, .meter = meter, .customer = "100000000001", .method = METHOD_COUNTER,
                          .channel = CHANNEL_REMOTE, .currency = "CNY", .amount = 5000};
    kmsg_t msg = {""};
    if (ledger_create(l, &n, &msg) != K_OK)
        fail_msg("create: %s", msg.text);
}

static void step(ledger_t *l, const char *id, txn_state_t from, ledger_change_t c)
{
    kmsg_t msg = {""};
    if (ledger_apply(l, id, from, &c, NULL, &msg) != K_OK)
        fail_msg("%s from %s: %s", txn_event_name(c.event), txn_state_name(from), msg.text);
}

/* open -> paid with one counter payment of `amount` */
static void make_paid(ledger_t *l, const char *id, const char *meter, int64_t amount)
{
    make_txn(l, id, meter);
    ledger_payment_t p = {.method = METHOD_COUNTER, .amount = amount, .ref = "r"};
    step(l, id, TXN_CREATED, (ledger_change_t){.event = EV_PAY_BEGIN});
    step(l, id, TXN_PAYMENT_PENDING, (ledger_change_t){.event = EV_MONEY_IN, .payment = &p});
    step(l, id, TXN_PAYMENT_PENDING, (ledger_change_t){.event = EV_PAY_DONE});
}

#define ID1 "11111111-1111-4111-8111-111111111111"
#define ID2 "22222222-2222-4222-8222-222222222222"
#define ID3 "33333333-3333-4333-8333-333333333333"

static int64_t verify(ledger_t *l)
{
    int64_t n = -1;
    kmsg_t msg = {""};
    if (ledger_verify(l, NULL, NULL, &n, &msg) != K_OK)
        fail_msg("verify: %s", msg.text);
    return n;
}

static void open_creates_schema_with_pragmas(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    assert_int_equal(ledger_schema_version(l), LEDGER_SCHEMA_VERSION);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(l->db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    assert_int_equal(count_rows(l, "PRAGMA synchronous"), 2); /* FULL */
    assert_int_equal(count_rows(l, "PRAGMA foreign_keys"), 1);
    ledger_close(l);
    l = open_new(); /* reopening migrates nothing and keeps the version */
    assert_int_equal(ledger_schema_version(l), LEDGER_SCHEMA_VERSION);
    ledger_close(l);
}

static void existing_mode_creates_nothing(void **state)
{
    (void)state;
    ledger_t *l = NULL;
    kmsg_t msg;
    assert_int_equal(ledger_open(path, LEDGER_EXISTING, NULL, &l, &msg), K_ENOTFOUND);
    assert_null(l);
    assert_non_null(strstr(msg.text, "no ledger there"));
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
}

static void newer_schema_is_refused(void **state)
{
    (void)state;
    ledger_close(open_new());
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    ledger_t *l = NULL;
    kmsg_t msg;
    assert_int_equal(ledger_open(path, LEDGER_CREATE, NULL, &l, &msg), K_EVERSION);
    assert_non_null(strstr(msg.text, "newer than this program"));
    assert_int_equal(ledger_open(path, LEDGER_EXISTING, NULL, &l, &msg), K_EVERSION);
}

static void a_sale_writes_history_and_outbox(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    make_paid(l, ID1, "000012345678", 5000);
    step(l, ID1, TXN_PAID, (ledger_change_t){.event = EV_DELIVER, .begin_count = 3});
    step(l, ID1, TXN_DELIVERING,
         (ledger_change_t){.event = EV_APPLIED, .close_result = "applied", .close_applied = APPLIED_YES});
    ledger_txn_t t;
    assert_int_equal(ledger_get(l, ID1, &t, NULL), K_OK);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.paid, 5000);
    assert_int_equal(t.delivered, 5000);
    assert_int_equal(t.purchase_count, 3);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM txn_event"), 6);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM outbox"), 6);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM outbox o JOIN txn_event e ON e.seq = o.event_seq"), 6);
    assert_int_equal(count_rows(l, "SELECT total FROM cash_counter WHERE method = 'counter'"), 5000);
    /* the outbox payload carries the state after the change, money as integers */
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(l->db, "SELECT payload FROM outbox ORDER BY seq DESC LIMIT 1", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *payload = (const char *)sqlite3_column_text(st, 0);
    assert_non_null(strstr(payload, "\"state\":\"delivered\""));
    assert_non_null(strstr(payload, "\"delivered\":5000,"));
    assert_non_null(strstr(payload, "\"event\":\"applied\""));
    sqlite3_finalize(st);
    int64_t depth;
    assert_int_equal(ledger_outbox_depth(l, &depth, NULL), K_OK);
    assert_int_equal(depth, 6);
    assert_int_equal(verify(l), 0);
    ledger_close(l);
}

static void refused_change_writes_nothing(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    make_txn(l, ID1, "000012345678");
    int64_t events = count_rows(l, "SELECT count(*) FROM txn_event");
    int64_t outbox = count_rows(l, "SELECT count(*) FROM outbox");
    kmsg_t msg;
    ledger_change_t applied = {.event = EV_APPLIED};
    assert_int_equal(ledger_apply(l, ID1, TXN_CREATED, &applied, NULL, &msg), K_ESTATE);
    assert_non_null(strstr(msg.text, "applied is not allowed in state created"));
    ledger_change_t begin = {.event = EV_PAY_BEGIN};
    assert_int_equal(ledger_apply(l, ID1, TXN_PAID, &begin, NULL, &msg), K_ESTATE); /* wrong expectation */
    assert_non_null(strstr(msg.text, "is created, not paid"));
    ledger_payment_t p = {.method = METHOD_CASH, .amount = 1000};
    ledger_change_t sneaky = {.event = EV_PAY_BEGIN, .payment = &p}; /* money only with money_in */
    assert_int_equal(ledger_apply(l, ID1, TXN_CREATED, &sneaky, NULL, &msg), K_EINVAL);
    assert_int_equal(ledger_apply(l, "00000000-0000-4000-8000-000000000000", TXN_CREATED, &begin, NULL, &msg),
                     K_ENOTFOUND);
    ledger_txn_t t;
    assert_int_equal(ledger_get(l, ID1, &t, NULL), K_OK);
    assert_int_equal(t.state, TXN_CREATED);
    assert_int_equal(t.paid, 0);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM txn_event"), events);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM outbox"), outbox);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM payment"), 0);
    assert_int_equal(verify(l), 0);
    ledger_close(l);
}

static void creation_is_checked(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    ledger_new_txn_t n = {.id = "not-a-uuid", .meter = "1", .method = METHOD_COUNTER, .channel = CHANNEL_REMOTE,
                          .currency = "CNY", .amount = 1};
    kmsg_t msg;
    assert_int_equal(ledger_create(l, &n, &msg), K_EINVAL);
    n.id = ID1;
    n.meter = "";
    assert_int_equal(ledger_create(l, &n, &msg), K_EINVAL);
    n.meter = "1234";
    n.amount = -5;
    assert_int_equal(ledger_create(l, &n, &msg), K_EINVAL);
    n.amount = 5;
    assert_int_equal(ledger_create(l, &n, &msg), K_OK);
    assert_int_equal(ledger_create(l, &n, &msg), K_ECONFLICT); /* same id twice */
    assert_int_equal(count_rows(l, "SELECT count(*) FROM txn"), 1);
    ledger_close(l);
}

static void a_card_sale_names_its_card(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    ledger_new_txn_t n = {.id = ID1, .meter = "000000000001", .method = METHOD_CASH, .channel = CHANNEL_CARD,
                          .currency = "CNY", .amount = 500};
    kmsg_t msg;
    assert_int_equal(ledger_create(l, &n, &msg), K_EINVAL); /* which card? */
    n.card = "4B5000000000001";                              /* 15 digits */
    assert_int_equal(ledger_create(l, &n, &msg), K_EINVAL);
    n.card = "4b50000000000001"; /* lower case is not how serials are written */
    assert_int_equal(ledger_create(l, &n, &msg), K_EINVAL);
    n.card = "4B50000000000001";
    n.channel = CHANNEL_REMOTE; /* a remote sale names no card */
    assert_int_equal(ledger_create(l, &n, &msg), K_EINVAL);
    n.channel = CHANNEL_CARD;
    assert_int_equal(ledger_create(l, &n, &msg), K_OK);
    ledger_txn_t t;
    assert_int_equal(ledger_get(l, ID1, &t, &msg), K_OK);
    assert_string_equal(t.card, "4B50000000000001");
    assert_int_equal(count_rows(l, "SELECT count(*) FROM outbox WHERE payload LIKE '%\"card\":\"4B50000000000001\"%'"),
                     1); /* the back office learns which card from the first row */
    ledger_close(l);
}

static void one_count_per_meter(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    make_paid(l, ID1, "000012345678", 100);
    make_paid(l, ID2, "000012345678", 200);
    make_paid(l, ID3, "000099999999", 300);
    step(l, ID1, TXN_PAID, (ledger_change_t){.event = EV_DELIVER, .begin_count = 5});
    kmsg_t msg;
    ledger_change_t same = {.event = EV_DELIVER, .begin_count = 5};
    assert_int_equal(ledger_apply(l, ID2, TXN_PAID, &same, NULL, &msg), K_ECONFLICT);
    ledger_txn_t t;
    assert_int_equal(ledger_get(l, ID2, &t, NULL), K_OK);
    assert_int_equal(t.state, TXN_PAID);
    assert_int_equal(t.purchase_count, -1);
    step(l, ID3, TXN_PAID, same); /* another meter may use count 5 */
    ledger_meter_facts_t f;
    assert_int_equal(ledger_meter_facts(l, "000012345678", ID2, &f, NULL), K_OK);
    assert_true(f.other_open);
    assert_string_equal(f.other_id, ID1);
    assert_false(f.have_delivered);
    assert_int_equal(verify(l), 0);
    ledger_close(l);
}

static void a_count_that_may_have_applied_is_kept(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    make_paid(l, ID1, "000012345678", 100);
    step(l, ID1, TXN_PAID, (ledger_change_t){.event = EV_DELIVER, .begin_count = 5});
    step(l, ID1, TXN_DELIVERING,
         (ledger_change_t){.event = EV_DEFER, .close_result = "no_answer", .close_applied = APPLIED_UNKNOWN});
    kmsg_t msg;
    ledger_change_t other = {.event = EV_DELIVER, .begin_count = 6};
    assert_int_equal(ledger_apply(l, ID1, TXN_DELIVERY_PENDING, &other, NULL, &msg), K_ECONFLICT);
    assert_non_null(strstr(msg.text, "may have been applied"));
    /* the same count may be sent again: the meter takes it at most once */
    step(l, ID1, TXN_DELIVERY_PENDING, (ledger_change_t){.event = EV_DELIVER, .begin_count = 5});
    assert_int_equal(count_rows(l, "SELECT count(*) FROM delivery_attempt WHERE applied = 0"), 1);
    step(l, ID1, TXN_DELIVERING,
         (ledger_change_t){.event = EV_APPLIED, .close_result = "applied", .close_applied = APPLIED_YES});
    ledger_meter_facts_t f;
    assert_int_equal(ledger_meter_facts(l, "000012345678", NULL, &f, NULL), K_OK);
    assert_false(f.other_open);
    assert_true(f.have_delivered);
    assert_int_equal(f.highest_delivered, 5);
    assert_int_equal(verify(l), 0);
    ledger_close(l);
}

static void confirm_after_restart_marks_the_attempt(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    make_paid(l, ID1, "000012345678", 100);
    step(l, ID1, TXN_PAID, (ledger_change_t){.event = EV_DELIVER, .begin_count = 2});
    step(l, ID1, TXN_DELIVERING,
         (ledger_change_t){.event = EV_DEFER, .close_result = "interrupted", .close_applied = APPLIED_UNKNOWN});
    step(l, ID1, TXN_DELIVERY_PENDING, (ledger_change_t){.event = EV_APPLIED, .confirm_latest = true});
    assert_int_equal(count_rows(l, "SELECT applied FROM delivery_attempt"), 1);
    assert_int_equal(verify(l), 0);
    ledger_close(l);
}

static void history_and_audit_are_append_only(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    make_txn(l, ID1, "000012345678");
    assert_int_equal(ledger_audit(l, "recovery", "park", ID1, "test", "", NULL), K_OK);
    assert_int_not_equal(sqlite3_exec(l->db, "UPDATE txn_event SET event = 'applied'", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(l->db, "DELETE FROM txn_event", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(l->db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM audit"), 1);
    ledger_close(l);
}

static char *export_text(ledger_t *l, ledger_format_t fmt, int64_t from, int64_t to)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    kmsg_t msg = {""};
    if (ledger_export(l, f, fmt, from, to, &msg) != K_OK)
        fail_msg("export: %s", msg.text);
    fclose(f);
    return text;
}

static void export_json_and_csv_by_date(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    const int64_t day = 86400000, base = 1794960000000; /* 2026-11-18T00:00:00Z */
    test_now_ms = base + 10 * 3600000;
    make_paid(l, ID1, "000012345678", 5000);
    test_now_ms += day;
    make_txn(l, ID2, "000012345679");
    test_now_ms += day;
    make_txn(l, ID3, "000012345670");
    char *all = export_text(l, LEDGER_JSON, 0, 0);
    cJSON *arr = cJSON_Parse(all);
    assert_non_null(arr);
    assert_int_equal(cJSON_GetArraySize(arr), 3);
    cJSON *first = cJSON_GetArrayItem(arr, 0);
    const char *fields[] = {"id", "state", "amount", "currency", "meter", "method", "purchase_count",
                            "created_at", "updated_at"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!cJSON_HasObjectItem(first, fields[i]))
            fail_msg("export lacks %s", fields[i]);
    assert_string_equal(cJSON_GetObjectItem(first, "id")->valuestring, ID1);
    assert_string_equal(cJSON_GetObjectItem(first, "state")->valuestring, "paid");
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(first, "amount")));
    assert_int_equal(cJSON_GetObjectItem(first, "paid")->valueint, 5000);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(first, "purchase_count")));
    assert_string_equal(cJSON_GetObjectItem(first, "created_at")->valuestring, "2026-11-18T10:00:00.000Z");
    cJSON_Delete(arr);
    free(all);

    char *one = export_text(l, LEDGER_JSON, base + day, base + 2 * day); /* 2026-11-19 only */
    arr = cJSON_Parse(one);
    assert_int_equal(cJSON_GetArraySize(arr), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "id")->valuestring, ID2);
    cJSON_Delete(arr);
    free(one);

    char *none = export_text(l, LEDGER_JSON, base + 10 * day, 0);
    assert_string_equal(none, "[]\n");
    free(none);

    char *csv = export_text(l, LEDGER_CSV, 0, 0);
    assert_true(strncmp(csv, "id,state,amount,currency,meter,", 31) == 0);
    assert_non_null(strstr(csv, ID1 ",paid,5000,CNY,000012345678,100000000001,counter,remote,5000,0,0,,,"));
    int lines = 0;
    for (char *p = csv; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 4);
    free(csv);
    ledger_close(l);
}

static void verify_finds_raw_edits(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    make_paid(l, ID1, "000012345678", 700);
    assert_int_equal(verify(l), 0);
    assert_int_equal(sqlite3_exec(l->db, "UPDATE txn SET paid = 900", NULL, NULL, NULL), SQLITE_OK);
    assert_true(verify(l) >= 1);
    ledger_close(l);
}

/* A bill payment is settled with its bill_payment row in one commit (and
 * no txn rows), and verify finds a settled one whose row says another
 * amount, with a second row, or without its row. */
static void bill_payment_settles_with_its_row(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    ledger_new_txn_t n = {.id = ID1, .meter = "A1", .method = METHOD_CASH, .channel = CHANNEL_BILL,
                          .currency = "CNY", .amount = 3000};
    assert_int_equal(ledger_create(l, &n, NULL), K_OK);
    ledger_payment_t p = {.method = METHOD_CASH, .amount = 2000, .denomination = 2000, .ref = "r"};
    make_paid(l, ID2, "000012345678", 700); /* a sale is not settled: it is delivered to its meter */
    assert_int_equal(ledger_apply(l, ID2, TXN_PAID, &(ledger_change_t){.event = EV_SETTLE}, NULL, NULL), K_ESTATE);
    step(l, ID1, TXN_CREATED, (ledger_change_t){.event = EV_PAY_BEGIN});
    step(l, ID1, TXN_PAYMENT_PENDING, (ledger_change_t){.event = EV_MONEY_IN, .payment = &p});
    step(l, ID1, TXN_PAYMENT_PENDING, (ledger_change_t){.event = EV_PAY_DONE});
    assert_int_equal(verify(l), 0);
    step(l, ID1, TXN_PAID, (ledger_change_t){.event = EV_SETTLE});
    assert_int_equal(verify(l), 0);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM outbox WHERE topic = 'bill_payment' AND payload = "
                                   "'{\"txn_id\":\"" ID1 "\",\"account\":\"A1\",\"amount\":2000,\"currency\":\"CNY\","
                                   "\"method\":\"kiosk\",\"ref\":\"" ID1 "\"}'"), 1);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM outbox WHERE payload LIKE '%" ID1 "%'"), 1);
    assert_int_equal(sqlite3_exec(l->db, "UPDATE outbox SET payload = json_set(payload, '$.amount', 3000) "
                                         "WHERE topic = 'bill_payment'", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(verify(l), 1);
    assert_int_equal(sqlite3_exec(l->db, "INSERT INTO outbox(topic, payload, created_at) SELECT topic, payload, "
                                         "created_at FROM outbox WHERE topic = 'bill_payment'", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(verify(l), 1);
    assert_int_equal(sqlite3_exec(l->db, "DELETE FROM outbox WHERE topic = 'bill_payment'", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(verify(l), 1);
    ledger_close(l);
}

static void cash_report_and_collection(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    make_txn(l, ID1, "000012345678");
    step(l, ID1, TXN_CREATED, (ledger_change_t){.event = EV_PAY_BEGIN});
    const int64_t notes[] = {2000, 2000, 5000};
    for (int i = 0; i < 3; i++) {
        ledger_payment_t p = {.method = METHOD_CASH, .amount = notes[i], .denomination = notes[i]};
        step(l, ID1, TXN_PAYMENT_PENDING, (ledger_change_t){.event = EV_MONEY_IN, .payment = &p});
    }
    make_paid(l, ID2, "000012345679", 700); /* a counter sale */
    ledger_cash_report_t r;
    assert_int_equal(ledger_cash_status(l, &r, NULL), K_OK);
    assert_int_equal(r.n_taken, 3); /* cash 2000 x2, cash 5000, counter */
    int64_t total = 0;
    for (size_t i = 0; i < r.n_taken; i++)
        total += r.taken[i].total;
    assert_int_equal(total, 9700);
    assert_int_equal(ledger_cash_collect(l, "staff:test", &r, NULL), K_OK);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM cash_counter"), 0);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM cash_collection"), 1);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM audit WHERE action = 'cash_collect'"), 1);
    assert_int_equal(ledger_cash_status(l, &r, NULL), K_OK);
    assert_int_equal(r.n_taken, 0); /* a new shift starts empty */
    assert_true(r.since > 0);
    assert_int_equal(verify(l), 0); /* counters agree with the payments since the collection */
    ledger_close(l);
}

static void card_authorisation_is_written_first(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    make_txn(l, ID1, "000012345678");
    step(l, ID1, TXN_CREATED, (ledger_change_t){.event = EV_PAY_BEGIN});
    assert_int_equal(ledger_card_begin(l, ID1, ID1 ":1", 5000, NULL), K_OK);
    assert_int_equal(ledger_card_begin(l, ID1, ID1 ":1", 5000, NULL), K_ECONFLICT); /* a reference is used once */
    ledger_card_auth_t a;
    bool found;
    assert_int_equal(ledger_card_latest(l, ID1, &a, &found, NULL), K_OK);
    assert_true(found);
    assert_string_equal(a.outcome, ""); /* unsettled */
    ledger_payment_t p = {.method = METHOD_CARD, .amount = 5000, .ref = "receipt 17"};
    ledger_card_outcome_t o = {.reference = ID1 ":1", .outcome = "approved", .receipt = 17, .masked_pan = "4111 ****"};
    step(l, ID1, TXN_PAYMENT_PENDING, (ledger_change_t){.event = EV_MONEY_IN, .payment = &p, .card = &o});
    assert_int_equal(ledger_card_paid(l, ID1, &a, &found, NULL), K_OK);
    assert_true(found);
    assert_int_equal(a.receipt, 17);
    kmsg_t msg;
    ledger_card_outcome_t again = {.reference = ID1 ":1", .outcome = "declined"};
    assert_int_equal(ledger_card_end(l, &again, &msg), K_ESTATE); /* already closed */
    assert_int_equal(verify(l), 0);
    ledger_close(l);
}

static void ids_resolve_from_a_prefix(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    make_txn(l, ID1, "000012345678");
    make_txn(l, "11111111-2222-4111-8111-111111111111", "000012345678");
    char id[UUID_STR_LEN];
    kmsg_t msg;
    assert_int_equal(ledger_resolve_id(l, "11111111-1", id, &msg), K_OK);
    assert_string_equal(id, ID1);
    assert_int_equal(ledger_resolve_id(l, "11111111", id, &msg), K_ECONFLICT);
    assert_int_equal(ledger_resolve_id(l, "9999999999", id, &msg), K_ENOTFOUND);
    assert_int_equal(ledger_resolve_id(l, "1111", id, &msg), K_EINVAL);
    assert_int_equal(ledger_resolve_id(l, "11111111' OR 1=1", id, &msg), K_EINVAL);
    ledger_close(l);
}

static ledger_mcard_t mcard_row(const char *serial, const char *type, int generation, const char *replaces)
{
    ledger_mcard_t c = {.generation = generation};
    snprintf(c.serial, sizeof c.serial, "%s", serial);
    snprintf(c.meter, sizeof c.meter, "000000000001");
    snprintf(c.customer, sizeof c.customer, "100000000001");
    snprintf(c.type, sizeof c.type, "%s", type);
    snprintf(c.replaces, sizeof c.replaces, "%s", replaces);
    snprintf(c.operator_name, sizeof c.operator_name, "staff:test");
    return c;
}

static const char *mcard_state(ledger_t *l, const char *serial)
{
    static ledger_mcard_t c;
    bool found = false;
    assert_int_equal(ledger_mcard_get(l, serial, &c, &found, NULL), K_OK);
    return found ? c.state : "none";
}

/* Issued cards: written before the card, active once it holds it; a
 * replacement retires the card it replaces; an issue abandoned for another
 * card is void; each step audited and in the outbox. */
static void meter_cards_issued_and_replaced(void **state)
{
    (void)state;
    ledger_t *l = open_new();
    kmsg_t msg = {""};
    ledger_mcard_t a = mcard_row("4B50000000000001", "user", 0, ""), latest;
    assert_int_equal(ledger_mcard_begin(l, &a, "new account", &msg), K_OK);
    assert_string_equal(mcard_state(l, a.serial), "issuing");
    /* the first card never came back: another blank card is issued instead */
    ledger_mcard_t b = mcard_row("4B50000000000002", "user", 0, "");
    assert_int_equal(ledger_mcard_begin(l, &b, "new account", &msg), K_OK);
    assert_string_equal(mcard_state(l, a.serial), "void");
    assert_int_equal(ledger_mcard_done(l, b.serial, &msg), K_OK);
    assert_string_equal(mcard_state(l, b.serial), "active");
    assert_int_equal(ledger_mcard_done(l, b.serial, &msg), K_ESTATE); /* finished once */
    assert_int_equal(ledger_mcard_begin(l, &b, "again", &msg), K_ECONFLICT); /* a serial is issued once */
    ledger_mcard_t dup = mcard_row("4B50000000000009", "user", 0, "");
    assert_int_equal(ledger_mcard_begin(l, &dup, "same generation", &msg), K_ECONFLICT);
    assert_string_equal(mcard_state(l, dup.serial), "none");

    ledger_mcard_t r = mcard_row("4B50000000000003", "replacement", 1, b.serial);
    assert_int_equal(ledger_mcard_begin(l, &r, "lost", &msg), K_OK);
    assert_string_equal(mcard_state(l, b.serial), "active"); /* until the new card holds it */
    assert_int_equal(ledger_mcard_done(l, r.serial, &msg), K_OK);
    assert_string_equal(mcard_state(l, b.serial), "replaced");
    bool found = false;
    assert_int_equal(ledger_mcard_latest(l, "000000000001", &latest, &found, &msg), K_OK);
    assert_true(found);
    assert_string_equal(latest.serial, r.serial);
    assert_int_equal(latest.generation, 1);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM audit WHERE action IN ('card_issue', 'card_replace', "
                                   "'card_void')"),
                     4);
    assert_int_equal(count_rows(l, "SELECT count(*) FROM outbox WHERE topic = 'card'"), 7);
    ledger_close(l);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(meter_cards_issued_and_replaced, setup, teardown),
    cmocka_unit_test_setup_teardown(open_creates_schema_with_pragmas, setup, teardown),
    cmocka_unit_test_setup_teardown(existing_mode_creates_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(newer_schema_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(a_sale_writes_history_and_outbox, setup, teardown),
    cmocka_unit_test_setup_teardown(refused_change_writes_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(creation_is_checked, setup, teardown),
    cmocka_unit_test_setup_teardown(a_card_sale_names_its_card, setup, teardown),
    cmocka_unit_test_setup_teardown(one_count_per_meter, setup, teardown),
    cmocka_unit_test_setup_teardown(a_count_that_may_have_applied_is_kept, setup, teardown),
    cmocka_unit_test_setup_teardown(confirm_after_restart_marks_the_attempt, setup, teardown),
    cmocka_unit_test_setup_teardown(history_and_audit_are_append_only, setup, teardown),
    cmocka_unit_test_setup_teardown(export_json_and_csv_by_date, setup, teardown),
    cmocka_unit_test_setup_teardown(verify_finds_raw_edits, setup, teardown),
    cmocka_unit_test_setup_teardown(bill_payment_settles_with_its_row, setup, teardown),
    cmocka_unit_test_setup_teardown(ids_resolve_from_a_prefix, setup, teardown),
    cmocka_unit_test_setup_teardown(cash_report_and_collection, setup, teardown),
    cmocka_unit_test_setup_teardown(card_authorisation_is_written_first, setup, teardown),
};

KTEST_MAIN(tests)
