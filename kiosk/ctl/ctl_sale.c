/* kioskctl sale|recover|retry: the engine driven from the command line. A
 * sale is the engine's three steps (engine_sale.c); this file gathers the
 * arguments, stands in for the resident (Ctrl-C, --timeout) and prints. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/clock.h"
#include "base/kjson.h"
#include "base/timefmt.h"
#include "kiosk/ctl/ctl.h"

/* Minor units, 0 or more (0: a zero first purchase onto a card). */
static bool parse_minor(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno == ERANGE || v < 0)
        return false;
    *out = v;
    return true;
}

/* The meter's kind and unit, and what the money kept buys under the tariff
 * in force at the sale (the receipt's energy line): null when no tariff
 * is known. */
static void add_energy(engine_t *e, const ledger_txn_t *t, cJSON *o)
{
    engine_meter_profile_t p;
    kmsg_t msg;
    int64_t milli;
    if (engine_meter_profile(e, t->meter, t->created_at, &p, &msg) != K_OK)
        p = (engine_meter_profile_t){0};
    kjson_add_str(o, "kind", meter_kind_name(p.kind));
    kjson_add_str(o, "unit", meter_unit(p.kind, UNIT_PLAIN));
    if (p.has_tariff && meter_tariff_estimate(&p.tariff, t->paid - t->refunded, &milli)) {
        char number[32];
        meter_quantity_number(milli, number);
        kjson_add_str(o, "energy", number);
        kjson_add_str(o, "tariff", p.tariff.id[0] ? p.tariff.id : "configuration");
    } else {
        cJSON_AddNullToObject(o, "energy");
        cJSON_AddNullToObject(o, "tariff");
    }
}

/* The sale's id, state, where its money goes (under `to`: meter, account),
 * amount, paid and currency. */
static cJSON *sale_json(const ledger_txn_t *t, const char *to)
{
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "id", t->id);
    kjson_add_str(o, "state", txn_state_name(t->state));
    kjson_add_str(o, to, t->meter);
    kjson_add_int(o, "amount", t->amount);
    kjson_add_int(o, "paid", t->paid);
    kjson_add_str(o, "currency", t->currency);
    return o;
}

/* Prints the object, indented, and frees it. */
static void emit(cJSON *o)
{
    char *text = kjson_print(o, true);
    if (text)
        printf("%s\n", text);
    cJSON_free(text);
    cJSON_Delete(o);
}

static void print_result(engine_t *e, const engine_delivered_t *d)
{
    const ledger_txn_t *t = &d->sale;
    cJSON *o = sale_json(t, "meter");
    if (t->purchase_count > 0)
        kjson_add_int(o, "purchase_count", t->purchase_count);
    else
        cJSON_AddNullToObject(o, "purchase_count");
    if (t->card[0])
        kjson_add_str(o, "card", t->card);
    if (d->has_balance)
        kjson_add_int(o, "balance_after", d->balance);
    else
        cJSON_AddNullToObject(o, "balance_after");
    add_energy(e, t, o);
    kjson_add_str(o, "reason", t->reason);
    emit(o);
}

/* Ctrl-C while money is taken is the resident's cancel button: cash stops
 * being taken (what went in is delivered), a card payment is aborted if the
 * terminal still can, a QR order is given up; so is the --timeout for cash
 * and QR. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* The resident at the command line. */
typedef struct resident {
    sale_method_t method;
    int64_t deadline; /* monotonic ms: --timeout (cash, QR) */
} resident_t;

static bool cancelled(void *ctx)
{
    const resident_t *r = ctx;
    return interrupted || (r->method != METHOD_CARD && kclock_mono(NULL) >= r->deadline);
}

static void show_text(void *ctx, payment_prompt_t prompt, const char *text)
{
    (void)prompt;
    const resident_t *r = ctx;
    fprintf(stderr, "kioskctl: %s: %s\n", r->method == METHOD_QR ? "QR" : "card terminal", text);
}

static void show_note(void *ctx, const engine_cash_news_t *news)
{
    (void)ctx;
    if (news->text[0])
        fprintf(stderr, "kioskctl: %s\n", news->text);
}

static void show_code(void *ctx, const char *url, int64_t expires_at)
{
    (void)ctx;
    char until[32] = "";
    ktime_format_iso(expires_at, until, sizeof until);
    fprintf(stderr, "kioskctl: scan to pay: %s (until %s)\n", url, until);
}

/* Takes the sale's money, the resident's cancel button being Ctrl-C. */
static kerr_t pay(engine_t *e, const char *id, sale_method_t method, int timeout_s, engine_paid_t *out, kmsg_t *msg)
{
    resident_t r = {method, kclock_mono(NULL) + (int64_t)timeout_s * 1000};
    engine_watch_t watch = {.prompt = show_text, .note = show_note, .code = show_code, .cancelled = cancelled, .ctx = &r};
    if (method == METHOD_CASH)
        fprintf(stderr, "kioskctl: insert notes (up to %d s; Ctrl-C to finish)\n", timeout_s);
    struct sigaction sa = {.sa_handler = on_interrupt}, old;
    interrupted = 0;
    sigaction(SIGINT, &sa, &old);
    kerr_t rc = engine_sale_pay(e, id, &watch, out, msg);
    sigaction(SIGINT, &old, NULL);
    for (size_t i = 0; rc == K_OK && i < out->provider.n_lines; i++)
        fprintf(stderr, "  | %s\n", out->provider.lines[i]);
    return rc;
}

typedef void (*result_fn)(engine_t *e, const engine_delivered_t *d);

/* After the opening (rc): the money taken the way asked and the sale
 * delivered (a bill payment settled), then printed. Returns an exit
 * status (0 when delivered), a failure said as "WHAT failed: ...". */
static int pay_and_deliver(ctl_site_t *s, kerr_t rc, const char *id, sale_method_t method, int timeout_s,
                           const char *what, result_fn print, kmsg_t *msg)
{
    engine_paid_t paid;
    engine_delivered_t done;
    if (rc == K_ENOTFOUND) /* the device is not there: nothing opened */
        return ctl_fail(CTL_EXIT_FAIL, "%s", msg->text);
    if (rc == K_OK && (rc = pay(&s->engine, id, method, timeout_s, &paid, msg)) == K_OK)
        rc = engine_sale_deliver(&s->engine, id, &done, msg);
    if (rc == K_EINVAL)
        return ctl_fail(CTL_EXIT_USAGE, "%s", msg->text);
    if (rc != K_OK)
        return ctl_fail(CTL_EXIT_FAIL, "%s failed: %s", what, msg->text);
    print(&s->engine, &done);
    return done.sale.state == TXN_DELIVERED ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

/* One sale: opened (to the meter, or onto the card read), paid the way
 * asked, delivered; the result printed. Returns an exit status. */
static int sell(ctl_site_t *s, const sale_req_t *req, const engine_mcard_t *card, int timeout_s)
{
    char id[UUID_STR_LEN];
    kmsg_t msg;
    kerr_t rc = engine_sale_open(&s->engine, req, card, id, &msg);
    return pay_and_deliver(s, rc, id, req->method, timeout_s, "sale", print_result, &msg);
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
    bool on_card = false, amount_given = false;
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
        else if (ch == 'a' && !(amount_given = parse_minor(optarg, &req.amount)))
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
    bool zero_first = on_card && amount_given && req.amount == 0; /* the card decides whether it may be */
    if (zero_first && pay)
        return ctl_fail(CTL_EXIT_USAGE, "--amount 0 onto a card takes no money: leave out --pay");
    if (!req.meter || !amount_given || (!pay && !zero_first))
        return ctl_fail(CTL_EXIT_USAGE, "sale needs --meter (or --card), --amount and --pay");
    if (pay && !sale_method_from_name(pay, &req.method))
        return ctl_fail(CTL_EXIT_USAGE, "--pay %s: choose counter, cash, card or qr", pay);
    if (optind != c->argc)
        return ctl_fail(CTL_EXIT_USAGE, "unexpected argument '%s'", c->argv[optind]);
    kmsg_t why;
    if (!zero_first && engine_check_sale(&c->cfg, &req, &why) != K_OK)
        return ctl_fail(CTL_EXIT_USAGE, "%s", why.text);
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    engine_mcard_t mcard;
    if ((status = ctl_recovery(&s, false)) == CTL_EXIT_OK && on_card)
        status = ctl_card_inserted(&s, &mcard); /* also finishes what this card still waits for */
    if (status == CTL_EXIT_OK)
        status = sell(&s, &req, on_card ? &mcard : NULL, timeout_s);
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


static void print_bill(engine_t *e, const engine_delivered_t *d)
{
    (void)e;
    cJSON *o = sale_json(&d->sale, "account");
    kjson_add_str(o, "reason", d->sale.reason);
    emit(o);
}

/* A bill payment: opened, paid (cash stops at the amount), settled into
 * the outbox; the result printed. */
static int pay_bill(ctl_site_t *s, const char *account, sale_method_t method, int64_t amount, int timeout_s)
{
    char id[UUID_STR_LEN];
    kmsg_t msg;
    kerr_t rc = engine_bill_open(&s->engine, account, method, amount, NULL, id, &msg);
    return pay_and_deliver(s, rc, id, method, timeout_s, "bill payment", print_bill, &msg);
}

int ctl_bill_pay(ctl_t *c)
{
    static const struct option opts[] = {
        {"account", required_argument, NULL, 'A'},
        {"amount", required_argument, NULL, 'a'},
        {"pay", required_argument, NULL, 'p'},
        {"timeout", required_argument, NULL, 't'},
        {0, 0, 0, 0},
    };
    const char *account = NULL, *pay_name = NULL;
    int64_t amount = 0;
    int ch, timeout_s = 120;
    sale_method_t method = METHOD_NONE;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == 'A')
            account = optarg;
        else if (ch == 'p')
            pay_name = optarg;
        else if (ch == 'a' && (!parse_minor(optarg, &amount) || amount == 0))
            return ctl_fail(CTL_EXIT_USAGE, "--amount %s: give minor units above zero (5000 = 50.00)", optarg);
        else if (ch == 't' && ((timeout_s = atoi(optarg)) < 1 || timeout_s > 3600))
            return ctl_fail(CTL_EXIT_USAGE, "--timeout %s: give seconds between 1 and 3600", optarg);
        else if (ch == '?')
            return CTL_EXIT_USAGE;
    }
    if (!account || !amount || !pay_name || optind != c->argc)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl bill pay --account ACCOUNT --amount MINOR --pay cash|card");
    if (!sale_method_from_name(pay_name, &method) || (method != METHOD_CASH && method != METHOD_CARD))
        return ctl_fail(CTL_EXIT_USAGE, "--pay %s: choose cash or card", pay_name);
    int status = ctl_bill_payable(c, account, amount); /* asked before any device is */
    if (status != CTL_EXIT_OK)
        return status;
    ctl_site_t s;
    status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    if ((status = ctl_recovery(&s, false)) == CTL_EXIT_OK)
        status = pay_bill(&s, account, method, amount, timeout_s);
    ctl_site_close(&s);
    return status;
}
