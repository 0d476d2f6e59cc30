/* Voice guidance: each screen's main instruction (screen_prompt) spoken
 * on a thread of its own, through a sink: espeak-ng (ui_voice_espeak.c)
 * or a test's. The main loop only copies the text into a one-slot mailbox
 * and signals: speaking never holds the screen up. */
#ifndef KIOSK_UI_UI_VOICE_H
#define KIOSK_UI_UI_VOICE_H

#include <stdbool.h>

#include "base/err.h"
#include "core/session.h"

#define UI_VOICE_TEXT 512

/* What speaks. Called on the voice's thread only. */
typedef struct ui_voice_sink_ops {
    /* Speaks text in lang: returns when it has been spoken, or as soon as
     * it is started when the sink has busy; msg says what went wrong. */
    kerr_t (*speak)(void *ctx, const char *text, session_lang_t lang, kmsg_t *msg);
    /* Whether the sink is still speaking; NULL: speak returns when done. */
    bool (*busy)(void *ctx);
    /* Stops what is being spoken; NULL: nothing to stop. */
    void (*stop)(void *ctx);
    /* Frees the sink. */
    void (*close)(void *ctx);
} ui_voice_sink_ops_t;

typedef struct ui_voice_sink {
    const ui_voice_sink_ops_t *ops;
    void *ctx;
} ui_voice_sink_t;

typedef struct ui_voice ui_voice_t;

/* Starts the voice's thread over sink, which it owns from then on (closed
 * by ui_voice_close, or here if the thread cannot start). */
kerr_t ui_voice_open(ui_voice_sink_t sink, ui_voice_t **out, kmsg_t *msg);

/* Stops the thread (after what is being spoken) and closes the sink; NULL
 * is fine. */
void ui_voice_close(ui_voice_t *vo);

/* Puts text in the mailbox, replacing one not yet spoken, and returns at
 * once; "" empties it and stops what is being spoken. Never waits for the
 * sink. */
void ui_voice_say(ui_voice_t *vo, const char *text, session_lang_t lang);

/* Speaks the view's prompt once when it changes (a new screen, state or
 * language), not at each redraw: muted or "" (nothing to say, the service
 * mode) hushes it, and unmuting says the prompt again. Returns whether it
 * put the prompt in the mailbox. Main thread. */
bool ui_voice_follow(ui_voice_t *vo, const char *prompt, session_lang_t lang, bool muted);

/* How many texts the sink was given to speak (for tests and logs). */
unsigned ui_voice_spoken(ui_voice_t *vo);

/* The espeak-ng sink. */
typedef struct ui_voice_espeak_opts {
    int volume;    /* 0..100 (100: espeak-ng's normal loudness) */
    bool playback; /* to the sound device; false: synthesised into samples() */
    void (*samples)(void *ctx, const short *pcm, int n); /* without playback: the samples (NULL: dropped) */
    void *samples_ctx;
} ui_voice_espeak_opts_t;

/* Opens espeak-ng (one at a time in a process): playing to the sound
 * device, or synthesising synchronously into o->samples; Mandarin speaks
 * with the voice "cmn", English with "en". */
kerr_t ui_voice_espeak_open(const ui_voice_espeak_opts_t *o, ui_voice_sink_t *out, kmsg_t *msg);

/* Opens the voice on espeak-ng at volume (0..100): played to the sound
 * device when there is one, else synthesised and dropped, so that a kiosk
 * without sound runs the same. */
kerr_t ui_voice_open_espeak(int volume, ui_voice_t **out, kmsg_t *msg);

/* Whether the machine has a sound device to play to (an ALSA playback
 * device, or a sound server's socket). */
bool ui_voice_sound_device(void);

#endif
