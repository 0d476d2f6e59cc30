/* Payment crash test. crash_pay_child takes cash and card payments from
 * cashsim and paysim and is killed at each step boundary in turn; then the
 * real kioskctl recovers and verifies the ledger, and the devices' own
 * journals are the witnesses: every note the acceptor stacked is booked
 * once, none is left in escrow, every approval is delivered or reversed,
 * no sale is authorised twice, and the meters got exactly what was
 * delivered. The Z report then closes the shift.
 *
 *   crash_pay_test CHILD KIOSKCTL CASHSIM PAYSIM
 */
#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "crash_util.h"
#include "sim/cashsim_client.h"
#include "sim/paysim_client.h"
#include "support/support.h"

static char *child_bin, *ctl_bin, *cash_bin, *pay_bin;
static cs_sim_t cash;
static ps_sim_t pay;

static void make_site(char *dir, size_t len)
{
    const char *cash_extra[] = {"--log-level", "warn", NULL}, *pay_extra[] = {"--log-level", "warn", NULL};
    char cash_dir[600], pay_dir[600];
    bool made = tmpdir_make(dir, len);
    snprintf(cash_dir, sizeof cash_dir, "%s/cashsim", dir);
    snprintf(pay_dir, sizeof pay_dir, "%s/paysim", dir);
    if (!made || mkdir(cash_dir, 0700) != 0 || mkdir(pay_dir, 0700) != 0 ||
        !cs_start(&cash, cash_bin, cash_dir, cash_extra) || !ps_start(&pay, pay_bin, pay_dir, pay_extra)) {
        fprintf(stderr, "the site or a simulator did not start in %s\n", dir);
        exit(2);
    }
    char cfg[3000], port[16];
    snprintf(cfg, sizeof cfg,
             "[ledger]\npath = %s/ledger.db\n[gateway]\nprotocol = fake\nfake_dir = %s\n"
             "[cash]\nprotocol = cctalk\ndevice = %s\n"
             "[payterm]\nprotocol = zvt\naddress = 127.0.0.1:%d\ntimeout_ms = 1500\nack_timeout_ms = 1000\n"
             "[limits]\nmax_purchase = 5000\n[delivery]\nattempts = 2\nretry_base_ms = 100\n[log]\nlevel = error\n",
             dir, dir, cash.link, pay.zvt);
    if (!file_write(dir, "kiosk.ini", cfg) ||
        !file_write(dir, "meters", "000000000001 100000000001 0 0\n000000000002 100000000002 41 900\n"
                                   "000000000003 100000000003 7 0\n"))
        exit(2);
    snprintf(port, sizeof port, "%d", cash.sc.control);
    setenv("CASHSIM_CONTROL", port, 1);
    snprintf(port, sizeof port, "%d", pay.sc.control);
    setenv("PAYSIM_CONTROL", port, 1);
}

/* A simulator's state (caller deletes). */
static cJSON *sim_state(const sc_sim_t *s, const char *label)
{
    static char text[1 << 18];
    cJSON *o = sc_control(s, "state", text, sizeof text) ? cJSON_Parse(text + 3) : NULL;
    if (!o)
        crash_fail("%s: a simulator did not give its state", label);
    return o;
}

/* Notes stacked by the acceptor, and whether one is still held. */
static void cash_witness(const char *label, long long *notes, long long *value)
{
    cJSON *o = sim_state(&cash.sc, label), *e;
    if (!o)
        return;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "journal"))
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "outcome")), "stacked") == 0) {
            (*notes)++;
            *value += (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "value"));
        }
    }
    if (!cJSON_IsNull(cJSON_GetObjectItem(o, "escrow")))
        crash_fail("%s: a note is still held in escrow after recovery", label);
    cJSON_Delete(o);
}

/* Approvals and reversals in the terminal's journal; a sale (the part of
 * the reference before ':') approved twice is a failure. */
static void card_witness(const char *label, long long *approved, long long *reversed)
{
    cJSON *o = sim_state(&pay.sc, label), *e;
    if (!o)
        return;
    char seen[16][40] = {{0}};
    int n = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "journal"))
    {
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(e, "kind"));
        const char *ref = cJSON_GetStringValue(cJSON_GetObjectItem(e, "reference"));
        const char *result = cJSON_GetStringValue(cJSON_GetObjectItem(e, "result"));
        if (!kind || !ref || !result || strcmp(kind, "authorisation") != 0 || strcmp(result, "00") != 0)
            continue;
        (*approved)++;
        *reversed += cJSON_IsTrue(cJSON_GetObjectItem(e, "reversed"));
        size_t sale = strcspn(ref, ":");
        for (int i = 0; i < n; i++)
            if (strlen(seen[i]) == sale && strncmp(seen[i], ref, sale) == 0)
                crash_fail("%s: sale %.8s was authorised twice", label, ref);
        if (n < 16)
            snprintf(seen[n++], sizeof seen[0], "%.*s", (int)sale, ref);
    }
    cJSON_Delete(o);
}

static void sum_method(const ledger_cash_line_t *lines, size_t n, const char *method, long long *count,
                       long long *total)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(lines[i].method, method) == 0) {
            *count += lines[i].count;
            *total += lines[i].total;
        }
}

typedef struct witnessed {
    long long notes, value, approved, reversed, delivered;
} witnessed_t;

/* The ledger's counters since the last collection against the witnesses. */
static void hold_money(ledger_t *l, const char *label, witnessed_t *w)
{
    long long notes = 0, value = 0, approved = 0, reversed = 0;
    cash_witness(label, &notes, &value);
    card_witness(label, &approved, &reversed);
    *w = (witnessed_t){notes, value, approved, reversed, 0};
    ledger_cash_report_t r;
    kmsg_t msg = {""};
    if (ledger_cash_status(l, &r, &msg) != K_OK) {
        crash_fail("%s: cash status: %s", label, msg.text);
        return;
    }
    long long cash_n = 0, cash_v = 0, card_n = 0, card_v = 0, rev_n = 0, rev_v = 0;
    sum_method(r.taken, r.n_taken, "cash", &cash_n, &cash_v);
    sum_method(r.taken, r.n_taken, "card", &card_n, &card_v);
    sum_method(r.refunded, r.n_refunded, "card_reversal", &rev_n, &rev_v);
    if (cash_n != notes || cash_v != value)
        crash_fail("%s: the acceptor stacked %lld notes (%lld), the ledger booked %lld (%lld)", label, notes, value,
                   cash_n, cash_v);
    if (card_n != approved || rev_n != reversed)
        crash_fail("%s: the terminal approved %lld and reversed %lld, the ledger booked %lld and reversed %lld", label,
                   approved, reversed, card_n, rev_n);
}

/* Restart, recover, verify; hold the ledger against the devices and the
 * meters; close the shift with the Z report. */
static void check_site(const char *dir, const char *label, witnessed_t *w)
{
    crash_check_t c = {.label = label, .refunds_allowed = true};
    int rc = crash_ctl(ctl_bin, dir, "recover", NULL);
    if (rc != 0)
        crash_fail("%s: kioskctl recover exited %d", label, rc);
    if ((rc = crash_ctl(ctl_bin, dir, "ledger", "verify")) != 0)
        crash_fail("%s: kioskctl ledger verify exited %d", label, rc);
    crash_load_fake_journal(dir, &c);
    char path[700];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    ledger_t *l;
    if (ledger_open(path, LEDGER_EXISTING, NULL, &l, NULL) != K_OK) {
        if (c.n_credits)
            crash_fail("%s: no ledger, but the meters hold %d credits", label, c.n_credits);
        return;
    }
    crash_match_ledger(l, &c);
    hold_money(l, label, w);
    w->delivered = c.paid_delivered;
    ledger_close(l);
    if ((rc = crash_ctl(ctl_bin, dir, "cash", "collect")) != 0)
        crash_fail("%s: kioskctl cash collect exited %d", label, rc);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: crash_pay_test CHILD KIOSKCTL CASHSIM PAYSIM\n");
        return 2;
    }
    child_bin = argv[1];
    ctl_bin = argv[2];
    cash_bin = argv[3];
    pay_bin = argv[4];
    int k;
    for (k = 1;; k++) {
        char dir[512], cfg[600], karg[16], label[96];
        make_site(dir, sizeof dir);
        snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
        snprintf(karg, sizeof karg, "%d", k);
        char *args[] = {child_bin, cfg, karg, NULL};
        int status = crash_run(args, 0);
        bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        if (!killed && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
            crash_fail("k=%d: the child ended with status %d instead of being killed", k, status);
        int before = crash_failures;
        snprintf(label, sizeof label, "k=%d (%s)", k, killed ? crash_step_name(dir, k) : "ran to the end");
        witnessed_t w = {0};
        check_site(dir, label, &w);
        /* uncut, the script ends: 3 notes stacked (one returned over the
         * limit), 2 approvals (one learnt by asking), all delivered */
        if (!killed && (w.notes != 3 || w.value != 8000 || w.approved != 2 || w.reversed || w.delivered != 12000))
            crash_fail("the uncut run: %lld notes (%lld), %lld approved, %lld reversed, %lld delivered", w.notes,
                       w.value, w.approved, w.reversed, w.delivered);
        sc_stop(&cash.sc);
        ps_stop(&pay);
        if (crash_failures == before)
            tmpdir_remove(dir);
        else
            fprintf(stderr, "      the site is kept in %s\n", dir);
        if (!killed)
            break;
    }
    printf("killed at each of %d step boundaries of cash and card sales; %d failures\n", k - 1, crash_failures);
    if (k - 1 < 30)
        crash_fail("only %d step boundaries: the step hook is not reached where it should be", k - 1);
    return crash_failures ? 1 : 0;
}
