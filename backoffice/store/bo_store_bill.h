/* The storage interface (bo_store.h), its daily billing part (docs/
 * billing.md): what a day is billed from (each meter with its tariff, the
 * readings around the day, the freezes at its midnights, the days billed
 * before), the day rows themselves (one per meter and day, replaced when
 * the day is billed again) and the marks that say which readings and
 * freezes billing has seen. Days are "YYYY-MM-DD" in the billing zone. */
#ifndef BACKOFFICE_STORE_BO_STORE_BILL_H
#define BACKOFFICE_STORE_BO_STORE_BILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backoffice/base/bo_rows.h"
#include "base/err.h"

/* A meter with its tariff (tariff, currency and text "" when it has none
 * or its tariff is not known). */
typedef struct bo_bill_meter {
    const char *id, *site, *tariff, *currency, *text;
} bo_bill_meter_t;

/* A reading as billing reads it: one per meter and instant (of several
 * kiosks' at one instant, the highest register). */
typedef struct bo_bill_reading {
    int64_t at, energy, balance;
} bo_bill_reading_t;

/* A daily freeze at one instant: have false if there is none; bands true
 * when it carries all four TOU registers (band[] in tou_band_t order). */
typedef struct bo_bill_freeze {
    bool have, bands;
    int64_t energy, band[4];
} bo_bill_freeze_t;

/* A day billed before: its energy and money. */
typedef struct bo_bill_past {
    char day[11];
    int64_t energy, money;
} bo_bill_past_t;

/* One meter's day as stored. bands false: band[] not kept (not a TOU
 * tariff). left7/left30: milli-days, -1 when not known. */
typedef struct bo_bill_row {
    const char *meter, *day, *site, *tariff, *currency, *method;
    int64_t energy, band[4], money, balance, left7, left30, billed_at;
    bool bands, has_balance, complete;
} bo_bill_row_t;

/* Who a report is about. */
typedef enum bo_bill_by { BO_BILL_BY_METER, BO_BILL_BY_ACCOUNT, BO_BILL_BY_SITE } bo_bill_by_t;

typedef void (*bo_bill_meter_cb)(void *arg, const bo_bill_meter_t *m);
/* New readings or freezes of meter: the span [lo, hi] (UTC ms) from the
 * reading before the first new one to the one after the last (the new
 * ones themselves when they have no neighbour). */
typedef void (*bo_bill_dirty_cb)(void *arg, const char *meter, int64_t lo, int64_t hi);

typedef struct bo_st_bill {
    /* Calls fn for each meter of site ("": every meter), by id. */
    kerr_t (*meters_each)(void *ctx, const char *site, bo_bill_meter_cb fn, void *arg, kmsg_t *msg);
    /* Calls fn once for meter if it is registered (*found). */
    kerr_t (*meter_get)(void *ctx, const char *meter, bo_bill_meter_cb fn, void *arg, bool *found, kmsg_t *msg);
    /* The readings of meter billing [start, end) needs (bo_bill_calc.h),
     * by time, into out (at most max; K_EOVERFLOW if there are more). */
    kerr_t (*readings)(void *ctx, const char *meter, int64_t start, int64_t end, bo_bill_reading_t *out, size_t max,
                       size_t *n, kmsg_t *msg);
    /* The freeze of meter at exactly `at`. */
    kerr_t (*freeze)(void *ctx, const char *meter, int64_t at, bo_bill_freeze_t *f, kmsg_t *msg);
    /* The days of meter billed in [from, to), by day (at most max). */
    kerr_t (*past)(void *ctx, const char *meter, const char *from, const char *to, bo_bill_past_t *out, size_t max,
                   size_t *n, kmsg_t *msg);
    /* The latest day billed for meter ("" if none). */
    kerr_t (*last_day)(void *ctx, const char *meter, char day[11], kmsg_t *msg);
    /* Stores r, replacing the meter's row for that day. */
    kerr_t (*put)(void *ctx, const bo_bill_row_t *r, kmsg_t *msg);
    /* Calls fn for each reading stored after mark *reading and each freeze
     * after mark *frozen (marks: 0 at first), and sets the marks to the
     * last ones seen. */
    kerr_t (*dirty_each)(void *ctx, int64_t *reading, int64_t *frozen, bo_bill_dirty_cb fn, void *arg, kmsg_t *msg);
    /* A named mark (0 when never set) and setting it. */
    kerr_t (*mark_get)(void *ctx, const char *name, int64_t *v, kmsg_t *msg);
    kerr_t (*mark_set)(void *ctx, const char *name, int64_t v, kmsg_t *msg);
    /* The report rows (docs/billing.md, "Reports"): each meter's days of
     * [from, to] for a meter, an account's meters or a site's, then a total. */
    kerr_t (*report)(void *ctx, bo_bill_by_t by, const char *id, const char *from, const char *to, bo_rows_t *out,
                     kmsg_t *msg);
} bo_st_bill_t;

#endif
