/* Integer arithmetic for money and energy: checked, exact, with an explicit
 * rounding rule. No floating point anywhere near money. */
#ifndef CORE_KMATH_H
#define CORE_KMATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef enum kround {
    KROUND_DOWN,    /* toward negative infinity (floor) */
    KROUND_UP,      /* toward positive infinity (ceiling) */
    KROUND_HALF_UP, /* to nearest, halves away from zero */
} kround_t;

/* Stores a + b in *out, or returns K_EOVERFLOW and leaves *out alone. */
kerr_t kmath_add(int64_t a, int64_t b, int64_t *out);

/* Stores a - b in *out, or returns K_EOVERFLOW and leaves *out alone. */
kerr_t kmath_sub(int64_t a, int64_t b, int64_t *out);

/* Stores a * b / c, rounded as asked, in *out; the product is computed in
 * 128 bits so only the result has to fit. c must not be zero (K_EINVAL). */
kerr_t kmath_muldiv(int64_t a, int64_t b, int64_t c, kround_t mode, int64_t *out);

/* Writes v / 10^scale as a decimal string with exactly `scale` decimals
 * ("-12.50" for v = -1250, scale = 2). Returns false if buf is too small. */
bool kmath_format_fixed(int64_t v, unsigned scale, char *buf, size_t len);

/* Parses a decimal string with at most `scale` decimals into v * 10^scale.
 * Accepts an optional sign, digits, one '.', nothing else. */
kerr_t kmath_parse_fixed(const char *text, unsigned scale, int64_t *out, kmsg_t *msg);

#endif
