/* The back office's signed document `staff` applied to the ledger (docs/
 * staff.md, "Central operators"): its groups and operators are upserted as
 * `central` (a central one wins over a local one of the same name), central
 * operators no longer in it are disabled, local ones stay. Lockout counts
 * stay the kiosk's own; a new PIN hash clears them, as a new PIN does here. */
#include <string.h>

#include "core/perm.h"
#include "ledger/ledger_int.h"

static bool name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n < LEDGER_NAME_LEN &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static const char *str_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static kerr_t put_group(ledger_t *l, const cJSON *g, int i, kmsg_t *msg)
{
    const char *name = str_of(g, "name"), *perms = str_of(g, "perms");
    perm_set_t set;
    char bad[64] = "";
    if (!name_ok(name) || !perms)
        return kmsg_set(msg, K_EINVAL, "staff document: groups[%d] needs a name (1 to 32 of [A-Za-z0-9._-]) and perms",
                        i);
    if (!perm_parse_set(perms, &set, bad, sizeof bad))
        return kmsg_set(msg, K_EINVAL, "staff document: group %s names '%s', which is not a permission here; "
                                       "upgrade the kiosk's software",
                        name, bad);
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "INSERT INTO op_group(name, perms, updated_at, origin) VALUES (?1, ?2, ?3, 'central') "
                               "ON CONFLICT(name) DO UPDATE SET perms = ?2, updated_at = ?3, origin = 'central'",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, perms, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ledger__now(l));
    return ledger__run(l, st, "storing a central group", msg);
}

static kerr_t put_operator(ledger_t *l, const cJSON *o, int i, kmsg_t *msg)
{
    const char *name = str_of(o, "name"), *group = str_of(o, "group"), *hash = str_of(o, "pin_hash");
    const cJSON *off = cJSON_GetObjectItemCaseSensitive(o, "disabled");
    if (!name_ok(name) || !name_ok(group) || !hash || strncmp(hash, "$argon2id$", 10) != 0 ||
        strlen(hash) >= sizeof ((ledger_operator_t *)0)->pin_hash || !cJSON_IsNumber(off) ||
        (off->valuedouble != 0 && off->valuedouble != 1))
        return kmsg_set(msg, K_EINVAL, "staff document: operators[%d] needs a name, a group, an Argon2id pin_hash "
                                       "and disabled 0 or 1",
                        i);
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(
        l,
        "INSERT INTO operator(name, group_name, pin_hash, active, created_at, updated_at, origin) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'central') ON CONFLICT(name) DO UPDATE SET group_name = ?2, active = ?4, "
        "failures = CASE WHEN pin_hash = ?3 THEN failures ELSE 0 END, "
        "locked_until = CASE WHEN pin_hash = ?3 THEN locked_until ELSE 0 END, "
        "pin_hash = ?3, updated_at = ?5, origin = 'central'",
        &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, off->valuedouble == 0);
    sqlite3_bind_int64(st, 5, ledger__now(l));
    rc = ledger__run(l, st, "storing a central operator", msg);
    if (rc == K_ECONFLICT) /* the foreign key */
        return kmsg_set(msg, K_EINVAL, "staff document: operator %s is in group %s, which it does not hold", name,
                        group);
    return rc;
}

/* Central operators the document no longer holds can no longer sign in. */
static kerr_t disable_gone(ledger_t *l, const char *body, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "UPDATE operator SET active = 0, updated_at = ?2 WHERE origin = 'central' AND "
                               "active = 1 AND name NOT IN (SELECT json_extract(value, '$.name') "
                               "FROM json_each(?1, '$.operators'))",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, ledger__now(l));
    return ledger__run(l, st, "disabling operators the back office removed", msg);
}

kerr_t ledger__staff_apply(ledger_t *l, const char *body, kmsg_t *msg)
{
    cJSON *doc = cJSON_Parse(body);
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(doc, "groups");
    const cJSON *ops = cJSON_GetObjectItemCaseSensitive(doc, "operators");
    kerr_t rc = cJSON_IsArray(groups) && cJSON_IsArray(ops)
                    ? K_OK
                    : kmsg_set(msg, K_EINVAL, "staff document: it needs 'groups' and 'operators' arrays");
    int i = 0;
    for (const cJSON *g = rc ? NULL : groups->child; g && rc == K_OK; g = g->next)
        rc = put_group(l, g, i++, msg);
    i = 0;
    for (const cJSON *o = rc ? NULL : ops->child; o && rc == K_OK; o = o->next)
        rc = put_operator(l, o, i++, msg);
    cJSON_Delete(doc);
    return rc ? rc : disable_gone(l, body, msg);
}
