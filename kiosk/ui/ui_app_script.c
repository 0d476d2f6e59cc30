/* What a headless script does to the app: touches through the controls on
 * the screen, the language, a card, shots, simulators by name. */
#include <stdio.h>
#include <string.h>

#include "kiosk/ui/ui_app.h"

static const char *where(void *ctx)
{
    ui_app_t *a = ctx;
    static char name[48];
    if (!service_active(&a->service))
        return session_screen_name(session_view(&a->session)->screen);
    snprintf(name, sizeof name, "service:%s", service_page_name(service_view(&a->service)->page));
    return name;
}

static bool shows(void *ctx, const char *text)
{
    ui_app_t *a = ctx;
    ui_app_draw(a, false);
    return strstr(a->frame.texts, text) != NULL;
}

static kerr_t tap_id(void *ctx, const char *id, kmsg_t *msg)
{
    ui_app_t *a = ctx;
    ui_app_draw(a, false); /* the controls as the screen shows them now */
    const screen_hit_t *h = screen_hit_find(&a->frame, id);
    if (!h) {
        char shown[256] = "";
        for (int i = 0; i < a->frame.n_hits; i++)
            snprintf(shown + strlen(shown), sizeof shown - strlen(shown), "%s%s", i ? " " : "", a->frame.hits[i].id);
        return kmsg_set(msg, K_ENOTFOUND, "tap %s: no such control on the %s screen (it shows: %s)", id, where(a),
                        shown);
    }
    ui_app_touch(a, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
    return K_OK;
}

static void tap_xy(void *ctx, int x, int y)
{
    ui_app_draw(ctx, false);
    ui_app_touch(ctx, x, y);
}

static void lang(void *ctx, session_lang_t l)
{
    session_event_t ev = {.kind = SEV_LANG, .lang = l};
    ui_app_handle(ctx, &ev);
}

static void card(void *ctx, bool inserted)
{
    session_event_t ev = {.kind = inserted ? SEV_CARD_IN : SEV_CARD_OUT};
    ui_app_handle(ctx, &ev);
}

static kerr_t shot(void *ctx, const char *name, kmsg_t *msg)
{
    ui_app_t *a = ctx;
    if (!a->shots)
        return kmsg_set(msg, K_EINVAL, "shot %s: no folder for shots (give --shots DIR)", name);
    ui_app_draw(a, false);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.png", a->shots, name);
    return ui_app_shot(a, path, msg);
}

static const char *sim_address(void *ctx, const char *name)
{
    ui_app_t *a = ctx;
    for (int i = 0; i < a->n_sims; i++)
        if (strcmp(a->sims[i].name, name) == 0)
            return a->sims[i].address;
    return NULL;
}

static void describe(void *ctx, char *buf, size_t len)
{
    ui_app_t *a = ctx;
    const session_view_t *v = session_view(&a->session);
    const service_view_t *sv = service_view(&a->service);
    if (service_active(&a->service))
        snprintf(buf, len, "the screen is %s%s, message '%s'", where(a), sv->busy ? " (busy)" : "", sv->message);
    else
        snprintf(buf, len, "the screen is %s%s, paid %lld, message %d, device: '%s'", session_screen_name(v->screen),
                 v->busy ? " (busy)" : "", (long long)v->paid, (int)v->message, v->device_text);
}

void ui_app_script_io(ui_app_t *a, ui_script_io_t *io)
{
    *io = (ui_script_io_t){.ctx = a, .where = where, .shows = shows, .tap_id = tap_id, .tap_xy = tap_xy, .lang = lang,
                           .card = card, .shot = shot, .sim_address = sim_address, .describe = describe};
}
