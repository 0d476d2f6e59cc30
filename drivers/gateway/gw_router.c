/* The router: the gw_t the engine talks to. It sends each meter's requests
 * to the backend its registry line names (protocol, gateway, unit), or to
 * the gateway.* settings for meters the registry does not list. Backends
 * are opened on first use and kept. */
#include <stdlib.h>
#include <string.h>

#include "drivers/gateway/gw_backends.h"
#include "drivers/gateway/meter_mac.h"

#define MAX_BACKENDS 32

typedef struct backend {
    char protocol[8];
    char address[128];
    gw_t gw;
} backend_t;

typedef struct router {
    const kiosk_config_t *cfg;
    const registry_t *reg;
    gw_opts_t opts;
    backend_t b[MAX_BACKENDS];
    int n;
} router_t;

static gw_err_t open_backend(router_t *r, const char *protocol, const char *address, gw_t **out, kmsg_t *msg)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->b[i].protocol, protocol) == 0 && strcmp(r->b[i].address, address) == 0) {
            *out = &r->b[i].gw;
            return GW_OK;
        }
    if (r->n == MAX_BACKENDS) {
        kmsg_set(msg, K_EINVAL, "more than %d gateways in use", MAX_BACKENDS);
        return GW_INVALID;
    }
    backend_t *b = &r->b[r->n];
    kerr_t rc;
    if (strcmp(protocol, "fake") == 0)
        rc = gw_fake_open(r->cfg->gateway_fake_dir, &b->gw, msg);
    else if (strcmp(protocol, "modbus") == 0)
        rc = gw_modbus_open(address, &r->opts, &b->gw, msg);
    else
        rc = gw_dlt645_open(address, &r->opts, &b->gw, msg);
    if (rc != K_OK)
        return GW_INVALID;
    snprintf(b->protocol, sizeof b->protocol, "%s", protocol);
    snprintf(b->address, sizeof b->address, "%s", address);
    r->n++;
    *out = &b->gw;
    return GW_OK;
}

/* The backend that reaches meter. */
static gw_err_t route(router_t *r, const char *meter, gw_t **out, kmsg_t *msg)
{
    if (strcmp(r->cfg->gateway_protocol, "fake") == 0) /* the fake bank stands in for every gateway */
        return open_backend(r, "fake", "-", out, msg);
    const registry_entry_t *e = r->reg ? registry_find(r->reg, meter) : NULL;
    if (!e && r->reg && r->reg->loaded) {
        kmsg_set(msg, K_ENOTFOUND, "meter %s is not in the meter registry (registry.path)", meter);
        return GW_NOT_FOUND;
    }
    const char *protocol = e ? e->protocol : r->cfg->gateway_protocol;
    const char *address = e && e->gateway[0] ? e->gateway : r->cfg->gateway_address;
    gw_err_t err = open_backend(r, protocol, address, out, msg);
    if (err == GW_OK && strcmp(protocol, "modbus") == 0 &&
        gw_modbus_set_unit(*out, meter, e ? e->unit : 1, msg) != K_OK)
        err = GW_INVALID;
    return err;
}

static gw_err_t router_read(void *ctx, const gw_target_t *to, unsigned what, gw_reading_t *out, kmsg_t *msg)
{
    gw_t *b;
    gw_err_t e = route(ctx, to->meter, &b, msg);
    return e ? e : b->ops->read(b->ctx, to, what, out, msg);
}

static gw_err_t router_credit(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg)
{
    gw_t *b;
    gw_err_t e = route(ctx, req->to.meter, &b, msg);
    return e ? e : b->ops->credit(b->ctx, req, out, msg);
}

static gw_err_t router_relay(void *ctx, const char *meter, gw_relay_t cmd, kmsg_t *msg)
{
    gw_t *b;
    gw_err_t e = route(ctx, meter, &b, msg);
    return e ? e : b->ops->relay(b->ctx, meter, cmd, msg);
}

static void router_close(void *ctx)
{
    router_t *r = ctx;
    for (int i = 0; i < r->n; i++)
        gw_close(&r->b[i].gw);
    memset(r->opts.master, 0, sizeof r->opts.master);
    free(r);
}

static const gw_ops_t router_ops = {"router", router_read, router_credit, router_relay, router_close};

kerr_t gw_open(const kiosk_config_t *cfg, const registry_t *reg, gw_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    router_t *r = calloc(1, sizeof *r);
    if (!r)
        return kmsg_set(msg, K_EIO, "out of memory");
    r->cfg = cfg;
    r->reg = reg;
    r->opts = (gw_opts_t){.timeout_ms = (int)cfg->gateway_timeout_ms,
                          .retries = (int)cfg->gateway_retries,
                          .operator_code = cfg->operator_code};
    if (cfg->gateway_master_key_file[0]) {
        kerr_t rc = meter_key_load(cfg->gateway_master_key_file, r->opts.master, msg);
        if (rc != K_OK) {
            free(r);
            return rc;
        }
        r->opts.have_key = true;
    }
    out->ops = &router_ops;
    out->ctx = r;
    return K_OK;
}
