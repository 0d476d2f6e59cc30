/* Enrolment codes (sync_code.h). */
#include "sync/sync_code.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void sync_code_format(const uint8_t b[SYNC_CODE_BYTES], char out[SYNC_CODE_LEN])
{
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        int bit = i * 5, v = 0;
        for (int k = 0; k < 5; k++, bit++)
            v = (v << 1) | ((b[bit / 8] >> (7 - bit % 8)) & 1);
        if (i && i % 4 == 0)
            out[o++] = '-';
        out[o++] = alphabet[v];
    }
    out[o] = '\0';
}

void sync_kiosk_code(const uint8_t *spki_der, size_t spki_len, const uint8_t upload_pk[32], char out[SYNC_CODE_LEN])
{
    crypto_hash_sha256_state st;
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, spki_der, spki_len);
    crypto_hash_sha256_update(&st, upload_pk, 32);
    crypto_hash_sha256_final(&st, h);
    sync_code_format(h, out);
}

bool sync_code_normalise(const char *typed, char out[17])
{
    size_t n = 0;
    for (const char *p = typed; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        char c = (char)toupper((unsigned char)*p);
        if (n == 16 || !strchr(alphabet, c) || c == '\0')
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == 16;
}
