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
 */
#include <cjson/cJSON.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/ledger/ledger.h"
#include "support/simclient.h"
#include "support/support.h"

static char *child_bin, *ctl_bin, *sim_bin;
static const char *remote; /* NULL: the fake meters; else "dlt645" or "modbus" */
static sc_sim_t sim;
static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    failures++;
}

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

/* Runs argv (killing it after kill_after_us if that is not 0) and returns
 * its wait status. */
static int run(char *const argv[], unsigned kill_after_us)
{
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        execv(argv[0], argv);
        _exit(127);
    }
    if (kill_after_us) {
        usleep(kill_after_us);
        kill(pid, SIGKILL);
    }
    int status;
    waitpid(pid, &status, 0);
    return status;
}

static int run_ctl(const char *dir, const char *verb, const char *sub)
{
    char cfg[700], v[32], s[32];
    snprintf(cfg, sizeof cfg, "--config=%s/kiosk.ini", dir);
    snprintf(v, sizeof v, "%s", verb);
    snprintf(s, sizeof s, "%s", sub ? sub : "");
    char *argv[] = {ctl_bin, cfg, v, sub ? s : NULL, NULL};
    int status = run(argv, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

typedef struct credit {
    char meter[16];
    long long count, amount;
    bool matched;
} credit_t;

typedef struct check {
    const char *label;
    credit_t credits[64];
    int n_credits;
    long long paid_delivered;
    char done_ids[16][UUID_STR_LEN];
} check_t;

static void load_sim_journal(check_t *c)
{
    for (int i = 0; i < 3; i++) {
        cJSON *m = sim_meter(meters[i]), *e;
        if (!m) {
            fail("%s: metersim did not answer", c->label);
            return;
        }
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(m, "journal"))
        {
            credit_t *cr = &c->credits[c->n_credits];
            if (c->n_credits == 64)
                break;
            snprintf(cr->meter, sizeof cr->meter, "%s", meters[i]);
            cr->count = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "count"));
            cr->amount = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "amount"));
            c->n_credits++;
        }
        cJSON_Delete(m);
    }
}

static void load_journal(const char *dir, check_t *c)
{
    if (remote) {
        load_sim_journal(c);
        return;
    }
    char *text = file_read(dir, "journal");
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        credit_t *cr = &c->credits[c->n_credits];
        if (c->n_credits < 64 && sscanf(line, "credit %15s %lld %lld", cr->meter, &cr->count, &cr->amount) == 3)
            c->n_credits++;
    }
    free(text);
    for (int i = 0; i < c->n_credits; i++)
        for (int j = i + 1; j < c->n_credits; j++)
            if (strcmp(c->credits[i].meter, c->credits[j].meter) == 0 && c->credits[i].count == c->credits[j].count)
                fail("%s: meter %s credited twice with count %lld", c->label, c->credits[i].meter,
                     c->credits[i].count);
}

static void on_txn(void *ctx, const ledger_txn_t *t)
{
    check_t *c = ctx;
    if (t->state == TXN_CANCELLED && t->paid == 0)
        return;
    if (t->state != TXN_DELIVERED) {
        fail("%s: txn %.8s left %s (%s) after recovery", c->label, t->id, txn_state_name(t->state), t->reason);
        return;
    }
    int found = 0;
    for (int i = 0; i < c->n_credits; i++) {
        credit_t *cr = &c->credits[i];
        if (strcmp(cr->meter, t->meter) == 0 && cr->count == t->purchase_count) {
            found++;
            cr->matched = true;
            if (cr->amount != t->paid)
                fail("%s: txn %.8s paid %lld but the meter got %lld", c->label, t->id, (long long)t->paid,
                     cr->amount);
        }
    }
    if (found != 1)
        fail("%s: txn %.8s delivered, but the meter has %d credits with its count %lld", c->label, t->id, found,
             (long long)t->purchase_count);
    c->paid_delivered += t->paid;
}

/* Every sale the child saw finished must still be there, as it saw it. */
static void check_child_log(const char *dir, ledger_t *l, check_t *c)
{
    char *text = file_read(dir, "child.log");
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        char id[UUID_STR_LEN], state[32];
        ledger_txn_t t;
        if (sscanf(line, "done %36s %31s", id, state) != 2)
            continue;
        if (ledger_get(l, id, &t, NULL) != K_OK)
            fail("%s: the child finished %.8s, but the ledger lost it", c->label, id);
        else if (strcmp(txn_state_name(t.state), state) != 0)
            fail("%s: the child saw %.8s %s, the ledger now says %s", c->label, id, state, txn_state_name(t.state));
    }
    free(text);
}

/* Restart, recover, verify, and hold the ledger against the meters. */
static void check_site(const char *dir, const char *label)
{
    check_t c = {.label = label};
    int rc = run_ctl(dir, "recover", NULL);
    if (rc != 0)
        fail("%s: kioskctl recover exited %d", label, rc);
    if ((rc = run_ctl(dir, "ledger", "verify")) != 0)
        fail("%s: kioskctl ledger verify exited %d", label, rc);
    load_journal(dir, &c);
    char path[700];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    ledger_t *l;
    kmsg_t msg = {""};
    if (ledger_open(path, LEDGER_EXISTING, NULL, &l, &msg) != K_OK) {
        /* killed before the ledger existed: then nothing may be credited */
        if (c.n_credits)
            fail("%s: no ledger, but the meters hold %d credits", label, c.n_credits);
        return;
    }
    ledger_filter_t all = {0};
    ledger_list(l, &all, on_txn, &c, NULL);
    check_child_log(dir, l, &c);
    ledger_close(l);
    long long credited = 0;
    for (int i = 0; i < c.n_credits; i++) {
        credited += c.credits[i].amount;
        if (!c.credits[i].matched)
            fail("%s: meter %s got count %lld (%lld) that no delivered transaction explains", label,
                 c.credits[i].meter, c.credits[i].count, c.credits[i].amount);
    }
    if (credited != c.paid_delivered)
        fail("%s: %lld paid and delivered, %lld credited to meters", label, c.paid_delivered, credited);
}

/* Checks a site; keeps it for a post-mortem if the check failed. */
static void check_and_clean(const char *dir, const char *label)
{
    int before = failures;
    check_site(dir, label);
    if (remote)
        sc_stop(&sim);
    if (failures == before)
        tmpdir_remove(dir);
    else
        fprintf(stderr, "      the site is kept in %s\n", dir);
}

static const char *step_name(const char *dir, int k)
{
    static char name[64];
    char *text = file_read(dir, "steps.log"), want[16];
    snprintf(want, sizeof want, "%d ", k);
    snprintf(name, sizeof name, "?");
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n"))
        if (strncmp(line, want, strlen(want)) == 0)
            snprintf(name, sizeof name, "%s", line + strlen(want));
    free(text);
    return name;
}

static int by_steps(void)
{
    int k;
    for (k = 1;; k++) {
        char dir[512], cfg[600], karg[16], label[96];
        make_site(dir, sizeof dir);
        snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
        snprintf(karg, sizeof karg, "%d", k);
        char shortarg[] = "short", *argv[] = {child_bin, cfg, karg, remote ? shortarg : NULL, NULL};
        int status = run(argv, 0);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                fail("k=%d: the child ended with status %d instead of being killed", k, status);
            if (remote)
                sc_stop(&sim);
            tmpdir_remove(dir);
            break;
        }
        snprintf(label, sizeof label, "k=%d (%s)", k, step_name(dir, k));
        check_and_clean(dir, label);
    }
    int boundaries = k - 1;
    printf("killed at each of %d step boundaries; %d failures\n", boundaries, failures);
    if (boundaries < (remote ? 25 : 40))
        fail("only %d step boundaries: the step hook is not reached where it should be", boundaries);
    return failures ? 1 : 0;
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
    run(argv, 0);
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
        run(args, delay);
        snprintf(label, sizeof label, "random kill %d after %u us", i, delay);
        check_and_clean(dir, label);
    }
    printf("60 random kills over a %ld us run; %d failures\n", span_us, failures);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: crash_test steps|random|remote-dlt645|remote-modbus CHILD KIOSKCTL [METERSIM]\n");
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
    if (strcmp(argv[1], "random") == 0)
        return at_random();
    return 2;
}
