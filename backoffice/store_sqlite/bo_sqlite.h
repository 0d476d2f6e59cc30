/* The SQL implementation of the back office's store (bo_store.h), on
 * either engine (bo_db.h, docs/storage.md): a SQLite file (WAL,
 * synchronous=FULL, STRICT tables) or a PostgreSQL database, the same
 * forward migrations (bo_schema.c) for both. Every SQL statement of the
 * back office is in this folder. Only the program that chooses the
 * database (and tests) include this. */
#ifndef BACKOFFICE_STORE_SQLITE_BO_SQLITE_H
#define BACKOFFICE_STORE_SQLITE_BO_SQLITE_H

#include <sqlite3.h>

#include "backoffice/store/bo_store.h"
#include "backoffice/store_sqlite/bo_db.h"

/* Opens and migrates the database named: a SQLite file's path (created
 * mode 600) or a postgresql:// URI: a bo_store_open_fn. A database of a
 * newer schema is refused (K_EVERSION). */
kerr_t bo_sqlite_open(const char *database, bo_store_t *out, kmsg_t *msg);

/* A store on a connection opened elsewhere, as it is (for tests that
 * build a database image); the store closes it. */
void bo_sqlite_adopt(bo_db_t *db, bo_store_t *out);

/* The connection under a store this file opened (for tests). */
bo_db_t *bo_sqlite_db(const bo_store_t *st);

/* A connection on a SQLite handle opened elsewhere, not migrated (NULL if
 * out of memory); closing it closes the handle. */
bo_db_t *bo_db_adopt_sqlite(sqlite3 *lite);

/* The SQLite handle under db (NULL for PostgreSQL). */
sqlite3 *bo_db_sqlite(bo_db_t *db);

#endif
