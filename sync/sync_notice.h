/* Notices from the back office (docs/sync.md, "Heartbeat and notices"):
 * a qr_paid_late notice is a payment for an order the kiosk gave up; a
 * qr_refunded notice is the money of a parked QR sale given back (by the
 * provider, or settled by hand). Each is booked durably (engine_qr_late,
 * engine_qr_refund: once per order) and only then acknowledged, so a
 * notice seen twice books nothing twice. */
#ifndef SYNC_SYNC_NOTICE_H
#define SYNC_SYNC_NOTICE_H

#include "engine/engine.h"
#include "sync/sync_client.h"
#include "sync/sync_qr.h"

#define SYNC_MAX_NOTICES 64

/* A qr_refunded notice's body (QrRefundNotice in sync/openapi.yaml). */
typedef struct sync_qr_refund {
    char order[65], txn[40];
    char outcome[16];       /* refunded, settled */
    char refund_ref[65];    /* refunded: the provider's refund id */
    char out_refund_no[65]; /* the back office's refund number */
    char settled_by[65];    /* settled: the operator */
    char reason[256];       /* settled: why */
    int64_t amount;         /* minor units given back */
} sync_qr_refund_t;

typedef struct sync_notice {
    int64_t id;
    char kind[32];           /* qr_paid_late, qr_refunded; others are left alone */
    sync_qr_order_t order;   /* qr_paid_late: the order, paid */
    sync_qr_refund_t refund; /* qr_refunded */
} sync_notice_t;

/* What handling the notices did. */
typedef struct sync_notice_report {
    int seen;    /* notices listed */
    int booked;  /* late payments booked to a new sale now */
    int already; /* late payments booked before: acknowledged only */
    int refunded; /* parked QR sales ended now as refunded (or voided: settled by hand) */
    int refunded_before; /* ended before: acknowledged only */
    int acked;   /* acknowledged */
    int skipped; /* kinds this kiosk does not know, or notices it cannot book */
} sync_notice_report_t;

/* Reads a "notices" array (GET notices, or a heartbeat's answer) into out
 * (up to SYNC_MAX_NOTICES); a notice that makes no sense is skipped. */
size_t sync_notices_parse(const cJSON *arr, sync_notice_t *out, size_t max);

/* GET notices: the open ones, oldest first; whether the back office
 * answered is recorded in l's link state (l may be NULL). */
kerr_t sync_notices_fetch(sync_client_t *c, ledger_t *l, sync_notice_t *out, size_t max, size_t *n, kmsg_t *msg);

/* Reads a qr_refunded notice's body; K_EINVAL, saying what is wrong,
 * unless order, amount and outcome are there and sensible. */
kerr_t sync_qr_refund_parse(const cJSON *o, sync_qr_refund_t *out, kmsg_t *msg);

/* Books each qr_paid_late notice (engine_qr_late) and qr_refunded notice
 * (engine_qr_refund) and acknowledges it once
 * it is durable. Stops at the first failure (the rest wait for the next
 * time; nothing is acknowledged that was not booked). */
kerr_t sync_notices_handle(sync_client_t *c, engine_t *e, const sync_notice_t *n, size_t count,
                           sync_notice_report_t *rep, kmsg_t *msg);

/* Books one qr_refunded notice (sync_notice_refund.c; for sync_notice.c). */
kerr_t sync__notice_refund(engine_t *e, const sync_notice_t *x, sync_notice_report_t *rep, kmsg_t *msg);

#endif
