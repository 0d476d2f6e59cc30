/* The encoder of the profile escpos-kiosk (docs/protocols/escpos.md,
 * "A document in bytes"): pure, byte for byte what the document says. */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/printer/escpos.h"

enum { ESC = 0x1B, GS = 0x1D, FS = 0x1C, LF = 0x0A };

typedef struct out {
    uint8_t *p;
    size_t n, cap;
    bool failed; /* out of memory */
} out_t;

/* What the printer is set to: the encoder sends a mode only when it changes. */
typedef struct modes {
    printer_align_t align;
    bool bold;
    uint8_t size; /* the GS ! byte */
} modes_t;

static void put(out_t *o, const void *p, size_t n)
{
    if (o->failed || n == 0)
        return;
    if (o->n + n > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap < o->n + n)
            cap *= 2;
        uint8_t *q = realloc(o->p, cap);
        if (!q) {
            o->failed = true;
            return;
        }
        o->p = q;
        o->cap = cap;
    }
    memcpy(o->p + o->n, p, n);
    o->n += n;
}

static void put3(out_t *o, uint8_t a, uint8_t b, uint8_t c)
{
    put(o, (uint8_t[]){a, b, c}, 3);
}

static void set_align(out_t *o, modes_t *m, printer_align_t a)
{
    if (m->align != a)
        put3(o, ESC, 'a', (uint8_t)a);
    m->align = a;
}

static void set_style(out_t *o, modes_t *m, printer_style_t s)
{
    uint8_t size = (uint8_t)((s.width - 1) << 4 | (s.height - 1));
    set_align(o, m, s.align);
    if (m->bold != s.bold)
        put3(o, ESC, 'E', s.bold ? 1 : 0);
    if (m->size != size)
        put3(o, GS, '!', size);
    m->bold = s.bold;
    m->size = size;
}

static bool is_ascii(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 0x80)
            return false;
    return true;
}

/* Appends text converted to GB18030 (at most 4 bytes per character, and
 * UTF-8 spends at least 1: 4n bytes suffice). */
static kerr_t put_gb18030(out_t *o, const uint8_t *text, size_t n, kmsg_t *msg)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == (iconv_t)-1)
        return kmsg_set(msg, K_EIO, "iconv cannot convert UTF-8 to GB18030: %s (is glibc's gconv installed?)",
                        strerror(errno));
    size_t cap = 4 * n, in_left = n, out_left = cap;
    char *buf = malloc(cap), *in = (char *)(uintptr_t)text, *dst = buf;
    size_t rc = buf ? iconv(cd, &in, &in_left, &dst, &out_left) : (size_t)-1;
    int err = errno;
    iconv_close(cd);
    if (rc == (size_t)-1 || in_left) {
        free(buf);
        return kmsg_set(msg, buf ? K_EINVAL : K_EIO, "receipt text cannot be converted to GB18030: %s",
                        strerror(err));
    }
    put(o, buf, cap - out_left);
    free(buf);
    return K_OK;
}

static kerr_t put_text(out_t *o, modes_t *m, const printer_item_t *it, kmsg_t *msg)
{
    const printer_style_t *s = &it->style;
    if (s->align > PRINTER_RIGHT || s->width < 1 || s->width > PRINTER_MAX_SIZE || s->height < 1 ||
        s->height > PRINTER_MAX_SIZE)
        return kmsg_set(msg, K_EINVAL, "receipt line: alignment or size out of range");
    if (!printer_doc_text_ok(it->data, it->len))
        return kmsg_set(msg, K_EINVAL, "receipt line is not UTF-8 text without control characters");
    set_style(o, m, it->style);
    kerr_t rc = K_OK;
    if (is_ascii(it->data, it->len)) {
        put(o, it->data, it->len);
    } else {
        put(o, (uint8_t[]){FS, '&'}, 2);
        rc = put_gb18030(o, it->data, it->len, msg);
        put(o, (uint8_t[]){FS, '.'}, 2);
    }
    put(o, (uint8_t[]){LF}, 1);
    return rc;
}

/* GS ( k pL pH cn fn ...: one function of the QR code symbol (cn 49). */
static void qr_function(out_t *o, uint8_t fn, const uint8_t *args, size_t n, const uint8_t *data, size_t len)
{
    size_t k = 2 + n + len;
    put(o, (uint8_t[]){GS, '(', 'k', (uint8_t)(k & 0xFF), (uint8_t)(k >> 8), '1', fn}, 7);
    put(o, args, n);
    put(o, data, len);
}

static void put_qr(out_t *o, modes_t *m, const printer_item_t *it)
{
    set_align(o, m, it->style.align);
    qr_function(o, 'A', (uint8_t[]){'2', 0}, 2, NULL, 0);          /* model 2 */
    qr_function(o, 'C', &it->module, 1, NULL, 0);                  /* dots per module */
    qr_function(o, 'E', (uint8_t[]){(uint8_t)('0' + it->level)}, 1, NULL, 0); /* error correction */
    qr_function(o, 'P', (uint8_t[]){'0'}, 1, it->data, it->len);   /* store the data */
    qr_function(o, 'Q', (uint8_t[]){'0'}, 1, NULL, 0);             /* print it */
}

static bool qr_ok(const printer_item_t *it)
{
    return it->len >= 1 && it->len <= PRINTER_MAX_QR && it->module >= 1 && it->module <= PRINTER_MAX_QR_MODULE &&
           it->level <= PRINTER_QR_H && it->style.align <= PRINTER_RIGHT;
}

static kerr_t put_item(out_t *o, modes_t *m, const printer_item_t *it, kmsg_t *msg)
{
    switch (it->kind) {
    case PRINTER_TEXT: return put_text(o, m, it, msg);
    case PRINTER_QR:
        if (!qr_ok(it))
            return kmsg_set(msg, K_EINVAL, "QR code item out of range");
        put_qr(o, m, it);
        return K_OK;
    case PRINTER_FEED:
        if (it->lines == 0)
            return kmsg_set(msg, K_EINVAL, "feed of 0 lines");
        put3(o, ESC, 'd', it->lines);
        return K_OK;
    case PRINTER_CUT: put3(o, GS, 'V', it->partial ? 1 : 0); return K_OK;
    }
    return kmsg_set(msg, K_EINVAL, "unknown receipt item");
}

kerr_t escpos_encode(const printer_doc_t *d, uint8_t **out, size_t *len, kmsg_t *msg)
{
    out_t o = {0};
    modes_t m = {PRINTER_LEFT, false, 0}; /* what ESC @ leaves */
    kerr_t rc = K_OK;
    put(&o, (uint8_t[]){ESC, '@'}, 2);
    for (size_t i = 0; i < d->n && rc == K_OK; i++)
        rc = put_item(&o, &m, &d->items[i], msg);
    if (rc == K_OK && o.failed)
        rc = kmsg_set(msg, K_EIO, "out of memory encoding a receipt");
    if (rc != K_OK) {
        free(o.p);
        return rc;
    }
    *out = o.p;
    *len = o.n;
    return K_OK;
}
