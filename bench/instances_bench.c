/* Several `backoffice serve` instances on one PostgreSQL database behind
 * HAProxy (docs/instances.md): KIOSKS enrolled kiosks upload signed
 * batches at once, through HAProxy (packaging/haproxy/backoffice.cfg on
 * loopback: TLS passed through, each kiosk's mutual TLS ended by the
 * instance), to 1, then 2, then 4 instances. For each count: rows/s,
 * a batch's round trip (p50, p99), each instance's memory, where the CPU
 * went (instances, PostgreSQL, HAProxy, this load generator, the rest of
 * the machine) and how often the database's connections waited for the
 * write lock. Every row is checked to be stored once.
 * Run by scripts/bench-instances (BO_TEST_PG: the server's state file). */
#include <curl/curl.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_bo.h"
#include "bench_util.h"

#define MAX_INST 8

typedef struct opts {
    int kiosks, batches, rows;
    int counts[4], ncounts;
    const char *haproxy_cfg;
} opts_t;

/* --- CPU and memory, from /proc ------------------------------------------ */

/* pid's user + system clock ticks (with its reaped children's if kids);
 * its parent in *ppid. -1 if it is gone. */
static long ticks_of(pid_t pid, bool kids, pid_t *ppid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')');
    int parent;
    unsigned long ut, st;
    long cut, cst;
    if (!p || sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld", &parent, &ut, &st, &cut,
                     &cst) != 5)
        return -1;
    if (ppid)
        *ppid = parent;
    return (long)(ut + st) + (kids ? cut + cst : 0);
}

/* The PostgreSQL server's ticks: the postmaster's, its children's living
 * and reaped. */
static long pg_ticks(pid_t postmaster)
{
    long sum = ticks_of(postmaster, true, NULL);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        pid_t pid = atoi(e->d_name), parent;
        long t = pid > 0 ? ticks_of(pid, false, &parent) : -1;
        if (t >= 0 && parent == postmaster)
            sum += t;
    }
    if (d)
        closedir(d);
    return sum;
}

/* The machine's busy and total ticks (/proc/stat's first line). */
static void machine_ticks(long *busy, long *total)
{
    long v[8] = {0};
    FILE *f = fopen("/proc/stat", "r");
    if (!f || fscanf(f, "cpu %ld %ld %ld %ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
                     &v[7]) != 8)
        v[3] = 1;
    if (f)
        fclose(f);
    *total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
    *busy = *total - v[3] - v[4];
}

/* A field of /proc/PID/status in kB ("VmRSS:"). */
static long status_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, strlen(field)) == 0)
            kb = atol(line + strlen(field));
    if (f)
        fclose(f);
    return kb;
}

typedef struct sample {
    long inst, pg, haproxy, self, busy, total;
} sample_t;

static sample_t sample(const boh_t *inst, int n, pid_t postmaster, pid_t haproxy)
{
    sample_t s = {0};
    for (int i = 0; i < n; i++)
        s.inst += ticks_of(inst[i].pid, false, NULL);
    s.pg = pg_ticks(postmaster);
    s.haproxy = ticks_of(haproxy, false, NULL);
    s.self = ticks_of(getpid(), false, NULL);
    machine_ticks(&s.busy, &s.total);
    return s;
}

/* --- lock waits, sampled from pg_stat_activity ------------------------- */

typedef struct watcher {
    const char *database;
    atomic_bool stop;
    long samples, active, waiting, between; /* sums over the samples */
} watcher_t;

static void *watch(void *arg)
{
    watcher_t *w = arg;
    PGconn *c = PQconnectdb(w->database);
    while (PQstatus(c) == CONNECTION_OK && !atomic_load(&w->stop)) {
        PGresult *r = PQexec(c, "SELECT count(*) FILTER (WHERE state = 'active' AND wait_event IS DISTINCT FROM "
                                "'advisory'), count(*) FILTER (WHERE wait_event = 'advisory'), count(*) FILTER "
                                "(WHERE state = 'idle in transaction') FROM pg_stat_activity WHERE datname = "
                                "current_database() AND pid <> pg_backend_pid()");
        if (PQresultStatus(r) == PGRES_TUPLES_OK) {
            w->samples++;
            w->active += atol(PQgetvalue(r, 0, 0));
            w->waiting += atol(PQgetvalue(r, 0, 1));
            w->between += atol(PQgetvalue(r, 0, 2));
        }
        PQclear(r);
        usleep(20 * 1000);
    }
    PQfinish(c);
    return NULL;
}

/* --- HAProxy ------------------------------------------------------------ */

/* HAProxy's configuration for inst[0..n) into dir/haproxy.cfg: the
 * packaging's, its front on loopback port, its servers these instances,
 * no syslog, fewer connections (a user's descriptor limit). */
static bool haproxy_cfg(const opts_t *o, const boh_t *inst, int n, int port, char *cfg, size_t len)
{
    snprintf(cfg, len, "%s/haproxy.cfg", inst[0].dir);
    FILE *in = fopen(o->haproxy_cfg, "r"), *out = fopen(cfg, "w");
    char line[512];
    while (in && out && fgets(line, sizeof line, in)) {
        const char *t = line + strspn(line, " ");
        if (strncmp(t, "server ", 7) == 0 || strncmp(t, "log /", 5) == 0)
            continue;
        if (strncmp(t, "bind ", 5) == 0)
            fprintf(out, "    bind 127.0.0.1:%d\n", port);
        else if (strncmp(t, "maxconn ", 8) == 0)
            fprintf(out, "    maxconn 4000\n");
        else
            fputs(line, out);
    }
    for (int i = 0; out && i < n; i++)
        fprintf(out, "    server bo%d 127.0.0.1:%d\n", i + 1, inst[i].port);
    bool ok = in && out;
    if (in)
        fclose(in);
    if (out)
        ok = fclose(out) == 0 && ok;
    return ok;
}

/* --- one count of instances --------------------------------------------- */

static double pct(long part, long whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0;
}

/* Runs the kiosks through HAProxy in front of inst[0..n); prints the
 * figures; rows/s, or -1 on a failure. */
static double run(const opts_t *o, boh_t *inst, int n, pid_t postmaster, int run_no)
{
    boh_t front = inst[0];
    front.port = boh_free_port();
    char cfg[300];
    pid_t hap = haproxy_cfg(o, inst, n, front.port, cfg, sizeof cfg) ? boh_haproxy(&front, cfg, false) : -1;
    if (hap < 0) {
        fprintf(stderr, "instances_bench: HAProxy did not start (%s)\n", cfg);
        return -1;
    }
    usleep(300 * 1000);
    int nb = o->kiosks * o->batches;
    int64_t *lat = calloc((size_t)nb, sizeof *lat);
    if (!lat)
        bench_die("instances_bench", "out of memory");
    long before = boh_count(&inst[0], "SELECT count(*) FROM sale");
    watcher_t wt = {inst[0].database, false, 0, 0, 0, 0};
    pthread_t wth;
    pthread_create(&wth, NULL, watch, &wt);
    sample_t s0 = sample(inst, n, postmaster, hap);
    int failed;
    double took = bench_bo_run(&front, o->kiosks, o->batches, o->rows, true, (unsigned)run_no, lat, &failed);
    sample_t s1 = sample(inst, n, postmaster, hap);
    atomic_store(&wt.stop, true);
    pthread_join(wth, NULL);
    long rows = (long)nb * o->rows, stored = boh_count(&inst[0], "SELECT count(*) FROM sale") - before;
    double rate = -1;
    if (failed || stored != rows) {
        fprintf(stderr, "instances_bench: %d batches failed; %ld of %ld rows stored\n", failed, stored, rows);
    } else {
        rate = (double)rows / took;
        printf("%d instance%s: %ld rows in %.2f s = %.0f rows/s; a batch of %d rows: p50 %.1f ms, p99 %.1f ms\n", n,
               n > 1 ? "s" : " ", rows, took, rate, o->rows, (double)bench_pct(lat, nb, 50) / 1e3,
               (double)bench_pct(lat, nb, 99) / 1e3);
        printf("  memory per instance (VmRSS / VmHWM, MB):");
        for (int i = 0; i < n; i++)
            printf(" %.1f/%.1f", (double)status_kb(inst[i].pid, "VmRSS:") / 1024,
                   (double)status_kb(inst[i].pid, "VmHWM:") / 1024);
        long all = s1.total - s0.total, inst_t = s1.inst - s0.inst, pg = s1.pg - s0.pg;
        long hp = s1.haproxy - s0.haproxy, me = s1.self - s0.self, busy = s1.busy - s0.busy;
        long rest = busy - inst_t - pg - hp - me;
        printf("\n  CPU of the machine's %ld cores: instances %.0f%%, postgres %.0f%%, haproxy %.0f%%, "
               "kiosks (load) %.0f%%, the rest %.0f%%, idle %.0f%%\n",
               sysconf(_SC_NPROCESSORS_ONLN), pct(inst_t, all), pct(pg, all), pct(hp, all), pct(me, all),
               pct(rest < 0 ? 0 : rest, all), pct(all - busy, all));
        double k = wt.samples ? 1.0 / (double)wt.samples : 0;
        printf("  the instances' database connections, on average (sampled every 20 ms): %.2f running a statement, "
               "%.2f in a transaction between statements (the instance working), %.2f waiting for the write lock\n",
               (double)wt.active * k, (double)wt.between * k, (double)wt.waiting * k);
    }
    kill(hap, SIGTERM);
    waitpid(hap, NULL, 0);
    free(lat);
    return rate;
}

/* The postmaster's pid, from the test server's folder (BO_TEST_PG). */
static pid_t postmaster_pid(void)
{
    char dir[300] = "", path[400];
    FILE *f = fopen(getenv("BO_TEST_PG"), "r");
    if (f && fgets(dir, sizeof dir, f))
        dir[strcspn(dir, "\n")] = 0;
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "%s/data/postmaster.pid", dir);
    f = fopen(path, "r");
    long pid = 0;
    if (!f || fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    if (f)
        fclose(f);
    return (pid_t)pid;
}

static int bench(const opts_t *o)
{
    boh_t inst[MAX_INST];
    char ini[128];
    snprintf(ini, sizeof ini, "[server]\nmax_connections = %d\nmax_connections_per_address = %d\n",
             4 * o->kiosks + 64, 4 * o->kiosks + 64);
    if (!boh_setup(&inst[0], true, ini) || !bench_bo_kiosks(&inst[0], o->kiosks, true)) {
        fprintf(stderr, "instances_bench: could not start the back office (see %s)\n", inst[0].dir);
        return 1;
    }
    pid_t postmaster = postmaster_pid();
    printf("back-office instances behind HAProxy (TLS passed through, mutual TLS ended by each instance, a "
           "handshake per batch), PostgreSQL of its own: %d kiosks at once, %d batches of %d rows each\n",
           o->kiosks, o->batches, o->rows);
    int rc = postmaster > 0 ? 0 : 1, up = 1;
    double one = 0;
    for (int c = 0; rc == 0 && c < o->ncounts; c++) {
        int n = o->counts[c];
        for (; up < n && rc == 0; up++) {
            inst[up] = inst[0];
            inst[up].pid = 0;
            rc = boh_start(&inst[up]) ? 0 : 1;
        }
        double rate = rc ? -1 : run(o, inst, n, postmaster, c);
        if (rate < 0)
            rc = 1;
        else if (n == 1)
            one = rate;
        else if (one > 0)
            printf("  %.2fx one instance's rate\n", rate / one);
    }
    for (int i = up - 1; i > 0; i--)
        boh_stop(&inst[i]);
    boh_teardown(&inst[0]);
    return rc;
}

static int arg_int(const char *v, int min, int max)
{
    int n = atoi(v);
    return n < min ? min : n > max ? max : n;
}

int main(int argc, char **argv)
{
    opts_t o = {16, 10, 50, {1, 2, 4}, 3, NULL};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--backoffice") == 0)
            setenv("BACKOFFICE", argv[i + 1], 1);
        else if (strcmp(argv[i], "--haproxy-cfg") == 0)
            o.haproxy_cfg = argv[i + 1];
        else if (strcmp(argv[i], "--kiosks") == 0)
            o.kiosks = arg_int(argv[i + 1], 2, 400);
        else if (strcmp(argv[i], "--batches") == 0)
            o.batches = arg_int(argv[i + 1], 1, 1000);
        else if (strcmp(argv[i], "--rows") == 0)
            o.rows = arg_int(argv[i + 1], 1, 500);
        else if (strcmp(argv[i], "--instances") == 0)
            o.ncounts = sscanf(argv[i + 1], "%d,%d,%d,%d", &o.counts[0], &o.counts[1], &o.counts[2], &o.counts[3]);
        else {
            fprintf(stderr, "usage: instances_bench --backoffice PATH --haproxy-cfg FILE [--kiosks N] "
                            "[--batches N] [--rows N] [--instances 1,2,4]\n");
            return 2;
        }
    }
    for (int c = 0; c < o.ncounts; c++)
        if (o.counts[c] < 1 || o.counts[c] > MAX_INST)
            o.ncounts = 0;
    if (!getenv("BACKOFFICE") || !o.haproxy_cfg || !getenv("BO_TEST_PG") || o.ncounts < 1) {
        fprintf(stderr, "instances_bench: --backoffice, --haproxy-cfg, --instances 1..%d and BO_TEST_PG (the "
                        "PostgreSQL server's state file) are required\n", MAX_INST);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = bench(&o);
    curl_global_cleanup();
    return rc;
}
