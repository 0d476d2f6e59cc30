/* The notice outbox's throughput (docs/notices.md, "Figures"): N SMS
 * notices queued in a SQLite store, then handed to smscsim (its own
 * process, on loopback) by the outbox as `backoffice serve`'s worker runs
 * it (bo_outbox_open from the settings, a pass every 20 ms), at a high
 * sms_per_second and at a lower one; the time until every notice is
 * handed over, notices/s, and the delivery receipts recorded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backoffice/notify/bo_outbox.h"
#include "backoffice/store_sqlite/bo_sqlite.h"
#include "bench/bench_smsc.h"
#include "bench/bench_util.h"

#define NAME "notice_outbox_bench"
#define TEXT "尊敬的用户：表号000012345678余额仅剩4.50元，已低于5.00元，请立即充值，以免停电。"

typedef struct bench {
    bench_smsc_t smsc;
    bo_store_t st;
} bench_t;

/* n notices of round r queued, due now, in one transaction. */
static void queue(bench_t *b, int r, int n, int64_t now)
{
    kmsg_t msg = {{0}};
    if (b->st.ops->begin(b->st.ctx, &msg) != K_OK)
        bench_die(NAME, msg.text);
    for (int i = 0; i < n; i++) {
        char key[64], to[24];
        snprintf(key, sizeof key, "low3:A%d:000012345678:%d", i, r);
        snprintf(to, sizeof to, "86138%08d", i);
        bo_out_new_t row = {key, "sms", "A", "000012345678", "low3", "zh_CN", to, "138****0000", "余额严重不足", TEXT,
                            "{}", now, now};
        bool added;
        if (b->st.ops->notice->enqueue(b->st.ctx, &row, &added, &msg) != K_OK || !added)
            bench_die(NAME, msg.text[0] ? msg.text : "a notice not queued");
    }
    if (b->st.ops->commit(b->st.ctx, &msg) != K_OK)
        bench_die(NAME, msg.text);
}

/* Sets key to value (a number when value is NULL). */
static void set(bo_config_t *c, const char *key, const char *value, int n)
{
    char kv[128];
    kmsg_t msg = {{0}};
    if (value)
        snprintf(kv, sizeof kv, "%s=%s", key, value);
    else
        snprintf(kv, sizeof kv, "%s=%d", key, n);
    if (bo_config_set(c, kv, &msg) != K_OK)
        bench_die(NAME, msg.text);
}

/* Round r: n notices through the outbox at per_second; prints one line. */
static void run(bench_t *b, int r, int n, int per_second)
{
    bo_config_t c;
    kmsg_t msg = {{0}};
    if (bo_config_load(NULL, &c, &msg) != K_OK)
        bench_die(NAME, msg.text);
    set(&c, "notices.sms", "true", 0);
    set(&c, "notices.sms_per_second", NULL, per_second);
    set(&c, "sms.host", "127.0.0.1", 0);
    set(&c, "sms.port", NULL, b->smsc.smpp);
    set(&c, "sms.system_id", "bench", 0);
    set(&c, "sms.source", "95588", 0);
    bo_outbox_t o;
    if (bo_outbox_open(&o, &b->st, &c, (bo_outbox_lock_t){0}, &msg) != K_OK)
        bench_die(NAME, msg.text);
    queue(b, r, n, bench_now_us() / 1000);
    bo_outbox_stats_t s = {0};
    int64_t t0 = bench_now_us(), t1 = 0;
    while (s.reports < n && bench_now_us() - t0 < 600 * 1000000LL) {
        if (bo_outbox_pump(&o, bench_now_us() / 1000, bench_now_us() / 1000, &s, &msg) != K_OK)
            bench_die(NAME, msg.text);
        if (s.given_up || s.retried)
            bench_die(NAME, "a notice was not taken at once");
        if (s.sent == n && !t1)
            t1 = bench_now_us();
        nanosleep(&(struct timespec){0, 20 * 1000000}, NULL); /* serve's worker: a pass every 20 ms */
    }
    int64_t t2 = bench_now_us();
    bo_outbox_close(&o);
    if (!t1 || s.reports < n)
        bench_die(NAME, "not every notice was handed over and receipted");
    double secs = (double)(t1 - t0) / 1e6;
    printf("  sms_per_second %4d: %5d notices handed over in %6.2f s: %6.0f notices/s; all %d receipts in %.2f s\n",
           per_second, n, secs, n / secs, s.reports, (double)(t2 - t0) / 1e6);
}

int main(int argc, char **argv)
{
    const char *smscsim = NULL;
    int n = 2000;
    bench_smsc_args(NAME, argc, argv, "--notices", 10, &smscsim, &n);
    bench_t b = {0};
    bench_smsc_start(&b.smsc, NAME, smscsim);
    char db[600], reply[128];
    snprintf(db, sizeof db, "%s/bo.db", b.smsc.sim.dir);
    if (!sc_control(&b.smsc.sim, "auto-receipt on", reply, sizeof reply))
        bench_die(NAME, reply);
    kmsg_t msg = {{0}};
    if (bo_sqlite_open(db, &b.st, &msg) != K_OK)
        bench_die(NAME, msg.text);
    printf("The notice outbox to smscsim over SMPP 3.4 on loopback (SQLite store, a pass every 20 ms):\n");
    run(&b, 1, n, 1000);
    run(&b, 2, n / 10, 100);
    b.st.ops->close(b.st.ctx);
    bench_smsc_stop(&b.smsc);
    return 0;
}
