#include "backoffice/domain/bo_sign.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/kjson.h"

#define KEY_TAG "ed25519-seed "

static kerr_t sodium_ready(kmsg_t *msg)
{
    if (sodium_init() < 0)
        return kmsg_set(msg, K_EIO, "libsodium could not start (no entropy source?)");
    return K_OK;
}

kerr_t bo_key_generate(const char *path, char *pk_b64, size_t len, kmsg_t *msg)
{
    kerr_t rc = sodium_ready(msg);
    if (rc)
        return rc;
    uint8_t seed[32], pk[32], sk[64];
    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    char b64[64];
    sodium_bin2base64(b64, sizeof b64, seed, sizeof seed, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        sodium_memzero(b64, sizeof b64);
        return kmsg_set(msg, K_EIO, "cannot create the key file %s: %s%s", path, strerror(errno),
                        errno == EEXIST ? " (a key is there already: keep it, or move it away first)" : "");
    }
    char line[96];
    int n = snprintf(line, sizeof line, KEY_TAG "%s\n", b64);
    bool ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    sodium_memzero(line, sizeof line);
    sodium_memzero(b64, sizeof b64);
    if (close(fd) != 0 || !ok) {
        unlink(path);
        return kmsg_set(msg, K_EIO, "could not write the key file %s", path);
    }
    sodium_bin2base64(pk_b64, len, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    return K_OK;
}

/* Reads the file's one line into line after checking its mode. */
static kerr_t read_key_line(const char *path, char *line, size_t len, kmsg_t *msg)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return kmsg_set(msg, K_EIO, "cannot open the signing key %s: %s (make one with `backoffice keygen`)", path,
                        strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || (sb.st_mode & 077)) {
        close(fd);
        return kmsg_set(msg, K_EINVAL, "the signing key %s may be read by others; run `chmod 600 %s`", path, path);
    }
    ssize_t n = read(fd, line, len - 1);
    close(fd);
    if (n <= 0)
        return kmsg_set(msg, K_EIO, "cannot read the signing key %s", path);
    line[n] = '\0';
    return K_OK;
}

kerr_t bo_key_load(const char *path, bo_key_t *key, kmsg_t *msg)
{
    kerr_t rc = sodium_ready(msg);
    char line[128];
    if (rc == K_OK)
        rc = read_key_line(path, line, sizeof line, msg);
    if (rc)
        return rc;
    uint8_t seed[32];
    size_t got = 0;
    const char *b64 = line + strlen(KEY_TAG);
    if (strncmp(line, KEY_TAG, strlen(KEY_TAG)) != 0 ||
        sodium_base642bin(seed, sizeof seed, b64, strcspn(b64, "\r\n"), NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != sizeof seed) {
        sodium_memzero(line, sizeof line);
        return kmsg_set(msg, K_EINVAL, "%s is not a signing key made by `backoffice keygen`", path);
    }
    crypto_sign_seed_keypair(key->pk, key->sk, seed);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(line, sizeof line);
    return K_OK;
}

void bo_key_public_b64(const bo_key_t *key, char *out, size_t len)
{
    sodium_bin2base64(out, len, key->pk, sizeof key->pk, sodium_base64_VARIANT_ORIGINAL);
}

/* The signed text: {"kind", "version", "kiosk", "issued_at", "body"}. */
static char *document_text(const char *kind, const char *kiosk, int64_t version, int64_t issued_at,
                           const cJSON *body)
{
    cJSON *d = cJSON_CreateObject();
    cJSON *copy = cJSON_Duplicate(body, true);
    char *text = NULL;
    if (d && copy && kjson_add_str(d, "kind", kind) && kjson_add_int(d, "version", version) &&
        kjson_add_str(d, "kiosk", kiosk) && kjson_add_time(d, "issued_at", issued_at) &&
        cJSON_AddItemToObject(d, "body", copy)) {
        copy = NULL;
        text = kjson_print(d, false);
    }
    cJSON_Delete(copy);
    cJSON_Delete(d);
    return text;
}

/* The detached signature over text and the public key, both base64. */
static void signature_b64(const bo_key_t *key, const char *text, char sig_b64[128], char pk_b64[64])
{
    uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const uint8_t *)text, strlen(text), key->sk);
    sodium_bin2base64(sig_b64, 128, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    bo_key_public_b64(key, pk_b64, 64);
}

kerr_t bo_sign_document(const bo_key_t *key, const char *kind, const char *kiosk, int64_t version, int64_t issued_at,
                        const cJSON *body, char **out, kmsg_t *msg)
{
    char *text = document_text(kind, kiosk, version, issued_at, body);
    if (!text)
        return kmsg_set(msg, K_EIO, "out of memory building the %s document", kind);
    char sig_b64[128], pk_b64[64];
    signature_b64(key, text, sig_b64, pk_b64);
    cJSON *env = cJSON_CreateObject();
    bool ok = env && kjson_add_str(env, "kind", kind) && kjson_add_int(env, "version", version) &&
              kjson_add_str(env, "document", text) && kjson_add_str(env, "signature", sig_b64) &&
              kjson_add_str(env, "key", pk_b64);
    free(text);
    *out = ok ? kjson_print(env, true) : NULL;
    cJSON_Delete(env);
    return *out ? K_OK : kmsg_set(msg, K_EIO, "out of memory signing the %s document", kind);
}

kerr_t bo_sign_text(const bo_key_t *key, const char *id, const char *text, char **out, kmsg_t *msg)
{
    char sig_b64[128], pk_b64[64];
    signature_b64(key, text, sig_b64, pk_b64);
    cJSON *env = cJSON_CreateObject();
    bool ok = env && kjson_add_str(env, "id", id) && kjson_add_str(env, "document", text) &&
              kjson_add_str(env, "signature", sig_b64) && kjson_add_str(env, "key", pk_b64);
    *out = ok ? kjson_print(env, false) : NULL;
    cJSON_Delete(env);
    return *out ? K_OK : kmsg_set(msg, K_EIO, "out of memory signing document %s", id);
}
