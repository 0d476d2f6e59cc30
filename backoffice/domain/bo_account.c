/* Accounts' common ground (bo_account.h): the transaction every operation
 * runs in, with its audit row and the registry moved forward; bindings;
 * the registry's view of each meter; the zero first purchase ended by a
 * delivered sale. */
#include "backoffice/domain/bo_account.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_docs.h"
#include "kiosk/app/kjson.h"

#define NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

/* `backoffice:<login name>`: the user who logged in (so sudo still names
 * the person), else the user the program runs as, else the uid. */
static void actor_name(char *out, size_t len)
{
    const char *name = getlogin();
    struct passwd *pw = name ? NULL : getpwuid(geteuid());
    if (!name && pw)
        name = pw->pw_name;
    if (name && name[0])
        snprintf(out, len, "backoffice:%s", name);
    else
        snprintf(out, len, "backoffice:uid%u", (unsigned)geteuid());
}

kerr_t bo_acct_begin(bo_acct_op_t *op, sqlite3 *db)
{
    op->db = db;
    op->msg.text[0] = '\0';
    actor_name(op->actor, sizeof op->actor);
    return bo_db_exec(db, "BEGIN IMMEDIATE", "starting", &op->msg);
}

int bo_acct_end(bo_acct_op_t *op, kerr_t rc, const char *action, const char *target, const char *reason,
                const char *detail, const char *done)
{
    if (rc == K_OK)
        rc = bo_audit_record(op->db, op->actor, action, target, reason, detail, &op->msg);
    if (rc == K_OK)
        rc = bo_doc_bump(op->db, "registry", NULL, &op->msg);
    if (bo_admin_commit(op->db, rc, &op->msg) != BO_EXIT_OK)
        return BO_EXIT_FAIL;
    if (done)
        printf("%s\n", done);
    return BO_EXIT_OK;
}

int bo_acct_finish(bo_acct_op_t *op, kerr_t rc, const char *action, const char *target, const char *reason,
                   const char *detail)
{
    if (rc == K_OK)
        rc = bo_audit_record(op->db, op->actor, action, target, reason, detail, &op->msg);
    return bo_admin_commit(op->db, rc, &op->msg);
}

static kerr_t prepare(bo_acct_op_t *op, const char *sql, const char *const *p, int n, sqlite3_stmt **st)
{
    kerr_t rc = bo_db_prepare(op->db, sql, st, &op->msg);
    for (int i = 0; rc == K_OK && i < n; i++)
        bo_db_text(*st, i + 1, p[i]);
    return rc;
}

kerr_t bo_acct_sql(bo_acct_op_t *op, const char *sql, const char *const *p, int n)
{
    sqlite3_stmt *st;
    kerr_t rc = prepare(op, sql, p, n, &st);
    return rc ? rc : bo_db_run(op->db, st, "changing the database", &op->msg);
}

kerr_t bo_acct_text(bo_acct_op_t *op, const char *sql, const char *const *p, int n, char *out, size_t len,
                    bool *found)
{
    sqlite3_stmt *st;
    kerr_t rc = prepare(op, sql, p, n, &st);
    if (rc)
        return rc;
    int src = sqlite3_step(st);
    *found = src == SQLITE_ROW;
    snprintf(out, len, "%s", *found ? bo_db_col(st, 0) : "");
    sqlite3_finalize(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return kmsg_set(&op->msg, K_EIO, "database error reading a value: %s", sqlite3_errmsg(op->db));
    return K_OK;
}

kerr_t bo_acct_state(bo_acct_op_t *op, const char *account, char customer[65], char state[16])
{
    const char *p[] = {account};
    bool found;
    kerr_t rc = bo_acct_text(op, "SELECT customer FROM account WHERE id = ?", p, 1, customer, 65, &found);
    if (rc == K_OK && !found)
        return kmsg_set(&op->msg, K_ENOTFOUND, "account %s is not known; see `backoffice account list`", account);
    if (rc == K_OK)
        rc = bo_acct_text(op, "SELECT state FROM account WHERE id = ?", p, 1, state, 16, &found);
    return rc;
}

kerr_t bo_acct_check_free(bo_acct_op_t *op, const char *meter, const char *account)
{
    const char *p[] = {meter};
    char v[80];
    bool found;
    kerr_t rc = bo_acct_text(op, "SELECT id FROM meter WHERE id = ?", p, 1, v, sizeof v, &found);
    if (rc == K_OK && !found)
        return kmsg_set(&op->msg, K_ENOTFOUND,
                        "meter %s is not registered: install it with `backoffice meter install %s --account %s "
                        "--protocol P --gateway HOST:PORT`",
                        meter, meter, account);
    if (rc == K_OK)
        rc = bo_acct_text(op,
                          "SELECT strftime('%Y-%m-%d', at / 1000, 'unixepoch') || ': ' || reason "
                          "FROM meter_removed WHERE meter = ?",
                          p, 1, v, sizeof v, &found);
    if (rc == K_OK && found)
        return kmsg_set(&op->msg, K_ESTATE,
                        "meter %s was removed from service (%s): install it again with `backoffice meter install`",
                        meter, v);
    if (rc == K_OK)
        rc = bo_acct_text(op, "SELECT account FROM account_meter WHERE meter = ? AND unbound_at IS NULL", p, 1, v,
                          sizeof v, &found);
    if (rc == K_OK && found && strcmp(v, account) == 0)
        return kmsg_set(&op->msg, K_ECONFLICT, "meter %s is bound to account %s already", meter, account);
    if (rc == K_OK && found)
        return kmsg_set(&op->msg, K_ECONFLICT,
                        "meter %s is bound to open account %s: close that account (or remove the meter) first", meter,
                        v);
    return rc;
}

kerr_t bo_acct_bind(bo_acct_op_t *op, const char *account, const char *meter)
{
    const char *p[] = {account, meter};
    kerr_t rc = bo_acct_sql(op, "INSERT INTO account_meter(account, meter, bound_at) VALUES (?1, ?2, " NOW_MS ")", p,
                            2);
    if (rc == K_OK)
        rc = bo_acct_sql(op, "UPDATE meter SET customer = (SELECT customer FROM account WHERE id = ?1) WHERE id = ?2",
                         p, 2);
    return rc;
}

kerr_t bo_acct_unbind(bo_acct_op_t *op, const char *meter, const char *reading, const char *why, char account[65])
{
    const char *p[] = {meter, reading, why};
    bool found;
    kerr_t rc = bo_acct_text(op, "SELECT account FROM account_meter WHERE meter = ? AND unbound_at IS NULL", p, 1,
                             account, 65, &found);
    if (rc == K_OK && found)
        rc = bo_acct_sql(op,
                         "UPDATE account_meter SET unbound_at = " NOW_MS ", final_reading = CAST(nullif(?2, '') AS "
                         "INTEGER), unbound_why = ?3, first_zero_ok = 0 WHERE meter = ?1 AND unbound_at IS NULL",
                         p, 3);
    return rc;
}

bool bo_acct_reading_valid(const char *text)
{
    size_t n = strlen(text);
    return n >= 1 && n <= 15 && strspn(text, "0123456789") == n;
}

kerr_t bo_acct_credit(bo_acct_op_t *op, const char *account, const char *amount)
{
    const char *p[] = {account, amount};
    if (!amount || strspn(amount, "0") == strlen(amount))
        return K_OK;
    return bo_acct_sql(op, "UPDATE account SET balance = balance + CAST(?2 AS INTEGER) WHERE id = ?1", p, 2);
}

/* The registry's view of every meter: removed; bound to an open account;
 * closed (its last account closed); unassigned (never bound: registered
 * with `meter add`, sold to as before accounts existed). */
static const char registry_sql[] =
    "SELECT m.id, m.customer, m.protocol, m.gateway, m.kind, m.tariff, "
    "  coalesce(b.account, (SELECT h.account FROM account_meter h WHERE h.meter = m.id ORDER BY h.id DESC LIMIT 1), "
    "    '') AS account, "
    "  CASE WHEN r.meter IS NOT NULL THEN 'removed' WHEN b.id IS NOT NULL THEN 'open' "
    "    WHEN EXISTS (SELECT 1 FROM account_meter h WHERE h.meter = m.id) THEN 'closed' ELSE 'unassigned' END, "
    "  coalesce(b.first_zero_ok, 0) "
    "FROM meter m LEFT JOIN account_meter b ON b.meter = m.id AND b.unbound_at IS NULL "
    "LEFT JOIN meter_removed r ON r.meter = m.id ORDER BY m.id";

kerr_t bo_account_registry(sqlite3 *db, cJSON *arr, kmsg_t *msg)
{
    static const char *const cols[] = {"meter", "customer", "protocol", "gateway", "kind", "tariff", "account",
                                       "status"};
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db, registry_sql, &st, msg);
    if (rc)
        return rc;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        for (int i = 0; i < 8; i++)
            kjson_add_str(o, cols[i], bo_db_col(st, i));
        const char *status = bo_db_col(st, 7);
        cJSON_AddBoolToObject(o, "sellable", strcmp(status, "open") == 0 || strcmp(status, "unassigned") == 0);
        cJSON_AddBoolToObject(o, "first_purchase_zero_ok", sqlite3_column_int(st, 8) == 1);
    }
    sqlite3_finalize(st);
    if (src != SQLITE_DONE)
        return kmsg_set(msg, K_EIO, "database error building the registry: %s", sqlite3_errmsg(db));
    return K_OK;
}

kerr_t bo_account_on_sale(sqlite3 *db, const char *meter, const char *state, int64_t created_at, kmsg_t *msg)
{
    if (strcmp(state, "delivered") != 0)
        return K_OK;
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db,
                             "UPDATE account_meter SET first_zero_ok = 0 WHERE meter = ? AND unbound_at IS NULL "
                             "AND first_zero_ok = 1 AND bound_at <= ?",
                             &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, meter);
    sqlite3_bind_int64(st, 2, created_at);
    rc = bo_db_done(db, st, "ending a meter's zero first purchase", msg);
    if (rc == K_OK && sqlite3_changes(db) > 0)
        rc = bo_doc_bump(db, "registry", NULL, msg);
    return rc;
}
