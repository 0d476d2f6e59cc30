/* The ledger the kiosk expects (docs/ledger.md, "Identity"). Once a kiosk
 * is set up (its identity folder names its ledger, or it is enrolled), a
 * missing, empty or foreign file at ledger.path is never silently replaced
 * by a new ledger: its sales would be lost to the back office. */
#ifndef KIOSK_SITE_SITE_LEDGER_H
#define KIOSK_SITE_SITE_LEDGER_H

#include "engine/config.h"
#include "ledger/ledger.h"

/* Opens the configured ledger (mode as ledger_open) after checking it is
 * the kiosk's: a first start on a fresh appliance creates it and records
 * its identity in the identity folder (ledger.id); afterwards a missing,
 * empty, unreadable or foreign file is K_ESTATE with one line naming the
 * file, what is wrong and what to do. */
kerr_t site_ledger_open(const kiosk_config_t *cfg, ledger_open_mode_t mode, ledger_t **out, kmsg_t *msg);

/* What `kioskctl ledger init --new` did. */
typedef struct site_ledger_init {
    char old_id[UUID_STR_LEN];   /* the ledger the kiosk had ("" if none was recorded) */
    char new_id[UUID_STR_LEN];
    char moved_to[CFG_PATH_LEN + 48]; /* where the file that was there went ("" if there was none) */
} site_ledger_init_t;

/* Starts a new ledger on purpose, in place of one that is missing, empty,
 * unreadable or foreign (K_ESTATE if the kiosk's own ledger opens fine):
 * the file that was there is moved aside, not deleted, the new ledger is
 * recorded as the kiosk's, and its audit log gets `ledger.init_new` by
 * actor with reason. Refused (K_EBUSY) while another program holds the
 * ledger. */
kerr_t site_ledger_init_new(const kiosk_config_t *cfg, const char *actor, const char *reason,
                            site_ledger_init_t *out, kmsg_t *msg);

#endif
