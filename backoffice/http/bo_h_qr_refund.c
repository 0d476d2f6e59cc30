/* GET /v1/admin/qr-refunds[?state=S][&format=csv] (docs/payments-qr.md,
 * "Refunds"): the QR refunds as `backoffice qr refunds` lists them; staff
 * of an organisation see those of its kiosks only. And what the phone
 * page shows of a phone order's refund. */
#include <string.h>

#include "backoffice/domain/bo_org.h"
#include "backoffice/domain/bo_qr_refund.h"
#include "backoffice/http/bo_server.h"

typedef struct seen {
    bo_req_t *q;
    int kiosk; /* the kiosk's column */
} seen_t;

static bool sees(const bo_rows_t *rows, int row, void *arg)
{
    seen_t *s = arg;
    bool yes = false;
    kmsg_t msg = {{0}};
    const char *kiosk = rows->cells[(size_t)row * (size_t)rows->ncols + (size_t)s->kiosk];
    return bo_org_sees(&s->q->s->store, s->q->org, BO_ORG_KIOSK, kiosk, &yes, &msg) == K_OK && yes;
}

void bo_h_admin_qr_refunds(bo_req_t *q, bo_resp_t *r)
{
    const char *state = bo_req_arg(q, "state");
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    if (state && !bo_qr_refund_state_valid(state)) {
        bo_resp_error(r, 400, "bad_request", "state is one of pending, processing, succeeded, failed, settled, review");
        return;
    }
    bo_lock(q->s);
    kerr_t rc = q->s->store.ops->refund->list(q->s->store.ctx, state ? state : "", &rows, &msg);
    seen_t s = {q, rc == K_OK ? bo_rows_col(&rows, "kiosk") : -1};
    if (rc == K_OK && q->org[0] && s.kiosk >= 0)
        bo_rows_keep(&rows, sees, &s);
    bo_unlock(q->s);
    if (rc)
        bo_resp_error(r, 500, "internal", "listing the QR refunds failed: %s", msg.text);
    else
        bo_h_answer_rows(q, r, &rows);
}

const char *bo__phone_refund_stage(bo_server_t *s, const char *order, const char *stage)
{
    bo_refund_rec_t rec;
    bool found = false;
    kmsg_t msg = {{0}};
    bo_lock(s);
    kerr_t rc = s->store.ops->refund->get(s->store.ctx, order, &rec, &found, &msg);
    bo_unlock(s);
    return rc == K_OK && found ? bo_phone_refund_stage(&rec) : stage;
}
