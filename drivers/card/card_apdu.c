#include "drivers/card/card_apdu.h"

#include <string.h>

const uint8_t card_aid[CARD_AID_LEN] = {0xF0, 'K', 'P', 'R', 'E', 'P', 'A', 'Y'};
const uint8_t card_sam_aid[CARD_AID_LEN] = {0xF0, 'K', 'P', 'S', 'A', 'M', '0', '1'};

/* ---- Command APDUs ---------------------------------------------------- */

static void header(card_apdu_t *a, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2)
{
    memset(a, 0, sizeof *a);
    a->cla = cla;
    a->ins = ins;
    a->p1 = p1;
    a->p2 = p2;
}

static bool sfi_ok(uint8_t sfi)
{
    return sfi >= 1 && sfi <= 30;
}

static void select_aid(card_apdu_t *a, const uint8_t aid[CARD_AID_LEN])
{
    header(a, CARD_CLA_ISO, CARD_INS_SELECT, 0x04, 0x0C);
    memcpy(a->data, aid, CARD_AID_LEN);
    a->lc = CARD_AID_LEN;
}

void card_apdu_select(card_apdu_t *a)
{
    select_aid(a, card_aid);
}

bool card_apdu_read_binary(card_apdu_t *a, uint8_t sfi, uint8_t offset, uint8_t le)
{
    if (!sfi_ok(sfi))
        return false;
    header(a, CARD_CLA_ISO, CARD_INS_READ_BINARY, CARD_P1_SFI(sfi), offset);
    a->has_le = true;
    a->le = le;
    return true;
}

void card_apdu_get_challenge(card_apdu_t *a)
{
    header(a, CARD_CLA_ISO, CARD_INS_GET_CHALLENGE, 0x00, 0x00);
    a->has_le = true;
    a->le = CARD_CHALLENGE_LEN;
}

bool card_apdu_update_mac(card_apdu_t *a, uint8_t sfi, uint8_t offset, const uint8_t *data, size_t n,
                          const uint8_t mac[CARD_MAC_LEN])
{
    if (!sfi_ok(sfi) || n > CARD_APDU_MAX_DATA - CARD_MAC_LEN)
        return false;
    header(a, CARD_CLA_SM, CARD_INS_UPDATE_BINARY, CARD_P1_SFI(sfi), offset);
    if (n > 0)
        memcpy(a->data, data, n);
    memcpy(a->data + n, mac, CARD_MAC_LEN);
    a->lc = n + CARD_MAC_LEN;
    return true;
}

bool card_apdu_read_mac(card_apdu_t *a, uint8_t sfi, const uint8_t nonce[CARD_NONCE_LEN])
{
    if (!sfi_ok(sfi))
        return false;
    header(a, CARD_CLA_PROP, CARD_INS_READ_MAC, CARD_P1_SFI(sfi), 0x00);
    memcpy(a->data, nonce, CARD_NONCE_LEN);
    a->lc = CARD_NONCE_LEN;
    a->has_le = true;
    a->le = 0x00;
    return true;
}

void card_apdu_sam_select(card_apdu_t *a)
{
    select_aid(a, card_sam_aid);
}

bool card_apdu_sam_mac(card_apdu_t *a, uint8_t label, const uint8_t serial[CARD_SERIAL_LEN], const uint8_t *msg,
                       size_t n)
{
    if (n > CARD_APDU_MAX_DATA - CARD_SERIAL_LEN)
        return false;
    header(a, CARD_CLA_PROP, CARD_INS_COMPUTE_MAC, label, 0x00);
    memcpy(a->data, serial, CARD_SERIAL_LEN);
    if (n > 0)
        memcpy(a->data + CARD_SERIAL_LEN, msg, n);
    a->lc = CARD_SERIAL_LEN + n;
    a->has_le = true;
    a->le = CARD_MAC_LEN;
    return true;
}

size_t card_apdu_encode(const card_apdu_t *a, uint8_t *out, size_t cap)
{
    if (a->lc > CARD_APDU_MAX_DATA)
        return 0;
    size_t n = 4 + (a->lc > 0 ? 1 + a->lc : 0) + (a->has_le ? 1 : 0);
    if (cap < n)
        return 0;
    out[0] = a->cla;
    out[1] = a->ins;
    out[2] = a->p1;
    out[3] = a->p2;
    size_t at = 4;
    if (a->lc > 0) {
        out[at++] = (uint8_t)a->lc;
        memcpy(out + at, a->data, a->lc);
        at += a->lc;
    }
    if (a->has_le)
        out[at++] = a->le;
    return at;
}

/* The body after the header: Le (case 2), Lc data (case 3), Lc data Le (case 4). */
static kerr_t decode_body(const uint8_t *p, size_t n, card_apdu_t *a, kmsg_t *msg)
{
    if (n == 5) {
        a->has_le = true;
        a->le = p[4];
        return K_OK;
    }
    size_t lc = p[4];
    if (lc == 0)
        return kmsg_set(msg, K_EINVAL, "command APDU: extended lengths are not used (%zu bytes, Lc 00)", n);
    if (n != 5 + lc && n != 6 + lc)
        return kmsg_set(msg, K_EINVAL, "command APDU: Lc %02zX does not match its %zu bytes", lc, n);
    a->lc = lc;
    memcpy(a->data, p + 5, lc);
    if (n == 6 + lc) {
        a->has_le = true;
        a->le = p[n - 1];
    }
    return K_OK;
}

kerr_t card_apdu_decode(const uint8_t *p, size_t n, card_apdu_t *out, kmsg_t *msg)
{
    if (n < 4 || n > CARD_APDU_MAX_WIRE)
        return kmsg_set(msg, K_EINVAL, "command APDU: %zu bytes, a short APDU has 4 to %d", n, CARD_APDU_MAX_WIRE);
    card_apdu_t a;
    header(&a, p[0], p[1], p[2], p[3]);
    if (n > 4) {
        kerr_t e = decode_body(p, n, &a, msg);
        if (e != K_OK)
            return e;
    }
    *out = a;
    return K_OK;
}

/* ---- Responses and status words --------------------------------------- */

static const struct {
    uint16_t sw;
    card_sw_t kind;
    const char *text;
} sw_table[] = {
    {0x9000, CARD_SW_OK, "done"},
    {0x6700, CARD_SW_WRONG_LENGTH, "wrong length"},
    {0x6982, CARD_SW_NO_CHALLENGE, "no challenge"},
    {0x6983, CARD_SW_BLOCKED, "the card is blocked"},
    {0x6985, CARD_SW_CONDITIONS, "conditions not satisfied"},
    {0x6989, CARD_SW_BAD_MAC, "MAC wrong"},
    {0x6A82, CARD_SW_NO_FILE, "no such file"},
    {0x6A86, CARD_SW_WRONG_P1P2, "wrong P1 or P2"},
    {0x6D00, CARD_SW_BAD_INS, "instruction not supported"},
    {0x6E00, CARD_SW_BAD_CLA, "class not supported"},
};

#define SW_COUNT (sizeof sw_table / sizeof sw_table[0])

kerr_t card_resp_parse(const uint8_t *p, size_t n, card_resp_t *out, kmsg_t *msg)
{
    if (n < 2)
        return kmsg_set(msg, K_EINVAL, "card response: %zu bytes, no status word", n);
    if (n > CARD_RESP_DATA_MAX + 2)
        return kmsg_set(msg, K_EINVAL, "card response: %zu bytes, more than %d", n, CARD_RESP_DATA_MAX + 2);
    out->len = n - 2;
    memcpy(out->data, p, out->len);
    out->sw = (uint16_t)(p[n - 2] << 8 | p[n - 1]);
    return K_OK;
}

card_sw_t card_sw_kind(uint16_t sw)
{
    for (size_t i = 0; i < SW_COUNT; i++)
        if (sw_table[i].sw == sw)
            return sw_table[i].kind;
    return CARD_SW_UNKNOWN;
}

uint16_t card_sw_value(card_sw_t k)
{
    for (size_t i = 0; i < SW_COUNT; i++)
        if (sw_table[i].kind == k)
            return sw_table[i].sw;
    return 0;
}

const char *card_sw_text(uint16_t sw)
{
    for (size_t i = 0; i < SW_COUNT; i++)
        if (sw_table[i].sw == sw)
            return sw_table[i].text;
    return "unknown status word";
}

kerr_t card_sw_check(uint16_t sw, const char *what, kmsg_t *msg)
{
    if (sw == 0x9000)
        return K_OK;
    return kmsg_set(msg, K_EDEVICE, "%s: %02X %02X (%s)", what, sw >> 8, sw & 0xFF, card_sw_text(sw));
}

/* ---- What the MACs are computed over ---------------------------------- */

size_t card_update_mac_msg(const uint8_t challenge[CARD_CHALLENGE_LEN], uint8_t p1, uint8_t p2, const uint8_t *data,
                           size_t n, uint8_t *out, size_t cap)
{
    if (n > cap || cap - n < CARD_CHALLENGE_LEN + 4)
        return 0;
    memcpy(out, challenge, CARD_CHALLENGE_LEN);
    uint8_t *w = out + CARD_CHALLENGE_LEN;
    *w++ = CARD_CLA_SM;
    *w++ = CARD_INS_UPDATE_BINARY;
    *w++ = p1;
    *w++ = p2;
    if (n > 0)
        memcpy(w, data, n);
    return CARD_CHALLENGE_LEN + 4 + n;
}

size_t card_read_mac_msg(const uint8_t nonce[CARD_NONCE_LEN], uint8_t p1, const uint8_t *content, size_t n,
                         uint8_t *out, size_t cap)
{
    if (n > cap || cap - n < CARD_NONCE_LEN + 1)
        return 0;
    memcpy(out, nonce, CARD_NONCE_LEN);
    out[CARD_NONCE_LEN] = p1;
    if (n > 0)
        memcpy(out + CARD_NONCE_LEN + 1, content, n);
    return CARD_NONCE_LEN + 1 + n;
}

/* ---- Field helpers ------------------------------------------------------ */

static uint64_t get_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void put_be(uint64_t v, uint8_t *p, size_t n)
{
    for (size_t i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)(v & 0xFF);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

/* n BCD bytes as 2n digit characters and a NUL; false on a nibble above 9. */
static bool bcd_text(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t hi = p[i] >> 4, lo = p[i] & 0x0F;
        if (hi > 9 || lo > 9)
            return false;
        out[2 * i] = (char)('0' + hi);
        out[2 * i + 1] = (char)('0' + lo);
    }
    out[2 * n] = '\0';
    return true;
}

/* Exactly 2n digits as n BCD bytes; false otherwise. */
static bool text_bcd(const char *s, size_t n, uint8_t *p)
{
    if (strnlen(s, 2 * n + 1) != 2 * n)
        return false;
    for (size_t i = 0; i < 2 * n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)((s[2 * i] - '0') << 4 | (s[2 * i + 1] - '0'));
    return true;
}

static kerr_t check_len(const char *file, size_t n, size_t want, kmsg_t *msg)
{
    if (n == want)
        return K_OK;
    return kmsg_set(msg, K_EINVAL, "%s: %zu bytes, the file has %zu", file, n, want);
}

/* A 12-digit field (6 BCD bytes) at offset off of a file. */
static kerr_t get_digits(const char *file, const char *field, const uint8_t *p, size_t off, char out[CARD_DIGITS_LEN],
                         kmsg_t *msg)
{
    if (bcd_text(p + off, 6, out))
        return K_OK;
    const uint8_t *f = p + off;
    return kmsg_set(msg, K_EINVAL, "%s: %s (offset %zu) is not BCD: %02X %02X %02X %02X %02X %02X", file, field, off,
                    f[0], f[1], f[2], f[3], f[4], f[5]);
}

static kerr_t put_digits(const char *file, const char *field, const char *s, uint8_t *p, size_t off, kmsg_t *msg)
{
    if (text_bcd(s, 6, p + off))
        return K_OK;
    return kmsg_set(msg, K_EINVAL, "%s: %s \"%.12s\" is not 12 digits", file, field, s);
}

static kerr_t check_max(const char *file, const char *field, int64_t v, int64_t lo, int64_t hi, kmsg_t *msg)
{
    if (v >= lo && v <= hi)
        return K_OK;
    return kmsg_set(msg, K_EINVAL, "%s: %s %lld is outside %lld..%lld", file, field, (long long)v, (long long)lo,
                    (long long)hi);
}

/* ---- EF_INFO ------------------------------------------------------------ */

static bool type_ok(uint8_t t)
{
    return t == CARD_TYPE_BLANK || t == CARD_TYPE_USER || t == CARD_TYPE_REPLACEMENT;
}

/* The coded bytes; bad_version is K_EVERSION on a card, K_EINVAL when writing one. */
static kerr_t info_codes(const card_info_t *c, kerr_t bad_version, kmsg_t *msg)
{
    if (c->version != CARD_INFO_VERSION)
        return kmsg_set(msg, bad_version, "EF_INFO: format version %02X, this kiosk knows %02X", c->version,
                        CARD_INFO_VERSION);
    if (!type_ok(c->type))
        return kmsg_set(msg, K_EINVAL, "EF_INFO: card type %02X is none of 00, 01, 03", c->type);
    if (c->status > CARD_STATUS_BLOCKED)
        return kmsg_set(msg, K_EINVAL, "EF_INFO: status %02X is neither 00 nor 01", c->status);
    return K_OK;
}

static kerr_t get_currency(const uint8_t *p, uint16_t *out, kmsg_t *msg)
{
    char d[5];
    if (!bcd_text(p + 24, 2, d))
        return kmsg_set(msg, K_EINVAL, "EF_INFO: currency (offset 24) is not BCD: %02X %02X", p[24], p[25]);
    *out = (uint16_t)((d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0'));
    return K_OK;
}

kerr_t card_info_decode(const uint8_t *p, size_t n, card_info_t *out, kmsg_t *msg)
{
    kerr_t e = check_len("EF_INFO", n, CARD_INFO_LEN, msg);
    if (e != K_OK)
        return e;
    card_info_t c = {.version = p[0], .type = p[1], .status = p[2], .generation = p[23]};
    memcpy(c.serial, p + 3, CARD_SERIAL_LEN);
    if ((e = info_codes(&c, K_EVERSION, msg)) != K_OK ||
        (e = get_digits("EF_INFO", "meter number", p, 11, c.meter, msg)) != K_OK ||
        (e = get_digits("EF_INFO", "customer number", p, 17, c.customer, msg)) != K_OK ||
        (e = get_currency(p, &c.currency, msg)) != K_OK ||
        (e = get_digits("EF_INFO", "time of issue", p, 26, c.issued, msg)) != K_OK)
        return e;
    *out = c;
    return K_OK;
}

kerr_t card_info_encode(const card_info_t *in, uint8_t out[CARD_INFO_LEN], kmsg_t *msg)
{
    kerr_t e = info_codes(in, K_EINVAL, msg);
    if (e == K_OK)
        e = check_max("EF_INFO", "currency", in->currency, 0, 9999, msg);
    if (e != K_OK)
        return e;
    out[0] = in->version;
    out[1] = in->type;
    out[2] = in->status;
    memcpy(out + 3, in->serial, CARD_SERIAL_LEN);
    out[23] = in->generation;
    char cur[5] = {(char)('0' + in->currency / 1000), (char)('0' + in->currency / 100 % 10),
                   (char)('0' + in->currency / 10 % 10), (char)('0' + in->currency % 10), '\0'};
    (void)text_bcd(cur, 2, out + 24);
    if ((e = put_digits("EF_INFO", "meter number", in->meter, out, 11, msg)) != K_OK ||
        (e = put_digits("EF_INFO", "customer number", in->customer, out, 17, msg)) != K_OK ||
        (e = put_digits("EF_INFO", "time of issue", in->issued, out, 26, msg)) != K_OK)
        return e;
    return K_OK;
}

/* ---- EF_PURSE ----------------------------------------------------------- */

kerr_t card_purse_decode(const uint8_t *p, size_t n, card_purse_t *out, kmsg_t *msg)
{
    kerr_t e = check_len("EF_PURSE", n, CARD_PURSE_LEN, msg);
    if (e != K_OK)
        return e;
    if (p[0] > CARD_PURPOSE_REPLACE)
        return kmsg_set(msg, K_EINVAL, "EF_PURSE: purpose %02X is none of 00..03", p[0]);
    if (!all_zero(p + 13, 3))
        return kmsg_set(msg, K_EINVAL, "EF_PURSE: reserved bytes are %02X %02X %02X, not 00", p[13], p[14], p[15]);
    card_purse_t c = {.purpose = p[0], .amount = (int64_t)get_be(p + 1, 4), .count = (uint32_t)get_be(p + 5, 2)};
    if ((e = get_digits("EF_PURSE", "time of the purchase", p, 7, c.time, msg)) != K_OK)
        return e;
    *out = c;
    return K_OK;
}

kerr_t card_purse_encode(const card_purse_t *in, uint8_t out[CARD_PURSE_LEN], kmsg_t *msg)
{
    kerr_t e;
    if ((e = check_max("EF_PURSE", "purpose", in->purpose, 0, CARD_PURPOSE_REPLACE, msg)) != K_OK ||
        (e = check_max("EF_PURSE", "amount", in->amount, 0, UINT32_MAX, msg)) != K_OK ||
        (e = check_max("EF_PURSE", "purchase count", in->count, 0, UINT16_MAX, msg)) != K_OK)
        return e;
    memset(out, 0, CARD_PURSE_LEN);
    out[0] = in->purpose;
    put_be((uint64_t)in->amount, out + 1, 4);
    put_be(in->count, out + 5, 2);
    return put_digits("EF_PURSE", "time of the purchase", in->time, out, 7, msg);
}

/* ---- EF_WRITEBACK ------------------------------------------------------- */

#define ENERGY_MAX (((int64_t)1 << 48) - 1)

static int64_t get_s32(const uint8_t *p)
{
    int64_t v = (int64_t)get_be(p, 4);
    return v >= ((int64_t)1 << 31) ? v - ((int64_t)1 << 32) : v;
}

static void get_energies(const uint8_t *p, card_writeback_t *c)
{
    c->energy_total = (int64_t)get_be(p + 11, 6);
    for (size_t i = 0; i < 4; i++)
        c->energy[i] = (int64_t)get_be(p + 17 + 6 * i, 6);
}

static kerr_t check_energies(const card_writeback_t *c, kmsg_t *msg)
{
    static const char *const names[4] = {"sharp energy", "peak energy", "flat energy", "valley energy"};
    kerr_t e = check_max("EF_WRITEBACK", "total energy", c->energy_total, 0, ENERGY_MAX, msg);
    for (size_t i = 0; i < 4 && e == K_OK; i++)
        e = check_max("EF_WRITEBACK", names[i], c->energy[i], 0, ENERGY_MAX, msg);
    return e;
}

kerr_t card_writeback_decode(const uint8_t *p, size_t n, card_writeback_t *out, kmsg_t *msg)
{
    kerr_t e = check_len("EF_WRITEBACK", n, CARD_WRITEBACK_LEN, msg);
    if (e != K_OK)
        return e;
    if (p[0] > 1)
        return kmsg_set(msg, K_EINVAL, "EF_WRITEBACK: written flag %02X is neither 00 nor 01", p[0]);
    if (!all_zero(p + 51, 5))
        return kmsg_set(msg, K_EINVAL, "EF_WRITEBACK: reserved bytes (offset 51) are not 00");
    card_writeback_t c = {.written = p[0] == 1, .remaining = get_s32(p + 7), .count = (uint32_t)get_be(p + 41, 2),
                          .status = p[43], .tamper = p[44]};
    get_energies(p, &c);
    if ((e = get_digits("EF_WRITEBACK", "meter number", p, 1, c.meter, msg)) != K_OK ||
        (e = get_digits("EF_WRITEBACK", "the meter's time", p, 45, c.time, msg)) != K_OK)
        return e;
    *out = c;
    return K_OK;
}

kerr_t card_writeback_encode(const card_writeback_t *in, uint8_t out[CARD_WRITEBACK_LEN], kmsg_t *msg)
{
    kerr_t e;
    if ((e = check_max("EF_WRITEBACK", "remaining money", in->remaining, INT32_MIN, INT32_MAX, msg)) != K_OK ||
        (e = check_max("EF_WRITEBACK", "purchase count", in->count, 0, UINT16_MAX, msg)) != K_OK ||
        (e = check_energies(in, msg)) != K_OK)
        return e;
    memset(out, 0, CARD_WRITEBACK_LEN);
    out[0] = in->written ? 1 : 0;
    put_be((uint64_t)(in->remaining < 0 ? in->remaining + ((int64_t)1 << 32) : in->remaining), out + 7, 4);
    put_be((uint64_t)in->energy_total, out + 11, 6);
    for (size_t i = 0; i < 4; i++)
        put_be((uint64_t)in->energy[i], out + 17 + 6 * i, 6);
    put_be(in->count, out + 41, 2);
    out[43] = in->status;
    out[44] = in->tamper;
    if ((e = put_digits("EF_WRITEBACK", "meter number", in->meter, out, 1, msg)) != K_OK ||
        (e = put_digits("EF_WRITEBACK", "the meter's time", in->time, out, 45, msg)) != K_OK)
        return e;
    return K_OK;
}
