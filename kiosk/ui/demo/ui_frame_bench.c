/* The frame bench (kiosk-demo --frame-bench N): every screen of the gallery
 * drawn N times as the main loop draws it (screen_draw, then present;
 * headless, SDL's software renderer), the time of one frame per screen
 * and over all of them, wall and CPU. The
 * screens are whatever screen_draw draws now: the scenes are the gallery's
 * own. A figure, not a test (docs/testing.md, "Benchmarks"). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kiosk/ui/demo/ui_demo.h"

typedef struct frames {
    int n;           /* frames per screen */
    int64_t *one;    /* this screen's n frame times, in microseconds */
    int64_t *cpu;    /* the same frames' CPU time (this thread's) */
    int64_t *all, *all_cpu; /* every screen's, for the overall figures */
    size_t n_all, cap_all;
    int screens;
} frames_t;

static int64_t now_us(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int by_value(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* Sorts n samples of wall and CPU time and prints the wall's median, p99
 * and max and the CPU's p99, in ms. */
static void line(const char *what, int64_t *us, int64_t *cpu, size_t n)
{
    qsort(us, n, sizeof *us, by_value);
    qsort(cpu, n, sizeof *cpu, by_value);
    size_t p99 = (n * 99 + 99) / 100 - 1;
    printf("  %-32s %7.2f %7.2f %7.2f %9.2f\n", what, (double)us[n / 2] / 1000, (double)us[p99] / 1000,
           (double)us[n - 1] / 1000, (double)cpu[p99] / 1000);
}

static int one_screen(ui_app_t *a, void *ctx, const char *name, session_lang_t lang)
{
    frames_t *f = ctx;
    if (f->n_all + (size_t)f->n > f->cap_all) {
        size_t cap = (f->cap_all + (size_t)f->n) * 2;
        int64_t *p = realloc(f->all, cap * sizeof *p), *q = p ? realloc(f->all_cpu, cap * sizeof *q) : NULL;
        if (p)
            f->all = p;
        if (!q)
            return -1;
        f->all_cpu = q;
        f->cap_all = cap;
    }
    ui_app_draw(a, true); /* the first frame loads what the screen needs (glyphs, the QR code) */
    for (int i = 0; i < f->n; i++) {
        int64_t t0 = now_us(CLOCK_MONOTONIC), c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
        ui_app_draw(a, true);
        f->cpu[i] = f->all_cpu[f->n_all] = now_us(CLOCK_THREAD_CPUTIME_ID) - c0;
        f->one[i] = f->all[f->n_all++] = now_us(CLOCK_MONOTONIC) - t0;
    }
    char what[96];
    snprintf(what, sizeof what, "%s-%s", name, screen_lang_code(lang));
    line(what, f->one, f->cpu, (size_t)f->n);
    f->screens++;
    return 0;
}

int ui_frame_bench(ui_app_t *a, int n)
{
    frames_t f = {.n = n, .one = calloc((size_t)n, sizeof(int64_t)), .cpu = calloc((size_t)n, sizeof(int64_t))};
    if (!f.one || !f.cpu) {
        free(f.one);
        free(f.cpu);
        return 1;
    }
    printf("Frame time per gallery screen, %dx%d, software renderer, %d frames each (goal: p99 under 8 ms)\n"
           "  in ms: the wall time of a frame (median, p99, max) and its CPU time (p99; the machine's other\n"
           "  work left out)\n  %-32s %7s %7s %7s %9s\n", a->width, a->height, n, "screen", "median", "p99", "max",
           "CPU p99");
    int problems = ui_gallery_walk(a, one_screen, &f);
    if (f.n_all > 0) {
        char what[64];
        snprintf(what, sizeof what, "all %d screens", f.screens);
        line(what, f.all, f.all_cpu, f.n_all);
    }
    free(f.one);
    free(f.cpu);
    free(f.all);
    free(f.all_cpu);
    return problems == 0 ? 0 : 1;
}
