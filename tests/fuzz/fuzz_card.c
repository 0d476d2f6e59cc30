/* libFuzzer target: what the kiosk reads from a meter card. The first byte
 * picks the decoder the rest goes to: the response parser, EF_INFO,
 * EF_PURSE, EF_WRITEBACK or a command APDU (as the card simulator reads
 * one). Whatever decodes must encode to the same bytes and decode again to
 * the same value. */
#include <stdlib.h>
#include <string.h>

#include "drivers/card/card_apdu.h"

static void response(const uint8_t *p, size_t n)
{
    static card_resp_t r;
    kmsg_t msg;
    kerr_t e = card_resp_parse(p, n, &r, &msg);
    if (n < 2 || n > CARD_RESP_DATA_MAX + 2) {
        if (e == K_OK)
            abort(); /* no status word, or more than a short response holds */
        return;
    }
    if (e != K_OK || r.len != n - 2 || memcmp(r.data, p, r.len) != 0 || r.sw != (p[n - 2] << 8 | p[n - 1]))
        abort();
    const char *text = card_sw_text(r.sw);
    card_sw_t kind = card_sw_kind(r.sw);
    if (!text || !*text || (kind != CARD_SW_UNKNOWN && card_sw_value(kind) != r.sw))
        abort();
    if ((card_sw_check(r.sw, "fuzz", &msg) == K_OK) != (kind == CARD_SW_OK))
        abort();
}

static bool same_info(const card_info_t *a, const card_info_t *b)
{
    return a->version == b->version && a->type == b->type && a->status == b->status &&
           memcmp(a->serial, b->serial, CARD_SERIAL_LEN) == 0 && strcmp(a->meter, b->meter) == 0 &&
           strcmp(a->customer, b->customer) == 0 && a->generation == b->generation && a->currency == b->currency &&
           strcmp(a->issued, b->issued) == 0;
}

static void info(const uint8_t *p, size_t n)
{
    card_info_t a, b;
    uint8_t wire[CARD_INFO_LEN];
    kmsg_t msg;
    if (card_info_decode(p, n, &a, &msg) != K_OK)
        return;
    if (n != CARD_INFO_LEN || strlen(a.meter) != 12 || strlen(a.customer) != 12 || strlen(a.issued) != 12)
        abort();
    if (card_info_encode(&a, wire, &msg) != K_OK || memcmp(wire, p, n) != 0 ||
        card_info_decode(wire, sizeof wire, &b, &msg) != K_OK || !same_info(&a, &b))
        abort();
}

static bool same_purse(const card_purse_t *a, const card_purse_t *b)
{
    return a->purpose == b->purpose && a->amount == b->amount && a->count == b->count && strcmp(a->time, b->time) == 0;
}

static void purse(const uint8_t *p, size_t n)
{
    card_purse_t a, b;
    uint8_t wire[CARD_PURSE_LEN];
    kmsg_t msg;
    if (card_purse_decode(p, n, &a, &msg) != K_OK)
        return;
    if (n != CARD_PURSE_LEN || a.amount < 0 || a.amount > UINT32_MAX || a.count > UINT16_MAX)
        abort();
    if (card_purse_encode(&a, wire, &msg) != K_OK || memcmp(wire, p, n) != 0 ||
        card_purse_decode(wire, sizeof wire, &b, &msg) != K_OK || !same_purse(&a, &b))
        abort();
}

static bool same_writeback(const card_writeback_t *a, const card_writeback_t *b)
{
    return a->written == b->written && strcmp(a->meter, b->meter) == 0 && a->remaining == b->remaining &&
           a->energy_total == b->energy_total && memcmp(a->energy, b->energy, sizeof a->energy) == 0 &&
           a->count == b->count && a->status == b->status && a->tamper == b->tamper && strcmp(a->time, b->time) == 0;
}

static void writeback(const uint8_t *p, size_t n)
{
    card_writeback_t a, b;
    uint8_t wire[CARD_WRITEBACK_LEN];
    kmsg_t msg;
    if (card_writeback_decode(p, n, &a, &msg) != K_OK)
        return;
    if (n != CARD_WRITEBACK_LEN || a.remaining < INT32_MIN || a.remaining > INT32_MAX || a.energy_total < 0)
        abort();
    if (card_writeback_encode(&a, wire, &msg) != K_OK || memcmp(wire, p, n) != 0 ||
        card_writeback_decode(wire, sizeof wire, &b, &msg) != K_OK || !same_writeback(&a, &b))
        abort();
}

static void command(const uint8_t *p, size_t n)
{
    static card_apdu_t a, b;
    static uint8_t wire[CARD_APDU_MAX_WIRE];
    kmsg_t msg;
    if (card_apdu_decode(p, n, &a, &msg) != K_OK)
        return;
    size_t w = card_apdu_encode(&a, wire, sizeof wire);
    if (w != n || memcmp(wire, p, n) != 0 || card_apdu_decode(wire, w, &b, &msg) != K_OK || b.cla != a.cla ||
        b.ins != a.ins || b.p1 != a.p1 || b.p2 != a.p2 || b.lc != a.lc || memcmp(b.data, a.data, a.lc) != 0 ||
        b.has_le != a.has_le || b.le != a.le)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t pick = data[0] % 5;
    data++;
    size--;
    switch (pick) {
    case 0: response(data, size); break;
    case 1: info(data, size); break;
    case 2: purse(data, size); break;
    case 3: writeback(data, size); break;
    default: command(data, size); break;
    }
    return 0;
}
