/* The gateway the engine talks to (site_devices.h): a router that is a
 * gw_t itself. It sends each meter's requests to the backend its registry
 * line names (protocol, gateway, unit), or to the gateway.* settings for
 * meters the registry does not list; gateway.protocol = fake stands in for
 * every gateway. Backends are opened on first use and kept. */
#include <stdlib.h>
#include <string.h>

#include "drivers/gateway/gw_backends.h"
#include "drivers/gateway/meter_mac.h"
#include "kiosk/site/site_devices.h"
#include "kiosk/site/site_policy.h"

#define MAX_BACKENDS 32

typedef struct backend {
    registry_proto_t protocol;
    char address[CFG_STR];
    gw_t gw;
} backend_t;

typedef struct router {
    const registry_t *reg;
    registry_proto_t fallback;   /* gateway.protocol */
    char address[CFG_STR];       /* gateway.address */
    char fake_dir[CFG_PATH_LEN]; /* gateway.fake_dir */
    gw_net_opts_t opts;          /* what every networked backend is opened with, but its address */
    backend_t b[MAX_BACKENDS];
    int n;
} router_t;

static kerr_t open_one(router_t *r, registry_proto_t protocol, const char *address, gw_t *out, kmsg_t *msg)
{
    gw_net_opts_t o = r->opts;
    o.address = address;
    switch (protocol) {
    case REGISTRY_FAKE: return gw_fake_open(r->fake_dir, out, msg);
    case REGISTRY_MODBUS: return gw_modbus_open(&o, out, msg);
    case REGISTRY_DLT645: break;
    }
    return gw_dlt645_open(&o, out, msg);
}

static gw_err_t open_backend(router_t *r, registry_proto_t protocol, const char *address, gw_t **out, kmsg_t *msg)
{
    for (int i = 0; i < r->n; i++)
        if (r->b[i].protocol == protocol && strcmp(r->b[i].address, address) == 0) {
            *out = &r->b[i].gw;
            return GW_OK;
        }
    if (r->n == MAX_BACKENDS) {
        kmsg_set(msg, K_EINVAL, "more than %d gateways in use", MAX_BACKENDS);
        return GW_INVALID;
    }
    backend_t *b = &r->b[r->n];
    if (open_one(r, protocol, address, &b->gw, msg) != K_OK)
        return GW_INVALID;
    b->protocol = protocol;
    snprintf(b->address, sizeof b->address, "%s", address);
    r->n++;
    *out = &b->gw;
    return GW_OK;
}

/* The backend that reaches meter. */
static gw_err_t route(router_t *r, const char *meter, gw_t **out, kmsg_t *msg)
{
    if (r->fallback == REGISTRY_FAKE) /* the fake bank stands in for every gateway */
        return open_backend(r, REGISTRY_FAKE, "-", out, msg);
    const registry_entry_t *e = r->reg ? registry_find(r->reg, meter) : NULL;
    if (!e && r->reg && r->reg->loaded) {
        kmsg_set(msg, K_ENOTFOUND, "meter %s is not in the meter registry (registry.path)", meter);
        return GW_NOT_FOUND;
    }
    registry_proto_t protocol = e ? e->protocol : r->fallback;
    const char *address = e && e->gateway[0] ? e->gateway : r->address;
    gw_err_t err = open_backend(r, protocol, address, out, msg);
    if (err == GW_OK && protocol == REGISTRY_MODBUS && gw_modbus_set_unit(*out, meter, e ? e->unit : 1, msg) != K_OK)
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

static gw_err_t router_write(void *ctx, const char *meter, const gw_settings_t *set, kmsg_t *msg)
{
    gw_t *b;
    gw_err_t e = route(ctx, meter, &b, msg);
    return e ? e : b->ops->write(b->ctx, meter, set, msg);
}

static gw_err_t router_refund(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg)
{
    gw_t *b;
    gw_err_t e = route(ctx, req->to.meter, &b, msg);
    return e ? e : b->ops->refund(b->ctx, req, out, msg);
}

static gw_err_t router_read_frozen(void *ctx, const char *meter, gw_frozen_t *out, kmsg_t *msg)
{
    gw_t *b;
    gw_err_t e = route(ctx, meter, &b, msg);
    return e ? e : b->ops->read_frozen(b->ctx, meter, out, msg);
}

/* The first meter of the registry answers its purchase count. */
static gw_err_t router_probe(void *ctx, kmsg_t *msg)
{
    router_t *r = ctx;
    const char *meter = r->reg && r->reg->n ? r->reg->entries[0].meter : "";
    gw_reading_t reading;
    kmsg_t why = {""};
    gw_err_t e = meter[0] ? router_read(r, &(gw_target_t){.meter = meter}, GW_READ_COUNT, &reading, &why) : GW_NOT_FOUND;
    if (e == GW_OK)
        kmsg_set(msg, K_OK, "meter %s answered (purchase count %u)", meter, reading.purchase_count);
    else
        kmsg_set(msg, K_EDEVICE, "meter %s: %s", meter[0] ? meter : "(registry empty)",
                 why.text[0] ? why.text : gw_err_str(e));
    return e;
}

static void router_close(void *ctx)
{
    router_t *r = ctx;
    for (int i = 0; i < r->n; i++)
        gw_close(&r->b[i].gw);
    memset(r->opts.master, 0, sizeof r->opts.master);
    free(r);
}

static const gw_ops_t router_ops = {.name = "router",
                                    .read = router_read,
                                    .credit = router_credit,
                                    .relay = router_relay,
                                    .write = router_write,
                                    .refund = router_refund,
                                    .read_frozen = router_read_frozen,
                                    .close = router_close,
                                    .probe = router_probe};

/* The gateway.* settings as the backends' options; loads the master key. */
static kerr_t net_opts(const kiosk_config_t *cfg, gw_net_opts_t *o, kmsg_t *msg)
{
    *o = (gw_net_opts_t){.timeout_ms = (int)cfg->gateway_timeout_ms,
                         .retry = site_gateway_retry(cfg->gateway_retries),
                         .operator_code = cfg->operator_code};
    if (!cfg->gateway_master_key_file[0])
        return K_OK;
    o->have_key = true;
    return meter_key_load(cfg->gateway_master_key_file, o->master, msg);
}

void site_gateway_hook(gw_t *gw, link_hook_t hook)
{
    if (gw->ops == &router_ops)
        ((router_t *)gw->ctx)->opts.hook = hook;
}

kerr_t site_gateway_open(const kiosk_config_t *cfg, const registry_t *reg, gw_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    router_t *r = calloc(1, sizeof *r);
    if (!r)
        return kmsg_set(msg, K_EIO, "out of memory");
    kerr_t rc = registry_proto_parse(cfg->gateway_protocol, &r->fallback)
                    ? net_opts(cfg, &r->opts, msg)
                    : kmsg_set(msg, K_EINVAL, "gateway.protocol = %s: use dlt645, modbus or fake", cfg->gateway_protocol);
    if (rc != K_OK) {
        router_close(r);
        return rc;
    }
    r->reg = reg;
    snprintf(r->address, sizeof r->address, "%s", cfg->gateway_address);
    snprintf(r->fake_dir, sizeof r->fake_dir, "%s", cfg->gateway_fake_dir);
    *out = (gw_t){&router_ops, r};
    return K_OK;
}
