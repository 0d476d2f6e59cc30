/* What the back office's signed documents change at the kiosk, and the
 * limits a sale is opened under when a back office is configured: the
 * back office's signed settings (max_purchase) and offline selling
 * (core/offline.c), with the facts read from the ledger; and which meters
 * the signed registry says may not be sold to. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "engine/engine_int.h"
#include "engine/registry.h"

/* Copies settings.name into *v if it is a whole number >= 0. */
static void take(const cJSON *s, const char *name, int64_t *v)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(s, name);
    if (cJSON_IsNumber(x) && x->valuedouble >= 0 && x->valuedouble < 9007199254740992.0 &&
        (double)(int64_t)x->valuedouble == x->valuedouble)
        *v = (int64_t)x->valuedouble;
}

kerr_t engine_sale_limits(engine_t *e, engine_limits_t *out, kmsg_t *msg)
{
    const kiosk_config_t *cfg = e->cfg;
    *out = (engine_limits_t){.scan_minutes = SCAN_MINUTES_DEFAULT,
                             .scan_after_midnight = SCAN_MIDNIGHT_DEFAULT,
                             .max_purchase = cfg->max_purchase,
                             .heartbeat_s = cfg->sync_heartbeat_s,
                             .offline = {.after_ms = cfg->sync_offline_after_s * 1000,
                                         .max_purchase = cfg->sync_offline_max_purchase,
                                         .total = cfg->sync_offline_total,
                                         .hours = cfg->sync_offline_hours}};
    ledger_doc_t d;
    bool found;
    kerr_t rc = ledger_doc_get(e->ledger, "settings", &d, &found, msg);
    if (rc || !found)
        return rc;
    cJSON *body = cJSON_Parse(d.body);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(body, "settings");
    take(s, "max_purchase", &out->max_purchase);
    take(s, "offline_max_purchase", &out->offline.max_purchase);
    take(s, "offline_total", &out->offline.total);
    take(s, "offline_hours", &out->offline.hours);
    take(s, "heartbeat_seconds", &out->heartbeat_s);
    take(s, "scan_minutes", &out->scan_minutes);
    take(s, "scan_after_midnight_minutes", &out->scan_after_midnight);
    const cJSON *off = cJSON_GetObjectItemCaseSensitive(s, "scan_after_midnight_minutes");
    if (cJSON_IsNumber(off) && off->valuedouble < 0)
        out->scan_after_midnight = -1;
    if (out->scan_minutes < 1)
        out->scan_minutes = SCAN_MINUTES_DEFAULT;
    out->from_document = d.version;
    cJSON_Delete(body);
    free(d.body);
    return K_OK;
}

static void money(const engine_t *e, int64_t v, char *buf, size_t len)
{
    money_format(v, e->cfg->currency, MONEY_RECEIPT, buf, len);
}

/* The verdict's words with the numbers a person needs. */
static kerr_t refuse(engine_t *e, offline_verdict_t v, const engine_limits_t *l, const offline_facts_t *f, kmsg_t *msg)
{
    char a[32], b[32];
    switch (v) {
    case OFFLINE_OVER_SALE:
        money(e, l->offline.max_purchase, a, sizeof a);
        return kmsg_set(msg, K_EBUSY, "%s (at most %s; sync.offline_max_purchase)", offline_verdict_text(v), a);
    case OFFLINE_OVER_TOTAL:
        money(e, l->offline.total, a, sizeof a);
        money(e, f->sold_since, b, sizeof b);
        return kmsg_set(msg, K_EBUSY, "%s (%s sold of %s; sync.offline_total)", offline_verdict_text(v), b, a);
    case OFFLINE_TOO_LONG:
        return kmsg_set(msg, K_EBUSY, "%s (more than %lld hours; sync.offline_hours)", offline_verdict_text(v),
                        (long long)l->offline.hours);
    case OFFLINE_ONLINE:
    case OFFLINE_OK: break;
    }
    return K_OK;
}

bool engine_selling_offline(engine_t *e)
{
    engine_limits_t l;
    ledger_sync_state_t st;
    kmsg_t msg;
    if (!e->cfg->sync_url[0] || engine_sale_limits(e, &l, &msg) != K_OK ||
        ledger_sync_state(e->ledger, &st, &msg) != K_OK)
        return false;
    offline_facts_t f = {.now = kclock_wall(e->clk), .last_contact = st.last_ok_at, .last_failed = st.failures > 0};
    return offline_is_offline(&l.offline, &f);
}

kerr_t engine__check_limits(engine_t *e, int64_t amount, kmsg_t *msg)
{
    if (!e->cfg->sync_url[0])
        return K_OK; /* no back office: the configured limits alone */
    engine_limits_t l;
    ledger_sync_state_t st;
    kerr_t rc = engine_sale_limits(e, &l, msg);
    if (rc || (rc = ledger_sync_state(e->ledger, &st, msg)))
        return rc;
    if (amount > l.max_purchase) {
        char a[32];
        money(e, l.max_purchase, a, sizeof a);
        return kmsg_set(msg, K_EINVAL, "amount is above %s, the most one sale may take (the back office's settings)",
                        a);
    }
    offline_facts_t f = {.now = kclock_wall(e->clk), .last_contact = st.last_ok_at, .last_failed = st.failures > 0};
    if (offline_is_offline(&l.offline, &f) && (rc = ledger_taken_since(e->ledger, st.last_ok_at, &f.sold_since, msg)))
        return rc;
    offline_verdict_t v = offline_check(&l.offline, &f, amount);
    if (v == OFFLINE_OK)
        LOG_W("engine", "offline (the back office has not answered): selling %lld within the offline limits",
              (long long)amount);
    return refuse(e, v, &l, &f, msg);
}

kerr_t engine_card_blocked(engine_t *e, const char *serial, bool *blocked, char *reason, size_t len, kmsg_t *msg)
{
    *blocked = false;
    if (len)
        reason[0] = '\0';
    ledger_doc_t d;
    bool found;
    kerr_t rc = ledger_doc_get(e->ledger, "blocked-cards", &d, &found, msg);
    if (rc || !found)
        return rc;
    cJSON *body = cJSON_Parse(d.body), *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(body, "cards"))
    {
        const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "serial"));
        const char *why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "reason"));
        if (s && strcasecmp(s, serial) == 0) {
            *blocked = true;
            snprintf(reason, len, "%s", why && why[0] ? why : "no reason given");
            break;
        }
    }
    cJSON_Delete(body);
    free(d.body);
    return K_OK;
}

kerr_t engine__registry_status(engine_t *e, const char *meter, registry_status_t *st, bool *found,
                               long long *version, kmsg_t *msg)
{
    ledger_doc_t d;
    bool have;
    *found = false;
    kerr_t rc = ledger_doc_get(e->ledger, "registry", &d, &have, msg);
    if (rc || !have)
        return rc;
    kmsg_t why = {""};
    rc = registry_doc_lookup(d.body, meter, st, &why);
    *version = (long long)d.version;
    free(d.body);
    if (rc)
        LOG_W("engine", "registry document version %lld not used: %s", *version, why.text);
    *found = rc == K_OK && st->listed;
    return K_OK;
}

kerr_t engine_meter_sellable(engine_t *e, const char *meter, kmsg_t *msg)
{
    registry_status_t st;
    bool found;
    long long version = 0;
    kerr_t rc = engine__registry_status(e, meter, &st, &found, &version, msg);
    if (rc || !found || st.sellable)
        return rc;
    if (strcmp(st.status, "removed") == 0)
        return kmsg_set(msg, K_ESTATE,
                        "meter %s was removed from service (back-office registry, version %lld): nothing can be "
                        "sold to it; check the meter number, or ask the utility's office",
                        meter, version);
    return kmsg_set(msg, K_ESTATE,
                    "meter %s may not be sold to: its account %s is closed (back-office registry, version %lld); "
                    "the resident should ask the utility's office",
                    meter, st.account[0] ? st.account : "(none)", version);
}
