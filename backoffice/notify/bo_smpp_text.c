/* UTF-8 to UCS-2 parts with a concatenation UDH, receipt texts, masked
 * numbers: pure, unit-tested with the profile's examples. */
#include "backoffice/notify/bo_smpp_text.h"

#include <stdio.h>
#include <string.h>

/* One code point from s (advancing it), or -1 for a malformed sequence. */
static long next_code_point(const unsigned char **s)
{
    const unsigned char *p = *s;
    static const long min_of[] = {0, 0, 0x80, 0x800, 0x10000};
    int len = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0)
        return -1;
    long cp = len == 1 ? p[0] : p[0] & (0x7F >> len);
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if (cp < min_of[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *s = p + len;
    return cp;
}

int bo_smpp_utf16(const char *text, uint16_t *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = 0;
    while (*s) {
        long cp = next_code_point(&s);
        size_t need = cp >= 0x10000 ? 2 : 1;
        if (cp < 0 || n + need > cap)
            return -1;
        if (need == 2) {
            cp -= 0x10000;
            out[n++] = (uint16_t)(0xD800 + (cp >> 10));
            out[n++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
        } else {
            out[n++] = (uint16_t)cp;
        }
    }
    return (int)n;
}

static void put_units(bo_smpp_part_t *p, const uint16_t *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p->sm[p->len++] = (uint8_t)(u[i] >> 8);
        p->sm[p->len++] = (uint8_t)u[i];
    }
}

int bo_smpp_split(const uint16_t *u, size_t n, uint8_t ref, bo_smpp_part_t parts[BO_SMPP_MAX_PARTS])
{
    if (n == 0)
        return 0;
    if (n <= BO_SMPP_SINGLE_UNITS) {
        parts[0].len = 0;
        put_units(&parts[0], u, n);
        return 1;
    }
    size_t starts[BO_SMPP_MAX_PARTS + 1], at = 0;
    int total = 0;
    while (at < n) {
        if (total == BO_SMPP_MAX_PARTS)
            return 0;
        size_t take = n - at < BO_SMPP_PART_UNITS ? n - at : BO_SMPP_PART_UNITS;
        if (at + take < n && u[at + take - 1] >= 0xD800 && u[at + take - 1] <= 0xDBFF)
            take--; /* a high surrogate goes with its low half */
        starts[total++] = at;
        at += take;
    }
    starts[total] = n;
    for (int i = 0; i < total; i++) {
        bo_smpp_part_t *p = &parts[i];
        const uint8_t udh[6] = {0x05, 0x00, 0x03, ref, (uint8_t)total, (uint8_t)(i + 1)};
        memcpy(p->sm, udh, sizeof udh);
        p->len = sizeof udh;
        put_units(p, u + starts[i], starts[i + 1] - starts[i]);
    }
    return total;
}

/* The word after "key:" in text[0..n) (up to a space) into out; false if absent. */
static bool word_after(const char *text, size_t n, const char *key, char *out, size_t cap)
{
    size_t k = strlen(key);
    for (size_t i = 0; i + k <= n; i++) {
        if ((i > 0 && text[i - 1] != ' ') || strncmp(text + i, key, k) != 0)
            continue;
        size_t j = 0;
        for (i += k; i < n && text[i] != ' ' && text[i] != '\0' && j + 1 < cap; i++)
            out[j++] = text[i];
        out[j] = '\0';
        return j > 0;
    }
    return false;
}

bool bo_smpp_receipt_parse(const char *text, size_t n, char *id, size_t id_cap, char *stat, size_t stat_cap)
{
    bool has_id = word_after(text, n, "id:", id, id_cap);
    bool has_stat = word_after(text, n, "stat:", stat, stat_cap);
    return has_id && has_stat;
}

const char *bo_smpp_state_word(int message_state)
{
    static const char *const words[] = {NULL,      "ENROUTE", "DELIVRD", "EXPIRED", "DELETED",
                                        "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD"};
    if (message_state < 0 || message_state >= (int)(sizeof words / sizeof words[0]))
        return NULL;
    return words[message_state];
}

void bo_smpp_mask(const char *number, char *out, size_t cap)
{
    size_t n = strlen(number), head = n > 7 ? 3 : 0, tail = n > 7 ? 4 : (n > 2 ? 2 : 0), j = 0;
    for (size_t i = 0; i < n && j + 1 < cap; i++)
        out[j++] = i < head || i >= n - tail ? number[i] : '*';
    if (cap > 0)
        out[j] = '\0';
}
