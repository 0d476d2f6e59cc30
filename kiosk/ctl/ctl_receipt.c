/* kioskctl receipt print [ID]: the receipt of a transaction on the receipt
 * printer; the newest one that took money when no ID is given. Printed
 * again, it says it is a copy. */
#include <stdio.h>

#include "kiosk/ctl/ctl.h"

typedef struct newest {
    char id[UUID_STR_LEN];
} newest_t;

static void keep_first_paid(void *ctx, const ledger_txn_t *t)
{
    newest_t *n = ctx;
    if (!n->id[0] && t->paid > 0)
        snprintf(n->id, sizeof n->id, "%s", t->id);
}

/* The transaction the command names, or the newest that took money. */
static kerr_t which(ctl_site_t *s, const char *prefix, char id[UUID_STR_LEN], kmsg_t *msg)
{
    if (prefix)
        return ledger_resolve_id(s->ledger, prefix, id, msg);
    newest_t n = {""};
    ledger_filter_t f = {.newest_first = true, .limit = 200};
    kerr_t rc = ledger_list(s->ledger, &f, keep_first_paid, &n, msg);
    if (rc == K_OK && !n.id[0])
        return kmsg_set(msg, K_ENOTFOUND, "no transaction took money yet: there is no receipt to print");
    snprintf(id, UUID_STR_LEN, "%s", n.id);
    return rc;
}

int ctl_receipt_print(ctl_t *c)
{
    if (c->argc > 2)
        return ctl_fail(CTL_EXIT_USAGE, "usage: kioskctl receipt print [ID]");
    printer_t p = {0};
    kmsg_t msg = {""};
    if (site_printer_open(&c->cfg, &p, &msg) != K_OK)
        return ctl_fail(CTL_EXIT_USAGE, "%s", msg.text);
    ctl_site_t s;
    int status = ctl_site_open(c, &s);
    char id[UUID_STR_LEN];
    if (status == CTL_EXIT_OK) {
        kerr_t rc = which(&s, c->argc == 2 ? c->argv[1] : NULL, id, &msg);
        if (rc == K_OK)
            rc = engine_print_receipt(&s.engine, &p, id, ctl_actor(), &msg);
        if (rc == K_OK)
            printf("receipt of %s printed\n", id);
        else
            status = ctl_fail(rc == K_ENOTFOUND ? CTL_EXIT_USAGE : CTL_EXIT_FAIL, "%s", msg.text);
        ctl_site_close(&s);
    }
    printer_close(&p);
    return status;
}
