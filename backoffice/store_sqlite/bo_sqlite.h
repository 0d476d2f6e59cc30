/* The SQLite implementation of the back office's store (bo_store.h): one
 * file, WAL, synchronous=FULL, STRICT tables, forward migrations
 * (bo_schema.c). Every SQL statement of the back office is in this folder.
 * Only the program that chooses the engine (and tests) include this. */
#ifndef BACKOFFICE_STORE_SQLITE_BO_SQLITE_H
#define BACKOFFICE_STORE_SQLITE_BO_SQLITE_H

#include <sqlite3.h>

#include "backoffice/store/bo_store.h"

/* Opens (creating, mode 600) and migrates the database at path: a
 * bo_store_open_fn. A file of a newer schema is refused (K_EVERSION). */
kerr_t bo_sqlite_open(const char *path, bo_store_t *out, kmsg_t *msg);

/* A store on a connection opened elsewhere, as it is (for tests that
 * build a database image); the store closes it. */
void bo_sqlite_adopt(sqlite3 *db, bo_store_t *out);

/* The connection under a store this file opened (for tests). */
sqlite3 *bo_sqlite_db(const bo_store_t *st);

#endif
