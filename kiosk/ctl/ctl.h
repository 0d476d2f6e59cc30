/* kioskctl, the staff and test command line: shared pieces of its verbs. */
#ifndef KIOSK_CTL_CTL_H
#define KIOSK_CTL_CTL_H

#include "core/perm.h"
#include "engine/config.h"
#include "engine/engine.h"
#include "engine/registry.h"
#include "kiosk/app/cli.h"
#include "kiosk/site/site.h"
#include "kiosk/site/site_ledger.h"
#include "ledger/ledger.h"
#include "sync/sync_docs.h"

/* Exit statuses: 0 done, 1 the operation failed or found problems,
 * 2 bad arguments or configuration (nothing was written). */
enum { CTL_EXIT_OK = 0, CTL_EXIT_FAIL = 1, CTL_EXIT_USAGE = CLI_USAGE };

typedef struct ctl {
    kiosk_config_t cfg;
    int argc;    /* the verb's arguments; argv[0] names the verb */
    char **argv;
} ctl_t;

/* Prints "kioskctl: <message>" on stderr and returns status. */
int ctl_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether s is a meter number: exactly 12 digits. */
bool ctl_twelve_digits(const char *s);

/* Who is acting, for the audit log: the signed-in operator
 * ("operator:NAME"), or "staff:<login>" while no operator exists (first
 * setup, as the local administrator). */
const char *ctl_actor(void);

/* Lets a verb that needs permission p (PERM_COUNT: none) run: with no
 * operator in the ledger, as the local administrator; else operator_name
 * must sign in (its PIN from KIOSK_PIN, or asked) and hold p. Returns an
 * exit status, having said why not. */
int ctl_authorise(ctl_t *c, perm_t p, const char *operator_name);

/* Opens the configured ledger; prints why and returns NULL on failure. */
ledger_t *ctl_open_ledger(const ctl_t *c, ledger_open_mode_t mode);

/* Ledger, registry, gateway, devices and engine for one command (site.h). */
typedef site_t ctl_site_t;

/* Opens the site (printing why not); returns an exit status. */
int ctl_site_open(ctl_t *c, ctl_site_t *s);

/* Opens the site for the back-office link alone: no payment device, no
 * card reader (site_open_link). */
int ctl_site_open_link(ctl_t *c, ctl_site_t *s);

/* What the worker opens as the site's collector (docs/collector.md): the
 * ledger, the registry, the back office's count service and the site's
 * gateway, never the bill acceptor, card terminal, printer or card reader,
 * which belong to the touchscreen. */
int ctl_site_open_collector(ctl_t *c, ctl_site_t *s);

/* Closes what ctl_site_open opened. */
void ctl_site_close(ctl_site_t *s);

/* Runs recovery; prints a summary if anything was unfinished (or always,
 * with report). Returns an exit status. */
int ctl_recovery(ctl_site_t *s, bool report);

/* What rounds with the back office did. */
typedef struct ctl_sync_tally {
    sync_upload_result_t up; /* outbox rows sent and answered */
    int batches;
    int booked;              /* late QR payments booked */
    sync_docs_report_t docs;
} ctl_sync_tally_t;

/* One round with the back office (sync.url set): the outbox up, the
 * heartbeat with the kiosk's health, the late QR payments it lists booked
 * and their rows up, the signed documents newer than those applied (when a
 * key is pinned). An upload the back office answered with an error does
 * not stop the rest (the heartbeat says it, the documents still come); the
 * round then ends with the upload's failure. An upload that got no answer
 * ends the round. Nothing is lost by a failure. */
kerr_t ctl_sync_round(ctl_t *c, ctl_site_t *s, sync_client_t *sc, ctl_sync_tally_t *t, kmsg_t *msg);

/* The verbs. Each returns an exit status. */
int ctl_ledger_list(ctl_t *c);
int ctl_ledger_show(ctl_t *c);
int ctl_ledger_export(ctl_t *c);
int ctl_ledger_verify(ctl_t *c);
int ctl_ledger_init(ctl_t *c);
int ctl_txn_diagram(ctl_t *c);
int ctl_sale(ctl_t *c);
int ctl_recover(ctl_t *c);
int ctl_retry(ctl_t *c);
int ctl_worker(ctl_t *c);
int ctl_config_show(ctl_t *c);
int ctl_config_sample(ctl_t *c);
int ctl_meter_read(ctl_t *c);
int ctl_meter_relay(ctl_t *c);
int ctl_meter_scan(ctl_t *c);
int ctl_meter_keep_power(ctl_t *c);
int ctl_meter_alarms(ctl_t *c);
int ctl_meter_prices(ctl_t *c);
int ctl_meter_frozen(ctl_t *c);
int ctl_alerts(ctl_t *c);
int ctl_cash_status(ctl_t *c);
int ctl_cash_collect(ctl_t *c);
int ctl_payterm_last(ctl_t *c);
int ctl_payterm_end_of_day(ctl_t *c);
int ctl_card_read(ctl_t *c);
int ctl_card_issue(ctl_t *c);
int ctl_receipt_print(ctl_t *c);
int ctl_txn_reconcile(ctl_t *c);
int ctl_txn_void(ctl_t *c);
int ctl_sync_now(ctl_t *c);
int ctl_selftest(ctl_t *c);
int ctl_sync_status(ctl_t *c);
int ctl_bill_due(ctl_t *c);
int ctl_bill_pay(ctl_t *c);

/* Asks the back office what account owes, before any money is taken: an
 * exit status, 0 when it owes at least amount; else said ("no bill is due
 * for account A: nothing taken", the account not known or not this
 * kiosk's, the back office not answering). */
int ctl_bill_payable(ctl_t *c, const char *account, int64_t amount);
int ctl_enrol(ctl_t *c);
int ctl_identity(ctl_t *c);
int ctl_factory_reset(ctl_t *c);
int ctl_sync_notices(ctl_t *c);
int ctl_sync_apply(ctl_t *c);
int ctl_operator_add(ctl_t *c);
int ctl_operator_pin(ctl_t *c);
int ctl_operator_disable(ctl_t *c);
int ctl_operator_enable(ctl_t *c);
int ctl_operator_list(ctl_t *c);
int ctl_group_set(ctl_t *c);
int ctl_group_list(ctl_t *c);
int ctl_card_replace(ctl_t *c);

/* Reads the meter card in the reader for a command (printing why not);
 * returns an exit status. */
int ctl_card_inserted(ctl_site_t *s, engine_mcard_t *card);

#endif
