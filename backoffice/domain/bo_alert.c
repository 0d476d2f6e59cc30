/* The back office's own alerts for staff (bo_alert.h). */
#include "backoffice/domain/bo_alert.h"

#include "backoffice/domain/bo_audit.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "kiosk/app/log.h"

kerr_t bo_alert_staff(sqlite3 *db, int64_t now, const char *kind, const char *meter, const char *evidence,
                      kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db,
                             "INSERT INTO alert (kiosk, kiosk_alert, meter, at, kind, severity, evidence) VALUES "
                             "('" BO_AUDIT_SELF "', (SELECT coalesce(max(kiosk_alert), 0) + 1 "
                             "FROM alert WHERE kiosk = '" BO_AUDIT_SELF "'), ?1, ?2, ?3, 'warning', ?4)",
                             &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, meter);
    sqlite3_bind_int64(st, 2, now);
    bo_db_text(st, 3, kind);
    bo_db_text(st, 4, evidence);
    rc = bo_db_done(db, st, "raising an alert for staff", msg);
    if (rc == K_OK)
        LOG_W("backoffice", "alert %s%s%s: %s", kind, meter[0] ? " meter " : "", meter, evidence);
    return rc ? K_EIO : K_OK;
}
