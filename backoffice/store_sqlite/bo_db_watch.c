/* The database's notices of changes (bo_db.h: bo_db_watch_*): on
 * PostgreSQL a connection of its own LISTENs on bo_changed, which the
 * schema's triggers on meter_command and qr_order notify in the
 * transaction that changes a row (delivered at its commit); SQLite has
 * none (one server, whose own changes wake its long polls). */
#include <libpq-fe.h>
#include <poll.h>
#include <stdlib.h>

#include "backoffice/store_sqlite/bo_db.h"

/* The watch's connection is named after the instance's, " (watch)" added,
 * in pg_stat_activity. */
#define LISTEN                                                                                                 \
    "LISTEN bo_changed; SELECT set_config('application_name', current_setting('application_name') || ' (watch)', " \
    "false)"

struct bo_db_watch {
    PGconn *pg;
};

kerr_t bo_db_watch_open(const char *database, bo_db_watch_t **out, kmsg_t *msg)
{
    *out = NULL;
    if (bo_db_engine_of(database) != BO_ENGINE_POSTGRESQL)
        return K_OK;
    bo_db_watch_t *w = calloc(1, sizeof *w);
    if (!w)
        return kmsg_set(msg, K_EIO, "out of memory watching the database");
    w->pg = PQconnectdb(database);
    PGresult *res = PQstatus(w->pg) == CONNECTION_OK ? PQexec(w->pg, LISTEN) : NULL;
    bool ok = res && PQresultStatus(res) == PGRES_TUPLES_OK;
    PQclear(res);
    if (!ok) {
        kmsg_set(msg, K_EIO, "cannot listen for the database's changes: %s", PQerrorMessage(w->pg));
        bo_db_watch_close(w);
        return K_EIO;
    }
    *out = w;
    return K_OK;
}

/* The notices already read, each freed. */
static int drain(bo_db_watch_t *w)
{
    int n = 0;
    for (PGnotify *note; (note = PQnotifies(w->pg)) != NULL; n++)
        PQfreemem(note);
    return n;
}

int bo_db_watch_wait(bo_db_watch_t *w, int timeout_ms)
{
    int n = drain(w);
    if (n > 0)
        return n;
    struct pollfd p = {.fd = PQsocket(w->pg), .events = POLLIN};
    if (p.fd < 0)
        return -1;
    int got = poll(&p, 1, timeout_ms);
    if (got == 0)
        return 0;
    if (got < 0 || !PQconsumeInput(w->pg) || PQstatus(w->pg) != CONNECTION_OK)
        return got < 0 ? 0 : -1;
    return drain(w);
}

void bo_db_watch_close(bo_db_watch_t *w)
{
    if (!w)
        return;
    PQfinish(w->pg);
    free(w);
}
