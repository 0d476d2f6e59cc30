/* A test's side of a printsim process: start it in a temporary folder
 * with both a TCP port and a pty, read its state and receipts, run zbarimg
 * on a picture. The control port and stopping go through
 * support/simclient.h (sc_control, sc_stop). */
#ifndef TESTS_PRINTER_PRINTSIM_CLIENT_H
#define TESTS_PRINTER_PRINTSIM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "support/simclient.h"

typedef struct ps_sim {
    sc_sim_t sc;     /* pid, control port and folder */
    int printer;     /* the TCP port print jobs go to */
    char link[600];  /* dir/lp: the pty's symlink, the kiosk's serial device */
    char out[600];   /* dir/out: the receipts */
} ps_sim_t;

/* Starts bin with --out dir/out --tcp 0 --link dir/lp --ports-file
 * dir/ports --log-level debug, then extra (NULL-ended), output to
 * dir/printsim.log; waits up to 5 s for the ports file. */
bool ps_start(ps_sim_t *s, const char *bin, const char *dir, const char *const *extra);

/* A number from the control port's state JSON, 1 or 0 for true or
 * false (-1 if missing). */
int64_t ps_state_int(const ps_sim_t *s, const char *key);

/* Waits up to timeout_ms for receipt number n to be written, and copies
 * the path of its text file into txt (its PNG is the same with .png). */
bool ps_wait_receipt(const ps_sim_t *s, unsigned n, char *txt, size_t cap, int timeout_ms);

/* Waits up to timeout_ms until the state's key reaches at least want. */
bool ps_wait_state(const ps_sim_t *s, const char *key, int64_t want, int timeout_ms);

/* Reads a whole file (malloc'd, NULL if missing). */
char *ps_read(const char *path);

/* What zbarimg decodes from the picture at path (malloc'd, trailing
 * newline removed), or NULL if it found nothing or could not run. */
char *ps_zbar(const char *path);

#endif
