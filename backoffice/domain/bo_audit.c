/* The fleet's audit trail (bo_audit.h): the back office's own actions and
 * the rows kiosks upload under topic `audit`, in the one table `audit`. */
#include "backoffice/domain/bo_audit.h"

#include <pwd.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_ingest.h"

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

kerr_t bo_audit_record(sqlite3 *db, const char *actor, const char *action, const char *target, const char *reason,
                       const char *detail, kmsg_t *msg)
{
    if (!actor || !actor[0] || !action || !action[0])
        return kmsg_set(msg, K_EINVAL, "an audit row needs an actor and an action");
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db,
                              "INSERT INTO audit(kiosk, kiosk_audit, at, actor, action, target, reason, detail, "
                              "received_at) VALUES ('" BO_AUDIT_SELF "', NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?1)",
                              &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, wall_ms());
    const char *texts[] = {actor, action, target, reason, detail};
    for (int i = 0; i < 5; i++)
        bo_db_text(st, i + 2, texts[i]);
    rc = bo_db_run(db, st, "writing the back office's audit log", msg);
    return rc ? K_EIO : K_OK; /* the message says what failed */
}

kerr_t bo_audit_ingest(sqlite3 *db, const char *kiosk, const bo_row_t *row, int64_t now, bo_row_status_t *status,
                       kmsg_t *reason, kmsg_t *msg)
{
    bo_audit_t a;
    if (bo_decode_audit(row->payload, &a, reason) != K_OK) {
        *status = BO_REJECTED;
        return K_OK;
    }
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "INSERT INTO audit(kiosk, kiosk_audit, at, actor, action, target, reason, detail, "
                                 "received_at, ledger) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, kiosk);
    sqlite3_bind_int64(st, 2, a.id);
    sqlite3_bind_int64(st, 3, a.at);
    const char *texts[] = {a.actor, a.action, a.target, a.reason, a.detail};
    for (int i = 0; i < 5; i++)
        bo_db_text(st, i + 4, texts[i]);
    sqlite3_bind_int64(st, 9, now);
    bo_db_text(st, 10, row->ledger);
    rc = bo_db_done(db, st, "storing an audit row", msg);
    if (rc == K_ECONFLICT) {
        *status = BO_DUPLICATE;
        kmsg_set(reason, K_OK, "audit row %lld of this kiosk was received before", (long long)a.id);
        return K_OK;
    }
    return rc;
}

const char *bo_audit_staff_actor(void)
{
    static char who[80];
    const struct passwd *pw = getpwuid(getuid());
    snprintf(who, sizeof who, "staff:%s", pw ? pw->pw_name : "unknown");
    return who;
}
