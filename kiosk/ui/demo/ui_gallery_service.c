/* The gallery's service-mode scenes: the service mode fed fixed events
 * (the hidden corner, the entry open or locked, a sign-in, pages with
 * their rows),
 * drawn and saved like the resident's screens. */
#include <stdio.h>
#include <string.h>

#include "kiosk/ui/demo/ui_demo.h"

#define TXN_A "3f2c1a9e-5b7d-4c2e-9a10-6d8e2f4b7c01"
#define TXN_B "7a01c3d2-2e4f-4b6a-8c9d-0e1f2a3b4c5d"

typedef struct svc_scene {
    const char *name;
    svc_page_t page; /* where the scene must end */
    const char *steps;
} svc_scene_t;

#define SIGNED_IN "c c c E t:key2 t:key4 t:key6 t:key8 t:svc_ok "

/* Steps: "c" a touch on the hidden corner, "E" the entry open, "W" a
 * wrong PIN that locks the entry, "S:all" or
 * "S:cash" signed in with every permission or a collector's, "t:ID" a
 * tap, "G:NAME" a page's answer (cash, txns, txn, meter, devices, logs),
 * "X" an action's answer (the Z report collected). */
static const svc_scene_t scenes[] = {
    {"service-pin", SVP_PIN, "c c c E t:key2 t:key4 t:key6"},
    {"service-pin-locked", SVP_PIN, "c c c E t:key1 t:key1 t:key1 t:key1 t:svc_ok W"},
    {"service-menu", SVP_MENU, SIGNED_IN "S:all"},
    {"service-menu-collector", SVP_MENU, SIGNED_IN "S:cash"},
    {"service-cash", SVP_CASH, SIGNED_IN "S:all t:page_cash G:cash"},
    {"service-cash-collected", SVP_CASH, SIGNED_IN "S:all t:page_cash G:cash t:act_collect X"},
    {"service-transactions", SVP_TXNS, SIGNED_IN "S:all t:page_transactions G:txns"},
    {"service-transaction", SVP_TXNS, SIGNED_IN "S:all t:page_transactions G:txns t:item1 G:txn"},
    {"service-void-reason", SVP_TXNS, SIGNED_IN "S:all t:page_transactions G:txns t:item1 G:txn t:act_void"},
    {"service-meters", SVP_METERS, SIGNED_IN "S:all t:page_meters G:meter"},
    {"service-devices", SVP_DEVICES, SIGNED_IN "S:all t:page_devices G:devices"},
    {"service-logs", SVP_LOGS, SIGNED_IN "S:all t:page_logs G:logs"},
    {"service-settings", SVP_SETTINGS, SIGNED_IN "S:all t:page_settings G:settings"},
};

/* A row as the worker makes it (kiosk/ui/ui_work_pages.c): typed facts,
 * data as text. */
static svc_row_t *row(svc_event_t *ev, const char *label, svc_value_t kind, const char *value)
{
    svc_row_t *r = &ev->rows[ev->n_rows++];
    *r = (svc_row_t){.kind = kind};
    snprintf(r->label, sizeof r->label, "%s", label);
    snprintf(r->value, sizeof r->value, "%s", value);
    return r;
}

/* A row of numbers: n and m, or a time (n, for SVV_TIME). */
static void nums(svc_event_t *ev, const char *label, svc_value_t kind, int64_t n, int64_t m)
{
    svc_row_t *r = row(ev, label, kind, "");
    if (kind == SVV_TIME) {
        r->at = n;
    } else {
        r->n = n;
        r->m = m;
    }
}

static svc_item_t *item(svc_event_t *ev, const char *id, const char *text, uint32_t allow)
{
    svc_item_t *it = &ev->items[ev->n_items++];
    *it = (svc_item_t){.allow = allow};
    snprintf(it->id, sizeof it->id, "%s", id);
    snprintf(it->text, sizeof it->text, "%s", text);
    return it;
}

/* A sale to settle: its short id and meter, what was paid, its state. */
static void sale(svc_event_t *ev, const char *id, const char *text, int64_t paid, const char *state, uint32_t allow)
{
    svc_item_t *it = item(ev, id, text, allow);
    it->has_amount = true;
    it->amount = paid;
    snprintf(it->word, sizeof it->word, "%s", state);
}

static void audit(svc_event_t *ev, const char *at, const char *who, const char *action, const char *target)
{
    svc_row_t *r = row(ev, at, SVV_AUDIT, who);
    r->label_is_data = true;
    snprintf(r->word, sizeof r->word, "%s", action);
    snprintf(r->extra, sizeof r->extra, "%s", target);
}

#define SINCE_MS INT64_C(1795888800000) /* 2026-11-28 18:00 UTC */
#define PAID_MS INT64_C(1796465400000)  /* 2026-12-05 10:10 UTC, the resident gallery's sale */

static void txn_rows(svc_event_t *ev)
{
    ev->keep_items = true;
    row(ev, "Sale", SVV_TEXT, TXN_A);
    row(ev, "State", SVV_WORD, "parked: staff must settle it");
    row(ev, "Why", SVV_REASON, "read_back_failed: the meter's answer was lost; read-back failed");
    svc_row_t *r = row(ev, "Meter", SVV_METER, "000000000001");
    snprintf(r->word, sizeof r->word, "remote");
    r = row(ev, "Paid", SVV_PAID, "");
    snprintf(r->word, sizeof r->word, "Cash");
    r->m = 5000;
    r->at = PAID_MS;
    r = row(ev, "Attempt", SVV_ATTEMPT, "timeout");
    r->n = 8;
    r->m = -1;
    r = row(ev, "Last reading", SVV_READING, "");
    r->n = 7;
    r->m = 830;
    r->at = PAID_MS - 20000;
}

static void page(svc_event_t *ev, const char *name)
{
    ev->kind = SVE_PAGE;
    ev->ok = true;
    if (strcmp(name, "cash") == 0) {
        nums(ev, "Since", SVV_TIME, SINCE_MS, 0);
        nums(ev, "Cash in the box", SVV_MONEY, 26000, 0);
        nums(ev, "Cash box out / in", SVV_PAIR, 0, 0);
        nums(ev, "Cash", SVV_NOTES, 3, 2000);
        nums(ev, "Cash", SVV_NOTES, 4, 5000);
        nums(ev, "Bank card", SVV_TAKEN, 2, 15000);
    } else if (strcmp(name, "txns") == 0) {
        uint32_t parked = 1u << SVA_RESUME | 1u << SVA_CONFIRM | 1u << SVA_VOID | 1u << SVA_ZERO;
        sale(ev, TXN_A, "3F2C1A9E  000000000001", 5000, "parked", parked);
        sale(ev, TXN_B, "7A01C3D2  000000000002", 2000, "pending", 1u << SVA_VOID | 1u << SVA_ZERO);
        nums(ev, "To settle", SVV_COUNT, 2, 0);
    } else if (strcmp(name, "txn") == 0) {
        txn_rows(ev);
    } else if (strcmp(name, "meter") == 0) {
        nums(ev, "Registered meters", SVV_COUNT, 3, 0);
    } else if (strcmp(name, "devices") == 0) {
        row(ev, "Bill acceptor", SVV_WORD, "ok");
        row(ev, "Card terminal", SVV_WORD, "ok");
        row(ev, "QR payments", SVV_WORD, "none");
        row(ev, "Printer", SVV_WORD, "paper near its end");
        row(ev, "Card reader", SVV_WORD, "ok");
        row(ev, "Meter gateway", SVV_TEXT, "dlt645 127.0.0.1:7601");
    } else if (strcmp(name, "settings") == 0) {
        row(ev, "Kiosk", SVV_TEXT, "-");
        row(ev, "Site", SVV_TEXT, "market-hall-east");
        nums(ev, "Purchase limits", SVV_RANGE, 100, 500000);
        nums(ev, "Idle timeout", SVV_SECONDS, 60, 0);
        row(ev, "Enrolled", SVV_WORD, "not yet");
        row(ev, "Enrolment code", SVV_TEXT, "7HAM-RLT6-J6IG-ULYN");
        snprintf(ev->qr, sizeof ev->qr, "7HAM-RLT6-J6IG-ULYN");
    } else if (strcmp(name, "logs") == 0) {
        audit(ev, "09:41:07", "alice", "login", "alice");
        audit(ev, "09:40:51", "bob", "cash_collect", "cash box");
        audit(ev, "09:12:30", "bob", "card_issue", "4B50000000000002");
    }
}

static svc_event_t answer(char code, const char *arg, uint32_t gen)
{
    svc_event_t ev = {.gen = gen};
    if (code == 'E') {
        ev.kind = SVE_ENTRY;
        ev.ok = true;
        snprintf(ev.text, sizeof ev.text, "Type your PIN, then touch Sign in.");
    } else if (code == 'W') {
        ev.kind = SVE_SIGNED;
        snprintf(ev.text, sizeof ev.text, "Too many wrong PINs: the service mode is locked for a while.");
        nums(&ev, "Opens again at", SVV_TIME, PAID_MS + 600000, 0);
    } else if (code == 'S') {
        ev.kind = SVE_SIGNED;
        ev.ok = true;
        ev.perms = strcmp(arg, "all") == 0 ? PERM_ALL : (1u << PERM_COLLECT_CASH | 1u << PERM_REPRINT);
        snprintf(ev.name, sizeof ev.name, "alice");
    } else if (code == 'G') {
        page(&ev, arg);
    } else if (code == 'X') {
        ev.kind = SVE_DONE;
        ev.ok = true;
        snprintf(ev.text, sizeof ev.text, "Cash collected. The Z report is printed.");
        nums(&ev, "Since", SVV_TIME, PAID_MS + 27731000, 0);
        nums(&ev, "Cash in the box", SVV_MONEY, 0, 0);
    }
    return ev;
}

static void play(ui_app_t *a, const svc_scene_t *sc)
{
    char steps[256];
    snprintf(steps, sizeof steps, "%s", sc->steps);
    int64_t t = 1;
    for (char *save = NULL, *s = strtok_r(steps, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
        svc_cmd_t cmds[SVC_MAX_CMDS];
        size_t n;
        svc_event_t ev = {.kind = SVE_CORNER};
        if (s[0] == 't') {
            ev.kind = SVE_TAP;
            service_control_from_id(s + 2, &ev.control, &ev.index);
        } else if (s[0] != 'c') {
            ev = answer(s[0], s[1] == ':' ? s + 2 : "", a->service.gen);
        }
        ev.now_ms = t++;
        if (service_handle(&a->service, &ev, cmds, &n))
            a->dirty = true;
    }
}

int ui_gallery_service(ui_app_t *a, session_lang_t lang, ui_gallery_each_t each, void *ctx)
{
    int problems = 0;
    for (size_t i = 0; i < sizeof scenes / sizeof scenes[0]; i++) {
        service_init(&a->service);
        play(a, &scenes[i]);
        const service_view_t *v = service_view(&a->service);
        if (v->page != scenes[i].page) {
            fprintf(stderr, "kiosk: gallery: scene %s ended on service:%s, not service:%s\n", scenes[i].name,
                    service_page_name(v->page), service_page_name(scenes[i].page));
            problems++;
        }
        int n = each(a, ctx, scenes[i].name, lang);
        if (n < 0)
            return -1;
        problems += n;
    }
    service_init(&a->service);
    return problems;
}
