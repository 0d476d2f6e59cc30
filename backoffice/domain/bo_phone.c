/* The phone page's tokens and throttle (bo_phone.h). A token is
 * "KIND.METER.EXPIRES.MAC": KIND s (session) or l (link), EXPIRES in ms
 * since the epoch, MAC HMAC-SHA-512-256 over the rest (libsodium's
 * crypto_auth) in unpadded base64url. */
#include "backoffice/domain/bo_phone.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int64_t bo_phone_amounts[4] = {2000, 5000, 10000, 20000};

static const char kind_letter[] = {[BO_PHONE_SESSION] = 's', [BO_PHONE_LINK] = 'l'};

void bo_phone_key_derive(const bo_key_t *sign, bo_phone_key_t *out)
{
    static const char ctx[] = "prepaid phone page tokens v1";
    crypto_generichash(out->k, sizeof out->k, (const uint8_t *)ctx, sizeof ctx - 1, sign->sk, 32);
}

bool bo_phone_meter_ok(const char *meter)
{
    size_t n = strlen(meter);
    if (n == 0 || n > BO_PHONE_METER_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((meter[i] >= '0' && meter[i] <= '9') || (meter[i] >= 'A' && meter[i] <= 'Z') ||
              (meter[i] >= 'a' && meter[i] <= 'z')))
            return false;
    return true;
}

/* The MAC of the token's text before its last dot, as base64url into b64. */
static void mac_of(const bo_phone_key_t *key, const char *text, size_t n, char *b64, size_t len)
{
    uint8_t mac[crypto_auth_BYTES];
    crypto_auth(mac, (const uint8_t *)text, n, key->k);
    sodium_bin2base64(b64, len, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool bo_phone_token_make(const bo_phone_key_t *key, bo_phone_kind_t kind, const char *meter, int64_t expires_at,
                         char *out, size_t len)
{
    char b64[sodium_base64_ENCODED_LEN(crypto_auth_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    if (!bo_phone_meter_ok(meter) || len < BO_PHONE_TOKEN_MAX)
        return false;
    int n = snprintf(out, len, "%c.%s.%" PRId64, kind_letter[kind], meter, expires_at);
    mac_of(key, out, (size_t)n, b64, sizeof b64);
    snprintf(out + n, len - (size_t)n, ".%s", b64);
    return true;
}

bool bo_phone_token_check(const bo_phone_key_t *key, bo_phone_kind_t kind, const char *token, int64_t now,
                          char *meter, size_t len)
{
    char copy[BO_PHONE_TOKEN_MAX], b64[sodium_base64_ENCODED_LEN(crypto_auth_BYTES,
                                                                 sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    if (!token || strlen(token) >= sizeof copy || len <= BO_PHONE_METER_MAX)
        return false;
    snprintf(copy, sizeof copy, "%s", token);
    char *last = strrchr(copy, '.');
    if (!last || strlen(last + 1) != sizeof b64 - 1)
        return false;
    mac_of(key, copy, (size_t)(last - copy), b64, sizeof b64);
    if (sodium_memcmp(b64, last + 1, sizeof b64 - 1) != 0)
        return false;
    *last = '\0';
    char *m = strchr(copy, '.'), *e = m ? strchr(m + 1, '.') : NULL, *end;
    if (copy[0] != kind_letter[kind] || m != copy + 1 || !e)
        return false;
    *e = '\0';
    long long exp = strtoll(e + 1, &end, 10);
    if (*end || exp <= now || !bo_phone_meter_ok(m + 1))
        return false;
    snprintf(meter, len, "%s", m + 1);
    return true;
}

bool bo_phone_digits_match(const char *customer, const char *digits)
{
    char want[BO_PHONE_DIGITS], got[BO_PHONE_DIGITS];
    size_t n = strlen(customer), d = strlen(digits);
    bool shaped = d == BO_PHONE_DIGITS && n >= BO_PHONE_DIGITS;
    for (size_t i = 0; i < BO_PHONE_DIGITS; i++) {
        want[i] = n >= BO_PHONE_DIGITS ? customer[n - BO_PHONE_DIGITS + i] : '\0';
        got[i] = i < d ? digits[i] : '\1';
    }
    return (sodium_memcmp(want, got, sizeof want) == 0) & shaped;
}

int64_t bo_phone_delay_ms(int fails)
{
    if (fails <= 3)
        return 0;
    int64_t ms = 1000;
    for (int i = 4; i < fails && ms < 300000; i++)
        ms *= 2;
    return ms < 300000 ? ms : 300000;
}

/* The index of key's slot, or BO_PHONE_SLOTS if it has none. */
static size_t find(const bo_phone_throttle_t *t, const char *key)
{
    size_t i = 0;
    while (i < BO_PHONE_SLOTS && !(t->slot[i].key[0] && strcmp(t->slot[i].key, key) == 0))
        i++;
    return i;
}

int64_t bo_phone_wait_ms(const bo_phone_throttle_t *t, const char *key, int64_t now)
{
    size_t i = find(t, key);
    const bo_phone_slot_t *s = i < BO_PHONE_SLOTS ? &t->slot[i] : NULL;
    return s && s->next_at > now ? s->next_at - now : 0;
}

int bo_phone_fail(bo_phone_throttle_t *t, const char *key, int64_t now)
{
    size_t i = find(t, key);
    bo_phone_slot_t *s = i < BO_PHONE_SLOTS ? &t->slot[i] : NULL;
    if (!s) {
        s = &t->slot[0];
        for (size_t j = 1; j < BO_PHONE_SLOTS && s->key[0]; j++)
            if (!t->slot[j].key[0] || t->slot[j].last_at < s->last_at)
                s = &t->slot[j];
        *s = (bo_phone_slot_t){0};
        snprintf(s->key, sizeof s->key, "%s", key);
    }
    s->fails++;
    s->last_at = now;
    s->next_at = now + bo_phone_delay_ms(s->fails);
    return s->fails;
}

void bo_phone_clear(bo_phone_throttle_t *t, const char *key)
{
    size_t i = find(t, key);
    if (i < BO_PHONE_SLOTS)
        t->slot[i] = (bo_phone_slot_t){0};
}

void bo_phone_order_id(const char *meter, char tag, char *id, size_t len)
{
    uint8_t rnd[8];
    char hex[17];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(id, len, "P%s_%c%.15s", meter, tag, hex);
}

/* The provider's tag at the start of an id's random part, 0 if none. */
static char tag_at(const char *tail)
{
    return tail[0] >= 'A' && tail[0] <= 'Z' ? tail[0] : 0;
}

bool bo_phone_order_meter(const char *id, char *meter, size_t len)
{
    const char *u = strchr(id, '_');
    size_t n = u ? (size_t)(u - id) - 1 : 0, tagged = u && tag_at(u + 1) ? 1 : 0;
    if (id[0] != 'P' || !u || n == 0 || n > BO_PHONE_METER_MAX || n >= len || strlen(u + 1) != 16 ||
        strspn(u + 1 + tagged, "0123456789abcdef") != 16 - tagged)
        return false;
    memcpy(meter, id + 1, n);
    meter[n] = '\0';
    return bo_phone_meter_ok(meter);
}

char bo_phone_provider_tag(const char *provider)
{
    static const struct {
        const char *name;
        char tag;
    } tags[] = {{"wechat", 'W'}, {"alipay", 'A'}};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (strcmp(tags[i].name, provider) == 0)
            return tags[i].tag;
    return 0;
}

char bo_phone_order_tag(const char *id)
{
    char meter[BO_PHONE_METER_MAX + 1];
    return bo_phone_order_meter(id, meter, sizeof meter) ? tag_at(strchr(id, '_') + 1) : 0;
}

bool bo_phone_ask_due(bo_phone_asked_t *t, size_t n, const char *id, int64_t now, int64_t every_ms)
{
    size_t i = 0, oldest = 0;
    while (i < n && strcmp(t[i].id, id) != 0) {
        oldest = t[i].at < t[oldest].at ? i : oldest;
        i++;
    }
    if (i < n && now - t[i].at < every_ms)
        return false;
    bo_phone_asked_t *slot = i < n ? &t[i] : &t[oldest];
    snprintf(slot->id, sizeof slot->id, "%s", id);
    slot->at = now;
    return true;
}
