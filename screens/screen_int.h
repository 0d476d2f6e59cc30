/* Shared by the screens and their widgets; not for the app. */
#ifndef SCREENS_SCREEN_INT_H
#define SCREENS_SCREEN_INT_H

#include <SDL_ttf.h>
#include <libintl.h>

#include "screens/screen.h"

#define _(s) gettext(s)
#define N_(s) (s)

typedef enum font_size { FONT_SMALL, FONT_BODY, FONT_TITLE, FONT_BIG, FONT_COUNT } font_size_t;

struct screen_ui {
    TTF_Font *font[FONT_COUNT];
    int w, h, dpi;
    int target; /* 15 mm in pixels */
    int pad;    /* the gap between things */
    bool portrait;
};

/* One drawing in progress. */
typedef struct sctx {
    screen_ui_t *ui;
    SDL_Renderer *r;
    const session_view_t *v;
    const service_view_t *sv; /* the service screens: what they show; NULL for the resident's */
    const screen_info_t *info;
    screen_frame_t *f;
    int64_t anim_ms;
    const char *name; /* the screen's name, for problems */
} sctx_t;

typedef enum align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT } align_t;

typedef enum button_style {
    BTN_PRIMARY,   /* the way forward: yellow */
    BTN_SECONDARY, /* back, cancel, delete: outlined */
    BTN_KEY,       /* a keypad key */
    BTN_WAITING,   /* the way forward, not yet possible (greyed; a tap says what is missing) */
} button_style_t;

/* High-contrast colours (WCAG AAA against the background). */
extern const SDL_Color COL_BG, COL_TEXT, COL_DIM, COL_ACCENT, COL_ON_ACCENT, COL_WARN, COL_GOOD, COL_PANEL;

/* ---- layout (layout.c) ---- */

/* The area below the top bar, inside the margins. */
SDL_Rect layout_content(const sctx_t *c);

/* Splits area into the main part and the side for a keypad: right of it
 * in landscape, below it in portrait. */
void layout_split(const sctx_t *c, SDL_Rect area, SDL_Rect *main, SDL_Rect *side);

/* Cuts a strip of height h off the top (or the bottom) of *area and returns it. */
SDL_Rect layout_top(const sctx_t *c, SDL_Rect *area, int h);
SDL_Rect layout_bottom(const sctx_t *c, SDL_Rect *area, int h);

/* Cell i of n equal columns of area, with gaps between. */
SDL_Rect layout_col(const sctx_t *c, SDL_Rect area, int n, int i);

/* The height of one line of a font. */
int layout_line(const sctx_t *c, font_size_t f);

/* ---- widgets (widget.c, widget_keys.c) ---- */

void widget_fill(const sctx_t *c, SDL_Rect r, SDL_Color col);

/* A label: text wrapped into box (at spaces, and between CJK characters);
 * returns the height used. Text that does not fit is recorded as a problem. */
int widget_text(sctx_t *c, SDL_Rect box, const char *text, font_size_t f, SDL_Color col, align_t a);

/* A button of control id; a box smaller than a finger or a label wider than
 * the box is recorded as a problem. */
void widget_button(sctx_t *c, SDL_Rect box, const char *id, const char *label, button_style_t s);

/* A control that is not drawn (the service mode's hidden corner). */
void widget_hidden(sctx_t *c, SDL_Rect box, const char *id);

/* The top bar: the screen's title, the mute button and the language switch. */
void widget_top_bar(sctx_t *c, const char *title);

/* The mute button (control "voice"): a loudspeaker, crossed out while the
 * view is muted (widget_voice.c). */
void widget_voice(sctx_t *c, SDL_Rect box);

/* The numeric keypad: 1..9, delete, 0, clear (key0..key9, del, clear). */
void widget_keypad(sctx_t *c, SDL_Rect box);

/* The amount presets (preset1..), as configured. */
void widget_presets(sctx_t *c, SDL_Rect box);

/* A progress bar; permille < 0 draws a moving bar (and asks for redraws). */
void widget_progress(sctx_t *c, SDL_Rect box, int permille);

/* A row "label: value" in two columns; returns the height used. */
int widget_pair(sctx_t *c, SDL_Rect box, const char *label, const char *value, SDL_Color value_col);

/* A QR code of text, as large as fits box, centred across it. */
void widget_qr(sctx_t *c, SDL_Rect box, const char *text);

/* The bar chart of n days of use (milli-units, oldest first) under title;
 * without data, a line that says there is none yet. */
void widget_chart(sctx_t *c, SDL_Rect box, const char *title, const int64_t *milli, int n, bool has_data);

/* The receipt on the screen (no printer can print): the sale's facts and a
 * QR code of its reference. */
void widget_receipt(sctx_t *c, SDL_Rect box);

/* Back and OK at the bottom of area (either label may be NULL: not
 * shown); OK greyed until ready. */
void widget_nav(sctx_t *c, SDL_Rect *area, const char *back, const char *ok, bool ready);

/* ---- text (text.c) ---- */

/* Money for the screen: "¥1,234.50". */
void text_money(const sctx_t *c, int64_t minor, char out[40]);

/* The same in currency cur. */
void text_money_in(const currency_t *cur, int64_t minor, char out[40]);

/* Money without decimals when they are all zero: "¥200". */
void text_money_whole(const sctx_t *c, int64_t minor, char out[40]);

/* A quantity in the unit of the account's meter with two decimals,
 * rounded down: "94.64 kWh", "5.00 m³". */
void text_energy(const sctx_t *c, int64_t milli, char out[40]);

/* Local date and time: "2026-11-22 03:15". */
void text_when(int64_t ms, char out[40]);

/* Digits in groups of four: "0000 0000 0001". */
void text_grouped(const char *digits, char out[40]);

/* The reference residents quote: the sale id's first 8 characters, upper case. */
void text_reference(const char *txn, char out[16]);

/* What the session's message says, in the current language ("" for none). */
const char *text_message(const session_view_t *v);

/* Records a text as shown (for scripts that check what the screen says). */
void text_shown(sctx_t *c, const char *text);

/* Records a problem of the drawing. */
void text_problem(sctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the screens, one file each ---- */
void screen__attract(sctx_t *c);
void screen__identify(sctx_t *c);
void screen__account(sctx_t *c);
void screen__amount(sctx_t *c);
void screen__method(sctx_t *c);
void screen__payment(sctx_t *c);
void screen__payment_qr(sctx_t *c, SDL_Rect area); /* the QR code's part of payment */

/* A service row's value worded and formatted in the language shown
 * (screen_service_rows.c). */
void screen__svc_value(const sctx_t *c, const svc_row_t *r, char *out, size_t len);

/* A service item (a sale to settle) as one line: its data, amount and state. */
void screen__svc_item(const sctx_t *c, const svc_item_t *it, char *out, size_t len);
void screen__delivering(sctx_t *c);
void screen__result(sctx_t *c);
void screen__out_of_service(sctx_t *c);
void screen__service(sctx_t *c);

#endif
