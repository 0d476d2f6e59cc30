/* cardsim: a meter card of the application kiosk-prepay (docs/card.md) and
 * the kiosk's SAM, each a virtual card on vpcd (the vsmartcard reader in
 * pcscd), with a text control port for tests (docs/sim/cardsim.md). The
 * card itself is the library of cardsim_card.h; this header holds what the
 * program adds (the readers, the SAM, the control port); names crossing
 * files start with cardsim_. */
#ifndef SIM_CARDSIM_CARDSIM_H
#define SIM_CARDSIM_CARDSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "sim/cardsim/cardsim_card.h"
#include "sim/common/simio.h"

#define CARDSIM_SAM_RETRY_MS 500 /* a SAM reader that is not there is tried again */

/* Where a vpcd reader listens. */
typedef struct cardsim_addr {
    char host[256];
    char port[8];
} cardsim_addr_t;

/* One connection to a vpcd reader and the bytes it sent, not yet whole
 * frames (2-byte length, then payload). */
typedef struct cardsim_link {
    const char *name; /* "card" or "SAM", for logs */
    cardsim_addr_t addr;
    int fd; /* -1 = not connected */
    size_t n;
    uint8_t rx[2 + 65535];
} cardsim_link_t;

typedef struct cardsim {
    uint8_t master[16];
    cardsim_card_t card;
    cardsim_tears_t tears;
    bool use_sam;
    bool sam_selected;
    int64_t sam_retry_ms; /* monotonic: when to try the SAM's reader again */
    cardsim_link_t card_link, sam_link;
} cardsim_t;

/* ---- sam.c: the SAM ---- */

/* Answers one command APDU from the SAM's reader. */
void cardsim_sam_apdu(cardsim_t *s, const uint8_t *b, size_t n, cardsim_resp_t *r);

/* ---- insert.c: a card going in and out ---- */

/* Loads the image at path (cardsim_card_load) and connects to the card's
 * reader; nothing is inserted if either fails. */
kerr_t cardsim_insert(cardsim_t *s, const char *path, kmsg_t *msg);

/* Closes the card's connection and forgets the card (its image is on
 * disk already); why is logged. */
void cardsim_remove(cardsim_t *s, const char *why);

/* ---- link.c: connections to vpcd ---- */

/* Parses HOST:PORT into a; false if it is not that. */
bool cardsim_addr_parse(const char *text, cardsim_addr_t *a);

/* Connects link to its reader; false (msg says why) if it cannot. */
bool cardsim_link_open(cardsim_link_t *l, kmsg_t *msg);

/* Closes link (a closed one is fine). */
void cardsim_link_close(cardsim_link_t *l);

/* Reads what the reader sent and answers each whole frame. */
void cardsim_link_read(cardsim_t *s, cardsim_link_t *l);

/* ---- net.c ---- */

/* Listens on the control port, writes the ports file, connects the SAM
 * and serves until SIGTERM or SIGINT; returns the exit status. */
int cardsim_serve(cardsim_t *s, int control_port, const char *ports_file);

/* ---- control.c ---- */

/* Runs one control line; returns the reply line (heap, no newline), NULL if
 * out of memory. */
char *cardsim_control(cardsim_t *s, char *line);

#endif
