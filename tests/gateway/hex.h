/* Hex text to bytes for test vectors: "FE FE 68 ..." (spaces ignored). */
#ifndef TESTS_GATEWAY_HEX_H
#define TESTS_GATEWAY_HEX_H

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>

static inline size_t hex_bytes(const char *text, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = text; *p && n < cap; p++) {
        if (isspace((unsigned char)*p))
            continue;
        int v = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
        if (hi < 0) {
            hi = v;
        } else {
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

#endif
