/* The worker's central commands (docs/collector.md, "Central commands"):
 * a thread of its own keeps one long poll open to the back office, so the
 * worker's other duties never wait for it; the worker's loop checks,
 * records, acknowledges and runs what it brought, then uploads the
 * outcomes at once. */
#ifndef KIOSK_CTL_CTL_COMMANDS_H
#define KIOSK_CTL_CTL_COMMANDS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "kiosk/ctl/ctl.h"
#include "sync/sync_client.h"

typedef struct ctl_commands {
    const kiosk_config_t *cfg;
    sync_client_t *poll;  /* the long poll's own connection; NULL: no back office */
    sync_client_t *link;  /* the worker's: acknowledgements and uploads */
    int wait_s;           /* the long poll's wait (settings: command_wait_seconds) */
    pthread_t thread;
    bool running;
    atomic_bool stop, ready;
    pthread_mutex_t lock; /* guards the queue */
    char **queue;         /* envelopes brought by the poll, not handled yet */
    size_t n, cap;
    bool open;            /* commands not final may be in the ledger */
} ctl_commands_t;

/* Finishes the commands a crash left unfinished, then (with a back office)
 * starts the long poll's thread. CTL_EXIT_OK, or why not. */
int ctl_commands_start(ctl_t *c, ctl_site_t *s, sync_client_t *link, ctl_commands_t *k);

/* True once the poll brought something to handle (the worker stops
 * sleeping). */
bool ctl_commands_ready(ctl_commands_t *k);

/* Handles what the poll brought: each command checked, recorded,
 * acknowledged and run, then the outbox uploaded; and the commands still
 * open (a credit whose sale was pending) looked at again. */
void ctl_commands_turn(ctl_site_t *s, ctl_commands_t *k);

/* Stops the poll's thread (within a moment) and frees everything. */
void ctl_commands_stop(ctl_commands_t *k);

#endif
