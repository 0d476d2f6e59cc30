/* A receipt as the kiosk describes it, before any printer language: lines
 * of UTF-8 text with an alignment, bold and a character size, QR codes,
 * paper feeds and cuts, in the order they are printed. Every item is
 * checked when it is added, so an encoder never meets a bad one. */
#ifndef DRIVERS_PRINTER_PRINTER_DOC_H
#define DRIVERS_PRINTER_PRINTER_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define PRINTER_MAX_SIZE 8        /* character width and height: 1..8 times */
#define PRINTER_MAX_TEXT 512      /* bytes of UTF-8 in one line */
#define PRINTER_MAX_QR 2953       /* bytes a QR code (version 40, level L) holds */
#define PRINTER_MAX_QR_MODULE 16  /* dots per QR module */
#define PRINTER_MAX_FEED 255      /* lines in one feed */
#define PRINTER_MAX_ITEMS 1000

typedef enum printer_align { PRINTER_LEFT, PRINTER_CENTRE, PRINTER_RIGHT } printer_align_t;

/* Error correction of a QR code: about 7, 15, 25 and 30 % of it may be lost. */
typedef enum printer_qr_level { PRINTER_QR_L, PRINTER_QR_M, PRINTER_QR_Q, PRINTER_QR_H } printer_qr_level_t;

typedef struct printer_style {
    printer_align_t align;
    bool bold;
    uint8_t width, height; /* 1..PRINTER_MAX_SIZE: multiples of the normal character */
} printer_style_t;

/* Left, not bold, normal size: what a printer does after it is initialised. */
#define PRINTER_STYLE_NORMAL ((printer_style_t){PRINTER_LEFT, false, 1, 1})

typedef enum printer_item_kind { PRINTER_TEXT, PRINTER_QR, PRINTER_FEED, PRINTER_CUT } printer_item_kind_t;

typedef struct printer_item {
    printer_item_kind_t kind;
    printer_style_t style;    /* TEXT; QR uses only align */
    uint8_t *data;            /* TEXT: UTF-8, no NUL; QR: the bytes to encode */
    size_t len;
    uint8_t module;           /* QR: dots per module, 1..16 */
    printer_qr_level_t level; /* QR */
    uint8_t lines;            /* FEED: 1..255 */
    bool partial;             /* CUT: leave a hinge of paper */
} printer_item_t;

typedef struct printer_doc {
    printer_item_t *items;
    size_t n, cap;
} printer_doc_t;

/* Makes d an empty document. */
void printer_doc_init(printer_doc_t *d);

/* Frees what d holds and leaves it empty. */
void printer_doc_free(printer_doc_t *d);

/* Adds one line of text (it ends with a line feed when printed; "" is an
 * empty line). K_EINVAL if text is not valid UTF-8, holds a control
 * character (below U+0020, or U+007F), is longer than PRINTER_MAX_TEXT
 * bytes, or the style is out of range. */
kerr_t printer_doc_text(printer_doc_t *d, printer_style_t style, const char *text, kmsg_t *msg);

/* Adds a QR code (model 2) of len bytes of data, 1..PRINTER_MAX_QR, with
 * module dots per module (1..16) at this error correction level. */
kerr_t printer_doc_qr(printer_doc_t *d, printer_align_t align, const void *data, size_t len, unsigned module,
                      printer_qr_level_t level, kmsg_t *msg);

/* Adds a feed of lines (1..255) empty lines. */
kerr_t printer_doc_feed(printer_doc_t *d, unsigned lines, kmsg_t *msg);

/* Adds a cut of the paper, full or partial. */
kerr_t printer_doc_cut(printer_doc_t *d, bool partial, kmsg_t *msg);

/* True if p[0..n) is valid UTF-8 without control characters. */
bool printer_doc_text_ok(const uint8_t *p, size_t n);

#endif
