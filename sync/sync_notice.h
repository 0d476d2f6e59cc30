/* Notices from the back office (docs/sync.md, "Heartbeat and notices"):
 * a qr_paid_late notice is a payment for an order the kiosk gave up. It is
 * booked durably (engine_qr_late, once per order) and only then
 * acknowledged, so a notice seen twice books nothing twice. */
#ifndef SYNC_SYNC_NOTICE_H
#define SYNC_SYNC_NOTICE_H

#include "engine/engine.h"
#include "sync/sync_client.h"
#include "sync/sync_qr.h"

#define SYNC_MAX_NOTICES 64

typedef struct sync_notice {
    int64_t id;
    char kind[32];         /* qr_paid_late; others are left alone */
    sync_qr_order_t order; /* qr_paid_late: the order, paid */
} sync_notice_t;

/* What handling the notices did. */
typedef struct sync_notice_report {
    int seen;    /* notices listed */
    int booked;  /* late payments booked to a new sale now */
    int already; /* late payments booked before: acknowledged only */
    int acked;   /* acknowledged */
    int skipped; /* kinds this kiosk does not know, or notices it cannot book */
} sync_notice_report_t;

/* Reads a "notices" array (GET notices, or a heartbeat's answer) into out
 * (up to SYNC_MAX_NOTICES); a notice that makes no sense is skipped. */
size_t sync_notices_parse(const cJSON *arr, sync_notice_t *out, size_t max);

/* GET notices: the open ones, oldest first; whether the back office
 * answered is recorded in l's link state (l may be NULL). */
kerr_t sync_notices_fetch(sync_client_t *c, ledger_t *l, sync_notice_t *out, size_t max, size_t *n, kmsg_t *msg);

/* Books each qr_paid_late notice (engine_qr_late) and acknowledges it once
 * it is durable. Stops at the first failure (the rest wait for the next
 * time; nothing is acknowledged that was not booked). */
kerr_t sync_notices_handle(sync_client_t *c, engine_t *e, const sync_notice_t *n, size_t count,
                           sync_notice_report_t *rep, kmsg_t *msg);

#endif
