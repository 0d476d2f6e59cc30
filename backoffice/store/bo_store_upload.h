/* The storage interface (bo_store.h), its upload part: the first answer to
 * every uploaded row and the signed batches, each kiosk's ledgers, the
 * rows themselves (transaction events and sales, readings, alerts, cards);
 * the audit trail and staff alerts; QR orders and notices; quarantine. */
#ifndef BACKOFFICE_STORE_BO_STORE_UPLOAD_H
#define BACKOFFICE_STORE_BO_STORE_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backoffice/base/bo_decode.h"
#include "base/err.h"

/* The first answer given to an uploaded row. */
typedef struct bo_answer_rec {
    char digest[33], status[16], reason[256];
} bo_answer_rec_t;

/* Where a row's first answer is kept. */
typedef struct bo_row_key {
    const char *kiosk, *ledger;
    int64_t seq;
} bo_row_key_t;

/* A signed upload as received (evidence). */
typedef struct bo_batch_rec {
    const char *kiosk, *ledger, *signature;
    const char *body;
    size_t body_len;
    int64_t at;
} bo_batch_rec_t;

/* A kiosk's ledger as recorded (docs/sync.md, "A kiosk's ledgers"). */
typedef struct bo_ledger_rec {
    bool found;
    char id[37];
    int64_t created_at, first_seen, retired_at;
    char replaced_by[37];
} bo_ledger_rec_t;

/* Keyed (bo_store.h, begin_keyed): answer_put, batch_put and ledger_add
 * (the kiosk's key), event_seen and sale_put (the transaction's). */
typedef struct bo_st_upload {
    kerr_t (*answer_get)(void *ctx, const bo_row_key_t *k, bo_answer_rec_t *a, bool *found, kmsg_t *msg);
    kerr_t (*answer_put)(void *ctx, const bo_row_key_t *k, const char *topic, const bo_answer_rec_t *a, int64_t at,
                         int64_t batch, kmsg_t *msg);
    /* Keeps a signed batch; *id is its number for the answers. */
    kerr_t (*batch_put)(void *ctx, const bo_batch_rec_t *b, int64_t *id, kmsg_t *msg);
    /* Forgets first answers, events seen and batches received before cutoff. */
    kerr_t (*purge)(void *ctx, int64_t cutoff, kmsg_t *msg);
    kerr_t (*ledger_current)(void *ctx, const char *kiosk, bo_ledger_rec_t *l, kmsg_t *msg);
    kerr_t (*ledger_get)(void *ctx, const char *kiosk, const char *id, bo_ledger_rec_t *l, kmsg_t *msg);
    kerr_t (*ledger_add)(void *ctx, const char *kiosk, const bo_ledger_t *l, int64_t first_seen, kmsg_t *msg);
    kerr_t (*ledger_retire)(void *ctx, const char *kiosk, const char *id, int64_t at, const char *by, kmsg_t *msg);
    /* When the last row of the kiosk's unnamed ledger ('') arrived; -1 if none. */
    kerr_t (*unnamed_last)(void *ctx, const char *kiosk, int64_t *at, kmsg_t *msg);
    /* The unnamed ledger's first answers, alerts and audit rows become ledger's. */
    kerr_t (*unnamed_adopt)(void *ctx, const char *kiosk, const char *ledger, kmsg_t *msg);
    /* Records that event_seq of txn was seen under outbox seq; K_ECONFLICT
     * if it was seen before. */
    kerr_t (*event_seen)(void *ctx, const char *kiosk, const bo_txn_t *t, int64_t seq, int64_t at, kmsg_t *msg);
    /* The kiosk a transaction was first uploaded by ("" if none yet). */
    kerr_t (*sale_owner)(void *ctx, const char *txn, char owner[65], kmsg_t *msg);
    /* Stores the transaction's state unless a later event is stored. */
    kerr_t (*sale_put)(void *ctx, const char *kiosk, const bo_txn_t *t, kmsg_t *msg);
    kerr_t (*reading_put)(void *ctx, const char *kiosk, const bo_reading_t *r, kmsg_t *msg); /* K_ECONFLICT: had */
    kerr_t (*alert_put)(void *ctx, const char *kiosk, const char *ledger, const bo_alert_t *a,
                        kmsg_t *msg); /* K_ECONFLICT: had */
    /* Stores a meter's daily freeze; K_ECONFLICT if its meter and freeze
     * time are stored already (from any kiosk). */
    kerr_t (*frozen_put)(void *ctx, const char *kiosk, const bo_frozen_t *f, kmsg_t *msg);
    /* Stores the card's state unless a later one is stored. */
    kerr_t (*card_put)(void *ctx, const char *kiosk, const bo_card_t *c, kmsg_t *msg);
} bo_st_upload_t;

/* The kiosk the back office's own audit rows and alerts are under. */
#define BO_STORE_SELF "backoffice"

/* A row of the back office's own audit trail. */
typedef struct bo_audit_rec {
    const char *actor, *action, *target, *reason, *detail; /* target, reason, detail may be NULL */
    int64_t at;
} bo_audit_rec_t;

typedef struct bo_st_log {
    kerr_t (*audit_self)(void *ctx, const bo_audit_rec_t *a, kmsg_t *msg);
    /* A kiosk's audit row; K_ECONFLICT if its id was had from that ledger. */
    kerr_t (*audit_put)(void *ctx, const char *kiosk, const char *ledger, const bo_audit_t *a, int64_t at,
                        kmsg_t *msg);
    /* The back office's own alert for staff, numbered after the last. */
    kerr_t (*alert_self)(void *ctx, int64_t at, const char *kind, const char *meter, const char *evidence,
                         kmsg_t *msg);
    /* The back office's own alert of kind about kiosk subject (kiosk_silent). */
    kerr_t (*alert_about)(void *ctx, int64_t at, const char *kind, const char *subject, const char *evidence,
                          kmsg_t *msg);
    /* Whether an alert of kind about subject (a kiosk; "" none) and meter
     * ("" any) is not cleared yet (acknowledged or not). */
    kerr_t (*alert_open)(void *ctx, const char *kind, const char *subject, const char *meter, bool *found,
                         kmsg_t *msg);
    /* Marks the alerts of kind about subject and meter not cleared yet cleared at `at`. */
    kerr_t (*alert_clear)(void *ctx, const char *kind, const char *subject, const char *meter, int64_t at,
                          bool *changed, kmsg_t *msg);
    /* Acknowledges alert id (not acknowledged yet: else *changed false;
     * *found false if there is no such alert). */
    kerr_t (*alert_ack)(void *ctx, int64_t id, int64_t at, const char *by, const char *reason, bool *found,
                        bool *changed, kmsg_t *msg);
    /* Calls fn for every kiosk that sent a heartbeat, with its last one's time. */
    kerr_t (*heartbeat_each)(void *ctx, void (*fn)(void *arg, const char *kiosk, int64_t at), void *arg,
                             kmsg_t *msg);
} bo_st_log_t;

/* A QR payment order. */
typedef struct bo_order {
    char id[33], kiosk[65], txn[37], meter[33], currency[4], state[16], gave_up[16];
    int64_t amount, created_at, expires_at, paid_at;
    char provider_ref[1024]; /* the provider's code_url for it ("": the simulated provider, or not placed yet) */
    char provider[16];       /* the provider that took it (wechat, alipay, sim); "": made before the back office
                                recorded it (schema version 25), taken as the kiosks' provider now */
} bo_order_t;

typedef void (*bo_notice_cb)(void *arg, int64_t id, const char *kind, const char *body, int64_t created_at);

typedef struct bo_st_qr {
    kerr_t (*order_get)(void *ctx, const char *id, bo_order_t *o, bool *found, kmsg_t *msg);
    kerr_t (*order_of_txn)(void *ctx, const char *kiosk, const char *txn, bo_order_t *o, bool *found, kmsg_t *msg);
    /* Adds o, pending, with its provider. */
    kerr_t (*order_add)(void *ctx, const bo_order_t *o, kmsg_t *msg);
    /* Stores o's state, gave_up, paid_at (0: none) and provider_ref. */
    kerr_t (*order_set)(void *ctx, const bo_order_t *o, kmsg_t *msg);
    kerr_t (*notice_add)(void *ctx, const char *kiosk, const char *kind, const char *body, int64_t at, kmsg_t *msg);
    /* Calls fn for the kiosk's notices not acknowledged, oldest first, at most limit. */
    kerr_t (*notices_each)(void *ctx, const char *kiosk, int limit, bo_notice_cb fn, void *arg, kmsg_t *msg);
    kerr_t (*notice_ack)(void *ctx, const char *kiosk, int64_t id, int64_t at, bool *changed, kmsg_t *msg);
} bo_st_qr_t;

/* A row held for staff, as stored. */
typedef struct bo_held_rec {
    char kiosk[65], topic[16], meter[33], state[16];
    int64_t seq;   /* 0 for a count reservation */
    char *payload; /* bo_st_held_t.get: malloc'd, the caller frees */
} bo_held_rec_t;

/* A row to hold. */
typedef struct bo_hold_rec {
    const char *kiosk;
    int64_t seq;         /* 0: none */
    const char *topic, *meter, *payload, *rule, *why;
    int64_t at;
} bo_hold_rec_t;

typedef struct bo_st_held {
    /* Holds h; *id its number. The same payload of the same kiosk and
     * topic is held once: *fresh false then, *id the earlier one's. */
    kerr_t (*hold)(void *ctx, const bo_hold_rec_t *h, int64_t *id, bool *fresh, kmsg_t *msg);
    kerr_t (*get)(void *ctx, int64_t id, bo_held_rec_t *r, bool *found, kmsg_t *msg);
    /* Records staff's decision (released, discarded) on a held row. */
    kerr_t (*decide)(void *ctx, int64_t id, const char *state, int64_t at, const char *by, const char *note,
                     kmsg_t *msg);
} bo_st_held_t;

#endif
