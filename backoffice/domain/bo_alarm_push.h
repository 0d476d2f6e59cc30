/* The low-balance levels written to the meters as their alarm amounts
 * (docs/notices.md, "Alarm amounts on the meters"): for each meter of a
 * site, an account or one meter whose protocol holds alarm amounts, a
 * set_alarms central command with the levels that apply to it (the
 * account's own, else the site's, else the defaults), queued in a batch
 * (docs/collector.md, "Batches") unless the same amounts are written or on
 * their way already. */
#ifndef BACKOFFICE_DOMAIN_BO_ALARM_PUSH_H
#define BACKOFFICE_DOMAIN_BO_ALARM_PUSH_H

#include "backoffice/base/bo_config.h"
#include "backoffice/domain/bo_batch.h"
#include "backoffice/store/bo_store_notice.h"

#define BO_ALARM_BATCHES 8 /* the batches an answer names (more are made, not named) */

/* Which meters: a site's (every meter registered on it), an account's
 * (bound to it now) or one. */
typedef enum bo_alarm_scope { BO_ALARM_SITE, BO_ALARM_ACCOUNT, BO_ALARM_METER, BO_ALARM_SCOPE_COUNT } bo_alarm_scope_t;

/* What to push and who asks. */
typedef struct bo_alarm_spec {
    bo_alarm_scope_t scope;
    const char *id;            /* the site, account or meter */
    const char *operator_name; /* named in the commands and their batch */
    int64_t expiry_s;          /* each command's expiry */
} bo_alarm_spec_t;

/* What a push did. */
typedef struct bo_alarm_out {
    int meters;      /* in scope */
    int queued;      /* commands queued */
    int current;     /* the same amounts written or on their way already */
    int unsupported; /* a protocol that holds no alarm amounts */
    int no_kiosk;    /* on no site, or the site has no active kiosk */
    int batches;     /* batches made: one per distinct pair of amounts */
    char batch[BO_ALARM_BATCHES][37];
    int64_t amounts[BO_ALARM_BATCHES][2];
    int batch_meters[BO_ALARM_BATCHES];
} bo_alarm_out_t;

/* The scope's name (site, account, meter). */
const char *bo_alarm_scope_name(bo_alarm_scope_t s);

/* How many alarm amounts a meter of protocol holds: 2 for dlt645
 * (04 00 10 01 and 02) and modbus (registers 0140-0143), 0 for any other.
 * Pure. */
int bo_alarm_held(const char *protocol);

/* The levels as the amounts a meter holding `held` writes: two take the
 * first (highest) and the third (lowest) level, one the first alone (the
 * second amount 0, off). False when it holds none. Pure. */
bool bo_alarm_amounts(const bo_nlevels_t *lv, int held, int64_t out[2]);

/* Whether want is to be queued for a meter whose latest set_alarms
 * command is seen: not when that one carries the same amounts and is
 * queued, sent or done. Pure. */
bool bo_alarm_due(const bo_alarm_seen_t *seen, const int64_t want[2]);

/* Queues the alarm amounts for the meters of spec, each meter's own
 * levels, one batch per distinct pair of amounts (no retries: a push
 * later queues what did not get through; an older attempt never
 * overwrites a newer one), each batch its own transaction audited
 * `batch.create`. K_ENOTFOUND for a meter scope whose meter is not
 * registered; a scope with no meters queues nothing. */
kerr_t bo_alarm_push(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_notices_cfg_t *cfg,
                     const bo_alarm_spec_t *spec, bo_alarm_out_t *out, kmsg_t *msg);

#endif
