/* The text form of a tariff (see tariff.h and docs/money.md). */
#include <stdio.h>
#include <string.h>

#include "core/tariff.h"

#define MAX_WORDS 32

/* Splits s in place on spaces; returns the number of words. */
static size_t split_words(char *s, char *words[MAX_WORDS])
{
    size_t n = 0;
    for (char *tok = strtok(s, " \t"); tok && n < MAX_WORDS; tok = strtok(NULL, " \t"))
        words[n++] = tok;
    return n;
}

static kerr_t parse_price(const char *text, unsigned exponent, int64_t *out, kmsg_t *msg)
{
    kerr_t rc = kmath_parse_fixed(text, exponent + 4, out, NULL);
    if (rc != K_OK || *out < 0)
        return kmsg_set(msg, K_EINVAL, "'%s' is not a price (at most %u decimals)", text, exponent + 4);
    return K_OK;
}

static int band_from_name(const char *name)
{
    for (int b = 0; b < BAND_COUNT; b++)
        if (strcmp(name, tariff_band_name((tou_band_t)b)) == 0)
            return b;
    return -1;
}

/* "08:00/peak" -> minute 480, BAND_PEAK */
static kerr_t parse_switch(const char *text, tou_switch_t *sw, kmsg_t *msg)
{
    unsigned hh, mm;
    char band[16];
    int used = 0;
    if (sscanf(text, "%2u:%2u/%15[a-z]%n", &hh, &mm, band, &used) != 3 || text[used] != '\0' ||
        hh > 23 || mm > 59)
        return kmsg_set(msg, K_EINVAL, "'%s' is not a period start like 08:00/peak", text);
    int b = band_from_name(band);
    if (b < 0)
        return kmsg_set(msg, K_EINVAL, "'%s': band must be sharp, peak, flat or valley", text);
    sw->minute = (uint16_t)(hh * 60 + mm);
    sw->band = (tou_band_t)b;
    return K_OK;
}

static kerr_t parse_periods(char *list, tariff_t *t, kmsg_t *msg)
{
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (t->n_sw == TARIFF_MAX_SWITCHES)
            return kmsg_set(msg, K_EINVAL, "more than %d periods", TARIFF_MAX_SWITCHES);
        kerr_t rc = parse_switch(tok, &t->sw[t->n_sw++], msg);
        if (rc)
            return rc;
    }
    return K_OK;
}

static kerr_t parse_tou(char **w, size_t n, unsigned exponent, tariff_t *t, kmsg_t *msg)
{
    bool have[BAND_COUNT] = {false};
    for (size_t i = 0; i < n; i++) {
        char *eq = strchr(w[i], '=');
        if (!eq)
            return kmsg_set(msg, K_EINVAL, "'%s' should be band=price or at=periods", w[i]);
        *eq = '\0';
        kerr_t rc;
        int b = band_from_name(w[i]);
        if (strcmp(w[i], "at") == 0) {
            rc = parse_periods(eq + 1, t, msg);
        } else if (b >= 0) {
            rc = parse_price(eq + 1, exponent, &t->band_price[b], msg);
            have[b] = true;
        } else {
            rc = kmsg_set(msg, K_EINVAL, "'%s' is not a band (sharp, peak, flat, valley) or 'at'", w[i]);
        }
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < t->n_sw; i++)
        if (!have[t->sw[i].band])
            return kmsg_set(msg, K_EINVAL, "band %s is used in a period but has no price",
                            tariff_band_name(t->sw[i].band));
    return K_OK;
}

/* "200:0.5283" = up to 200 units this month; "-:0.8283" = the rest */
static kerr_t parse_tier(char *text, unsigned exponent, tariff_tier_t *s, kmsg_t *msg)
{
    char *colon = strchr(text, ':');
    if (!colon)
        return kmsg_set(msg, K_EINVAL, "'%s' should be upto:price, e.g. 200:0.5283 or -:0.8283", text);
    *colon = '\0';
    if (strcmp(text, "-") == 0)
        s->upto = TARIFF_UNBOUNDED;
    else if (kmath_parse_fixed(text, 3, &s->upto, NULL) != K_OK || s->upto <= 0)
        return kmsg_set(msg, K_EINVAL, "'%s' is not a monthly threshold in units", text);
    return parse_price(colon + 1, exponent, &s->price, msg);
}

kerr_t tariff_parse(const char *text, unsigned exponent, tariff_t *out, kmsg_t *msg)
{
    char buf[512], *w[MAX_WORDS];
    if (!text || strlen(text) >= sizeof buf)
        return kmsg_set(msg, K_EINVAL, "tariff text is missing or too long");
    strcpy(buf, text);
    size_t n = split_words(buf, w);
    memset(out, 0, sizeof *out);
    kerr_t rc;
    if (n == 2 && strcmp(w[0], "single") == 0) {
        out->kind = TARIFF_SINGLE;
        rc = parse_price(w[1], exponent, &out->price, msg);
    } else if (n >= 2 && strcmp(w[0], "tou") == 0) {
        out->kind = TARIFF_TOU;
        rc = parse_tou(w + 1, n - 1, exponent, out, msg);
    } else if (n >= 2 && strcmp(w[0], "tiered") == 0) {
        out->kind = TARIFF_TIERED;
        rc = K_OK;
        for (size_t i = 1; i < n && rc == K_OK; i++) {
            if (out->n_tiers == TARIFF_MAX_TIERS)
                return kmsg_set(msg, K_EINVAL, "more than %d steps", TARIFF_MAX_TIERS);
            rc = parse_tier(w[i], exponent, &out->tier[out->n_tiers++], msg);
        }
    } else {
        return kmsg_set(msg, K_EINVAL, "tariff must start with single, tou or tiered: '%s'", text);
    }
    return rc ? rc : tariff_validate(out, msg);
}
