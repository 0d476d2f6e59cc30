/* The key verbs: keygen, pubkey, sign (bo_cli.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_docs.h"
#include "backoffice/domain/bo_phone.h"
#include "backoffice/domain/bo_sign.h"

int bo_cli_keygen(const bo_config_t *cfg, const bo_args_t *a)
{
    const char *path = bo_arg(a, "out") ? bo_arg(a, "out") : cfg->signing_key;
    char pk[64];
    kmsg_t msg = {{0}};
    if (bo_key_generate(path, pk, sizeof pk, &msg) != K_OK) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return BO_EXIT_FAIL;
    }
    fprintf(stderr, "backoffice: signing key written to %s (mode 600); pin this public key in every kiosk:\n", path);
    printf("%s\n", pk);
    return BO_EXIT_OK;
}

int bo_cli_pubkey(const bo_config_t *cfg)
{
    bo_key_t key;
    kmsg_t msg = {{0}};
    if (bo_key_load(cfg->signing_key, &key, &msg) != K_OK) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return BO_EXIT_FAIL;
    }
    char pk[64];
    bo_key_public_b64(&key, pk, sizeof pk);
    memset(&key, 0, sizeof key);
    printf("%s\n", pk);
    return BO_EXIT_OK;
}

int bo_cli_phone_link(const bo_config_t *cfg, const bo_args_t *a)
{
    const char *days_s = bo_arg(a, "days") ? bo_arg(a, "days") : "30";
    char *end, token[BO_PHONE_TOKEN_MAX];
    long days = strtol(days_s, &end, 10);
    bo_key_t key;
    bo_phone_key_t pk;
    kmsg_t msg = {{0}};
    if (a->npos != 2 || *end || days < 1 || days > 90 || !bo_phone_meter_ok(a->pos[1])) {
        fprintf(stderr, "backoffice: phone-link METER [--days 1..90]: a meter of 1 to %d letters or digits\n",
                BO_PHONE_METER_MAX);
        return BO_EXIT_USAGE;
    }
    if (bo_key_load(cfg->signing_key, &key, &msg) != K_OK) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return BO_EXIT_FAIL;
    }
    bo_phone_key_derive(&key, &pk);
    memset(&key, 0, sizeof key);
    bo_phone_token_make(&pk, BO_PHONE_LINK, a->pos[1], ((int64_t)time(NULL) + days * 86400) * 1000, token,
                        sizeof token);
    memset(&pk, 0, sizeof pk);
    printf("%s/my/#link=%s\n", cfg->public_url, token);
    return BO_EXIT_OK;
}

static char *read_all(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                buf = NULL;
            }
            buf = b;
        }
    }
    if (f != stdin)
        fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* `sign --kind K --version N [--kiosk ID] FILE`: signs a body made by hand
 * (for a document prepared away from the server) and prints the envelope. */
int bo_cli_sign(const bo_config_t *cfg, const bo_args_t *a)
{
    const char *kind = bo_arg(a, "kind"), *ver = bo_arg(a, "version"), *kiosk = bo_arg(a, "kiosk");
    long long v = ver ? strtoll(ver, NULL, 10) : 0;
    if (!kind || !bo_doc_kind_valid(kind) || v < 1 || a->npos != 2) {
        fprintf(stderr, "usage: backoffice sign --kind tariffs|registry|blocked-cards|settings|staff --version N "
                        "[--kiosk ID] FILE|-\n");
        return BO_EXIT_USAGE;
    }
    char *text = read_all(a->pos[1]);
    cJSON *body = text ? cJSON_Parse(text) : NULL;
    free(text);
    bo_key_t key;
    kmsg_t msg = {{0}};
    char *env = NULL;
    kerr_t rc = cJSON_IsObject(body) ? bo_key_load(cfg->signing_key, &key, &msg)
                                     : kmsg_set(&msg, K_EINVAL, "%s is not a JSON object", a->pos[1]);
    if (rc == K_OK)
        rc = bo_sign_document(&key, kind, kiosk ? kiosk : "*", v, (int64_t)time(NULL) * 1000, body, &env, &msg);
    memset(&key, 0, sizeof key);
    cJSON_Delete(body);
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return rc == K_EINVAL ? BO_EXIT_USAGE : BO_EXIT_FAIL;
    }
    printf("%s\n", env);
    free(env);
    return BO_EXIT_OK;
}
