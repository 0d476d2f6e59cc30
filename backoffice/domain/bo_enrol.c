/* Enrolling a kiosk with its one-time code (bo_enrol.h, docs/enrolment.md):
 * the code's check, the signing and the kiosk's activation are one
 * transaction, so a code enrols exactly once; the same kiosk (the same
 * keys) may ask again while the code lasts, when the answer was lost. */
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_enrol.h"
#include "base/kjson.h"
#include "base/timefmt.h"

/* The refusal a code's verdict calls for, with its message; GOOD if the
 * code enrols. */
static bo_enrol_refusal_t refusal(const bo_code_rec_t *c, bo_code_verdict_t v, kmsg_t *msg)
{
    char at[40] = "";
    ktime_format_iso(v == BO_CODE_USED ? c->used_at : c->expires_at, at, sizeof at);
    if (v == BO_CODE_UNKNOWN)
        kmsg_set(msg, K_EDENIED, "this enrolment code is not known here: check it is typed as staff gave it (a fresh "
                                 "code replaces older ones), or ask staff for a fresh one");
    else if (v == BO_CODE_EXPIRED)
        kmsg_set(msg, K_EDENIED, "this enrolment code expired at %s: ask staff for a fresh one (backoffice kiosk "
                                 "enrol-code %s)", at, c->kiosk);
    else if (v == BO_CODE_USED)
        kmsg_set(msg, K_EDENIED, "this enrolment code was used at %s (a code enrols once): ask staff for a fresh one "
                                 "(backoffice kiosk enrol-code %s)", at, c->kiosk);
    else if (strcmp(c->state, "enrolling") != 0)
        kmsg_set(msg, K_EDENIED, "kiosk '%s' is %s, not enrolling: ask staff for a fresh code (backoffice kiosk "
                                 "enrol-code %s)", c->kiosk, c->state, c->kiosk);
    else
        return BO_ENROL_GOOD;
    static const bo_enrol_refusal_t of[] = {[BO_CODE_OK] = BO_ENROL_NOT_ENROLLING, [BO_CODE_UNKNOWN] = BO_ENROL_UNKNOWN,
                                            [BO_CODE_EXPIRED] = BO_ENROL_EXPIRED, [BO_CODE_USED] = BO_ENROL_USED};
    return of[v];
}

/* The kiosk code the request carries must be the one its keys give. */
static kerr_t check_kiosk_code(const bo_enrol_req_t *in, const bo_kiosk_cert_t *cert, kmsg_t *msg)
{
    char want[SYNC_CODE_LEN], a[17], b[17];
    sync_kiosk_code(cert->spki, cert->spki_len, in->upload_pk, want);
    if (!sync_code_normalise(in->kiosk_code, a) || !sync_code_normalise(want, b) || strcmp(a, b) != 0)
        return kmsg_set(msg, K_EINVAL, "'kiosk_code' is not the code of the keys sent (SHA-256 of the request's "
                                       "public key and the upload key): the kiosk must show the code of these keys");
    return K_OK;
}

/* The audit row of an enrolment (action kiosk.enrol or kiosk.enrol_again). */
static kerr_t audit(bo_store_t *st, const char *kiosk, const char *action, const char *reason,
                    const bo_enrol_req_t *in, const bo_kiosk_cert_t *cert, kmsg_t *msg)
{
    char actor[80], detail[200];
    snprintf(actor, sizeof actor, "kiosk:%s", kiosk);
    snprintf(detail, sizeof detail, "{\"kiosk_code\":\"%s\",\"certificate\":\"%s\"}", in->kiosk_code,
             cert->fingerprint);
    bo_audit_rec_t a = {actor, action, kiosk, reason, detail, bo_clock_wall_ms()};
    return bo_audit_record(st, &a, msg);
}

static kerr_t activate(bo_store_t *st, const bo_code_rec_t *c, const char *hex, const bo_enrol_req_t *in,
                       const bo_kiosk_cert_t *cert, int64_t now, kmsg_t *msg)
{
    bo_enrolled_rec_t e = {c->kiosk, cert->fingerprint, in->upload_key, in->kiosk_code, now, cert->not_after};
    kerr_t rc = st->ops->fleet->code_use(st->ctx, hex, now, msg);
    if (rc == K_OK)
        rc = st->ops->fleet->kiosk_enrolled(st->ctx, &e, msg);
    return rc ? rc : audit(st, c->kiosk, "kiosk.enrol", "", in, cert, msg);
}

/* A used code asked again, before it expires, by the kiosk it enrolled
 * (the same keys: the same upload key and shown code): its answer was lost
 * on the way. It gets a fresh certificate, pinned instead of the one it
 * never received. K_EDENIED for any other requester. */
static kerr_t enrol_again(bo_store_t *st, const bo_code_rec_t *c, const bo_enrol_req_t *in,
                          const bo_kiosk_cert_t *cert, kmsg_t *msg)
{
    bo_kiosk_rec_t k;
    char a[17], b[17];
    bool found;
    kerr_t rc = st->ops->fleet->kiosk_get(st->ctx, c->kiosk, &k, &found, msg);
    if (rc)
        return rc;
    bool same = found && strcmp(k.upload_key, in->upload_key) == 0 && sync_code_normalise(k.kiosk_code, a) &&
                sync_code_normalise(in->kiosk_code, b) && !strcmp(a, b);
    if (!same)
        return K_EDENIED;
    rc = st->ops->fleet->kiosk_pin(st->ctx, c->kiosk, cert->fingerprint, cert->not_after, msg);
    return rc ? rc : audit(st, c->kiosk, "kiosk.enrol_again", "the answer to its enrolment was lost", in, cert, msg);
}

/* Inside the transaction: the code, the request, the signing, the kiosk. */
static kerr_t enrol(bo_store_t *st, const bo_config_t *cfg, int64_t now, const bo_enrol_req_t *in,
                    bo_enrolment_t *out, kmsg_t *msg)
{
    char hex[65] = "";
    bool found = false;
    bo_code_rec_t *c = &out->code;
    kerr_t rc = bo_enrol_code_hash(in->code, hex) ? st->ops->fleet->code_get(st->ctx, hex, c, &found, msg) : K_OK;
    if (rc)
        return rc;
    bo_code_verdict_t v = bo_enrol_code_verdict(found, c->expires_at, c->used, now);
    bool again = v == BO_CODE_USED && now < c->expires_at && strcmp(c->state, "active") == 0;
    if (!again && (out->refused = refusal(c, v, msg)) != BO_ENROL_GOOD)
        return K_EDENIED;
    rc = bo_enrol_sign(cfg->client_ca, cfg->client_ca_key, in->csr, c->kiosk, (int64_t)time(NULL),
                       cfg->enrol_cert_days, &out->cert, msg);
    if (rc == K_OK)
        rc = check_kiosk_code(in, &out->cert, msg);
    if (rc == K_OK)
        rc = again ? enrol_again(st, c, in, &out->cert, msg) : activate(st, c, hex, in, &out->cert, now, msg);
    if (rc == K_EDENIED)
        out->refused = refusal(c, v, msg);
    return rc;
}

kerr_t bo_enrol_kiosk(bo_store_t *st, const bo_config_t *cfg, int64_t now, const bo_enrol_req_t *in,
                      bo_enrolment_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    kerr_t rc = st->ops->begin(st->ctx, msg);
    if (rc == K_OK && (rc = enrol(st, cfg, now, in, out, msg)) == K_OK)
        rc = st->ops->commit(st->ctx, msg);
    if (rc)
        st->ops->rollback(st->ctx);
    return rc;
}

static void add_setting(void *arg, const char *key, int64_t value)
{
    kjson_add_int(arg, key, value);
}

cJSON *bo_enrol_answer(bo_store_t *st, const char *ca_path, const char *document_key, const bo_enrolment_t *e,
                       kmsg_t *msg)
{
    gnutls_datum_t ca = {NULL, 0};
    if (gnutls_load_file(ca_path, &ca) < 0) {
        kmsg_set(msg, K_EIO, "cannot read [tls] client_ca %s", ca_path);
        return NULL;
    }
    cJSON *o = cJSON_CreateObject(), *settings = cJSON_CreateObject();
    kjson_add_str(o, "kiosk", e->code.kiosk);
    kjson_add_str(o, "site", e->code.site);
    kjson_add_str(o, "certificate", e->cert.pem);
    cJSON_AddItemToObject(o, "ca_certificate", cJSON_CreateString((const char *)ca.data));
    kjson_add_str(o, "certificate_fingerprint", e->cert.fingerprint);
    kjson_add_time(o, "not_after", e->cert.not_after);
    kjson_add_str(o, "document_key", document_key);
    st->ops->fleet->settings_each(st->ctx, e->code.kiosk, add_setting, settings, NULL);
    cJSON_AddItemToObject(o, "settings", settings);
    gnutls_free(ca.data);
    return o;
}
