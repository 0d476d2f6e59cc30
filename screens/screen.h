/* The resident's screens on SDL2: one file per screen, a small widget set,
 * fonts and translations. A screen draws a session view (core/session.h)
 * and records the controls it showed, so that a touch can be turned into
 * a session event; it never touches a device or the engine. */
#ifndef SCREENS_SCREEN_H
#define SCREENS_SCREEN_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/money.h"
#include "core/receipt.h"
#include "core/service.h"
#include "core/session.h"

/* What the screens show beyond the session: the site's settings. */
typedef struct screen_info {
    const currency_t *currency;
    const char *site_contact; /* how residents reach the site's staff; "" none */
    int64_t min_purchase, max_purchase;
    int64_t idle_s; /* the idle timeout, for the countdown's ring */
    int64_t presets[SESSION_PRESETS];
} screen_info_t;

#define SCREEN_MAX_HITS 32
#define SCREEN_MAX_PROBLEMS 16
#define SCREEN_ID_LEN 24

/* A control drawn on the screen, where a touch finds it. */
typedef struct screen_hit {
    char id[SCREEN_ID_LEN]; /* session_control_from_id() takes it */
    SDL_Rect r;
} screen_hit_t;

/* What one drawing showed: its controls, how many texts, and every text
 * that did not fit its box or control smaller than a finger. */
typedef struct screen_frame {
    screen_hit_t hits[SCREEN_MAX_HITS];
    int n_hits;
    int n_texts;
    char problems[SCREEN_MAX_PROBLEMS][200];
    int n_problems;
    bool animating; /* the screen moves: draw it again soon */
    char texts[4096]; /* every text shown, one a line (scripts' "see") */
    size_t texts_len;
} screen_frame_t;

typedef struct screen_ui screen_ui_t;

/* Opens the fonts (Noto Sans CJK) and works out sizes for a width x height
 * screen at dpi; msg says what is missing and how to get it. */
kerr_t screen_ui_open(int width, int height, int dpi, screen_ui_t **out, kmsg_t *msg);

/* Makes every drawing measure the contrast of each text against what is
 * under it and record one below 7:1 as a problem (the layout test). */
void screen_ui_check_contrast(screen_ui_t *ui, bool on);

/* Closes what screen_ui_open opened; NULL is fine. */
void screen_ui_close(screen_ui_t *ui);

/* Whether the screen is tall enough to offer the large-text mode (120 mm). */
bool screen_ui_large_offered(const screen_ui_t *ui);

/* The smallest touch target in pixels: 15 mm at the screen's dpi. */
int screen_ui_target(const screen_ui_t *ui);

/* Draws view v with the renderer and records what was drawn in *frame.
 * anim_ms moves animations (0 for a still picture). */
void screen_draw(screen_ui_t *ui, SDL_Renderer *r, const session_view_t *v, const screen_info_t *info,
                 int64_t anim_ms, screen_frame_t *frame);

/* The hidden control in the top-left corner of the attract and out of
 * service screens: touched three times in three seconds, it opens the
 * service mode. */
#define SCREEN_SERVICE_CORNER "svc_corner"

/* Draws the service mode's view sv (in the session's language, with the
 * top bar's language switch) and records what was drawn in *frame. */
void screen_draw_service(screen_ui_t *ui, SDL_Renderer *r, const service_view_t *sv, const session_view_t *v,
                         const screen_info_t *info, screen_frame_t *frame);

/* The control at (x, y) in frame, or NULL. */
const screen_hit_t *screen_hit_at(const screen_frame_t *frame, int x, int y);

/* The control with this id in frame, or NULL. */
const screen_hit_t *screen_hit_find(const screen_frame_t *frame, const char *id);

/* The receipt of view v's sale from the facts the session holds. Those
 * only the ledger has (the kiosk's id, a bank card's number, the purchase
 * count) are not among them: their lines are on paper only. */
void screen_receipt_of(const session_view_t *v, receipt_t *r);

/* A receipt's line as the screen shows it, in one language. */
typedef struct screen_receipt_row {
    receipt_fact_t fact;
    const char *label;
    char value[RECEIPT_TEXT_LEN * 2];
} screen_receipt_row_t;

/* The lines of receipt r as the receipt on the screen gives them, in
 * language lang, in the receipt's order: its labels and words in that
 * language, money with cur's sign, the local time, the meter in groups of
 * four, the short reference. Returns their number. */
size_t screen_receipt_rows(const receipt_t *r, session_lang_t lang, const currency_t *cur,
                           screen_receipt_row_t rows[RECEIPT_MAX_LINES]);

/* The one sentence the voice speaks for view v, in the view's language:
 * the message the view holds (a meter not found, a payment that did not
 * go through), else the main instruction of its screen in its state.
 * Never empty for a screen of the session's table. Main thread only (it
 * switches the catalogues' language, as drawing does). */
const char *screen_prompt(const session_view_t *v);

/* Binds the message catalogues in localedir (<dir>/<lang>/LC_MESSAGES/kiosk.mo);
 * fails, saying where it looked, if the Chinese one is not there. */
kerr_t screen_i18n_open(const char *localedir, kmsg_t *msg);

/* Switches the language of every string drawn from now on. */
void screen_i18n_use(session_lang_t lang);

/* The catalogue name of a language: "zh_CN" or "en". */
const char *screen_lang_code(session_lang_t lang);

#endif
