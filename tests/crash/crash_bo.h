/* Shared by the crash tests that run the reference back office
 * (tests/backoffice/bo_harness.h): killing it, and holding what it stored
 * against a kiosk's ledger. */
#ifndef TESTS_CRASH_CRASH_BO_H
#define TESTS_CRASH_CRASH_BO_H

#include "backoffice/bo_harness.h"

/* SIGKILLs the back office's server process and reaps it. */
void crash_bo_kill(boh_t *h);

/* The back office against the kiosk's ledger at ledger_path, after a sync
 * that left no outbox row unsent: every outbox row answered once and none
 * rejected, every event seen once, every transaction stored once with the
 * ledger's state and money, and its sales report (delivered sales by
 * method) equal to the ledger's. Failures go to crash_fail. */
void crash_bo_hold(boh_t *h, const char *ledger_path, const char *label);

#endif
