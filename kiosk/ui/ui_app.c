/* The app: SDL and the renderer, the session and its commands, drawing. */
#include "kiosk/ui/ui_app.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"

kerr_t ui_session_config(const kiosk_config_t *cfg, session_config_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    out->idle_ms = cfg->ui_idle_timeout_s * 1000;
    out->min_purchase = cfg->min_purchase;
    out->max_purchase = cfg->max_purchase;
    out->exponent = cfg->currency->exponent;
    out->lang = strcmp(cfg->ui_language, "en") == 0 ? LANG_EN : LANG_ZH;
    out->muted = strcmp(cfg->ui_voice, "off") == 0;
    char list[CFG_STR];
    snprintf(list, sizeof list, "%s", cfg->ui_presets);
    int i = 0;
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (i == SESSION_PRESETS)
            return kmsg_set(msg, K_EINVAL, "ui.presets: at most %d amounts", SESSION_PRESETS);
        out->presets[i++] = strtoll(t, NULL, 10);
    }
    return K_OK;
}

/* The catalogues: KIOSK_LOCALEDIR, else <dir of the program>/../locale (the
 * build tree), else the system's. */
static void locale_dir(char *out, size_t len)
{
    const char *env = getenv("KIOSK_LOCALEDIR");
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (env && env[0]) {
        snprintf(out, len, "%s", env);
        return;
    }
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        snprintf(out, len, "%s/../locale", exe);
        if (access(out, R_OK) == 0)
            return;
    }
    snprintf(out, len, "/usr/share/locale");
}

void ui_app_wake(void *ctx)
{
    ui_app_t *a = ctx;
    SDL_Event e = {.type = a->wake_event};
    SDL_PushEvent(&e);
    if (a->wake_sem)
        SDL_SemPost(a->wake_sem);
}

static kerr_t open_renderer(ui_app_t *a, kmsg_t *msg)
{
    if (a->headless) {
        a->canvas = SDL_CreateRGBSurfaceWithFormat(0, a->width, a->height, 32, SDL_PIXELFORMAT_ARGB8888);
        a->ren = a->canvas ? SDL_CreateSoftwareRenderer(a->canvas) : NULL;
    } else {
        Uint32 flags = a->cfg->ui_fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0;
        a->win = SDL_CreateWindow("Prepaid kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, a->width,
                                  a->height, flags);
        a->ren = a->win ? SDL_CreateRenderer(a->win, -1, 0) : NULL;
        if (a->ren)
            SDL_RenderSetLogicalSize(a->ren, a->width, a->height);
    }
    if (!a->ren)
        return kmsg_set(msg, K_EIO, "cannot open the screen: %s%s", SDL_GetError(),
                        a->headless ? "" : " (no display? run with --headless)");
    return K_OK;
}

kerr_t ui_app_open(ui_app_t *a, const kiosk_config_t *cfg, bool headless, kmsg_t *msg)
{
    a->cfg = cfg;
    a->headless = headless;
    config_ui_size(cfg, &a->width, &a->height);
    session_config_t sc;
    kerr_t rc = ui_session_config(cfg, &sc, msg);
    if (rc != K_OK)
        return rc;
    session_init(&a->session, &sc, kclock_mono(NULL));
    service_init(&a->service);
    a->info = (screen_info_t){.currency = cfg->currency, .site_contact = cfg->site_contact,
                              .min_purchase = cfg->min_purchase, .max_purchase = cfg->max_purchase,
                              .idle_s = sc.idle_ms / 1000};
    memcpy(a->info.presets, sc.presets, sizeof a->info.presets);
    char dir[PATH_MAX];
    locale_dir(dir, sizeof dir);
    if ((rc = screen_i18n_open(dir, msg)) != K_OK)
        return rc;
    if (SDL_Init(headless ? SDL_INIT_EVENTS : SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
        return kmsg_set(msg, K_EIO, "SDL: %s", SDL_GetError());
    a->wake_event = SDL_RegisterEvents(1);
    a->wake_sem = headless ? SDL_CreateSemaphore(0) : NULL;
    if ((rc = open_renderer(a, msg)) != K_OK)
        return rc;
    a->dirty = true;
    kmsg_t why;
    if (!headless && ui_voice_open_espeak((int)cfg->ui_voice_volume, &a->voice, &why) != K_OK)
        LOG_W("kiosk", "voice: %s; the screens go on without it", why.text);
    return screen_ui_open(a->width, a->height, (int)cfg->ui_dpi, &a->screens, msg);
}

void ui_app_close(ui_app_t *a)
{
    ui_worker_stop(a->worker);
    a->worker = NULL;
    ui_voice_close(a->voice);
    a->voice = NULL;
    screen_ui_close(a->screens);
    if (a->ren)
        SDL_DestroyRenderer(a->ren);
    if (a->canvas)
        SDL_FreeSurface(a->canvas);
    if (a->win)
        SDL_DestroyWindow(a->win);
    if (a->wake_sem)
        SDL_DestroySemaphore(a->wake_sem);
    SDL_Quit();
}

void ui_app_handle(ui_app_t *a, session_event_t *ev)
{
    session_cmd_t cmds[SESSION_MAX_CMDS];
    size_t n;
    session_screen_t before = session_view(&a->session)->screen;
    if (service_active(&a->service) && (ev->kind == SEV_CARD_IN || ev->kind == SEV_CARD_OUT))
        return; /* the reader is the staff's while they work */
    ev->now_ms = kclock_mono(NULL);
    if (session_handle(&a->session, ev, cmds, &n))
        a->dirty = true;
    session_screen_t after = session_view(&a->session)->screen;
    if (after != before)
        LOG_I("kiosk", "screen %s -> %s (%s)", session_screen_name(before), session_screen_name(after),
              session_event_name(ev->kind));
    const session_view_t *v = session_view(&a->session);
    static const char *const outcomes[] = {"none", "delivered", "pending", "parked", "refused"};
    if (after == SCR_RESULT && before != SCR_RESULT)
        LOG_I("kiosk", "result %s, paid %lld, sale %s", outcomes[v->outcome], (long long)v->paid, v->txn);
    for (size_t i = 0; i < n; i++) {
        LOG_I("kiosk", "command %s", session_cmd_name(cmds[i].kind));
        if (a->worker)
            ui_worker_post(a->worker, &cmds[i]);
    }
}

void ui_app_service(ui_app_t *a, svc_event_t *ev)
{
    svc_cmd_t cmds[SVC_MAX_CMDS];
    size_t n;
    svc_page_t before = service_view(&a->service)->page;
    bool restart = ev->kind == SVE_DONE && ev->quit && ev->gen == a->service.gen;
    ev->now_ms = kclock_mono(NULL);
    if (service_handle(&a->service, ev, cmds, &n))
        a->dirty = true;
    svc_page_t after = service_view(&a->service)->page;
    if (after != before)
        LOG_I("kiosk", "service %s -> %s", service_page_name(before), service_page_name(after));
    for (size_t i = 0; i < n; i++) {
        LOG_I("kiosk", "service command %s", service_action_name(cmds[i].action));
        if (a->worker)
            ui_worker_post_svc(a->worker, &cmds[i]);
    }
    explicit_bzero(cmds, sizeof cmds); /* the PIN signing in, if one was there */
    if (restart) {
        a->status = UI_EXIT_RESTART;
        a->quit = true;
    }
}

/* A touch while the service screens are up: their controls, and the
 * language switch and the mute button of the top bar. */
static void touch_service(ui_app_t *a, const screen_hit_t *h)
{
    svc_event_t ev = {.kind = SVE_TAP};
    session_event_t bar = {.kind = SEV_TAP};
    if (strcmp(h->id, "lang") == 0 || strcmp(h->id, "voice") == 0) {
        session_control_from_id(h->id, &bar.control, &bar.digit, &bar.index);
        ui_app_handle(a, &bar);
    } else if (service_control_from_id(h->id, &ev.control, &ev.index)) {
        ui_app_service(a, &ev);
    }
}

void ui_app_touch(ui_app_t *a, int x, int y)
{
    const screen_hit_t *h = screen_hit_at(&a->frame, x, y);
    session_event_t ev = {.kind = SEV_TAP};
    if (h && service_active(&a->service))
        touch_service(a, h);
    else if (h && strcmp(h->id, SCREEN_SERVICE_CORNER) == 0)
        ui_app_service(a, &(svc_event_t){.kind = SVE_CORNER});
    else if (h && session_control_from_id(h->id, &ev.control, &ev.digit, &ev.index))
        ui_app_handle(a, &ev);
}

void ui_app_draw(ui_app_t *a, bool force)
{
    int64_t now = kclock_mono(NULL);
    bool moving = a->frame.animating && now - a->drawn_ms >= 100; /* ten pictures a second */
    if (!force && !a->dirty && !moving)
        return;
    if (service_active(&a->service))
        screen_draw_service(a->screens, a->ren, service_view(&a->service), session_view(&a->session), &a->info,
                            &a->frame);
    else
        screen_draw(a->screens, a->ren, session_view(&a->session), &a->info, a->headless ? 0 : now, &a->frame);
    SDL_RenderPresent(a->ren);
    const session_view_t *v = session_view(&a->session);
    if (a->voice && (a->dirty || force)) /* a changed view: its prompt, said once */
        ui_voice_follow(a->voice, service_active(&a->service) ? "" : screen_prompt(v), v->lang, v->muted);
    a->dirty = false;
    a->drawn_ms = now;
}
