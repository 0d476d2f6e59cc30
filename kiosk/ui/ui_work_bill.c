/* Paying a post-paid account's bill at the touchscreen, on the worker's
 * thread (docs/billing.md, "At the kiosk"): whether the back office
 * answers (the offer on attract), what the account owes (asked before any
 * money is taken), the payment opened as the engine's bill payment, and
 * its receipt with the bills it pays. */
#include <stdio.h>
#include <string.h>

#include "kiosk/ui/ui_worker.h"
#include "sync/sync_bill.h"

/* The link to the back office, opened at first use; NULL without one. */
static sync_client_t *link_of(ui_work_t *w)
{
    kmsg_t msg;
    if (!w->link && w->site->base.cfg->sync_url[0] && sync_client_open(w->site->base.cfg, &w->link, &msg) != K_OK) {
        fprintf(stderr, "kiosk: the back office's link: %s\n", msg.text);
        w->link = NULL;
    }
    return w->link;
}

bool ui_work_bills_offered(ui_work_t *w)
{
    sync_client_t *c = link_of(w);
    kmsg_t msg;
    return c && sync_health(c, &msg) == K_OK;
}

/* The back office's answer, as much of it as the session keeps. */
static void keep(const sync_due_t *d, session_bill_t *b)
{
    memset(b, 0, sizeof *b);
    snprintf(b->account, sizeof b->account, "%s", d->account);
    snprintf(b->currency, sizeof b->currency, "%s", d->currency);
    b->owed = d->owed;
    b->more = d->more;
    for (int i = 0; i < d->n; i++) {
        if (b->n == SESSION_BILLS) {
            b->more++;
            continue;
        }
        receipt_bill_t *x = &b->bill[b->n++];
        snprintf(x->from, sizeof x->from, "%s", d->bill[i].from);
        snprintf(x->to, sizeof x->to, "%s", d->bill[i].to);
        x->due = d->bill[i].due;
    }
}

void ui_work_ask_due(ui_work_t *w, const session_cmd_t *cmd)
{
    static sync_due_t d; /* the worker's thread alone */
    session_event_t ev = {.kind = SEV_DUE, .gen = cmd->gen};
    sync_client_t *c = link_of(w);
    kmsg_t msg = {""};
    kerr_t rc = c ? sync_account_due(c, w->site->base.ledger, cmd->account, &d, &msg)
                  : kmsg_set(&msg, K_ENOTFOUND, "no back office (sync.url)");
    if (rc == K_OK)
        rc = sync_bill_payable(&d, d.owed, &msg);
    if (rc == K_OK && strcmp(d.currency, w->site->base.cfg->currency->code) != 0) /* the bills' currency, once there are any */
        rc = kmsg_set(&msg, K_EIO, "account %s is billed in %s, the kiosk takes %s", cmd->account, d.currency,
                      w->site->base.cfg->currency->code);
    ev.ok = rc == K_OK;
    ev.reason = session_reason_of(CMD_ASK_DUE, rc);
    if (ev.ok)
        keep(&d, &ev.bill);
    else
        fprintf(stderr, "kiosk: account %s (%s): %s\n", cmd->account, session_reason_name(ev.reason), msg.text);
    w->due = ev.bill; /* what the receipt says was owed */
    w->post(w->post_ctx, &ev);
}

kerr_t ui_work_open_bill(ui_work_t *w, const session_cmd_t *cmd, char txn[37], session_reason_t *why, kmsg_t *msg)
{
    if (strcmp(w->due.account, cmd->account) != 0 || cmd->amount <= 0 || cmd->amount > w->due.owed) {
        *why = REASON_FAILED;
        return kmsg_set(msg, K_ESTATE, "account %s: what it owes was not asked first", cmd->account);
    }
    receipt_bills_t due = {.account = cmd->account, .known = true, .owed = w->due.owed, .n = w->due.n,
                           .bill = w->due.bill}; /* kept with the sale: every receipt of it names the bills */
    kerr_t rc = engine_bill_open(&w->site->base.engine, cmd->account, cmd->method, cmd->amount, &due, txn, msg);
    *why = session_reason_of(CMD_OPEN_SALE, rc);
    return rc;
}

bool ui_work_print_bill(ui_work_t *w, const session_cmd_t *cmd, kmsg_t *msg)
{
    return engine_print_receipt(&w->site->base.engine, &w->site->printer, cmd->txn, "kiosk", msg) == K_OK;
}

void ui_work_bill_close(ui_work_t *w)
{
    sync_client_close(w->link);
    w->link = NULL;
}
