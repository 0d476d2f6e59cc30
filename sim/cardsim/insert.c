/* A card going in (its image loaded with its keys, then a connection to
 * the card's reader) and out (the connection closed). The card's memory
 * itself is the card library's (card_load.c). */
#include <string.h>

#include "base/log.h"
#include "sim/cardsim/cardsim.h"
#include "sim/common/simhex.h"

/* Inserts the card whose image is at path. */
kerr_t cardsim_insert(cardsim_t *s, const char *path, kmsg_t *msg)
{
    cardsim_card_t *c = &s->card;
    kerr_t rc = cardsim_card_load(c, s->master, path, msg);
    if (rc)
        return rc;
    if (!cardsim_link_open(&s->card_link, msg)) {
        cardsim_card_unload(c);
        return K_EIO;
    }
    char serial[2 * CARDSIM_SERIAL_LEN + 1];
    simhex_encode(c->img.serial, CARDSIM_SERIAL_LEN, serial);
    LOG_I(CARDSIM_LOG, "card %s inserted (%s)", serial, path);
    return K_OK;
}

/* Pulls the card out: its connection closes. */
void cardsim_remove(cardsim_t *s, const char *why)
{
    cardsim_link_close(&s->card_link);
    if (!s->card.inserted)
        return;
    LOG_I(CARDSIM_LOG, "card removed: %s", why);
    cardsim_card_unload(&s->card);
}
