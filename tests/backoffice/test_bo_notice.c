/* Notices to residents end to end (docs/notices.md): readings and sales
 * uploaded to a real `backoffice serve` queue notices in its outbox,
 * exactly once per event however often the rows come; the outbox hands
 * them to a webhook receiver this test starts (python3, checking every
 * signature), retrying with backoff while it fails and delivering each
 * once, at the channel's pace, when it is back; quiet hours hold all but
 * the cut-off warnings; contacts are masked wherever they are shown and
 * changed only with the contacts permission. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bo_harness.h"
#include "ktest.h"
#include "support/support.h"

#define SECRET "a-shared-secret-of-the-tests"
#define MOBILE "13812345678"

typedef struct world {
    boh_t h;
    char hook_dir[256];
    pid_t hook;
} world_t;

static pid_t hook_pid;

/* The receiver stopped at exit, when a failed assertion skipped teardown. */
static void hook_kill(void)
{
    if (hook_pid > 0)
        kill(hook_pid, SIGTERM);
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void iso(int64_t ms, char out[32])
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + 19, 13, ".%03dZ", (int)(ms % 1000));
}

static void sleep_ms(int ms)
{
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

#define cli boh_clif
#define count boh_countf

/* Starts the receiver in its own folder; the port it took. */
static int hook_start(world_t *w, const char *fail)
{
    char *port = NULL;
    assert_true(tmpdir_make(w->hook_dir, sizeof w->hook_dir));
    if (fail)
        assert_true(file_write(w->hook_dir, "fail", fail));
    w->hook = fork();
    hook_pid = w->hook;
    atexit(hook_kill);
    if (w->hook == 0) {
        execlp("python3", "python3", getenv("WEBHOOK_RECEIVER"), w->hook_dir, SECRET, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200 && !(port = file_read(w->hook_dir, "port")); i++)
        sleep_ms(25);
    assert_non_null(port);
    int p = atoi(port);
    free(port);
    return p;
}

/* The server with the webhook (and, in one test, SMS towards an SMSC that
 * does not answer, so its rows wait, masked) towards the receiver; an operator
 * `alice` in a group holding the contacts permission. */
static void setup(world_t *w, const char *fail, const char *extra)
{
    char ini[1024];
    int port = hook_start(w, fail);
    snprintf(ini, sizeof ini,
             "[notices]\nwebhook = true\nwebhook_url = http://127.0.0.1:%d/hook\nwebhook_secret = " SECRET "\n"
             "retry_min_seconds = 1\nretry_max_seconds = 2\nwebhook_per_second = 2\n%s",
             port, extra ? extra : "");
    assert_true(boh_setup(&w->h, false, ini));
    setenv("BACKOFFICE_NEW_PIN", "482915", 1);
    assert_int_equal(cli(&w->h, "group set privacy --perms accounts,contacts"), 0);
    assert_int_equal(cli(&w->h, "operator add alice --group privacy"), 0);
}

static void teardown(world_t *w)
{
    if (w->hook > 0) {
        kill(w->hook, SIGTERM);
        waitpid(w->hook, NULL, 0);
        hook_pid = 0;
    }
    boh_teardown(&w->h);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->hook_dir);
    assert_int_equal(system(cmd), 0);
}

/* Meter M bound to account A, whose contact wants everything. */
static void resident(world_t *w, const char *account, const char *meter, const char *quiet)
{
    assert_true(boh_meter(&w->h, meter, "S1"));
    assert_int_equal(cli(&w->h, "account open %s --customer C0 --meter %s", account, meter), 0);
    assert_int_equal(cli(&w->h, "contact set %s --mobile 86%s --quiet %s --operator alice", account, MOBILE, quiet), 0);
}

/* One reading row of meter at ms. */
static int reading(char *buf, size_t len, int seq, const char *meter, int64_t at, long balance, int relay_open)
{
    char t[32];
    iso(at, t);
    return snprintf(buf, len,
                    "{\"seq\":%d,\"topic\":\"reading\",\"payload\":{\"meter\":\"%s\",\"at\":\"%s\",\"energy\":1000,"
                    "\"balance\":%ld,\"purchase_count\":3,\"relay_open\":%d,\"flags\":0}}",
                    seq, meter, t, balance, relay_open);
}

static void upload(world_t *w, const char *rows)
{
    char body[8192];
    snprintf(body, sizeof body, "{\"rows\":[%s]}", rows);
    boh_resp_t r = boh_call(&w->h, "K1", "POST", "/v1/kiosks/K1/outbox", body, NULL);
    if (r.status != 200)
        fail_msg("upload answered %ld: %s", r.status, r.body);
    if (getenv("NOTICE_DEBUG"))
        fprintf(stderr, "%s\n", r.body);
    boh_free(&r);
}

/* The receiver's log: lines with `"status": STATUS` (0: any) and text. */
static int hook_lines(world_t *w, int status, const char *text)
{
    char *log = file_read(w->hook_dir, "requests.log"), want[32];
    int n = 0;
    snprintf(want, sizeof want, "\"status\": %d,", status);
    for (char *line = log ? strtok(log, "\n") : NULL; line; line = strtok(NULL, "\n"))
        n += (status == 0 || strstr(line, want)) && (!text || strstr(line, text));
    free(log);
    return n;
}

/* Waits up to s seconds for the receiver to have accepted n. */
static bool wait_accepted(world_t *w, int n, int s)
{
    for (int i = 0; i < s * 20; i++, sleep_ms(50))
        if (hook_lines(w, 200, NULL) >= n)
            return true;
    return false;
}

#define M1 "000000000101"

static void ingest_twice_queues_once(void **state)
{
    (void)state;
    world_t w = {0};
    setup(&w, NULL, NULL);
    resident(&w, "A1", M1, "none");
    const int64_t day = 86400000, t0 = now_ms() - 40 * day;
    const long bal[] = {2500, 1900, 1500, 800, 2500, 1900, 300, -50, -50};
    char rows[6000] = "", again[6000] = "";
    size_t at = 0, at2 = 0;
    for (int i = 0; i < 9; i++) {
        at += (size_t)reading(rows + at, sizeof rows - at, i + 1, M1, t0 + i * 4 * day, bal[i], i == 8);
        at2 += (size_t)reading(again + at2, sizeof again - at2, i + 11, M1, t0 + i * 4 * day, bal[i], i == 8);
        if (i < 8)
            rows[at++] = ',', again[at2++] = ',';
    }
    upload(&w, rows);
    upload(&w, rows);  /* the same outbox rows: their stored answers */
    upload(&w, again); /* the same readings under other seqs: duplicates */
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox"), 7);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'low1'"), 2);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'low2'"), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'low3'"), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'arrears'"), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'supply_cut'"), 1);
    /* 19.00 to 3.00 in four days: the rest lasts under a day */
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'cutoff_day'"), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE key = 'low1:A1:" M1 ":%lld'",
                           (long long)(t0 + 4 * day)), 1);
    /* a top-up delivered: the credit notice with the amount and the balance after, once */
    char txn[1024], day_text[32];
    iso(now_ms() - day, day_text); /* the row says 09:30 that day */
    day_text[10] = '\0';
    boh_txn_t t = {.seq = 30, .event_seq = 4, .amount = 5000, .id = "6f1c2a4e-3b1d-4c8a-9e2f-000000000001",
                   .state = "delivered", .meter = M1, .method = "cash", .day = day_text, .count_text = "4"};
    boh_txn_row(txn, sizeof txn, &t);
    upload(&w, txn);
    t.seq = 31;
    boh_txn_row(txn, sizeof txn, &t);
    upload(&w, txn);
    t.seq = 32, t.event_seq = 5; /* a later event of the sale, still delivered: the same key */
    boh_txn_row(txn, sizeof txn, &t);
    upload(&w, txn);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM txn_event_seen WHERE event_seq = 5"), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'credit'"), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'credit' AND "
                                 "text LIKE '%%充值50.00元已到账，当前余额49.50元%%'"), 1);
    /* each reaches the receiver once */
    assert_true(wait_accepted(&w, 8, 20));
    sleep_ms(600);
    assert_int_equal(hook_lines(&w, 200, NULL), 8);
    assert_int_equal(hook_lines(&w, 200, "\"dup\": true"), 0);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE state = 'sent'"), 8);
    teardown(&w);
}

static void webhook_retries_then_delivers_once_at_pace(void **state)
{
    (void)state;
    world_t w = {0};
    setup(&w, "503", NULL);
    char meters[5][16], rows[4000] = "";
    size_t at = 0;
    for (int i = 0; i < 5; i++) {
        char account[8];
        snprintf(meters[i], sizeof meters[i], "00000000020%d", i);
        snprintf(account, sizeof account, "B%d", i);
        resident(&w, account, meters[i], "none");
        at += (size_t)reading(rows + at, sizeof rows - at, i + 1, meters[i], now_ms() - 10 * 86400000LL, 1500, 0);
        if (i < 4)
            rows[at++] = ',';
    }
    upload(&w, rows);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox"), 5);
    sleep_ms(3500); /* the receiver is down: every one tried, none lost */
    assert_true(hook_lines(&w, 503, NULL) >= 5);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE state = 'queued' AND attempts >= 1"), 5);
    assert_int_equal(hook_lines(&w, 401, NULL), 0); /* every signature held */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -f '%s/fail'", w.hook_dir);
    assert_int_equal(system(cmd), 0);
    assert_true(wait_accepted(&w, 5, 30));
    sleep_ms(1500);
    assert_int_equal(hook_lines(&w, 200, NULL), 5);
    assert_int_equal(hook_lines(&w, 200, "\"dup\": true"), 0);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE state = 'sent' AND attempts >= 2"), 5);
    /* at the pace: 2 a second, so the five accepted span 2 s (jitter aside: 1.5 s at least) */
    assert_true(count(&w.h, "SELECT max(sent_at) - min(sent_at) FROM notice_outbox") >= 1500);
    /* a 4xx: given up after one try */
    assert_true(file_write(w.hook_dir, "fail", "400"));
    reading(rows, sizeof rows, 20, meters[0], now_ms() - 30000, 900, 0);
    upload(&w, rows);
    for (int i = 0; i < 100 && count(&w.h, "SELECT count(*) FROM notice_outbox WHERE state = 'given_up'") < 1; i++)
        sleep_ms(50);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE state = 'given_up' AND kind = 'low2' "
                                 "AND attempts = 1"), 1);
    sleep_ms(1500);
    assert_int_equal(hook_lines(&w, 400, NULL), 1);
    teardown(&w);
}

static void quiet_hours_hold_all_but_cutoff(void **state)
{
    (void)state;
    world_t w = {0};
    setup(&w, NULL, NULL);
    /* quiet from an hour ago to two hours ahead, in the sites' UTC+8 */
    int64_t now = now_ms();
    int local = (int)(((now / 60000) + 480) % 1440), from = (local + 1440 - 60) % 1440, to = (local + 120) % 1440;
    char quiet[16];
    snprintf(quiet, sizeof quiet, "%02d:%02d-%02d:%02d", from / 60, from % 60, to / 60, to % 60);
    resident(&w, "A1", M1, quiet);
    char rows[2000];
    size_t at = (size_t)reading(rows, sizeof rows, 1, M1, now - 120 * 60000, 3000, 0);
    rows[at++] = ',';
    at += (size_t)reading(rows + at, sizeof rows - at, 2, M1, now - 60 * 60000, 2400, 0); /* 4 h left */
    rows[at++] = ',';
    reading(rows + at, sizeof rows - at, 3, M1, now - 60000, 500, 0); /* 16 minutes left; below 10.00 */
    upload(&w, rows);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox"), 3);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind IN ('cutoff_day', 'cutoff_soon') "
                                 "AND next_try_at <= %lld",
                           (long long)now + 5000),
                     2);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'low2' AND next_try_at >= %lld",
                           (long long)now + 110 * 60000),
                     1);
    assert_true(wait_accepted(&w, 2, 20));
    sleep_ms(1500);
    assert_int_equal(hook_lines(&w, 200, NULL), 2);
    assert_int_equal(hook_lines(&w, 200, "cutoff"), 2);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'low2' AND state = 'queued'"), 1);
    teardown(&w);
}

/* Whether the file in the server's folder holds text. */
static bool file_has(boh_t *h, const char *name, const char *text)
{
    char *s = file_read(h->dir, name);
    bool has = s && strstr(s, text);
    free(s);
    return has;
}

static void contacts_masked_and_permission_refused(void **state)
{
    (void)state;
    world_t w = {0};
    char out[16384];
    setup(&w, NULL, "sms = true\n[sms]\nhost = 127.0.0.1\nport = 1\nsystem_id = estate\nsource = 95588\n");
    assert_int_equal(cli(&w.h, "group set clerks --perms accounts"), 0);
    assert_int_equal(cli(&w.h, "operator add bob --group clerks"), 0);
    assert_true(boh_meter(&w.h, M1, "S1"));
    assert_int_equal(cli(&w.h, "account open A1 --customer C0 --meter %s", M1), 0);
    /* without the permission: refused, nothing written */
    assert_int_equal(cli(&w.h, "contact set A1 --mobile 86" MOBILE " --operator bob"), 1);
    assert_true(file_has(&w.h, "cli.log", "lacks the contacts permission"));
    assert_int_equal(cli(&w.h, "contact set A1 --mobile 86" MOBILE), 1);
    boh_resp_t r = boh_call(&w.h, NULL, "POST", "/v1/admin/accounts/A1/contact",
                            "{\"operator\":\"bob\",\"mobile\":\"+86" MOBILE "\"}", NULL);
    assert_int_equal(r.status, 403);
    boh_free(&r);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM contact"), 0);
    /* with it: set through the API, answered masked */
    r = boh_call(&w.h, NULL, "POST", "/v1/admin/accounts/A1/contact",
                 "{\"operator\":\"alice\",\"mobile\":\"+86" MOBILE "\",\"email\":\"resident@example.com\","
                 "\"lang\":\"en\",\"quiet_hours\":\"none\"}",
                 NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "138****5678"));
    assert_non_null(strstr(r.body, "r***@example.com"));
    assert_null(strstr(r.body, MOBILE));
    boh_free(&r);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM contact WHERE mobile = '86" MOBILE "' AND lang = 'en'"), 1);
    /* a notice queued for SMS: listed masked */
    reading(out, sizeof out, 1, M1, now_ms() - 60000, 1500, 0);
    upload(&w, out);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE channel = 'sms'"), 1);
    assert_int_equal(boh_cli(&w.h, out, sizeof out, "notices list --account A1"), 0);
    assert_non_null(strstr(out, "138****5678"));
    assert_null(strstr(out, MOBILE));
    r = boh_call(&w.h, NULL, "GET", "/v1/admin/notices?account=A1&state=queued", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "138****5678"));
    assert_null(strstr(r.body, MOBILE));
    boh_free(&r);
    /* the audit: who, which fields, masked; the CSV export too */
    assert_int_equal(boh_cli(&w.h, out, sizeof out, "report audit --action contact.set --csv"), 0);
    assert_non_null(strstr(out, "mobile (none) -> 138****5678"));
    assert_non_null(strstr(out, "email (none) -> r***@example.com"));
    assert_non_null(strstr(out, "alice"));
    assert_null(strstr(out, MOBILE));
    assert_null(strstr(out, "resident@"));
    assert_int_equal(boh_cli(&w.h, out, sizeof out, "contact show A1"), 0);
    assert_null(strstr(out, MOBILE));
    assert_false(file_has(&w.h, "serve.log", MOBILE));
    assert_false(file_has(&w.h, "cli.log", MOBILE));
    /* a mainland mobile written without its country code is stored with
     * 86; another country's number keeps the code it was given with */
    assert_int_equal(cli(&w.h, "contact set A1 --mobile +12025550123 --operator alice"), 0);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM contact WHERE mobile = '12025550123'"), 1);
    assert_int_equal(cli(&w.h, "contact set A1 --mobile " MOBILE " --operator alice"), 0);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM contact WHERE mobile = '86" MOBILE "'"), 1);
    /* cleared with the permission only, audited */
    assert_int_equal(cli(&w.h, "contact clear A1 --operator bob"), 1);
    assert_int_equal(cli(&w.h, "contact clear A1 --operator alice"), 0);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM contact"), 0);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM audit WHERE action = 'contact.clear' AND reason = 'alice'"), 1);
    teardown(&w);
}

/* A relay_trip staff issued, done by the kiosk: the supply cut told once,
 * keyed by the command; the next reading showing the relay open tells
 * nothing more. */
static void supply_cut_by_a_central_command(void **state)
{
    (void)state;
    world_t w = {0};
    char out[4096], id[40] = "", rows[1024], at[32];
    setup(&w, NULL, NULL);
    resident(&w, "A1", M1, "none");
    reading(rows, sizeof rows, 1, M1, now_ms() - 3600000, 3000, 0);
    upload(&w, rows);
    assert_int_equal(boh_cli(&w.h, out, sizeof out,
                             "meter command " M1 " relay_trip --operator alice --reason 'unpaid fees'"), 0);
    const char *p = strstr(out, "\"id\":");
    assert_non_null(p);
    assert_int_equal(sscanf(p, "\"id\":%*[ \t]\"%36[^\"]\"", id), 1);
    boh_resp_t r = boh_call(&w.h, "K1", "GET", "/v1/kiosks/K1/commands", NULL, NULL); /* handed over: sent */
    assert_int_equal(r.status, 200);
    boh_free(&r);
    iso(now_ms() - 60000, at);
    snprintf(rows, sizeof rows,
             "{\"seq\":2,\"topic\":\"command\",\"payload\":{\"id\":\"%s\",\"meter\":\"" M1 "\","
             "\"state\":\"done\",\"at\":\"%s\"}}",
             id, at);
    upload(&w, rows);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM meter_command WHERE id = '%s' AND state = 'done'", id), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE key = 'supply_cut:A1:" M1 ":%s'", id), 1);
    reading(rows, sizeof rows, 3, M1, now_ms() - 30000, 3000, 1);
    upload(&w, rows);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'supply_cut'"), 1);
    assert_true(wait_accepted(&w, 1, 20));
    assert_int_equal(hook_lines(&w, 200, "停止供电"), 1);
    teardown(&w);
}

/* A central credit done: credit arrived told once, keyed by the command,
 * with its amount and the balance after the outcome carries; the central
 * sale's own delivered event (method central) tells nothing more, nor
 * does the outcome uploaded again. */
static void credit_arrived_for_a_central_credit(void **state)
{
    (void)state;
    world_t w = {0};
    char out[4096], id[40] = "", rows[2048], at[32], txn[37], day[11];
    setup(&w, NULL, NULL);
    resident(&w, "A1", M1, "none");
    reading(rows, sizeof rows, 1, M1, now_ms() - 3600000, 3000, 0);
    upload(&w, rows);
    assert_int_equal(boh_cli(&w.h, out, sizeof out,
                             "meter command " M1 " credit --amount 5000 --paid-by counter --reference R-77 "
                             "--operator alice --reason 'paid at the counter'"),
                     0);
    const char *p = strstr(out, "\"id\":");
    assert_non_null(p);
    assert_int_equal(sscanf(p, "\"id\":%*[ \t]\"%36[^\"]\"", id), 1);
    boh_resp_t r = boh_call(&w.h, "K1", "GET", "/v1/kiosks/K1/commands", NULL, NULL);
    assert_int_equal(r.status, 200);
    boh_free(&r);
    iso(now_ms() - 86400000, at); /* the sale's row says 09:30 the day before */
    snprintf(day, sizeof day, "%.10s", at);
    iso(now_ms() - 60000, at);
    boh_uuid(txn, 77);
    int n = boh_txn_row(rows, sizeof rows,
                        &(boh_txn_t){2, 3, 5000, txn, "delivered", M1, "central", day, "4"});
    snprintf(rows + n, sizeof rows - (size_t)n,
             ",{\"seq\":3,\"topic\":\"command\",\"payload\":{\"id\":\"%s\",\"meter\":\"" M1 "\","
             "\"state\":\"done\",\"at\":\"%s\",\"txn\":\"%s\",\"balance_after\":7950,\"count_after\":4}}",
             id, at, txn);
    upload(&w, rows);
    upload(&w, rows);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM meter_command WHERE id = '%s' AND state = 'done'", id), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'credit'"), 1);
    assert_int_equal(count(&w.h,
                           "SELECT count(*) FROM notice_outbox WHERE key = 'credit:A1:" M1 ":%s' AND channel = "
                           "'webhook' AND json LIKE '%%\"balance\":7950,\"amount\":5000,%%'",
                           id),
                     1);
    assert_true(wait_accepted(&w, 1, 20));
    assert_int_equal(hook_lines(&w, 200, "79.50"), 1);
    teardown(&w);
}

/* Post-paid account A with its monthly service fee of 15.00 billed for
 * 2026-11: bill `id` drafted, confirmed by alice and issued. */
static void bill_issued(world_t *w, const char *account, int id)
{
    assert_int_equal(cli(&w->h, "bill draft --account %s --period 2026-11", account), 0);
    assert_int_equal(cli(&w->h, "bill confirm %d --operator alice", id), 0);
    assert_int_equal(cli(&w->h, "bill issue %d", id), 0);
}

static void bill_issued_told_once_per_channel(void **state)
{
    (void)state;
    world_t w = {0};
    setup(&w, NULL, "sms = true\n[sms]\nhost = 127.0.0.1\nport = 1\nsystem_id = estate\nsource = 95588\n");
    setenv("BACKOFFICE_PIN", "482915", 1);
    /* A1 told at once; A2 without a contact; A3 wants no bills; A4 in its quiet hours (UTC+8) */
    int local = (int)(((now_ms() / 60000) + 480) % 1440), from = (local + 1440 - 60) % 1440, to = (local + 120) % 1440;
    char quiet[16];
    snprintf(quiet, sizeof quiet, "%02d:%02d-%02d:%02d", from / 60, from % 60, to / 60, to % 60);
    resident(&w, "A1", "M1", "none");
    assert_true(boh_meter(&w.h, "M2", "S1"));
    assert_int_equal(cli(&w.h, "account open A2 --customer C0 --meter M2"), 0);
    resident(&w, "A3", "M3", "none");
    assert_int_equal(cli(&w.h, "contact set A3 --wants low,credit --operator alice"), 0);
    resident(&w, "A4", "M4", quiet);
    for (int i = 1; i <= 4; i++)
        assert_int_equal(cli(&w.h, "account payment A%d postpaid --operator alice --reason contract", i), 0);
    assert_int_equal(cli(&w.h, "charge add svc --site S1 --name 'Service fee' --fixed 1500 --every month"), 0);
    assert_int_equal(cli(&w.h, "charge apply --site S1 --period 2026-11"), 0);
    for (int i = 1; i <= 4; i++) {
        char account[8];
        snprintf(account, sizeof account, "A%d", i);
        bill_issued(&w, account, i);
    }
    /* one row per channel the contact has an address for: SMS and the webhook */
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'bill_issued'"), 4);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE key = 'bill:A1:1' AND channel IN "
                                 "('sms', 'webhook') AND meter = '' AND text = '尊敬的用户：账户A1的2026年11月账单已出，"
                                 "应缴金额15.00元，请到自助缴费机或营业厅缴费。'"),
                     2);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE account IN ('A2', 'A3')"), 0);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE key = 'bill:A4:4' AND "
                                 "next_try_at >= created_at + 110 * 60000"),
                     2);
    /* issued once: a second issue is refused and queues nothing */
    assert_int_equal(cli(&w.h, "bill issue 1"), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'bill_issued'"), 4);
    /* the webhook receives A1's, with the period; A4's waits for the quiet hours' end */
    assert_true(wait_accepted(&w, 1, 20));
    sleep_ms(1500);
    assert_int_equal(hook_lines(&w, 200, NULL), 1);
    assert_int_equal(hook_lines(&w, 200, "bill:A1:1"), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE key = 'bill:A1:1' AND channel = 'webhook' "
                                 "AND state = 'sent' AND json LIKE '%%\"period\":\"2026-11-01..2026-11-30\"%%'"),
                     1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE key = 'bill:A4:4' AND state = 'queued'"), 2);
    teardown(&w);
}

/* A call of the staff API (a POST with body, a GET without); its status,
 * the answer kept in *out when out is not NULL (to free). */
static long api(world_t *w, const char *path, const char *body, boh_resp_t *out)
{
    boh_resp_t r = boh_call(&w->h, NULL, body ? "POST" : "GET", path, body, NULL);
    long status = r.status;
    if (out)
        *out = r;
    else
        boh_free(&r);
    return status;
}

#define ALICE_SIGNS "{\"operator\":\"alice\",\"pin\":\"482915\"}"

/* Bills over the admin API (docs/billing.md): listed by account, state
 * and period; confirmed with the permission and the PIN the command line
 * asks for, refused without; issued, which queues the bill-issued notice
 * as `bill issue` does; audited as the API's. */
static void bills_confirmed_and_issued_over_http(void **state)
{
    (void)state;
    world_t w = {0};
    boh_resp_t r;
    setup(&w, NULL, "sms = true\n[sms]\nhost = 127.0.0.1\nport = 1\nsystem_id = estate\nsource = 95588\n");
    assert_int_equal(cli(&w.h, "group set readers --perms contacts"), 0);
    assert_int_equal(cli(&w.h, "operator add bob --group readers"), 0);
    setenv("BACKOFFICE_PIN", "482915", 1);
    resident(&w, "A1", "M1", "none");
    assert_int_equal(cli(&w.h, "account payment A1 postpaid --operator alice --reason contract"), 0);
    assert_int_equal(cli(&w.h, "charge add svc --site S1 --name 'Service fee' --fixed 1500 --every month"), 0);
    assert_int_equal(cli(&w.h, "charge apply --site S1 --period 2026-11"), 0);
    assert_int_equal(cli(&w.h, "bill draft --account A1 --period 2026-11"), 0);
    assert_int_equal(api(&w, "/v1/admin/bills?account=A1&state=draft&period=2026-11", NULL, &r), 200);
    assert_non_null(strstr(r.body, "\"bill\":1,\"account\":\"A1\""));
    assert_non_null(strstr(r.body, "\"total\":1500"));
    boh_free(&r);
    assert_int_equal(api(&w, "/v1/admin/bills?state=draft&period=2026-10", NULL, &r), 200);
    assert_string_equal(r.body, "{\"rows\":[]}");
    boh_free(&r);
    assert_int_equal(api(&w, "/v1/admin/bills?account=A1&state=issued", NULL, &r), 200);
    assert_string_equal(r.body, "{\"rows\":[]}");
    boh_free(&r);
    assert_int_equal(api(&w, "/v1/admin/bills?period=2026-13", NULL, NULL), 400);
    assert_int_equal(api(&w, "/v1/admin/bills?state=lost", NULL, NULL), 400);
    assert_int_equal(api(&w, "/v1/admin/bills/1", NULL, &r), 200);
    assert_non_null(strstr(r.body, "\"item\":\"Service fee\""));
    boh_free(&r);
    /* out of order, and without the permission: refused, nothing changes */
    assert_int_equal(api(&w, "/v1/admin/bills/1/issue", "{}", NULL), 409);
    assert_int_equal(api(&w, "/v1/admin/bills/1/confirm", "{}", NULL), 403);
    assert_int_equal(api(&w, "/v1/admin/bills/1/confirm", "{\"operator\":\"alice\",\"pin\":\"000000\"}", NULL), 403);
    assert_int_equal(api(&w, "/v1/admin/bills/1/confirm", "{\"operator\":\"bob\",\"pin\":\"482915\"}", &r), 403);
    assert_non_null(strstr(r.body, "needs the permission accounts"));
    boh_free(&r);
    assert_int_equal(api(&w, "/v1/admin/bills/9/confirm", ALICE_SIGNS, NULL), 404);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM bill WHERE state = 'draft'"), 1);
    assert_int_equal(api(&w, "/v1/admin/bills/1/confirm", ALICE_SIGNS, &r), 200);
    assert_string_equal(r.body, "{\"bill\":1,\"state\":\"confirmed\"}");
    boh_free(&r);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM bill WHERE state = 'confirmed' AND confirmed_by = 'alice'"), 1);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'bill_issued'"), 0);
    assert_int_equal(api(&w, "/v1/admin/bills/1/issue", "{}", &r), 200);
    assert_string_equal(r.body, "{\"bill\":1,\"state\":\"issued\"}");
    boh_free(&r);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE key = 'bill:A1:1' AND channel IN "
                                 "('sms', 'webhook') AND text LIKE '%%应缴金额15.00元%%'"),
                     2);
    assert_int_equal(api(&w, "/v1/admin/bills/1/issue", "{}", NULL), 409);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM notice_outbox WHERE kind = 'bill_issued'"), 2);
    assert_int_equal(count(&w.h, "SELECT count(*) FROM audit WHERE actor = 'api:loopback' AND target = 'bill 1' AND "
                                 "((action = 'bill.confirm' AND detail LIKE '%%operator alice') OR "
                                 "action = 'bill.issue')"),
                     2);
    assert_true(wait_accepted(&w, 1, 20));
    teardown(&w);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ingest_twice_queues_once),
        cmocka_unit_test(webhook_retries_then_delivers_once_at_pace),
        cmocka_unit_test(quiet_hours_hold_all_but_cutoff),
        cmocka_unit_test(contacts_masked_and_permission_refused),
        cmocka_unit_test(supply_cut_by_a_central_command),
        cmocka_unit_test(credit_arrived_for_a_central_credit),
        cmocka_unit_test(bill_issued_told_once_per_channel),
        cmocka_unit_test(bills_confirmed_and_issued_over_http),
    };
    return ktest_run("backoffice_notice", tests, sizeof tests / sizeof tests[0], argc, argv);
}
