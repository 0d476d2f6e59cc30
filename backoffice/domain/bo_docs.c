/* Building the documents (bo_docs.h) from the store, and their versions. */
#include "backoffice/domain/bo_docs.h"

#include <string.h>

#include "base/kjson.h"

static const char *const kinds[] = {"tariffs", "registry", "blocked-cards", "settings", "staff"};

static const bo_setting_def_t settings[] = {
    {"max_purchase", 100000, 1, 100000000, "largest purchase, minor units"},
    {"offline_max_purchase", 20000, 0, 100000000, "largest purchase while offline, minor units"},
    {"offline_total", 200000, 0, 1000000000, "total sold while offline before selling stops, minor units"},
    {"offline_hours", 72, 0, 8760, "hours offline after which selling stops"},
    {"heartbeat_seconds", 60, 10, 3600, "time between heartbeats"},
    {"sync_seconds", 30, 5, 3600, "time between outbox uploads when idle"},
    {"scan_minutes", 60, 1, 1440, "time between the collector's scans of every meter"},
    {"scan_after_midnight_minutes", 5, -1, 1439, "the day's scan this long after local midnight; -1 none"},
    {"silent_heartbeats", 3, 1, 1000, "heartbeats missed before a kiosk is reported silent"},
    {NULL, 0, 0, 0, NULL},
};

const bo_setting_def_t *bo_settings(void)
{
    return settings;
}

const bo_setting_def_t *bo_setting(const char *key)
{
    for (const bo_setting_def_t *d = settings; d->key; d++)
        if (strcmp(d->key, key) == 0)
            return d;
    return NULL;
}

bool bo_doc_kind_valid(const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

/* A new object at the end of the array arr. */
static cJSON *item(void *arr)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    return o;
}

static void add_tariff(void *arg, const bo_tariff_rec_t *t)
{
    cJSON *o = item(arg);
    kjson_add_str(o, "id", t->id);
    kjson_add_str(o, "currency", t->currency);
    kjson_add_str(o, "text", t->text);
}

/* A later version of a tariff: its own entry with the instant it takes
 * effect (the kiosk picks the latest not after a sale; docs/sync.md). */
static void add_tariff_version(void *arg, const bo_tariff_ver_t *v)
{
    bo_tariff_rec_t t = {v->id, v->currency, v->text};
    add_tariff(arg, &t);
    kjson_add_time(cJSON_GetArrayItem(arg, cJSON_GetArraySize(arg) - 1), "effective_at", v->from);
}

static kerr_t tariffs_body(bo_store_t *st, cJSON *arr, kmsg_t *msg)
{
    kerr_t rc = st->ops->docs->tariffs_each(st->ctx, add_tariff, arr, msg);
    return rc ? rc : st->ops->tariffv->each(st->ctx, "", add_tariff_version, arr, msg);
}

static void add_card(void *arg, const char *serial, const char *reason)
{
    cJSON *o = item(arg);
    kjson_add_str(o, "serial", serial);
    kjson_add_str(o, "reason", reason);
}

static void add_group(void *arg, const char *name, const char *perms)
{
    cJSON *o = item(arg);
    kjson_add_str(o, "name", name);
    kjson_add_str(o, "perms", perms);
}

static void add_operator(void *arg, const bo_operator_rec_t *op)
{
    cJSON *o = item(arg);
    kjson_add_str(o, "name", op->name);
    kjson_add_str(o, "group", op->group);
    kjson_add_str(o, "pin_hash", op->pin_hash);
    kjson_add_int(o, "disabled", op->disabled ? 1 : 0);
}

static void add_meter(void *arg, const bo_registry_rec_t *m)
{
    const char *const cols[] = {"meter", "customer", "protocol", "gateway", "kind", "tariff", "account", "status"};
    const char *const vals[] = {m->meter, m->customer, m->protocol, m->gateway, m->kind, m->tariff, m->account,
                                m->status};
    cJSON *o = item(arg);
    for (int i = 0; i < 8; i++)
        kjson_add_str(o, cols[i], vals[i]);
    cJSON_AddBoolToObject(o, "sellable", strcmp(m->status, "open") == 0 || strcmp(m->status, "unassigned") == 0);
    cJSON_AddBoolToObject(o, "first_purchase_zero_ok", m->first_zero_ok);
}

/* One object per registered meter, for the registry document: the
 * meter's fields, its account, status (open, unassigned, closed, removed),
 * whether it may be sold to, and whether its first purchase may be zero. */
static kerr_t registry_body(bo_store_t *st, cJSON *arr, kmsg_t *msg)
{
    return st->ops->meters->registry_each(st->ctx, add_meter, arr, msg);
}

/* The kiosk's settings: each one's value, or its default. */
static kerr_t settings_body(bo_store_t *st, const char *kiosk, cJSON *body, kmsg_t *msg)
{
    cJSON *lim = cJSON_AddObjectToObject(body, "settings");
    for (const bo_setting_def_t *d = settings; d->key; d++) {
        int64_t v = d->def;
        bool found;
        kerr_t rc = st->ops->fleet->setting_get(st->ctx, kiosk, d->key, &v, &found, msg);
        if (rc)
            return rc;
        kjson_add_int(lim, d->key, v);
    }
    return K_OK;
}

static kerr_t version_of(bo_store_t *st, const char *kind, const char *kiosk, int64_t *v, kmsg_t *msg)
{
    kerr_t rc = st->ops->docs->version(st->ctx, kind, kiosk, v, msg);
    if (rc == K_OK && *v < 0)
        rc = kmsg_set(msg, K_ENOTFOUND, "no %s document for kiosk %s", kind, kiosk);
    return rc;
}

static kerr_t body_of(bo_store_t *st, const char *kind, const char *kiosk, cJSON *b, kmsg_t *msg)
{
    void *c = st->ctx;
    if (strcmp(kind, "tariffs") == 0)
        return tariffs_body(st, cJSON_AddArrayToObject(b, "tariffs"), msg);
    if (strcmp(kind, "registry") == 0)
        return registry_body(st, cJSON_AddArrayToObject(b, "meters"), msg);
    if (strcmp(kind, "blocked-cards") == 0)
        return st->ops->docs->blocked_each(c, add_card, cJSON_AddArrayToObject(b, "cards"), msg);
    if (strcmp(kind, "settings") == 0)
        return settings_body(st, kiosk, b, msg);
    kerr_t rc = st->ops->staff->groups_each(c, add_group, cJSON_AddArrayToObject(b, "groups"), msg);
    return rc ? rc : st->ops->staff->operators_each(c, add_operator, cJSON_AddArrayToObject(b, "operators"), msg);
}

kerr_t bo_doc_build(bo_store_t *st, const char *kind, const char *kiosk, cJSON **body, int64_t *version, kmsg_t *msg)
{
    if (!bo_doc_kind_valid(kind))
        return kmsg_set(msg, K_ENOTFOUND, "no document kind '%s': use tariffs, registry, blocked-cards, settings or staff",
                        kind);
    kerr_t rc = version_of(st, kind, kiosk, version, msg);
    cJSON *b = cJSON_CreateObject();
    if (rc == K_OK)
        rc = body_of(st, kind, kiosk, b, msg);
    if (rc)
        cJSON_Delete(b);
    else
        *body = b;
    return rc;
}

kerr_t bo_doc_bump(bo_store_t *st, const char *kind, const char *kiosk, kmsg_t *msg)
{
    return st->ops->docs->bump(st->ctx, kind, kiosk, msg);
}

cJSON *bo_doc_versions(bo_store_t *st, const char *kiosk)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        int64_t v;
        if (version_of(st, kinds[i], kiosk, &v, NULL) == K_OK)
            kjson_add_int(o, kinds[i], v);
    }
    return o;
}
