/* Signing a kiosk's certificate request with the kiosks' CA, with GnuTLS
 * (bo_enrol.h). */
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backoffice/domain/bo_enrol.h"

/* Everything one signing holds, freed in one place. */
typedef struct signing {
    gnutls_datum_t ca_text, key_text;
    gnutls_x509_crt_t ca, crt;
    gnutls_privkey_t key;
    gnutls_x509_crq_t crq;
    gnutls_pubkey_t pub;
} signing_t;

static void release(signing_t *s)
{
    gnutls_free(s->ca_text.data);
    if (s->key_text.data)
        gnutls_memset(s->key_text.data, 0, s->key_text.size);
    gnutls_free(s->key_text.data);
    if (s->ca)
        gnutls_x509_crt_deinit(s->ca);
    if (s->crt)
        gnutls_x509_crt_deinit(s->crt);
    if (s->key)
        gnutls_privkey_deinit(s->key);
    if (s->crq)
        gnutls_x509_crq_deinit(s->crq);
    if (s->pub)
        gnutls_pubkey_deinit(s->pub);
}

/* The CA's certificate and key (the key file readable by its owner only). */
static kerr_t load_ca(signing_t *s, const char *ca_path, const char *key_path, kmsg_t *msg)
{
    struct stat st;
    if (!key_path[0])
        return kmsg_set(msg, K_EIO, "enrolment is off: set [tls] client_ca_key to the kiosks' CA key");
    if (stat(key_path, &st) != 0 || (st.st_mode & 077))
        return kmsg_set(msg, K_EIO, "the kiosks' CA key %s is missing or readable by others: chmod 600 it", key_path);
    if (gnutls_load_file(ca_path, &s->ca_text) < 0 || gnutls_load_file(key_path, &s->key_text) < 0)
        return kmsg_set(msg, K_EIO, "cannot read [tls] client_ca %s or client_ca_key %s", ca_path, key_path);
    if (gnutls_x509_crt_init(&s->ca) < 0 || gnutls_x509_crt_import(s->ca, &s->ca_text, GNUTLS_X509_FMT_PEM) < 0 ||
        gnutls_privkey_init(&s->key) < 0 ||
        gnutls_privkey_import_x509_raw(s->key, &s->key_text, GNUTLS_X509_FMT_PEM, NULL, 0) < 0)
        return kmsg_set(msg, K_EIO, "[tls] client_ca or client_ca_key is not a PEM certificate or key");
    return K_OK;
}

/* The request: PEM, its own signature holds, an EC key, CN = kiosk. */
static kerr_t load_request(signing_t *s, const char *csr, const char *kiosk, kmsg_t *msg)
{
    gnutls_datum_t d = {(unsigned char *)(uintptr_t)csr, (unsigned)strlen(csr)};
    char cn[128];
    size_t n = sizeof cn;
    if (gnutls_x509_crq_init(&s->crq) < 0 || gnutls_x509_crq_import(s->crq, &d, GNUTLS_X509_FMT_PEM) < 0)
        return kmsg_set(msg, K_EINVAL, "'csr' is not a PEM certificate request");
    if (gnutls_x509_crq_verify(s->crq, 0) < 0)
        return kmsg_set(msg, K_EINVAL, "the certificate request's signature does not hold");
    if (gnutls_x509_crq_get_pk_algorithm(s->crq, NULL) != GNUTLS_PK_ECDSA)
        return kmsg_set(msg, K_EINVAL, "the certificate request's key must be EC (P-256)");
    if (gnutls_x509_crq_get_dn_by_oid(s->crq, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &n) < 0)
        return kmsg_set(msg, K_EINVAL, "the certificate request has no common name (CN): it must name the kiosk");
    if (strcmp(cn, kiosk) != 0)
        return kmsg_set(msg, K_ECONFLICT, "this code enrols kiosk '%s', but the kiosk calls itself '%.64s': set "
                                          "site.kiosk_id = %s on it and enrol again (the code is still good)",
                        kiosk, cn, kiosk);
    gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
    if (gnutls_pubkey_init(&s->pub) < 0 || gnutls_pubkey_import_x509_crq(s->pub, s->crq, 0) < 0 ||
        gnutls_pubkey_export_ecc_raw(s->pub, &curve, NULL, NULL) < 0)
        return kmsg_set(msg, K_EINVAL, "the certificate request's key cannot be read");
    if (curve != GNUTLS_ECC_CURVE_SECP256R1)
        return kmsg_set(msg, K_EINVAL, "the certificate request's key must be on the curve P-256 (it is %s)",
                        gnutls_ecc_curve_get_name(curve));
    return K_OK;
}

static kerr_t spki_of(signing_t *s, bo_kiosk_cert_t *out, kmsg_t *msg)
{
    out->spki_len = sizeof out->spki;
    if (gnutls_pubkey_export(s->pub, GNUTLS_X509_FMT_DER, out->spki, &out->spki_len) < 0)
        return kmsg_set(msg, K_EINVAL, "the certificate request's key cannot be encoded");
    return K_OK;
}

/* The certificate's fields: v3, a random serial, the kiosk's CN, a client
 * certificate that is no CA, valid from a little before now for days. */
static bool fill(signing_t *s, const char *kiosk, int64_t now_s, int64_t days)
{
    unsigned char serial[16], id[64];
    size_t id_len = sizeof id;
    gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial);
    serial[0] &= 0x7f;
    bool ok = gnutls_x509_crt_init(&s->crt) >= 0 && gnutls_x509_crt_set_version(s->crt, 3) >= 0 &&
              gnutls_x509_crt_set_serial(s->crt, serial, sizeof serial) >= 0 &&
              gnutls_x509_crt_set_pubkey(s->crt, s->pub) >= 0 &&
              gnutls_x509_crt_set_dn_by_oid(s->crt, GNUTLS_OID_X520_COMMON_NAME, 0, kiosk,
                                            (unsigned)strlen(kiosk)) >= 0 &&
              gnutls_x509_crt_set_activation_time(s->crt, (time_t)(now_s - 300)) >= 0 &&
              gnutls_x509_crt_set_expiration_time(s->crt, (time_t)(now_s + days * 86400)) >= 0 &&
              gnutls_x509_crt_set_basic_constraints(s->crt, 0, -1) >= 0 &&
              gnutls_x509_crt_set_key_usage(s->crt, GNUTLS_KEY_DIGITAL_SIGNATURE) >= 0 &&
              gnutls_x509_crt_set_key_purpose_oid(s->crt, GNUTLS_KP_TLS_WWW_CLIENT, 0) >= 0 &&
              gnutls_pubkey_get_key_id(s->pub, 0, id, &id_len) >= 0 &&
              gnutls_x509_crt_set_subject_key_id(s->crt, id, id_len) >= 0;
    id_len = sizeof id;
    if (ok && gnutls_x509_crt_get_subject_key_id(s->ca, id, &id_len, NULL) >= 0)
        ok = gnutls_x509_crt_set_authority_key_id(s->crt, id, id_len) >= 0;
    return ok;
}

/* The certificate as issued (re-read from its DER, as a kiosk will read
 * it) must verify against the CA: a key that is not the CA's would make
 * certificates no one trusts. */
static kerr_t check(signing_t *s, const gnutls_datum_t *der, bo_kiosk_cert_t *out, kmsg_t *msg)
{
    gnutls_x509_crt_t issued;
    unsigned status = 0;
    unsigned char fp[32];
    size_t fp_len = sizeof fp;
    if (gnutls_x509_crt_init(&issued) < 0)
        return kmsg_set(msg, K_EIO, "out of memory");
    bool ok = gnutls_x509_crt_import(issued, der, GNUTLS_X509_FMT_DER) >= 0 &&
              gnutls_x509_crt_verify(issued, &s->ca, 1, 0, &status) >= 0 && status == 0;
    if (ok && gnutls_x509_crt_get_fingerprint(issued, GNUTLS_DIG_SHA256, fp, &fp_len) >= 0) {
        size_t o = (size_t)snprintf(out->fingerprint, sizeof out->fingerprint, "sha256:");
        for (size_t i = 0; i < fp_len; i++)
            o += (size_t)snprintf(out->fingerprint + o, sizeof out->fingerprint - o, "%02x", fp[i]);
        out->not_after = (int64_t)gnutls_x509_crt_get_expiration_time(issued) * 1000;
    }
    gnutls_x509_crt_deinit(issued);
    return ok ? K_OK
              : kmsg_set(msg, K_EIO, "[tls] client_ca_key does not belong to client_ca: the certificates it signs "
                                     "would not be trusted");
}

/* Signs, checks the result against the CA, and exports it as PEM. */
static kerr_t sign(signing_t *s, bo_kiosk_cert_t *out, kmsg_t *msg)
{
    gnutls_datum_t der = {NULL, 0}, pem = {NULL, 0};
    if (gnutls_x509_crt_privkey_sign(s->crt, s->ca, s->key, GNUTLS_DIG_SHA256, 0) < 0)
        return kmsg_set(msg, K_EIO, "signing the kiosk's certificate failed: check [tls] client_ca_key");
    if (gnutls_x509_crt_export2(s->crt, GNUTLS_X509_FMT_DER, &der) < 0 ||
        gnutls_x509_crt_export2(s->crt, GNUTLS_X509_FMT_PEM, &pem) < 0) {
        gnutls_free(der.data);
        return kmsg_set(msg, K_EIO, "exporting the kiosk's certificate failed");
    }
    kerr_t rc = check(s, &der, out, msg);
    if (rc == K_OK && (out->pem = malloc(pem.size + 1)) != NULL) {
        memcpy(out->pem, pem.data, pem.size);
        out->pem[pem.size] = '\0';
    } else if (rc == K_OK) {
        rc = kmsg_set(msg, K_EIO, "out of memory");
    }
    gnutls_free(der.data);
    gnutls_free(pem.data);
    return rc;
}

kerr_t bo_enrol_sign(const char *ca_path, const char *ca_key_path, const char *csr, const char *kiosk, int64_t now_s,
                     int64_t days, bo_kiosk_cert_t *out, kmsg_t *msg)
{
    signing_t s = {0};
    memset(out, 0, sizeof *out);
    kerr_t rc = load_request(&s, csr, kiosk, msg);
    if (rc == K_OK)
        rc = spki_of(&s, out, msg);
    if (rc == K_OK)
        rc = load_ca(&s, ca_path, ca_key_path, msg);
    if (rc == K_OK && !fill(&s, kiosk, now_s, days))
        rc = kmsg_set(msg, K_EIO, "making the kiosk's certificate failed (GnuTLS)");
    if (rc == K_OK)
        rc = sign(&s, out, msg);
    release(&s);
    return rc;
}

void bo_kiosk_cert_free(bo_kiosk_cert_t *c)
{
    free(c->pem);
    c->pem = NULL;
}
