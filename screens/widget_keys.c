/* The keypad, the amount presets and the zero first purchase's choice. */
#include <stdio.h>

#include "screens/screen_int.h"

void widget_keypad(sctx_t *c, SDL_Rect box)
{
    static const char *const ids[12] = {"key1", "key2", "key3", "key4", "key5", "key6",
                                        "key7", "key8", "key9", "del",  "key0", "clear"};
    static const char *const faces[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", NULL, "0", NULL};
    int gap = c->ui->key_gap, kw = c->ui->key_w, kh = c->ui->key_h;
    if (3 * kw + 2 * gap > box.w) /* a narrow side: the keys take what there is */
        kw = (box.w - 2 * gap) / 3;
    int x = box.x + (box.w - 3 * kw - 2 * gap) / 2, y = box.y + (box.h - 4 * kh - 3 * gap) / 2;
    if (y < box.y)
        y = box.y;
    for (int i = 0; i < 12; i++) {
        SDL_Rect k = {x + (i % 3) * (kw + gap), y + (i / 3) * (kh + gap), kw, kh};
        const char *face = faces[i] ? faces[i] : i == 9 ? _("Delete") : _("Clear");
        widget_button(c, k, ids[i], face, faces[i] ? BTN_KEY : BTN_SECONDARY);
    }
}

SDL_Rect widget_keypad_entry(sctx_t *c, const widget_action_t *back, const widget_action_t *go, const char *question,
                             const char *typed, const char *empty)
{
    SDL_Rect main, side;
    layout_keypad_screen(c, back, go, &main, &side);
    widget_keypad(c, side);
    widget_question(c, &main, question);
    font_size_t f = widget_font_fit(c, (SDL_Rect){0, 0, main.w - 2 * c->ui->pad, layout_line(c, FONT_BIG)}, empty,
                                    FONT_BIG);
    SDL_Rect entry = layout_top(c, &main, layout_line(c, f) + 2 * c->ui->pad);
    SDL_Rect in = widget_card(c, entry);
    widget_text(c, (SDL_Rect){in.x, in.y + (in.h - layout_line(c, f)) / 2, in.w, layout_line(c, f)},
                typed[0] ? typed : empty, f, typed[0] ? COL_TEXT : COL_DIM, ALIGN_CENTER);
    return main;
}

void widget_presets(sctx_t *c, SDL_Rect box)
{
    int n = 0;
    for (int i = 0; i < SESSION_PRESETS; i++)
        n += c->info->presets[i] > 0;
    for (int i = 0, col = 0; i < SESSION_PRESETS && n; i++) {
        if (c->info->presets[i] <= 0)
            continue;
        char id[16], money[40];
        snprintf(id, sizeof id, "preset%d", i + 1);
        text_money_whole(c, c->info->presets[i], money);
        bool chosen = c->v->amount == c->info->presets[i] && !c->v->entry[0];
        widget_button(c, layout_col(c, box, n, col++), id, money, chosen ? BTN_CHOSEN : BTN_SECONDARY);
    }
}

void widget_zero_choice(sctx_t *c, SDL_Rect box)
{
    bool chosen = c->v->zero_first && c->v->amount == 0 && !c->v->entry[0];
    widget_button(c, box, "zero", _("0 (open the account)"), chosen ? BTN_CHOSEN : BTN_SECONDARY);
}
