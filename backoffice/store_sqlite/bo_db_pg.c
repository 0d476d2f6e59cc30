/* The PostgreSQL side of the connection's helpers (bo_db.h), through
 * libpq: statements prepared once per connection (PQprepare) with their
 * ?N placeholders numbered $N, parameters sent as text (PostgreSQL infers
 * their types) or, for 's' and 'b', as bytes. A write inside a transaction
 * runs under a savepoint so that a uniqueness breach (K_ECONFLICT) undoes
 * that statement alone, as SQLite does. A lost connection is made again
 * (bo__pg_ready, docs/storage.md). */
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_db_int.h"
#include "base/clock.h"
#include "base/log.h"

#define MAX_PARAMS 32
#define BOOLOID 16
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define NUMERICOID 1700
#define RETRY_MS 1000 /* between tries to connect again, and from the loss to the first */
#define CONNECT_S "2" /* seconds a try to connect waits for the server */
#define SESSION "SET client_min_messages = warning; SET TIME ZONE 'UTC'"

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A connection to conninfo with the session's settings; NULL with why in
 * msg if not. A try waits at most CONNECT_S for the server unless conninfo
 * says otherwise (its settings override the ones before it). */
static PGconn *session(const char *conninfo, kmsg_t *msg)
{
    const char *const keys[] = {"connect_timeout", "dbname", NULL};
    const char *const values[] = {CONNECT_S, conninfo, NULL};
    PGconn *pg = PQconnectdbParams(keys, values, 1);
    PGresult *res = NULL;
    if (PQstatus(pg) == CONNECTION_OK) {
        PQsetNoticeProcessor(pg, quiet, NULL);
        res = PQexec(pg, SESSION);
    }
    if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
        PQclear(res);
        return pg;
    }
    kmsg_set(msg, K_EIO, "cannot connect to the database: %s", PQerrorMessage(pg));
    PQclear(res);
    PQfinish(pg);
    return NULL;
}

kerr_t bo__pg_connect(bo_db_t *db, const char *uri, kmsg_t *msg)
{
    db->conninfo = strdup(uri);
    if (!db->conninfo)
        return kmsg_set(msg, K_EIO, "out of memory opening the database");
    db->pg = session(uri, msg);
    db->conn = db->pg ? 1 : 0;
    return db->pg ? K_OK : K_EIO;
}

void bo__pg_close(bo_db_t *db)
{
    PQfinish(db->pg);
    free(db->conninfo);
}

/* One try to connect again: the new connection replaces the lost one and
 * every kept statement is to be prepared again on it (they were the old
 * session's, as its advisory locks were). Said once per loss if it fails,
 * and when it succeeds. */
static kerr_t reconnect(bo_db_t *db, int64_t now, kmsg_t *msg)
{
    kmsg_t why = {{0}};
    db->tried_at = now;
    PGconn *fresh = session(db->conninfo, &why);
    if (!fresh) {
        if (db->tries++ == 0)
            LOG_W("store", "%s (trying again once a second, said once)", why.text);
        return kmsg_set(msg, K_EIO, "the database connection is lost; %s", why.text);
    }
    PQfinish(db->pg);
    db->pg = fresh;
    db->conn++;
    for (int i = 0; i < BO_DB_KEPT; i++)
        db->kept[i].n = 0;
    LOG_I("store", "connected to the database again after %lld ms (%d tries failed)", (long long)(now - db->lost_at),
          db->tries);
    db->lost_at = 0;
    db->tries = 0;
    return K_OK;
}

kerr_t bo__pg_ready(bo_db_t *db, bool starting, kmsg_t *msg)
{
    if (PQstatus(db->pg) == CONNECTION_OK) {
        PGTransactionStatusType t = PQtransactionStatus(db->pg);
        db->open = t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
        return K_OK;
    }
    int64_t now = kclock_mono(NULL);
    if (!db->lost_at) {
        db->lost_at = db->tried_at = now;
        LOG_W("store", "the database connection is lost: %s", PQerrorMessage(db->pg));
    }
    db->open = db->open && !starting;
    if (db->open)
        return kmsg_set(msg, K_EIO, "the database connection was lost during the transaction");
    if (now - db->tried_at < RETRY_MS)
        return kmsg_set(msg, K_EIO, "the database connection is lost: %s", PQerrorMessage(db->pg));
    return reconnect(db, now, msg);
}

unsigned bo_db_connection(bo_db_t *db)
{
    if (db->engine != BO_ENGINE_POSTGRESQL)
        return 1;
    return PQstatus(db->pg) == CONNECTION_OK ? db->conn : 0;
}

void bo__pg_rollback(bo_db_t *db)
{
    if (PQstatus(db->pg) == CONNECTION_OK && bo__pg_in_txn(db))
        bo__pg_exec(db, "ROLLBACK", "abandoning", NULL);
    db->open = false;
}

const char *bo__pg_error(bo_db_t *db)
{
    return PQerrorMessage(db->pg);
}

bool bo__pg_in_txn(bo_db_t *db)
{
    return PQtransactionStatus(db->pg) != PQTRANS_IDLE;
}

/* K_ECONFLICT for an integrity constraint's breach (SQLSTATE class 23). */
static kerr_t failed(PGresult *res, const char *doing, kmsg_t *msg)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    kerr_t code = state && strncmp(state, "23", 2) == 0 ? K_ECONFLICT : K_EIO;
    return kmsg_set(msg, code, "database error while %s: %s", doing, PQresultErrorMessage(res));
}

static bool ok(PGresult *res)
{
    ExecStatusType s = PQresultStatus(res);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

kerr_t bo__pg_exec(bo_db_t *db, const char *sql, const char *doing, kmsg_t *msg)
{
    kerr_t ready = bo__pg_ready(db, false, msg);
    if (ready)
        return ready;
    PGresult *res = PQexec(db->pg, sql);
    kerr_t rc = ok(res) ? K_OK : failed(res, doing, msg);
    PQclear(res);
    return rc;
}

/* Waits up to ms for conn's socket to have input: false on a timeout. */
static bool readable(PGconn *conn, int ms)
{
    struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
    return p.fd >= 0 && poll(&p, 1, ms) == 1;
}

kerr_t bo__pg_ping(bo_db_t *db, int timeout_ms, kmsg_t *msg)
{
    kerr_t ready = bo__pg_ready(db, false, msg);
    if (ready)
        return ready;
    if (PQstatus(db->pg) != CONNECTION_OK)
        return kmsg_set(msg, K_EIO, "the database connection is lost: %s", PQerrorMessage(db->pg));
    if (!PQsendQuery(db->pg, "SELECT 1"))
        return kmsg_set(msg, K_EIO, "the database connection is lost: %s", PQerrorMessage(db->pg));
    bool late = false;
    while (PQisBusy(db->pg) && !late) {
        late = !readable(db->pg, timeout_ms);
        if (!late && !PQconsumeInput(db->pg))
            break;
    }
    if (late) { /* ask the server to give up, then take what it answers */
        PGcancel *c = PQgetCancel(db->pg);
        char err[256];
        if (c)
            PQcancel(c, err, sizeof err);
        PQfreeCancel(c);
    }
    kerr_t rc = K_OK;
    for (PGresult *res; (res = PQgetResult(db->pg)) != NULL; PQclear(res))
        if (rc == K_OK && !ok(res))
            rc = kmsg_set(msg, K_EIO, "the database did not answer: %s", PQresultErrorMessage(res));
    if (late)
        return kmsg_set(msg, K_EIO, "the database did not answer within %d ms", timeout_ms);
    if (rc == K_OK && PQstatus(db->pg) != CONNECTION_OK)
        rc = kmsg_set(msg, K_EIO, "the database connection is lost: %s", PQerrorMessage(db->pg));
    return rc;
}


kerr_t bo__pg_text(bo_db_t *db, const char *sql, char *out, size_t len, bool *found, kmsg_t *msg)
{
    *found = false;
    snprintf(out, len, "%s", "");
    kerr_t ready = bo__pg_ready(db, false, msg);
    if (ready)
        return ready;
    PGresult *res = PQexec(db->pg, sql);
    kerr_t rc = ok(res) ? K_OK : failed(res, "reading a value", msg);
    *found = rc == K_OK && PQntuples(res) > 0;
    snprintf(out, len, "%s", *found ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return rc;
}

/* The end of the argument starting at s (its top-level ',' or ')'). */
static const char *argument_end(const char *s)
{
    int depth = 0;
    char quote = 0;
    for (; *s; s++) {
        if (quote)
            quote = *s == quote ? 0 : quote;
        else if (*s == '\'')
            quote = *s;
        else if (*s == '(')
            depth++;
        else if (*s == ')' && depth-- == 0)
            return s;
        else if (*s == ',' && depth == 0)
            return s;
    }
    return s;
}

/* sql (a new string) with each selected `coalesce(X, '') AS` as `X AS`:
 * SQLite's listings show a NULL of any type as '', which PostgreSQL's
 * typed coalesce refuses for numbers; the cursor reads a NULL as ''
 * text instead (bo__pg_kind). NULL if out of memory. */
static char *unwrapped(const char *sql)
{
    static const char open[] = "coalesce(", tail[] = ", '') AS ";
    char *out = malloc(strlen(sql) + 1);
    if (!out)
        return NULL;
    char *o = out;
    while (*sql) {
        const char *end = strncmp(sql, open, sizeof open - 1) == 0 ? argument_end(sql + sizeof open - 1) : NULL;
        if (end && strncmp(end, tail, sizeof tail - 1) == 0) {
            size_t n = (size_t)(end - sql) - (sizeof open - 1);
            memcpy(o, sql + sizeof open - 1, n);
            o += n;
            sql = end + 5; /* past ", '')" */
            continue;
        }
        *o++ = *sql++;
    }
    *o = 0;
    return out;
}

/* sql with ?N as $N and each bare ? as the next number, outside quotes;
 * *params is the highest number. NULL if out of memory. */
static char *numbered(const char *sql, int *params)
{
    size_t len = strlen(sql);
    char *out = malloc(len * 2 + 1);
    if (!out)
        return NULL;
    char *o = out;
    char quote = 0;
    int next = 0;
    *params = 0;
    for (const char *s = sql; *s; s++) {
        if (quote) {
            quote = *s == quote ? 0 : quote;
        } else if (*s == '\'' || *s == '"') {
            quote = *s;
        } else if (*s == '?') {
            int n = ++next;
            if (s[1] >= '0' && s[1] <= '9') {
                char *end;
                n = (int)strtol(s + 1, &end, 10);
                s = end - 1;
            }
            o += sprintf(o, "$%d", n);
            *params = n > *params ? n : *params;
            continue;
        }
        *o++ = *s;
    }
    *o = 0;
    return out;
}

kerr_t bo__pg_int(bo_db_t *db, const char *sql, const char *param, int64_t *out, kmsg_t *msg)
{
    kerr_t ready = bo__pg_ready(db, false, msg);
    if (ready)
        return ready;
    int params;
    char *text = numbered(sql, &params);
    if (!text)
        return kmsg_set(msg, K_EIO, "out of memory reading a value");
    PGresult *res = PQexecParams(db->pg, text, param && params ? 1 : 0, NULL, &param, NULL, NULL, 0);
    free(text);
    kerr_t rc = ok(res) ? K_OK : failed(res, "reading a value", msg);
    if (rc == K_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        *out = PQftype(res, 0) == BOOLOID ? PQgetvalue(res, 0, 0)[0] == 't' : strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return rc;
}

kerr_t bo__pg_prepare(bo_db_t *db, bo_cur_t *r, kmsg_t *msg)
{
    char *plain = unwrapped(r->sql);
    char *sql = plain ? numbered(plain, &r->params) : NULL;
    free(plain);
    if (!sql)
        return kmsg_set(msg, K_EIO, "out of memory preparing a query");
    r->n = ++db->statements;
    char name[24];
    snprintf(name, sizeof name, "bo%d", r->n);
    PGresult *res = PQprepare(db->pg, name, sql, 0, NULL);
    kerr_t rc = ok(res) ? K_OK : failed(res, "preparing a query", msg);
    if (rc) {
        r->n = 0;
        rc = kmsg_set(msg, K_EIO, "database error preparing %.200s: %s", sql, PQresultErrorMessage(res));
    }
    PQclear(res);
    free(sql);
    return rc;
}

typedef struct {
    const char *values[MAX_PARAMS];
    int lengths[MAX_PARAMS];
    int formats[MAX_PARAMS];
    char ints[MAX_PARAMS][24];
} params_t;

/* The parameters after types as libpq's arrays; how many. */
static int params_of(params_t *p, const char *types, va_list ap)
{
    int i = 0;
    for (; *types && i < MAX_PARAMS; types++, i++) {
        p->formats[i] = 0;
        p->lengths[i] = 0;
        if (*types == 't') {
            const char *t = va_arg(ap, const char *);
            p->values[i] = t ? t : "";
        } else if (*types == 'i' || *types == 'p') {
            int64_t v = va_arg(ap, int64_t);
            snprintf(p->ints[i], sizeof p->ints[i], "%lld", (long long)v);
            p->values[i] = *types == 'p' && v <= 0 ? NULL : p->ints[i];
        } else if (*types == 's' || *types == 'b') {
            p->values[i] = va_arg(ap, const char *);
            p->lengths[i] = va_arg(ap, int);
            p->formats[i] = 1;
        }
    }
    return i;
}

/* The next result of a pipeline, the NULL after it read too. */
static PGresult *next_result(PGconn *pg)
{
    PGresult *res = PQgetResult(pg);
    if (res && PQresultStatus(res) != PGRES_PIPELINE_SYNC)
        while (PQgetResult(pg))
            ;
    return res;
}

/* Runs prepared statement name under a savepoint (SAVEPOINT, the statement,
 * RELEASE) in one round trip, as a pipeline; the statement's result (NULL
 * if the connection failed). After a failure the savepoint is still open. */
static PGresult *guarded(bo_db_t *db, const char *name, int n, const params_t *p)
{
    PGconn *pg = db->pg;
    if (!PQenterPipelineMode(pg))
        return NULL;
    bool sent = PQsendQueryParams(pg, "SAVEPOINT bo_write", 0, NULL, NULL, NULL, NULL, 0) &&
                PQsendQueryPrepared(pg, name, n, p->values, p->lengths, p->formats, 0) &&
                PQsendQueryParams(pg, "RELEASE SAVEPOINT bo_write", 0, NULL, NULL, NULL, NULL, 0) &&
                PQpipelineSync(pg);
    PGresult *res[4] = {NULL};
    for (int i = 0; sent && i < 4; i++) {
        res[i] = next_result(pg);
        if (!res[i] || PQresultStatus(res[i]) == PGRES_PIPELINE_SYNC)
            break;
    }
    PQexitPipelineMode(pg);
    PGresult *out = ok(res[0]) ? res[1] : res[0]; /* the savepoint's failure, else the statement's result */
    for (int i = 0; i < 4; i++)
        if (res[i] != out)
            PQclear(res[i]);
    return out;
}

kerr_t bo__pg_run(bo_db_t *db, bo_cur_t *r, const char *types, va_list ap, const char *doing, kmsg_t *msg)
{
    params_t p;
    int n = params_of(&p, types, ap);
    n = n < r->params ? n : r->params;
    char name[24];
    snprintf(name, sizeof name, "bo%d", r->n);
    bool guard = db->writing && bo__pg_in_txn(db);
    r->res = guard ? guarded(db, name, n, &p) : PQexecPrepared(db->pg, name, n, p.values, p.lengths, p.formats, 0);
    kerr_t rc = r->res && ok(r->res) ? K_OK : failed(r->res, doing, msg);
    if (guard && rc)
        bo__pg_exec(db, "ROLLBACK TO SAVEPOINT bo_write; RELEASE SAVEPOINT bo_write", doing, NULL);
    r->row = 0;
    r->rows = rc ? 0 : PQntuples(r->res);
    const char *tuples = rc ? "" : PQcmdTuples(r->res);
    db->changes = tuples[0] ? strtoll(tuples, NULL, 10) : 0;
    if (rc)
        bo__pg_end(r);
    return rc;
}

void bo__pg_end(bo_cur_t *r)
{
    PQclear(r->res);
    r->res = NULL;
    r->row = r->rows = 0;
}

const char *bo__pg_col(bo_cur_t *r, int i)
{
    if (r->row >= r->rows || i >= PQnfields(r->res))
        return "";
    const char *v = PQgetvalue(r->res, r->row, i);
    if (PQftype(r->res, i) == BOOLOID && !PQgetisnull(r->res, r->row, i))
        return v[0] == 't' ? "1" : "0";
    return v;
}

bool bo__pg_null(bo_cur_t *r, int i)
{
    return r->row >= r->rows || PQgetisnull(r->res, r->row, i);
}

int bo__pg_cols(bo_cur_t *r)
{
    return PQnfields(r->res);
}

const char *bo__pg_name(bo_cur_t *r, int i)
{
    return PQfname(r->res, i);
}

bo_cell_t bo__pg_kind(bo_cur_t *r, int i)
{
    if (bo__pg_null(r, i))
        return BO_CELL_TEXT;
    unsigned t = PQftype(r->res, i);
    if (t == INT8OID || t == INT4OID || t == INT2OID || t == BOOLOID)
        return BO_CELL_INT;
    if (t == NUMERICOID)
        return strchr(bo__pg_col(r, i), '.') ? BO_CELL_OTHER : BO_CELL_INT;
    return t == 25 || t == 1043 || t == 1042 ? BO_CELL_TEXT : BO_CELL_OTHER;
}
