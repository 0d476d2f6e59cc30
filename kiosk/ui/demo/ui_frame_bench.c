/* The frame bench (kiosk-demo --frame-bench N): every screen of the gallery
 * drawn N times as the main loop draws it (screen_draw, then present, on
 * the renderer the configuration gives: headless, SDL's software
 * renderer), the time of one frame per screen and over all of them. The
 * screens are whatever screen_draw draws now: the scenes are the gallery's
 * own. A figure, not a test (docs/testing.md, "Benchmarks"). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kiosk/ui/demo/ui_demo.h"

typedef struct frames {
    int n;           /* frames per screen */
    int64_t *one;    /* this screen's n frame times, in microseconds */
    int64_t *all;    /* every screen's, for the overall figures */
    size_t n_all, cap_all;
    int screens;
} frames_t;

static int64_t now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int by_value(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* Sorts n samples and prints their median, p99 and max in ms. */
static void line(const char *what, int64_t *us, size_t n)
{
    qsort(us, n, sizeof *us, by_value);
    size_t p99 = (n * 99 + 99) / 100 - 1;
    printf("  %-34s median %6.2f ms   p99 %6.2f ms   max %6.2f ms\n", what, (double)us[n / 2] / 1000,
           (double)us[p99] / 1000, (double)us[n - 1] / 1000);
}

static int one_screen(ui_app_t *a, void *ctx, const char *name, session_lang_t lang)
{
    frames_t *f = ctx;
    if (f->n_all + (size_t)f->n > f->cap_all) {
        size_t cap = (f->cap_all + (size_t)f->n) * 2;
        int64_t *p = realloc(f->all, cap * sizeof *p);
        if (!p)
            return -1;
        f->all = p;
        f->cap_all = cap;
    }
    ui_app_draw(a, true); /* the first frame loads what the screen needs (glyphs, the QR code) */
    for (int i = 0; i < f->n; i++) {
        int64_t t0 = now_us();
        ui_app_draw(a, true);
        f->one[i] = f->all[f->n_all++] = now_us() - t0;
    }
    char what[96];
    snprintf(what, sizeof what, "%s-%s", name, screen_lang_code(lang));
    line(what, f->one, (size_t)f->n);
    f->screens++;
    return 0;
}

int ui_frame_bench(ui_app_t *a, int n)
{
    frames_t f = {.n = n, .one = calloc((size_t)n, sizeof(int64_t))};
    if (!f.one)
        return 1;
    printf("Frame time per gallery screen, %dx%d, %s renderer, %d frames each (goal: p99 under 8 ms)\n",
           a->width, a->height, a->headless ? "software" : "the window's", n);
    int problems = ui_gallery_walk(a, one_screen, &f);
    if (f.n_all > 0) {
        char what[64];
        snprintf(what, sizeof what, "all %d screens", f.screens);
        line(what, f.all, f.n_all);
    }
    free(f.one);
    free(f.all);
    return problems == 0 ? 0 : 1;
}
