/* A QR code on the screen, drawn from its text with libqrencode: dark
 * modules on a white square with a quiet zone, as large as fits the box. */
#include <qrencode.h>
#include <string.h>

#include "screens/screen_int.h"

#define QUIET 2 /* modules of white around the code (phones read 2 well on a screen) */

void widget_qr(sctx_t *c, SDL_Rect box, const char *text)
{
    QRcode *qr = QRcode_encodeData((int)strlen(text), (const unsigned char *)text, 0, QR_ECLEVEL_M);
    if (!qr) {
        text_problem(c, "QR code of '%s' cannot be made", text);
        return;
    }
    int side = box.w < box.h ? box.w : box.h;
    int modules = qr->width + 2 * QUIET;
    int dot = side / modules;
    if (dot < 2)
        text_problem(c, "QR code needs %d px, its box is %d px", 2 * modules, side);
    if (dot < 1)
        dot = 1;
    SDL_Rect white = {box.x + (box.w - dot * modules) / 2, box.y, dot * modules, dot * modules};
    widget_fill(c, white, (SDL_Color){0xFF, 0xFF, 0xFF, 0xFF});
    SDL_SetRenderDrawColor(c->r, 0, 0, 0, 0xFF);
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr->data[y * qr->width + x] & 1) {
                SDL_Rect m = {white.x + (x + QUIET) * dot, white.y + (y + QUIET) * dot, dot, dot};
                SDL_RenderFillRect(c->r, &m);
            }
    QRcode_free(qr);
}
