/* Meters entering and leaving service (docs/accounts.md): `meter add`
 * registers a meter on its site; `meter install` registers one (or one
 * removed before) and binds it to an open account; `meter remove` takes
 * it out of service with its final reading. */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/domain/bo_account_int.h"
#include "backoffice/domain/bo_scope.h"

kerr_t bo__meter_spec_check(bo_op_t *op, const bo_meter_spec_t *spec)
{
    const char *proto = spec->protocol, *kind = spec->kind, *tariff = spec->tariff, *gw = spec->gateway;
    bool found;
    if (proto && strcmp(proto, "dlt645") != 0 && strcmp(proto, "modbus") != 0)
        return kmsg_set(op->msg, K_EINVAL, "protocol '%s' must be dlt645 or modbus", proto);
    if (kind && strcmp(kind, "electricity") != 0 && strcmp(kind, "water") != 0)
        return kmsg_set(op->msg, K_EINVAL, "kind '%s' must be electricity or water", kind);
    if (gw && (!gw[0] || strchr(gw, ',')))
        return kmsg_set(op->msg, K_EINVAL, "gateway '%s' must be HOST:PORT (or HOST:PORT/UNIT)", gw);
    if (!tariff || !tariff[0])
        return K_OK;
    kerr_t rc = op->st->ops->docs->tariff_exists(op->st->ctx, tariff, &found, op->msg);
    if (rc == K_OK && !found)
        return kmsg_set(op->msg, K_ENOTFOUND, "tariff %s is not known: set it first with `backoffice tariff set`",
                        tariff);
    return rc;
}

kerr_t bo__meter_site(bo_op_t *op, const char *meter, const char *given, char site[65])
{
    char home[65];
    bool found;
    kerr_t rc = op->st->ops->meters->meter_site(op->st->ctx, meter, home, &found, op->msg);
    if (rc == K_OK && home[0] && given && strcmp(given, home) != 0)
        return kmsg_set(op->msg, K_ESTATE,
                        "meter %s is on site %s: move it with `backoffice meter site %s %s --reason TEXT` first",
                        meter, home, meter, given);
    if (rc == K_OK && home[0]) {
        snprintf(site, 65, "%s", home);
        return K_OK;
    }
    return rc ? rc : bo_site_pick(op->st, given, site, op->msg);
}

/* The registration of meter with spec for customer on site. */
static bo_meter_rec_t record(const char *meter, const char *customer, const bo_meter_spec_t *spec, const char *site)
{
    return (bo_meter_rec_t){meter, customer, spec->protocol, spec->gateway,
                            spec->kind ? spec->kind : "electricity", spec->tariff ? spec->tariff : "", site};
}

kerr_t bo_meter_add(bo_store_t *st, const bo_who_t *who, const char *meter, const char *customer,
                    const bo_meter_spec_t *spec, kmsg_t *msg)
{
    bo_op_t op;
    char site[65] = "", detail[300];
    bool found = false;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->meters->customer_exists(st->ctx, customer, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "customer %s is not known: add it with `backoffice customer add %s NAME`",
                      customer, customer);
    if (rc == K_OK)
        rc = bo__meter_site(&op, meter, spec->site, site);
    bo_meter_rec_t m = record(meter, customer, spec, site);
    if (rc == K_OK)
        rc = st->ops->meters->meter_put(st->ctx, &m, true, msg);
    snprintf(detail, sizeof detail, "customer %s; protocol %s; gateway %s; site %s", customer, spec->protocol,
             spec->gateway, site);
    return bo__acct_end(&op, rc, "meter.add", meter, NULL, detail);
}

kerr_t bo_meter_install(bo_store_t *st, const bo_who_t *who, const char *meter, const char *account,
                        const bo_meter_spec_t *spec, const char *reason, kmsg_t *msg)
{
    bo_op_t op;
    bo_account_rec_t a;
    char detail[256], site[65] = "";
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = bo__meter_spec_check(&op, spec);
    if (rc == K_OK)
        rc = bo__acct_get(&op, account, &a);
    if (rc == K_OK && strcmp(a.state, "open") != 0)
        rc = kmsg_set(msg, K_ESTATE, "account %s is closed: install the meter on an open account", account);
    if (rc == K_OK)
        rc = bo__meter_site(&op, meter, spec->site, site);
    bo_meter_rec_t m = record(meter, "", spec, site);
    if (rc == K_OK)
        rc = st->ops->meters->meter_install(st->ctx, &m, account, msg);
    if (rc == K_OK)
        rc = st->ops->meters->removed_drop(st->ctx, meter, msg);
    if (rc == K_OK)
        rc = bo__acct_check_free(&op, meter, account);
    if (rc == K_OK)
        rc = bo__acct_bind(&op, account, meter);
    snprintf(detail, sizeof detail, "account %s; protocol %s; gateway %s; site %s", account, spec->protocol,
             spec->gateway, site);
    return bo__acct_end(&op, rc, "meter.install", meter, reason, detail);
}

/* The meter is registered and in service. */
static kerr_t removable(bo_op_t *op, const char *meter)
{
    bo_removed_rec_t r = {0};
    char at[24];
    bool found;
    kerr_t rc = bo__meter_known(op, meter, &found);
    if (rc == K_OK && !found)
        return kmsg_set(op->msg, K_ENOTFOUND, "meter %s is not registered; see `backoffice meter list`", meter);
    if (rc == K_OK)
        rc = op->st->ops->meters->removed_get(op->st->ctx, meter, &r, &found, op->msg);
    bo_clock_date(r.at, true, at, sizeof at);
    if (rc == K_OK && found)
        return kmsg_set(op->msg, K_ESTATE, "meter %s was removed already (%s UTC): nothing to do", meter, at);
    return rc;
}

kerr_t bo_meter_remove(bo_store_t *st, const bo_who_t *who, const char *meter, int64_t final_reading,
                       int64_t balance, const char *reason, kmsg_t *msg)
{
    bo_op_t op;
    char acct[65] = "", detail[200];
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = removable(&op, meter);
    if (rc == K_OK)
        rc = bo__acct_unbind(&op, meter, final_reading, "meter removed", acct);
    if (rc == K_OK && !acct[0] && balance != 0)
        rc = kmsg_set(msg, K_ESTATE,
                      "meter %s is on no account: the %lld left on it cannot be kept; settle it with the customer",
                      meter, (long long)balance);
    if (rc == K_OK)
        rc = bo__acct_credit(&op, acct, balance);
    if (rc == K_OK)
        rc = st->ops->meters->removed_put(st->ctx, meter, who->now, final_reading, reason, msg);
    snprintf(detail, sizeof detail, "final reading %lld; credit left %lld; account %s", (long long)final_reading,
             (long long)balance, acct[0] ? acct : "none");
    return bo__acct_end(&op, rc, "meter.remove", meter, reason, detail);
}
