/* kioskctl, the staff and test command line: shared pieces of its verbs. */
#ifndef KIOSK_CTL_CTL_H
#define KIOSK_CTL_CTL_H

#include "kiosk/app/cli.h"
#include "kiosk/app/config.h"
#include "kiosk/ledger/ledger.h"

/* Exit statuses: 0 done, 1 the operation failed or found problems,
 * 2 bad arguments or configuration (nothing was written). */
enum { CTL_OK = 0, CTL_FAIL = 1, CTL_USAGE = CLI_USAGE };

typedef struct ctl {
    kiosk_config_t cfg;
    int argc;    /* the verb's arguments; argv[0] names the verb */
    char **argv;
} ctl_t;

/* Prints "kioskctl: <message>" on stderr and returns status. */
int ctl_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the configured ledger; prints why and returns NULL on failure. */
ledger_t *ctl_open_ledger(const ctl_t *c, ledger_open_mode_t mode);

/* The verbs. Each returns an exit status. */
int ctl_ledger_list(ctl_t *c);
int ctl_ledger_show(ctl_t *c);
int ctl_ledger_export(ctl_t *c);
int ctl_ledger_verify(ctl_t *c);
int ctl_txn_diagram(ctl_t *c);
int ctl_sale(ctl_t *c);
int ctl_recover(ctl_t *c);
int ctl_retry(ctl_t *c);
int ctl_config_show(ctl_t *c);
int ctl_config_sample(ctl_t *c);

#endif
