/* A card's memory: its image loaded with the keys a real card would
 * store, dropped again, and every change made durable (the image file
 * replaced whole) before the card answers. No reader link here: cardsim
 * and metersim's card slot both put a card in through these. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "sim/cardsim/cardsim_card.h"

/* The four keys a real card stores; the simulator derives them from the
 * master key and the serial when the card goes in. */
static bool derive_keys(const uint8_t master[16], const uint8_t serial[CARDSIM_SERIAL_LEN], uint8_t keys[][16])
{
    for (int k = 0; k < CARDSIM_N_KEYS; k++)
        if (!cardsim_key_derive(master, (cardsim_key_t)k, serial, keys[k]))
            return false;
    return true;
}

/* Loads the card whose image is at path, with its keys. */
kerr_t cardsim_card_load(cardsim_card_t *c, const uint8_t master[16], const char *path, kmsg_t *msg)
{
    cardsim_image_t img;
    if (c->inserted)
        return kmsg_set(msg, K_ESTATE, "a card is inserted already (remove it first)");
    if (strlen(path) >= sizeof c->path)
        return kmsg_set(msg, K_EINVAL, "the path is too long");
    kerr_t rc = cardsim_image_load(path, &img, msg);
    if (rc)
        return rc;
    if (!derive_keys(master, img.serial, c->keys)) {
        cardsim_image_free(&img);
        memset(c->keys, 0, sizeof c->keys);
        return kmsg_set(msg, K_EIO, "the crypto library failed");
    }
    c->inserted = true;
    snprintf(c->path, sizeof c->path, "%s", path);
    c->img = img;
    cardsim_card_reset(c);
    return K_OK;
}

/* Forgets the card and wipes its keys. */
void cardsim_card_unload(cardsim_card_t *c)
{
    if (!c->inserted)
        return;
    cardsim_image_free(&c->img);
    memset(c->keys, 0, sizeof c->keys);
    cardsim_card_reset(c);
    c->inserted = false;
    c->path[0] = '\0';
}

/* Changes the card's memory only once the image file holds the change. */
bool cardsim_commit(cardsim_card_t *c, const cardsim_files_t *next, const cardsim_entry_t *e)
{
    cardsim_files_t old = c->img.files;
    c->img.files = *next;
    if (e && !cardsim_journal_push(&c->img, e)) {
        c->img.files = old;
        LOG_E(CARDSIM_LOG, "card: out of memory, or over %d journal entries: nothing written", CARDSIM_MAX_JOURNAL);
        return false;
    }
    if (cardsim_image_save(&c->img, c->path))
        return true;
    LOG_E(CARDSIM_LOG, "card: cannot write the image %s: %s; nothing written", c->path, strerror(errno));
    c->img.files = old;
    if (e)
        c->img.n_journal--;
    return false;
}
