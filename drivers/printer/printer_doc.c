#include "drivers/printer/printer_doc.h"

#include <stdlib.h>
#include <string.h>

void printer_doc_init(printer_doc_t *d)
{
    memset(d, 0, sizeof *d);
}

void printer_doc_free(printer_doc_t *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->items[i].data);
    free(d->items);
    printer_doc_init(d);
}

/* Length of the UTF-8 sequence starting at p (at most n bytes), or 0 if it
 * is not valid: no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    uint32_t c = p[0];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    if (len > 1)
        c &= 0x3Fu >> (len - 1);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (p[i] & 0x3Fu);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < least[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return len;
}

bool printer_doc_text_ok(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x20 || p[i] == 0x7F)
            return false;
        size_t len = utf8_seq(p + i, n - i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

/* Appends a zeroed item of kind and returns it, or NULL (msg set). */
static printer_item_t *add(printer_doc_t *d, printer_item_kind_t kind, kmsg_t *msg)
{
    if (d->n == PRINTER_MAX_ITEMS) {
        kmsg_set(msg, K_EINVAL, "a receipt holds at most %d items: split it", PRINTER_MAX_ITEMS);
        return NULL;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        printer_item_t *items = realloc(d->items, cap * sizeof *items);
        if (!items) {
            kmsg_set(msg, K_EIO, "out of memory building a receipt");
            return NULL;
        }
        d->items = items;
        d->cap = cap;
    }
    printer_item_t *it = &d->items[d->n++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    return it;
}

/* Gives the item a copy of len bytes, or drops it again (msg set). */
static kerr_t keep_data(printer_doc_t *d, printer_item_t *it, const void *data, size_t len, kmsg_t *msg)
{
    it->data = malloc(len ? len : 1);
    if (!it->data) {
        d->n--;
        return kmsg_set(msg, K_EIO, "out of memory building a receipt");
    }
    if (len)
        memcpy(it->data, data, len);
    it->len = len;
    return K_OK;
}

static bool style_ok(printer_style_t s)
{
    return s.align <= PRINTER_RIGHT && s.width >= 1 && s.width <= PRINTER_MAX_SIZE && s.height >= 1 &&
           s.height <= PRINTER_MAX_SIZE;
}

kerr_t printer_doc_text(printer_doc_t *d, printer_style_t style, const char *text, kmsg_t *msg)
{
    size_t len = strlen(text);
    if (!style_ok(style))
        return kmsg_set(msg, K_EINVAL, "receipt line: alignment or size %ux%u out of range (1..%d)", style.width,
                        style.height, PRINTER_MAX_SIZE);
    if (len > PRINTER_MAX_TEXT)
        return kmsg_set(msg, K_EINVAL, "receipt line of %zu bytes: at most %d", len, PRINTER_MAX_TEXT);
    if (!printer_doc_text_ok((const uint8_t *)text, len))
        return kmsg_set(msg, K_EINVAL, "receipt line \"%.40s\" is not UTF-8 text without control characters", text);
    printer_item_t *it = add(d, PRINTER_TEXT, msg);
    if (!it)
        return K_EIO;
    it->style = style;
    return keep_data(d, it, text, len, msg);
}

kerr_t printer_doc_qr(printer_doc_t *d, printer_align_t align, const void *data, size_t len, unsigned module,
                      printer_qr_level_t level, kmsg_t *msg)
{
    if (len == 0 || len > PRINTER_MAX_QR)
        return kmsg_set(msg, K_EINVAL, "QR code of %zu bytes: it holds 1..%d", len, PRINTER_MAX_QR);
    if (module < 1 || module > PRINTER_MAX_QR_MODULE || level > PRINTER_QR_H || align > PRINTER_RIGHT)
        return kmsg_set(msg, K_EINVAL, "QR code: module size %u (1..%d), level or alignment out of range", module,
                        PRINTER_MAX_QR_MODULE);
    printer_item_t *it = add(d, PRINTER_QR, msg);
    if (!it)
        return K_EIO;
    it->style = PRINTER_STYLE_NORMAL;
    it->style.align = align;
    it->module = (uint8_t)module;
    it->level = level;
    return keep_data(d, it, data, len, msg);
}

kerr_t printer_doc_feed(printer_doc_t *d, unsigned lines, kmsg_t *msg)
{
    if (lines < 1 || lines > PRINTER_MAX_FEED)
        return kmsg_set(msg, K_EINVAL, "feed of %u lines: 1..%d", lines, PRINTER_MAX_FEED);
    printer_item_t *it = add(d, PRINTER_FEED, msg);
    if (!it)
        return K_EIO;
    it->lines = (uint8_t)lines;
    return K_OK;
}

kerr_t printer_doc_cut(printer_doc_t *d, bool partial, kmsg_t *msg)
{
    printer_item_t *it = add(d, PRINTER_CUT, msg);
    if (!it)
        return K_EIO;
    it->partial = partial;
    return K_OK;
}
