/* kioskctl and staff: signing in for a staff verb, and the verbs that
 * manage operators and permission groups (docs/staff.md). */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/prompt.h"
#include "kiosk/ctl/ctl.h"
#include "provisioning/staff.h"

static char actor[LEDGER_NAME_LEN + 16];

const char *ctl_actor(void)
{
    if (!actor[0]) {
        const struct passwd *pw = getpwuid(getuid());
        snprintf(actor, sizeof actor, "staff:%s", pw ? pw->pw_name : "unknown");
    }
    return actor;
}

/* A PIN from the environment variable env, or asked on the terminal
 * without echo, or read as one line from standard input. */
static bool read_pin(const char *env, const char *prompt, char *out, size_t len)
{
    const char *given = getenv(env);
    if (given) {
        snprintf(out, len, "%s", given);
        return true;
    }
    return prompt_hidden(prompt, out, len);
}

int ctl_authorise(ctl_t *c, perm_t p, const char *operator_name)
{
    if (p == PERM_COUNT && !operator_name)
        return CTL_EXIT_OK;
    ledger_t *l = ctl_open_ledger(c, LEDGER_CREATE);
    if (!l)
        return CTL_EXIT_FAIL;
    int64_t n = 0;
    kmsg_t msg = {""};
    kerr_t rc = ledger_operator_count(l, &n, &msg);
    int status = rc == K_OK ? CTL_EXIT_OK : ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
    if (status == CTL_EXIT_OK && n == 0 && operator_name)
        status = ctl_fail(CTL_EXIT_USAGE, "there are no operators yet: leave out --operator (first setup)");
    else if (status == CTL_EXIT_OK && n > 0 && !operator_name)
        status = ctl_fail(CTL_EXIT_USAGE, "%s needs an operator: give --operator NAME (the PIN is asked, or read from "
                                     "KIOSK_PIN)",
                          c->argv[0]);
    else if (status == CTL_EXIT_OK && n > 0) {
        char pin[64] = "";
        staff_session_t s;
        if (!read_pin("KIOSK_PIN", "PIN: ", pin, sizeof pin))
            status = ctl_fail(CTL_EXIT_USAGE, "no PIN was given");
        else if ((rc = staff_login(l, NULL, operator_name, pin, &s, &msg)) != K_OK ||
                 (p != PERM_COUNT && (rc = staff_require(&s, p, &msg)) != K_OK))
            status = ctl_fail(CTL_EXIT_FAIL, "%s", msg.text);
        else
            snprintf(actor, sizeof actor, "%s", s.actor);
        memset(pin, 0, sizeof pin);
    }
    ledger_close(l);
    return status;
}

/* The verbs below open the ledger themselves and close it. */
static int with_ledger(ctl_t *c, kerr_t (*fn)(ledger_t *l, ctl_t *c, kmsg_t *msg))
{
    ledger_t *l = ctl_open_ledger(c, LEDGER_CREATE);
    if (!l)
        return CTL_EXIT_FAIL;
    kmsg_t msg = {""};
    kerr_t rc = fn(l, c, &msg);
    ledger_close(l);
    if (rc == K_OK)
        return CTL_EXIT_OK;
    return ctl_fail(rc == K_ENOTFOUND || rc == K_EINVAL ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "%s", msg.text);
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n < LEDGER_NAME_LEN &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

/* A new PIN for operator name, twice the same when asked on a terminal,
 * and no other active operator's. */
static kerr_t new_pin_hash(ledger_t *l, const char *name, char hash[STAFF_HASH_LEN], kmsg_t *msg)
{
    char pin[64], again[64];
    if (!read_pin("KIOSK_NEW_PIN", "new PIN: ", pin, sizeof pin))
        return kmsg_set(msg, K_EINVAL, "no PIN was given");
    if (!getenv("KIOSK_NEW_PIN") && isatty(STDIN_FILENO) &&
        (!read_pin("KIOSK_NEW_PIN", "the new PIN again: ", again, sizeof again) || strcmp(pin, again) != 0))
        return kmsg_set(msg, K_EINVAL, "the two PINs differ: nothing changed");
    kerr_t rc = staff_pin_new(l, name, pin, hash, msg);
    memset(pin, 0, sizeof pin);
    memset(again, 0, sizeof again);
    return rc;
}

static kerr_t operator_add(ledger_t *l, ctl_t *c, kmsg_t *msg)
{
    static const struct option opts[] = {{"group", required_argument, NULL, 'g'}, {0, 0, 0, 0}};
    const char *group = NULL;
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1)
        if (ch == 'g')
            group = optarg;
        else
            return kmsg_set(msg, K_EINVAL, "usage: kioskctl operator add NAME --group GROUP");
    if (c->argc - optind != 1 || !group || !valid_name(c->argv[optind]))
        return kmsg_set(msg, K_EINVAL, "usage: kioskctl operator add NAME --group GROUP (NAME: letters, digits, . _ -)");
    char hash[STAFF_HASH_LEN];
    kerr_t rc = new_pin_hash(l, c->argv[optind], hash, msg);
    return rc ? rc : ledger_operator_put(l, c->argv[optind], group, hash, ctl_actor(), msg);
}

int ctl_operator_add(ctl_t *c)
{
    return with_ledger(c, operator_add);
}

static kerr_t operator_pin(ledger_t *l, ctl_t *c, kmsg_t *msg)
{
    ledger_operator_t o;
    bool found;
    if (c->argc != 2)
        return kmsg_set(msg, K_EINVAL, "usage: kioskctl operator pin NAME");
    kerr_t rc = ledger_operator_get(l, c->argv[1], &o, &found, msg);
    if (rc == K_OK && !found)
        rc = kmsg_set(msg, K_ENOTFOUND, "there is no operator %s", c->argv[1]);
    char hash[STAFF_HASH_LEN];
    if (rc == K_OK)
        rc = new_pin_hash(l, o.name, hash, msg);
    return rc ? rc : ledger_operator_put(l, o.name, o.group, hash, ctl_actor(), msg);
}

int ctl_operator_pin(ctl_t *c)
{
    return with_ledger(c, operator_pin);
}

static kerr_t set_active(ledger_t *l, ctl_t *c, bool on, kmsg_t *msg)
{
    if (c->argc != 2)
        return kmsg_set(msg, K_EINVAL, "usage: kioskctl operator %s NAME", on ? "enable" : "disable");
    return ledger_operator_active(l, c->argv[1], on, ctl_actor(), msg);
}

static kerr_t operator_disable(ledger_t *l, ctl_t *c, kmsg_t *msg)
{
    return set_active(l, c, false, msg);
}

static kerr_t operator_enable(ledger_t *l, ctl_t *c, kmsg_t *msg)
{
    return set_active(l, c, true, msg);
}

int ctl_operator_disable(ctl_t *c)
{
    return with_ledger(c, operator_disable);
}

int ctl_operator_enable(ctl_t *c)
{
    return with_ledger(c, operator_enable);
}

static void print_operator(void *ctx, const ledger_operator_t *o)
{
    (void)ctx;
    printf("%-16s %-16s %-8s failures %d%s%s\n", o->name, o->group, o->active ? "active" : "disabled", o->failures,
           o->locked_until ? "  (locked out)" : "", o->central ? "  (back office)" : "");
}

static kerr_t operator_list(ledger_t *l, ctl_t *c, kmsg_t *msg)
{
    if (c->argc != 1)
        return kmsg_set(msg, K_EINVAL, "usage: kioskctl operator list");
    return ledger_operators(l, print_operator, NULL, msg);
}

int ctl_operator_list(ctl_t *c)
{
    return with_ledger(c, operator_list);
}

static kerr_t group_set(ledger_t *l, ctl_t *c, kmsg_t *msg)
{
    static const struct option opts[] = {{"perms", required_argument, NULL, 'p'}, {0, 0, 0, 0}};
    const char *list = NULL;
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1)
        if (ch == 'p')
            list = optarg;
        else
            return kmsg_set(msg, K_EINVAL, "usage: kioskctl group set NAME --perms LIST");
    if (c->argc - optind != 1 || !list || !valid_name(c->argv[optind]))
        return kmsg_set(msg, K_EINVAL, "usage: kioskctl group set NAME --perms LIST (NAME: letters, digits, . _ -)");
    perm_set_t set;
    char bad[64], names[256];
    if (!perm_parse_set(list, &set, bad, sizeof bad))
        return kmsg_set(msg, K_EINVAL, "--perms: '%s' is not a permission (see kioskctl group list, or docs/staff.md)",
                        bad);
    perm_format_set(set, names, sizeof names);
    return ledger_group_put(l, c->argv[optind], names, ctl_actor(), msg);
}

int ctl_group_set(ctl_t *c)
{
    return with_ledger(c, group_set);
}

static void print_group(void *ctx, const char *name, const char *perms)
{
    (void)ctx;
    printf("%-16s %s\n", name, perms[0] ? perms : "(nothing)");
}

static kerr_t group_list(ledger_t *l, ctl_t *c, kmsg_t *msg)
{
    if (c->argc != 1)
        return kmsg_set(msg, K_EINVAL, "usage: kioskctl group list");
    printf("permissions: ");
    for (int p = 0; p < PERM_COUNT; p++)
        printf("%s%s", p ? ", " : "", perm_name((perm_t)p));
    printf("\n");
    return ledger_groups(l, print_group, NULL, msg);
}

int ctl_group_list(ctl_t *c)
{
    return with_ledger(c, group_list);
}
