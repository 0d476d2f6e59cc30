#include "sim/common/simhex.h"

#include <string.h>

int simhex_digit(int c)
{
    static const char digits[] = "0123456789ABCDEF0123456789abcdef";
    const char *at = c ? strchr(digits, c) : NULL;
    return at ? (int)((at - digits) % 16) : -1;
}

void simhex_encode(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        *out++ = digits[b[i] >> 4];
        *out++ = digits[b[i] & 0x0F];
    }
    *out = '\0';
}

bool simhex_decode(const char *text, uint8_t *out, size_t n)
{
    if (strlen(text) != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = simhex_digit((unsigned char)text[2 * i]), lo = simhex_digit((unsigned char)text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}
