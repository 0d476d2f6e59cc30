/* The meter registry: which customer each meter belongs to, and how to
 * reach it (protocol, gateway, Modbus unit). A CSV file until the back
 * office provides it (registry.path), header meter,customer,protocol,gateway
 * and, optionally, two more columns kind,tariff (electricity or water; the
 * tariffs document's id).
 * The back office's signed registry document adds, per meter, its account
 * and whether it may be sold to (registry_doc_lookup). */
#ifndef ENGINE_REGISTRY_H
#define ENGINE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "core/meter_kind.h"

/* How a meter is reached: a registry line's protocol (dlt645 or modbus),
 * or gateway.protocol for the meters no line names (which may also be the
 * fake meters of docs/testing.md). */
typedef enum registry_proto { REGISTRY_DLT645, REGISTRY_MODBUS, REGISTRY_FAKE } registry_proto_t;

/* The protocol's name ("modbus"). */
const char *registry_proto_name(registry_proto_t p);

/* The protocol of that name; false if there is none. */
bool registry_proto_parse(const char *name, registry_proto_t *out);

typedef struct registry_entry {
    char meter[13];    /* 12 digits */
    char customer[13]; /* 12 digits */
    registry_proto_t protocol; /* dlt645 or modbus */
    char gateway[128]; /* host:port, or "" for gateway.address */
    int unit;          /* Modbus unit id (the gateway column's /unit), 1 if not given */
    meter_kind_t kind; /* electricity unless the kind column says water */
    char tariff[33];   /* the tariffs document's id, "" if not given */
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

/* What the back office's signed registry document (docs/sync.md) says of
 * one meter: its account and whether it may be sold to. */
typedef struct registry_status {
    bool listed;        /* the document names the meter */
    bool sellable;      /* false: the meter was removed, or its account closed */
    bool first_zero_ok; /* a new account's first purchase may be zero (docs/card.md) */
    char status[16];    /* open, unassigned, closed, removed ("" from an older back office) */
    char account[65];   /* "" if none */
    bool has_kind;      /* the document gives the meter's kind */
    meter_kind_t kind;
    char tariff[33];    /* the meter's tariff id, "" if none */
} registry_status_t;

/* Looks meter up in body, the registry document's body as stored (JSON
 * text). A meter the document does not name is not `listed`; one without
 * `sellable` (a back office from before accounts) is sellable. K_ECORRUPT
 * if body is not a registry body. */
kerr_t registry_doc_lookup(const char *body, const char *meter, registry_status_t *out, kmsg_t *msg);

#endif
