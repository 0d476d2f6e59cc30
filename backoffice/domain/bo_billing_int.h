/* Between daily billing's files: a run's context and one meter's day. */
#ifndef BACKOFFICE_DOMAIN_BO_BILLING_INT_H
#define BACKOFFICE_DOMAIN_BO_BILLING_INT_H

#include "backoffice/domain/bo_billing.h"
#include "core/tariff.h"
#include "core/tariff_plan.h"

#define BO_BILL_MAX_READINGS 4096 /* a meter's readings around one day */
#define BO_BILL_TARIFFS 64        /* distinct tariffs parsed in one run */

/* A tariff version parsed once per run (from: TARIFF_ALWAYS for the
 * tariff's own row). */
typedef struct bo_bill_tariff {
    char id[33], currency[8];
    int64_t from;
    bool ok;
    tariff_t t;
} bo_bill_tariff_t;

/* A tariff's later version as the run read it (bo_store_tariff.h). */
typedef struct bo_bill_ver {
    char id[33], currency[8];
    char *text;
    int64_t from;
} bo_bill_ver_t;

/* A run: the store, its clock, what it did, its buffers. */
typedef struct bo_bill_run {
    bo_store_t *st;
    int64_t now;
    const char *site; /* "" every site */
    bo_bill_stats_t *stats;
    bo_bill_reading_t *r; /* BO_BILL_MAX_READINGS */
    bo_bill_tariff_t tariffs[BO_BILL_TARIFFS];
    int n_tariffs;
    bo_bill_ver_t *vers; /* every tariff's later versions, by id then instant */
    size_t n_vers;
    bool vers_oom;
    kerr_t rc; /* the first failure in a callback */
    kmsg_t *msg;
} bo_bill_run_t;

/* Reads every tariff's versions into the run (bo_billing_tariff.c);
 * bo__bill_versions_free frees them. */
kerr_t bo__bill_versions_load(bo_bill_run_t *run);
void bo__bill_versions_free(bo_bill_run_t *run);

/* The tariff of meter m in force at the instant `at`, parsed (once a run
 * per version); NULL when it has none or it cannot be parsed. *currency
 * the version's. */
const tariff_t *bo__bill_tariff_at(bo_bill_run_t *run, const bo_bill_meter_t *m, int64_t at, const char **currency);

/* Bills meter m's local day `day` into the store (bo_billing_meter.c). */
kerr_t bo__bill_meter_day(bo_bill_run_t *run, const bo_bill_meter_t *m, int64_t day);

#endif
