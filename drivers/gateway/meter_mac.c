#include "drivers/gateway/meter_mac.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "drivers/gateway/dlt645_frame.h"

bool meter_cmac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t out[16])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    char cipher[] = "AES-128-CBC";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0), OSSL_PARAM_END};
    size_t n = 0;
    bool ok = ctx && EVP_MAC_init(ctx, key, 16, params) && EVP_MAC_update(ctx, msg, len) &&
              EVP_MAC_final(ctx, out, &n, 16) && n == 16;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return ok;
}

bool meter_key_derive(const uint8_t master[16], const uint8_t addr[6], uint8_t out[16])
{
    static const char label[] = "prepaid-meter";
    uint8_t msg[1 + sizeof label - 1 + 1 + 6 + 2], *p = msg;
    *p++ = 0x01;                       /* counter */
    memcpy(p, label, sizeof label - 1); /* label */
    p += sizeof label - 1;
    *p++ = 0x00;                       /* separator */
    memcpy(p, addr, 6);                /* context */
    p += 6;
    *p++ = 0x00;                       /* L = 128 bits */
    *p++ = 0x80;
    return meter_cmac(master, msg, (size_t)(p - msg), out);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

bool meter_credit_macs(const uint8_t kmeter[16], const meter_credit_mac_t *c, uint8_t mac1[4], uint8_t mac2[4])
{
    uint8_t m1[12], m2[18], full[16];
    dlt645_put_di(m1, c->di);
    put_le32(m1 + 4, c->amount);
    put_le32(m1 + 8, c->count);
    if (!meter_cmac(kmeter, m1, sizeof m1, full))
        return false;
    memcpy(mac1, full, 4);
    dlt645_put_di(m2, c->di);
    memcpy(m2 + 4, c->customer, 6);
    put_le32(m2 + 10, c->operator_code);
    memcpy(m2 + 14, mac1, 4);
    if (!meter_cmac(kmeter, m2, sizeof m2, full))
        return false;
    memcpy(mac2, full, 4);
    return true;
}

kerr_t meter_key_load(const char *path, uint8_t master[16], kmsg_t *msg)
{
    struct stat sb;
    FILE *f = fopen(path, "r");
    if (!f)
        return kmsg_set(msg, K_EINVAL, "%s: cannot read the master key: %s", path, strerror(errno));
    if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077)) {
        fclose(f);
        return kmsg_set(msg, K_EINVAL, "%s: the master key must be readable by its owner only (chmod 600)", path);
    }
    int c, nibbles = 0;
    bool bad = false;
    while ((c = fgetc(f)) != EOF && !bad) {
        if (isspace(c))
            continue;
        if (!isxdigit(c) || nibbles == 32) {
            bad = true;
            break;
        }
        int v = isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10);
        master[nibbles / 2] = (uint8_t)(nibbles % 2 ? (master[nibbles / 2] | v) : v << 4);
        nibbles++;
    }
    fclose(f);
    if (bad || nibbles != 32)
        return kmsg_set(msg, K_EINVAL, "%s: the master key must be exactly 32 hex digits", path);
    return K_OK;
}
