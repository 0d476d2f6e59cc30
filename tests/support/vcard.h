/* A test's (or a benchmark's) side of cardsim on the real PC/SC stack: start
 * it on vpcd's two readers (the card in "Virtual PCD 00 00", the SAM in
 * "Virtual PCD 00 01"), put a card image into the reader until pcscd
 * reports it, take it out. pcscd must run (tests/card/pcscd.sh). */
#ifndef TESTS_SUPPORT_VCARD_H
#define TESTS_SUPPORT_VCARD_H

#include <stdbool.h>
#include <stddef.h>

#include "support/simclient.h"

#define VCARD_READER "Virtual PCD 00 00"
#define VCARD_SAM_READER "Virtual PCD 00 01"

/* Starts cardsim (bin) with the SAM, the test master key dir/master.key,
 * its ports file and log (info) in dir; waits up to 5 s for its control
 * port. false (why in err) if it does not come up. */
bool vcard_start(sc_sim_t *sim, const char *bin, const char *dir, char *err, size_t len);

/* Puts the card image at path into the reader (taking out the one there)
 * and waits until pcscd has seen it there for a moment. vpcd listens again
 * only a moment after a card left and drops a card that connects in that
 * moment, so the card is put in again until it stays. false (why in err)
 * if the reader never saw it. */
bool vcard_insert(const sc_sim_t *sim, const char *path, char *err, size_t len);

/* Takes the card out of the reader and waits until pcscd says so. */
void vcard_remove(const sc_sim_t *sim);

#endif
