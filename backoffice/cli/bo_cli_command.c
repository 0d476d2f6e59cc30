/* Central commands on the command line (docs/collector.md, "Central
 * commands"): `meter command` queues one (signed with the document key),
 * `meter commands` lists them with their outcomes, `command show|cancel`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_command.h"

bool bo_cli_command_verb(const bo_args_t *a)
{
    return (a->npos >= 2 && strcmp(a->pos[0], "meter") == 0 &&
            (strcmp(a->pos[1], "command") == 0 || strcmp(a->pos[1], "commands") == 0)) ||
           (a->npos >= 1 && strcmp(a->pos[0], "command") == 0);
}

static int usage(void)
{
    return bo_cli_usage("meter command METER NAME [--alarm1 N --alarm2 N | --tariff ID | --amount N [--currency C] "
                        "--paid-by counter|online --reference R] --operator NAME --reason TEXT [--expires S] | "
                        "meter commands [--meter M] [--state S] [--csv] | command show ID | command cancel ID "
                        "--operator NAME --reason TEXT");
}

static int issue(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a)
{
    bo_cmd_spec_t s = {.meter = a->pos[2], .command = a->pos[3], .operator_name = bo_arg(a, "operator"),
                       .reason = bo_arg(a, "reason"), .tariff = bo_arg(a, "tariff"), .currency = bo_arg(a, "currency"),
                       .paid_by = bo_arg(a, "paid-by"), .reference = bo_arg(a, "reference")};
    int64_t expires = 0;
    if (!bo_cli_int_opt(a, "alarm1", 0, &s.alarm1) || !bo_cli_int_opt(a, "alarm2", 0, &s.alarm2) ||
        !bo_cli_int_opt(a, "amount", 0, &s.amount) || !bo_cli_int_opt(a, "expires", 0, &expires) ||
        !bo_id_valid(s.meter, 32))
        return usage();
    s.expiry_s = expires ? expires : cfg->command_expiry_s;
    bo_key_t key;
    bo_cmd_rec_t c;
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    kerr_t rc = bo_key_load(cfg->signing_key, &key, &msg);
    if (rc == K_OK)
        rc = bo_command_issue(st, &key, &who, &s, &c, &msg);
    memset(&key, 0, sizeof key);
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return rc == K_EINVAL ? BO_EXIT_USAGE : BO_EXIT_FAIL;
    }
    return bo_cli_json(bo_command_json(&c));
}

static int get(bo_store_t *st, const char *id)
{
    bo_cmd_rec_t c;
    bool found = false;
    kmsg_t msg = {{0}};
    kerr_t rc = st->ops->cmd->get(st->ctx, id, &c, &found, &msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(&msg, K_ENOTFOUND, "no command '%s'", id);
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return BO_EXIT_FAIL;
    }
    return bo_cli_json(bo_command_json(&c));
}

int bo_cli_command(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (bo_cli_is(a, "meter", "command", 4))
        return issue(cfg, st, a);
    if (bo_cli_is(a, "meter", "commands", 2)) {
        bo_list_args_t args = {.id = bo_arg(a, "meter"), .action = bo_arg(a, "state")};
        return bo_cli_rows(st, BO_LIST_COMMANDS, &args, bo_arg(a, "csv") != NULL, out, "listing commands failed");
    }
    if (bo_cli_is(a, "command", "show", 3))
        return get(st, a->pos[2]);
    if (bo_cli_is(a, "command", "cancel", 3) && bo_arg(a, "operator") && bo_arg(a, "reason")) {
        kmsg_t msg = {{0}};
        char why[400];
        snprintf(why, sizeof why, "%s (operator %s)", bo_arg(a, "reason"), bo_arg(a, "operator"));
        bo_who_t who = bo_cli_login();
        return bo_cli_outcome(bo_command_cancel(st, &who, a->pos[2], why, &msg), &msg, "command cancelled");
    }
    return usage();
}
