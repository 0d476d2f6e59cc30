#include "base/kjson.h"

#include <inttypes.h>
#include <stdio.h>

#include "base/timefmt.h"

bool kjson_add_int(cJSON *obj, const char *name, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return cJSON_AddRawToObject(obj, name, buf) != NULL;
}

bool kjson_add_str(cJSON *obj, const char *name, const char *text)
{
    if (!text)
        return cJSON_AddNullToObject(obj, name) != NULL;
    return cJSON_AddStringToObject(obj, name, text) != NULL;
}

bool kjson_add_time(cJSON *obj, const char *name, int64_t ms)
{
    char buf[32];
    if (!ktime_format_iso(ms, buf, sizeof buf))
        return false;
    return cJSON_AddStringToObject(obj, name, buf) != NULL;
}

char *kjson_print(const cJSON *obj, bool pretty)
{
    return pretty ? cJSON_Print(obj) : cJSON_PrintUnformatted(obj);
}
