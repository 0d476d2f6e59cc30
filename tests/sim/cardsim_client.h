/* A test's side of a cardsim process: the test plays vpcd (it listens
 * where cardsim connects, and sends control bytes and APDUs framed as vpcd
 * does: a 2-byte big-endian length, then the payload), and talks to the
 * control port. No pcscd is needed. */
#ifndef TESTS_SIM_CARDSIM_CLIENT_H
#define TESTS_SIM_CARDSIM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "support/simclient.h"

typedef struct cs_sim {
    sc_sim_t sc;          /* pid, control port, folder (for sc_control, sc_stop) */
    int card_lfd, sam_lfd; /* the test's vpcd readers: listening sockets, -1 = none */
    int card_port, sam_port;
} cs_sim_t;

/* A TCP socket listening on 127.0.0.1:port (0: the kernel picks); the
 * port goes to *bound. -1 if it cannot. */
int cs_listen(int port, int *bound);

/* Opens the card reader (and with sam the SAM reader), then starts bin
 * with --vpcd, [--sam,] --master-key dir/master.key (the test key of
 * sc_write_key), --control 0, --ports-file dir/ports, --log-level debug and
 * extra (NULL-ended); output to dir/cardsim.log. Waits up to 5 s for the
 * ports file. */
bool cs_start(cs_sim_t *c, const char *bin, const char *dir, bool sam, const char *const *extra);

/* Stops cardsim (SIGTERM; its exit status, -1 if it had to be killed) and
 * closes the readers. */
int cs_stop(cs_sim_t *c);

/* Takes cardsim's next connection to a reader within timeout_ms; -1 if
 * none came. */
int cs_accept(int lfd, int timeout_ms);

/* Sends one frame; false if the connection is gone. */
bool cs_send(int fd, const uint8_t *p, size_t n);

/* The next frame within timeout_ms: 1 got one (*n bytes), 0 nothing came,
 * -1 the connection closed (or sent more than cap). */
int cs_recv(int fd, uint8_t *out, size_t cap, size_t *n, int timeout_ms);

/* One APDU and its answer, as cs_recv. */
int cs_transmit(int fd, const uint8_t *apdu, size_t n, uint8_t *resp, size_t cap, size_t *rn, int timeout_ms);

/* Power on (01), then the ATR (04); false if it did not come. */
bool cs_power_on(int fd, uint8_t *atr, size_t cap, size_t *n);

#endif
