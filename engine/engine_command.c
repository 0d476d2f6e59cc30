/* Commands to meters, each behind one gate: before anything is sent, the
 * meter answering at the address the registry gives is read and must be
 * the registry's meter (core/meter_id.c decides). Each command is a row in
 * the table below: what it carries (checked and put in gateway terms
 * before the gate) and how it is sent. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "core/meter_id.h"
#include "engine/engine_int.h"

/* A command ready to send: its relay code or settings, and what the audit
 * row says it carried. */
typedef struct plan {
    gw_relay_t relay;
    gw_settings_t set;
    char detail[200];
} plan_t;

typedef kerr_t (*plan_fn)(const engine_cmd_args_t *args, plan_t *p, kmsg_t *msg);
typedef gw_err_t (*send_fn)(const engine_t *e, const char *meter, const plan_t *p, kmsg_t *msg);

static gw_err_t send_relay(const engine_t *e, const char *meter, const plan_t *p, kmsg_t *msg)
{
    return e->gw->ops->relay(e->gw->ctx, meter, p->relay, msg);
}

static gw_err_t send_settings(const engine_t *e, const char *meter, const plan_t *p, kmsg_t *msg)
{
    return e->gw->ops->write(e->gw->ctx, meter, &p->set, msg);
}

static kerr_t plan_alarms(const engine_cmd_args_t *a, plan_t *p, kmsg_t *msg)
{
    if (!a || a->alarm[0] < 0 || a->alarm[1] < 0)
        return kmsg_set(msg, K_EINVAL, "set_alarms needs two alarm amounts >= 0 (minor units)");
    p->set.have = GW_SET_ALARMS;
    p->set.alarm[0] = a->alarm[0];
    p->set.alarm[1] = a->alarm[1];
    snprintf(p->detail, sizeof p->detail, "alarm1=%lld alarm2=%lld", (long long)a->alarm[0], (long long)a->alarm[1]);
    return K_OK;
}

/* "at=480/peak,1320/valley": the day periods, for the audit row. */
static void periods_text(const gw_settings_t *set, char *out, size_t len)
{
    size_t n = strlen(out);
    for (size_t i = 0; i < set->n_periods && n < len; i++)
        n += (size_t)snprintf(out + n, len - n, "%s%u/%s", i ? "," : " at=", set->period[i].minute,
                              tariff_band_name(set->period[i].band));
}

static kerr_t plan_prices(const engine_cmd_args_t *a, plan_t *p, kmsg_t *msg)
{
    const tariff_t *t = a ? a->tariff : NULL;
    if (!t)
        return kmsg_set(msg, K_EINVAL, "set_prices needs a tariff");
    kerr_t rc = tariff_validate(t, msg);
    if (rc != K_OK)
        return rc;
    if (t->kind == TARIFF_TIERED)
        return kmsg_set(msg, K_EINVAL, "a tiered tariff is not written to meters: the profiles carry band prices and "
                                       "day periods (single or tou)");
    if (t->kind == TARIFF_TOU && t->n_sw > GW_MAX_PERIODS)
        return kmsg_set(msg, K_EINVAL, "the tariff has %zu switches a day; a meter's day table holds %d", t->n_sw,
                        GW_MAX_PERIODS);
    p->set.have = GW_SET_PRICES;
    for (int b = 0; b < BAND_COUNT; b++)
        p->set.price[b] = t->kind == TARIFF_TOU ? t->band_price[b] : t->price;
    if (t->kind == TARIFF_TOU) {
        p->set.have |= GW_SET_TOU;
        memcpy(p->set.period, t->sw, t->n_sw * sizeof t->sw[0]);
        p->set.n_periods = t->n_sw;
    }
    snprintf(p->detail, sizeof p->detail, "prices=%lld,%lld,%lld,%lld", (long long)p->set.price[0],
             (long long)p->set.price[1], (long long)p->set.price[2], (long long)p->set.price[3]);
    periods_text(&p->set, p->detail, sizeof p->detail);
    return K_OK;
}

static const struct {
    const char *name;
    gw_relay_t relay; /* send_relay's command */
    plan_fn plan;     /* NULL: the command carries nothing */
    send_fn send;
} commands[METER_CMD_COUNT] = {
    [METER_CMD_RELAY_TRIP] = {"relay_trip", GW_RELAY_TRIP, NULL, send_relay},
    [METER_CMD_RELAY_CLOSE] = {"relay_close", GW_RELAY_CLOSE, NULL, send_relay},
    [METER_CMD_KEEP_ON] = {"keep_power_on", GW_RELAY_KEEP_ON, NULL, send_relay},
    [METER_CMD_KEEP_OFF] = {"keep_power_off", GW_RELAY_KEEP_OFF, NULL, send_relay},
    [METER_CMD_SET_ALARMS] = {"set_alarms", GW_RELAY_TRIP, plan_alarms, send_settings},
    [METER_CMD_SET_PRICES] = {"set_prices", GW_RELAY_TRIP, plan_prices, send_settings},
};

const char *engine_meter_cmd_name(engine_meter_cmd_t cmd)
{
    return cmd < METER_CMD_COUNT ? commands[cmd].name : "?";
}

bool engine_meter_cmd_parse(const char *name, engine_meter_cmd_t *out)
{
    for (int c = 0; name && c < METER_CMD_COUNT; c++)
        if (strcmp(name, commands[c].name) == 0) {
            *out = (engine_meter_cmd_t)c;
            return true;
        }
    return false;
}

/* What the registry expects at the meter's address; *line is its registry
 * line, NULL without one (then only the meter number is known). */
static meter_id_t expected_id(const engine_t *e, const char *meter, const registry_entry_t **line)
{
    meter_id_t id = {.customer_known = false};
    snprintf(id.meter, sizeof id.meter, "%s", meter);
    *line = e->registry ? registry_find(e->registry, meter) : NULL;
    if (*line) {
        snprintf(id.customer, sizeof id.customer, "%s", (*line)->customer);
        id.customer_known = true;
    }
    return id;
}

static meter_id_t answered_id(const gw_reading_t *r)
{
    meter_id_t id = {.customer_known = r->id_customer_told};
    snprintf(id.meter, sizeof id.meter, "%s", r->id_meter);
    snprintf(id.customer, sizeof id.customer, "%s", r->id_customer);
    return id;
}

/* "meter 000000000002 (customer 100000000002)", as far as it is known. */
static void who(const meter_id_t *id, char *out, size_t len)
{
    if (!id->customer_known)
        snprintf(out, len, "meter %s", id->meter);
    else if (!id->customer[0])
        snprintf(out, len, "meter %s (no customer bound)", id->meter);
    else
        snprintf(out, len, "meter %s (customer %s)", id->meter, id->customer);
}

/* Where the registry line sends the meter's requests ("modbus unit 1 of
 * 10.0.0.5:502"). */
static void where(const engine_t *e, const registry_entry_t *line, char *out, size_t len)
{
    if (!line) {
        snprintf(out, len, "the gateway.* settings' address (no registry line)");
        return;
    }
    const char *gw = line->gateway[0] ? line->gateway : e->cfg->gateway_address;
    if (line->protocol == REGISTRY_MODBUS)
        snprintf(out, len, "modbus unit %d of %s", line->unit, gw);
    else
        snprintf(out, len, "%s address %s at %s", registry_proto_name(line->protocol), line->meter, gw);
}

/* The mismatch, for people: both identities, and what to correct. */
static void mismatch_text(const engine_t *e, meter_id_verdict_t v, const meter_id_t *want, const meter_id_t *got,
                          const registry_entry_t *line, kmsg_t *msg)
{
    char a[64], b[64], at[160];
    who(got, a, sizeof a);
    who(want, b, sizeof b);
    where(e, line, at, sizeof at);
    kmsg_set(msg, K_ECONFLICT, "nothing sent: %s answers at %s, where the registry puts %s; correct %s", a, at, b,
             v == METER_ID_OTHER_METER ? "that registry line (registry.path)"
                                       : "that registry line (registry.path) or the meter's account");
}

/* Reads who answers at meter's address and compares it with the registry:
 * K_OK only for the registry's meter; a mismatch is audited. */
static kerr_t confirm_identity(engine_t *e, const char *meter, engine_meter_cmd_t cmd, const char *actor,
                               const char *reason, kmsg_t *msg)
{
    gw_reading_t r;
    kmsg_t why = {""};
    gw_err_t err = e->gw->ops->read(e->gw->ctx, &(gw_target_t){.meter = meter}, GW_READ_IDENTITY, &r, &why);
    if (err != GW_OK)
        return kmsg_set(msg, engine_gw_error(err), "cannot tell which meter answers, nothing sent: %s", why.text);
    if (!(r.have & GW_READ_IDENTITY))
        return kmsg_set(msg, K_EDEVICE, "the gateway cannot tell which meter answers, nothing sent");
    const registry_entry_t *line;
    meter_id_t want = expected_id(e, meter, &line), got = answered_id(&r);
    meter_id_verdict_t v = meter_id_compare(&want, &got);
    if (v == METER_ID_SAME)
        return K_OK;
    mismatch_text(e, v, &want, &got, line, msg);
    LOG_W("engine", "meter %s: %s refused: %s", meter, commands[cmd].name, msg->text);
    char detail[320];
    snprintf(detail, sizeof detail, "%s %s: %s", commands[cmd].name, meter_id_verdict_name(v), msg->text);
    kmsg_t amsg;
    if (ledger_audit(e->ledger, actor, "identity_mismatch", meter, reason, detail, &amsg) != K_OK)
        LOG_E("engine", "meter %s: the identity mismatch could not be audited: %s", meter, amsg.text);
    return K_ECONFLICT;
}

kerr_t engine_meter_command(engine_t *e, const char *meter, engine_meter_cmd_t cmd, const engine_cmd_args_t *args,
                            const char *actor, const char *reason, kmsg_t *msg)
{
    if (cmd >= METER_CMD_COUNT)
        return kmsg_set(msg, K_EINVAL, "no such meter command (%d)", (int)cmd);
    plan_t p = {.relay = commands[cmd].relay};
    kerr_t rc = commands[cmd].plan ? commands[cmd].plan(args, &p, msg) : K_OK;
    if (rc != K_OK)
        return rc;
    if ((rc = confirm_identity(e, meter, cmd, actor, reason, msg)) != K_OK)
        return rc;
    gw_err_t err = commands[cmd].send(e, meter, &p, msg);
    if (err != GW_OK)
        return engine_gw_error(err);
    LOG_I("engine", "meter %s: %s by %s (%s) %s", meter, commands[cmd].name, actor, reason, p.detail);
    return ledger_audit(e->ledger, actor, commands[cmd].name, meter, reason, p.detail, msg);
}

kerr_t engine_relay(engine_t *e, const char *meter, gw_relay_t cmd, const char *actor, const char *reason,
                    kmsg_t *msg)
{
    static const engine_meter_cmd_t of[] = {[GW_RELAY_TRIP] = METER_CMD_RELAY_TRIP,
                                            [GW_RELAY_CLOSE] = METER_CMD_RELAY_CLOSE,
                                            [GW_RELAY_KEEP_ON] = METER_CMD_KEEP_ON,
                                            [GW_RELAY_KEEP_OFF] = METER_CMD_KEEP_OFF};
    if ((unsigned)cmd >= sizeof of / sizeof of[0])
        return kmsg_set(msg, K_EINVAL, "no such relay command (%d)", (int)cmd);
    return engine_meter_command(e, meter, of[cmd], NULL, actor, reason, msg);
}

kerr_t engine_read_frozen(engine_t *e, const char *meter, gw_frozen_t *out, kmsg_t *msg)
{
    gw_err_t err = e->gw->ops->read_frozen(e->gw->ctx, meter, out, msg);
    return engine_gw_error(err);
}
