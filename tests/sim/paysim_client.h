/* A test's side of a paysim process: start it in a temporary folder, talk
 * ZVT to it as the ECR with the shared codec, use its control port, stop
 * it. */
#ifndef TESTS_SIM_PAYSIM_CLIENT_H
#define TESTS_SIM_PAYSIM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/payterm/zvt_apdu.h"
#include "support/simclient.h"

typedef struct ps_sim {
    sc_sim_t sc; /* pid, control port, folder (for sc_control, sc_stop) */
    int zvt;     /* the ZVT port */
} ps_sim_t;

/* One ECR connection and what it has received but not yet taken. */
typedef struct ps_ecr {
    int fd;
    zvt_stream_t rx;
} ps_ecr_t;

/* Starts bin with --port 0 --control 0 --ports-file dir/ports --state
 * dir/state.json --log-level debug, then extra (NULL-ended); stderr to
 * dir/paysim.log; waits up to 5 s for the ports file. */
bool ps_start(ps_sim_t *p, const char *bin, const char *dir, const char *const *extra);

/* SIGTERM, then waits; returns the exit status (-1 if it had to be killed). */
int ps_stop(ps_sim_t *p);

/* Connects an ECR to the ZVT port; false if it cannot. */
bool ps_connect(const ps_sim_t *p, ps_ecr_t *e);

/* Closes the ECR's connection (a closed one is fine). */
void ps_close(ps_ecr_t *e);

/* Sends raw bytes. */
bool ps_send_bytes(ps_ecr_t *e, const uint8_t *b, size_t n);

/* Sends raw bytes given as hex ("06 00 08 ..."). */
bool ps_send_hex(ps_ecr_t *e, const char *hex);

/* Sends one APDU. */
bool ps_send(ps_ecr_t *e, const zvt_apdu_t *a);

/* The next APDU within timeout_ms: 1 got one, 0 nothing came, -1 the link
 * closed (or sent something that is no APDU). */
int ps_recv(ps_ecr_t *e, zvt_apdu_t *a, int timeout_ms);

/* The encoded bytes of a. */
size_t ps_encode(const zvt_apdu_t *a, uint8_t *out, size_t cap);

#endif
