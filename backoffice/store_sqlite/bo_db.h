/* Between the SQLite store's files: the connection's helpers. SQLite's
 * codes become kerr_t only here. The statements are string literals, kept
 * prepared by connection and address (the caller holds the connection
 * alone: the server's lock, or the command line's one thread). */
#ifndef BACKOFFICE_STORE_SQLITE_BO_DB_H
#define BACKOFFICE_STORE_SQLITE_BO_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define BO_SCHEMA_VERSION 16

/* Opens (creating if needed) the database at path and brings its schema up
 * to BO_SCHEMA_VERSION; a file written by a newer program is refused. */
kerr_t bo_db_open(const char *path, sqlite3 **out, kmsg_t *msg);

/* Finalizes db's kept statements and closes it. */
void bo_db_close(sqlite3 *db);

/* Runs SQL text without results; the message names what was being done. */
kerr_t bo_db_exec(sqlite3 *db, const char *sql, const char *doing, kmsg_t *msg);

/* Reads a single integer from sql with one optional text parameter; *out
 * is left as it was if there is no row. */
kerr_t bo_db_int(sqlite3 *db, const char *sql, const char *param, int64_t *out, kmsg_t *msg);

/* The schema version stored in the file (PRAGMA user_version), -1 on error. */
int bo_db_version(sqlite3 *db);

/* Runs the kept statement sql (a literal) with the values after types
 * bound to ?1, ?2...: 't' text (NULL binds ""), 'i' int64_t, 'p' a
 * positive int64_t or NULL for 0 or less, 's' text of a length (const
 * char *, int), 'b' a blob (const void *, int length, kept until the
 * statement ends). *changed (if not NULL) says whether a row changed. A uniqueness
 * breach is K_ECONFLICT, anything else K_EIO, the message naming doing. */
kerr_t bo_db_write(sqlite3 *db, bool *changed, kmsg_t *msg, const char *doing, const char *sql, const char *types,
                   ...);

/* Binds as bo_db_write and steps the kept statement sql once: when *found
 * its first row is ready to read; the caller then reads it and ends the
 * statement with bo_db_end (also when not found). */
kerr_t bo_db_first(sqlite3 *db, sqlite3_stmt **st, bool *found, kmsg_t *msg, const char *sql, const char *types,
                   ...);

/* Reads the first column of sql's first row (bound as bo_db_write) as an
 * integer into *out, left as it was if there is no row or it is NULL;
 * *found (if not NULL) says whether there was a row. */
kerr_t bo_db_get_int(sqlite3 *db, int64_t *out, bool *found, kmsg_t *msg, const char *sql, const char *types, ...);

/* The same as text into out (len bytes; "" if there is no row). */
kerr_t bo_db_get_text(sqlite3 *db, char *out, size_t len, bool *found, kmsg_t *msg, const char *sql,
                      const char *types, ...);

/* Steps st to its next row: true if there is one; *rc is K_EIO with the
 * message on a failure (and false). */
bool bo_db_next(sqlite3 *db, sqlite3_stmt *st, kerr_t *rc, kmsg_t *msg);

/* Resets a kept statement for its next use (NULL: nothing). */
void bo_db_end(sqlite3_stmt *st);

/* The column's text, "" for NULL. */
const char *bo_db_col(sqlite3_stmt *st, int i);

/* Copies the column's text into out (len bytes). */
void bo_db_copy(sqlite3_stmt *st, int i, char *out, size_t len);

#endif
