/* Between daily billing's files: a run's context and one meter's day. */
#ifndef BACKOFFICE_DOMAIN_BO_BILLING_INT_H
#define BACKOFFICE_DOMAIN_BO_BILLING_INT_H

#include "backoffice/domain/bo_billing.h"
#include "core/tariff.h"

#define BO_BILL_MAX_READINGS 4096 /* a meter's readings around one day */
#define BO_BILL_TARIFFS 64        /* distinct tariffs parsed in one run */

/* A tariff parsed once per run. */
typedef struct bo_bill_tariff {
    char id[33], currency[8];
    bool ok;
    tariff_t t;
} bo_bill_tariff_t;

/* A run: the store, its clock, what it did, its buffers. */
typedef struct bo_bill_run {
    bo_store_t *st;
    int64_t now;
    const char *site; /* "" every site */
    bo_bill_stats_t *stats;
    bo_bill_reading_t *r; /* BO_BILL_MAX_READINGS */
    bo_bill_tariff_t tariffs[BO_BILL_TARIFFS];
    int n_tariffs;
    kerr_t rc; /* the first failure in a callback */
    kmsg_t *msg;
} bo_bill_run_t;

/* Bills meter m's local day `day` into the store (bo_billing_meter.c). */
kerr_t bo__bill_meter_day(bo_bill_run_t *run, const bo_bill_meter_t *m, int64_t day);

#endif
