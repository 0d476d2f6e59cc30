/* Ledger commit latency: one state change (a money_in: transaction row,
 * event, outbox row, payment row, cash counter, in one SQLite transaction)
 * against a bare one-row SQLite insert with the same pragmas (WAL,
 * synchronous=FULL) on the same disk, interleaved in the same run.
 *
 *   ledger_bench [--dir DIR] [--n N]
 */
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "ledger/ledger.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts v and returns its p-th percentile (nearest rank). */
static int64_t percentile(int64_t *v, int n, int p)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    int rank = (p * n + 99) / 100;
    return v[rank > 0 ? rank - 1 : 0];
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "ledger_bench: %s: %s\n", what, why);
    exit(1);
}

static sqlite3 *open_bare(const char *path)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                         "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK)
        die(path, sqlite3_errmsg(db));
    return db;
}

static int64_t bare_insert(sqlite3 *db, sqlite3_stmt *st, int i)
{
    char v[64];
    snprintf(v, sizeof v, "row %d with a little payload like an event", i);
    int64_t t0 = now_ns();
    sqlite3_bind_text(st, 1, v, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        die("bare insert", sqlite3_errmsg(db));
    sqlite3_reset(st);
    return now_ns() - t0;
}

static void make_id(int i, char id[UUID_STR_LEN])
{
    snprintf(id, UUID_STR_LEN, "%08x-0000-4000-8000-%012x", (unsigned)i, (unsigned)i);
}

static int64_t ledger_change(ledger_t *l, const char *id)
{
    ledger_payment_t p = {.method = METHOD_CASH, .amount = 1000, .denomination = 1000, .ref = "CN0010A"};
    ledger_change_t c = {.event = EV_MONEY_IN, .payment = &p};
    kmsg_t msg;
    int64_t t0 = now_ns();
    if (ledger_apply(l, id, TXN_PAYMENT_PENDING, &c, NULL, &msg) != K_OK)
        die("ledger change", msg.text);
    return now_ns() - t0;
}

static void report(const char *what, int64_t *v, int n, int64_t *med, int64_t *p99)
{
    *med = percentile(v, n, 50);
    *p99 = percentile(v, n, 99);
    printf("  %-34s median %7.3f ms   p99 %7.3f ms\n", what, (double)*med / 1e6, (double)*p99 / 1e6);
}

int main(int argc, char **argv)
{
    const char *dir = ".";
    int n = 2000, ch;
    static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
                                         {"n", required_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'h') {
            printf("Usage: ledger_bench [--dir DIR] [--n N]\n"
                   "Ledger commit latency against a bare SQLite insert, files in DIR (default .).\n");
            return 0;
        }
        if (ch == 'd')
            dir = optarg;
        else if (ch == 'n' && (n = atoi(optarg)) < 10)
            die("--n", "give at least 10");
        else if (ch == '?')
            return 2;
    }
    char lpath[1024], bpath[1024];
    snprintf(lpath, sizeof lpath, "%s/bench-ledger.db", dir);
    snprintf(bpath, sizeof bpath, "%s/bench-bare.db", dir);
    for (const char *suffix = ""; suffix; suffix = suffix[0] ? NULL : "-wal") {
        char p[1100];
        snprintf(p, sizeof p, "%s%s", lpath, suffix);
        unlink(p);
        snprintf(p, sizeof p, "%s%s", bpath, suffix);
        unlink(p);
    }
    ledger_t *l;
    kmsg_t msg;
    if (ledger_open(lpath, LEDGER_CREATE, NULL, &l, &msg) != K_OK)
        die(lpath, msg.text);
    sqlite3 *bare = open_bare(bpath);
    sqlite3_stmt *ins;
    sqlite3_prepare_v2(bare, "INSERT INTO t(v) VALUES (?)", -1, &ins, NULL);

    /* n transactions waiting for money (set-up, not timed) */
    const int txns = 50;
    char ids[50][UUID_STR_LEN];
    for (int i = 0; i < txns; i++) {
        make_id(i + 1, ids[i]);
        ledger_new_txn_t t = {.id = ids[i], .meter = "000012345678", .method = METHOD_CASH, .channel = CHANNEL_REMOTE,
                              .currency = "CNY", .amount = 100000000};
        ledger_change_t begin = {.event = EV_PAY_BEGIN};
        if (ledger_create(l, &t, &msg) != K_OK || ledger_apply(l, ids[i], TXN_CREATED, &begin, NULL, &msg) != K_OK)
            die("set-up", msg.text);
    }
    for (int i = 0; i < 50; i++) { /* warm-up */
        ledger_change(l, ids[i % txns]);
        bare_insert(bare, ins, -i);
    }
    int64_t *lv = calloc((size_t)n, sizeof *lv), *bv = calloc((size_t)n, sizeof *bv);
    for (int i = 0; i < n; i++) { /* interleaved, so both see the same disk */
        lv[i] = ledger_change(l, ids[i % txns]);
        bv[i] = bare_insert(bare, ins, i);
    }
    struct statfs fs;
    statfs(dir, &fs);
    printf("ledger commit latency, %d commits each, files in %s (filesystem type 0x%lx)\n", n, dir,
           (unsigned long)fs.f_type);
    int64_t lm, l99, bm, b99;
    report("ledger state change (money_in)", lv, n, &lm, &l99);
    report("bare SQLite one-row insert", bv, n, &bm, &b99);
    printf("  %-34s median %7.2f      p99 %7.2f\n", "ratio ledger / bare", (double)lm / (double)bm,
           (double)l99 / (double)b99);
    sqlite3_finalize(ins);
    sqlite3_close(bare);
    ledger_close(l);
    free(lv);
    free(bv);
    return 0;
}
