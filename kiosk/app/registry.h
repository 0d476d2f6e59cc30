/* The meter registry: which customer each meter belongs to, and how to
 * reach it (protocol, gateway, Modbus unit). A CSV file until the back
 * office provides it (registry.path), header meter,customer,protocol,gateway. */
#ifndef KIOSK_APP_REGISTRY_H
#define KIOSK_APP_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "kiosk/core/err.h"

typedef struct registry_entry {
    char meter[13];    /* 12 digits */
    char customer[13]; /* 12 digits */
    char protocol[8];  /* dlt645 or modbus */
    char gateway[128]; /* host:port, or "" for gateway.address */
    int unit;          /* Modbus unit id (the gateway column's /unit), 1 if not given */
} registry_entry_t;

typedef struct registry {
    registry_entry_t *entries;
    size_t n;
    bool loaded; /* a registry file is in use (even an empty one) */
} registry_t;

/* Reads path into reg. On error msg names the file and line, and reg is
 * left empty. */
kerr_t registry_load(const char *path, registry_t *reg, kmsg_t *msg);

/* The entry for meter, or NULL. */
const registry_entry_t *registry_find(const registry_t *reg, const char *meter);

/* Frees what registry_load allocated (a zeroed registry is fine). */
void registry_free(registry_t *reg);

#endif
