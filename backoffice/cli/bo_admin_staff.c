/* Staff managed centrally (docs/staff.md, "Central operators"): `group
 * set|list` and `operator add|pin|disable|enable|list`. A PIN is read
 * here (BACKOFFICE_NEW_PIN, or asked without echo), hashed by the domain
 * (bo_staff.h) and forgotten: never stored or printed. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_console.h"
#include "backoffice/domain/bo_staff.h"
#include "base/prompt.h"

static int usage(void)
{
    fprintf(stderr, "usage: backoffice group set NAME --perms LIST | group list\n"
                    "       backoffice operator add NAME --group G | operator pin|disable|enable NAME | operator list\n"
                    "       backoffice operator group NAME G   (moves the operator to another group)\n"
                    "       backoffice operator password NAME   (the web console's password)\n"
                    "  (the PIN is read from BACKOFFICE_NEW_PIN, the password from BACKOFFICE_NEW_PASSWORD, or asked "
                    "without echo)\n");
    return BO_EXIT_USAGE;
}

static bool is(const bo_args_t *a, const char *verb, int npos)
{
    return a->npos == npos && strcmp(a->pos[1], verb) == 0;
}

/* A change's outcome: done, "kiosks apply it at their next sync". */
static int outcome(kerr_t rc, const kmsg_t *msg, const char *done)
{
    char text[120];
    snprintf(text, sizeof text, "%s; kiosks apply it at their next sync", done);
    return bo_cli_outcome(rc, msg, text);
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
    bool ok = prompt_hidden("new PIN: ", pin, len);
    if (!ok)
        fprintf(stderr, "backoffice: no PIN was given: set BACKOFFICE_NEW_PIN or type it\n");
    else if (isatty(STDIN_FILENO) && (!prompt_hidden("the new PIN again: ", again, sizeof again) || strcmp(pin, again))) {
        fprintf(stderr, "backoffice: the two PINs differ: nothing changed\n");
        ok = false;
    }
    sodium_memzero(again, sizeof again);
    return ok;
}

/* The new PIN read and hashed; false after saying why. */
static bool new_pin_hash(char hash[crypto_pwhash_STRBYTES])
{
    char pin[64] = "";
    kmsg_t msg = {{0}};
    bool ok = read_new_pin(pin, sizeof pin);
    if (ok && bo_staff_pin_hash(pin, hash, &msg) != K_OK) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        ok = false;
    }
    sodium_memzero(pin, sizeof pin);
    return ok;
}

static int group(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    const char *perms = bo_arg(a, "perms");
    if (is(a, "list", 2))
        return bo_cli_list(st, BO_LIST_GROUPS, a, out);
    if (!is(a, "set", 3) || !perms || !bo_id_valid(a->pos[2], BO_STAFF_NAME_MAX))
        return usage();
    bo_who_t who = bo_cli_user();
    kmsg_t msg = {{0}};
    kerr_t rc = bo_group_set(st, &who, a->pos[2], perms, &msg);
    if (rc == K_EINVAL) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return BO_EXIT_USAGE;
    }
    return outcome(rc, &msg, "group set");
}

static int operator_add(bo_store_t *st, const bo_args_t *a)
{
    const char *grp = bo_arg(a, "group");
    char hash[crypto_pwhash_STRBYTES];
    if (!grp || !bo_id_valid(a->pos[2], BO_STAFF_NAME_MAX))
        return usage();
    if (!new_pin_hash(hash))
        return BO_EXIT_USAGE;
    bo_who_t who = bo_cli_user();
    kmsg_t msg = {{0}};
    kerr_t rc = bo_operator_add(st, &who, a->pos[2], grp, hash, &msg);
    sodium_memzero(hash, sizeof hash);
    return outcome(rc, &msg, "operator added");
}

static int operator_pin(bo_store_t *st, const bo_args_t *a)
{
    char hash[crypto_pwhash_STRBYTES];
    if (!new_pin_hash(hash))
        return BO_EXIT_USAGE;
    bo_who_t who = bo_cli_user();
    kmsg_t msg = {{0}};
    kerr_t rc = bo_operator_pin(st, &who, a->pos[2], hash, &msg);
    sodium_memzero(hash, sizeof hash);
    return outcome(rc, &msg, "PIN changed");
}

/* operator password NAME: the web console's password (docs/console.md),
 * BACKOFFICE_NEW_PASSWORD or asked without echo; hashed and forgotten. */
static int operator_password(bo_store_t *st, const bo_args_t *a)
{
    char pw[BO_CONSOLE_PW_MAX + 2] = "", hash[crypto_pwhash_STRBYTES];
    const char *env = getenv("BACKOFFICE_NEW_PASSWORD");
    kmsg_t msg = {{0}};
    if (env)
        snprintf(pw, sizeof pw, "%s", env);
    else if (!prompt_hidden("new console password: ", pw, sizeof pw)) {
        fprintf(stderr, "backoffice: no password was given: set BACKOFFICE_NEW_PASSWORD or type it\n");
        return BO_EXIT_USAGE;
    }
    kerr_t rc = bo_console_password_hash(pw, hash, &msg);
    sodium_memzero(pw, sizeof pw);
    if (rc) {
        fprintf(stderr, "backoffice: %s\n", msg.text);
        return BO_EXIT_USAGE;
    }
    bo_who_t who = bo_cli_user();
    rc = bo_console_password_set(st, &who, a->pos[2], hash, &msg);
    sodium_memzero(hash, sizeof hash);
    return bo_cli_outcome(rc, &msg, "console password set; the operator's console sessions ended");
}

static int operator(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (is(a, "list", 2))
        return bo_cli_list(st, BO_LIST_OPERATORS, a, out);
    if (is(a, "add", 3))
        return operator_add(st, a);
    if (is(a, "pin", 3))
        return operator_pin(st, a);
    if (is(a, "password", 3))
        return operator_password(st, a);
    if (is(a, "group", 4)) {
        bo_who_t who = bo_cli_user();
        kmsg_t msg = {{0}};
        return outcome(bo_operator_group(st, &who, a->pos[2], a->pos[3], &msg), &msg, "operator moved");
    }
    bool off = is(a, "disable", 3);
    if (!off && !is(a, "enable", 3))
        return usage();
    bo_who_t who = bo_cli_user();
    kmsg_t msg = {{0}};
    kerr_t rc = bo_operator_disable(st, &who, a->pos[2], off, &msg);
    return outcome(rc, &msg, off ? "operator disabled" : "operator enabled");
}

int bo_admin_staff(bo_store_t *st, const bo_args_t *a, FILE *out)
{
    if (a->npos < 2)
        return usage();
    return strcmp(a->pos[0], "group") == 0 ? group(st, a, out) : operator(st, a, out);
}
