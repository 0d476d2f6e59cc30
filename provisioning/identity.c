/* The kiosk's identity folder: its files, loading, storing an enrolment,
 * erasing (identity.h). */
#include "provisioning/identity_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/kjson.h"
#include "sync/sync_doc.h"

static const char *const all_files[] = {IDENTITY_CERT, IDENTITY_ENROLMENT, IDENTITY_CA, IDENTITY_DOC_KEY,
                                        IDENTITY_CSR, IDENTITY_UPLOAD_KEY, IDENTITY_TLS_KEY, IDENTITY_LEDGER};
#define N_FILES (sizeof all_files / sizeof all_files[0])

static bool path_of(const char *dir, const char *name, char *out, size_t len)
{
    int n = snprintf(out, len, "%s/%s", dir, name);
    return n > 0 && (size_t)n < len;
}

static bool exists(const char *dir, const char *name)
{
    char p[CFG_PATH_LEN + 32];
    return path_of(dir, name, p, sizeof p) && access(p, F_OK) == 0;
}

static bool write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

kerr_t identity__write(const char *dir, const char *name, const void *data, size_t len, kmsg_t *msg)
{
    char path[CFG_PATH_LEN + 32], tmp[CFG_PATH_LEN + 40];
    if (!path_of(dir, name, path, sizeof path) || snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return kmsg_set(msg, K_EINVAL, "the identity folder's path is too long: shorten site.identity_dir");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && fchmod(fd, 0600) == 0 && write_all(fd, data, len) && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (ok && rename(tmp, path) == 0)
        return K_OK;
    int e = errno;
    unlink(tmp);
    return kmsg_set(msg, K_EIO, "cannot write %s: %s; check the folder's permissions and free space", path,
                    strerror(e));
}

/* The upload key's 32-byte seed, from "ed25519-seed <base64>". */
static kerr_t read_seed(const char *dir, uint8_t seed[32], kmsg_t *msg)
{
    char path[CFG_PATH_LEN + 32], line[128] = "";
    path_of(dir, IDENTITY_UPLOAD_KEY, path, sizeof path);
    FILE *f = fopen(path, "r");
    bool ok = f && fgets(line, sizeof line, f) && strncmp(line, "ed25519-seed ", 13) == 0;
    size_t n = 0;
    if (f)
        fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    ok = ok && sodium_base642bin(seed, 32, line + 13, strlen(line + 13), NULL, &n, NULL,
                                 sodium_base64_VARIANT_ORIGINAL) == 0 && n == 32;
    sodium_memzero(line, sizeof line);
    return ok ? K_OK
              : kmsg_set(msg, K_ECORRUPT,
                         "%s is not an upload key: run kioskctl factory-reset --confirm, then enrol again", path);
}

static kerr_t upload_keygen(const char *dir, kmsg_t *msg)
{
    uint8_t seed[32];
    char line[80] = "ed25519-seed ";
    randombytes_buf(seed, sizeof seed);
    sodium_bin2base64(line + 13, sizeof line - 14, seed, sizeof seed, sodium_base64_VARIANT_ORIGINAL);
    strcat(line, "\n");
    kerr_t rc = identity__write(dir, IDENTITY_UPLOAD_KEY, line, strlen(line), msg);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(line, sizeof line);
    return rc;
}

static kerr_t load_keys(identity_t *id, kmsg_t *msg)
{
    uint8_t seed[32], pk[32], sk[64], spki[256];
    size_t spki_len = 0;
    char key_path[CFG_PATH_LEN + 32];
    path_of(id->dir, IDENTITY_TLS_KEY, key_path, sizeof key_path);
    kerr_t rc = read_seed(id->dir, seed, msg);
    if (rc == K_OK)
        rc = identity__tls_spki(key_path, spki, sizeof spki, &spki_len, msg);
    if (rc == K_OK) {
        crypto_sign_seed_keypair(pk, sk, seed);
        sync_kiosk_code(spki, spki_len, pk, id->code);
        sodium_bin2base64(id->upload_key, sizeof id->upload_key, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
        id->has_keys = true;
    }
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    return rc;
}

static kerr_t load_enrolment(identity_t *id, kmsg_t *msg)
{
    char path[CFG_PATH_LEN + 32], text[4096];
    path_of(id->dir, IDENTITY_ENROLMENT, path, sizeof path);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = '\0';
    cJSON *o = cJSON_Parse(text);
    const char *kiosk = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "kiosk"));
    const char *site = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "site"));
    const char *url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "url"));
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(o, "enrolled_at_ms");
    bool ok = kiosk && site && url && cJSON_IsNumber(at);
    if (ok) {
        snprintf(id->kiosk, sizeof id->kiosk, "%s", kiosk);
        snprintf(id->site, sizeof id->site, "%s", site);
        snprintf(id->url, sizeof id->url, "%s", url);
        id->enrolled_at = (int64_t)at->valuedouble;
    }
    cJSON_Delete(o);
    if (!ok)
        return kmsg_set(msg, K_ECORRUPT, "%s cannot be read: enrol the kiosk again", path);
    path_of(id->dir, IDENTITY_CERT, path, sizeof path);
    kerr_t rc = identity__cert_info(path, id->fingerprint, sizeof id->fingerprint, &id->not_after, msg);
    id->enrolled = rc == K_OK;
    return rc;
}

kerr_t identity_load(const char *dir, identity_t *id, kmsg_t *msg)
{
    char copy[sizeof id->dir]; /* dir may be id->dir itself */
    if (strlen(dir) >= sizeof copy)
        return kmsg_set(msg, K_EINVAL, "the identity folder's path is too long: shorten site.identity_dir");
    strcpy(copy, dir);
    memset(id, 0, sizeof *id);
    strcpy(id->dir, copy);
    dir = id->dir;
    if (sodium_init() < 0)
        return kmsg_set(msg, K_EIO, "libsodium could not start");
    kerr_t rc = K_OK;
    if (exists(dir, IDENTITY_TLS_KEY) && exists(dir, IDENTITY_UPLOAD_KEY))
        rc = load_keys(id, msg);
    if (rc == K_OK && id->has_keys && exists(dir, IDENTITY_CERT) && exists(dir, IDENTITY_ENROLMENT))
        rc = load_enrolment(id, msg);
    return rc;
}

kerr_t identity_ensure_keys(const char *dir, identity_t *id, kmsg_t *msg)
{
    if (sodium_init() < 0)
        return kmsg_set(msg, K_EIO, "libsodium could not start");
    if ((mkdir(dir, 0700) != 0 && errno != EEXIST) || chmod(dir, 0700) != 0)
        return kmsg_set(msg, K_EIO, "cannot make the identity folder %s: %s; check site.identity_dir and the "
                                    "permissions of its parent", dir, strerror(errno));
    kerr_t rc = K_OK;
    if (!exists(dir, IDENTITY_TLS_KEY))
        rc = identity__tls_keygen(dir, msg);
    if (rc == K_OK && !exists(dir, IDENTITY_UPLOAD_KEY))
        rc = upload_keygen(dir, msg);
    return rc == K_OK ? identity_load(dir, id, msg) : rc;
}

const char *identity_code_text(const identity_t *id)
{
    return id->has_keys ? id->code : "";
}

kerr_t identity_csr(const identity_t *id, const char *kiosk_id, char **pem, kmsg_t *msg)
{
    char key_path[CFG_PATH_LEN + 32];
    path_of(id->dir, IDENTITY_TLS_KEY, key_path, sizeof key_path);
    kerr_t rc = identity__csr_pem(key_path, kiosk_id, pem, msg);
    if (rc == K_OK && (rc = identity__write(id->dir, IDENTITY_CSR, *pem, strlen(*pem), msg)) != K_OK) {
        free(*pem);
        *pem = NULL;
    }
    return rc;
}

kerr_t identity_sign(const identity_t *id, const void *data, size_t len, uint8_t sig[64], kmsg_t *msg)
{
    uint8_t seed[32], pk[32], sk[64];
    kerr_t rc = read_seed(id->dir, seed, msg);
    if (rc == K_OK) {
        crypto_sign_seed_keypair(pk, sk, seed);
        crypto_sign_detached(sig, NULL, data, len, sk);
    }
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    return rc;
}

static char *enrolment_json(const identity_enrolment_t *e)
{
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "kiosk", e->kiosk);
    kjson_add_str(o, "site", e->site);
    kjson_add_str(o, "url", e->url);
    kjson_add_int(o, "enrolled_at_ms", e->at);
    kjson_add_time(o, "enrolled_at", e->at);
    cJSON *settings = cJSON_Parse(e->settings ? e->settings : "{}");
    cJSON_AddItemToObject(o, "settings", settings ? settings : cJSON_CreateObject());
    char *text = kjson_print(o, true);
    cJSON_Delete(o);
    return text;
}

kerr_t identity_store(identity_t *id, const identity_enrolment_t *e, kmsg_t *msg)
{
    char key_path[CFG_PATH_LEN + 32], doc_key[80];
    uint8_t pk[SYNC_PUBKEY_BYTES];
    path_of(id->dir, IDENTITY_TLS_KEY, key_path, sizeof key_path);
    kerr_t rc = identity__cert_check(key_path, e->certificate, e->ca_certificate, msg);
    if (rc == K_OK && sync_pubkey_parse(e->document_key, pk, msg) != K_OK)
        rc = kmsg_set(msg, K_ECORRUPT, "the back office sent a document key that is not one: nothing was stored");
    snprintf(doc_key, sizeof doc_key, "%s\n", e->document_key);
    char *json = rc == K_OK ? enrolment_json(e) : NULL;
    if (rc == K_OK && !json)
        rc = kmsg_set(msg, K_EIO, "out of memory");
    if (rc == K_OK)
        rc = identity__write(id->dir, IDENTITY_CA, e->ca_certificate, strlen(e->ca_certificate), msg);
    if (rc == K_OK)
        rc = identity__write(id->dir, IDENTITY_DOC_KEY, doc_key, strlen(doc_key), msg);
    if (rc == K_OK)
        rc = identity__write(id->dir, IDENTITY_ENROLMENT, json, strlen(json), msg);
    if (rc == K_OK)
        rc = identity__write(id->dir, IDENTITY_CERT, e->certificate, strlen(e->certificate), msg);
    free(json);
    return rc == K_OK ? identity_load(id->dir, id, msg) : rc;
}

kerr_t identity_erase(const char *dir, int *removed, kmsg_t *msg)
{
    *removed = 0;
    for (size_t i = 0; i < N_FILES; i++) {
        char p[CFG_PATH_LEN + 32], tmp[CFG_PATH_LEN + 40];
        if (!path_of(dir, all_files[i], p, sizeof p))
            return kmsg_set(msg, K_EINVAL, "the identity folder's path is too long");
        snprintf(tmp, sizeof tmp, "%s.tmp", p);
        unlink(tmp);
        if (unlink(p) == 0)
            ++*removed;
        else if (errno != ENOENT)
            return kmsg_set(msg, K_EIO, "cannot delete %s: %s", p, strerror(errno));
    }
    if (rmdir(dir) != 0 && errno != ENOENT)
        return kmsg_set(msg, K_EIO, "deleted the identity's files, but not the folder %s: %s (other files in it?)",
                        dir, strerror(errno));
    return K_OK;
}
