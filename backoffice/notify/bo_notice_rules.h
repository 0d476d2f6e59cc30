/* The notice rules (docs/notices.md): which notices a meter's readings and
 * sales call for, and their texts in the resident's language. Pure: a
 * meter's memory (bo_nstate_t) and a reading in, the memory after and the
 * notices out; no storage, no clock, no I/O. Money is int64 minor units
 * (fen), times int64 ms since the epoch (UTC). */
#ifndef BACKOFFICE_NOTIFY_BO_NOTICE_RULES_H
#define BACKOFFICE_NOTIFY_BO_NOTICE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backoffice/store/bo_store_notice.h"

typedef enum bo_notice_kind {
    BO_NK_LOW1,            /* the balance fell below the first (highest) level */
    BO_NK_LOW2,
    BO_NK_LOW3,
    BO_NK_ARREARS,         /* the balance fell below zero */
    BO_NK_CUTOFF_DAY,      /* the forecast reaches zero within a day */
    BO_NK_CUTOFF_SOON,     /* ... within about 30 minutes */
    BO_NK_SUPPLY_CUT,      /* the relay opened */
    BO_NK_SUPPLY_RESTORED, /* the relay closed again */
    BO_NK_CREDIT,          /* a top-up was delivered to the meter */
    BO_NK_BILL_ISSUED,     /* a post-paid account's bill was issued */
    BO_NK_COUNT
} bo_notice_kind_t;

/* What a contact chooses to hear of: each kind belongs to one family. */
typedef enum bo_notice_family {
    BO_NF_LOW,
    BO_NF_ARREARS,
    BO_NF_CUTOFF,
    BO_NF_SUPPLY,
    BO_NF_CREDIT,
    BO_NF_BILL,
    BO_NF_COUNT
} bo_notice_family_t;

#define BO_NF_ALL ((1u << BO_NF_COUNT) - 1)

/* The kind's name in keys and records: low1, low2, low3, arrears,
 * cutoff_day, cutoff_soon, supply_cut, supply_restored, credit,
 * bill_issued. */
const char *bo_notice_kind_name(bo_notice_kind_t k);

/* The family's name: low, arrears, cutoff, supply, credit, bill. */
const char *bo_notice_family_name(bo_notice_family_t f);

bo_notice_family_t bo_notice_family(bo_notice_kind_t k);

/* Whether the kind goes out in the resident's quiet hours (the cut-off
 * warnings); the others wait for the quiet hours to end. */
bool bo_notice_urgent(bo_notice_kind_t k);

/* Parses a comma-separated list of families ("low,credit"; "all"; "none")
 * into a mask of bits 1 << family; false, with the first unknown word in
 * bad, if one is not a family. */
bool bo_notice_wants_parse(const char *text, unsigned *mask, char *bad, size_t bad_len);

/* Writes the mask's families comma-separated ("all", "none"). */
void bo_notice_wants_format(unsigned mask, char *out, size_t len);

/* Whether the levels are in order and positive. */
bool bo_nlevels_valid(const bo_nlevels_t *lv);

/* One notice called for. */
typedef struct bo_nevent {
    bo_notice_kind_t kind;
    int64_t at;      /* the reading's (or the sale's) time: part of the idempotency key */
    int64_t balance; /* the balance then (after, for a credit) */
    int64_t amount;  /* the level crossed, or the credit delivered */
    int64_t left_ms; /* cut-off warnings: the forecast time left */
    char period[24]; /* a bill's: its first and last local days, "2026-11-01..2026-11-30"; "" otherwise */
} bo_nevent_t;

#define BO_NEVENTS_MAX 4
#define BO_CUTOFF_DAY_MS (24LL * 3600 * 1000)
#define BO_CUTOFF_SOON_MS (30LL * 60 * 1000)

/* The forecast time until the balance reaches zero at the rate it fell
 * between the two readings; -1 when there is no fall to go by (the first
 * reading, a top-up between them, no use) or no balance left. The
 * fallback of a meter with no billed days: the triggers
 * (domain/bo_notice.c) go by daily billing's rate when it has some. */
int64_t bo_notice_left_ms(int64_t prev_at, int64_t prev_balance, int64_t at, int64_t balance);

/* A reading (at, balance, relay_open) of a meter whose memory is s: the
 * notices it calls for into out (their number returned, at most
 * BO_NEVENTS_MAX) and the memory after into next. Each low level fires
 * once per downward crossing (only the lowest crossed by one reading is
 * told) and re-arms when the balance rises above it by the margin; arrears
 * supersede the low levels of the same reading; cut-off warnings fire once
 * each and re-arm on a top-up; the relay's change is told as cut or
 * restored. A reading not after the last one calls for nothing and
 * changes nothing. */
int bo_notice_on_reading(const bo_nstate_t *s, const bo_nlevels_t *lv, int64_t at, int64_t balance, bool relay_open,
                         bo_nstate_t *next, bo_nevent_t out[BO_NEVENTS_MAX]);

/* bo_notice_on_reading with the forecast made by the caller: left_ms is
 * the time until the balance reaches zero (-1: none to go by), which
 * decides the cut-off warnings. */
int bo_notice_on_reading_left(const bo_nstate_t *s, const bo_nlevels_t *lv, int64_t at, int64_t balance,
                              bool relay_open, int64_t left_ms, bo_nstate_t *next, bo_nevent_t out[BO_NEVENTS_MAX]);

/* A central command that switched the meter's relay (relay_trip,
 * relay_close) ran at at: the supply cut or restored is told when it
 * changes what the memory holds (or the memory holds nothing yet), and the
 * memory takes the relay's state so the next reading does not tell it
 * again; returns how many notices (0 or 1) into *out. */
int bo_notice_on_relay(const bo_nstate_t *s, int64_t at, bool relay_open, int64_t balance, bo_nstate_t *next,
                       bo_nevent_t *out);

/* When a notice made at now may go out for a resident whose quiet hours
 * run from from_min to to_min (minutes after local midnight, the site's
 * offset from UTC in offset_min; from == to: none): now, or the end of
 * the quiet hours. */
int64_t bo_notice_release_at(int64_t now, int offset_min, int from_min, int to_min);

/* The notice's subject and text in lang ("zh_CN", "en"; anything else
 * Chinese) for account's meter ("" for an account's notice, a bill); a
 * bill's period is told as its month ("2026年11月", "2026-11") when it is
 * a whole one, else as its first and last days. False if a buffer is too
 * small. */
bool bo_notice_text(const bo_nevent_t *e, const char *account, const char *meter, const char *lang, char *subject,
                    size_t subject_len, char *text, size_t text_len);

#endif
