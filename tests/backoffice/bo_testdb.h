/* The database a back-office test uses: a SQLite file in the test's
 * folder, or, when BO_TEST_PG names the state file of the test PostgreSQL
 * server (tests/support/pg_server), a fresh database on that server. */
#ifndef TESTS_BACKOFFICE_BO_TESTDB_H
#define TESTS_BACKOFFICE_BO_TESTDB_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the tests run on PostgreSQL (BO_TEST_PG set). */
bool bo_testdb_pg(void);

/* The [server] database setting for a test in dir, into out (len bytes):
 * dir/name on SQLite (dir NULL: ":memory:"); a new, empty database on
 * PostgreSQL. */
bool bo_testdb_make(const char *dir, const char *name, char *out, size_t len);

/* Drops a PostgreSQL database bo_testdb_make made (SQLite: nothing; the
 * file goes with its folder). */
void bo_testdb_drop(const char *database);

#endif
