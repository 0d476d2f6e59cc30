/* kiosk-demo: the touchscreen of `kiosk` driven by a script, headless,
 * with its shots saved, or the gallery of every screen. For the tests, the
 * demo and the reference screenshots; never installed (docs/ui.md). */
#ifndef KIOSK_UI_DEMO_UI_DEMO_H
#define KIOSK_UI_DEMO_UI_DEMO_H

#include "kiosk/ui/demo/ui_script.h"
#include "kiosk/ui/ui_app.h"

#define UI_MAX_SIMS 8

/* A scripted run: the app, the script and what it may name. */
typedef struct ui_demo {
    ui_app_t *app;
    ui_script_t *script;
    ui_script_io_t io;  /* the script's view of the app */
    const char *shots;  /* where shots go */
    struct { char name[32]; char address[128]; } sims[UI_MAX_SIMS];
    int n_sims;
} ui_demo_t;

/* Saves what is on the screen as a PNG file. */
kerr_t ui_app_shot(ui_app_t *a, const char *path, kmsg_t *msg);

/* Makes the script drive d's app: the app's driver carries it on at each
 * turn of the main loop and quits when it is done (status 0) or a line
 * failed (status 1, the screen saved as failed.png among the shots). */
void ui_demo_drive(ui_demo_t *d);

/* Renders every screen in both languages into dir (the gallery); returns
 * the number of layout problems found, or -1 if a picture could not be saved. */
int ui_gallery(ui_app_t *a, const char *dir);

/* Draws what the app shows now, reports its layout problems and saves it
 * as dir/NAME-LANG.png; the number of problems, or -1 if it could not be
 * saved. */
int ui_gallery_save(ui_app_t *a, const char *dir, const char *name, session_lang_t lang);

/* The service mode's scenes in one language (ui_gallery_service.c); the
 * number of problems, or -1. */
int ui_gallery_service(ui_app_t *a, const char *dir, session_lang_t lang);

#endif
