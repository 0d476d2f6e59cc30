/* The real ZVT driver and the engine against paysim over TCP: approval,
 * decline, a result lost after approval (timeout, dropped link), a command
 * never received, a slow terminal, a crash after approval, reversal when
 * the meter refuses the credit, a reversal the terminal refuses, stray
 * completions before and after an authorisation, a receipt number the
 * reversal cannot carry, and a link the terminal closed while idle. After
 * each scenario the terminal's journal must agree with the ledger: every
 * approval delivered or reversed, none authorised twice. PAYSIM names the
 * simulator. */
#include <cjson/cJSON.h>
#include <setjmp.h>
#include <stdlib.h>
#include <unistd.h>

#include "ktest.h"
#include "sim/paysim_client.h"
#include "support/support.h"

#include "engine/engine.h"
#include "kiosk/site/site_devices.h"

#define METER "000000000001"

static struct {
    char dir[512];
    ps_sim_t sim;
    kiosk_config_t cfg;
    ledger_t *ledger;
    gw_t gw;
    payterm_t pt;
    engine_t eng;
    const char *crash_at;
    jmp_buf env;
    const char *fault_at, *fault; /* a paysim fault armed at a step */
} site;

/* The screen: counts the terminal's texts; the resident presses cancel
 * once asked for the card, if the scenario says so. */
static struct {
    int shown;
    bool asked_for_card, cancel;
} screen;

static void control(const char *cmd);

static void on_step(void *ctx, const char *step)
{
    (void)ctx;
    if (site.fault_at && strcmp(step, site.fault_at) == 0) {
        site.fault_at = NULL;
        control(site.fault);
    }
    if (site.crash_at && strcmp(step, site.crash_at) == 0) {
        site.crash_at = NULL;
        longjmp(site.env, 1);
    }
}

static void control(const char *cmd)
{
    char reply[512];
    if (!sc_control(&site.sim.sc, cmd, reply, sizeof reply))
        fail_msg("paysim refused '%s': %s", cmd, reply);
}

static void open_kiosk(void)
{
    kmsg_t msg = {""};
    if (ledger_open(site.cfg.ledger_path, LEDGER_CREATE, NULL, &site.ledger, &msg) ||
        site_gateway_open(&site.cfg, NULL, &site.gw, &msg) || site_terminal_open(&site.cfg, &site.pt, &msg))
        fail_msg("kiosk: %s", msg.text);
    site.eng = (engine_t){.ledger = site.ledger, .gw = &site.gw, .pay = {[METHOD_CARD] = &site.pt}, .cfg = &site.cfg, .step = on_step};
    engine_recovery_t rep;
    if (engine_recover(&site.eng, &rep, &msg) != K_OK)
        fail_msg("recovery: %s", msg.text);
}

static void close_kiosk(void)
{
    ledger_close(site.ledger);
    site.ledger = NULL;
    gw_close(&site.gw);
    payterm_close(&site.pt);
}

static void start(void)
{
    const char *bin = getenv("PAYSIM");
    assert_non_null(bin);
    assert_true(tmpdir_make(site.dir, sizeof site.dir));
    if (!ps_start(&site.sim, bin, site.dir, NULL))
        fail_msg("paysim did not start");
    assert_true(file_write(site.dir, "meters", METER " 100000000001 0 0\n"));
    kiosk_config_t *c = &site.cfg;
    config_defaults(c);
    snprintf(c->ledger_path, sizeof c->ledger_path, "%s/ledger.db", site.dir);
    snprintf(c->gateway_protocol, sizeof c->gateway_protocol, "fake");
    snprintf(c->gateway_fake_dir, sizeof c->gateway_fake_dir, "%s", site.dir);
    snprintf(c->payterm_protocol, sizeof c->payterm_protocol, "zvt");
    snprintf(c->payterm_address, sizeof c->payterm_address, "127.0.0.1:%d", site.sim.zvt);
    c->payterm_timeout_ms = 2000;
    c->payterm_ack_timeout_ms = 1000;
    open_kiosk();
}

static int stop(void **state)
{
    (void)state;
    if (site.ledger)
        close_kiosk();
    ps_stop(&site.sim);
    tmpdir_remove(site.dir);
    site.crash_at = NULL;
    site.fault_at = NULL;
    screen.cancel = false;
    return 0;
}

static void texts(void *ctx, payment_prompt_t prompt, const char *text)
{
    (void)ctx;
    screen.shown++;
    screen.asked_for_card |= prompt == PPROMPT_INSERT_CARD && strstr(text, "card") != NULL;
}

static bool cancel_pressed(void *ctx)
{
    (void)ctx;
    return screen.cancel && screen.asked_for_card;
}

/* A card sale of amount: opened, paid by card, delivered if paid. */
static ledger_txn_t card_sale(int64_t amount, engine_card_result_t *r)
{
    sale_req_t req = {.meter = METER, .customer = "", .method = METHOD_CARD, .channel = CHANNEL_REMOTE, .amount = amount};
    char id[UUID_STR_LEN];
    kmsg_t msg = {""};
    ledger_txn_t t = {0};
    pt_watch_t watch = {.prompt = texts, .cancelled = cancel_pressed};
    screen.shown = 0;
    screen.asked_for_card = false;
    if (engine_open_sale(&site.eng, &req, id, &msg) || engine_begin_payment(&site.eng, id, &msg) ||
        engine_card_pay(&site.eng, id, &watch, r, &msg))
        fail_msg("card sale: %s", msg.text);
    if (r->paid && (engine_finish_payment(&site.eng, id, &msg) || engine_deliver(&site.eng, id, &t, &msg)))
        fail_msg("delivery: %s", msg.text);
    if (!r->paid && !r->parked && engine_cancel(&site.eng, id, "card not paid", &msg))
        fail_msg("cancel: %s", msg.text);
    assert_int_equal(ledger_get(site.ledger, id, &t, NULL), K_OK);
    return t;
}

typedef struct journal {
    int auths, approved, reversed, reversals;
    int64_t last_amount; /* the last authorisation's amount */
} journal_t;

/* The terminal's own record. */
static journal_t journal(void)
{
    static char text[1 << 16];
    if (!sc_control(&site.sim.sc, "state", text, sizeof text))
        fail_msg("paysim state: %s", text);
    cJSON *o = cJSON_Parse(text + 3), *e;
    assert_non_null(o);
    journal_t j = {0};
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "journal"))
    {
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(e, "kind"));
        const char *result = cJSON_GetStringValue(cJSON_GetObjectItem(e, "result"));
        bool code = result && strcmp(result, "00") == 0; /* approved */
        if (kind && strcmp(kind, "authorisation") == 0) {
            j.auths++;
            j.last_amount = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "amount"));
            j.approved += code;
            j.reversed += cJSON_IsTrue(cJSON_GetObjectItem(e, "reversed"));
        } else if (kind && strcmp(kind, "reversal") == 0 && code) {
            j.reversals++;
        }
    }
    cJSON_Delete(o);
    return j;
}

/* How many ECR connections the terminal took since it started. */
static int64_t connections(void)
{
    static char text[1 << 16];
    if (!sc_control(&site.sim.sc, "state", text, sizeof text))
        fail_msg("paysim state: %s", text);
    cJSON *o = cJSON_Parse(text + 3);
    assert_non_null(o);
    int64_t n = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(o, "ecr_connections"));
    cJSON_Delete(o);
    return n;
}

/* Every approval is booked exactly once; every reversal is a refund; the
 * ledger verifies. */
static void agree(void)
{
    int64_t n = -1;
    assert_int_equal(ledger_verify(site.ledger, NULL, NULL, &n, NULL), K_OK);
    assert_int_equal(n, 0);
    journal_t j = journal();
    ledger_cash_report_t r;
    assert_int_equal(ledger_cash_status(site.ledger, &r, NULL), K_OK);
    int64_t cards = 0, reversals = 0;
    for (size_t i = 0; i < r.n_taken; i++)
        if (strcmp(r.taken[i].method, "card") == 0)
            cards += r.taken[i].count;
    for (size_t i = 0; i < r.n_refunded; i++)
        if (strcmp(r.refunded[i].method, "card_reversal") == 0)
            reversals += r.refunded[i].count;
    if (cards != j.approved || reversals != j.reversed)
        fail_msg("the terminal approved %d and reversed %d; the ledger booked %lld and refunded %lld", j.approved,
                 j.reversed, (long long)cards, (long long)reversals);
}

static void approved_and_delivered(void **state)
{
    (void)state;
    start();
    engine_card_result_t r;
    ledger_txn_t t = card_sale(5000, &r);
    assert_true(r.paid);
    assert_true(r.terminal.receipt > 0);
    assert_true(r.terminal.n_lines > 0);
    assert_true(screen.asked_for_card); /* the terminal's texts reached the screen */
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.delivered, 5000);
    assert_int_equal(journal().auths, 1);
    agree();
}

/* The terminal is asked for what the ledger committed when the sale was
 * opened, nothing else; a sale that took its money is not charged again. */
static void the_amount_is_the_committed_one(void **state)
{
    (void)state;
    start();
    engine_card_result_t r;
    ledger_txn_t t = card_sale(4321, &r);
    assert_true(r.paid);
    assert_int_equal(journal().last_amount, 4321);
    kmsg_t msg;
    assert_int_equal(engine_card_pay(&site.eng, t.id, NULL, &r, &msg), K_ESTATE);
    assert_int_equal(journal().auths, 1);
    agree();
}

static void declined(void **state)
{
    (void)state;
    start();
    control("decline 5");
    engine_card_result_t r;
    ledger_txn_t t = card_sale(5000, &r);
    assert_false(r.paid);
    assert_int_equal(r.terminal.code, 5);
    assert_int_equal(t.state, TXN_CANCELLED);
    agree();
}

static void resident_cancels_at_the_card_prompt(void **state)
{
    (void)state;
    start();
    control("card-wait 3000");
    screen.cancel = true;
    engine_card_result_t r;
    ledger_txn_t t = card_sale(4000, &r);
    assert_false(r.paid);
    assert_int_equal(r.terminal.code, 0x6C); /* aborted */
    assert_int_equal(t.state, TXN_CANCELLED);
    journal_t j = journal();
    assert_int_equal(j.auths, 1);
    assert_int_equal(j.approved, 0);
    agree();
}

static void result_lost_after_approval(void **state)
{
    (void)state;
    start();
    control("timeout-after");
    engine_card_result_t r;
    ledger_txn_t t = card_sale(3000, &r);
    assert_true(r.paid); /* learnt by asking the terminal for its last transaction */
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(journal().auths, 1); /* never authorised twice */
    agree();
}

static void link_dropped_after_approval(void **state)
{
    (void)state;
    start();
    control("drop-after");
    engine_card_result_t r;
    ledger_txn_t t = card_sale(3000, &r);
    assert_true(r.paid);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(journal().auths, 1);
    agree();
}

static void never_received(void **state)
{
    (void)state;
    start();
    control("timeout-before");
    engine_card_result_t r;
    ledger_txn_t t = card_sale(3000, &r);
    assert_false(r.paid);
    assert_int_equal(t.state, TXN_CANCELLED);
    assert_int_equal(journal().auths, 0);
    agree();
}

static void slow_terminal(void **state)
{
    (void)state;
    start();
    control("slow 150");
    engine_card_result_t r;
    ledger_txn_t t = card_sale(1200, &r);
    assert_int_equal(t.state, TXN_DELIVERED);
    agree();
}

static void last_txn(void *ctx, const ledger_txn_t *x)
{
    *(ledger_txn_t *)ctx = *x;
}

static void crash_after_approval(void **state)
{
    (void)state;
    start();
    site.crash_at = "card.answer"; /* approved, and the kiosk dies before booking it */
    engine_card_result_t r;
    if (setjmp(site.env) == 0) {
        card_sale(4000, &r);
        fail_msg("the hook should have fired");
    }
    close_kiosk();
    open_kiosk(); /* recovery asks the terminal, books the payment, delivers */
    ledger_txn_t t;
    ledger_filter_t f = {.limit = 1, .newest_first = true};
    assert_int_equal(ledger_list(site.ledger, &f, last_txn, &t, NULL), K_OK);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.delivered, 4000);
    assert_int_equal(journal().auths, 1);
    agree();
}

static void meter_refuses_so_the_card_is_reversed(void **state)
{
    (void)state;
    start();
    assert_true(file_write(site.dir, "faults", "refuse 1\n"));
    engine_card_result_t r;
    ledger_txn_t t = card_sale(2500, &r);
    assert_true(r.paid);
    assert_int_equal(t.state, TXN_REFUNDED);
    assert_int_equal(t.refunded, 2500);
    journal_t j = journal();
    assert_int_equal(j.approved, 1);
    assert_int_equal(j.reversed, 1);
    agree();
}

static void reversal_unanswered_then_retried(void **state)
{
    (void)state;
    start();
    assert_true(file_write(site.dir, "faults", "refuse 1\n"));
    site.fault_at = "card.booked"; /* the reversal will get no acknowledgement */
    site.fault = "timeout-before";
    engine_card_result_t r;
    ledger_txn_t t = card_sale(2500, &r);
    assert_true(r.paid);
    assert_int_equal(t.state, TXN_REFUNDING); /* not confirmed: not booked */
    assert_int_equal(journal().reversed, 0);
    int done = 0;
    kmsg_t msg = {""};
    assert_int_equal(engine_retry_due(&site.eng, &done, &msg), K_OK); /* the worker asks again */
    assert_int_equal(ledger_get(site.ledger, t.id, &t, NULL), K_OK);
    assert_int_equal(t.state, TXN_REFUNDED);
    assert_int_equal(journal().reversed, 1);
    agree();
}

static void reversal_refused_after_end_of_day(void **state)
{
    (void)state;
    start();
    pt_result_t eod;
    kmsg_t msg = {""};
    engine_card_result_t r;
    assert_true(file_write(site.dir, "faults", "offline 9\n")); /* the meter is away: delivery waits */
    ledger_txn_t t = card_sale(2500, &r);
    assert_int_equal(t.state, TXN_DELIVERY_PENDING); /* not reversed: it will be delivered */
    assert_int_equal(site.pt.ops->end_of_day(site.pt.ctx, &eod, &msg), PT_OK);
    /* a person decides the credit will not go: refund it now */
    ledger_change_t c = {.event = EV_REFUND_BEGIN, .detail = "meter removed"};
    assert_int_equal(ledger_apply(site.ledger, t.id, TXN_DELIVERY_PENDING, &c, NULL, &msg), K_OK);
    assert_int_equal(engine_card_reverse(&site.eng, t.id, &msg), K_OK);
    assert_int_equal(ledger_get(site.ledger, t.id, &t, NULL), K_OK);
    assert_int_equal(t.state, TXN_NEEDS_RECONCILIATION); /* after end of day: refund by hand */
    assert_non_null(strstr(t.reason, "reversal_refused"));
    agree();
}

/* An acknowledgement and a completion of an earlier dialogue wait unread on
 * the link when the kiosk sends its authorisation: they are thrown away, not
 * taken for its answer, and the authorisation's own answer (declined) counts. */
static void stray_completion_before_the_authorisation(void **state)
{
    (void)state;
    start();
    engine_card_result_t r;
    assert_true(card_sale(1000, &r).state == TXN_DELIVERED); /* connected and registered */
    control("stray-completion");
    control("decline 05");
    ledger_txn_t t = card_sale(2000, &r);
    assert_false(r.paid);
    assert_int_equal(r.terminal.code, 0x05); /* the terminal's answer to this authorisation */
    assert_int_equal(t.state, TXN_CANCELLED);
    assert_int_equal(connections(), 1); /* discarded on the same link: no result was lost */
    journal_t j = journal();
    assert_int_equal(j.auths, 2);
    assert_int_equal(j.approved, 1);
    agree();
}

/* A stray acknowledgement and completion reach the kiosk after its
 * authorisation left, before the terminal's own acknowledgement: a
 * completion without the authorisation's status information is not its
 * answer, so the result is unknown and the kiosk asks the terminal. */
static void stray_completion_after_the_authorisation_went_out(void **state)
{
    (void)state;
    start();
    engine_card_result_t r;
    assert_true(card_sale(1000, &r).state == TXN_DELIVERED);
    control("stray-completion next");
    control("decline 05");
    ledger_txn_t t = card_sale(2000, &r);
    assert_false(r.paid);
    assert_int_equal(t.state, TXN_CANCELLED); /* its own outcome, asked with 06 20 */
    journal_t j = journal();
    assert_int_equal(j.auths, 2);
    assert_int_equal(j.approved, 1);
    agree();
}

/* A terminal that names no reference in its status information: the
 * kiosk cannot tell its approval from another transaction's, asks with
 * 06 20, and the last transaction, approved, names none either. It may be
 * this sale's money: the sale is parked for a person (payment_unknown),
 * never closed as not paid, and nothing is authorised again. */
static void a_terminal_that_names_no_reference_parks_its_approval(void **state)
{
    (void)state;
    start();
    engine_card_result_t r;
    assert_true(card_sale(1000, &r).state == TXN_DELIVERED); /* connected and registered */
    control("no-reference");
    ledger_txn_t t = card_sale(2000, &r);
    assert_false(r.paid);
    assert_true(r.parked);
    assert_int_equal(t.state, TXN_NEEDS_RECONCILIATION);
    assert_non_null(strstr(t.reason, "payment_unknown"));
    assert_non_null(strstr(t.reason, "names no reference"));
    journal_t j = journal();
    assert_int_equal(j.auths, 2); /* never authorised again */
    assert_int_equal(j.approved, 2); /* the terminal took the money: a person settles it */
    int64_t n = -1;
    assert_int_equal(ledger_verify(site.ledger, NULL, NULL, &n, NULL), K_OK);
    assert_int_equal(n, 0);
}

/* The terminal closed the kiosk's idle link (another ECR connected in
 * between): before its next command the kiosk finds the link closed and
 * connects again, so the sale goes through instead of failing unsent. */
static void link_closed_while_idle_is_made_again(void **state)
{
    (void)state;
    start();
    engine_card_result_t r;
    assert_true(card_sale(1000, &r).state == TXN_DELIVERED);
    ps_ecr_t other;
    assert_true(ps_connect(&site.sim, &other)); /* paysim closes the kiosk's link for it */
    while (connections() < 2)
        usleep(10000);
    ps_close(&other);
    ledger_txn_t t = card_sale(2000, &r);
    assert_true(r.paid);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(connections(), 3);
    agree();
}

/* BMP 87 holds four digits: a reversal of receipt 10017 is refused before
 * anything goes out, never sent without its receipt number (which a
 * terminal could take for its last transaction). */
static void reversal_of_an_unencodable_receipt_is_not_sent(void **state)
{
    (void)state;
    start();
    pt_result_t r;
    kmsg_t msg = {""};
    /* a definite no (the engine then parks the sale for a refund by hand, never retries it for ever) */
    assert_int_equal(site.pt.ops->reverse(site.pt.ctx, 10017, &r, &msg), PT_OK);
    assert_int_equal(r.outcome, PT_NOT_POSSIBLE);
    assert_non_null(strstr(r.reason, "10017"));
    assert_int_equal(connections(), 0); /* the terminal heard nothing */
    engine_card_result_t paid;
    assert_true(card_sale(2500, &paid).state == TXN_DELIVERED);
    assert_int_equal(site.pt.ops->reverse(site.pt.ctx, paid.terminal.receipt + 10000, &r, &msg), PT_OK);
    assert_int_equal(r.outcome, PT_NOT_POSSIBLE);
    journal_t j = journal();
    assert_int_equal(j.reversed, 0);
    assert_int_equal(j.reversals, 0);
    agree();
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(approved_and_delivered, stop),
    cmocka_unit_test_teardown(the_amount_is_the_committed_one, stop),
    cmocka_unit_test_teardown(declined, stop),
    cmocka_unit_test_teardown(resident_cancels_at_the_card_prompt, stop),
    cmocka_unit_test_teardown(result_lost_after_approval, stop),
    cmocka_unit_test_teardown(link_dropped_after_approval, stop),
    cmocka_unit_test_teardown(never_received, stop),
    cmocka_unit_test_teardown(slow_terminal, stop),
    cmocka_unit_test_teardown(crash_after_approval, stop),
    cmocka_unit_test_teardown(meter_refuses_so_the_card_is_reversed, stop),
    cmocka_unit_test_teardown(reversal_unanswered_then_retried, stop),
    cmocka_unit_test_teardown(reversal_refused_after_end_of_day, stop),
    cmocka_unit_test_teardown(stray_completion_before_the_authorisation, stop),
    cmocka_unit_test_teardown(stray_completion_after_the_authorisation_went_out, stop),
    cmocka_unit_test_teardown(reversal_of_an_unencodable_receipt_is_not_sent, stop),
    cmocka_unit_test_teardown(link_closed_while_idle_is_made_again, stop),
    cmocka_unit_test_teardown(a_terminal_that_names_no_reference_parks_its_approval, stop),
};

KTEST_MAIN(tests)
