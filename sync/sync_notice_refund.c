/* The qr_refunded notice (sync_notice.h): read, then booked to the parked
 * sale holding its order (engine_qr_refund). */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "sync/sync_int.h"
#include "sync/sync_notice.h"

kerr_t sync_qr_refund_parse(const cJSON *o, sync_qr_refund_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(o) || !sync__str(o, "order", out->order, sizeof out->order) || !out->order[0])
        return kmsg_set(msg, K_EINVAL, "a QR refund notice without its order");
    if (!sync__int(o, "amount", &out->amount) || out->amount <= 0)
        return kmsg_set(msg, K_EINVAL, "QR refund of order %s: no amount above zero", out->order);
    if (!sync__str(o, "outcome", out->outcome, sizeof out->outcome) ||
        (strcmp(out->outcome, "refunded") != 0 && strcmp(out->outcome, "settled") != 0))
        return kmsg_set(msg, K_EINVAL, "QR refund of order %s: outcome is neither refunded nor settled", out->order);
    sync__str(o, "txn", out->txn, sizeof out->txn);
    sync__str(o, "refund_ref", out->refund_ref, sizeof out->refund_ref);
    sync__str(o, "out_refund_no", out->out_refund_no, sizeof out->out_refund_no);
    sync__str(o, "settled_by", out->settled_by, sizeof out->settled_by);
    sync__str(o, "reason", out->reason, sizeof out->reason);
    bool settled = strcmp(out->outcome, "settled") == 0;
    if (settled ? !out->settled_by[0] : !out->refund_ref[0] && !out->out_refund_no[0])
        return kmsg_set(msg, K_EINVAL, "QR refund of order %s: %s missing", out->order,
                        settled ? "who settled it" : "the refund's id");
    return K_OK;
}

kerr_t sync__notice_refund(engine_t *e, const sync_notice_t *x, sync_notice_report_t *rep, kmsg_t *msg)
{
    const sync_qr_refund_t *f = &x->refund;
    bool settled = strcmp(f->outcome, "settled") == 0;
    char by[80];
    snprintf(by, sizeof by, "backoffice:%s", f->settled_by);
    /* the provider's refund id; Alipay gives none: the refund's number there */
    const char *ref = f->refund_ref[0] ? f->refund_ref : f->out_refund_no;
    engine_qr_refund_t n = {.order = f->order, .txn = f->txn, .ref = settled ? by : ref,
                            .refund_no = f->out_refund_no, .detail = f->reason, .amount = f->amount,
                            .settled = settled};
    engine_qr_refund_result_t r;
    kerr_t rc = engine_qr_refund(e, &n, &r, msg);
    if (rc == K_OK) {
        rep->refunded += r.booked;
        rep->refunded_before += r.already;
        LOG_I("sync", "notice %lld: QR order %s %s sale %.8s (%s)", (long long)x->id, f->order,
              r.booked ? "ended" : "had already ended", r.txn, txn_state_name(r.state));
    }
    return rc;
}
