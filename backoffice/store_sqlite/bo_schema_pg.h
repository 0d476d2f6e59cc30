/* PostgreSQL's side of the schema (bo_schema.c): the migrations are
 * written in SQLite's dialect; these map the few differences. */
#ifndef BACKOFFICE_STORE_SQLITE_BO_SCHEMA_PG_H
#define BACKOFFICE_STORE_SQLITE_BO_SCHEMA_PG_H

#include "backoffice/store_sqlite/bo_db.h"

/* Now in milliseconds since the epoch, as the migrations write it (SQLite). */
#define BO_SQLITE_NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

/* The SQLite functions the store's statements use that PostgreSQL lacks
 * (strftime with 'unixepoch' or a date and an interval, date with an
 * interval, json_extract with a $.a.b path, printf with %d and %0Nd),
 * created with the first migration. */
extern const char bo_pg_functions[];

/* SQLite's group_concat(text, separator), which PostgreSQL lacks (the
 * organisations' listings), created with the migration to schema 22. */
extern const char bo_pg_group_concat[];

/* Takes the migration lock and makes sure bo_schema_version exists. */
extern const char bo_pg_version_table[];

/* Run after each migration: the tables whose statements read SQLite's
 * implicit rowid get it as a column of their own. */
extern const char bo_pg_after[];

/* The migration (its version) that adds bo_pg_notify: triggers that
 * NOTIFY bo_changed in the transaction that adds a central command or a
 * QR order or changes its state (bo_db_watch_*). */
#define BO_PG_NOTIFY_VERSION 24
extern const char bo_pg_notify[];

/* Runs one migration text, mapped to PostgreSQL: no STRICT, INTEGER as
 * BIGINT (INTEGER PRIMARY KEY as a BIGINT identity), BLOB as BYTEA,
 * SQLite's clock as now(). */
kerr_t bo_pg_migrate(bo_db_t *db, const char *sql, kmsg_t *msg);

#endif
