/* kioskctl: taking cash and card payments for a sale; cash status and
 * collection (the Z report); the card terminal's last transaction and end
 * of day. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kiosk/app/clock.h"
#include "kiosk/app/timefmt.h"
#include "kiosk/ctl/ctl.h"

/* Ctrl-C while money is being taken is the resident's cancel button: cash
 * stops being taken (what went in is delivered), a card payment is aborted
 * if the terminal still can. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void catch_interrupt(struct sigaction *old)
{
    struct sigaction sa = {.sa_handler = on_interrupt};
    interrupted = 0;
    sigaction(SIGINT, &sa, old);
}

kerr_t ctl_take_cash(ctl_site_t *s, const char *id, int64_t amount, int timeout_s, kmsg_t *msg)
{
    engine_t *e = &s->engine;
    kerr_t rc = engine_cash_start(e, id, msg);
    if (rc)
        return rc;
    fprintf(stderr, "kioskctl: insert notes (up to %d s; Ctrl-C to finish)\n", timeout_s);
    int64_t deadline = kclock_mono(NULL) + (int64_t)timeout_s * 1000;
    engine_cash_news_t news = {0};
    struct sigaction old;
    catch_interrupt(&old);
    while (rc == K_OK && news.paid < amount && !news.stop && !interrupted && kclock_mono(NULL) < deadline) {
        if ((rc = engine_cash_step(e, &news, msg)) == K_OK && news.text[0])
            fprintf(stderr, "kioskctl: %s\n", news.text);
        usleep(150000);
    }
    sigaction(SIGINT, &old, NULL);
    kmsg_t stop;
    kerr_t stopped = engine_cash_stop(e, &stop);
    if (rc == K_OK && stopped != K_OK)
        fprintf(stderr, "kioskctl: stopping the bill acceptor: %s\n", stop.text);
    return rc;
}

static void show_text(void *ctx, const char *text)
{
    (void)ctx;
    fprintf(stderr, "kioskctl: card terminal: %s\n", text);
}

static bool cancelled(void *ctx)
{
    (void)ctx;
    return interrupted;
}

/* Takes the amount through the provider of the sale's method, Ctrl-C
 * standing for the resident's cancel; a payment that did not happen closes
 * the sale as not paid ("<what> not paid: why"). *r is the provider's result. */
static kerr_t pay_or_cancel(ctl_site_t *s, const char *id, int64_t amount, const pt_watch_t *watch, const char *what,
                            engine_card_result_t *r, kmsg_t *msg)
{
    struct sigaction old;
    catch_interrupt(&old);
    kerr_t rc = engine_card_pay(&s->engine, id, amount, watch, r, msg);
    sigaction(SIGINT, &old, NULL);
    if (rc == K_OK && !r->paid && !r->parked) {
        char why[128];
        snprintf(why, sizeof why, "%s not paid: %s", what, r->terminal.reason[0] ? r->terminal.reason : "no answer");
        rc = engine_cancel(&s->engine, id, why, msg);
    }
    return rc;
}

kerr_t ctl_take_card(ctl_site_t *s, const char *id, int64_t amount, kmsg_t *msg)
{
    engine_card_result_t r;
    pt_watch_t watch = {.text = show_text, .cancelled = cancelled};
    kerr_t rc = pay_or_cancel(s, id, amount, &watch, "card", &r, msg);
    for (size_t i = 0; rc == K_OK && i < r.terminal.n_lines; i++)
        fprintf(stderr, "  | %s\n", r.terminal.lines[i]);
    return rc;
}

/* The QR wait: Ctrl-C or the timeout is the resident's cancel. */
typedef struct qr_wait {
    int64_t deadline; /* monotonic ms */
} qr_wait_t;

static bool qr_cancelled(void *ctx)
{
    const qr_wait_t *w = ctx;
    return interrupted || kclock_mono(NULL) >= w->deadline;
}

static void show_code(void *ctx, const char *url, int64_t expires_at)
{
    (void)ctx;
    char until[32] = "";
    ktime_format_iso(expires_at, until, sizeof until);
    fprintf(stderr, "kioskctl: scan to pay: %s (until %s)\n", url, until);
}

static void show_qr_text(void *ctx, const char *text)
{
    (void)ctx;
    fprintf(stderr, "kioskctl: QR: %s\n", text);
}

kerr_t ctl_take_qr(ctl_site_t *s, const char *id, int64_t amount, int timeout_s, kmsg_t *msg)
{
    qr_wait_t w = {kclock_mono(NULL) + (int64_t)timeout_s * 1000};
    engine_card_result_t r;
    pt_watch_t watch = {.text = show_qr_text, .cancelled = qr_cancelled, .code = show_code, .ctx = &w};
    return pay_or_cancel(s, id, amount, &watch, "QR", &r, msg);
}

static void print_report(const ledger_cash_report_t *r, const char *title, const char *who)
{
    const currency_t *cur = currency_find(r->currency[0] ? r->currency : "CNY");
    char since[32] = "the first sale", until[32], money[40];
    if (r->since)
        ktime_format_iso(r->since, since, sizeof since);
    ktime_format_iso(r->until, until, sizeof until);
    printf("%s\nfrom %s\nto   %s\n%s%s%s", title, since, until, who ? "by   " : "", who ? who : "", who ? "\n" : "");
    int64_t total = 0;
    printf("\ntaken                     count          total\n");
    for (size_t i = 0; i < r->n_taken; i++) {
        const ledger_cash_line_t *x = &r->taken[i];
        char label[48];
        money_format(x->denomination, cur, MONEY_RECEIPT, money, sizeof money);
        snprintf(label, sizeof label, "%s%s%s", x->method, x->denomination ? " " : "", x->denomination ? money : "");
        money_format(x->total, cur, MONEY_RECEIPT, money, sizeof money);
        printf("  %-22s %6lld %14s\n", label, (long long)x->count, money);
        total += x->total;
    }
    money_format(total, cur, MONEY_RECEIPT, money, sizeof money);
    printf("  %-22s %6s %14s\n", "total", "", money);
    printf("\ngiven back\n");
    for (size_t i = 0; i < r->n_refunded; i++) {
        money_format(r->refunded[i].total, cur, MONEY_RECEIPT, money, sizeof money);
        printf("  %-22s %6lld %14s\n", r->refunded[i].method, (long long)r->refunded[i].count, money);
    }
    if (!r->n_refunded)
        printf("  none\n");
    printf("\ncash box removed %lld times, inserted %lld times\n", (long long)r->box_removed,
           (long long)r->box_inserted);
}

int ctl_cash_status(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_USAGE, "usage: kioskctl cash status");
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    if (!l)
        return CTL_FAIL;
    ledger_cash_report_t r;
    kmsg_t msg;
    kerr_t rc = ledger_cash_status(l, &r, &msg);
    if (rc == K_OK)
        print_report(&r, "CASH STATUS (since the last collection)", NULL);
    ledger_close(l);
    return rc == K_OK ? CTL_OK : ctl_fail(CTL_FAIL, "%s", msg.text);
}

int ctl_cash_collect(ctl_t *c)
{
    if (c->argc != 1)
        return ctl_fail(CTL_USAGE, "usage: kioskctl cash collect");
    ledger_t *l = ctl_open_ledger(c, LEDGER_EXISTING);
    if (!l)
        return CTL_FAIL;
    const char *who = ctl_actor();
    ledger_cash_report_t r;
    kmsg_t msg = {""};
    printer_t p = {0};
    bool have_printer = site_printer_open(&c->cfg, &p, &msg) == K_OK && p.ops;
    engine_t e = {.ledger = l, .cfg = &c->cfg};
    bool printed = false;
    msg.text[0] = '\0';
    kerr_t rc = engine_collect(&e, have_printer ? &p : NULL, who, &r, &printed, &msg);
    if (rc == K_OK) {
        print_report(&r, "Z REPORT: cash collected, counters reset", who);
        printf("%s\n", printed ? "the Z report is printed" : msg.text);
    }
    printer_close(&p);
    ledger_close(l);
    return rc == K_OK ? CTL_OK : ctl_fail(CTL_FAIL, "%s", msg.text);
}

static int terminal_command(ctl_t *c, bool end_of_day)
{
    if (c->argc != 1)
        return ctl_fail(CTL_USAGE, "usage: kioskctl payterm %s", end_of_day ? "end-of-day" : "last");
    payterm_t pt;
    kmsg_t msg;
    if (site_terminal_open(&c->cfg, &pt, &msg) != K_OK)
        return ctl_fail(CTL_USAGE, "%s", msg.text);
    pt_result_t r;
    pt_err_t err = end_of_day ? pt.ops->end_of_day(pt.ctx, &r, &msg) : pt.ops->last(pt.ctx, &r, &msg);
    payterm_close(&pt);
    if (err != PT_OK)
        return ctl_fail(CTL_FAIL, "card terminal: %s", msg.text);
    char money[40] = "";
    if (r.amount)
        money_format(r.amount, c->cfg.currency, MONEY_RECEIPT, money, sizeof money);
    printf("result %02X (%s)%s%s", r.code, r.reason, money[0] ? ", amount " : "", money);
    if (r.receipt)
        printf(", receipt %u, trace %u", r.receipt, r.trace);
    if (r.reference[0]) /* the kiosk's reference; at end of day, the terminal's own text */
        printf(", %s %s", end_of_day ? "text" : "reference", r.reference);
    putchar('\n');
    for (size_t i = 0; i < r.n_lines; i++)
        printf("  | %s\n", r.lines[i]);
    return r.code == 0 ? CTL_OK : CTL_FAIL;
}

int ctl_payterm_last(ctl_t *c)
{
    return terminal_command(c, false);
}

int ctl_payterm_end_of_day(ctl_t *c)
{
    return terminal_command(c, true);
}
