/* QR reconciliation in the server (docs/payments-qr.md,
 * "Reconciliation"): GET /v1/admin/qr-differences, and the daily run serve
 * makes of yesterday's bill once it is ready. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_recon_run.h"
#include "backoffice/http/bo_server.h"
#include "base/log.h"

/* ?day=YYYY-MM-DD (default: every day), ?open=1: those not resolved. */
void bo_h_admin_qr_differences(bo_req_t *q, bo_resp_t *r)
{
    const char *day = bo_req_arg(q, "day"), *open = bo_req_arg(q, "open");
    bool open_only = open && strcmp(open, "0") != 0 && strcmp(open, "false") != 0;
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = q->s->store.ops->recon->list(q->s->store.ctx, day, open_only, &rows, &msg);
    bo_unlock(q->s);
    if (rc) {
        bo_resp_error(r, 500, "internal", "listing failed: %s", msg.text);
        return;
    }
    bo_h_answer_rows(q, r, &rows);
}

/* Reconciles yesterday's bill of provider p once it is due (kiosk_orders:
 * p takes the kiosks' orders). */
static void check_one(bo_server_t *s, const bo_provider_t *p, bool kiosk_orders, int ready_hour)
{
    char day[11];
    bool due = false;
    kmsg_t msg = {{0}};
    bo_lock(s);
    kerr_t rc = bo_recon_due(&s->store, p->ops->name, bo_now(s), ready_hour, day, &due, &msg);
    bo_unlock(s);
    if (rc || !due) {
        if (rc)
            LOG_W("qr", "reconciliation: %s", msg.text);
        return;
    }
    bo_recon_bill_t b;
    bo_recon_stats_t st = {0};
    rc = bo_recon_fetch(p, day, &b, &msg); /* no lock: it waits for the provider */
    bo_who_t who = {"backoffice:reconcile", bo_now(s)};
    if (rc == K_OK) {
        bo_lock(s);
        rc = bo_recon_apply(&s->store, &who, p->ops->name, kiosk_orders, day, &b, &st, &msg);
        bo_unlock(s);
    }
    bo_recon_bill_free(&b);
    if (rc)
        LOG_W("qr", "reconciling %s's bill of %s (tried again next time): %s", p->ops->name, day, msg.text);
    else
        LOG_I("qr", "reconciled %s's bill of %s: %zu rows, %zu differences, %zu new", p->ops->name, day, st.rows,
              st.found, st.added);
}

void bo_recon_check(bo_server_t *s, int ready_hour)
{
    for (size_t i = 0; i < s->pay.n; i++)
        check_one(s, &s->pay.p[i], i == 0, ready_hour);
}
