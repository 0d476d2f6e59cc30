/* Central refunds (ledger_command.h, "central refunds"). */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_command.h"
#include "ledger/ledger_int.h"

static const char *const state_names[] = {
    [REFUND_SENT] = "sent", [REFUND_DONE] = "done", [REFUND_FAILED] = "failed", [REFUND_UNKNOWN] = "unknown"};

const char *ledger_refund_state_name(ledger_refund_state_t s)
{
    return (unsigned)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "?";
}

static ledger_refund_state_t state_from(const char *name)
{
    for (size_t i = 0; i < sizeof state_names / sizeof state_names[0]; i++)
        if (strcmp(state_names[i], name) == 0)
            return (ledger_refund_state_t)i;
    return REFUND_UNKNOWN;
}

static kerr_t insert(ledger_t *l, const ledger_central_refund_t *r, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "INSERT INTO central_refund(command_id, meter, amount, purchase_count, state, at) "
                               "VALUES (?, ?, ?, ?, 'sent', ?) ON CONFLICT (command_id) DO NOTHING",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, r->command_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->meter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, r->amount);
    sqlite3_bind_int64(st, 4, r->purchase_count);
    sqlite3_bind_int64(st, 5, ledger__now(l));
    rc = ledger__run(l, st, "recording a central refund", msg);
    if (rc == K_OK && sqlite3_changes(l->db) != 1)
        return kmsg_set(msg, K_ECONFLICT, "central command %.8s has a refund recorded already", r->command_id);
    return rc;
}

kerr_t ledger_refund_begin(ledger_t *l, const ledger_central_refund_t *r, kmsg_t *msg)
{
    ledger_command_t c;
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK)
        rc = insert(l, r, msg);
    if (rc == K_OK)
        rc = ledger__command_move(l, r->command_id, MCMD_EV_START, NULL, &c, msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

static kerr_t finish(ledger_t *l, const char *id, ledger_refund_state_t state, const char *detail,
                     const ledger_command_change_t *ch, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "UPDATE central_refund SET state = ?, detail = ?, balance_after = ?, finished_at = ? "
                               "WHERE command_id = ? AND state = 'sent'",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, ledger_refund_state_name(state), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, detail, -1, SQLITE_STATIC);
    if (ch && ch->has_after)
        sqlite3_bind_int64(st, 3, ch->balance_after);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, ledger__now(l));
    sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
    rc = ledger__run(l, st, "ending a central refund", msg);
    if (rc == K_OK && sqlite3_changes(l->db) != 1)
        return kmsg_set(msg, K_ESTATE, "central command %.8s has no refund under way", id);
    return rc;
}

kerr_t ledger_refund_end(ledger_t *l, const char *id, ledger_refund_state_t state, const char *detail,
                         const ledger_command_change_t *ch, ledger_command_t *after, kmsg_t *msg)
{
    static const mcmd_event_t ev[] = {[REFUND_SENT] = MCMD_EV_COUNT, [REFUND_DONE] = MCMD_EV_DONE,
                                      [REFUND_FAILED] = MCMD_EV_FAIL, [REFUND_UNKNOWN] = MCMD_EV_LOST};
    if ((unsigned)state >= sizeof ev / sizeof ev[0] || ev[state] == MCMD_EV_COUNT)
        return kmsg_set(msg, K_EINVAL, "a refund ends done, failed or unknown");
    ledger_command_t c;
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK)
        rc = finish(l, id, state, detail, ch, msg);
    if (rc == K_OK)
        rc = ledger__command_move(l, id, ev[state], ch, &c, msg);
    if (rc == K_OK)
        rc = ledger__commit(l, msg);
    else
        ledger__rollback(l);
    if (rc == K_OK && after)
        *after = c;
    return rc;
}

kerr_t ledger_refund_get(ledger_t *l, const char *id, ledger_central_refund_t *out, bool *found, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "SELECT command_id, meter, amount, purchase_count, state, balance_after, detail, at, "
                               "coalesce(finished_at, 0) FROM central_refund WHERE command_id = ?",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found) {
        char state[16];
        memset(out, 0, sizeof *out);
        ledger__col_text(st, 0, out->command_id, sizeof out->command_id);
        ledger__col_text(st, 1, out->meter, sizeof out->meter);
        out->amount = sqlite3_column_int64(st, 2);
        out->purchase_count = sqlite3_column_int64(st, 3);
        ledger__col_text(st, 4, state, sizeof state);
        out->state = state_from(state);
        out->has_balance = sqlite3_column_type(st, 5) != SQLITE_NULL;
        out->balance_after = sqlite3_column_int64(st, 5);
        ledger__col_text(st, 6, out->detail, sizeof out->detail);
        out->at = sqlite3_column_int64(st, 7);
        out->finished_at = sqlite3_column_int64(st, 8);
    }
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading a central refund", msg);
}
