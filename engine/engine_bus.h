/* The bus lock: sales come first on the meters' wire (docs/collector.md,
 * "Bus priority"). One lock file next to the ledger, `<ledger>.bus`, shared
 * by every program of the kiosk (the touchscreen, kioskctl, the worker). A
 * remote sale announces itself from its opening until it is at rest: no
 * other program starts a new exchange meanwhile, so by the time it is paid
 * the exchange that was on the wire has ended. Its delivery holds the wire
 * for all of its exchanges; anything else (the scheduled scan, a staff
 * read) takes the wire for one request and its answer at a time through
 * the gateway's link hook, behind any sale announced.
 *
 * Lock order: the ledger's one-writer lock (a sale announces only while it
 * holds it), then the gate (the announcement), then the wire. An exchange
 * outside a sale holds nothing while it waits for the gate, and nothing
 * but the wire while it is on it. */
#ifndef ENGINE_ENGINE_BUS_H
#define ENGINE_ENGINE_BUS_H

#include <stdbool.h>

#include "base/err.h"
#include "drivers/transport/link_hook.h"

/* How long one exchange outside a sale waits behind a sale's announcement
 * before it goes on the wire anyway (a worker is never stuck behind a long
 * cash payment; the wire still keeps it off a delivery). */
#define ENGINE_BUS_GATE_WAIT_MS 5000

typedef struct engine_bus {
    int fd;    /* the lock file; -1: none (every hold is granted at once) */
    int gate;  /* this process's announcements of a sale, nested */
    int depth; /* this process's holds of the wire, nested (a sale's exchanges inside its hold) */
} engine_bus_t;

/* Opens (creating) `<ledger_path>.bus`. A ledger in memory has none: the
 * bus is then not shared (b->fd -1), and K_OK. */
kerr_t engine_bus_open(engine_bus_t *b, const char *ledger_path, kmsg_t *msg);

/* Closes the lock file (safe on a zeroed or unopened bus: fd must be -1
 * or open); whatever this process held is let go with it, as when it dies. */
void engine_bus_close(engine_bus_t *b);

/* A sale announces itself: from now on no other program starts a new
 * exchange (waiting, if another program's sale has announced itself,
 * until that one is at rest). This process's own exchanges go on. Nests;
 * nothing for b NULL (no bus). */
void engine_bus_announce(engine_bus_t *b);

/* Ends one announcement (the last lets the other programs' exchanges go
 * on); nothing for b NULL or a bus not announced. */
void engine_bus_withdraw(engine_bus_t *b);

/* Whether another program's sale has announced itself now (its exchanges
 * would wait); false for b NULL or no bus. */
bool engine_bus_sale_announced(const engine_bus_t *b);

/* A sale's hold: announces it, waits until no other program's exchange is
 * on the wire and keeps every other program off it until
 * engine_bus_release. Nests; nothing for b NULL (no bus). */
void engine_bus_hold(engine_bus_t *b);

/* Ends one hold (the last lets the wire go, and the announcement it made);
 * nothing for b NULL. */
void engine_bus_release(engine_bus_t *b);

/* The link hook for one exchange at a time: before, it waits behind
 * another program's announced sale (at most ENGINE_BUS_GATE_WAIT_MS),
 * then takes the wire; after, it lets the wire go. A sale announced by
 * this process does not make its own exchanges wait; inside a hold of
 * this process the hook only nests. */
link_hook_t engine_bus_frame_hook(engine_bus_t *b);

#endif
