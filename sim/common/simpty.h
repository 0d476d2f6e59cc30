/* A simulated device's serial line: a pseudo-terminal whose master side
 * the simulator keeps open for its whole life, and a symlink to the slave
 * side that the host opens as its serial device, closes and opens again.
 * While no host has the slave open, reads on the master fail (EIO) and the
 * line is "hung"; the simulator then only checks now and then whether a
 * host came back. cashsim's bill validator and printsim's printer sit on
 * one. */
#ifndef SIM_COMMON_SIMPTY_H
#define SIM_COMMON_SIMPTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define SIMPTY_PATH_MAX 1024

typedef struct simpty {
    int master;                 /* -1 = closed */
    char slave[256];            /* /dev/pts/N */
    char path[SIMPTY_PATH_MAX]; /* the symlink the host opens */
    bool hung;                  /* no host has the slave open */
    const char *log;            /* the simulator's log name */
} simpty_t;

/* Opens a pty pair in raw mode (8N1) and points path at its slave side: a
 * symlink there is replaced, anything else refused (K_EINVAL). Logs under
 * log from then on. */
kerr_t simpty_open(simpty_t *t, const char *path, const char *log, kmsg_t *msg);

/* Reads what the host sent into buf: the count, 0 if nothing is there, or
 * -1 when no host has the slave open (t->hung is then set). */
long simpty_read(simpty_t *t, uint8_t *buf, size_t cap);

/* Clears t->hung once a host has opened the slave again; true if so. */
bool simpty_check(simpty_t *t);

/* Writes all of p to the host, waiting briefly while the pty is full;
 * false (logged) if it could not. */
bool simpty_write(simpty_t *t, const uint8_t *p, size_t n);

/* Closes the pty and removes the symlink if it still points at it. */
void simpty_close(simpty_t *t);

#endif
