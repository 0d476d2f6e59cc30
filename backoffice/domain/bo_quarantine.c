/* Quarantine (bo_quarantine.h): held rows, and staff's release or discard. */
#include "backoffice/domain/bo_quarantine.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_audit.h"
#include "backoffice/domain/bo_ingest.h"

kerr_t bo_quarantine_hold(bo_store_t *st, const bo_held_t *h, int64_t now, int64_t *id, bool *fresh, kmsg_t *msg)
{
    bo_hold_rec_t r = {h->kiosk, h->seq, h->topic, h->meter, h->payload, bo_rule_name(h->rule), h->why, now};
    kerr_t rc = st->ops->held->hold(st->ctx, &r, id, fresh, msg);
    if (rc || !*fresh)
        return rc;
    char evidence[512];
    snprintf(evidence, sizeof evidence,
             "kiosk %s sent a %s row held for review as quarantine #%lld: %s; see `backoffice quarantine list`, then "
             "release or discard it",
             h->kiosk, h->topic, (long long)*id, h->why);
    return bo_alert_staff(st, now, "quarantine", h->meter, evidence, msg);
}

/* Held row id, still waiting for staff. */
static kerr_t load(bo_store_t *st, int64_t id, bo_held_rec_t *r, kmsg_t *msg)
{
    bool found;
    kerr_t rc = st->ops->held->get(st->ctx, id, r, &found, msg);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "there is no quarantined row #%lld; see `backoffice quarantine list`",
                        (long long)id);
    if (rc == K_OK && strcmp(r->state, "held") != 0)
        return kmsg_set(msg, K_ESTATE, "quarantined row #%lld was %s already; see `backoffice quarantine list --all`",
                        (long long)id, r->state);
    return rc;
}

/* A reservation's `seen` released: the count is recorded as seen. */
static kerr_t apply_count(bo_store_t *st, const bo_held_rec_t *r, const cJSON *p, int64_t now, kmsg_t *outcome,
                          kmsg_t *msg)
{
    int64_t seen = 0;
    kerr_t rc = bo_json_int(p, "seen", 0, INT64_MAX - 1, &seen, msg);
    if (rc == K_OK)
        rc = st->ops->counts->seen(st->ctx, r->meter, seen, now, msg);
    if (rc == K_OK)
        kmsg_set(outcome, K_OK, "kiosk %s's count reservation: count %lld of meter %s recorded as seen", r->kiosk,
                 (long long)seen, r->meter);
    return rc;
}

static kerr_t apply(bo_store_t *st, const bo_held_rec_t *r, int64_t now, kmsg_t *outcome, kmsg_t *msg)
{
    cJSON *p = cJSON_Parse(r->payload);
    if (!cJSON_IsObject(p)) {
        cJSON_Delete(p);
        return kmsg_set(msg, K_ECORRUPT, "the quarantined payload is not a JSON object");
    }
    kerr_t rc;
    if (strcmp(r->topic, BO_QUARANTINE_COUNT) == 0) {
        rc = apply_count(st, r, p, now, outcome, msg);
    } else {
        bo_row_t row = {.seq = r->seq, .payload = p};
        snprintf(row.topic, sizeof row.topic, "%s", r->topic);
        bo_row_status_t status;
        kmsg_t why = {{0}};
        rc = bo_ingest_row(st, NULL, r->kiosk, &row, now, &status, &why, msg);
        if (rc == K_OK)
            kmsg_set(outcome, K_OK, "kiosk %s's %s row (outbox seq %lld) applied: %s%s%s", r->kiosk, r->topic,
                     (long long)r->seq, bo_row_status_name(status), why.text[0] ? ": " : "", why.text);
    }
    cJSON_Delete(p);
    return rc;
}

/* Releases (applies) or discards held row id, in the operation. */
static kerr_t decide(bo_op_t *op, int64_t id, bool release, const char *note, kmsg_t *outcome)
{
    bo_store_t *st = op->st;
    bo_held_rec_t r = {0};
    kerr_t rc = load(st, id, &r, op->msg);
    if (rc == K_OK && release)
        rc = apply(st, &r, op->who->now, outcome, op->msg);
    if (rc == K_OK)
        rc = st->ops->held->decide(st->ctx, id, release ? "released" : "discarded", op->who->now, op->who->actor,
                                   note, op->msg);
    if (rc == K_OK && !release)
        kmsg_set(outcome, K_OK, "kiosk %s's %s row (outbox seq %lld) discarded, never applied", r.kiosk, r.topic,
                 (long long)r.seq);
    free(r.payload);
    return rc;
}

kerr_t bo_quarantine_decide(bo_store_t *st, const bo_who_t *who, int64_t id, bool release, const char *note,
                            kmsg_t *outcome, kmsg_t *msg)
{
    bo_op_t op;
    char target[40];
    snprintf(target, sizeof target, "quarantine #%lld", (long long)id);
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = decide(&op, id, release, note, outcome);
    return bo_op_end(&op, rc, release ? "quarantine.release" : "quarantine.discard", target, note, outcome->text,
                     NULL, NULL);
}
