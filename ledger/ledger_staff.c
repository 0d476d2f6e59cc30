/* Staff in the ledger (ledger.h, "staff"): permission groups and operators,
 * every change with its audit row in the same transaction. */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"

/* Runs one statement with text parameters (NULL ends them) and an audit
 * row, in one transaction; *changed (may be NULL) gets the rows changed. */
static kerr_t write_audited(ledger_t *l, const char *sql, const char *const *params, int64_t now_param,
                            const char *actor, const char *action, const char *target, const char *detail,
                            int *changed, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK && (rc = ledger__cached(l, sql, &st, msg)) == K_OK) {
        int i = 1;
        for (; params[i - 1]; i++)
            sqlite3_bind_text(st, i, params[i - 1], -1, SQLITE_STATIC);
        if (now_param)
            sqlite3_bind_int64(st, i, ledger__now(l));
        rc = ledger__run(l, st, action, msg);
        if (changed)
            *changed = sqlite3_changes(l->db);
    }
    if (rc == K_OK && (!changed || *changed > 0))
        rc = ledger_audit(l, actor, action, target, "", detail, msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

/* What a local change to a name the back office manages answers. */
static kerr_t central(const char *what, const char *name, kmsg_t *msg)
{
    return kmsg_set(msg, K_ECONFLICT, "%s %s is managed by the back office: change it there (backoffice %s ...)", what,
                    name, what);
}

kerr_t ledger_group_put(ledger_t *l, const char *name, const char *perms, const char *actor, kmsg_t *msg)
{
    const char *params[] = {name, perms, NULL};
    int changed = 0;
    kerr_t rc = write_audited(l,
                              "INSERT INTO op_group(name, perms, updated_at) VALUES (?1, ?2, ?3) "
                              "ON CONFLICT(name) DO UPDATE SET perms = ?2, updated_at = ?3 WHERE origin = 'local'",
                              params, 1, actor, "group_put", name, perms, &changed, msg);
    return rc == K_OK && changed == 0 ? central("group", name, msg) : rc;
}

kerr_t ledger_groups(ledger_t *l, void (*cb)(void *ctx, const char *name, const char *perms), void *ctx, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l, "SELECT name, perms FROM op_group ORDER BY name", &st, msg);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        cb(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
    ledger__release(l, st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the groups", msg);
}

kerr_t ledger_operator_put(ledger_t *l, const char *name, const char *group, const char *pin_hash, const char *actor,
                           kmsg_t *msg)
{
    const char *params[] = {name, group, pin_hash, NULL};
    int changed = 0;
    kerr_t rc = write_audited(l,
                              "INSERT INTO operator(name, group_name, pin_hash, created_at, updated_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT(name) DO UPDATE SET group_name = ?2, "
                              "pin_hash = ?3, failures = 0, locked_until = 0, updated_at = ?4 WHERE origin = 'local'",
                              params, 1, actor, "operator_put", name, group, &changed, msg);
    if (rc == K_ECONFLICT) /* the foreign key: no such group */
        return kmsg_set(msg, K_ENOTFOUND, "there is no group %s: create it first", group);
    return rc == K_OK && changed == 0 ? central("operator", name, msg) : rc;
}

kerr_t ledger_operator_active(ledger_t *l, const char *name, bool active, const char *actor, kmsg_t *msg)
{
    const char *params[] = {active ? "1" : "0", name, NULL};
    int changed = 0;
    kerr_t rc = write_audited(l, "UPDATE operator SET active = CAST(?1 AS INTEGER), updated_at = ?3 WHERE name = ?2",
                              params, 1, actor, active ? "operator_enable" : "operator_disable", name, "", &changed,
                              msg);
    return rc == K_OK && changed == 0 ? kmsg_set(msg, K_ENOTFOUND, "there is no operator %s", name) : rc;
}

#define OPERATOR_SQL                                                                                           \
    "SELECT o.name, o.group_name, o.pin_hash, o.active, o.failures, o.locked_until, g.perms, "                 \
    "o.origin = 'central' FROM operator o "                                                                    \
    "JOIN op_group g ON g.name = o.group_name"

static void row_operator(sqlite3_stmt *st, ledger_operator_t *o)
{
    memset(o, 0, sizeof *o);
    ledger__col_text(st, 0, o->name, sizeof o->name);
    ledger__col_text(st, 1, o->group, sizeof o->group);
    ledger__col_text(st, 2, o->pin_hash, sizeof o->pin_hash);
    o->active = sqlite3_column_int(st, 3) != 0;
    o->failures = sqlite3_column_int(st, 4);
    o->locked_until = sqlite3_column_int64(st, 5);
    ledger__col_text(st, 6, o->perms, sizeof o->perms);
    o->central = sqlite3_column_int(st, 7) != 0;
}

kerr_t ledger_operator_get(ledger_t *l, const char *name, ledger_operator_t *out, bool *found, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, OPERATOR_SQL " WHERE o.name = ?", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found)
        row_operator(st, out);
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading an operator", msg);
}

kerr_t ledger_operators(ledger_t *l, void (*cb)(void *ctx, const ledger_operator_t *o), void *ctx, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l, OPERATOR_SQL " ORDER BY o.name", &st, msg);
    if (rc)
        return rc;
    int s;
    ledger_operator_t o;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        row_operator(st, &o);
        cb(ctx, &o);
    }
    ledger__release(l, st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the operators", msg);
}

kerr_t ledger_operator_count(ledger_t *l, int64_t *n, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT count(*) FROM operator", &st, msg);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    *n = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    ledger__release(l, st);
    return s == SQLITE_ROW ? K_OK : ledger__err(l, s, "counting the operators", msg);
}

kerr_t ledger_operator_attempt(ledger_t *l, const char *name, int failures, int64_t locked_until, const char *action,
                               kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK &&
        (rc = ledger__cached(l, "UPDATE operator SET failures = ?, locked_until = ?, updated_at = ? WHERE name = ?",
                             &st, msg)) == K_OK) {
        sqlite3_bind_int(st, 1, failures);
        sqlite3_bind_int64(st, 2, locked_until);
        sqlite3_bind_int64(st, 3, ledger__now(l));
        sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
        rc = ledger__run(l, st, "recording a PIN attempt", msg);
    }
    char detail[64];
    snprintf(detail, sizeof detail, "failures %d", failures);
    if (rc == K_OK)
        rc = ledger_audit(l, name, action, name, "", detail, msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}
