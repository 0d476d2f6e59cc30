/* Admin verbs: meters (the registry), blocked cards, tariffs and each
 * kiosk's settings (offline limits among them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_account.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_docs.h"
#include "backoffice/base/bo_json.h"
#include "kiosk/core/money.h"
#include "kiosk/core/tariff.h"

static int usage(const char *text)
{
    fprintf(stderr, "usage: backoffice %s\n", text);
    return BO_EXIT_USAGE;
}

static bool is(const bo_args_t *a, const char *verb, int npos)
{
    return a->npos == npos && strcmp(a->pos[1], verb) == 0;
}

/* `meter add`: registers a meter (again) on its site, the site whose
 * gateway it hangs on; audited, the registry moved forward. */
static int add(sqlite3 *db, const bo_args_t *a)
{
    const char *kind = bo_arg(a, "kind"), *tariff = bo_arg(a, "tariff");
    bo_acct_op_t op;
    char site[65] = "", v[80], detail[300];
    bool found = false;
    const char *p[] = {a->pos[2], bo_arg(a, "customer"), bo_arg(a, "protocol"), bo_arg(a, "gateway"),
                       kind ? kind : "electricity", tariff ? tariff : "", site};
    kerr_t rc = bo_acct_begin(&op, db);
    if (rc == K_OK)
        rc = bo_acct_text(&op, "SELECT id FROM customer WHERE id = ?", p + 1, 1, v, sizeof v, &found);
    if (rc == K_OK && !found)
        rc = kmsg_set(&op.msg, K_ENOTFOUND, "customer %s is not known: add it with `backoffice customer add %s NAME`",
                      p[1], p[1]);
    if (rc == K_OK)
        rc = bo_acct_meter_site(&op, a->pos[2], bo_arg(a, "site"), site);
    if (rc == K_OK)
        rc = bo_acct_sql(&op,
                         "INSERT OR REPLACE INTO meter(id, customer, protocol, gateway, kind, tariff, site) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         p, 7);
    snprintf(detail, sizeof detail, "customer %s; protocol %s; gateway %s; site %s", p[1], p[2], p[3], site);
    return bo_acct_end(&op, rc, "meter.add", a->pos[2], NULL, detail, "meter registered");
}

static int meter(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    if (is(a, "add", 3) && bo_arg(a, "customer") && bo_arg(a, "protocol") && bo_arg(a, "gateway") &&
        bo_id_valid(a->pos[2], 32))
        return add(db, a);
    if (is(a, "install", 3) || is(a, "remove", 3))
        return bo_admin_meter_service(db, a, out);
    if (is(a, "site", 4))
        return bo_admin_site(db, a, out);
    if (is(a, "list", 2))
        return bo_list(db,
                       "SELECT m.id AS meter, m.customer, m.protocol, m.gateway, m.kind, m.tariff, m.site, "
                       "coalesce(c.highest, 0) AS purchase_count FROM meter m LEFT JOIN meter_count c "
                       "ON c.meter = m.id ORDER BY m.id",
                       a, out);
    return usage("meter add METER --customer ID --protocol dlt645|modbus --gateway HOST:PORT "
                 "[--kind electricity|water] [--tariff ID] [--site SITE] | meter install METER --account ID ... | "
                 "meter remove METER --final-reading N --reason TEXT | meter site METER SITE --reason TEXT | "
                 "meter list");
}

static int card(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    const char *reason = bo_arg(a, "reason");
    if (is(a, "block", 3) && strlen(a->pos[2]) == 16) {
        const char *p[] = {a->pos[2], reason ? reason : "blocked by staff"};
        return bo_admin_exec(db,
                             "INSERT OR REPLACE INTO blocked_card VALUES (?, ?, "
                             "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))",
                             p, 2, "blocked-cards", NULL, "card blocked");
    }
    if (is(a, "unblock", 3)) {
        const char *p[] = {a->pos[2]};
        return bo_admin_exec(db, "DELETE FROM blocked_card WHERE serial = ?", p, 1, "blocked-cards", NULL,
                             "card unblocked");
    }
    if (is(a, "list", 2))
        return bo_list(db,
                       "SELECT c.serial, c.meter, c.customer, c.type, c.generation, c.state, c.kiosk, "
                       "coalesce(b.reason, '') AS blocked FROM card c LEFT JOIN blocked_card b ON b.serial = c.serial "
                       "UNION ALL SELECT b.serial, '', '', '', '', '', '', b.reason FROM blocked_card b "
                       "WHERE b.serial NOT IN (SELECT serial FROM card) ORDER BY 1",
                       a, out);
    return usage("card block SERIAL [--reason TEXT] | card unblock SERIAL | card list");
}

/* The text must be a tariff the kiosk can read (docs/money.md). */
static int tariff(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    if (is(a, "set", 5) && bo_id_valid(a->pos[2], 64)) {
        const currency_t *cur = currency_find(a->pos[3]);
        tariff_t t;
        kmsg_t msg = {{0}};
        if (!cur) {
            fprintf(stderr, "backoffice: currency %s is not known (use an ISO 4217 code such as CNY)\n", a->pos[3]);
            return BO_EXIT_USAGE;
        }
        if (tariff_parse(a->pos[4], cur->exponent, &t, &msg) != K_OK) {
            fprintf(stderr, "backoffice: tariff '%s': %s\n", a->pos[4], msg.text);
            return BO_EXIT_USAGE;
        }
        const char *p[] = {a->pos[2], a->pos[3], a->pos[4]};
        return bo_admin_exec(db, "INSERT OR REPLACE INTO tariff VALUES (?, ?, ?)", p, 3, "tariffs", NULL,
                             "tariff set");
    }
    if (is(a, "list", 2))
        return bo_list(db, "SELECT id, currency, text FROM tariff ORDER BY id", a, out);
    return usage("tariff set ID CURRENCY 'single 0.5283' | tariff list");
}

/* Staff settle a lease whose sale will never finish (a kiosk gone for
 * good) before it ends by time: only once sure its count is not on the
 * meter. */
static int count(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    if (is(a, "release", 3)) {
        const char *p[] = {a->pos[2]};
        return bo_admin_exec(db, "DELETE FROM count_lease WHERE meter = ?", p, 1, NULL, NULL,
                             "lease released: the meter's next count goes to the next sale");
    }
    if (is(a, "list", 2))
        return bo_list(db,
                       "SELECT c.meter, c.highest, coalesce(l.count, '') AS leased, coalesce(l.kiosk, '') AS kiosk, "
                       "coalesce(l.txn_id, '') AS txn, coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', l.ends_at / 1000, "
                       "'unixepoch'), '') AS lease_ends FROM meter_count c LEFT JOIN count_lease l "
                       "ON l.meter = c.meter ORDER BY c.meter",
                       a, out);
    return usage("count list | count release METER");
}

static const bo_setting_def_t *setting(const char *key)
{
    for (const bo_setting_def_t *d = bo_settings(); d->key; d++)
        if (strcmp(d->key, key) == 0)
            return d;
    return NULL;
}

static int settings(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    if (is(a, "set", 5)) {
        const bo_setting_def_t *d = setting(a->pos[3]);
        char *end;
        long long v = strtoll(a->pos[4], &end, 10);
        if (!d || *end || !a->pos[4][0] || v < d->min || v > d->max) {
            fprintf(stderr, "backoffice: %s is not a setting, or %s is out of its range; the settings:\n",
                    a->pos[3], a->pos[4]);
            for (d = bo_settings(); d->key; d++)
                fprintf(stderr, "  %-22s %lld..%lld  %s\n", d->key, (long long)d->min, (long long)d->max, d->meaning);
            return BO_EXIT_USAGE;
        }
        const char *p[] = {a->pos[2], a->pos[3], a->pos[4]};
        return bo_admin_exec(db,
                             "INSERT OR REPLACE INTO kiosk_setting SELECT ?1, ?2, CAST(?3 AS INTEGER) "
                             "WHERE EXISTS (SELECT 1 FROM kiosk WHERE id = ?1)",
                             p, 3, "settings", a->pos[2], "setting changed");
    }
    if (is(a, "list", 2))
        return bo_list(db, "SELECT kiosk, key, value FROM kiosk_setting ORDER BY kiosk, key", a, out);
    return usage("settings set KIOSK KEY VALUE | settings list");
}

int bo_admin_meter(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    const char *noun = a->pos[0];
    if (strcmp(noun, "meter") == 0)
        return meter(db, a, out);
    if (strcmp(noun, "card") == 0)
        return card(db, a, out);
    if (strcmp(noun, "tariff") == 0)
        return tariff(db, a, out);
    if (strcmp(noun, "settings") == 0)
        return settings(db, a, out);
    if (strcmp(noun, "count") == 0)
        return count(db, a, out);
    return usage("site|kiosk|customer|meter|card|tariff|settings|count VERB ... (see --help)");
}
