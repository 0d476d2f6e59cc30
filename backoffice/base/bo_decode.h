/* Decoding the kiosks' requests into plain structs. Pure (cJSON only), so
 * that the fuzz target runs it without a server. Every error names the
 * field and what it must be. */
#ifndef BACKOFFICE_BO_DECODE_H
#define BACKOFFICE_BO_DECODE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define BO_MAX_BATCH 500
#define BO_ID_LEN 65
#define BO_METER_LEN 33
#define BO_TEXT_LEN 512

/* The kiosk's ledger a batch comes from (docs/sync.md): made once with the
 * ledger's file; a fresh ledger restarts its outbox seqs at 1. */
typedef struct bo_ledger {
    char id[37];        /* lower-case UUIDv4 */
    int64_t created_at; /* when the ledger began, ms */
} bo_ledger_t;

/* One outbox row as uploaded: the payload stays a cJSON object owned by
 * the batch; ledger is the batch's ledger id. */
typedef struct bo_row {
    int64_t seq;
    char topic[16];
    const cJSON *payload;
    const char *ledger;
} bo_row_t;

typedef struct bo_batch {
    cJSON *root;
    bo_ledger_t ledger;
    bo_row_t *rows;
    int n;
} bo_batch_t;

/* The transaction after a state change (topic txn). */
typedef struct bo_txn {
    char id[37], state[32], meter[BO_METER_LEN], customer[BO_ID_LEN], method[16], channel[16], currency[4];
    int64_t amount, paid, delivered, refunded, purchase_count, event_seq, created_at, updated_at;
} bo_txn_t;

typedef struct bo_reading {
    char meter[BO_METER_LEN];
    int64_t at, energy, balance, purchase_count, relay_open, flags;
    bool has_bands;    /* "bands" was an array: sharp, peak, flat, valley (milli-units) */
    int64_t bands[4];
    char source[16];   /* scan, sale, staff, command; "" if the kiosk did not say */
} bo_reading_t;

/* A meter's daily freeze (topic frozen). */
typedef struct bo_frozen {
    char meter[BO_METER_LEN];
    char at_text[32]; /* "YYYY-MM-DDThh:mm:ss+hh:mm": the meter's local time, the kiosk's offset */
    int64_t at;       /* the same instant, UTC ms */
    int64_t energy, read_at;
    bool has_bands;
    int64_t bands[4];
} bo_frozen_t;

typedef struct bo_alert {
    char meter[BO_METER_LEN], kind[64], severity[16], evidence[BO_TEXT_LEN];
    int64_t id, at;
} bo_alert_t;

typedef struct bo_card {
    char serial[17], meter[BO_METER_LEN], customer[BO_ID_LEN], type[16], state[16], replaces[17];
    int64_t generation, updated_at;
} bo_card_t;

/* A row of a kiosk's audit log (topic audit). */
typedef struct bo_audit {
    char actor[BO_ID_LEN], action[64], target[128], reason[BO_TEXT_LEN], detail[2 * BO_TEXT_LEN];
    int64_t id, at;
} bo_audit_t;

typedef struct bo_heartbeat {
    char software[64], paper[16], last_error[BO_TEXT_LEN];
    int64_t outbox_depth, cashbox_fill; /* percent, -1 if the kiosk has no cash box */
} bo_heartbeat_t;

typedef struct bo_reserve {
    char meter[BO_METER_LEN], txn[37];
    int64_t seen;  /* the meter's count as the kiosk last read it */
    int64_t count; /* a renewal: the count this sale holds (committed); 0 for a new reservation */
} bo_reserve_t;

typedef struct bo_release {
    char meter[BO_METER_LEN], txn[37];
    int applied; /* 1 the count is on the meter, 0 it never will be */
} bo_release_t;

typedef struct bo_qr_new {
    char txn[37], meter[BO_METER_LEN], currency[4];
    int64_t amount, ttl_s;
} bo_qr_new_t;

/* Parses an upload body {"ledger": {"id", "created_at"}, "rows": [{"seq",
 * "topic", "payload"}...]}: the ledger named (bo_decode_ledger), 0 to
 * BO_MAX_BATCH rows, seqs positive and distinct, topics txn, reading, alert,
 * card or audit. On success the caller frees with bo_batch_free. */
kerr_t bo_decode_batch(const char *text, size_t len, bo_batch_t *out, kmsg_t *msg);

/* Reads the upload's "ledger" member; a body without one comes from kiosk
 * software older than the back office, and the message says so. */
kerr_t bo_decode_ledger(const cJSON *root, bo_ledger_t *out, kmsg_t *msg);

/* Frees what bo_decode_batch allocated. */
void bo_batch_free(bo_batch_t *b);

/* Each reads one row's payload; the message says what is wrong with it. */
kerr_t bo_decode_txn(const cJSON *p, bo_txn_t *out, kmsg_t *msg);
kerr_t bo_decode_reading(const cJSON *p, bo_reading_t *out, kmsg_t *msg);

/* Decodes a frozen row ({"meter", "at" with its offset, "energy",
 * "bands", "read_at"}); K_EINVAL naming the field that is wrong. */
kerr_t bo_decode_frozen(const cJSON *p, bo_frozen_t *out, kmsg_t *msg);
kerr_t bo_decode_alert(const cJSON *p, bo_alert_t *out, kmsg_t *msg);
kerr_t bo_decode_card(const cJSON *p, bo_card_t *out, kmsg_t *msg);
kerr_t bo_decode_audit(const cJSON *p, bo_audit_t *out, kmsg_t *msg);

/* Each parses a whole request body. */
kerr_t bo_decode_heartbeat(const char *text, size_t len, bo_heartbeat_t *out, kmsg_t *msg);
kerr_t bo_decode_reserve(const char *text, size_t len, bo_reserve_t *out, kmsg_t *msg);
kerr_t bo_decode_release(const char *text, size_t len, bo_release_t *out, kmsg_t *msg);
kerr_t bo_decode_qr_new(const char *text, size_t len, bo_qr_new_t *out, kmsg_t *msg);

#endif
