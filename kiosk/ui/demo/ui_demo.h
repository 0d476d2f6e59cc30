/* kiosk-demo: the touchscreen of `kiosk` driven by a script, headless,
 * with its shots saved, or the gallery of every screen. For the tests, the
 * demo and the reference screenshots; never installed (docs/ui.md). */
#ifndef KIOSK_UI_DEMO_UI_DEMO_H
#define KIOSK_UI_DEMO_UI_DEMO_H

#include "kiosk/ui/demo/ui_script.h"
#include "kiosk/ui/ui_app.h"

#define UI_MAX_SIMS 8

/* What a scripted run measures for its report (ui_report.c). */
typedef struct ui_report {
    bool started;            /* the resident left the attract screen */
    session_screen_t screen; /* at the last turn */
    int phase;               /* what the screen asked of the resident at the last turn */
    int64_t last_ms;
    int screens;             /* new screens to read (delivering is only waited on) */
    int64_t kiosk_ms;        /* waiting for the kiosk: busy, delivering, the QR order being made */
    int64_t paying_ms;       /* on the payment screen, paying */
} ui_report_t;

/* A scripted run: the app, the script and what it may name. */
typedef struct ui_demo {
    ui_app_t *app;
    ui_script_t *script;
    ui_script_io_t io;  /* the script's view of the app */
    const char *shots;  /* where shots go */
    struct { char name[32]; char address[128]; } sims[UI_MAX_SIMS];
    int n_sims;
    bool report;        /* print the report at the end */
    ui_report_t measured;
} ui_demo_t;

/* Notes the view at a turn of the main loop at now_ms: the time since the
 * last turn is counted by what the screen asked of the resident then. */
void ui_report_turn(ui_report_t *r, const session_view_t *v, int64_t now_ms);

/* Prints one line, "report touches=N meter_digits=N screens=N kiosk_ms=N
 * paying_ms=N device_ms=N": the kiosk's waiting includes the script's
 * simawait time (a device getting ready), the paying time excludes it. */
void ui_report_print(const ui_report_t *r, const ui_script_tally_t *t);

/* Saves what is on the screen as a PNG file. */
kerr_t ui_app_shot(ui_app_t *a, const char *path, kmsg_t *msg);

/* Makes the script drive d's app: the app's driver carries it on at each
 * turn of the main loop and quits when it is done (status 0) or a line
 * failed (status 1, the screen saved as failed.png among the shots). */
void ui_demo_drive(ui_demo_t *d);

/* What is done with each picture of the gallery, once the app shows it:
 * the number of problems found, or -1 to stop. */
typedef int (*ui_gallery_each_t)(ui_app_t *a, void *ctx, const char *name, session_lang_t lang);

/* Brings the app to every screen of the gallery in both languages (the
 * resident's scenes, then the service mode's) and calls each on it; the
 * sum of what each returned and of scenes that ended elsewhere, or -1 if
 * each stopped it. */
int ui_gallery_walk(ui_app_t *a, ui_gallery_each_t each, void *ctx);

/* Renders every screen in both languages into dir (the gallery); returns
 * the number of layout problems found, or -1 if a picture could not be saved. */
int ui_gallery(ui_app_t *a, const char *dir);

/* Draws what the app shows now, reports its layout problems and saves it
 * as DIR/NAME-LANG.png, DIR being dir_ctx; the number of problems, or -1
 * if it could not be saved. */
int ui_gallery_save(ui_app_t *a, void *dir_ctx, const char *name, session_lang_t lang);

/* The service mode's scenes in one language (ui_gallery_service.c), each
 * handed to each; the number of problems, or -1. */
int ui_gallery_service(ui_app_t *a, session_lang_t lang, ui_gallery_each_t each, void *ctx);

/* Draws every gallery screen n times (screen_draw and present, as the main
 * loop does) and prints the time of one frame per screen and overall
 * (median, p99, max); 0, or 1 if a scene could not be reached. */
int ui_frame_bench(ui_app_t *a, int n);

#endif
