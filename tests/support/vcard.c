/* cardsim on vpcd for tests and benchmarks (vcard.h). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "drivers/card/card_slot.h"
#include "support/support.h"
#include "support/vcard.h"

bool vcard_start(sc_sim_t *sim, const char *bin, const char *dir, char *err, size_t len)
{
    char key[600], ports[600], log[600];
    snprintf(key, sizeof key, "%s/master.key", dir);
    snprintf(ports, sizeof ports, "%s/ports", dir);
    snprintf(log, sizeof log, "%s/cardsim.log", dir);
    const char *argv[] = {bin,    "--vpcd",       "127.0.0.1:35963", "--sam",       "127.0.0.1:35964",
                          "--master-key", key,     "--ports-file",    ports,         "--log-level",
                          "info", NULL};
    if (!sc_write_key(dir) || (sim->pid = sc_spawn(bin, log, argv)) < 0) {
        snprintf(err, len, "cannot start %s", bin);
        return false;
    }
    snprintf(sim->dir, sizeof sim->dir, "%s", dir);
    for (int i = 0; i < 500; i++) {
        char *text = file_read(dir, "ports");
        bool ok = text && sscanf(text, "control %d", &sim->control) == 1;
        free(text);
        if (ok)
            return true;
        usleep(10000);
    }
    snprintf(err, len, "cardsim did not start (see %s)", log);
    return false;
}

bool vcard_insert(const sc_sim_t *sim, const char *path, char *err, size_t len)
{
    char cmd[700], reply[256] = "";
    snprintf(cmd, sizeof cmd, "insert %s", path);
    card_slot_t slot;
    kmsg_t msg = {""};
    if (card_pcsc_open(VCARD_READER, &slot, &msg) != K_OK) {
        snprintf(err, len, "the card reader: %s", msg.text);
        return false;
    }
    sc_control(sim, "remove", reply, sizeof reply);
    slot.ops->wait(slot.ctx, false, 5000, &msg); /* the last card has left */
    bool seen = false;
    for (int i = 0; i < 20 && !seen; i++) {
        if (!sc_control(sim, cmd, reply, sizeof reply)) {
            usleep(100000);
            continue;
        }
        seen = slot.ops->wait(slot.ctx, true, 1500, &msg) == CARD_OK && usleep(600000) == 0 &&
               slot.ops->wait(slot.ctx, true, 1, &msg) == CARD_OK; /* and it stays */
        if (!seen) {
            sc_control(sim, "remove", reply, sizeof reply);
            slot.ops->wait(slot.ctx, false, 5000, &msg);
        }
    }
    card_slot_close(&slot);
    if (!seen)
        snprintf(err, len, "the reader never saw the card (%s; %s)", reply, msg.text);
    return seen;
}

void vcard_remove(const sc_sim_t *sim)
{
    char reply[64];
    card_slot_t slot;
    kmsg_t msg = {""};
    sc_control(sim, "remove", reply, sizeof reply);
    if (card_pcsc_open(VCARD_READER, &slot, &msg) == K_OK) {
        slot.ops->wait(slot.ctx, false, 5000, &msg);
        card_slot_close(&slot);
    }
}
