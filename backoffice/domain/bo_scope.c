/* A kiosk's scope (bo_scope.h): its site's meters and the meters granted
 * to its site. */
#include "backoffice/domain/bo_scope.h"

#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_db.h"

/* One row: the kiosk's site, whether the meter is registered, its site,
 * and whether a live grant gives the kiosk's site the meter. */
static const char scope_sql[] =
    "SELECT k.site, m.id IS NOT NULL, coalesce(m.site, ''), EXISTS (SELECT 1 FROM site_grant g "
    "  WHERE g.site = k.site AND g.revoked_at IS NULL AND (g.meter = ?2 OR (g.from_site <> '' AND "
    "  g.from_site = m.site))) "
    "FROM kiosk k LEFT JOIN meter m ON m.id = ?2 WHERE k.id = ?1";

kerr_t bo_scope_check(sqlite3 *db, const char *kiosk, const char *meter, kmsg_t *why)
{
    sqlite3_stmt *st;
    kmsg_t err;
    if (bo_db_cached(db, scope_sql, &st, &err))
        return kmsg_set(why, K_EIO, "%s", err.text);
    bo_db_text(st, 1, kiosk);
    bo_db_text(st, 2, meter);
    int src = sqlite3_step(st);
    char site[65] = "", home[65] = "";
    bool known = false, granted = false;
    if (src == SQLITE_ROW) {
        snprintf(site, sizeof site, "%s", bo_db_col(st, 0));
        known = sqlite3_column_int(st, 1) != 0;
        snprintf(home, sizeof home, "%s", bo_db_col(st, 2));
        granted = sqlite3_column_int(st, 3) != 0;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return kmsg_set(why, K_EIO, "database error checking a kiosk's scope: %s", sqlite3_errmsg(db));
    if (known && site[0] && (strcmp(site, home) == 0 || granted))
        return K_OK;
    if (!known)
        return kmsg_set(why, K_EDENIED,
                        "out_of_scope: meter %s is not registered, so no kiosk may act for it (kiosk %s); "
                        "register it with `backoffice meter add %s --site SITE ...`",
                        meter, kiosk, meter);
    if (!home[0])
        return kmsg_set(why, K_EDENIED,
                        "out_of_scope: meter %s has no site yet (kiosk %s); set it with `backoffice meter site %s "
                        "SITE --reason TEXT`",
                        meter, kiosk, meter);
    return kmsg_set(why, K_EDENIED,
                    "out_of_scope: meter %s is not served by site %s (kiosk %s), it is on site %s; grant it with "
                    "`backoffice site grant %s --meter %s --reason TEXT`",
                    meter, site, kiosk, home, site, meter);
}

kerr_t bo_site_pick(sqlite3 *db, const char *given, char site[65], kmsg_t *msg)
{
    int64_t n = 0;
    site[0] = '\0';
    kerr_t rc = given ? bo_db_int(db, "SELECT count(*) FROM site WHERE id = ?", given, &n, msg)
                      : bo_db_int(db, "SELECT count(*) FROM site", NULL, &n, msg);
    if (rc)
        return rc;
    if (given && n == 0)
        return kmsg_set(msg, K_ENOTFOUND, "site %s is not known; see `backoffice site list`", given);
    if (given) {
        snprintf(site, 65, "%s", given);
        return K_OK;
    }
    if (n != 1)
        return kmsg_set(msg, K_EINVAL,
                        "--site SITE is needed: the meter belongs to the site whose gateway it hangs on, and this "
                        "back office has %lld sites (see `backoffice site list`)",
                        (long long)n);
    sqlite3_stmt *st;
    rc = bo_db_prepare(db, "SELECT id FROM site", &st, msg);
    if (rc == K_OK && sqlite3_step(st) == SQLITE_ROW)
        snprintf(site, 65, "%s", bo_db_col(st, 0));
    sqlite3_finalize(st);
    return rc;
}
