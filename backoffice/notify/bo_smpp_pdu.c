/* SMPP 3.4 PDUs: the header, C-octet strings, the PDUs of our profile
 * (docs/protocols/smpp.md). Written from the specification; the SMSC
 * simulator (sim/smscsim) has a codec of its own. */
#include "backoffice/notify/bo_smpp_pdu.h"

#include <string.h>

/* A writer that stops (and remembers it) at the first byte that does not fit. */
typedef struct wr {
    uint8_t *p;
    size_t cap, n;
    bool over;
} wr_t;

static void put_u8(wr_t *w, uint8_t v)
{
    if (w->n >= w->cap) {
        w->over = true;
        return;
    }
    w->p[w->n++] = v;
}

static void put_u32(wr_t *w, uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        put_u8(w, (uint8_t)(v >> shift));
}

static void put_bytes(wr_t *w, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_u8(w, b[i]);
}

/* A C-octet string of at most max octets, its NUL included. */
static void put_cstr(wr_t *w, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n + 1 > max) {
        w->over = true;
        return;
    }
    put_bytes(w, (const uint8_t *)(s ? s : ""), n);
    put_u8(w, 0);
}

static wr_t start(uint32_t cmd, uint32_t status, uint32_t seq, uint8_t *out, size_t cap)
{
    wr_t w = {out, cap, 0, false};
    put_u32(&w, 0); /* command_length, set by finish */
    put_u32(&w, cmd);
    put_u32(&w, status);
    put_u32(&w, seq);
    return w;
}

static size_t finish(wr_t *w)
{
    if (w->over || w->n > BO_SMPP_MAX_PDU)
        return 0;
    wr_t len = {w->p, 4, 0, false};
    put_u32(&len, (uint32_t)w->n);
    return w->n;
}

size_t bo_smpp_encode_empty(uint32_t cmd, uint32_t status, uint32_t seq, uint8_t *out, size_t cap)
{
    wr_t w = start(cmd, status, seq, out, cap);
    return finish(&w);
}

size_t bo_smpp_encode_bind(const bo_smpp_bind_t *b, uint32_t seq, uint8_t *out, size_t cap)
{
    wr_t w = start(b->transceiver ? BO_SMPP_BIND_TRANSCEIVER : BO_SMPP_BIND_TRANSMITTER, 0, seq, out, cap);
    put_cstr(&w, b->system_id, 16);
    put_cstr(&w, b->password, 9);
    put_cstr(&w, b->system_type, 13);
    put_u8(&w, 0x34); /* interface_version */
    put_u8(&w, 0);    /* addr_ton */
    put_u8(&w, 0);    /* addr_npi */
    put_cstr(&w, "", 41);
    return finish(&w);
}

size_t bo_smpp_encode_submit(const bo_smpp_submit_t *s, uint32_t seq, uint8_t *out, size_t cap)
{
    wr_t w = start(BO_SMPP_SUBMIT_SM, 0, seq, out, cap);
    put_cstr(&w, "", 6); /* service_type: the SMSC's default */
    put_u8(&w, s->source_ton);
    put_u8(&w, s->source_npi);
    put_cstr(&w, s->source, 21);
    put_u8(&w, 1); /* dest_addr_ton: international */
    put_u8(&w, 1); /* dest_addr_npi: E.164 */
    put_cstr(&w, s->dest, 21);
    put_u8(&w, s->esm_class);
    put_u8(&w, 0);        /* protocol_id */
    put_u8(&w, 0);        /* priority_flag */
    put_cstr(&w, "", 17); /* schedule_delivery_time: now */
    put_cstr(&w, "", 17); /* validity_period: the SMSC's default */
    put_u8(&w, s->registered_delivery);
    put_u8(&w, 0); /* replace_if_present_flag */
    put_u8(&w, s->data_coding);
    put_u8(&w, 0); /* sm_default_msg_id */
    if (s->sm_len > 254)
        return 0;
    put_u8(&w, (uint8_t)s->sm_len);
    put_bytes(&w, s->sm, s->sm_len);
    return finish(&w);
}

size_t bo_smpp_encode_deliver_resp(uint32_t status, uint32_t seq, uint8_t *out, size_t cap)
{
    wr_t w = start(BO_SMPP_DELIVER_SM | BO_SMPP_RESP, status, seq, out, cap);
    put_u8(&w, 0); /* message_id: unused, NULL */
    return finish(&w);
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bo_smpp_frame_t bo_smpp_frame(const uint8_t *p, size_t n, bo_smpp_header_t *h)
{
    if (n < 4)
        return BO_SMPP_MORE;
    uint32_t len = get_u32(p);
    if (len < BO_SMPP_HEADER || len > BO_SMPP_MAX_PDU)
        return BO_SMPP_BAD;
    if (n < len)
        return BO_SMPP_MORE;
    *h = (bo_smpp_header_t){len, get_u32(p + 4), get_u32(p + 8), get_u32(p + 12)};
    return BO_SMPP_WHOLE;
}

/* A reader over a PDU's body that fails for good at the first overrun. */
typedef struct rd {
    const uint8_t *p;
    size_t n, at;
    bool bad;
} rd_t;

static uint8_t get_u8(rd_t *r)
{
    if (r->at >= r->n) {
        r->bad = true;
        return 0;
    }
    return r->p[r->at++];
}

/* A C-octet string of at most max octets (NUL included) into out[max]. */
static void get_cstr(rd_t *r, char *out, size_t max)
{
    size_t i = 0;
    for (;;) {
        uint8_t c = get_u8(r);
        if (r->bad || i + 1 > max) {
            r->bad = true;
            out[0] = '\0';
            return;
        }
        out[i++] = (char)c;
        if (c == 0)
            return;
    }
}

bool bo_smpp_decode_resp_id(const uint8_t *p, size_t n, char *id, size_t cap)
{
    id[0] = '\0';
    if (n < BO_SMPP_HEADER)
        return false;
    if (n == BO_SMPP_HEADER)
        return true;
    rd_t r = {p, n, BO_SMPP_HEADER, false};
    get_cstr(&r, id, cap);
    return !r.bad && r.at == n;
}

/* The optional parameters after the mandatory fields: tag, length, value. */
static bool read_tlvs(rd_t *r, bo_smpp_deliver_t *d)
{
    while (r->at < r->n) {
        if (r->n - r->at < 4)
            return false;
        const uint8_t *t = r->p + r->at;
        uint16_t tag = (uint16_t)(t[0] << 8 | t[1]), len = (uint16_t)(t[2] << 8 | t[3]);
        if (len > r->n - r->at - 4)
            return false;
        const uint8_t *v = t + 4;
        if (tag == 0x001E && len > 0 && len <= sizeof d->receipted_id) {
            memcpy(d->receipted_id, v, len);
            d->receipted_id[len - 1] = '\0';
        } else if (tag == 0x0427 && len == 1) {
            d->message_state = v[0];
        }
        r->at += 4u + len;
    }
    return true;
}

bool bo_smpp_decode_deliver(const uint8_t *p, size_t n, bo_smpp_deliver_t *d)
{
    char skip[66];
    memset(d, 0, sizeof *d);
    d->message_state = -1;
    rd_t r = {p, n, BO_SMPP_HEADER, n < BO_SMPP_HEADER};
    get_cstr(&r, skip, 6); /* service_type */
    get_u8(&r);            /* source_addr_ton */
    get_u8(&r);            /* source_addr_npi */
    d->source_off = r.at;
    get_cstr(&r, d->source, sizeof d->source);
    get_u8(&r);
    get_u8(&r);
    get_cstr(&r, skip, 21); /* destination_addr */
    d->esm_class = get_u8(&r);
    get_u8(&r);             /* protocol_id */
    get_u8(&r);             /* priority_flag */
    get_cstr(&r, skip, 17); /* schedule_delivery_time */
    get_cstr(&r, skip, 17); /* validity_period */
    get_u8(&r);             /* registered_delivery */
    get_u8(&r);             /* replace_if_present_flag */
    d->data_coding = get_u8(&r);
    get_u8(&r); /* sm_default_msg_id */
    d->sm_len = get_u8(&r);
    if (r.bad || d->sm_len > r.n - r.at)
        return false;
    d->sm = p + r.at;
    r.at += d->sm_len;
    return read_tlvs(&r, d);
}
