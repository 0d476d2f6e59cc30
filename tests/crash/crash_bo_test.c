/* The back office killed mid-ingest. A kiosk's ledger holds a day of sales
 * made here through the engine against the fake meters (delivered ones,
 * cancelled ones, and some parked for a person). The real
 * `kioskctl sync now` uploads its outbox in small batches to the real
 * `backoffice serve`, which is SIGKILLed ten times while it ingests: each
 * time once it has stored one or two more batches, and a random moment
 * after that (in a batch's transaction, between two, or with an answer on
 * its way). Restarted on the same database each time, it takes the rest;
 * then `sync now` finishes, and the back office must hold every outbox row
 * answered once, every sale stored once as the ledger has it, its sales
 * report equal to the ledger's, and nothing left unsent.
 *
 *   crash_bo_test KIOSKCTL BACKOFFICE
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crash_bo.h"
#include "crash_util.h"
#include "kiosk/site/site.h"
#include "support/simclient.h"
#include "support/support.h"

#define SALES 800
#define BATCH 20
#define KILLS 10

static char *ctl_bin;
static char dir[512];

/* The kiosk's configuration; url "" while it sells (no back office yet). */
static void write_config(int port)
{
    char cfg[1600], sync[200] = "";
    if (port)
        snprintf(sync, sizeof sync, "[sync]\nurl = http://127.0.0.1:%d\nbatch = %d\ntimeout_ms = 5000\n", port, BATCH);
    snprintf(cfg, sizeof cfg,
             "[ledger]\npath = %s/ledger.db\n[gateway]\nprotocol = fake\nfake_dir = %s\n[site]\nkiosk_id = K1\n"
             "[delivery]\nattempts = 1\n[log]\nlevel = error\n%s",
             dir, dir, sync);
    if (!file_write(dir, "kiosk.ini", cfg)) {
        perror(dir);
        exit(2);
    }
}

/* Sale i: paid at the counter and delivered; every tenth cancelled with
 * nothing paid; every thirteenth parked for a person (a meter the gateway
 * does not know). */
static void sell(engine_t *e, int i)
{
    static const char *const meters[] = {"000000000001", "000000000002", "000000000003"};
    char id[UUID_STR_LEN];
    kmsg_t msg = {""};
    int64_t amount = 1000 + 100 * (i % 40);
    sale_req_t req = {.meter = i % 13 == 5 ? "000000000009" : meters[i % 3], .customer = "", .method = METHOD_COUNTER,
                      .channel = CHANNEL_REMOTE, .amount = amount};
    ledger_payment_t pay = {.method = METHOD_COUNTER, .amount = amount, .ref = "staff took the money"};
    crash_must(engine_open_sale(e, &req, id, &msg), &msg, "open");
    crash_must(engine_begin_payment(e, id, &msg), &msg, "begin payment");
    if (i % 10 != 9)
        crash_must(engine_accept_payment(e, id, &pay, &msg), &msg, "payment");
    crash_must(engine_finish_payment(e, id, &msg), &msg, "finish payment");
    if (i % 10 != 9)
        crash_must(engine_deliver(e, id, NULL, &msg), &msg, "deliver");
}

static void fill(void)
{
    char path[600], folder[600];
    snprintf(path, sizeof path, "%s/kiosk.ini", dir);
    kiosk_config_t cfg;
    site_t s;
    kmsg_t msg = {""};
    crash_config(path, &cfg, folder, sizeof folder);
    crash_must(site_open(&cfg, &s, NULL, NULL, &msg), &msg, "site");
    for (int i = 0; i < SALES; i++)
        sell(&s.engine, i);
    site_close(&s);
}

static pid_t start_sync(void)
{
    char cfg[600], log[600];
    snprintf(cfg, sizeof cfg, "--config=%s/kiosk.ini", dir);
    snprintf(log, sizeof log, "%s/sync.log", dir);
    const char *argv[] = {ctl_bin, cfg, "sync", "now", NULL};
    return sc_spawn(ctl_bin, log, argv);
}

static long stored(boh_t *h)
{
    return boh_count(h, "SELECT count(*) FROM ingest_row WHERE kiosk = 'K1'");
}

/* One kill: the back office up, the upload started, the kill once one or
 * two batches more are stored and a random moment has passed; false if the
 * upload ended first (there was nothing left to kill it in). */
static bool kill_mid_ingest(boh_t *h, int i)
{
    if (!boh_start(h)) {
        crash_fail("kill %d: the back office does not start again", i);
        return false;
    }
    write_config(h->port);
    long before = stored(h), target = before + BATCH * (1 + rand() % 2);
    pid_t up = start_sync();
    int status = 0;
    bool ended = false;
    while (!ended && stored(h) < target) {
        usleep(2000);
        ended = waitpid(up, &status, WNOHANG) == up;
    }
    unsigned extra_us = (unsigned)(rand() % 30000);
    usleep(extra_us);
    long at_kill = stored(h);
    crash_bo_kill(h);
    if (!ended)
        waitpid(up, &status, 0);
    printf("kill %d: %ld rows stored before, %ld at the kill (%u us after the target), the upload %s\n", i, before,
           at_kill, extra_us, ended ? "had ended" : WIFEXITED(status) && WEXITSTATUS(status) ? "failed" : "ended");
    return !ended;
}

/* The back office up again; `sync now` until it goes through. */
static void finish_upload(boh_t *h)
{
    if (!boh_start(h)) {
        crash_fail("the back office does not start after the kills");
        return;
    }
    write_config(h->port);
    int rc = 1;
    for (int i = 0; i < 3 && rc != 0; i++)
        rc = crash_ctl(ctl_bin, dir, "sync", "now");
    if (rc != 0)
        crash_fail("kioskctl sync now still fails after the kills");
    if ((rc = crash_ctl(ctl_bin, dir, "ledger", "verify")) != 0)
        crash_fail("kioskctl ledger verify exited %d", rc);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: crash_bo_test KIOSKCTL BACKOFFICE\n");
        return 2;
    }
    ctl_bin = argv[1];
    setenv("BACKOFFICE", argv[2], 1);
    setvbuf(stdout, NULL, _IOLBF, 0); /* nothing left in the buffer for a forked child to print again */
    boh_t h;
    if (!tmpdir_make(dir, sizeof dir) || !boh_setup(&h, false, NULL)) {
        fprintf(stderr, "crash_bo_test: the site or the back office did not start\n");
        return 2;
    }
    crash_bo_kiosk(&h, dir);
    boh_stop(&h);
    write_config(0);
    if (!file_write(dir, "meters", "000000000001 100000000001 0 0\n000000000002 100000000002 41 900\n"
                                   "000000000003 100000000003 7 0\n"))
        return 2;
    fill();
    srand(20261122);
    int mid = 0;
    for (int i = 1; i <= KILLS; i++)
        mid += kill_mid_ingest(&h, i);
    finish_upload(&h);
    char ledger[600];
    snprintf(ledger, sizeof ledger, "%s/ledger.db", dir);
    crash_bo_hold(&h, ledger, "after the kills");
    printf("the back office killed %d times while it ingested %d sales in batches of %d; %d failures\n", mid, SALES,
           BATCH, crash_failures);
    if (mid < KILLS)
        crash_fail("only %d of %d kills came while the upload ran: the outbox is too small", mid, KILLS);
    boh_stop(&h);
    if (crash_failures)
        fprintf(stderr, "      the kiosk is kept in %s, the back office in %s\n", dir, h.dir);
    else {
        tmpdir_remove(dir);
        boh_teardown(&h);
    }
    return crash_failures ? 1 : 0;
}
