/* The gateway backends and what they are opened with. The engine never
 * sees these: it talks to the router (gw_router.c) through gateway.h. */
#ifndef DRIVERS_GATEWAY_GW_BACKENDS_H
#define DRIVERS_GATEWAY_GW_BACKENDS_H

#include "drivers/gateway/gateway.h"

typedef struct gw_opts {
    int timeout_ms;         /* one exchange */
    int retries;            /* extra tries of a read or relay command */
    uint32_t operator_code; /* site.operator_code */
    bool have_key;
    uint8_t master[16];     /* remote-credit master key */
} gw_opts_t;

/* dlt645-prepaid over TCP to the gateway at host:port. */
kerr_t gw_dlt645_open(const char *hostport, const gw_opts_t *o, gw_t *out, kmsg_t *msg);

/* modbus-prepaid over Modbus TCP to the gateway at host:port. */
kerr_t gw_modbus_open(const char *hostport, const gw_opts_t *o, gw_t *out, kmsg_t *msg);

/* Tells a Modbus backend which unit id a meter answers to. */
kerr_t gw_modbus_set_unit(gw_t *gw, const char *meter, int unit, kmsg_t *msg);

#endif
