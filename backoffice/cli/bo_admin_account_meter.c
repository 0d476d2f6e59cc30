/* Meters entering and leaving service on an account (docs/accounts.md):
 * `meter install` registers a meter (or one removed before) and binds it
 * to an open account; `meter remove` takes it out of service with its
 * final reading. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_account.h"
#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_scope.h"

#define NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

static int usage(void)
{
    fprintf(stderr, "usage: backoffice meter install METER --account ID --protocol dlt645|modbus --gateway HOST:PORT "
                    "[--kind electricity|water] [--tariff ID] [--site SITE]\n"
                    "       backoffice meter remove METER --final-reading N [--balance AMOUNT] --reason TEXT\n"
                    "  N: the register at removal (Wh or litres); AMOUNT: credit left on the meter, minor units,\n"
                    "  kept in its account's carried balance\n");
    return BO_EXIT_USAGE;
}

kerr_t bo_acct_meter_opts(bo_acct_op_t *op, const bo_args_t *a)
{
    const char *proto = bo_arg(a, "protocol"), *kind = bo_arg(a, "kind"), *tariff = bo_arg(a, "tariff");
    const char *gw = bo_arg(a, "gateway");
    if (proto && strcmp(proto, "dlt645") != 0 && strcmp(proto, "modbus") != 0)
        return kmsg_set(&op->msg, K_EINVAL, "protocol '%s' must be dlt645 or modbus", proto);
    if (kind && strcmp(kind, "electricity") != 0 && strcmp(kind, "water") != 0)
        return kmsg_set(&op->msg, K_EINVAL, "kind '%s' must be electricity or water", kind);
    if (gw && (!gw[0] || strchr(gw, ',')))
        return kmsg_set(&op->msg, K_EINVAL, "gateway '%s' must be HOST:PORT (or HOST:PORT/UNIT)", gw);
    if (!tariff || !tariff[0])
        return K_OK;
    const char *p[] = {tariff};
    char v[80];
    bool found;
    kerr_t rc = bo_acct_text(op, "SELECT id FROM tariff WHERE id = ?", p, 1, v, sizeof v, &found);
    if (rc == K_OK && !found)
        return kmsg_set(&op->msg, K_ENOTFOUND, "tariff %s is not known: set it first with `backoffice tariff set`",
                        tariff);
    return rc;
}

kerr_t bo_acct_meter_site(bo_acct_op_t *op, const char *meter, const char *given, char site[65])
{
    const char *p[] = {meter};
    char home[65];
    bool found;
    kerr_t rc = bo_acct_text(op, "SELECT site FROM meter WHERE id = ?", p, 1, home, sizeof home, &found);
    if (rc == K_OK && home[0] && given && strcmp(given, home) != 0)
        return kmsg_set(&op->msg, K_ESTATE,
                        "meter %s is on site %s: move it with `backoffice meter site %s %s --reason TEXT` first",
                        meter, home, meter, given);
    if (rc == K_OK && home[0]) {
        snprintf(site, 65, "%s", home);
        return K_OK;
    }
    return rc ? rc : bo_site_pick(op->db, given, site, &op->msg);
}

/* The meter is registered (again) with the given settings, and no longer
 * counts as removed. */
static kerr_t register_meter(bo_acct_op_t *op, const bo_args_t *a, const char *meter, const char *account,
                             char site[65])
{
    const char *kind = bo_arg(a, "kind"), *tariff = bo_arg(a, "tariff");
    kerr_t rc = bo_acct_meter_site(op, meter, bo_arg(a, "site"), site);
    const char *p[] = {meter, account, bo_arg(a, "protocol"), bo_arg(a, "gateway"), kind ? kind : "electricity",
                       tariff ? tariff : "", site};
    if (rc == K_OK)
        rc = bo_acct_sql(op,
                         "INSERT INTO meter(id, customer, protocol, gateway, kind, tariff, site) "
                         "SELECT ?1, customer, ?3, ?4, ?5, ?6, ?7 FROM account WHERE id = ?2 ON CONFLICT (id) "
                         "DO UPDATE SET protocol = ?3, gateway = ?4, kind = ?5, tariff = ?6, site = ?7",
                         p, 7);
    if (rc == K_OK)
        rc = bo_acct_sql(op, "DELETE FROM meter_removed WHERE meter = ?", p, 1);
    return rc;
}

static int install(sqlite3 *db, const bo_args_t *a)
{
    const char *meter = a->pos[2], *account = bo_arg(a, "account");
    if (!account || !bo_arg(a, "protocol") || !bo_arg(a, "gateway") || !bo_id_valid(meter, 32))
        return usage();
    bo_acct_op_t op;
    char cust[65], state[16], detail[256], site[65] = "";
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = bo_acct_meter_opts(&op, a);
    if (rc == K_OK)
        rc = bo_acct_state(&op, account, cust, state);
    if (rc == K_OK && strcmp(state, "open") != 0)
        rc = kmsg_set(&op.msg, K_ESTATE, "account %s is closed: install the meter on an open account", account);
    if (rc == K_OK)
        rc = register_meter(&op, a, meter, account, site);
    if (rc == K_OK)
        rc = bo_acct_check_free(&op, meter, account);
    if (rc == K_OK)
        rc = bo_acct_bind(&op, account, meter);
    snprintf(detail, sizeof detail, "account %s; protocol %s; gateway %s; site %s", account, bo_arg(a, "protocol"),
             bo_arg(a, "gateway"), site);
    return bo_acct_end(&op, rc, "meter.install", meter, bo_arg(a, "reason"), detail, "meter installed");
}

static int remove_meter(sqlite3 *db, const bo_args_t *a)
{
    const char *meter = a->pos[2], *reading = bo_arg(a, "final-reading"), *reason = bo_arg(a, "reason");
    const char *balance = bo_arg(a, "balance");
    if (!reading || !bo_acct_reading_valid(reading) || !reason || !reason[0] ||
        (balance && !bo_acct_reading_valid(balance)))
        return usage();
    bo_acct_op_t op;
    char v[80], acct[65] = "", detail[200];
    bool found;
    const char *p[] = {meter, reading, reason};
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = bo_acct_text(&op, "SELECT id FROM meter WHERE id = ?", p, 1, v, sizeof v, &found);
    if (rc == K_OK && !found)
        rc = kmsg_set(&op.msg, K_ENOTFOUND, "meter %s is not registered; see `backoffice meter list`", meter);
    if (rc == K_OK)
        rc = bo_acct_text(&op, "SELECT strftime('%Y-%m-%d %H:%M', at / 1000, 'unixepoch') FROM meter_removed "
                               "WHERE meter = ?", p, 1, v, sizeof v, &found);
    if (rc == K_OK && found)
        rc = kmsg_set(&op.msg, K_ESTATE, "meter %s was removed already (%s UTC): nothing to do", meter, v);
    if (rc == K_OK)
        rc = bo_acct_unbind(&op, meter, reading, "meter removed", acct);
    if (rc == K_OK && !acct[0] && balance && strspn(balance, "0") != strlen(balance))
        rc = kmsg_set(&op.msg, K_ESTATE, "meter %s is on no account: the %s left on it cannot be kept; settle it "
                      "with the customer", meter, balance);
    if (rc == K_OK)
        rc = bo_acct_credit(&op, acct, balance);
    if (rc == K_OK)
        rc = bo_acct_sql(&op, "INSERT INTO meter_removed VALUES (?1, " NOW_MS ", CAST(?2 AS INTEGER), ?3)", p, 3);
    snprintf(detail, sizeof detail, "final reading %s; credit left %s; account %s", reading, balance ? balance : "0",
             acct[0] ? acct : "none");
    return bo_acct_end(&op, rc, "meter.remove", meter, reason, detail, "meter removed from service");
}

int bo_admin_meter_service(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    (void)out;
    if (a->npos == 3 && strcmp(a->pos[1], "install") == 0)
        return install(db, a);
    if (a->npos == 3 && strcmp(a->pos[1], "remove") == 0)
        return remove_meter(db, a);
    return usage();
}
