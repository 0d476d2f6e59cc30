/* The enrolment code as a QR code in a terminal (identity.h), drawn with
 * libqrencode and UTF-8 half blocks: one line of text for two rows of
 * modules. */
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "provisioning/identity_int.h"

#define QUIET 2 /* modules of light margin on each side */

/* Whether module (x, y) is dark; the margin is light. */
static bool dark(const QRcode *q, int x, int y)
{
    x -= QUIET, y -= QUIET;
    return x >= 0 && y >= 0 && x < q->width && y < q->width && (q->data[y * q->width + x] & 1);
}

kerr_t identity_code_qr(const identity_t *id, char **out, kmsg_t *msg)
{
    *out = NULL;
    if (!id->has_keys)
        return kmsg_set(msg, K_ESTATE, "the kiosk has no keys yet, so no code to show");
    QRcode *q = QRcode_encodeString(id->code, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return kmsg_set(msg, K_EIO, "could not draw the QR code (libqrencode failed)");
    int side = q->width + 2 * QUIET;
    size_t cap = (size_t)((side + 1) / 2) * ((size_t)side * 3 + 1) + 1;
    char *s = malloc(cap), *p = s;
    for (int y = 0; s && y < side; y += 2) {
        for (int x = 0; x < side; x++) {
            bool top = !dark(q, x, y), bottom = y + 1 < side && !dark(q, x, y + 1); /* light modules drawn */
            const char *glyph = top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
            size_t n = strlen(glyph);
            memcpy(p, glyph, n);
            p += n;
        }
        *p++ = '\n';
    }
    if (s)
        *p = '\0';
    QRcode_free(q);
    *out = s;
    return s ? K_OK : kmsg_set(msg, K_EIO, "out of memory");
}
