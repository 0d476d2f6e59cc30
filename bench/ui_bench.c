/* The touchscreen's figures (docs/testing.md, "Benchmarks"): from a touch
 * to the new picture presented at 1280x800 (median, p99), and the real
 * program `kiosk` against cashsim: cold start to the attract screen, CPU
 * on the idle attract screen over 10 s, and its resident memory. Goals:
 * idle CPU under 1 %, start under 1 s. Figures, not pass or fail. The time
 * of a frame of every screen is kiosk-demo's (--frame-bench).
 *
 * ui_bench --kiosk PATH --cashsim PATH --locale DIR [--frames N] [--idle-s S] */
#include <SDL.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "bench/bench_util.h"
#include "screens/screen.h"

#define W 1280
#define H 800
#define DPI 150

typedef struct opts {
    const char *kiosk, *cashsim, *locale;
    int frames, idle_s;
} opts_t;

/* Median and p99 of n samples in microseconds, printed in ms. */
static void report(const char *what, int64_t *us, int n)
{
    int64_t med = bench_pct(us, n, 50), p99 = bench_pct(us, n, 99);
    printf("  %-28s median %6.2f ms   p99 %6.2f ms\n", what, (double)med / 1000, (double)p99 / 1000);
}

/* A tap on a keypad key: hit test, the session, the drawing, presented. */
static void touches(screen_ui_t *ui, SDL_Renderer *r, const screen_info_t *info, int n)
{
    static screen_frame_t f;
    session_t s;
    session_config_t cfg = {.idle_ms = 60000, .min_purchase = 100, .max_purchase = 100000, .exponent = 2};
    session_cmd_t cmds[SESSION_MAX_CMDS];
    size_t nc;
    int64_t *us = calloc((size_t)n, sizeof *us);
    session_init(&s, &cfg, 0);
    session_handle(&s, &(session_event_t){.kind = SEV_HEALTH, .health = HEALTH_CASH}, cmds, &nc);
    session_handle(&s, &(session_event_t){.kind = SEV_TAP, .control = CTL_START}, cmds, &nc);
    screen_draw(ui, r, session_view(&s), info, 0, &f);
    for (int i = 0; i < n; i++) {
        const screen_hit_t *h = screen_hit_find(&f, i % 2 ? "del" : "key7");
        int64_t t0 = bench_now_us();
        session_event_t ev = {.kind = SEV_TAP, .now_ms = i};
        const screen_hit_t *at = screen_hit_at(&f, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
        session_control_from_id(at->id, &ev.control, &ev.digit, &ev.index);
        session_handle(&s, &ev, cmds, &nc);
        screen_draw(ui, r, session_view(&s), info, 0, &f);
        SDL_RenderPresent(r);
        us[i] = bench_now_us() - t0;
    }
    printf("Touch to present (a keypad key on identify: hit test, session, drawing, present), %dx%d\n", W, H);
    report("identify keypad", us, n);
    free(us);
}

static int drawing(const opts_t *o)
{
    kmsg_t msg;
    setenv("KIOSK_LOCALEDIR", o->locale, 1);
    if (screen_i18n_open(o->locale, &msg) != K_OK || SDL_Init(SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "ui_bench: %s\n", msg.text);
        return 1;
    }
    SDL_Surface *canvas = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(canvas);
    screen_ui_t *ui;
    if (screen_ui_open(W, H, DPI, &ui, &msg) != K_OK) {
        fprintf(stderr, "ui_bench: %s\n", msg.text);
        return 1;
    }
    screen_info_t info = {.currency = currency_find("CNY"), .min_purchase = 100, .max_purchase = 100000,
                          .presets = {2000, 5000, 10000, 20000}};
    touches(ui, r, &info, o->frames);
    screen_ui_close(ui);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(canvas);
    SDL_Quit();
    return 0;
}

/* utime + stime of a process in ms, and its VmRSS in kB, from /proc. */
static void proc_usage(pid_t pid, int64_t *cpu_ms, long *rss_kb)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    unsigned long ut = 0, st = 0;
    if (f && fgets(buf, sizeof buf, f)) {
        char *p = strrchr(buf, ')');
        if (p)
            sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
    }
    if (f)
        fclose(f);
    *cpu_ms = (int64_t)(ut + st) * 1000 / sysconf(_SC_CLK_TCK);
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    while (f && fgets(buf, sizeof buf, f))
        if (sscanf(buf, "VmRSS: %ld", rss_kb) == 1)
            break;
    if (f)
        fclose(f);
}

/* Starts args[0] with args (at most 15, NULL-terminated), its stderr to *err_fd. */
static pid_t spawn(const char *const *args, int *err_fd)
{
    static char store[16][512];
    char *argv[16] = {0};
    for (int i = 0; i < 15 && args[i]; i++) {
        snprintf(store[i], sizeof store[i], "%s", args[i]);
        argv[i] = store[i];
    }
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    *err_fd = p[0];
    return pid;
}

/* Reads the child's stderr until a line holds text; false after ms. */
static bool await(int fd, const char *text, int ms)
{
    static char buf[1 << 16];
    static size_t len;
    int64_t end = bench_now_us() + (int64_t)ms * 1000;
    while (bench_now_us() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) == 1) {
            ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
            if (n <= 0)
                return false;
            len += (size_t)n;
            buf[len] = '\0';
        }
        if (strstr(buf, text))
            return true;
        if (len > sizeof buf / 2)
            len = 0;
    }
    return false;
}

static int program(const opts_t *o)
{
    char dir[] = "/tmp/ui-bench-XXXXXX", path[256], ini[512];
    if (!mkdtemp(dir))
        return 1;
    int efd;
    snprintf(path, sizeof path, "%s/cash.ports", dir);
    char link[256];
    snprintf(link, sizeof link, "%s/bv", dir);
    const char *cash_argv[] = {o->cashsim, "--link", link, "--ports-file", path, NULL};
    pid_t cash = spawn(cash_argv, &efd);
    for (int i = 0; i < 100 && access(path, R_OK) != 0; i++)
        usleep(50000);
    snprintf(ini, sizeof ini, "%s/kiosk.ini", dir);
    FILE *f = fopen(ini, "w");
    fprintf(f, "[ledger]\npath = %s/ledger.db\n[gateway]\nprotocol = fake\nfake_dir = %s\n[cash]\nprotocol = cctalk\n"
               "device = %s\n[ui]\nresolution = 1280x800\n[log]\nlevel = info\n", dir, dir, link);
    fclose(f);
    const char *argv[] = {o->kiosk, "--config", ini, "--headless", NULL};
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    int64_t t0 = bench_now_us();
    pid_t k = spawn(argv, &efd);
    bool up = await(efd, "-> attract", 10000);
    int64_t start_us = bench_now_us() - t0;
    int64_t cpu0, cpu1;
    long rss = 0;
    proc_usage(k, &cpu0, &rss);
    int64_t w0 = bench_now_us();
    sleep((unsigned)o->idle_s);
    proc_usage(k, &cpu1, &rss);
    int64_t wall = bench_now_us() - w0;
    kill(k, SIGTERM);
    struct rusage ru;
    int st;
    wait4(k, &st, 0, &ru);
    kill(cash, SIGTERM);
    waitpid(cash, &st, 0);
    printf("\nThe program kiosk (headless, 1280x800, a bill acceptor on cashsim, fake meters)\n");
    if (!up) {
        printf("  did not reach the attract screen within 10 s\n");
        return 1;
    }
    printf("  %-28s %6.0f ms (goal: under 1000 ms)\n", "cold start to attract", (double)start_us / 1000);
    printf("  %-28s %6.2f %% of one core over %d s (goal: under 1 %%)\n", "CPU on the idle attract",
           (double)(cpu1 - cpu0) * 100000.0 / (double)wall, o->idle_s);
    printf("  %-28s %6ld kB (VmRSS on attract)\n", "resident memory", rss);
    printf("  %-28s %6.2f s user + sys for the whole run (getrusage)\n", "CPU, start to exit",
           (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    opts_t o = {.frames = 300, .idle_s = 10};
    static const struct option longs[] = {{"kiosk", required_argument, NULL, 'k'}, {"cashsim", required_argument, NULL, 'c'},
                                          {"locale", required_argument, NULL, 'l'}, {"frames", required_argument, NULL, 'f'},
                                          {"idle-s", required_argument, NULL, 'i'}, {0, 0, 0, 0}};
    for (int ch; (ch = getopt_long(argc, argv, "", longs, NULL)) != -1;) {
        if (ch == 'k') o.kiosk = optarg;
        else if (ch == 'c') o.cashsim = optarg;
        else if (ch == 'l') o.locale = optarg;
        else if (ch == 'f') o.frames = atoi(optarg);
        else if (ch == 'i') o.idle_s = atoi(optarg);
        else return 2;
    }
    if (!o.kiosk || !o.cashsim || !o.locale || o.frames < 10 || o.idle_s < 1) {
        fprintf(stderr, "usage: ui_bench --kiosk PATH --cashsim PATH --locale DIR [--frames N] [--idle-s S]\n");
        return 2;
    }
    int rc = drawing(&o);
    return rc ? rc : program(&o);
}
