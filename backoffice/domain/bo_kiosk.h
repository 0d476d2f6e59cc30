/* Kiosks as staff add and change them (docs/enrolment.md): added with a
 * one-time enrolment code (bo_enrol.h) or by hand, given a fresh code,
 * their upload key registered (a kiosk added by hand has none from
 * enrolment), blocked or activated; and a kiosk as recorded, for the HTTP
 * layer's checks of who is calling. */
#ifndef BACKOFFICE_DOMAIN_BO_KIOSK_H
#define BACKOFFICE_DOMAIN_BO_KIOSK_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/domain/bo_op.h"
#include "sync/sync_code.h"

/* `kiosk add` (add) or `kiosk enrol-code`: the kiosk, its site (add),
 * whether it is added by hand (active at once, no code; its upload key
 * given or registered later) and how many days its code lasts. */
typedef struct bo_kiosk_new {
    bool add;
    const char *kiosk, *site;
    bool by_hand;
    const char *upload_key; /* NULL: none given */
    int64_t days;
} bo_kiosk_new_t;

/* Adds the kiosk (audited kiosk.add) and, unless by hand, issues its
 * enrolment code into code (kiosk.enrol_code); one transaction. */
kerr_t bo_kiosk_add(bo_store_t *st, const bo_who_t *who, const bo_kiosk_new_t *k, char code[SYNC_CODE_LEN],
                    kmsg_t *msg);

/* Registers kiosk's Ed25519 upload key (base64 of 32 bytes), audited
 * (kiosk.upload_key), as one transaction; K_EINVAL for text that is not a
 * key, K_ENOTFOUND for an unknown kiosk. */
kerr_t bo_kiosk_upload_key(bo_store_t *st, const bo_who_t *who, const char *kiosk, const char *key, kmsg_t *msg);

/* Drops kiosk's enrolment codes not used yet (audited
 * kiosk.enrol_code_revoke), as one transaction: a code given out can no
 * longer enrol it. K_ENOTFOUND for an unknown kiosk. */
kerr_t bo_kiosk_code_revoke(bo_store_t *st, const bo_who_t *who, const char *kiosk, kmsg_t *msg);

/* The enrolment codes open at now (neither used nor expired: kiosk, site,
 * state, issued, expires) of the kiosks org sees ("": all). */
kerr_t bo_kiosk_codes_open(bo_store_t *st, const char *org, int64_t now, bo_rows_t *out, kmsg_t *msg);

/* Blocks (state "blocked") or activates ("active") a kiosk. */
kerr_t bo_kiosk_set_state(bo_store_t *st, const char *kiosk, const char *state, kmsg_t *msg);

/* A kiosk as recorded (*found false if not known), for the HTTP layer's
 * checks of who is calling. */
kerr_t bo_kiosk_get(bo_store_t *st, const char *kiosk, bo_kiosk_rec_t *k, bool *found, kmsg_t *msg);

#endif
