/* smscsim's own SMPP 3.4 codec, written from the specification: the
 * 16-octet header in network order, C-octet strings, submit_sm's
 * mandatory fields, UCS-2 text. It shares nothing with the back office's
 * SMS channel, so the two cannot agree on a mistake. */
#include <string.h>

#include "sim/smscsim/smsc.h"

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

long smsc_wire_need(const uint8_t *buf, size_t n)
{
    if (n < 4)
        return 0;
    uint32_t len = be32(buf);
    if (len < 16 || len > SMSC_PDU_MAX)
        return -1;
    return n >= len ? (long)len : 0;
}

void smsc_wire_split(const uint8_t *buf, size_t n, smsc_pdu_t *p)
{
    p->length = be32(buf);
    p->id = be32(buf + 4);
    p->status = be32(buf + 8);
    p->seq = be32(buf + 12);
    p->body = buf + 16;
    p->body_len = n - 16;
}

void smsc_out_byte(smsc_out_t *o, unsigned v)
{
    if (o->n == sizeof o->b) {
        o->full = true;
        return;
    }
    o->b[o->n++] = (uint8_t)(v & 0xFF);
}

static void out_word(smsc_out_t *o, uint32_t v)
{
    smsc_out_byte(o, v >> 24);
    smsc_out_byte(o, v >> 16);
    smsc_out_byte(o, v >> 8);
    smsc_out_byte(o, v);
}

void smsc_out_begin(smsc_out_t *o, uint32_t id, uint32_t status, uint32_t seq)
{
    o->n = 0;
    o->full = false;
    out_word(o, 0);
    out_word(o, id);
    out_word(o, status);
    out_word(o, seq);
}

void smsc_out_raw(smsc_out_t *o, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        smsc_out_byte(o, b[i]);
}

void smsc_out_str(smsc_out_t *o, const char *s)
{
    smsc_out_raw(o, s, strlen(s) + 1);
}

bool smsc_out_end(smsc_out_t *o)
{
    uint32_t n = (uint32_t)o->n;
    o->b[0] = (uint8_t)(n >> 24);
    o->b[1] = (uint8_t)(n >> 16);
    o->b[2] = (uint8_t)(n >> 8);
    o->b[3] = (uint8_t)n;
    return !o->full;
}

unsigned smsc_in_byte(smsc_in_t *in)
{
    if (in->i < in->n)
        return in->b[in->i++];
    in->broken = true;
    return 0;
}

void smsc_in_str(smsc_in_t *in, char *out, size_t max)
{
    const uint8_t *start = in->b + in->i;
    const uint8_t *nul = in->i < in->n ? memchr(start, 0, in->n - in->i) : NULL;
    size_t len = nul ? (size_t)(nul - start) : 0;
    if (!nul || len + 1 > max) {
        in->broken = true;
        out[0] = '\0';
        return;
    }
    memcpy(out, start, len + 1);
    in->i += len + 1;
}

bool smsc_wire_submit(const uint8_t *body, size_t n, smsc_submit_t *s)
{
    smsc_in_t in = {body, n, 0, false};
    char skip[24];
    memset(s, 0, sizeof *s);
    smsc_in_str(&in, skip, 6); /* service_type */
    in.i += 2;                 /* source ton, npi */
    smsc_in_str(&in, s->source, sizeof s->source);
    in.i += 2; /* dest ton, npi */
    smsc_in_str(&in, s->dest, sizeof s->dest);
    s->esm_class = smsc_in_byte(&in);
    in.i += 2;                  /* protocol_id, priority_flag */
    smsc_in_str(&in, skip, 17); /* schedule_delivery_time */
    smsc_in_str(&in, skip, 17); /* validity_period */
    s->registered_delivery = smsc_in_byte(&in);
    smsc_in_byte(&in); /* replace_if_present_flag */
    s->data_coding = smsc_in_byte(&in);
    smsc_in_byte(&in); /* sm_default_msg_id */
    s->sm_len = smsc_in_byte(&in);
    if (in.broken || in.i > n || s->sm_len > n - in.i)
        return false;
    s->sm = body + in.i;
    return true; /* optional parameters after short_message are ignored */
}

/* Appends code point cp as UTF-8 if it fits (with room for the NUL). */
static size_t put_utf8(unsigned long cp, char *out, size_t at, size_t cap)
{
    char tmp[4];
    size_t k;
    if (cp < 0x80) {
        tmp[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        tmp[0] = (char)(0xC0 | (cp >> 6));
        tmp[1] = (char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        tmp[0] = (char)(0xE0 | (cp >> 12));
        tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[2] = (char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        tmp[0] = (char)(0xF0 | (cp >> 18));
        tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[3] = (char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    if (at + k + 1 > cap)
        return at;
    memcpy(out + at, tmp, k);
    return at + k;
}

void smsc_ucs2_to_utf8(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t at = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned long u = (unsigned long)p[i] << 8 | p[i + 1];
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            unsigned long lo = (unsigned long)p[i + 2] << 8 | p[i + 3];
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF)
            u = 0xFFFD;
        at = put_utf8(u, out, at, cap);
    }
    if (cap > 0)
        out[at] = '\0';
}
