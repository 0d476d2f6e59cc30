/* Central commands at the kiosk (docs/collector.md, "Central commands"):
 * a command the link checked (signature, kind, kiosk, expiry) is accepted
 * here (its meter this kiosk's, the command one it runs) and recorded
 * durably by id before it is acknowledged; then run exactly once, durable
 * first: recorded -> acting (committed) -> the meter (its identity
 * confirmed first) or, for a credit, a sale of method central through the
 * sale orchestrator -> the outcome committed with its outbox row. After a
 * crash a command never acted on is run (unless expired) and one that may
 * have reached the meter is never sent again. */
#ifndef ENGINE_ENGINE_CENTRAL_H
#define ENGINE_ENGINE_CENTRAL_H

#include "engine/engine.h"
#include "ledger/ledger_command.h"

/* Accepts command c (as the link checked it, state received) and
 * records it with its envelope unless its id is recorded already
 * (*fresh false: nothing is done twice). A meter this kiosk does not
 * serve, or a command it cannot run, is recorded refused with a staff
 * alert instead, and K_EDENIED says why (the acknowledgement says so). */
kerr_t engine_central_accept(engine_t *e, const ledger_command_t *c, const char *envelope, bool *fresh, kmsg_t *msg);

/* Records a command the link refused (signature, kind, kiosk, expiry:
 * why), with a staff alert; a command with no usable id is alerted only. */
kerr_t engine_central_refuse(engine_t *e, const ledger_command_t *c, const char *envelope, const char *why,
                             kmsg_t *msg);

/* Runs command id if it is received: exactly once, durable first (above).
 * A command acting already, or final, is left to engine_central_recover.
 * *after (may be NULL) gets the command as it ends. K_EBUSY when another
 * program holds the ledger: it stays received, for the next turn. */
kerr_t engine_central_run(engine_t *e, const char *id, ledger_command_t *after, kmsg_t *msg);

/* Finishes every command not final, as core/command.c's mcmd_restart
 * says: run one never acted on (or end it expired), finish a credit
 * through its sale, and end one that may have reached the meter unknown
 * after a read of the meter (never sending it again). *n counts the
 * commands that reached a final state now. Run it before the first
 * command of a start, and again after deliveries (a credit whose sale was
 * pending ends when the sale does). */
kerr_t engine_central_recover(engine_t *e, int *n, kmsg_t *msg);

/* Inside the engine (engine_refund.c): runs received refund c of amount
 * (docs/collector.md, "Central refunds"): the meter's count read, the
 * intent with count + 1 committed, the meter told once, the outcome
 * committed; a lost answer settled by the meter's count. */
kerr_t engine__central_refund(engine_t *e, const ledger_command_t *c, int64_t amount, ledger_command_t *after,
                              kmsg_t *msg);

/* Inside the engine: settles refund c left acting (a crash after its
 * intent) by reading the meter's purchase count; never sends it again. A
 * meter that cannot be read leaves it acting. */
kerr_t engine__central_refund_settle(engine_t *e, const ledger_command_t *c, ledger_command_t *after, kmsg_t *msg);

#endif
