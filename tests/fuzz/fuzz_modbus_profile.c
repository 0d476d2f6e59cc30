/* libFuzzer target: how the kiosk decodes what a modbus-prepaid meter
 * answers (prepaid block, energy registers, command result). */
#include <stdlib.h>
#include <string.h>

#include "drivers/gateway/modbus_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint16_t regs[MBP_N_PREPAID + MBP_N_ENERGY + MBP_N_RESULT + 2] = {0};
    for (size_t i = 0; i < sizeof regs / 2 && 2 * i + 1 < size; i++)
        regs[i] = (uint16_t)(data[2 * i] << 8 | data[2 * i + 1]);
    gw_reading_t r;
    memset(&r, 0, sizeof r);
    kmsg_t msg;
    if (mbp_decode_prepaid(regs, "000012345678", &r, &msg)) {
        char who[13];
        if (!mbp_get_bcd12(regs + 7, who) || strcmp(who, "000012345678") != 0 || regs[4] > 1)
            abort(); /* accepted a block that is not this meter's */
    }
    mbp_decode_energy(regs + MBP_N_PREPAID, &r);
    if (r.energy_total < 0)
        abort();
    uint16_t *res = regs + MBP_N_PREPAID + MBP_N_ENERGY;
    gw_credit_req_t req = {.to = {.meter = "000012345678"}, .customer = "100000000001", .amount = 5000,
                           .count = (uint32_t)regs[sizeof regs / 2 - 1]};
    gw_credit_reply_t reply;
    if (mbp_decode_result(&req, res, &reply, &msg) && reply.result == GW_CREDIT_APPLIED &&
        reply.count_after != req.count)
        abort(); /* "applied" must be at the count that was sent */
    return 0;
}
