/* Residents' contacts and notices on the command line (docs/notices.md):
 * `contact set|show|clear ACCOUNT ...`, `notices list|run-once|levels`.
 * Contacts are shown masked; a change names the operator whose group
 * holds the contacts permission, and is audited. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_contact.h"
#include "backoffice/notify/bo_outbox.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: backoffice contact set ACCOUNT [--mobile DIGITS] [--email ADDR] [--lang zh_CN|en]\n"
            "                  [--wants low,arrears,cutoff,supply,credit|all|none] [--quiet HH:MM-HH:MM|none]\n"
            "                  --operator NAME\n"
            "       backoffice contact show ACCOUNT | contact clear ACCOUNT --operator NAME\n"
            "       backoffice notices list [--account A] [--state S] [--csv] | notices run-once\n"
            "       backoffice notices levels (--site S | --account A) L1,L2,L3 [--margin N] --operator NAME\n");
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

static int levels(bo_store_t *st, const bo_args_t *a)
{
    const char *site = bo_arg(a, "site"), *account = bo_arg(a, "account");
    char scope[96];
    bo_nlevels_t lv = {{0}, 0};
    kmsg_t msg = {{0}};
    if (a->npos != 3 || !site == !account || !bo_config_levels_parse(a->pos[2], lv.level) ||
        !bo_cli_int_opt(a, "margin", 100, &lv.margin))
        return usage();
    snprintf(scope, sizeof scope, "%s:%s", site ? "site" : "account", site ? site : account);
    bo_who_t who = bo_cli_login();
    return bo_cli_outcome(bo_notice_levels_set(st, &who, bo_arg(a, "operator"), scope, &lv, &msg), &msg,
                          "levels set");
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
        return levels(st, a);
    return usage();
}
