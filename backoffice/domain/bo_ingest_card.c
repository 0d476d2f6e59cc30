/* Storing a card row (topic card): the card's latest state, and every card
 * that stopped working blocked at all kiosks. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_docs.h"
#include "backoffice/domain/bo_ingest_int.h"

/* A card that stopped working at one kiosk (replaced, or its issue
 * abandoned) is blocked at every kiosk: the blocked-cards document moves
 * forward when the list changes. */
static kerr_t block_card(bo_store_t *st, const char *serial, const char *why, int64_t now, kmsg_t *msg)
{
    bool changed = false;
    kerr_t rc = st->ops->docs->card_block(st->ctx, serial, why, now, false, &changed, msg);
    if (rc == K_OK && changed)
        rc = bo_doc_bump(st, "blocked-cards", NULL, msg);
    return rc;
}

static kerr_t block_if_dead(const bo_in_t *in, const bo_card_t *c)
{
    char why[160];
    kerr_t rc = K_OK;
    if (strcmp(c->state, "replaced") == 0 || strcmp(c->state, "void") == 0) {
        snprintf(why, sizeof why, "%s at kiosk %s", c->state, in->kiosk);
        rc = block_card(in->st, c->serial, why, in->now, in->msg);
    }
    if (rc == K_OK && c->replaces[0] && strcmp(c->state, "void") != 0) {
        snprintf(why, sizeof why, "replaced by card %s at kiosk %s", c->serial, in->kiosk);
        rc = block_card(in->st, c->replaces, why, in->now, in->msg);
    }
    return rc;
}

/* The card's meter is in the kiosk's scope and its time is plausible. */
static kerr_t admit(const bo_in_t *in, const bo_card_t *c, bool *go)
{
    bo_rule_t rule = BO_RULE_NONE;
    kmsg_t why = {{0}};
    bo_rule_ctx_t ctx = bo__ingest_rule_ctx(in);
    if (in->rules)
        bo_rules_time(&ctx, "updated_at", c->updated_at, &rule, &why);
    return bo__ingest_admit(in, c->meter, rule, &why, go);
}

kerr_t bo__ingest_card(const bo_in_t *in)
{
    bo_card_t c;
    bool go;
    if (bo_decode_card(in->row->payload, &c, in->reason) != K_OK) {
        *in->status = BO_REJECTED;
        return K_OK;
    }
    kerr_t rc = admit(in, &c, &go);
    if (rc || !go)
        return rc;
    rc = in->st->ops->upload->card_put(in->st->ctx, in->kiosk, &c, in->msg);
    return rc ? rc : block_if_dead(in, &c);
}
