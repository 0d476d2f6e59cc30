/* Shared by the crash tests that run the reference back office
 * (tests/backoffice/bo_harness.h): killing it, and holding what it stored
 * against a kiosk's ledger. */
#ifndef TESTS_CRASH_CRASH_BO_H
#define TESTS_CRASH_CRASH_BO_H

#include <stddef.h>

#include "backoffice/bo_harness.h"

/* Makes kiosk K1's keys in kiosk_dir/identity (as its first start would),
 * registers its upload key with the back office in h, and registers the
 * meters the crash tests sell to (1, 2, 3 and 9, on K1's site S1): the back
 * office takes only signed uploads, for the meters of the kiosk's site. */
void crash_bo_kiosk(boh_t *h, const char *kiosk_dir);

/* SIGKILLs the back office's server process and reaps it. */
void crash_bo_kill(boh_t *h);

/* A check of the back office's database (main) with a kiosk's ledger
 * attached read-only as k: every row sql returns is a failure, named by
 * what and the row's columns. On PostgreSQL main is a copy in memory of
 * the back office's tables ingest_row, txn_event_seen and sale. */
typedef struct crash_bo_check {
    const char *what, *sql;
} crash_bo_check_t;

/* Runs n checks on the back office in h and the ledger at ledger_path;
 * failures go to crash_fail, named by label. */
void crash_bo_checks(boh_t *h, const char *ledger_path, const crash_bo_check_t *checks, size_t n, const char *label);

/* The back office against the kiosk's ledger at ledger_path, after a sync
 * that left no outbox row unsent: every outbox row answered once and none
 * rejected, every event seen once, every transaction stored once with the
 * ledger's state and money, and its sales report (delivered sales by
 * method) equal to the ledger's; on SQLite, the file's integrity check
 * clean. Failures go to crash_fail. */
void crash_bo_hold(boh_t *h, const char *ledger_path, const char *label);

#endif
