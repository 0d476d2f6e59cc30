/* The kiosk's TLS key, its certificate request and its certificate, with
 * OpenSSL's libcrypto (identity.h). */
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "provisioning/identity_int.h"

static EVP_PKEY *read_key(const char *path, kmsg_t *msg)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!k)
        kmsg_set(msg, K_ECORRUPT,
                 "%s is not a readable private key: run kioskctl factory-reset --confirm, then enrol again", path);
    return k;
}

kerr_t identity__tls_keygen(const char *dir, kmsg_t *msg)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    BIO *b = BIO_new(BIO_s_secmem()); /* cleared when freed: it holds the private key */
    char *pem = NULL;
    long n = 0;
    kerr_t rc = K_EIO;
    if (k && b && PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) == 1 && (n = BIO_get_mem_data(b, &pem)) > 0)
        rc = identity__write(dir, IDENTITY_TLS_KEY, pem, (size_t)n, msg);
    else
        kmsg_set(msg, K_EIO, "could not make the kiosk's TLS key (OpenSSL failed)");
    BIO_free_all(b);
    EVP_PKEY_free(k);
    return rc;
}

kerr_t identity__tls_spki(const char *key_path, uint8_t *buf, size_t cap, size_t *len, kmsg_t *msg)
{
    EVP_PKEY *k = read_key(key_path, msg);
    if (!k)
        return K_ECORRUPT;
    int n = i2d_PUBKEY(k, NULL);
    uint8_t *p = buf;
    kerr_t rc = n > 0 && (size_t)n <= cap && i2d_PUBKEY(k, &p) == n
                    ? K_OK
                    : kmsg_set(msg, K_EIO, "could not encode the kiosk's public key");
    *len = n > 0 ? (size_t)n : 0;
    EVP_PKEY_free(k);
    return rc;
}

static char *bio_text(BIO *b)
{
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    char *out = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (out) {
        memcpy(out, data, (size_t)n);
        out[n] = '\0';
    }
    return out;
}

kerr_t identity__csr_pem(const char *key_path, const char *cn, char **pem, kmsg_t *msg)
{
    *pem = NULL;
    EVP_PKEY *k = read_key(key_path, msg);
    if (!k)
        return K_ECORRUPT;
    X509_REQ *req = X509_REQ_new();
    X509_NAME *name = X509_NAME_new();
    BIO *b = BIO_new(BIO_s_mem());
    bool ok = req && name && b && X509_REQ_set_version(req, 0) == 1 &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) == 1 &&
              X509_REQ_set_subject_name(req, name) == 1 && X509_REQ_set_pubkey(req, k) == 1 &&
              X509_REQ_sign(req, k, EVP_sha256()) > 0 && PEM_write_bio_X509_REQ(b, req) == 1 &&
              (*pem = bio_text(b)) != NULL;
    BIO_free_all(b);
    X509_NAME_free(name);
    X509_REQ_free(req);
    EVP_PKEY_free(k);
    return ok ? K_OK : kmsg_set(msg, K_EIO, "could not make the certificate request (OpenSSL failed)");
}

static X509 *parse_cert(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return x;
}

kerr_t identity__cert_check(const char *key_path, const char *cert, const char *ca, kmsg_t *msg)
{
    EVP_PKEY *k = read_key(key_path, msg);
    if (!k)
        return K_ECORRUPT;
    X509 *x = parse_cert(cert), *c = parse_cert(ca);
    kerr_t rc = K_OK;
    if (!x || !c)
        rc = kmsg_set(msg, K_ECORRUPT, "the back office sent a certificate that is not PEM: nothing was stored");
    else if (X509_check_private_key(x, k) != 1)
        rc = kmsg_set(msg, K_ECORRUPT,
                      "the certificate the back office sent is not for this kiosk's key: nothing was stored");
    else if (X509_verify(x, X509_get0_pubkey(c)) != 1)
        rc = kmsg_set(msg, K_ECORRUPT,
                      "the certificate the back office sent is not signed by the CA it sent: nothing was stored");
    X509_free(x);
    X509_free(c);
    EVP_PKEY_free(k);
    return rc;
}

kerr_t identity__cert_info(const char *cert_path, char *fp, size_t fp_len, int64_t *not_after, kmsg_t *msg)
{
    FILE *f = fopen(cert_path, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    struct tm tm;
    if (!x || X509_digest(x, EVP_sha256(), md, &n) != 1 || ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) != 1) {
        X509_free(x);
        return kmsg_set(msg, K_ECORRUPT, "%s is not a readable certificate: enrol the kiosk again", cert_path);
    }
    X509_free(x);
    size_t o = (size_t)snprintf(fp, fp_len, "sha256:");
    for (unsigned i = 0; i < n && o + 3 <= fp_len; i++)
        o += (size_t)snprintf(fp + o, fp_len - o, "%02x", md[i]);
    *not_after = (int64_t)timegm(&tm) * 1000;
    return K_OK;
}
