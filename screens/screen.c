/* The screens' entry points: sizes from the dpi, drawing one view, finding
 * the control under a finger. */
#include <fontconfig/fontconfig.h>
#include <stdlib.h>
#include <string.h>

#include "screens/font.h"
#include "screens/screen_int.h"

static void (*const screens[SCR_COUNT])(sctx_t *) = {
    [SCR_ATTRACT] = screen__attract,       [SCR_IDENTIFY] = screen__identify,
    [SCR_ACCOUNT] = screen__account,       [SCR_AMOUNT] = screen__amount,
    [SCR_METHOD] = screen__method,         [SCR_PAYMENT] = screen__payment,
    [SCR_DELIVERING] = screen__delivering, [SCR_RESULT] = screen__result,
    [SCR_OUT_OF_SERVICE] = screen__out_of_service,
    [SCR_BILL_ACCOUNT] = screen__bill_account, [SCR_BILL] = screen__bill,
};

/* Millimetres to pixels at dpi, rounded up. */
static int mm(int dpi, int tenths_mm)
{
    return (tenths_mm * dpi + 254 - 1) / 254;
}

/* Keys of 1.35 x 1.1 fingers with a third more gap than elsewhere, as
 * long as four rows fit under the top bar; never under a finger. */
static void key_sizes(screen_ui_t *ui)
{
    int room = ui->h - (ui->target + ui->pad / 2) - 2 * ui->pad;
    ui->key_w = ui->target * 27 / 20;
    ui->key_h = ui->target * 11 / 10;
    ui->key_gap = ui->pad * 4 / 3;
    if (4 * ui->key_h + 3 * ui->key_gap > room) {
        ui->key_gap = ui->pad;
        ui->key_h = (room - 3 * ui->key_gap) / 4;
    }
    if (ui->key_h < ui->target)
        ui->key_h = ui->target;
}

static kerr_t open_fonts(screen_ui_t *ui, kmsg_t *msg)
{
    static const int sizes[FONT_COUNT] = {[FONT_SMALL] = 40, [FONT_BODY] = 51, [FONT_TITLE] = 76, [FONT_BIG] = 122};
    int px[FONT_COUNT], large[FONT_COUNT];
    for (int i = 0; i < FONT_COUNT; i++) {
        px[i] = mm(ui->dpi, sizes[i]);
        large[i] = mm(ui->dpi, sizes[i] * FONT_LARGE_PERCENT / 100);
    }
    kerr_t rc = font_open(px, FONT_COUNT, ui->font, msg);
    if (rc == K_OK && (rc = font_open(large, FONT_COUNT, ui->font_large, msg)) != K_OK)
        font_close(ui->font, FONT_COUNT);
    ui->fonts = ui->font;
    return rc;
}

kerr_t screen_ui_open(int width, int height, int dpi, screen_ui_t **out, kmsg_t *msg)
{
    screen_ui_t *ui = calloc(1, sizeof *ui);
    if (!ui)
        return kmsg_set(msg, K_EIO, "out of memory");
    *ui = (screen_ui_t){.w = width, .h = height, .dpi = dpi, .portrait = height > width};
    ui->target = mm(dpi, 150);
    ui->pad = mm(dpi, 20);
    ui->bar = ui->target * 11 / 10;
    ui->large_offered = height * 254 / dpi >= 1200; /* 120 mm: room for the larger text */
    key_sizes(ui);
    kerr_t rc = open_fonts(ui, msg);
    if (rc != K_OK) {
        free(ui);
        return rc;
    }
    *out = ui;
    return K_OK;
}

void screen_ui_check_contrast(screen_ui_t *ui, bool on)
{
    ui->check_contrast = on;
}

void screen_ui_close(screen_ui_t *ui)
{
    if (!ui)
        return;
    font_close(ui->font, FONT_COUNT);
    font_close(ui->font_large, FONT_COUNT);
    free(ui);
    TTF_Quit();
    FcFini(); /* fontconfig's caches, filled when the font was looked up */
}

bool screen_ui_large_offered(const screen_ui_t *ui)
{
    return ui->large_offered;
}

int screen_ui_target(const screen_ui_t *ui)
{
    return ui->target;
}

void screen_draw(screen_ui_t *ui, SDL_Renderer *r, const session_view_t *v, const screen_info_t *info,
                 int64_t anim_ms, screen_frame_t *frame)
{
    memset(frame, 0, sizeof *frame);
    screen_i18n_use(v->lang);
    ui->fonts = v->large_text && ui->large_offered ? ui->font_large : ui->font;
    sctx_t c = {.ui = ui, .r = r, .v = v, .info = info, .f = frame, .anim_ms = anim_ms,
                .name = session_screen_name(v->screen)};
    widget_fill(&c, (SDL_Rect){0, 0, ui->w, ui->h}, COL_BG);
    if (v->screen < SCR_COUNT)
        screens[v->screen](&c);
    if (v->screen == SCR_ATTRACT || v->screen == SCR_OUT_OF_SERVICE)
        widget_hidden(&c, (SDL_Rect){0, 0, ui->target, ui->target}, SCREEN_SERVICE_CORNER);
}

void screen_draw_service(screen_ui_t *ui, SDL_Renderer *r, const service_view_t *sv, const session_view_t *v,
                         const screen_info_t *info, screen_frame_t *frame)
{
    memset(frame, 0, sizeof *frame);
    screen_i18n_use(v->lang);
    ui->fonts = ui->font;
    screen_ui_t staff = *ui; /* staff pages: keys a finger wide, more room for their rows */
    staff.key_w = ui->target * 7 / 6;
    sctx_t c = {.ui = &staff, .r = r, .v = v, .sv = sv, .info = info, .f = frame, .name = service_page_name(sv->page)};
    widget_fill(&c, (SDL_Rect){0, 0, ui->w, ui->h}, COL_BG);
    screen__service(&c);
}

const screen_hit_t *screen_hit_at(const screen_frame_t *frame, int x, int y)
{
    SDL_Point p = {x, y};
    for (int i = frame->n_hits - 1; i >= 0; i--)
        if (SDL_PointInRect(&p, &frame->hits[i].r))
            return &frame->hits[i];
    return NULL;
}

const screen_hit_t *screen_hit_find(const screen_frame_t *frame, const char *id)
{
    for (int i = 0; i < frame->n_hits; i++)
        if (strcmp(frame->hits[i].id, id) == 0)
            return &frame->hits[i];
    return NULL;
}
