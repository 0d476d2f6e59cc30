/* The main loop: SDL events and touches, the worker's answers, ticks, the
 * kiosk's own retries while nobody is served, drawing, and whatever drives
 * the app (a script of kiosk-demo). */
#include "base/clock.h"
#include "kiosk/app/notify.h"
#include "kiosk/ui/ui_app.h"

#define TICK_MS 250
#define RETRY_EVERY_MS 10000
#define HEALTH_EVERY_MS 3000

static void sdl_event(ui_app_t *a, const SDL_Event *e)
{
    if (e->type == SDL_QUIT) {
        a->quit = true;
    } else if (e->type == SDL_MOUSEBUTTONUP && e->button.button == SDL_BUTTON_LEFT) {
        ui_app_touch(a, e->button.x, e->button.y); /* fingers arrive as mouse events too */
    } else if (e->type == SDL_WINDOWEVENT && e->window.event == SDL_WINDOWEVENT_EXPOSED) {
        a->dirty = true;
    } else if (e->type == SDL_KEYUP && e->key.keysym.sym >= SDLK_0 && e->key.keysym.sym <= SDLK_9) {
        int digit = e->key.keysym.sym - SDLK_0;
        session_event_t ev = {.kind = SEV_TAP, .control = CTL_KEY, .digit = digit};
        svc_event_t sev = {.kind = SVE_TAP, .control = SC_KEY, .index = digit};
        if (service_active(&a->service))
            ui_app_service(a, &sev);
        else
            ui_app_handle(a, &ev);
    }
}

static void answers(ui_app_t *a)
{
    session_event_t ev;
    static svc_event_t sev; /* a few kilobytes: not on the stack at each turn */
    while (a->worker && ui_worker_next(a->worker, &ev))
        ui_app_handle(a, &ev);
    while (a->worker && ui_worker_next_svc(a->worker, &sev))
        ui_app_service(a, &sev);
}

/* Nobody at the screen and the worker has nothing to do. */
static bool unattended(ui_app_t *a)
{
    session_screen_t s = session_view(&a->session)->screen;
    return a->worker && (s == SCR_ATTRACT || s == SCR_OUT_OF_SERVICE) && !service_active(&a->service) &&
           ui_worker_idle(a->worker);
}

/* The kiosk's own work while nobody is served: the retry of pending
 * deliveries, and a look at the devices (the offer follows what is healthy). */
static void background(ui_app_t *a, int64_t now, int64_t *last_retry, int64_t *last_health)
{
    if (now - *last_retry >= RETRY_EVERY_MS && unattended(a)) {
        *last_retry = now;
        ui_worker_retry(a->worker);
    }
    if (now - *last_health >= HEALTH_EVERY_MS && unattended(a)) {
        *last_health = now;
        ui_worker_health(a->worker);
    }
}

int ui_app_run(ui_app_t *a)
{
    int64_t last_tick = 0, last_retry = kclock_mono(NULL), last_health = last_retry, last_alive = 0;
    knotify_ready("serving: the attract screen"); /* recovery ran before */
    while (!a->quit) {
        SDL_Event e;
        int wait = a->driver.turn || a->frame.animating ? 20 : TICK_MS;
        if (a->wake_sem) /* headless: no video driver to wait on, SDL would poll every millisecond */
            SDL_SemWaitTimeout(a->wake_sem, (Uint32)wait);
        else if (SDL_WaitEventTimeout(&e, wait))
            sdl_event(a, &e);
        while (SDL_PollEvent(&e))
            sdl_event(a, &e);
        answers(a);
        int64_t now = kclock_mono(NULL);
        if (now - last_alive >= 1000) { /* the service's watchdog: this loop still turns */
            knotify_watchdog();
            last_alive = now;
        }
        if (now - last_tick >= TICK_MS) {
            session_event_t tick = {.kind = SEV_TICK};
            ui_app_handle(a, &tick);
            ui_app_service(a, &(svc_event_t){.kind = SVE_TICK});
            last_tick = now;
        }
        background(a, now, &last_retry, &last_health);
        ui_app_draw(a, false);
        if (a->driver.turn)
            a->driver.turn(a->driver.ctx, now);
    }
    knotify_stopping();
    return a->status;
}
