/* The back office's central commands as the kiosk received them
 * (docs/collector.md, "Central commands"): recorded by id before the
 * kiosk acknowledges one, so a command seen again is never run again;
 * each change of state one ledger transaction, and the final one with its
 * outbox row (topic `command`) in the same transaction. */
#ifndef LEDGER_LEDGER_COMMAND_H
#define LEDGER_LEDGER_COMMAND_H

#include "core/command.h"
#include "ledger/ledger.h"

#define LEDGER_CMD_ID_LEN 65
#define LEDGER_CMD_PARAMS_LEN 1024

/* A command as stored. */
typedef struct ledger_command {
    char id[LEDGER_CMD_ID_LEN];
    char meter[33];
    mcmd_t command;
    char params[LEDGER_CMD_PARAMS_LEN]; /* the signed document's params, as JSON text */
    char operator_name[65];
    int64_t issued_at, expires_at; /* ms, the back office's */
    mcmd_state_t state;
    char reason[LEDGER_REASON_LEN];
    char txn[UUID_STR_LEN];         /* a credit's sale, "" if none */
    bool has_after;                 /* balance_after and count_after are known */
    int64_t balance_after, count_after;
    int64_t refunded;               /* a refund: the amount the meter gave back (its central_refund done), else 0 */
} ledger_command_t;

/* What a change of state carries besides the state (NULL members: keep). */
typedef struct ledger_command_change {
    const char *reason;
    const char *txn;
    bool has_after;
    int64_t balance_after, count_after;
} ledger_command_change_t;

/* Records c (its state as given: received, or refused when the kiosk
 * would not run it) with the envelope it came in, unless a command with
 * its id is recorded already: *fresh says which. A command recorded
 * refused gets its outbox row at once. */
kerr_t ledger_command_record(ledger_t *l, const ledger_command_t *c, const char *envelope, bool *fresh, kmsg_t *msg);

/* The command with this id; *found false if none. */
kerr_t ledger_command_get(ledger_t *l, const char *id, ledger_command_t *out, bool *found, kmsg_t *msg);

/* The central command a sale carries out (its txn_id is the sale's id);
 * *found false if the sale is no command's. */
kerr_t ledger_command_of_sale(ledger_t *l, const char *txn, ledger_command_t *out, bool *found, kmsg_t *msg);

/* Moves the command by ev (core/command.c's table; K_ESTATE if the table
 * has no such move) with what ch carries, in one transaction; a move to a
 * final state writes the command's outbox row in it. *after (may be NULL)
 * gets the row as stored. */
kerr_t ledger_command_move(ledger_t *l, const char *id, mcmd_event_t ev, const ledger_command_change_t *ch,
                           ledger_command_t *after, kmsg_t *msg);

/* The commands not final (received, acting), oldest first, at most max. */
kerr_t ledger_command_open(ledger_t *l, ledger_command_t *out, size_t max, size_t *n, kmsg_t *msg);

/* ---- central refunds (ledger_refund.c; docs/collector.md, "Central
 * refunds"): the intent, with the purchase count it carries, is committed
 * with the command's move to acting before the meter is told; the outcome
 * with the command's final state and its outbox row. ---- */

typedef enum ledger_refund_state {
    REFUND_SENT,    /* intent committed: it may have reached the meter */
    REFUND_DONE,    /* the meter gave the amount back */
    REFUND_FAILED,  /* it did not */
    REFUND_UNKNOWN, /* it cannot be told: a person looks at the meter */
} ledger_refund_state_t;

/* A central refund as stored. */
typedef struct ledger_central_refund {
    char command_id[LEDGER_CMD_ID_LEN];
    char meter[33];
    int64_t amount, purchase_count;
    ledger_refund_state_t state;
    bool has_balance;
    int64_t balance_after;
    char detail[LEDGER_REASON_LEN];
    int64_t at, finished_at;
} ledger_central_refund_t;

/* Commits the intent of refund r (state sent) and moves command
 * r->command_id to acting, in one transaction; K_ECONFLICT if the command
 * has an intent already (it is never sent twice). */
kerr_t ledger_refund_begin(ledger_t *l, const ledger_central_refund_t *r, kmsg_t *msg);

/* Ends the refund of command id as `state` (done, failed or unknown) with
 * detail (and the balance after, if has_balance), and moves the command
 * by the matching event (done, fail, lost) with ch, in one transaction with
 * the command's outbox row (its "refunded" the amount when done). */
kerr_t ledger_refund_end(ledger_t *l, const char *id, ledger_refund_state_t state, const char *detail,
                         const ledger_command_change_t *ch, ledger_command_t *after, kmsg_t *msg);

/* The refund of command id; *found false if none. */
kerr_t ledger_refund_get(ledger_t *l, const char *id, ledger_central_refund_t *out, bool *found, kmsg_t *msg);

/* A refund state's name ("sent", "done", "failed", "unknown"). */
const char *ledger_refund_state_name(ledger_refund_state_t s);

#endif
