/* POST /v1/kiosks/{id}/outbox (docs/sync.md, "Uploading the outbox"): the
 * upload's signature checked before its body is read, the batch decoded,
 * stored by the domain (bo_ingest.h), and its answers given as JSON. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>

#include "backoffice/domain/bo_ingest.h"
#include "backoffice/domain/bo_kiosk.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"

/* The refusal of an upload whose signature does not hold (nothing stored). */
static void refuse(bo_resp_t *r, const char *kiosk, bo_sig_verdict_t v)
{
    if (v == BO_SIG_NO_KEY)
        bo_resp_error(r, 403, "no_upload_key",
                      "kiosk %s has no upload key on record, so its uploads cannot be checked: register the "
                      "upload_key `kioskctl identity --json` prints with `backoffice kiosk upload-key %s KEY` "
                      "(an enrolled kiosk has it from enrolment). Nothing was stored",
                      kiosk, kiosk);
    else if (v == BO_SIG_MISSING)
        bo_resp_error(r, 403, "bad_signature",
                      "the upload has no " BO_SIG_HEADER " header: the kiosk's software is older than this back "
                      "office; update the kiosk. Nothing was stored");
    else if (v == BO_SIG_MALFORMED)
        bo_resp_error(r, 403, "bad_signature",
                      "the " BO_SIG_HEADER " header is not the base64 of a 64-byte Ed25519 signature. Nothing was "
                      "stored");
    else
        bo_resp_error(r, 403, "bad_signature",
                      "the " BO_SIG_HEADER " header does not verify against kiosk %s's upload key: the body was "
                      "changed on the way or signed with another key (compare the upload_key of `kioskctl identity "
                      "--json` with `backoffice kiosk list`). Nothing was stored",
                      kiosk);
}

/* Whether the upload is signed by the kiosk; sig gets the header's text,
 * kept as evidence with the batch. False with the 403 answer if not. */
static bool signed_by_kiosk(bo_req_t *q, bo_resp_t *r, char sig[BO_SIG_TEXT_LEN])
{
    bo_kiosk_rec_t k;
    bool found;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_kiosk_get(&q->s->store, q->kiosk, &k, &found, &msg);
    bo_unlock(q->s);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return false;
    }
    const char *header = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, BO_SIG_HEADER);
    bo_sig_verdict_t v = bo_upload_verify(found ? k.upload_key : "", header, q->body, q->body_len);
    if (v != BO_SIG_GOOD) {
        refuse(r, q->kiosk, v);
        return false;
    }
    snprintf(sig, BO_SIG_TEXT_LEN, "%s", header);
    return true;
}

static cJSON *answer_json(const bo_batch_t *b, const bo_answer_t *a)
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

kerr_t bo__purge(bo_server_t *s, kmsg_t *msg)
{
    s->purged_at = bo_now(s);
    return bo_ingest_purge(&s->store, s->purged_at, s->cfg.dedup_days, msg);
}

void bo_h_outbox(bo_req_t *q, bo_resp_t *r)
{
    char signature[BO_SIG_TEXT_LEN];
    if (!signed_by_kiosk(q, r, signature))
        return;
    bo_batch_t b;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_decode_batch(q->body, q->body_len, &b, &msg);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    bo_answer_t *a = calloc((size_t)b.n + 1, sizeof *a);
    if (!a) {
        bo_batch_free(&b);
        bo_resp_error(r, 503, "busy", "out of memory: retry later");
        return;
    }
    bo_lock(q->s);
    bo_upload_t u = {.rules = &q->s->cfg.rules, .notices = &q->s->cfg.notices, .kiosk = q->kiosk, .batch = &b, .body = q->body,
                     .body_len = q->body_len, .signature = signature, .now = bo_now(q->s)};
    rc = bo_ingest_batch(&q->s->store, &u, a, &msg);
    if (rc == K_OK && bo_now(q->s) - q->s->purged_at > 86400000LL)
        rc = bo__purge(q->s, &msg); /* once a day */
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, answer_json(&b, a));
    free(a);
    bo_batch_free(&b);
}
