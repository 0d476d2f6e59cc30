/* Shared by the crash tests and their children: failures, running and
 * killing a process, kioskctl, the step log, a simulator's control port. */
#ifndef TESTS_CRASH_CRASH_UTIL_H
#define TESTS_CRASH_CRASH_UTIL_H

#include <stdbool.h>

#include "engine/config.h"
#include "ledger/ledger.h"

/* Failures reported so far by crash_fail. */
extern int crash_failures;

/* Prints "FAIL: ..." on stderr and counts it. */
void crash_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Stops the process (status 4) saying what failed, unless rc is K_OK. */
void crash_must(kerr_t rc, const kmsg_t *msg, const char *what);

/* Loads the configuration file at path as kioskctl does; dir (len bytes)
 * gets the file's folder. Stops the process if it cannot. */
void crash_config(const char *path, kiosk_config_t *cfg, char *dir, size_t len);

/* Runs argv (stdout to /dev/null), SIGKILLing it after kill_after_us if
 * that is not 0; returns its wait status. */
int crash_run(char *const argv[], unsigned kill_after_us);

/* Runs "kioskctl --config=dir/kiosk.ini verb [sub]"; returns its exit
 * status (128 + signal if it died). */
int crash_ctl(const char *ctl_bin, const char *dir, const char *verb, const char *sub);

/* The name of step k in dir/steps.log ("?" if it is not there). */
const char *crash_step_name(const char *dir, int k);

/* Runs child with dir/kiosk.ini and kill point k (0: to the end) through
 * crash_run; its exit status. */
int crash_run_child(char *child, const char *dir, int k);

/* Runs child in dir killed at step k, and again to recover when it was
 * killed; label names the run ("kill at 3 (sale.opened)"). Fails the test
 * on a child or a restart that failed. Returns whether it was killed
 * (false: it ran to its end, no step k). */
bool crash_kill_and_recover(char *child, const char *dir, int k, char *label, size_t len);

/* An integer from SQL on the ledger file db (a sqlite3 *; -1 on error). */
long long crash_sql_int(void *db, const char *sql);

/* dir's ledger.db opened as plain SQLite for the checks (a sqlite3 *), or
 * NULL after a failure naming label. */
void *crash_open_ledger_db(const char *dir, const char *label);

/* How many central commands have their outcome (topic command) in db's
 * outbox exactly once. */
long long crash_outcomes_once(void *db);

/* Appends line to dir/name with one write(2), so a kill right after leaves
 * it whole; exits 3 if it cannot. */
void crash_append(const char *dir, const char *name, const char *line);

/* A crash child's step hook (the engine's step_ctx): each step boundary is
 * appended to dir/steps.log as "N name"; at boundary kill_at the process
 * SIGKILLs itself, or cuts the power first if cut is set (crash_vfs.h). */
typedef struct crash_steps {
    const char *dir;
    int kill_at, n;
    void (*cut)(const char *why);
} crash_steps_t;

void crash_step(void *ctx, const char *step);

/* Sends one line to a simulator's control port on 127.0.0.1; true if the
 * reply starts with "ok". */
bool crash_control(int port, const char *cmd);

/* What the meters say they were credited, held against the ledger. */
typedef struct crash_credit {
    char meter[16];
    long long count, amount;
    bool matched;
} crash_credit_t;

typedef struct crash_check {
    const char *label;      /* names the run in failures */
    bool refunds_allowed;   /* a card payment given back ends the sale refunded */
    crash_credit_t credits[64];
    int n_credits;
    long long paid_delivered;
} crash_check_t;

/* Adds one credit a meter reports. */
void crash_add_credit(crash_check_t *c, const char *meter, long long count, long long amount);

/* Reads the fake meters' journal in dir; a meter credited twice with one
 * purchase count is a failure. */
void crash_load_fake_journal(const char *dir, crash_check_t *c);

/* Every transaction of l must be delivered (with exactly one credit of its
 * meter and count, of what it was paid), cancelled without money or, if
 * allowed, refunded; every credit must belong to a delivered transaction. */
void crash_match_ledger(ledger_t *l, crash_check_t *c);

/* Every sale a child wrote to dir/child.log as finished ("done ID STATE")
 * must still be in l, in that state. */
void crash_check_child_log(const char *dir, ledger_t *l, crash_check_t *c);

#endif
