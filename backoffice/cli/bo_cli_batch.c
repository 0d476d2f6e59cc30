/* Batches on the command line (docs/collector.md, "Batches"): `batch
 * create` (every meter's command signed with the document key), `batch
 * show`, `batch list`, `batch cancel`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_batch.h"
#include "base/timefmt.h"

#define LIST_MAX 1000 /* --meters ids on the command line */

static int usage(void)
{
    return bo_cli_usage("batch create --command NAME [--alarm1 N --alarm2 N | --tariff ID | --amount N [--currency C] "
                        "--paid-by counter|online --reference R] (--site S | --meters M1,M2,...) [--at TIME] "
                        "[--retries N] [--expires S] --operator NAME --reason TEXT | batch show ID [--csv] | "
                        "batch list [--csv] | batch cancel ID --operator NAME --reason TEXT");
}

/* --meters M1,M2,... split in place into ids; the count, -1 if too many. */
static int split(char *list, const char **ids, int max)
{
    int n = 0;
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (n == max)
            return -1;
        ids[n++] = t;
    }
    return n;
}

static bool spec_of(const bo_config_t *cfg, const bo_args_t *a, bo_batch_spec_t *s, char *list, const char **ids)
{
    int64_t expires = 0;
    const char *at = bo_arg(a, "at");
    s->cmd = (bo_cmd_spec_t){.command = bo_arg(a, "command"), .operator_name = bo_arg(a, "operator"),
                             .reason = bo_arg(a, "reason"), .tariff = bo_arg(a, "tariff"),
                             .currency = bo_arg(a, "currency"), .paid_by = bo_arg(a, "paid-by"),
                             .reference = bo_arg(a, "reference")};
    s->site = bo_arg(a, "site");
    if (!bo_cli_int_opt(a, "alarm1", 0, &s->cmd.alarm1) || !bo_cli_int_opt(a, "alarm2", 0, &s->cmd.alarm2) ||
        !bo_cli_int_opt(a, "amount", 0, &s->cmd.amount) ||
        !bo_cli_int_opt(a, "expires", cfg->command_expiry_s, &expires) ||
        !bo_cli_int_opt(a, "retries", 2, &s->retries) || (at && !ktime_parse_ms(at, &s->run_at)))
        return false;
    s->cmd.expiry_s = expires;
    s->nmeters = list ? split(list, ids, LIST_MAX) : 0;
    s->meters = ids;
    return s->nmeters >= 0;
}

static int create(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a)
{
    bo_batch_spec_t s = {0};
    const char **ids = calloc(LIST_MAX, sizeof *ids);
    char *list = bo_arg(a, "meters") ? strdup(bo_arg(a, "meters")) : NULL;
    bool ok = ids && spec_of(cfg, a, &s, list, ids);
    bo_key_t key;
    bo_cmd_batch_t b;
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    int n = 0;
    kerr_t rc = ok ? bo_key_load(cfg->signing_key, &key, &msg) : K_EINVAL;
    if (ok && rc == K_OK)
        rc = bo_batch_create(st, &key, &who, &s, &b, &n, &msg);
    memset(&key, 0, sizeof key);
    free(ids);
    free(list);
    if (!ok)
        return usage();
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return rc == K_EINVAL ? BO_EXIT_USAGE : BO_EXIT_FAIL;
    }
    cJSON *o = NULL;
    rc = bo_batch_show(st, b.id, &o, &msg);
    return rc ? (fprintf(stderr, "backoffice: %s\n", msg.text), BO_EXIT_FAIL) : bo_cli_json(o);
}

/* `batch show ID`: the batch, its counts and each meter's latest attempt
 * (JSON); with --csv each meter's row. */
static int show(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (bo_arg(a, "csv")) {
        bo_list_args_t args = {.id = a->pos[2]};
        return bo_cli_rows(st, BO_LIST_BATCH_METERS, &args, true, out, "showing the batch failed");
    }
    cJSON *o = NULL;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_batch_show(st, a->pos[2], &o, &msg);
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return BO_EXIT_FAIL;
    }
    return bo_cli_json(o);
}

bool bo_cli_batch_verb(const bo_args_t *a)
{
    return a->npos >= 1 && strcmp(a->pos[0], "batch") == 0;
}

int bo_cli_batch(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (bo_cli_is(a, "batch", "create", 2))
        return create(cfg, st, a);
    if (bo_cli_is(a, "batch", "show", 3))
        return show(st, a, out);
    if (bo_cli_is(a, "batch", "list", 2)) {
        bo_list_args_t args = {.id = ""};
        return bo_cli_rows(st, BO_LIST_BATCHES, &args, bo_arg(a, "csv") != NULL, out, "listing batches failed");
    }
    if (bo_cli_is(a, "batch", "cancel", 3) && bo_arg(a, "operator") && bo_arg(a, "reason")) {
        kmsg_t msg = {{0}};
        char why[400], done[64];
        int64_t n = 0;
        snprintf(why, sizeof why, "%s (operator %s)", bo_arg(a, "reason"), bo_arg(a, "operator"));
        bo_who_t who = bo_cli_login();
        kerr_t rc = bo_batch_cancel(st, &who, a->pos[2], why, &n, &msg);
        snprintf(done, sizeof done, "batch cancelled: %lld queued commands cancelled", (long long)n);
        return bo_cli_outcome(rc, &msg, done);
    }
    return usage();
}
