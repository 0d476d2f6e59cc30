#include "sync/sync_doc.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

kerr_t sync_pubkey_parse(const char *b64, uint8_t pk[SYNC_PUBKEY_BYTES], kmsg_t *msg)
{
    size_t got = 0;
    if (sodium_init() < 0)
        return kmsg_set(msg, K_EIO, "libsodium could not start");
    if (sodium_base642bin(pk, SYNC_PUBKEY_BYTES, b64, strlen(b64), NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != SYNC_PUBKEY_BYTES)
        return kmsg_set(msg, K_EINVAL, "the back office's public key must be 32 bytes in base64");
    return K_OK;
}

static const char *str_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Checks the detached signature sig_b64 over text. */
static kerr_t check_signature(const uint8_t *pk, const char *text, const char *sig_b64, kmsg_t *msg)
{
    uint8_t sig[crypto_sign_BYTES];
    size_t got = 0;
    if (sodium_base642bin(sig, sizeof sig, sig_b64, strlen(sig_b64), NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != sizeof sig)
        return kmsg_set(msg, K_EINVAL, "the document's signature is not 64 bytes in base64");
    if (crypto_sign_verify_detached(sig, (const uint8_t *)text, strlen(text), pk) != 0)
        return kmsg_set(msg, K_ECORRUPT,
                        "the document's signature does not match the back office's key: it was changed on the way "
                        "or signed by someone else; keep the version in use");
    return K_OK;
}

/* Checks the verified document's kind, kiosk and version. */
static kerr_t check_fields(const cJSON *doc, const char *kind, const char *kiosk, int64_t held, sync_doc_t *out,
                           kmsg_t *msg)
{
    const char *k = str_of(doc, "kind"), *for_kiosk = str_of(doc, "kiosk");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "version");
    if (!k || strcmp(k, kind) != 0)
        return kmsg_set(msg, K_EINVAL, "the document is of kind '%s', not the '%s' asked for", k ? k : "?", kind);
    if (!for_kiosk || (strcmp(for_kiosk, "*") != 0 && strcmp(for_kiosk, kiosk) != 0))
        return kmsg_set(msg, K_EINVAL, "the document is meant for kiosk '%s', not this one",
                        for_kiosk ? for_kiosk : "?");
    if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 9007199254740992.0 ||
        floor(v->valuedouble) != v->valuedouble)
        return kmsg_set(msg, K_EINVAL, "the document's version is not a positive integer");
    out->version = (int64_t)v->valuedouble;
    if (out->version < held)
        return kmsg_set(msg, K_ESTATE,
                        "the %s document has version %lld, older than the version %lld in use: refused (a "
                        "replayed or rolled-back document)",
                        kind, (long long)out->version, (long long)held);
    out->same = out->version == held;
    return K_OK;
}

kerr_t sync_doc_open(const uint8_t pk[SYNC_PUBKEY_BYTES], const char *envelope, size_t len, cJSON **doc,
                     kmsg_t *msg)
{
    *doc = NULL;
    if (sodium_init() < 0)
        return kmsg_set(msg, K_EIO, "libsodium could not start");
    cJSON *env = cJSON_ParseWithLength(envelope, len);
    const char *text = str_of(env, "document"), *sig = str_of(env, "signature");
    kerr_t rc = text && sig ? check_signature(pk, text, sig, msg)
                            : kmsg_set(msg, K_EINVAL, "the answer is not a signed document (document, signature)");
    if (rc == K_OK)
        *doc = cJSON_Parse(text);
    if (rc == K_OK && !cJSON_IsObject(*doc))
        rc = kmsg_set(msg, K_EINVAL, "the signed document is not a JSON object");
    cJSON_Delete(env);
    if (rc) {
        cJSON_Delete(*doc);
        *doc = NULL;
    }
    return rc;
}

kerr_t sync_doc_verify(const uint8_t pk[SYNC_PUBKEY_BYTES], const char *envelope, size_t len, const char *kind,
                       const char *kiosk, int64_t held, sync_doc_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    cJSON *doc = NULL;
    kerr_t rc = sync_doc_open(pk, envelope, len, &doc, msg);
    if (rc == K_OK)
        rc = check_fields(doc, kind, kiosk, held, out, msg);
    if (rc == K_OK) {
        out->body = cJSON_DetachItemFromObjectCaseSensitive(doc, "body");
        if (!out->body)
            rc = kmsg_set(msg, K_EINVAL, "the signed document has no body");
    }
    cJSON_Delete(doc);
    return rc;
}

void sync_doc_free(sync_doc_t *d)
{
    cJSON_Delete(d->body);
    d->body = NULL;
}
