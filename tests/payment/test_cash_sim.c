/* The real ccTalk driver and the engine against cashsim on a pty: notes
 * through escrow, refusals, the purchase limit, jams, the cash box, power
 * cycles, lost events, echo, notes stacked while the kiosk was away, and
 * answers that are no ACK.
 * After each scenario the device's own journal must agree with the ledger,
 * and the ledger must verify. The simulator comes as CASHSIM. */
#include <cjson/cJSON.h>
#include <setjmp.h>
#include <stdlib.h>
#include <unistd.h>

#include "ktest.h"
#include "sim/cashsim_client.h"
#include "support/support.h"

#include "engine/engine.h"
#include "kiosk/site/site_devices.h"

#define METER "000000000001"

static struct {
    char dir[512];
    cs_sim_t sim;
    kiosk_config_t cfg;
    ledger_t *ledger;
    gw_t gw;
    cash_t cash;
    engine_t eng;
    const char *crash_at; /* a step at which to stop, as if the process died */
    jmp_buf env;
} site;

static void on_step(void *ctx, const char *step)
{
    (void)ctx;
    if (site.crash_at && strcmp(step, site.crash_at) == 0) {
        site.crash_at = NULL;
        longjmp(site.env, 1);
    }
}

static void control(const char *cmd)
{
    char reply[512];
    if (!sc_control(&site.sim.sc, cmd, reply, sizeof reply))
        fail_msg("cashsim refused '%s': %s", cmd, reply);
}

static void open_kiosk(void)
{
    kmsg_t msg = {""};
    if (ledger_open(site.cfg.ledger_path, LEDGER_CREATE, NULL, &site.ledger, &msg) ||
        site_gateway_open(&site.cfg, NULL, &site.gw, &msg) || site_cash_open(&site.cfg, &site.cash, &msg))
        fail_msg("kiosk: %s", msg.text);
    site.eng = (engine_t){.ledger = site.ledger, .gw = &site.gw, .cash = &site.cash, .cfg = &site.cfg,
                          .step = on_step};
    engine_recovery_t rep;
    if (engine_recover(&site.eng, &rep, &msg) != K_OK) /* attaches the acceptor */
        fail_msg("recovery: %s", msg.text);
}

static void close_kiosk(void)
{
    ledger_close(site.ledger);
    site.ledger = NULL;
    gw_close(&site.gw);
    cash_close(&site.cash);
}

static void start(bool echo, int64_t max_purchase)
{
    const char *bin = getenv("CASHSIM");
    assert_non_null(bin);
    assert_true(tmpdir_make(site.dir, sizeof site.dir));
    const char *extra[] = {echo ? "--echo" : NULL, NULL};
    if (!cs_start(&site.sim, bin, site.dir, extra))
        fail_msg("cashsim did not start");
    assert_true(file_write(site.dir, "meters", METER " 100000000001 0 0\n"));
    kiosk_config_t *c = &site.cfg;
    config_defaults(c);
    snprintf(c->ledger_path, sizeof c->ledger_path, "%s/ledger.db", site.dir);
    snprintf(c->gateway_protocol, sizeof c->gateway_protocol, "fake");
    snprintf(c->gateway_fake_dir, sizeof c->gateway_fake_dir, "%s", site.dir);
    snprintf(c->cash_protocol, sizeof c->cash_protocol, "cctalk");
    snprintf(c->cash_device, sizeof c->cash_device, "%s", site.sim.link);
    c->cash_echo = echo;
    c->max_purchase = max_purchase;
    open_kiosk();
}

static int stop(void **state)
{
    (void)state;
    if (site.ledger)
        close_kiosk();
    sc_stop(&site.sim.sc);
    tmpdir_remove(site.dir);
    site.crash_at = NULL;
    return 0;
}

static void open_sale_for(char id[UUID_STR_LEN], int64_t amount)
{
    sale_req_t req = {.meter = METER, .customer = "", .method = METHOD_CASH, .channel = CHANNEL_REMOTE,
                      .amount = amount};
    kmsg_t msg = {""};
    if (engine_open_sale(&site.eng, &req, id, &msg) || engine_begin_payment(&site.eng, id, &msg) ||
        engine_cash_start(&site.eng, id, &msg))
        fail_msg("sale: %s", msg.text);
}

static void open_sale(char id[UUID_STR_LEN])
{
    open_sale_for(id, site.cfg.max_purchase < 10000 ? site.cfg.max_purchase : 10000);
}

/* Polls the acceptor (as the screen loop does) for up to a second. */
static void settle(void)
{
    engine_cash_news_t news;
    kmsg_t msg = {""};
    for (int i = 0; i < 8; i++) {
        if (engine_cash_step(&site.eng, &news, &msg) != K_OK)
            fail_msg("cash step: %s", msg.text);
        usleep(60000);
    }
}

static ledger_txn_t finish(const char *id)
{
    kmsg_t msg = {""};
    ledger_txn_t t;
    if (engine_cash_stop(&site.eng, &msg) || engine_finish_payment(&site.eng, id, &msg) ||
        ledger_get(site.ledger, id, &t, &msg))
        fail_msg("finishing: %s", msg.text);
    if (t.state == TXN_PAID && engine_deliver(&site.eng, id, &t, &msg))
        fail_msg("delivering: %s", msg.text);
    return t;
}

static ledger_txn_t get(const char *id)
{
    ledger_txn_t t;
    assert_int_equal(ledger_get(site.ledger, id, &t, NULL), K_OK);
    return t;
}

static void count_kind(void *ctx, const ledger_alert_t *a)
{
    struct { const char *kind; int n; } *c = ctx;
    c->n += strcmp(a->kind, c->kind) == 0;
}

/* Open alerts of this kind. */
static int alerts(const char *kind)
{
    struct { const char *kind; int n; } c = {kind, 0};
    assert_int_equal(ledger_alerts(site.ledger, NULL, true, count_kind, &c, NULL), K_OK);
    return c.n;
}

/* The device's journal: money it stacked, and how many notes. */
static int64_t stacked_total(int *notes)
{
    static char text[1 << 16];
    if (!sc_control(&site.sim.sc, "state", text, sizeof text))
        fail_msg("cashsim state: %s", text);
    cJSON *o = cJSON_Parse(text + 3), *e;
    assert_non_null(o);
    int64_t total = 0;
    *notes = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "journal"))
    {
        if (strcmp(cJSON_GetObjectItem(e, "outcome")->valuestring, "stacked") == 0) {
            total += (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "value"));
            (*notes)++;
        }
    }
    cJSON_Delete(o);
    return total;
}

/* A field of the device's state: the note type in escrow (0: none), or
 * whether it accepts notes. */
static int device_field(const char *name)
{
    static char text[1 << 16];
    if (!sc_control(&site.sim.sc, "state", text, sizeof text))
        fail_msg("cashsim state: %s", text);
    cJSON *o = cJSON_Parse(text + 3);
    assert_non_null(o);
    cJSON *f = cJSON_GetObjectItem(o, name);
    int v = cJSON_IsBool(f) ? cJSON_IsTrue(f) : cJSON_IsNumber(f) ? (int)cJSON_GetNumberValue(f) : 0;
    cJSON_Delete(o);
    return v;
}

/* Every note the device stacked is in the ledger, once; the ledger verifies. */
static void agree(void)
{
    int notes;
    int64_t stacked = stacked_total(&notes);
    int64_t n = -1;
    assert_int_equal(ledger_verify(site.ledger, NULL, NULL, &n, NULL), K_OK);
    assert_int_equal(n, 0);
    ledger_cash_report_t r;
    assert_int_equal(ledger_cash_status(site.ledger, &r, NULL), K_OK);
    int64_t booked = 0, count = 0;
    for (size_t i = 0; i < r.n_taken; i++)
        if (strcmp(r.taken[i].method, "cash") == 0) {
            booked += r.taken[i].total;
            count += r.taken[i].count;
        }
    if (booked != stacked || count != notes)
        fail_msg("the device stacked %d notes (%lld), the ledger booked %lld (%lld)", notes, (long long)stacked,
                 (long long)count, (long long)booked);
}

static void notes_through_escrow(void **state)
{
    (void)state;
    start(false, 100000);
    char id[UUID_STR_LEN];
    open_sale(id);
    control("insert CN0020A");
    settle();
    assert_int_equal(get(id).paid, 2000);
    control("insert CN0050A");
    settle();
    ledger_txn_t t = finish(id);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.delivered, 7000);
    assert_int_equal(file_count_lines(site.dir, "journal", "credit " METER " 1 7000"), 1);
    agree();
}

static void refused_and_over_limit_notes_go_back(void **state)
{
    (void)state;
    start(false, 5000);
    char id[UUID_STR_LEN];
    open_sale(id);
    control("insert CN0005A"); /* not an accepted denomination: inhibited */
    control("insert CN0050A");
    settle();
    control("insert CN0010A"); /* 5000 + 1000 is over limits.max_purchase */
    settle();
    control("reject");
    control("insert CN0020A"); /* fails validation */
    settle();
    ledger_txn_t t = finish(id);
    assert_int_equal(t.delivered, 5000);
    int notes;
    assert_int_equal(stacked_total(&notes), 5000);
    assert_int_equal(notes, 1);
    agree();
}

/* The kiosk gives no change: it stops taking notes at the amount chosen.
 * 50.00 chosen, 10.00 in, then a 100.00 note: given back, saying why;
 * two 20.00 notes make the 50.00, credited exactly. */
static void a_note_past_the_amount_goes_back(void **state)
{
    (void)state;
    start(false, 100000);
    char id[UUID_STR_LEN];
    open_sale_for(id, 5000);
    control("insert CN0010A");
    settle();
    control("insert CN0100A");
    engine_cash_news_t news = {0}, returned = {0};
    kmsg_t msg = {""};
    for (int i = 0; i < 8 && returned.note != PNOTE_RETURNED; i++, usleep(60000)) {
        if (engine_cash_step(&site.eng, &news, &msg) != K_OK)
            fail_msg("cash step: %s", msg.text);
        if (news.note == PNOTE_RETURNED)
            returned = news;
    }
    assert_int_equal(returned.note, PNOTE_RETURNED);
    assert_int_equal(returned.value, 10000);
    assert_int_equal(returned.why, ESCROW_OVER_AMOUNT);
    assert_int_equal(returned.paid, 1000);
    assert_int_equal(get(id).paid, 1000);
    control("insert CN0020A");
    settle();
    control("insert CN0020A");
    settle();
    ledger_txn_t t = finish(id);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.delivered, 5000);
    int notes;
    assert_int_equal(stacked_total(&notes), 5000);
    assert_int_equal(notes, 3);
    agree();
}

static void jam_while_stacking(void **state)
{
    (void)state;
    start(false, 100000);
    char id[UUID_STR_LEN];
    open_sale(id);
    control("jam");
    control("insert CN0020A");
    settle();
    assert_int_equal(get(id).paid, 0); /* stuck: not counted */
    assert_int_equal(alerts("cash_jam"), 1);
    control("clear-jam stacked");
    settle();
    assert_int_equal(get(id).paid, 2000); /* it went in after all */
    finish(id);
    agree();
}

static void cash_box_removed_mid_sale(void **state)
{
    (void)state;
    start(false, 100000);
    char id[UUID_STR_LEN];
    open_sale(id);
    control("insert CN0010A");
    settle();
    control("remove-box");
    control("insert CN0020A"); /* cannot be stacked without a box: back to the resident */
    settle();
    control("insert-box");
    ledger_txn_t t = finish(id);
    assert_int_equal(t.delivered, 1000);
    ledger_cash_report_t r;
    assert_int_equal(ledger_cash_status(site.ledger, &r, NULL), K_OK);
    assert_int_equal(r.box_removed, 1);
    assert_int_equal(r.box_inserted, 1);
    agree();
}

static void power_cycle_between_notes(void **state)
{
    (void)state;
    start(false, 100000);
    char id[UUID_STR_LEN];
    open_sale(id);
    control("insert CN0010A");
    settle();
    control("power-cycle");
    settle(); /* the kiosk sees the reset and sets the device up again */
    control("insert CN0020A");
    settle();
    ledger_txn_t t = finish(id);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.delivered, 3000);
    agree();
}

static void power_cycle_while_a_note_is_routed(void **state)
{
    (void)state;
    start(false, 100000);
    char id[UUID_STR_LEN];
    open_sale(id);
    control("insert CN0010A");
    settle();
    site.crash_at = "cash.escrow"; /* the decision to stack is written... */
    control("insert CN0020A");
    if (setjmp(site.env) == 0) {
        settle();
        fail_msg("the hook should have fired");
    }
    control("power-cycle"); /* ...and the device loses its events: whether the note went in is unknown */
    settle();
    ledger_txn_t t = get(id);
    assert_int_equal(t.state, TXN_NEEDS_RECONCILIATION);
    assert_non_null(strstr(t.reason, "count the cash box"));
    assert_int_equal(t.paid, 1000);
    agree(); /* the device's journal: that note went back on the power loss */
}

static void lost_events_park_the_sale(void **state)
{
    (void)state;
    start(false, 100000);
    char id[UUID_STR_LEN];
    open_sale(id);
    control("insert CN0010A");
    settle();
    control("lose-events 7");
    settle();
    ledger_txn_t t = get(id);
    assert_int_equal(t.state, TXN_NEEDS_RECONCILIATION);
    assert_non_null(strstr(t.reason, "events lost"));
    assert_int_equal(alerts("cash_lost_events"), 1); /* staff are told to count the box */
    agree();
}

static void echo_on_the_line(void **state)
{
    (void)state;
    start(true, 100000);
    char id[UUID_STR_LEN];
    open_sale(id);
    control("insert CN0100A");
    settle();
    ledger_txn_t t = finish(id);
    assert_int_equal(t.delivered, 10000);
    agree();
}

static void stacked_while_the_kiosk_was_away(void **state)
{
    (void)state;
    start(false, 100000);
    char id[UUID_STR_LEN];
    open_sale(id);
    site.crash_at = "cash.routed"; /* routed to the stack, then the kiosk dies */
    control("insert CN0050A");
    if (setjmp(site.env) == 0) {
        settle();
        fail_msg("the hook should have fired");
    }
    assert_int_equal(get(id).paid, 0);
    close_kiosk();
    open_kiosk(); /* recovery reads the device's events: the note was stacked */
    ledger_txn_t t = get(id);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.delivered, 5000);
    agree();
}

static void events_lost_while_the_kiosk_was_away(void **state)
{
    (void)state;
    start(false, 100000);
    char id[UUID_STR_LEN];
    open_sale(id);
    control("insert CN0010A");
    settle();
    close_kiosk(); /* the kiosk dies mid-sale */
    control("lose-events 7");
    open_kiosk(); /* attach sees the gap: the sale cannot know what it took */
    ledger_txn_t t = get(id);
    assert_int_equal(t.state, TXN_NEEDS_RECONCILIATION);
    assert_int_equal(t.paid, 1000);
    assert_non_null(strstr(t.reason, "count the cash box"));
    assert_int_equal(alerts("cash_lost_events"), 1);
    agree();
}

/* Route bill answered with header 65, then with an ACK that lacks its
 * data byte: neither is "done" (the note is still in escrow); a genuine
 * answer is. */
static void route_answer_that_is_no_ack(void **state)
{
    (void)state;
    start(false, 100000);
    kmsg_t msg = {""};
    const int64_t notes[] = {2000};
    assert_int_equal(site.cash.ops->enable(site.cash.ctx, notes, 1, &msg), CASH_OK);
    control("insert CN0020A"); /* held in escrow; nothing polls meanwhile */
    assert_int_equal(device_field("escrow"), 4);
    control("bad-answer 65");
    assert_int_equal(site.cash.ops->route(site.cash.ctx, true, &msg), CASH_PROTOCOL);
    assert_non_null(strstr(msg.text, "header 65"));
    assert_int_equal(device_field("escrow"), 4); /* not stacked */
    control("bad-answer 0");
    assert_int_equal(site.cash.ops->route(site.cash.ctx, true, &msg), CASH_PROTOCOL);
    assert_non_null(strstr(msg.text, "0 data bytes"));
    assert_int_equal(device_field("escrow"), 4);
    assert_int_equal(site.cash.ops->route(site.cash.ctx, false, &msg), CASH_OK); /* a genuine answer */
    assert_int_equal(device_field("escrow"), 0);
    agree();
}

/* The end of a sale tells the validator to accept nothing; an answer with
 * header 65 is not taken for done: asked again, it really stops. */
static void stop_answered_with_a_wrong_header(void **state)
{
    (void)state;
    start(false, 100000);
    char id[UUID_STR_LEN];
    open_sale(id);
    control("insert CN0020A");
    settle();
    assert_true(device_field("accepting"));
    control("bad-answer 65"); /* the next request, master inhibit, is not carried out */
    ledger_txn_t t = finish(id);
    assert_int_equal(t.delivered, 2000);
    assert_false(device_field("accepting"));
    agree();
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(notes_through_escrow, stop),
    cmocka_unit_test_teardown(refused_and_over_limit_notes_go_back, stop),
    cmocka_unit_test_teardown(a_note_past_the_amount_goes_back, stop),
    cmocka_unit_test_teardown(jam_while_stacking, stop),
    cmocka_unit_test_teardown(cash_box_removed_mid_sale, stop),
    cmocka_unit_test_teardown(power_cycle_between_notes, stop),
    cmocka_unit_test_teardown(power_cycle_while_a_note_is_routed, stop),
    cmocka_unit_test_teardown(lost_events_park_the_sale, stop),
    cmocka_unit_test_teardown(echo_on_the_line, stop),
    cmocka_unit_test_teardown(events_lost_while_the_kiosk_was_away, stop),
    cmocka_unit_test_teardown(stacked_while_the_kiosk_was_away, stop),
    cmocka_unit_test_teardown(route_answer_that_is_no_ack, stop),
    cmocka_unit_test_teardown(stop_answered_with_a_wrong_header, stop),
};

KTEST_MAIN(tests)
