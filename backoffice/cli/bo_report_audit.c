/* `report audit`: the fleet's audit trail, filtered by kiosk, time and
 * action; the command line and the admin API share the query. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/base/bo_json.h"

kerr_t bo_audit_query(sqlite3 *db, const char *kiosk, int64_t since, const char *action, sqlite3_stmt **st,
                      kmsg_t *msg)
{
    kerr_t rc = bo_db_prepare(db,
                              "SELECT kiosk, kiosk_audit AS audit_id, "
                              "strftime('%Y-%m-%dT%H:%M:%SZ', at / 1000, 'unixepoch') AS at, actor, action, target, "
                              "reason, detail FROM audit WHERE (?1 = '' OR kiosk = ?1) AND at >= ?2 "
                              "AND (?3 = '' OR action = ?3) ORDER BY audit.at, kiosk, kiosk_audit, id",
                              st, msg);
    if (rc)
        return rc;
    bo_db_text(*st, 1, kiosk);
    sqlite3_bind_int64(*st, 2, since);
    bo_db_text(*st, 3, action);
    return K_OK;
}

int bo_report_audit(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    const char *since = bo_arg(a, "since");
    int64_t from = 0;
    if (a->npos != 2) {
        fprintf(stderr, "usage: backoffice report audit [--kiosk ID] [--since DATE] [--action A] [--csv]\n");
        return BO_EXIT_USAGE;
    }
    if (since && !bo_time_parse(since, &from)) {
        fprintf(stderr, "backoffice: --since %s is not a date like 2026-11-01\n", since);
        return BO_EXIT_USAGE;
    }
    sqlite3_stmt *st;
    kmsg_t msg = {{0}};
    if (bo_audit_query(db, bo_arg(a, "kiosk"), from, bo_arg(a, "action"), &st, &msg) != K_OK) {
        fprintf(stderr, "backoffice: the report failed: %s\n", msg.text);
        return BO_EXIT_FAIL;
    }
    if (bo_print_rows(st, bo_arg(a, "csv") != NULL, out) < 0) {
        fprintf(stderr, "backoffice: the report failed: %s\n", sqlite3_errmsg(db));
        return BO_EXIT_FAIL;
    }
    return BO_EXIT_OK;
}
