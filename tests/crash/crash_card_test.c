/* Meter-card crash test, on the real PC/SC stack (pcscd with vpcd's
 * readers, cardsim as the card; the pcscd fixture and the vpcd lock).
 * crash_card_child writes a purchase onto an issued card and is SIGKILLed
 * at each step boundary in turn. Then the real kioskctl recovers with the
 * card still in the reader and verifies the ledger, and the card's own
 * journal (cardsim's image) is the witness: a delivered sale is on the
 * card exactly once with its count and amount, nothing else is, a sale
 * that took no money is cancelled. Where the sale had taken money, the
 * kill is repeated with the card pulled out before the restart: recovery
 * must leave the sale pending for the card (nothing delivered, nothing
 * lost), and the card put back (`kioskctl card read`) must finish it, once.
 * Then the same for a zero first purchase (amount 0: nothing paid, the
 * card's purse opens the account), with the card out once it is paid.
 *
 *   crash_card_test CHILD KIOSKCTL CARDSIM
 */
#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "crash_util.h"
#include "drivers/card/card_session.h"
#include "support/support.h"
#include "support/vcard.h"

#define SERIAL "4B50000000000001"
#define METER "000000000001"

static char *child_bin, *ctl_bin, *cardsim_bin;
static char root[512]; /* cardsim's folder: the key and the issued card's image */
static sc_sim_t sim;
static char amount_arg[8] = "3000"; /* the child's sale: "0" for a zero first purchase */

static void die(const char *what)
{
    fprintf(stderr, "crash_card_test: %s\n", what);
    sc_stop(&sim);
    exit(2);
}

/* A blank card issued to METER by the driver (as staff would), the image
 * every run starts from. */
static void issue_template(void)
{
    char image[600], err[256];
    snprintf(image, sizeof image, "%s/issued.json", root);
    const char *args[] = {"make-blank", SERIAL, image, NULL};
    if (sc_run(cardsim_bin, root, args) != 0 || !vcard_insert(&sim, image, err, sizeof err))
        die("no blank card in the reader");
    card_slot_t slot;
    card_keys_t k;
    card_view_t v;
    card_status_t st;
    kmsg_t msg = {""};
    snprintf(image, sizeof image, "%s/master.key", root);
    if (card_pcsc_open(VCARD_READER, &slot, &msg) || slot.ops->wait(slot.ctx, true, 5000, &msg) != CARD_OK ||
        card_keys_file_open(image, &k, &msg) || card_session_read(&slot, &k, &v, &st, &msg))
        die(msg.text);
    v.info.type = CARD_TYPE_USER;
    snprintf(v.info.meter, sizeof v.info.meter, METER);
    snprintf(v.info.customer, sizeof v.info.customer, "100000000001");
    v.info.currency = 156;
    snprintf(v.info.issued, sizeof v.info.issued, "261122030000");
    if (card_session_issue(&slot, &k, &v.info, &st, &msg))
        die(msg.text);
    card_keys_close(&k);
    card_slot_close(&slot);
    vcard_remove(&sim);
}

/* A site whose card in the reader is a copy of the issued card. */
static void make_site(char *dir, size_t len)
{
    char cfg[2000], image[600], err[256];
    if (!tmpdir_make(dir, len))
        die("no folder");
    snprintf(cfg, sizeof cfg,
             "[ledger]\npath = %s/ledger.db\n[gateway]\nprotocol = fake\nfake_dir = %s\n"
             "[card]\nprotocol = pcsc\nkeys = file\nkey_file = %s/master.key\n"
             "[delivery]\nattempts = 2\nretry_base_ms = 100\n[log]\nlevel = error\n",
             dir, dir, root);
    char *issued = file_read(root, "issued.json");
    snprintf(image, sizeof image, "%s/card.json", dir);
    if (!issued || !file_write(dir, "card.json", issued) || !file_write(dir, "kiosk.ini", cfg) ||
        !file_write(dir, "meters", METER " 100000000001 0 0\n"))
        die("cannot write the site");
    free(issued);
    if (!vcard_insert(&sim, image, err, sizeof err))
        die(err);
}

/* The purses the card's journal holds (repeats are not new purses), as
 * credits of its meter: the count and amount written each time. */
static void card_witness(const char *dir, crash_check_t *c)
{
    char *text = file_read(dir, "card.json");
    cJSON *o = text ? cJSON_Parse(text) : NULL, *e;
    free(text);
    if (!o) {
        crash_fail("%s: the card's image cannot be read", c->label);
        return;
    }
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "journal"))
    {
        const char *file = cJSON_GetStringValue(cJSON_GetObjectItem(e, "file"));
        const char *data = cJSON_GetStringValue(cJSON_GetObjectItem(e, "data"));
        unsigned long long amount = 0, count = 0;
        if (!file || strcmp(file, "EF_PURSE") != 0 || cJSON_IsTrue(cJSON_GetObjectItem(e, "repeat")))
            continue;
        if (!data || sscanf(data + 2, "%8llx%4llx", &amount, &count) != 2)
            crash_fail("%s: a purse on the card that cannot be read", c->label);
        crash_add_credit(c, METER, (long long)count, (long long)amount);
    }
    cJSON_Delete(o);
}

/* The one sale of the ledger (none: K_ENOTFOUND). */
static void first(void *ctx, const ledger_txn_t *t)
{
    *(ledger_txn_t *)ctx = *t;
}

/* With the card out, recovery must leave a sale that took money and was
 * not delivered yet waiting for it; then the card goes back and is read. */
static void card_comes_back(const char *dir, const char *label)
{
    char path[700], image[600], err[256];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    ledger_t *l;
    ledger_txn_t t = {0};
    ledger_filter_t all = {0};
    if (ledger_open(path, LEDGER_EXISTING, NULL, &l, NULL) == K_OK) {
        ledger_list(l, &all, first, &t, NULL);
        ledger_close(l);
    }
    bool owed = t.paid > 0 || (t.amount == 0 && t.state != TXN_CREATED && t.state != TXN_CANCELLED);
    if (owed && t.state != TXN_DELIVERED && t.state != TXN_DELIVERY_PENDING)
        crash_fail("%s: with the card out, recovery left the sale %s (%s) instead of waiting for the card", label,
                   txn_state_name(t.state), t.reason);
    snprintf(image, sizeof image, "%s/card.json", dir);
    if (!vcard_insert(&sim, image, err, sizeof err))
        die(err);
    int rc = crash_ctl(ctl_bin, dir, "card", "read");
    if (rc != 0)
        crash_fail("%s: kioskctl card read exited %d with the card back", label, rc);
}

/* Recover, verify, and hold the ledger against the card. */
static void check_site(const char *dir, const char *label, bool card_out)
{
    crash_check_t c = {.label = label};
    if (card_out)
        vcard_remove(&sim);
    int rc = crash_ctl(ctl_bin, dir, "recover", NULL);
    if (rc != 0)
        crash_fail("%s: kioskctl recover exited %d", label, rc);
    if (card_out)
        card_comes_back(dir, label);
    if ((rc = crash_ctl(ctl_bin, dir, "ledger", "verify")) != 0)
        crash_fail("%s: kioskctl ledger verify exited %d", label, rc);
    card_witness(dir, &c);
    char path[700];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    ledger_t *l;
    if (ledger_open(path, LEDGER_EXISTING, NULL, &l, NULL) != K_OK) {
        if (c.n_credits)
            crash_fail("%s: no ledger, but the card holds %d purses", label, c.n_credits);
        return;
    }
    crash_match_ledger(l, &c);
    crash_check_child_log(dir, l, &c);
    ledger_close(l);
}

/* One run killed at step k (card_out: pulled out before the restart);
 * false once the child ran to the end. *name is the step's name. */
static bool run_once(int k, bool card_out, char name[64])
{
    char dir[512], cfg[600], karg[16], label[128];
    int status = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (attempt) { /* pcscd is the machine's: another program may hold the reader a while */
            fprintf(stderr, "      k=%d: the child could not read the card; once more\n", k);
            tmpdir_remove(dir);
        }
        make_site(dir, sizeof dir);
        snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
        snprintf(karg, sizeof karg, "%d", k);
        char *argv[] = {child_bin, cfg, karg, amount_arg, NULL};
        status = crash_run(argv, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 4 || file_count_lines(dir, "steps.log", "") > 0)
            break;
    }
    bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    if (!killed && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
        crash_fail("k=%d: the child ended with status %d instead of being killed", k, status);
    snprintf(name, 64, "%s", killed ? crash_step_name(dir, k) : "ran to the end");
    snprintf(label, sizeof label, "%s k=%d (%s)%s", amount_arg[0] == '0' ? "zero sale" : "sale", k, name,
             card_out ? ", the card out at the restart" : "");
    int before = crash_failures;
    check_site(dir, label, card_out);
    if (crash_failures == before)
        tmpdir_remove(dir);
    else
        fprintf(stderr, "      the site is kept in %s\n", dir);
    return killed;
}

/* The child's sale killed at each step boundary in turn (at least
 * min_steps of them); from the step after which it owes a delivery
 * (paid_step) on, again with the card out. */
static void kill_each_step(const char *paid_step, int min_steps)
{
    char name[64];
    int k = 1, out = 0;
    bool paid = false;
    for (; run_once(k, false, name); k++) {
        paid |= strcmp(name, paid_step) == 0;
        if (paid && run_once(k, true, name))
            out++;
    }
    printf("%s: killed at each of %d step boundaries of a meter-card sale, %d of them again with the card out at "
           "the restart; %d failures\n",
           amount_arg[0] == '0' ? "zero first purchase" : "sale", k - 1, out, crash_failures);
    fflush(stdout); /* the children forked next must not inherit the line */
    if (k - 1 < min_steps)
        crash_fail("only %d step boundaries: the step hook is not reached where it should be", k - 1);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: crash_card_test CHILD KIOSKCTL CARDSIM\n");
        return 2;
    }
    child_bin = argv[1];
    ctl_bin = argv[2];
    cardsim_bin = argv[3];
    char err[256];
    if (!tmpdir_make(root, sizeof root) || !vcard_start(&sim, cardsim_bin, root, err, sizeof err))
        die(err);
    issue_template();
    kill_each_step("payment.accepted", 8);
    snprintf(amount_arg, sizeof amount_arg, "0");
    kill_each_step("payment.zero", 6);
    vcard_remove(&sim);
    sc_stop(&sim);
    if (!crash_failures)
        tmpdir_remove(root);
    return crash_failures ? 1 : 0;
}
