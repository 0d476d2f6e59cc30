/* A test's side of a cashsim process: start it in a temporary folder, open
 * its pty link as the kiosk would, speak raw ccTalk, stop it. The control
 * port is reached through support/simclient.h (sc_control). */
#ifndef TESTS_SIM_CASHSIM_CLIENT_H
#define TESTS_SIM_CASHSIM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "support/simclient.h"

typedef struct cs_sim {
    sc_sim_t sc;     /* pid and control port, for sc_control and sc_stop */
    char pty[600];   /* the pty path named in the ports file: the link */
    char link[600];  /* dir/bv: the symlink the host opens */
} cs_sim_t;

/* Starts bin with --link dir/bv --ports-file dir/ports --state
 * dir/state.json --log-level debug, then extra (NULL-ended), stderr to
 * dir/cashsim.log; waits up to 5 s for the ports file. */
bool cs_start(cs_sim_t *s, const char *bin, const char *dir, const char *const *extra);

/* Opens path as a raw 9600 8N1 serial port (non-blocking) and flushes it;
 * -1 on failure. */
int cs_open_port(const char *path);

/* Writes n bytes of req, then collects what comes back until one whole
 * frame for the host decodes (and 20 ms more, so that stray bytes show) or
 * timeout_ms passes. Returns how many bytes arrived in raw; *framed tells
 * whether a frame decoded. */
size_t cs_exchange(int fd, const uint8_t *req, size_t n, uint8_t *raw, size_t cap, int timeout_ms, bool *framed);

/* Formats n bytes as "01 0B 28 ..." (upper case) into out. */
void cs_hex(const uint8_t *p, size_t n, char *out, size_t cap);

#endif
