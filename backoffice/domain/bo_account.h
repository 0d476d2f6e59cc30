/* Accounts (docs/accounts.md): a customer's account holds meters through
 * bindings; staff open, bind, transfer and close accounts and install and
 * remove meters. Every operation is one transaction that checks its
 * preconditions, writes an audit row (actor `backoffice:<login name>`) and
 * moves the registry document forward, so kiosks learn which meters may be
 * sold to. */
#ifndef BACKOFFICE_BO_ACCOUNT_H
#define BACKOFFICE_BO_ACCOUNT_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "backoffice/cli/bo_cli.h"
#include "kiosk/core/err.h"

/* `account open|bind|transfer|close|list|show ...` (bo_admin_account.c). */
int bo_admin_account(sqlite3 *db, const bo_args_t *a, FILE *out);

/* `meter install ...` and `meter remove ...` (bo_admin_account_meter.c). */
int bo_admin_meter_service(sqlite3 *db, const bo_args_t *a, FILE *out);

/* Adds one object per registered meter to arr, for the registry document:
 * the meter's fields, its account, status (open, unassigned, closed,
 * removed), whether it may be sold to, and whether its first purchase may
 * be zero. */
kerr_t bo_account_registry(sqlite3 *db, cJSON *arr, kmsg_t *msg);

/* Told of every transaction state uploaded: a delivered sale of meter
 * created after the meter was bound ends its binding's zero first purchase
 * (and moves the registry forward). Runs inside the caller's transaction. */
kerr_t bo_account_on_sale(sqlite3 *db, const char *meter, const char *state, int64_t created_at, kmsg_t *msg);

/* `account close ...` (bo_admin_account_close.c). */
int bo_acct_close(sqlite3 *db, const bo_args_t *a);

/* The values of every --name, in order (at most max); their number. */
int bo_acct_opts(const bo_args_t *a, const char *name, const char **out, int max);

/* One account operation: its transaction, who does it, what went wrong. */
typedef struct bo_acct_op {
    sqlite3 *db;
    char actor[96];
    kmsg_t msg;
} bo_acct_op_t;

/* Starts the operation's transaction and names its actor. */
kerr_t bo_acct_begin(bo_acct_op_t *op, sqlite3 *db);

/* Ends the operation: when rc is K_OK, writes the audit row, moves the
 * registry forward and commits, then prints done; otherwise (or if any of
 * that fails) rolls back and prints the message. Returns the exit code. */
int bo_acct_end(bo_acct_op_t *op, kerr_t rc, const char *action, const char *target, const char *reason,
                const char *detail, const char *done);

/* Ends an operation that changes no document: when rc is K_OK, writes the
 * audit row and commits; otherwise (or if that fails) rolls back and
 * prints the message. Returns the exit code; prints nothing on success. */
int bo_acct_finish(bo_acct_op_t *op, kerr_t rc, const char *action, const char *target, const char *reason,
                   const char *detail);

/* Checks --protocol (dlt645, modbus), --kind (electricity, water) and
 * --tariff (a tariff set already), those given, inside the operation. */
kerr_t bo_acct_meter_opts(bo_acct_op_t *op, const bo_args_t *a);

/* The site meter goes to as it is registered: the site it is on already
 * (a --site naming another is refused: `meter site` moves meters); else
 * `given` (--site, NULL if none); else the one site there is. */
kerr_t bo_acct_meter_site(bo_acct_op_t *op, const char *meter, const char *given, char site[65]);

/* Runs sql with n text parameters inside the operation. */
kerr_t bo_acct_sql(bo_acct_op_t *op, const char *sql, const char *const *p, int n);

/* Reads the first column of sql's first row (n text parameters) as text
 * into out; *found false (out "") if there is no row. */
kerr_t bo_acct_text(bo_acct_op_t *op, const char *sql, const char *const *p, int n, char *out, size_t len,
                    bool *found);

/* The account's customer and state; K_ENOTFOUND if there is no such account. */
kerr_t bo_acct_state(bo_acct_op_t *op, const char *account, char customer[65], char state[16]);

/* K_OK if meter may be bound to account now: registered, not removed, and
 * not bound to any open account (this one included). */
kerr_t bo_acct_check_free(bo_acct_op_t *op, const char *meter, const char *account);

/* Binds meter to account (which must be open) from now; the meter's
 * customer becomes the account's. Its first purchase may be zero. */
kerr_t bo_acct_bind(bo_acct_op_t *op, const char *account, const char *meter);

/* Ends meter's live binding with its final reading and why ("" reading:
 * none known); *account gets the account it was bound to ("" if none). */
kerr_t bo_acct_unbind(bo_acct_op_t *op, const char *meter, const char *reading, const char *why, char account[65]);

/* True if text is a whole number from 0 to 10^15 (a reading in Wh or
 * litres, or an amount in minor units). */
bool bo_acct_reading_valid(const char *text);

/* Adds amount (minor units, text; NULL or "0": nothing) to the account's
 * carried balance. */
kerr_t bo_acct_credit(bo_acct_op_t *op, const char *account, const char *amount);

#endif
