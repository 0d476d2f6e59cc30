/* kioskctl worker: the kiosk's background work: recovery at start, then
 * pending deliveries retried when due (unless --sync-only: the touchscreen
 * does that itself) and, with a back office, rounds with it (the outbox,
 * the heartbeat, late payments, documents) every sync.heartbeat_s, backing
 * off with jitter after a failure; and the collector's scheduled reading
 * of every meter (ctl_scan.c). It tells systemd it is ready and alive
 * (Type=notify). Central commands are picked up by a long poll of their own
 * (ctl_commands.c) and run at once. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/rand.h"
#include "kiosk/app/notify.h"
#include "kiosk/ctl/ctl.h"
#include "kiosk/ctl/ctl_commands.h"
#include "kiosk/ctl/ctl_scan.h"
#include "provisioning/identity_signer.h"
#include "sync/sync_client.h"

/* The longest the worker waits for the ledger (systemd's watchdog expects
 * it back within a minute). */
#define WORKER_LEDGER_WAIT_MS 5000

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* The back-office side of the loop. */
typedef struct link {
    sync_client_t *sc; /* NULL: no back office */
    identity_signer_t key; /* signs its uploads */
    int64_t next_at;   /* monotonic ms */
    unsigned failures;
} link_t;

/* A round when it is due; the next one after the heartbeat period, or
 * after a backoff with jitter when this one failed. */
static void sync_due(ctl_t *c, ctl_site_t *s, link_t *k, int64_t now)
{
    if (!k->sc || now < k->next_at)
        return;
    ctl_sync_tally_t t = {0};
    kmsg_t msg = {""};
    engine_limits_t lim;
    int64_t period_s = engine_sale_limits(&s->engine, &lim, NULL) == K_OK ? lim.heartbeat_s : c->cfg.sync_heartbeat_s;
    if (ctl_sync_round(c, s, k->sc, &t, &msg) == K_OK) {
        k->failures = 0;
        k->next_at = now + period_s * 1000;
        if (t.up.sent || t.booked || t.docs.applied)
            printf("worker: back office: %d rows uploaded, %d late payments booked, %d documents applied\n", t.up.sent,
                   t.booked, t.docs.applied);
        return;
    }
    uint32_t r = 0;
    krand_fill(NULL, &r, sizeof r);
    int64_t wait = backoff_delay_ms(++k->failures, c->cfg.sync_retry_base_ms, c->cfg.sync_retry_max_ms, r);
    k->next_at = now + wait;
    printf("worker: back office: %s; again in %lld ms\n", msg.text, (long long)wait);
}

/* Recovery once, then the pending deliveries that are due; a turn in which
 * another program holds the ledger (the touchscreen serving a resident) is
 * skipped, so the worker never keeps systemd's watchdog waiting. */
static int deliveries(ctl_site_t *s, bool *recovered)
{
    int done = 0, status = CTL_EXIT_OK;
    kmsg_t msg = {""};
    if (engine_lock(&s->engine, "the worker's retries", 0, &msg) != K_OK)
        return CTL_EXIT_OK;
    if (!*recovered)
        *recovered = (status = ctl_recovery(s, true)) == CTL_EXIT_OK;
    if (status == CTL_EXIT_OK && engine_retry_due(&s->engine, &done, &msg) != K_OK)
        status = ctl_fail(CTL_EXIT_FAIL, "retry failed: %s", msg.text);
    else if (done)
        printf("worker: %d delivered\n", done);
    engine_unlock(&s->engine);
    return status;
}

int ctl_worker(ctl_t *c)
{
    static const struct option opts[] = {
        {"interval", required_argument, NULL, 'i'}, {"sync-only", no_argument, NULL, 's'},
        {"scan-every", required_argument, NULL, 'e'}, {0, 0, 0, 0}};
    int ch, interval_ms = 1000;
    long scan_every_ms = 0;
    bool sync_only = false;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == '?')
            return CTL_EXIT_USAGE;
        if (ch == 's')
            sync_only = true;
        else if (ch == 'e' && ((scan_every_ms = atol(optarg)) < 10 || scan_every_ms > 86400000))
            return ctl_fail(CTL_EXIT_USAGE, "--scan-every %s: give milliseconds between 10 and 86400000", optarg);
        else if (ch == 'e')
            continue;
        else if ((interval_ms = atoi(optarg)) < 10 || interval_ms > 3600000)
            return ctl_fail(CTL_EXIT_USAGE, "--interval %s: give milliseconds between 10 and 3600000", optarg);
    }
    if (sync_only && !c->cfg.sync_url[0])
        return ctl_fail(CTL_EXIT_USAGE, "--sync-only needs a back office (sync.url)");
    if (optind != c->argc)
        return ctl_fail(CTL_EXIT_USAGE, "unexpected argument '%s'", c->argv[optind]);
    if (c->cfg.ledger_lock_wait_ms > WORKER_LEDGER_WAIT_MS)
        c->cfg.ledger_lock_wait_ms = WORKER_LEDGER_WAIT_MS; /* a late QR payment waits for the next round */
    link_t k = {0};
    kmsg_t msg = {""};
    if (c->cfg.sync_url[0] && sync_client_open(&c->cfg, &k.sc, &msg) != K_OK)
        return ctl_fail(CTL_EXIT_USAGE, "%s", msg.text);
    if (k.sc)
        sync_client_set_signer(k.sc, identity_signer(&k.key, &c->cfg));
    ctl_site_t s;
    int status = sync_only ? ctl_site_open_collector(c, &s) : ctl_site_open(c, &s); /* the touchscreen's devices stay its own */
    if (status != CTL_EXIT_OK) {
        sync_client_close(k.sc);
        return status;
    }
    struct sigaction sa = {.sa_handler = on_stop};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    ctl_commands_t cmds;
    if ((status = ctl_commands_start(c, &s, k.sc, &cmds)) != CTL_EXIT_OK)
        stop_requested = 1;
    knotify_ready(sync_only ? "worker: the back-office link" : "worker: retrying deliveries");
    bool recovered = sync_only;
    ctl_scan_t scan;
    ctl_scan_init(&scan, scan_every_ms);
    for (int64_t next = 0; status == CTL_EXIT_OK && !stop_requested;) {
        ctl_commands_turn(&s, &cmds); /* central commands do not wait for the interval */
        if (kclock_mono(NULL) >= next) { /* once an interval, also while a scan runs in slices */
            if (!sync_only)
                status = deliveries(&s, &recovered);
            sync_due(c, &s, &k, kclock_mono(NULL));
            next = kclock_mono(NULL) + interval_ms;
        }
        bool scanning = ctl_scan_step(&scan, &s, 250);
        knotify_watchdog();
        fflush(stdout);
        while (!scanning && status == CTL_EXIT_OK && !stop_requested && kclock_mono(NULL) < next &&
               !ctl_commands_ready(&cmds))
            usleep(10000);
    }
    knotify_stopping();
    ctl_commands_stop(&cmds);
    ctl_site_close(&s);
    sync_client_close(k.sc);
    return status;
}
