/* Translations: GNU gettext with the catalogues po/zh_CN.po and po/en.po,
 * compiled into <build>/locale. The language switches at run time through
 * LANGUAGE (the GNU way), from the main thread only. */
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screens/screen.h"

#define DOMAIN "kiosk"

extern int _nl_msg_cat_cntr; /* GNU gettext: bumped to drop cached translations */

static int current = -1;

const char *screen_lang_code(session_lang_t lang)
{
    return lang == LANG_EN ? "en" : "zh_CN";
}

kerr_t screen_i18n_open(const char *localedir, kmsg_t *msg)
{
    char mo[1024];
    snprintf(mo, sizeof mo, "%s/zh_CN/LC_MESSAGES/" DOMAIN ".mo", localedir);
    if (access(mo, R_OK) != 0)
        return kmsg_set(msg, K_ENOTFOUND, "no Chinese catalogue at %s: build the project (msgfmt compiles po/)",
                        mo);
    /* LANGUAGE is ignored in the "C" locale; C.UTF-8 is always there. */
    const char *loc = setlocale(LC_ALL, "");
    if (!loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
        setlocale(LC_ALL, "C.UTF-8");
    setlocale(LC_NUMERIC, "C");
    bindtextdomain(DOMAIN, localedir);
    bind_textdomain_codeset(DOMAIN, "UTF-8");
    textdomain(DOMAIN);
    current = -1;
    return K_OK;
}

void screen_i18n_use(session_lang_t lang)
{
    if ((int)lang == current)
        return;
    setenv("LANGUAGE", screen_lang_code(lang), 1);
    ++_nl_msg_cat_cntr;
    current = (int)lang;
}
