#include "sim/metersim/credit_mac.h"

#include <string.h>

#include "sim/common/simkey.h"
#include "sim/metersim/dlt_frame.h"

bool msim_mac_key(const uint8_t master[16], const uint8_t addr[6], uint8_t kmeter[16])
{
    static const char label[] = "prepaid-meter";
    uint8_t m[1 + sizeof label - 1 + 1 + 6 + 2];
    size_t at = 0;
    m[at++] = 0x01; /* the KDF's counter (NIST SP 800-108, one block) */
    memcpy(m + at, label, sizeof label - 1);
    at += sizeof label - 1;
    m[at++] = 0x00;
    memcpy(m + at, addr, 6);
    at += 6;
    m[at++] = 0x00; /* the key's length in bits, 128, two bytes */
    m[at++] = 0x80;
    return simkey_cmac(master, m, at, kmeter);
}

bool msim_mac_credit(const uint8_t kmeter[16], const msim_mac_input_t *in, uint8_t mac1[MSIM_MAC_LEN],
                     uint8_t mac2[MSIM_MAC_LEN])
{
    uint8_t m1[4 + 4 + 4], m2[4 + 6 + 4 + MSIM_MAC_LEN];
    msim_le32_put(m1, in->di);
    msim_le32_put(m1 + 4, in->amount);
    msim_le32_put(m1 + 8, in->count);
    if (!simkey_mac(kmeter, m1, sizeof m1, mac1, MSIM_MAC_LEN))
        return false;
    msim_le32_put(m2, in->di);
    memcpy(m2 + 4, in->customer, 6);
    msim_le32_put(m2 + 10, in->operator_code);
    memcpy(m2 + 14, mac1, MSIM_MAC_LEN);
    return simkey_mac(kmeter, m2, sizeof m2, mac2, MSIM_MAC_LEN);
}
