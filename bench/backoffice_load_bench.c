/* The back office under clients that hold connections open without
 * finishing (docs/sync.md, "Limits"): stalled uploads over plain HTTP
 * (headers announcing a large body, a little of it, then nothing), from
 * many loopback addresses and from one; then over TLS, clients without a
 * certificate posting a large body, and handshakes never finished. For each,
 * what the server did with them (held, refused at once, closed), its memory
 * (VmRSS and VmHWM from /proc) and the latency of a health check
 * (GET /v1/health, a new connection each) meanwhile. The server is the real
 * `backoffice serve` with its default limits; goal: under 100 MB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backoffice/bo_harness.h" /* tests/backoffice: the server as a process */
#include "backoffice/bo_raw.h"
#include "bench_util.h"

#define MIB (1L << 20)
#define HEALTH_FROM "127.0.9.9" /* the health checks' own address */

typedef struct opts {
    int stalled, tls_clients, checks;
} opts_t;

/* n clients that open a connection and stall: after the headers of a POST
 * announcing `announced` bytes they send `sent` of them (handshake false: a
 * TLS client that only connects). */
typedef struct load {
    const char *what;
    int n;
    bool one_address;
    long announced, sent;
    bool handshake;
} load_t;

/* What became of a set of connections. */
typedef struct tally {
    int held, closed, refused[600]; /* refused: by the status answered */
} tally_t;

/* The server's resident memory now and at its peak, in MB. */
static void memory(const boh_t *h, double *rss, double *peak)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%d/status", (int)h->pid);
    FILE *f = fopen(path, "r");
    long kb;
    *rss = *peak = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            *rss = (double)kb / 1024;
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            *peak = (double)kb / 1024;
    }
    if (f)
        fclose(f);
}

/* n health checks, each on a new connection; their median and p99 in ms
 * into med and p99; false if one was not answered 200. */
static bool health(boh_t *h, int n, double *med, double *p99)
{
    static const char get[] = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    int64_t *lat = calloc((size_t)n, sizeof *lat);
    bool ok = lat != NULL;
    for (int i = 0; ok && i < n; i++) {
        boh_raw_t c;
        boh_raw_answer_t a;
        int64_t t0 = bench_now_us();
        ok = boh_raw_open(&c, h, HEALTH_FROM, NULL, true) && boh_raw_send(&c, get, sizeof get - 1);
        if (ok) {
            boh_raw_read(&c, 10000, &a);
            ok = a.status == 200;
        }
        lat[i] = bench_now_us() - t0;
        if (c.fd >= 0)
            boh_raw_close(&c);
    }
    if (ok) {
        *med = (double)bench_pct(lat, n, 50) / 1e3;
        *p99 = (double)bench_pct(lat, n, 99) / 1e3;
    }
    free(lat);
    return ok;
}

/* The i-th client's address: one each (127.0.1.1, ...), or all the same. */
static void address(char *out, size_t len, int i, bool one)
{
    snprintf(out, len, "127.0.%d.%d", one ? 1 : 1 + i / 250, one ? 1 : 1 + i % 250);
}

/* Opens a connection from `from`; unless it is only to connect (TLS
 * without a handshake), sends the headers of a POST of `announced` bytes to
 * the outbox. */
static bool open_one(boh_t *h, boh_raw_t *c, const char *from, long announced, bool handshake)
{
    char head[256];
    if (!boh_raw_open(c, h, from, NULL, handshake))
        return false;
    if (h->tls && !handshake)
        return true;
    int n = snprintf(head, sizeof head,
                     "POST /v1/kiosks/K1/outbox HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: %ld\r\n\r\n",
                     announced);
    boh_raw_send(c, head, (size_t)n);
    return true;
}

/* Takes what a connection got so far into t; true if nothing (still held). */
static bool tally(boh_raw_t *c, tally_t *t)
{
    boh_raw_answer_t a;
    boh_raw_read(c, 0, &a);
    if (a.status > 0 && a.status < 600)
        t->refused[a.status]++;
    else if (a.closed)
        t->closed++;
    return a.n == 0 && !a.closed;
}

static void print_tally(const tally_t *t)
{
    printf("%d held, ", t->held);
    for (int s = 100; s < 600; s++)
        if (t->refused[s])
            printf("%d refused at once (%d), ", t->refused[s], s);
    printf("%d closed unanswered", t->closed);
}

/* The load's clients open and stall (each sends its part of the body
 * unless refused on its headers); then the figures meanwhile. */
static bool scenario(boh_t *h, const opts_t *o, const load_t *l)
{
    static char body[MIB];
    int n = l->n;
    boh_raw_t *c = calloc((size_t)n, sizeof *c);
    bool *done = calloc((size_t)n, sizeof *done); /* answered or closed already */
    tally_t *t = calloc(1, sizeof *t);
    char from[32];
    int opened = 0;
    for (int i = 0; c && done && t && i < n; i++) {
        address(from, sizeof from, i, l->one_address);
        opened += open_one(h, &c[opened], from, l->announced, l->handshake);
    }
    usleep(200 * 1000); /* the refusals come back: those send no body (as a client waiting for 100 Continue) */
    memset(body, ' ', sizeof body);
    for (int i = 0; i < opened; i++) {
        done[i] = !tally(&c[i], t);
        for (long left = done[i] ? 0 : l->sent; left > 0; left -= MIB)
            if (!boh_raw_send(&c[i], body, (size_t)(left < MIB ? left : MIB)))
                break; /* closed under it */
    }
    double med = 0, p99 = 0, rss, peak;
    bool ok = c && done && t && health(h, o->checks, &med, &p99);
    memory(h, &rss, &peak);
    for (int i = 0; i < opened; i++)
        t->held += !done[i] && tally(&c[i], t);
    printf("  %d %s: ", n, l->what);
    print_tally(t);
    printf("; VmRSS %.1f MB (peak %.1f MB); health check meanwhile median %.2f ms, p99 %.2f ms\n", rss, peak, med,
           p99);
    for (int i = 0; i < opened; i++)
        boh_raw_close(&c[i]);
    free(c);
    free(done);
    free(t);
    return ok;
}

/* The server idle: its memory and a health check's latency. */
static bool idle(boh_t *h, const opts_t *o)
{
    double med = 0, p99 = 0, rss, peak;
    bool ok = health(h, o->checks, &med, &p99);
    memory(h, &rss, &peak);
    printf("  idle: VmRSS %.1f MB (peak %.1f MB); health check median %.2f ms, p99 %.2f ms\n", rss, peak, med, p99);
    return ok;
}

/* A load on a server of its own (so its peak memory is the load's). */
static bool run_load(bool tls, const opts_t *o, const load_t *l, bool with_idle)
{
    boh_t h;
    if (!boh_setup(&h, tls, NULL))
        bench_die("backoffice_load_bench", "could not start the back office");
    bool ok = !with_idle || idle(&h, o);
    ok &= scenario(&h, o, l);
    boh_teardown(&h);
    return ok;
}

static int bench_plain(const opts_t *o)
{
    const load_t loads[] = {
        {"stalled uploads from as many addresses, 4 MiB announced, all but the last byte sent", o->stalled, false,
         4 * MIB, 4 * MIB - 1, true},
        {"stalled uploads from as many addresses, 256 KiB announced, 16 KiB sent", o->stalled, false, MIB / 4,
         16 << 10, true},
        {"stalled uploads from one address, 4 MiB announced, all but the last byte sent", o->stalled, true, 4 * MIB,
         4 * MIB - 1, true},
    };
    printf("backoffice under stalled uploads, plain HTTP on loopback, default [server] limits, a server each\n");
    bool ok = true;
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++)
        ok &= run_load(false, o, &loads[i], i == 0);
    return ok ? 0 : 1;
}

static int bench_tls(const opts_t *o)
{
    const load_t loads[] = {
        {"TLS clients without a certificate from as many addresses, posting 4 MiB, all but the last byte sent",
         o->tls_clients, false, 4 * MIB, 4 * MIB - 1, true},
        {"TLS clients from as many addresses whose handshakes never finish", o->tls_clients, false, 0, 0, false},
    };
    printf("backoffice under clients without a certificate, mutual TLS on loopback, default [server] limits\n");
    bool ok = true;
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++)
        ok &= run_load(true, o, &loads[i], i == 0);
    return ok ? 0 : 1;
}

static int arg_int(const char *v, int min, int max)
{
    int n = atoi(v);
    return n < min ? min : n > max ? max : n;
}

int main(int argc, char **argv)
{
    opts_t o = {200, 50, 200};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--backoffice") == 0)
            setenv("BACKOFFICE", argv[i + 1], 1);
        else if (strcmp(argv[i], "--stalled") == 0)
            o.stalled = arg_int(argv[i + 1], 1, 500);
        else if (strcmp(argv[i], "--tls-clients") == 0)
            o.tls_clients = arg_int(argv[i + 1], 1, 500);
        else if (strcmp(argv[i], "--checks") == 0)
            o.checks = arg_int(argv[i + 1], 10, 100000);
        else if (strcmp(argv[i], "--dir") == 0)
            setenv("TMPDIR", argv[i + 1], 1);
        else {
            fprintf(stderr, "usage: backoffice_load_bench --backoffice PATH [--stalled N] [--tls-clients N] "
                            "[--checks N] [--dir DIR]\n");
            return 2;
        }
    }
    if (!getenv("BACKOFFICE")) {
        fprintf(stderr, "backoffice_load_bench: --backoffice PATH is required\n");
        return 2;
    }
    int rc = bench_plain(&o);
    printf("\n");
    rc |= bench_tls(&o);
    return rc;
}
