#include "sim/common/simjson.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

simjson_at_t simjson_top(const char *file, kmsg_t *msg)
{
    return (simjson_at_t){.where = "", .file = file, .msg = msg};
}

void simjson_at(simjson_at_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(at->where, sizeof at->where, fmt, ap);
    va_end(ap);
}

kerr_t simjson_bad(const simjson_at_t *at, const char *field, const char *why)
{
    return kmsg_set(at->msg, K_EINVAL, "%s'%s' %s", at->where, field, why);
}

static const cJSON *field(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(o, name);
}

bool simjson_exact_int(const cJSON *it, int64_t *out)
{
    if (!cJSON_IsNumber(it))
        return false;
    double d = it->valuedouble;
    if (!(d >= -(double)SIMJSON_INT_MAX && d <= (double)SIMJSON_INT_MAX) || (double)(int64_t)d != d)
        return false;
    *out = (int64_t)d;
    return true;
}

kerr_t simjson_int(const cJSON *o, const char *name, int64_t lo, int64_t hi, unsigned how, int64_t *out,
                   const simjson_at_t *at)
{
    const cJSON *it = field(o, name);
    int64_t v;
    if (!it && !(how & SIMJSON_NEEDED))
        return K_OK;
    if (it && (how & SIMJSON_NULL_IS_0) && cJSON_IsNull(it)) {
        *out = 0;
        return K_OK;
    }
    if (simjson_exact_int(it, &v) && v >= lo && v <= hi) {
        *out = v;
        return K_OK;
    }
    char why[96];
    snprintf(why, sizeof why, "must be a whole number %lld..%lld%s", (long long)lo, (long long)hi,
             how & SIMJSON_NULL_IS_0 ? " or null" : "");
    return simjson_bad(at, name, why);
}

kerr_t simjson_bool(const cJSON *o, const char *name, bool *out, const simjson_at_t *at)
{
    const cJSON *it = field(o, name);
    if (!it)
        return K_OK;
    if (!cJSON_IsBool(it))
        return simjson_bad(at, name, "must be true or false");
    *out = cJSON_IsTrue(it);
    return K_OK;
}

kerr_t simjson_text(const cJSON *o, const char *name, char *out, size_t cap, const simjson_at_t *at)
{
    const cJSON *it = field(o, name);
    if (!it)
        return K_OK;
    size_t len = cJSON_IsString(it) ? strlen(it->valuestring) : cap;
    if (len >= cap)
        return simjson_bad(at, name, "must be a string, and not that long");
    memcpy(out, it->valuestring, len + 1);
    return K_OK;
}

static bool listed(const char *name, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

kerr_t simjson_only_known(const cJSON *o, const char *const *names, const simjson_at_t *at)
{
    char why[96];
    for (const cJSON *it = o->child; it; it = it->next)
        if (!listed(it->string, names)) {
            snprintf(why, sizeof why, "is not a field of %s", at->file);
            return simjson_bad(at, it->string, why);
        }
    return K_OK;
}

kerr_t simjson_require(const cJSON *o, const char *const *names, const simjson_at_t *at)
{
    for (size_t i = 0; names[i]; i++)
        if (!field(o, names[i]))
            return simjson_bad(at, names[i], "is missing");
    return K_OK;
}

kerr_t simjson_list(const cJSON *o, const char *name, const char *item, simjson_item_fn load, void *ctx,
                    const simjson_at_t *at)
{
    const cJSON *list = field(o, name);
    if (!list)
        return K_OK;
    if (!cJSON_IsArray(list))
        return simjson_bad(at, name, "must be a list");
    simjson_at_t place = *at;
    kerr_t rc = K_OK;
    size_t n = 0;
    for (const cJSON *it = list->child; it && rc == K_OK; it = it->next) {
        simjson_at(&place, "%s%s %zu: ", at->where, item, ++n);
        rc = load(it, n, &place, ctx);
    }
    return rc;
}

/* The whole file at path, NUL-terminated, in a heap string. */
static kerr_t read_text(const char *path, size_t max_bytes, char **out, kmsg_t *msg)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f)
        return kmsg_set(msg, errno == ENOENT ? K_ENOTFOUND : K_EIO, "cannot read %s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max_bytes) {
        fclose(f);
        return kmsg_set(msg, K_EIO, "cannot read %s (not a file, or over %zu MB)", path, max_bytes >> 20);
    }
    size_t size = (size_t)st.st_size;
    char *text = malloc(size + 1);
    size_t n = text ? fread(text, 1, size + 1, f) : 0;
    bool err = ferror(f);
    fclose(f);
    if (!text || err || n > size) {
        free(text);
        return kmsg_set(msg, K_EIO, "cannot read %s (out of memory, or it changed while read)", path);
    }
    text[n] = '\0';
    *out = text;
    return K_OK;
}

kerr_t simjson_file(const char *path, size_t max_bytes, cJSON **root, kmsg_t *msg)
{
    char *text = NULL;
    kerr_t rc = read_text(path, max_bytes, &text, msg);
    if (rc != K_OK)
        return rc;
    const char *end = NULL;
    *root = cJSON_ParseWithOpts(text, &end, true);
    if (!*root)
        rc = kmsg_set(msg, K_EINVAL, "%s is not JSON (look near byte %td)", path, end ? end - text : 0);
    free(text);
    return rc;
}

kerr_t simjson_read(const char *path, size_t max_bytes, const char *file, simjson_root_fn load, void *ctx,
                    kmsg_t *msg)
{
    cJSON *root = NULL;
    kerr_t rc = simjson_file(path, max_bytes, &root, msg);
    if (rc != K_OK)
        return rc;
    simjson_at_t top = simjson_top(file, msg);
    rc = cJSON_IsObject(root) ? load(root, &top, ctx) : kmsg_set(msg, K_EINVAL, "%s must hold one JSON object", file);
    cJSON_Delete(root);
    return rc;
}

bool simjson_add_list(cJSON *o, const char *name, size_t n, simjson_item_json_fn json, const void *ctx)
{
    cJSON *list = cJSON_AddArrayToObject(o, name);
    bool ok = list != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        cJSON *item = json(ctx, i);
        ok = item && cJSON_AddItemToArray(list, item);
        if (!ok)
            cJSON_Delete(item);
    }
    return ok;
}
