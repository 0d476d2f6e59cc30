/* The Modbus TCP backend: profile modbus-prepaid on libmodbus
 * (docs/protocols/modbus-prepaid.md); its relay register takes DL/T 645's
 * relay codes (dlt645_relay_code). The register numbers below come from
 * that page alone; the simulator has its own copy, on purpose. */
#include <errno.h>
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "drivers/gateway/dlt645_cmd.h"
#include "drivers/gateway/gw_backends.h"
#include "drivers/gateway/modbus_profile.h"
#include "drivers/transport/tcp_link.h"

enum { MAX_UNITS = 256 };

typedef struct unit_map {
    char meter[GW_METER_LEN];
    int unit;
} unit_map_t;

typedef struct mb {
    modbus_t *ctx;
    bool connected;
    char where[160];
    gw_net_opts_t opts; /* address NULL: where holds it */
    unit_map_t units[MAX_UNITS];
    int n_units;
    int last_error; /* errno of the last failed call: a meter's exception is EMBXILFUN.. */
} mb_t;

static int unit_of(const mb_t *m, const char *meter)
{
    for (int i = 0; i < m->n_units; i++)
        if (strcmp(m->units[i].meter, meter) == 0)
            return m->units[i].unit;
    return 1;
}

/* Connects if needed and addresses the meter's unit. */
static gw_err_t prepare(mb_t *m, const char *meter, kmsg_t *msg)
{
    if (!m->connected && modbus_connect(m->ctx) != 0) {
        kmsg_set(msg, K_EIO, "gateway %s: %s", m->where, modbus_strerror(errno));
        return GW_UNREACHABLE;
    }
    m->connected = true;
    modbus_set_slave(m->ctx, unit_of(m, meter));
    return GW_OK;
}

/* Translates a failed libmodbus call; the connection is dropped so that a
 * late answer cannot be taken for the next request. */
static gw_err_t failure(mb_t *m, const char *what, kmsg_t *msg)
{
    int err = errno;
    m->last_error = err;
    /* An exception is the meter refusing; the gateway's own exceptions
     * (path unavailable, target did not answer) mean no answer. */
    bool exception = err >= EMBXILFUN && err <= EMBXMEMPAR;
    kmsg_set(msg, exception ? K_EDEVICE : K_ETIMEOUT, "gateway %s: %s: %s", m->where, what, modbus_strerror(err));
    modbus_close(m->ctx);
    m->connected = false;
    return exception ? GW_REFUSED : GW_TIMEOUT;
}

static gw_err_t read_regs(mb_t *m, const char *meter, int addr, int n, uint16_t *regs, kmsg_t *msg)
{
    gw_err_t e = GW_TIMEOUT;
    for (unsigned i = 0; kretry_next(&m->opts.retry, m->opts.clk, i); i++) {
        if ((e = prepare(m, meter, msg)) != GW_OK)
            continue;
        link_hook_before(&m->opts.hook);
        int got = modbus_read_registers(m->ctx, addr, n, regs);
        link_hook_after(&m->opts.hook);
        if (got == n) {
            log_hex(LOG_DEBUG, "modbus", "registers", regs, (size_t)n * 2);
            return GW_OK;
        }
        if ((e = failure(m, "read", msg)) == GW_REFUSED)
            break;
    }
    return e;
}

/* The prepaid block: the identity if asked (reported as the meter says it),
 * the rest only from the meter asked for. */
static gw_err_t read_prepaid(mb_t *m, const char *meter, unsigned what, gw_reading_t *out, kmsg_t *msg)
{
    uint16_t r[MBP_N_PREPAID];
    gw_err_t e = read_regs(m, meter, MBP_PREPAID, MBP_N_PREPAID, r, msg);
    if (e != GW_OK)
        return e;
    if ((what & GW_READ_IDENTITY && !mbp_decode_identity(r, out, msg)) ||
        (what & (GW_READ_COUNT | GW_READ_BALANCE | GW_READ_STATUS) && !mbp_decode_prepaid(r, meter, out, msg))) {
        kmsg_prefix(msg, "unit %d of gateway %s: ", unit_of(m, meter), m->where);
        return GW_PROTOCOL;
    }
    return GW_OK;
}

/* The energy registers; a meter that has no band registers (exception 02,
 * illegal data address) is read for its total alone. */
static gw_err_t read_energy(mb_t *m, const char *meter, gw_reading_t *out, kmsg_t *msg)
{
    uint16_t r[MBP_N_ENERGY];
    gw_err_t e = read_regs(m, meter, MBP_ENERGY, MBP_N_ENERGY, r, msg);
    if (e == GW_OK) {
        mbp_decode_energy(r, out);
    } else if (e == GW_REFUSED && m->last_error == EMBXILADD &&
               (e = read_regs(m, meter, MBP_ENERGY, MBP_N_TOTAL, r, msg)) == GW_OK) {
        mbp_decode_total(r, out);
    }
    return e;
}

static gw_err_t mb_read(void *ctx, const gw_target_t *to, unsigned what, gw_reading_t *out, kmsg_t *msg)
{
    const char *meter = to->meter;
    mb_t *m = ctx;
    gw_reading_init(out, meter);
    gw_err_t e = GW_OK;
    if (what & (GW_READ_COUNT | GW_READ_BALANCE | GW_READ_STATUS | GW_READ_IDENTITY))
        e = read_prepaid(m, meter, what, out, msg);
    if (e == GW_OK && what & GW_READ_ENERGY)
        e = read_energy(m, meter, out, msg);
    return e;
}

/* Writes a command block once and reads its result: never retried, a
 * lost answer is settled by the engine reading the count back. */
static gw_err_t run_command_bare(mb_t *m, const gw_credit_req_t *req, const uint16_t cmd[MBP_N_COMMAND],
                                 gw_credit_reply_t *out, kmsg_t *msg)
{
    uint16_t res[MBP_N_RESULT];
    gw_err_t e = prepare(m, req->to.meter, msg);
    if (e != GW_OK)
        return e;
    log_hex(LOG_DEBUG, "modbus", "command block", cmd, sizeof(uint16_t) * MBP_N_COMMAND);
    if (modbus_write_registers(m->ctx, MBP_COMMAND, MBP_N_COMMAND, cmd) != MBP_N_COMMAND) {
        e = failure(m, "writing the command block", msg);
        return e == GW_REFUSED ? GW_PROTOCOL : e; /* an exception here means we broke the profile */
    }
    /* The command was taken; from here a lost answer is settled by read-back. */
    if (modbus_read_registers(m->ctx, MBP_RESULT, MBP_N_RESULT, res) != MBP_N_RESULT) {
        failure(m, "reading the result", msg);
        return GW_TIMEOUT;
    }
    log_hex(LOG_DEBUG, "modbus", "result block", res, sizeof res);
    return mbp_decode_result(req, res, out, msg) ? GW_OK : GW_PROTOCOL;
}

/* The command block and its result, inside the hook the opener gave. */
static gw_err_t run_command(mb_t *m, const gw_credit_req_t *req, const uint16_t cmd[MBP_N_COMMAND],
                            gw_credit_reply_t *out, kmsg_t *msg)
{
    link_hook_before(&m->opts.hook);
    gw_err_t e = run_command_bare(m, req, cmd, out, msg);
    link_hook_after(&m->opts.hook);
    return e;
}

static gw_err_t mb_credit(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg)
{
    mb_t *m = ctx;
    uint16_t cmd[MBP_N_COMMAND] = {0};
    if (!m->opts.have_key) {
        kmsg_set(msg, K_EINVAL, "no master key: set gateway.master_key_file");
        return GW_INVALID;
    }
    if (!mbp_encode_command(req, m->opts.operator_code, m->opts.master, cmd, msg))
        return GW_INVALID;
    return run_command(m, req, cmd, out, msg);
}

static gw_err_t mb_refund(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg)
{
    mb_t *m = ctx;
    uint16_t cmd[MBP_N_COMMAND] = {0};
    if (!m->opts.have_key) {
        kmsg_set(msg, K_EINVAL, "no master key: set gateway.master_key_file");
        return GW_INVALID;
    }
    if (req->open_account || !mbp_encode_refund(req, m->opts.operator_code, m->opts.master, cmd, msg))
        return GW_INVALID;
    return run_command(m, req, cmd, out, msg);
}

/* Writes n registers at addr, retried as a read is (a write repeated
 * changes nothing). */
static gw_err_t write_regs(mb_t *m, const char *meter, int addr, int n, const uint16_t *regs, kmsg_t *msg)
{
    gw_err_t e = GW_TIMEOUT;
    for (unsigned i = 0; kretry_next(&m->opts.retry, m->opts.clk, i); i++) {
        if ((e = prepare(m, meter, msg)) != GW_OK)
            continue;
        log_hex(LOG_DEBUG, "modbus", "write", regs, (size_t)n * 2);
        link_hook_before(&m->opts.hook);
        int wrote = modbus_write_registers(m->ctx, addr, n, regs);
        link_hook_after(&m->opts.hook);
        if (wrote == n)
            return GW_OK;
        if ((e = failure(m, "write", msg)) == GW_REFUSED)
            break;
    }
    return e;
}

static gw_err_t mb_relay(void *ctx, const char *meter, gw_relay_t cmd, kmsg_t *msg)
{
    mb_t *m = ctx;
    gw_err_t e = GW_TIMEOUT;
    for (unsigned i = 0; kretry_next(&m->opts.retry, m->opts.clk, i); i++) {
        if ((e = prepare(m, meter, msg)) != GW_OK)
            continue;
        link_hook_before(&m->opts.hook);
        int wrote = modbus_write_register(m->ctx, MBP_RELAY, dlt645_relay_code(cmd));
        link_hook_after(&m->opts.hook);
        if (wrote == 1)
            return GW_OK;
        if ((e = failure(m, "relay command", msg)) == GW_REFUSED)
            break;
    }
    if (e == GW_REFUSED && cmd == GW_RELAY_TRIP && m->last_error == EMBXSFAIL)
        kmsg_set(msg, K_EDEVICE, "meter %s refused to trip: it keeps power on (release keep power first)", meter);
    return e;
}

static gw_err_t mb_write(void *ctx, const char *meter, const gw_settings_t *s, kmsg_t *msg)
{
    static const struct {
        unsigned part;
        int addr, n;
        const char *name;
        bool (*encode)(const gw_settings_t *s, uint16_t *r, kmsg_t *msg);
    } parts[] = {
        {GW_SET_ALARMS, MBP_ALARMS, MBP_N_ALARMS, "alarm amounts", mbp_encode_alarms},
        {GW_SET_PRICES, MBP_PRICES, MBP_N_PRICES, "prices", mbp_encode_prices},
        {GW_SET_TOU, MBP_DAY_TABLE, MBP_N_DAY_TABLE, "day periods", mbp_encode_day_table},
    };
    char done[64] = "";
    for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
        if (!(s->have & parts[p].part))
            continue;
        uint16_t r[MBP_N_DAY_TABLE];
        gw_err_t e = parts[p].encode(s, r, msg) ? write_regs(ctx, meter, parts[p].addr, parts[p].n, r, msg) : GW_INVALID;
        if (e != GW_OK) {
            kmsg_prefix(msg, "%s not written%s%s: ", parts[p].name, done[0] ? "; written before: " : "", done);
            return e;
        }
        snprintf(done + strlen(done), sizeof done - strlen(done), "%s%s", done[0] ? ", " : "", parts[p].name);
    }
    return GW_OK;
}

static gw_err_t mb_read_frozen(void *ctx, const char *meter, gw_frozen_t *out, kmsg_t *msg)
{
    mb_t *m = ctx;
    uint16_t r[MBP_N_FROZEN];
    memset(out, 0, sizeof *out);
    snprintf(out->meter, sizeof out->meter, "%s", meter);
    gw_err_t e = read_regs(m, meter, MBP_FROZEN, MBP_N_FROZEN, r, msg);
    if (e == GW_REFUSED && m->last_error == EMBXILADD) {
        kmsg_set(msg, K_EINVAL, "meter %s keeps no daily freeze (no frozen registers)", meter);
        return GW_UNSUPPORTED;
    }
    if (e == GW_OK && !mbp_decode_frozen(r, out, msg))
        return GW_PROTOCOL;
    return e;
}

static void mb_close(void *ctx)
{
    mb_t *m = ctx;
    modbus_close(m->ctx);
    modbus_free(m->ctx);
    memset(m->opts.master, 0, sizeof m->opts.master);
    free(m);
}

static const gw_ops_t mb_ops = {.name = "modbus",
                                .read = mb_read,
                                .credit = mb_credit,
                                .relay = mb_relay,
                                .write = mb_write,
                                .refund = mb_refund,
                                .read_frozen = mb_read_frozen,
                                .close = mb_close,
                                .probe = gw_probe_none};

kerr_t gw_modbus_open(const gw_net_opts_t *o, gw_t *out, kmsg_t *msg)
{
    tcp_link_t parsed;
    kerr_t rc = tcp_link_init(&parsed, "gateway", o->address, msg);
    if (rc != K_OK)
        return rc;
    mb_t *m = calloc(1, sizeof *m);
    if (!m || !(m->ctx = modbus_new_tcp_pi(parsed.host, strrchr(o->address, ':') + 1))) {
        free(m);
        return kmsg_set(msg, K_EIO, "gateway %s: cannot set up Modbus TCP", o->address);
    }
    snprintf(m->where, sizeof m->where, "%s", o->address);
    m->opts = *o;
    m->opts.address = NULL;
    modbus_set_response_timeout(m->ctx, (uint32_t)(o->timeout_ms / 1000), (uint32_t)(o->timeout_ms % 1000) * 1000);
    modbus_set_error_recovery(m->ctx, MODBUS_ERROR_RECOVERY_NONE);
    out->ops = &mb_ops;
    out->ctx = m;
    return K_OK;
}

kerr_t gw_modbus_set_unit(gw_t *gw, const char *meter, int unit, kmsg_t *msg)
{
    if (gw->ops != &mb_ops)
        return kmsg_set(msg, K_EINVAL, "not a Modbus gateway");
    mb_t *m = gw->ctx;
    if (unit < 1 || unit > 247 || m->n_units == MAX_UNITS)
        return kmsg_set(msg, K_EINVAL, "unit %d for meter %s: units are 1..247, at most %d per gateway", unit, meter,
                        MAX_UNITS);
    snprintf(m->units[m->n_units].meter, GW_METER_LEN, "%s", meter);
    m->units[m->n_units++].unit = unit;
    return K_OK;
}
