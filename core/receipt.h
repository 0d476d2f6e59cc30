/* The receipt of a sale, once: which facts a receipt gives, in which
 * order, under which labels, and what it says about the money, each
 * wording in Chinese and English. Pure: the engine prints a receipt with
 * both languages on paper (engine_receipt.c), the screen draws it in the
 * resident's language when no printer can print (screens/widget_receipt.c);
 * neither adds a fact, drops one or words one itself. */
#ifndef CORE_RECEIPT_H
#define CORE_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/meter_kind.h"
#include "core/sale.h"
#include "core/tariff_plan.h"
#include "core/txn.h"

/* One wording in both languages. */
typedef struct receipt_words {
    const char *zh, *en;
} receipt_words_t;

/* An issued bill of a post-paid account as the back office gave it
 * before the payment: its period (local days) and what it still asked. */
typedef struct receipt_bill {
    char from[11], to[11];
    int64_t due;
} receipt_bill_t;

/* A bill payment's side (channel bill): the account, and, when the front
 * end asked the back office first, what it owed and its open bills oldest
 * first (the back office applies a payment to them in that order). */
typedef struct receipt_bills {
    const char *account;
    bool known;              /* owed and the bills are the back office's answer before the payment */
    int64_t owed;            /* every open bill's due summed */
    int n;
    const receipt_bill_t *bill;
} receipt_bills_t;

/* The facts of one sale that took money (or of a new account's zero first
 * purchase), as the ledger (or the session) holds them. A text fact that is NULL or "" is not known: its line is
 * left out. */
typedef struct receipt_facts {
    const char *site;       /* the site's name */
    const char *kiosk;      /* the kiosk's id */
    int64_t at_ms;          /* when the sale was made (wall clock, ms); 0 = not known */
    const char *meter;      /* 12 digits */
    const char *customer;   /* the customer number, whole: the receipt masks it */
    const char *card;       /* a sale onto a meter card: the card's serial */
    bool on_card;           /* the credit goes onto the meter card */
    sale_method_t method;
    const char *masked_pan; /* a bank card's number as the terminal masked it */
    int64_t paid;           /* minor units */
    bool zero_first;        /* a new account's zero first purchase (amount 0, method none): it opened the account */
    int64_t refunded;       /* minor units; 0 = none */
    int64_t purchase_count; /* the meter's purchase count; 0 or less = none */
    txn_state_t state;      /* what became of it; TXN_NONE = not known */
    const char *txn;        /* the sale's id: the reference */
    bool copy;              /* a reprint */
    meter_kind_t kind;      /* what the meter measures: the receipt's words and units */
    const meter_tariff_t *tariff; /* the tariff in force at the sale; NULL = not known: no tariff or energy line */
    const receipt_bills_t *bills; /* a bill payment: its account and bills (no meter, no energy); NULL: a top-up */
} receipt_facts_t;

/* The facts a receipt line gives, in the receipt's order. */
typedef enum receipt_fact {
    RECEIPT_TIME,      /* number: ms since the epoch */
    RECEIPT_KIOSK,     /* text */
    RECEIPT_ACCOUNT,   /* text: a bill payment's account */
    RECEIPT_BILLS,     /* text: the periods of the bills a bill payment pays, oldest first */
    RECEIPT_METER,     /* text: 12 digits */
    RECEIPT_CUSTOMER,  /* text: masked, "1000****0001" */
    RECEIPT_CARD,      /* text: the meter card's serial */
    RECEIPT_METHOD,    /* words */
    RECEIPT_PAN,       /* text: a bank card's masked number, on a line of its own (a long number does not wrap) */
    RECEIPT_AMOUNT,    /* number: minor units */
    RECEIPT_REFUNDED,  /* number: minor units */
    RECEIPT_ENERGY,    /* number: milli-units the money buys (Wh, litres), in the kind's unit; then the
                          tariff: text its id, price a single rate's price (else 0), words TOU or tiered */
    RECEIPT_PURCHASES, /* text: the purchase count */
    RECEIPT_OWED,      /* number: minor units a bill payment leaves owed */
    RECEIPT_STATUS,    /* words (or text: the state's name, for a state residents are not told of) */
    RECEIPT_REFERENCE, /* text: the sale's id */
    RECEIPT_FACT_COUNT
} receipt_fact_t;

#define RECEIPT_MAX_LINES RECEIPT_FACT_COUNT
#define RECEIPT_MAX_NOTES 1
#define RECEIPT_TEXT_LEN 64

/* One labelled line: its value in words (both languages), as text, or as
 * a number each medium formats its own way (money, time). */
typedef struct receipt_line {
    receipt_fact_t fact;
    receipt_words_t label;
    receipt_words_t words; /* {NULL, NULL} when the value is not in words */
    char text[RECEIPT_TEXT_LEN];
    int64_t number;
    int64_t price; /* RECEIPT_ENERGY: a single rate's price (1/10000 minor unit per unit); 0 = not one */
} receipt_line_t;

/* A receipt: the title, the labelled lines (the reference last), and
 * what happens next to the money. */
typedef struct receipt {
    meter_kind_t kind;     /* the unit of RECEIPT_ENERGY and of a price */
    bool bill;             /* a bill payment's */
    receipt_words_t title; /* "购电凭证 TOP-UP RECEIPT", or the copy's */
    char site[128];
    receipt_line_t lines[RECEIPT_MAX_LINES];
    size_t n_lines;
    receipt_words_t notes[RECEIPT_MAX_NOTES]; /* what the resident does or waits for */
    size_t n_notes;
} receipt_t;

/* Builds the receipt of a sale from its facts: a line for each fact
 * known, in the order of receipt_fact_t, the customer number masked, the
 * energy (or water) the money kept buys under the tariff in force, rounded
 * down, with that tariff, the
 * status and the note that goes with it from the state (a zero first
 * purchase delivered: "account opened", and the card goes into the meter
 * before the next purchase; no energy line), the reference last; a water meter's receipt says water where an electricity meter's
 * says electricity. A bill payment's receipt gives the account, the bills
 * the money pays (oldest first, as far as it goes) and what is still owed
 * after it (when the back office's answer before the payment is known). */
void receipt_build(const receipt_facts_t *f, receipt_t *r);

/* The receipt's line giving fact; NULL if it has none. */
const receipt_line_t *receipt_find(const receipt_t *r, receipt_fact_t fact);

/* A bill's period: "2026-09" when it covers a whole month, else
 * "2026-09-05..2026-10-04". */
void receipt_period(const receipt_bill_t *b, char out[24]);

/* The periods of the bills `paid` pays, oldest first, each up to its due:
 * "2026-09" for a whole month, "2026-09-05..2026-10-04" otherwise, two or
 * more as "FIRST..LAST (N)". "" when it pays none. */
void receipt_bills_paid(const receipt_bills_t *b, int64_t paid, char out[RECEIPT_TEXT_LEN]);

/* The reference residents quote, the same on the screen and on paper: a
 * sale id's first 8 characters, upper case. */
void receipt_reference(const char *txn, char out[9]);

#endif
