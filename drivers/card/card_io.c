#include "drivers/card/card_io.h"

kerr_t card_io(card_slot_t *s, const card_apdu_t *a, card_resp_t *r, card_err_t *err, kmsg_t *msg)
{
    uint8_t wire[CARD_APDU_MAX_WIRE], resp[CARD_RESP_MAX];
    size_t n = card_apdu_encode(a, wire, sizeof wire), rn = 0;
    if (n == 0) {
        *err = CARD_IO;
        return kmsg_set(msg, K_EINVAL, "card: an APDU that cannot be encoded (INS %02X)", a->ins);
    }
    *err = s->ops->transmit(s->ctx, wire, n, resp, &rn, msg);
    if (*err != CARD_OK)
        return *err == CARD_ABSENT ? K_EDEVICE : K_EIO;
    return card_resp_parse(resp, rn, r, msg);
}
