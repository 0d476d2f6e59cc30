/* The service mode's commands on the worker's thread (docs/service.md):
 * signing in with a PIN alone (the worker finds whose it is), and each
 * action, checked against the operator's permissions again here and
 * written to the audit log with the operator. The engine does the work; this only words the answer. */
#include <stdio.h>
#include <string.h>

#include "kiosk/ui/ui_worker.h"
#include "provisioning/identity_signer.h"
#include "sync/sync_client.h"

#define N_(s) (s)
#define REASON_CHECKED "checked the evidence at the service screen"

static void answer(ui_work_t *w, const svc_cmd_t *cmd, svc_event_t *ev)
{
    ev->gen = cmd->gen;
    w->post_svc(w->post_ctx, ev);
}

static void say(svc_event_t *ev, bool ok, const char *text)
{
    ev->ok = ok;
    snprintf(ev->text, sizeof ev->text, "%s", text);
}

/* A locked entry's message and when it opens again. */
static void locked(svc_event_t *ev, int64_t until)
{
    say(ev, false, N_("Too many wrong PINs: the service mode is locked for a while."));
    ui_work_add(ev, N_("Opens again at"), SVV_TIME)->at = until;
}

/* Whether the entry is open: an operator exists, no lockout. No names. */
static void entry(ui_work_t *w, const svc_cmd_t *cmd)
{
    svc_event_t ev = {.kind = SVE_ENTRY, .ok = true};
    kmsg_t msg;
    site_t *s = &w->site->base;
    int64_t n = 0, until = 0;
    if (ledger_operator_count(s->ledger, &n, &msg) != K_OK || staff_entry_locked(s->ledger, s->engine.clk, &until,
                                                                                 &msg) != K_OK)
        say(&ev, false, msg.text);
    else if (!n)
        say(&ev, false, N_("No operator can sign in yet: make one with kioskctl operator add."));
    else if (until)
        locked(&ev, until);
    else
        say(&ev, true, N_("Type your PIN, then touch Sign in."));
    answer(w, cmd, &ev);
}

static void sign_in(ui_work_t *w, const svc_cmd_t *cmd)
{
    svc_event_t ev = {.kind = SVE_SIGNED};
    kmsg_t msg;
    site_t *s = &w->site->base;
    int64_t until = 0;
    w->signed_in = staff_login_code(s->ledger, s->engine.clk, cmd->pin, &w->staff, &until, &msg) == K_OK;
    if (w->signed_in) {
        ev.ok = true;
        ev.perms = w->staff.perms;
        snprintf(ev.name, sizeof ev.name, "%s", w->staff.name);
        fprintf(stderr, "kiosk: service mode: %s signed in\n", w->staff.name);
    } else { /* the detail to the log, in English; the screen says only that the PIN was not accepted */
        fprintf(stderr, "kiosk: service mode: %s\n", msg.text);
        if (until)
            locked(&ev, until);
        else
            say(&ev, false, N_("The PIN was not accepted."));
    }
    answer(w, cmd, &ev);
}

static void sign_out(ui_work_t *w)
{
    kmsg_t msg;
    if (w->signed_in && ledger_audit(w->site->base.ledger, w->staff.actor, "logout", w->staff.name, "service mode",
                                     "", &msg) != K_OK)
        fprintf(stderr, "kiosk: service mode: %s\n", msg.text);
    w->signed_in = false;
    memset(&w->staff, 0, sizeof w->staff);
}

/* K_OK if an operator is signed in and holds p (PERM_COUNT: none needed). */
static kerr_t may(ui_work_t *w, perm_t p, kmsg_t *msg)
{
    if (!w->signed_in)
        return kmsg_set(msg, K_EDENIED, "sign in first");
    return p == PERM_COUNT ? K_OK : staff_require(&w->staff, p, msg);
}

/* The actions that only say what happened in the audit log (the engine
 * audits the rest itself). */
static void audit(ui_work_t *w, const char *action, const char *target, const char *detail)
{
    kmsg_t msg;
    if (ledger_audit(w->site->base.ledger, w->staff.actor, action, target, "service mode", detail, &msg) != K_OK)
        fprintf(stderr, "kiosk: service mode: %s\n", msg.text);
}

static kerr_t collect(ui_work_t *w, svc_event_t *ev, kmsg_t *msg)
{
    ledger_cash_report_t r;
    bool printed;
    msg->text[0] = '\0';
    kerr_t rc = engine_collect(&w->site->base.engine, &w->site->printer, w->staff.actor, &r, &printed, msg);
    if (rc == K_OK)
        say(ev, true, printed ? N_("Cash collected. The Z report is printed.") : msg->text);
    return rc;
}

static kerr_t test_print(ui_work_t *w, svc_event_t *ev, kmsg_t *msg)
{
    printer_status_t st;
    printer_doc_t doc;
    printer_style_t centre = {PRINTER_CENTRE, true, 1, 1};
    printer_doc_init(&doc);
    kerr_t rc = engine_printer_ready(&w->site->printer, &st, msg);
    if (rc == K_OK && (rc = printer_doc_text(&doc, centre, "打印测试 PRINTER TEST", msg)) == K_OK &&
        (rc = printer_doc_text(&doc, PRINTER_STYLE_NORMAL, w->staff.name, msg)) == K_OK &&
        (rc = printer_doc_feed(&doc, 3, msg)) == K_OK && (rc = printer_doc_cut(&doc, true, msg)) == K_OK &&
        w->site->printer.ops->print(w->site->printer.ctx, &doc, msg) != PRINTER_OK)
        rc = K_EDEVICE;
    printer_doc_free(&doc);
    if (rc == K_OK) {
        audit(w, "printer_test", "printer", "");
        say(ev, true, N_("The test page is printed."));
    }
    return rc;
}

static kerr_t relay(ui_work_t *w, const svc_cmd_t *cmd, svc_event_t *ev, kmsg_t *msg)
{
    gw_relay_t r = cmd->action == SVA_TRIP ? GW_RELAY_TRIP : GW_RELAY_CLOSE;
    kerr_t rc = engine_relay(&w->site->base.engine, cmd->entry, r, w->staff.actor, "service mode", msg);
    engine_meter_profile_t p = {0};
    kmsg_t ignore;
    if (rc == K_OK)
        engine_meter_profile(&w->site->base.engine, cmd->entry, kclock_wall(w->site->base.engine.clk), &p, &ignore);
    if (rc == K_OK && p.kind == METER_WATER)
        say(ev, true, r == GW_RELAY_TRIP ? N_("The valve is closed.") : N_("The valve is open."));
    else if (rc == K_OK)
        say(ev, true, r == GW_RELAY_TRIP ? N_("The supply is cut.") : N_("The supply is restored."));
    return rc;
}

static kerr_t card_issue(ui_work_t *w, const svc_cmd_t *cmd, svc_event_t *ev, kmsg_t *msg)
{
    site_t *s = &w->site->base;
    const registry_entry_t *entry = registry_find(&s->registry, cmd->entry);
    bool replace = cmd->action == SVA_CARD_REPLACE;
    if (!replace && !entry)
        return kmsg_set(msg, K_ENOTFOUND, "meter %s is not in the registry: its customer is not known", cmd->entry);
    engine_mcard_issue_t req = {.meter = cmd->entry, .customer = entry ? entry->customer : "", .replace = replace,
                                .lost_generation = -1, .operator_name = w->staff.actor,
                                .reason = replace ? "lost card replaced at the service screen"
                                                  : "new account card at the service screen"};
    engine_mcard_t card;
    kerr_t rc = engine_mcard_issue(&s->engine, &req, &card, msg);
    if (rc == K_OK) {
        ui_work_row(ev, N_("Card"), "%s", card.serial);
        ui_work_row(ev, N_("Meter"), "%s", card.view.info.meter);
        ui_work_row(ev, N_("Generation"), "%u", card.view.info.generation);
        say(ev, true, replace ? N_("The replacement card is ready; the lost card is refused from now on.")
                              : N_("The card is issued."));
    }
    return rc;
}

static kerr_t sync_now(ui_work_t *w, svc_event_t *ev, kmsg_t *msg)
{
    sync_client_t *sc;
    identity_signer_t key;
    kerr_t rc = sync_client_open(w->site->base.cfg, &sc, msg);
    if (rc)
        return rc;
    sync_client_set_signer(sc, identity_signer(&key, w->site->base.cfg));
    sync_upload_result_t r;
    int sent = 0;
    do {
        rc = sync_upload(sc, w->site->base.ledger, &r, msg);
        sent += r.sent;
    } while (rc == K_OK && r.sent > 0);
    sync_client_close(sc);
    audit(w, "sync_now", "back office", "");
    if (rc == K_OK) {
        ui_work_row(ev, N_("Rows sent"), "%d", sent);
        say(ev, true, N_("The outbox is uploaded."));
    }
    return rc;
}

/* What settling a sale came to, for the screen to word. */
static const char *fixed_words(txn_state_t st)
{
    if (st == TXN_DELIVERY_PENDING)
        return N_("Sent again: the sale is waiting for the meter.");
    if (st == TXN_DELIVERED)
        return N_("Settled: the credit is on the meter.");
    if (st == TXN_VOIDED)
        return N_("Settled: the sale is void; the money is settled by hand.");
    if (st == TXN_CANCELLED || st == TXN_REFUNDED)
        return N_("Settled: the sale is closed as not credited.");
    return N_("Settled.");
}

static kerr_t fix(ui_work_t *w, const svc_cmd_t *cmd, svc_event_t *ev, kmsg_t *msg)
{
    static const engine_fix_t fixes[SVA_COUNT] = {[SVA_RESUME] = ENGINE_FIX_RESUME, [SVA_CONFIRM] = ENGINE_FIX_CONFIRM,
                                                 [SVA_VOID] = ENGINE_FIX_VOID, [SVA_ZERO] = ENGINE_FIX_ZERO};
    ledger_txn_t after;
    const char *reason = cmd->reason ? cmd->reason : REASON_CHECKED;
    kerr_t rc = engine_fix(&w->site->base.engine, cmd->item, fixes[cmd->action], w->staff.actor, reason, &after, msg);
    if (rc == K_OK)
        say(ev, true, fixed_words(after.state));
    return rc;
}

static kerr_t retry(ui_work_t *w, svc_event_t *ev, kmsg_t *msg)
{
    int done = 0;
    kerr_t rc = engine_retry_due(&w->site->base.engine, &done, msg);
    audit(w, "retry_now", "deliveries", "");
    if (rc == K_OK) {
        ui_work_row(ev, N_("Delivered now"), "%d", done);
        say(ev, true, N_("The pending deliveries were tried."));
    }
    return rc;
}

/* Carries out an action the operator may do; rows it shows go into ev. */
static kerr_t carry_out(ui_work_t *w, const svc_cmd_t *cmd, svc_event_t *ev, kmsg_t *msg)
{
    switch (cmd->action) {
    case SVA_COLLECT: return collect(w, ev, msg);
    case SVA_TEST_PRINT: return test_print(w, ev, msg);
    case SVA_METER_READ:
    case SVA_SCAN:
    case SVA_CARD_READ: return ui_work_read(w, cmd, ev, msg);
    case SVA_TRIP:
    case SVA_CLOSE: return relay(w, cmd, ev, msg);
    case SVA_CARD_ISSUE:
    case SVA_CARD_REPLACE: return card_issue(w, cmd, ev, msg);
    case SVA_RETRY: return retry(w, ev, msg);
    case SVA_RESUME:
    case SVA_CONFIRM:
    case SVA_VOID:
    case SVA_ZERO: return fix(w, cmd, ev, msg);
    case SVA_SYNC_NOW: return sync_now(w, ev, msg);
    case SVA_RESTART:
        audit(w, "restart", "kiosk", "");
        ev->quit = true;
        say(ev, true, N_("The kiosk restarts."));
        return K_OK;
    case SVA_NONE:
    case SVA_COUNT: break;
    }
    return kmsg_set(msg, K_EINVAL, "no such action");
}

static void act(ui_work_t *w, const svc_cmd_t *cmd)
{
    svc_event_t ev = {.kind = SVE_DONE};
    kmsg_t msg = {""};
    kerr_t rc = may(w, service_action_perm(cmd->action), &msg);
    if (rc == K_OK)
        rc = carry_out(w, cmd, &ev, &msg);
    if (rc != K_OK) {
        fprintf(stderr, "kiosk: service mode: %s: %s\n", service_action_name(cmd->action), msg.text);
        say(&ev, false, msg.text);
    }
    if (!ev.n_rows) /* the page as it is now */
        ui_work_page(w, cmd->page, NULL, &ev);
    answer(w, cmd, &ev);
}

static void load(ui_work_t *w, const svc_cmd_t *cmd)
{
    svc_event_t ev = {.kind = SVE_PAGE, .ok = true, .keep_items = cmd->item[0] != '\0'};
    kmsg_t msg;
    if (may(w, service_page_perm(cmd->page), &msg) == K_OK)
        ui_work_page(w, cmd->page, cmd->item[0] ? cmd->item : NULL, &ev);
    else
        say(&ev, false, msg.text);
    answer(w, cmd, &ev);
}

void ui_work_service(ui_work_t *w, const svc_cmd_t *cmd)
{
    switch (cmd->kind) {
    case SVC_ENTRY: entry(w, cmd); break;
    case SVC_SIGN_IN: sign_in(w, cmd); break;
    case SVC_LOAD: load(w, cmd); break;
    case SVC_ACT: act(w, cmd); break;
    case SVC_SIGN_OUT: sign_out(w); break;
    case SVC_CMD_COUNT: break;
    }
}
