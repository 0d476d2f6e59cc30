#include "sim/common/simkey.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/common/simhex.h"

bool simkey_cmac(const uint8_t key[SIMKEY_LEN], const uint8_t *msg, size_t len, uint8_t out[16])
{
    size_t got = 0;
    return EVP_Q_mac(NULL, "CMAC", NULL, "AES-128-CBC", NULL, key, SIMKEY_LEN, msg, len, out, 16, &got) && got == 16;
}

bool simkey_mac(const uint8_t key[SIMKEY_LEN], const uint8_t *msg, size_t len, uint8_t *out, size_t n)
{
    uint8_t full[16];
    if (n < 1 || n > sizeof full || !simkey_cmac(key, msg, len, full))
        return false;
    memcpy(out, full, n);
    return true;
}

bool simkey_same(const uint8_t *a, const uint8_t *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

/* The hex digits of f into key; false unless exactly 32, with only white
 * space besides. */
static bool read_digits(FILE *f, uint8_t key[SIMKEY_LEN])
{
    size_t digits = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (isspace(c))
            continue;
        int v = simhex_digit(c);
        if (v < 0 || digits == 2 * SIMKEY_LEN)
            return false;
        key[digits / 2] = (uint8_t)(digits % 2 ? key[digits / 2] | v : v << 4);
        digits++;
    }
    return digits == 2 * SIMKEY_LEN;
}

kerr_t simkey_load(const char *path, uint8_t key[SIMKEY_LEN], kmsg_t *msg)
{
    struct stat st;
    FILE *f = fopen(path, "r");
    if (!f)
        return kmsg_set(msg, K_EINVAL, "%s: cannot read the master key: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
        fclose(f);
        return kmsg_set(msg, K_EINVAL, "%s: the master key must be readable by its owner only (chmod 600)", path);
    }
    bool ok = read_digits(f, key);
    fclose(f);
    if (!ok)
        return kmsg_set(msg, K_EINVAL, "%s: the master key must be exactly 32 hex digits", path);
    return K_OK;
}
