/* The documents kiosks download: tariffs, the meter registry, blocked
 * cards, staff (groups and operators; each one for all kiosks) and each
 * kiosk's settings with its offline limits. Each has a version that only goes forward. */
#ifndef BACKOFFICE_BO_DOCS_H
#define BACKOFFICE_BO_DOCS_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "kiosk/core/err.h"

/* The settings a kiosk gets when none is set, and their names. */
typedef struct bo_setting_def {
    const char *key;
    int64_t def, min, max;
    const char *meaning;
} bo_setting_def_t;

/* The table of settings (NULL-terminated by key). */
const bo_setting_def_t *bo_settings(void);

/* True if kind is tariffs, registry, blocked-cards, settings or staff. */
bool bo_doc_kind_valid(const char *kind);

/* Builds the body of kind (for kiosk, when kind is settings) and its
 * current version. K_ENOTFOUND for an unknown kind or kiosk. */
kerr_t bo_doc_build(sqlite3 *db, const char *kind, const char *kiosk, cJSON **body, int64_t *version, kmsg_t *msg);

/* Moves kind's version forward by one (settings: the kiosk's own). */
kerr_t bo_doc_bump(sqlite3 *db, const char *kind, const char *kiosk, kmsg_t *msg);

/* The current version of every document for kiosk, as {kind: version}. */
cJSON *bo_doc_versions(sqlite3 *db, const char *kiosk);

#endif
