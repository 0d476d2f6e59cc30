/* The simulated payment provider: a JSON call for tests ("pay this
 * order") and the page a phone opens from the QR code, with a Pay button. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_qr.h"
#include "backoffice/domain/bo_qr_state.h"
#include "backoffice/http/bo_server.h"
#include "core/money.h"

/* The path's order after event (NULL: as it is), under the lock. */
static kerr_t order(bo_req_t *q, const char *event, bo_order_t *o, kmsg_t *msg)
{
    bo_lock(q->s);
    bo_qr_ctx_t c = bo__qr_ctx(q->s);
    kerr_t rc = event ? bo_qr_event(&c, q->arg[0], event, o, msg) : bo_qr_load(&c, q->arg[0], o, msg);
    bo__qr_done(q->s, &c);
    bo_unlock(q->s);
    return rc;
}

void bo_h_qr_sim_pay(bo_req_t *q, bo_resp_t *r)
{
    bo_order_t o;
    kmsg_t msg = {{0}};
    kerr_t rc = order(q, "pay", &o, &msg);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, bo_qr_json(q->s->base_url, &o));
}

static void page(bo_resp_t *r, unsigned status, const bo_order_t *o, const char *note, bool button)
{
    char amount[48] = "";
    const currency_t *cur = currency_find(o->currency);
    if (!cur || !money_format(o->amount, cur, MONEY_RECEIPT, amount, sizeof amount))
        snprintf(amount, sizeof amount, "%lld (minor units) %s", (long long)o->amount, o->currency);
    char *html = malloc(2048);
    if (!html) {
        bo_resp_error(r, 503, "busy", "out of memory: retry");
        return;
    }
    snprintf(html, 2048,
             "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width\"><title>Pay %s</title></head>\n"
             "<body style=\"font-family:sans-serif;text-align:center\">\n"
             "<h1>Prepaid top-up</h1>\n<p>Meter <b>%s</b></p>\n<p style=\"font-size:2em\">%s</p>\n"
             "<p id=\"state\">%s</p>\n%s</body></html>\n",
             amount, o->meter, amount, note,
             button ? "<form method=\"post\"><button type=\"submit\" style=\"font-size:1.5em\">Pay</button></form>\n"
                    : "");
    r->status = status;
    r->body = html;
    r->type = "text/html; charset=utf-8";
}

static const char *note_for(const char *state)
{
    if (strcmp(state, "pending") == 0)
        return "Waiting for payment (simulated provider: no money moves).";
    if (strcmp(state, "paid") == 0)
        return "Paid. The kiosk is sending the credit to the meter.";
    if (strcmp(state, "paid_late") == 0)
        return "Paid after the kiosk stopped waiting: the credit follows at the kiosk's next sync.";
    return strcmp(state, "expired") == 0 ? "This order expired. Paying it now is recorded as a late payment."
                                         : "This order was cancelled. Paying it now is recorded as a late payment.";
}

/* The page after event (NULL: the order as it is), with the Pay button
 * while the order is not paid (and no event was made). */
static void pay_page(bo_req_t *q, bo_resp_t *r, const char *event)
{
    bo_order_t o;
    kmsg_t msg = {{0}};
    kerr_t rc = order(q, event, &o, &msg);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        page(r, 200, &o, note_for(o.state), !event && !bo_qr_is_paid(o.state));
}

void bo_h_pay_page(bo_req_t *q, bo_resp_t *r)
{
    pay_page(q, r, NULL);
}

void bo_h_pay_form(bo_req_t *q, bo_resp_t *r)
{
    pay_page(q, r, "pay");
}
