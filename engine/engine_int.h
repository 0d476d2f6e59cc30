/* Internal to the engine. */
#ifndef ENGINE_INT_H
#define ENGINE_INT_H

#include "engine/engine.h"

/* Announces a step boundary (log at debug, then the test hook). */
void engine__step(engine_t *e, const char *step);

/* Takes one level of the ledger's one-writer lock for `what`, waiting as
 * ledger.lock_wait_ms says (docs/ledger.md, "One writer"). */
kerr_t engine__enter(engine_t *e, const char *what, kmsg_t *msg);

/* Gives back one level taken by engine__enter. */
void engine__leave(engine_t *e);

/* Keeps the lock (one more level) for sale id, just opened, until a
 * change puts it at rest; a sale to be delivered on the meters' wire
 * (on_bus) announces itself on the bus as long (engine_bus.h). */
kerr_t engine__hold_sale(engine_t *e, const char *id, bool on_bus, kmsg_t *msg);

/* Told of every committed change: lets go of the held sale at rest (its
 * announcement on the bus, then the lock). */
void engine__sale_moved(engine_t *e, const char *id, txn_state_t now);

/* The body of a public engine function that writes the ledger: `call`
 * runs holding the one-writer lock (one more level if held already). */
#define ENGINE_LOCKED(e, what, msg, call)                                                                          \
    do {                                                                                                           \
        kerr_t locked_rc_ = engine__enter((e), (what), (msg));                                                     \
        if (locked_rc_ == K_OK) {                                                                                  \
            locked_rc_ = (call);                                                                                   \
            engine__leave(e);                                                                                      \
        }                                                                                                          \
        return locked_rc_;                                                                                         \
    } while (0)

/* ledger_apply with logging; lets go of the sale this engine holds once
 * the change puts it at rest. */
kerr_t engine__apply(engine_t *e, const char *id, txn_state_t expect, const ledger_change_t *c,
                     ledger_txn_t *after, kmsg_t *msg);

/* Stores a full reading taken now, inspected against the meter's last one;
 * the alerts raised go to alerts (*n_alerts of them) and the ledger. */
kerr_t engine__record_reading(engine_t *e, const gw_reading_t *g, read_source_t source,
                              ledger_alert_t alerts[INSPECT_MAX_ALERTS], size_t *n_alerts, kmsg_t *msg);

/* Reads the card in the reader into out (zeroed first), with its serial
 * in hex; K_ENOTFOUND without a reader or a card. */
kerr_t engine__mcard_read(engine_t *e, engine_mcard_t *out, kmsg_t *msg);

/* Opens a meter card's zero first purchase (amount 0, method none) with
 * every check of engine_open_sale but the amount's limits; the caller
 * (engine_mcard_open_sale) decided the card may take one. */
kerr_t engine__open_zero_first(engine_t *e, const sale_req_t *req, char id[UUID_STR_LEN], kmsg_t *msg);

/* Moves a zero first purchase from created to paid with nothing paid
 * (EV_ZERO_FIRST): no payment device is touched. */
kerr_t engine__zero_first(engine_t *e, const char *id, kmsg_t *msg);

/* The back office's registry document's word on meter: *found false when
 * there is no document, it does not parse (logged) or does not name the
 * meter; version is the document's. */
kerr_t engine__registry_status(engine_t *e, const char *meter, registry_status_t *st, bool *found,
                               long long *version, kmsg_t *msg);

/* With a back office configured: the back office's max_purchase and the
 * offline limits for a sale of amount (K_EINVAL, K_EBUSY with why). */
kerr_t engine__check_limits(engine_t *e, int64_t amount, kmsg_t *msg);

/* ---- printed documents (engine_receipt.c): lines until the first error ---- */

typedef struct builder {
    printer_doc_t *doc;
    kmsg_t *msg;
    kerr_t rc;
} builder_t;

#define ENGINE_RULE "------------------------------------------------"
#define ENGINE_VALUE_COLUMN 16 /* where a field's value starts, in columns */

/* One line of text in style (nothing once an earlier line failed). */
void engine__line(builder_t *b, printer_style_t style, const char *text);

/* "label  value" on one line, the values lined up at ENGINE_VALUE_COLUMN. */
void engine__field(builder_t *b, const char *label, const char *value);

/* A wall-clock time as "2026-11-29 21:05 UTC". */
void engine__when(int64_t ms, char out[32]);

#endif
