/* The back office's ingest rate on loopback: 100 kiosks uploading at once
 * (rows per second), and one kiosk uploading 10,000 transactions in
 * batches (time, rows per second), over plain HTTP and over mutual TLS.
 * The server is the real `backoffice serve` process; every row is checked
 * to be stored once, so a figure never counts failures. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_bo.h" /* tests/backoffice's harness: the server as a process */
#include "bench_util.h"

typedef struct opts {
    int kiosks, batches, batch_rows, txns, one_batch;
} opts_t;

/* Runs n workers at once; returns the seconds taken, -1 on a failure, and
 * each batch's round trip in lat (n * batches entries). */
static double run(boh_t *h, int n, int batches, int rows, bool tls, int64_t *lat)
{
    static unsigned runs; /* each run its own transaction ids and seqs */
    long before = boh_count(h, "SELECT count(*) FROM sale");
    int failed;
    double took = bench_bo_run(h, n, batches, rows, tls, runs++ % 2, lat, &failed);
    long stored = boh_count(h, "SELECT count(*) FROM sale") - before;
    if (failed || stored != (long)n * batches * rows) {
        fprintf(stderr, "backoffice_bench: %d batches failed; %ld of %d rows stored\n", failed, stored,
                n * batches * rows);
        return -1;
    }
    return took;
}

static int bench(const opts_t *o, bool tls)
{
    boh_t h;
    /* every kiosk here uploads from one address, 127.0.0.1, each batch on a new
     * connection, counted until the server has cleaned the last one up */
    char ini[128];
    snprintf(ini, sizeof ini, "[server]\nmax_connections = %d\nmax_connections_per_address = %d\n",
             4 * o->kiosks + 64, 4 * o->kiosks + 64);
    if (!boh_setup(&h, tls, ini) || !bench_bo_kiosks(&h, o->kiosks, tls)) {
        fprintf(stderr, "backoffice_bench: could not start the back office (see %s)\n", h.dir);
        return 1;
    }
    printf("backoffice ingest on loopback, %s\n", tls ? "HTTPS with mutual TLS (a handshake per batch)" : "plain HTTP");
    int rc = 0, nb = o->kiosks * o->batches, ob = o->txns / o->one_batch;
    int64_t *lat = calloc((size_t)(nb > ob ? nb : ob), sizeof *lat);
    double s = lat ? run(&h, o->kiosks, o->batches, o->batch_rows, tls, lat) : -1;
    long rows = (long)o->kiosks * o->batches * o->batch_rows;
    if (s < 0)
        rc = 1;
    else
        printf("  %d kiosks at once, %d batches of %d rows each: %ld rows in %.2f s = %.0f rows/s "
               "(a batch's round trip: median %.1f ms, p99 %.1f ms)\n",
               o->kiosks, o->batches, o->batch_rows, rows, s, (double)rows / s, (double)bench_pct(lat, nb, 50) / 1e3,
               (double)bench_pct(lat, nb, 99) / 1e3);
    s = lat ? run(&h, 1, ob, o->one_batch, tls, lat) : -1;
    if (s < 0)
        rc = 1;
    else
        printf("  one kiosk, %d transactions in batches of %d: %.2f s = %.0f rows/s "
               "(a batch's round trip: median %.1f ms, p99 %.1f ms)\n",
               o->txns, o->one_batch, s, (double)o->txns / s, (double)bench_pct(lat, ob, 50) / 1e3,
               (double)bench_pct(lat, ob, 99) / 1e3);
    free(lat);
    boh_teardown(&h);
    return rc;
}

static int arg_int(const char *v, int min, int max)
{
    int n = atoi(v);
    return n < min ? min : n > max ? max : n;
}

int main(int argc, char **argv)
{
    opts_t o = {100, 10, 50, 10000, 100};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--backoffice") == 0)
            setenv("BACKOFFICE", argv[i + 1], 1);
        else if (strcmp(argv[i], "--kiosks") == 0)
            o.kiosks = arg_int(argv[i + 1], 2, 500);
        else if (strcmp(argv[i], "--batches") == 0)
            o.batches = arg_int(argv[i + 1], 1, 1000);
        else if (strcmp(argv[i], "--txns") == 0)
            o.txns = arg_int(argv[i + 1], 100, 1000000);
        else if (strcmp(argv[i], "--dir") == 0)
            setenv("TMPDIR", argv[i + 1], 1);
        else {
            fprintf(stderr, "usage: backoffice_bench --backoffice PATH [--kiosks N] [--batches N] [--txns N] "
                            "[--dir DIR]\n");
            return 2;
        }
    }
    if (!getenv("BACKOFFICE")) {
        fprintf(stderr, "backoffice_bench: --backoffice PATH is required\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = bench(&o, false);
    printf("\n");
    rc |= bench(&o, true);
    curl_global_cleanup();
    return rc;
}
