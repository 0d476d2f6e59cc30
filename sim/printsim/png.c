/* The receipt as a picture: 576 dots wide (80 mm paper at 203 dpi) plus a
 * white margin, text drawn with a CJK font through SDL2_ttf at 12 dots per
 * column, QR codes drawn from their data with libqrencode, saved with
 * SDL2_image. No window: surfaces only. */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sim/printsim/prsim.h"

enum {
    PAPER_DOTS = 576,
    MARGIN = 32,       /* white around the paper, so a QR code at the edge keeps a quiet zone */
    COL_DOTS = 12,     /* 48 columns */
    CHAR_DOTS = 24,    /* font A: 12 x 24 */
    QUIET_MODULES = 4, /* above and below a QR code */
    MAX_HEIGHT = 32000,
};

static TTF_Font *font;

kerr_t prsim_png_init(const char *path, long index, kmsg_t *msg)
{
    if (TTF_Init() != 0)
        return kmsg_set(msg, K_EIO, "SDL_ttf cannot start: %s", TTF_GetError());
    font = TTF_OpenFontIndex(path, CHAR_DOTS, index);
    if (!font)
        return kmsg_set(msg, K_EIO, "cannot open the font %s (face %ld): %s (install fonts-noto-cjk or pass --font)",
                        path, index, TTF_GetError());
    return K_OK;
}

void prsim_png_done(void)
{
    if (font)
        TTF_CloseFont(font);
    font = NULL;
    TTF_Quit();
}

static int row_pitch(void)
{
    return TTF_FontHeight(font);
}

/* Dots a line takes down the paper (draw: also draws it at y). */
static int qr_line(SDL_Surface *s, const prsim_line_t *line, int y, bool draw)
{
    static const QRecLevel levels[] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H};
    QRcode *qr = QRcode_encodeData((int)line->qr_len, line->qr, 0, levels[line->level & 3]);
    if (!qr) {
        if (draw)
            LOG_W(PRSIM_LOG, "QR code of %zu bytes cannot be encoded: %s", line->qr_len, strerror(errno));
        return row_pitch();
    }
    int m = line->module, size = qr->width * m, quiet = QUIET_MODULES * m;
    int x = MARGIN + (line->align == 1 ? (PAPER_DOTS - size) / 2 : line->align == 2 ? PAPER_DOTS - size : 0);
    if (x < MARGIN)
        x = MARGIN;
    for (int r = 0; draw && r < qr->width; r++)
        for (int c = 0; c < qr->width; c++)
            if (qr->data[r * qr->width + c] & 1)
                SDL_FillRect(s, &(SDL_Rect){x + c * m, y + quiet + r * m, m, m}, SDL_MapRGB(s->format, 0, 0, 0));
    QRcode_free(qr);
    return size + 2 * quiet;
}

/* Draws one piece of text, scaled by its span's size, its foot at base. */
static void draw_piece(SDL_Surface *s, const prsim_piece_t *p, int x, int base)
{
    char *text = strndup(p->span->text + p->off, p->len);
    TTF_SetFontStyle(font, p->span->bold ? TTF_STYLE_BOLD : TTF_STYLE_NORMAL);
    SDL_Surface *glyphs = text && p->len ? TTF_RenderUTF8_Blended(font, text, (SDL_Color){0, 0, 0, 255}) : NULL;
    if (glyphs) {
        int w = glyphs->w * p->span->width, h = glyphs->h * p->span->height;
        SDL_BlitScaled(glyphs, NULL, s, &(SDL_Rect){x, base - h, w, h});
        SDL_FreeSurface(glyphs);
    }
    free(text);
}

static int text_line(SDL_Surface *s, const prsim_line_t *line, int y, bool draw)
{
    prsim_row_t *rows;
    size_t n = prsim_layout(line, &rows);
    int height = 0;
    for (size_t i = 0; i < n; i++) {
        height += row_pitch() * rows[i].height;
        for (size_t k = 0; draw && k < rows[i].n; k++)
            draw_piece(s, &rows[i].pieces[k], MARGIN + (rows[i].indent + rows[i].pieces[k].col) * COL_DOTS,
                       y + height);
    }
    if (n)
        prsim_rows_free(rows, n);
    return n ? height : row_pitch();
}

/* Lays the receipt out (draw false: only measures); returns its height. */
static int lay_out(SDL_Surface *s, const prsim_page_t *page, bool draw)
{
    int y = MARGIN;
    for (size_t i = 0; i < page->n && y < MAX_HEIGHT; i++) {
        const prsim_line_t *line = &page->lines[i];
        y += line->kind == PRSIM_LINE_QR ? qr_line(s, line, y, draw) : text_line(s, line, y, draw);
    }
    return y + MARGIN;
}

static kerr_t save(SDL_Surface *s, const char *path, kmsg_t *msg)
{
    char tmp[PRSIM_PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (IMG_SavePNG(s, tmp) != 0)
        return kmsg_set(msg, K_EIO, "cannot write %s: %s", tmp, IMG_GetError());
    if (rename(tmp, path) != 0)
        return kmsg_set(msg, K_EIO, "cannot rename %s: %s", tmp, strerror(errno));
    return K_OK;
}

kerr_t prsim_png_render(const prsim_page_t *page, const char *path, kmsg_t *msg)
{
    int height = lay_out(NULL, page, false);
    if (height > MAX_HEIGHT) {
        LOG_W(PRSIM_LOG, "receipt longer than %d dots: the picture stops there", MAX_HEIGHT);
        height = MAX_HEIGHT;
    }
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, PAPER_DOTS + 2 * MARGIN, height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return kmsg_set(msg, K_EIO, "cannot make a %d x %d picture: %s", PAPER_DOTS, height, SDL_GetError());
    SDL_FillRect(s, NULL, SDL_MapRGB(s->format, 255, 255, 255));
    lay_out(s, page, true);
    kerr_t rc = save(s, path, msg);
    SDL_FreeSurface(s);
    return rc;
}
