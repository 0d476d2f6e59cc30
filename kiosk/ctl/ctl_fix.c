/* kioskctl txn reconcile | void: staff corrections of a sale that went
 * wrong (docs/staff.md, "Corrections"), each with its reason in the audit
 * log. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kiosk/ctl/ctl.h"

/* Parses "ID [--reason TEXT] [--zero]" after the verb; the ID may be a
 * prefix of at least 8 characters. */
static int parse(ctl_t *c, const char **id, const char **reason, bool *zero)
{
    static const struct option opts[] = {{"reason", required_argument, NULL, 'r'},
                                         {"zero", no_argument, NULL, 'z'},
                                         {0, 0, 0, 0}};
    int ch;
    optind = 0;
    while ((ch = getopt_long(c->argc, c->argv, "", opts, NULL)) != -1) {
        if (ch == '?' || (ch == 'z' && !zero))
            return CTL_EXIT_USAGE;
        if (ch == 'z')
            *zero = true;
        else
            *reason = optarg;
    }
    *id = optind < c->argc ? c->argv[optind] : NULL;
    return c->argc - optind >= 1 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
}

static int apply(ctl_t *c, const char *prefix, engine_fix_t f, const char *reason)
{
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    if (status != CTL_EXIT_OK)
        return status;
    char id[UUID_STR_LEN];
    ledger_txn_t after;
    kmsg_t msg = {""};
    kerr_t rc = ledger_resolve_id(s.ledger, prefix, id, &msg);
    if (rc == K_OK)
        rc = engine_fix(&s.engine, id, f, ctl_actor(), reason, &after, &msg);
    if (rc == K_OK)
        printf("%s: %s, now %s (paid %lld, refunded %lld)\n", after.id, engine_fix_name(f), txn_state_name(after.state),
               (long long)after.paid, (long long)after.refunded);
    else
        status = ctl_fail(rc == K_ENOTFOUND || rc == K_EINVAL ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "%s", msg.text);
    ctl_site_close(&s);
    return status;
}

int ctl_txn_reconcile(ctl_t *c)
{
    const char *id, *reason = NULL;
    engine_fix_t f;
    if (parse(c, &id, &reason, NULL) != CTL_EXIT_OK || c->argc - optind != 2 || !reason ||
        !engine_fix_from_name(c->argv[optind + 1], &f) || f > ENGINE_FIX_CONFIRM)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl txn reconcile ID resume|confirm --reason TEXT");
    return apply(c, id, f, reason);
}

int ctl_txn_void(ctl_t *c)
{
    const char *id, *reason = NULL;
    bool zero = false;
    if (parse(c, &id, &reason, &zero) != CTL_EXIT_OK || c->argc - optind != 1 || !reason)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl txn void ID [--zero] --reason TEXT");
    return apply(c, id, zero ? ENGINE_FIX_ZERO : ENGINE_FIX_VOID, reason);
}
