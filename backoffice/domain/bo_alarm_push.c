/* The notice levels as the meters' alarm amounts (bo_alarm_push.h). */
#include "backoffice/domain/bo_alarm_push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_notice.h"

static const char *const scope_names[BO_ALARM_SCOPE_COUNT] = {"site", "account", "meter"};

/* The protocols whose meters hold alarm amounts, and how many. */
static const struct {
    const char *protocol;
    int held;
} holders[] = {{"dlt645", 2}, {"modbus", 2}};

const char *bo_alarm_scope_name(bo_alarm_scope_t s)
{
    return s < BO_ALARM_SCOPE_COUNT ? scope_names[s] : "?";
}

int bo_alarm_held(const char *protocol)
{
    for (size_t i = 0; i < sizeof holders / sizeof holders[0]; i++)
        if (strcmp(holders[i].protocol, protocol) == 0)
            return holders[i].held;
    return 0;
}

bool bo_alarm_amounts(const bo_nlevels_t *lv, int held, int64_t out[2])
{
    if (held < 1)
        return false;
    out[0] = lv->level[0];
    out[1] = held >= 2 ? lv->level[2] : 0;
    return true;
}

bool bo_alarm_due(const bo_alarm_seen_t *seen, const int64_t want[2])
{
    static const char *const live[] = {"queued", "sent", "done"};
    if (!seen->has_last || seen->last[0] != want[0] || seen->last[1] != want[1])
        return true;
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++)
        if (strcmp(seen->last_state, live[i]) == 0)
            return false;
    return true;
}

/* A meter to write, with its amounts. */
typedef struct target {
    char meter[33];
    int64_t a[2];
} target_t;

typedef struct targets {
    target_t *t;
    int n;
    bool overflow;
} targets_t;

static void add_meter(void *arg, const char *meter)
{
    targets_t *l = arg;
    if (l->n == BO_BATCH_MAX_METERS)
        l->overflow = true;
    else
        snprintf(l->t[l->n++].meter, sizeof l->t[0].meter, "%s", meter);
}

/* The scope's meters into l. */
static kerr_t scope_meters(bo_store_t *st, const bo_alarm_spec_t *s, targets_t *l, kmsg_t *msg)
{
    kerr_t rc = K_OK;
    if (s->scope == BO_ALARM_SITE)
        rc = st->ops->batch->site_meters(st->ctx, s->id, add_meter, l, msg);
    else if (s->scope == BO_ALARM_ACCOUNT)
        rc = st->ops->meters->bound_each(st->ctx, s->id, add_meter, l, msg);
    else
        add_meter(l, s->id);
    if (rc == K_OK && l->overflow)
        rc = kmsg_set(msg, K_EINVAL, "at most %d meters at once", BO_BATCH_MAX_METERS);
    return rc;
}

/* Whether t's meter is to be written (t->a its amounts), counting why
 * not in out. */
static kerr_t consider(bo_store_t *st, const bo_notices_cfg_t *cfg, target_t *t, bool *go, bo_alarm_out_t *out,
                       kmsg_t *msg)
{
    char account[65] = "", kiosk[65];
    bool bound = false;
    bo_alarm_seen_t seen;
    bo_nlevels_t lv;
    kmsg_t why = {{0}};
    *go = false;
    kerr_t rc = st->ops->notice->alarm_seen(st->ctx, t->meter, &seen, msg);
    if (rc == K_OK && !seen.registered)
        return kmsg_set(msg, K_ENOTFOUND, "meter %s is not registered", t->meter);
    int held = rc == K_OK ? bo_alarm_held(seen.protocol) : 0;
    if (rc == K_OK && held == 0) {
        out->unsupported++;
        return K_OK;
    }
    if (rc == K_OK && bo_command_kiosk_of(st, t->meter, kiosk, &why) == K_ENOTFOUND) {
        out->no_kiosk++;
        return K_OK;
    }
    if (rc == K_OK)
        rc = st->ops->meters->binding_of(st->ctx, t->meter, account, &bound, msg);
    if (rc == K_OK)
        rc = bo_notice_levels_of(st, cfg, bound ? account : "", t->meter, &lv, msg);
    if (rc)
        return rc;
    bo_alarm_amounts(&lv, held, t->a);
    *go = bo_alarm_due(&seen, t->a);
    out->current += !*go;
    return K_OK;
}

static int by_amounts(const void *x, const void *y)
{
    const target_t *a = x, *b = y;
    if (a->a[0] != b->a[0])
        return a->a[0] < b->a[0] ? -1 : 1;
    if (a->a[1] != b->a[1])
        return a->a[1] < b->a[1] ? -1 : 1;
    return strcmp(a->meter, b->meter);
}

/* One batch for the n targets from t (all of the same amounts). */
static kerr_t one_batch(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_alarm_spec_t *s,
                        const target_t *t, int n, bo_alarm_out_t *out, kmsg_t *msg)
{
    char reason[160];
    const char **ids = calloc((size_t)n, sizeof *ids);
    if (!ids)
        return kmsg_set(msg, K_EIO, "out of memory");
    for (int i = 0; i < n; i++)
        ids[i] = t[i].meter;
    snprintf(reason, sizeof reason, "the notice levels of %s %s as alarm amounts", bo_alarm_scope_name(s->scope),
             s->id);
    bo_batch_spec_t b = {.cmd = {.command = "set_alarms", .operator_name = s->operator_name, .reason = reason,
                                 .expiry_s = s->expiry_s, .alarm1 = t[0].a[0], .alarm2 = t[0].a[1]},
                         .meters = ids, .nmeters = n, .retries = 0};
    bo_cmd_batch_t rec;
    int made = 0;
    kerr_t rc = bo_batch_create(st, key, who, &b, &rec, &made, msg);
    free(ids);
    if (rc)
        return rc;
    if (out->batches < BO_ALARM_BATCHES) {
        snprintf(out->batch[out->batches], sizeof out->batch[0], "%s", rec.id);
        out->amounts[out->batches][0] = t[0].a[0];
        out->amounts[out->batches][1] = t[0].a[1];
        out->batch_meters[out->batches] = made;
    }
    out->batches++;
    out->queued += made;
    return K_OK;
}

/* The targets kept, grouped by amounts, one batch per group. */
static kerr_t queue_groups(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_alarm_spec_t *s,
                           targets_t *l, bo_alarm_out_t *out, kmsg_t *msg)
{
    kerr_t rc = K_OK;
    qsort(l->t, (size_t)l->n, sizeof l->t[0], by_amounts);
    for (int i = 0, j; rc == K_OK && i < l->n; i = j) {
        for (j = i + 1; j < l->n && l->t[j].a[0] == l->t[i].a[0] && l->t[j].a[1] == l->t[i].a[1]; j++)
            ;
        rc = one_batch(st, key, who, s, l->t + i, j - i, out, msg);
    }
    return rc;
}

kerr_t bo_alarm_push(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_notices_cfg_t *cfg,
                     const bo_alarm_spec_t *spec, bo_alarm_out_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    if (!spec->id || !spec->id[0] || !spec->operator_name || !spec->operator_name[0])
        return kmsg_set(msg, K_EINVAL, "give the %s and --operator NAME", bo_alarm_scope_name(spec->scope));
    targets_t l = {calloc(BO_BATCH_MAX_METERS, sizeof(target_t)), 0, false};
    if (!l.t)
        return kmsg_set(msg, K_EIO, "out of memory");
    kerr_t rc = scope_meters(st, spec, &l, msg);
    out->meters = l.n;
    int kept = 0;
    for (int i = 0; rc == K_OK && i < l.n; i++) {
        bool go = false;
        rc = consider(st, cfg, &l.t[i], &go, out, msg);
        if (go)
            l.t[kept++] = l.t[i];
    }
    l.n = kept;
    if (rc == K_OK)
        rc = queue_groups(st, key, who, spec, &l, out, msg);
    free(l.t);
    return rc;
}
