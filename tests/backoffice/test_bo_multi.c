/* Several `backoffice serve` instances on one database (docs/instances.md):
 * the same kiosk's batches sent to two instances at once are stored once;
 * two kiosks reserving counts on one meter through two instances never
 * share a count nor skip one; the periodic jobs run on one instance, and
 * on another once it is killed. Registered on PostgreSQL only (SQLite is
 * one process's file). */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "bo_harness.h"
#include "ktest.h"

#define METER "000012345678"
#define ROUNDS 12
#define ROWS 4
#define SENDERS 4 /* per round: two to each instance */
#define SALES 20

/* Two instances on one database: a is set up as usual, b is a second
 * process of the same configuration (its own port). */
typedef struct pair {
    boh_t a, b;
} pair_t;

static void pair_setup_ini(pair_t *p, const char *ini)
{
    assert_true(boh_setup(&p->a, false, ini));
    assert_true(boh_meter(&p->a, METER, "S1"));
    assert_int_equal(boh_cli(&p->a, NULL, 0, "site grant S2 --meter " METER " --reason 'neighbouring point'"), 0);
    p->b = p->a;
    p->b.pid = 0;
    /* b's own configuration: its connections named bo2 (pg_stat_activity) */
    snprintf(p->b.ini, sizeof p->b.ini, "%s/b.ini", p->a.dir);
    FILE *in = fopen(p->a.ini, "r"), *out = fopen(p->b.ini, "w");
    assert_true(in && out);
    char line[1024];
    while (fgets(line, sizeof line, in))
        if (strncmp(line, "database = postgresql://", 24) == 0)
            fprintf(out, "%.*s&application_name=bo2\n", (int)strcspn(line, "\n"), line);
        else
            fputs(line, out);
    fclose(in);
    fclose(out);
    assert_true(boh_start(&p->b));
    assert_int_not_equal(p->a.port, p->b.port);
}

static void pair_setup(pair_t *p)
{
    pair_setup_ini(p, NULL);
}

static void pair_teardown(pair_t *p)
{
    boh_stop(&p->b);
    boh_teardown(&p->a);
}

typedef struct sender {
    boh_t *h;
    const char *body;
    pthread_barrier_t *go;
    char answer[4096];
} sender_t;

/* Sends one batch once the others are ready too; keeps the answer's rows. */
static void *send_batch(void *arg)
{
    sender_t *s = arg;
    pthread_barrier_wait(s->go);
    boh_resp_t r = boh_call(s->h, "K1", "POST", "/v1/kiosks/K1/outbox", s->body, NULL);
    snprintf(s->answer, sizeof s->answer, "%ld %s", r.status, r.body);
    boh_free(&r);
    return NULL;
}

/* The batch of round n: ROWS delivered sales, seq n*ROWS+1 onwards. */
static void batch_of(unsigned n, char *body, size_t len)
{
    int at = snprintf(body, len, "{\"rows\":[");
    for (unsigned i = 0; i < ROWS; i++) {
        unsigned k = n * ROWS + i + 1;
        char id[37], row[1024];
        boh_uuid(id, 500 + k);
        boh_txn_t t = {k, 7, 1000 + k, id, "delivered", METER, "cash", "2026-11-21", "null"};
        boh_txn_row(row, sizeof row, &t);
        at += snprintf(body + at, len - (size_t)at, "%s%s", i ? "," : "", row);
    }
    snprintf(body + at, len - (size_t)at, "]}");
}

static void multi_same_batch_both_instances(void **state)
{
    (void)state;
    pair_t p;
    pair_setup(&p);
    long long total = 0;
    for (unsigned n = 0; n < ROUNDS; n++) {
        char body[ROWS * 1024 + 64];
        batch_of(n, body, sizeof body);
        pthread_barrier_t go;
        pthread_barrier_init(&go, NULL, SENDERS);
        sender_t s[SENDERS];
        pthread_t t[SENDERS];
        for (int i = 0; i < SENDERS; i++) {
            s[i] = (sender_t){i % 2 ? &p.b : &p.a, body, &go, ""};
            pthread_create(&t[i], NULL, send_batch, &s[i]);
        }
        for (int i = 0; i < SENDERS; i++)
            pthread_join(t[i], NULL);
        pthread_barrier_destroy(&go);
        for (int i = 0; i < SENDERS; i++) {
            if (strncmp(s[i].answer, "200 ", 4) != 0)
                print_message("round %u, sender %d: %.300s\n", n, i, s[i].answer);
            assert_true(strncmp(s[i].answer, "200 ", 4) == 0 || strncmp(s[i].answer, "503 ", 4) == 0);
            if (strncmp(s[i].answer, "200 ", 4) == 0)
                assert_null(strstr(s[i].answer, "\"rejected\""));
        }
        for (unsigned i = 0; i < ROWS; i++)
            total += 1000 + n * ROWS + i + 1;
    }
    /* A 503 (busy) is retried by a kiosk: send every batch once more, in turn. */
    for (unsigned n = 0; n < ROUNDS; n++) {
        char body[ROWS * 1024 + 64];
        batch_of(n, body, sizeof body);
        boh_resp_t r = boh_call(n % 2 ? &p.b : &p.a, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
        assert_int_equal(r.status, 200);
        assert_null(strstr(r.body, "\"rejected\""));
        boh_free(&r);
    }
    assert_int_equal(boh_count(&p.a, "SELECT count(*) FROM ingest_row"), ROUNDS * ROWS);
    assert_int_equal(boh_count(&p.a, "SELECT count(*) FROM sale WHERE kiosk = 'K1' AND state = 'delivered'"),
                     ROUNDS * ROWS);
    assert_int_equal(boh_count(&p.a, "SELECT sum(amount) FROM sale WHERE kiosk = 'K1'"), total);
    assert_int_equal(boh_count(&p.a, "SELECT count(*) FROM txn_event_seen"), ROUNDS * ROWS);
    pair_teardown(&p);
}

typedef struct seller {
    boh_t *h;
    const char *kiosk;
    unsigned base;
    long counts[SALES];
} seller_t;

/* POST /v1/kiosks/KIOSK/counts/VERB for kiosk's sale n on METER, the body
 * ending with tail. */
static boh_resp_t counts_post(boh_t *h, const char *kiosk, unsigned n, const char *verb, const char *tail)
{
    char id[37], body[200], path[64];
    boh_uuid(id, n);
    snprintf(body, sizeof body, "{\"meter\":\"" METER "\",\"txn\":\"%s\",%s}", id, tail);
    snprintf(path, sizeof path, "/v1/kiosks/%s/counts/%s", kiosk, verb);
    return boh_call(h, kiosk, "POST", path, body, NULL);
}

/* Reserves a count for kiosk's sale n on METER through h: the count, or
 * 0 if the meter is busy (another sale holds its next count). */
static long reserve(boh_t *h, const char *kiosk, unsigned n)
{
    boh_resp_t r = counts_post(h, kiosk, n, "reserve", "\"seen\":0");
    cJSON *j = cJSON_Parse(r.body);
    const cJSON *c = cJSON_GetObjectItem(j, "count");
    long given = r.status == 200 && cJSON_IsNumber(c) ? (long)c->valuedouble : 0;
    if (r.status != 200)
        assert_int_equal(r.status, 409);
    cJSON_Delete(j);
    boh_free(&r);
    return given;
}

static void release(boh_t *h, const char *kiosk, unsigned n)
{
    boh_resp_t r = counts_post(h, kiosk, n, "release", "\"applied\":true");
    assert_int_equal(r.status, 200);
    boh_free(&r);
}

static void *sell(void *arg)
{
    seller_t *s = arg;
    struct timespec pause = {0, 2000000};
    for (int i = 0; i < SALES; i++) {
        long c = 0;
        for (int tries = 0; tries < 2000 && c == 0; tries++)
            if ((c = reserve(s->h, s->kiosk, s->base + (unsigned)i)) == 0)
                nanosleep(&pause, NULL);
        s->counts[i] = c;
        release(s->h, s->kiosk, s->base + (unsigned)i);
    }
    return NULL;
}

static void multi_counts_two_instances_never_share(void **state)
{
    (void)state;
    pair_t p;
    pair_setup(&p);
    seller_t a = {&p.a, "K1", 1000, {0}}, b = {&p.b, "K2", 2000, {0}};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, sell, &a);
    pthread_create(&tb, NULL, sell, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    bool given[2 * SALES + 1] = {false}; /* every count once, none skipped */
    for (int i = 0; i < SALES; i++) {
        long x = a.counts[i], y = b.counts[i];
        assert_true(x >= 1 && x <= 2 * SALES && !given[x]);
        given[x] = true;
        assert_true(y >= 1 && y <= 2 * SALES && !given[y]);
        given[y] = true;
    }
    assert_int_equal(boh_count(&p.a, "SELECT count(DISTINCT count) FROM count_grant"), 2 * SALES);
    assert_int_equal(boh_count(&p.a, "SELECT highest FROM meter_count WHERE meter = '" METER "'"), 2 * SALES);
    pair_teardown(&p);
}

/* The pids that said "instance PID leads the periodic jobs" in the
 * instances' log (both write to one), in order; how many. */
static int leaders(const boh_t *h, long pid[4])
{
    char path[300], line[512];
    snprintf(path, sizeof path, "%s/serve.log", h->dir);
    FILE *f = fopen(path, "r");
    int n = 0;
    while (f && fgets(line, sizeof line, f)) {
        const char *at = strstr(line, "instance ");
        long p;
        if (at && strstr(at, "leads the periodic jobs") && sscanf(at, "instance %ld", &p) == 1 && n < 4)
            pid[n++] = p;
    }
    if (f)
        fclose(f);
    return n;
}

#define JOB_LOCKS                                                                                              \
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 7261545 AND granted AND database = " \
    "(SELECT oid FROM pg_database WHERE datname = current_database())"

/* Waits (up to 10 s) until the log names n leaders. */
static int wait_leaders(const boh_t *h, int n, long pid[4])
{
    int got = 0;
    for (int i = 0; i < 100 && (got = leaders(h, pid)) < n; i++)
        usleep(100 * 1000);
    return got;
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A field of h's GET /v1/health answer as a number (-1: none), its status
 * in *status. */
static long health(boh_t *h, const char *field, long *status)
{
    boh_resp_t r = boh_call(h, NULL, "GET", "/v1/health", NULL, NULL);
    cJSON *j = cJSON_Parse(r.body);
    const cJSON *f = cJSON_GetObjectItem(j, field);
    long v = cJSON_IsNumber(f) ? (long)f->valuedouble : -1;
    *status = r.status;
    cJSON_Delete(j);
    boh_free(&r);
    return v;
}

/* Waits (up to 5 s) until h answers its health check 200: how long it
 * took in ms, -1 if it never did. */
static long wait_healthy(boh_t *h)
{
    int64_t start = now_ms();
    long status = 0;
    for (int i = 0; i < 100; i++) {
        health(h, "notices", &status);
        if (status == 200)
            return (long)(now_ms() - start);
        usleep(50 * 1000);
    }
    return -1;
}

/* How many lines of the instances' log contain text. */
static int said(const boh_t *h, const char *text)
{
    char path[300], line[512];
    snprintf(path, sizeof path, "%s/serve.log", h->dir);
    FILE *f = fopen(path, "r");
    int n = 0;
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, text) != NULL;
    if (f)
        fclose(f);
    return n;
}

static int64_t wall_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

#define SILENT "SELECT count(*) FROM alert WHERE kind = 'kiosk_silent' AND subject = 'K1'"

/* Ends the store connection of led (the lead, holding the jobs' lock)
 * with c, the test's own connection, queued for that lock first: c takes
 * it as it goes, before the other instance can ask. */
static void take_the_lead(boh_t *led, PGconn *c)
{
    assert_int_equal(PQsendQuery(c, "SELECT pg_advisory_lock(7261545)"), 1);
    char q[400];
    snprintf(q, sizeof q, "SELECT count(*) FROM pg_stat_activity WHERE pid = %d AND wait_event = 'advisory'",
             PQbackendPID(c));
    for (int i = 0; i < 200 && boh_count(led, q) != 1; i++)
        usleep(10 * 1000);
    assert_int_equal(boh_count(led, q), 1);
    snprintf(q, sizeof q,
             "SELECT count(pg_terminate_backend(a.pid)) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
             "WHERE l.locktype = 'advisory' AND l.objid = 7261545 AND l.granted AND a.datname = current_database() "
             "AND a.application_name = '%s'",
             strstr(led->ini, "b.ini") ? "bo2" : "");
    assert_int_equal(boh_count(led, q), 1);
    PGresult *r = PQgetResult(c); /* the lock, once the lead's connection is gone */
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    while ((r = PQgetResult(c)) != NULL)
        PQclear(r);
}

/* The lead's store connection ends while the test holds the jobs' lock:
 * the lead connects again, says it lost the lead, and runs no job (a
 * silent kiosk is not reported) until the lock is free; then one instance
 * leads and reports it once. */
static boh_t *lead_lost_with_connection(pair_t *p, boh_t *led)
{
    PGconn *c = PQconnectdb(p->a.database);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    take_the_lead(led, c);
    assert_true(wait_healthy(led) >= 0); /* connected again */
    char q[300];
    snprintf(q, sizeof q,
             "INSERT INTO kiosk_health VALUES ('K1', %lld, 'test', 0, '', '') ON CONFLICT (kiosk) DO UPDATE SET "
             "at = excluded.at",
             (long long)(wall_ms() - 3600 * 1000));
    assert_true(boh_sql(&p->a, q)); /* silent for an hour */
    usleep(1500 * 1000); /* each instance's silence check (every second) ran by now */
    assert_int_equal(boh_count(&p->a, SILENT), 0);
    assert_int_equal(said(&p->a, "lost the lead of the periodic jobs"), 1);
    long pid[4];
    assert_int_equal(leaders(&p->a, pid), 1);
    PQfinish(c);
    assert_int_equal(wait_leaders(&p->a, 2, pid), 2);
    for (int i = 0; i < 50 && boh_count(&p->a, SILENT) == 0; i++)
        usleep(100 * 1000);
    assert_int_equal(boh_count(&p->a, SILENT), 1);
    assert_int_equal(boh_count(&p->a, JOB_LOCKS), 1);
    assert_true(pid[1] == p->a.pid || pid[1] == p->b.pid);
    return pid[1] == p->a.pid ? &p->a : &p->b;
}

static void multi_jobs_run_on_one_instance(void **state)
{
    (void)state;
    pair_t p;
    pair_setup_ini(&p, "[commands]\nbatch_check_seconds = 1\n[alerts]\ncheck_seconds = 1\n");
    long pid[4];
    assert_int_equal(wait_leaders(&p.a, 1, pid), 1);
    sleep(2); /* both instances have run their checks twice by now */
    assert_int_equal(leaders(&p.a, pid), 1);
    assert_int_equal(boh_count(&p.a, JOB_LOCKS), 1);
    assert_true(pid[0] == p.a.pid || pid[0] == p.b.pid);
    boh_t *led = lead_lost_with_connection(&p, pid[0] == p.a.pid ? &p.a : &p.b);
    boh_t *other = led == &p.a ? &p.b : &p.a;
    kill(led->pid, SIGKILL); /* its connection ends, and its lock with it */
    assert_int_equal(wait_leaders(&p.a, 3, pid), 3);
    assert_int_equal(pid[2], other->pid);
    assert_int_equal(boh_count(&p.a, JOB_LOCKS), 1);
    assert_int_equal(boh_stop(led), 128 + SIGKILL);
    pair_teardown(&p);
}

/* Starts HAProxy (packaging/haproxy/backoffice.cfg's settings, plain
 * loopback instead of TLS, quick health checks) in front of p's two
 * instances; *front is a handle whose port is HAProxy's. Its pid. */
static pid_t haproxy_start(pair_t *p, boh_t *front)
{
    char cfg[300];
    snprintf(cfg, sizeof cfg, "%s/haproxy.cfg", p->a.dir);
    *front = p->a;
    front->port = boh_free_port();
    assert_int_not_equal(front->port, 0);
    FILE *f = fopen(cfg, "w");
    assert_non_null(f);
    fprintf(f,
            "defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 60s\n  timeout server 60s\n"
            "  retries 2\n  option redispatch\n"
            "frontend kiosks\n  bind 127.0.0.1:%d\n  default_backend backoffice\n"
            "backend backoffice\n  balance roundrobin\n  option httpchk\n"
            "  http-check send meth GET uri /v1/health ver HTTP/1.1 hdr Host backoffice\n"
            "  http-check expect status 200\n"
            "  default-server check inter 200ms fall 1 rise 1 on-marked-down shutdown-sessions\n"
            "  server bo1 127.0.0.1:%d\n  server bo2 127.0.0.1:%d\n",
            front->port, p->a.port, p->b.port);
    fclose(f);
    pid_t pid = boh_haproxy(front, cfg, true);
    if (pid < 0)
        fail_msg("HAProxy did not answer on port %d", front->port);
    return pid;
}

/* Sends one batch through h as a kiosk does: again, the same, until it is
 * answered 200 (no answer, 5xx: retried). How many tries it took, 0 if it
 * was refused or never answered (said on stderr: a thread cannot fail). */
static int send_until_answered(boh_t *h, const char *path, const char *body)
{
    for (int tries = 1; tries <= 200; tries++) {
        boh_resp_t r = boh_call(h, "K1", "POST", path, body, NULL);
        bool done = r.status == 200 && !strstr(r.body, "\"rejected\"");
        if (r.status != 200 && r.status != 0 && r.status < 500) {
            print_error("batch refused: %ld %s\n", r.status, r.body);
            boh_free(&r);
            return 0;
        }
        if (!done && tries < 4)
            print_message("try %d: %ld (curl %d) %.200s\n", tries, r.status, r.curl_rc, r.body);
        boh_free(&r);
        if (done)
            return tries;
        usleep(20 * 1000);
    }
    print_error("a batch was never answered\n");
    return 0;
}

#define FAILOVER_ROUNDS 40

typedef struct uploader {
    boh_t *front;
    atomic_int sent;
    int retried;
    bool lost; /* a batch refused or never answered */
} uploader_t;

static void *upload_all(void *arg)
{
    uploader_t *u = arg;
    for (unsigned n = 0; n < FAILOVER_ROUNDS; n++) {
        char body[ROWS * 1024 + 64];
        batch_of(n, body, sizeof body);
        int tries = send_until_answered(u->front, "/v1/kiosks/K1/outbox", body);
        u->lost |= tries == 0;
        u->retried += tries > 1 ? tries - 1 : 0;
        atomic_store(&u->sent, (int)n + 1);
    }
    return NULL;
}

/* How many connections of the instance named (application_name) wait for
 * an advisory lock, asked on c. */
static long waiting(PGconn *c, const char *name)
{
    const char *params[1] = {name};
    PGresult *r = PQexecParams(c,
                               "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                               "wait_event = 'advisory' AND datname = current_database() AND application_name = $1",
                               1, NULL, params, NULL, NULL, 0);
    long n = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return n;
}

/* Holds the instances' write lock (docs/instances.md) from a connection of
 * the test's own until a request waits for it on one instance; kills that
 * instance (kill -9: its request is cut mid-transaction) and lets the
 * lock go. With request: it runs in thread *t (its request the one to
 * wait) once the lock is held. The instance killed. */
static boh_t *kill_the_busy_one(pair_t *p, pthread_t *t, void *(*request)(void *), void *arg)
{
    PGconn *c = PQconnectdb(p->a.database);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PQclear(PQexec(c, "SELECT pg_advisory_lock(7261544)"));
    if (request)
        pthread_create(t, NULL, request, arg);
    boh_t *busy = NULL;
    for (int i = 0; i < 500 && !busy; i++) {
        busy = waiting(c, "bo2") > 0 ? &p->b : waiting(c, "") > 0 ? &p->a : NULL;
        usleep(10 * 1000);
    }
    if (busy)
        kill(busy->pid, SIGKILL);
    usleep(100 * 1000);
    PQfinish(c);
    assert_non_null(busy);
    return busy;
}

/* kill -9 of the instance a kiosk's batch is on, sent through HAProxy:
 * the kiosk's retries reach the other; every row once, the sum exact. */
static void multi_failover_during_ingest(void **state)
{
    (void)state;
    pair_t p;
    pair_setup(&p);
    boh_t front;
    pid_t hap = haproxy_start(&p, &front);
    uploader_t u = {&front, 0, 0, false};
    pthread_t t;
    pthread_create(&t, NULL, upload_all, &u);
    while (atomic_load(&u.sent) < FAILOVER_ROUNDS / 4 && !u.lost)
        usleep(2 * 1000);
    boh_t *killed = kill_the_busy_one(&p, NULL, NULL, NULL);
    pthread_join(t, NULL);
    assert_false(u.lost);
    assert_true(u.retried >= 1); /* the batch cut was sent again */
    assert_int_equal(boh_stop(killed), 128 + SIGKILL);
    long long total = 0;
    for (unsigned k = 1; k <= FAILOVER_ROUNDS * ROWS; k++)
        total += 1000 + k;
    assert_int_equal(boh_count(&p.a, "SELECT count(*) FROM ingest_row"), FAILOVER_ROUNDS * ROWS);
    assert_int_equal(boh_count(&p.a, "SELECT count(*) FROM sale WHERE kiosk = 'K1'"), FAILOVER_ROUNDS * ROWS);
    assert_int_equal(boh_count(&p.a, "SELECT sum(amount) FROM sale WHERE kiosk = 'K1'"), total);
    assert_int_equal(boh_count(&p.a, "SELECT count(*) FROM txn_event_seen"), FAILOVER_ROUNDS * ROWS);
    print_message("failover: %d batches retried after the kill\n", u.retried);
    kill(hap, SIGTERM);
    waitpid(hap, NULL, 0);
    pair_teardown(&p);
}

typedef struct acker {
    boh_t *front;
    char path[128];
    int tries;
} acker_t;

static void *ack_command(void *arg)
{
    acker_t *a = arg;
    a->tries = send_until_answered(a->front, a->path, "{\"status\":\"received\"}");
    return NULL;
}

/* The id of the command a kiosk's long poll through front brings. */
static void poll_command(boh_t *front, char id[64])
{
    boh_resp_t r = boh_call(front, "K1", "GET", "/v1/kiosks/K1/commands?wait=5", NULL, NULL);
    assert_int_equal(r.status, 200);
    cJSON *j = cJSON_Parse(r.body);
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "commands"), 0);
    const cJSON *i = cJSON_GetObjectItem(c, "id");
    assert_true(cJSON_IsString(i));
    snprintf(id, 64, "%s", i->valuestring);
    cJSON_Delete(j);
    boh_free(&r);
}

typedef struct issuer {
    boh_t *h;
    long status;
    int64_t done_ms; /* when the command's issue was answered */
} issuer_t;

static void *issue_later(void *arg)
{
    issuer_t *is = arg;
    usleep(500 * 1000);
    boh_resp_t r = boh_call(is->h, NULL, "POST", "/v1/admin/commands",
                            "{\"meter\":\"" METER "\",\"command\":\"relay_trip\",\"operator\":\"ops\","
                            "\"reason\":\"long poll test\"}",
                            NULL);
    is->done_ms = now_ms();
    is->status = r.status;
    boh_free(&r);
    return NULL;
}

/* A kiosk's long poll held by one instance is answered when staff issue
 * the command on the other: at once, woken by the database's notice
 * (LISTEN/NOTIFY), not by the instance's slow re-read (1 s). */
static void multi_long_poll_answered_across_instances(void **state)
{
    (void)state;
    pair_t p;
    pair_setup(&p);
    long status;
    long heard = health(&p.b, "notices", &status);
    assert_int_equal(status, 200);
    pthread_t t;
    issuer_t is = {&p.a, 0, 0};
    pthread_create(&t, NULL, issue_later, &is);
    int64_t start = now_ms();
    char id[64];
    poll_command(&p.b, id); /* ?wait=5 */
    int64_t answered = now_ms();
    pthread_join(t, NULL);
    assert_int_equal(is.status, 200);
    long took = (long)(answered - start), late = (long)(answered - is.done_ms);
    print_message("the command reached the poll on the other instance %ld ms after the poll began, %ld ms after "
                  "it was issued\n", took, late);
    assert_true(took >= 400 && took < 3000);
    assert_true(late < 500); /* the re-read alone would take up to 1000 ms */
    assert_true(health(&p.b, "notices", &status) > heard); /* b heard the database's notice */
    pair_teardown(&p);
}

/* kill -9 of the instance a kiosk's command acknowledgement is on, sent
 * through HAProxy: the kiosk sends it again, the other instance takes it;
 * the command acknowledged once, still the one command. */
static void multi_failover_during_command(void **state)
{
    (void)state;
    pair_t p;
    pair_setup(&p);
    boh_t front;
    pid_t hap = haproxy_start(&p, &front);
    boh_resp_t r = boh_call(&p.a, NULL, "POST", "/v1/admin/commands",
                            "{\"meter\":\"" METER "\",\"command\":\"relay_trip\",\"operator\":\"ops\","
                            "\"reason\":\"failover test\"}",
                            NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    char id[64];
    poll_command(&front, id);
    acker_t a = {&front, "", 0};
    snprintf(a.path, sizeof a.path, "/v1/kiosks/K1/commands/%s/ack", id);
    pthread_t t;
    boh_t *killed = kill_the_busy_one(&p, &t, ack_command, &a);
    pthread_join(t, NULL);
    assert_true(a.tries >= 2); /* cut on the instance killed, answered by the other */
    assert_int_equal(boh_stop(killed), 128 + SIGKILL);
    assert_int_equal(boh_count(&p.a, "SELECT count(*) FROM meter_command"), 1);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM meter_command WHERE id = '%s' AND state = 'sent' AND acked_at IS NOT NULL",
             id);
    assert_int_equal(boh_count(&p.a, sql), 1);
    kill(hap, SIGTERM);
    waitpid(hap, NULL, 0);
    pair_teardown(&p);
}

/* Sends round n's batch (batch_of) to h as K1: every row stored. */
static void store_batch(boh_t *h, unsigned n)
{
    char body[ROWS * 1024 + 64];
    batch_of(n, body, sizeof body);
    boh_resp_t r = boh_call(h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    if (r.status != 200)
        print_error("batch %u: %ld %.300s\n", n, r.status, r.body);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "\"rejected\""));
    boh_free(&r);
}

/* b's store connection (named bo2; its watch's, "bo2 (watch)", is not). */
#define B_STORE "FROM pg_stat_activity WHERE application_name = 'bo2' AND datname = current_database()"

/* An instance whose database connection is broken answers its health
 * check 503 with the reason, and HAProxy takes it out of rotation: every
 * kiosk request through HAProxy is then answered by the other. The
 * instance connects again by itself (its first try a second after it saw
 * the loss), under the same name, and stores batches again: its kept
 * statements prepared again on the new connection. */
static void multi_health_checks_database(void **state)
{
    (void)state;
    pair_t p;
    pair_setup(&p);
    boh_t front;
    pid_t hap = haproxy_start(&p, &front);
    store_batch(&p.b, 0); /* b's ingest statements prepared on its first connection */
    assert_int_equal(boh_count(&p.a, "SELECT count(pg_terminate_backend(pid)) " B_STORE), 1);
    long status;
    boh_resp_t r = boh_call(&p.b, NULL, "GET", "/v1/health", NULL, NULL);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "database_unavailable"));
    boh_free(&r);
    /* a kiosk's request meanwhile: the database is out of reach, the kiosk not refused (it would stop) */
    r = boh_call(&p.b, "K1", "GET", "/v1/kiosks/K1/commands", NULL, NULL);
    print_message("a kiosk's request to b while its connection is lost: %ld %.120s\n", r.status, r.body);
    assert_true(r.status == 200 || (r.status == 503 && strstr(r.body, "database_unavailable")));
    boh_free(&r);
    health(&p.a, "notices", &status);
    assert_int_equal(status, 200);
    usleep(800 * 1000); /* HAProxy's checks every 200 ms, one failure takes it out */
    for (int i = 0; i < 10; i++) {
        r = boh_call(&front, "K1", "GET", "/v1/kiosks/K1/commands", NULL, NULL);
        if (r.status != 200)
            print_error("request %d through HAProxy: %ld %.200s\n", i, r.status, r.body);
        assert_int_equal(r.status, 200);
        boh_free(&r);
    }
    long back = wait_healthy(&p.b);
    print_message("b connected again: its health check answered 200 %ld ms after HAProxy's requests\n", back);
    assert_true(back >= 0);
    assert_int_equal(boh_count(&p.a, "SELECT count(*) " B_STORE), 1); /* its name kept */
    store_batch(&p.b, 1);
    store_batch(&p.b, 0); /* the first again: stored once */
    assert_int_equal(boh_count(&p.a, "SELECT count(*) FROM ingest_row"), 2 * ROWS);
    long long total = 0;
    for (unsigned k = 1; k <= 2 * ROWS; k++)
        total += 1000 + k;
    assert_int_equal(boh_count(&p.a, "SELECT sum(amount) FROM sale WHERE kiosk = 'K1' AND state = 'delivered'"),
                     total);
    kill(hap, SIGTERM);
    waitpid(hap, NULL, 0);
    pair_teardown(&p);
}

/* --- batches of sales side by side ------------------------------------- */

#define OTHER_METER "000012345679"

typedef struct upload {
    boh_t *h;
    const char *kiosk;
    char *body; /* freed once sent */
    atomic_bool done;
    long status;
    char answer[600];
} upload_t;

static void *upload_one(void *arg)
{
    upload_t *u = arg;
    char path[64];
    snprintf(path, sizeof path, "/v1/kiosks/%s/outbox", u->kiosk);
    boh_resp_t r = boh_call(u->h, u->kiosk, "POST", path, u->body, NULL);
    free(u->body);
    u->status = r.status;
    snprintf(u->answer, sizeof u->answer, "%s", r.body ? r.body : "");
    boh_free(&r);
    atomic_store(&u->done, true);
    return NULL;
}

/* Starts u's upload in *t: rows sales of meter (seqs from seq, sale
 * numbers from n) or, with at, one reading of it. */
static void upload_start(upload_t *u, pthread_t *t, int seq, unsigned n, int rows, const char *meter, const char *at)
{
    size_t cap = (size_t)rows * 1024 + 64, len = (size_t)snprintf(u->body = malloc(cap), cap, "{\"rows\":[");
    for (int i = 0; i < rows; i++) {
        char id[37], row[1024];
        boh_uuid(id, n + (unsigned)i);
        boh_txn_t sale = {seq + i, 7, 1000 + n, id, "delivered", meter, "cash", "2026-11-21", "null"};
        if (at)
            snprintf(row, sizeof row,
                     "{\"seq\":%d,\"topic\":\"reading\",\"payload\":{\"meter\":\"%s\",\"at\":\"%s\","
                     "\"energy\":1200,\"balance\":500,\"purchase_count\":7,\"relay_open\":0,\"flags\":0}}",
                     seq, meter, at);
        else
            boh_txn_row(row, sizeof row, &sale);
        len += (size_t)snprintf(u->body + len, cap - len, "%s%s", i ? "," : "", row);
    }
    snprintf(u->body + len, cap - len, "]}");
    pthread_create(t, NULL, upload_one, u);
}

/* Whether u is answered within ms. */
static bool answered_within(upload_t *u, int ms)
{
    for (int i = 0; i < ms / 10 && !atomic_load(&u->done); i++)
        usleep(10 * 1000);
    return atomic_load(&u->done);
}

static void assert_accepted(const upload_t *u)
{
    if (u->status != 200 || !strstr(u->answer, "accepted"))
        print_error("%s: %ld %s\n", u->kiosk, u->status, u->answer);
    assert_int_equal(u->status, 200);
    assert_non_null(strstr(u->answer, "accepted"));
}

/* A batch of sales takes the write lock shared and its meters' locks
 * (docs/instances.md): while a transaction of the test's own holds the
 * lock shared and METER's lock, a sale of another meter is stored, one of
 * METER waits, and so do a reading and a batch of more sales than a
 * keyed transaction takes keys for (the whole lock); all are stored once
 * the test's transaction ends. */
static void multi_sales_batches_side_by_side(void **state)
{
    (void)state;
    pair_t p;
    pair_setup(&p);
    assert_true(boh_meter(&p.a, OTHER_METER, "S1"));
    uint64_t k = bo_db_key_number("meter:" METER);
    char sql[200];
    snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock_shared(7261544); SELECT pg_advisory_xact_lock(%d, %d)",
             (int32_t)(uint32_t)(k >> 32), (int32_t)(uint32_t)k);
    PGconn *c = PQconnectdb(p.a.database);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    upload_t other = {.h = &p.a, .kiosk = "K1"}, same = {.h = &p.b, .kiosk = "K2"};
    upload_t reading = {.h = &p.a, .kiosk = "K1"}, many = {.h = &p.a, .kiosk = "K1"};
    pthread_t t1, t2, t3, t4;
    upload_start(&same, &t2, 1, 900, 1, METER, NULL);
    upload_start(&other, &t1, 1, 901, 1, OTHER_METER, NULL);
    bool beside = answered_within(&other, 20000);
    pthread_join(t1, NULL); /* answered by now if it was not beside the held locks */
    upload_start(&many, &t4, 2, 1000, 260, OTHER_METER, NULL); /* 262 keys: K1, a meter, 260 sales */
    bool many_waited = !answered_within(&many, 300);
    upload_start(&reading, &t3, 262, 0, 1, OTHER_METER, "2026-11-21T10:00:00.000Z");
    bool reading_waited = !answered_within(&reading, 300), same_waited = !atomic_load(&same.done);
    PQclear(PQexec(c, "COMMIT"));
    PQfinish(c);
    pthread_join(t2, NULL);
    pthread_join(t3, NULL);
    pthread_join(t4, NULL);
    long sales = boh_count(&p.a, "SELECT count(*) FROM sale"), readings = boh_count(&p.a, "SELECT count(*) FROM reading");
    pair_teardown(&p);
    assert_true(beside);
    assert_true(reading_waited);
    assert_true(same_waited);
    assert_true(many_waited);
    assert_accepted(&other);
    assert_accepted(&same);
    assert_accepted(&reading);
    assert_accepted(&many);
    assert_int_equal(sales, 262);
    assert_int_equal(readings, 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(multi_health_checks_database),
    cmocka_unit_test(multi_long_poll_answered_across_instances),
    cmocka_unit_test(multi_failover_during_command),
    cmocka_unit_test(multi_failover_during_ingest),
    cmocka_unit_test(multi_jobs_run_on_one_instance),
    cmocka_unit_test(multi_same_batch_both_instances),
    cmocka_unit_test(multi_counts_two_instances_never_share),
    cmocka_unit_test(multi_sales_batches_side_by_side),
};

KTEST_MAIN(tests)
