/* The bus lock: sales come first on the meters' wire (docs/collector.md,
 * "Bus priority"). One lock file next to the ledger, `<ledger>.bus`, shared
 * by every program of the kiosk (the touchscreen, kioskctl, the worker). A
 * sale's delivery holds the bus for all of its exchanges; anything else
 * (the scheduled scan, a staff read) takes it for one request and its
 * answer at a time through the gateway's link hook, and before taking it
 * lets a sale that waits go first, so a sale waits for at most the one
 * exchange already on the wire. */
#ifndef ENGINE_ENGINE_BUS_H
#define ENGINE_ENGINE_BUS_H

#include "base/err.h"
#include "drivers/transport/link_hook.h"

typedef struct engine_bus {
    int fd;    /* the lock file; -1: none (every hold is granted at once) */
    int depth; /* this process's holds, nested (a sale's exchanges inside its hold) */
} engine_bus_t;

/* Opens (creating) `<ledger_path>.bus`. A ledger in memory has none: the
 * bus is then not shared (b->fd -1), and K_OK. */
kerr_t engine_bus_open(engine_bus_t *b, const char *ledger_path, kmsg_t *msg);

/* Closes the lock file (safe on a zeroed or unopened bus: fd must be -1
 * or open). */
void engine_bus_close(engine_bus_t *b);

/* A sale's hold: waits until no other program's exchange is on the wire
 * and keeps every other program off it until engine_bus_release. Nests;
 * nothing for b NULL (no bus). */
void engine_bus_hold(engine_bus_t *b);

/* Ends one hold (the last lets the bus go); nothing for b NULL. */
void engine_bus_release(engine_bus_t *b);

/* The link hook for one exchange at a time: before, it lets a waiting
 * sale go first, then takes the bus; after, it lets it go. Inside a
 * sale's hold of this process it does nothing more than nest. */
link_hook_t engine_bus_frame_hook(engine_bus_t *b);

#endif
