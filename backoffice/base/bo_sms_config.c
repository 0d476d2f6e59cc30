#include "backoffice/base/bo_sms_config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text keys: each a char array in bo_sms_config_t. */
typedef struct text_key {
    const char *name;
    size_t offset, size;
} text_key_t;

#define TEXT(n, f) {n, offsetof(bo_sms_config_t, f), sizeof(((bo_sms_config_t *)0)->f)}
static const text_key_t texts[] = {
    TEXT("host", host),     TEXT("system_id", system_id), TEXT("password_file", password_file),
    TEXT("system_type", system_type), TEXT("source", source),
};
#undef TEXT

/* The whole-number keys and their ranges. */
typedef struct int_key {
    const char *name;
    size_t offset;
    int64_t min, max;
} int_key_t;

static const int_key_t ints[] = {
    {"port", offsetof(bo_sms_config_t, port), 1, 65535},
    {"window", offsetof(bo_sms_config_t, window), 1, 100},
    {"timeout_seconds", offsetof(bo_sms_config_t, timeout_s), 1, 120},
};

void bo_sms_config_defaults(bo_sms_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->port = 2775;
    c->window = 10;
    c->timeout_s = 10;
}

static bool set_int(bo_sms_config_t *c, const int_key_t *k, const char *value)
{
    char *end;
    long long n = strtoll(value, &end, 10);
    if (!*value || *end || n < k->min || n > k->max)
        return false;
    *(int64_t *)((char *)c + k->offset) = n;
    return true;
}

bool bo_sms_config_key(bo_sms_config_t *c, const char *name, const char *value, bool *known)
{
    *known = true;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (strcmp(name, texts[i].name) == 0) {
            if (strlen(value) >= texts[i].size)
                return false;
            strcpy((char *)c + texts[i].offset, value);
            return true;
        }
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (strcmp(name, ints[i].name) == 0)
            return set_int(c, &ints[i], value);
    if (strcmp(name, "bind") == 0) {
        bool tx = strcmp(value, "transmitter") == 0;
        if (!tx && strcmp(value, "transceiver") != 0)
            return false;
        c->transmitter = tx;
        return true;
    }
    *known = false;
    return false;
}

bool bo_sms_source_numeric(const char *source)
{
    return source[0] && strspn(source, "0123456789") == strlen(source);
}

kerr_t bo_sms_config_check(const bo_sms_config_t *c, kmsg_t *msg)
{
    if (!c->host[0])
        return kmsg_set(msg, K_EINVAL, "[notices] sms = true needs [sms] host, the SMSC's address");
    if (!c->system_id[0])
        return kmsg_set(msg, K_EINVAL, "[notices] sms = true needs [sms] system_id, the account at the SMSC");
    if (!c->source[0])
        return kmsg_set(msg, K_EINVAL, "[notices] sms = true needs [sms] source, the sender residents see");
    if (!bo_sms_source_numeric(c->source) && strlen(c->source) > 11)
        return kmsg_set(msg, K_EINVAL, "[sms] source '%s': a sender name is at most 11 characters (digits: 20)",
                        c->source);
    return K_OK;
}
