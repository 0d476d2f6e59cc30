/* The voice's thread and its one-slot mailbox: the main loop puts the
 * newest prompt in and signals; the thread takes it out and speaks it. A
 * prompt that arrives while another is spoken stops it (when the sink can
 * stop) and is spoken next; one that arrives before the last was taken
 * replaces it. */
#include "kiosk/ui/ui_voice.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"

#define POLL_MS 50 /* how often a sink that speaks by itself is asked whether it is done */

struct ui_voice {
    ui_voice_sink_t sink;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t more;
    char slot[UI_VOICE_TEXT]; /* the mailbox: under lock */
    session_lang_t slot_lang;
    bool full, hush, quit;
    unsigned spoken;
    char last[UI_VOICE_TEXT]; /* ui_voice_follow's: what was said last; main thread only */
};

/* Waits up to POLL_MS for the mailbox; lock held. */
static void wait_a_little(ui_voice_t *vo)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long ns = now.tv_nsec + POLL_MS * 1000000L;
    struct timespec until = {.tv_sec = now.tv_sec + ns / 1000000000L, .tv_nsec = ns % 1000000000L};
    pthread_cond_timedwait(&vo->more, &vo->lock, &until);
}

/* While the sink speaks by itself: stop it when a newer prompt, a hush or
 * the end comes. Lock held. */
static void while_speaking(ui_voice_t *vo)
{
    const ui_voice_sink_ops_t *ops = vo->sink.ops;
    while (ops->busy && ops->busy(vo->sink.ctx)) {
        if (vo->full || vo->hush || vo->quit) {
            if (ops->stop)
                ops->stop(vo->sink.ctx);
            return;
        }
        wait_a_little(vo);
    }
}

static void *voice_main(void *arg)
{
    ui_voice_t *vo = arg;
    char text[UI_VOICE_TEXT];
    pthread_mutex_lock(&vo->lock);
    while (!vo->quit) {
        if (!vo->full) {
            vo->hush = false;
            pthread_cond_wait(&vo->more, &vo->lock);
            continue;
        }
        memcpy(text, vo->slot, sizeof text);
        session_lang_t lang = vo->slot_lang;
        vo->full = vo->hush = false;
        vo->spoken++;
        pthread_mutex_unlock(&vo->lock);
        kmsg_t msg = {0};
        LOG_D("kiosk", "voice (%s): %s", lang == LANG_EN ? "en" : "zh_CN", text);
        if (vo->sink.ops->speak(vo->sink.ctx, text, lang, &msg) != K_OK)
            LOG_W("kiosk", "voice: %s", msg.text[0] ? msg.text : "the prompt could not be spoken");
        pthread_mutex_lock(&vo->lock);
        while_speaking(vo);
    }
    pthread_mutex_unlock(&vo->lock);
    return NULL;
}

kerr_t ui_voice_open(ui_voice_sink_t sink, ui_voice_t **out, kmsg_t *msg)
{
    ui_voice_t *vo = calloc(1, sizeof *vo);
    if (!vo) {
        sink.ops->close(sink.ctx);
        return kmsg_set(msg, K_EIO, "voice: out of memory");
    }
    vo->sink = sink;
    pthread_mutex_init(&vo->lock, NULL);
    pthread_cond_init(&vo->more, NULL);
    int rc = pthread_create(&vo->thread, NULL, voice_main, vo);
    if (rc != 0) {
        sink.ops->close(sink.ctx);
        pthread_cond_destroy(&vo->more);
        pthread_mutex_destroy(&vo->lock);
        free(vo);
        return kmsg_set(msg, K_EIO, "voice: cannot start its thread: %s", strerror(rc));
    }
    *out = vo;
    return K_OK;
}

void ui_voice_close(ui_voice_t *vo)
{
    if (!vo)
        return;
    pthread_mutex_lock(&vo->lock);
    vo->quit = true;
    pthread_cond_signal(&vo->more);
    pthread_mutex_unlock(&vo->lock);
    pthread_join(vo->thread, NULL);
    vo->sink.ops->close(vo->sink.ctx);
    pthread_cond_destroy(&vo->more);
    pthread_mutex_destroy(&vo->lock);
    free(vo);
}

void ui_voice_say(ui_voice_t *vo, const char *text, session_lang_t lang)
{
    pthread_mutex_lock(&vo->lock);
    snprintf(vo->slot, sizeof vo->slot, "%s", text);
    vo->slot_lang = lang;
    vo->full = text[0] != '\0';
    vo->hush = !vo->full;
    pthread_cond_signal(&vo->more);
    pthread_mutex_unlock(&vo->lock);
}

bool ui_voice_follow(ui_voice_t *vo, const char *prompt, session_lang_t lang, bool muted)
{
    if (muted || !prompt[0]) {
        if (vo->last[0])
            ui_voice_say(vo, "", lang);
        vo->last[0] = '\0';
        return false;
    }
    if (strcmp(vo->last, prompt) == 0)
        return false;
    snprintf(vo->last, sizeof vo->last, "%s", prompt);
    ui_voice_say(vo, prompt, lang);
    return true;
}

unsigned ui_voice_spoken(ui_voice_t *vo)
{
    pthread_mutex_lock(&vo->lock);
    unsigned n = vo->spoken;
    pthread_mutex_unlock(&vo->lock);
    return n;
}
