#include "engine/registry.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const proto_names[] = {
    [REGISTRY_DLT645] = "dlt645",
    [REGISTRY_MODBUS] = "modbus",
    [REGISTRY_FAKE] = "fake",
};

const char *registry_proto_name(registry_proto_t p)
{
    return (size_t)p < sizeof proto_names / sizeof proto_names[0] ? proto_names[p] : "?";
}

bool registry_proto_parse(const char *name, registry_proto_t *out)
{
    for (size_t i = 0; i < sizeof proto_names / sizeof proto_names[0]; i++)
        if (strcmp(name, proto_names[i]) == 0) {
            *out = (registry_proto_t)i;
            return true;
        }
    return false;
}

static bool twelve_digits(const char *s)
{
    return strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

/* "host:port" or "host:port/unit", or "" */
static bool parse_gateway(const char *text, registry_entry_t *e)
{
    e->unit = 1;
    if (!text[0])
        return true;
    char buf[160];
    snprintf(buf, sizeof buf, "%s", text);
    char *slash = strchr(buf, '/');
    if (slash) {
        char *end;
        long unit = strtol(slash + 1, &end, 10);
        if (*end || unit < 1 || unit > 247)
            return false;
        e->unit = (int)unit;
        *slash = '\0';
    }
    const char *colon = strrchr(buf, ':');
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : 0;
    if (!colon || colon == buf || *end || port < 1 || port > 65535 || strlen(buf) >= sizeof e->gateway)
        return false;
    memcpy(e->gateway, buf, strlen(buf) + 1);
    return true;
}

#define HEADER4 "meter,customer,protocol,gateway"
#define HEADER6 HEADER4 ",kind,tariff"

/* Splits one CSV line of up to six plain fields (none may hold a comma, so
 * no quoting); returns the number of fields, 7 meaning "more than 6". */
static int split(char *line, char *f[6])
{
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    char *p = line;
    while (n < 6 && p)
        f[n++] = strsep(&p, ",");
    return p ? 7 : n;
}

/* The kind and tariff columns. */
static kerr_t parse_kind_tariff(char *f[6], registry_entry_t *e, kmsg_t *why)
{
    if (!meter_kind_parse(f[4], &e->kind))
        return kmsg_set(why, K_EINVAL, "kind '%s' must be electricity or water", f[4]);
    if (strlen(f[5]) >= sizeof e->tariff || strspn(f[5], " \t\"") != 0)
        return kmsg_set(why, K_EINVAL, "tariff '%s' must be a tariff id of at most %zu characters", f[5],
                        sizeof e->tariff - 1);
    memcpy(e->tariff, f[5], strlen(f[5]) + 1);
    return K_OK;
}

static kerr_t parse_line(char *line, int columns, registry_entry_t *e, kmsg_t *why)
{
    char *f[6];
    if (split(line, f) != columns)
        return kmsg_set(why, K_EINVAL, "expected %d fields: %s", columns, columns == 6 ? HEADER6 : HEADER4);
    memset(e, 0, sizeof *e);
    if (!twelve_digits(f[0]))
        return kmsg_set(why, K_EINVAL, "meter '%s' must be 12 digits", f[0]);
    if (!twelve_digits(f[1]))
        return kmsg_set(why, K_EINVAL, "customer '%s' must be 12 digits", f[1]);
    if (!registry_proto_parse(f[2], &e->protocol) || e->protocol == REGISTRY_FAKE)
        return kmsg_set(why, K_EINVAL, "protocol '%s' must be dlt645 or modbus", f[2]);
    if (!parse_gateway(f[3], e))
        return kmsg_set(why, K_EINVAL, "gateway '%s' must be empty, host:port or host:port/unit (1..247)", f[3]);
    if (columns == 6 && parse_kind_tariff(f, e, why) != K_OK)
        return K_EINVAL;
    memcpy(e->meter, f[0], 13);
    memcpy(e->customer, f[1], 13);
    return K_OK;
}

static kerr_t add(registry_t *reg, const registry_entry_t *e, size_t *cap)
{
    if (reg->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        void *p = realloc(reg->entries, ncap * sizeof *reg->entries);
        if (!p)
            return K_EIO;
        reg->entries = p;
        *cap = ncap;
    }
    reg->entries[reg->n++] = *e;
    return K_OK;
}

/* The header line: four columns, or six with kind and tariff. */
static bool header(const char *line, int *columns)
{
    size_t n = strcspn(line, "\r\n");
    if (strspn(line + n, "\r\n") != strlen(line + n))
        return false;
    if (n == strlen(HEADER6) && strncmp(line, HEADER6, n) == 0)
        return *columns = 6, true;
    return n == strlen(HEADER4) && strncmp(line, HEADER4, n) == 0 && (*columns = 4, true);
}

kerr_t registry_load(const char *path, registry_t *reg, kmsg_t *msg)
{
    memset(reg, 0, sizeof *reg);
    FILE *f = fopen(path, "r");
    if (!f)
        return kmsg_set(msg, K_EINVAL, "%s: cannot read the meter registry: %s", path, strerror(errno));
    char line[512];
    size_t cap = 0;
    kerr_t rc = K_OK;
    int lineno = 0, columns = 4;
    if (!fgets(line, sizeof line, f) || (lineno = 1, !header(line, &columns)))
        rc = kmsg_set(msg, K_EINVAL, "%s:1: the first line must be " HEADER4 " (or " HEADER6 ")", path);
    while (rc == K_OK && fgets(line, sizeof line, f)) {
        lineno++;
        registry_entry_t e;
        kmsg_t why;
        if (line[strspn(line, " \t\r\n")] == '\0' || line[0] == '#')
            continue;
        if (parse_line(line, columns, &e, &why) != K_OK)
            rc = kmsg_set(msg, K_EINVAL, "%s:%d: %s", path, lineno, why.text);
        else if (registry_find(reg, e.meter))
            rc = kmsg_set(msg, K_EINVAL, "%s:%d: meter %s is listed twice", path, lineno, e.meter);
        else if (add(reg, &e, &cap) != K_OK)
            rc = kmsg_set(msg, K_EIO, "%s: out of memory", path);
    }
    fclose(f);
    if (rc != K_OK) {
        registry_free(reg);
        return rc;
    }
    reg->loaded = true;
    return K_OK;
}

const registry_entry_t *registry_find(const registry_t *reg, const char *meter)
{
    for (size_t i = 0; meter && i < reg->n; i++)
        if (strcmp(reg->entries[i].meter, meter) == 0)
            return &reg->entries[i];
    return NULL;
}

void registry_free(registry_t *reg)
{
    free(reg->entries);
    memset(reg, 0, sizeof *reg);
}

static const char *str_of(const cJSON *o, const char *name)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
    return s ? s : "";
}

static void take_entry(const cJSON *m, registry_status_t *out)
{
    const cJSON *sellable = cJSON_GetObjectItemCaseSensitive(m, "sellable");
    out->listed = true;
    out->sellable = !cJSON_IsFalse(sellable);
    out->first_zero_ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "first_purchase_zero_ok"));
    snprintf(out->status, sizeof out->status, "%s", str_of(m, "status"));
    snprintf(out->account, sizeof out->account, "%s", str_of(m, "account"));
    snprintf(out->tariff, sizeof out->tariff, "%s", str_of(m, "tariff"));
    out->has_kind = str_of(m, "kind")[0] && meter_kind_parse(str_of(m, "kind"), &out->kind);
}

kerr_t registry_doc_lookup(const char *body, const char *meter, registry_status_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    out->sellable = true;
    cJSON *doc = cJSON_Parse(body ? body : "");
    const cJSON *meters = cJSON_GetObjectItemCaseSensitive(doc, "meters"), *m;
    if (!cJSON_IsArray(meters)) {
        cJSON_Delete(doc);
        return kmsg_set(msg, K_ECORRUPT, "the stored registry document has no list of meters");
    }
    cJSON_ArrayForEach(m, meters)
    {
        if (strcmp(str_of(m, "meter"), meter) == 0) {
            take_entry(m, out);
            break;
        }
    }
    cJSON_Delete(doc);
    return K_OK;
}
