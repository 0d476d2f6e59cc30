/* Staff managed centrally (docs/staff.md, "Central operators"): permission
 * groups and operators with their PIN hashes. Each change is one
 * transaction that moves the signed document `staff` forward and writes
 * its row in the audit trail; the kiosks apply the document at their next
 * sync. PINs are read, hashed and forgotten: never stored or printed. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backoffice/domain/bo_audit.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_docs.h"
#include "backoffice/base/bo_json.h"
#include "kiosk/app/cli.h"
#include "kiosk/core/perm.h"

#define NAME_MAX_LEN 32
#define PIN_MIN 4
#define PIN_MAX 12
#define NOW_SQL "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

/* One change: its SQL with text parameters, and how the audit row reads. */
typedef struct staff_change {
    const char *sql;
    const char *params[3];
    int n;
    const char *action, *target, *detail, *done;
} staff_change_t;

static int usage(void)
{
    fprintf(stderr, "usage: backoffice group set NAME --perms LIST | group list\n"
                    "       backoffice operator add NAME --group G | operator pin|disable|enable NAME | operator list\n"
                    "  (the PIN is read from BACKOFFICE_NEW_PIN or asked without echo)\n");
    return BO_EXIT_USAGE;
}

static bool is(const bo_args_t *a, const char *verb, int npos)
{
    return a->npos == npos && strcmp(a->pos[1], verb) == 0;
}

/* Runs the change, moves `staff` forward and audits it, in one transaction. */
static int apply(sqlite3 *db, const staff_change_t *c)
{
    kmsg_t msg = {{0}};
    sqlite3_stmt *st;
    kerr_t rc = bo_db_exec(db, "BEGIN IMMEDIATE", "starting", &msg);
    if (rc == K_OK && (rc = bo_db_prepare(db, c->sql, &st, &msg)) == K_OK) {
        for (int i = 0; i < c->n; i++)
            bo_db_text(st, i + 1, c->params[i]);
        rc = bo_db_run(db, st, "changing staff", &msg);
    }
    if (rc == K_OK && sqlite3_changes(db) == 0)
        rc = kmsg_set(&msg, K_ENOTFOUND, "nothing changed: %s or its group is not known; see `operator list` "
                                         "and `group list`",
                      c->target);
    if (rc == K_OK)
        rc = bo_doc_bump(db, "staff", NULL, &msg);
    if (rc == K_OK)
        rc = bo_audit_record(db, bo_audit_staff_actor(), c->action, c->target, "", c->detail, &msg);
    if (bo_admin_commit(db, rc, &msg) != BO_EXIT_OK)
        return BO_EXIT_FAIL;
    printf("%s; kiosks apply it at their next sync\n", c->done);
    return BO_EXIT_OK;
}

static bool pin_valid(const char *pin)
{
    size_t n = strlen(pin);
    return n >= PIN_MIN && n <= PIN_MAX && strspn(pin, "0123456789") == n;
}


/* The new PIN: BACKOFFICE_NEW_PIN, or asked twice on a terminal (once
 * from a pipe); false after saying why. */
static bool read_new_pin(char *pin, size_t len)
{
    const char *env = getenv("BACKOFFICE_NEW_PIN");
    if (env) {
        snprintf(pin, len, "%s", env);
        return true;
    }
    char again[64] = "";
    bool ok = cli_read_hidden("new PIN: ", pin, len);
    if (!ok)
        fprintf(stderr, "backoffice: no PIN was given: set BACKOFFICE_NEW_PIN or type it\n");
    else if (isatty(STDIN_FILENO) && (!cli_read_hidden("the new PIN again: ", again, sizeof again) || strcmp(pin, again))) {
        fprintf(stderr, "backoffice: the two PINs differ: nothing changed\n");
        ok = false;
    }
    sodium_memzero(again, sizeof again);
    return ok;
}

/* A new PIN hashed with Argon2id at libsodium's interactive limits, as the
 * kiosk does (provisioning/staff.c), so the kiosk verifies it. */
static bool new_pin_hash(char hash[crypto_pwhash_STRBYTES])
{
    char pin[64] = "";
    bool ok = read_new_pin(pin, sizeof pin);
    if (ok && !pin_valid(pin)) {
        fprintf(stderr, "backoffice: a PIN is %d to %d digits: nothing changed\n", PIN_MIN, PIN_MAX);
        ok = false;
    }
    if (ok && (sodium_init() < 0 || crypto_pwhash_str(hash, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)) {
        fprintf(stderr, "backoffice: hashing the PIN failed (out of memory?): nothing changed\n");
        ok = false;
    }
    sodium_memzero(pin, sizeof pin);
    return ok;
}

static int group(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    const char *perms = bo_arg(a, "perms");
    if (is(a, "list", 2))
        return bo_list(db, "SELECT name, perms FROM staff_group ORDER BY name", a, out);
    if (!is(a, "set", 3) || !perms || !bo_id_valid(a->pos[2], NAME_MAX_LEN))
        return usage();
    perm_set_t set;
    char bad[64] = "", norm[256];
    if (!perm_parse_set(perms, &set, bad, sizeof bad)) {
        fprintf(stderr, "backoffice: '%s' is not a permission; see docs/staff.md for the names\n", bad);
        return BO_EXIT_USAGE;
    }
    perm_format_set(set, norm, sizeof norm);
    staff_change_t c = {"INSERT INTO staff_group VALUES (?1, ?2, " NOW_SQL ") ON CONFLICT (name) DO UPDATE SET "
                        "perms = ?2, updated_at = " NOW_SQL,
                        {a->pos[2], norm}, 2, "group.set", a->pos[2], norm, "group set"};
    return apply(db, &c);
}

static int operator_add(sqlite3 *db, const bo_args_t *a)
{
    const char *grp = bo_arg(a, "group");
    char hash[crypto_pwhash_STRBYTES];
    if (!grp || !bo_id_valid(a->pos[2], NAME_MAX_LEN))
        return usage();
    if (!new_pin_hash(hash))
        return BO_EXIT_USAGE;
    staff_change_t c = {"INSERT INTO staff_operator SELECT ?1, ?2, ?3, 0, " NOW_SQL
                        " WHERE EXISTS (SELECT 1 FROM staff_group WHERE name = ?2) ON CONFLICT (name) DO UPDATE "
                        "SET group_name = ?2, pin_hash = ?3, disabled = 0, updated_at = " NOW_SQL,
                        {a->pos[2], grp, hash}, 3, "operator.add", a->pos[2], grp, "operator added"};
    int rc = apply(db, &c);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

static int operator_pin(sqlite3 *db, const bo_args_t *a)
{
    char hash[crypto_pwhash_STRBYTES];
    if (!new_pin_hash(hash))
        return BO_EXIT_USAGE;
    staff_change_t c = {"UPDATE staff_operator SET pin_hash = ?2, updated_at = " NOW_SQL " WHERE name = ?1",
                        {a->pos[2], hash}, 2, "operator.pin", a->pos[2], "", "PIN changed"};
    int rc = apply(db, &c);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

static int operator(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    if (is(a, "list", 2))
        return bo_list(db,
                       "SELECT name, group_name AS \"group\", CASE disabled WHEN 1 THEN 'disabled' ELSE 'active' "
                       "END AS state, strftime('%Y-%m-%dT%H:%M:%SZ', updated_at / 1000, 'unixepoch') AS updated "
                       "FROM staff_operator ORDER BY name",
                       a, out);
    if (is(a, "add", 3))
        return operator_add(db, a);
    if (is(a, "pin", 3))
        return operator_pin(db, a);
    bool off = is(a, "disable", 3);
    if (!off && !is(a, "enable", 3))
        return usage();
    staff_change_t c = {"UPDATE staff_operator SET disabled = CAST(?2 AS INTEGER), updated_at = " NOW_SQL
                        " WHERE name = ?1",
                        {a->pos[2], off ? "1" : "0"}, 2, off ? "operator.disable" : "operator.enable", a->pos[2],
                        "", off ? "operator disabled" : "operator enabled"};
    return apply(db, &c);
}

int bo_admin_staff(sqlite3 *db, const bo_args_t *a, FILE *out)
{
    if (a->npos < 2)
        return usage();
    return strcmp(a->pos[0], "group") == 0 ? group(db, a, out) : operator(db, a, out);
}
