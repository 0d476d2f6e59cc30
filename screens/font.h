/* The screens' font: Noto Sans CJK (Debian fonts-noto-cjk), found through
 * fontconfig, opened at the sizes asked. */
#ifndef SCREENS_FONT_H
#define SCREENS_FONT_H

#include <SDL_ttf.h>

#include "base/err.h"

/* Opens the font at each of the n pixel sizes px into fonts; msg says which
 * file was missing and which package to install. */
kerr_t font_open(const int *px, int n, TTF_Font **fonts, kmsg_t *msg);

/* Closes the fonts (NULL entries are fine). */
void font_close(TTF_Font **fonts, int n);

#endif
