/* Crash test. A child runs scripted sales against the fake meters and is
 * killed with SIGKILL; then the real kioskctl restarts (recovery) and
 * verifies the ledger, and the meters' own journal is held against it:
 * no credit lost, none delivered twice.
 *
 *   crash_test steps  CHILD KIOSKCTL   kill at each step boundary k = 1..K
 *   crash_test random CHILD KIOSKCTL   kill at random moments (mid-commit too)
 *   crash_test remote-dlt645|remote-modbus CHILD KIOSKCTL METERSIM
 *                                      each step boundary of remote sales to
 *                                      metersim; its journal is the witness
 *   crash_test power-steps CHILD KIOSKCTL  a power cut (crash_vfs.h) at each
 *                                      step boundary: writes not synced lost
 *   crash_test power-ops CHILD KIOSKCTL    a power cut before each sync of
 *                                      the ledger's files and mid-way through
 *                                      each transaction's writes; every other
 *                                      cut lets a random subset of the writes
 *                                      not synced land
 */
#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crash_util.h"
#include "ledger/ledger.h"
#include "support/simclient.h"
#include "support/support.h"

static char *child_bin, *ctl_bin, *sim_bin;
static const char *remote; /* NULL: the fake meters; else "dlt645" or "modbus" */
static const char *power;  /* NULL: SIGKILL; "steps": a power cut there instead (crash_child's CRASH_POWER) */
static sc_sim_t sim;

static const char *const meters[] = {"000000000001", "000000000002", "000000000003"};

/* The meter's JSON object from metersim (caller deletes). */
static cJSON *sim_meter(const char *meter)
{
    static char text[1 << 20];
    char cmd[64];
    snprintf(cmd, sizeof cmd, "state %s", meter);
    if (!sc_control(&sim, cmd, text, sizeof text))
        return NULL;
    cJSON *o = cJSON_Parse(text + 3);
    if (cJSON_IsArray(o)) {
        cJSON *m = cJSON_DetachItemFromArray(o, 0);
        cJSON_Delete(o);
        o = m;
    }
    return o;
}

/* metersim with three meters, frozen time, and a registry naming them. */
static void start_remote(const char *dir, char *gateway_section, size_t len)
{
    const char *extra[] = {"--meters", "3", "--baud", "9600", "--speed", "0", "--log-level", "error", NULL};
    if (!sc_start(&sim, sim_bin, dir, extra)) {
        fprintf(stderr, "metersim did not start\n");
        exit(2);
    }
    char reg[1024] = "meter,customer,protocol,gateway\n", port[16];
    for (int i = 0; i < 3; i++) {
        cJSON *m = sim_meter(meters[i]);
        if (!m)
            exit(2);
        char line[160], unit[16] = "";
        bool modbus = strcmp(remote, "modbus") == 0;
        if (modbus)
            snprintf(unit, sizeof unit, "/%d", (int)cJSON_GetNumberValue(cJSON_GetObjectItem(m, "unit")));
        snprintf(line, sizeof line, "%s,%s,%s,127.0.0.1:%d%s\n", meters[i],
                 cJSON_GetObjectItem(m, "customer")->valuestring, remote, modbus ? sim.modbus : sim.dlt645, unit);
        strcat(reg, line);
        cJSON_Delete(m);
    }
    if (!file_write(dir, "meters.csv", reg))
        exit(2);
    snprintf(port, sizeof port, "%d", sim.control);
    setenv("METERSIM_CONTROL", port, 1);
    snprintf(gateway_section, len,
             "[gateway]\nprotocol = %s\nmaster_key_file = %s/master.key\ntimeout_ms = 500\n"
             "[registry]\npath = %s/meters.csv\n",
             remote, dir, dir);
}

static void make_site(char *dir, size_t len)
{
    if (!tmpdir_make(dir, len)) {
        perror("tmpdir");
        exit(2);
    }
    char gateway[1400], cfg[3000];
    if (remote)
        start_remote(dir, gateway, sizeof gateway);
    else
        snprintf(gateway, sizeof gateway, "[gateway]\nprotocol = fake\nfake_dir = %s\n", dir);
    snprintf(cfg, sizeof cfg,
             "[ledger]\npath = %s/ledger.db\n%s[delivery]\nattempts = 2\nretry_base_ms = 100\n[log]\nlevel = error\n",
             dir, gateway);
    if (!file_write(dir, "kiosk.ini", cfg) ||
        !file_write(dir, "meters", "000000000001 100000000001 0 0\n000000000002 100000000002 41 900\n"
                                   "000000000003 100000000003 7 0\n"))
        exit(2);
}

static void load_sim_journal(crash_check_t *c)
{
    for (int i = 0; i < 3; i++) {
        cJSON *m = sim_meter(meters[i]), *e;
        if (!m) {
            crash_fail("%s: metersim did not answer", c->label);
            return;
        }
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(m, "journal"))
        {
            crash_add_credit(c, meters[i], (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "count")),
                             (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "amount")));
        }
        cJSON_Delete(m);
    }
}

static void load_journal(const char *dir, crash_check_t *c)
{
    if (remote) {
        load_sim_journal(c);
        return;
    }
    crash_load_fake_journal(dir, c);
}

/* Restart, recover, verify, and hold the ledger against the meters. */
static void check_site(const char *dir, const char *label)
{
    crash_check_t c = {.label = label};
    int rc = crash_ctl(ctl_bin, dir, "recover", NULL);
    if (rc != 0)
        crash_fail("%s: kioskctl recover exited %d", label, rc);
    if ((rc = crash_ctl(ctl_bin, dir, "ledger", "verify")) != 0)
        crash_fail("%s: kioskctl ledger verify exited %d", label, rc);
    load_journal(dir, &c);
    char path[700];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    ledger_t *l;
    kmsg_t msg = {""};
    if (ledger_open(path, LEDGER_EXISTING, NULL, &l, &msg) != K_OK) {
        /* killed before the ledger existed: then nothing may be credited */
        if (c.n_credits)
            crash_fail("%s: no ledger, but the meters hold %d credits", label, c.n_credits);
        return;
    }
    crash_match_ledger(l, &c);
    crash_check_child_log(dir, l, &c);
    ledger_close(l);
}

/* Checks a site; keeps it for a post-mortem if the check failed. */
static void check_and_clean(const char *dir, const char *label)
{
    int before = crash_failures;
    check_site(dir, label);
    if (remote)
        sc_stop(&sim);
    if (crash_failures == before)
        tmpdir_remove(dir);
    else
        fprintf(stderr, "      the site is kept in %s\n", dir);
}

static int by_steps(void)
{
    int k;
    for (k = 1;; k++) {
        char dir[512], cfg[600], karg[16], label[320];
        make_site(dir, sizeof dir);
        snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
        snprintf(karg, sizeof karg, "%d", k);
        if (power)
            setenv("CRASH_POWER", "steps", 1);
        char shortarg[] = "short", *argv[] = {child_bin, cfg, karg, remote ? shortarg : NULL, NULL};
        int status = crash_run(argv, 0);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                crash_fail("k=%d: the child ended with status %d instead of being killed", k, status);
            if (remote)
                sc_stop(&sim);
            tmpdir_remove(dir);
            break;
        }
        snprintf(label, sizeof label, "k=%d (%s)", k, crash_step_name(dir, k));
        check_and_clean(dir, label);
    }
    int boundaries = k - 1;
    printf("%s at each of %d step boundaries; %d failures\n", power ? "power cut" : "killed", boundaries,
           crash_failures);
    if (boundaries < (remote ? 25 : 40))
        crash_fail("only %d step boundaries: the step hook is not reached where it should be", boundaries);
    return crash_failures ? 1 : 0;
}

/* Where to cut, from the uncut run's operations (crash_vfs_trace): before
 * each sync (a transaction written, not yet durable) and at the middle
 * write of each run of writes (a transaction half written). 1-based. */
static int cut_points(const char *trace, int *out, int max)
{
    int n = 0, run = -1;
    for (int i = 0; trace[i] && n + 2 <= max; i++) {
        if (trace[i] != 's') {
            run = run < 0 ? i : run;
            continue;
        }
        if (run >= 0 && i - run >= 2)
            out[n++] = (run + i) / 2 + 1;
        out[n++] = i + 1;
        run = -1;
    }
    return n;
}

/* One run of the short script, cut at database operation op (0: uncut). */
static void cut_once(int op, const char *mode, char **trace)
{
    char dir[512], cfg[600], karg[16], label[320];
    make_site(dir, sizeof dir);
    snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
    snprintf(karg, sizeof karg, "%d", op);
    setenv("CRASH_POWER", mode, 1);
    char shortarg[] = "short", *argv[] = {child_bin, cfg, karg, shortarg, NULL};
    int status = crash_run(argv, 0);
    bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    if (!killed && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
        crash_fail("op %d: the child ended with status %d", op, status);
    char *cut = killed ? file_read(dir, "cut.log") : NULL;
    if (cut)
        cut[strcspn(cut, "\n")] = '\0';
    snprintf(label, sizeof label, "%s", cut ? cut : "ran to the end");
    free(cut);
    if (trace)
        *trace = file_read(dir, "ops.log");
    check_and_clean(dir, label);
}

static int by_ops(void)
{
    char *trace = NULL;
    cut_once(0, "ops", &trace);
    int cuts[1024], n = trace ? cut_points(trace, cuts, 1024) : 0;
    for (int i = 0; i < n; i++)
        cut_once(cuts[i], i % 2 ? "ops-reorder" : "ops", NULL);
    printf("power cut at %d of %zu database operations (each sync, and mid-way through each transaction's "
           "writes; every other cut with a random subset of the unsynced writes landed); %d failures\n",
           n, trace ? strlen(trace) : 0, crash_failures);
    if (n < 40)
        crash_fail("only %d cut points: the power-cut VFS does not see the ledger's writes", n);
    free(trace);
    return crash_failures ? 1 : 0;
}

static int at_random(void)
{
    /* How long a whole run takes, then kills spread over that time. */
    char dir[512], cfg[600];
    make_site(dir, sizeof dir);
    snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
    char zero[] = "0", *argv[] = {child_bin, cfg, zero, NULL};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    crash_run(argv, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    tmpdir_remove(dir);
    long span_us = (b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000;
    srand(20261121);
    for (int i = 0; i < 60; i++) {
        unsigned delay = (unsigned)(rand() % (span_us + 1)) + 1;
        char label[64];
        make_site(dir, sizeof dir);
        snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
        char *args[] = {child_bin, cfg, zero, NULL};
        crash_run(args, delay);
        snprintf(label, sizeof label, "random kill %d after %u us", i, delay);
        check_and_clean(dir, label);
    }
    printf("60 random kills over a %ld us run; %d failures\n", span_us, crash_failures);
    return crash_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr,
                "usage: crash_test steps|random|power-steps|power-ops|remote-dlt645|remote-modbus CHILD KIOSKCTL "
                "[METERSIM]\n");
        return 2;
    }
    child_bin = argv[2];
    ctl_bin = argv[3];
    if (strncmp(argv[1], "remote-", 7) == 0) {
        if (argc != 5)
            return 2;
        remote = argv[1] + 7;
        sim_bin = argv[4];
        return by_steps();
    }
    if (strcmp(argv[1], "steps") == 0)
        return by_steps();
    if (strcmp(argv[1], "power-steps") == 0) {
        power = "steps";
        return by_steps();
    }
    if (strcmp(argv[1], "power-ops") == 0)
        return by_ops();
    if (strcmp(argv[1], "random") == 0)
        return at_random();
    return 2;
}
