#include "backoffice/domain/bo_docs.h"

#include <string.h>

#include "backoffice/domain/bo_account.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "kiosk/app/kjson.h"

static const char *const kinds[] = {"tariffs", "registry", "blocked-cards", "settings", "staff"};

static const bo_setting_def_t settings[] = {
    {"max_purchase", 100000, 1, 100000000, "largest purchase, minor units"},
    {"offline_max_purchase", 20000, 0, 100000000, "largest purchase while offline, minor units"},
    {"offline_total", 200000, 0, 1000000000, "total sold while offline before selling stops, minor units"},
    {"offline_hours", 72, 0, 8760, "hours offline after which selling stops"},
    {"heartbeat_seconds", 60, 10, 3600, "time between heartbeats"},
    {"sync_seconds", 30, 5, 3600, "time between outbox uploads when idle"},
    {NULL, 0, 0, 0, NULL},
};

const bo_setting_def_t *bo_settings(void)
{
    return settings;
}

bool bo_doc_kind_valid(const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

/* Adds to arr one object per row of sql, named by cols. */
static kerr_t rows_to(sqlite3 *db, const char *sql, const char *const *cols, int n, cJSON *arr, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db, sql, &st, msg);
    if (rc)
        return rc;
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        for (int i = 0; i < n; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
                kjson_add_int(o, cols[i], sqlite3_column_int64(st, i));
            else
                kjson_add_str(o, cols[i], bo_db_col(st, i));
        }
    }
    sqlite3_finalize(st);
    return K_OK;
}

static kerr_t settings_body(sqlite3 *db, const char *kiosk, cJSON *body, kmsg_t *msg)
{
    cJSON *lim = cJSON_AddObjectToObject(body, "settings");
    for (const bo_setting_def_t *d = settings; d->key; d++) {
        int64_t v = d->def;
        sqlite3_stmt *st;
        kerr_t rc = bo_db_prepare(db, "SELECT value FROM kiosk_setting WHERE kiosk = ? AND key = ?", &st, msg);
        if (rc)
            return rc;
        bo_db_text(st, 1, kiosk);
        bo_db_text(st, 2, d->key);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        kjson_add_int(lim, d->key, v);
    }
    return K_OK;
}

static kerr_t version_of(sqlite3 *db, const char *kind, const char *kiosk, int64_t *v, kmsg_t *msg)
{
    *v = -1;
    kerr_t rc = strcmp(kind, "settings") == 0
                    ? bo_db_int(db, "SELECT settings_version FROM kiosk WHERE id = ?", kiosk, v, msg)
                    : bo_db_int(db, "SELECT version FROM doc_version WHERE kind = ?", kind, v, msg);
    if (rc == K_OK && *v < 0)
        rc = kmsg_set(msg, K_ENOTFOUND, "no %s document for kiosk %s", kind, kiosk);
    return rc;
}

kerr_t bo_doc_build(sqlite3 *db, const char *kind, const char *kiosk, cJSON **body, int64_t *version, kmsg_t *msg)
{
    static const char *const tcols[] = {"id", "currency", "text"};
    static const char *const ccols[] = {"serial", "reason"};
    static const char *const gcols[] = {"name", "perms"};
    static const char *const ocols[] = {"name", "group", "pin_hash", "disabled"};
    if (!bo_doc_kind_valid(kind))
        return kmsg_set(msg, K_ENOTFOUND, "no document kind '%s': use tariffs, registry, blocked-cards, settings or staff",
                        kind);
    kerr_t rc = version_of(db, kind, kiosk, version, msg);
    cJSON *b = cJSON_CreateObject();
    if (rc == K_OK && strcmp(kind, "tariffs") == 0)
        rc = rows_to(db, "SELECT id, currency, text FROM tariff ORDER BY id", tcols, 3,
                     cJSON_AddArrayToObject(b, "tariffs"), msg);
    else if (rc == K_OK && strcmp(kind, "registry") == 0)
        rc = bo_account_registry(db, cJSON_AddArrayToObject(b, "meters"), msg);
    else if (rc == K_OK && strcmp(kind, "blocked-cards") == 0)
        rc = rows_to(db, "SELECT serial, reason FROM blocked_card ORDER BY serial", ccols, 2,
                     cJSON_AddArrayToObject(b, "cards"), msg);
    else if (rc == K_OK && strcmp(kind, "staff") == 0) {
        rc = rows_to(db, "SELECT name, perms FROM staff_group ORDER BY name", gcols, 2,
                     cJSON_AddArrayToObject(b, "groups"), msg);
        if (rc == K_OK)
            rc = rows_to(db, "SELECT name, group_name, pin_hash, disabled FROM staff_operator ORDER BY name", ocols,
                         4, cJSON_AddArrayToObject(b, "operators"), msg);
    } else if (rc == K_OK)
        rc = settings_body(db, kiosk, b, msg);
    if (rc)
        cJSON_Delete(b);
    else
        *body = b;
    return rc;
}

kerr_t bo_doc_bump(sqlite3 *db, const char *kind, const char *kiosk, kmsg_t *msg)
{
    sqlite3_stmt *st;
    bool per_kiosk = strcmp(kind, "settings") == 0;
    kerr_t rc = bo_db_prepare(db,
                              per_kiosk ? "UPDATE kiosk SET settings_version = settings_version + 1 WHERE id = ?"
                                        : "UPDATE doc_version SET version = version + 1 WHERE kind = ?",
                              &st, msg);
    if (rc == K_OK) {
        bo_db_text(st, 1, per_kiosk ? kiosk : kind);
        rc = bo_db_run(db, st, "moving a document's version forward", msg);
    }
    return rc;
}

cJSON *bo_doc_versions(sqlite3 *db, const char *kiosk)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        int64_t v;
        if (version_of(db, kinds[i], kiosk, &v, NULL) == K_OK)
            kjson_add_int(o, kinds[i], v);
    }
    return o;
}
