/* The kiosk side of the payment crash test: cash and card sales against
 * cashsim and paysim (fake meters), SIGKILLing itself at step boundary K.
 *
 *   crash_pay_child CONFIG K      K = 0 runs to the end
 *
 * CASHSIM_CONTROL and PAYSIM_CONTROL name the simulators' control ports:
 * the child puts notes in and arms the terminal's faults there, as a
 * resident and a bad network would. Each step it passes goes to steps.log
 * in the folder of CONFIG. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash_util.h"
#include "engine/engine.h"
#include "kiosk/site/site_devices.h"

static crash_steps_t steps;
static char dir[CFG_PATH_LEN];

static void control(const char *sim, const char *cmd)
{
    const char *port = getenv(sim);
    if (!port || !crash_control(atoi(port), cmd)) {
        fprintf(stderr, "crash_pay_child: %s refused '%s'", sim, cmd);
        exit(6);
    }
}

static void open_sale(engine_t *e, const char *meter, sale_method_t method, int64_t amount, char id[UUID_STR_LEN])
{
    kmsg_t msg = {""};
    sale_req_t req = {.meter = meter, .customer = "", .method = method, .channel = CHANNEL_REMOTE, .amount = amount};
    crash_must(engine_open_sale(e, &req, id, &msg), &msg, "open");
    crash_must(engine_begin_payment(e, id, &msg), &msg, "begin payment");
}

static void finish(engine_t *e, const char *id)
{
    kmsg_t msg = {""};
    ledger_txn_t t;
    crash_must(engine_finish_payment(e, id, &msg), &msg, "finish payment");
    crash_must(ledger_get(e->ledger, id, &t, &msg), &msg, "read back");
    if (t.state == TXN_PAID)
        crash_must(engine_deliver(e, id, &t, &msg), &msg, "deliver");
}

/* A resident puts each note in; the acceptor is polled (as the screen
 * does) until the kiosk has taken or returned it. */
static void cash_sale(engine_t *e, const char *meter, int64_t amount, const char *const *notes)
{
    char id[UUID_STR_LEN], cmd[32];
    kmsg_t msg = {""};
    open_sale(e, meter, METHOD_CASH, amount, id);
    crash_must(engine_cash_start(e, id, &msg), &msg, "start taking cash");
    for (; *notes; notes++) {
        snprintf(cmd, sizeof cmd, "insert %s\n", *notes);
        control("CASHSIM_CONTROL", cmd);
        engine_cash_news_t news = {0};
        for (int i = 0; i < 100 && !news.text[0]; i++) {
            crash_must(engine_cash_step(e, &news, &msg), &msg, "cash step");
            usleep(20000);
        }
        if (!news.text[0]) {
            fprintf(stderr, "crash_pay_child: note %s was neither taken nor returned\n", *notes);
            exit(7);
        }
    }
    crash_must(engine_cash_stop(e, &msg), &msg, "stop taking cash");
    finish(e, id);
}

static void card_sale(engine_t *e, const char *meter, int64_t amount)
{
    char id[UUID_STR_LEN];
    kmsg_t msg = {""};
    open_sale(e, meter, METHOD_CARD, amount, id);
    engine_card_result_t r;
    crash_must(engine_card_pay(e, id, NULL, &r, &msg), &msg, "card payment");
    if (r.parked)
        return;
    if (r.paid)
        finish(e, id);
    else
        crash_must(engine_cancel(e, id, "card not paid", &msg), &msg, "cancel");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: crash_pay_child CONFIG K\n");
        return 2;
    }
    steps.kill_at = atoi(argv[2]);
    kiosk_config_t cfg;
    kmsg_t msg = {""};
    crash_config(argv[1], &cfg, dir, sizeof dir);
    steps.dir = dir;

    ledger_t *l;
    gw_t gw;
    cash_t cash;
    payterm_t pt;
    crash_must(ledger_open(cfg.ledger_path, LEDGER_CREATE, NULL, &l, &msg), &msg, "ledger");
    crash_must(site_gateway_open(&cfg, NULL, &gw, &msg), &msg, "gateway");
    crash_must(site_cash_open(&cfg, &cash, &msg), &msg, "bill acceptor");
    crash_must(site_terminal_open(&cfg, &pt, &msg), &msg, "card terminal");
    engine_t e = {.ledger = l, .gw = &gw, .cash = &cash, .pay = {[METHOD_CARD] = &pt}, .cfg = &cfg, .step = crash_step, .step_ctx = &steps};
    engine_recovery_t rep;
    crash_must(engine_recover(&e, &rep, &msg), &msg, "recovery");

    cash_sale(&e, "000000000001", 3000, (const char *const[]){"CN0010A", "CN0020A", NULL});
    card_sale(&e, "000000000002", 2500);
    control("PAYSIM_CONTROL", "timeout-after\n"); /* approved, but the answer never comes */
    card_sale(&e, "000000000003", 1500);
    /* limits.max_purchase is 5000: the second note goes back */
    cash_sale(&e, "000000000002", 5000, (const char *const[]){"CN0050A", "CN0010A", NULL});

    ledger_close(l);
    gw_close(&gw);
    cash_close(&cash);
    payterm_close(&pt);
    printf("steps %d\n", steps.n);
    return 0;
}
