/* Residents' contacts and notices on the command line (docs/notices.md):
 * `contact set|show|clear ACCOUNT ...`, `notices list|run-once|levels`.
 * Contacts are shown masked; a change names the operator whose group
 * holds the contacts permission, and is audited. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_alarm_push.h"
#include "backoffice/domain/bo_contact.h"
#include "backoffice/notify/bo_outbox.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: backoffice contact set ACCOUNT [--mobile DIGITS] [--email ADDR] [--lang zh_CN|en]\n"
            "                  [--wants low,arrears,cutoff,supply,credit,bill|all|none] [--quiet HH:MM-HH:MM|none]\n"
            "                  --operator NAME\n"
            "       backoffice contact show ACCOUNT | contact clear ACCOUNT --operator NAME\n"
            "       backoffice notices list [--account A] [--state S] [--csv] | notices run-once\n"
            "       backoffice notices levels (--site S | --account A) L1,L2,L3 [--margin N] --operator NAME\n"
            "       backoffice notices push-alarms (--site S | --account A | --meter M) --operator NAME\n"
            "                  [--expires SECONDS]\n");
    return BO_EXIT_USAGE;
}

bool bo_cli_notice_verb(const bo_args_t *a)
{
    return a->npos >= 2 && (strcmp(a->pos[0], "contact") == 0 || strcmp(a->pos[0], "notices") == 0);
}

static int contact(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a)
{
    const char *verb = a->pos[1], *account = a->npos == 3 ? a->pos[2] : NULL;
    kmsg_t msg = {{0}};
    if (!account)
        return usage();
    if (strcmp(verb, "show") == 0) {
        cJSON *o = NULL;
        bool found = false;
        kerr_t rc = bo_contact_show(st, account, &o, &found, &msg);
        if (rc == K_OK && !found)
            rc = kmsg_set(&msg, K_ENOTFOUND, "account '%s' has no contact", account);
        return rc ? bo_cli_outcome(rc, &msg, NULL) : bo_cli_json(o);
    }
    bo_who_t who = bo_cli_login();
    if (strcmp(verb, "clear") == 0)
        return bo_cli_outcome(bo_contact_clear(st, &who, bo_arg(a, "operator"), account, &msg), &msg,
                              "contact cleared");
    if (strcmp(verb, "set") != 0)
        return usage();
    bo_contact_change_t ch = {bo_arg(a, "mobile"), bo_arg(a, "email"), bo_arg(a, "lang"), bo_arg(a, "wants"),
                              bo_arg(a, "quiet")};
    return bo_cli_outcome(bo_contact_set(st, &who, bo_arg(a, "operator"), account, &ch, &cfg->notices, &msg), &msg,
                          "contact set");
}

/* Queues the alarm amounts of spec's meters and says what it did. */
static int push(const bo_config_t *cfg, bo_store_t *st, const bo_alarm_spec_t *spec)
{
    bo_key_t key;
    bo_alarm_out_t o;
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    kerr_t rc = bo_key_load(cfg->signing_key, &key, &msg);
    if (rc == K_OK)
        rc = bo_alarm_push(st, &key, &who, &cfg->notices, spec, &o, &msg);
    memset(&key, 0, sizeof key);
    if (rc) {
        fprintf(stderr, "backoffice: the alarm amounts: %s\n", msg.text);
        return rc == K_EINVAL ? BO_EXIT_USAGE : BO_EXIT_FAIL;
    }
    printf("alarm amounts: %d meters: %d queued, %d already written or on their way, %d without alarm amounts, "
           "%d without a kiosk\n",
           o.meters, o.queued, o.current, o.unsupported, o.no_kiosk);
    for (int i = 0; i < o.batches && i < BO_ALARM_BATCHES; i++)
        printf("batch %s: alarm1 %lld alarm2 %lld, %d meters\n", o.batch[i], (long long)o.amounts[i][0],
               (long long)o.amounts[i][1], o.batch_meters[i]);
    return BO_EXIT_OK;
}

/* The scope --site, --account or --meter names (exactly one). */
static bool scope_of(const bo_args_t *a, bo_alarm_spec_t *spec)
{
    const char *site = bo_arg(a, "site"), *account = bo_arg(a, "account"), *meter = bo_arg(a, "meter");
    if ((site != NULL) + (account != NULL) + (meter != NULL) != 1)
        return false;
    spec->scope = site ? BO_ALARM_SITE : account ? BO_ALARM_ACCOUNT : BO_ALARM_METER;
    spec->id = site ? site : account ? account : meter;
    return true;
}

/* `notices levels`: sets them, then writes them to the scope's meters. */
static int levels(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a)
{
    bo_alarm_spec_t spec = {.operator_name = bo_arg(a, "operator"), .expiry_s = cfg->command_expiry_s};
    char scope[96];
    bo_nlevels_t lv = {{0}, 0};
    kmsg_t msg = {{0}};
    if (a->npos != 3 || !scope_of(a, &spec) || spec.scope == BO_ALARM_METER ||
        !bo_config_levels_parse(a->pos[2], lv.level) || !bo_cli_int_opt(a, "margin", 100, &lv.margin))
        return usage();
    snprintf(scope, sizeof scope, "%s:%s", bo_alarm_scope_name(spec.scope), spec.id);
    bo_who_t who = bo_cli_login();
    int rc = bo_cli_outcome(bo_notice_levels_set(st, &who, spec.operator_name, scope, &lv, &msg), &msg,
                            "levels set");
    return rc == BO_EXIT_OK ? push(cfg, st, &spec) : rc;
}

/* `notices push-alarms`: the levels that apply written again where they
 * are not. */
static int push_alarms(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a)
{
    bo_alarm_spec_t spec = {.operator_name = bo_arg(a, "operator")};
    if (a->npos != 2 || !scope_of(a, &spec) || !bo_cli_int_opt(a, "expires", cfg->command_expiry_s, &spec.expiry_s))
        return usage();
    return push(cfg, st, &spec);
}

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Sends what is due now, each channel at its pace, until a second passes
 * with nothing more to send. */
static int run_once(const bo_config_t *cfg, bo_store_t *st)
{
    bo_outbox_t o;
    bo_outbox_stats_t s = {0};
    kmsg_t msg = {{0}};
    kerr_t rc = bo_config_check(cfg, &msg);
    if (rc == K_OK)
        rc = bo_outbox_open(&o, st, cfg, (bo_outbox_lock_t){0}, &msg);
    if (rc)
        return bo_cli_outcome(rc, &msg, NULL);
    int64_t idle_since = mono_ms();
    while (rc == K_OK && mono_ms() - idle_since < 1100) {
        int before = s.sent + s.retried + s.given_up;
        rc = bo_outbox_pump(&o, bo_clock_wall_ms(), mono_ms(), &s, &msg);
        if (s.sent + s.retried + s.given_up != before)
            idle_since = mono_ms();
        nanosleep(&(struct timespec){0, 10 * 1000000}, NULL);
    }
    bo_outbox_close(&o);
    if (rc == K_OK)
        printf("sent %d, retried later %d, given up %d, delivery reports %d\n", s.sent, s.retried, s.given_up,
               s.reports);
    return bo_cli_outcome(rc, &msg, NULL);
}

int bo_cli_notice(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (strcmp(a->pos[0], "contact") == 0)
        return contact(cfg, st, a);
    if (strcmp(a->pos[1], "list") == 0 && a->npos == 2) {
        bo_list_args_t args = {.id = bo_arg(a, "account"), .action = bo_arg(a, "state")};
        return bo_cli_rows(st, BO_LIST_NOTICES, &args, bo_arg(a, "csv") != NULL, out, "listing the notices failed");
    }
    if (strcmp(a->pos[1], "run-once") == 0 && a->npos == 2)
        return run_once(cfg, st);
    if (strcmp(a->pos[1], "levels") == 0)
        return levels(cfg, st, a);
    if (strcmp(a->pos[1], "push-alarms") == 0)
        return push_alarms(cfg, st, a);
    return usage();
}
