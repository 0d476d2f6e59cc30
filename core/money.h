/* Money: signed 64-bit minor units plus an ISO 4217 currency.
 * Parsing what a person types, formatting for screen and receipt, and
 * checked arithmetic. No floating point. */
#ifndef CORE_MONEY_H
#define CORE_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct currency {
    char code[4];       /* ISO 4217 alphabetic code, "CNY" */
    uint16_t numeric;   /* ISO 4217 numeric code, 156 */
    uint8_t exponent;   /* digits after the decimal point: 2 for CNY, 0 for JPY */
    const char *symbol; /* UTF-8 symbol for screens, "¥" */
} currency_t;

typedef struct money {
    int64_t minor;         /* amount in minor units (fen, cents) */
    const currency_t *cur; /* never NULL in a valid money_t */
} money_t;

typedef enum money_style {
    MONEY_PLAIN,  /* "1234.50": machine-facing, no grouping */
    MONEY_SCREEN, /* "¥1,234.50": symbol and thousands separators */
    MONEY_RECEIPT /* "CNY 1,234.50": code, works on any printer code page */
} money_style_t;

/* Returns the currency with this alphabetic code (exact, upper case), or NULL. */
const currency_t *currency_find(const char *code);

/* Returns the currency with this ISO 4217 numeric code, or NULL. */
const currency_t *currency_by_numeric(uint16_t numeric);

/* Parses an amount typed by a person into minor units of cur. Accepts
 * surrounding spaces, an optional sign, the currency's symbol or code before
 * or after the number, thousands separators in groups of three, full-width
 * digits and decimal point (U+FF10..U+FF19, U+FF0E), and at most
 * cur->exponent decimals. Refuses anything else, and overflow, with a
 * message fit for the person who typed it. */
kerr_t money_parse(const char *text, const currency_t *cur, int64_t *minor, kmsg_t *msg);

/* Formats minor units of cur in the given style into buf. Returns false
 * (and writes "") if buf is too small; 32 bytes always suffice. */
bool money_format(int64_t minor, const currency_t *cur, money_style_t style, char *buf, size_t len);

/* Adds b to *acc, refusing overflow (K_EOVERFLOW, *acc unchanged). */
kerr_t money_add(int64_t *acc, int64_t b);

#endif
