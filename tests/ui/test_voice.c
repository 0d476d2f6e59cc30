/* Voice guidance (kiosk/ui/ui_voice.c, ui_voice_espeak.c,
 * screens/screen_prompt.c): speaking never blocks the screen, the newest
 * prompt is the one spoken, espeak-ng really synthesises both languages,
 * and a muted view speaks nothing. */
#include "ktest.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kiosk/ui/ui_voice.h"
#include "screens/screen.h"

#define MAX_SAID 64

/* A sink that records what it is given and, while held, stays stuck in
 * speak as a sound device that hangs would. */
typedef struct test_sink {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool hold, inside, closed;
    int n;
    char said[MAX_SAID][UI_VOICE_TEXT];
    session_lang_t lang[MAX_SAID];
} test_sink_t;

static kerr_t t_speak(void *ctx, const char *text, session_lang_t lang, kmsg_t *msg)
{
    (void)msg;
    test_sink_t *t = ctx;
    pthread_mutex_lock(&t->lock);
    if (t->n < MAX_SAID) {
        snprintf(t->said[t->n], UI_VOICE_TEXT, "%s", text);
        t->lang[t->n] = lang;
    }
    t->n++;
    t->inside = true;
    pthread_cond_broadcast(&t->cond);
    while (t->hold)
        pthread_cond_wait(&t->cond, &t->lock);
    t->inside = false;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
    return K_OK;
}

static void t_close(void *ctx)
{
    test_sink_t *t = ctx;
    pthread_mutex_lock(&t->lock);
    t->closed = true;
    pthread_mutex_unlock(&t->lock);
}

static const ui_voice_sink_ops_t test_ops = {.speak = t_speak, .close = t_close};

static test_sink_t *sink_new(bool hold)
{
    static test_sink_t t;
    memset(&t, 0, sizeof t);
    pthread_mutex_init(&t.lock, NULL);
    pthread_cond_init(&t.cond, NULL);
    t.hold = hold;
    return &t;
}

/* Waits until the sink has been given n texts and is out of speak, or is
 * inside it when inside is asked; fails after 20 s (a hang, not a timing). */
static void wait_for(test_sink_t *t, int n, bool inside)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    pthread_mutex_lock(&t->lock);
    while (t->n < n || t->inside != inside)
        if (pthread_cond_timedwait(&t->cond, &t->lock, &until) != 0)
            break;
    bool ok = t->n >= n && t->inside == inside;
    pthread_mutex_unlock(&t->lock);
    assert_true(ok);
}

static ui_voice_t *voice_on(test_sink_t *t)
{
    ui_voice_t *vo = NULL;
    kmsg_t msg;
    assert_int_equal(ui_voice_open((ui_voice_sink_t){.ops = &test_ops, .ctx = t}, &vo, &msg), K_OK);
    return vo;
}

/* The sink stuck in speak: every say returns at once, and after the
 * release the newest prompt is spoken, the ones between never. */
static void never_blocks(void **state)
{
    (void)state;
    test_sink_t *t = sink_new(true);
    ui_voice_t *vo = voice_on(t);
    ui_voice_say(vo, "first", LANG_ZH);
    wait_for(t, 1, true);
    char text[64];
    for (int i = 0; i < 1000; i++) {
        snprintf(text, sizeof text, "prompt %d", i);
        ui_voice_say(vo, text, i % 2 ? LANG_EN : LANG_ZH);
    }
    pthread_mutex_lock(&t->lock);
    assert_true(t->inside && t->hold); /* every say above returned while the sink was stuck */
    assert_int_equal(t->n, 1);
    t->hold = false;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
    wait_for(t, 2, false);
    ui_voice_close(vo);
    assert_true(t->closed);
    assert_int_equal(t->n, 2);
    assert_string_equal(t->said[0], "first");
    assert_string_equal(t->said[1], "prompt 999");
    assert_int_equal(t->lang[1], LANG_EN);
}

/* A prompt is spoken once per change, not at each redraw; muted, nothing
 * goes to the mailbox; unmuted, the prompt is spoken again. */
static void once_per_change(void **state)
{
    (void)state;
    test_sink_t *t = sink_new(false);
    ui_voice_t *vo = voice_on(t);
    assert_true(ui_voice_follow(vo, "A", LANG_EN, false));
    wait_for(t, 1, false);
    assert_false(ui_voice_follow(vo, "A", LANG_EN, false)); /* a redraw of the same screen */
    assert_true(ui_voice_follow(vo, "B", LANG_EN, false));
    wait_for(t, 2, false);
    assert_false(ui_voice_follow(vo, "B", LANG_EN, true)); /* muted */
    assert_false(ui_voice_follow(vo, "C", LANG_EN, true)); /* muted: a new screen says nothing */
    assert_false(ui_voice_follow(vo, "", LANG_EN, false)); /* the service mode */
    assert_true(ui_voice_follow(vo, "C", LANG_EN, false)); /* unmuted: its prompt */
    wait_for(t, 3, false);
    ui_voice_close(vo);
    assert_int_equal(t->n, 3);
    assert_string_equal(t->said[1], "B");
    assert_string_equal(t->said[2], "C");
}

static void open_catalogues(void)
{
    kmsg_t msg;
    const char *dir = getenv("KIOSK_LOCALEDIR");
    assert_non_null(dir);
    assert_int_equal(screen_i18n_open(dir, &msg), K_OK);
}

/* The session's mute button: the view muted, the prompts of the screens
 * it goes through go nowhere; tapped again, the screen's prompt is said. */
static void mute_button(void **state)
{
    (void)state;
    open_catalogues();
    session_t s;
    session_config_t cfg = {.idle_ms = 60000, .min_purchase = 100, .max_purchase = 100000, .exponent = 2};
    session_init(&s, &cfg, 0);
    session_cmd_t cmds[SESSION_MAX_CMDS];
    size_t n;
    session_event_t ev = {.kind = SEV_HEALTH, .health = HEALTH_CASH};
    session_handle(&s, &ev, cmds, &n);
    test_sink_t *t = sink_new(false);
    ui_voice_t *vo = voice_on(t);
    const session_view_t *v = session_view(&s);
    assert_true(ui_voice_follow(vo, screen_prompt(v), v->lang, v->muted));
    wait_for(t, 1, false);
    session_control_t taps[] = {CTL_VOICE, CTL_START, CTL_LANG, CTL_KEY, CTL_VOICE};
    for (size_t i = 0; i < sizeof taps / sizeof taps[0]; i++) {
        ev = (session_event_t){.kind = SEV_TAP, .control = taps[i]};
        assert_true(session_handle(&s, &ev, cmds, &n));
        bool said = ui_voice_follow(vo, screen_prompt(v), v->lang, v->muted);
        assert_int_equal(said, i == 4); /* only once unmuted again */
        assert_int_equal(v->muted, i < 4);
    }
    wait_for(t, 2, false);
    ui_voice_close(vo);
    assert_int_equal(t->n, 2);
    assert_int_equal(t->lang[1], LANG_EN);
    assert_string_equal(t->said[1], "Type your meter number, or insert your meter card.");
}

static void count(void *ctx, const short *pcm, int n)
{
    (void)pcm;
    *(long *)ctx += n;
}

/* espeak-ng synthesises the method screen's prompt in Mandarin and in
 * English into memory: samples come out for each. */
static void espeak_synthesises(void **state)
{
    (void)state;
    open_catalogues();
    session_view_t v = {.screen = SCR_METHOD, .lang = LANG_ZH};
    char zh[UI_VOICE_TEXT], en[UI_VOICE_TEXT];
    snprintf(zh, sizeof zh, "%s", screen_prompt(&v));
    v.lang = LANG_EN;
    snprintf(en, sizeof en, "%s", screen_prompt(&v));
    assert_string_equal(en, "Choose how to pay.");
    assert_string_not_equal(zh, en); /* from the Chinese catalogue */
    assert_true((unsigned char)zh[0] >= 0xE4); /* a CJK character */
    long samples = 0;
    ui_voice_espeak_opts_t o = {.volume = 30, .samples = count, .samples_ctx = &samples};
    ui_voice_sink_t sink;
    kmsg_t msg;
    assert_int_equal(ui_voice_espeak_open(&o, &sink, &msg), K_OK);
    assert_int_equal(ui_voice_espeak_open(&o, &(ui_voice_sink_t){0}, &msg), K_EBUSY); /* one engine */
    assert_int_equal(sink.ops->speak(sink.ctx, zh, LANG_ZH, &msg), K_OK);
    long zh_samples = samples;
    assert_int_equal(sink.ops->speak(sink.ctx, en, LANG_EN, &msg), K_OK);
    long en_samples = samples - zh_samples;
    print_message("samples: %ld Mandarin, %ld English (22050 a second)\n", zh_samples, en_samples);
    assert_true(zh_samples > 0);
    assert_true(en_samples > 0);
    assert_false(sink.ops->busy(sink.ctx));
    sink.ops->close(sink.ctx);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(never_blocks),
    cmocka_unit_test(once_per_change),
    cmocka_unit_test(mute_button),
    cmocka_unit_test(espeak_synthesises),
};

KTEST_MAIN(tests)
