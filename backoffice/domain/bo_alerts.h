/* Alerts for staff (docs/collector.md, "The back office's view of
 * meters"): acknowledging one, the alerts whose condition ends by itself
 * (a silent meter answering again), and the kiosk-silence check that
 * `backoffice serve` runs periodically. */
#ifndef BACKOFFICE_DOMAIN_BO_ALERTS_H
#define BACKOFFICE_DOMAIN_BO_ALERTS_H

#include "backoffice/base/bo_decode.h"
#include "backoffice/domain/bo_op.h"
#include "backoffice/store/bo_store.h"
#include "base/err.h"

/* Acknowledges alert id for staff who->actor (reason required), with its
 * audit row `alert.ack`. K_ENOTFOUND: no such alert; K_ESTATE:
 * acknowledged already. */
kerr_t bo_alert_ack(bo_store_t *st, const bo_who_t *who, int64_t id, const char *reason, kmsg_t *msg);

/* What an uploaded alert ends, inside the caller's transaction: a meter's
 * `meter_answering` clears the meter's `meter_silent` alerts. */
kerr_t bo_alert_on_upload(bo_store_t *st, const bo_alert_t *a, int64_t now, kmsg_t *msg);

/* The kiosk-silence check at now: a kiosk whose last heartbeat is older
 * than its silent_heartbeats times its heartbeat_seconds (settings) gets
 * ONE alert `kiosk_silent` (none again while that one is not cleared,
 * acknowledged or not); a kiosk heard from again has it cleared. *raised
 * and *cleared count what this check did. */
kerr_t bo_silence_check(bo_store_t *st, int64_t now, int *raised, int *cleared, kmsg_t *msg);

#endif
