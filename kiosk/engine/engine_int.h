/* Internal to the engine. */
#ifndef KIOSK_ENGINE_INT_H
#define KIOSK_ENGINE_INT_H

#include "kiosk/engine/engine.h"

/* Announces a step boundary (log at debug, then the test hook). */
void engine__step(engine_t *e, const char *step);

/* ledger_apply with logging. */
kerr_t engine__apply(engine_t *e, const char *id, txn_state_t expect, const ledger_change_t *c,
                     ledger_txn_t *after, kmsg_t *msg);

#endif
