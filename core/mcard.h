/* The kiosk's rules for meter cards (docs/card.md, "The kiosk's rules"):
 * whether a card may take a new purchase, as a pure decision on what was
 * read from it and what the ledger holds. */
#ifndef CORE_MCARD_H
#define CORE_MCARD_H

#include <stdbool.h>
#include <stdint.h>

typedef enum mcard_verdict {
    MCARD_OK,              /* it may take a purchase */
    MCARD_BLANK,           /* not issued yet: staff issue it first */
    MCARD_BLOCKED,         /* the card blocked itself */
    MCARD_UNKNOWN_METER,   /* its meter is not one this kiosk serves */
    MCARD_REPLACED,        /* a newer card replaced it (or its issue was abandoned) */
    MCARD_NOT_TAKEN,       /* the last purchase is still on the card: insert it into the meter first */
    MCARD_PENDING_HERE,    /* a purchase for this card is still being written: finish it first */
    MCARD_PENDING_OTHER,   /* a purchase for its meter waits for another card */
} mcard_verdict_t;

/* What the decision needs. */
typedef struct mcard_facts {
    bool blank, blocked, meter_known;
    bool blocked_by_office;  /* on the back office's signed list of blocked cards */
    bool replaced;           /* the ledger knows a newer card for its meter, or voided it */
    uint32_t purse_count;    /* the card's purse count; 0 = no purchase yet */
    bool writeback_written;  /* the meter has written the card back */
    uint32_t meter_count;    /* the meter's count from the write-back */
    bool pending_same_card;  /* the ledger holds an unfinished card sale for this card */
    bool pending_other_card; /* ... for this meter, on another card */
} mcard_facts_t;

/* May this card take a new purchase? The first reason that applies. */
mcard_verdict_t mcard_sale_check(const mcard_facts_t *f);

/* What to tell the resident or staff ("Insert the card into your meter
 * first: ..."). */
const char *mcard_verdict_text(mcard_verdict_t v);

/* Whether a purchase written onto a card opens the meter's account (the
 * purse's purpose "open the account", docs/card.md): the first purchase of
 * a new account, on a card that holds none yet and replaces no other (a
 * replacement card's first purchase re-binds the meter instead). */
bool mcard_opens_account(bool nothing_written, bool replacement);

#endif
