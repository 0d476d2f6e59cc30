/* WeChat Pay's cryptography (OpenSSL libcrypto): base64, SHA256withRSA
 * both ways, AEAD_AES_256_GCM resources, and the key files. */
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backoffice/base/bo_secret.h"
#include "backoffice/pay/bo_wx_int.h"

bool bo_wx_b64(const unsigned char *data, size_t len, char *out, size_t size)
{
    if (size < 4 * ((len + 2) / 3) + 1)
        return false;
    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return true;
}

unsigned char *bo_wx_unb64(const char *text, size_t *len)
{
    size_t n = strlen(text);
    if (n % 4 || n > (1u << 24))
        return NULL;
    unsigned char *out = malloc(n / 4 * 3 + 1);
    int got = out ? EVP_DecodeBlock(out, (const unsigned char *)text, (int)n) : -1;
    if (got < 0) {
        free(out);
        return NULL;
    }
    for (size_t i = n; i > 0 && text[i - 1] == '='; i--)
        got--; /* EVP_DecodeBlock counts the padding as zero bytes */
    *len = (size_t)got;
    return out;
}

kerr_t bo_wx_sign(EVP_PKEY *key, const char *text, size_t len, char *out, size_t size, kmsg_t *msg)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char sig[512];
    size_t sig_len = sizeof sig;
    bool ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
              EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)text, len) == 1 &&
              bo_wx_b64(sig, sig_len, out, size);
    EVP_MD_CTX_free(md);
    return ok ? K_OK : kmsg_set(msg, K_EIO, "signing the request with the merchant key failed");
}

static EVP_PKEY *platform_key(const bo_wx_t *wx, const char *serial)
{
    for (int i = 0; i < BO_WX_PLATFORM_KEYS; i++)
        if (wx->platform[i].key && strcasecmp(wx->platform[i].id, serial) == 0)
            return wx->platform[i].key;
    return NULL;
}

kerr_t bo_wx_verify(const bo_wx_t *wx, const char *serial, const char *timestamp, const char *nonce,
                    const char *body, size_t len, const char *sig, kmsg_t *msg)
{
    EVP_PKEY *key = platform_key(wx, serial);
    if (!key)
        return kmsg_set(msg, K_ECORRUPT, "signed with platform key '%.79s', which is not configured", serial);
    size_t sig_len = 0, text_len = strlen(timestamp) + strlen(nonce) + len + 3;
    unsigned char *raw = bo_wx_unb64(sig, &sig_len);
    char *text = malloc(text_len + 1);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = raw && text && md;
    if (ok) {
        int n = snprintf(text, text_len + 1, "%s\n%s\n", timestamp, nonce);
        memcpy(text + n, body, len);
        text[n + len] = '\n';
        ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestVerify(md, raw, sig_len, (unsigned char *)text, text_len) == 1;
    }
    EVP_MD_CTX_free(md);
    free(text);
    free(raw);
    ERR_clear_error();
    return ok ? K_OK : kmsg_set(msg, K_ECORRUPT, "the signature does not verify with platform key '%.79s'", serial);
}

kerr_t bo_wx_open_resource(const bo_wx_t *wx, const char *ciphertext_b64, const char *nonce, const char *aad,
                           char **plain, kmsg_t *msg)
{
    size_t len = 0;
    unsigned char *ct = bo_wx_unb64(ciphertext_b64, &len);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    char *out = ct && len >= 16 ? malloc(len + 1) : NULL;
    int n = 0, fin = 0;
    bool ok = out && c && strlen(nonce) == 12 &&
              EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
              EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
              EVP_DecryptInit_ex(c, NULL, NULL, wx->apiv3, (const unsigned char *)nonce) == 1 &&
              EVP_DecryptUpdate(c, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
              EVP_DecryptUpdate(c, (unsigned char *)out, &n, ct, (int)(len - 16)) == 1 &&
              EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, ct + len - 16) == 1 &&
              EVP_DecryptFinal_ex(c, (unsigned char *)out + n, &fin) == 1;
    EVP_CIPHER_CTX_free(c);
    free(ct);
    if (!ok) {
        free(out);
        ERR_clear_error();
        return kmsg_set(msg, K_ECORRUPT, "the notification's resource does not decrypt with the APIv3 key");
    }
    out[n + fin] = '\0';
    *plain = out;
    return K_OK;
}

/* Reads a PEM file's private key, public key or certificate (its public
 * key, its serial in upper-case hex into serial). */
static kerr_t read_pem(const char *what, const char *path, bool private_key, EVP_PKEY **key, char *serial,
                       size_t serial_len, kmsg_t *msg)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return kmsg_set(msg, K_EIO, "%s '%s' cannot be read", what, path);
    X509 *cert = NULL;
    *key = private_key ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : PEM_read_PUBKEY(f, NULL, NULL, NULL);
    if (!*key && !private_key) {
        rewind(f);
        cert = PEM_read_X509(f, NULL, NULL, NULL);
        *key = cert ? X509_get_pubkey(cert) : NULL;
    }
    fclose(f);
    ERR_clear_error();
    if (cert && serial) {
        BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
        char *hex = bn ? BN_bn2hex(bn) : NULL;
        snprintf(serial, serial_len, "%s", hex ? hex : "");
        OPENSSL_free(hex);
        BN_free(bn);
    }
    X509_free(cert);
    if (!*key || EVP_PKEY_get_base_id(*key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(*key);
        *key = NULL;
        return kmsg_set(msg, K_EINVAL, "%s '%s' holds no RSA %s in PEM", what, path,
                        private_key ? "private key" : "public key or certificate");
    }
    return K_OK;
}

kerr_t bo_wx_load_keys(bo_wx_t *wx, kmsg_t *msg)
{
    const bo_wx_config_t *c = &wx->cfg;
    char v3[64];
    kerr_t rc = read_pem("[wechatpay] key_file", c->key_file, true, &wx->merchant, NULL, 0, msg);
    int n = 0;
    if (rc == K_OK && c->platform_key_file[0]) {
        rc = read_pem("[wechatpay] platform_key_file", c->platform_key_file, false, &wx->platform[n].key, NULL, 0,
                      msg);
        snprintf(wx->platform[n++].id, sizeof wx->platform[0].id, "%s", c->platform_key_id);
    }
    if (rc == K_OK && c->platform_cert_file[0])
        rc = read_pem("[wechatpay] platform_cert_file", c->platform_cert_file, false, &wx->platform[n].key,
                      wx->platform[n].id, sizeof wx->platform[0].id, msg);
    if (rc == K_OK)
        rc = bo_secret_file_read("[wechatpay] apiv3_key_file", c->apiv3_key_file, v3, sizeof v3, msg);
    if (rc == K_OK && strlen(v3) != 32)
        rc = kmsg_set(msg, K_EINVAL, "[wechatpay] apiv3_key_file: the APIv3 key is 32 characters");
    if (rc == K_OK)
        memcpy(wx->apiv3, v3, 32);
    OPENSSL_cleanse(v3, sizeof v3);
    return rc;
}

void bo_wx_free_keys(bo_wx_t *wx)
{
    EVP_PKEY_free(wx->merchant);
    for (int i = 0; i < BO_WX_PLATFORM_KEYS; i++)
        EVP_PKEY_free(wx->platform[i].key);
    OPENSSL_cleanse(wx->apiv3, sizeof wx->apiv3);
}
