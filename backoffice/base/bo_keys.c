#include "backoffice/base/bo_keys.h"

#include <stdlib.h>
#include <string.h>

bool bo_keys_text(void *settings, const bo_text_key_t *keys, size_t n, const char *name, const char *value,
                  bool *known)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, keys[i].name) == 0) {
            *known = true;
            if (strlen(value) >= keys[i].size)
                return false;
            strcpy((char *)settings + keys[i].offset, value);
            return true;
        }
    *known = false;
    return false;
}

const char *bo_keys_missing(const void *settings, const bo_text_key_t *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i].required && !((const char *)settings + keys[i].offset)[0])
            return keys[i].name;
    return NULL;
}

bool bo_keys_int(const char *value, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    long long v = strtoll(value, &end, 10);
    if (!*value || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}
