#include "bo_testdb.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool bo_testdb_pg(void)
{
    const char *s = getenv("BO_TEST_PG");
    return s && s[0];
}

/* The server's socket folder, read from the state file. */
static bool socket_dir(char *out, size_t len)
{
    FILE *f = fopen(getenv("BO_TEST_PG"), "r");
    if (!f)
        return false;
    bool ok = fgets(out, (int)len, f) != NULL;
    fclose(f);
    out[strcspn(out, "\n")] = 0;
    return ok && out[0] == '/';
}

/* Runs sql on the server's maintenance database. */
static bool admin(const char *dir, const char *sql)
{
    char conninfo[400];
    snprintf(conninfo, sizeof conninfo, "host=%s user=postgres dbname=postgres", dir);
    PGconn *c = PQconnectdb(conninfo);
    bool ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "test database: %s", PQresultErrorMessage(r));
        PQclear(r);
    } else {
        fprintf(stderr, "test database: %s", PQerrorMessage(c));
    }
    PQfinish(c);
    return ok;
}

bool bo_testdb_make(const char *dir, const char *name, char *out, size_t len)
{
    if (!bo_testdb_pg())
        return snprintf(out, len, "%s%s%s", dir ? dir : ":memory:", dir ? "/" : "", dir ? name : "") < (int)len;
    static int n;
    char sock[300], db[64], sql[128];
    if (!socket_dir(sock, sizeof sock))
        return false;
    snprintf(db, sizeof db, "bo_%ld_%d", (long)getpid(), ++n);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
    if (!admin(sock, sql))
        return false;
    return snprintf(out, len, "postgresql:///%s?host=%s&user=postgres", db, sock) < (int)len;
}

void bo_testdb_drop(const char *database)
{
    char sock[300], sql[128];
    const char *name = strstr(database, ":///");
    if (strncmp(database, "postgresql://", 13) != 0 || !name || !socket_dir(sock, sizeof sock))
        return;
    name += 4;
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %.*s WITH (FORCE)", (int)strcspn(name, "?"), name);
    admin(sock, sql);
}
