/* The gateway backends and what each is opened with. The engine never
 * sees these: it talks to the site's router (kiosk/site/site_gateway.c),
 * which opens a backend for each protocol and gateway a meter is reached
 * by. */
#ifndef DRIVERS_GATEWAY_GW_BACKENDS_H
#define DRIVERS_GATEWAY_GW_BACKENDS_H

#include "base/clock.h"
#include "base/retry.h"
#include "drivers/gateway/gateway.h"
#include "drivers/transport/link_hook.h"

/* A gateway on the network (DL/T 645 over TCP, Modbus TCP). */
typedef struct gw_net_opts {
    const char *address;    /* host:port of the gateway (copied) */
    int timeout_ms;         /* one exchange */
    kretry_t retry;         /* reads and relay commands that got no answer; a credit is never tried again */
    uint32_t operator_code; /* the kiosk's 4-byte operator id sent to meters */
    bool have_key;
    uint8_t master[16];     /* the remote-credit master key (wiped on close) */
    const kclock_t *clk;    /* retry pauses and relay deadlines; NULL: the system clock */
    link_hook_t hook;       /* around each request and its answer; zeroed: none */
} gw_net_opts_t;

/* dlt645-prepaid over TCP to the gateway at o->address. */
kerr_t gw_dlt645_open(const gw_net_opts_t *o, gw_t *out, kmsg_t *msg);

/* modbus-prepaid over Modbus TCP to the gateway at o->address. */
kerr_t gw_modbus_open(const gw_net_opts_t *o, gw_t *out, kmsg_t *msg);

/* Tells a Modbus backend which unit id a meter answers to. */
kerr_t gw_modbus_set_unit(gw_t *gw, const char *meter, int unit, kmsg_t *msg);

/* The fake backend: meters kept as files in the folder dir (docs/testing.md). */
kerr_t gw_fake_open(const char *dir, gw_t *out, kmsg_t *msg);

#endif
