/* POST /v1/enrol (bo_enrol.h, docs/enrolment.md): reachable without a
 * client certificate; the one-time code stands for the kiosk. The code's
 * check, the signing and the kiosk's activation are one transaction, so a
 * code enrols exactly once; the same kiosk (the same keys) may ask again
 * while the code lasts, when the answer was lost. */
#include <gnutls/gnutls.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_enrol.h"
#include "backoffice/base/bo_json.h"
#include "backoffice/http/bo_server.h"
#include "kiosk/app/kjson.h"
#include "kiosk/app/log.h"
#include "kiosk/app/timefmt.h"

/* The request's fields. */
typedef struct enrol_in {
    char code[64];
    char *csr;
    char upload_key[64];
    uint8_t upload_pk[32];
    char kiosk_code[32];
} enrol_in_t;

/* The code's row and its kiosk. */
typedef struct code_row {
    bool found, used;
    int64_t expires_at, used_at;
    char kiosk[65], site[65], state[16];
} code_row_t;

static kerr_t parse(const bo_req_t *q, enrol_in_t *in, kmsg_t *msg)
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

static kerr_t find_code(sqlite3 *db, const char *hex, code_row_t *c, kmsg_t *msg)
{
    sqlite3_stmt *st;
    memset(c, 0, sizeof *c);
    kerr_t rc = bo_db_prepare(db,
                              "SELECT c.kiosk, c.expires_at, c.used_at, k.site, k.state FROM enrol_code c "
                              "JOIN kiosk k ON k.id = c.kiosk WHERE c.code_hash = ?",
                              &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, hex);
    if (sqlite3_step(st) == SQLITE_ROW) {
        c->found = true;
        snprintf(c->kiosk, sizeof c->kiosk, "%s", bo_db_col(st, 0));
        c->expires_at = sqlite3_column_int64(st, 1);
        c->used = sqlite3_column_type(st, 2) != SQLITE_NULL;
        c->used_at = sqlite3_column_int64(st, 2);
        snprintf(c->site, sizeof c->site, "%s", bo_db_col(st, 3));
        snprintf(c->state, sizeof c->state, "%s", bo_db_col(st, 4));
    }
    sqlite3_finalize(st);
    return K_OK;
}

/* Answers the refusal a code's verdict calls for; false if it is good. */
static bool refused(const code_row_t *c, bo_code_verdict_t v, bo_resp_t *r)
{
    char at[40] = "";
    ktime_format_iso(v == BO_CODE_USED ? c->used_at : c->expires_at, at, sizeof at);
    if (v == BO_CODE_UNKNOWN)
        bo_resp_error(r, 403, "code_unknown", "this enrolment code is not known here: check it is typed as staff gave "
                                              "it (a fresh code replaces older ones), or ask staff for a fresh one");
    else if (v == BO_CODE_EXPIRED)
        bo_resp_error(r, 403, "code_expired", "this enrolment code expired at %s: ask staff for a fresh one "
                                              "(backoffice kiosk enrol-code %s)", at, c->kiosk);
    else if (v == BO_CODE_USED)
        bo_resp_error(r, 403, "code_used", "this enrolment code was used at %s (a code enrols once): ask staff for a "
                                           "fresh one (backoffice kiosk enrol-code %s)", at, c->kiosk);
    else if (strcmp(c->state, "enrolling") != 0)
        bo_resp_error(r, 409, "conflict", "kiosk '%s' is %s, not enrolling: ask staff for a fresh code (backoffice "
                                          "kiosk enrol-code %s)", c->kiosk, c->state, c->kiosk);
    else
        return false;
    return true;
}

/* The kiosk code the request carries must be the one its keys give. */
static kerr_t check_kiosk_code(const enrol_in_t *in, const bo_kiosk_cert_t *cert, kmsg_t *msg)
{
    char want[SYNC_CODE_LEN], a[17], b[17];
    sync_kiosk_code(cert->spki, cert->spki_len, in->upload_pk, want);
    if (!sync_code_normalise(in->kiosk_code, a) || !sync_code_normalise(want, b) || strcmp(a, b) != 0)
        return kmsg_set(msg, K_EINVAL, "'kiosk_code' is not the code of the keys sent (SHA-256 of the request's "
                                       "public key and the upload key): the kiosk must show the code of these keys");
    return K_OK;
}

static kerr_t activate(sqlite3 *db, const code_row_t *c, const char *hex, const enrol_in_t *in,
                       const bo_kiosk_cert_t *cert, int64_t now, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc =
        bo_db_prepare(db, "UPDATE enrol_code SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, hex);
    sqlite3_bind_int64(st, 2, now);
    if ((rc = bo_db_run(db, st, "using the enrolment code", msg)) != K_OK)
        return rc;
    rc = bo_db_prepare(db,
                       "UPDATE kiosk SET state = 'active', cert_fingerprint = ?2, upload_key = ?3, kiosk_code = ?4,"
                       " enrolled_at = ?5, cert_not_after = ?6 WHERE id = ?1",
                       &st, msg);
    if (rc)
        return rc;
    const char *texts[] = {c->kiosk, cert->fingerprint, in->upload_key, in->kiosk_code};
    for (int i = 0; i < 4; i++)
        bo_db_text(st, i + 1, texts[i]);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int64(st, 6, cert->not_after);
    if ((rc = bo_db_run(db, st, "activating the kiosk", msg)) != K_OK)
        return rc;
    char actor[80], detail[200];
    snprintf(actor, sizeof actor, "kiosk:%s", c->kiosk);
    snprintf(detail, sizeof detail, "{\"kiosk_code\":\"%s\",\"certificate\":\"%s\"}", in->kiosk_code,
             cert->fingerprint);
    return bo_audit_record(db, actor, "kiosk.enrol", c->kiosk, "", detail, msg);
}

/* A used code asked again, before it expires, by the kiosk it enrolled
 * (the same keys: the same upload key and shown code): its answer was lost
 * on the way. It gets a fresh certificate, pinned instead of the one it
 * never received. K_EDENIED for any other requester. */
static kerr_t enrol_again(sqlite3 *db, const code_row_t *c, const enrol_in_t *in, const bo_kiosk_cert_t *cert,
                          kmsg_t *msg)
{
    sqlite3_stmt *st;
    char a[17], b[17];
    kerr_t rc = bo_db_prepare(db, "SELECT upload_key, kiosk_code FROM kiosk WHERE id = ?", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, c->kiosk);
    bool same = sqlite3_step(st) == SQLITE_ROW && strcmp(bo_db_col(st, 0), in->upload_key) == 0 &&
                sync_code_normalise(bo_db_col(st, 1), a) && sync_code_normalise(in->kiosk_code, b) && !strcmp(a, b);
    sqlite3_finalize(st);
    if (!same)
        return K_EDENIED;
    if ((rc = bo_db_prepare(db, "UPDATE kiosk SET cert_fingerprint = ?2, cert_not_after = ?3 WHERE id = ?1", &st,
                            msg)))
        return rc;
    bo_db_text(st, 1, c->kiosk);
    bo_db_text(st, 2, cert->fingerprint);
    sqlite3_bind_int64(st, 3, cert->not_after);
    if ((rc = bo_db_run(db, st, "pinning the certificate", msg)) != K_OK)
        return rc;
    char actor[80], detail[200];
    snprintf(actor, sizeof actor, "kiosk:%s", c->kiosk);
    snprintf(detail, sizeof detail, "{\"kiosk_code\":\"%s\",\"certificate\":\"%s\"}", in->kiosk_code,
             cert->fingerprint);
    return bo_audit_record(db, actor, "kiosk.enrol_again", c->kiosk, "the answer to its enrolment was lost", detail,
                           msg);
}

static cJSON *settings_of(sqlite3 *db, const char *kiosk)
{
    cJSON *o = cJSON_CreateObject();
    sqlite3_stmt *st;
    if (bo_db_prepare(db, "SELECT key, value FROM kiosk_setting WHERE kiosk = ? ORDER BY key", &st, NULL) != K_OK)
        return o;
    bo_db_text(st, 1, kiosk);
    while (sqlite3_step(st) == SQLITE_ROW)
        kjson_add_int(o, bo_db_col(st, 0), sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    return o;
}

static void answer(bo_req_t *q, const code_row_t *c, const bo_kiosk_cert_t *cert, bo_resp_t *r)
{
    gnutls_datum_t ca = {NULL, 0};
    char key[64];
    if (gnutls_load_file(q->s->cfg.client_ca, &ca) < 0) {
        bo_resp_error(r, 500, "internal", "cannot read [tls] client_ca %s", q->s->cfg.client_ca);
        return;
    }
    bo_key_public_b64(&q->s->key, key, sizeof key);
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "kiosk", c->kiosk);
    kjson_add_str(o, "site", c->site);
    kjson_add_str(o, "certificate", cert->pem);
    cJSON_AddItemToObject(o, "ca_certificate", cJSON_CreateString((const char *)ca.data));
    kjson_add_str(o, "certificate_fingerprint", cert->fingerprint);
    kjson_add_time(o, "not_after", cert->not_after);
    kjson_add_str(o, "document_key", key);
    cJSON_AddItemToObject(o, "settings", settings_of(q->s->db, c->kiosk));
    gnutls_free(ca.data);
    bo_resp_json(r, 200, o);
}

/* Inside the transaction: the code, the request, the signing, the kiosk. */
static kerr_t enrol(bo_req_t *q, const enrol_in_t *in, code_row_t *c, bo_kiosk_cert_t *cert, bo_resp_t *r,
                    kmsg_t *msg)
{
    char hex[65] = "";
    int64_t now = bo_now(q->s);
    bool typed_ok = bo_enrol_code_hash(in->code, hex);
    kerr_t rc = typed_ok ? find_code(q->s->db, hex, c, msg) : K_OK;
    if (rc)
        return rc;
    bo_code_verdict_t v = bo_enrol_code_verdict(c->found, c->expires_at, c->used, now);
    bool again = v == BO_CODE_USED && now < c->expires_at && strcmp(c->state, "active") == 0;
    if (!again && refused(c, v, r))
        return K_EDENIED;
    rc = bo_enrol_sign(q->s->cfg.client_ca, q->s->cfg.client_ca_key, in->csr, c->kiosk, (int64_t)time(NULL),
                       q->s->cfg.enrol_cert_days, cert, msg);
    if (rc == K_OK)
        rc = check_kiosk_code(in, cert, msg);
    if (rc == K_OK)
        rc = again ? enrol_again(q->s->db, c, in, cert, msg) : activate(q->s->db, c, hex, in, cert, now, msg);
    if (rc == K_EDENIED && refused(c, v, r))
        return rc;
    if (rc == K_ECONFLICT)
        bo_resp_error(r, 409, "wrong_kiosk", "%s", msg->text);
    else if (rc == K_EIO)
        bo_resp_error(r, 500, "internal", "the back office could not enrol the kiosk: %s", msg->text);
    else if (rc)
        bo_resp_kerr(r, rc, msg);
    return rc;
}

void bo_h_enrol(bo_req_t *q, bo_resp_t *r)
{
    enrol_in_t in = {0};
    code_row_t c = {0};
    bo_kiosk_cert_t cert = {0};
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
    kerr_t rc = bo_db_exec(q->s->db, "BEGIN IMMEDIATE", "starting", &msg);
    if (rc == K_OK && (rc = enrol(q, &in, &c, &cert, r, &msg)) == K_OK)
        rc = bo_db_exec(q->s->db, "COMMIT", "committing the enrolment", &msg);
    if (rc == K_OK)
        answer(q, &c, &cert, r);
    else
        bo_db_exec(q->s->db, "ROLLBACK", "abandoning", NULL);
    bo_unlock(q->s);
    if (rc == K_OK)
        LOG_I("backoffice", "kiosk %s enrolled: it shows %s; certificate %s", c.kiosk, in.kiosk_code, cert.fingerprint);
    else
        LOG_W("backoffice", "an enrolment was refused: %s", r->body ? r->body : msg.text);
    if (rc && r->status == 0)
        bo_resp_kerr(r, rc, &msg);
    free(in.csr);
    bo_kiosk_cert_free(&cert);
}
