/* The kiosk side of the crash test: runs a fixed series of sales against
 * the fake meters and, when asked, SIGKILLs itself at step boundary K.
 *
 *   crash_child CONFIG K [short]   K = 0 runs to the end
 *
 * Faults are staged in the fake meters' faults file, or, when the variable
 * METERSIM_CONTROL names a port, on metersim's control port.
 * It appends each step it passes to steps.log and each finished sale to
 * child.log, in the folder of CONFIG ("done ID STATE"), both with write(2), so the test knows
 * what the process had seen committed when it died.
 *
 * With CRASH_POWER set, its SQLite files go through the power-cut VFS
 * (crash_vfs.h) and the child dies by a power cut instead: "steps" cuts
 * at step boundary K; "ops" cuts before the K-th write, truncate or sync
 * of a database file, losing every write not synced; "ops-reorder" does
 * the same but lets a random subset of those writes land. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash_util.h"
#include "crash_vfs.h"
#include "engine/engine.h"
#include "kiosk/site/site_devices.h"

static crash_steps_t steps;
static char dir[CFG_PATH_LEN];
static registry_t registry;

/* One sale paid in `n` equal payments; an empty sale is cancelled. */
static void sale(engine_t *e, const char *meter, int64_t each, int n)
{
    char id[UUID_STR_LEN], line[128];
    kmsg_t msg = {""};
    const registry_entry_t *entry = registry_find(&registry, meter);
    sale_req_t req = {.meter = meter, .customer = entry ? entry->customer : "", .method = METHOD_CASH,
                      .channel = CHANNEL_REMOTE, .amount = n ? each * n : 500};
    crash_must(engine_open_sale(e, &req, id, &msg), &msg, "open");
    crash_must(engine_begin_payment(e, id, &msg), &msg, "begin payment");
    for (int i = 0; i < n; i++) {
        ledger_payment_t note = {.method = METHOD_CASH, .amount = each, .denomination = each, .ref = "note"};
        crash_must(engine_accept_payment(e, id, &note, &msg), &msg, "payment");
    }
    crash_must(engine_finish_payment(e, id, &msg), &msg, "finish payment");
    ledger_txn_t t;
    if (n) {
        crash_must(engine_deliver(e, id, &t, &msg), &msg, "deliver");
    } else {
        crash_must(ledger_get(e->ledger, id, &t, &msg), &msg, "read back");
    }
    snprintf(line, sizeof line, "done %s %s\n", id, txn_state_name(t.state));
    crash_append(dir, "child.log", line);
}

static void arm_fault(const char *fault)
{
    const char *port = getenv("METERSIM_CONTROL");
    if (port) {
        char cmd[64];
        unsigned n;
        char kind[32];
        sscanf(fault, "%31s %u", kind, &n);
        snprintf(cmd, sizeof cmd, "%s %u\n", strcmp(kind, "lose_reply") == 0 ? "lose-reply" : kind, n);
        if (!crash_control(atoi(port), cmd))
            exit(6);
        return;
    }
    char path[CFG_PATH_LEN + 16];
    snprintf(path, sizeof path, "%s/faults", dir);
    FILE *f = fopen(path, "w");
    if (!f || fputs(fault, f) < 0 || fclose(f) != 0)
        exit(5);
}

/* The power-cut VFS as CRASH_POWER asks (none if it is not set). */
static void power_cut_setup(int k)
{
    const char *mode = getenv("CRASH_POWER");
    if (!mode)
        return;
    bool ops = strncmp(mode, "ops", 3) == 0;
    crash_vfs_opts_t o = {.cut_at_op = ops ? k : 0, .seed = strcmp(mode, "ops-reorder") == 0 ? (unsigned)k : 0,
                          .log_dir = dir};
    if (!crash_vfs_install(&o)) {
        fprintf(stderr, "crash_child: no power-cut VFS\n");
        exit(4);
    }
    if (ops)
        steps.kill_at = 0;
    else
        steps.cut = crash_vfs_cut;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: crash_child CONFIG K [short]\n");
        return 2;
    }
    bool short_script = argc == 4 && strcmp(argv[3], "short") == 0;
    steps.kill_at = atoi(argv[2]);
    kiosk_config_t cfg;
    kmsg_t msg = {""};
    crash_config(argv[1], &cfg, dir, sizeof dir); /* the site folder: where the configuration is */
    steps.dir = dir;
    power_cut_setup(atoi(argv[2]));

    ledger_t *l;
    gw_t gw;
    if (cfg.registry_path[0])
        crash_must(registry_load(cfg.registry_path, &registry, &msg), &msg, "registry");
    crash_must(ledger_open(cfg.ledger_path, LEDGER_CREATE, NULL, &l, &msg), &msg, "ledger");
    crash_must(site_gateway_open(&cfg, &registry, &gw, &msg), &msg, "gateway");
    engine_t e = {.ledger = l, .gw = &gw, .cfg = &cfg, .step = crash_step, .step_ctx = &steps};
    engine_recovery_t rep;
    crash_must(engine_recover(&e, &rep, &msg), &msg, "recovery");

    sale(&e, "000000000001", 5000, 1);
    sale(&e, "000000000002", 1000, 3);
    if (!short_script) {
        sale(&e, "000000000003", 0, 0); /* nothing paid: cancelled */
        sale(&e, "000000000001", 2000, 1);
    }
    arm_fault("lose_reply 1\n");
    sale(&e, "000000000003", 1500, 1);
    arm_fault("drop 1\n");
    sale(&e, "000000000002", 1200, 1);

    ledger_close(l);
    gw_close(&gw);
    registry_free(&registry);
    if (getenv("CRASH_POWER"))
        crash_append(dir, "ops.log", crash_vfs_trace());
    printf("steps %d, database operations %ld\n", steps.n, crash_vfs_ops());
    return 0;
}
