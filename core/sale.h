/* What a sale is, in the code's terms: how it is paid (the method), where
 * its credit goes (the channel) and how money given back went (the refund).
 * Enums everywhere in the code; their names only at the edges: the ledger
 * stores them, JSON and the command line carry them, as txn.c does for the
 * states. */
#ifndef CORE_SALE_H
#define CORE_SALE_H

#include <stdbool.h>

typedef enum sale_method {
    METHOD_NONE = 0, /* not chosen yet (a session before the method screen) */
    METHOD_COUNTER,  /* staff took the money at the counter */
    METHOD_CASH,     /* bank notes through the bill acceptor */
    METHOD_CARD,     /* a bank card through the card terminal */
    METHOD_QR,       /* a QR code paid with a phone, through the back office */
    METHOD_CENTRAL,  /* taken centrally (the utility's counter, online): a back office's credit command */
    METHOD_COUNT
} sale_method_t;

typedef enum sale_channel {
    CHANNEL_REMOTE = 0, /* the credit goes to the meter through the gateway */
    CHANNEL_CARD,       /* the credit is written onto the resident's meter card */
    CHANNEL_BILL,       /* a post-paid account's bill payment: sent to the back office, no meter (docs/billing.md) */
    CHANNEL_COUNT
} sale_channel_t;

typedef enum sale_refund {
    REFUND_OPERATOR = 0, /* given back by hand (an operator's void) */
    REFUND_ZEROED,       /* annulled with its amount zeroed: the money stays */
    REFUND_REVERSAL,     /* the payment reversed by the provider of its method */
    REFUND_COUNT
} sale_refund_t;

/* The stored name of a method ("cash"); "none" for METHOD_NONE. */
const char *sale_method_name(sale_method_t m);

/* Looks a method up by its name; false for an unknown name or "none". */
bool sale_method_from_name(const char *name, sale_method_t *out);

/* The stored name of a channel ("remote", "card"). */
const char *sale_channel_name(sale_channel_t c);

/* Looks a channel up by its name; false for an unknown name. */
bool sale_channel_from_name(const char *name, sale_channel_t *out);

/* The stored name of a refund: "operator", "zeroed", or the reversal of a
 * method's payment ("card_reversal", "qr_reversal"). */
const char *sale_refund_name(sale_refund_t r, sale_method_t reversed);

#endif
