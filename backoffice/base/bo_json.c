#include "backoffice/base/bo_json.h"

#include <math.h>
#include <string.h>

#include "base/timefmt.h"

#define EXACT_MAX 9007199254740992.0 /* 2^53 */

kerr_t bo_json_int(const cJSON *obj, const char *name, int64_t min, int64_t max, int64_t *out, kmsg_t *msg)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsNumber(v))
        return kmsg_set(msg, K_EINVAL, "'%s' must be an integer", name);
    double d = v->valuedouble;
    if (!(d >= -EXACT_MAX && d <= EXACT_MAX) || floor(d) != d)
        return kmsg_set(msg, K_EINVAL, "'%s' must be a whole number between -2^53 and 2^53", name);
    int64_t i = (int64_t)d;
    if (i < min || i > max)
        return kmsg_set(msg, K_EINVAL, "'%s' is %lld; it must be between %lld and %lld", name, (long long)i,
                        (long long)min, (long long)max);
    *out = i;
    return K_OK;
}

kerr_t bo_json_int_opt(const cJSON *obj, const char *name, int64_t min, int64_t max, int64_t *out, kmsg_t *msg)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v || cJSON_IsNull(v))
        return K_OK;
    return bo_json_int(obj, name, min, max, out, msg);
}

kerr_t bo_json_str(const cJSON *obj, const char *name, char *out, size_t len, kmsg_t *msg)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(v) || !v->valuestring)
        return kmsg_set(msg, K_EINVAL, "'%s' must be a string", name);
    size_t n = strlen(v->valuestring);
    if (n >= len)
        return kmsg_set(msg, K_EINVAL, "'%s' is %zu characters long; at most %zu are allowed", name, n, len - 1);
    memcpy(out, v->valuestring, n + 1);
    return K_OK;
}

kerr_t bo_json_str_opt(const cJSON *obj, const char *name, char *out, size_t len, kmsg_t *msg)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v || cJSON_IsNull(v)) {
        out[0] = '\0';
        return K_OK;
    }
    return bo_json_str(obj, name, out, len, msg);
}

bool bo_time_parse(const char *text, int64_t *ms)
{
    return ktime_parse_ms(text, ms);
}

kerr_t bo_json_time(const cJSON *obj, const char *name, int64_t *ms, kmsg_t *msg)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(v) || !v->valuestring || !bo_time_parse(v->valuestring, ms))
        return kmsg_set(msg, K_EINVAL, "'%s' must be a UTC time like 2026-11-21T09:30:00.000Z", name);
    return K_OK;
}

bool bo_id_valid(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    }
    return true;
}

int64_t bo_json_int_or(const cJSON *obj, const char *name, int64_t dflt)
{
    int64_t v = dflt;
    kmsg_t ignored;
    return bo_json_int_opt(obj, name, -1, 100000000, &v, &ignored) == K_OK ? v : -1;
}

const char *bo_json_str_ref(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}
