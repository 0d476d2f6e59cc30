/* A QR payment the back office received after the kiosk gave the order up
 * (a qr_paid_late notice): booked once, by the order's id, to a new sale
 * for the order's meter and amount, then delivered or left pending. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "engine/engine_int.h"

/* Opens the sale and books the order's money to it (three commits; a
 * crash between them leaves a sale with nothing paid, which recovery
 * cancels, and the notice, not yet acknowledged, books it again). */
static kerr_t book(engine_t *e, const engine_qr_late_t *n, char id[UUID_STR_LEN], kmsg_t *msg)
{
    kerr_t rc = krand_uuid(e->rand, id);
    if (rc)
        return kmsg_set(msg, rc, "no randomness for a transaction id");
    ledger_new_txn_t t = {.id = id,
                          .meter = n->meter,
                          .customer = n->customer ? n->customer : "",
                          .method = METHOD_QR,
                          .channel = CHANNEL_REMOTE,
                          .currency = n->currency[0] ? n->currency : e->cfg->currency_code,
                          .amount = n->amount};
    if ((rc = ledger_create(e->ledger, &t, msg)) || (rc = engine_begin_payment(e, id, msg)))
        return rc;
    char detail[96];
    snprintf(detail, sizeof detail, "paid late (the kiosk had %s the order)", n->gave_up[0] ? n->gave_up : "left");
    ledger_payment_t p = {.method = METHOD_QR, .amount = n->amount, .ref = n->order, .detail = detail};
    if ((rc = engine_accept_payment(e, id, &p, msg)) == K_OK)
        rc = engine_finish_payment(e, id, msg);
    if (rc == K_ECONFLICT) { /* booked meanwhile by another process: this sale took nothing */
        kmsg_t ignore;
        engine_cancel(e, id, "the QR order was booked to another sale", &ignore);
    }
    return rc;
}

static kerr_t do_qr_late(engine_t *e, const engine_qr_late_t *n, engine_qr_late_result_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    bool found;
    kerr_t rc = ledger_qr_booked(e->ledger, n->order, out->txn, &found, msg);
    if (rc || found) {
        out->already = found;
        return rc;
    }
    if (n->amount <= 0 || strlen(n->meter) < 1 || strlen(n->meter) > 12 || strspn(n->meter, "0123456789") != strlen(n->meter))
        return kmsg_set(msg, K_EINVAL, "QR order %s: meter '%s' or amount %lld cannot be sold", n->order, n->meter,
                        (long long)n->amount);
    if ((rc = book(e, n, out->txn, msg)))
        return rc;
    LOG_I("engine", "txn %.8s: late QR payment %s of %lld booked for meter %s", out->txn, n->order,
          (long long)n->amount, n->meter);
    out->booked = true;
    ledger_txn_t t;
    rc = engine_deliver(e, out->txn, &t, msg);
    out->state = rc == K_OK ? t.state : TXN_PAID;
    return rc;
}

kerr_t engine_qr_late(engine_t *e, const engine_qr_late_t *n, engine_qr_late_result_t *out, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "qr late", msg, do_qr_late(e, n, out, msg));
}
