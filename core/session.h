/* The resident's session at the touchscreen, as one explicit table
 * (docs/ui.md). Events come in: touches on named controls, keypad digits,
 * timer ticks, and news from the devices that the app's worker carries
 * back. Decisions go out: commands the app carries out (look a meter up,
 * read the card, open a sale, take cash, take a card, deliver). Screens
 * only read the view; they never touch a device or the engine.
 *
 * The rule above all: an idle timeout returns to the attract screen only
 * when no money is in. While a sale has taken money and its credit is not
 * delivered or pending, nothing but the sale's own outcome moves on. */
#ifndef CORE_SESSION_H
#define CORE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/payment.h"
#include "core/sale.h"
#include "core/meter_kind.h"
#include "core/receipt.h"
#include "core/tariff_plan.h"

typedef enum session_screen {
    SCR_ATTRACT,        /* tap to start, or insert a card */
    SCR_IDENTIFY,       /* type the meter number, or insert a card */
    SCR_ACCOUNT,        /* the account: masked customer, meter, balance, warnings */
    SCR_AMOUNT,         /* presets and keypad, energy estimate, limits */
    SCR_METHOD,         /* the payment methods whose devices are healthy */
    SCR_PAYMENT,        /* taking notes (running total, Done), the card terminal's prompts, or the QR code */
    SCR_DELIVERING,     /* sending the credit to the meter (or writing the card) */
    SCR_RESULT,         /* delivered, pending (what happens to the money) or refused */
    SCR_OUT_OF_SERVICE, /* no way to pay: every payment device is down */
    SCR_BILL_ACCOUNT,   /* paying a bill: type the account number */
    SCR_BILL,           /* paying a bill: what the account owes, bill by bill, and the total to pay */
    SCR_COUNT,
    SCR_SAME = SCR_COUNT, /* in a rule: stay on the screen */
    SCR_ANY               /* in a rule: whatever the screen */
} session_screen_t;

/* The named controls a screen may show; a tap names one of them. */
typedef enum session_control {
    CTL_NONE,
    CTL_START,  /* attract: begin */
    CTL_LANG,   /* every screen: switch Chinese / English */
    CTL_BACK,   /* one screen back */
    CTL_OK,     /* confirm what was typed or shown */
    CTL_DEL,    /* keypad: remove the last digit */
    CTL_CLEAR,  /* keypad: remove every digit */
    CTL_KEY,    /* keypad: a digit (the event's digit) */
    CTL_PRESET, /* amount: a preset (the event's index) */
    CTL_CASH,   /* method: bank notes */
    CTL_CARD,   /* method: bank card */
    CTL_QR,     /* method: a QR code paid with a phone */
    CTL_DONE,   /* cash: that is all the notes */
    CTL_CANCEL, /* payment: give up (cash with money in: ask first) */
    CTL_KEEP,   /* cash, asked whether to stop: keep inserting notes */
    CTL_STOP,   /* cash, asked whether to stop: stop, and credit what is in */
    CTL_FINISH, /* result: finished, back to the start */
    CTL_LARGE,  /* every screen: large text on / off */
    CTL_VOICE,  /* every screen: mute / unmute the spoken guidance */
    CTL_ZERO,   /* amount: 0, to open a new account's card (docs/card.md) */
    CTL_BILL,   /* attract: pay a post-paid account's bill */
    CTL_COUNT
} session_control_t;

typedef enum session_event_kind {
    SEV_TAP,           /* a control was touched */
    SEV_TICK,          /* time passed (every event carries the time) */
    SEV_LANG,          /* set the language (a script, the staff menu) */
    SEV_HEALTH,        /* the payment devices' health changed */
    SEV_CARD_IN,       /* a meter card was inserted */
    SEV_CARD_OUT,      /* the meter card was taken out */
    SEV_ACCOUNT,       /* CMD_LOOKUP's answer */
    SEV_CARD_READ,     /* CMD_READ_CARD's answer */
    SEV_SALE_OPENED,   /* CMD_OPEN_SALE's answer */
    SEV_NOTE,          /* the bill acceptor booked a note (or said something) */
    SEV_TERMINAL_TEXT, /* the card terminal's prompt */
    SEV_QR_CODE,       /* the QR order's code: its URL and how long it may be paid */
    SEV_PAY_RESULT,    /* the payment is over: paid, not paid or parked */
    SEV_DELIVERY,      /* CMD_DELIVER's answer */
    SEV_FAILED,        /* a command could not be carried out (the ledger, a device) */
    SEV_RECEIPT,       /* CMD_PRINT_RECEIPT's answer: printed, or not */
    SEV_DUE,           /* CMD_ASK_DUE's answer: what the account owes, or why it cannot be paid */
    SEV_KIND_COUNT
} session_event_kind_t;

typedef enum session_lang { LANG_ZH, LANG_EN, LANG_COUNT } session_lang_t;

/* Health bits of the devices a sale needs. */
enum {
    HEALTH_CASH = 1 << 0,     /* the bill acceptor */
    HEALTH_TERMINAL = 1 << 1, /* the bank-card terminal */
    HEALTH_READER = 1 << 2,   /* the meter-card reader */
    HEALTH_PRINTER = 1 << 3,  /* the receipt printer can print */
    HEALTH_QR = 1 << 4,       /* a QR provider is configured and the back office answers */
    HEALTH_OFFLINE = 1 << 5,  /* not a device: the back office has not answered, the kiosk sells offline */
    HEALTH_BILLS = 1 << 6,    /* not a device: the back office answers now, so it can say what an account owes */
};

#define SESSION_USAGE_DAYS 30
#define SESSION_ACCOUNT_DIGITS 15 /* the most digits of an account number typed */
#define SESSION_BILLS 12          /* the most open bills kept of the back office's answer */

/* What a post-paid account owes, as the back office said before the
 * payment: its issued bills not paid in full, oldest first. */
typedef struct session_bill {
    char account[SESSION_ACCOUNT_DIGITS + 1];
    char currency[8];
    int64_t owed; /* every open bill's due summed: what paying the bill pays */
    int64_t more; /* open bills not listed */
    int n;
    receipt_bill_t bill[SESSION_BILLS];
} session_bill_t;
#define SESSION_URL_LEN 400

/* A meter's account, as the lookup or the card found it. */
typedef struct session_account {
    char meter[13];
    char customer[13];
    bool balance_known;
    int64_t balance; /* minor units */
    bool has_last;   /* a delivered purchase is known */
    int64_t last_amount;
    int64_t last_at_ms; /* wall clock, ms since the epoch */
    bool relay_open;    /* the supply is cut */
    bool low_balance;   /* the meter's low-balance alarm */
    bool offline;       /* the meter did not answer now */
    bool on_card;       /* identified by the meter card: the sale is written onto it */
    char card_serial[17];
    bool zero_first_ok; /* the card may take a zero first purchase: it opens its account (engine_mcard_zero_first) */
    meter_kind_t kind;  /* electricity or water: the units and the switch's words */
    bool has_tariff;    /* the meter's tariff is known: the estimate and the receipt's tariff line */
    meter_tariff_t tariff; /* the tariff in force when the meter was looked up */
    bool has_usage;     /* two readings or more: daily_milli holds the last 30 days */
    int64_t daily_milli[SESSION_USAGE_DAYS]; /* energy used each day (Wh, or litres), oldest first, today last */
} session_account_t;

typedef enum session_outcome {
    OUT_NONE,
    OUT_DELIVERED, /* the credit is on the meter (or the card) */
    OUT_PENDING,   /* paid; the kiosk sends it when the meter answers */
    OUT_PARKED,    /* paid or maybe paid; staff settle it */
    OUT_REFUSED,   /* nothing taken: a card refused, a meter unknown */
} session_outcome_t;

/* The receipt of a sale that took money. */
typedef enum session_receipt {
    RCPT_NONE,      /* no money was taken: nothing to give */
    RCPT_PRINTING,  /* the printer is printing it */
    RCPT_PRINTED,   /* the paper receipt came out */
    RCPT_ON_SCREEN, /* no printer that can print: the receipt is shown on the screen */
} session_receipt_t;

typedef enum session_card_verdict {
    CARDV_OK,
    CARDV_UNREADABLE,    /* could not be read: take it out and insert it again */
    CARDV_BLANK,         /* not issued */
    CARDV_BLOCKED,       /* blocked */
    CARDV_UNKNOWN_METER, /* its meter is not served here */
    CARDV_REPLACED,      /* replaced by a newer card */
    CARDV_NOT_TAKEN,     /* insert it into the meter first */
    CARDV_PENDING,       /* a purchase waits for another card */
} session_card_verdict_t;

/* Why a sale did not open, was not paid or failed, as the resident is
 * told it: derived by the worker from the engine's typed error (its kerr_t
 * and, for a card or QR payment, the provider's typed outcome). The
 * screens word it in the resident's language; the engine's own words go
 * to the log only. */
typedef enum session_reason {
    REASON_NONE,
    REASON_METER_UNKNOWN, /* the meter is not in the meter registry */
    REASON_METER_CLOSED,  /* the back office will not sell to the meter (account closed, meter removed) */
    REASON_OVER_LIMIT,    /* the amount is more than one sale may take */
    REASON_OFFLINE_LIMIT, /* the back office does not answer and the offline limits are reached */
    REASON_DEVICE_DOWN,   /* the device that takes the money is missing or failed */
    REASON_STAFF_BUSY,    /* staff are using the kiosk from its command line */
    REASON_DECLINED,      /* the card terminal or the QR provider refused the payment */
    REASON_CANCELLED,     /* the resident cancelled the payment */
    REASON_EXPIRED,       /* the QR code's time to pay ran out */
    REASON_NO_ANSWER,     /* the other side did not answer in time */
    REASON_FAILED,        /* anything else: the step could not be carried out */
    REASON_ACCOUNT_UNKNOWN, /* paying a bill: the back office knows no such account */
    REASON_NOTHING_DUE,   /* paying a bill: the account owes nothing now */
    REASON_ACCOUNT_ELSEWHERE, /* paying a bill: the account has no meter this kiosk may act for */
    REASON_COUNT
} session_reason_t;

typedef struct session_event {
    session_event_kind_t kind;
    int64_t now_ms;      /* monotonic clock */
    uint32_t gen;        /* answers: the gen of the command they answer */
    session_control_t control; /* SEV_TAP */
    int digit;           /* SEV_TAP CTL_KEY: 0..9 */
    int index;           /* SEV_TAP CTL_PRESET: 0..SESSION_PRESETS-1 */
    session_lang_t lang; /* SEV_LANG */
    unsigned health;     /* SEV_HEALTH: HEALTH_* bits */
    bool ok;             /* SEV_ACCOUNT found, SEV_SALE_OPENED opened, SEV_PAY_RESULT paid, SEV_RECEIPT printed */
    bool printer_ok;     /* SEV_SALE_OPENED: the printer can print the receipt (asked before money is taken) */
    int64_t at_ms;       /* SEV_DELIVERY, SEV_PAY_RESULT: when the sale was made (wall clock, ms) */
    bool parked;         /* SEV_PAY_RESULT: the outcome is unknown */
    session_outcome_t outcome;     /* SEV_DELIVERY */
    session_card_verdict_t verdict; /* SEV_CARD_READ */
    session_account_t account;     /* SEV_ACCOUNT, SEV_CARD_READ */
    int64_t paid;        /* SEV_NOTE, SEV_PAY_RESULT: the sale's total so far */
    int64_t balance;     /* SEV_DELIVERY: the balance after, when known (has_balance) */
    bool has_balance;
    char txn[37];        /* SEV_SALE_OPENED: the sale's id */
    session_reason_t reason; /* SEV_SALE_OPENED not opened, SEV_PAY_RESULT not paid, SEV_FAILED: why */
    payment_note_t note; /* SEV_NOTE: what the bill acceptor did */
    payment_prompt_t prompt; /* SEV_TERMINAL_TEXT: what the card terminal asks */
    int64_t note_value;  /* SEV_NOTE: the note's value (taken, returned) */
    escrow_reason_t note_why; /* SEV_NOTE, returned: why */
    char url[SESSION_URL_LEN]; /* SEV_QR_CODE: what the QR code holds */
    int64_t left_ms;     /* SEV_QR_CODE: how long the order may still be paid */
    session_bill_t bill; /* SEV_DUE: what the account owes (ok), else reason says why it cannot be paid */
} session_event_t;

typedef enum session_cmd_kind {
    CMD_LOOKUP,      /* look the meter up: registry, reading, last purchase */
    CMD_READ_CARD,   /* read the meter card in the reader */
    CMD_OPEN_SALE,   /* open a sale and start taking money (created -> payment_pending); amount 0 onto the
                        card: a zero first purchase, paid with nothing (created -> paid) */
    CMD_START_CASH,  /* enable the bill acceptor and report notes */
    CMD_FINISH_CASH, /* stop the acceptor, close the payment (paid, or cancelled if empty) */
    CMD_PAY_CARD,    /* take the amount by bank card */
    CMD_CANCEL_CARD, /* the resident cancels at the terminal's prompt */
    CMD_PAY_QR,      /* take the amount by a QR order (its code comes back as SEV_QR_CODE) */
    CMD_CANCEL_QR,   /* the resident gives the QR code up (the provider decides: it may be paid already) */
    CMD_DELIVER,     /* deliver the paid sale */
    CMD_PRINT_RECEIPT, /* print the sale's receipt */
    CMD_ASK_DUE,     /* ask the back office what the account owes */
    CMD_KIND_COUNT
} session_cmd_kind_t;

typedef struct session_cmd {
    session_cmd_kind_t kind;
    uint32_t gen;   /* echoed in the answer */
    char meter[13];
    char customer[13];
    char txn[37];
    sale_method_t method; /* CMD_OPEN_SALE: cash, card or qr; none for a zero first purchase */
    bool on_card;       /* CMD_OPEN_SALE: onto the meter card read before */
    int64_t amount;
    bool bill;          /* CMD_OPEN_SALE, CMD_PRINT_RECEIPT: a bill payment for account (channel bill) */
    char account[SESSION_ACCOUNT_DIGITS + 1]; /* CMD_ASK_DUE, and a bill payment's */
} session_cmd_t;

#define SESSION_PRESETS 4
#define SESSION_MAX_CMDS 2
#define SESSION_METER_DIGITS 12
#define SESSION_AMOUNT_DIGITS 7

/* What the session needs from the configuration. */
typedef struct session_config {
    int64_t idle_ms;       /* no touch for this long: back to attract (never with money in) */
    int64_t min_purchase;  /* minor units */
    int64_t max_purchase;
    int64_t presets[SESSION_PRESETS]; /* minor units; 0 = unused */
    unsigned exponent;     /* the currency's decimals: a typed 50 is 50 * 10^exponent */
    session_lang_t lang;   /* the language at the attract screen */
    bool muted;            /* the spoken guidance is off when each resident starts (ui.voice = off) */
} session_config_t;

typedef enum session_message {
    MSG_NONE,
    MSG_METER_UNKNOWN,  /* the meter is not served here */
    MSG_METER_DIGITS,   /* type all 12 digits */
    MSG_AMOUNT_LOW,     /* below the minimum */
    MSG_AMOUNT_HIGH,    /* above the maximum */
    MSG_CARD_REFUSED,   /* verdict says why */
    MSG_NOT_PAID,       /* the card was declined or cancelled (text says why) */
    MSG_SALE_FAILED,    /* the sale could not be opened (text says why) */
    MSG_DEVICE_DOWN,    /* the method chosen is no longer available */
    MSG_BILL_REFUSED,   /* the account cannot be paid now (reason says why; the account is named) */
} session_message_t;

/* Everything a screen may show, and nothing else. */
typedef struct session_view {
    session_screen_t screen;
    session_lang_t lang;
    bool large_text;    /* the resident asked for larger text */
    int64_t idle_left_s; /* seconds before an idle timeout returns to attract; 0 = none runs */
    bool muted;         /* the spoken guidance is off (the mute button) */
    bool busy;          /* waiting for the worker (lookup, card read, opening, closing) */
    unsigned health;    /* HEALTH_* */
    char entry[16];     /* digits typed on the keypad */
    session_account_t account;
    int64_t amount;     /* minor units chosen */
    bool zero_first;    /* 0 chosen to open the card's account: no method, nothing to pay */
    bool has_estimate;
    int64_t estimate_milli; /* what the amount buys under the account's tariff (Wh, or litres) */
    sale_method_t method; /* cash, card, qr, or none before one is chosen */
    int64_t paid;       /* money in for this sale */
    bool closing;       /* the payment is being closed */
    char txn[37];       /* the sale's id, "" before it is opened */
    session_reason_t reason; /* why the sale did not open, was not paid or failed (the screen words it) */
    bool asking_stop;   /* cash with money in: the resident tapped Cancel; asked whether to stop and credit */
    payment_note_t note;   /* cash: the acceptor's latest news (the screen words it) */
    payment_prompt_t prompt; /* card: the terminal's latest prompt (the screen words it) */
    int64_t note_value;    /* cash: that note's value */
    escrow_reason_t note_why; /* cash: why that note was given back */
    session_message_t message;
    session_card_verdict_t verdict;
    session_outcome_t outcome;
    bool has_balance;   /* result: the balance after */
    int64_t balance;
    bool paper_receipt; /* the printer could print when the sale was opened */
    session_receipt_t receipt; /* result: how the resident gets the receipt */
    int64_t sale_at_ms; /* result: when the sale was made (wall clock, ms; 0 = not known) */
    char qr_url[SESSION_URL_LEN]; /* payment by QR: the code to scan, "" until the order is made */
    int64_t qr_left_s;  /* payment by QR: seconds left to pay (the countdown) */
    bool paying_bill;   /* the resident pays a post-paid account's bill, not a top-up */
    session_bill_t bill; /* paying a bill: what the account owed before the payment */
} session_view_t;

typedef struct session {
    session_view_t v;
    session_config_t cfg;
    uint32_t gen;        /* bumped at every return to attract: older answers are dropped */
    int64_t last_touch_ms;
    int64_t qr_deadline_ms; /* the QR order's expiry on the monotonic clock; 0 = no code */
} session_t;

/* One row of the table: on `screen`, event `kind` (a tap on `control` when
 * kind is SEV_TAP), if `guard` holds, carry out `action` and go to `next`. */
typedef enum session_guard {
    G_NONE,
    G_SERVING,      /* some way to pay is healthy */
    G_NO_METHOD,    /* no way to pay is healthy */
    G_NOT_BUSY,
    G_FOUND,        /* the lookup found the meter */
    G_NOT_FOUND,
    G_CARD_OK,      /* the card may take a purchase */
    G_CARD_REFUSED,
    G_ON_CARD,      /* the account came from the meter card */
    G_AMOUNT_OK,    /* the amount is within the limits */
    G_IDLE,         /* no touch for idle_ms, and no money in */
    G_CASH_OK,      /* the bill acceptor is healthy */
    G_TERMINAL_OK,  /* the card terminal is healthy */
    G_OK,           /* the answer says ok */
    G_NOT_OK,
    G_CASH_EMPTY,   /* cash, not closing, nothing paid yet */
    G_CASH_SOME,    /* cash, not closing, money in */
    G_ASKING,       /* cash, not closing, asked whether to stop and credit */
    G_CARD_TAKING,  /* card, not closing */
    G_QR_OK,        /* QR payments are healthy */
    G_QR_TAKING,    /* qr, not closing */
    G_CASH_IDLE,    /* cash, not closing, no touch or note for idle_ms */
    G_PAID,         /* the payment result: paid */
    G_PARKED,       /* the payment result: unknown, parked */
    G_CASH_NOTHING, /* the payment result: cash, nothing paid (cancelled) */
    G_CARD_NOTHING, /* the payment result: card, not paid */
    G_QR_NOTHING,   /* the payment result: qr, not paid (expired or cancelled) */
    G_ZERO_OFFERED, /* the card may take a zero first purchase */
    G_ZERO_CHOSEN,  /* 0 chosen to open the account, and the card may take it */
    G_BILLS_OK,     /* a bill can be paid: the back office answers, and cash or the card terminal is healthy */
    G_DUE,          /* the back office's answer: the account owes something */
    G_PAYING_BILL,  /* the resident is paying a bill */
    G_GUARD_COUNT
} session_guard_t;

typedef enum session_action {
    A_NONE,
    A_RESET,        /* forget the resident: back to a clean attract */
    A_LANG_TOGGLE,
    A_LANG_SET,
    A_LARGE_TOGGLE,
    A_VOICE_TOGGLE, /* mute / unmute the spoken guidance */
    A_HEALTH,
    A_READ_CARD,    /* command: read the card */
    A_DIGIT_METER,
    A_DIGIT_AMOUNT,
    A_DEL,
    A_CLEAR,
    A_LOOKUP,       /* command: look the meter up (or say 12 digits are needed) */
    A_TAKE_ACCOUNT,
    A_SAY_UNKNOWN,
    A_SAY_CARD,
    A_FORGET_ACCOUNT,
    A_PRESET,
    A_SAY_LIMITS,   /* the amount is outside the limits: say which */
    A_OPEN_CASH,    /* command: open a cash sale */
    A_OPEN_CARD,    /* command: open a card sale */
    A_OPEN_QR,      /* command: open a QR sale */
    A_SAY_DOWN,     /* the method's device went down */
    A_START_PAYING, /* command: take cash, the card or the QR order */
    A_SAY_NOT_OPENED,
    A_NOTE,         /* the running total; finish when the amount is reached */
    A_TERMINAL_TEXT,
    A_FINISH_CASH,  /* command: stop taking cash, close the payment */
    A_ASK_STOP,     /* cash with money in: ask whether to stop and credit what is in */
    A_KEEP,         /* the resident keeps inserting: back to the payment */
    A_CANCEL_CARD,  /* command: cancel at the terminal */
    A_SHOW_CODE,    /* the QR code and its countdown */
    A_COUNTDOWN,    /* the QR code's seconds left */
    A_CANCEL_QR,    /* command: give the QR code up */
    A_DELIVER,      /* command: deliver */
    A_SAY_NOT_PAID,
    A_OUTCOME,      /* the result screen: delivered, pending or parked */
    A_FAILED,       /* a command failed: parked if money may be in */
    A_RECEIPT,      /* the printer's answer: printed, or the receipt goes on the screen */
    A_CHOOSE_ZERO,  /* amount 0: open the account */
    A_OPEN_ZERO,    /* command: open the zero first purchase (no method; it is paid with nothing) */
    A_DELIVER_ZERO, /* the zero sale opened: command: deliver it onto the card */
    A_START_BILL,   /* a clean session paying a bill */
    A_DIGIT_ACCOUNT,
    A_ASK_DUE,      /* command: ask the back office what the account owes */
    A_TAKE_DUE,     /* the bills and the total: the amount to pay */
    A_SAY_NO_DUE,   /* the account cannot be paid: say why */
    A_FORGET_DUE,   /* back to the account number */
    A_ACTION_COUNT
} session_action_t;

typedef struct session_rule {
    session_screen_t screen;
    session_event_kind_t kind;
    session_control_t control;
    session_guard_t guard;
    session_action_t action;
    session_screen_t next;
} session_rule_t;

/* Starts a session on the attract screen (or out of service: no device is
 * healthy until SEV_HEALTH says so). */
void session_init(session_t *s, const session_config_t *cfg, int64_t now_ms);

/* Handles one event: finds the first rule of the table that matches,
 * carries out its action and moves to its screen. Writes the commands
 * decided into cmds (up to SESSION_MAX_CMDS) and their number into *n.
 * Returns true if the view changed. Answers of an older gen are dropped. */
bool session_handle(session_t *s, const session_event_t *ev, session_cmd_t cmds[SESSION_MAX_CMDS], size_t *n);

/* The view the screens draw. */
const session_view_t *session_view(const session_t *s);

/* Whether money is in: a sale took money and its credit is neither
 * delivered nor pending. No timeout leaves the screen then. */
bool session_money_in(const session_view_t *v);

/* The whole table; *n receives its length. */
const session_rule_t *session_table(size_t *n);

/* Names for the table, the scripts and the logs ("payment", "start",
 * "tick", "cash_idle", "finish_cash"). */
const char *session_screen_name(session_screen_t s);
const char *session_control_name(session_control_t c);
const char *session_event_name(session_event_kind_t k);
const char *session_guard_name(session_guard_t g);
const char *session_action_name(session_action_t a);
const char *session_cmd_name(session_cmd_kind_t k);
const char *session_reason_name(session_reason_t r);

/* The reason a resident is given for the engine's error `rc` while the
 * command `during` was carried out. Opening a sale (the meter known to be
 * served: the worker asks first): K_EINVAL the amount is outside the
 * limits, K_ESTATE the back office's registry will not sell to the meter,
 * K_EBUSY the offline limits, K_ENOTFOUND no device for the method. Taking
 * the money: K_ENOTFOUND, K_EDEVICE the device. K_ETIMEOUT: no answer.
 * Anything else: REASON_FAILED; K_OK: REASON_NONE. Asking what an account
 * owes: K_ENOTFOUND (or K_EINVAL, no account id) not known, K_EDENIED not
 * this kiosk's, K_ESTATE nothing due, anything else no answer. */
session_reason_t session_reason_of(session_cmd_kind_t during, kerr_t rc);

/* Looks a screen up by name; SCR_COUNT if there is none. */
session_screen_t session_screen_from_name(const char *name);

/* Looks a control id up ("ok", "key7", "preset2"); fills the digit or the
 * index; false if there is none. */
bool session_control_from_id(const char *id, session_control_t *c, int *digit, int *index);

/* Masks a customer number for the screen: "1000****0001". */
void session_mask(const char *number, char out[16]);

#endif
