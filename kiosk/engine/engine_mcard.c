/* Meter cards: what happens when one is inserted. A purchase of this card
 * that is still being written (the card was pulled out, an answer lost) is
 * finished first, through the same delivery that wrote it: the intended
 * count is read back and written again only if the card does not hold it.
 * Then the core decides whether the card may take a new purchase. */
#include <stdio.h>
#include <string.h>

#include "kiosk/app/log.h"
#include "kiosk/engine/engine_int.h"

typedef struct pending {
    const char *meter, *serial;
    char ids[16][UUID_STR_LEN];
    size_t n;
    bool other_card;
} pending_t;

static void note_pending(void *ctx, const ledger_txn_t *t)
{
    pending_t *p = ctx;
    if (strcmp(t->channel, "card") != 0 || strcmp(t->meter, p->meter) != 0)
        return;
    if (strcmp(t->card, p->serial) != 0)
        p->other_card = true;
    else if (p->n < sizeof p->ids / sizeof p->ids[0])
        snprintf(p->ids[p->n++], UUID_STR_LEN, "%s", t->id);
}

/* Delivers this card's unfinished sales that wait for delivery; true in
 * *left if one is still unfinished afterwards. */
static kerr_t finish_pending(engine_t *e, pending_t *p, int *finished, bool *left, kmsg_t *msg)
{
    *left = false;
    for (size_t i = 0; i < p->n; i++) {
        ledger_txn_t t;
        kerr_t rc = ledger_get(e->ledger, p->ids[i], &t, msg);
        if (rc == K_OK && (t.state == TXN_PAID || t.state == TXN_DELIVERY_PENDING)) {
            LOG_I("engine", "card %s: finishing txn %.8s (count %lld)", p->serial, t.id, (long long)t.purchase_count);
            if ((rc = engine_deliver(e, t.id, &t, msg)) == K_OK && t.state == TXN_DELIVERED)
                (*finished)++;
        }
        if (rc)
            return rc;
        *left |= t.state != TXN_DELIVERED && t.state != TXN_CANCELLED && t.state != TXN_REFUNDED &&
                 t.state != TXN_VOIDED;
    }
    return K_OK;
}

kerr_t engine_mcard_inserted(engine_t *e, bool meter_known, engine_mcard_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    if (!e->card)
        return kmsg_set(msg, K_ENOTFOUND, "no meter-card reader (card.protocol)");
    kerr_t rc = gw_card_view(e->card, &out->view, msg);
    if (rc)
        return rc;
    const card_info_t *info = &out->view.info;
    gw_card_serial_hex(info->serial, out->serial);
    pending_t p = {.meter = info->meter, .serial = out->serial};
    ledger_filter_t f = {.meter = info->meter, .unfinished = true};
    bool left = false;
    if (info->type != CARD_TYPE_BLANK && (rc = ledger_list(e->ledger, &f, note_pending, &p, msg)) == K_OK)
        rc = finish_pending(e, &p, &out->finished, &left, msg);
    if (rc == K_OK && out->finished) /* the card changed: read it again */
        rc = gw_card_view(e->card, &out->view, msg);
    if (rc)
        return rc;
    const card_writeback_t *wb = &out->view.writeback;
    mcard_facts_t facts = {.blank = info->type == CARD_TYPE_BLANK,
                           .blocked = info->status == CARD_STATUS_BLOCKED,
                           .meter_known = meter_known,
                           .purse_count = out->view.purse.count,
                           .writeback_written = wb->written,
                           .meter_count = wb->count,
                           .pending_same_card = left,
                           .pending_other_card = p.other_card};
    out->verdict = mcard_sale_check(&facts);
    return K_OK;
}

kerr_t engine_mcard_open_sale(engine_t *e, const engine_mcard_t *card, const char *method, int64_t amount,
                              char id[UUID_STR_LEN], kmsg_t *msg)
{
    if (card->verdict != MCARD_OK)
        return kmsg_set(msg, K_ESTATE, "%s", mcard_verdict_text(card->verdict));
    sale_req_t req = {.meter = card->view.info.meter,
                      .customer = card->view.info.customer,
                      .method = method,
                      .channel = "card",
                      .card = card->serial,
                      .amount = amount};
    return engine_open_sale(e, &req, id, msg);
}
