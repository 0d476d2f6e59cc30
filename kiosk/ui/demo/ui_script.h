/* Headless scripts (docs/ui.md): touches, keys, device events and checks
 * with timing, one command a line:
 *
 *   wait MS            let MS milliseconds pass
 *   tap CONTROL_ID     touch the middle of a control on the screen ("ok", "key7", "preset2")
 *   tap X Y            touch a point
 *   key DIGITS         touch keypad keys, one after the other
 *   expect SCREEN [MS] fail unless the session is on SCREEN (or service:PAGE) within MS (default 15000)
 *   see TEXT...        fail unless the screen shows TEXT (part of a label or a button)
 *   await MS TEXT...   fail unless the screen shows TEXT within MS
 *   shot NAME          save the screen as DIR/NAME.png
 *   lang zh_CN|en      switch the language
 *   sim NAME|HOST:PORT LINE...   send LINE to a simulator's control port; its reply must start with "ok"
 *   simawait MS NAME|HOST:PORT TEXT LINE...   send LINE at each turn until the reply holds TEXT, within MS
 *   card insert|remove tell the app a meter card went in or out
 *
 * Blank lines and lines starting with '#' are skipped. */
#ifndef KIOSK_UI_DEMO_UI_SCRIPT_H
#define KIOSK_UI_DEMO_UI_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/service.h"
#include "core/session.h"

typedef struct ui_script ui_script_t;

/* What a script can do to the app. */
typedef struct ui_script_io {
    void *ctx;
    const char *(*where)(void *ctx); /* the screen now: "attract", ..., or "service:PAGE" */
    bool (*shows)(void *ctx, const char *text); /* the screen shows text now */
    kerr_t (*tap_id)(void *ctx, const char *id, kmsg_t *msg);
    void (*tap_xy)(void *ctx, int x, int y);
    void (*lang)(void *ctx, session_lang_t lang);
    void (*card)(void *ctx, bool inserted);
    kerr_t (*shot)(void *ctx, const char *name, kmsg_t *msg);
    const char *(*sim_address)(void *ctx, const char *name); /* NULL: no simulator of that name */
    void (*describe)(void *ctx, char *buf, size_t len);     /* the session now, for failures */
} ui_script_io_t;

/* What a script did so far: the resident's touches, and the time it
 * waited in simawait lines for a device to get ready. */
typedef struct ui_script_tally {
    int touches;       /* taps on controls or points (a key line is a tap per digit) */
    int meter_digits;  /* of those, the keypad's digits tapped on identify */
    int64_t device_ms;
} ui_script_tally_t;

typedef enum ui_script_status { SCRIPT_BUSY, SCRIPT_DONE, SCRIPT_FAILED } ui_script_status_t;

/* Reads and checks a script; msg names the file and line of a mistake. */
kerr_t ui_script_load(const char *path, ui_script_t **out, kmsg_t *msg);

/* Frees a script; NULL is fine. */
void ui_script_free(ui_script_t *s);

/* Carries the script on at time now_ms: as many commands as can run now,
 * up to one that waits. SCRIPT_FAILED with msg saying which line failed and
 * why; SCRIPT_DONE after the last line. */
ui_script_status_t ui_script_step(ui_script_t *s, const ui_script_io_t *io, int64_t now_ms, kmsg_t *msg);

/* The script's tally so far. */
const ui_script_tally_t *ui_script_tally(const ui_script_t *s);

/* Sends one line to a simulator's control port at host:port and reads its
 * one-line reply into reply. */
kerr_t ui_sim_send(const char *address, const char *line, char *reply, size_t len, kmsg_t *msg);

#endif
