/* Admin verbs on accounts (docs/accounts.md): open (pre-filled or not),
 * bind, transfer, list and show; close is in bo_admin_account_close.c. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_account.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/base/bo_json.h"

#define NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

static int usage(void)
{
    fprintf(stderr,
            "usage: backoffice account open ID --customer C [--meter M]... [--reason TEXT]\n"
            "         [--prefill [--name NAME] [--protocol dlt645|modbus --gateway HOST:PORT]\n"
            "          [--kind electricity|water] [--tariff T] [--site SITE]]\n"
            "       backoffice account bind ID --meter M [--meter M]...\n"
            "       backoffice account transfer ID --to-customer C --reason TEXT\n"
            "       backoffice account close ID --final-reading M=N... [--balance AMOUNT] --refund|--carry "
            "--reason TEXT\n"
            "       backoffice account list [--csv] | account show ID [--csv]\n");
    return BO_EXIT_USAGE;
}

static bool is(const bo_args_t *a, const char *verb, int npos)
{
    return a->npos == npos && strcmp(a->pos[1], verb) == 0;
}

int bo_acct_opts(const bo_args_t *a, const char *name, const char **out, int max)
{
    int n = 0;
    for (int i = 0; i < a->nopt; i++)
        if (strcmp(a->opt_name[i], name) == 0 && n < max)
            out[n++] = a->opt_val[i];
    return n;
}

/* Every --meter names a meter once, each a valid id; n is their number. */
static bool meters_valid(const char *const *m, int n)
{
    for (int i = 0; i < n; i++) {
        if (!bo_id_valid(m[i], 32))
            return false;
        for (int j = 0; j < i; j++)
            if (strcmp(m[i], m[j]) == 0)
                return false;
    }
    return true;
}

/* The customer exists, or --prefill with --name creates it. */
static kerr_t ensure_customer(bo_acct_op_t *op, const bo_args_t *a, const char *cust, bool prefill)
{
    const char *p[] = {cust, bo_arg(a, "name")};
    char v[80];
    bool found;
    kerr_t rc = bo_acct_text(op, "SELECT id FROM customer WHERE id = ?", p, 1, v, sizeof v, &found);
    if (rc || found)
        return rc;
    if (!prefill)
        return kmsg_set(&op->msg, K_ENOTFOUND,
                        "customer %s is not known: add it with `backoffice customer add %s NAME`, or open the "
                        "account with --prefill --name NAME",
                        cust, cust);
    if (!p[1] || !p[1][0])
        return kmsg_set(&op->msg, K_EINVAL, "customer %s is not known: --prefill needs --name NAME to create it",
                        cust);
    return bo_acct_sql(op, "INSERT INTO customer VALUES (?, ?)", p, 2);
}

/* A meter to bind at opening: registered and free, or registered now
 * with --prefill's protocol and gateway. */
static kerr_t ensure_meter(bo_acct_op_t *op, const bo_args_t *a, const char *id, const char *meter, bool prefill)
{
    const char *p[] = {meter};
    char v[80];
    bool found;
    kerr_t rc = bo_acct_text(op, "SELECT id FROM meter WHERE id = ?", p, 1, v, sizeof v, &found);
    if (rc || found)
        return rc ? rc : bo_acct_check_free(op, meter, id);
    if (!prefill)
        return kmsg_set(&op->msg, K_ENOTFOUND,
                        "meter %s is not registered: register it with `backoffice meter add`, or open the account "
                        "with --prefill --protocol P --gateway HOST:PORT",
                        meter);
    const char *proto = bo_arg(a, "protocol"), *gw = bo_arg(a, "gateway");
    if (!proto || !gw)
        return kmsg_set(&op->msg, K_EINVAL, "meter %s is not registered: --prefill needs --protocol and --gateway "
                        "to register it", meter);
    const char *kind = bo_arg(a, "kind"), *tariff = bo_arg(a, "tariff");
    char site[65] = "";
    const char *q[] = {meter, bo_arg(a, "customer"), proto, gw, kind ? kind : "electricity", tariff ? tariff : "",
                       site};
    rc = bo_acct_meter_opts(op, a);
    if (rc == K_OK)
        rc = bo_acct_meter_site(op, meter, bo_arg(a, "site"), site);
    return rc ? rc
              : bo_acct_sql(op, "INSERT INTO meter(id, customer, protocol, gateway, kind, tariff, site) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)", q, 7);
}

/* Balances closed accounts of customer ?2 carried forward, not yet taken. */
#define CARRIED " FROM account WHERE customer = ?2 AND state = 'closed' AND settlement = 'carry' AND carried_to = ''"

/* Creates the account with what earlier closed accounts of the customer
 * carried forward and no account took yet; *carried gets that amount. */
static kerr_t create(bo_acct_op_t *op, const char *id, const char *cust, char carried[24])
{
    const char *p[] = {id, cust};
    char v[80];
    bool found;
    kerr_t rc = bo_acct_text(op, "SELECT state FROM account WHERE id = ?", p, 1, v, sizeof v, &found);
    if (rc == K_OK && found)
        return kmsg_set(&op->msg, K_ECONFLICT, "account %s exists already (%s): pick another id", id, v);
    if (rc == K_OK)
        rc = bo_acct_text(op, "SELECT coalesce(sum(settled), 0)" CARRIED, p, 2, carried, 24, &found);
    if (rc == K_OK)
        rc = bo_acct_sql(op,
                         "INSERT INTO account(id, customer, opened_at, balance) SELECT ?1, ?2, " NOW_MS
                         ", coalesce(sum(settled), 0)" CARRIED,
                         p, 2);
    if (rc == K_OK)
        rc = bo_acct_sql(op,
                         "UPDATE account SET carried_to = ?1 WHERE customer = ?2 AND state = 'closed' "
                         "AND settlement = 'carry' AND carried_to = '' AND id <> ?1",
                         p, 2);
    return rc;
}

static int open_account(sqlite3 *db, const bo_args_t *a)
{
    const char *id = a->pos[2], *cust = bo_arg(a, "customer"), *m[BO_CLI_MAX];
    int n = bo_acct_opts(a, "meter", m, BO_CLI_MAX);
    bool prefill = bo_arg(a, "prefill") != NULL;
    if (!cust || !bo_id_valid(id, 64) || !bo_id_valid(cust, 64) || !meters_valid(m, n))
        return usage();
    bo_acct_op_t op;
    char carried[24] = "0", detail[512], done[160];
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = ensure_customer(&op, a, cust, prefill);
    for (int i = 0; rc == K_OK && i < n; i++)
        rc = ensure_meter(&op, a, id, m[i], prefill);
    if (rc == K_OK)
        rc = create(&op, id, cust, carried);
    snprintf(detail, sizeof detail, "customer %s%s; carried in %s; meters", cust, prefill ? "; prefill" : "",
             carried);
    for (int i = 0; rc == K_OK && i < n; i++) {
        rc = bo_acct_bind(&op, id, m[i]);
        size_t len = strlen(detail);
        snprintf(detail + len, sizeof detail - len, " %s", m[i]);
    }
    snprintf(done, sizeof done, "account %s opened for customer %s with %d meter(s); carried balance %s (minor units)",
             id, cust, n, carried);
    return bo_acct_end(&op, rc, "account.open", id, bo_arg(a, "reason"), detail, done);
}

static int bind(sqlite3 *db, const bo_args_t *a)
{
    const char *id = a->pos[2], *m[BO_CLI_MAX];
    int n = bo_acct_opts(a, "meter", m, BO_CLI_MAX);
    if (n == 0 || !meters_valid(m, n))
        return usage();
    bo_acct_op_t op;
    char cust[65], state[16], detail[512] = "meters";
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = bo_acct_state(&op, id, cust, state);
    if (rc == K_OK && strcmp(state, "open") != 0)
        rc = kmsg_set(&op.msg, K_ESTATE, "account %s is closed: open a new account for the meter", id);
    for (int i = 0; rc == K_OK && i < n; i++) {
        rc = bo_acct_check_free(&op, m[i], id);
        if (rc == K_OK)
            rc = bo_acct_bind(&op, id, m[i]);
        size_t len = strlen(detail);
        snprintf(detail + len, sizeof detail - len, " %s", m[i]);
    }
    return bo_acct_end(&op, rc, "account.bind", id, bo_arg(a, "reason"), detail, "meter(s) bound");
}

static int transfer(sqlite3 *db, const bo_args_t *a)
{
    const char *id = a->pos[2], *to = bo_arg(a, "to-customer"), *reason = bo_arg(a, "reason");
    if (!to || !reason || !reason[0])
        return usage();
    bo_acct_op_t op;
    char cust[65], state[16], v[80], detail[200];
    bool found = false;
    const char *p[] = {id, to};
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = bo_acct_state(&op, id, cust, state);
    if (rc == K_OK && strcmp(state, "open") != 0)
        rc = kmsg_set(&op.msg, K_ESTATE, "account %s is closed: a closed account cannot change hands", id);
    if (rc == K_OK && strcmp(cust, to) == 0)
        rc = kmsg_set(&op.msg, K_ESTATE, "account %s belongs to customer %s already", id, to);
    if (rc == K_OK)
        rc = bo_acct_text(&op, "SELECT id FROM customer WHERE id = ?2", p, 2, v, sizeof v, &found);
    if (rc == K_OK && !found)
        rc = kmsg_set(&op.msg, K_ENOTFOUND, "customer %s is not known: add it with `backoffice customer add %s NAME`",
                      to, to);
    if (rc == K_OK)
        rc = bo_acct_sql(&op, "UPDATE account SET customer = ?2 WHERE id = ?1", p, 2);
    if (rc == K_OK)
        rc = bo_acct_sql(&op,
                         "UPDATE meter SET customer = ?2 WHERE id IN "
                         "(SELECT meter FROM account_meter WHERE account = ?1 AND unbound_at IS NULL)",
                         p, 2);
    snprintf(detail, sizeof detail, "from customer %s to customer %s", cust, to);
    return bo_acct_end(&op, rc, "account.transfer", id, reason, detail, "account transferred");
}

#define TIME(col) "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', " col " / 1000, 'unixepoch'), '')"

static int list(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    return bo_list(db,
                   "SELECT a.id AS account, a.customer, a.state, " TIME("a.opened_at") " AS opened, "
                   TIME("a.closed_at") " AS closed, a.balance, a.settlement, "
                   "(SELECT count(*) FROM account_meter b WHERE b.account = a.id AND b.unbound_at IS NULL) AS meters "
                   "FROM account a ORDER BY a.id",
                   a, out);
}

static const char *const show_sql[] = {
    "SELECT a.id AS account, a.customer, coalesce(c.name, '') AS name, a.state, " TIME("a.opened_at") " AS opened, "
    TIME("a.closed_at") " AS closed, a.balance, a.settlement, a.settled, a.carried_to, a.close_reason "
    "FROM account a LEFT JOIN customer c ON c.id = a.customer WHERE a.id = ?",
    "SELECT b.meter, " TIME("b.bound_at") " AS bound, " TIME("b.unbound_at") " AS unbound, "
    "coalesce(b.final_reading, '') AS final_reading, b.unbound_why AS why, "
    "CASE WHEN b.first_zero_ok = 1 THEN 'yes' ELSE 'no' END AS zero_first_ok "
    "FROM account_meter b WHERE b.account = ? ORDER BY b.id",
    "SELECT c.serial, c.meter, c.type, c.generation, c.state, c.kiosk, coalesce(k.reason, '') AS blocked "
    "FROM card c LEFT JOIN blocked_card k ON k.serial = c.serial "
    "WHERE c.meter IN (SELECT meter FROM account_meter WHERE account = ?) ORDER BY c.meter, c.generation",
};

/* The account, its meters (bound now and before) and their cards. */
static int show(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    static const char *const titles[] = {"", "meters:\n", "cards:\n"};
    int64_t n = 0;
    if (bo_db_int(db, "SELECT count(*) FROM account WHERE id = ?", a->pos[2], &n, NULL) != K_OK || n == 0) {
        fprintf(stderr, "backoffice: account %s is not known; see `backoffice account list`\n", a->pos[2]);
        return BO_EXIT_FAIL;
    }
    for (int i = 0; i < 3; i++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, show_sql[i], -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "backoffice: showing the account failed: %s\n", sqlite3_errmsg(db));
            return BO_EXIT_FAIL;
        }
        sqlite3_bind_text(st, 1, a->pos[2], -1, SQLITE_TRANSIENT);
        fputs(titles[i], out);
        if (bo_print_rows(st, bo_arg(a, "csv") != NULL, out) < 0) {
            fprintf(stderr, "backoffice: showing the account failed: %s\n", sqlite3_errmsg(db));
            return BO_EXIT_FAIL;
        }
    }
    return BO_EXIT_OK;
}

int bo_admin_account(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    if (is(a, "open", 3))
        return open_account(db, a);
    if (is(a, "bind", 3))
        return bind(db, a);
    if (is(a, "transfer", 3))
        return transfer(db, a);
    if (is(a, "close", 3))
        return bo_acct_close(db, a);
    if (is(a, "list", 2))
        return list(db, a, out);
    if (is(a, "show", 3))
        return show(db, a, out);
    return usage();
}
