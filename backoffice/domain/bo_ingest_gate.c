/* The gate every uploaded row naming a meter passes before it is applied:
 * the kiosk's scope, then the plausibility rules (docs/sync.md, "Scope"
 * and "Quarantine"). */
#include <stdio.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_ingest_int.h"
#include "backoffice/domain/bo_quarantine.h"
#include "backoffice/domain/bo_scope.h"
#include "base/kjson.h"

bo_rule_ctx_t bo__ingest_rule_ctx(const bo_in_t *in)
{
    return (bo_rule_ctx_t){.st = in->st, .set = in->rules, .now = in->now, .kiosk = in->kiosk};
}

static kerr_t reject_out_of_scope(const bo_in_t *in, const char *meter, const kmsg_t *why)
{
    char evidence[400];
    *in->status = BO_REJECTED;
    kmsg_set(in->reason, K_OK, "%s", why->text);
    snprintf(evidence, sizeof evidence, "kiosk %s uploaded a %s row (outbox seq %lld) refused: %s", in->kiosk,
             in->row->topic, (long long)in->row->seq, why->text);
    return bo_alert_staff(in->st, in->now, "out_of_scope", meter, evidence, in->msg);
}

static kerr_t hold(const bo_in_t *in, const char *meter, bo_rule_t rule, const kmsg_t *why)
{
    char *payload = kjson_print(in->row->payload, false);
    if (!payload)
        return kmsg_set(in->msg, K_EIO, "out of memory holding a row");
    bo_held_t h = {in->kiosk, in->row->seq, in->row->topic, meter, payload, rule, why->text};
    int64_t id = 0;
    bool fresh = false;
    kerr_t rc = bo_quarantine_hold(in->st, &h, in->now, &id, &fresh, in->msg);
    cJSON_free(payload);
    if (rc)
        return rc;
    *in->status = fresh ? BO_ACCEPTED : BO_DUPLICATE;
    kmsg_set(in->reason, K_OK, "%s (quarantine #%lld): %s", fresh ? "held for review" : "held for review already",
             (long long)id, why->text);
    return K_OK;
}

kerr_t bo__ingest_admit(const bo_in_t *in, const char *meter, bo_rule_t rule, const kmsg_t *why, bool *go)
{
    kmsg_t out;
    *go = true;
    if (!in->rules)
        return K_OK;
    kerr_t rc = meter[0] ? bo_scope_check(in->st, in->kiosk, meter, &out) : K_OK;
    if (rc == K_EIO)
        return kmsg_set(in->msg, K_EIO, "%s", out.text);
    if (rc == K_EDENIED) {
        *go = false;
        return reject_out_of_scope(in, meter, &out);
    }
    if (rule == BO_RULE_NONE)
        return K_OK;
    *go = false;
    return hold(in, meter, rule, why);
}
