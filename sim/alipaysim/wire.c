/* alipaysim's own codec, written from Alipay's documentation: forms and
 * queries, the signing text, RSA-SHA256 signatures, the gateway's JSON. */
#include <ctype.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/alipaysim/alisim.h"

bool as_kv_put(as_kv_t *kv, const char *k, const char *v)
{
    for (int i = 0; i < kv->n; i++)
        if (strcmp(kv->k[i], k) == 0) {
            char *nv = strdup(v);
            if (!nv)
                return false;
            free(kv->v[i]);
            kv->v[i] = nv;
            return true;
        }
    if (kv->n >= AS_KV_MAX)
        return false;
    kv->k[kv->n] = strdup(k);
    kv->v[kv->n] = strdup(v);
    return kv->k[kv->n] && kv->v[kv->n++];
}

const char *as_kv_get(const as_kv_t *kv, const char *k)
{
    for (int i = 0; i < kv->n; i++)
        if (strcmp(kv->k[i], k) == 0)
            return kv->v[i];
    return NULL;
}

void as_kv_clear(as_kv_t *kv)
{
    for (int i = 0; i < kv->n; i++) {
        free(kv->k[i]);
        free(kv->v[i]);
    }
    kv->n = 0;
}

static char *unescape(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; o && i < n; i++) {
        unsigned int x;
        if (s[i] == '+')
            o[j++] = ' ';
        else if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
                 isxdigit((unsigned char)s[i + 2]) && sscanf(s + i + 1, "%2x", &x) == 1) {
            o[j++] = (char)x;
            i += 2;
        } else
            o[j++] = s[i];
    }
    if (o)
        o[j] = '\0';
    return o;
}

bool as_form_decode(as_kv_t *kv, const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq) {
            char *k = unescape(p, (size_t)(eq - p)), *v = unescape(eq + 1, (size_t)(stop - eq - 1));
            bool ok = k && v && as_kv_put(kv, k, v);
            free(k);
            free(v);
            if (!ok)
                return false;
        }
        p = stop + 1;
    }
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *as_signing_text(const as_kv_t *kv, bool drop_sign_type)
{
    char *keys[AS_KV_MAX];
    int n = 0;
    size_t size = 1;
    for (int i = 0; i < kv->n; i++) {
        if (!kv->v[i][0] || strcmp(kv->k[i], "sign") == 0 || (drop_sign_type && strcmp(kv->k[i], "sign_type") == 0))
            continue;
        keys[n++] = kv->k[i];
        size += strlen(kv->k[i]) + strlen(kv->v[i]) + 2;
    }
    qsort(keys, (size_t)n, sizeof keys[0], cmp_str);
    char *out = calloc(1, size);
    for (int i = 0; out && i < n; i++) {
        if (i)
            strcat(out, "&");
        strcat(out, keys[i]);
        strcat(out, "=");
        strcat(out, as_kv_get(kv, keys[i]));
    }
    return out;
}

char *as_form_encode(const as_kv_t *kv)
{
    size_t size = 1;
    for (int i = 0; i < kv->n; i++)
        size += strlen(kv->k[i]) + 3 * strlen(kv->v[i]) + 2;
    char *out = malloc(size), *o = out;
    for (int i = 0; out && i < kv->n; i++) {
        o += sprintf(o, "%s%s=", i ? "&" : "", kv->k[i]);
        for (const unsigned char *v = (const unsigned char *)kv->v[i]; *v; v++)
            o += isalnum(*v) || strchr("-_.*", *v) ? sprintf(o, "%c", *v)
                 : *v == ' '                       ? sprintf(o, "+")
                                                   : sprintf(o, "%%%02X", *v);
    }
    if (out)
        *o = '\0';
    return out;
}

char *as_rsa_sign(EVP_PKEY *k, const char *text, size_t len)
{
    unsigned char sig[1024];
    size_t n = sizeof sig;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
             EVP_DigestSign(md, sig, &n, (const unsigned char *)text, len) == 1;
    EVP_MD_CTX_free(md);
    char *b64 = ok ? malloc(4 * ((n + 2) / 3) + 1) : NULL;
    if (b64)
        EVP_EncodeBlock((unsigned char *)b64, sig, (int)n);
    return b64;
}

bool as_rsa_verify(EVP_PKEY *k, const char *text, size_t len, const char *b64)
{
    size_t blen = strlen(b64);
    unsigned char *sig = malloc(blen + 3);
    int n = sig && blen % 4 == 0 ? EVP_DecodeBlock(sig, (const unsigned char *)b64, (int)blen) : -1;
    if (n > 0)
        n -= (blen > 0 && b64[blen - 1] == '=') + (blen > 1 && b64[blen - 2] == '=');
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = n > 0 && md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
              EVP_DigestVerify(md, sig, (size_t)n, (const unsigned char *)text, len) == 1;
    EVP_MD_CTX_free(md);
    free(sig);
    return ok;
}

EVP_PKEY *as_key_read(const char *path, bool priv)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    EVP_PKEY *k = priv ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    return k;
}

int64_t as_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void as_time_text(int64_t ms, char out[20])
{
    time_t t = (time_t)(ms / 1000 + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

bool as_time_parse(const char *text, int64_t *ms)
{
    struct tm tm = {0};
    const char *end = strptime(text, "%Y-%m-%d %H:%M:%S", &tm);
    if (!end || *end)
        return false;
    *ms = ((int64_t)timegm(&tm) - 8 * 3600) * 1000;
    return true;
}

void as_yuan(int64_t fen, char out[24])
{
    snprintf(out, 24, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

bool as_fen(const char *text, int64_t *fen)
{
    long long y = 0;
    int c1 = 0, c2 = 0, n = 0;
    if (sscanf(text, "%lld%n", &y, &n) != 1 || y < 0 || !isdigit((unsigned char)text[0]))
        return false;
    const char *r = text + n;
    if (*r == '.' && isdigit((unsigned char)r[1])) {
        c1 = r[1] - '0';
        if (isdigit((unsigned char)r[2]))
            c2 = r[2] - '0', r++;
        r += 2;
    }
    if (*r)
        return false;
    *fen = (int64_t)y * 100 + c1 * 10 + c2;
    return true;
}

static void put(as_json_t *j, const char *s)
{
    size_t n = strlen(s);
    if (j->n + n + 2 > j->cap) {
        size_t cap = (j->n + n + 2) * 2;
        char *p = realloc(j->p, cap);
        if (!p)
            return;
        j->p = p;
        j->cap = cap;
    }
    memcpy(j->p + j->n, s, n + 1);
    j->n += n;
}

static void key(as_json_t *j, const char *k)
{
    put(j, j->n ? "," : "{");
    put(j, "\"");
    put(j, k);
    put(j, "\":");
}

void as_json_str(as_json_t *j, const char *k, const char *v)
{
    key(j, k);
    put(j, "\"");
    for (const char *c = v; *c; c++) {
        char one[8] = {*c, 0};
        if (*c == '"' || *c == '\\' || *c == '/')
            snprintf(one, sizeof one, "\\%c", *c);
        else if ((unsigned char)*c < 0x20)
            snprintf(one, sizeof one, "\\u%04x", (unsigned char)*c);
        put(j, one);
    }
    put(j, "\"");
}

void as_json_raw(as_json_t *j, const char *k, const char *raw)
{
    key(j, k);
    put(j, raw);
}

char *as_json_end(as_json_t *j)
{
    put(j, j->n ? "}" : "{}");
    return j->p;
}
