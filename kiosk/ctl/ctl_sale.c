/* kioskctl sale|recover|retry: the engine driven from the command line. */
#include <errno.h>
#include <getopt.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/app/kjson.h"
#include "kiosk/ctl/ctl.h"

static bool parse_minor(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno == ERANGE || v <= 0)
        return false;
    *out = v;
    return true;
}

static void print_result(ctl_site_t *s, const ledger_txn_t *t)
{
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "id", t->id);
    kjson_add_str(o, "state", txn_state_name(t->state));
    kjson_add_str(o, "meter", t->meter);
    kjson_add_int(o, "amount", t->amount);
    kjson_add_int(o, "paid", t->paid);
    kjson_add_str(o, "currency", t->currency);
    if (t->purchase_count > 0)
        kjson_add_int(o, "purchase_count", t->purchase_count);
    else
        cJSON_AddNullToObject(o, "purchase_count");
    gw_reading_t rd;
    bool remote = t->channel == CHANNEL_REMOTE; /* a card's credit reaches the meter with the card */
    if (t->card[0])
        kjson_add_str(o, "card", t->card);
    if (remote && t->state == TXN_DELIVERED &&
        s->gw.ops->read(s->gw.ctx, &(gw_target_t){.meter = t->meter}, GW_READ_BALANCE, &rd, NULL) == GW_OK)
        kjson_add_int(o, "balance_after", rd.balance);
    else
        cJSON_AddNullToObject(o, "balance_after");
    kjson_add_str(o, "reason", t->reason);
    char *text = kjson_print(o, true);
    if (text)
        printf("%s\n", text);
    cJSON_free(text);
    cJSON_Delete(o);
}

/* One sale: open (to the meter, or onto the card in the reader), take the
 * money the way asked, deliver what was paid. */
static kerr_t one_sale(ctl_site_t *s, const sale_req_t *req, const engine_mcard_t *card, int timeout_s,
                       ledger_txn_t *t, kmsg_t *msg)
{
    char id[UUID_STR_LEN];
    engine_t *e = &s->engine;
    kerr_t rc = card ? engine_mcard_open_sale(e, card, req->method, req->amount, id, msg)
                     : engine_open_sale(e, req, id, msg);
    if (rc == K_OK)
        rc = engine_begin_payment(e, id, msg);
    if (rc == K_OK && req->method == METHOD_COUNTER) {
        ledger_payment_t pay = {.method = METHOD_COUNTER, .amount = req->amount, .ref = "staff took the money"};
        rc = engine_accept_payment(e, id, &pay, msg);
    } else if (rc == K_OK && req->method == METHOD_CASH) {
        rc = ctl_take_cash(s, id, req->amount, timeout_s, msg);
    } else if (rc == K_OK && req->method == METHOD_QR) {
        rc = ctl_take_qr(s, id, timeout_s, msg);
    } else if (rc == K_OK) {
        rc = ctl_take_card(s, id, msg);
    }
    if (rc == K_OK && (rc = ledger_get(e->ledger, id, t, msg)) == K_OK && t->state == TXN_PAYMENT_PENDING)
        rc = engine_finish_payment(e, id, msg);
    if (rc == K_OK && (rc = ledger_get(e->ledger, id, t, msg)) == K_OK && t->state == TXN_PAID)
        rc = engine_deliver(e, id, t, msg);
    return rc;
}

int ctl_sale(ctl_t *c)
{
    static const struct option opts[] = {
        {"meter", required_argument, NULL, 'm'},
        {"amount", required_argument, NULL, 'a'},
        {"pay", required_argument, NULL, 'p'},
        {"customer", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 't'},
        {"card", no_argument, NULL, 'C'},
        {0, 0, 0, 0},
    };
    bool on_card = false;
    sale_req_t req = {.customer = "", .channel = CHANNEL_REMOTE};
    const char *pay = NULL;
    int ch, timeout_s = 120;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == 'm')
            req.meter = optarg;
        else if (ch == 'c')
            req.customer = optarg;
        else if (ch == 'C')
            on_card = true;
        else if (ch == 'p')
            pay = optarg;
        else if (ch == 'a' && !parse_minor(optarg, &req.amount))
            return ctl_fail(CTL_EXIT_USAGE, "--amount %s: give minor units as a whole number (5000 = 50.00)", optarg);
        else if (ch == 't' && ((timeout_s = atoi(optarg)) < 1 || timeout_s > 3600))
            return ctl_fail(CTL_EXIT_USAGE, "--timeout %s: give seconds between 1 and 3600", optarg);
        else if (ch == '?')
            return CTL_EXIT_USAGE;
    }
    if (on_card && req.meter)
        return ctl_fail(CTL_EXIT_USAGE, "--card sells to the card's own meter: leave out --meter");
    if (on_card)
        req.meter = "000000000000"; /* checked below against the limits; the card names the meter */
    if (!req.meter || !req.amount || !pay)
        return ctl_fail(CTL_EXIT_USAGE, "sale needs --meter (or --card), --amount and --pay");
    if (!sale_method_from_name(pay, &req.method))
        return ctl_fail(CTL_EXIT_USAGE, "--pay %s: choose counter, cash, card or qr", pay);
    if (optind != c->argc)
        return ctl_fail(CTL_EXIT_USAGE, "unexpected argument '%s'", c->argv[optind]);
    kmsg_t why;
    if (engine_check_sale(&c->cfg, &req, &why) != K_OK)
        return ctl_fail(CTL_EXIT_USAGE, "%s", why.text);
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    const registry_entry_t *entry = registry_find(&s.registry, req.meter);
    if (entry && !req.customer[0])
        req.customer = entry->customer;
    if (!on_card && !entry && s.registry.loaded && strcmp(c->cfg.gateway_protocol, "fake") != 0) {
        ctl_site_close(&s);
        return ctl_fail(CTL_EXIT_USAGE, "meter %s is not in the meter registry (%s)", req.meter, c->cfg.registry_path);
    }
    bool cash = req.method == METHOD_CASH, qr = req.method == METHOD_QR;
    if ((cash && !s.engine.cash) || (!cash && req.method != METHOD_COUNTER && !engine_provider(&s.engine, req.method))) {
        ctl_site_close(&s);
        return ctl_fail(CTL_EXIT_FAIL, "no sale opened: the %s is not available (%s)",
                        cash ? "bill acceptor" : qr ? "QR payment" : "card terminal",
                        cash ? "cash.protocol" : qr ? "sync.qr and sync.url" : "payterm.protocol");
    }
    engine_mcard_t mcard;
    if ((status = ctl_recovery(&s, false)) == CTL_EXIT_OK && on_card)
        status = ctl_card_inserted(&s, &mcard); /* also finishes what this card still waits for */
    if (status == CTL_EXIT_OK) {
        ledger_txn_t t;
        kmsg_t msg;
        kerr_t rc = one_sale(&s, &req, on_card ? &mcard : NULL, timeout_s, &t, &msg);
        if (rc == K_EINVAL)
            status = ctl_fail(CTL_EXIT_USAGE, "%s", msg.text);
        else if (rc != K_OK)
            status = ctl_fail(CTL_EXIT_FAIL, "sale failed: %s", msg.text);
        else {
            print_result(&s, &t);
            status = t.state == TXN_DELIVERED ? CTL_EXIT_OK : CTL_EXIT_FAIL;
        }
    }
    ctl_site_close(&s);
    return status;
}

int ctl_recover(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl recover");
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status == CTL_EXIT_OK) {
        status = ctl_recovery(&s, true);
        ctl_site_close(&s);
    }
    return status;
}

int ctl_retry(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl retry");
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    int done = 0;
    kmsg_t msg;
    if (engine_retry_due(&s.engine, &done, &msg) != K_OK)
        status = ctl_fail(CTL_EXIT_FAIL, "retry failed: %s", msg.text);
    else
        printf("retry: %d delivered\n", done);
    ctl_site_close(&s);
    return status;
}

