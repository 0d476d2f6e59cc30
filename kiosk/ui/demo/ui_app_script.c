/* What a headless script does to the app: touches through the controls on
 * the screen, the language, a card, shots, simulators by name; and the
 * app's driver that carries the script on. */
#include <SDL_image.h>
#include <stdio.h>
#include <string.h>

#include "kiosk/ui/demo/ui_demo.h"

static const char *where(void *ctx)
{
    ui_app_t *a = ((ui_demo_t *)ctx)->app;
    static char name[48];
    if (!service_active(&a->service))
        return session_screen_name(session_view(&a->session)->screen);
    snprintf(name, sizeof name, "service:%s", service_page_name(service_view(&a->service)->page));
    return name;
}

static bool shows(void *ctx, const char *text)
{
    ui_app_t *a = ((ui_demo_t *)ctx)->app;
    ui_app_draw(a, false);
    return strstr(a->frame.texts, text) != NULL;
}

static kerr_t tap_id(void *ctx, const char *id, kmsg_t *msg)
{
    ui_app_t *a = ((ui_demo_t *)ctx)->app;
    ui_app_draw(a, false); /* the controls as the screen shows them now */
    const screen_hit_t *h = screen_hit_find(&a->frame, id);
    if (!h) {
        char shown[256] = "";
        for (int i = 0; i < a->frame.n_hits; i++)
            snprintf(shown + strlen(shown), sizeof shown - strlen(shown), "%s%s", i ? " " : "", a->frame.hits[i].id);
        return kmsg_set(msg, K_ENOTFOUND, "tap %s: no such control on the %s screen (it shows: %s)", id, where(ctx),
                        shown);
    }
    ui_app_touch(a, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
    return K_OK;
}

static void tap_xy(void *ctx, int x, int y)
{
    ui_app_t *a = ((ui_demo_t *)ctx)->app;
    ui_app_draw(a, false);
    ui_app_touch(a, x, y);
}

static void lang(void *ctx, session_lang_t l)
{
    session_event_t ev = {.kind = SEV_LANG, .lang = l};
    ui_app_handle(((ui_demo_t *)ctx)->app, &ev);
}

static void card(void *ctx, bool inserted)
{
    session_event_t ev = {.kind = inserted ? SEV_CARD_IN : SEV_CARD_OUT};
    ui_app_handle(((ui_demo_t *)ctx)->app, &ev);
}

kerr_t ui_app_shot(ui_app_t *a, const char *path, kmsg_t *msg)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, a->width, a->height, 24, SDL_PIXELFORMAT_RGB24);
    if (!s)
        return kmsg_set(msg, K_EIO, "screenshot: %s", SDL_GetError());
    kerr_t rc = K_OK;
    if (SDL_RenderReadPixels(a->ren, NULL, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch) != 0)
        rc = kmsg_set(msg, K_EIO, "screenshot: %s", SDL_GetError());
    else if (IMG_SavePNG(s, path) != 0)
        rc = kmsg_set(msg, K_EIO, "screenshot %s: %s", path, IMG_GetError());
    SDL_FreeSurface(s);
    return rc;
}

static kerr_t shot(void *ctx, const char *name, kmsg_t *msg)
{
    ui_demo_t *d = ctx;
    if (!d->shots)
        return kmsg_set(msg, K_EINVAL, "shot %s: no folder for shots (give --shots DIR)", name);
    ui_app_draw(d->app, false);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.png", d->shots, name);
    return ui_app_shot(d->app, path, msg);
}

static const char *sim_address(void *ctx, const char *name)
{
    ui_demo_t *d = ctx;
    for (int i = 0; i < d->n_sims; i++)
        if (strcmp(d->sims[i].name, name) == 0)
            return d->sims[i].address;
    return NULL;
}

static void describe(void *ctx, char *buf, size_t len)
{
    ui_app_t *a = ((ui_demo_t *)ctx)->app;
    const session_view_t *v = session_view(&a->session);
    const service_view_t *sv = service_view(&a->service);
    if (service_active(&a->service))
        snprintf(buf, len, "the screen is %s%s, message '%s'", where(ctx), sv->busy ? " (busy)" : "", sv->message);
    else
        snprintf(buf, len, "the screen is %s%s, paid %lld, message %d, reason '%s'", session_screen_name(v->screen),
                 v->busy ? " (busy)" : "", (long long)v->paid, (int)v->message, session_reason_name(v->reason));
}

/* The app's driver: as much of the script as can run now. */
static void turn(void *ctx, int64_t now_ms)
{
    ui_demo_t *d = ctx;
    ui_app_t *a = d->app;
    kmsg_t msg;
    ui_report_turn(&d->measured, session_view(&a->session), now_ms);
    ui_script_status_t st = ui_script_step(d->script, &d->io, now_ms, &msg);
    ui_report_turn(&d->measured, session_view(&a->session), now_ms); /* what the script's touches made of it */
    if (st == SCRIPT_DONE) {
        if (d->report)
            ui_report_print(&d->measured, ui_script_tally(d->script));
        a->quit = true;
    } else if (st == SCRIPT_FAILED) {
        fprintf(stderr, "kiosk: script failed: %s\n", msg.text);
        if (d->shots) { /* what the screen showed then */
            char path[1024];
            snprintf(path, sizeof path, "%s/failed.png", d->shots);
            ui_app_shot(a, path, &msg);
        }
        a->status = 1;
        a->quit = true;
    }
}

void ui_demo_drive(ui_demo_t *d)
{
    d->io = (ui_script_io_t){.ctx = d, .where = where, .shows = shows, .tap_id = tap_id, .tap_xy = tap_xy,
                             .lang = lang, .card = card, .shot = shot, .sim_address = sim_address,
                             .describe = describe};
    d->app->driver = (ui_driver_t){.ctx = d, .turn = turn};
}
