/* Offline selling limits (offline.h). */
#include "core/offline.h"

bool offline_is_offline(const offline_limits_t *l, const offline_facts_t *f)
{
    return f->last_failed || f->last_contact <= 0 || f->now - f->last_contact >= l->after_ms;
}

offline_verdict_t offline_check(const offline_limits_t *l, const offline_facts_t *f, int64_t amount)
{
    if (!offline_is_offline(l, f))
        return OFFLINE_ONLINE;
    if (f->last_contact > 0 && (l->hours <= 0 || f->now - f->last_contact >= l->hours * 3600000))
        return OFFLINE_TOO_LONG;
    if (amount > l->max_purchase)
        return OFFLINE_OVER_SALE;
    if (f->sold_since < 0 || amount > l->total || f->sold_since > l->total - amount) /* no overflow */
        return OFFLINE_OVER_TOTAL;
    return OFFLINE_OK;
}

const char *offline_verdict_text(offline_verdict_t v)
{
    switch (v) {
    case OFFLINE_ONLINE: return "online";
    case OFFLINE_OK: return "offline: selling within the offline limits";
    case OFFLINE_OVER_SALE: return "offline: this amount is above the most one sale may take while offline";
    case OFFLINE_OVER_TOTAL: return "offline: the kiosk has sold as much as it may until the back office answers";
    case OFFLINE_TOO_LONG: return "offline for too long: no sales until the back office answers";
    }
    return "offline";
}
