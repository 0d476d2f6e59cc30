#include "core/money.h"

#include <string.h>

#include "core/kmath.h"

/* The currencies a kiosk may be configured for. Extend as sites need. */
static const currency_t currencies[] = {
    {"CNY", 156, 2, "\xC2\xA5"},     /* ¥ */
    {"HKD", 344, 2, "HK$"},
    {"MOP", 446, 2, "MOP$"},
    {"TWD", 901, 2, "NT$"},
    {"USD", 840, 2, "$"},
    {"EUR", 978, 2, "\xE2\x82\xAC"}, /* € */
    {"GBP", 826, 2, "\xC2\xA3"},     /* £ */
    {"JPY", 392, 0, "\xC2\xA5"},
    {"KRW", 410, 0, "\xE2\x82\xA9"}, /* ₩ */
    {"VND", 704, 0, "\xE2\x82\xAB"}, /* ₫ */
    {"IDR", 360, 2, "Rp"},
    {"PHP", 608, 2, "\xE2\x82\xB1"}, /* ₱ */
    {"THB", 764, 2, "\xE0\xB8\xBF"}, /* ฿ */
    {"MYR", 458, 2, "RM"},
    {"SGD", 702, 2, "S$"},
    {"INR", 356, 2, "\xE2\x82\xB9"}, /* ₹ */
    {"ZAR", 710, 2, "R"},
    {"KES", 404, 2, "KSh"},
    {"NGN", 566, 2, "\xE2\x82\xA6"}, /* ₦ */
    {"KWD", 414, 3, "KD"},
    {"BHD", 48, 3, "BD"},
};

#define N_CURRENCIES (sizeof currencies / sizeof currencies[0])

const currency_t *currency_find(const char *code)
{
    for (size_t i = 0; code && i < N_CURRENCIES; i++)
        if (strcmp(currencies[i].code, code) == 0)
            return &currencies[i];
    return NULL;
}

const currency_t *currency_by_numeric(uint16_t numeric)
{
    for (size_t i = 0; i < N_CURRENCIES; i++)
        if (currencies[i].numeric == numeric)
            return &currencies[i];
    return NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Copies text into out in canonical ASCII: full-width digits and point
 * folded, spaces dropped. Returns false if out would overflow. */
static bool fold_ascii(const char *text, char *out, size_t len)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        char c;
        if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
            c = (char)('0' + (p[2] - 0x90));
            p += 3;
        } else if (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8E) {
            c = '.';
            p += 3;
        } else if (*p == ' ' || *p == '\t') {
            p++;
            continue;
        } else {
            c = (char)*p++;
        }
        if (n + 1 >= len)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return true;
}

/* Removes the currency's symbol or code from either end of s, in place. */
static void strip_currency(char *s, const currency_t *cur)
{
    const char *marks[] = {cur->code, cur->symbol};
    for (size_t i = 0; i < 2; i++) {
        size_t m = strlen(marks[i]), n = strlen(s);
        char *body = s[0] == '-' || s[0] == '+' ? s + 1 : s;
        if (starts_with(body, marks[i])) {
            memmove(body, body + m, strlen(body + m) + 1);
            return;
        }
        if (n >= m && strcmp(s + n - m, marks[i]) == 0) {
            s[n - m] = '\0';
            return;
        }
    }
}

/* Removes thousands separators if they sit in proper groups of three. */
static bool strip_grouping(char *s)
{
    char *dot = strchr(s, '.');
    size_t int_end = dot ? (size_t)(dot - s) : strlen(s);
    if (!memchr(s, ',', int_end))
        return strchr(s, ',') == NULL;
    size_t digits_since = 0;
    bool seen_comma = false;
    for (size_t i = 0; i < int_end; i++) {
        if (s[i] == ',') {
            if (digits_since == 0 || (seen_comma && digits_since != 3) || digits_since > 3)
                return false;
            seen_comma = true;
            digits_since = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            digits_since++;
        }
    }
    if (digits_since != 3 || (dot && strchr(dot, ',')))
        return false;
    size_t w = 0;
    for (size_t r = 0; s[r]; r++)
        if (s[r] != ',')
            s[w++] = s[r];
    s[w] = '\0';
    return true;
}

kerr_t money_parse(const char *text, const currency_t *cur, int64_t *minor, kmsg_t *msg)
{
    char buf[64];
    if (!text || !cur)
        return kmsg_set(msg, K_EINVAL, "no amount given");
    if (!fold_ascii(text, buf, sizeof buf))
        return kmsg_set(msg, K_EINVAL, "amount is too long");
    strip_currency(buf, cur);
    if (buf[0] == '\0')
        return kmsg_set(msg, K_EINVAL, "no amount given");
    if (!strip_grouping(buf))
        return kmsg_set(msg, K_EINVAL, "'%s' has misplaced thousands separators", text);
    kerr_t rc = kmath_parse_fixed(buf, cur->exponent, minor, NULL);
    if (rc == K_EOVERFLOW)
        return kmsg_set(msg, rc, "amount '%s' is too large", text);
    if (rc != K_OK) {
        if (strchr(buf, '.') && strspn(buf, "+-0123456789.") == strlen(buf))
            return kmsg_set(msg, rc, "'%s': %s amounts have at most %u decimal places", text,
                            cur->code, cur->exponent);
        return kmsg_set(msg, rc, "'%s' is not an amount of money", text);
    }
    return K_OK;
}

/* Inserts a comma every three digits of the integer part of a plain number. */
static bool group_thousands(const char *plain, char *out, size_t len)
{
    const char *digits = plain[0] == '-' ? plain + 1 : plain;
    const char *dot = strchr(digits, '.');
    size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t n = 0;
    if (plain[0] == '-') {
        if (n + 1 >= len)
            return false;
        out[n++] = '-';
    }
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0) {
            if (n + 1 >= len)
                return false;
            out[n++] = ',';
        }
        if (n + 1 >= len)
            return false;
        out[n++] = digits[i];
    }
    size_t rest = strlen(digits + int_len);
    if (n + rest + 1 > len)
        return false;
    memcpy(out + n, digits + int_len, rest + 1);
    return true;
}

bool money_format(int64_t minor, const currency_t *cur, money_style_t style, char *buf, size_t len)
{
    char plain[32], grouped[40];
    if (len == 0)
        return false;
    buf[0] = '\0';
    if (!cur || !kmath_format_fixed(minor, cur->exponent, plain, sizeof plain))
        return false;
    if (style == MONEY_PLAIN) {
        if (strlen(plain) + 1 > len)
            return false;
        memcpy(buf, plain, strlen(plain) + 1);
        return true;
    }
    if (!group_thousands(plain, grouped, sizeof grouped))
        return false;
    bool neg = grouped[0] == '-';
    const char *body = neg ? grouped + 1 : grouped;
    size_t need = (neg ? 1 : 0) + strlen(body) + 1 +
                  (style == MONEY_SCREEN ? strlen(cur->symbol) : strlen(cur->code) + 1);
    if (need > len)
        return false;
    if (style == MONEY_SCREEN)
        strcat(strcat(strcpy(buf, neg ? "-" : ""), cur->symbol), body);
    else
        strcat(strcat(strcat(strcpy(buf, cur->code), " "), neg ? "-" : ""), body);
    return true;
}

kerr_t money_add(int64_t *acc, int64_t b)
{
    return kmath_add(*acc, b, acc);
}
