/* RSA2 both ways: the sorted parameter text, signing with the app's key,
 * verifying with Alipay's, and reading the key files. */
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/pay/bo_alipay_int.h"

bool ap_params_add(ap_params_t *ps, const char *key, const char *val)
{
    if (!val || !*val)
        return true;
    if (ps->n >= AP_PARAMS_MAX || strlen(key) >= sizeof ps->p[0].key)
        return false;
    char *copy = strdup(val);
    if (!copy)
        return false;
    snprintf(ps->p[ps->n].key, sizeof ps->p[0].key, "%s", key);
    ps->p[ps->n++].val = copy;
    return true;
}

const char *ap_params_get(const ap_params_t *ps, const char *key)
{
    for (int i = 0; i < ps->n; i++)
        if (strcmp(ps->p[i].key, key) == 0)
            return ps->p[i].val;
    return NULL;
}

void ap_params_free(ap_params_t *ps)
{
    for (int i = 0; i < ps->n; i++)
        free(ps->p[i].val);
    ps->n = 0;
}

/* qsort's view of the list being sorted (one sort at a time per thread). */
static _Thread_local const ap_params_t *sorting;

static int by_key(const void *a, const void *b)
{
    return strcmp(sorting->p[*(const int *)a].key, sorting->p[*(const int *)b].key);
}

char *ap_sign_text(const ap_params_t *ps, bool drop_sign_type)
{
    int order[AP_PARAMS_MAX], n = 0;
    size_t total = 1;
    for (int i = 0; i < ps->n; i++) {
        const char *k = ps->p[i].key;
        if (strcmp(k, "sign") == 0 || (drop_sign_type && strcmp(k, "sign_type") == 0))
            continue;
        order[n++] = i;
        total += strlen(k) + strlen(ps->p[i].val) + 2;
    }
    sorting = ps;
    qsort(order, (size_t)n, sizeof order[0], by_key);
    char *out = malloc(total);
    if (!out)
        return NULL;
    size_t at = 0;
    for (int i = 0; i < n; i++)
        at += (size_t)snprintf(out + at, total - at, "%s%s=%s", i ? "&" : "", ps->p[order[i]].key,
                               ps->p[order[i]].val);
    out[at] = '\0';
    return out;
}

static char *b64_encode(const unsigned char *p, size_t n)
{
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    return out;
}

/* Decodes base64 text (whitespace ignored) into a malloc'd buffer. */
static unsigned char *b64_decode(const char *text, size_t *len)
{
    size_t n = strlen(text), m = 0, pad = 0;
    char *clean = malloc(n + 1);
    unsigned char *out = malloc(n / 4 * 3 + 3);
    for (size_t i = 0; clean && i < n; i++)
        if (!strchr(" \t\r\n", text[i]))
            clean[m++] = text[i];
    for (size_t i = m; clean && i > 0 && pad < 2 && clean[i - 1] == '='; i--)
        pad++;
    int got = -1;
    if (clean && out && m % 4 == 0 && m > 0)
        got = EVP_DecodeBlock(out, (unsigned char *)clean, (int)m);
    free(clean);
    if (got < 0) {
        free(out);
        return NULL;
    }
    /* EVP_DecodeBlock counts the padding as zero bytes: take them off. */
    *len = (size_t)got - pad;
    return out;
}

char *ap_sign(const ap_ctx_t *c, const char *text, size_t len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char sig[1024];
    size_t sig_len = sizeof sig;
    bool ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, c->priv) == 1 &&
              EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)text, len) == 1;
    EVP_MD_CTX_free(md);
    return ok ? b64_encode(sig, sig_len) : NULL;
}

bool ap_verify(const ap_ctx_t *c, const char *data, size_t len, const char *sig_b64)
{
    size_t sig_len = 0;
    unsigned char *sig = sig_b64 ? b64_decode(sig_b64, &sig_len) : NULL;
    if (!sig)
        return false;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, c->pub) == 1 &&
              EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)data, len) == 1;
    EVP_MD_CTX_free(md);
    free(sig);
    return ok;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(16384);
    size_t n = buf ? fread(buf, 1, 16383, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* Alipay's key tool writes the DER as bare base64: PKCS#8 or PKCS#1 for
 * the private key, SubjectPublicKeyInfo for the public one. */
static EVP_PKEY *key_from_der(const char *text, bool priv)
{
    size_t len = 0;
    unsigned char *der = b64_decode(text, &len);
    if (!der)
        return NULL;
    const unsigned char *p = der;
    EVP_PKEY *k = priv ? d2i_AutoPrivateKey(NULL, &p, (long)len) : d2i_PUBKEY(NULL, &p, (long)len);
    free(der);
    return k;
}

EVP_PKEY *ap_key_load(const char *path, bool priv, kmsg_t *msg)
{
    char *text = read_text(path);
    if (!text) {
        kmsg_set(msg, K_EINVAL, "[alipay] cannot read %s", path);
        return NULL;
    }
    EVP_PKEY *k = NULL;
    if (strstr(text, "-----BEGIN")) {
        BIO *bio = BIO_new_mem_buf(text, -1);
        k = priv ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        BIO_free(bio);
    } else {
        k = key_from_der(text, priv);
    }
    OPENSSL_cleanse(text, strlen(text));
    free(text);
    if (!k || EVP_PKEY_base_id(k) != EVP_PKEY_RSA) {
        EVP_PKEY_free(k);
        kmsg_set(msg, K_EINVAL, "[alipay] %s holds no RSA %s key", path, priv ? "private" : "public");
        return NULL;
    }
    return k;
}
