/* The store's part for notices to residents (docs/notices.md): contacts,
 * low-balance levels, each meter's notice memory, and the durable outbox
 * (one row per idempotency key and channel). */
#ifndef BACKOFFICE_STORE_BO_STORE_NOTICE_H
#define BACKOFFICE_STORE_BO_STORE_NOTICE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

/* A meter's memory between readings: the last reading, the one before it
 * (for the forecast), and the notices that fired and are not re-armed yet
 * (bit 1 << kind, for LOW1..CUTOFF_SOON). */
typedef struct bo_nstate {
    bool known;
    int64_t at, balance;
    bool relay_open;
    int64_t prev_at, prev_balance; /* prev_at 0: none */
    unsigned fired;
} bo_nstate_t;

/* The three low-balance levels (level[0] > level[1] > level[2] > 0) and
 * how far above a level a top-up must lift the balance to re-arm it. */
typedef struct bo_nlevels {
    int64_t level[3];
    int64_t margin;
} bo_nlevels_t;

/* The defaults: 20.00, 10.00 and 5.00 yuan, re-armed 1.00 above. */
#define BO_NLEVELS_DEFAULT ((bo_nlevels_t){{2000, 1000, 500}, 100})

/* An account's contact details and choices (personal data). */
typedef struct bo_contact {
    char account[65];
    char mobile[24];  /* digits, international without "+"; "" none */
    char email[128];  /* "" none */
    char lang[8];     /* zh_CN or en */
    unsigned wants;   /* families, 1 << bo_notice_family_t */
    int quiet_from, quiet_to; /* minutes after local midnight; equal: no quiet hours */
} bo_contact_t;

/* A notice to hand to one channel. */
typedef struct bo_out_new {
    const char *key, *channel, *account, *meter, *kind, *lang;
    const char *recipient, *shown; /* the address, and as lists show it (masked) */
    const char *subject, *text, *json;
    int64_t created_at, not_before;
} bo_out_new_t;

/* A row of the outbox as the worker reads it. */
typedef struct bo_out_row {
    int64_t id, attempts, created_at;
    char key[128], channel[16], recipient[128], lang[8];
    char subject[128], text[512], json[1024];
} bo_out_row_t;

/* What a try left: the row's state, its next try, the provider's id and
 * the last error ("" none). */
typedef struct bo_out_mark {
    const char *state;
    int64_t next_try_at, at;
    const char *provider_id, *error;
} bo_out_mark_t;

typedef bool (*bo_out_cb)(void *arg, const bo_out_row_t *r); /* false: stop */

/* What the alarm push reads of a meter: its protocol and its latest
 * set_alarms command (by issue time), if any. */
typedef struct bo_alarm_seen {
    bool registered;
    char protocol[16];
    bool has_last;
    char last_state[16];
    int64_t last[2]; /* the amounts it carried (-1: not in its parameters) */
} bo_alarm_seen_t;

typedef struct bo_st_notice {
    kerr_t (*contact_get)(void *ctx, const char *account, bo_contact_t *c, bool *found, kmsg_t *msg);
    /* Writes c (creating the row); *changed false if the account is not known. */
    kerr_t (*contact_put)(void *ctx, const bo_contact_t *c, int64_t at, bool *changed, kmsg_t *msg);
    kerr_t (*contact_clear)(void *ctx, const char *account, bool *changed, kmsg_t *msg);
    /* The levels of scope ("account:A", "site:S"); *found false if none set. */
    kerr_t (*levels_get)(void *ctx, const char *scope, bo_nlevels_t *lv, bool *found, kmsg_t *msg);
    kerr_t (*levels_put)(void *ctx, const char *scope, const bo_nlevels_t *lv, int64_t at, kmsg_t *msg);
    kerr_t (*state_get)(void *ctx, const char *meter, bo_nstate_t *s, kmsg_t *msg); /* unknown: known false */
    kerr_t (*state_put)(void *ctx, const char *meter, const bo_nstate_t *s, kmsg_t *msg);
    /* Adds n unless a row of its key and channel is there: *added says.
     * Keyed (of any keys: the database settles two at once). */
    kerr_t (*enqueue)(void *ctx, const bo_out_new_t *n, bool *added, kmsg_t *msg);
    /* Calls fn for up to max rows of channel queued and due at now, oldest
     * first. */
    kerr_t (*due)(void *ctx, const char *channel, int64_t now, int max, bo_out_cb fn, void *arg, kmsg_t *msg);
    /* Records a try's outcome on row id (attempts + 1 unless the state is
     * sending). */
    kerr_t (*mark)(void *ctx, int64_t id, const bo_out_mark_t *m, kmsg_t *msg);
    /* A delivery report for channel's provider id: *found says whether a
     * sent row had it. */
    kerr_t (*report)(void *ctx, const char *channel, const char *provider_id, bool delivered, const char *state,
                     int64_t at, bool *found, kmsg_t *msg);
    /* Rows left `sending` by a stop go back to queued; their number. */
    kerr_t (*recover)(void *ctx, int64_t now, int *n, kmsg_t *msg);
    /* The operator's group's permissions (names, comma-separated) and
     * whether the operator is enabled; *found false if not known. */
    kerr_t (*operator_perms)(void *ctx, const char *name, char perms[256], bool *enabled, bool *found, kmsg_t *msg);
    /* The meter's protocol and its latest alarm amounts command. */
    kerr_t (*alarm_seen)(void *ctx, const char *meter, bo_alarm_seen_t *a, kmsg_t *msg);
} bo_st_notice_t;

#endif
