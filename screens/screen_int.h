/* Shared by the screens and their widgets; not for the app. */
#ifndef SCREENS_SCREEN_INT_H
#define SCREENS_SCREEN_INT_H

#include <SDL_ttf.h>
#include <libintl.h>

#include "screens/screen.h"

#define _(s) gettext(s)
#define N_(s) (s)

typedef enum font_size { FONT_SMALL, FONT_BODY, FONT_TITLE, FONT_BIG, FONT_COUNT } font_size_t;

/* The sizes of text, in tenths of a millimetre, and how much larger the
 * large-text mode draws them (in percent). */
#define FONT_LARGE_PERCENT 125

struct screen_ui {
    TTF_Font *font[FONT_COUNT];       /* the normal sizes */
    TTF_Font *font_large[FONT_COUNT]; /* the large-text mode's */
    TTF_Font **fonts;                 /* those of the drawing in progress */
    bool check_contrast;              /* measure each text against what is under it (slow) */
    int w, h, dpi;
    int target; /* 15 mm in pixels */
    bool large_offered; /* the screen is tall enough for the large-text mode */
    int pad;    /* the gap between things */
    int bar;    /* the action bar's height */
    int key_w, key_h, key_gap; /* a keypad key and the gap between keys */
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
    BTN_CHOSEN,    /* a choice that is on (a preset picked, large text): outlined in the accent */
    BTN_TILE,      /* a big choice with an icon above its words (a way to pay) */
} button_style_t;

/* The pictures drawn from shapes (icon.c). */
typedef enum icon {
    ICON_NOTE, ICON_CARD, ICON_PHONE, ICON_METER, ICON_TICK, ICON_TICK_BARE, ICON_CLOCK, ICON_WARN,
    ICON_SOUND, ICON_MUTED, ICON_KEYPAD, ICON_METER_CARD, ICON_WATER, ICON_OFFLINE,
    ICON_NOTE_IN, /* a note going into the slot (moves while shown) */
    ICON_CARD_IN, /* a card going into the reader (moves while shown) */
    ICON_COUNT
} icon_t;

/* A control of the action bar: id NULL with a label shows the words only. */
typedef struct widget_action {
    const char *id, *label;
    bool ready; /* the way forward can be taken now (else greyed) */
} widget_action_t;

/* High-contrast colours (WCAG AAA against the background). */
extern const SDL_Color COL_BG, COL_TEXT, COL_DIM, COL_ACCENT, COL_ON_ACCENT, COL_WARN, COL_GOOD, COL_PANEL, COL_EDGE,
    COL_BAD;

/* ---- shapes (draw.c) ---- */

void draw_triangle(const sctx_t *c, SDL_FPoint a, SDL_FPoint b, SDL_FPoint d, SDL_Color col);
void draw_disc(const sctx_t *c, float cx, float cy, float r, SDL_Color col);
/* An arc of a ring of radius r, width wide, from angle a0 to a1 (radians, 0 up, clockwise). */
void draw_arc(const sctx_t *c, float cx, float cy, float r, float width, float a0, float a1, SDL_Color col);
/* A line width wide with round ends. */
void draw_line(const sctx_t *c, SDL_FPoint a, SDL_FPoint b, float width, SDL_Color col);
void draw_round_box(const sctx_t *c, SDL_Rect r, int radius, SDL_Color col);
/* A rounded box with an outline width wide in colour line, filled with inside. */
void draw_round_frame(const sctx_t *c, SDL_Rect r, int radius, int width, SDL_Color line, SDL_Color inside);

/* Draws icon as large as fits box, centred, in col over background bg. */
void icon_draw(const sctx_t *c, icon_t icon, SDL_Rect box, SDL_Color col, SDL_Color bg);

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

/* Splits the content of a screen with a keypad, drawing its action bar:
 * across the bottom when the keypad still fits above it, else under the
 * main part only (a low screen); *side is the keypad's place. */
void layout_keypad_screen(sctx_t *c, const widget_action_t *back, const widget_action_t *go, SDL_Rect *main,
                          SDL_Rect *side);

/* ---- widgets (widget.c, widget_keys.c, widget_frame.c) ---- */

/* The width of text in font f. */
int widget_text_width(const sctx_t *c, font_size_t f, const char *text);

/* The screen's question, centred at the top of area (one or two lines); area shrinks below it. */
SDL_Rect widget_question(sctx_t *c, SDL_Rect *area, const char *question);

/* A card (a rounded panel) filling box; returns the space inside it. */
SDL_Rect widget_card(sctx_t *c, SDL_Rect box);

/* The action bar at the bottom of area: back on the left, the way forward
 * on the right (widest), the idle countdown between; either may be NULL. */
void widget_action_bar(sctx_t *c, SDL_Rect *area, const widget_action_t *back, const widget_action_t *go);

/* A line with an icon at the top of area in col (a warning, good news); area shrinks below it. */
void widget_banner(sctx_t *c, SDL_Rect *area, icon_t icon, const char *text, SDL_Color col);

void widget_fill(const sctx_t *c, SDL_Rect r, SDL_Color col);

/* A label: text wrapped into box (at spaces, and between CJK characters);
 * returns the height used. Text that does not fit is recorded as a problem. */
int widget_text(sctx_t *c, SDL_Rect box, const char *text, font_size_t f, SDL_Color col, align_t a);

/* Whether text wrapped in font f fits box. */
bool widget_text_fits(sctx_t *c, SDL_Rect box, const char *text, font_size_t f);

/* The largest font, from f down, in which text fits box (else the smallest). */
font_size_t widget_font_fit(sctx_t *c, SDL_Rect box, const char *text, font_size_t f);

/* widget_text in the largest font from f down that fits box. */
int widget_text_fit(sctx_t *c, SDL_Rect box, const char *text, font_size_t f, SDL_Color col, align_t a);

/* A paragraph at the top of area, as many lines as it needs; area shrinks below it. */
void widget_flow(sctx_t *c, SDL_Rect *area, const char *text, font_size_t f, SDL_Color col, align_t a);

/* A button of control id; a box smaller than a finger or a label wider than
 * the box is recorded as a problem. */
void widget_button(sctx_t *c, SDL_Rect box, const char *id, const char *label, button_style_t s);

/* A big choice: a tile with an icon above its label, and a note under it (or NULL). */
void widget_tile(sctx_t *c, SDL_Rect box, const char *id, icon_t icon, const char *label, const char *note);

/* A control that is not drawn (the service mode's hidden corner). */
void widget_hidden(sctx_t *c, SDL_Rect box, const char *id);

/* The top bar: the screen's title, the mute button and the language switch. */
void widget_top_bar(sctx_t *c, const char *title);

/* The mute button (control "voice"): a loudspeaker, crossed out while the
 * view is muted (widget_voice.c). */
void widget_voice(sctx_t *c, SDL_Rect box);

/* The numeric keypad: 1..9, delete, 0, clear (key0..key9, del, clear). */
void widget_keypad(sctx_t *c, SDL_Rect box);

/* A keypad screen's frame: the action bar, the keypad, the question and a
 * card with what was typed (empty, dimmed, when nothing is; it also sizes
 * the text); returns the rest of the main part. */
SDL_Rect widget_keypad_entry(sctx_t *c, const widget_action_t *back, const widget_action_t *go, const char *question,
                             const char *typed, const char *empty);

/* The amount presets (preset1..), as configured. */
void widget_presets(sctx_t *c, SDL_Rect box);

/* The choice of 0 to open a new account's card ("zero"), outlined when
 * chosen (docs/card.md, "A new account's first purchase may be zero"). */
void widget_zero_choice(sctx_t *c, SDL_Rect box);

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

/* Why a bill cannot be paid, naming the account typed ("No bill is due
 * for account 20260001."); a buffer of the main thread's. */
const char *text_bill_refused(const session_view_t *v);

/* Why a sale did not open, was not paid or failed, in the resident's
 * language; "" for none. */
const char *text_reason(session_reason_t r);

/* Records a text as shown (for scripts that check what the screen says). */
void text_shown(sctx_t *c, const char *text);

/* Records a problem of the drawing. */
void text_problem(const sctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
void screen__bill_account(sctx_t *c);
void screen__bill(sctx_t *c);
void screen__result(sctx_t *c);
void screen__out_of_service(sctx_t *c);
void screen__service(sctx_t *c);

#endif
