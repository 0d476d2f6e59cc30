/* A batch of uploaded rows (bo_ingest.h): each row's first answer kept
 * with a digest of the row and given again when the row comes back, the
 * signed body kept with the answers it got, all in one transaction. */
#include "backoffice/domain/bo_ingest.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_ingest_int.h"
#include "base/kjson.h"
#include "base/log.h"

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

/* The batch being stored, and its evidence row once one of its rows got a
 * first answer. */
typedef struct batch_ctx {
    bo_store_t *st;
    const bo_upload_t *u;
    int64_t evidence; /* the kept batch's id, 0 until written */
} batch_ctx_t;

/* Keeps the signed body the first time one of its rows is answered. */
static kerr_t keep_evidence(batch_ctx_t *c, kmsg_t *msg)
{
    const bo_upload_t *u = c->u;
    bo_batch_rec_t b = {u->kiosk, u->batch->ledger.id, u->signature, u->body, u->body_len, u->now};
    if (c->evidence)
        return K_OK;
    return c->st->ops->upload->batch_put(c->st->ctx, &b, &c->evidence, msg);
}

static kerr_t remember(batch_ctx_t *c, const bo_row_t *row, const char *dig, const bo_answer_t *a, kmsg_t *msg)
{
    bo_row_key_t k = {c->u->kiosk, row->ledger, row->seq};
    bo_answer_rec_t r;
    snprintf(r.digest, sizeof r.digest, "%s", dig);
    snprintf(r.status, sizeof r.status, "%s", a->status);
    snprintf(r.reason, sizeof r.reason, "%s", a->reason.text);
    kerr_t rc = keep_evidence(c, msg);
    return rc ? rc : c->st->ops->upload->answer_put(c->st->ctx, &k, row->topic, &r, c->u->now, c->evidence, msg);
}

/* The stored answer for the row if there is one: *found says. */
static kerr_t stored_answer(batch_ctx_t *c, const bo_row_t *row, char dig[33], bo_answer_t *a, bool *found,
                            kmsg_t *msg)
{
    bo_row_key_t k = {c->u->kiosk, c->u->batch->ledger.id, row->seq};
    bo_answer_rec_t r;
    kerr_t rc = c->st->ops->upload->answer_get(c->st->ctx, &k, &r, found, msg);
    if (rc == K_OK && *found) {
        snprintf(dig, 33, "%s", r.digest);
        snprintf(a->status, sizeof a->status, "%s", r.status);
        snprintf(a->reason.text, sizeof a->reason.text, "%s", r.reason);
    }
    return rc;
}

/* Stores the row with the batch's rules and notices. */
static kerr_t ingest(batch_ctx_t *c, const bo_row_t *row, bo_row_status_t *status, kmsg_t *reason, kmsg_t *msg)
{
    *status = BO_ACCEPTED;
    reason->text[0] = '\0';
    const bo_in_t in = {c->st, c->u->rules, c->u->notices, c->u->kiosk, row, c->u->now, status, reason, msg};
    return bo__ingest_row(&in);
}

/* Answers one row: the stored answer, a conflict, the refusal of a
 * retired ledger (retired: its reason), or a fresh ingest; *refused says
 * whether it was rejected afresh (logged once the batch commits). */
static kerr_t one_row(batch_ctx_t *c, const bo_row_t *row, const kmsg_t *retired, bo_answer_t *a, bool *refused,
                      kmsg_t *msg)
{
    char dig[33], old[33] = "";
    bool found;
    *refused = false;
    if (!digest(row, dig))
        return kmsg_set(msg, K_EIO, "out of memory reading row %lld", (long long)row->seq);
    kerr_t rc = stored_answer(c, row, old, a, &found, msg);
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
    else if ((rc = ingest(c, row, &status, &a->reason, msg)) != K_OK)
        return rc;
    *refused = status == BO_REJECTED;
    snprintf(a->status, sizeof a->status, "%s", bo_row_status_name(status));
    return remember(c, row, dig, a, msg);
}

/* The keys a batch of sales is stored under beside other batches
 * (docs/instances.md): its kiosk's, and each sale's meter's and
 * transaction's (a row that does not decode touches neither). */
typedef struct batch_keys {
    char (*text)[80];
    const char **at;
    size_t n;
} batch_keys_t;

static void key_add(batch_keys_t *k, const char *kind, const char *name)
{
    snprintf(k->text[k->n], sizeof k->text[k->n], "%s:%s", kind, name);
    k->at[k->n] = k->text[k->n];
    k->n++;
}

/* Fills k for a batch of sales only; k->n stays 0 (the whole write lock)
 * for a batch with a row of another topic, or out of memory. */
static void keys_of(const bo_upload_t *u, batch_keys_t *k)
{
    const bo_batch_t *b = u->batch;
    for (int i = 0; i < b->n; i++)
        if (strcmp(b->rows[i].topic, "txn") != 0)
            return;
    k->text = calloc((size_t)b->n * 2 + 1, sizeof *k->text);
    k->at = calloc((size_t)b->n * 2 + 1, sizeof *k->at);
    if (!k->text || !k->at || b->n == 0)
        return;
    key_add(k, "kiosk", u->kiosk);
    for (int i = 0; i < b->n; i++) {
        bo_txn_t t;
        kmsg_t why;
        if (bo_decode_txn(b->rows[i].payload, &t, &why) != K_OK)
            continue;
        key_add(k, "meter", t.meter);
        key_add(k, "txn", t.id);
    }
}

/* The batch as one transaction: keyed by keys when there are some. */
static kerr_t store_batch(bo_store_t *st, const bo_upload_t *u, const batch_keys_t *k, bo_answer_t *out,
                          bool *refused, kmsg_t *msg)
{
    const bo_batch_t *b = u->batch;
    bool retired = false;
    kmsg_t why = {{0}};
    kerr_t rc = k->n ? st->ops->begin_keyed(st->ctx, k->at, k->n, msg) : st->ops->begin(st->ctx, msg);
    if (rc == K_OK && b->n > 0)
        rc = bo__ledger_admit(st, u->kiosk, &b->ledger, u->now, &retired, &why, msg);
    batch_ctx_t c = {st, u, 0};
    for (int i = 0; rc == K_OK && i < b->n; i++)
        rc = one_row(&c, &b->rows[i], retired ? &why : NULL, &out[i], &refused[i], msg);
    if (rc == K_OK)
        rc = st->ops->commit(st->ctx, msg);
    if (rc)
        st->ops->rollback(st->ctx);
    return rc;
}

kerr_t bo_ingest_batch(bo_store_t *st, const bo_upload_t *u, bo_answer_t *out, kmsg_t *msg)
{
    const bo_batch_t *b = u->batch;
    bool *refused = calloc((size_t)b->n + 1, sizeof *refused);
    batch_keys_t k = {0};
    if (!refused)
        return kmsg_set(msg, K_EIO, "out of memory storing a batch");
    keys_of(u, &k);
    kerr_t rc = store_batch(st, u, &k, out, refused, msg);
    if (rc != K_OK && k.n) { /* a write needed the whole lock (or a failure, met again) */
        LOG_D("backoffice", "kiosk %s: the batch is stored again under the whole write lock: %s", u->kiosk,
              msg->text);
        k.n = 0;
        rc = store_batch(st, u, &k, out, refused, msg);
    }
    for (int i = 0; rc == K_OK && i < b->n; i++)
        if (refused[i])
            LOG_W("backoffice", "kiosk %s: outbox row %lld (%s) rejected: %s", u->kiosk, (long long)b->rows[i].seq,
                  b->rows[i].topic, out[i].reason.text);
    free(refused);
    free(k.text);
    free(k.at);
    return rc;
}

kerr_t bo_ingest_purge(bo_store_t *st, int64_t now, int64_t dedup_days, kmsg_t *msg)
{
    return st->ops->upload->purge(st->ctx, now - dedup_days * 86400000LL, msg);
}

const char *bo_row_status_name(bo_row_status_t s)
{
    return s == BO_ACCEPTED ? "accepted" : s == BO_DUPLICATE ? "duplicate" : "rejected";
}

bo_sig_verdict_t bo_upload_verify(const char *key_b64, const char *header, const char *body, size_t len)
{
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    size_t n = 0;
    if (sodium_base642bin(pk, sizeof pk, key_b64, strlen(key_b64), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        n != sizeof pk)
        return BO_SIG_NO_KEY;
    if (!header)
        return BO_SIG_MISSING;
    if (sodium_base642bin(sig, sizeof sig, header, strlen(header), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        n != sizeof sig)
        return strlen(header) != sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL) - 1
                   ? BO_SIG_MALFORMED
                   : BO_SIG_WRONG;
    return crypto_sign_verify_detached(sig, (const uint8_t *)body, len, pk) == 0 ? BO_SIG_GOOD : BO_SIG_WRONG;
}
