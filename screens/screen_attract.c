/* Attract: what the kiosk is for, the two ways to begin (type the meter
 * number, or insert the meter card) and the ways to pay. Nothing moves:
 * an idle kiosk draws nothing. */
#include "screens/screen_int.h"

/* The ways to pay that are healthy now, as icons with their names. */
static void ways_to_pay(sctx_t *c, SDL_Rect row)
{
    const struct {
        unsigned bit;
        icon_t icon;
        const char *name;
    } ways[] = {{HEALTH_CASH, ICON_NOTE, N_("Bank notes")},
                {HEALTH_TERMINAL, ICON_CARD, N_("Bank card")},
                {HEALTH_QR, ICON_PHONE, N_("WeChat / Alipay")}};
    int n = 0;
    for (size_t i = 0; i < 3; i++)
        n += (c->v->health & ways[i].bit) != 0;
    for (size_t i = 0, k = 0; i < 3; i++) {
        if (!(c->v->health & ways[i].bit))
            continue;
        SDL_Rect cell = layout_col(c, row, n, (int)k++);
        int line = layout_line(c, FONT_BODY);
        icon_draw(c, ways[i].icon, (SDL_Rect){cell.x, cell.y, line * 2, cell.h}, COL_DIM, COL_BG);
        widget_text(c, (SDL_Rect){cell.x + line * 2 + c->ui->pad / 2, cell.y + (cell.h - line) / 2,
                                  cell.w - line * 2 - c->ui->pad / 2, line},
                    _(ways[i].name), FONT_BODY, COL_TEXT, ALIGN_LEFT);
    }
}

void screen__attract(sctx_t *c)
{
    widget_top_bar(c, _("Prepaid electricity and water"));
    SDL_Rect a = layout_content(c);
    bool bills = (c->v->health & HEALTH_BILLS) && (c->v->health & (HEALTH_CASH | HEALTH_TERMINAL));
    int h = layout_line(c, FONT_BODY) * 2;
    SDL_Rect pay = layout_bottom(c, &a, bills && h < c->ui->target ? c->ui->target : h);
    if (bills) { /* a post-paid account's bill, while the office answers: at the right of the ways to pay */
        SDL_Rect bill = layout_col(c, pay, 3, 2);
        pay.w = bill.x - pay.x - c->ui->pad;
        widget_button(c, bill, "bill", _("Pay a bill"), BTN_SECONDARY);
    }
    ways_to_pay(c, pay);
    SDL_Rect head = layout_top(c, &a, layout_line(c, FONT_BIG));
    widget_text_fit(c, head, _("Top up your meter"), FONT_BIG, COL_ACCENT, ALIGN_CENTER);
    bool reader = c->v->health & HEALTH_READER;
    SDL_Rect row = a;
    if (c->ui->portrait) {
        row.h = a.h / 2 - c->ui->pad;
    }
    SDL_Rect one = reader ? (c->ui->portrait ? row : layout_col(c, row, 2, 0)) : row;
    if (!reader) {
        one.x += one.w / 6;
        one.w -= one.w / 3;
    }
    widget_tile(c, one, "start", ICON_KEYPAD, _("Type your meter number"), _("Tap here to begin"));
    if (!reader)
        return;
    SDL_Rect two = c->ui->portrait ? (SDL_Rect){a.x, a.y + a.h / 2, a.w, a.h / 2} : layout_col(c, row, 2, 1);
    SDL_Rect in = widget_card(c, two);
    int line = layout_line(c, FONT_TITLE), small = layout_line(c, FONT_SMALL);
    int pic = in.h - line - small - c->ui->pad;
    if (pic > in.w / 2)
        pic = in.w / 2;
    int y = in.y + (in.h - pic - line - small) / 2;
    icon_draw(c, ICON_METER_CARD, (SDL_Rect){in.x, y, in.w, pic}, COL_ACCENT, COL_PANEL);
    widget_text_fit(c, (SDL_Rect){in.x, y + pic, in.w, line}, _("Insert your meter card"), FONT_TITLE, COL_TEXT,
                    ALIGN_CENTER);
    widget_text(c, (SDL_Rect){in.x, y + pic + line, in.w, small}, _("into the reader below the screen"), FONT_SMALL,
                COL_DIM, ALIGN_CENTER);
}
