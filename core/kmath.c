#include "core/kmath.h"

#include <stdio.h>
#include <string.h>

__extension__ typedef __int128 i128;

kerr_t kmath_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return K_EOVERFLOW;
    *out = r;
    return K_OK;
}

kerr_t kmath_sub(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return K_EOVERFLOW;
    *out = r;
    return K_OK;
}

static i128 div_round(i128 n, i128 d, kround_t mode)
{
    if (d < 0) {
        n = -n;
        d = -d;
    }
    i128 q = n / d, r = n % d; /* C truncates toward zero */
    if (r == 0)
        return q;
    switch (mode) {
    case KROUND_DOWN: return n < 0 ? q - 1 : q;
    case KROUND_UP: return n > 0 ? q + 1 : q;
    case KROUND_HALF_UP: {
        i128 twice = (r < 0 ? -r : r) * 2;
        if (twice >= d)
            return n < 0 ? q - 1 : q + 1;
        return q;
    }
    }
    return q;
}

kerr_t kmath_muldiv(int64_t a, int64_t b, int64_t c, kround_t mode, int64_t *out)
{
    if (c == 0)
        return K_EINVAL;
    i128 r = div_round((i128)a * (i128)b, (i128)c, mode);
    if (r > INT64_MAX || r < INT64_MIN)
        return K_EOVERFLOW;
    *out = (int64_t)r;
    return K_OK;
}

bool kmath_format_fixed(int64_t v, unsigned scale, char *buf, size_t len)
{
    if (scale > 18)
        return false;
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t pow = 1;
    for (unsigned i = 0; i < scale; i++)
        pow *= 10;
    uint64_t whole = mag / pow, frac = mag % pow;
    int n;
    if (scale == 0)
        n = snprintf(buf, len, "%s%llu", v < 0 ? "-" : "", (unsigned long long)whole);
    else
        n = snprintf(buf, len, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)whole,
                     (int)scale, (unsigned long long)frac);
    return n >= 0 && (size_t)n < len;
}

kerr_t kmath_parse_fixed(const char *text, unsigned scale, int64_t *out, kmsg_t *msg)
{
    const char *p = text;
    bool neg = false, any = false, dot = false;
    unsigned decimals = 0;
    uint64_t mag = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    for (; *p; p++) {
        if (*p == '.' && !dot) {
            dot = true;
            continue;
        }
        if (*p < '0' || *p > '9')
            return kmsg_set(msg, K_EINVAL, "'%s' is not a decimal number", text);
        if (dot && ++decimals > scale)
            return kmsg_set(msg, K_EINVAL, "'%s' has more than %u decimal places", text, scale);
        if (__builtin_mul_overflow(mag, 10u, &mag) || __builtin_add_overflow(mag, (uint64_t)(*p - '0'), &mag))
            return kmsg_set(msg, K_EOVERFLOW, "'%s' is too large", text);
        any = true;
    }
    if (!any)
        return kmsg_set(msg, K_EINVAL, "'%s' is not a decimal number", text);
    for (; decimals < scale; decimals++)
        if (__builtin_mul_overflow(mag, 10u, &mag))
            return kmsg_set(msg, K_EOVERFLOW, "'%s' is too large", text);
    if (mag > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
        return kmsg_set(msg, K_EOVERFLOW, "'%s' is too large", text);
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return K_OK;
}
