/* Notices: fetched, late QR payments and QR refunds booked, then
 * acknowledged (sync_notice.h). */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "sync/sync_int.h"
#include "sync/sync_notice.h"

size_t sync_notices_parse(const cJSON *arr, sync_notice_t *out, size_t max)
{
    size_t n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (n >= max)
            break;
        sync_notice_t *x = &out[n];
        memset(x, 0, sizeof *x);
        kmsg_t why = {""};
        if (!sync__int(it, "id", &x->id) || !sync__str(it, "kind", x->kind, sizeof x->kind)) {
            LOG_W("sync", "a notice without id or kind is skipped");
            continue;
        }
        const cJSON *body = cJSON_GetObjectItem(it, "body");
        if ((strcmp(x->kind, "qr_paid_late") == 0 && sync_qr_order_parse(body, &x->order, &why) != K_OK) ||
            (strcmp(x->kind, "qr_refunded") == 0 && sync_qr_refund_parse(body, &x->refund, &why) != K_OK)) {
            LOG_W("sync", "notice %lld skipped: %s", (long long)x->id, why.text);
            continue;
        }
        n++;
    }
    return n;
}

kerr_t sync_notices_fetch(sync_client_t *c, ledger_t *l, sync_notice_t *out, size_t max, size_t *n, kmsg_t *msg)
{
    char path[160];
    snprintf(path, sizeof path, "/v1/kiosks/%s/notices", c->cfg->kiosk_id);
    sync_answer_t a;
    *n = 0;
    kerr_t rc = sync__request(c, "GET", path, NULL, 0, NULL, NULL, NULL, &a, msg);
    if (rc == K_OK && a.status != 200)
        rc = sync__refused(&a, msg);
    const cJSON *arr = cJSON_GetObjectItem(a.json, "notices");
    if (rc == K_OK && !cJSON_IsArray(arr))
        rc = kmsg_set(msg, K_EINVAL, "the back office's notices are not a list");
    if (rc == K_OK)
        *n = sync_notices_parse(arr, out, max);
    sync__note(c, l, rc == K_OK, rc == K_OK ? NULL : msg->text);
    sync__answer_free(&a);
    return rc;
}

static kerr_t ack(sync_client_t *c, int64_t id, kmsg_t *msg)
{
    char path[200];
    snprintf(path, sizeof path, "/v1/kiosks/%s/notices/%lld/ack", c->cfg->kiosk_id, (long long)id);
    sync_answer_t a;
    kerr_t rc = sync__request(c, "POST", path, NULL, 0, NULL, NULL, NULL, &a, msg);
    if (rc == K_OK && a.status != 200)
        rc = sync__refused(&a, msg);
    sync__answer_free(&a);
    return rc;
}

static kerr_t book_late(engine_t *e, const sync_notice_t *x, sync_notice_report_t *rep, kmsg_t *msg)
{
    engine_qr_late_t late = {.order = x->order.id, .meter = x->order.meter, .amount = x->order.amount};
    snprintf(late.currency, sizeof late.currency, "%s", x->order.currency);
    snprintf(late.gave_up, sizeof late.gave_up, "%s", x->order.gave_up);
    engine_qr_late_result_t r;
    kerr_t rc = engine_qr_late(e, &late, &r, msg);
    if (rc == K_OK) {
        rep->booked += r.booked;
        rep->already += r.already;
        LOG_I("sync", "notice %lld: QR order %s %s sale %.8s", (long long)x->id, x->order.id,
              r.booked ? "booked to" : "already held by", r.txn);
    }
    return rc;
}

/* The kinds of notice this kiosk books, each by its booking. */
static const struct {
    const char *kind;
    kerr_t (*book)(engine_t *e, const sync_notice_t *x, sync_notice_report_t *rep, kmsg_t *msg);
} kinds[] = {
    {"qr_paid_late", book_late},
    {"qr_refunded", sync__notice_refund},
};

static int kind_of(const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return (int)i;
    return -1;
}

kerr_t sync_notices_handle(sync_client_t *c, engine_t *e, const sync_notice_t *n, size_t count,
                           sync_notice_report_t *rep, kmsg_t *msg)
{
    kerr_t rc = K_OK;
    rep->seen += (int)count;
    for (size_t i = 0; rc == K_OK && i < count; i++) {
        int k = kind_of(n[i].kind);
        if (k < 0) {
            rep->skipped++;
            continue;
        }
        if ((rc = kinds[k].book(e, &n[i], rep, msg)) == K_EINVAL) { /* can never be booked here: for staff */
            LOG_W("sync", "notice %lld left open: %s", (long long)n[i].id, msg->text);
            rep->skipped++;
            rc = K_OK;
            continue;
        }
        if (rc == K_OK && (rc = ack(c, n[i].id, msg)) == K_OK)
            rep->acked++;
    }
    return rc;
}
