/* The voice's espeak-ng sink (Debian's libespeak-ng): played to the sound
 * device when there is one, else synthesised synchronously into a
 * callback (the tests count the samples; a kiosk without sound drops
 * them and runs on). espeak-ng is one engine per process. */
#include <espeak-ng/espeak_ng.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiosk/ui/ui_voice.h"

#define RATE_WPM 150 /* a little slower than espeak-ng's 175: residents of every age */

typedef struct espeak_sink {
    ui_voice_espeak_opts_t o;
    session_lang_t lang; /* the voice set; LANG_COUNT: none yet */
} espeak_sink_t;

static bool engine_open;

/* Synchronous synthesis: the samples of one chunk, handed on. */
static int on_samples(short *pcm, int n, espeak_EVENT *events)
{
    espeak_sink_t *s = events ? events->user_data : NULL;
    if (s && s->o.samples && pcm && n > 0)
        s->o.samples(s->o.samples_ctx, pcm, n);
    return 0;
}

static kerr_t failed(kmsg_t *msg, const char *what, espeak_ng_STATUS st)
{
    char why[256];
    espeak_ng_GetStatusCodeMessage(st, why, sizeof why);
    return kmsg_set(msg, K_EDEVICE, "espeak-ng: %s: %s", what, why);
}

static kerr_t es_speak(void *ctx, const char *text, session_lang_t lang, kmsg_t *msg)
{
    espeak_sink_t *s = ctx;
    if (s->lang != lang) {
        espeak_ng_STATUS st = espeak_ng_SetVoiceByName(lang == LANG_ZH ? "cmn" : "en");
        if (st != ENS_OK)
            return failed(msg, "no voice for the language", st);
        espeak_ng_SetParameter(espeakVOLUME, s->o.volume, 0);
        espeak_ng_SetParameter(espeakRATE, RATE_WPM, 0);
        s->lang = lang;
    }
    espeak_ng_STATUS st =
        espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, s);
    return st == ENS_OK ? K_OK : failed(msg, "cannot speak", st);
}

static bool es_busy(void *ctx)
{
    espeak_sink_t *s = ctx;
    return s->o.playback && espeak_IsPlaying();
}

static void es_stop(void *ctx)
{
    (void)ctx;
    espeak_ng_Cancel();
}

static void es_close(void *ctx)
{
    espeak_ng_Terminate();
    engine_open = false;
    free(ctx);
}

static const ui_voice_sink_ops_t espeak_ops = {
    .speak = es_speak, .busy = es_busy, .stop = es_stop, .close = es_close};

kerr_t ui_voice_espeak_open(const ui_voice_espeak_opts_t *o, ui_voice_sink_t *out, kmsg_t *msg)
{
    if (engine_open)
        return kmsg_set(msg, K_EBUSY, "espeak-ng is already open in this process");
    espeak_sink_t *s = calloc(1, sizeof *s);
    if (!s)
        return kmsg_set(msg, K_EIO, "voice: out of memory");
    *s = (espeak_sink_t){.o = *o, .lang = LANG_COUNT};
    espeak_ng_InitializePath(NULL);
    espeak_ng_STATUS st = espeak_ng_Initialize(NULL);
    if (st != ENS_OK) {
        free(s);
        return failed(msg, "cannot start (espeak-ng-data installed?)", st);
    }
    st = espeak_ng_InitializeOutput(o->playback ? ENOUTPUT_MODE_SPEAK_AUDIO : ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
    if (st != ENS_OK) {
        espeak_ng_Terminate();
        free(s);
        return failed(msg, "cannot open the sound output", st);
    }
    if (!o->playback)
        espeak_SetSynthCallback(on_samples);
    engine_open = true;
    *out = (ui_voice_sink_t){.ops = &espeak_ops, .ctx = s};
    return K_OK;
}

bool ui_voice_sound_device(void)
{
    glob_t g;
    bool alsa = glob("/dev/snd/pcmC*D*p", 0, NULL, &g) == 0 && g.gl_pathc > 0;
    globfree(&g);
    if (alsa)
        return true;
    const char *run = getenv("XDG_RUNTIME_DIR");
    char sock[512];
    snprintf(sock, sizeof sock, "%s/pulse/native", run ? run : "");
    return run && access(sock, F_OK) == 0;
}

/* Drops the samples of a kiosk without sound. */
static void drop(void *ctx, const short *pcm, int n)
{
    (void)ctx, (void)pcm, (void)n;
}

kerr_t ui_voice_open_espeak(int volume, ui_voice_t **out, kmsg_t *msg)
{
    ui_voice_espeak_opts_t o = {.volume = volume, .playback = ui_voice_sound_device(), .samples = drop};
    ui_voice_sink_t sink;
    kerr_t rc = ui_voice_espeak_open(&o, &sink, msg);
    if (rc != K_OK && o.playback) {
        o.playback = false; /* the device would not open: speak to nobody rather than stop */
        rc = ui_voice_espeak_open(&o, &sink, msg);
    }
    return rc == K_OK ? ui_voice_open(sink, out, msg) : rc;
}
