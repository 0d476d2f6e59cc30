/* Finding Noto Sans CJK: KIOSK_FONT if set (a file; a .ttc takes its
 * Simplified Chinese face), else fontconfig's match for "Noto Sans CJK SC",
 * else the file fonts-noto-cjk installs. */
#include "screens/font.h"

#include <fontconfig/fontconfig.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEBIAN_FILE "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define SC_FACE 2 /* the face of NotoSansCJK-Regular.ttc for Simplified Chinese */

/* fontconfig's file and face for the family; false if it offers another family. */
static bool fontconfig_match(char *path, size_t len, int *face)
{
    bool found = false;
    FcPattern *pat = FcNameParse((const FcChar8 *)"Noto Sans CJK SC:style=Regular");
    if (!pat || !FcConfigSubstitute(NULL, pat, FcMatchPattern)) {
        FcPatternDestroy(pat);
        return false;
    }
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcChar8 *file = NULL, *family = NULL;
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
        FcPatternGetString(m, FC_FAMILY, 0, &family) == FcResultMatch &&
        strstr((const char *)family, "Noto Sans CJK") && FcPatternGetInteger(m, FC_INDEX, 0, face) == FcResultMatch) {
        snprintf(path, len, "%s", (const char *)file);
        found = true;
    }
    FcPatternDestroy(m);
    FcPatternDestroy(pat);
    return found;
}

static kerr_t find_font(char *path, size_t len, int *face, kmsg_t *msg)
{
    const char *env = getenv("KIOSK_FONT");
    if (env && env[0]) {
        snprintf(path, len, "%s", env);
        *face = strstr(env, ".ttc") ? SC_FACE : 0;
    } else if (!fontconfig_match(path, len, face)) {
        snprintf(path, len, "%s", DEBIAN_FILE);
        *face = SC_FACE;
    }
    if (access(path, R_OK) != 0)
        return kmsg_set(msg, K_ENOTFOUND,
                        "font %s not found: install Debian's fonts-noto-cjk (scripts/install-deps), or set "
                        "KIOSK_FONT to a Noto Sans CJK file",
                        path);
    return K_OK;
}

kerr_t font_open(const int *px, int n, TTF_Font **fonts, kmsg_t *msg)
{
    char path[512];
    int face = 0;
    if (!TTF_WasInit() && TTF_Init() != 0)
        return kmsg_set(msg, K_EIO, "SDL_ttf: %s", TTF_GetError());
    kerr_t rc = find_font(path, sizeof path, &face, msg);
    for (int i = 0; rc == K_OK && i < n; i++) {
        fonts[i] = TTF_OpenFontIndex(path, px[i], face);
        if (!fonts[i])
            rc = kmsg_set(msg, K_EIO, "font %s (face %d): %s", path, face, TTF_GetError());
        else
            TTF_SetFontHinting(fonts[i], TTF_HINTING_LIGHT);
    }
    if (rc != K_OK)
        font_close(fonts, n);
    return rc;
}

void font_close(TTF_Font **fonts, int n)
{
    for (int i = 0; i < n; i++) {
        if (fonts[i])
            TTF_CloseFont(fonts[i]);
        fonts[i] = NULL;
    }
}
