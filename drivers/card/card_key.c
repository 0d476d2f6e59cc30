#include "drivers/card/card_key.h"

#include <string.h>

#include "drivers/gateway/meter_mac.h"

bool card_key_derive(const uint8_t master[16], const char label[5], const uint8_t serial[CARD_SERIAL_LEN],
                     uint8_t out[16])
{
    uint8_t msg[5 + CARD_SERIAL_LEN];
    memcpy(msg, label, 5);
    memcpy(msg + 5, serial, CARD_SERIAL_LEN);
    return meter_cmac(master, msg, sizeof msg, out);
}

bool card_mac8(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t out[CARD_MAC_LEN])
{
    uint8_t full[16];
    if (!meter_cmac(key, msg, len, full))
        return false;
    memcpy(out, full, CARD_MAC_LEN);
    return true;
}
