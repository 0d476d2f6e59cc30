/* The bank-card terminal: a protocol-neutral interface (a context plus a
 * const ops table). The driver reports what the terminal said; whether to
 * deliver, ask again or reverse is the engine's business. */
#ifndef DRIVERS_PAYTERM_PAYTERM_H
#define DRIVERS_PAYTERM_PAYTERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/payment.h"
#include "core/sale.h"

typedef enum pt_err {
    PT_OK = 0,      /* *out holds the terminal's answer */
    PT_UNREACHABLE, /* the command never reached the terminal (no acknowledgement) */
    PT_UNKNOWN,     /* the command reached it, the outcome never came back */
    PT_PROTOCOL,    /* the terminal said something that makes no sense */
} pt_err_t;

#define PT_MAX_LINES 24
#define PT_LINE_LEN 48
#define PT_REF_LEN 64

/* What an answer means, in every provider's terms: each backend translates
 * its own result codes into these, once, and nothing above it reads a
 * protocol's code to decide. */
typedef enum pt_outcome {
    PT_DECLINED = 0,     /* a definite no: nothing was taken (declined, aborted, expired, refused) */
    PT_APPROVED,         /* done: the money is taken, the reversal made, the day closed */
    PT_NOT_POSSIBLE,     /* the provider cannot do this (a reversal it cannot make or express) */
    PT_NO_TRANSACTION,   /* asked for its last transaction, it has none */
    PT_ALREADY_REVERSED, /* a reversal of a payment it had reversed before (the earlier answer was lost) */
} pt_outcome_t;

/* The outcome of an authorisation, a reversal or a repeated receipt. */
typedef struct pt_result {
    pt_outcome_t outcome;
    uint8_t code;            /* the provider's own result code, for the record (ZVT's; 0 for one with none) */
    int64_t amount;          /* minor units */
    uint32_t receipt, trace;
    char masked_pan[24];     /* "4111 11** **** 1111" */
    char card_type[16];
    char reference[PT_REF_LEN]; /* the kiosk's reference, as the terminal returned it */
    char lines[PT_MAX_LINES][PT_LINE_LEN]; /* receipt lines the terminal sent */
    size_t n_lines;
    char reason[96];         /* the outcome in the provider's words */
    char order[40];          /* the provider's own id of the payment (a QR order); "" for a card terminal */
} pt_result_t;

/* What a provider is asked to take: the amount, the kiosk's reference
 * ("<sale id>:<n>", unique per authorisation) and the sale's facts a
 * provider may need (a QR order names the meter and the currency). */
typedef struct pt_request {
    int64_t amount; /* minor units */
    const char *reference;
    const char *meter;
    const char *currency; /* ISO 4217 */
} pt_request_t;

/* The resident's side of an authorisation: the terminal's messages as
 * they come, and a cancel button. Either function may be NULL. */
typedef struct pt_watch {
    /* What the terminal asks of the resident, typed for the screen, and
     * in English for logs and kioskctl. */
    void (*prompt)(void *ctx, payment_prompt_t prompt, const char *text);
    /* Asked about every 100 ms while the terminal works: true once the
     * resident cancels. The terminal then stops if it still can (while it
     * waits for the card); otherwise the payment goes through. */
    bool (*cancelled)(void *ctx);
    /* A code the resident scans to pay (a QR order's URL), once it is known;
     * a screen draws it as a QR code. */
    void (*code)(void *ctx, const char *url, int64_t expires_at_ms);
    void *ctx;
} pt_watch_t;

typedef struct pt_ops {
    const char *name;
    /* The sale method whose money it takes: METHOD_CARD for a card
     * terminal; a provider of another method (QR, with the back office)
     * implements the same operations, and the engine needs no change. */
    sale_method_t method;
    /* Authorises req->amount, tagged with req->reference, watched by watch
     * (may be NULL). */
    pt_err_t (*authorise)(void *ctx, const pt_request_t *req, const pt_watch_t *watch, pt_result_t *out,
                          kmsg_t *msg);
    /* Reverses the payment with this receipt number. */
    pt_err_t (*reverse)(void *ctx, uint32_t receipt, pt_result_t *out, kmsg_t *msg);
    /* The terminal's last transaction (its receipt repeated); outcome
     * PT_NO_TRANSACTION if there was none. */
    pt_err_t (*last)(void *ctx, pt_result_t *out, kmsg_t *msg);
    /* Closes the day on the terminal. */
    pt_err_t (*end_of_day)(void *ctx, pt_result_t *out, kmsg_t *msg);
    void (*close)(void *ctx);
    /* Optional (NULL: ask `last`): the outcome of the authorisation made
     * for req, asked again without taking the money twice, and ended if it
     * is still open (a QR order still waiting is cancelled). *out is ours by
     * construction; an outcome other than PT_APPROVED means the money did
     * not come. */
    pt_err_t (*query)(void *ctx, const pt_request_t *req, pt_result_t *out, kmsg_t *msg);
    /* Asks the provider something harmless that takes no money: PT_OK
     * with what answered in msg, or the error and why. pt_probe_none for
     * a provider with nothing to ask. */
    pt_err_t (*probe)(void *ctx, kmsg_t *msg);
} pt_ops_t;

typedef struct payterm {
    const pt_ops_t *ops;
    void *ctx;
} payterm_t;

/* Closes it (a zeroed payterm_t is fine). */
void payterm_close(payterm_t *p);

/* The probe of a provider with nothing to ask: PT_OK. */
pt_err_t pt_probe_none(void *ctx, kmsg_t *msg);

/* A probe that asks the provider's `last` (which moves no money): PT_OK
 * with answered in msg once it answers. */
pt_err_t pt_probe_last(const pt_ops_t *ops, void *ctx, const char *answered, kmsg_t *msg);

/* What the ZVT backend is opened with. */
typedef struct pt_zvt_opts {
    const char *address;  /* the terminal, host:port (connected at first use) */
    const char *password; /* its ZVT password, 6 digits */
    uint16_t currency;    /* ISO 4217 numeric (156 for CNY) */
    int timeout_ms;       /* a command's dialogue after its acknowledgement */
    int ack_timeout_ms;   /* the acknowledgement, and connecting */
} pt_zvt_opts_t;

/* The ZVT backend (docs/protocols/zvt.md). */
kerr_t pt_zvt_open(const pt_zvt_opts_t *o, payterm_t *out, kmsg_t *msg);

#endif
