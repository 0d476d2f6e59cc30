/* A third front end, beside kioskctl and the touchscreen: it sells through
 * the engine's three steps alone (engine_sale_open, engine_sale_pay,
 * engine_sale_deliver) on a site opened as both programs open it
 * (site_open), by every method, against the real drivers and simulators:
 * the counter; cash through cashsim (notes put in once the acceptor takes
 * them; the resident done early); a bank card through paysim (approved,
 * declined); a QR code through the reference back office, whose simulated
 * provider plays the resident's phone. It shows only what the steps
 * return. CASHSIM, PAYSIM and BACKOFFICE name the programs. */
#include <setjmp.h>
#include <stdlib.h>
#include <unistd.h>

#include "backoffice/bo_harness.h"
#include "ktest.h"
#include "sim/cashsim_client.h"
#include "sim/paysim_client.h"
#include "support/support.h"

#include "kiosk/site/site.h"

#define METER "000000000001"

static struct {
    char dir[512];
    cs_sim_t cash;
    ps_sim_t pay;
    boh_t bo;
    bool have_cash, have_pay, have_bo;
    kiosk_config_t cfg;
    site_t site;
    bool open;
} k;

/* What the front end showed the resident, and what the resident does. */
static struct {
    int notes;               /* note callbacks */
    int booked;              /* notes the running total grew by */
    int64_t last_paid;       /* the running total shown last */
    int texts;               /* the terminal's or provider's words shown */
    char code[400];          /* the QR code shown */
    const char *const *put;  /* cash: the notes the resident puts in, one by one, NULL-ended */
    int next;                /* the next of them */
    bool done_after_put;     /* cash: then presses done */
    bool pays;               /* QR: the phone pays the code once shown */
} resident;

static void sim_control(sc_sim_t *sc, const char *cmd)
{
    char reply[512];
    if (!sc_control(sc, cmd, reply, sizeof reply))
        fail_msg("simulator refused '%s': %s", cmd, reply);
}

static void on_text(void *ctx, payment_prompt_t prompt, const char *text)
{
    (void)ctx, (void)prompt, (void)text;
    resident.texts++;
}

static void on_note(void *ctx, const engine_cash_news_t *news)
{
    (void)ctx;
    resident.notes++;
    resident.booked += news->paid > resident.last_paid;
    resident.last_paid = news->paid;
}

/* The phone pays the order behind the code, as the back office's
 * simulated provider lets it. */
static void on_code(void *ctx, const char *url, int64_t expires_at_ms)
{
    (void)ctx, (void)expires_at_ms;
    snprintf(resident.code, sizeof resident.code, "%s", url);
    const char *id = strstr(url, "/pay/");
    if (!resident.pays || !id)
        return;
    char path[200];
    snprintf(path, sizeof path, "/v1/sim/qr-orders/%s/pay", id + 5);
    boh_resp_t r = boh_call(&k.bo, NULL, "POST", path, NULL, NULL);
    if (r.status != 200)
        fprintf(stderr, "paying the order: %ld %s\n", r.status, r.body);
    boh_free(&r);
}

/* Asked while money is taken: the acceptor is on, so the resident puts
 * the next note in once the one before is booked; done once they are all
 * in, if the scenario says so. */
static bool on_cancelled(void *ctx)
{
    (void)ctx;
    if (!resident.put || resident.booked < resident.next)
        return false;
    if (resident.put[resident.next]) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "insert %s", resident.put[resident.next++]);
        sim_control(&k.cash.sc, cmd);
        return false;
    }
    return resident.done_after_put;
}

static const engine_watch_t watch = {
    .prompt = on_text, .note = on_note, .code = on_code, .cancelled = on_cancelled, .ctx = NULL};

enum { WITH_CASH = 1, WITH_CARD = 2, WITH_QR = 4 };

static void start(unsigned with)
{
    memset(&resident, 0, sizeof resident);
    assert_true(tmpdir_make(k.dir, sizeof k.dir));
    assert_true(file_write(k.dir, "meters", METER " 100000000001 0 0\n"));
    kiosk_config_t *c = &k.cfg;
    config_defaults(c);
    snprintf(c->ledger_path, sizeof c->ledger_path, "%s/ledger.db", k.dir);
    snprintf(c->gateway_protocol, sizeof c->gateway_protocol, "fake");
    snprintf(c->gateway_fake_dir, sizeof c->gateway_fake_dir, "%s", k.dir);
    if (with & WITH_CASH) {
        if (!(k.have_cash = cs_start(&k.cash, getenv("CASHSIM"), k.dir, NULL)))
            fail_msg("cashsim did not start");
        snprintf(c->cash_protocol, sizeof c->cash_protocol, "cctalk");
        snprintf(c->cash_device, sizeof c->cash_device, "%s", k.cash.link);
    }
    if (with & WITH_CARD) {
        if (!(k.have_pay = ps_start(&k.pay, getenv("PAYSIM"), k.dir, NULL)))
            fail_msg("paysim did not start");
        snprintf(c->payterm_protocol, sizeof c->payterm_protocol, "zvt");
        snprintf(c->payterm_address, sizeof c->payterm_address, "127.0.0.1:%d", k.pay.zvt);
        c->payterm_timeout_ms = 5000;
    }
    if (with & WITH_QR) {
        if (!(k.have_bo = boh_setup(&k.bo, false, NULL)) || !boh_meter(&k.bo, METER, "S1"))
            fail_msg("the back office did not start");
        snprintf(c->kiosk_id, sizeof c->kiosk_id, "K1");
        snprintf(c->sync_url, sizeof c->sync_url, "http://127.0.0.1:%d", k.bo.port);
        c->sync_qr = true;
        c->sync_qr_ttl_s = 60;
    }
    kmsg_t msg = {""};
    if (site_open(c, &k.site, NULL, NULL, &msg) != K_OK)
        fail_msg("site: %s", msg.text);
    k.open = true;
    engine_recovery_t rep;
    if (engine_recover(&k.site.engine, &rep, &msg) != K_OK)
        fail_msg("recovery: %s", msg.text);
}

static int stop(void **state)
{
    (void)state;
    if (k.open)
        site_close(&k.site);
    if (k.have_cash)
        sc_stop(&k.cash.sc);
    if (k.have_pay)
        ps_stop(&k.pay);
    if (k.have_bo)
        boh_teardown(&k.bo);
    tmpdir_remove(k.dir);
    memset(&k, 0, sizeof k);
    return 0;
}

/* The three steps, as any front end calls them. */
static engine_delivered_t sell(sale_method_t method, int64_t amount, engine_paid_t *paid)
{
    sale_req_t req = {.meter = METER, .method = method, .amount = amount};
    char id[UUID_STR_LEN];
    kmsg_t msg = {""};
    engine_delivered_t done;
    if (engine_sale_open(&k.site.engine, &req, NULL, id, &msg) != K_OK)
        fail_msg("open: %s", msg.text);
    if (engine_sale_pay(&k.site.engine, id, &watch, paid, &msg) != K_OK)
        fail_msg("pay: %s", msg.text);
    if (engine_sale_deliver(&k.site.engine, id, &done, &msg) != K_OK)
        fail_msg("deliver: %s", msg.text);
    assert_string_equal(done.sale.id, id);
    assert_null(engine_held_sale(&k.site.engine)); /* at rest: the ledger is let go */
    return done;
}

static void verified(void)
{
    int64_t n = -1;
    assert_int_equal(ledger_verify(k.site.ledger, NULL, NULL, &n, NULL), K_OK);
    assert_int_equal(n, 0);
}

static void sells_at_the_counter(void **state)
{
    (void)state;
    start(0);
    engine_paid_t paid;
    engine_delivered_t d = sell(METHOD_COUNTER, 2500, &paid);
    assert_int_equal(paid.sale.state, TXN_PAID);
    assert_int_equal(d.sale.state, TXN_DELIVERED);
    assert_int_equal(d.sale.delivered, 2500);
    assert_true(d.has_balance);
    assert_int_equal(d.balance, 2500);
    verified();
}

static void sells_for_cash(void **state)
{
    (void)state;
    start(WITH_CASH);
    static const char *const notes[] = {"CN0020A", "CN0010A", NULL};
    resident.put = notes;
    engine_paid_t paid;
    engine_delivered_t d = sell(METHOD_CASH, 3000, &paid);
    assert_int_equal(paid.sale.paid, 3000); /* the amount is in: the acceptor stopped by itself */
    assert_true(resident.notes >= 2);
    assert_int_equal(resident.last_paid, 3000);
    assert_int_equal(d.sale.state, TXN_DELIVERED);
    assert_int_equal(d.sale.delivered, 3000);
    verified();
}

/* The resident presses done after one note: what went in is delivered. */
static void cash_done_early_delivers_what_went_in(void **state)
{
    (void)state;
    start(WITH_CASH);
    static const char *const notes[] = {"CN0010A", NULL};
    resident.put = notes;
    resident.done_after_put = true;
    engine_paid_t paid;
    engine_delivered_t d = sell(METHOD_CASH, 5000, &paid);
    assert_int_equal(paid.sale.state, TXN_PAID);
    assert_int_equal(d.sale.state, TXN_DELIVERED);
    assert_int_equal(d.sale.delivered, 1000);
    verified();
}

static void sells_by_card(void **state)
{
    (void)state;
    start(WITH_CARD);
    engine_paid_t paid;
    engine_delivered_t d = sell(METHOD_CARD, 4000, &paid);
    assert_int_equal(paid.provider.outcome, PT_APPROVED);
    assert_true(paid.provider.n_lines > 0); /* the terminal's receipt, for the front end to show */
    assert_true(resident.texts > 0);
    assert_int_equal(d.sale.state, TXN_DELIVERED);
    assert_int_equal(d.sale.delivered, 4000);
    verified();
}

/* Declined: the sale ends cancelled as not paid, in the engine's words;
 * delivering it changes nothing. */
static void a_declined_card_cancels_the_sale(void **state)
{
    (void)state;
    start(WITH_CARD);
    sim_control(&k.pay.sc, "decline 5");
    engine_paid_t paid;
    engine_delivered_t d = sell(METHOD_CARD, 4000, &paid);
    assert_int_equal(paid.sale.state, TXN_CANCELLED);
    assert_int_equal(d.sale.state, TXN_CANCELLED);
    assert_non_null(strstr(d.sale.reason, "card not paid: "));
    verified();
}

static void sells_by_qr(void **state)
{
    (void)state;
    start(WITH_QR);
    resident.pays = true;
    engine_paid_t paid;
    engine_delivered_t d = sell(METHOD_QR, 2000, &paid);
    assert_non_null(strstr(resident.code, "/pay/"));
    assert_int_equal(paid.provider.outcome, PT_APPROVED);
    assert_int_equal(d.sale.state, TXN_DELIVERED);
    assert_int_equal(d.sale.delivered, 2000);
    char booked[UUID_STR_LEN];
    bool found = false;
    assert_int_equal(ledger_qr_booked(k.site.ledger, paid.provider.order, booked, &found, NULL), K_OK);
    assert_true(found); /* booked by the order's id */
    assert_string_equal(booked, d.sale.id);
    verified();
}

static void count_sale(void *ctx, const ledger_txn_t *t)
{
    (void)t;
    (*(int *)ctx)++;
}

/* A method whose device is not there opens no sale. */
static void no_sale_without_its_device(void **state)
{
    (void)state;
    start(0);
    sale_req_t req = {.meter = METER, .method = METHOD_CARD, .amount = 1000};
    char id[UUID_STR_LEN];
    kmsg_t msg = {""};
    assert_int_equal(engine_sale_open(&k.site.engine, &req, NULL, id, &msg), K_ENOTFOUND);
    assert_non_null(strstr(msg.text, "no sale opened"));
    ledger_filter_t all = {0};
    int sales = 0;
    assert_int_equal(ledger_list(k.site.ledger, &all, count_sale, &sales, NULL), K_OK);
    assert_int_equal(sales, 0); /* nothing was written */
    assert_null(engine_held_sale(&k.site.engine));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(sells_at_the_counter, stop),
    cmocka_unit_test_teardown(sells_for_cash, stop),
    cmocka_unit_test_teardown(cash_done_early_delivers_what_went_in, stop),
    cmocka_unit_test_teardown(sells_by_card, stop),
    cmocka_unit_test_teardown(a_declined_card_cancels_the_sale, stop),
    cmocka_unit_test_teardown(sells_by_qr, stop),
    cmocka_unit_test_teardown(no_sale_without_its_device, stop),
};

KTEST_MAIN(tests)
