/* Storing a card row (topic card): the card's latest state, and every card
 * that stopped working blocked at all kiosks. */
#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_docs.h"
#include "backoffice/domain/bo_ingest_int.h"

/* A card that stopped working at one kiosk (replaced, or its issue
 * abandoned) is blocked at every kiosk: the blocked-cards document moves
 * forward when the list changes. */
static kerr_t block_card(sqlite3 *db, const char *serial, const char *why, int64_t now, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "INSERT OR IGNORE INTO blocked_card VALUES (?, ?, ?)", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, serial);
    bo_db_text(st, 2, why);
    sqlite3_bind_int64(st, 3, now);
    rc = bo_db_done(db, st, "blocking a card", msg);
    if (rc == K_OK && sqlite3_changes(db) > 0)
        rc = bo_doc_bump(db, "blocked-cards", NULL, msg);
    return rc;
}

static kerr_t block_if_dead(sqlite3 *db, const char *kiosk, const bo_card_t *c, int64_t now, kmsg_t *msg)
{
    char why[160];
    kerr_t rc = K_OK;
    if (strcmp(c->state, "replaced") == 0 || strcmp(c->state, "void") == 0) {
        snprintf(why, sizeof why, "%s at kiosk %s", c->state, kiosk);
        rc = block_card(db, c->serial, why, now, msg);
    }
    if (rc == K_OK && c->replaces[0] && strcmp(c->state, "void") != 0) {
        snprintf(why, sizeof why, "replaced by card %s at kiosk %s", c->serial, kiosk);
        rc = block_card(db, c->replaces, why, now, msg);
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
    sqlite3_stmt *st;
    rc = bo_db_prepare(in->db,
                       "INSERT INTO card VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (serial) "
                       "DO UPDATE SET state = ?6, kiosk = ?8, updated_at = ?9 WHERE ?9 > card.updated_at",
                       &st, in->msg);
    if (rc)
        return rc;
    const char *texts[] = {c.serial, c.meter, c.customer, c.type};
    for (int i = 0; i < 4; i++)
        bo_db_text(st, i + 1, texts[i]);
    sqlite3_bind_int64(st, 5, c.generation);
    bo_db_text(st, 6, c.state);
    bo_db_text(st, 7, c.replaces);
    bo_db_text(st, 8, in->kiosk);
    sqlite3_bind_int64(st, 9, c.updated_at);
    rc = bo_db_run(in->db, st, "storing a card", in->msg);
    return rc ? rc : block_if_dead(in->db, in->kiosk, &c, in->now, in->msg);
}
