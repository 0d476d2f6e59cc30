/* `backoffice qr reconcile|differences|difference resolve` and `qr
 * refunds|refund settle` (bo_cli_qr.h). */
#include "backoffice/cli/bo_cli_qr.h"

#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_qr_refund.h"
#include "backoffice/domain/bo_recon_run.h"
#include "backoffice/pay/bo_pay.h"

static int usage(void)
{
    return bo_cli_usage("qr reconcile --day YYYY-MM-DD [--provider wechat|alipay] | qr differences [--day D] [--open] [--csv] | "
                        "qr difference resolve ID --reason TEXT --operator NAME | "
                        "qr refunds [--state pending|processing|succeeded|failed|settled|review] [--csv] | "
                        "qr refund settle ORDER --reason TEXT --operator NAME (permission void)   "
                        "(the PIN in BACKOFFICE_PIN)");
}

bool bo_cli_qr_verb(const bo_args_t *a)
{
    return a->npos >= 1 && strcmp(a->pos[0], "qr") == 0;
}

/* Reconciles the day's bill of each open provider, or of --provider's. */
static int reconcile(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_pay_set_t set;
    bo_recon_stats_t s;
    kmsg_t msg = {{0}};
    const char *day = bo_arg(a, "day"), *only = bo_arg(a, "provider");
    if (!day)
        return usage();
    kerr_t rc = bo_pay_open_all(cfg, &set, &msg);
    if (rc == K_OK && (set.n == 0 || (only && !bo_pay_find(&set, only))))
        rc = kmsg_set(&msg, K_EINVAL, "[qr] provider%s: no bill of %s to reconcile", set.n ? "s" : " is sim",
                      only ? only : "a provider");
    if (rc)
        return bo_cli_outcome_args(rc, &msg, NULL);
    bo_who_t who = bo_cli_login();
    for (size_t i = 0; rc == K_OK && i < set.n; i++) {
        const bo_provider_t *p = &set.p[i];
        if (only && strcmp(only, p->ops->name) != 0)
            continue;
        rc = bo_recon_day(st, &who, p, i == 0, day, &s, &msg);
        if (rc == K_OK)
            fprintf(out, "%s %s: %zu bill rows, %zu differences, %zu new\n", p->ops->name, day, s.rows, s.found,
                    s.added);
    }
    bo_pay_close_all(&set);
    return bo_cli_outcome_args(rc, &msg, NULL);
}

static int differences(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    bo_rows_t r;
    kmsg_t msg = {{0}};
    kerr_t rc = st->ops->recon->list(st->ctx, bo_arg(a, "day"), bo_arg(a, "open") != NULL, &r, &msg);
    return bo_cli_rows_done(rc, &r, &msg, bo_arg(a, "csv") != NULL, out);
}

static int resolve(bo_store_t *st, const bo_args_t *a)
{
    char *end, done[64];
    int64_t id = a->npos == 4 ? strtoll(a->pos[3], &end, 10) : 0;
    if (id <= 0 || *end || strcmp(a->pos[2], "resolve") != 0 || !bo_arg(a, "operator"))
        return usage();
    kmsg_t msg = {{0}};
    bo_who_t who = bo_cli_login();
    bo_signer_t sig = {bo_arg(a, "operator"), getenv("BACKOFFICE_PIN")};
    kerr_t rc = bo_recon_resolve(st, &who, &sig, id, bo_arg(a, "reason"), &msg);
    snprintf(done, sizeof done, "difference %lld resolved", (long long)id);
    return bo_cli_outcome_args(rc, &msg, done);
}

static int refunds(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    const char *state = bo_arg(a, "state");
    bo_rows_t r;
    kmsg_t msg = {{0}};
    if (state && !bo_qr_refund_state_valid(state))
        return usage();
    return bo_cli_rows_done(st->ops->refund->list(st->ctx, state ? state : "", &r, &msg), &r, &msg,
                            bo_arg(a, "csv") != NULL, out);
}

static int refund_settle(bo_store_t *st, const bo_args_t *a)
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

int bo_cli_qr(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (bo_cli_is(a, "qr", "reconcile", 2))
        return reconcile(cfg, st, a, out);
    if (bo_cli_is(a, "qr", "differences", 2))
        return differences(st, a, out);
    if (a->npos == 4 && strcmp(a->pos[1], "difference") == 0)
        return resolve(st, a);
    if (bo_cli_is(a, "qr", "refunds", 2))
        return refunds(st, a, out);
    if (a->npos == 4 && strcmp(a->pos[1], "refund") == 0 && strcmp(a->pos[2], "settle") == 0)
        return refund_settle(st, a);
    return usage();
}
