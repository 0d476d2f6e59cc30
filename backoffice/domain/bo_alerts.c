/* Alerts for staff (bo_alerts.h). */
#include "backoffice/domain/bo_alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_docs.h"
#include "base/log.h"

kerr_t bo_alert_ack(bo_store_t *st, const bo_who_t *who, int64_t id, const char *reason, kmsg_t *msg)
{
    if (!reason || !reason[0])
        return kmsg_set(msg, K_EINVAL, "say why with --reason");
    bo_op_t op;
    bool found = false, changed = false;
    char target[40];
    snprintf(target, sizeof target, "alert #%lld", (long long)id);
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->log->alert_ack(st->ctx, id, who->now, who->actor, reason, &found, &changed, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "there is no alert #%lld; see `backoffice alerts`", (long long)id);
    else if (rc == K_OK && !changed)
        rc = kmsg_set(msg, K_ESTATE, "alert #%lld was acknowledged already; see `backoffice alerts`", (long long)id);
    return bo_op_end(&op, rc, "alert.ack", target, reason, NULL, NULL, NULL);
}

kerr_t bo_alert_on_upload(bo_store_t *st, const bo_alert_t *a, int64_t now, kmsg_t *msg)
{
    bool changed = false;
    if (strcmp(a->kind, "meter_answering") != 0)
        return K_OK;
    return st->ops->log->alert_clear(st->ctx, "meter_silent", "", a->meter, now, &changed, msg);
}

/* A kiosk and its last heartbeat, as listed. */
typedef struct heard {
    char kiosk[65];
    int64_t at;
} heard_t;

typedef struct heard_list {
    heard_t *v;
    size_t n, cap;
    bool oom;
} heard_list_t;

static void keep(void *arg, const char *kiosk, int64_t at)
{
    heard_list_t *l = arg;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        heard_t *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    snprintf(l->v[l->n].kiosk, sizeof l->v[l->n].kiosk, "%s", kiosk);
    l->v[l->n++].at = at;
}

/* The kiosk's setting key, or its default. */
static kerr_t setting(bo_store_t *st, const char *kiosk, const char *key, int64_t *v, kmsg_t *msg)
{
    bool found = false;
    *v = bo_setting(key)->def;
    return st->ops->fleet->setting_get(st->ctx, kiosk, key, v, &found, msg);
}

/* One kiosk: raised or cleared as its silence says. */
static kerr_t check_one(bo_store_t *st, const heard_t *h, int64_t now, int *raised, int *cleared, kmsg_t *msg)
{
    int64_t period = 0, beats = 0;
    bool open = false, changed = false;
    kerr_t rc = setting(st, h->kiosk, "heartbeat_seconds", &period, msg);
    if (rc == K_OK)
        rc = setting(st, h->kiosk, "silent_heartbeats", &beats, msg);
    if (rc == K_OK)
        rc = st->ops->log->alert_open(st->ctx, "kiosk_silent", h->kiosk, "", &open, msg);
    if (rc)
        return rc;
    bool silent = now - h->at > period * 1000 * beats;
    if (silent && !open) {
        char evidence[256];
        snprintf(evidence, sizeof evidence,
                 "kiosk %s sent no heartbeat for %lld s (more than %lld heartbeats of %lld s); check its power and "
                 "network",
                 h->kiosk, (long long)((now - h->at) / 1000), (long long)beats, (long long)period);
        LOG_W("alerts", "%s", evidence);
        *raised += 1;
        return st->ops->log->alert_about(st->ctx, now, "kiosk_silent", h->kiosk, evidence, msg);
    }
    if (!silent && open && (rc = st->ops->log->alert_clear(st->ctx, "kiosk_silent", h->kiosk, "", now, &changed, msg)) == K_OK)
        *cleared += changed;
    return rc;
}

kerr_t bo_silence_check(bo_store_t *st, int64_t now, int *raised, int *cleared, kmsg_t *msg)
{
    heard_list_t l = {0};
    *raised = *cleared = 0;
    kerr_t rc = st->ops->log->heartbeat_each(st->ctx, keep, &l, msg);
    if (rc == K_OK && l.oom)
        rc = kmsg_set(msg, K_EIO, "out of memory listing the kiosks");
    for (size_t i = 0; rc == K_OK && i < l.n; i++) {
        bo_op_t op;
        if ((rc = bo_op_begin(&op, st, NULL, msg)) == K_OK)
            rc = bo_op_commit(&op, check_one(st, &l.v[i], now, raised, cleared, msg));
    }
    free(l.v);
    return rc;
}
