/* Admin verbs on the database: sites, kiosks and customers here; meters,
 * cards, tariffs and settings in bo_admin_meter.c. Each change is one
 * transaction that also moves the affected document's version forward. */
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_account.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_docs.h"
#include "backoffice/domain/bo_enrol.h"
#include "backoffice/base/bo_json.h"

int bo_admin_commit(sqlite3 *db, kerr_t rc, kmsg_t *msg)
{
    if (rc == K_OK)
        rc = bo_db_exec(db, "COMMIT", "committing", msg);
    if (rc == K_OK)
        return BO_EXIT_OK;
    bo_db_exec(db, "ROLLBACK", "abandoning", NULL);
    fprintf(stderr, "backoffice: %s\n", msg->text);
    return BO_EXIT_FAIL;
}

int bo_admin_exec(sqlite3 *db, const char *sql, const char *const *params, int n, const char *bump,
                  const char *kiosk, const char *done)
{
    kmsg_t msg = {{0}};
    sqlite3_stmt *st;
    kerr_t rc = bo_db_exec(db, "BEGIN IMMEDIATE", "starting", &msg);
    if (rc == K_OK && (rc = bo_db_prepare(db, sql, &st, &msg)) == K_OK) {
        for (int i = 0; i < n; i++)
            bo_db_text(st, i + 1, params[i]);
        rc = bo_db_run(db, st, "changing the database", &msg);
    }
    if (rc == K_OK && sqlite3_changes(db) == 0)
        rc = kmsg_set(&msg, K_ENOTFOUND, "nothing changed: '%s' or what it names is not known; check the ids with the list verbs",
                      n ? params[0] : "");
    if (rc == K_OK && bump)
        rc = bo_doc_bump(db, bump, kiosk, &msg);
    if (bo_admin_commit(db, rc, &msg) != BO_EXIT_OK)
        return BO_EXIT_FAIL;
    if (done)
        printf("%s\n", done);
    return BO_EXIT_OK;
}

int bo_list(sqlite3 *db, const char *sql, const bo_args_t *a, FILE *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || bo_print_rows(st, bo_arg(a, "csv"), out) < 0) {
        fprintf(stderr, "backoffice: listing failed: %s\n", sqlite3_errmsg(db));
        return BO_EXIT_FAIL;
    }
    return BO_EXIT_OK;
}

static int usage(const char *text)
{
    fprintf(stderr, "usage: backoffice %s\n", text);
    return BO_EXIT_USAGE;
}

static bool is(const bo_args_t *a, const char *noun, const char *verb, int npos)
{
    return a->npos == npos && strcmp(a->pos[0], noun) == 0 && strcmp(a->pos[1], verb) == 0;
}

static int site(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    if (is(a, "site", "add", 4) && bo_id_valid(a->pos[2], 64)) {
        const char *p[] = {a->pos[2], a->pos[3]};
        return bo_admin_exec(db, "INSERT INTO site VALUES (?, ?)", p, 2, NULL, NULL, "site added");
    }
    if (is(a, "site", "list", 2))
        return bo_list(db, "SELECT id, name FROM site ORDER BY id", a, out);
    if (a->npos >= 2 && (strcmp(a->pos[1], "grant") == 0 || strcmp(a->pos[1], "revoke") == 0 ||
                         strcmp(a->pos[1], "grants") == 0))
        return bo_admin_site(db, a, out); /* which meters the site's kiosks serve (bo_admin_site.c) */
    return usage("site add ID NAME | site list | site grant|revoke SITE --meter M|--from-site S --reason TEXT | "
                 "site grants [--all]");
}

static int kiosk(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    if (is(a, "kiosk", "add", 3) || is(a, "kiosk", "enrol-code", 3))
        return bo_enrol_cli(db, a, out); /* with a one-time enrolment code (bo_enrol_cli.c) */
    if ((is(a, "kiosk", "block", 3) || is(a, "kiosk", "activate", 3))) {
        const char *p[] = {a->pos[2], strcmp(a->pos[1], "block") == 0 ? "blocked" : "active"};
        return bo_admin_exec(db, "UPDATE kiosk SET state = ?2 WHERE id = ?1", p, 2, NULL, NULL, "kiosk updated");
    }
    if (a->npos >= 2 && strcmp(a->pos[1], "upload-key") == 0)
        return bo_kiosk_key_cli(db, a);
    if (is(a, "kiosk", "list", 2))
        return bo_list(db, bo_kiosk_list_sql(), a, out);
    return usage("kiosk add ID --site SITE [--days N] [--by-hand [--upload-key KEY]] | kiosk enrol-code ID "
                 "[--days N] | kiosk upload-key ID KEY | kiosk block ID | kiosk activate ID | kiosk list");
}

static int customer(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    if (is(a, "customer", "add", 4) && bo_id_valid(a->pos[2], 64)) {
        const char *p[] = {a->pos[2], a->pos[3]};
        return bo_admin_exec(db, "INSERT INTO customer VALUES (?, ?)", p, 2, NULL, NULL, "customer added");
    }
    if (is(a, "customer", "list", 2))
        return bo_list(db, "SELECT id, name FROM customer ORDER BY id", a, out);
    return usage("customer add ID NAME | customer list");
}

int bo_admin(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    const char *noun = a->pos[0];
    if (a->npos < 2)
        return usage("site|kiosk|customer|account|meter|card|tariff|settings|count|quarantine|operator|group VERB ... "
                     "(see --help)");
    if (strcmp(noun, "site") == 0)
        return site(db, a, out);
    if (strcmp(noun, "kiosk") == 0)
        return kiosk(db, a, out);
    if (strcmp(noun, "customer") == 0)
        return customer(db, a, out);
    if (strcmp(noun, "operator") == 0 || strcmp(noun, "group") == 0)
        return bo_admin_staff(db, a, out);
    if (strcmp(noun, "account") == 0)
        return bo_admin_account(db, a, out);
    if (strcmp(noun, "quarantine") == 0)
        return bo_admin_quarantine(db, a, out);
    return bo_admin_meter(db, a, out);
}
