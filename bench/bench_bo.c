/* What the back-office benchmarks share (bench_bo.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_bo.h"
#include "bench/bench_util.h"

/* Kiosk k's meter. */
static void meter_of(int kiosk, char meter[13])
{
    snprintf(meter, 13, "00001234%04d", kiosk % 10000);
}

bool bench_bo_kiosks(boh_t *h, int n, bool tls)
{
    char meter[13];
    if (boh_cli(h, NULL, 0, "site grant S2 --from-site S1 --reason 'the benchmark kiosks'") != 0)
        return false;
    for (int k = 1; k <= n; k++)
        if (meter_of(k, meter), !boh_meter(h, meter, "S1"))
            return false;
    for (int k = 3; k <= n; k++) {
        char args[64], name[16];
        snprintf(args, sizeof args, "kiosk add K%d --site S1 --by-hand", k);
        snprintf(name, sizeof name, "K%d", k);
        if (boh_cli(h, NULL, 0, args) != 0 || !boh_kiosk_key(h, name) || (tls && !boh_kiosk_cert(h, name)))
            return false;
    }
    return true;
}

char *bench_bo_batch(unsigned first, int rows, int kiosk)
{
    char meter[13];
    meter_of(kiosk, meter);
    size_t cap = (size_t)rows * 900 + 32, len = 0;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    len += (size_t)snprintf(b, cap, "{\"rows\":[");
    for (int i = 0; i < rows; i++) {
        char id[37];
        boh_uuid(id, first + (unsigned)i);
        boh_txn_t t = {(long long)first + i, 5, 5000, id, "delivered", meter, "cash", "2026-11-21", "null"};
        len += (size_t)snprintf(b + len, cap - len, "%s", i ? "," : "");
        len += (size_t)boh_txn_row(b + len, cap - len, &t);
    }
    snprintf(b + len, cap - len, "]}");
    return b;
}

typedef struct worker {
    boh_t *h;
    const char *cert;
    char kiosk[16];
    unsigned base;
    int no, batches, rows, failed; /* no: the kiosk's number */
    int64_t *lat_us; /* each batch's round trip */
} worker_t;

static void *upload(void *arg)
{
    worker_t *w = arg;
    char path[64];
    snprintf(path, sizeof path, "/v1/kiosks/%s/outbox", w->kiosk);
    for (int i = 0; i < w->batches; i++) {
        char *b = bench_bo_batch(w->base + (unsigned)(i * w->rows), w->rows, w->no);
        int64_t t0 = bench_now_us();
        boh_resp_t r = boh_call(w->h, w->cert, "POST", path, b, NULL);
        w->lat_us[i] = bench_now_us() - t0;
        if ((r.status != 200 || strstr(r.body, "rejected")) && w->failed++ == 0)
            fprintf(stderr, "%s: batch %d: %ld %.200s\n", w->kiosk, i, r.status, r.body);
        boh_free(&r);
        free(b);
    }
    return NULL;
}

double bench_bo_run(boh_t *h, int n, int batches, int rows, bool tls, unsigned run_no, int64_t *lat, int *failed)
{
    worker_t *w = calloc((size_t)n, sizeof *w);
    pthread_t *t = calloc((size_t)n, sizeof *t);
    if (!w || !t)
        bench_die("bench", "out of memory");
    int64_t t0 = bench_now_us();
    for (int i = 0; i < n; i++) {
        w[i] = (worker_t){h, NULL, "", (run_no * 512u + (unsigned)i + 1u) * 1000000u, i + 1, batches, rows, 0,
                          lat + (size_t)i * (size_t)batches};
        snprintf(w[i].kiosk, sizeof w[i].kiosk, "K%d", i + 1);
        w[i].cert = tls ? w[i].kiosk : NULL;
        pthread_create(&t[i], NULL, upload, &w[i]);
    }
    *failed = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
        *failed += w[i].failed;
    }
    double took = (double)(bench_now_us() - t0) / 1e6;
    free(w);
    free(t);
    return took;
}
