/* The service mode's flow (service.h): the two tables (pages, actions)
 * and the handling of one event. */
#include "core/service.h"

#include <stdio.h>
#include <string.h>

#define NO_PERM PERM_COUNT
#define N_(s) (s) /* an English message id the screens translate */
#define ITEM_NEEDED true

typedef struct page_row {
    const char *name, *label;
    perm_t perm;
} page_row_t;

static const page_row_t pages[SVP_COUNT] = {
    [SVP_OFF] = {"off", "", NO_PERM},
    [SVP_PIN] = {"pin", N_("Staff sign-in"), NO_PERM},
    [SVP_MENU] = {"menu", N_("Service"), NO_PERM},
    [SVP_DEVICES] = {"devices", N_("Devices"), PERM_DIAGNOSTICS},
    [SVP_CASH] = {"cash", N_("Cash box"), PERM_COLLECT_CASH},
    [SVP_PRINTER] = {"printer", N_("Printer"), PERM_DIAGNOSTICS},
    [SVP_METERS] = {"meters", N_("Meters"), PERM_DIAGNOSTICS},
    [SVP_CARDS] = {"cards", N_("Meter cards"), PERM_CARDS},
    [SVP_TXNS] = {"transactions", N_("Transactions"), PERM_DELIVERIES},
    [SVP_SYNC] = {"sync", N_("Back office"), PERM_DIAGNOSTICS},
    [SVP_SETTINGS] = {"settings", N_("Settings"), PERM_SETTINGS},
    [SVP_LOGS] = {"logs", N_("Logs"), PERM_DIAGNOSTICS},
};

typedef struct action_row {
    const char *name, *label;
    svc_page_t page;
    perm_t perm;
    bool item;       /* needs a picked item that allows it */
    int entry;       /* digits it needs typed (0: none) */
    bool reason;     /* asks why first */
} action_row_t;

static const action_row_t actions[SVA_COUNT] = {
    [SVA_NONE] = {"none", "", SVP_OFF, NO_PERM, false, 0, false},
    [SVA_COLLECT] = {"collect", N_("Collect cash"), SVP_CASH, PERM_COLLECT_CASH, false, 0, false},
    [SVA_TEST_PRINT] = {"test_print", N_("Test print"), SVP_PRINTER, PERM_DIAGNOSTICS, false, 0, false},
    [SVA_METER_READ] = {"read", N_("Read"), SVP_METERS, PERM_DIAGNOSTICS, false, 12, false},
    [SVA_TRIP] = {"trip", N_("Cut supply"), SVP_METERS, PERM_DIAGNOSTICS, false, 12, false},
    [SVA_CLOSE] = {"close", N_("Restore supply"), SVP_METERS, PERM_DIAGNOSTICS, false, 12, false},
    [SVA_SCAN] = {"scan", N_("Scan all"), SVP_METERS, PERM_DIAGNOSTICS, false, 0, false},
    [SVA_CARD_READ] = {"card_read", N_("Read card"), SVP_CARDS, PERM_CARDS, false, 0, false},
    [SVA_CARD_ISSUE] = {"issue", N_("Issue card"), SVP_CARDS, PERM_CARDS, false, 12, false},
    [SVA_CARD_REPLACE] = {"replace", N_("Replacement card"), SVP_CARDS, PERM_CARDS, false, 12, false},
    [SVA_RETRY] = {"retry", N_("Retry all now"), SVP_TXNS, PERM_DELIVERIES, false, 0, false},
    [SVA_RESUME] = {"resume", N_("Deliver again"), SVP_TXNS, PERM_DELIVERIES, ITEM_NEEDED, 0, false},
    [SVA_CONFIRM] = {"confirm", N_("Credit arrived"), SVP_TXNS, PERM_DELIVERIES, ITEM_NEEDED, 0, false},
    [SVA_VOID] = {"void", N_("Void"), SVP_TXNS, PERM_VOID, ITEM_NEEDED, 0, true},
    [SVA_ZERO] = {"zero", N_("Zero"), SVP_TXNS, PERM_VOID, ITEM_NEEDED, 0, true},
    [SVA_SYNC_NOW] = {"sync_now", N_("Sync now"), SVP_SYNC, PERM_DIAGNOSTICS, false, 0, false},
    [SVA_RESTART] = {"restart", N_("Restart"), SVP_MENU, PERM_SETTINGS, false, 0, false},
};

static const char *const reasons[SVC_REASONS] = {N_("Meter fault"), N_("Operator error"), N_("Money given back by hand")};

void service_init(service_t *s)
{
    memset(s, 0, sizeof *s);
    s->v.selected = -1;
}

bool service_active(const service_t *s)
{
    return s->v.page != SVP_OFF;
}

const service_view_t *service_view(const service_t *s)
{
    return &s->v;
}

perm_t service_page_perm(svc_page_t p)
{
    return p < SVP_COUNT ? pages[p].perm : NO_PERM;
}

perm_t service_action_perm(svc_action_t a)
{
    return a < SVA_COUNT ? actions[a].perm : NO_PERM;
}

svc_page_t service_action_page(svc_action_t a)
{
    return a < SVA_COUNT ? actions[a].page : SVP_OFF;
}

static bool allowed(perm_set_t perms, perm_t p)
{
    return p == NO_PERM || perm_allows(perms, p);
}

bool service_action_shown(const service_view_t *v, svc_action_t a)
{
    if (a == SVA_NONE || a >= SVA_COUNT || actions[a].page != v->page || !allowed(v->perms, actions[a].perm))
        return false;
    if (actions[a].entry && (int)strlen(v->entry) != actions[a].entry)
        return false;
    if (!actions[a].item)
        return true;
    return v->selected >= 0 && v->selected < v->n_items && (v->items[v->selected].allow & (1u << a));
}

const char *service_reason(int i)
{
    return i >= 0 && i < SVC_REASONS ? reasons[i] : "";
}

const char *service_page_name(svc_page_t p)
{
    return p < SVP_COUNT ? pages[p].name : "?";
}

const char *service_page_label(svc_page_t p)
{
    return p < SVP_COUNT ? pages[p].label : "";
}

const char *service_action_name(svc_action_t a)
{
    return a < SVA_COUNT ? actions[a].name : "?";
}

const char *service_action_label(svc_action_t a)
{
    return a < SVA_COUNT ? actions[a].label : "";
}

svc_page_t service_page_from_name(const char *name)
{
    for (int p = 0; p < SVP_COUNT; p++)
        if (strcmp(pages[p].name, name) == 0)
            return (svc_page_t)p;
    return SVP_COUNT;
}

/* "prefix<n>" with n in [1, max]: n - 1 into *index. */
static bool numbered(const char *id, const char *prefix, int max, int *index)
{
    size_t len = strlen(prefix);
    if (strncmp(id, prefix, len) != 0 || id[len] < '0' || id[len] > '9')
        return false;
    int n = 0;
    for (const char *p = id + len; *p; p++) {
        if (*p < '0' || *p > '9' || n > 100)
            return false;
        n = n * 10 + (*p - '0');
    }
    *index = n - 1;
    return n >= 1 && n <= max;
}

bool service_control_from_id(const char *id, svc_control_t *c, int *index)
{
    static const struct { const char *id; svc_control_t c; } plain[] = {
        {"svc_back", SC_BACK}, {"svc_logout", SC_LOGOUT}, {"svc_ok", SC_OK}, {"del", SC_DEL}, {"clear", SC_CLEAR}};
    *index = 0;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (strcmp(id, plain[i].id) == 0)
            return (*c = plain[i].c), true;
    if (strncmp(id, "key", 3) == 0 && id[3] >= '0' && id[3] <= '9' && !id[4])
        return (*c = SC_KEY), (*index = id[3] - '0'), true;
    if (strncmp(id, "page_", 5) == 0) {
        svc_page_t p = service_page_from_name(id + 5);
        return p < SVP_COUNT && (*c = SC_PAGE, *index = (int)p, true);
    }
    for (int a = 1; strncmp(id, "act_", 4) == 0 && a < SVA_COUNT; a++)
        if (strcmp(id + 4, actions[a].name) == 0)
            return (*c = SC_ACT), (*index = a), true;
    if (numbered(id, "item", SVC_ITEMS, index))
        return (*c = SC_ITEM), true;
    if (numbered(id, "reason", SVC_REASONS, index))
        return (*c = SC_REASON), true;
    return false;
}

/* ---- handling ---- */

static svc_cmd_t *emit(service_t *s, svc_cmd_t *cmds, size_t *n, svc_cmd_kind_t kind)
{
    svc_cmd_t *c = &cmds[(*n)++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->gen = s->gen;
    c->page = s->v.page;
    return c;
}

static void clear_page(service_t *s)
{
    service_view_t *v = &s->v;
    v->n_rows = v->n_items = 0;
    v->qr[0] = '\0';
    v->selected = -1;
    v->asking = SVA_NONE;
    v->entry[0] = v->message[0] = '\0';
    v->message_bad = false;
}

static void go(service_t *s, svc_page_t p, svc_cmd_t *cmds, size_t *n)
{
    clear_page(s);
    s->v.page = p;
    if (p >= SVP_DEVICES) {
        s->v.busy = true;
        emit(s, cmds, n, SVC_LOAD);
    }
}

static void sign_out(service_t *s, svc_cmd_t *cmds, size_t *n)
{
    if (s->v.page >= SVP_MENU || (s->v.page == SVP_PIN && s->v.busy)) /* signed in, or a sign-in on its way */
        emit(s, cmds, n, SVC_SIGN_OUT);
    uint32_t gen = s->gen + 1;
    service_init(s);
    s->gen = gen;
}

static void open_mode(service_t *s, const svc_event_t *ev, svc_cmd_t *cmds, size_t *n)
{
    s->gen++;
    s->v = (service_view_t){.page = SVP_PIN, .busy = true, .selected = -1};
    s->last_touch_ms = ev->now_ms;
    memset(s->corner_ms, 0, sizeof s->corner_ms);
    emit(s, cmds, n, SVC_ENTRY);
}

static bool corner(service_t *s, const svc_event_t *ev, svc_cmd_t *cmds, size_t *n)
{
    if (service_active(s))
        return false;
    memmove(s->corner_ms, s->corner_ms + 1, sizeof s->corner_ms - sizeof s->corner_ms[0]);
    s->corner_ms[SVC_CORNER_TAPS - 1] = ev->now_ms;
    if (s->corner_ms[0] == 0 || ev->now_ms - s->corner_ms[0] > SVC_CORNER_MS)
        return false;
    open_mode(s, ev, cmds, n);
    return true;
}

bool service_page_typing(svc_page_t p)
{
    return p == SVP_PIN || p == SVP_METERS || p == SVP_CARDS;
}

static bool type_digit(service_t *s, const svc_event_t *ev)
{
    service_view_t *v = &s->v;
    size_t len = strlen(v->entry), max = 12;
    if (!service_page_typing(v->page))
        return false;
    if (ev->control == SC_KEY && len < max) {
        v->entry[len] = (char)('0' + ev->index);
        v->entry[len + 1] = '\0';
    } else if (ev->control == SC_DEL && len) {
        v->entry[len - 1] = '\0';
    } else if (ev->control == SC_CLEAR) {
        v->entry[0] = '\0';
    } else {
        return false;
    }
    return true;
}

static void sign_in(service_t *s, svc_cmd_t *cmds, size_t *n)
{
    service_view_t *v = &s->v;
    svc_cmd_t *c = emit(s, cmds, n, SVC_SIGN_IN);
    snprintf(c->pin, sizeof c->pin, "%s", v->entry);
    memset(v->entry, 0, sizeof v->entry);
    v->busy = true;
    v->message[0] = '\0';
}

static void act(service_t *s, svc_action_t a, const char *reason, svc_cmd_t *cmds, size_t *n)
{
    service_view_t *v = &s->v;
    svc_cmd_t *c = emit(s, cmds, n, SVC_ACT);
    c->action = a;
    c->reason = reason;
    snprintf(c->entry, sizeof c->entry, "%s", v->entry);
    if (v->selected >= 0)
        snprintf(c->item, sizeof c->item, "%s", v->items[v->selected].id);
    v->asking = SVA_NONE;
    v->busy = true;
    v->message[0] = '\0';
}

static void pick(service_t *s, int i, svc_cmd_t *cmds, size_t *n)
{
    service_view_t *v = &s->v;
    if (i >= v->n_items)
        return;
    if (v->page == SVP_TXNS) {
        v->selected = i;
        v->asking = SVA_NONE;
        v->busy = true;
        snprintf(emit(s, cmds, n, SVC_LOAD)->item, sizeof cmds[0].item, "%s", v->items[i].id);
    }
}

static void back(service_t *s, svc_cmd_t *cmds, size_t *n)
{
    service_view_t *v = &s->v;
    if (v->page == SVP_PIN || v->page == SVP_MENU)
        sign_out(s, cmds, n);
    else if (v->asking != SVA_NONE)
        v->asking = SVA_NONE;
    else
        go(s, SVP_MENU, cmds, n);
}

static bool tap(service_t *s, const svc_event_t *ev, svc_cmd_t *cmds, size_t *n)
{
    service_view_t *v = &s->v;
    s->last_touch_ms = ev->now_ms;
    if (ev->control == SC_LOGOUT) {
        sign_out(s, cmds, n);
        return true;
    }
    if (v->busy)
        return false;
    int i = ev->index;
    if (ev->control == SC_BACK) {
        back(s, cmds, n);
    } else if (ev->control == SC_OK) {
        if (v->page != SVP_PIN || strlen(v->entry) < 4)
            return false;
        sign_in(s, cmds, n);
    } else if (ev->control == SC_ITEM) {
        pick(s, i, cmds, n);
    } else if (ev->control == SC_PAGE) {
        if (v->page != SVP_MENU || i < SVP_DEVICES || i >= SVP_COUNT || !allowed(v->perms, pages[i].perm))
            return false;
        go(s, (svc_page_t)i, cmds, n);
    } else if (ev->control == SC_ACT) {
        if (!service_action_shown(v, (svc_action_t)i))
            return false;
        if (actions[i].reason)
            v->asking = (svc_action_t)i;
        else
            act(s, (svc_action_t)i, NULL, cmds, n);
    } else if (ev->control == SC_REASON) {
        if (v->asking == SVA_NONE || i < 0 || i >= SVC_REASONS)
            return false;
        act(s, v->asking, reasons[i], cmds, n);
    } else {
        return type_digit(s, ev);
    }
    return true;
}

static void take_data(service_view_t *v, const svc_event_t *ev)
{
    v->n_rows = ev->n_rows < SVC_ROWS ? ev->n_rows : SVC_ROWS;
    snprintf(v->qr, sizeof v->qr, "%s", ev->qr);
    memcpy(v->rows, ev->rows, sizeof v->rows[0] * (size_t)v->n_rows);
    if (ev->keep_items)
        return;
    v->n_items = ev->n_items < SVC_ITEMS ? ev->n_items : SVC_ITEMS;
    memcpy(v->items, ev->items, sizeof v->items[0] * (size_t)v->n_items);
    v->selected = -1;
}

static bool answer(service_t *s, const svc_event_t *ev)
{
    service_view_t *v = &s->v;
    if (ev->gen != s->gen || !service_active(s))
        return false;
    v->busy = false;
    snprintf(v->message, sizeof v->message, "%s", ev->text);
    v->message_bad = !ev->ok;
    if (ev->kind == SVE_SIGNED && ev->ok) {
        clear_page(s);
        v->page = SVP_MENU;
        v->perms = ev->perms;
        snprintf(v->operator_name, sizeof v->operator_name, "%s", ev->name);
    } else {
        take_data(v, ev);
    }
    return true;
}

bool service_handle(service_t *s, const svc_event_t *ev, svc_cmd_t cmds[SVC_MAX_CMDS], size_t *n)
{
    *n = 0;
    if (ev->kind == SVE_CORNER)
        return corner(s, ev, cmds, n);
    if (ev->kind == SVE_TAP)
        return service_active(s) && tap(s, ev, cmds, n);
    if (ev->kind != SVE_TICK)
        return answer(s, ev);
    if (!service_active(s) || ev->now_ms - s->last_touch_ms < SVC_IDLE_MS || s->v.busy)
        return false;
    sign_out(s, cmds, n);
    return true;
}
