/* Central commands, the kiosk's side (bo_command.h): picking up what is
 * queued for it, acknowledging, and the outcome it uploads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_command.h"
#include "core/command.h"

#define PICKUP_MAX 20

typedef struct picked {
    bo_cmd_rec_t *recs;
    int n;
} picked_t;

static void pick(void *arg, const bo_cmd_rec_t *c)
{
    picked_t *p = arg;
    if (p->n < PICKUP_MAX)
        p->recs[p->n++] = *c;
}

/* Marks c sent (the first time) and adds its envelope to arr. */
static kerr_t hand_over(bo_store_t *st, bo_cmd_rec_t *c, int64_t now, cJSON *arr, kmsg_t *msg)
{
    cJSON *env = cJSON_Parse(c->envelope);
    if (!env || !cJSON_AddItemToArray(arr, env)) {
        cJSON_Delete(env);
        return kmsg_set(msg, K_EIO, "command %s: its stored envelope cannot be read", c->id);
    }
    if (strcmp(c->state, "queued") != 0)
        return K_OK;
    snprintf(c->state, sizeof c->state, "%s", mcmd_state_name(MCMD_SENT));
    c->sent_at = c->updated_at = now;
    return st->ops->cmd->set(st->ctx, c, msg);
}

static kerr_t pickup(bo_store_t *st, const char *kiosk, int64_t now, cJSON *arr, kmsg_t *msg)
{
    int64_t n = 0;
    kerr_t rc = st->ops->cmd->expire_due(st->ctx, now, "not received by its kiosk before its expiry", &n, msg);
    bo_cmd_rec_t *recs = rc == K_OK ? calloc(PICKUP_MAX, sizeof *recs) : NULL;
    picked_t p = {recs, 0};
    if (rc == K_OK && !recs)
        rc = kmsg_set(msg, K_EIO, "out of memory");
    if (rc == K_OK)
        rc = st->ops->cmd->pending_each(st->ctx, kiosk, now, PICKUP_MAX, pick, &p, msg);
    for (int i = 0; rc == K_OK && i < p.n; i++)
        rc = hand_over(st, &recs[i], now, arr, msg);
    free(recs);
    return rc;
}

kerr_t bo_command_pickup(bo_store_t *st, const char *kiosk, int64_t now, cJSON **out, kmsg_t *msg)
{
    *out = cJSON_CreateArray();
    if (!*out)
        return kmsg_set(msg, K_EIO, "out of memory");
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, st, NULL, msg);
    if (rc == K_OK)
        rc = bo_op_commit(&op, pickup(st, kiosk, now, *out, msg));
    if (rc) {
        cJSON_Delete(*out);
        *out = NULL;
    }
    return rc;
}

/* The kiosk's own command id into c; K_ENOTFOUND for another's. */
static kerr_t own(bo_store_t *st, const char *kiosk, const char *id, bo_cmd_rec_t *c, kmsg_t *msg)
{
    bool found = false;
    kerr_t rc = st->ops->cmd->get(st->ctx, id, c, &found, msg);
    if (rc == K_OK && (!found || strcmp(c->kiosk, kiosk) != 0))
        rc = kmsg_set(msg, K_ENOTFOUND, "kiosk %s has no command '%s'", kiosk, id);
    return rc;
}

static kerr_t ack(bo_store_t *st, const char *kiosk, const char *id, const char *status, const char *reason,
                  int64_t now, kmsg_t *msg)
{
    bo_cmd_rec_t c;
    mcmd_state_t s = MCMD_STATE_COUNT;
    kerr_t rc = own(st, kiosk, id, &c, msg);
    if (rc)
        return rc;
    mcmd_state_from_name(c.state, &s);
    bool refused = strcmp(status, "refused") == 0;
    mcmd_state_t next = mcmd_next(s, refused ? MCMD_EV_REFUSE : MCMD_EV_SEND);
    if (next == MCMD_STATE_COUNT)
        return K_OK; /* its outcome is in already, or it was acknowledged refused before */
    if (!c.acked_at)
        c.acked_at = now;
    if (!c.sent_at)
        c.sent_at = now;
    snprintf(c.state, sizeof c.state, "%s", mcmd_state_name(next));
    if (refused)
        snprintf(c.outcome, sizeof c.outcome, "refused by kiosk %s: %s", kiosk, reason && reason[0] ? reason : "-");
    c.updated_at = now;
    return st->ops->cmd->set(st->ctx, &c, msg);
}

kerr_t bo_command_ack(bo_store_t *st, const char *kiosk, const char *id, const char *status, const char *reason,
                      int64_t now, kmsg_t *msg)
{
    if (strcmp(status, "received") != 0 && strcmp(status, "refused") != 0)
        return kmsg_set(msg, K_EINVAL, "'status' must be \"received\" or \"refused\", not \"%s\"", status);
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, st, NULL, msg);
    return rc ? rc : bo_op_commit(&op, ack(st, kiosk, id, status, reason, now, msg));
}

/* The outcome row's fields into c (malformed: K_EINVAL, why in reason). */
static kerr_t decode(const cJSON *p, bo_cmd_rec_t *c, mcmd_state_t *to, kmsg_t *reason)
{
    char id[37], state[16];
    int64_t at = 0;
    kerr_t rc = bo_json_str(p, "id", id, sizeof id, reason);
    if (rc == K_OK)
        rc = bo_json_str(p, "state", state, sizeof state, reason);
    if (rc == K_OK && !mcmd_state_from_name(state, to))
        rc = kmsg_set(reason, K_EINVAL, "'state' \"%s\" is not a command's state", state);
    if (rc == K_OK)
        rc = bo_json_str_opt(p, "reason", c->outcome, sizeof c->outcome, reason);
    if (rc == K_OK)
        rc = bo_json_str_opt(p, "txn", c->txn, sizeof c->txn, reason);
    if (rc == K_OK)
        rc = bo_json_time(p, "at", &at, reason);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(p, "balance_after");
    c->has_after = rc == K_OK && b && !cJSON_IsNull(b);
    if (c->has_after)
        rc = bo_json_int(p, "balance_after", -2147483648LL, 2147483647LL, &c->balance_after, reason);
    if (rc == K_OK && c->has_after)
        rc = bo_json_int(p, "count_after", 0, 4294967295LL, &c->count_after, reason);
    snprintf(c->id, sizeof c->id, "%s", id);
    c->executed_at = at;
    return rc;
}

kerr_t bo_command_outcome(bo_store_t *st, const char *kiosk, const cJSON *payload, int64_t now, bool *taken,
                          kmsg_t *reason, kmsg_t *msg)
{
    bo_cmd_rec_t in = {0}, c;
    mcmd_state_t to = MCMD_STATE_COUNT, from = MCMD_STATE_COUNT;
    *taken = false;
    if (decode(payload, &in, &to, reason) != K_OK)
        return K_EINVAL;
    bool found = false;
    kerr_t rc = st->ops->cmd->get(st->ctx, in.id, &c, &found, msg);
    if (rc)
        return rc;
    if (!found || strcmp(c.kiosk, kiosk) != 0) {
        kmsg_set(reason, K_OK, "kiosk %s was given no command '%s'", kiosk, in.id);
        return K_EINVAL;
    }
    mcmd_state_from_name(c.state, &from);
    if (!mcmd_outcome_takes(from, to)) {
        kmsg_set(reason, K_OK, "command %s is %s already", c.id, c.state);
        return K_OK;
    }
    snprintf(c.state, sizeof c.state, "%s", mcmd_state_name(to));
    snprintf(c.outcome, sizeof c.outcome, "%s", in.outcome);
    snprintf(c.txn, sizeof c.txn, "%s", in.txn);
    c.has_after = in.has_after;
    c.balance_after = in.balance_after;
    c.count_after = in.count_after;
    c.executed_at = in.executed_at;
    c.updated_at = now;
    *taken = true;
    return st->ops->cmd->set(st->ctx, &c, msg);
}
