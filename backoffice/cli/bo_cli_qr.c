/* QR refunds on the command line (docs/payments-qr.md, "Refunds"):
 * `qr refunds [--state S] [--csv]`, `qr refund settle ORDER --reason R
 * --operator NAME` (PIN in BACKOFFICE_PIN). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_qr_refund.h"

static int usage(void)
{
    return bo_cli_usage("qr refunds [--state pending|processing|succeeded|failed|settled|review] [--csv] | "
                        "qr refund settle ORDER --reason TEXT --operator NAME (permission void, PIN in "
                        "BACKOFFICE_PIN)");
}

bool bo_cli_qr_verb(const bo_args_t *a)
{
    return a->npos >= 1 && strcmp(a->pos[0], "qr") == 0;
}

static int list(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    const char *state = bo_arg(a, "state");
    bo_rows_t r;
    kmsg_t msg = {{0}};
    if (state && !bo_qr_refund_state_valid(state))
        return usage();
    return bo_cli_rows_done(st->ops->refund->list(st->ctx, state ? state : "", &r, &msg), &r, &msg,
                            bo_arg(a, "csv") != NULL, out);
}

static int settle(bo_store_t *st, const bo_args_t *a)
{
    const char *reason = bo_arg(a, "reason"), *op = bo_arg(a, "operator");
    if (!reason || !reason[0] || !op || !bo_id_valid(a->pos[3], 64))
        return usage();
    bo_signer_t sig = {op, getenv("BACKOFFICE_PIN")};
    bo_who_t who = bo_cli_login();
    kmsg_t msg = {{0}};
    char done[160];
    snprintf(done, sizeof done, "the refund of order %s settled by hand", a->pos[3]);
    return bo_cli_outcome(bo_qr_refund_settle(st, &who, &sig, a->pos[3], reason, &msg), &msg, done);
}

int bo_cli_qr(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (a->npos == 2 && strcmp(a->pos[1], "refunds") == 0)
        return list(st, a, out);
    if (a->npos == 4 && strcmp(a->pos[1], "refund") == 0 && strcmp(a->pos[2], "settle") == 0)
        return settle(st, a);
    return usage();
}
