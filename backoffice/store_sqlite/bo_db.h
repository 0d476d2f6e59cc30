/* The back office's database: one SQLite file, its schema and migrations,
 * and the few helpers every module uses. The only place that opens it. */
#ifndef BACKOFFICE_BO_DB_H
#define BACKOFFICE_BO_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "kiosk/core/err.h"

#define BO_SCHEMA_VERSION 6

/* Opens (creating if needed) the database at path and brings its schema up
 * to BO_SCHEMA_VERSION; a file written by a newer program is refused. */
kerr_t bo_db_open(const char *path, sqlite3 **out, kmsg_t *msg);

/* Runs SQL text without results; the message names what was being done. */
kerr_t bo_db_exec(sqlite3 *db, const char *sql, const char *doing, kmsg_t *msg);

/* Prepares sql; on failure the message names what was being done. */
kerr_t bo_db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, kmsg_t *msg);

/* Like bo_db_prepare, but the statement is kept for the next call with the
 * same sql (a string literal: its address is the key) and must be handed
 * back to bo_db_done, never finalized. For the server's hot paths; the
 * caller holds the connection alone. */
kerr_t bo_db_cached(sqlite3 *db, const char *sql, sqlite3_stmt **st, kmsg_t *msg);

/* Steps a cached statement to completion and resets it for its next use;
 * errors as bo_db_run. */
kerr_t bo_db_done(sqlite3 *db, sqlite3_stmt *st, const char *doing, kmsg_t *msg);

/* Finalizes db's cached statements and closes it. */
void bo_db_close(sqlite3 *db);

/* Steps st to completion (SQLITE_DONE), finalizes it, and translates a
 * failure: a uniqueness breach is K_ECONFLICT, anything else K_EIO. */
kerr_t bo_db_run(sqlite3 *db, sqlite3_stmt *st, const char *doing, kmsg_t *msg);

/* Binds text (NULL binds "") at index i. */
void bo_db_text(sqlite3_stmt *st, int i, const char *text);

/* Reads a single integer from sql with one optional text parameter; *out
 * is left as it was if there is no row. */
kerr_t bo_db_int(sqlite3 *db, const char *sql, const char *param, int64_t *out, kmsg_t *msg);

/* The column's text, "" for NULL. */
const char *bo_db_col(sqlite3_stmt *st, int i);

/* The schema version stored in the file (PRAGMA user_version), -1 on error. */
int bo_db_version(sqlite3 *db);

#endif
