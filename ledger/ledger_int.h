/* Internal to the ledger: the handle and small SQLite helpers. SQLite
 * result codes are translated into kerr_t here and nowhere else. */
#ifndef LEDGER_INT_H
#define LEDGER_INT_H

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "core/command.h"
#include "ledger/ledger.h"

#define LEDGER_STMT_CACHE 32
#define LEDGER_PATH_MAX 4200 /* the ledger's path and a suffix */

struct ledger {
    sqlite3 *db;
    const kclock_t *clk;
    struct {
        const char *sql; /* the string literal's address is the key */
        sqlite3_stmt *st;
    } cache[LEDGER_STMT_CACHE];
    int n_cached;
    int lock_fd;    /* "<ledger>.lock", opened at the first ledger_lock; -1 before */
    int lock_depth; /* ledger_lock calls not yet matched by ledger_unlock */
};

/* The columns ledger__row_txn() reads, in order. */
#define LEDGER_TXN_COLUMNS                                                                           \
    "id, state, meter, customer, method, channel, currency, amount, paid, delivered, refunded, "     \
    "purchase_count, reason, retry_at, retries, created_at, updated_at, card"

/* Translates a SQLite result into kerr_t with "what: sqlite's message". */
kerr_t ledger__err(ledger_t *l, int rc, const char *what, kmsg_t *msg);

/* Runs SQL that returns no rows. */
kerr_t ledger__exec(ledger_t *l, const char *sql, kmsg_t *msg);

/* Prepares one statement (give it back with ledger__release). */
kerr_t ledger__prepare(ledger_t *l, const char *sql, sqlite3_stmt **st, kmsg_t *msg);

/* Like ledger__prepare, but keeps the statement for the next call with the
 * same SQL. sql must be a string literal: its address is the cache key. */
kerr_t ledger__cached(ledger_t *l, const char *sql, sqlite3_stmt **st, kmsg_t *msg);

/* Gives a statement back: a cached one is reset, any other finalized. */
void ledger__release(ledger_t *l, sqlite3_stmt *st);

/* Steps a statement expected to finish (SQLITE_DONE) and releases it. */
kerr_t ledger__run(ledger_t *l, sqlite3_stmt *st, const char *what, kmsg_t *msg);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
kerr_t ledger__begin(ledger_t *l, kmsg_t *msg);
kerr_t ledger__commit(ledger_t *l, kmsg_t *msg);
void ledger__rollback(ledger_t *l);

/* Current wall time from the ledger's clock. */
int64_t ledger__now(ledger_t *l);

/* Copies a text column into dst (always terminated). */
void ledger__col_text(sqlite3_stmt *st, int col, char *dst, size_t len);

/* A column holding a method's name, as the enum (METHOD_NONE if unknown). */
sale_method_t ledger__col_method(sqlite3_stmt *st, int col);

/* A column holding a channel's name, as the enum (remote if unknown, as
 * every sale not written onto a card is). */
sale_channel_t ledger__col_channel(sqlite3_stmt *st, int col);

/* Reads a row selected with LEDGER_TXN_COLUMNS. */
void ledger__row_txn(sqlite3_stmt *st, ledger_txn_t *t);

/* The transaction as a JSON object (export and outbox share this shape). */
cJSON *ledger__txn_json(const ledger_txn_t *t);

/* Closes the open card authorisation o->reference with its outcome at `at`;
 * of transaction txn_id only, unless txn_id is NULL. K_ESTATE if it is not
 * open (or not that transaction's). */
kerr_t ledger__close_card(ledger_t *l, const char *txn_id, const ledger_card_outcome_t *o, int64_t at, kmsg_t *msg);

/* Moves the bill acceptor's counter (inside the caller's transaction). */
kerr_t ledger__mark_cash(ledger_t *l, const ledger_cash_mark_t *m, int64_t at, kmsg_t *msg);

/* Gives an escrow decision its outcome (inside the caller's transaction). */
kerr_t ledger__resolve_escrow(ledger_t *l, int64_t id, const char *outcome, int64_t at, kmsg_t *msg);

/* Applies the migrations that bring the file to LEDGER_SCHEMA_VERSION. */
kerr_t ledger__migrate(ledger_t *l, kmsg_t *msg);

/* Gives the ledger its identity (a fresh UUIDv4, and when it began),
 * inside the migration to schema 10. */
kerr_t ledger__identity_make(ledger_t *l, kmsg_t *msg);

/* Appends an outbox row of topic with payload, which it frees (NULL means
 * building it ran out of memory: an error). Inside the caller's transaction. */
kerr_t ledger__outbox(ledger_t *l, const char *topic, cJSON *payload, kmsg_t *msg);

/* Applies the body of the signed document `staff` to the groups and
 * operators (ledger_staff_doc.c), inside the caller's transaction;
 * K_EINVAL, naming the entry, if the body is not a staff document. */
kerr_t ledger__staff_apply(ledger_t *l, const char *body, kmsg_t *msg);

/* Adds "bands": the four TOU registers (sharp, peak, flat, valley) as a
 * JSON array, or null for a meter without them; false when out of memory. */
bool ledger__add_bands(cJSON *o, const int64_t bands[4], bool absent);

/* Moves central command id by ev with what ch carries (ledger_command_move)
 * inside the caller's transaction; *c gets the row as stored. */
struct ledger_command;
struct ledger_command_change;
kerr_t ledger__command_move(ledger_t *l, const char *id, mcmd_event_t ev, const struct ledger_command_change *ch,
                            struct ledger_command *c, kmsg_t *msg);

/* Keeps what the back office said was owed when bill payment txn_id
 * opened (ledger_bill.c), inside the caller's transaction; nothing when
 * due is NULL or not known. */
kerr_t ledger__bill_due_put(ledger_t *l, const char *txn_id, const receipt_bills_t *due, kmsg_t *msg);

/* Inserts an alert and its outbox row (inside the caller's transaction). */
kerr_t ledger__insert_alert(ledger_t *l, const ledger_alert_t *a, kmsg_t *msg);

#endif
