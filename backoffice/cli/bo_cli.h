/* The `backoffice` command line, the staff's front end of the domain: it
 * splits the words, checks the arguments (exit 2 when they are wrong),
 * calls the domain with the store, and presents what it returned: the
 * domain's message on stderr and exit 1 for a refusal or a failure, what
 * was done on stdout and exit 0 otherwise. */
#ifndef BACKOFFICE_CLI_BO_CLI_H
#define BACKOFFICE_CLI_BO_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/domain/bo_op.h"
#include "backoffice/store/bo_store.h"

#define BO_CLI_MAX 16

/* A verb's words and --options, split. Flags (--csv) have value "". */
typedef struct bo_args {
    const char *pos[BO_CLI_MAX];
    int npos;
    const char *opt_name[BO_CLI_MAX], *opt_val[BO_CLI_MAX];
    int nopt;
} bo_args_t;

/* Exit codes: 0 done, 1 failed, 2 bad arguments. */
enum { BO_EXIT_OK = 0, BO_EXIT_FAIL = 1, BO_EXIT_USAGE = 2 };

/* Splits argv into words and --options (an option takes the next word
 * unless it is a flag: --csv, --help, --prefill, --refund, --carry,
 * --by-hand, --all); false if there are too many. */
bool bo_cli_split(int argc, char **argv, bo_args_t *a);

/* The value of --name, or NULL. */
const char *bo_arg(const bo_args_t *a, const char *name);

/* The values of every --name, in order (at most max); their number. */
int bo_args_all(const bo_args_t *a, const char *name, const char **out, int max);

/* True if the verb is `noun verb` with npos words in all. */
bool bo_cli_is(const bo_args_t *a, const char *noun, const char *verb, int npos);

/* Prints "usage: backoffice TEXT" on stderr; BO_EXIT_USAGE. */
int bo_cli_usage(const char *text);

/* Presents a domain call's outcome: done (NULL: nothing) on stdout and
 * BO_EXIT_OK, or the message on stderr and BO_EXIT_FAIL. */
int bo_cli_outcome(kerr_t rc, const kmsg_t *msg, const char *done);

/* As bo_cli_outcome, but K_EINVAL is bad arguments: BO_EXIT_USAGE. */
int bo_cli_outcome_args(kerr_t rc, const kmsg_t *msg, const char *done);

/* Presents the rows a store op filled (and frees them) as a table or CSV,
 * or its failure: BO_EXIT_OK or BO_EXIT_FAIL. */
int bo_cli_rows_done(kerr_t rc, bo_rows_t *r, const kmsg_t *msg, bool csv, FILE *out);

/* Who runs a verb, at the wall clock, as its audit row names them: the
 * account, meter, site and quarantine verbs "backoffice:<login name>" (the
 * user who logged in, so sudo still names the person); the staff and
 * kiosk verbs "staff:<user the program runs as>". */
bo_who_t bo_cli_login(void);
bo_who_t bo_cli_user(void);

/* Prints the listing's rows (args NULL: none) as an aligned table, or CSV;
 * on a failure says `failed: why` and returns BO_EXIT_FAIL. */
int bo_cli_rows(bo_store_t *st, bo_listing_t what, const bo_list_args_t *args, bool csv, FILE *out,
                const char *failed);

/* Prints a listing without parameters, as a table or, with --csv, CSV. */
int bo_cli_list(bo_store_t *st, bo_listing_t what, const bo_args_t *a, FILE *out);

/* True if text is a whole number from 0 to 10^15 (a reading in Wh or
 * litres, or an amount in minor units). */
bool bo_cli_number(const char *text);

/* The whole number option name into *out (dflt when absent); false when
 * it is not one. */
bool bo_cli_int_opt(const bo_args_t *a, const char *name, int64_t dflt, int64_t *out);

/* Prints o pretty and frees it: BO_EXIT_OK, or BO_EXIT_FAIL (o NULL, out
 * of memory). */
int bo_cli_json(cJSON *o);

/* `keygen [--out FILE]`: a new signing key (mode 600); prints its public key. */
int bo_cli_keygen(const bo_config_t *cfg, const bo_args_t *a);

/* `pubkey`: prints the configured signing key's public key. */
int bo_cli_pubkey(const bo_config_t *cfg);
/* `phone-link METER [--days N]`: prints a link to METER's phone page,
 * signed with a key derived from the signing key, valid N days (docs/phone.md). */
int bo_cli_phone_link(const bo_config_t *cfg, const bo_args_t *a);

/* `sign --kind K --version N [--kiosk ID] FILE`: prints the signed envelope. */
int bo_cli_sign(const bo_config_t *cfg, const bo_args_t *a);

/* Runs an admin verb (site, kiosk, customer, account, meter, card,
 * tariff, settings, count, quarantine, operator, group) on the store;
 * messages go to stderr, listings to out. */
int bo_admin(bo_store_t *st, const bo_args_t *a, FILE *out);

/* The meter, card, tariff, settings and count verbs (bo_admin_meter.c). */
int bo_admin_meter(bo_store_t *st, const bo_args_t *a, FILE *out);

/* `meter install ...` and `meter remove ...` (bo_admin_account_meter.c). */
int bo_admin_meter_service(bo_store_t *st, const bo_args_t *a);

/* `account open|bind|transfer|close|list|show ...` (bo_admin_account.c). */
int bo_admin_account(bo_store_t *st, const bo_args_t *a, FILE *out);

/* `account close ...` (bo_admin_account_close.c). */
int bo_admin_account_close(bo_store_t *st, const bo_args_t *a);

/* Sites' scope: `site grant|revoke|grants` and `meter site`
 * (bo_admin_site.c); each change audited. */
int bo_admin_site(bo_store_t *st, const bo_args_t *a, FILE *out);

/* `org ...`, `building ...`, `room ...`: an organisation's structure
 * (bo_admin_org.c); each change audited. */
int bo_admin_org(bo_store_t *st, const bo_args_t *a, FILE *out);

/* `alerts [--open]` and `alert ack ID --operator NAME --reason TEXT`
 * (bo_admin_alerts.c). */
int bo_admin_alerts(bo_store_t *st, const bo_args_t *a, FILE *out);

/* `quarantine list [--all]|release ID|discard ID` (bo_admin_quarantine.c). */
int bo_admin_quarantine(bo_store_t *st, const bo_args_t *a, FILE *out);

/* The staff verbs: `group set|list`, `operator add|pin|disable|enable|list`
 * (bo_admin_staff.c). */
int bo_admin_staff(bo_store_t *st, const bo_args_t *a, FILE *out);

/* `kiosk add|enrol-code|upload-key ...` (bo_enrol_cli.c). */
int bo_admin_enrol(bo_store_t *st, const bo_args_t *a, FILE *out);

/* `report sales|income|money|energy|rejected|alerts|quarantine|audit ...`
 * (bo_report.c); sales, income and money by the sites' local days (cfg's
 * [notices] utc_offset_minutes). */
int bo_report(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out);

/* Whether the verb is a central command's (`meter command`, `meter
 * commands`, `command ...`: bo_cli_command.c). */
bool bo_cli_command_verb(const bo_args_t *a);

/* Runs it: issuing signs with cfg's document key. */
int bo_cli_command(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out);

/* Whether a is a batch verb (`batch ...`: bo_cli_batch.c). */
bool bo_cli_batch_verb(const bo_args_t *a);

/* Runs a batch verb: create (signed with cfg's key), show, list, cancel. */
int bo_cli_batch(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out);

/* Whether a is a daily billing verb (`billing ...`: bo_cli_billing.c). */
bool bo_cli_billing_verb(const bo_args_t *a);

/* Runs it: `billing run [--day D] [--site S]` (no day: yesterday and the
 * days new readings touch), `billing report --account A|--site S|--meter M
 * --from D --to D [--csv]`. */
int bo_cli_billing(bo_store_t *st, const bo_args_t *a, FILE *out);
/* Whether a is a contact or notices verb (bo_cli_notice.c). */
bool bo_cli_notice_verb(const bo_args_t *a);

/* Runs it: `contact set|show|clear`, `notices list|run-once|levels`. */
int bo_cli_notice(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out);

/* Whether a is a post-paid verb (`bill ...`, `account payment|area`:
 * bo_cli_bill.c). */
bool bo_cli_bill_verb(const bo_args_t *a);

/* Runs it: `account payment|area`, `bill draft|confirm|issue|void|pay|show|
 * list|arrears` (docs/billing.md, "Post-paid bills"); an issue queues the
 * bill's notice under cfg's [notices]. */
int bo_cli_bill(const bo_config_t *cfg, bo_store_t *st, const bo_args_t *a, FILE *out);

/* Whether a is a charge or apportionment verb (bo_cli_charge.c). */
bool bo_cli_charge_verb(const bo_args_t *a);

/* Runs it: `charge add|list|apply|applied`, `apportion group add|show`,
 * `apportion run` (docs/billing.md, "Other charges", "Apportionment"). */
int bo_cli_charge(bo_store_t *st, const bo_args_t *a, FILE *out);

/* Whether a is `backup ...` (bo_cli_backup.c). */
bool bo_cli_backup_verb(const bo_args_t *a);

/* Runs `backup --to FILE`: the store's online backup to a new file, its
 * integrity checked; says its size and schema. */
int bo_cli_backup(bo_store_t *st, const bo_args_t *a, FILE *out);

#endif
