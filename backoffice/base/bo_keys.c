#include "backoffice/base/bo_keys.h"

#include <stdlib.h>
#include <string.h>

bool bo_keys_set(void *base, const bo_key_t *keys, size_t n, const char *name, const char *value, bool *known)
{
    *known = true;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(name, keys[i].name) != 0)
            continue;
        char *at = (char *)base + keys[i].offset;
        if (keys[i].size) {
            if (strlen(value) >= keys[i].size)
                return false;
            memcpy(at, value, strlen(value) + 1);
            return true;
        }
        char *end;
        long long v = strtoll(value, &end, 10);
        if (!*value || *end || v < keys[i].min || v > keys[i].max)
            return false;
        *(int64_t *)(void *)at = v;
        return true;
    }
    *known = false;
    return false;
}
