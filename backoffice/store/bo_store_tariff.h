/* The storage interface (bo_store.h), its tariff versions part (docs/
 * billing.md, "The money"; docs/money.md): a tariff id may have versions,
 * each in force from an instant (UTC ms) until the next one; before its
 * first version the tariff's own row (bo_st_docs_t tariff_put) is in
 * force. Versions are kept, never replaced by later ones, so a day billed
 * again is billed as it was. */
#ifndef BACKOFFICE_STORE_BO_STORE_TARIFF_H
#define BACKOFFICE_STORE_BO_STORE_TARIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_rows.h"
#include "base/err.h"

/* One version: the tariff id, in force from `from` (UTC ms), its
 * currency and text (the kiosk's tariff syntax). */
typedef struct bo_tariff_ver {
    const char *id, *currency, *text;
    int64_t from;
} bo_tariff_ver_t;

typedef void (*bo_tariff_ver_cb)(void *arg, const bo_tariff_ver_t *v);

typedef struct bo_st_tariffv {
    /* Stores v (a version of the same id and instant is replaced);
     * K_ENOTFOUND if the tariff id is not known. */
    kerr_t (*put)(void *ctx, const bo_tariff_ver_t *v, int64_t at, kmsg_t *msg);
    /* Calls fn for each version of id ("": of every tariff), by id then
     * instant. */
    kerr_t (*each)(void *ctx, const char *id, bo_tariff_ver_cb fn, void *arg, kmsg_t *msg);
    /* The versions of id ("": all) as rows: tariff, currency, from (the
     * local time it takes effect), text. */
    kerr_t (*rows)(void *ctx, const char *id, bo_rows_t *out, kmsg_t *msg);
} bo_st_tariffv_t;

#endif
