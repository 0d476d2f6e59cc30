/* The service mode's screens (docs/service.md): the PIN (no names),
 * the menu of what the operator's group allows, and one page per task
 * with its actions, its rows and, for the transactions, the sales to
 * settle. What is shown comes from the service view only. */
#include <stdio.h>
#include <string.h>

#include "screens/screen_int.h"

/* Back (and sign out once signed in) at the bottom; OK on the PIN page. */
static void nav(sctx_t *c, SDL_Rect *area)
{
    const service_view_t *v = c->sv;
    SDL_Rect row = layout_bottom(c, area, c->ui->target);
    bool signed_in = v->page >= SVP_MENU;
    int n = 1 + (signed_in && v->page != SVP_MENU) + (v->page == SVP_PIN);
    int i = 0;
    widget_button(c, layout_col(c, row, n, i++), "svc_back", v->page == SVP_MENU ? _("Sign out") : _("Back"),
                  BTN_SECONDARY);
    if (signed_in && v->page != SVP_MENU)
        widget_button(c, layout_col(c, row, n, i++), "svc_logout", _("Sign out"), BTN_SECONDARY);
    if (v->page == SVP_PIN)
        widget_button(c, layout_col(c, row, n, i), "svc_ok", _("Sign in"), BTN_PRIMARY);
}

/* Buttons two to a row, top down, while they fit; returns how many fit. */
static int grid(sctx_t *c, SDL_Rect *area, const char *const *ids, const char *const *labels, int n, int cols)
{
    int t = c->ui->target, shown = 0;
    for (int i = 0; i < n; i += cols) {
        if (area->h < t)
            break;
        SDL_Rect row = layout_top(c, area, t);
        for (int j = 0; j < cols && i + j < n; j++, shown++)
            widget_button(c, layout_col(c, row, cols, j), ids[i + j], labels[i + j], BTN_SECONDARY);
    }
    return shown;
}

static void message(sctx_t *c, SDL_Rect *area)
{
    const service_view_t *v = c->sv;
    const char *text = v->busy ? _("One moment, please...") : v->message[0] ? _(v->message) : NULL;
    int h = layout_line(c, FONT_BODY);
    if (!text || area->h < h)
        return;
    SDL_Rect box = {area->x, area->y, area->w, area->h < 2 * h ? h : 2 * h};
    int used = widget_text(c, box, text, FONT_BODY, v->message_bad ? COL_WARN : COL_GOOD, ALIGN_LEFT);
    area->y += used + c->ui->pad / 2;
    area->h -= used + c->ui->pad / 2;
}

/* The rows, "label  value" in small type, as many as fit. */
static void rows(sctx_t *c, SDL_Rect area)
{
    const service_view_t *v = c->sv;
    int h = layout_line(c, FONT_SMALL);
    for (int i = 0; i < v->n_rows && area.h >= h; i++) {
        SDL_Rect l = {area.x, area.y, area.w * 2 / 5, h}, r = {area.x + area.w * 2 / 5 + c->ui->pad / 2, area.y,
                                                              area.w - area.w * 2 / 5 - c->ui->pad / 2, h};
        char value[256];
        screen__svc_value(c, &v->rows[i], value, sizeof value);
        widget_text(c, l, v->rows[i].label_is_data ? v->rows[i].label : _(v->rows[i].label), FONT_SMALL, COL_DIM,
                    ALIGN_LEFT);
        widget_text(c, r, value, FONT_SMALL, COL_TEXT, ALIGN_LEFT);
        area.y += h;
        area.h -= h;
    }
}

static void pin(sctx_t *c, SDL_Rect area)
{
    const service_view_t *v = c->sv;
    char dots[3 * 16 + 1] = "";
    for (size_t i = 0; v->entry[i]; i++)
        strcat(dots, "●");
    SDL_Rect entry = layout_top(c, &area, layout_line(c, FONT_BIG));
    widget_fill(c, entry, COL_PANEL);
    widget_text(c, entry, dots, FONT_BIG, COL_TEXT, ALIGN_CENTER);
    message(c, &area);
    rows(c, area); /* when a locked entry opens again */
}

static void menu(sctx_t *c, SDL_Rect area)
{
    const service_view_t *v = c->sv;
    const char *ids[SVP_COUNT + 1], *labels[SVP_COUNT + 1];
    char idbuf[SVP_COUNT + 1][SCREEN_ID_LEN];
    int n = 0;
    for (int p = SVP_DEVICES; p < SVP_COUNT; p++) {
        perm_t need = service_page_perm((svc_page_t)p);
        if (need != PERM_COUNT && !perm_allows(v->perms, need))
            continue;
        snprintf(idbuf[n], sizeof idbuf[n], "page_%s", service_page_name((svc_page_t)p));
        ids[n] = idbuf[n];
        labels[n++] = _(service_page_label((svc_page_t)p));
    }
    if (service_action_shown(v, SVA_RESTART)) {
        snprintf(idbuf[n], sizeof idbuf[n], "act_%s", service_action_name(SVA_RESTART));
        ids[n] = idbuf[n];
        labels[n++] = _(service_action_label(SVA_RESTART));
    }
    char who[96];
    snprintf(who, sizeof who, _("Signed in: %s"), v->operator_name);
    SDL_Rect line = layout_top(c, &area, layout_line(c, FONT_BODY));
    widget_text(c, line, who, FONT_BODY, COL_ACCENT, ALIGN_LEFT);
    message(c, &area);
    grid(c, &area, ids, labels, n, 3);
}

/* The actions of the page the view shows now, or the reasons asked for. */
static void actions(sctx_t *c, SDL_Rect *area)
{
    const service_view_t *v = c->sv;
    const char *ids[SVA_COUNT], *labels[SVA_COUNT];
    char idbuf[SVA_COUNT][SCREEN_ID_LEN];
    int n = 0;
    if (v->asking != SVA_NONE) {
        SDL_Rect q = layout_top(c, area, layout_line(c, FONT_BODY));
        widget_text(c, q, _("Why?"), FONT_BODY, COL_ACCENT, ALIGN_LEFT);
        for (int i = 0; i < SVC_REASONS; i++) {
            snprintf(idbuf[n], sizeof idbuf[n], "reason%d", i + 1);
            ids[n] = idbuf[n];
            labels[n++] = _(service_reason(i));
        }
        grid(c, area, ids, labels, n, 1);
        return;
    }
    for (int a = SVA_NONE + 1; a < SVA_COUNT; a++) {
        if (!service_action_shown(v, (svc_action_t)a))
            continue;
        snprintf(idbuf[n], sizeof idbuf[n], "act_%s", service_action_name((svc_action_t)a));
        ids[n] = idbuf[n];
        labels[n++] = _(service_action_label((svc_action_t)a));
    }
    grid(c, area, ids, labels, n, 2);
}

/* The sales to settle, one a row, until one is picked. */
static void items(sctx_t *c, SDL_Rect *area)
{
    const service_view_t *v = c->sv;
    const char *ids[SVC_ITEMS], *labels[SVC_ITEMS];
    char idbuf[SVC_ITEMS][8], text[SVC_ITEMS][200];
    if (v->page != SVP_TXNS || v->selected >= 0)
        return;
    for (int i = 0; i < v->n_items; i++) {
        snprintf(idbuf[i], sizeof idbuf[i], "item%d", i + 1);
        ids[i] = idbuf[i];
        screen__svc_item(c, &v->items[i], text[i], sizeof text[i]);
        labels[i] = text[i];
    }
    grid(c, area, ids, labels, v->n_items, 1);
}

static void task(sctx_t *c, SDL_Rect area)
{
    const service_view_t *v = c->sv;
    if (service_page_typing(v->page)) {
        char grouped[40];
        text_grouped(v->entry, grouped);
        SDL_Rect entry = layout_top(c, &area, layout_line(c, FONT_TITLE));
        widget_fill(c, entry, COL_PANEL);
        widget_text_fit(c, entry, v->entry[0] ? grouped : _("Type the meter number"), FONT_TITLE,
                        v->entry[0] ? COL_TEXT : COL_DIM, ALIGN_LEFT);
    }
    message(c, &area);
    actions(c, &area);
    items(c, &area);
    if (v->qr[0] && !c->ui->portrait) { /* the code beside the rows */
        SDL_Rect code = area;
        code.w = area.w / 3;
        code.x = area.x + area.w - code.w;
        area.w -= code.w + c->ui->pad;
        widget_qr(c, code, v->qr);
    } else if (v->qr[0]) { /* below them */
        SDL_Rect code = layout_bottom(c, &area, area.w / 2 < area.h / 2 ? area.w / 2 : area.h / 2);
        widget_qr(c, code, v->qr);
    }
    if (v->asking == SVA_NONE)
        rows(c, area);
}

void screen__service(sctx_t *c)
{
    const service_view_t *v = c->sv;
    widget_top_bar(c, _(service_page_label(v->page)));
    SDL_Rect main = layout_content(c), side;
    if (service_page_typing(v->page)) {
        layout_split(c, main, &main, &side);
        widget_keypad(c, side);
    }
    nav(c, &main);
    if (v->page == SVP_PIN)
        pin(c, main);
    else if (v->page == SVP_MENU)
        menu(c, main);
    else
        task(c, main);
}
