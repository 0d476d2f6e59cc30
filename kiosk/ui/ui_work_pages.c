/* What each service page shows, read on the worker's thread: rows of
 * "label: value" (labels are English message ids the screen translates)
 * and, for the transactions, the sales staff may settle with the evidence
 * of the one picked. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/timefmt.h"
#include "kiosk/ui/ui_worker.h"
#include "provisioning/identity.h"

#define N_(s) (s)

void ui_work_row(svc_event_t *ev, const char *label, const char *fmt, ...)
{
    svc_row_t *r = ui_work_add(ev, label, SVV_TEXT);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->value, sizeof r->value, fmt, ap);
    va_end(ap);
}

svc_row_t *ui_work_add(svc_event_t *ev, const char *label, svc_value_t kind)
{
    static svc_row_t spare; /* a page with more rows than room: the rest go here, unseen */
    svc_row_t *r = ev->n_rows < SVC_ROWS ? &ev->rows[ev->n_rows++] : &spare;
    *r = (svc_row_t){.kind = kind};
    snprintf(r->label, sizeof r->label, "%s", label);
    return r;
}

/* A row whose value is a word the screen translates. */
static void word(svc_event_t *ev, const char *label, const char *msgid)
{
    svc_row_t *r = ui_work_add(ev, label, SVV_WORD);
    snprintf(r->value, sizeof r->value, "%s", msgid);
}

/* A row of two numbers the screen words by kind ("3 of 10"). */
static void two(svc_event_t *ev, const char *label, svc_value_t kind, int64_t n, int64_t m)
{
    svc_row_t *r = ui_work_add(ev, label, kind);
    r->n = n;
    r->m = m;
}

/* A row of one number: money, a count or seconds (n), or a time (at). */
static void number(svc_event_t *ev, const char *label, svc_value_t kind, int64_t n)
{
    svc_row_t *r = ui_work_add(ev, label, kind);
    if (kind == SVV_TIME)
        r->at = n;
    else
        r->n = n;
}

static const char *yes(bool ok)
{
    return ok ? N_("ok") : N_("not answering");
}

/* The printer's state in one word. */
static const char *printer_word(const printer_status_t *st)
{
    if (!st->online || st->unrecoverable)
        return N_("offline");
    if (st->paper == PRINTER_PAPER_OUT)
        return N_("paper out");
    if (st->cover_open)
        return N_("cover open");
    if (st->paper == PRINTER_PAPER_NEAR_END)
        return N_("paper near its end");
    return st->error ? N_("error") : N_("ok");
}

/* The printer's state as a row (its own words when it does not answer). */
static void printer_row(ui_work_t *w, svc_event_t *ev)
{
    printer_t *p = &w->site->printer;
    printer_status_t st;
    kmsg_t msg;
    if (!p->ops)
        word(ev, N_("Printer"), N_("none"));
    else if (p->ops->status(p->ctx, &st, &msg) == PRINTER_OK)
        word(ev, N_("Printer"), printer_word(&st));
    else
        ui_work_row(ev, N_("Printer"), "%s", msg.text);
}

static void devices(ui_work_t *w, svc_event_t *ev)
{
    ui_site_t *s = w->site;
    unsigned h = w->health;
    word(ev, N_("Bill acceptor"), s->base.engine.cash ? yes(h & HEALTH_CASH) : N_("none"));
    word(ev, N_("Card terminal"), s->base.payterm.ops ? yes(h & HEALTH_TERMINAL) : N_("none"));
    word(ev, N_("QR payments"), s->base.qr.ops ? yes(h & HEALTH_QR) : N_("none"));
    printer_row(w, ev);
    word(ev, N_("Card reader"), s->base.engine.card ? N_("ok") : N_("none"));
    ui_work_row(ev, N_("Meter gateway"), "%s %s", s->base.cfg->gateway_protocol, s->base.cfg->gateway_address);
    number(ev, N_("Registered meters"), SVV_COUNT, (int64_t)s->base.registry.n);
}

/* The method's word ("Cash"), for a row's label. */
static const char *method_word(sale_method_t m)
{
    switch (m) {
    case METHOD_CASH: return N_("Cash");
    case METHOD_CARD: return N_("Bank card");
    case METHOD_QR: return N_("QR code");
    case METHOD_COUNTER: return N_("At the counter");
    case METHOD_CENTRAL: return N_("At the utility");
    case METHOD_NONE:
    case METHOD_COUNT: break;
    }
    return N_("Other");
}

static sale_method_t method_of(const char *name)
{
    sale_method_t m;
    return sale_method_from_name(name, &m) ? m : METHOD_NONE;
}

/* The cash the collector counts first (only notes: card and QR money is
 * not in the box), then what was given back, the box's removals, and the
 * money by method and note. */
static void cash_rows(const ledger_cash_report_t *r, svc_event_t *ev)
{
    int64_t cash = 0;
    for (size_t i = 0; i < r->n_taken; i++)
        if (method_of(r->taken[i].method) == METHOD_CASH)
            cash += r->taken[i].total;
    svc_row_t *x = ui_work_add(ev, N_("Since"), SVV_TIME);
    x->at = r->since;
    number(ev, N_("Cash in the box"), SVV_MONEY, cash);
    for (size_t i = 0; i < r->n_refunded; i++) { /* by hand, zeroed, reversed: each its own */
        x = ui_work_add(ev, N_("Given back"), SVV_TAKEN);
        x->n = r->refunded[i].count;
        x->m = r->refunded[i].total;
    }
    two(ev, N_("Cash box out / in"), SVV_PAIR, r->box_removed, r->box_inserted);
    for (size_t i = 0; i < r->n_taken; i++) {
        const ledger_cash_line_t *t = &r->taken[i];
        x = ui_work_add(ev, method_word(method_of(t->method)), t->denomination ? SVV_NOTES : SVV_TAKEN);
        x->n = t->count;
        x->m = t->denomination ? t->denomination : t->total;
    }
}

static void cash(ui_work_t *w, svc_event_t *ev)
{
    ledger_cash_report_t r;
    kmsg_t msg;
    if (ledger_cash_status(w->site->base.ledger, &r, &msg) == K_OK)
        cash_rows(&r, ev);
    else
        ui_work_row(ev, N_("Error"), "%s", msg.text);
}

static void printer(ui_work_t *w, svc_event_t *ev)
{
    printer_t *p = &w->site->printer;
    printer_status_t st;
    kmsg_t msg;
    printer_row(w, ev);
    if (!p->ops || p->ops->status(p->ctx, &st, &msg) != PRINTER_OK)
        return;
    word(ev, N_("Paper"), st.paper == PRINTER_PAPER_OK         ? N_("ok")
                          : st.paper == PRINTER_PAPER_NEAR_END ? N_("near its end")
                                                               : N_("out"));
    word(ev, N_("Cover"), st.cover_open ? N_("open") : N_("closed"));
}

/* ---- transactions: what staff may settle ---- */

static uint32_t allowed(ui_work_t *w, const ledger_txn_t *t)
{
    static const struct { svc_action_t a; engine_fix_t f; } map[] = {
        {SVA_RESUME, ENGINE_FIX_RESUME}, {SVA_CONFIRM, ENGINE_FIX_CONFIRM}, {SVA_VOID, ENGINE_FIX_VOID},
        {SVA_ZERO, ENGINE_FIX_ZERO}};
    uint32_t bits = 0;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (engine_fix_check(&w->site->base.engine, t, map[i].f, NULL) == K_OK)
            bits |= 1u << map[i].a;
    return bits;
}

typedef struct txn_list {
    ui_work_t *w;
    svc_event_t *ev;
    int total; /* to settle, shown or not */
} txn_list_t;

static void on_txn(void *ctx, const ledger_txn_t *t)
{
    txn_list_t *l = ctx;
    if (t->state != TXN_NEEDS_RECONCILIATION && t->state != TXN_DELIVERY_PENDING)
        return;
    l->total++;
    if (l->ev->n_items >= SVC_ITEMS)
        return;
    svc_item_t *it = &l->ev->items[l->ev->n_items++];
    snprintf(it->id, sizeof it->id, "%s", t->id);
    snprintf(it->text, sizeof it->text, "%.8s  %s", t->id, t->meter);
    it->has_amount = true;
    it->amount = t->paid;
    snprintf(it->word, sizeof it->word, "%s", t->state == TXN_NEEDS_RECONCILIATION ? N_("parked") : N_("pending"));
    it->allow = allowed(l->w, t);
}

#define SHOWN_ATTEMPTS 3

/* The newest SHOWN_ATTEMPTS attempts (a ring), and how many there were. */
typedef struct attempts {
    ledger_attempt_t last[SHOWN_ATTEMPTS];
    int n;
} attempts_t;

static void on_attempt(void *ctx, const ledger_attempt_t *a)
{
    attempts_t *s = ctx;
    s->last[s->n++ % SHOWN_ATTEMPTS] = *a;
}

static void attempt_rows(const attempts_t *s, svc_event_t *ev)
{
    if (s->n > SHOWN_ATTEMPTS)
        two(ev, N_("Attempts"), SVV_NEWEST, s->n, SHOWN_ATTEMPTS);
    for (int i = s->n - 1; i >= 0 && i >= s->n - SHOWN_ATTEMPTS; i--) {
        const ledger_attempt_t *a = &s->last[i % SHOWN_ATTEMPTS];
        svc_row_t *r = ui_work_add(ev, N_("Attempt"), SVV_ATTEMPT);
        r->n = a->purchase_count;
        r->m = a->applied;
        snprintf(r->value, sizeof r->value, "%s", a->result[0] ? a->result : "in_flight");
    }
}

/* The state of a sale staff settle, as a word. */
static const char *state_word(txn_state_t st)
{
    if (st == TXN_NEEDS_RECONCILIATION)
        return N_("parked: staff must settle it");
    return st == TXN_DELIVERY_PENDING ? N_("waiting for the meter") : N_("in progress");
}

/* The evidence of one sale: its state and reason, the meter's last reading
 * (its purchase count says which attempt arrived), the newest attempts. */
static void evidence(ui_work_t *w, const char *id, svc_event_t *ev)
{
    ledger_t *l = w->site->base.ledger;
    ledger_txn_t t;
    ledger_reading_t rd;
    attempts_t seen = {.n = 0};
    bool found = false;
    kmsg_t msg;
    if (ledger_get(l, id, &t, &msg) != K_OK) {
        ui_work_row(ev, N_("Error"), "%s", msg.text);
        return;
    }
    ui_work_row(ev, N_("Sale"), "%s", t.id);
    word(ev, N_("State"), state_word(t.state));
    svc_row_t *r = ui_work_add(ev, N_("Why"), SVV_REASON);
    snprintf(r->value, sizeof r->value, "%s", t.reason[0] ? t.reason : "-");
    r = ui_work_add(ev, N_("Meter"), SVV_METER);
    snprintf(r->value, sizeof r->value, "%s", t.meter);
    snprintf(r->word, sizeof r->word, "%s", t.channel == CHANNEL_CARD ? N_("on the meter card") : N_("remote"));
    r = ui_work_add(ev, N_("Paid"), SVV_PAID);
    r->m = t.paid;
    r->at = t.created_at;
    snprintf(r->word, sizeof r->word, "%s", method_word(t.method));
    if (ledger_last_reading(l, t.meter, &rd, &found, &msg) == K_OK && found) {
        r = ui_work_add(ev, N_("Last reading"), SVV_READING);
        r->n = rd.purchase_count;
        r->m = rd.balance;
        r->at = rd.at;
    }
    if (ledger_attempts(l, id, on_attempt, &seen, &msg) == K_OK)
        attempt_rows(&seen, ev);
}

static void txns(ui_work_t *w, const char *item, svc_event_t *ev)
{
    if (item) {
        evidence(w, item, ev);
        return;
    }
    kmsg_t msg;
    txn_list_t l = {w, ev, 0};
    ledger_filter_t f = {.unfinished = true};
    if (ledger_list(w->site->base.ledger, &f, on_txn, &l, &msg) != K_OK)
        ui_work_row(ev, N_("Error"), "%s", msg.text);
    if (l.total > ev->n_items)
        two(ev, N_("To settle"), SVV_OLDEST, l.total, ev->n_items);
    else
        number(ev, N_("To settle"), SVV_COUNT, l.total);
}

static void sync_page(ui_work_t *w, svc_event_t *ev)
{
    ledger_sync_state_t st;
    kmsg_t msg;
    const kiosk_config_t *cfg = w->site->base.cfg;
    if (cfg->sync_url[0])
        ui_work_row(ev, N_("Back office"), "%s", cfg->sync_url);
    else
        word(ev, N_("Back office"), N_("none"));
    if (ledger_sync_state(w->site->base.ledger, &st, &msg) != K_OK) {
        ui_work_row(ev, N_("Error"), "%s", msg.text);
        return;
    }
    number(ev, N_("Outbox"), SVV_COUNT, st.depth);
    number(ev, N_("Oldest unsent"), SVV_TIME, st.oldest_unsent_at);
    number(ev, N_("Last contact"), SVV_TIME, st.last_ok_at);
    ui_work_row(ev, N_("Last error"), "%s", st.last_error[0] ? st.last_error : "-");
    number(ev, N_("Failures in a row"), SVV_COUNT, st.failures);
}

/* The kiosk's identity: enrolled or not, and the code it shows (also as
 * a QR code) for staff to check in the back office. */
static void identity_rows(ui_work_t *w, svc_event_t *ev)
{
    char dir[CFG_PATH_LEN];
    identity_t id;
    kmsg_t msg;
    if (!config_identity_dir(w->site->base.cfg, dir, sizeof dir) || identity_load(dir, &id, &msg) != K_OK) {
        word(ev, N_("Enrolled"), N_("the identity cannot be read"));
        return;
    }
    if (id.enrolled) {
        ui_work_row(ev, N_("Enrolled"), "%s, %s", id.kiosk, id.site);
        number(ev, N_("Certificate until"), SVV_TIME, id.not_after);
    } else {
        word(ev, N_("Enrolled"), N_("not yet"));
    }
    if (id.has_keys) {
        ui_work_row(ev, N_("Enrolment code"), "%s", identity_code_text(&id));
        snprintf(ev->qr, sizeof ev->qr, "%s", identity_code_text(&id));
    }
}

static void settings(ui_work_t *w, svc_event_t *ev)
{
    const kiosk_config_t *c = w->site->base.cfg;
    ui_work_row(ev, N_("Kiosk"), "%s", c->kiosk_id[0] ? c->kiosk_id : "-");
    ui_work_row(ev, N_("Site"), "%s", c->site_id);
    svc_row_t *r = ui_work_add(ev, N_("Purchase limits"), SVV_RANGE);
    r->n = c->min_purchase;
    r->m = c->max_purchase;
    number(ev, N_("Idle timeout"), SVV_SECONDS, c->ui_idle_timeout_s);
    word(ev, N_("Language"), strcmp(c->ui_language, "en") == 0 ? N_("English") : N_("Chinese"));
    ui_work_row(ev, N_("Ledger"), "%s", c->ledger_path);
    word(ev, N_("Changed by"), N_("the configuration file, or the back office's signed settings"));
    identity_rows(w, ev);
}

/* An audit row: its time of day as the label; who (an operator without
 * "operator:"), the action's word and its target. */
static void on_audit(void *ctx, const ledger_audit_row_t *a)
{
    svc_event_t *ev = ctx;
    char at[32];
    ktime_format_iso(a->at, at, sizeof at);
    svc_row_t *r = ui_work_add(ev, at + 11, SVV_AUDIT); /* the time of day (UTC) */
    r->label_is_data = true;
    r->at = a->at;
    const char *who = strncmp(a->actor, "operator:", 9) == 0 ? a->actor + 9 : a->actor;
    snprintf(r->value, sizeof r->value, "%s", who);
    snprintf(r->word, sizeof r->word, "%s", a->action);
    snprintf(r->extra, sizeof r->extra, "%s", a->target);
}

static void logs(ui_work_t *w, svc_event_t *ev)
{
    kmsg_t msg;
    if (ledger_audit_recent(w->site->base.ledger, SVC_ROWS, on_audit, ev, &msg) != K_OK)
        ui_work_row(ev, N_("Error"), "%s", msg.text);
}

void ui_work_page(ui_work_t *w, svc_page_t page, const char *item, svc_event_t *ev)
{
    switch (page) {
    case SVP_DEVICES: devices(w, ev); break;
    case SVP_CASH: cash(w, ev); break;
    case SVP_PRINTER: printer(w, ev); break;
    case SVP_METERS: number(ev, N_("Registered meters"), SVV_COUNT, (int64_t)w->site->base.registry.n); break;
    case SVP_CARDS: word(ev, N_("Card reader"), w->site->base.engine.card ? N_("ok") : N_("none")); break;
    case SVP_TXNS: txns(w, item, ev); break;
    case SVP_SYNC: sync_page(w, ev); break;
    case SVP_SETTINGS: settings(w, ev); break;
    case SVP_LOGS: logs(w, ev); break;
    case SVP_OFF:
    case SVP_PIN:
    case SVP_MENU:
    case SVP_COUNT: break;
    }
}

/* ---- reading meters and the card ---- */

/* A reading's rows in the meter's units; a water meter's valve, an
 * electricity meter's supply. */
static void reading_rows(ui_work_t *w, const gw_reading_t *r, svc_event_t *ev)
{
    char qty[40];
    engine_t *e = &w->site->base.engine;
    engine_meter_profile_t p = {0};
    kmsg_t ignore;
    engine_meter_profile(e, r->meter, kclock_wall(e->clk), &p, &ignore);
    bool water = p.kind == METER_WATER;
    meter_quantity_format(p.kind, r->energy_total, UNIT_SCREEN, qty);
    ui_work_row(ev, N_("Meter"), "%s", r->meter);
    number(ev, N_("Balance"), SVV_MONEY, r->balance);
    ui_work_row(ev, water ? N_("Water") : N_("Energy"), "%s", qty);
    number(ev, N_("Purchase count"), SVV_COUNT, r->purchase_count);
    if (water)
        word(ev, N_("Valve"), r->relay_open ? N_("closed") : N_("open"));
    else
        word(ev, N_("Supply"), r->relay_open ? N_("cut") : N_("on"));
}

static kerr_t scan(ui_work_t *w, svc_event_t *ev, kmsg_t *msg)
{
    site_t *s = &w->site->base;
    int ok = 0, failed = 0;
    for (size_t i = 0; i < s->registry.n; i++) {
        gw_reading_t r;
        ledger_alert_t alerts[INSPECT_MAX_ALERTS];
        size_t n = 0;
        kmsg_t why;
        if (engine_read_meter(&s->engine, s->registry.entries[i].meter, &r, alerts, &n, &why) == K_OK) {
            ok++;
        } else {
            failed++;
            ui_work_row(ev, s->registry.entries[i].meter, "%s", why.text);
        }
    }
    two(ev, N_("Answered"), SVV_OF, ok, (int64_t)s->registry.n);
    snprintf(ev->text, sizeof ev->text, "%s", failed ? N_("Some meters did not answer.") : N_("Every meter answered."));
    ev->ok = true;
    (void)msg;
    return K_OK;
}

/* What a card read found, in a few words (core/mcard.c says it in full). */
static const char *verdict_word(mcard_verdict_t v)
{
    switch (v) {
    case MCARD_OK: return N_("can take a purchase");
    case MCARD_BLANK: return N_("not issued yet");
    case MCARD_BLOCKED: return N_("blocked");
    case MCARD_UNKNOWN_METER: return N_("its meter is not served here");
    case MCARD_REPLACED: return N_("replaced by a newer card");
    case MCARD_NOT_TAKEN: return N_("the last purchase is not in the meter yet");
    case MCARD_PENDING_HERE: return N_("a purchase for it is not finished");
    case MCARD_PENDING_OTHER: return N_("a purchase for its meter waits for another card");
    }
    return N_("Other");
}

static kerr_t card_read(ui_work_t *w, svc_event_t *ev, kmsg_t *msg)
{
    engine_mcard_t c;
    kerr_t rc = engine_mcard_inserted(&w->site->base.engine, &c, msg);
    if (rc)
        return rc;
    ui_work_row(ev, N_("Card"), "%s", c.serial);
    ui_work_row(ev, N_("Meter"), "%s", c.view.info.meter);
    ui_work_row(ev, N_("Customer"), "%s", c.view.info.customer);
    number(ev, N_("Generation"), SVV_COUNT, c.view.info.generation);
    svc_row_t *r = ui_work_add(ev, N_("On the card"), SVV_READING); /* the purse: its count and money */
    r->n = c.view.purse.count;
    r->m = c.view.purse.amount;
    word(ev, N_("Verdict"), verdict_word(c.verdict));
    ev->ok = true;
    return K_OK;
}

kerr_t ui_work_read(ui_work_t *w, const svc_cmd_t *cmd, svc_event_t *ev, kmsg_t *msg)
{
    static const char *const actions[SVA_COUNT] = {[SVA_METER_READ] = "meter_read", [SVA_SCAN] = "meter_scan",
                                                  [SVA_CARD_READ] = "card_read"};
    kerr_t rc;
    if (cmd->action == SVA_SCAN) {
        rc = scan(w, ev, msg);
    } else if (cmd->action == SVA_CARD_READ) {
        rc = card_read(w, ev, msg);
    } else {
        gw_reading_t r;
        ledger_alert_t alerts[INSPECT_MAX_ALERTS];
        size_t n = 0;
        rc = engine_read_meter(&w->site->base.engine, cmd->entry, &r, alerts, &n, msg);
        if (rc == K_OK) {
            reading_rows(w, &r, ev);
            ev->ok = true;
        }
    }
    kmsg_t amsg;
    if (ledger_audit(w->site->base.ledger, w->staff.actor, actions[cmd->action], cmd->entry, "service mode",
                     rc == K_OK ? "" : msg->text, &amsg) != K_OK)
        fprintf(stderr, "kiosk: service mode: %s\n", amsg.text);
    return rc;
}
