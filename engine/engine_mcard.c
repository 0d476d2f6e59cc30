/* Meter cards: what happens when one is inserted. A purchase of this card
 * that is still being written (the card was pulled out, an answer lost) is
 * finished first, through the same delivery that wrote it: the intended
 * count is read back and written again only if the card does not hold it.
 * Then the core decides whether the card may take a new purchase. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "engine/engine_int.h"

typedef struct pending {
    const char *meter, *serial;
    char ids[16][UUID_STR_LEN];
    size_t n;
    bool other_card;
} pending_t;

static void note_pending(void *ctx, const ledger_txn_t *t)
{
    pending_t *p = ctx;
    if (t->channel != CHANNEL_CARD || strcmp(t->meter, p->meter) != 0)
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

/* Whether two readings say the same: a card read again before it went
 * back into the meter adds nothing. */
static bool same_reading(const ledger_reading_t *a, const gw_reading_t *b)
{
    return a->energy == b->energy_total && a->balance == b->balance && a->purchase_count == b->purchase_count &&
           a->relay_open == b->relay_open && a->flags == b->flags &&
           memcmp(a->bands, b->energy_band, sizeof a->bands) == 0;
}

/* What the meter wrote back onto the card is a meter reading like a remote
 * one: stored and inspected (once; reading the same card again adds nothing). */
static kerr_t record_writeback(engine_t *e, engine_mcard_t *out, kmsg_t *msg)
{
    if (!out->view.writeback.written || strcmp(out->view.writeback.meter, out->view.info.meter) != 0)
        return K_OK;
    gw_reading_t g;
    gw_card_reading(&out->view, &g);
    g.purchase_count = out->view.writeback.count; /* the meter's count, not the purse's */
    g.count_open = false;
    ledger_reading_t last;
    bool found;
    kerr_t rc = ledger_last_reading(e->ledger, g.meter, &last, &found, msg);
    if (rc || (found && same_reading(&last, &g)))
        return rc;
    return engine__record_reading(e, &g, READ_SALE, out->alerts, &out->n_alerts, msg);
}

/* Whether the ledger knows the card as replaced by a newer one, or void. */
static kerr_t superseded(engine_t *e, const char *serial, bool *out, kmsg_t *msg)
{
    ledger_mcard_t row;
    bool found;
    kerr_t rc = ledger_mcard_get(e->ledger, serial, &row, &found, msg);
    *out = rc == K_OK && found && (strcmp(row.state, "replaced") == 0 || strcmp(row.state, "void") == 0);
    return rc;
}

kerr_t engine__mcard_read(engine_t *e, engine_mcard_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    if (!e->card)
        return kmsg_set(msg, K_ENOTFOUND, "no meter-card reader (card.protocol)");
    kerr_t rc = gw_card_view(e->card, &out->view, msg);
    if (rc == K_OK)
        gw_card_serial_hex(out->view.info.serial, out->serial);
    return rc;
}

static kerr_t do_mcard_inserted(engine_t *e, engine_mcard_t *out, kmsg_t *msg)
{
    kerr_t rc = engine__mcard_read(e, out, msg);
    if (rc)
        return rc;
    const card_info_t *info = &out->view.info;
    /* a meter the registry in use does not list is not served here */
    bool meter_known = !e->registry || !e->registry->loaded || registry_find(e->registry, info->meter);
    pending_t p = {.meter = info->meter, .serial = out->serial};
    ledger_filter_t f = {.meter = info->meter, .unfinished = true};
    bool left = false;
    if (info->type != CARD_TYPE_BLANK && (rc = ledger_list(e->ledger, &f, note_pending, &p, msg)) == K_OK)
        rc = finish_pending(e, &p, &out->finished, &left, msg);
    if (rc == K_OK && out->finished) /* the card changed: read it again */
        rc = gw_card_view(e->card, &out->view, msg);
    bool replaced = false;
    if (rc == K_OK && info->type != CARD_TYPE_BLANK)
        rc = record_writeback(e, out, msg);
    if (rc == K_OK)
        rc = superseded(e, out->serial, &replaced, msg);
    if (rc)
        return rc;
    const card_writeback_t *wb = &out->view.writeback;
    bool office = false;
    if (info->type != CARD_TYPE_BLANK &&
        (rc = engine_card_blocked(e, out->serial, &office, out->office_block, sizeof out->office_block, msg)))
        return rc;
    mcard_facts_t facts = {.blank = info->type == CARD_TYPE_BLANK,
                           .blocked_by_office = office,
                           .blocked = info->status == CARD_STATUS_BLOCKED,
                           .replaced = replaced,
                           .meter_known = meter_known,
                           .purse_count = out->view.purse.count,
                           .writeback_written = wb->written,
                           .meter_count = wb->count,
                           .pending_same_card = left,
                           .pending_other_card = p.other_card};
    out->verdict = mcard_sale_check(&facts);
    kmsg_t why;
    return engine_mcard_zero_first(e, out, &out->zero_first_ok, &why, msg);
}

kerr_t engine_mcard_zero_first(engine_t *e, const engine_mcard_t *card, bool *ok, kmsg_t *why, kmsg_t *msg)
{
    const card_info_t *info = &card->view.info;
    registry_status_t st;
    bool found = false;
    long long version = 0;
    *ok = false;
    if (card->verdict != MCARD_OK) {
        if (why)
            kmsg_set(why, K_OK, "%s", mcard_verdict_text(card->verdict));
        return K_OK;
    }
    if (!mcard_opens_account(card->view.purse.purpose == CARD_PURPOSE_NONE, info->type == CARD_TYPE_REPLACEMENT)) {
        if (why)
            kmsg_set(why, K_OK, "only the first purchase of a new account's card may be zero, and this card %s",
                     info->type == CARD_TYPE_REPLACEMENT ? "is a replacement" : "has taken a purchase before");
        return K_OK;
    }
    kerr_t rc = engine__registry_status(e, info->meter, &st, &found, &version, msg);
    if (rc)
        return rc;
    *ok = found && st.sellable && st.first_zero_ok;
    if (!*ok && why)
        kmsg_set(why, K_OK, "the back office's registry does not allow meter %s a zero first purchase", info->meter);
    return K_OK;
}

static kerr_t do_mcard_open_sale(engine_t *e, const engine_mcard_t *card, sale_method_t method, int64_t amount,
                              char id[UUID_STR_LEN], kmsg_t *msg)
{
    if (card->verdict == MCARD_BLOCKED && card->office_block[0])
        return kmsg_set(msg, K_ESTATE, "this card is blocked by the back office (%s): staff can issue a replacement card",
                        card->office_block);
    if (card->verdict != MCARD_OK)
        return kmsg_set(msg, K_ESTATE, "%s", mcard_verdict_text(card->verdict));
    sale_req_t req = {.meter = card->view.info.meter,
                      .customer = card->view.info.customer,
                      .method = method,
                      .channel = CHANNEL_CARD,
                      .card = card->serial,
                      .amount = amount};
    if (amount != 0)
        return engine_open_sale(e, &req, id, msg);
    bool ok;
    kmsg_t why = {""};
    kerr_t rc = engine_mcard_zero_first(e, card, &ok, &why, msg); /* asked again: the registry may have moved */
    if (rc)
        return rc;
    if (!ok) {
        char lo[32];
        money_format(e->cfg->min_purchase, e->cfg->currency, MONEY_RECEIPT, lo, sizeof lo);
        return kmsg_set(msg, K_EINVAL, "a purchase of 0 is refused: %s; the least is %s (limits.min_purchase)",
                        why.text, lo);
    }
    req.method = METHOD_NONE; /* nothing to pay */
    return engine__open_zero_first(e, &req, id, msg);
}

kerr_t engine_mcard_inserted(engine_t *e, engine_mcard_t *out, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "mcard inserted", msg, do_mcard_inserted(e, out, msg));
}

kerr_t engine_mcard_open_sale(engine_t *e, const engine_mcard_t *card, sale_method_t method, int64_t amount,
                              char id[UUID_STR_LEN], kmsg_t *msg)
{
    ENGINE_LOCKED(e, "mcard open sale", msg, do_mcard_open_sale(e, card, method, amount, id, msg));
}
