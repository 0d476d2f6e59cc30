#include "backoffice/base/bo_smtp_config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The text keys: each a char array in bo_smtp_config_t. */
typedef struct text_key {
    const char *name;
    size_t offset, size;
} text_key_t;

#define TEXT(n, f) {n, offsetof(bo_smtp_config_t, f), sizeof(((bo_smtp_config_t *)0)->f)}
static const text_key_t texts[] = {
    TEXT("server_url", url),         TEXT("from", from),       TEXT("from_name", from_name),
    TEXT("user", user),              TEXT("password_file", password_file), TEXT("ca_file", ca_file),
};
#undef TEXT

void bo_smtp_config_defaults(bo_smtp_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->timeout_s = 30;
}

bool bo_smtp_config_key(bo_smtp_config_t *c, const char *name, const char *value, bool *known)
{
    *known = true;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (strcmp(name, texts[i].name) != 0)
            continue;
        if (strlen(value) >= texts[i].size)
            return false;
        strcpy((char *)c + texts[i].offset, value);
        return true;
    }
    if (strcmp(name, "timeout_seconds") == 0) {
        char *end;
        long long n = strtoll(value, &end, 10);
        if (!*value || *end || n < 1 || n > 600)
            return false;
        c->timeout_s = n;
        return true;
    }
    *known = false;
    return false;
}
