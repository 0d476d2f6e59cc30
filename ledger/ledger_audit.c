/* The audit log: append-only, and every row also goes to the outbox (topic
 * audit) so the back office holds the fleet's trail (docs/sync.md). */
#include <string.h>

#include "base/kjson.h"
#include "ledger/ledger_int.h"

/* The longest text a row uploads per field (actor, action, target, reason,
 * detail): what the back office takes (docs/sync.md, topic audit). */
static const size_t upload_max[5] = {64, 63, 127, 511, 1023};

/* Adds text cut to at most max bytes on a UTF-8 boundary, control
 * characters (a newline in a reason) made spaces: the back office refuses
 * them, and the row must still reach the fleet's trail. */
static bool add_cut(cJSON *o, const char *name, const char *text, size_t max)
{
    size_t n = strlen(text);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    char cut[1024];
    memcpy(cut, text, n);
    cut[n] = '\0';
    for (char *c = cut; *c; c++)
        if ((unsigned char)*c < 0x20 && *c != '\t')
            *c = ' ';
    return kjson_add_str(o, name, cut);
}

static kerr_t insert_row(ledger_t *l, const char *const f[5], kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "INSERT INTO audit(at, actor, action, target, reason, detail) "
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               &st, msg);
    if (rc)
        return rc;
    int64_t at = ledger__now(l);
    sqlite3_bind_int64(st, 1, at);
    for (int i = 0; i < 5; i++)
        sqlite3_bind_text(st, i + 2, f[i], -1, SQLITE_STATIC);
    if ((rc = ledger__run(l, st, "writing the audit log", msg)))
        return rc;
    static const char *const names[] = {"actor", "action", "target", "reason", "detail"};
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_int(o, "id", sqlite3_last_insert_rowid(l->db)) && kjson_add_time(o, "at", at);
    for (int i = 0; ok && i < 5; i++)
        ok = add_cut(o, names[i], f[i], upload_max[i]);
    if (!ok) {
        cJSON_Delete(o);
        o = NULL;
    }
    return ledger__outbox(l, "audit", o, msg);
}

kerr_t ledger_audit(ledger_t *l, const char *actor, const char *action, const char *target,
                    const char *reason, const char *detail, kmsg_t *msg)
{
    const char *f[5] = {actor ? actor : "", action ? action : "", target ? target : "", reason ? reason : "",
                        detail ? detail : ""};
    if (!sqlite3_get_autocommit(l->db))
        return insert_row(l, f, msg);
    kerr_t rc = ledger__begin(l, msg);
    if (rc)
        return rc;
    if ((rc = insert_row(l, f, msg)) == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

kerr_t ledger_audit_exists(ledger_t *l, const char *action, const char *target, bool *out, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "SELECT EXISTS (SELECT 1 FROM audit WHERE action = ? AND target = ?)", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *out = s == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    ledger__release(l, st);
    return s == SQLITE_ROW ? K_OK : ledger__err(l, s, "reading the audit log", msg);
}

kerr_t ledger_audit_times(ledger_t *l, const char *action, const char *target, const char *reason, int limit,
                          int64_t *out, int *n, kmsg_t *msg)
{
    sqlite3_stmt *st;
    *n = 0;
    kerr_t rc = ledger__cached(l,
                               "SELECT at FROM audit WHERE action = ? AND target = ? AND reason = ? "
                               "ORDER BY id DESC LIMIT ?",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, limit);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && *n < limit)
        out[(*n)++] = sqlite3_column_int64(st, 0);
    ledger__release(l, st);
    return s == SQLITE_DONE || s == SQLITE_ROW ? K_OK : ledger__err(l, s, "reading the audit log", msg);
}
