/* Central commands as received (ledger_command.h). */
#include "ledger/ledger_command.h"

#include <stdio.h>
#include <string.h>

#include "base/kjson.h"
#include "ledger/ledger_int.h"

#define COLS                                                                                                  \
    "id, meter, command, params, operator, issued_at, expires_at, state, reason, coalesce(txn_id, ''), " \
    "balance_after, count_after, " \
    "(SELECT coalesce(sum(r.amount), 0) FROM central_refund r WHERE r.command_id = meter_command.id AND r.state = 'done')"

static void read_row(sqlite3_stmt *st, ledger_command_t *c)
{
    memset(c, 0, sizeof *c);
    ledger__col_text(st, 0, c->id, sizeof c->id);
    ledger__col_text(st, 1, c->meter, sizeof c->meter);
    char name[32];
    ledger__col_text(st, 2, name, sizeof name);
    if (!mcmd_from_name(name, &c->command))
        c->command = MCMD_COUNT;
    ledger__col_text(st, 3, c->params, sizeof c->params);
    ledger__col_text(st, 4, c->operator_name, sizeof c->operator_name);
    c->issued_at = sqlite3_column_int64(st, 5);
    c->expires_at = sqlite3_column_int64(st, 6);
    ledger__col_text(st, 7, name, sizeof name);
    if (!mcmd_state_from_name(name, &c->state))
        c->state = MCMD_STATE_COUNT;
    ledger__col_text(st, 8, c->reason, sizeof c->reason);
    ledger__col_text(st, 9, c->txn, sizeof c->txn);
    c->has_after = sqlite3_column_type(st, 10) != SQLITE_NULL;
    c->balance_after = sqlite3_column_int64(st, 10);
    c->count_after = sqlite3_column_int64(st, 11);
    c->refunded = sqlite3_column_int64(st, 12);
}

/* The outbox row of a command that reached its final state. */
static kerr_t outbox_row(ledger_t *l, const ledger_command_t *c, kmsg_t *msg)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "id", c->id) && kjson_add_str(o, "meter", c->meter) &&
              kjson_add_str(o, "command", mcmd_name(c->command)) && kjson_add_str(o, "state", mcmd_state_name(c->state)) &&
              kjson_add_str(o, "reason", c->reason) && kjson_add_str(o, "txn", c->txn);
    if (ok && c->has_after)
        ok = kjson_add_int(o, "balance_after", c->balance_after) && kjson_add_int(o, "count_after", c->count_after);
    else if (ok)
        ok = cJSON_AddNullToObject(o, "balance_after") && cJSON_AddNullToObject(o, "count_after");
    if (ok && c->command == MCMD_REFUND)
        ok = kjson_add_int(o, "refunded", c->refunded);
    ok = ok && kjson_add_time(o, "at", ledger__now(l));
    if (!ok) {
        cJSON_Delete(o);
        o = NULL;
    }
    return ledger__outbox(l, "command", o, msg);
}

static kerr_t insert(ledger_t *l, const ledger_command_t *c, const char *envelope, bool *fresh, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "INSERT INTO meter_command(id, meter, command, params, operator, issued_at, expires_at, "
                               "state, reason, envelope, received_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                               &st, msg);
    if (rc)
        return rc;
    int64_t now = ledger__now(l);
    const char *texts[] = {c->id, c->meter, mcmd_name(c->command), c->params[0] ? c->params : "{}", c->operator_name};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, c->issued_at);
    sqlite3_bind_int64(st, 7, c->expires_at);
    sqlite3_bind_text(st, 8, mcmd_state_name(c->state), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, c->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, envelope ? envelope : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, now);
    sqlite3_bind_int64(st, 12, now);
    rc = ledger__run(l, st, "recording a central command", msg);
    *fresh = rc == K_OK && sqlite3_changes(l->db) == 1;
    return rc;
}

kerr_t ledger_command_record(ledger_t *l, const ledger_command_t *c, const char *envelope, bool *fresh, kmsg_t *msg)
{
    *fresh = false;
    if (c->state != MCMD_RECEIVED && c->state != MCMD_REFUSED)
        return kmsg_set(msg, K_EINVAL, "a command is recorded received or refused, not %s", mcmd_state_name(c->state));
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK)
        rc = insert(l, c, envelope, fresh, msg);
    if (rc == K_OK && *fresh && c->state == MCMD_REFUSED)
        rc = outbox_row(l, c, msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

/* The one command the query (by id, or by the sale's id) finds. */
static kerr_t get_one(ledger_t *l, const char *sql, const char *key, ledger_command_t *out, bool *found, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, sql, &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found)
        read_row(st, out);
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading a central command", msg);
}

kerr_t ledger_command_get(ledger_t *l, const char *id, ledger_command_t *out, bool *found, kmsg_t *msg)
{
    return get_one(l, "SELECT " COLS " FROM meter_command WHERE id = ?", id, out, found, msg);
}

kerr_t ledger_command_of_sale(ledger_t *l, const char *txn, ledger_command_t *out, bool *found, kmsg_t *msg)
{
    return get_one(l, "SELECT " COLS " FROM meter_command WHERE txn_id = ?", txn, out, found, msg);
}

static kerr_t update(ledger_t *l, const ledger_command_t *c, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "UPDATE meter_command SET state = ?, reason = ?, txn_id = nullif(?, ''), "
                               "balance_after = ?, count_after = ?, updated_at = ? WHERE id = ?",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, mcmd_state_name(c->state), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->txn, -1, SQLITE_STATIC);
    if (c->has_after) {
        sqlite3_bind_int64(st, 4, c->balance_after);
        sqlite3_bind_int64(st, 5, c->count_after);
    } else {
        sqlite3_bind_null(st, 4);
        sqlite3_bind_null(st, 5);
    }
    sqlite3_bind_int64(st, 6, ledger__now(l));
    sqlite3_bind_text(st, 7, c->id, -1, SQLITE_STATIC);
    return ledger__run(l, st, "changing a central command", msg);
}

static void apply_change(ledger_command_t *c, const ledger_command_change_t *ch)
{
    if (!ch)
        return;
    if (ch->reason)
        snprintf(c->reason, sizeof c->reason, "%s", ch->reason);
    if (ch->txn)
        snprintf(c->txn, sizeof c->txn, "%s", ch->txn);
    if (ch->has_after) {
        c->has_after = true;
        c->balance_after = ch->balance_after;
        c->count_after = ch->count_after;
    }
}

kerr_t ledger__command_move(ledger_t *l, const char *id, mcmd_event_t ev, const ledger_command_change_t *ch,
                            ledger_command_t *c, kmsg_t *msg)
{
    bool found = false;
    kerr_t rc = ledger_command_get(l, id, c, &found, msg);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "no central command %s in the ledger", id);
    mcmd_state_t next = rc == K_OK ? mcmd_next(c->state, ev) : MCMD_STATE_COUNT;
    if (rc == K_OK && next == MCMD_STATE_COUNT)
        return kmsg_set(msg, K_ESTATE, "central command %.8s is %s: it cannot move that way", id,
                        mcmd_state_name(c->state));
    if (rc)
        return rc;
    c->state = next;
    apply_change(c, ch);
    rc = update(l, c, msg);
    if (rc == K_OK && mcmd_state_final(next))
        rc = outbox_row(l, c, msg);
    return rc;
}

kerr_t ledger_command_move(ledger_t *l, const char *id, mcmd_event_t ev, const ledger_command_change_t *ch,
                           ledger_command_t *after, kmsg_t *msg)
{
    ledger_command_t c;
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK)
        rc = ledger__command_move(l, id, ev, ch, &c, msg);
    if (rc == K_OK)
        rc = ledger__commit(l, msg);
    else
        ledger__rollback(l);
    if (rc == K_OK && after)
        *after = c;
    return rc;
}

kerr_t ledger_command_open(ledger_t *l, ledger_command_t *out, size_t max, size_t *n, kmsg_t *msg)
{
    sqlite3_stmt *st;
    *n = 0;
    kerr_t rc = ledger__cached(
        l, "SELECT " COLS " FROM meter_command WHERE state IN ('received', 'acting') ORDER BY received_at, id", &st, msg);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        read_row(st, &out[(*n)++]);
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "listing open central commands", msg);
}
