/* The touchscreen app of `kiosk` (and `kiosk-demo`): the session in the
 * main thread, the screens drawn from its view, the worker carrying out
 * its commands. */
#ifndef KIOSK_UI_UI_APP_H
#define KIOSK_UI_UI_APP_H

#include <SDL.h>

#include "core/session.h"
#include "engine/config.h"
#include "kiosk/ui/ui_voice.h"
#include "kiosk/ui/ui_worker.h"
#include "screens/screen.h"

#define UI_EXIT_RESTART 3 /* the operator asked for a restart: the service manager starts the kiosk again */

/* Something that drives the app from outside, called at each turn of the
 * main loop (kiosk-demo's scripts, kiosk/ui/demo/); `kiosk` has none. It
 * may set the app's quit and status. */
typedef struct ui_driver {
    void *ctx;
    void (*turn)(void *ctx, int64_t now_ms);
} ui_driver_t;

typedef struct ui_app {
    const kiosk_config_t *cfg;
    int width, height;
    bool headless;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Surface *canvas; /* headless: the renderer draws here */
    screen_ui_t *screens;
    screen_info_t info;
    session_t session;
    service_t service;    /* the staff's service mode: its screens replace the resident's while active */
    screen_frame_t frame;
    bool dirty;           /* the view changed since the last drawing */
    int64_t drawn_ms;     /* when the screen was last drawn */
    ui_worker_t *worker;  /* NULL: no devices (the gallery) */
    ui_voice_t *voice;    /* the spoken prompts; NULL: silent (headless) */
    Uint32 wake_event;
    SDL_sem *wake_sem;    /* headless: the worker's wake-up (SDL polls for events without a video driver) */
    ui_driver_t driver;   /* turn NULL: nothing drives the app but touches and the worker */
    bool quit;
    int status;           /* the exit status */
} ui_app_t;

/* The session's settings from the configuration; msg says what is wrong. */
kerr_t ui_session_config(const kiosk_config_t *cfg, session_config_t *out, kmsg_t *msg);

/* Opens SDL, the renderer (on a window, or on a surface when headless),
 * the screens and the catalogues. */
kerr_t ui_app_open(ui_app_t *a, const kiosk_config_t *cfg, bool headless, kmsg_t *msg);

/* Closes what ui_app_open opened. */
void ui_app_close(ui_app_t *a);

/* Wakes the main loop (the worker calls it after posting an answer). */
void ui_app_wake(void *ctx);

/* Hands an event to the session and the commands it decides to the worker. */
void ui_app_handle(ui_app_t *a, session_event_t *ev);

/* Hands an event to the service mode and its commands to the worker. */
void ui_app_service(ui_app_t *a, svc_event_t *ev);

/* A touch at (x, y): the control there, if any, becomes a tap. */
void ui_app_touch(ui_app_t *a, int x, int y);

/* Draws the view if it changed (or moves), now. */
void ui_app_draw(ui_app_t *a, bool force);

/* Runs the main loop until quit; returns the exit status. */
int ui_app_run(ui_app_t *a);

#endif
