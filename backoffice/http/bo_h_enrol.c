/* POST /v1/enrol (docs/enrolment.md): reachable without a client
 * certificate; the one-time code stands for the kiosk. The request is
 * decoded here, the domain (bo_enrol.h) enrols, and each refusal is
 * answered with its status and code. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_enrol.h"
#include "backoffice/http/bo_server.h"
#include "base/log.h"

static kerr_t parse(const bo_req_t *q, bo_enrol_req_t *in, kmsg_t *msg)
{
    cJSON *o = cJSON_ParseWithLength(q->body, q->body_len);
    const char *csr = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "csr"));
    size_t n = 0;
    kerr_t rc = cJSON_IsObject(o) ? K_OK : kmsg_set(msg, K_EINVAL, "the body is not a JSON object");
    if (rc == K_OK)
        rc = bo_json_str(o, "code", in->code, sizeof in->code, msg);
    if (rc == K_OK)
        rc = bo_json_str(o, "upload_key", in->upload_key, sizeof in->upload_key, msg);
    if (rc == K_OK)
        rc = bo_json_str(o, "kiosk_code", in->kiosk_code, sizeof in->kiosk_code, msg);
    if (rc == K_OK && (!csr || strlen(csr) > 8192))
        rc = kmsg_set(msg, K_EINVAL, "'csr' must be a PEM certificate request");
    if (rc == K_OK && (sodium_base642bin(in->upload_pk, 32, in->upload_key, strlen(in->upload_key), NULL, &n, NULL,
                                         sodium_base64_VARIANT_ORIGINAL) != 0 || n != 32))
        rc = kmsg_set(msg, K_EINVAL, "'upload_key' must be an Ed25519 public key in base64 (32 bytes)");
    if (rc == K_OK && !(in->csr = strdup(csr)))
        rc = kmsg_set(msg, K_EIO, "out of memory");
    cJSON_Delete(o);
    return rc;
}

/* Answers a refused or failed enrolment. */
static void refuse(bo_resp_t *r, kerr_t rc, const bo_enrolment_t *e, const kmsg_t *msg)
{
    static const struct {
        unsigned status;
        const char *code;
    } refusals[] = {
        [BO_ENROL_UNKNOWN] = {403, "code_unknown"},
        [BO_ENROL_EXPIRED] = {403, "code_expired"},
        [BO_ENROL_USED] = {403, "code_used"},
        [BO_ENROL_NOT_ENROLLING] = {409, "conflict"},
    };
    if (rc == K_EDENIED && e->refused != BO_ENROL_GOOD)
        bo_resp_error(r, refusals[e->refused].status, refusals[e->refused].code, "%s", msg->text);
    else if (rc == K_ECONFLICT)
        bo_resp_error(r, 409, "wrong_kiosk", "%s", msg->text);
    else if (rc == K_EIO)
        bo_resp_error(r, 500, "internal", "the back office could not enrol the kiosk: %s", msg->text);
    else
        bo_resp_kerr(r, rc, msg);
}

/* The enrolled kiosk's answer (the caller holds the lock). */
static void answer(bo_req_t *q, const bo_enrolment_t *e, bo_resp_t *r)
{
    char key[64];
    kmsg_t msg = {{0}};
    bo_key_public_b64(&q->s->key, key, sizeof key);
    cJSON *o = bo_enrol_answer(&q->s->store, q->s->cfg.client_ca, key, e, &msg);
    if (o)
        bo_resp_json(r, 200, o);
    else
        bo_resp_error(r, 500, "internal", "%s", msg.text);
}

void bo_h_enrol(bo_req_t *q, bo_resp_t *r)
{
    bo_enrol_req_t in = {0};
    bo_enrolment_t e = {0};
    kmsg_t msg = {{0}};
    if (!q->s->cfg.client_ca_key[0] || !q->s->cfg.client_ca[0]) {
        bo_resp_error(r, 503, "enrol_off", "enrolment is off on this back office: staff set [tls] client_ca and "
                                           "client_ca_key, or give the kiosk a certificate by hand");
        return;
    }
    if (parse(q, &in, &msg) != K_OK) {
        free(in.csr);
        bo_resp_kerr(r, K_EINVAL, &msg);
        return;
    }
    bo_lock(q->s);
    kerr_t rc = bo_enrol_kiosk(&q->s->store, &q->s->cfg, bo_now(q->s), &in, &e, &msg);
    if (rc == K_OK)
        answer(q, &e, r);
    bo_unlock(q->s);
    if (rc == K_OK) {
        LOG_I("backoffice", "kiosk %s enrolled: it shows %s; certificate %s", e.code.kiosk, in.kiosk_code,
              e.cert.fingerprint);
    } else {
        refuse(r, rc, &e, &msg);
        LOG_W("backoffice", "an enrolment was refused: %s", r->body ? r->body : msg.text);
    }
    free(in.csr);
    bo_kiosk_cert_free(&e.cert);
}
