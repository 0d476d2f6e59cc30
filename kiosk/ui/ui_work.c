/* The session's commands carried out against the engine, on the worker's
 * thread: each posts one answer (a cash sale also its notes, a card
 * payment also the terminal's prompts). A sale is the engine's three steps
 * (engine_sale_open, engine_sale_pay, engine_sale_deliver); this file turns
 * their results into the session's events. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "kiosk/ui/ui_worker.h"

/* How long a resident's sale waits for the ledger while staff use it from
 * the command line, before the screen says so. */
#define UI_LEDGER_WAIT_MS 5000

static void post(ui_work_t *w, session_event_t *ev, const session_cmd_t *cmd)
{
    ev->gen = cmd->gen;
    w->post(w->post_ctx, ev);
}

/* The newest delivered top-up of the meter, if any. */
static void on_last(void *ctx, const ledger_txn_t *t)
{
    session_account_t *a = ctx;
    a->has_last = true;
    a->last_amount = t->delivered;
    a->last_at_ms = t->updated_at;
}

/* The meter's last 30 days from its stored readings (the chart). */
static void usage(ui_work_t *w, session_account_t *a)
{
    int readings = 0;
    kmsg_t msg;
    if (ledger_daily_use(w->site->base.ledger, a->meter, kclock_wall(w->site->base.engine.clk), SESSION_USAGE_DAYS,
                         a->daily_milli, &readings, &msg) != K_OK)
        fprintf(stderr, "kiosk: the meter's history: %s\n", msg.text);
    a->has_usage = readings >= 2;
}

/* The meter's kind and the tariff in force now: the estimate's, the
 * receipt's. */
static void profile(ui_work_t *w, session_account_t *a)
{
    engine_t *e = &w->site->base.engine;
    engine_meter_profile_t p;
    kmsg_t msg;
    if (engine_meter_profile(e, a->meter, kclock_wall(e->clk), &p, &msg) != K_OK) {
        fprintf(stderr, "kiosk: the meter's tariff: %s\n", msg.text);
        return;
    }
    a->kind = p.kind;
    a->has_tariff = p.has_tariff;
    a->tariff = p.tariff;
}

static void lookup(ui_work_t *w, const session_cmd_t *cmd)
{
    ui_site_t *s = w->site;
    session_event_t ev = {.kind = SEV_ACCOUNT};
    session_account_t *a = &ev.account;
    const registry_entry_t *entry;
    kmsg_t why;
    if (engine_meter_served(&s->base.engine, cmd->meter, &entry, &why) != K_OK) {
        fprintf(stderr, "kiosk: %s\n", why.text);
        post(w, &ev, cmd);
        return;
    }
    snprintf(a->meter, sizeof a->meter, "%s", cmd->meter);
    snprintf(a->customer, sizeof a->customer, "%s", entry ? entry->customer : "");
    profile(w, a);
    gw_reading_t rd;
    ledger_alert_t alerts[INSPECT_MAX_ALERTS];
    size_t n = 0;
    kmsg_t msg;
    kerr_t rc = engine_read_meter(&s->base.engine, cmd->meter, &rd, alerts, &n, &msg);
    if (rc == K_ENOTFOUND && !entry) { /* the fake bank has no such meter */
        fprintf(stderr, "kiosk: %s\n", msg.text);
        post(w, &ev, cmd);
        return;
    }
    ev.ok = true;
    a->offline = rc != K_OK;
    a->balance_known = rc == K_OK && (rd.have & GW_READ_BALANCE);
    a->balance = a->balance_known ? rd.balance : 0;
    a->relay_open = rc == K_OK && rd.relay_open;
    a->low_balance = rc == K_OK && (rd.flags & (GW_FLAG_LOW_BALANCE | GW_FLAG_PRETRIP));
    if (rc != K_OK)
        fprintf(stderr, "kiosk: meter %s: %s\n", cmd->meter, msg.text);
    ledger_filter_t f = {.state = TXN_DELIVERED, .meter = cmd->meter, .limit = 1, .newest_first = true};
    ledger_list(s->base.ledger, &f, on_last, a, &msg);
    usage(w, a);
    post(w, &ev, cmd);
}

static session_card_verdict_t verdict_of(mcard_verdict_t v)
{
    switch (v) {
    case MCARD_OK: return CARDV_OK;
    case MCARD_BLANK: return CARDV_BLANK;
    case MCARD_BLOCKED: return CARDV_BLOCKED;
    case MCARD_UNKNOWN_METER: return CARDV_UNKNOWN_METER;
    case MCARD_REPLACED: return CARDV_REPLACED;
    case MCARD_NOT_TAKEN: return CARDV_NOT_TAKEN;
    case MCARD_PENDING_HERE:
    case MCARD_PENDING_OTHER: break;
    }
    return CARDV_PENDING;
}

static void read_card(ui_work_t *w, const session_cmd_t *cmd)
{
    ui_site_t *s = w->site;
    session_event_t ev = {.kind = SEV_CARD_READ, .verdict = CARDV_UNREADABLE};
    kmsg_t msg;
    w->have_card = false;
    kerr_t rc = s->base.engine.card ? engine_mcard_inserted(&s->base.engine, &w->card, &msg)
                               : kmsg_set(&msg, K_ENOTFOUND, "no meter-card reader (card.protocol)");
    if (rc != K_OK) {
        fprintf(stderr, "kiosk: the meter card: %s\n", msg.text);
        post(w, &ev, cmd);
        return;
    }
    w->have_card = true;
    ev.verdict = verdict_of(w->card.verdict);
    session_account_t *a = &ev.account;
    snprintf(a->meter, sizeof a->meter, "%s", w->card.view.info.meter);
    snprintf(a->customer, sizeof a->customer, "%s", w->card.view.info.customer);
    snprintf(a->card_serial, sizeof a->card_serial, "%s", w->card.serial);
    a->on_card = true;
    a->zero_first_ok = w->card.zero_first_ok; /* the amount screen offers 0 to open the account */
    a->balance_known = w->card.view.writeback.written;
    a->balance = w->card.view.writeback.remaining;
    profile(w, a);
    usage(w, a);
    post(w, &ev, cmd);
}

/* Opens the sale under the ledger's lock; *why the reason when it does
 * not open. A meter the registry does not list is told apart before the
 * engine is asked (its K_EINVAL would read as the purchase limits). */
static kerr_t open_locked(ui_work_t *w, const session_cmd_t *cmd, char txn[37], session_reason_t *why, kmsg_t *msg)
{
    engine_t *e = &w->site->base.engine;
    sale_req_t req = {.meter = cmd->meter, .customer = cmd->customer, .method = cmd->method, .amount = cmd->amount};
    const registry_entry_t *entry;
    kerr_t rc;
    if (cmd->on_card && !w->have_card) {
        *why = REASON_FAILED;
        return kmsg_set(msg, K_ESTATE, "the meter card was not read");
    }
    if (!cmd->on_card && !cmd->bill && (rc = engine_meter_served(e, cmd->meter, &entry, msg)) != K_OK) {
        *why = REASON_METER_UNKNOWN;
        return rc;
    }
    if (cmd->bill)
        return ui_work_open_bill(w, cmd, txn, why, msg);
    if (cmd->on_card && cmd->amount == 0)
        req.method = METHOD_NONE; /* a zero first purchase: paid with nothing, no device (the session skips pay) */
    rc = engine_sale_open(e, &req, cmd->on_card ? &w->card : NULL, txn, msg);
    *why = session_reason_of(CMD_OPEN_SALE, rc);
    return rc;
}

static void open_sale(ui_work_t *w, const session_cmd_t *cmd)
{
    engine_t *e = &w->site->base.engine;
    session_event_t ev = {.kind = SEV_SALE_OPENED, .printer_ok = ui_work_printer_ok(w)};
    kmsg_t msg;
    kerr_t rc = engine_lock(e, "a resident's sale", UI_LEDGER_WAIT_MS, &msg);
    if (rc == K_OK) {
        rc = open_locked(w, cmd, ev.txn, &ev.reason, &msg);
        engine_unlock(e); /* the sale, if it opened, holds the ledger until it is at rest */
    } else {
        ev.reason = REASON_STAFF_BUSY; /* staff are using the kiosk from its command line */
    }
    ev.ok = rc == K_OK;
    if (rc != K_OK)
        fprintf(stderr, "kiosk: no sale opened (%s): %s\n", session_reason_name(ev.reason), msg.text);
    post(w, &ev, cmd);
}

/* A command failed: the resident is told the typed reason, the log the
 * engine's words. */
static void fail(ui_work_t *w, const session_cmd_t *cmd, const char *what, kerr_t rc, const kmsg_t *msg)
{
    session_event_t ev = {.kind = SEV_FAILED, .reason = session_reason_of(cmd->kind, rc)};
    fprintf(stderr, "kiosk: %s (%s): %s\n", what, session_reason_name(ev.reason), msg->text);
    post(w, &ev, cmd);
}

typedef struct watch_ctx {
    ui_work_t *w;
    const session_cmd_t *cmd;
} watch_ctx_t;

/* The card terminal's prompt, typed: the screen words it (the
 * terminal's own words are not shown). */
static void on_prompt(void *ctx, payment_prompt_t prompt, const char *s)
{
    watch_ctx_t *c = ctx;
    session_event_t ev = {.kind = SEV_TERMINAL_TEXT, .prompt = prompt};
    (void)s;
    post(c->w, &ev, c->cmd);
}

/* Why a card or QR payment was not made, from the provider's neutral
 * outcome (a definite no, or anything else); cash has none. */
static session_reason_t not_paid_reason(const session_cmd_t *cmd, const engine_paid_t *r)
{
    if (cmd->method == METHOD_CASH || r->sale.state == TXN_PAID)
        return REASON_NONE;
    return r->provider.outcome == PT_DECLINED ? REASON_DECLINED : REASON_FAILED;
}

/* A note booked (or the acceptor's news): the running total. */
static void on_note(void *ctx, const engine_cash_news_t *news)
{
    watch_ctx_t *c = ctx;
    session_event_t ev = {
        .kind = SEV_NOTE, .paid = news->paid, .note = news->note, .note_value = news->value, .note_why = news->why};
    post(c->w, &ev, c->cmd);
}

/* The resident pressed done (cash) or cancel (card, QR). */
static bool on_cancel(void *ctx)
{
    watch_ctx_t *c = ctx;
    return c->w->cancelled(c->w->post_ctx);
}

/* The QR order's code, and how long it may be paid, go to the screen. */
static void on_code(void *ctx, const char *url, int64_t expires_at_ms)
{
    watch_ctx_t *c = ctx;
    session_event_t ev = {.kind = SEV_QR_CODE};
    snprintf(ev.url, sizeof ev.url, "%s", url);
    ev.left_ms = expires_at_ms - kclock_wall(c->w->site->base.engine.clk);
    post(c->w, &ev, c->cmd);
}

/* Takes the sale's money by its method (CMD_START_CASH, CMD_PAY_CARD,
 * CMD_PAY_QR), the notes, prompts and QR code going to the screen as they
 * come; then SEV_PAY_RESULT. */
static void pay(ui_work_t *w, const session_cmd_t *cmd, const char *what)
{
    watch_ctx_t ctx = {w, cmd};
    engine_watch_t watch = {.prompt = on_prompt, .note = on_note, .code = on_code, .cancelled = on_cancel, .ctx = &ctx};
    engine_paid_t r;
    kmsg_t msg;
    kerr_t rc = engine_sale_pay(&w->site->base.engine, cmd->txn, &watch, &r, &msg);
    if (rc != K_OK) {
        fail(w, cmd, what, rc, &msg);
        return;
    }
    session_event_t ev = {.kind = SEV_PAY_RESULT, .ok = r.sale.state == TXN_PAID,
                          .parked = r.sale.state == TXN_NEEDS_RECONCILIATION, .paid = r.sale.paid,
                          .at_ms = r.sale.created_at, .reason = not_paid_reason(cmd, &r)};
    if (ev.reason)
        fprintf(stderr, "kiosk: %s not paid (%s): %s\n", what, session_reason_name(ev.reason), r.provider.reason);
    post(w, &ev, cmd);
}

static void deliver(ui_work_t *w, const session_cmd_t *cmd)
{
    engine_delivered_t d;
    kmsg_t msg;
    kerr_t rc = engine_sale_deliver(&w->site->base.engine, cmd->txn, &d, &msg);
    if (rc != K_OK) {
        fail(w, cmd, "the delivery", rc, &msg);
        return;
    }
    session_event_t ev = {.kind = SEV_DELIVERY, .paid = d.sale.paid, .at_ms = d.sale.created_at,
                          .has_balance = d.has_balance, .balance = d.balance};
    ev.outcome = d.sale.state == TXN_DELIVERED          ? OUT_DELIVERED
                 : d.sale.state == TXN_DELIVERY_PENDING ? OUT_PENDING
                                                        : OUT_PARKED;
    post(w, &ev, cmd);
}

void ui_work_run(ui_work_t *w, const session_cmd_t *cmd)
{
    switch (cmd->kind) {
    case CMD_LOOKUP: lookup(w, cmd); break;
    case CMD_READ_CARD: read_card(w, cmd); break;
    case CMD_OPEN_SALE: open_sale(w, cmd); break;
    case CMD_START_CASH: pay(w, cmd, "the bill acceptor"); break;
    case CMD_PAY_CARD: pay(w, cmd, "the card payment"); break;
    case CMD_PAY_QR: pay(w, cmd, "the QR payment"); break;
    case CMD_DELIVER: deliver(w, cmd); break;
    case CMD_PRINT_RECEIPT: ui_work_print(w, cmd); break;
    case CMD_ASK_DUE: ui_work_ask_due(w, cmd); break;
    case CMD_FINISH_CASH: /* a flag, raised by ui_worker_post: the payment under way sees it */
    case CMD_CANCEL_CARD:
    case CMD_CANCEL_QR:
    case CMD_KIND_COUNT: break;
    }
}

void ui_work_retry(ui_work_t *w)
{
    engine_t *e = &w->site->base.engine;
    int done = 0;
    kmsg_t msg;
    if (engine_settle_held(e, &msg) != K_OK) /* a sale the resident walked away from */
        fprintf(stderr, "kiosk: settling the sale left open: %s\n", msg.text);
    if (engine_lock(e, "retrying pending deliveries", 0, &msg) != K_OK)
        return; /* staff hold the ledger from the command line: next round */
    if (engine_retry_due(e, &done, &msg) != K_OK)
        fprintf(stderr, "kiosk: retrying pending deliveries: %s\n", msg.text);
    else if (done)
        fprintf(stderr, "kiosk: %d pending deliveries delivered\n", done);
    engine_unlock(e);
}
