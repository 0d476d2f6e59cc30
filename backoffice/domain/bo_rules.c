/* The plausibility rules (bo_rules.h). */
#include "backoffice/domain/bo_rules.h"

#include <string.h>

#include "backoffice/domain/bo_docs.h"

static const char *const names[] = {"", "amount_above_limit", "time_in_future", "count_jump", "register_absurd"};

const char *bo_rule_name(bo_rule_t r)
{
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "";
}

/* The largest sale the kiosk was told it may make (its settings document). */
static kerr_t max_purchase(const bo_rule_ctx_t *c, int64_t *out, kmsg_t *msg)
{
    bool found;
    *out = bo_setting("max_purchase")->def;
    return c->st->ops->fleet->setting_get(c->st->ctx, c->kiosk, "max_purchase", out, &found, msg);
}

kerr_t bo_rules_time(const bo_rule_ctx_t *c, const char *what, int64_t at, bo_rule_t *rule, kmsg_t *why)
{
    int64_t ahead = at - c->now;
    if (*rule == BO_RULE_NONE && ahead > c->set->clock_skew_s * 1000) {
        *rule = BO_RULE_FUTURE;
        kmsg_set(why, K_OK,
                 "time_in_future: its %s is %lld s ahead of the back office's clock (allowed: [quarantine] "
                 "clock_skew_seconds = %lld); check the kiosk's clock",
                 what, (long long)(ahead / 1000), (long long)c->set->clock_skew_s);
    }
    return K_OK;
}

kerr_t bo_rules_count(const bo_rule_ctx_t *c, const char *meter, int64_t count, bo_rule_t *rule, kmsg_t *why)
{
    int64_t highest = 0;
    if (*rule != BO_RULE_NONE || count <= c->set->count_jump)
        return K_OK;
    kerr_t rc = c->st->ops->counts->highest(c->st->ctx, meter, &highest, why);
    if (rc == K_OK && count - highest > c->set->count_jump) {
        *rule = BO_RULE_COUNT;
        kmsg_set(why, K_OK,
                 "count_jump: purchase count %lld of meter %s is %lld above the highest known, %lld (allowed: "
                 "[quarantine] count_jump = %lld)",
                 (long long)count, meter, (long long)(count - highest), (long long)highest,
                 (long long)c->set->count_jump);
    }
    return rc;
}

static kerr_t amount_rule(const bo_rule_ctx_t *c, const bo_txn_t *t, bo_rule_t *rule, kmsg_t *why)
{
    static const char *const what[] = {"amount", "paid", "delivered", "refunded"};
    const int64_t v[] = {t->amount, t->paid, t->delivered, t->refunded};
    int64_t limit = 0;
    kerr_t rc = max_purchase(c, &limit, why);
    for (int i = 0; rc == K_OK && *rule == BO_RULE_NONE && i < 4; i++)
        if (v[i] > limit) {
            *rule = BO_RULE_AMOUNT;
            kmsg_set(why, K_OK,
                     "amount_above_limit: its %s %lld is above kiosk %s's max_purchase %lld (minor units; "
                     "`backoffice settings set %s max_purchase N`)",
                     what[i], (long long)v[i], c->kiosk, (long long)limit, c->kiosk);
        }
    return rc;
}

kerr_t bo_rules_txn(const bo_rule_ctx_t *c, const bo_txn_t *t, bo_rule_t *rule, kmsg_t *why)
{
    *rule = BO_RULE_NONE;
    bo_rules_time(c, "created_at", t->created_at, rule, why);
    bo_rules_time(c, "updated_at", t->updated_at, rule, why);
    kerr_t rc = *rule == BO_RULE_NONE ? amount_rule(c, t, rule, why) : K_OK;
    if (rc == K_OK && t->purchase_count > 0)
        rc = bo_rules_count(c, t->meter, t->purchase_count, rule, why);
    return rc;
}

kerr_t bo_rules_reading(const bo_rule_ctx_t *c, const bo_reading_t *r, bo_rule_t *rule, kmsg_t *why)
{
    *rule = BO_RULE_NONE;
    bo_rules_time(c, "time", r->at, rule, why);
    if (*rule == BO_RULE_NONE && r->energy > c->set->max_register) {
        *rule = BO_RULE_REGISTER;
        kmsg_set(why, K_OK,
                 "register_absurd: its energy register %lld is above any meter's (allowed: [quarantine] "
                 "max_register = %lld)",
                 (long long)r->energy, (long long)c->set->max_register);
    }
    return bo_rules_count(c, r->meter, r->purchase_count, rule, why);
}
