/* The kiosk's outbox upload: N transactions sold offline (a ledger filled
 * here, each sale opened, paid and closed: four outbox rows) uploaded by
 * the kiosk's sync client to the real `backoffice serve` on loopback (plain
 * HTTP), every sale checked stored once. Prints the time, rows/s and
 * transactions/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoffice/bo_harness.h"
#include "ledger/ledger.h"
#include "provisioning/identity.h"
#include "provisioning/identity_signer.h"
#include "sync/sync_client.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One offline sale: opened, paid at the counter, payment closed. */
static kerr_t sell(ledger_t *l, unsigned n, kmsg_t *msg)
{
    char id[37];
    boh_uuid(id, n);
    ledger_new_txn_t t = {.id = id, .meter = "000000000001", .customer = "", .method = METHOD_COUNTER,
                          .channel = CHANNEL_REMOTE, .currency = "CNY", .amount = 5000};
    ledger_payment_t p = {.method = METHOD_COUNTER, .amount = 5000, .ref = "staff took the money"};
    ledger_change_t begin = {.event = EV_PAY_BEGIN}, in = {.event = EV_MONEY_IN, .payment = &p},
                    done = {.event = EV_PAY_DONE, .reason = ""};
    kerr_t rc = ledger_create(l, &t, msg);
    if (rc == K_OK)
        rc = ledger_apply(l, id, TXN_CREATED, &begin, NULL, msg);
    if (rc == K_OK)
        rc = ledger_apply(l, id, TXN_PAYMENT_PENDING, &in, NULL, msg);
    if (rc == K_OK)
        rc = ledger_apply(l, id, TXN_PAYMENT_PENDING, &done, NULL, msg);
    return rc;
}

static int upload(const kiosk_config_t *cfg, ledger_t *l, int txns, boh_t *h)
{
    sync_client_t *c;
    identity_signer_t key;
    kmsg_t msg = {""};
    if (sync_client_open(cfg, &c, &msg) != K_OK) {
        fprintf(stderr, "sync_bench: %s\n", msg.text);
        return 1;
    }
    sync_client_set_signer(c, identity_signer(&key, cfg));
    long rows = 0, batches = 0;
    sync_upload_result_t r;
    double t0 = now_s();
    kerr_t rc;
    while ((rc = sync_upload(c, l, &r, &msg)) == K_OK && r.sent > 0)
        rows += r.sent, batches++;
    double dt = now_s() - t0;
    sync_client_close(c);
    long stored = boh_count(h, "SELECT count(*) FROM sale");
    if (rc != K_OK || stored != txns) {
        fprintf(stderr, "sync_bench: upload failed (%s), or %ld of %d sales stored\n", msg.text, stored, txns);
        return 1;
    }
    printf("sync upload (plain HTTP, loopback, batches of %lld)\n", (long long)cfg->sync_batch);
    printf("  %d transactions, %ld outbox rows in %ld batches: %.2f s\n", txns, rows, batches, dt);
    printf("  %.0f rows/s, %.0f transactions/s; each sale stored once\n", (double)rows / dt, (double)txns / dt);
    return 0;
}

/* Fills a ledger with txns offline sales at path: on a memory file
 * system when there is one (the fill is not what is measured; a commit to
 * disk costs an fsync each), then copied to dst. */
static int fill(const char *dst, int txns)
{
    char tmp[256] = "/dev/shm/sync_bench_XXXXXX", path[300];
    bool shm = mkdtemp(tmp) != NULL;
    snprintf(path, sizeof path, "%s/kiosk.db", shm ? tmp : "");
    const char *at = shm ? path : dst;
    ledger_t *l;
    kmsg_t msg = {""};
    int rc = ledger_open(at, LEDGER_CREATE, NULL, &l, &msg) == K_OK ? 0 : 1;
    double t0 = now_s();
    for (int i = 0; rc == 0 && i < txns; i++)
        rc = sell(l, (unsigned)i + 1, &msg) == K_OK ? 0 : 1;
    ledger_close(l);
    if (rc == 0)
        printf("ledger filled: %d offline sales in %.2f s%s\n", txns, now_s() - t0, shm ? " (in memory)" : "");
    else
        fprintf(stderr, "sync_bench: filling the ledger: %s\n", msg.text);
    if (shm) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "cp '%s' '%s' && rm -rf '%s'", path, dst, tmp);
        rc |= system(cmd) == 0 ? 0 : 1;
    }
    return rc;
}

/* The kiosk's keys, made in its identity folder, and its upload key
 * registered in the back office (as staff do for a kiosk added by hand). */
static int register_key(const kiosk_config_t *cfg, boh_t *h)
{
    char dir[CFG_PATH_LEN], args[200];
    identity_t id;
    kmsg_t msg = {""};
    if (!config_identity_dir(cfg, dir, sizeof dir) || identity_ensure_keys(dir, &id, &msg) != K_OK) {
        fprintf(stderr, "sync_bench: the kiosk's keys: %s\n", msg.text);
        return 1;
    }
    snprintf(args, sizeof args, "kiosk upload-key K1 %s", id.upload_key);
    return boh_cli(h, NULL, 0, args) == 0 ? 0 : 1;
}

static int bench(int txns)
{
    boh_t h;
    if (!boh_setup(&h, false, NULL) || !boh_meter(&h, "000000000001", "S1")) {
        fprintf(stderr, "sync_bench: could not start the back office (see %s)\n", h.dir);
        return 1;
    }
    kiosk_config_t cfg;
    config_defaults(&cfg);
    snprintf(cfg.kiosk_id, sizeof cfg.kiosk_id, "K1");
    snprintf(cfg.sync_url, sizeof cfg.sync_url, "http://127.0.0.1:%d", h.port);
    snprintf(cfg.ledger_path, sizeof cfg.ledger_path, "%s/kiosk.db", h.dir);
    ledger_t *l = NULL;
    kmsg_t msg = {""};
    int rc = fill(cfg.ledger_path, txns);
    if (rc == 0 && ledger_open(cfg.ledger_path, LEDGER_EXISTING, NULL, &l, &msg) != K_OK) {
        fprintf(stderr, "sync_bench: %s\n", msg.text);
        rc = 1;
    }
    if (rc == 0)
        rc = register_key(&cfg, &h);
    if (rc == 0)
        rc = upload(&cfg, l, txns, &h);
    ledger_close(l);
    boh_teardown(&h);
    return rc;
}

int main(int argc, char **argv)
{
    int txns = 10000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--backoffice") == 0)
            setenv("BACKOFFICE", argv[i + 1], 1);
        else if (strcmp(argv[i], "--txns") == 0)
            txns = atoi(argv[i + 1]) < 1 ? 1 : atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--dir") == 0)
            setenv("TMPDIR", argv[i + 1], 1);
        else {
            fprintf(stderr, "usage: sync_bench --backoffice PATH [--txns N] [--dir DIR]\n");
            return 2;
        }
    }
    if (!getenv("BACKOFFICE")) {
        fprintf(stderr, "sync_bench: --backoffice PATH is required\n");
        return 2;
    }
    return bench(txns);
}
