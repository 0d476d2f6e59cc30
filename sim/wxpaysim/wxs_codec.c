/* wxpaysim's own codec, from WeChat Pay's API v3 documentation: base64,
 * SHA256withRSA, AEAD_AES_256_GCM, the Authorization header, RFC 3339. */
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/wxpaysim/wxs.h"

char *wxs_b64(const unsigned char *data, size_t len)
{
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return out;
}

char *wxs_sign(EVP_PKEY *key, const char *text, size_t len)
{
    unsigned char sig[1024];
    size_t n = sizeof sig;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
              EVP_DigestSign(md, sig, &n, (const unsigned char *)text, len) == 1;
    EVP_MD_CTX_free(md);
    return ok ? wxs_b64(sig, n) : NULL;
}

bool wxs_verify(EVP_PKEY *key, const char *text, size_t len, const char *sig)
{
    size_t sl = strlen(sig);
    unsigned char raw[1024];
    if (sl == 0 || sl % 4 || sl / 4 * 3 > sizeof raw)
        return false;
    int n = EVP_DecodeBlock(raw, (const unsigned char *)sig, (int)sl);
    for (size_t i = sl; n > 0 && i > 0 && sig[i - 1] == '='; i--)
        n--;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = n > 0 && md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
              EVP_DigestVerify(md, raw, (size_t)n, (const unsigned char *)text, len) == 1;
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return ok;
}

char *wxs_seal(const unsigned char key[32], const char *nonce, const char *aad, const char *plain)
{
    size_t len = strlen(plain);
    unsigned char *buf = malloc(len + 16);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0;
    bool ok = buf && c && EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
              EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
              EVP_EncryptInit_ex(c, NULL, NULL, key, (const unsigned char *)nonce) == 1 &&
              EVP_EncryptUpdate(c, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
              EVP_EncryptUpdate(c, buf, &n, (const unsigned char *)plain, (int)len) == 1 &&
              EVP_EncryptFinal_ex(c, buf + n, &fin) == 1 &&
              EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, buf + n + fin) == 1;
    EVP_CIPHER_CTX_free(c);
    char *out = ok ? wxs_b64(buf, (size_t)(n + fin) + 16) : NULL;
    free(buf);
    return out;
}

EVP_PKEY *wxs_read_key(const char *path, bool private_key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    EVP_PKEY *k = private_key ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : PEM_read_PUBKEY(f, NULL, NULL, NULL);
    if (!k && !private_key) {
        rewind(f);
        X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
        k = x ? X509_get_pubkey(x) : NULL;
        X509_free(x);
    }
    fclose(f);
    ERR_clear_error();
    return k;
}

void wxs_random(char *out, size_t n)
{
    static const char abc[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    unsigned char r[128];
    n = n < sizeof r ? n : sizeof r;
    RAND_bytes(r, (int)n);
    for (size_t i = 0; i < n; i++)
        out[i] = abc[r[i] % 62];
    out[n] = '\0';
}

/* Copies the quoted value of key="..." in h into out. */
static bool field(const char *h, const char *key, char *out, size_t size)
{
    char pat[32];
    snprintf(pat, sizeof pat, "%s=\"", key);
    const char *p = strstr(h, pat);
    while (p && p != h && p[-1] != ' ' && p[-1] != ',')
        p = strstr(p + 1, pat);
    if (!p)
        return false;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= size)
        return false;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = '\0';
    return true;
}

bool wxs_auth_parse(const char *header, wxs_auth_t *a)
{
    static const char scheme[] = "WECHATPAY2-SHA256-RSA2048 ";
    if (!header || strncmp(header, scheme, sizeof scheme - 1) != 0)
        return false;
    const char *h = header + sizeof scheme - 1;
    return field(h, "mchid", a->mchid, sizeof a->mchid) && field(h, "nonce_str", a->nonce, sizeof a->nonce) &&
           field(h, "timestamp", a->timestamp, sizeof a->timestamp) &&
           field(h, "serial_no", a->serial, sizeof a->serial) &&
           field(h, "signature", a->signature, sizeof a->signature);
}

void wxs_time(int64_t s, char *out, size_t size)
{
    time_t t = (time_t)s + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

bool wxs_time_parse(const char *text, int64_t *s)
{
    struct tm tm = {0};
    char sign = 0;
    int oh = 0, om = 0;
    if (sscanf(text, "%d-%d-%dT%d:%d:%d%c%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec, &sign, &oh, &om) != 9 ||
        (sign != '+' && sign != '-'))
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *s = (int64_t)timegm(&tm) - (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    return true;
}
