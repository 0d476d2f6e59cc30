/* Central commands at the kiosk (engine_central.h). */
#include "engine/engine_central.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "engine/engine_int.h"

#define OPEN_MAX 64

/* The commands this kiosk runs on a meter through the engine's command
 * gate (engine_meter_command: the meter's identity first). */
static bool meter_op(mcmd_t c, engine_meter_cmd_t *out)
{
    switch (c) {
    case MCMD_RELAY_TRIP: *out = METER_CMD_RELAY_TRIP; return true;
    case MCMD_RELAY_CLOSE: *out = METER_CMD_RELAY_CLOSE; return true;
    case MCMD_KEEP_POWER_ON: *out = METER_CMD_KEEP_ON; return true;
    case MCMD_KEEP_POWER_OFF: *out = METER_CMD_KEEP_OFF; return true;
    case MCMD_SET_ALARMS: *out = METER_CMD_SET_ALARMS; return true;
    case MCMD_SET_PRICES: *out = METER_CMD_SET_PRICES; return true;
    case MCMD_CREDIT:
    case MCMD_REFUND:
    case MCMD_OPEN_ACCOUNT:
    case MCMD_COUNT: break;
    }
    return false;
}

static int64_t param_int(const char *params, const char *name)
{
    cJSON *p = cJSON_Parse(params);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);
    int64_t out = cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15 ? (int64_t)v->valuedouble : -1;
    cJSON_Delete(p);
    return out;
}

/* A text parameter into out ("" when missing). */
static void param_str(const char *params, const char *name, char *out, size_t len)
{
    cJSON *p = cJSON_Parse(params);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);
    snprintf(out, len, "%s", cJSON_IsString(v) ? v->valuestring : "");
    cJSON_Delete(p);
}

/* What a command carries for the engine's gate: alarm amounts, or the
 * tariff whose prices and periods go to the meter. */
static kerr_t op_args(const engine_t *e, const ledger_command_t *c, tariff_t *t, engine_cmd_args_t *args,
                      kmsg_t *msg)
{
    *args = (engine_cmd_args_t){.alarm = {param_int(c->params, "alarm1"), param_int(c->params, "alarm2")}};
    if (c->command != MCMD_SET_PRICES)
        return K_OK;
    char text[256];
    param_str(c->params, "text", text, sizeof text);
    if (tariff_parse(text, e->cfg->currency->exponent, t, msg) != K_OK)
        return kmsg_set(msg, K_EINVAL, "the command's tariff '%s' is not one the kiosk reads: %s", text, msg->text);
    args->tariff = t;
    return K_OK;
}

static bool param_is(const char *params, const char *name, const char *want)
{
    cJSON *p = cJSON_Parse(params);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);
    bool same = cJSON_IsString(v) && strcmp(v->valuestring, want) == 0;
    cJSON_Delete(p);
    return same;
}

/* Whether this kiosk runs c at all: K_EDENIED saying why not. */
static kerr_t runnable(const engine_t *e, const ledger_command_t *c, kmsg_t *msg)
{
    engine_meter_cmd_t op;
    const registry_entry_t *line;
    kmsg_t why = {""};
    if (engine_meter_served(e, c->meter, &line, &why) != K_OK)
        return kmsg_set(msg, K_EDENIED, "meter %s is not at this kiosk's site: %s", c->meter, why.text);
    if (c->command == MCMD_CREDIT || c->command == MCMD_OPEN_ACCOUNT || c->command == MCMD_REFUND) {
        const char *cur = e->cfg ? e->cfg->currency_code : "";
        if (param_int(c->params, "amount") < 1)
            return kmsg_set(msg, K_EDENIED, "%s: no amount", mcmd_name(c->command));
        if (!param_is(c->params, "currency", cur))
            return kmsg_set(msg, K_EDENIED, "%s: not in this kiosk's currency %s", mcmd_name(c->command), cur);
        return K_OK;
    }
    if (!meter_op(c->command, &op))
        return kmsg_set(msg, K_EDENIED, "%s is not supported by this kiosk's software yet", mcmd_name(c->command));
    return K_OK;
}

static void alert(engine_t *e, const char *id, const char *meter, const char *why)
{
    char evidence[400];
    kmsg_t amsg;
    snprintf(evidence, sizeof evidence, "central command %s for meter %s refused: %s", id[0] ? id : "(no id)",
             meter[0] ? meter : "?", why);
    LOG_W("engine", "%s", evidence);
    if (ledger_raise_alert(e->ledger, "command_refused", evidence, &amsg) != K_OK)
        LOG_E("engine", "the refusal could not be alerted: %s", amsg.text);
}

kerr_t engine_central_refuse(engine_t *e, const ledger_command_t *c, const char *envelope, const char *why,
                             kmsg_t *msg)
{
    alert(e, c->id, c->meter, why);
    if (!c->id[0])
        return K_OK;
    ledger_command_t r = *c;
    bool fresh;
    r.state = MCMD_REFUSED;
    snprintf(r.reason, sizeof r.reason, "%s", why);
    return ledger_command_record(e->ledger, &r, envelope, &fresh, msg);
}

kerr_t engine_central_accept(engine_t *e, const ledger_command_t *c, const char *envelope, bool *fresh, kmsg_t *msg)
{
    ledger_command_t known;
    bool found = false;
    *fresh = false;
    kerr_t rc = ledger_command_get(e->ledger, c->id, &known, &found, msg);
    if (rc || found)
        return rc == K_OK && known.state == MCMD_REFUSED ? kmsg_set(msg, K_EDENIED, "%s", known.reason) : rc;
    kmsg_t why = {""};
    if (runnable(e, c, &why) != K_OK) {
        rc = engine_central_refuse(e, c, envelope, why.text, msg);
        *fresh = true;
        return rc ? rc : kmsg_set(msg, K_EDENIED, "%s", why.text);
    }
    ledger_command_t r = *c;
    r.state = MCMD_RECEIVED;
    rc = ledger_command_record(e->ledger, &r, envelope, fresh, msg);
    engine__step(e, "central.recorded");
    return rc;
}

static kerr_t move(engine_t *e, const char *id, mcmd_event_t ev, const char *reason, const char *txn,
                   ledger_command_t *after, kmsg_t *msg)
{
    ledger_command_change_t ch = {.reason = reason, .txn = txn};
    return ledger_command_move(e->ledger, id, ev, &ch, after, msg);
}

/* What a read of the meter shows of its relay, for an outcome unknown. */
static void relay_seen(engine_t *e, const char *meter, char *out, size_t len)
{
    gw_reading_t r;
    kmsg_t why = {""};
    if (e->gw->ops->read(e->gw->ctx, &(gw_target_t){.meter = meter}, GW_READ_STATUS, &r, &why) == GW_OK &&
        (r.have & GW_READ_STATUS))
        snprintf(out, len, "a read of the meter shows its relay %s", r.relay_open ? "open (supply cut)" : "closed");
    else
        snprintf(out, len, "the meter could not be read (%s)", why.text[0] ? why.text : "no answer");
}

/* Ends a command that may have reached the meter, without sending it again. */
static kerr_t end_unknown(engine_t *e, const ledger_command_t *c, const char *what, ledger_command_t *after,
                          kmsg_t *msg)
{
    char seen[200], reason[LEDGER_REASON_LEN];
    relay_seen(e, c->meter, seen, sizeof seen);
    snprintf(reason, sizeof reason, "%s; not sent again; %s", what, seen);
    return move(e, c->id, MCMD_EV_LOST, reason, NULL, after, msg);
}

static kerr_t run_meter_op(engine_t *e, const ledger_command_t *c, ledger_command_t *after, kmsg_t *msg)
{
    engine_meter_cmd_t op = METER_CMD_COUNT;
    char actor[96], reason[160];
    meter_op(c->command, &op);
    kerr_t rc = move(e, c->id, MCMD_EV_START, NULL, NULL, NULL, msg);
    if (rc)
        return rc;
    engine__step(e, "central.acting");
    snprintf(actor, sizeof actor, "central:%s", c->operator_name);
    snprintf(reason, sizeof reason, "central command %s", c->id);
    kmsg_t why = {""};
    tariff_t t;
    engine_cmd_args_t args;
    if (op_args(e, c, &t, &args, &why) != K_OK) /* nothing sent */
        return move(e, c->id, MCMD_EV_FAIL, why.text, NULL, after, msg);
    rc = engine_meter_command(e, c->meter, op, &args, actor, reason, &why);
    engine__step(e, "central.sent");
    if (rc == K_OK)
        return move(e, c->id, MCMD_EV_DONE, "", NULL, after, msg);
    /* nothing was sent: the identity check stopped it ("nothing sent"), the
     * arguments or the profile do not allow it (K_EINVAL), no such meter */
    if (rc == K_ECONFLICT || rc == K_EINVAL || rc == K_ENOTFOUND || strstr(why.text, "nothing sent"))
        return move(e, c->id, MCMD_EV_FAIL, why.text, NULL, after, msg);
    char what[LEDGER_REASON_LEN];
    snprintf(what, sizeof what, "the meter did not confirm it (%.80s)", why.text);
    return end_unknown(e, c, what, after, msg);
}

/* The meter's balance after a delivered credit: what the delivery read,
 * else a read now; false if neither. */
static bool balance_after(engine_t *e, const char *meter, const engine_delivered_t *d, int64_t *out)
{
    gw_reading_t r;
    if (d && d->has_balance) {
        *out = d->balance;
        return true;
    }
    if (e->gw->ops->read(e->gw->ctx, &(gw_target_t){.meter = meter}, GW_READ_BALANCE, &r, NULL) != GW_OK ||
        !(r.have & GW_READ_BALANCE))
        return false;
    *out = r.balance;
    return true;
}

/* The command's outcome from its sale's state: a delivered sale is done
 * (balance and count after), a parked one unknown, one closed without
 * delivery failed; one still under way (delivery_pending) leaves the
 * command acting until it ends. */
static kerr_t from_sale(engine_t *e, const ledger_command_t *c, const engine_delivered_t *d, ledger_command_t *after,
                        kmsg_t *msg)
{
    ledger_txn_t t;
    kerr_t rc = ledger_get(e->ledger, c->txn, &t, msg);
    if (rc)
        return rc;
    ledger_command_change_t ch = {.reason = t.reason};
    mcmd_event_t ev = MCMD_EV_COUNT;
    if (t.state == TXN_DELIVERED) {
        ev = MCMD_EV_DONE;
        ch.reason = "";
        ch.count_after = t.purchase_count;
        ch.has_after = balance_after(e, c->meter, d, &ch.balance_after);
    } else if (t.state == TXN_NEEDS_RECONCILIATION) {
        ev = MCMD_EV_LOST;
    } else if (txn_state_is_final(t.state)) {
        ev = MCMD_EV_FAIL;
    }
    if (ev != MCMD_EV_COUNT)
        return ledger_command_move(e->ledger, c->id, ev, &ch, after, msg);
    if (after)
        *after = *c;
    return K_OK;
}

/* Takes the central payment and delivers: the sale's own steps, each
 * committed, so a crash anywhere is finished by sale recovery. */
static kerr_t pay_and_deliver(engine_t *e, const ledger_command_t *c, ledger_command_t *after, kmsg_t *msg)
{
    ledger_txn_t t;
    kerr_t rc = ledger_get(e->ledger, c->txn, &t, msg);
    if (rc == K_OK && t.state == TXN_PAYMENT_PENDING && t.paid >= t.amount)
        rc = engine_finish_payment(e, c->txn, msg);
    else if (rc == K_OK && t.state == TXN_PAYMENT_PENDING) {
        engine_paid_t paid;
        engine_watch_t w = {.reference = c->id};
        rc = engine_sale_pay(e, c->txn, &w, &paid, msg);
    }
    engine__step(e, "central.paid");
    engine_delivered_t d = {0};
    if (rc == K_OK && (rc = ledger_get(e->ledger, c->txn, &t, msg)) == K_OK && t.state == TXN_PAID)
        rc = engine_sale_deliver(e, c->txn, &d, msg);
    return rc ? rc : from_sale(e, c, &d, after, msg);
}

static kerr_t run_credit(engine_t *e, ledger_command_t *c, ledger_command_t *after, kmsg_t *msg)
{
    sale_req_t req = {.meter = c->meter, .customer = "", .method = METHOD_CENTRAL,
                      .amount = param_int(c->params, "amount")};
    char txn[UUID_STR_LEN];
    kmsg_t why = {""};
    if (engine_sale_open(e, &req, NULL, txn, &why) != K_OK)
        return move(e, c->id, MCMD_EV_FAIL, why.text, NULL, after, msg);
    engine__step(e, "central.sale_opened");
    kerr_t rc = move(e, c->id, MCMD_EV_START, NULL, txn, c, msg);
    engine__step(e, "central.acting");
    return rc ? rc : pay_and_deliver(e, c, after, msg);
}

static kerr_t do_run(engine_t *e, const char *id, ledger_command_t *after, kmsg_t *msg)
{
    ledger_command_t c;
    bool found = false;
    kerr_t rc = ledger_command_get(e->ledger, id, &c, &found, msg);
    if (rc == K_OK && !found)
        return kmsg_set(msg, K_ENOTFOUND, "no central command %s", id);
    if (rc || c.state != MCMD_RECEIVED) {
        if (rc == K_OK && after)
            *after = c;
        return rc;
    }
    kmsg_t why = {""};
    if (c.expires_at <= kclock_wall(e->clk))
        return move(e, id, MCMD_EV_EXPIRE, "not run before its expiry", NULL, after, msg);
    if (runnable(e, &c, &why) != K_OK)
        return move(e, id, MCMD_EV_REFUSE, why.text, NULL, after, msg);
    if (c.command == MCMD_REFUND)
        return engine__central_refund(e, &c, param_int(c.params, "amount"), after, msg);
    if (c.command == MCMD_CREDIT || c.command == MCMD_OPEN_ACCOUNT) /* the latter's delivery opens the account */
        return run_credit(e, &c, after, msg);
    return run_meter_op(e, &c, after, msg);
}

kerr_t engine_central_run(engine_t *e, const char *id, ledger_command_t *after, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "central command", msg, do_run(e, id, after, msg));
}

/* One open command at start, as mcmd_restart says. */
static kerr_t restart_one(engine_t *e, ledger_command_t *c, kmsg_t *msg)
{
    bool expired = c->expires_at <= kclock_wall(e->clk);
    switch (mcmd_restart(c->state, c->command, expired, c->txn[0] != '\0')) {
    case MCMD_RESTART_RUN: return do_run(e, c->id, c, msg);
    case MCMD_RESTART_EXPIRE: return move(e, c->id, MCMD_EV_EXPIRE, "not run before its expiry", NULL, c, msg);
    case MCMD_RESTART_FINISH_SALE: return pay_and_deliver(e, c, c, msg);
    case MCMD_RESTART_READ: return end_unknown(e, c, "interrupted while it was being sent", c, msg);
    case MCMD_RESTART_SETTLE_REFUND: return engine__central_refund_settle(e, c, c, msg);
    case MCMD_RESTART_NOTHING: break;
    }
    return K_OK;
}

static kerr_t do_recover(engine_t *e, int *n, kmsg_t *msg)
{
    ledger_command_t open[OPEN_MAX];
    size_t count = 0;
    *n = 0;
    kerr_t rc = ledger_command_open(e->ledger, open, OPEN_MAX, &count, msg);
    for (size_t i = 0; rc == K_OK && i < count; i++) {
        rc = restart_one(e, &open[i], msg);
        *n += rc == K_OK && mcmd_state_final(open[i].state);
    }
    return rc;
}

kerr_t engine_central_recover(engine_t *e, int *n, kmsg_t *msg)
{
    ENGINE_LOCKED(e, "central commands' recovery", msg, do_recover(e, n, msg));
}
