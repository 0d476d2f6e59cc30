/* The Alipay client's text: URL and form encoding, Beijing time, the raw
 * span of a JSON member (what answers are signed over), yuan and fen. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/pay/bo_alipay_int.h"

char *ap_url_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = malloc(strlen(s) * 3 + 1), *o = out;
    for (; out && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) || strchr("-_.~", ch)) {
            *o++ = (char)ch;
        } else {
            *o++ = '%';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    if (out)
        *o = '\0';
    return out;
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes s[0..n) (%XX, '+') into a malloc'd string; NULL if malformed. */
static char *form_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; out && i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] != '%') {
            *o++ = s[i];
        } else {
            int hi = i + 2 < n ? hex_val(s[i + 1]) : -1, lo = i + 2 < n ? hex_val(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(out);
                return NULL;
            }
            *o++ = (char)(hi * 16 + lo);
            i += 2;
        }
    }
    if (out)
        *o = '\0';
    return out;
}

bool ap_form_parse(const char *body, size_t len, ap_params_t *ps)
{
    ps->n = 0;
    size_t at = 0;
    while (at < len) {
        const char *amp = memchr(body + at, '&', len - at);
        size_t end = amp ? (size_t)(amp - body) : len;
        const char *eq = memchr(body + at, '=', end - at);
        if (end > at) {
            if (!eq)
                goto bad;
            size_t eq_at = (size_t)(eq - body);
            char *k = form_decode(body + at, eq_at - at), *v = form_decode(eq + 1, end - eq_at - 1);
            bool ok = k && v && !ap_params_get(ps, k) && (!*v || ap_params_add(ps, k, v));
            free(k);
            free(v);
            if (!ok)
                goto bad;
        }
        at = end + 1;
    }
    return true;
bad:
    ap_params_free(ps);
    return false;
}

#define BEIJING_S (8 * 3600)

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void ap_time_text(int64_t ms, char out[20])
{
    int64_t s = ms / 1000 + BEIJING_S, days = s / 86400, rem = s % 86400;
    /* civil_from_days */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
    snprintf(out, 20, "%04d-%02d-%02d %02d:%02d:%02d", (int)y, (int)m, (int)d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
}

bool ap_time_parse(const char *text, int64_t *ms)
{
    int y, mo, d, h, mi, s, n = 0;
    if (strlen(text) != 19 || sscanf(text, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 ||
        n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return false;
    *ms = (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - BEIJING_S) * 1000;
    return true;
}

/* ---- the raw span of a JSON value ---- */

static size_t skip_ws(const char *s, size_t i, size_t n)
{
    while (i < n && strchr(" \t\r\n", s[i]) && s[i])
        i++;
    return i;
}

/* s[*i] is '"': moves *i past the closing quote. */
static bool skip_string(const char *s, size_t *i, size_t n)
{
    for (size_t j = *i + 1; j < n; j++) {
        if (s[j] == '\\')
            j++;
        else if (s[j] == '"') {
            *i = j + 1;
            return true;
        }
    }
    return false;
}

static bool skip_value(const char *s, size_t *i, size_t n)
{
    if (*i >= n)
        return false;
    if (s[*i] == '"')
        return skip_string(s, i, n);
    if (s[*i] != '{' && s[*i] != '[') {
        while (*i < n && !strchr(",}] \t\r\n", s[*i]))
            (*i)++;
        return true;
    }
    int depth = 0;
    while (*i < n) {
        char ch = s[*i];
        if (ch == '"') {
            if (!skip_string(s, i, n))
                return false;
            continue;
        }
        depth += (ch == '{' || ch == '[') - (ch == '}' || ch == ']');
        (*i)++;
        if (depth == 0)
            return true;
    }
    return false;
}

bool ap_json_member(const char *text, size_t len, const char *key, size_t *start, size_t *end)
{
    size_t i = skip_ws(text, 0, len), klen = strlen(key);
    if (i >= len || text[i] != '{')
        return false;
    i = skip_ws(text, i + 1, len);
    while (i < len && text[i] == '"') {
        size_t k0 = i + 1;
        if (!skip_string(text, &i, len))
            return false;
        bool match = i - 1 - k0 == klen && memcmp(text + k0, key, klen) == 0;
        i = skip_ws(text, i, len);
        if (i >= len || text[i] != ':')
            return false;
        i = skip_ws(text, i + 1, len);
        size_t v0 = i;
        if (!skip_value(text, &i, len))
            return false;
        if (match) {
            *start = v0;
            *end = i;
            return true;
        }
        i = skip_ws(text, i, len);
        if (i < len && text[i] == ',')
            i = skip_ws(text, i + 1, len);
    }
    return false;
}

void ap_json_copy(const cJSON *obj, const char *name, char *out, size_t len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    snprintf(out, len, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

/* ---- yuan and fen ---- */

#define YUAN_MAX 10000000000LL

bool bo_alipay_yuan_parse(const char *text, int64_t *fen)
{
    int64_t yuan = 0, cents = 0;
    size_t i = 0, digits = 0;
    for (; isdigit((unsigned char)text[i]); i++, digits++) {
        yuan = yuan * 10 + (text[i] - '0');
        if (yuan > YUAN_MAX)
            return false;
    }
    if (digits == 0)
        return false;
    if (text[i] == '.') {
        size_t dec = 0;
        for (i++; isdigit((unsigned char)text[i]) && dec < 3; i++, dec++)
            cents = cents * 10 + (text[i] - '0');
        if (dec == 0 || dec > 2)
            return false;
        if (dec == 1)
            cents *= 10;
    }
    if (text[i])
        return false;
    *fen = yuan * 100 + cents;
    return true;
}

bool bo_alipay_yuan_format(int64_t fen, char *out, size_t len)
{
    if (fen < 0 || fen > YUAN_MAX * 100)
        return false;
    int n = snprintf(out, len, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
    return n > 0 && (size_t)n < len;
}
