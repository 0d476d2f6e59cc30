/* The meter cards this kiosk issued (ledger.h, "meter cards issued here"):
 * an issue is written before the card is, and finished once the card holds
 * it, so a card pulled out in the middle is recognised when it comes back. */
#include <string.h>

#include "base/kjson.h"
#include "ledger/ledger_int.h"

#define MCARD_COLUMNS "serial, meter, customer, type, generation, state, replaces, operator, issued_at, updated_at"

static void row_mcard(sqlite3_stmt *st, ledger_mcard_t *c)
{
    memset(c, 0, sizeof *c);
    ledger__col_text(st, 0, c->serial, sizeof c->serial);
    ledger__col_text(st, 1, c->meter, sizeof c->meter);
    ledger__col_text(st, 2, c->customer, sizeof c->customer);
    ledger__col_text(st, 3, c->type, sizeof c->type);
    c->generation = sqlite3_column_int(st, 4);
    ledger__col_text(st, 5, c->state, sizeof c->state);
    ledger__col_text(st, 6, c->replaces, sizeof c->replaces);
    ledger__col_text(st, 7, c->operator_name, sizeof c->operator_name);
    c->issued_at = sqlite3_column_int64(st, 8);
    c->updated_at = sqlite3_column_int64(st, 9);
}

/* Runs a query bound to one text parameter that selects MCARD_COLUMNS. */
static kerr_t query_one(ledger_t *l, const char *sql, const char *param, ledger_mcard_t *out, bool *found,
                        kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, sql, &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found)
        row_mcard(st, out);
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the meter cards", msg);
}

kerr_t ledger_mcard_get(ledger_t *l, const char *serial, ledger_mcard_t *out, bool *found, kmsg_t *msg)
{
    return query_one(l, "SELECT " MCARD_COLUMNS " FROM meter_card WHERE serial = ?", serial, out, found, msg);
}

kerr_t ledger_mcard_latest(ledger_t *l, const char *meter, ledger_mcard_t *out, bool *found, kmsg_t *msg)
{
    return query_one(l,
                     "SELECT " MCARD_COLUMNS " FROM meter_card WHERE meter = ? AND state <> 'void' "
                     "ORDER BY generation DESC LIMIT 1",
                     meter, out, found, msg);
}

/* The card as the back office sees it: an outbox row of topic "card". */
static kerr_t outbox_card(ledger_t *l, const char *serial, kmsg_t *msg)
{
    ledger_mcard_t c;
    bool found;
    kerr_t rc = ledger_mcard_get(l, serial, &c, &found, msg);
    if (rc || !found)
        return rc ? rc : kmsg_set(msg, K_ENOTFOUND, "card %s is not in the ledger", serial);
    cJSON *o = cJSON_CreateObject();
    if (o && !(kjson_add_str(o, "serial", c.serial) && kjson_add_str(o, "meter", c.meter) &&
               kjson_add_str(o, "customer", c.customer) && kjson_add_str(o, "type", c.type) &&
               kjson_add_int(o, "generation", c.generation) && kjson_add_str(o, "state", c.state) &&
               kjson_add_str(o, "replaces", c.replaces) && kjson_add_str(o, "operator", c.operator_name) &&
               kjson_add_time(o, "issued_at", c.issued_at) && kjson_add_time(o, "updated_at", c.updated_at))) {
        cJSON_Delete(o);
        o = NULL;
    }
    return ledger__outbox(l, "card", o, msg);
}

/* Sets the state of one card (inside the caller's transaction). */
static kerr_t set_state(ledger_t *l, const char *serial, const char *from, const char *to, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "UPDATE meter_card SET state = ?1, updated_at = ?2 WHERE serial = ?3 AND state = ?4",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, ledger__now(l));
    sqlite3_bind_text(st, 3, serial, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, from, -1, SQLITE_STATIC);
    return ledger__run(l, st, "changing a meter card's state", msg);
}

/* Voids an unfinished issue of the same meter and generation to another card. */
static kerr_t void_abandoned(ledger_t *l, const ledger_mcard_t *c, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "SELECT serial FROM meter_card WHERE meter = ? AND generation = ? AND state = 'issuing' "
                               "AND serial <> ?",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, c->meter, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, c->generation);
    sqlite3_bind_text(st, 3, c->serial, -1, SQLITE_STATIC);
    char other[LEDGER_CARD_LEN] = "";
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        ledger__col_text(st, 0, other, sizeof other);
    ledger__release(l, st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return ledger__err(l, s, "reading the meter cards", msg);
    if (!other[0])
        return K_OK;
    if ((rc = set_state(l, other, "issuing", "void", msg)) == K_OK)
        rc = ledger_audit(l, c->operator_name, "card_void", other, "its issue was abandoned for another card",
                          c->serial, msg);
    return rc ? rc : outbox_card(l, other, msg);
}

static kerr_t insert_card(ledger_t *l, const ledger_mcard_t *c, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "INSERT INTO meter_card(" MCARD_COLUMNS ") "
                               "VALUES (?1, ?2, ?3, ?4, ?5, 'issuing', ?6, ?7, ?8, ?8)",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, c->serial, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->meter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->customer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->type, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, c->generation);
    sqlite3_bind_text(st, 6, c->replaces, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, c->operator_name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, ledger__now(l));
    return ledger__run(l, st, "recording the card to issue", msg);
}

kerr_t ledger_mcard_begin(ledger_t *l, const ledger_mcard_t *c, const char *reason, kmsg_t *msg)
{
    char detail[128];
    snprintf(detail, sizeof detail, "meter %s customer %s generation %d%s%s", c->meter, c->customer, c->generation,
             c->replaces[0] ? " replacing " : "", c->replaces);
    const char *action = strcmp(c->type, "replacement") == 0 ? "card_replace" : "card_issue";
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK)
        rc = void_abandoned(l, c, msg);
    if (rc == K_OK)
        rc = insert_card(l, c, msg);
    if (rc == K_OK)
        rc = ledger_audit(l, c->operator_name, action, c->serial, reason, detail, msg);
    if (rc == K_OK)
        rc = outbox_card(l, c->serial, msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

kerr_t ledger_mcard_done(ledger_t *l, const char *serial, kmsg_t *msg)
{
    ledger_mcard_t c;
    bool found;
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK && (rc = ledger_mcard_get(l, serial, &c, &found, msg)) == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "card %s is not in the ledger", serial);
    if (rc == K_OK && strcmp(c.state, "issuing") != 0)
        rc = kmsg_set(msg, K_ESTATE, "card %s is %s, not being issued", serial, c.state);
    if (rc == K_OK)
        rc = set_state(l, serial, "issuing", "active", msg);
    if (rc == K_OK && c.replaces[0] && (rc = set_state(l, c.replaces, "active", "replaced", msg)) == K_OK)
        rc = outbox_card(l, c.replaces, msg);
    if (rc == K_OK)
        rc = outbox_card(l, serial, msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}
