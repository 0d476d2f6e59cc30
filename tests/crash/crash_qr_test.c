/* QR crash test. crash_qr_child sells by QR code through the reference
 * back office (a paid order, one the resident cancels, one whose creation
 * is answered with a 500) and is SIGKILLed at each step boundary in turn. Then the
 * real kioskctl recovers and verifies the ledger, and the witnesses are the
 * back office's orders and the fake meters' journal: no order left open,
 * every paid order booked exactly once (method qr, its id the reference)
 * to a delivered sale and credited to its meter exactly once, nothing
 * booked for an order not paid. Then the resident's phone pays every order
 * the kiosk gave up (late), `kioskctl sync now` books those from the back
 * office's notices, and the same must hold, with the back office's sales
 * equal to the ledger's.
 *
 *   crash_qr_test CHILD KIOSKCTL BACKOFFICE
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "crash_bo.h"
#include "crash_util.h"
#include "support/support.h"

static char *child_bin, *ctl_bin;

/* The orders against the ledger's QR payments. */
static const crash_bo_check_t orders[] = {
    {"an order left open", "SELECT id, txn_id FROM qr_order WHERE state = 'pending'"},
    {"a paid order not booked exactly once (order, state, bookings)",
     "SELECT o.id, o.state, count(p.id) FROM qr_order o LEFT JOIN k.payment p ON p.method = 'qr' AND p.ref = o.id "
     "WHERE o.state IN ('paid', 'paid_late') GROUP BY o.id HAVING count(p.id) != 1"},
    {"an order booked that was not paid", "SELECT o.id, o.state FROM qr_order o JOIN k.payment p "
                                          "ON p.method = 'qr' AND p.ref = o.id WHERE o.state NOT IN ('paid', 'paid_late')"},
    {"a QR payment of no order", "SELECT txn_id, ref FROM k.payment WHERE method = 'qr' AND ref NOT IN "
                                 "(SELECT id FROM qr_order)"},
    {"a QR payment of another amount (order, paid, booked)",
     "SELECT o.id, o.amount, p.amount FROM qr_order o JOIN k.payment p ON p.method = 'qr' AND p.ref = o.id "
     "WHERE p.amount != o.amount"},
    {"a paid order whose sale is not delivered",
     "SELECT o.id, t.id, t.state FROM qr_order o JOIN k.payment p ON p.method = 'qr' AND p.ref = o.id "
     "JOIN k.txn t ON t.id = p.txn_id WHERE t.state != 'delivered'"},
};

static void make_site(char *dir, size_t len, const boh_t *h)
{
    char cfg[1600], port[16];
    if (!tmpdir_make(dir, len)) {
        perror("tmpdir");
        exit(2);
    }
    snprintf(cfg, sizeof cfg,
             "[ledger]\npath = %s/ledger.db\n[gateway]\nprotocol = fake\nfake_dir = %s\n[site]\nkiosk_id = K1\n"
             "[sync]\nurl = http://127.0.0.1:%d\ntimeout_ms = 3000\nqr = true\nqr_ttl_s = 60\n"
             "[delivery]\nattempts = 2\nretry_base_ms = 100\n[log]\nlevel = error\n",
             dir, dir, h->port);
    if (!file_write(dir, "kiosk.ini", cfg) ||
        !file_write(dir, "meters", "000000000001 100000000001 0 0\n000000000002 100000000002 41 900\n"
                                   "000000000003 100000000003 7 0\n"))
        exit(2);
    snprintf(port, sizeof port, "%d", h->port);
    setenv("CRASH_BO_PORT", port, 1);
}

/* The ledger against the meters and the orders; how many QR payments it
 * holds. */
static long hold(const char *dir, boh_t *h, const char *label)
{
    char path[700];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    crash_check_t c = {.label = label};
    crash_load_fake_journal(dir, &c);
    ledger_t *l;
    if (ledger_open(path, LEDGER_EXISTING, NULL, &l, NULL) != K_OK) {
        crash_fail("%s: no ledger after recovery", label);
        return 0;
    }
    crash_match_ledger(l, &c);
    crash_check_child_log(dir, l, &c);
    ledger_close(l);
    crash_bo_checks(h, path, orders, sizeof orders / sizeof orders[0], label);
    return boh_count(h, "SELECT count(*) FROM qr_order WHERE state IN ('paid', 'paid_late')");
}

/* The resident's phone pays every order the kiosk gave up. */
static void pay_late(boh_t *h, const char *label)
{
    char db[300];
    snprintf(db, sizeof db, "%s/bo.db", h->dir);
    sqlite3 *d;
    sqlite3_stmt *st = NULL;
    char ids[8][64];
    int n = 0;
    if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(d, "SELECT id FROM qr_order WHERE state IN ('cancelled', 'expired')", -1, &st, NULL) ==
            SQLITE_OK)
        while (n < 8 && sqlite3_step(st) == SQLITE_ROW)
            snprintf(ids[n++], sizeof ids[0], "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(d);
    for (int i = 0; i < n; i++) {
        char path[160];
        snprintf(path, sizeof path, "/v1/sim/qr-orders/%s/pay", ids[i]);
        boh_resp_t r = boh_call(h, NULL, "POST", path, NULL, NULL);
        if (r.status != 200)
            crash_fail("%s: paying order %s late: %ld %s", label, ids[i], r.status, r.body);
        boh_free(&r);
    }
}

/* Restart, recover, verify, hold; then the late payments and a sync. */
static void check_site(const char *dir, boh_t *h, const char *label, bool uncut)
{
    int rc = crash_ctl(ctl_bin, dir, "recover", NULL);
    if (rc != 0)
        crash_fail("%s: kioskctl recover exited %d", label, rc);
    if ((rc = crash_ctl(ctl_bin, dir, "ledger", "verify")) != 0)
        crash_fail("%s: kioskctl ledger verify exited %d", label, rc);
    long paid = hold(dir, h, label);
    if (uncut && paid != 1)
        crash_fail("%s: %ld orders paid, the script pays one", label, paid);
    pay_late(h, label);
    if ((rc = crash_ctl(ctl_bin, dir, "sync", "now")) != 0)
        crash_fail("%s: kioskctl sync now exited %d", label, rc);
    if ((rc = crash_ctl(ctl_bin, dir, "ledger", "verify")) != 0)
        crash_fail("%s: kioskctl ledger verify exited %d after the late payments", label, rc);
    char late[160], path[700];
    snprintf(late, sizeof late, "%s, then paid late", label);
    paid = hold(dir, h, late);
    if (uncut && paid != 3)
        crash_fail("%s: %ld orders paid, three were made", late, paid);
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    crash_bo_hold(h, path, late);
}

/* One run killed at step k; false once the child ran to the end. */
static bool run_once(int k)
{
    char dir[512], cfg[600], karg[16], label[96];
    boh_t h;
    if (!boh_setup(&h, false, NULL)) {
        fprintf(stderr, "the back office did not start\n");
        exit(2);
    }
    make_site(dir, sizeof dir, &h);
    crash_bo_kiosk(&h, dir);
    snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
    snprintf(karg, sizeof karg, "%d", k);
    char *argv[] = {child_bin, cfg, karg, NULL};
    int status = crash_run(argv, 0);
    bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    if (!killed && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
        crash_fail("k=%d: the child ended with status %d instead of being killed", k, status);
    snprintf(label, sizeof label, "k=%d (%s)", k, killed ? crash_step_name(dir, k) : "ran to the end");
    int before = crash_failures;
    check_site(dir, &h, label, !killed);
    boh_stop(&h);
    if (crash_failures == before) {
        tmpdir_remove(dir);
        boh_teardown(&h);
    } else {
        fprintf(stderr, "      the site is kept in %s, the back office in %s\n", dir, h.dir);
    }
    return killed;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: crash_qr_test CHILD KIOSKCTL BACKOFFICE\n");
        return 2;
    }
    child_bin = argv[1];
    ctl_bin = argv[2];
    setenv("BACKOFFICE", argv[3], 1);
    int k = 1;
    while (run_once(k))
        k++;
    printf("killed at each of %d step boundaries of QR sales; %d failures\n", k - 1, crash_failures);
    if (k - 1 < 18)
        crash_fail("only %d step boundaries: the step hook is not reached where it should be", k - 1);
    return crash_failures ? 1 : 0;
}
