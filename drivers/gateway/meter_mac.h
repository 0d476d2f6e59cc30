/* The remote-credit MACs of both meter profiles (docs/protocols/
 * dlt645-prepaid.md, "The MACs"): AES-128-CMAC, a per-meter key diversified
 * from the utility's master key. Keys never reach a log. */
#ifndef DRIVERS_GATEWAY_METER_MAC_H
#define DRIVERS_GATEWAY_METER_MAC_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

typedef struct meter_credit_mac {
    uint32_t di;          /* DLT645_DI_RECHARGE or DLT645_DI_OPEN_ACCOUNT (dlt645_di.h) */
    uint32_t amount;      /* minor units */
    uint32_t count;       /* purchase count */
    uint32_t operator_code;
    uint8_t customer[6];  /* BCD, lowest byte first */
} meter_credit_mac_t;

/* Reads a master key file: 32 hex digits, spaces and line breaks allowed.
 * Refuses a file that others than its owner may read. */
kerr_t meter_key_load(const char *path, uint8_t master[16], kmsg_t *msg);

/* K_meter for the meter at addr (6 bytes as sent). False if the crypto
 * library fails. */
bool meter_key_derive(const uint8_t master[16], const uint8_t addr[6], uint8_t out[16]);

/* MAC1 and MAC2 of a credit under K_meter. */
bool meter_credit_macs(const uint8_t kmeter[16], const meter_credit_mac_t *c, uint8_t mac1[4], uint8_t mac2[4]);

/* Full 16-byte AES-128-CMAC of msg (exposed for the test vectors). */
bool meter_cmac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t out[16]);

#endif
