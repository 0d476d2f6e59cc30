/* The meters' own check of a remote credit's MACs, written from
 * docs/protocols/dlt645-prepaid.md ("The MACs"; modbus-prepaid uses the
 * same): a per-meter key diversified from the utility's master key, MAC1
 * over the DI, amount and count, MAC2 over the DI, customer, operator and
 * MAC1, each the first 4 bytes of an AES-128-CMAC. Shared with no driver. */
#ifndef SIM_METERSIM_CREDIT_MAC_H
#define SIM_METERSIM_CREDIT_MAC_H

#include <stdbool.h>
#include <stdint.h>

#define MSIM_MAC_LEN 4

/* What the MACs of a credit cover, each field as the frame carries it
 * before the +0x33. */
typedef struct msim_mac_input {
    uint32_t di; /* 0x070102FF recharge, 0x070101FF open account */
    uint32_t amount, count, operator_code;
    uint8_t customer[6]; /* BCD, lowest byte first */
} msim_mac_input_t;

/* K_meter = CMAC(master, 01 || "prepaid-meter" || 00 || address || 00 80),
 * the address 6 bytes as sent; false if the crypto library fails. */
bool msim_mac_key(const uint8_t master[16], const uint8_t addr[6], uint8_t kmeter[16]);

/* MAC1 and MAC2 of a credit under K_meter; false if the crypto library
 * fails. */
bool msim_mac_credit(const uint8_t kmeter[16], const msim_mac_input_t *in, uint8_t mac1[MSIM_MAC_LEN],
                     uint8_t mac2[MSIM_MAC_LEN]);

#endif
