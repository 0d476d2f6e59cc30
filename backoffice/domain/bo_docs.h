/* The documents kiosks download: tariffs, the meter registry, blocked
 * cards, staff (groups and operators; each one for all kiosks) and each
 * kiosk's settings with its offline limits. Each has a version that only
 * goes forward; staff's changes to tariffs, blocked cards and settings
 * move it (bo_docs_admin.c). */
#ifndef BACKOFFICE_DOMAIN_BO_DOCS_H
#define BACKOFFICE_DOMAIN_BO_DOCS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "backoffice/domain/bo_op.h"
#include "backoffice/store/bo_store.h"
#include "base/err.h"

/* The settings a kiosk gets when none is set, and their names. */
typedef struct bo_setting_def {
    const char *key;
    int64_t def, min, max;
    const char *meaning;
} bo_setting_def_t;

/* The table of settings (NULL-terminated by key). */
const bo_setting_def_t *bo_settings(void);

/* The setting named key, NULL if there is none. */
const bo_setting_def_t *bo_setting(const char *key);

/* True if kind is tariffs, registry, blocked-cards, settings or staff. */
bool bo_doc_kind_valid(const char *kind);

/* Builds the body of kind (for kiosk, when kind is settings) and its
 * current version. K_ENOTFOUND for an unknown kind or kiosk. */
kerr_t bo_doc_build(bo_store_t *st, const char *kind, const char *kiosk, cJSON **body, int64_t *version, kmsg_t *msg);

/* Moves kind's version forward by one (settings: the kiosk's own). */
kerr_t bo_doc_bump(bo_store_t *st, const char *kind, const char *kiosk, kmsg_t *msg);

/* The current version of every document for kiosk, as {kind: version}. */
cJSON *bo_doc_versions(bo_store_t *st, const char *kiosk);

/* Blocks card serial at every kiosk (reason NULL: "blocked by staff"), or
 * a block there already takes the new reason; the blocked-cards document
 * moves forward. */
kerr_t bo_card_block(bo_store_t *st, int64_t now, const char *serial, const char *reason, kmsg_t *msg);

/* Lifts a card's block; K_ENOTFOUND if it was not blocked. */
kerr_t bo_card_unblock(bo_store_t *st, const char *serial, kmsg_t *msg);

/* Checks a tariff as the kiosks read it (docs/money.md): a known ISO 4217
 * currency and a tariff text; K_EINVAL saying what is wrong. */
kerr_t bo_tariff_check(const char *currency, const char *text, kmsg_t *msg);

/* Sets tariff id (checked first with bo_tariff_check); the tariffs
 * document moves forward. */
kerr_t bo_tariff_set(bo_store_t *st, const char *id, const char *currency, const char *text, kmsg_t *msg);

/* Adds a version of tariff id (already set; checked first with
 * bo_tariff_check) in force from the instant `from` (UTC ms) until a later
 * version, audited as `tariff.version` by who; the tariffs document moves
 * forward and lists it with its effective_at. K_ENOTFOUND for an id not
 * known. */
kerr_t bo_tariff_version_set(bo_store_t *st, const bo_who_t *who, const bo_tariff_ver_t *v, kmsg_t *msg);

/* Sets a kiosk's setting (a known key, in its range: the caller checks
 * with bo_setting); its settings document moves forward. K_ENOTFOUND for
 * an unknown kiosk. */
kerr_t bo_setting_set(bo_store_t *st, const char *kiosk, const char *key, int64_t value, kmsg_t *msg);

#endif
