/* Uploading the outbox (sync_client.h; docs/sync.md, "Uploading the
 * outbox"): the oldest unsent rows under the ledger's identity, signed by
 * the client's signer (the kiosk's upload key); a range refused as too
 * large (413) or unreadable (400) is split in two until it is taken or one
 * row is left, and that row is parked. Rows are marked only from an answer
 * that names them. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kjson.h"
#include "base/log.h"
#include "base/timefmt.h"
#include "sync/sync_int.h"

#define UP_MAX 500

/* One upload: the rows taken from the outbox, each printed once. */
typedef struct upload {
    sync_client_t *c;
    ledger_t *l;
    sync_upload_result_t *r;
    char path[200];
    char head[160]; /* {"ledger":{...},"rows":[ */
    int64_t seqs[UP_MAX];
    char *rows[UP_MAX]; /* each row's JSON */
    int n;
    int batch_before; /* the client's batch size when this upload began */
    bool bad;         /* out of memory, or a payload that is not JSON */
    ledger_outbox_answer_t ans[UP_MAX];
} upload_t;

static kerr_t send_range(upload_t *u, int lo, int hi, kmsg_t *msg);

static void add_row(void *ctx, const ledger_outbox_row_t *r)
{
    upload_t *u = ctx;
    cJSON *o = cJSON_CreateObject(), *payload = cJSON_Parse(r->payload);
    if (!o || !payload || u->n >= UP_MAX || !kjson_add_int(o, "seq", r->seq) || !kjson_add_str(o, "topic", r->topic)) {
        u->bad = true;
        cJSON_Delete(o);
        cJSON_Delete(payload);
        return;
    }
    cJSON_AddItemToObject(o, "payload", payload);
    if (!(u->rows[u->n] = kjson_print(o, false)))
        u->bad = true;
    else
        u->seqs[u->n++] = r->seq;
    cJSON_Delete(o);
}

/* The rows to send and the ledger they come from. */
static kerr_t gather(upload_t *u, kmsg_t *msg)
{
    ledger_identity_t id;
    char began[32];
    kerr_t rc = ledger_identity(u->l, &id, msg);
    if (rc)
        return rc;
    ktime_format_iso(id.created_at, began, sizeof began);
    snprintf(u->head, sizeof u->head, "{\"ledger\":{\"id\":\"%s\",\"created_at\":\"%s\"},\"rows\":[", id.id, began);
    int limit = u->c->batch_max < (int)u->c->cfg->sync_batch ? u->c->batch_max : (int)u->c->cfg->sync_batch;
    rc = ledger_outbox_unsent(u->l, limit, add_row, u, msg);
    if (rc == K_OK && u->bad)
        rc = kmsg_set(msg, K_EIO, "an outbox row could not be read (out of memory, or not JSON)");
    return rc;
}

/* The request's body for rows [lo, hi): the exact bytes signed. */
static char *body_of(const upload_t *u, int lo, int hi)
{
    size_t len = strlen(u->head) + 3;
    for (int i = lo; i < hi; i++)
        len += strlen(u->rows[i]) + 1;
    char *b = malloc(len), *p = b;
    if (!b)
        return NULL;
    p += sprintf(p, "%s", u->head);
    for (int i = lo; i < hi; i++)
        p += sprintf(p, "%s%s", i > lo ? "," : "", u->rows[i]);
    sprintf(p, "]}");
    return b;
}

/* Signs body with the client's signer. */
static kerr_t sign(const sync_client_t *c, const char *body, uint8_t sig[crypto_sign_BYTES], kmsg_t *msg)
{
    if (!c->signer.sign)
        return kmsg_set(msg, K_ENOTFOUND, "no upload key to sign the outbox with: the link was given no signer");
    return c->signer.sign(c->signer.ctx, body, strlen(body), sig, msg);
}

/* Posts rows [lo, hi) (none: an empty upload), signed. */
static kerr_t post(upload_t *u, int lo, int hi, sync_answer_t *a, kmsg_t *msg)
{
    char *body = body_of(u, lo, hi), sig64[100];
    uint8_t sig[crypto_sign_BYTES];
    if (!body)
        return kmsg_set(msg, K_EIO, "out of memory building the upload");
    kerr_t rc = sign(u->c, body, sig, msg);
    if (rc == K_OK) {
        sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
        rc = sync__post_signed(u->c, u->path, body, sig64, a, msg);
    }
    free(body);
    if (rc == K_ETIMEOUT) {
        kmsg_t why = *msg;
        kmsg_set(msg, K_ETIMEOUT, "%s: the rows stay in the outbox", why.text);
    }
    return rc;
}

/* Marks what a 200 answered; rows it left out stay unsent. */
static kerr_t settle(upload_t *u, int lo, int hi, const sync_answer_t *a, kmsg_t *msg)
{
    char quoted[SYNC_QUOTE_MAX + 8];
    if (!a->json) {
        sync__quote(a->text, a->len, quoted, sizeof quoted);
        return kmsg_set(msg, K_EINVAL, "the back office's answer is not JSON ('%s'): nothing marked sent", quoted);
    }
    size_t n = 0;
    kerr_t rc = sync_results_parse(a->json, u->seqs + lo, (size_t)(hi - lo), u->ans, &n, u->r, msg);
    if (rc == K_OK)
        rc = ledger_outbox_settle(u->l, u->ans, n, msg);
    if (rc == K_OK)
        u->r->unanswered += hi - lo - (int)n;
    return rc;
}

/* Stops sending row i: marked, with a staff alert saying why. */
static kerr_t park(upload_t *u, int i, const char *why, kmsg_t *msg)
{
    ledger_outbox_answer_t a = {.seq = u->seqs[i], .reason = why, .parked = true};
    LOG_W("sync", "outbox row %lld parked: %s", (long long)u->seqs[i], why);
    kerr_t rc = ledger_outbox_settle(u->l, &a, 1, msg);
    u->r->parked += rc == K_OK;
    return rc;
}

/* Row i alone was refused as unreadable (400): parked only if an empty
 * upload is taken, that is if the fault is the row's, not the request's. */
static kerr_t park_unreadable(upload_t *u, int i, const char *why, kmsg_t *msg)
{
    sync_answer_t a;
    kerr_t rc = post(u, i, i, &a, msg);
    if (rc == K_OK && a.status != 200) {
        kmsg_t probe;
        sync__refused(&a, &probe);
        rc = kmsg_set(msg, K_EDEVICE, "%s; the back office refuses an empty upload too, so it is not the row's "
                                      "fault (is the kiosk's software older than the back office's?): nothing parked",
                      probe.text);
    }
    sync__answer_free(&a);
    return rc ? rc : park(u, i, why, msg);
}

/* After a 413 or a 400 for rows [lo, hi): each half on its own, a single
 * row parked. A 413 also lowers the client's batch size, kept for its
 * life; but a 413 for one row alone says the row is too large, not the
 * batches, so the size goes back to what it was before this upload. */
static kerr_t split(upload_t *u, int lo, int hi, const sync_answer_t *a, kmsg_t *msg)
{
    kmsg_t why;
    sync__refused(a, &why);
    if (hi - lo == 1 && a->status == 413)
        u->c->batch_max = u->batch_before;
    if (hi - lo == 1)
        return a->status == 413 ? park(u, lo, why.text, msg) : park_unreadable(u, lo, why.text, msg);
    int half = (hi - lo) / 2;
    if (a->status == 413 && half < u->c->batch_max) {
        u->c->batch_max = half;
        LOG_W("sync", "the back office found %d rows too large (413): sending %d at a time from now on", hi - lo, half);
    }
    kerr_t rc = send_range(u, lo, lo + half, msg);
    return rc ? rc : send_range(u, lo + half, hi, msg);
}

/* Sends rows [lo, hi), at most batch_max at a time, and settles them. */
static kerr_t send_range(upload_t *u, int lo, int hi, kmsg_t *msg)
{
    kerr_t rc = K_OK;
    if (hi - lo > u->c->batch_max) {
        for (int at = lo, end; rc == K_OK && at < hi; at = end) {
            end = at + u->c->batch_max < hi ? at + u->c->batch_max : hi; /* batch_max may shrink on the way */
            rc = send_range(u, at, end, msg);
        }
        return rc;
    }
    sync_answer_t a;
    if ((rc = post(u, lo, hi, &a, msg)) != K_OK)
        return rc;
    if (a.status == 200)
        rc = settle(u, lo, hi, &a, msg);
    else if (a.status == 413 || a.status == 400)
        rc = split(u, lo, hi, &a, msg);
    else
        rc = sync__refused(&a, msg);
    sync__answer_free(&a);
    return rc;
}

static void report(const upload_t *u, kerr_t rc, const kmsg_t *msg)
{
    const sync_upload_result_t *r = u->r;
    sync__note(NULL, u->l, rc == K_OK, rc == K_OK ? NULL : msg->text);
    if (rc == K_OK)
        LOG_I("sync", "uploaded %d rows: %d accepted, %d duplicate, %d rejected, %d parked", r->sent, r->accepted,
              r->duplicate, r->rejected, r->parked);
    else
        LOG_W("sync", "upload of %d rows failed: %s", r->sent, msg->text);
}

kerr_t sync_upload(sync_client_t *c, ledger_t *l, sync_upload_result_t *r, kmsg_t *msg)
{
    *r = (sync_upload_result_t){0};
    upload_t *u = calloc(1, sizeof *u);
    if (!u)
        return kmsg_set(msg, K_EIO, "out of memory");
    *u = (upload_t){.c = c, .l = l, .r = r, .batch_before = c->batch_max};
    snprintf(u->path, sizeof u->path, "/v1/kiosks/%s/outbox", c->cfg->kiosk_id);
    kerr_t rc = gather(u, msg);
    r->sent = u->n;
    if (rc == K_OK && u->n > 0)
        rc = send_range(u, 0, u->n, msg);
    if (rc == K_OK && r->unanswered)
        rc = kmsg_set(msg, K_EINVAL,
                      "the back office answered for %d of the %d rows sent and left %d out: those stay unsent and "
                      "go again next time",
                      r->sent - r->parked - r->unanswered, r->sent - r->parked, r->unanswered);
    if (u->n > 0 || rc != K_OK) {
        c->upload_failed = rc != K_OK;
        report(u, rc, msg);
    } else {
        c->upload_failed = false;
    }
    for (int i = 0; i < u->n; i++)
        cJSON_free(u->rows[i]);
    free(u);
    return rc;
}

/* Reads the answer's results: each must name a row that was sent, once. */
kerr_t sync_results_parse(const cJSON *doc, const int64_t *seqs, size_t sent, ledger_outbox_answer_t *ans, size_t *n,
                          sync_upload_result_t *r, kmsg_t *msg)
{
    cJSON *results = cJSON_GetObjectItem(doc, "results"), *it;
    if (!cJSON_IsArray(results))
        return kmsg_set(msg, K_EINVAL, "the back office's answer has no results: nothing marked sent");
    *n = 0;
    cJSON_ArrayForEach(it, results)
    {
        int64_t seq = 0;
        const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(it, "status"));
        bool known = false;
        for (size_t i = 0; sync__int(it, "seq", &seq) && i < sent; i++)
            known |= seqs[i] == seq;
        for (size_t i = 0; known && i < *n; i++)
            known = ans[i].seq != seq;
        if (!known || !status || *n >= sent)
            return kmsg_set(msg, K_EINVAL, "the back office answered for a row it was not sent, or twice for one: "
                                           "nothing marked sent");
        bool rejected = strcmp(status, "rejected") == 0;
        if (!rejected && strcmp(status, "accepted") != 0 && strcmp(status, "duplicate") != 0)
            return kmsg_set(msg, K_EINVAL, "the back office answered '%.40s' for row %lld: nothing marked sent", status,
                            (long long)seq);
        const char *reason = cJSON_GetStringValue(cJSON_GetObjectItem(it, "reason"));
        ans[(*n)++] = (ledger_outbox_answer_t){seq, rejected, reason, false};
        r->accepted += strcmp(status, "accepted") == 0;
        r->duplicate += strcmp(status, "duplicate") == 0;
        r->rejected += rejected;
    }
    return K_OK;
}
