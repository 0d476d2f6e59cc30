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
    if (ev->n_rows >= SVC_ROWS)
        return;
    svc_row_t *r = &ev->rows[ev->n_rows++];
    snprintf(r->label, sizeof r->label, "%s", label);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->value, sizeof r->value, fmt, ap);
    va_end(ap);
}

static void money(const ui_work_t *w, int64_t minor, char out[40])
{
    money_format(minor, w->site->base.cfg->currency, MONEY_RECEIPT, out, 40);
}

static void when(int64_t ms, char out[32])
{
    if (ms)
        ktime_format_iso(ms, out, 32);
    else
        snprintf(out, 32, "-");
}

static const char *yes(bool ok)
{
    return ok ? N_("ok") : N_("not answering");
}

static void devices(ui_work_t *w, svc_event_t *ev)
{
    ui_site_t *s = w->site;
    unsigned h = w->health;
    printer_status_t st;
    char text[128] = "";
    kmsg_t msg;
    ui_work_row(ev, N_("Bill acceptor"), "%s", s->base.engine.cash ? yes(h & HEALTH_CASH) : N_("none"));
    ui_work_row(ev, N_("Card terminal"), "%s", s->base.payterm.ops ? yes(h & HEALTH_TERMINAL) : N_("none"));
    ui_work_row(ev, N_("QR payments"), "%s", s->base.qr.ops ? yes(h & HEALTH_QR) : N_("none"));
    if (!s->printer.ops)
        snprintf(text, sizeof text, "%s", N_("none"));
    else if (s->printer.ops->status(s->printer.ctx, &st, &msg) == PRINTER_OK)
        printer_status_text(&st, text, sizeof text);
    else
        snprintf(text, sizeof text, "%s", msg.text);
    ui_work_row(ev, N_("Printer"), "%s", text);
    ui_work_row(ev, N_("Card reader"), "%s", s->base.engine.card ? N_("ok") : N_("none"));
    ui_work_row(ev, N_("Meter gateway"), "%s %s", s->base.cfg->gateway_protocol, s->base.cfg->gateway_address);
    ui_work_row(ev, N_("Registered meters"), "%zu", s->base.registry.n);
}

/* The totals first (the page has room for SVC_ROWS rows): money taken,
 * given back by method, the cash box; then money by method and note. */
static void cash_rows(ui_work_t *w, const ledger_cash_report_t *r, svc_event_t *ev)
{
    char a[40], b[40], since[32];
    int64_t total = 0;
    for (size_t i = 0; i < r->n_taken; i++)
        total += r->taken[i].total;
    when(r->since, since);
    money(w, total, a);
    ui_work_row(ev, N_("Since"), "%s", since);
    ui_work_row(ev, N_("Total taken"), "%s", a);
    for (size_t i = 0; i < r->n_refunded; i++) { /* by hand, zeroed, reversed: each its own */
        money(w, r->refunded[i].total, b);
        ui_work_row(ev, N_("Given back"), "%s %lld = %s", r->refunded[i].method, (long long)r->refunded[i].count, b);
    }
    ui_work_row(ev, N_("Cash box out / in"), "%lld / %lld", (long long)r->box_removed, (long long)r->box_inserted);
    for (size_t i = 0; i < r->n_taken; i++) {
        const ledger_cash_line_t *x = &r->taken[i];
        money(w, x->denomination, a);
        money(w, x->total, b);
        ui_work_row(ev, x->method, "%s%s%lld = %s", x->denomination ? a : "", x->denomination ? " x " : "",
                    (long long)x->count, b);
    }
}

static void cash(ui_work_t *w, svc_event_t *ev)
{
    ledger_cash_report_t r;
    kmsg_t msg;
    if (ledger_cash_status(w->site->base.ledger, &r, &msg) == K_OK)
        cash_rows(w, &r, ev);
    else
        ui_work_row(ev, N_("Error"), "%s", msg.text);
}

static void printer(ui_work_t *w, svc_event_t *ev)
{
    printer_t *p = &w->site->printer;
    printer_status_t st;
    char text[128];
    kmsg_t msg;
    if (!p->ops) {
        ui_work_row(ev, N_("Printer"), "%s", N_("none"));
        return;
    }
    if (p->ops->status(p->ctx, &st, &msg) != PRINTER_OK) {
        ui_work_row(ev, N_("Printer"), "%s", msg.text);
        return;
    }
    printer_status_text(&st, text, sizeof text);
    ui_work_row(ev, N_("Printer"), "%s", text);
    ui_work_row(ev, N_("Paper"), "%s", st.paper == PRINTER_PAPER_OK     ? N_("ok")
                                       : st.paper == PRINTER_PAPER_NEAR_END ? N_("near its end")
                                                                            : N_("out"));
    ui_work_row(ev, N_("Cover"), "%s", st.cover_open ? N_("open") : N_("closed"));
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
    char paid[40];
    money(l->w, t->paid, paid);
    snprintf(it->id, sizeof it->id, "%s", t->id);
    snprintf(it->text, sizeof it->text, "%.8s  %s  %s  %s", t->id, t->meter, paid,
             t->state == TXN_NEEDS_RECONCILIATION ? "parked" : "pending");
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
    static const char *const applied[] = {"unknown", "no", "yes"};
    if (s->n > SHOWN_ATTEMPTS)
        ui_work_row(ev, N_("Attempts"), "%d, the newest %d below", s->n, SHOWN_ATTEMPTS);
    for (int i = s->n - 1; i >= 0 && i >= s->n - SHOWN_ATTEMPTS; i--) {
        const ledger_attempt_t *a = &s->last[i % SHOWN_ATTEMPTS];
        ui_work_row(ev, N_("Attempt"), "count %lld, %s, applied %s%s%s", (long long)a->purchase_count,
                    a->result[0] ? a->result : "in flight", applied[a->applied + 1], a->detail[0] ? ": " : "",
                    a->detail);
    }
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
    char paid[40], at[32];
    kmsg_t msg;
    if (ledger_get(l, id, &t, &msg) != K_OK) {
        ui_work_row(ev, N_("Error"), "%s", msg.text);
        return;
    }
    money(w, t.paid, paid);
    when(t.created_at, at);
    ui_work_row(ev, N_("Sale"), "%s", t.id);
    ui_work_row(ev, N_("State"), "%s", txn_state_name(t.state));
    ui_work_row(ev, N_("Why"), "%s", t.reason[0] ? t.reason : "-");
    ui_work_row(ev, N_("Meter"), "%s (%s)", t.meter, sale_channel_name(t.channel));
    ui_work_row(ev, N_("Paid"), "%s %s, %s", paid, sale_method_name(t.method), at);
    if (ledger_last_reading(l, t.meter, &rd, &found, &msg) == K_OK && found) {
        when(rd.at, at);
        money(w, rd.balance, paid);
        ui_work_row(ev, N_("Last reading"), "count %lld, balance %s, %s", (long long)rd.purchase_count, paid, at);
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
        ui_work_row(ev, N_("To settle"), "%d, the oldest %d shown (kioskctl ledger list shows them all)", l.total,
                    ev->n_items);
    else
        ui_work_row(ev, N_("To settle"), "%d", l.total);
}

static void sync_page(ui_work_t *w, svc_event_t *ev)
{
    ledger_sync_state_t st;
    char a[32], b[32];
    kmsg_t msg;
    const kiosk_config_t *cfg = w->site->base.cfg;
    ui_work_row(ev, N_("Back office"), "%s", cfg->sync_url[0] ? cfg->sync_url : N_("none"));
    if (ledger_sync_state(w->site->base.ledger, &st, &msg) != K_OK) {
        ui_work_row(ev, N_("Error"), "%s", msg.text);
        return;
    }
    when(st.last_ok_at, a);
    when(st.oldest_unsent_at, b);
    ui_work_row(ev, N_("Outbox"), "%lld", (long long)st.depth);
    ui_work_row(ev, N_("Oldest unsent"), "%s", b);
    ui_work_row(ev, N_("Last contact"), "%s", a);
    ui_work_row(ev, N_("Last error"), "%s", st.last_error[0] ? st.last_error : "-");
    ui_work_row(ev, N_("Failures in a row"), "%lld", (long long)st.failures);
}

/* The kiosk's identity: enrolled or not, and the code it shows (also as
 * a QR code) for staff to check in the back office. */
static void identity_rows(ui_work_t *w, svc_event_t *ev)
{
    char dir[CFG_PATH_LEN], until[32];
    identity_t id;
    kmsg_t msg;
    if (!config_identity_dir(w->site->base.cfg, dir, sizeof dir) || identity_load(dir, &id, &msg) != K_OK) {
        ui_work_row(ev, N_("Enrolled"), "%s", N_("the identity cannot be read"));
        return;
    }
    if (id.enrolled) {
        when(id.not_after, until);
        ui_work_row(ev, N_("Enrolled"), "%s, %s", id.kiosk, id.site);
        ui_work_row(ev, N_("Certificate until"), "%s", until);
    } else {
        ui_work_row(ev, N_("Enrolled"), "%s", N_("not yet"));
    }
    if (id.has_keys) {
        ui_work_row(ev, N_("Enrolment code"), "%s", identity_code_text(&id));
        snprintf(ev->qr, sizeof ev->qr, "%s", identity_code_text(&id));
    }
}

static void settings(ui_work_t *w, svc_event_t *ev)
{
    const kiosk_config_t *c = w->site->base.cfg;
    char lo[40], hi[40];
    money(w, c->min_purchase, lo);
    money(w, c->max_purchase, hi);
    ui_work_row(ev, N_("Kiosk"), "%s", c->kiosk_id[0] ? c->kiosk_id : "-");
    ui_work_row(ev, N_("Site"), "%s", c->site_id);
    ui_work_row(ev, N_("Purchase limits"), "%s .. %s", lo, hi);
    ui_work_row(ev, N_("Idle timeout"), "%d s", (int)c->ui_idle_timeout_s);
    ui_work_row(ev, N_("Language"), "%s", c->ui_language);
    ui_work_row(ev, N_("Ledger"), "%s", c->ledger_path);
    ui_work_row(ev, N_("Changed by"), "%s", N_("the configuration file, or the back office's signed settings"));
    identity_rows(w, ev);
}

static void on_audit(void *ctx, const ledger_audit_row_t *r)
{
    svc_event_t *ev = ctx;
    char at[32];
    when(r->at, at);
    ui_work_row(ev, at + 11, "%s %s %s", r->actor, r->action, r->target); /* the time of day */
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
    case SVP_METERS: ui_work_row(ev, N_("Registered meters"), "%zu", w->site->base.registry.n); break;
    case SVP_CARDS: ui_work_row(ev, N_("Card reader"), "%s", w->site->base.engine.card ? N_("ok") : N_("none")); break;
    case SVP_TXNS: txns(w, item, ev); break;
    case SVP_SYNC: sync_page(w, ev); break;
    case SVP_SETTINGS: settings(w, ev); break;
    case SVP_LOGS: logs(w, ev); break;
    case SVP_OFF:
    case SVP_OPERATOR:
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
    char bal[40], qty[40];
    engine_t *e = &w->site->base.engine;
    engine_meter_profile_t p = {0};
    kmsg_t ignore;
    engine_meter_profile(e, r->meter, kclock_wall(e->clk), &p, &ignore);
    bool water = p.kind == METER_WATER;
    money(w, r->balance, bal);
    meter_quantity_format(p.kind, r->energy_total, UNIT_SCREEN, qty);
    ui_work_row(ev, N_("Meter"), "%s", r->meter);
    ui_work_row(ev, N_("Balance"), "%s", bal);
    ui_work_row(ev, water ? N_("Water") : N_("Energy"), "%s", qty);
    ui_work_row(ev, N_("Purchase count"), "%u", r->purchase_count);
    if (water)
        ui_work_row(ev, N_("Valve"), "%s", r->relay_open ? N_("closed") : N_("open"));
    else
        ui_work_row(ev, N_("Supply"), "%s", r->relay_open ? N_("cut") : N_("on"));
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
    ui_work_row(ev, N_("Answered"), "%d of %zu", ok, s->registry.n);
    snprintf(ev->text, sizeof ev->text, "%s", failed ? N_("Some meters did not answer.") : N_("Every meter answered."));
    ev->ok = true;
    (void)msg;
    return K_OK;
}

static kerr_t card_read(ui_work_t *w, svc_event_t *ev, kmsg_t *msg)
{
    engine_mcard_t c;
    kerr_t rc = engine_mcard_inserted(&w->site->base.engine, &c, msg);
    if (rc)
        return rc;
    char amount[40];
    money(w, c.view.purse.amount, amount);
    ui_work_row(ev, N_("Card"), "%s", c.serial);
    ui_work_row(ev, N_("Meter"), "%s", c.view.info.meter);
    ui_work_row(ev, N_("Customer"), "%s", c.view.info.customer);
    ui_work_row(ev, N_("Generation"), "%u", c.view.info.generation);
    ui_work_row(ev, N_("On the card"), "%s, count %u", amount, c.view.purse.count);
    ui_work_row(ev, N_("Verdict"), "%s", mcard_verdict_text(c.verdict));
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
