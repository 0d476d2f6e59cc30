/* One meter's one day of billing, computed (docs/billing.md): pure, from
 * the readings around the day, the daily freezes at its two midnights, the
 * meter's tariff and the month's use before the day. No store, no clock,
 * no time zone: the caller gives the day's bounds in UTC ms. */
#ifndef BACKOFFICE_DOMAIN_BO_BILL_CALC_H
#define BACKOFFICE_DOMAIN_BO_BILL_CALC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backoffice/store/bo_store_bill.h"
#include "base/err.h"
#include "core/tariff.h"

/* Where a day's energy came from. */
typedef enum bo_bill_method {
    BO_BILL_NONE,   /* no two readings cover any of the day: nothing used, nothing charged */
    BO_BILL_FROZEN, /* the freezes at both midnights (their band registers for a TOU tariff) */
    BO_BILL_TIME,   /* the readings: each interval's energy spread evenly over its time */
} bo_bill_method_t;

/* "none", "frozen", "time". */
const char *bo_bill_method_name(bo_bill_method_t m);

/* What a day is billed from. r: the readings sorted by time, one per
 * instant: the last one before start, those within the day and the first
 * one at or after end (those that exist). */
typedef struct bo_bill_in {
    int64_t start, end; /* the local day in UTC ms: [start, end) */
    const bo_bill_reading_t *r;
    size_t n;
    bo_bill_freeze_t f0, f1; /* the freezes at start and at end */
    const tariff_t *tariff;
    int64_t month_used; /* milli-units billed this month before the day */
} bo_bill_in_t;

/* A day's bill. band[] is filled only for a TOU tariff. */
typedef struct bo_bill_out {
    bo_bill_method_t method;
    bool complete; /* the freezes, or readings at or before start and at or after end */
    int64_t energy, band[BAND_COUNT];
    int64_t money; /* minor units, rounded once, half up */
    bool has_balance;
    int64_t balance; /* the last reading's within the day */
} bo_bill_out_t;

/* Bills one day: energy (by band for a TOU tariff), money by the tariff
 * with in->month_used for a tiered one, the balance mirror. A register that
 * goes back (a meter replaced or reset) counts as no use over that interval.
 * K_EINVAL if the tariff cannot price the energy (K_EOVERFLOW: too much). */
kerr_t bo_bill_day(const bo_bill_in_t *in, bo_bill_out_t *out, kmsg_t *msg);

/* Days since 1970-01-01 of a date "YYYY-MM-DD"; false if it is not one. */
bool bo_bill_day_parse(const char *text, int64_t *day);

/* The date of a day number, "YYYY-MM-DD" (out: 11 bytes). */
void bo_bill_day_text(int64_t day, char out[11]);

/* The day number of the first of day's month. */
int64_t bo_bill_month_first(int64_t day);

#endif
