/* Central commands, staff's side (bo_command.h): issuing one (checked,
 * signed, queued, audited), cancelling one still queued, and the JSON of
 * one for the staff API. The kiosk's side is bo_command_kiosk.c. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_command.h"
#include "base/kjson.h"
#include "base/uuid.h"
#include "core/command.h"

typedef struct tariff_find {
    const char *id;
    char currency[4], text[512];
    bool found;
} tariff_find_t;

static void tariff_cb(void *arg, const bo_tariff_rec_t *t)
{
    tariff_find_t *f = arg;
    if (!f->found && strcmp(t->id, f->id) == 0) {
        f->found = true;
        snprintf(f->currency, sizeof f->currency, "%s", t->currency);
        snprintf(f->text, sizeof f->text, "%s", t->text);
    }
}

static kerr_t params_prices(bo_store_t *st, const bo_cmd_spec_t *s, cJSON *p, kmsg_t *msg)
{
    if (!s->tariff || !s->tariff[0])
        return kmsg_set(msg, K_EINVAL, "set_prices needs --tariff ID (a tariff of `backoffice tariff list`)");
    tariff_find_t f = {.id = s->tariff};
    kerr_t rc = st->ops->docs->tariffs_each(st->ctx, tariff_cb, &f, msg);
    if (rc == K_OK && !f.found)
        return kmsg_set(msg, K_ENOTFOUND, "no tariff '%s': set it first with `backoffice tariff set`", s->tariff);
    if (rc == K_OK && !(kjson_add_str(p, "tariff", s->tariff) && kjson_add_str(p, "currency", f.currency) &&
                        kjson_add_str(p, "text", f.text)))
        rc = kmsg_set(msg, K_EIO, "out of memory");
    return rc;
}

static kerr_t params_money(const bo_cmd_spec_t *s, mcmd_t c, cJSON *p, kmsg_t *msg)
{
    const char *cur = s->currency && s->currency[0] ? s->currency : "CNY";
    if (s->amount < 1 || s->amount > 100000000)
        return kmsg_set(msg, K_EINVAL, "%s needs --amount N: minor units, 1 to 100000000", mcmd_name(c));
    if (strlen(cur) != 3)
        return kmsg_set(msg, K_EINVAL, "--currency %s: give an ISO 4217 code (CNY)", cur);
    bool ok = kjson_add_int(p, "amount", s->amount) && kjson_add_str(p, "currency", cur);
    if (c == MCMD_CREDIT || c == MCMD_OPEN_ACCOUNT) {
        const char *by = s->paid_by ? s->paid_by : "";
        if (strcmp(by, "counter") != 0 && strcmp(by, "online") != 0)
            return kmsg_set(msg, K_EINVAL, "%s needs --paid-by counter|online (where the money was taken)", mcmd_name(c));
        if (!s->reference || !s->reference[0] || strlen(s->reference) > 64)
            return kmsg_set(msg, K_EINVAL, "%s needs --reference R (the central payment's, 1 to 64 bytes)",
                            mcmd_name(c));
        ok = ok && kjson_add_str(p, "paid_by", by) && kjson_add_str(p, "reference", s->reference);
    }
    return ok ? K_OK : kmsg_set(msg, K_EIO, "out of memory");
}

static kerr_t params_of(bo_store_t *st, const bo_cmd_spec_t *s, mcmd_t c, cJSON *p, kmsg_t *msg)
{
    switch (c) {
    case MCMD_SET_ALARMS:
        if (s->alarm1 < 0 || s->alarm2 < 0 || s->alarm1 > 100000000 || s->alarm2 > 100000000)
            return kmsg_set(msg, K_EINVAL, "set_alarms needs --alarm1 N --alarm2 N (minor units, 0 to 100000000)");
        return kjson_add_int(p, "alarm1", s->alarm1) && kjson_add_int(p, "alarm2", s->alarm2)
                   ? K_OK
                   : kmsg_set(msg, K_EIO, "out of memory");
    case MCMD_SET_PRICES: return params_prices(st, s, p, msg);
    case MCMD_CREDIT:
    case MCMD_OPEN_ACCOUNT:
    case MCMD_REFUND: return params_money(s, c, p, msg);
    case MCMD_RELAY_TRIP:
    case MCMD_RELAY_CLOSE:
    case MCMD_KEEP_POWER_ON:
    case MCMD_KEEP_POWER_OFF: return K_OK;
    case MCMD_COUNT: break;
    }
    return kmsg_set(msg, K_EINVAL, "no such command");
}

kerr_t bo_command_kiosk_of(bo_store_t *st, const char *meter, char kiosk[65], kmsg_t *msg)
{
    char site[65] = "";
    bool found = false;
    kerr_t rc = st->ops->meters->meter_site(st->ctx, meter, site, &found, msg);
    if (rc == K_OK && (!found || !site[0]))
        return kmsg_set(msg, K_ENOTFOUND, "meter %s is %s: register it on its site first (`backoffice meter add`)",
                        meter, found ? "on no site" : "not registered");
    if (rc == K_OK)
        rc = st->ops->cmd->site_kiosk(st->ctx, site, kiosk, &found, msg);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "site %s of meter %s has no active kiosk to run the command", site, meter);
    return rc;
}

/* The signed document and its envelope into c->envelope. */
static kerr_t sign(const bo_key_t *key, bo_cmd_rec_t *c, const cJSON *params, kmsg_t *msg)
{
    cJSON *d = cJSON_CreateObject(), *p = cJSON_Duplicate(params, true);
    bool ok = d && p && kjson_add_str(d, "kind", "meter_command") && kjson_add_str(d, "id", c->id) &&
              kjson_add_str(d, "kiosk", c->kiosk) && kjson_add_str(d, "meter", c->meter) &&
              kjson_add_str(d, "command", c->command) && cJSON_AddItemToObject(d, "params", p);
    if (ok)
        p = NULL;
    ok = ok && kjson_add_str(d, "operator", c->operator_name) && kjson_add_time(d, "issued_at", c->issued_at) &&
         kjson_add_time(d, "expires_at", c->expires_at) && kjson_add_str(d, "batch", c->batch);
    char *text = ok ? kjson_print(d, false) : NULL;
    cJSON_Delete(p);
    cJSON_Delete(d);
    char *env = NULL;
    kerr_t rc = text ? bo_sign_text(key, c->id, text, &env, msg) : kmsg_set(msg, K_EIO, "out of memory");
    free(text);
    if (rc == K_OK && strlen(env) >= sizeof c->envelope)
        rc = kmsg_set(msg, K_EINVAL, "the command's document is too large (%zu bytes)", strlen(env));
    if (rc == K_OK)
        snprintf(c->envelope, sizeof c->envelope, "%s", env);
    free(env);
    return rc;
}

/* Fills c from spec: id, kiosk, times, params (checked) and envelope. */
static kerr_t prepare(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_cmd_spec_t *s,
                      bo_cmd_rec_t *c, kmsg_t *msg)
{
    mcmd_t cmd;
    memset(c, 0, sizeof *c);
    if (!s->command || !mcmd_from_name(s->command, &cmd))
        return kmsg_set(msg, K_EINVAL, "no command '%s': relay_trip, relay_close, keep_power_on, keep_power_off, "
                                       "set_alarms, set_prices, credit, refund", s->command ? s->command : "");
    if (s->expiry_s < 10 || s->expiry_s > 86400)
        return kmsg_set(msg, K_EINVAL, "a command expires 10 to 86400 seconds after it is issued, not %lld",
                        (long long)s->expiry_s);
    if (!s->operator_name || !s->operator_name[0] || !s->reason || !s->reason[0])
        return kmsg_set(msg, K_EINVAL, "a command needs --operator NAME and --reason TEXT (both audited)");
    uint8_t rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    uuid_v4_format(rnd, c->id);
    if (s->id && s->id[0])
        snprintf(c->id, sizeof c->id, "%s", s->id);
    snprintf(c->meter, sizeof c->meter, "%s", s->meter);
    snprintf(c->command, sizeof c->command, "%s", s->command);
    snprintf(c->state, sizeof c->state, "queued");
    snprintf(c->operator_name, sizeof c->operator_name, "%s", s->operator_name);
    snprintf(c->reason, sizeof c->reason, "%s", s->reason);
    snprintf(c->batch, sizeof c->batch, "%s", s->batch ? s->batch : "");
    snprintf(c->retry_of, sizeof c->retry_of, "%s", s->retry_of ? s->retry_of : "");
    c->attempt = s->attempt ? s->attempt : 1;
    c->not_before = s->not_before;
    c->issued_at = c->updated_at = who->now;
    c->expires_at = (s->not_before > who->now ? s->not_before : who->now) + s->expiry_s * 1000;
    cJSON *p = cJSON_CreateObject();
    kerr_t rc = p ? params_of(st, s, cmd, p, msg) : kmsg_set(msg, K_EIO, "out of memory");
    char *text = rc == K_OK ? kjson_print(p, false) : NULL;
    if (rc == K_OK && (!text || strlen(text) >= sizeof c->params))
        rc = kmsg_set(msg, K_EINVAL, "the command's parameters are too long");
    if (rc == K_OK)
        snprintf(c->params, sizeof c->params, "%s", text);
    free(text);
    if (rc == K_OK)
        rc = bo_command_kiosk_of(st, c->meter, c->kiosk, msg);
    if (rc == K_OK)
        rc = sign(key, c, p, msg);
    cJSON_Delete(p);
    return rc;
}

kerr_t bo_command_queue(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_cmd_spec_t *spec,
                        bo_cmd_rec_t *out, kmsg_t *msg)
{
    kerr_t rc = prepare(st, key, who, spec, out, msg);
    return rc ? rc : st->ops->cmd->add(st->ctx, out, msg);
}

kerr_t bo_command_issue(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_cmd_spec_t *spec,
                        bo_cmd_rec_t *out, kmsg_t *msg)
{
    bo_op_t op;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc)
        return rc;
    rc = bo_command_queue(st, key, who, spec, out, msg);
    char detail[1200];
    snprintf(detail, sizeof detail, "%s %s %s operator %s kiosk %s", out->id, out->command, out->params,
             out->operator_name, out->kiosk);
    return bo_op_end(&op, rc, "command.issue", out->meter, spec->reason, detail, NULL, NULL);
}

kerr_t bo_command_cancel(bo_store_t *st, const bo_who_t *who, const char *id, const char *reason, kmsg_t *msg)
{
    bo_op_t op;
    bo_cmd_rec_t c;
    bool found = false;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc)
        return rc;
    rc = st->ops->cmd->get(st->ctx, id, &c, &found, msg);
    mcmd_state_t s = MCMD_STATE_COUNT;
    if (rc == K_OK && !found)
        rc = bo_op_nothing(msg, id);
    else if (rc == K_OK && (!mcmd_state_from_name(c.state, &s) || mcmd_next(s, MCMD_EV_CANCEL) == MCMD_STATE_COUNT))
        rc = kmsg_set(msg, K_ESTATE, "command %s is %s: only a command still queued can be cancelled", id, c.state);
    if (rc == K_OK) {
        snprintf(c.state, sizeof c.state, "%s", mcmd_state_name(MCMD_CANCELLED));
        snprintf(c.outcome, sizeof c.outcome, "cancelled by %s: %s", who->actor, reason ? reason : "");
        c.updated_at = who->now;
        rc = st->ops->cmd->set(st->ctx, &c, msg);
    }
    return bo_op_end(&op, rc, "command.cancel", found ? c.meter : id, reason, id, NULL, NULL);
}

static bool add_time_opt(cJSON *o, const char *name, int64_t ms)
{
    return ms ? kjson_add_time(o, name, ms) : cJSON_AddNullToObject(o, name) != NULL;
}

cJSON *bo_command_json(const bo_cmd_rec_t *c)
{
    cJSON *o = cJSON_CreateObject(), *p = cJSON_Parse(c->params);
    bool ok = o && kjson_add_str(o, "id", c->id) && kjson_add_str(o, "kiosk", c->kiosk) &&
              kjson_add_str(o, "meter", c->meter) && kjson_add_str(o, "command", c->command) &&
              cJSON_AddItemToObject(o, "params", p ? p : cJSON_CreateObject());
    p = NULL;
    ok = ok && kjson_add_str(o, "state", c->state) && kjson_add_str(o, "operator", c->operator_name) &&
         kjson_add_str(o, "reason", c->reason) && kjson_add_str(o, "outcome", c->outcome) &&
         kjson_add_str(o, "txn", c->txn) && kjson_add_str(o, "batch", c->batch) &&
         kjson_add_time(o, "issued_at", c->issued_at) && kjson_add_time(o, "expires_at", c->expires_at) &&
         add_time_opt(o, "sent_at", c->sent_at) && add_time_opt(o, "acked_at", c->acked_at) &&
         add_time_opt(o, "executed_at", c->executed_at) && add_time_opt(o, "not_before", c->not_before) &&
         kjson_add_int(o, "attempt", c->attempt) && kjson_add_str(o, "retry_of", c->retry_of);
    if (ok && c->has_after)
        ok = kjson_add_int(o, "balance_after", c->balance_after) && kjson_add_int(o, "count_after", c->count_after);
    else if (ok)
        ok = cJSON_AddNullToObject(o, "balance_after") && cJSON_AddNullToObject(o, "count_after");
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
