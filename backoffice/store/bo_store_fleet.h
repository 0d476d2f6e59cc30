/* The storage interface (bo_store.h), its fleet part: sites and kiosks
 * with their settings, enrolment codes and heartbeats; the documents'
 * versions with tariffs and blocked cards; staff groups and operators. */
#ifndef BACKOFFICE_STORE_BO_STORE_FLEET_H
#define BACKOFFICE_STORE_BO_STORE_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backoffice/base/bo_decode.h"
#include "backoffice/base/bo_rows.h"
#include "base/err.h"

/* A kiosk as recorded. */
typedef struct bo_kiosk_rec {
    char site[65];
    char state[16];        /* enrolling, active, blocked */
    char fingerprint[80];  /* of the certificate it enrolled with ("sha256:<hex>"); "" if made by hand */
    char upload_key[64];   /* base64 Ed25519 public key; "" if none registered */
    char kiosk_code[32];   /* the code it showed at enrolment */
} bo_kiosk_rec_t;

/* An enrolment code's row (by its hash) and its kiosk. */
typedef struct bo_code_rec {
    bool used;
    int64_t expires_at, used_at;
    char kiosk[65], site[65], state[16];
} bo_code_rec_t;

/* What a kiosk's enrolment records. */
typedef struct bo_enrolled_rec {
    const char *kiosk, *fingerprint, *upload_key, *kiosk_code;
    int64_t at, not_after;
} bo_enrolled_rec_t;

/* A heartbeat as stored: the decoded fields and the body as it came. */
typedef struct bo_health_rec {
    const char *kiosk;
    int64_t at;
    const bo_heartbeat_t *hb;
    const char *report;
    size_t report_len;
} bo_health_rec_t;

typedef void (*bo_setting_cb)(void *arg, const char *key, int64_t value);

typedef struct bo_st_fleet {
    kerr_t (*site_add)(void *ctx, const char *id, const char *name, kmsg_t *msg); /* K_ECONFLICT: taken */
    /* How many sites there are (id NULL), or whether site id exists (0 or 1). */
    kerr_t (*site_count)(void *ctx, const char *id, int64_t *n, kmsg_t *msg);
    /* The id of a site (the only one, when there is one). */
    kerr_t (*site_any)(void *ctx, char id[65], kmsg_t *msg);
    kerr_t (*kiosk_get)(void *ctx, const char *id, bo_kiosk_rec_t *k, bool *found, kmsg_t *msg);
    /* Adds kiosk id, active, on site (*changed false if the site is not
     * known); K_ECONFLICT if the id is taken. */
    kerr_t (*kiosk_add)(void *ctx, const char *id, const char *site, int64_t at, bool *changed, kmsg_t *msg);
    kerr_t (*kiosk_set_state)(void *ctx, const char *id, const char *state, bool *changed, kmsg_t *msg);
    kerr_t (*kiosk_set_upload_key)(void *ctx, const char *id, const char *key, bool *changed, kmsg_t *msg);
    /* Makes the kiosk active with what its enrolment gave. */
    kerr_t (*kiosk_enrolled)(void *ctx, const bo_enrolled_rec_t *e, kmsg_t *msg);
    /* Pins a fresh certificate (an enrolment asked again). */
    kerr_t (*kiosk_pin)(void *ctx, const char *id, const char *fingerprint, int64_t not_after, kmsg_t *msg);
    kerr_t (*health_put)(void *ctx, const bo_health_rec_t *h, kmsg_t *msg);
    kerr_t (*setting_get)(void *ctx, const char *kiosk, const char *key, int64_t *value, bool *found, kmsg_t *msg);
    /* Sets a kiosk's setting; *changed false if the kiosk is not known. */
    kerr_t (*setting_put)(void *ctx, const char *kiosk, const char *key, int64_t value, bool *changed, kmsg_t *msg);
    /* Calls fn for each of the kiosk's settings, by key. */
    kerr_t (*settings_each)(void *ctx, const char *kiosk, bo_setting_cb fn, void *arg, kmsg_t *msg);
    /* Drops the kiosk's enrolment codes not used yet. */
    kerr_t (*code_drop_unused)(void *ctx, const char *kiosk, kmsg_t *msg);
    kerr_t (*code_put)(void *ctx, const char *hash, const char *kiosk, int64_t at, int64_t expires_at, kmsg_t *msg);
    kerr_t (*code_get)(void *ctx, const char *hash, bo_code_rec_t *c, bool *found, kmsg_t *msg);
    /* The codes neither used nor expired at now: kiosk, site, issued,
     * expires (one row each, by kiosk). */
    kerr_t (*codes_open)(void *ctx, int64_t now, bo_rows_t *out, kmsg_t *msg);
    kerr_t (*code_use)(void *ctx, const char *hash, int64_t at, kmsg_t *msg);
} bo_st_fleet_t;

typedef struct bo_tariff_rec {
    const char *id, *currency, *text;
} bo_tariff_rec_t;

typedef void (*bo_tariff_cb)(void *arg, const bo_tariff_rec_t *t);
/* Two texts of a row: a blocked card's serial and reason, a group's name
 * and permissions. */
typedef void (*bo_pair_cb)(void *arg, const char *a, const char *b);

typedef struct bo_st_docs {
    /* The version of kind (settings: the kiosk's own); -1 if none. */
    kerr_t (*version)(void *ctx, const char *kind, const char *kiosk, int64_t *v, kmsg_t *msg);
    /* Moves kind's version forward by one (settings: the kiosk's own). */
    kerr_t (*bump)(void *ctx, const char *kind, const char *kiosk, kmsg_t *msg);
    kerr_t (*tariff_put)(void *ctx, const bo_tariff_rec_t *t, kmsg_t *msg);
    kerr_t (*tariff_exists)(void *ctx, const char *id, bool *found, kmsg_t *msg);
    kerr_t (*tariffs_each)(void *ctx, bo_tariff_cb fn, void *arg, kmsg_t *msg);
    /* Blocks a card: replace, a block there already takes the new reason
     * and time; else it stays as it was (*changed false). */
    kerr_t (*card_block)(void *ctx, const char *serial, const char *reason, int64_t at, bool replace, bool *changed,
                         kmsg_t *msg);
    kerr_t (*card_unblock)(void *ctx, const char *serial, bool *changed, kmsg_t *msg);
    kerr_t (*blocked_each)(void *ctx, bo_pair_cb fn, void *arg, kmsg_t *msg);
} bo_st_docs_t;

typedef struct bo_operator_rec {
    const char *name, *group, *pin_hash;
    bool disabled;
} bo_operator_rec_t;

typedef void (*bo_operator_cb)(void *arg, const bo_operator_rec_t *o);

typedef struct bo_st_staff {
    kerr_t (*group_put)(void *ctx, const char *name, const char *perms, int64_t at, kmsg_t *msg);
    /* Adds (or makes again) operator o, enabled, in its group; *changed
     * false if the group is not known. */
    kerr_t (*operator_put)(void *ctx, const bo_operator_rec_t *o, int64_t at, bool *changed, kmsg_t *msg);
    kerr_t (*operator_pin)(void *ctx, const char *name, const char *pin_hash, int64_t at, bool *changed,
                           kmsg_t *msg);
    kerr_t (*operator_disable)(void *ctx, const char *name, bool disabled, int64_t at, bool *changed, kmsg_t *msg);
    /* Moves operator name into group; *changed false if either is not known. */
    kerr_t (*operator_group)(void *ctx, const char *name, const char *group, int64_t at, bool *changed, kmsg_t *msg);
    kerr_t (*groups_each)(void *ctx, bo_pair_cb fn, void *arg, kmsg_t *msg);
    kerr_t (*operators_each)(void *ctx, bo_operator_cb fn, void *arg, kmsg_t *msg);
} bo_st_staff_t;

#endif
