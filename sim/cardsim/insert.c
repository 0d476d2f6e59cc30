/* A card going in (its image loaded, its keys derived, a connection to the
 * card's reader) and out (the connection closed), and every change of its
 * memory made durable before the card answers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kiosk/app/log.h"
#include "sim/cardsim/cardsim.h"

/* The four keys a real card stores; the simulator derives them from the
 * master key and the serial when the card goes in. */
static bool derive_keys(const cardsim_t *s, const uint8_t serial[CARD_SERIAL_LEN], uint8_t keys[][16])
{
    static const char *const labels[CARDSIM_N_KEYS] = {
        [CARDSIM_K_ISSUE] = CARD_LABEL_ISSUE,
        [CARDSIM_K_PURSE] = CARD_LABEL_PURSE,
        [CARDSIM_K_METER] = CARD_LABEL_METER,
        [CARDSIM_K_READ] = CARD_LABEL_READ,
    };
    for (int k = 0; k < CARDSIM_N_KEYS; k++)
        if (!card_key_derive(s->master, labels[k], serial, keys[k]))
            return false;
    return true;
}

/* Inserts the card whose image is at path. */
kerr_t cardsim_insert(cardsim_t *s, const char *path, kmsg_t *msg)
{
    cardsim_card_t *c = &s->card;
    cardsim_image_t img;
    if (c->inserted)
        return kmsg_set(msg, K_ESTATE, "a card is inserted already (remove it first)");
    if (strlen(path) >= sizeof c->path)
        return kmsg_set(msg, K_EINVAL, "the path is too long");
    kerr_t rc = cardsim_image_load(path, &img, msg);
    if (rc)
        return rc;
    if (!derive_keys(s, img.serial, c->keys)) {
        cardsim_image_free(&img);
        return kmsg_set(msg, K_EIO, "the crypto library failed");
    }
    if (!cardsim_link_open(&s->card_link, msg)) {
        cardsim_image_free(&img);
        memset(c->keys, 0, sizeof c->keys);
        return K_EIO;
    }
    c->inserted = true;
    snprintf(c->path, sizeof c->path, "%s", path);
    c->img = img;
    cardsim_card_reset(c);
    char serial[2 * CARD_SERIAL_LEN + 1];
    cardsim_hex(img.serial, CARD_SERIAL_LEN, serial);
    LOG_I(CARDSIM_LOG, "card %s inserted (%s)", serial, path);
    return K_OK;
}

/* Pulls the card out: its connection closes. */
void cardsim_remove(cardsim_t *s, const char *why)
{
    cardsim_card_t *c = &s->card;
    cardsim_link_close(&s->card_link);
    if (!c->inserted)
        return;
    LOG_I(CARDSIM_LOG, "card removed: %s", why);
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
