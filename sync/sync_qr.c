/* The QR payment provider (sync_qr.h): create the order (idempotent by the
 * sale's id), hand its code to the screen, long-poll its state, cancel it
 * on the resident's word or when it runs out; the back office's answer to
 * the cancel decides (200: not paid; 409 order_paid: the money came). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/kjson.h"
#include "base/log.h"
#include "base/timefmt.h"
#include "sync/sync_bill.h"
#include "sync/sync_int.h"
#include "sync/sync_qr.h"

typedef struct qr {
    sync_qr_opts_t opts; /* kiosk_id points at kiosk_id */
    char kiosk_id[128];
    sync_client_t *c;
} qr_t;

static bool known_state(const char *s)
{
    static const char *const states[] = {"pending", "paid", "expired", "cancelled", "paid_late"};
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (strcmp(s, states[i]) == 0)
            return true;
    return false;
}

kerr_t sync_qr_order_parse(const cJSON *o, sync_qr_order_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    if (!sync__str(o, "id", out->id, sizeof out->id) || !out->id[0])
        return kmsg_set(msg, K_EINVAL, "the QR order has no id");
    if (!sync__str(o, "meter", out->meter, sizeof out->meter) || !sync__int(o, "amount", &out->amount) ||
        out->amount <= 0)
        return kmsg_set(msg, K_EINVAL, "QR order %s: no meter or no positive amount", out->id);
    if (!sync__str(o, "state", out->state, sizeof out->state) || !known_state(out->state))
        return kmsg_set(msg, K_EINVAL, "QR order %s: unknown state", out->id);
    sync__str(o, "txn", out->txn, sizeof out->txn);
    sync__str(o, "currency", out->currency, sizeof out->currency);
    sync__str(o, "code_url", out->code_url, sizeof out->code_url);
    sync__str(o, "gave_up", out->gave_up, sizeof out->gave_up);
    char when[32] = "";
    if (sync__str(o, "expires_at", when, sizeof when) && strlen(when) >= 19) {
        when[19] = '\0';
        if (!ktime_parse(when, &out->expires_at))
            out->expires_at = 0;
    }
    return K_OK;
}

/* What the answer to a request about an order says. */
typedef enum qr_said { QR_ORDER, QR_PAID_CONFLICT, QR_REFUSED, QR_NO_ANSWER, QR_NEVER_SENT } qr_said_t;

static qr_said_t order_request(qr_t *q, const char *method, const char *path, const char *body, long timeout_ms,
                               const pt_watch_t *w, sync_qr_order_t *o, kmsg_t *msg)
{
    sync_answer_t a;
    kerr_t rc = sync__request(q->c, method, path, body, timeout_ms, w ? w->cancelled : NULL, w ? w->ctx : NULL,
                              NULL, &a, msg);
    if (rc != K_OK)
        return a.unreachable ? QR_NEVER_SENT : QR_NO_ANSWER;
    qr_said_t said = QR_ORDER;
    const cJSON *order = a.json;
    if (a.status == 409 && strcmp(a.code, "order_paid") == 0) {
        said = QR_PAID_CONFLICT;
        order = cJSON_GetObjectItem(a.json, "order");
    } else if (a.status != 200) {
        sync__refused(&a, msg);
        said = a.status >= 500 ? QR_NO_ANSWER : QR_REFUSED;
    }
    if ((said == QR_ORDER || said == QR_PAID_CONFLICT) && sync_qr_order_parse(order, o, msg) != K_OK)
        said = QR_NO_ANSWER; /* an answer that makes no sense: the outcome is not known */
    sync__answer_free(&a);
    return said;
}

/* The sale's id: the reference up to its ':'. */
static void txn_of(const char *reference, char txn[40])
{
    size_t n = strcspn(reference, ":");
    snprintf(txn, 40, "%.*s", (int)(n < 39 ? n : 39), reference);
}

static qr_said_t create(qr_t *q, const pt_request_t *req, sync_qr_order_t *o, kmsg_t *msg)
{
    char txn[40], path[160];
    txn_of(req->reference, txn);
    cJSON *b = cJSON_CreateObject();
    kjson_add_str(b, "txn", txn);
    kjson_add_str(b, "meter", req->meter);
    kjson_add_int(b, "amount", req->amount);
    kjson_add_str(b, "currency", req->currency);
    kjson_add_int(b, "ttl_seconds", q->opts.ttl_s);
    char *json = kjson_print(b, false);
    cJSON_Delete(b);
    if (!json) {
        kmsg_set(msg, K_EIO, "out of memory");
        return QR_NEVER_SENT;
    }
    snprintf(path, sizeof path, "/v1/kiosks/%s/qr-orders", q->opts.kiosk_id);
    qr_said_t said = order_request(q, "POST", path, json, 0, NULL, o, msg);
    cJSON_free(json);
    return said;
}

static qr_said_t cancel(qr_t *q, const char *id, sync_qr_order_t *o, kmsg_t *msg)
{
    char path[200];
    snprintf(path, sizeof path, "/v1/kiosks/%s/qr-orders/%s/cancel", q->opts.kiosk_id, id);
    return order_request(q, "POST", path, NULL, 0, NULL, o, msg);
}

static bool paid(const sync_qr_order_t *o)
{
    return strcmp(o->state, "paid") == 0 || strcmp(o->state, "paid_late") == 0;
}

/* The provider's result for an order in a final state. */
static void result_of(const sync_qr_order_t *o, pt_result_t *out)
{
    memset(out, 0, sizeof *out);
    out->outcome = paid(o) ? PT_APPROVED : PT_DECLINED;
    out->amount = o->amount;
    snprintf(out->order, sizeof out->order, "%s", o->id);
    snprintf(out->card_type, sizeof out->card_type, "QR");
    snprintf(out->reason, sizeof out->reason, "QR order %s", o->state);
}

/* Ends an order the kiosk no longer waits for: the cancel's answer says
 * whether the money came in meanwhile. */
static pt_err_t settle(qr_t *q, sync_qr_order_t *o, pt_result_t *out, kmsg_t *msg)
{
    if (!paid(o)) {
        sync_qr_order_t after;
        switch (cancel(q, o->id, &after, msg)) {
        case QR_ORDER: *o = after; break;
        case QR_PAID_CONFLICT:
            LOG_I("qr", "order %s: the cancel came after the payment (order_paid)", o->id);
            *o = after;
            break;
        case QR_REFUSED:
        case QR_NO_ANSWER:
        case QR_NEVER_SENT: return PT_UNKNOWN; /* the order may still be paid: ask again later */
        }
    }
    result_of(o, out);
    LOG_I("qr", "order %s: %s", o->id, o->state);
    return PT_OK;
}

static bool cancelled(const pt_watch_t *w)
{
    return w && w->cancelled && w->cancelled(w->ctx);
}

/* Long-polls the order until it leaves pending, the resident cancels or
 * its time (with a margin) is over. */
static void wait_order(qr_t *q, sync_qr_order_t *o, const pt_watch_t *w)
{
    int64_t until = kclock_mono(q->opts.clk) + (q->opts.ttl_s + 5) * 1000;
    char path[200];
    unsigned unanswered = 0;
    snprintf(path, sizeof path, "/v1/kiosks/%s/qr-orders/%s?wait=25", q->opts.kiosk_id, o->id);
    while (strcmp(o->state, "pending") == 0 && !cancelled(w) && kclock_mono(q->opts.clk) < until) {
        sync_qr_order_t now;
        kmsg_t why = {""};
        qr_said_t said = order_request(q, "GET", path, NULL, 35000, w, &now, &why);
        if (said == QR_ORDER)
            *o = now;
        else if (!cancelled(w)) {
            LOG_W("qr", "order %s: no answer while waiting (%s); asking again", o->id, why.text);
            kclock_sleep(q->opts.clk, kretry_delay_ms(&q->opts.wait_retry, ++unanswered));
        }
    }
}

static pt_err_t qr_authorise(void *ctx, const pt_request_t *req, const pt_watch_t *w, pt_result_t *out,
                             kmsg_t *msg)
{
    qr_t *q = ctx;
    sync_qr_order_t o;
    memset(out, 0, sizeof *out);
    switch (create(q, req, &o, msg)) {
    case QR_ORDER: break;
    case QR_NEVER_SENT: return PT_UNREACHABLE;
    case QR_REFUSED:
        out->outcome = PT_DECLINED;
        snprintf(out->reason, sizeof out->reason, "%s", msg->text);
        return PT_OK; /* refused outright: no order, no money */
    case QR_PAID_CONFLICT:
    case QR_NO_ANSWER: return PT_UNKNOWN; /* an order may exist: ask again by the same sale */
    }
    LOG_I("qr", "order %s for %lld: %s", o.id, (long long)o.amount, o.code_url);
    if (w && w->code)
        w->code(w->ctx, o.code_url, o.expires_at ? o.expires_at : kclock_wall(q->opts.clk) + q->opts.ttl_s * 1000);
    if (w && w->prompt)
        w->prompt(w->ctx, PPROMPT_SCAN_QR, "scan the code with your phone to pay");
    wait_order(q, &o, w);
    return settle(q, &o, out, msg);
}

static pt_err_t qr_query(void *ctx, const pt_request_t *req, pt_result_t *out, kmsg_t *msg)
{
    qr_t *q = ctx;
    sync_qr_order_t o;
    switch (create(q, req, &o, msg)) { /* the same sale gets the same order back */
    case QR_ORDER: return settle(q, &o, out, msg);
    case QR_REFUSED: /* no order can exist for it */
        memset(out, 0, sizeof *out);
        out->outcome = PT_DECLINED;
        snprintf(out->reason, sizeof out->reason, "%s", msg->text);
        return PT_OK;
    case QR_PAID_CONFLICT:
    case QR_NO_ANSWER:
    case QR_NEVER_SENT: break;
    }
    return PT_UNKNOWN;
}

static pt_err_t qr_reverse(void *ctx, uint32_t receipt, pt_result_t *out, kmsg_t *msg)
{
    (void)ctx, (void)receipt, (void)msg;
    memset(out, 0, sizeof *out);
    out->outcome = PT_NOT_POSSIBLE;
    snprintf(out->reason, sizeof out->reason, "a QR payment cannot be given back by the kiosk");
    return PT_OK;
}

/* No last transaction: answers "function not possible" while the back
 * office answers at all, which tells whether QR payments can be offered. */
static pt_err_t qr_last(void *ctx, pt_result_t *out, kmsg_t *msg)
{
    qr_t *q = ctx;
    memset(out, 0, sizeof *out);
    if (sync_health(q->c, msg) != K_OK)
        return PT_UNREACHABLE;
    out->outcome = PT_NO_TRANSACTION;
    snprintf(out->reason, sizeof out->reason, "no last transaction: the back office holds the QR orders");
    return PT_OK;
}

static const pt_ops_t qr_ops;

/* The back office answers at all (as qr_last asks): QR payments can be offered. */
static pt_err_t qr_probe(void *ctx, kmsg_t *msg)
{
    return pt_probe_last(&qr_ops, ctx, "the back office answers", msg);
}

static pt_err_t qr_end_of_day(void *ctx, pt_result_t *out, kmsg_t *msg)
{
    (void)ctx, (void)msg;
    memset(out, 0, sizeof *out);
    snprintf(out->reason, sizeof out->reason, "nothing to close: the back office settles QR orders");
    return PT_OK;
}

static void qr_close(void *ctx)
{
    qr_t *q = ctx;
    sync_client_close(q->c);
    free(q);
}

static const pt_ops_t qr_ops = {
    .name = "qr",
    .method = METHOD_QR,
    .authorise = qr_authorise,
    .reverse = qr_reverse,
    .last = qr_last,
    .end_of_day = qr_end_of_day,
    .close = qr_close,
    .query = qr_query,
    .probe = qr_probe,
};

kerr_t sync_qr_open(sync_client_t *link, const sync_qr_opts_t *o, payterm_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    qr_t *q = calloc(1, sizeof *q);
    if (!q) {
        sync_client_close(link);
        return kmsg_set(msg, K_EIO, "out of memory");
    }
    q->c = link;
    q->opts = *o;
    snprintf(q->kiosk_id, sizeof q->kiosk_id, "%s", o->kiosk_id);
    q->opts.kiosk_id = q->kiosk_id;
    out->ops = &qr_ops;
    out->ctx = q;
    return K_OK;
}
