/* The `backoffice` command line: serve, keys, admin verbs and reports. */
#ifndef BACKOFFICE_BO_CLI_H
#define BACKOFFICE_BO_CLI_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>

#include "backoffice/base/bo_config.h"

#define BO_CLI_MAX 16

/* A verb's words and --options, split. Flags (--csv) have value "". */
typedef struct bo_args {
    const char *pos[BO_CLI_MAX];
    int npos;
    const char *opt_name[BO_CLI_MAX], *opt_val[BO_CLI_MAX];
    int nopt;
} bo_args_t;

/* The value of --name, or NULL. */
const char *bo_arg(const bo_args_t *a, const char *name);

/* Exit codes: 0 done, 1 failed, 2 bad arguments. */
enum { BO_EXIT_OK = 0, BO_EXIT_FAIL = 1, BO_EXIT_USAGE = 2 };

/* Runs an admin verb (site, kiosk, customer, meter, card, tariff,
 * settings) on db; messages go to stderr, listings to out. */
int bo_admin(sqlite3 *db, const bo_args_t *a, FILE *out);

/* The meter, card, tariff and settings verbs (bo_admin_meter.c). */
int bo_admin_meter(sqlite3 *db, const bo_args_t *a, FILE *out);

/* Sites' scope: `site grant|revoke|grants` and `meter site`
 * (bo_admin_site.c); each change audited. */
int bo_admin_site(sqlite3 *db, const bo_args_t *a, FILE *out);

/* `quarantine list [--all]|release ID|discard ID` (bo_admin_quarantine.c):
 * rows held for staff; each decision audited. */
int bo_admin_quarantine(sqlite3 *db, const bo_args_t *a, FILE *out);

/* The staff verbs: `group set|list`, `operator add|pin|disable|enable|list`
 * (bo_admin_staff.c); each change moves the `staff` document forward. */
int bo_admin_staff(sqlite3 *db, const bo_args_t *a, FILE *out);

/* `report sales --by day|site|method [--csv] [--from D] [--to D]` and
 * `report energy [--csv]`. */
int bo_report(sqlite3 *db, const bo_args_t *a, FILE *out);

/* `report audit [--kiosk ID] [--since DATE] [--action A] [--csv]`: the
 * fleet's audit trail (bo_report_audit.c). */
int bo_report_audit(sqlite3 *db, const bo_args_t *a, FILE *out);

/* The report's SQL (what: sales, energy, rejected, alerts or quarantine;
 * by: day, site or method for sales), parameters ?1 from and ?2 to in ms;
 * NULL if none. */
const char *bo_report_sql(const char *what, const char *by);

/* The fleet: every kiosk with its last heartbeat. */
const char *bo_kiosk_list_sql(void);

/* Prints every row of st as an aligned table, or CSV (RFC 4180) when csv;
 * finalizes st. Returns the number of rows, -1 on a database error. */
int bo_print_rows(sqlite3_stmt *st, bool csv, FILE *out);

/* Ends an admin verb's transaction: COMMIT if rc is K_OK, else ROLLBACK
 * and msg on stderr. BO_EXIT_OK, or BO_EXIT_FAIL (also when COMMIT fails). */
int bo_admin_commit(sqlite3 *db, kerr_t rc, kmsg_t *msg);

/* Runs sql (with the args as text parameters) as one transaction that
 * also moves `bump` forward (NULL: nothing); prints `done` on success. */
int bo_admin_exec(sqlite3 *db, const char *sql, const char *const *params, int n, const char *bump,
                  const char *kiosk, const char *done);

/* Splits argv into words and --options (an option takes the next word
 * unless it is a flag: --csv, --help, --prefill, --refund, --carry,
 * --by-hand, --all);
 * false if there are too many. */
bool bo_cli_split(int argc, char **argv, bo_args_t *a);

/* `keygen [--out FILE]`: a new signing key (mode 600); prints its public key. */
int bo_cli_keygen(const bo_config_t *cfg, const bo_args_t *a);

/* `pubkey`: prints the configured signing key's public key. */
int bo_cli_pubkey(const bo_config_t *cfg);

/* `sign --kind K --version N [--kiosk ID] FILE`: prints the signed envelope. */
int bo_cli_sign(const bo_config_t *cfg, const bo_args_t *a);

/* Prints the rows of sql (no parameters) as bo_print_rows does. */
int bo_list(sqlite3 *db, const char *sql, const bo_args_t *a, FILE *out);

#endif
