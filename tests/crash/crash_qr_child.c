/* The kiosk side of the QR crash test: QR sales through the reference back
 * office (its simulated provider), against the fake meters, SIGKILLing
 * itself at step boundary K.
 *
 *   crash_qr_child CONFIG K      K = 0 runs to the end
 *
 * CRASH_BO_PORT names the back office's port (plain HTTP on loopback):
 * there the child plays the resident's phone (it pays the order whose code
 * the screen shows) and arms the back office's test faults. Besides the
 * engine's steps it has two of its own: qr.code (the order exists and its
 * code is on the screen) and qr.paid (the phone has paid it). Each step
 * goes to steps.log and each finished sale to child.log, in the folder of
 * CONFIG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/bo_harness.h"
#include "crash_util.h"
#include "kiosk/site/site.h"

static crash_steps_t steps;
static char dir[CFG_PATH_LEN];
static boh_t bo;          /* the back office, for the phone and the faults */
static const char *fault; /* armed at the next card.intent, once that step is passed */

static void post(const char *path, const char *body)
{
    boh_resp_t r = boh_call(&bo, NULL, "POST", path, body, NULL);
    if (r.status != 200) {
        fprintf(stderr, "crash_qr_child: POST %s: %ld %s\n", path, r.status, r.body);
        exit(6);
    }
    boh_free(&r);
}

/* The engine's step hook: crash_step, then the fault the next request
 * about an order meets (so a kill before it leaves none armed). */
static void step(void *ctx, const char *name)
{
    crash_step(ctx, name);
    if (fault && strcmp(name, "card.intent") == 0) {
        post("/v1/test/fault", fault);
        fault = NULL;
    }
}

/* What the resident does once the code is on the screen. */
typedef struct resident {
    bool pays;    /* the phone pays the order */
    bool cancels; /* presses cancel instead */
} resident_t;

static bool cancelled(void *ctx)
{
    return ((resident_t *)ctx)->cancels;
}

static void code_shown(void *ctx, const char *url, int64_t expires_at_ms)
{
    (void)expires_at_ms;
    resident_t *who = ctx;
    crash_step(&steps, "qr.code");
    const char *id = strstr(url, "/pay/");
    if (!who->pays || !id)
        return;
    char path[160];
    snprintf(path, sizeof path, "/v1/sim/qr-orders/%s/pay", id + 5);
    post(path, NULL);
    crash_step(&steps, "qr.paid");
}

/* One QR sale: the order made, the resident acts, delivered if paid. */
static void qr_sale(engine_t *e, const char *meter, int64_t amount, resident_t who)
{
    char id[UUID_STR_LEN], line[128];
    kmsg_t msg = {""};
    sale_req_t req = {.meter = meter, .customer = "", .method = METHOD_QR, .channel = CHANNEL_REMOTE, .amount = amount};
    crash_must(engine_open_sale(e, &req, id, &msg), &msg, "open");
    crash_must(engine_begin_payment(e, id, &msg), &msg, "begin payment");
    pt_watch_t watch = {.cancelled = cancelled, .code = code_shown, .ctx = &who};
    engine_card_result_t r;
    crash_must(engine_card_pay(e, id, &watch, &r, &msg), &msg, "QR payment");
    ledger_txn_t t;
    if (r.paid) {
        crash_must(engine_finish_payment(e, id, &msg), &msg, "finish payment");
        crash_must(engine_deliver(e, id, &t, &msg), &msg, "deliver");
    } else if (!r.parked) {
        crash_must(engine_cancel(e, id, "QR order not paid", &msg), &msg, "cancel");
    }
    crash_must(ledger_get(e->ledger, id, &t, &msg), &msg, "read back");
    snprintf(line, sizeof line, "done %s %s\n", id, txn_state_name(t.state));
    crash_append(dir, "child.log", line);
}

int main(int argc, char **argv)
{
    const char *port = getenv("CRASH_BO_PORT");
    if (argc != 3 || !port) {
        fprintf(stderr, "usage: CRASH_BO_PORT=PORT crash_qr_child CONFIG K\n");
        return 2;
    }
    bo.port = atoi(port);
    steps.kill_at = atoi(argv[2]);
    kiosk_config_t cfg;
    site_t s;
    kmsg_t msg = {""};
    crash_config(argv[1], &cfg, dir, sizeof dir);
    steps.dir = dir;

    crash_must(site_open(&cfg, &s, NULL, NULL, &msg), &msg, "site");
    if (!(s.opened & SITE_QR)) {
        fprintf(stderr, "crash_qr_child: no QR payments (sync.qr, sync.url)\n");
        return 4;
    }
    s.engine.step = step;
    s.engine.step_ctx = &steps;
    engine_recovery_t rep;
    crash_must(engine_recover(&s.engine, &rep, &msg), &msg, "recovery");

    qr_sale(&s.engine, "000000000001", 5000, (resident_t){.pays = true});
    qr_sale(&s.engine, "000000000002", 3000, (resident_t){.cancels = true});
    /* the order is made but the answer is a 500: the kiosk asks again by
     * the same sale, finds the order unpaid, and ends it */
    fault = "{\"path\": \"/v1/kiosks/K1/qr-orders\", \"times\": 1, \"after\": true, \"status\": 500}";
    qr_sale(&s.engine, "000000000003", 2000, (resident_t){0});

    site_close(&s);
    printf("steps %d\n", steps.n);
    return 0;
}
