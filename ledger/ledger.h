/* The ledger: one SQLite file (WAL, synchronous=FULL, foreign keys on)
 * holding every transaction, its append-only event history, payments,
 * delivery attempts, refunds, the sync outbox, cash-box counters, alerts and
 * the audit log. See docs/ledger.md for the schema and its invariants.
 *
 * Every state change is one SQLite transaction that updates the
 * transaction row, appends its event and writes its outbox row, together
 * with the payment, attempt or refund row the change carries. */
#ifndef LEDGER_LEDGER_H
#define LEDGER_LEDGER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/uuid.h"
#include "core/receipt.h"
#include "core/sale.h"
#include "core/scan.h"
#include "core/txn.h"

typedef struct ledger ledger_t;

#define LEDGER_SCHEMA_VERSION 16

typedef enum ledger_open_mode {
    LEDGER_CREATE,   /* create the file if missing, migrate it forward */
    LEDGER_EXISTING, /* the file must exist and be at the current version */
} ledger_open_mode_t;

#define LEDGER_METER_LEN 13 /* 12 digits and the terminator */
#define LEDGER_TAG_LEN 16
#define LEDGER_CARD_LEN 17 /* a card serial in hex and the terminator */
#define LEDGER_REASON_LEN 160

/* A transaction as stored. */
typedef struct ledger_txn {
    char id[UUID_STR_LEN];
    txn_state_t state;
    char meter[LEDGER_METER_LEN];
    char customer[LEDGER_METER_LEN];
    sale_method_t method;
    sale_channel_t channel;
    char card[LEDGER_CARD_LEN];   /* channel card: the card's serial, 16 hex digits; "" otherwise */
    char currency[4];
    int64_t amount;         /* asked for */
    int64_t paid;           /* accepted */
    int64_t delivered;      /* credited to the meter or card */
    int64_t refunded;       /* given back (reversal, refund, settled by an operator) */
    int64_t purchase_count; /* held for delivery; -1 if none */
    char reason[LEDGER_REASON_LEN];
    int64_t retry_at; /* when a pending delivery is due; 0 if none */
    int64_t retries;
    int64_t created_at, updated_at; /* ms since the epoch, UTC */
} ledger_txn_t;

/* What a new transaction is for. */
typedef struct ledger_new_txn {
    const char *id; /* UUIDv4 made by the caller */
    const char *meter, *customer, *currency;
    sale_method_t method;
    sale_channel_t channel;
    const char *card; /* channel card: the card's serial in hex; NULL or "" otherwise */
    int64_t amount;
    const receipt_bills_t *due; /* channel bill: what the office said was owed (kept if known); NULL: not asked */
} ledger_new_txn_t;

/* One accepted payment: a bank note, a card approval, a QR order, staff cash. */
typedef struct ledger_payment {
    sale_method_t method;
    int64_t amount;
    int64_t denomination; /* a note's face value; 0 for other methods */
    const char *ref;      /* the device's reference (note + event counter, receipt no.) */
    const char *detail;
} ledger_payment_t;

/* Money given back. */
typedef struct ledger_refund {
    sale_refund_t kind;
    sale_method_t reversed; /* REFUND_REVERSAL: the method whose payment its provider gave back */
    int64_t amount;
    const char *ref;
    const char *detail;
} ledger_refund_t;

typedef enum ledger_applied { APPLIED_UNKNOWN = -1, APPLIED_NO = 0, APPLIED_YES = 1 } ledger_applied_t;

/* A delivery attempt as stored. */
typedef struct ledger_attempt {
    int64_t id;
    int64_t purchase_count;
    int64_t amount;
    sale_channel_t channel;
    int64_t started_at, finished_at; /* finished_at 0 while in flight */
    char result[LEDGER_TAG_LEN + 8]; /* "" while in flight */
    ledger_applied_t applied;
    char detail[LEDGER_REASON_LEN];
} ledger_attempt_t;

/* The outcome of a card authorisation, as the terminal gave it. */
typedef struct ledger_card_outcome {
    const char *reference;
    const char *outcome; /* approved, declined, not_received */
    int result_code;
    int64_t receipt, trace;
    const char *masked_pan, *card_type, *lines;
} ledger_card_outcome_t;

/* The bill acceptor's event counter, moved with what was booked from it. */
typedef struct ledger_cash_mark {
    const char *serial;
    int64_t counter;
} ledger_cash_mark_t;

/* One state change and everything it carries; unused parts stay zero. */
typedef struct ledger_change {
    txn_event_t event;
    const char *reason; /* replaces txn.reason when not NULL ("" clears) */
    const char *detail; /* stored with the event */
    const ledger_payment_t *payment; /* EV_MONEY_IN */
    const ledger_refund_t *refund;   /* EV_REFUND_DONE, EV_VOID */
    /* EV_DELIVER: open an attempt with this count (and the paid amount).
     * Earlier attempts whose outcome is unknown are marked not applied,
     * because a new attempt is only made after a read-back proved that. */
    int64_t begin_count; /* 0 = no attempt begins; the attempt goes by the sale's channel */
    /* Close the attempt in flight with this result and applied flag. */
    const char *close_result;
    ledger_applied_t close_applied;
    /* EV_APPLIED from delivery_pending, EV_CONFIRM: the latest attempt is
     * the one that credited the meter. */
    bool confirm_latest;
    bool release_count; /* drop the held count (proved never applied) */
    int64_t retry_at;   /* EV_DEFER: when to come back (ms), 0 = none */
    const ledger_card_outcome_t *card; /* closes a card authorisation */
    const ledger_cash_mark_t *cash;    /* moves the bill acceptor's counter */
    int64_t escrow_id;                 /* a stacked note resolves its escrow decision */
    /* A staff correction: an audit row (actor, action, the transaction,
     * reason, detail) in the same database transaction; NULL = none. */
    const char *actor, *action;
} ledger_change_t;

/* Opens (and in LEDGER_CREATE mode creates and migrates) the ledger. */
kerr_t ledger_open(const char *path, ledger_open_mode_t mode, const kclock_t *clk, ledger_t **out,
                   kmsg_t *msg);

/* Takes the one-writer lock ("<ledger>.lock", an exclusive flock) for
 * `what` ("sale", "recovery"), waiting up to wait_ms while another process
 * holds it; K_EBUSY then names the holder. Nested calls count: the lock is
 * let go by the matching last ledger_unlock, or when the process ends. */
kerr_t ledger_lock(ledger_t *l, const char *what, int64_t wait_ms, kmsg_t *msg);

/* Gives back one ledger_lock; NULL or an unlocked ledger is fine. */
void ledger_unlock(ledger_t *l);

/* Takes the one-writer lock of the ledger file at path without opening
 * it (the file may be missing or broken), without waiting; *fd holds it
 * until ledger_unlock_path. K_EBUSY names the holder. */
kerr_t ledger_lock_path(const char *path, const char *what, int *fd, kmsg_t *msg);

/* Lets go of a lock taken by ledger_lock_path; -1 is fine. */
void ledger_unlock_path(int fd);

/* Whether this handle holds the one-writer lock. */
bool ledger_locked(const ledger_t *l);

/* The ledger's identity: made once with the file, never reused. */
typedef struct ledger_identity {
    char id[UUID_STR_LEN]; /* UUIDv4 */
    int64_t created_at;    /* when the ledger began (its oldest record for an upgraded file), ms */
} ledger_identity_t;

/* Reads the ledger's identity; K_ECORRUPT if the file has none. */
kerr_t ledger_identity(ledger_t *l, ledger_identity_t *out, kmsg_t *msg);

/* Closes the ledger; NULL is fine. */
void ledger_close(ledger_t *l);

/* The schema version stored in the file (PRAGMA user_version). */
int ledger_schema_version(ledger_t *l);

/* Creates a transaction in state created, with its event and outbox row. */
kerr_t ledger_create(ledger_t *l, const ledger_new_txn_t *t, kmsg_t *msg);

/* Applies one change to transaction id, which must be in state `expect`.
 * The table in core/txn.c decides the new state; the whole change commits
 * or nothing does. *after (may be NULL) receives the stored result. */
kerr_t ledger_apply(ledger_t *l, const char *id, txn_state_t expect, const ledger_change_t *c,
                    ledger_txn_t *after, kmsg_t *msg);

/* Reads one transaction. K_ENOTFOUND if there is none. */
kerr_t ledger_get(ledger_t *l, const char *id, ledger_txn_t *out, kmsg_t *msg);

/* Finds the transaction whose id starts with prefix (at least 8 characters);
 * K_ENOTFOUND if none, K_ECONFLICT if several. */
kerr_t ledger_resolve_id(ledger_t *l, const char *prefix, char out[UUID_STR_LEN], kmsg_t *msg);

typedef struct ledger_filter {
    txn_state_t state;  /* TXN_NONE = any */
    const char *meter;  /* NULL = any */
    int64_t from, to;   /* created_at in [from, to); 0 = open */
    bool unfinished;    /* only states that are not final */
    int64_t due_before; /* only delivery_pending with retry_at <= this; 0 = off */
    int limit;          /* 0 = all */
    bool newest_first;
} ledger_filter_t;

typedef void (*ledger_txn_cb)(void *ctx, const ledger_txn_t *t);

/* Calls cb for every transaction matching f, oldest first unless asked. */
kerr_t ledger_list(ledger_t *l, const ledger_filter_t *f, ledger_txn_cb cb, void *ctx, kmsg_t *msg);

/* An event of a transaction's history. */
typedef struct ledger_event {
    int64_t seq;
    txn_event_t event;
    txn_state_t from, to;
    char detail[LEDGER_REASON_LEN];
    int64_t at;
} ledger_event_t;

typedef void (*ledger_event_cb)(void *ctx, const ledger_event_t *e);
typedef void (*ledger_attempt_cb)(void *ctx, const ledger_attempt_t *a);

/* Calls cb for each event of transaction id, in order. */
kerr_t ledger_events(ledger_t *l, const char *id, ledger_event_cb cb, void *ctx, kmsg_t *msg);

/* Calls cb for each delivery attempt of transaction id, in order. */
kerr_t ledger_attempts(ledger_t *l, const char *id, ledger_attempt_cb cb, void *ctx, kmsg_t *msg);

/* What the ledger knows about a meter, for choosing a purchase count. */
typedef struct ledger_meter_facts {
    bool other_open;         /* another transaction holds a count not yet confirmed */
    char other_id[UUID_STR_LEN];
    bool have_delivered;     /* a credit to this meter was confirmed before */
    int64_t highest_delivered;
} ledger_meter_facts_t;

/* Collects ledger_meter_facts_t for meter, ignoring transaction `self`. */
kerr_t ledger_meter_facts(ledger_t *l, const char *meter, const char *self, ledger_meter_facts_t *out,
                          kmsg_t *msg);

/* Number of outbox rows not yet sent. */
kerr_t ledger_outbox_depth(ledger_t *l, int64_t *n, kmsg_t *msg);

/* Appends a row to the audit log (who did what to which target, and why)
 * and its outbox row (topic audit), inside the caller's transaction or, if
 * there is none, in one of its own. */
kerr_t ledger_audit(ledger_t *l, const char *actor, const char *action, const char *target,
                    const char *reason, const char *detail, kmsg_t *msg);

/* An audit row as read back. */
typedef struct ledger_audit_row {
    int64_t id, at;
    char actor[48], action[32], target[64], reason[LEDGER_REASON_LEN];
} ledger_audit_row_t;

/* Calls cb for the newest `limit` rows of the audit log, newest first. */
kerr_t ledger_audit_recent(ledger_t *l, int limit, void (*cb)(void *ctx, const ledger_audit_row_t *r), void *ctx,
                           kmsg_t *msg);

/* Whether the audit log holds a row of action on target. */
kerr_t ledger_audit_exists(ledger_t *l, const char *action, const char *target, bool *out, kmsg_t *msg);

/* The times (wall-clock ms) of the newest rows, at most limit, of action
 * on target with reason, newest first, into out; *n how many. */
kerr_t ledger_audit_times(ledger_t *l, const char *action, const char *target, const char *reason, int limit,
                          int64_t *out, int *n, kmsg_t *msg);

/* A full meter reading as stored (energies in milli-units). */
typedef struct ledger_reading {
    char meter[LEDGER_METER_LEN];
    int64_t at;
    int64_t energy, bands[4]; /* total; sharp, peak, flat, valley */
    bool bands_absent;        /* a single-rate meter: no bands (NULL in the file), bands[] holds nothing */
    int64_t balance;
    int64_t purchase_count;
    bool relay_open;
    uint32_t flags; /* the gateway's GW_FLAG_* bits */
    read_source_t source; /* who asked for it (the outbox's "source") */
} ledger_reading_t;

/* An alert with its evidence. */
typedef struct ledger_alert {
    int64_t id;
    int64_t at;
    char meter[LEDGER_METER_LEN];
    char kind[32];
    char severity[16];
    char evidence[256];
    int64_t acknowledged_at; /* 0 = not yet */
} ledger_alert_t;

/* The most recent reading of meter; *found false if there is none. */
kerr_t ledger_last_reading(ledger_t *l, const char *meter, ledger_reading_t *out, bool *found, kmsg_t *msg);

/* What this kiosk did to meter in (from, to]: money credited, credits
 * confirmed, and whether a relay close was sent. */
kerr_t ledger_meter_activity(ledger_t *l, const char *meter, int64_t from, int64_t to, int64_t *credited,
                             int64_t *credits, bool *relay_closed, kmsg_t *msg);

/* Stores a reading and the alerts it raised, with their outbox rows, in
 * one transaction. */
kerr_t ledger_record_reading(ledger_t *l, const ledger_reading_t *r, const ledger_alert_t *alerts, size_t n,
                             kmsg_t *msg);

/* Records that meter did not answer a scan at `at` (why: the gateway's
 * words): its misses in a row go up by one, into *misses. */
kerr_t ledger_meter_missed(ledger_t *l, const char *meter, int64_t at, const char *why, int64_t *misses, kmsg_t *msg);

/* Records that meter answered: its misses in a row (returned in
 * *misses_before) start again from none. */
kerr_t ledger_meter_answered(ledger_t *l, const char *meter, int64_t *misses_before, kmsg_t *msg);

/* Stores one alert about a meter (a->meter, kind, severity, evidence, at)
 * with its outbox row. */
kerr_t ledger_meter_alert(ledger_t *l, const ledger_alert_t *a, kmsg_t *msg);

/* Acknowledges meter's open alerts of kind (by the kiosk itself: the
 * condition is over). */
kerr_t ledger_alerts_settle(ledger_t *l, const char *meter, const char *kind, int64_t at, kmsg_t *msg);

/* Calls cb for each alert, newest first; meter NULL = every meter. */
kerr_t ledger_alerts(ledger_t *l, const char *meter, bool open_only, void (*cb)(void *ctx, const ledger_alert_t *a),
                     void *ctx, kmsg_t *msg);

/* ---- meter cards issued here (ledger_mcard.c) ---- */

/* A meter card this kiosk issued. type: "user" or "replacement"; state:
 * "issuing" (written to the ledger, maybe not yet to the card), "active",
 * "replaced" (a newer card of its meter is active), "void" (its issue was
 * abandoned for another card). */
typedef struct ledger_mcard {
    char serial[LEDGER_CARD_LEN];
    char meter[LEDGER_METER_LEN];
    char customer[LEDGER_METER_LEN];
    char type[16];
    int generation;
    char state[16];
    char replaces[LEDGER_CARD_LEN]; /* the serial of the card it replaces, or "" */
    char operator_name[64];
    int64_t issued_at, updated_at;
} ledger_mcard_t;

/* Records the intent to issue card c (state issuing) with its audit and
 * outbox rows, before the card is written. An unfinished issue of the same
 * meter and generation to another card becomes void. K_ECONFLICT if the
 * serial is already issued, or that generation of the meter is taken. */
kerr_t ledger_mcard_begin(ledger_t *l, const ledger_mcard_t *c, const char *reason, kmsg_t *msg);

/* The card holds what was issued: it becomes active, and the card it
 * replaces (if any) becomes replaced; with an outbox row. */
kerr_t ledger_mcard_done(ledger_t *l, const char *serial, kmsg_t *msg);

/* The card with this serial; *found false if this kiosk never issued it. */
kerr_t ledger_mcard_get(ledger_t *l, const char *serial, ledger_mcard_t *out, bool *found, kmsg_t *msg);

/* The card of meter with the highest generation that is not void. */
kerr_t ledger_mcard_latest(ledger_t *l, const char *meter, ledger_mcard_t *out, bool *found, kmsg_t *msg);

/* ---- staff: permission groups and operators (ledger_staff.c) ---- */

#define LEDGER_NAME_LEN 33 /* operator and group names: 1..32 characters */

typedef struct ledger_operator {
    char name[LEDGER_NAME_LEN];
    char group[LEDGER_NAME_LEN];
    char pin_hash[160]; /* Argon2id, in libsodium's string form */
    bool active;
    int failures;
    int64_t locked_until;
    char perms[256]; /* the group's permissions, comma-separated */
    bool central;    /* from the back office's `staff` document, not made here */
} ledger_operator_t;

/* Creates or changes a permission group (perms: names of core/perm.h,
 * comma-separated), with an audit row of actor's. K_ECONFLICT if the group
 * came from the back office's `staff` document (it is changed there). */
kerr_t ledger_group_put(ledger_t *l, const char *name, const char *perms, const char *actor, kmsg_t *msg);

/* Calls cb for every group, by name. */
kerr_t ledger_groups(ledger_t *l, void (*cb)(void *ctx, const char *name, const char *perms), void *ctx, kmsg_t *msg);

/* Creates an operator, or changes its group and PIN (its lockout cleared),
 * with an audit row of actor's. K_ENOTFOUND if the group does not exist;
 * K_ECONFLICT if the operator came from the back office's `staff` document. */
kerr_t ledger_operator_put(ledger_t *l, const char *name, const char *group, const char *pin_hash, const char *actor,
                           kmsg_t *msg);

/* Turns an operator off (it can no longer log in) or on, with an audit row. */
kerr_t ledger_operator_active(ledger_t *l, const char *name, bool active, const char *actor, kmsg_t *msg);

/* Reads an operator with its group's permissions; *found false if none. */
kerr_t ledger_operator_get(ledger_t *l, const char *name, ledger_operator_t *out, bool *found, kmsg_t *msg);

/* Calls cb for every operator, by name. */
kerr_t ledger_operators(ledger_t *l, void (*cb)(void *ctx, const ledger_operator_t *o), void *ctx, kmsg_t *msg);

/* How many operators exist (active or not). */
kerr_t ledger_operator_count(ledger_t *l, int64_t *n, kmsg_t *msg);

/* Stores the outcome of a PIN attempt: the new failure count and lock, and
 * an audit row (action, e.g. login, login_failed, locked_out). */
kerr_t ledger_operator_attempt(ledger_t *l, const char *name, int failures, int64_t locked_until, const char *action,
                               kmsg_t *msg);

/* ---- the back-office link (ledger_sync.c) ---- */

/* One unsent outbox row. */
typedef struct ledger_outbox_row {
    int64_t seq;
    const char *topic;
    const char *payload; /* JSON text as stored */
    int64_t created_at;
} ledger_outbox_row_t;

/* Calls cb for up to limit unsent outbox rows, oldest first. */
kerr_t ledger_outbox_unsent(ledger_t *l, int limit, void (*cb)(void *ctx, const ledger_outbox_row_t *r), void *ctx,
                            kmsg_t *msg);

/* The back office's answer for one row, or the kiosk's own verdict. */
typedef struct ledger_outbox_answer {
    int64_t seq;
    bool rejected;      /* it can never be stored as it is */
    const char *reason; /* why, for a rejected or parked row */
    bool parked;        /* the back office cannot read it: the kiosk stops sending it */
} ledger_outbox_answer_t;

/* Marks the answered rows sent (a row sent already stays as it was) and
 * raises a staff alert for each rejected one (kind sync_rejected) and each
 * parked one (kind sync_parked), in one transaction. */
kerr_t ledger_outbox_settle(ledger_t *l, const ledger_outbox_answer_t *a, size_t n, kmsg_t *msg);

/* What the link last did. */
typedef struct ledger_sync_state {
    int64_t last_ok_at, last_error_at; /* ms; 0 = never */
    char last_error[LEDGER_REASON_LEN];
    int64_t failures;                  /* in a row */
    int64_t depth;                     /* unsent outbox rows */
    int64_t oldest_unsent_at;          /* ms; 0 = none */
} ledger_sync_state_t;

/* Records an answer from the back office (ok) or a failure (why). */
kerr_t ledger_sync_note(ledger_t *l, bool ok, const char *why, kmsg_t *msg);

/* Reads the link's state and the outbox's depth. */
kerr_t ledger_sync_state(ledger_t *l, ledger_sync_state_t *out, kmsg_t *msg);

/* ---- QR orders and signed documents (ledger_qr.c, ledger_doc.c) ---- */

/* The sale that booked QR order order_id (a payment of method qr with the
 * order's id as its reference); *found false if none did. */
kerr_t ledger_qr_booked(ledger_t *l, const char *order_id, char txn_id[UUID_STR_LEN], bool *found, kmsg_t *msg);

/* Money taken by sales opened after since (ms), for the offline total. */
kerr_t ledger_taken_since(ledger_t *l, int64_t since, int64_t *total, kmsg_t *msg);

/* A signed document as applied. */
typedef struct ledger_doc {
    char kind[24];
    int64_t version;
    char etag[128];
    char *body; /* the document's body, JSON; free() it */
    int64_t applied_at;
} ledger_doc_t;

/* The document of kind as applied last; *found false if none was. */
kerr_t ledger_doc_get(ledger_t *l, const char *kind, ledger_doc_t *out, bool *found, kmsg_t *msg);

/* Stores a verified document (its body JSON, the whole envelope, the
 * ETag) in one transaction with an audit row; K_ESTATE if it is older than
 * the one held. */
kerr_t ledger_doc_put(ledger_t *l, const char *kind, int64_t version, const char *etag, const char *body,
                      const char *envelope, kmsg_t *msg);

/* Raises a staff alert (kind, severity warning) with evidence, and its
 * outbox row, in one transaction. */
kerr_t ledger_raise_alert(ledger_t *l, const char *kind, const char *evidence, kmsg_t *msg);

/* ---- payments by devices (ledger_pay.c) ---- */

/* A card authorisation as stored; outcome "" while unknown. */
typedef struct ledger_card_auth {
    int64_t id;
    char txn_id[UUID_STR_LEN];
    char reference[64];
    int64_t amount;
    char outcome[16];
    int result_code;
    int64_t receipt;
    char masked_pan[24];
} ledger_card_auth_t;

/* Writes the intent to authorise amount for txn_id under reference, before
 * anything is sent to the terminal. */
kerr_t ledger_card_begin(ledger_t *l, const char *txn_id, const char *reference, int64_t amount, kmsg_t *msg);

/* Closes a card authorisation that did not pay (declined, not received). */
kerr_t ledger_card_end(ledger_t *l, const ledger_card_outcome_t *o, kmsg_t *msg);

/* The latest card authorisation of txn_id; *found false if none. */
kerr_t ledger_card_latest(ledger_t *l, const char *txn_id, ledger_card_auth_t *out, bool *found, kmsg_t *msg);

/* The approved authorisation that paid txn_id; *found false if none. */
kerr_t ledger_card_paid(ledger_t *l, const char *txn_id, ledger_card_auth_t *out, bool *found, kmsg_t *msg);

/* What the back office said was owed when the bill payment txn_id opened
 * (ledger_create's due, kept in the same commit): out->known, out->owed
 * and up to max of its bills, oldest first, into bill[] (out->bill points
 * there). Not kept (a top-up, or a payment opened without the answer):
 * K_OK with out->known false. */
kerr_t ledger_bill_due(ledger_t *l, const char *txn_id, receipt_bill_t bill[], int max, receipt_bills_t *out,
                       kmsg_t *msg);

/* The counter last booked from the bill acceptor with this serial. */
kerr_t ledger_cash_counter(ledger_t *l, const char *serial, int64_t *counter, bool *found, kmsg_t *msg);

/* Records a note's escrow decision (and moves the counter past the escrow
 * event) before the note is routed; *id receives the decision's id. */
kerr_t ledger_escrow_decide(ledger_t *l, const char *txn_id, const ledger_cash_mark_t *mark, int bill_type,
                            int64_t value, bool stack, const char *reason, int64_t *id, kmsg_t *msg);

/* The open escrow decision (no outcome yet), if any. */
kerr_t ledger_escrow_open(ledger_t *l, int64_t *id, char txn_id[UUID_STR_LEN], int64_t *value, bool *stack,
                          bool *found, kmsg_t *msg);

/* Records a device event that books no money (a note returned, a jam, the
 * cash box) and moves the counter; escrow_id > 0 resolves that decision
 * with outcome; box_kind (may be NULL) goes to the cash-box log; alert (may
 * be NULL; its time is now) is raised for staff. All in one transaction. */
kerr_t ledger_cash_event(ledger_t *l, const ledger_cash_mark_t *mark, int64_t escrow_id, const char *outcome,
                         const char *box_kind, const char *detail, const ledger_alert_t *alert, kmsg_t *msg);

/* Money since the last collection: per method and denomination, refunds
 * per method, cash-box events. */
typedef struct ledger_cash_line {
    char method[LEDGER_TAG_LEN];
    int64_t denomination, count, total;
} ledger_cash_line_t;

#define LEDGER_MAX_CASH_LINES 48

typedef struct ledger_cash_report {
    int64_t since, until; /* ms; since = 0 before the first collection */
    ledger_cash_line_t taken[LEDGER_MAX_CASH_LINES];
    size_t n_taken;
    ledger_cash_line_t refunded[LEDGER_MAX_CASH_LINES]; /* denomination 0 */
    size_t n_refunded;
    int64_t box_removed, box_inserted;
    char currency[4];
} ledger_cash_report_t;

/* The report since the last collection, without changing anything. */
kerr_t ledger_cash_status(ledger_t *l, ledger_cash_report_t *out, kmsg_t *msg);

/* The Z report: the same, recorded as a collection by operator (with the
 * audit row), counters reset, all in one transaction. */
kerr_t ledger_cash_collect(ledger_t *l, const char *operator_name, ledger_cash_report_t *out, kmsg_t *msg);

typedef void (*ledger_violation_cb)(void *ctx, const char *text);

/* Checks SQLite's integrity and the money invariants (docs/ledger.md);
 * calls cb once per violation and stores their number in *violations. */
kerr_t ledger_verify(ledger_t *l, ledger_violation_cb cb, void *ctx, int64_t *violations, kmsg_t *msg);

typedef enum ledger_format { LEDGER_CSV, LEDGER_JSON } ledger_format_t;

/* Writes the transactions created in [from, to) (0 = open) as CSV or as a
 * JSON array of objects. */
kerr_t ledger_export(ledger_t *l, FILE *out, ledger_format_t fmt, int64_t from, int64_t to, kmsg_t *msg);

/* ---- a meter's history (ledger_history.c) ---- */

/* Energy a meter used on each of the `days` UTC days up to the day of
 * now_ms (per_day[0] the oldest, per_day[days - 1] that day), from its
 * stored readings: the rise of the energy register between two successive
 * readings counts on the day of the later one. *readings is how many
 * readings that took (those in the window and the one before it); with
 * fewer than two every day is 0. */
kerr_t ledger_daily_use(ledger_t *l, const char *meter, int64_t now_ms, int days, int64_t *per_day, int *readings,
                        kmsg_t *msg);

/* Energy a meter used from since_ms up to now_ms (a tiered tariff's month
 * so far), from its stored readings: the latest reading at or before
 * now_ms less the latest one before since_ms (or, if there is none, the
 * first one after it). 0 with fewer than two readings; a register that
 * went back (a replaced meter) counts from where it went back to. */
kerr_t ledger_use_since(ledger_t *l, const char *meter, int64_t since_ms, int64_t now_ms, int64_t *used, kmsg_t *msg);

#endif
