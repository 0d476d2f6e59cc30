/* Commands to meters, each behind one gate: before anything is sent, the
 * meter answering at the address the registry gives is read and must be
 * the registry's meter (core/meter_id.c decides). Relay trip and close
 * today; a later command (keep power, alarm amounts, prices, refunds) is a
 * row in the table below and passes the same gate. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "core/meter_id.h"
#include "engine/engine_int.h"

typedef gw_err_t (*send_fn)(const engine_t *e, const char *meter, kmsg_t *msg);

static gw_err_t send_trip(const engine_t *e, const char *meter, kmsg_t *msg)
{
    return e->gw->ops->relay(e->gw->ctx, meter, GW_RELAY_TRIP, msg);
}

static gw_err_t send_close(const engine_t *e, const char *meter, kmsg_t *msg)
{
    return e->gw->ops->relay(e->gw->ctx, meter, GW_RELAY_CLOSE, msg);
}

static const struct {
    const char *name;
    send_fn send;
} commands[METER_CMD_COUNT] = {
    [METER_CMD_RELAY_TRIP] = {"relay_trip", send_trip},
    [METER_CMD_RELAY_CLOSE] = {"relay_close", send_close},
};

const char *engine_meter_cmd_name(engine_meter_cmd_t cmd)
{
    return cmd < METER_CMD_COUNT ? commands[cmd].name : "?";
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

kerr_t engine_meter_command(engine_t *e, const char *meter, engine_meter_cmd_t cmd, const char *actor,
                            const char *reason, kmsg_t *msg)
{
    if (cmd >= METER_CMD_COUNT)
        return kmsg_set(msg, K_EINVAL, "no such meter command (%d)", (int)cmd);
    kerr_t rc = confirm_identity(e, meter, cmd, actor, reason, msg);
    if (rc != K_OK)
        return rc;
    gw_err_t err = commands[cmd].send(e, meter, msg);
    if (err != GW_OK)
        return engine_gw_error(err);
    LOG_I("engine", "meter %s: %s by %s (%s)", meter, commands[cmd].name, actor, reason);
    return ledger_audit(e->ledger, actor, commands[cmd].name, meter, reason, "", msg);
}

kerr_t engine_relay(engine_t *e, const char *meter, gw_relay_t cmd, const char *actor, const char *reason,
                    kmsg_t *msg)
{
    return engine_meter_command(e, meter, cmd == GW_RELAY_TRIP ? METER_CMD_RELAY_TRIP : METER_CMD_RELAY_CLOSE, actor,
                                reason, msg);
}
