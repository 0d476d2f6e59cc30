/* backoffice: the reference back office's server and staff command line.
 * The one file that knows the storage: it opens the SQL store
 * (store_sqlite/: a SQLite file, or PostgreSQL when [server] database is a
 * postgresql:// URI, docs/storage.md) and hands it to the front ends (http/, cli/), which
 * reach the domain (domain/) with it. Exit status: 0 done, 1 failed, 2 bad
 * arguments or configuration. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backoffice/cli/bo_cli.h"
#include "backoffice/cli/bo_cli_qr.h"
#include "backoffice/domain/bo_alerts.h"
#include "backoffice/domain/bo_batch.h"
#include "backoffice/domain/bo_billing.h"
#include "backoffice/domain/bo_qr_refund.h"
#include "backoffice/domain/bo_schedule.h"
#include "backoffice/http/bo_server.h"
#include "backoffice/notify/bo_outbox.h"
#include "backoffice/store_sqlite/bo_sqlite.h"
#include "base/log.h"
#include "base/version.h"

static const char help[] =
    "usage: backoffice [--config FILE] [--set section.key=value] COMMAND ...\n"
    "  serve                                run the server until SIGINT or SIGTERM\n"
    "  keygen [--out FILE]                  make the Ed25519 signing key (mode 600); prints its public key\n"
    "  pubkey                               print the signing key's public key (for the kiosks)\n"

    "  sign --kind K --version N [--kiosk ID] FILE   sign a document body, print the envelope\n"
    "  site add ID NAME | site list         (a site's kiosks serve the meters on its gateway)\n"
    "  site grant SITE --meter M|--from-site OTHER --reason TEXT   the site's kiosks may serve that meter too\n"
    "  site revoke SITE --meter M|--from-site OTHER --reason TEXT | site grants [--all]\n"
    "  kiosk add ID --site SITE [--days N] [--by-hand [--upload-key KEY]]   prints a one-time enrolment code\n"
    "                                       (7 days; --by-hand: active at once, its certificate made by hand)\n"
    "  kiosk upload-key ID KEY              the key the kiosk signs its uploads with (kioskctl identity --json)\n"
    "  kiosk enrol-code ID [--days N]       a fresh code (the kiosk enrols again) | kiosk block ID\n"
    "  kiosk activate ID | kiosk list\n"
    "  customer add ID NAME | customer list\n"
    "  meter add METER --customer ID --protocol P --gateway HOST:PORT [--kind K] [--tariff ID] [--site SITE]\n"
    "  meter site METER SITE --reason TEXT  the meter hangs on SITE's gateway now | meter list\n"
    "  account open ID --customer C [--meter M]... [--prefill [--name NAME] [--protocol P --gateway G] [--site S]]\n"
    "  account bind ID --meter M | account transfer ID --to-customer C --reason TEXT\n"
    "  account close ID --final-reading M=N... [--balance AMOUNT] --refund|--carry --reason TEXT\n"
    "  account list | account show ID\n"
    "  meter install M --account ID --protocol P --gateway G [--kind K] [--tariff T] [--site SITE]\n"
    "  meter remove M --final-reading N [--balance AMOUNT] --reason TEXT   (accounts: docs/accounts.md)\n"
    "  card block SERIAL [--reason TEXT] | card unblock SERIAL | card list\n"
    "  tariff set ID CURRENCY TEXT | tariff list\n"
    "  settings set KIOSK KEY VALUE | settings list\n"
    "  count list | count release METER     purchase counts; free a lease whose sale will never finish\n"
    "  meter command METER NAME [--alarm1 N --alarm2 N | --tariff ID | --amount N [--currency C]\n"
    "        --paid-by counter|online --reference R] --operator NAME --reason TEXT [--expires S]\n"
    "                                       a central command (relay_trip, relay_close, keep_power_on|off,\n"
    "                                       set_alarms, set_prices, credit, refund), signed, run by the meter's kiosk\n"
    "  meter commands [--meter M] [--state S] [--csv] | command show ID | command cancel ID --operator N --reason T\n"
    "  batch create --command NAME [its options, as meter command] (--site S | --meters M1,M2,...) [--at TIME]\n"
    "        [--retries N] --operator NAME --reason TEXT   one command over many meters (retried up to N, 2)\n"
    "  batch show ID [--csv] | batch list [--csv] | batch cancel ID --operator N --reason T\n"
    "  quarantine list [--all] | quarantine release|discard ID --reason TEXT   rows held for staff\n"
    "  report sales --by day|site|method [--csv] [--from DATE] [--to DATE]\n"
    "  report energy [--csv] [--from DATE] [--to DATE]\n"
    "  report energy --meter M [--by day|month|year] [--csv] [--from DATE] [--to DATE]   bands, a year before\n"
    "  meter show METER | meter list [--site S]   each meter's latest state: balance, supply, online, last read\n"
    "  alerts [--open] [--csv] | alert ack ID --operator NAME --reason TEXT\n"
    "  report rejected [--csv]              uploaded rows that could never be stored, and why\n"
    "  report alerts [--csv]                kiosks' alerts and the back office's own for staff\n"
    "  report audit [--kiosk ID] [--since DATE] [--action A] [--csv]   the fleet's audit trail\n"
    "  group set NAME --perms LIST | group list       staff permission groups, sent to kiosks (docs/staff.md)\n"
    "  operator add NAME --group G | operator pin|disable|enable NAME | operator list\n"
    "                                       staff; the PIN from BACKOFFICE_NEW_PIN or asked without echo\n";

/* The help's second part (one literal stays within C's 4095 characters). */
static const char help_billing[] =
    "  billing run [--day DATE] [--site S]  bill each meter's local day (default: yesterday and days with new\n"
    "                                       readings); serve does it on its own every few minutes (docs/billing.md)\n"
    "  billing report --account A|--site S|--meter M --from DATE --to DATE [--csv]   per day and a total\n"
    "  tariff set ID CURRENCY TEXT --from DATE | tariff versions [ID] [--csv]   a version of a tariff in force\n"
    "                                       from that local day (kiosks and daily billing use each day's own)\n"
    "  account payment ID prepaid|postpaid --operator N --reason T | account area ID M2   (PIN: BACKOFFICE_PIN)\n"
    "  account settle ID --amount N --method counter|bank --ref R   a payment on what an account owes\n"
    "  account close ... --write-off --operator N   close one that owes, the debt written off (PIN, audited)\n"
    "  bill draft --account A --period YYYY-MM|--from DATE --to DATE | bill confirm ID --operator N\n"
    "  bill issue ID | bill void ID --operator N --reason T | bill pay ID --amount N --method counter|bank --ref R\n"
    "  bill show ID | bill list [--account A|--site S] [--state S] [--period YYYY-MM] | bill arrears [--site S]\n"
    "                                       [--csv] (the admin API: /v1/admin/bills, confirm and issue too)\n"
    "  charge add ID --site S --name N --fixed N|--per-m2 N --every month|once | charge list [--site S]\n"
    "  charge apply --site S --period YYYY-MM | charge applied --account A|--site S\n"
    "  apportion group add G --site S --master M --subs M1[:W],... --common residual|master\n"
    "        --split ratio|area|usage --price N | apportion group show G | apportion run --group G --period YYYY-MM\n";

/* The help's part on an organisation's structure (docs/console.md). */
static const char help_org[] =
    "  org add ID NAME [--parent ORG] | org list | org site SITE ORG   organisations and the sites they own\n"
    "  org staff OPERATOR ORG|none          the operator sees only ORG's sites (none: everything)\n"
    "  building add ID NAME --site SITE | building list | building kiosk BUILDING KIOSK\n"
    "  room add ID NAME --building B --floor N | room meter ROOM METER | room list BUILDING [--csv]\n";

/* The help's part on QR money (docs/payments-qr.md). */
static const char help_qr[] =
    "  qr reconcile --day YYYY-MM-DD [--provider P]   compare each provider's bill of that day (China time)\n"
    "                                       with the paid QR orders; serve does yesterday's after [qr] reconcile_hour\n"
    "  qr differences [--day D] [--open] [--csv] | qr difference resolve ID --reason T --operator N   (PIN)\n"
    "  qr refunds [--state S] [--csv]   refunds of QR payments whose credit could not be delivered\n"
    "  qr refund settle ORDER --reason TEXT --operator NAME   a failed one settled by hand (PIN, audited)\n";

/* The help's third part. */
static const char help_notices[] =
    "  contact set ACCOUNT [--mobile DIGITS] [--email ADDR] [--lang zh_CN|en] [--wants LIST] [--quiet HH:MM-HH:MM]\n"
    "        --operator NAME | contact show ACCOUNT | contact clear ACCOUNT --operator NAME   (masked, audited)\n"
    "  notices list [--account A] [--state S] [--csv] | notices run-once   the notice outbox (docs/notices.md)\n"
    "  notices levels (--site S | --account A) L1,L2,L3 [--margin N] --operator NAME   low-balance levels\n"
    "  backup --to FILE                     a copy of the SQLite database while serve runs, checked\n"
    "                                       (PostgreSQL: pg_basebackup and WAL archiving, docs/backup.md)\n"
    "Amounts are minor units (5000 = 50.00). See docs/sync.md.\n";

/* Whether this instance runs the periodic jobs now (the store's lead op:
 * on PostgreSQL one instance of all, by a lock its database connection
 * holds). Asked before each job's pass: cheap while it leads; after the
 * connection was lost the lead is lost too (another instance may have
 * taken it meanwhile), said once, and asked for again. */
static atomic_bool leading;
static atomic_bool ask_failed; /* the last ask failed: said once until one succeeds */

static bool leads(bo_server_t *s)
{
    bool ours = false;
    kmsg_t msg = {{0}};
    bo_lock(s);
    kerr_t rc = s->store.ops->lead(s->store.ctx, &ours, &msg);
    bo_unlock(s);
    bool was = atomic_exchange(&leading, ours);
    if (was && !ours)
        LOG_W("jobs", "instance %ld lost the lead of the periodic jobs with its database connection; asking again",
              (long)getpid());
    if (rc && !atomic_exchange(&ask_failed, true))
        LOG_W("jobs", "could not ask which instance runs the periodic jobs: %s", msg.text);
    else if (rc == K_OK)
        atomic_store(&ask_failed, false);
    if (ours && !was)
        LOG_I("jobs", "instance %ld leads the periodic jobs", (long)getpid());
    return ours;
}

/* The periodic check for silent kiosks (bo_alerts.h), on the server's
 * clock (its test offset included). */
static void silence_check(bo_server_t *s)
{
    int raised = 0, cleared = 0;
    kmsg_t msg = {{0}};
    if (!leads(s))
        return;
    bo_lock(s);
    kerr_t rc = bo_silence_check(&s->store, bo_now(s), &raised, &cleared, &msg);
    bo_unlock(s);
    if (rc)
        LOG_W("alerts", "the kiosk-silence check failed: %s", msg.text);
    else if (raised || cleared)
        LOG_I("alerts", "kiosk-silence check: %d raised, %d cleared", raised, cleared);
}

/* The periodic retry of batches' commands that ended unsuccessfully
 * (bo_batch.h); the kiosks' long polls hear of the new ones at once. */
static void batch_check(bo_server_t *s)
{
    int made = 0;
    kmsg_t msg = {{0}};
    if (!leads(s))
        return;
    bo_lock(s);
    kerr_t rc = bo_batch_retry_check(&s->store, &s->key, bo_now(s), &made, &msg);
    if (made)
        pthread_cond_broadcast(&s->changed);
    bo_unlock(s);
    if (rc)
        LOG_W("batches", "the retry check failed: %s", msg.text);
    else if (made)
        LOG_I("batches", "retry check: %d commands queued again", made);
}

/* Daily billing's periodic run (bo_billing.h): the days new readings
 * touched, and yesterday once after each local midnight; then the
 * charges and apportionments due (bo_schedule.h). */
static void billing_check(bo_server_t *s)
{
    bo_bill_stats_t st;
    bo_sched_stats_t sc;
    kmsg_t msg = {{0}}, smsg = {{0}};
    if (!leads(s))
        return;
    bo_lock(s);
    kerr_t rc = bo_billing_run_pending(&s->store, "", bo_now(s), false, &st, &msg);
    kerr_t src = bo_schedule_run(&s->store, bo_now(s), &sc, &smsg);
    bo_unlock(s);
    if (rc)
        LOG_W("billing", "the daily billing run failed: %s", msg.text);
    else if (st.rows)
        LOG_I("billing", "billed %lld meter-days: %lld rows", (long long)st.days, (long long)st.rows);
    if (src)
        LOG_W("billing", "%d scheduled runs failed (tried again next time): %s", sc.failed, smsg.text);
    if (sc.jobs)
        LOG_I("billing", "scheduled runs: %d jobs (%d late, for periods missed), %lld charges", sc.jobs, sc.late,
              (long long)sc.charges);
    if (sc.waiting)
        LOG_I("billing", "%d jobs have missed periods left for the next check", sc.waiting);
}

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The notice outbox's worker (bo_outbox.h): its own thread, taking the
 * server's lock only around the store, never while a channel sends. */
typedef struct notice_worker {
    bo_server_t *s;
    bo_outbox_t o;
    pthread_t thread;
    atomic_bool stop;
    bool running;
} notice_worker_t;

static void worker_lock(void *arg)
{
    bo_lock(arg);
}

static void worker_unlock(void *arg)
{
    bo_unlock(arg);
}

static void *notice_loop(void *arg)
{
    notice_worker_t *w = arg;
    kmsg_t msg = {{0}};
    int64_t warned_at = 0, asked_at = 0;
    bool recovered = false;
    while (!atomic_load(&w->stop)) {
        bo_outbox_stats_t st = {0};
        if (!atomic_load(&leading) && mono_ms() - asked_at < 1000) {
            nanosleep(&(struct timespec){0, 20 * 1000000}, NULL);
            continue;
        }
        asked_at = atomic_load(&leading) ? asked_at : mono_ms();
        if (!leads(w->s)) {
            recovered = false; /* another instance may lead until this one does again */
            nanosleep(&(struct timespec){0, 20 * 1000000}, NULL);
            continue;
        }
        /* Rows another leader left sending go back to queued once this one leads. */
        if (!recovered && bo_outbox_recover(&w->o, bo_now(w->s), &msg) != K_OK) {
            LOG_W("notices", "the notice outbox's recovery failed: %s", msg.text);
            nanosleep(&(struct timespec){1, 0}, NULL);
            continue;
        }
        recovered = true;
        if (bo_outbox_pump(&w->o, bo_now(w->s), mono_ms(), &st, &msg) != K_OK && mono_ms() - warned_at > 60000) {
            LOG_W("notices", "the notice outbox failed: %s", msg.text);
            warned_at = mono_ms();
        }
        nanosleep(&(struct timespec){0, 20 * 1000000}, NULL);
    }
    return NULL;
}

/* Starts the worker when a channel is on; false after saying why it cannot. */
static bool notices_start(notice_worker_t *w, bo_server_t *s, const bo_config_t *cfg)
{
    kmsg_t msg = {{0}};
    bo_outbox_lock_t lock = {worker_lock, worker_unlock, s};
    *w = (notice_worker_t){.s = s};
    kerr_t rc = bo_outbox_open(&w->o, &s->store, cfg, lock, &msg);
    if (rc == K_OK && pthread_create(&w->thread, NULL, notice_loop, w) != 0)
        rc = kmsg_set(&msg, K_EIO, "cannot start the notice worker's thread");
    if (rc) {
        fprintf(stderr, "backoffice: notices: %s\n", msg.text);
        bo_outbox_close(&w->o);
        return false;
    }
    w->running = true;
    return true;
}

static void notices_stop(notice_worker_t *w)
{
    atomic_store(&w->stop, true);
    if (w->running)
        pthread_join(w->thread, NULL);
    bo_outbox_close(&w->o);
}

static const bo_provider_t *phone_provider(void *arg, const char *order)
{
    return bo__phone_provider(arg, order);
}

static const bo_provider_t *named_provider(void *arg, const char *name)
{
    const bo_server_t *s = arg;
    return bo_pay_find(&s->pay, name);
}

/* The QR refunds' worker (bo_qr_refund.h), with a real provider only: the
 * lock is taken around the store, never across the provider's calls; a
 * payment is given back by the provider that took it. */
static void refund_check(bo_server_t *s)
{
    bo_refund_env_t env = {&s->store, &s->provider, worker_lock, worker_unlock, s, phone_provider, named_provider};
    bo_refund_stats_t st;
    kmsg_t msg = {{0}};
    if (!s->provider.ops || !leads(s))
        return;
    if (bo_qr_refund_pass(&env, bo_now(s), &st, &msg) != K_OK)
        LOG_W("qr", "the refunds' run failed (tried again next time): %s", msg.text);
    else if (st.asked || st.recorded)
        LOG_I("qr", "refunds: %d phone orders' recorded, %d asked, %d succeeded, %d failed, %d alerts", st.recorded,
              st.asked, st.succeeded, st.failed, st.alerted);
}

static int64_t mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec;
}

/* Until a signal: each periodic check when its period has passed. */
static int checks(bo_server_t *s, const bo_config_t *cfg, const sigset_t *set)
{
    const struct timespec second = {.tv_sec = 1};
    int64_t alerts_at = mono_s() + cfg->alerts_check_s, batches_at = mono_s() + cfg->batch_check_s;
    int64_t billing_at = mono_s() + cfg->billing_check_s;
    int sig;
    while ((sig = sigtimedwait(set, NULL, &second)) < 0) {
        int64_t t = mono_s();
        if (t >= alerts_at) {
            silence_check(s);
            alerts_at = t + cfg->alerts_check_s;
        }
        if (t >= batches_at) {
            batch_check(s);
            batches_at = t + cfg->batch_check_s;
        }
        if (t >= billing_at) {
            billing_check(s);
            if (leads(s))
                bo_recon_check(s, (int)cfg->qr_reconcile_hour);
            billing_at = t + cfg->billing_check_s;
        }
        refund_check(s);
    }
    return sig;
}

static int serve(const bo_config_t *cfg)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* before any thread starts */
    signal(SIGPIPE, SIG_IGN);
    static bo_server_t s;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_server_start(&s, cfg, bo_sqlite_open, &msg);
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return rc == K_EINVAL ? BO_EXIT_USAGE : BO_EXIT_FAIL;
    }
    LOG_I("backoffice", "listening on %s (port %d)%s", s.base_url, bo_server_port(&s),
          cfg->plain_http ? ", plain HTTP: loopback only" : ", mutual TLS");
    static notice_worker_t notices;
    if (!notices_start(&notices, &s, cfg)) {
        bo_server_stop(&s);
        return BO_EXIT_FAIL;
    }
    printf("%d\n", bo_server_port(&s));
    fflush(stdout);
    int sig = checks(&s, cfg, &set);
    LOG_I("backoffice", "stopping (signal %d)", sig);
    notices_stop(&notices);
    bo_server_stop(&s);
    return BO_EXIT_OK;
}

/* Opens the store and runs a verb that needs it. */
static int with_store(const bo_config_t *cfg, const bo_args_t *a)
{
    bo_store_t st;
    kmsg_t msg = {{0}};
    if (bo_sqlite_open(cfg->database, &st, &msg) != K_OK) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return BO_EXIT_FAIL;
    }
    int rc = strcmp(a->pos[0], "report") == 0 ? bo_report(cfg, &st, a, stdout)
             : bo_cli_command_verb(a)          ? bo_cli_command(cfg, &st, a, stdout)
             : bo_cli_batch_verb(a)            ? bo_cli_batch(cfg, &st, a, stdout)
             : bo_cli_billing_verb(a)          ? bo_cli_billing(&st, a, stdout)
             : bo_cli_notice_verb(a)           ? bo_cli_notice(cfg, &st, a, stdout)
             : bo_cli_bill_verb(a)             ? bo_cli_bill(cfg, &st, a, stdout)
             : bo_cli_charge_verb(a)           ? bo_cli_charge(&st, a, stdout)
             : bo_cli_backup_verb(a)           ? bo_cli_backup(&st, a, stdout)
             : bo_cli_qr_verb(a)               ? bo_cli_qr(cfg, &st, a, stdout)
                                               : bo_admin(&st, a, stdout);
    st.ops->close(st.ctx);
    return rc;
}

/* Loads --config and applies each --set; false after saying why. */
static bool configure(const bo_args_t *a, bo_config_t *cfg)
{
    kmsg_t msg = {{0}};
    kerr_t rc = bo_config_load(bo_arg(a, "config"), cfg, &msg);
    for (int i = 0; rc == K_OK && i < a->nopt; i++)
        if (strcmp(a->opt_name[i], "set") == 0)
            rc = bo_config_set(cfg, a->opt_val[i], &msg);
    if (rc)
        fprintf(stderr, "backoffice: %s\n", msg.text);
    return rc == K_OK;
}

int main(int argc, char **argv)
{
    bo_args_t a;
    bo_config_t cfg;
    if (!bo_cli_split(argc - 1, argv + 1, &a) || a.npos == 0 || bo_arg(&a, "help")) {
        FILE *to = a.npos == 0 && bo_arg(&a, "help") ? stdout : stderr;
        fputs(help, to);
        fputs(help_billing, to);
        fputs(help_org, to);
        fputs(help_qr, to);
        fputs(help_notices, to);
        fputs("  phone-link METER [--days N]          a signed link to METER's phone page for a notice (N: 1..90, 30)\n",
              to);
        return a.npos == 0 && bo_arg(&a, "help") ? BO_EXIT_OK : BO_EXIT_USAGE;
    }
    if (strcmp(a.pos[0], "version") == 0) {
        printf("backoffice %s\n", KIOSK_VERSION);
        return BO_EXIT_OK;
    }
    if (!configure(&a, &cfg))
        return BO_EXIT_USAGE;
    log_set_level((log_level_t)cfg.log_level);
    const char *verb = a.pos[0];
    if (strcmp(verb, "serve") == 0)
        return serve(&cfg);
    if (strcmp(verb, "keygen") == 0)
        return bo_cli_keygen(&cfg, &a);
    if (strcmp(verb, "pubkey") == 0)
        return bo_cli_pubkey(&cfg);
    if (strcmp(verb, "sign") == 0)
        return bo_cli_sign(&cfg, &a);
    if (strcmp(verb, "phone-link") == 0)
        return bo_cli_phone_link(&cfg, &a);
    return with_store(&cfg, &a);
}
