/* POST /v1/kiosks/{id}/outbox: a signed batch of outbox rows in, one
 * answer per row out. Idempotent by (kiosk, ledger, outbox seq): the first
 * answer to a row is stored with a digest of the row and given again, word
 * for word, when the row comes back. The batch is one SQLite transaction;
 * the signed body is kept with the answers it got (evidence). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_ingest.h"
#include "backoffice/http/bo_server.h"
#include "kiosk/app/kjson.h"
#include "kiosk/app/log.h"

typedef struct answer {
    char status[16];
    kmsg_t reason;
} answer_t;

/* A digest of the row's topic and payload as re-printed (whitespace and
 * key spacing do not matter; content does). */
static bool digest(const bo_row_t *row, char hex[33])
{
    char *text = kjson_print(row->payload, false);
    if (!text)
        return false;
    uint8_t h[16];
    crypto_generichash_state g;
    crypto_generichash_init(&g, NULL, 0, sizeof h);
    crypto_generichash_update(&g, (const uint8_t *)row->topic, strlen(row->topic) + 1);
    crypto_generichash_update(&g, (const uint8_t *)text, strlen(text));
    crypto_generichash_final(&g, h, sizeof h);
    cJSON_free(text);
    sodium_bin2hex(hex, 33, h, sizeof h);
    return true;
}

/* The batch being stored: who sent it, its signed body, and its evidence
 * row once one of its rows got a first answer. */
typedef struct batch_ctx {
    sqlite3 *db;
    const bo_rules_t *rules; /* what makes a row implausible (docs/sync.md, "Quarantine") */
    const char *kiosk;
    const bo_batch_t *b;
    const char *body, *signature;
    size_t body_len;
    int64_t now, evidence; /* ingest_batch id, 0 until written */
} batch_ctx_t;

/* The stored answer for (kiosk, ledger, seq) if there is one: *found says. */
static kerr_t stored_answer(const batch_ctx_t *c, int64_t seq, char dig[33], answer_t *a, bool *found, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(c->db, "SELECT digest, status, reason FROM ingest_row WHERE kiosk = ? AND ledger = ? "
                                    "AND seq = ?",
                             &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, c->kiosk);
    bo_db_text(st, 2, c->b->ledger.id);
    sqlite3_bind_int64(st, 3, seq);
    *found = sqlite3_step(st) == SQLITE_ROW;
    if (*found) {
        snprintf(dig, 33, "%s", bo_db_col(st, 0));
        snprintf(a->status, sizeof a->status, "%s", bo_db_col(st, 1));
        snprintf(a->reason.text, sizeof a->reason.text, "%s", bo_db_col(st, 2));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return K_OK;
}

/* Keeps the signed body the first time one of its rows is answered. */
static kerr_t keep_evidence(batch_ctx_t *c, kmsg_t *msg)
{
    if (c->evidence)
        return K_OK;
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(c->db, "INSERT INTO ingest_batch (kiosk, ledger, received_at, signature, body) "
                                    "VALUES (?, ?, ?, ?, ?)",
                             &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, c->kiosk);
    bo_db_text(st, 2, c->b->ledger.id);
    sqlite3_bind_int64(st, 3, c->now);
    bo_db_text(st, 4, c->signature);
    sqlite3_bind_blob(st, 5, c->body, (int)c->body_len, SQLITE_STATIC);
    rc = bo_db_done(c->db, st, "keeping the signed upload", msg);
    c->evidence = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static kerr_t remember(batch_ctx_t *c, const bo_row_t *row, const char *dig, const answer_t *a, kmsg_t *msg)
{
    kerr_t rc = keep_evidence(c, msg);
    sqlite3_stmt *st;
    if (rc || (rc = bo_db_cached(c->db, "INSERT INTO ingest_row (kiosk, ledger, seq, topic, digest, status, reason, "
                                        "received_at, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                 &st, msg)))
        return rc;
    bo_db_text(st, 1, c->kiosk);
    bo_db_text(st, 2, row->ledger);
    sqlite3_bind_int64(st, 3, row->seq);
    bo_db_text(st, 4, row->topic);
    bo_db_text(st, 5, dig);
    bo_db_text(st, 6, a->status);
    bo_db_text(st, 7, a->reason.text);
    sqlite3_bind_int64(st, 8, c->now);
    sqlite3_bind_int64(st, 9, c->evidence);
    return bo_db_done(c->db, st, "remembering the answer", msg);
}

/* Answers one row: the stored answer, a conflict, the refusal of a
 * retired ledger (retired: its reason), or a fresh ingest. */
static kerr_t one_row(batch_ctx_t *c, const bo_row_t *row, const kmsg_t *retired, answer_t *a, kmsg_t *msg)
{
    char dig[33], old[33] = "";
    bool found;
    if (!digest(row, dig))
        return kmsg_set(msg, K_EIO, "out of memory reading row %lld", (long long)row->seq);
    kerr_t rc = stored_answer(c, row->seq, old, a, &found, msg);
    if (rc || (found && strcmp(old, dig) == 0))
        return rc;
    if (found) {
        snprintf(a->status, sizeof a->status, "rejected");
        kmsg_set(&a->reason, K_OK,
                 "seq_conflict: outbox seq %lld was received before with different content; the kiosk's outbox "
                 "and the back office disagree: ask support to compare them",
                 (long long)row->seq);
        return K_OK;
    }
    bo_row_status_t status = BO_REJECTED;
    if (retired)
        a->reason = *retired;
    else if ((rc = bo_ingest_row(c->db, c->rules, c->kiosk, row, c->now, &status, &a->reason, msg)) != K_OK)
        return rc;
    if (status == BO_REJECTED)
        LOG_W("backoffice", "kiosk %s: outbox row %lld (%s) rejected: %s", c->kiosk, (long long)row->seq, row->topic,
              a->reason.text);
    snprintf(a->status, sizeof a->status, "%s", bo_row_status_name(status));
    return remember(c, row, dig, a, msg);
}

static kerr_t ingest_batch(batch_ctx_t *c, answer_t *out, kmsg_t *msg)
{
    kerr_t rc = bo_db_exec(c->db, "BEGIN IMMEDIATE", "starting the batch", msg);
    bool retired = false;
    kmsg_t why = {{0}};
    if (rc == K_OK && c->b->n > 0)
        rc = bo_ledger_admit(c->db, c->kiosk, &c->b->ledger, c->now, &retired, &why, msg);
    for (int i = 0; rc == K_OK && i < c->b->n; i++)
        rc = one_row(c, &c->b->rows[i], retired ? &why : NULL, &out[i], msg);
    if (rc == K_OK)
        rc = bo_db_exec(c->db, "COMMIT", "committing the batch", msg);
    if (rc)
        bo_db_exec(c->db, "ROLLBACK", "abandoning the batch", NULL);
    return rc;
}

static cJSON *answer_json(const bo_batch_t *b, const answer_t *a)
{
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "results");
    for (int i = 0; arr && i < b->n; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, r);
        kjson_add_int(r, "seq", b->rows[i].seq);
        kjson_add_str(r, "status", a[i].status);
        if (a[i].reason.text[0])
            kjson_add_str(r, "reason", a[i].reason.text);
    }
    return o;
}

void bo_h_outbox(bo_req_t *q, bo_resp_t *r)
{
    char signature[BO_SIG_TEXT_LEN];
    if (!bo_upload_signed(q, r, signature))
        return;
    bo_batch_t b;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_decode_batch(q->body, q->body_len, &b, &msg);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    answer_t *a = calloc((size_t)b.n + 1, sizeof *a);
    if (!a) {
        bo_batch_free(&b);
        bo_resp_error(r, 503, "busy", "out of memory: retry later");
        return;
    }
    bo_lock(q->s);
    batch_ctx_t c = {.db = q->s->db, .rules = &q->s->cfg.rules, .kiosk = q->kiosk, .b = &b, .body = q->body,
                     .body_len = q->body_len, .signature = signature, .now = bo_now(q->s)};
    rc = ingest_batch(&c, a, &msg);
    if (rc == K_OK && bo_now(q->s) - q->s->purged_at > 86400000LL)
        rc = bo__ingest_purge(q->s, &msg); /* once a day */
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, answer_json(&b, a));
    free(a);
    bo_batch_free(&b);
}

kerr_t bo__ingest_purge(bo_server_t *s, kmsg_t *msg)
{
    s->purged_at = bo_now(s);
    int64_t cutoff = s->purged_at - s->cfg.dedup_days * 86400000LL;
    char sql[300];
    snprintf(sql, sizeof sql,
             "DELETE FROM ingest_row WHERE received_at < %lld; DELETE FROM txn_event_seen WHERE at < %lld; "
             "DELETE FROM ingest_batch WHERE received_at < %lld;",
             (long long)cutoff, (long long)cutoff, (long long)cutoff);
    return bo_db_exec(s->db, sql, "forgetting rows older than the de-duplication window", msg);
}
