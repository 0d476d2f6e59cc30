/* The transaction engine: drives a top-up through the state table with the
 * rule "durable first, then act". Every step commits to the ledger before
 * the next outside action: the delivery intent (with its purchase count) is
 * committed before the meter is told, and the meter's answer is committed
 * before anything else happens. The decisions come from the pure core
 * (core/txn, core/delivery, core/recovery); the engine carries them out. */
#ifndef ENGINE_ENGINE_H
#define ENGINE_ENGINE_H

#include "base/clock.h"
#include "base/rand.h"
#include "core/inspect.h"
#include "core/mcard.h"
#include "core/offline.h"
#include "core/payment.h"
#include "core/receipt.h"
#include "core/scan.h"
#include "core/tariff_plan.h"
#include "drivers/card/gw_card.h"
#include "drivers/cash/cash.h"
#include "drivers/gateway/gateway.h"
#include "drivers/payterm/payterm.h"
#include "drivers/printer/printer.h"
#include "engine/config.h"
#include "engine/engine_bus.h"
#include "engine/registry.h"
#include "ledger/ledger.h"

/* Called at every step boundary with the step's name ("deliver.intent");
 * tests use it to stop the process exactly there. */
typedef void (*engine_step_fn)(void *ctx, const char *step);

/* The back office's purchase-count service (docs/sync.md, "Purchase
 * counts"): one sale at a time holds the next count of a meter, across
 * kiosks. The sync link fills it in; the engine asks before it commits a
 * delivery's count. */
typedef struct engine_counts {
    /* Reserves the next count of meter for sale txn, which saw the meter
     * (or card) at count seen: K_OK with *count; K_EBUSY while the service
     * says wait (another sale holds the meter, this kiosk holds as many
     * leases as it may, the meter is not in this kiosk's scope); anything
     * else: the service cannot be asked now (the engine goes on with what
     * it read, as offline). */
    kerr_t (*reserve)(void *ctx, const char *meter, const char *txn, uint32_t seen, uint32_t *count, kmsg_t *msg);
    /* Renews sale txn's lease on the count it committed, before the engine
     * sends it again or trusts a read-back (a lease ends by time): K_OK
     * while the count is still the sale's; K_ESTATE once the service gave
     * it to another sale (the engine then parks: nothing is sent);
     * anything else: the service cannot be asked now. NULL: no renewal. */
    kerr_t (*renew)(void *ctx, const char *meter, const char *txn, uint32_t count, uint32_t seen, kmsg_t *msg);
    /* Gives the count back once the sale's outcome is known (applied or not). */
    void (*release)(void *ctx, const char *meter, const char *txn, bool applied);
    void *ctx;
} engine_counts_t;

typedef struct engine {
    ledger_t *ledger;
    gw_t *gw;
    gw_t *card;     /* the meter-card reader, a delivery target (drivers/card/gw_card.h); NULL: none */
    cash_t *cash;   /* NULL: no bill acceptor */
    /* the authorising payment providers by the method whose money each
     * takes: pay[METHOD_CARD] the card terminal, pay[METHOD_QR] QR orders;
     * NULL: none (engine_provider) */
    payterm_t *pay[METHOD_COUNT];
    const kiosk_config_t *cfg;
    const engine_counts_t *counts; /* the back office's count service; NULL: none */
    const registry_t *registry; /* the meters' identities commands are checked against; NULL: none */
    /* the gateway serves meters the registry does not list (the fake meter
     * bank, whose files name its meters): set by the site */
    bool gateway_lists_meters;
    engine_bus_t *bus;    /* the bus lock a delivery holds (engine_bus.h); NULL: none */
    const kclock_t *clk;  /* NULL = system clock */
    const krand_t *rand;  /* NULL = system CSPRNG */
    engine_step_fn step;  /* NULL = none */
    void *step_ctx;
    /* the sale the bill acceptor is taking money for ("" = none) */
    char cash_txn[UUID_STR_LEN];
    char cash_serial[16];
    /* the sale this engine opened and holds the ledger for until it is at
     * rest ("" = none; engine_lock.c) */
    char held[UUID_STR_LEN];
    bool held_on_bus; /* that sale announced itself on the bus (engine_bus.h) */
} engine_t;

/* What a sale is opened for. engine_sale_open sets the channel and the
 * card itself (from the card read, or none). */
typedef struct sale_req {
    const char *meter;
    const char *customer; /* "" if unknown */
    sale_method_t method;
    sale_channel_t channel;
    const char *card;     /* channel card: the card's serial (16 hex digits) */
    int64_t amount;       /* minor units asked for */
    const receipt_bills_t *due; /* channel bill: what the office said was owed, kept for the receipts; NULL: not asked */
} sale_req_t;

/* ---- one writer at a time (engine_lock.c; docs/ledger.md, "One writer") ----
 * Every call below that writes the ledger holds its lock while it runs; a
 * sale opened by engine_open_sale or engine_mcard_open_sale keeps it until
 * a change puts the sale at rest (final, delivery_pending,
 * needs_reconciliation, refunding). Another process waits for it up to
 * ledger.lock_wait_ms, then gets K_EBUSY naming the holder. */

/* Takes the lock for `what` (nested calls count), waiting up to wait_ms
 * (negative: ledger.lock_wait_ms); K_EBUSY names the holder. */
kerr_t engine_lock(engine_t *e, const char *what, int64_t wait_ms, kmsg_t *msg);

/* Gives back one engine_lock. */
void engine_unlock(engine_t *e);

/* The sale this engine opened and still holds the ledger for, or NULL. */
const char *engine_held_sale(const engine_t *e);

/* Brings the sale this engine still holds to rest (a front end left it,
 * e.g. the resident walked away after an error): recovery finishes or
 * parks it, and the lock is let go. K_OK if none is held. */
kerr_t engine_settle_held(engine_t *e, kmsg_t *msg);

/* Checks a request against the meter-number format and the configured
 * limits, without touching anything; msg says what is wrong. */
kerr_t engine_check_sale(const kiosk_config_t *cfg, const sale_req_t *req, kmsg_t *msg);

/* The limits sales are opened under (engine_limits.c). */
typedef struct engine_limits {
    int64_t max_purchase;     /* limits.max_purchase, or the back office's settings */
    int64_t heartbeat_s;      /* sync.heartbeat_s, or the settings */
    offline_limits_t offline; /* [sync] offline_*, or the settings */
    int64_t from_document;    /* the settings document's version they come from; 0 = the configuration */
    int64_t scan_minutes;     /* the collector's scan period (settings "scan_minutes") */
    int64_t scan_after_midnight; /* minutes after local midnight for the day's scan; -1 none */
} engine_limits_t;

/* The limits in force: the configuration, overridden by the back office's
 * signed settings document once one was applied. */
kerr_t engine_sale_limits(engine_t *e, engine_limits_t *out, kmsg_t *msg);

/* Opens a transaction (state created) after engine_check_sale and, with a
 * back office configured, its settings and the offline limits (K_EBUSY
 * saying which limit while the back office is not answering); writes its
 * id into id. */
kerr_t engine_open_sale(engine_t *e, const sale_req_t *req, char id[UUID_STR_LEN], kmsg_t *msg);

/* created -> payment_pending. */
kerr_t engine_begin_payment(engine_t *e, const char *id, kmsg_t *msg);

/* Records one accepted payment (payment_pending, money_in). */
kerr_t engine_accept_payment(engine_t *e, const char *id, const ledger_payment_t *p, kmsg_t *msg);

/* payment_pending -> paid, or cancelled when nothing was paid. */
kerr_t engine_finish_payment(engine_t *e, const char *id, kmsg_t *msg);

/* Cancels a transaction that took no money. */
kerr_t engine_cancel(engine_t *e, const char *id, const char *reason, kmsg_t *msg);

/* Delivers a paid or pending transaction: reads the meter, commits the
 * intent, sends, commits the outcome; reads back when the answer is lost
 * or says "repeated". Ends delivered, delivery_pending (with a reason and a
 * retry time) or needs_reconciliation (with a reason). *after (may be
 * NULL) receives the final row. An error return means the ledger could not
 * be written; the transaction is then exactly as the ledger last says. */
kerr_t engine_deliver(engine_t *e, const char *id, ledger_txn_t *after, kmsg_t *msg);

typedef struct engine_recovery {
    int examined;  /* transactions found unfinished */
    int cancelled; /* no money had been taken */
    int delivered; /* finished now */
    int pending;   /* left delivery_pending with a reason and retry time */
    int parked;    /* needs_reconciliation (before or now) */
} engine_recovery_t;

/* Recovery at start: every transaction not in a final state is resumed or
 * parked with a reason. Run it before serving a customer. */
kerr_t engine_recover(engine_t *e, engine_recovery_t *rep, kmsg_t *msg);

/* Retries every delivery_pending transaction that is due (*done counts
 * those delivered), then asks again for the card reversals the terminal
 * has not confirmed, and about the parked payments a provider can be asked
 * about by the request itself (engine_card_settle_parked). */
kerr_t engine_retry_due(engine_t *e, int *done, kmsg_t *msg);

/* Reads everything a meter reports, runs usage inspection against its last
 * stored reading (and what this kiosk did in between), and stores the
 * reading with the alerts it raised. */
kerr_t engine_read_meter(engine_t *e, const char *meter, gw_reading_t *out, ledger_alert_t alerts[INSPECT_MAX_ALERTS],
                         size_t *n_alerts, kmsg_t *msg);

/* As engine_read_meter for a reading asked by source (staff for
 * engine_read_meter; the collector's scan: READ_SCAN). */
kerr_t engine_read_meter_for(engine_t *e, const char *meter, read_source_t source, gw_reading_t *out,
                             ledger_alert_t alerts[INSPECT_MAX_ALERTS], size_t *n_alerts, kmsg_t *msg);

/* The scan's account of a meter that did not answer (why: the gateway's
 * words): its misses in a row counted, and at the SCAN_MISSES_ALERT'th
 * one alert meter_silent raised (once); *misses says how many now. */
kerr_t engine_scan_missed(engine_t *e, const char *meter, const char *why, int64_t *misses, kmsg_t *msg);

/* The scan's account of a meter that answered: a meter reported silent
 * has its meter_silent alert settled and alert meter_answering raised;
 * *cleared says whether it was. */
kerr_t engine_scan_answered(engine_t *e, const char *meter, bool *cleared, kmsg_t *msg);

/* What the day's scan did with a meter's daily freeze. */
typedef enum engine_frozen {
    FROZEN_STORED,      /* a freeze not seen before: stored with its outbox row (topic frozen) */
    FROZEN_KNOWN,       /* the freeze is stored already: nothing new */
    FROZEN_NONE,        /* the meter has not frozen yet */
    FROZEN_UNSUPPORTED, /* the meter (or its gateway) keeps no freeze: skipped */
} engine_frozen_t;

/* Reads the meter's last daily freeze and stores it once per meter and
 * freeze time (the meter's local time read in the kiosk's zone) with its
 * outbox row, in one ledger transaction; *outcome says what came of it. A
 * meter without freezes is K_OK, FROZEN_UNSUPPORTED (a debug line). */
kerr_t engine_scan_frozen(engine_t *e, const char *meter, engine_frozen_t *outcome, kmsg_t *msg);

/* A command to a meter, in the engine's terms (each backend turns it into
 * its protocol's own code). Every one goes through engine_meter_command. */
typedef enum engine_meter_cmd {
    METER_CMD_RELAY_TRIP,     /* cut the supply (close the valve) */
    METER_CMD_RELAY_CLOSE,    /* restore the supply */
    METER_CMD_KEEP_ON,        /* keep power on: the meter refuses to trip until released */
    METER_CMD_KEEP_OFF,       /* release keep power */
    METER_CMD_SET_ALARMS,     /* write alarm amounts 1 and 2 (args->alarm) */
    METER_CMD_SET_PRICES,     /* write a tariff's prices, and a TOU tariff's day periods (args->tariff) */
    METER_CMD_COUNT
} engine_meter_cmd_t;

/* What a command carries beyond its name; NULL for the relay and keep
 * power commands. */
typedef struct engine_cmd_args {
    int64_t alarm[2];        /* METER_CMD_SET_ALARMS: alarm amounts 1 and 2, minor units */
    const tariff_t *tariff;  /* METER_CMD_SET_PRICES: SINGLE (one price for all four bands) or TOU (band prices
                              * and its switches as the day table, at most GW_MAX_PERIODS); TIERED is refused */
} engine_cmd_args_t;

/* The command's name, also its audit action and its name on the wire
 * ("relay_trip", "relay_close", "keep_power_on", "keep_power_off",
 * "set_alarms", "set_prices"); "?" for none. */
const char *engine_meter_cmd_name(engine_meter_cmd_t cmd);

/* The command named name (as engine_meter_cmd_name gives it): true and
 * *out, or false for a name that is none. */
bool engine_meter_cmd_parse(const char *name, engine_meter_cmd_t *out);

/* Sends one command to a meter, once its identity is confirmed: the meter
 * answering at the address the registry gives is read first (its number,
 * and its customer where the protocol carries it) and compared with the
 * registry (core/meter_id.c). A mismatch sends nothing, writes the audit row
 * `identity_mismatch` (who asked, why, both identities) and returns
 * K_ECONFLICT with a message naming both identities and the registry line
 * to correct; an identity that cannot be read sends nothing either.
 * Arguments a command needs (args) are checked before anything is read:
 * missing or not expressible, K_EINVAL and nothing sent. Sent, the command
 * is audited under its name with who asked, why and what it carried. A
 * command the meter's profile defines no way to send is K_EINVAL with
 * the driver's reason (GW_UNSUPPORTED). */
kerr_t engine_meter_command(engine_t *e, const char *meter, engine_meter_cmd_t cmd, const engine_cmd_args_t *args,
                            const char *actor, const char *reason, kmsg_t *msg);

/* Trips or closes a meter's relay, or sets or releases keep power:
 * engine_meter_command with the matching command. */
kerr_t engine_relay(engine_t *e, const char *meter, gw_relay_t cmd, const char *actor, const char *reason,
                    kmsg_t *msg);

/* Reads the meter's last daily freeze (a read: no identity gate, nothing
 * stored; the caller stores the day's figures). K_EINVAL for a meter or
 * backend that keeps none (GW_UNSUPPORTED), with the reason. */
kerr_t engine_read_frozen(engine_t *e, const char *meter, gw_frozen_t *out, kmsg_t *msg);

/* The engine's error for a gateway error (timeout, device, not found...). */
kerr_t engine_gw_error(gw_err_t e);

/* ---- authorised payments: the card terminal, or any provider of the
 * sale's method (engine_card.c) ---- */

typedef struct engine_card_result {
    bool paid;             /* the money is booked */
    bool parked;           /* the outcome could not be known: the sale waits for a person */
    pt_result_t terminal;  /* what the terminal said */
} engine_card_result_t;

/* The authorising provider for a sale method (the card terminal for
 * METHOD_CARD), or NULL if the kiosk has none. */
payterm_t *engine_provider(const engine_t *e, sale_method_t method);

/* Takes what a sale taking money still asks for (its amount less what it
 * was paid, as the ledger holds them) through the provider of its method.
 * The intent is written before the provider is asked; a lost result is
 * settled by asking the provider, never by authorising again. K_ESTATE if
 * the sale is not taking money, owes nothing, or has an authorisation
 * whose outcome is still unknown. */
kerr_t engine_card_pay(engine_t *e, const char *id, const pt_watch_t *watch, engine_card_result_t *out, kmsg_t *msg);

/* Settles an authorisation whose result was never known (at restart): asks
 * the terminal and books, closes or parks. */
kerr_t engine_card_settle(engine_t *e, const char *id, kmsg_t *msg);

/* Asks again about a sale parked with its payment unknown (nothing paid,
 * its authorisation open) when its provider can be asked by the request
 * itself (a QR order; never a card terminal): money taken is booked once,
 * by the provider's id, to a new sale that is delivered, and the parked
 * sale ends cancelled naming it; money that never came closes it as not
 * paid. No answer leaves it parked (*settled false). */
kerr_t engine_card_settle_parked(engine_t *e, const char *id, bool *settled, kmsg_t *msg);

/* Gives a card payment back (reversal) for a sale that is refunding;
 * leaves it refunding if the terminal cannot be reached. */
kerr_t engine_card_reverse(engine_t *e, const char *id, kmsg_t *msg);

/* ---- late QR payments (engine_qr.c) ---- */

/* A payment for a QR order the kiosk had given up (the back office's
 * qr_paid_late notice). */
typedef struct engine_qr_late {
    const char *order;    /* the order's id: the payment's reference */
    const char *meter;    /* the order's meter */
    const char *customer; /* "" or NULL if unknown */
    char currency[4];     /* "" = the site's */
    int64_t amount;       /* minor units */
    char gave_up[16];     /* how the kiosk had given it up: expired, cancelled */
} engine_qr_late_t;

typedef struct engine_qr_late_result {
    bool booked;              /* booked now to a new sale */
    bool already;             /* booked before (the notice came again): nothing done */
    char txn[UUID_STR_LEN];   /* the sale that holds the payment */
    txn_state_t state;        /* the new sale's state after delivery (booked only) */
} engine_qr_late_result_t;

/* Books a late QR payment once: if no sale holds the order yet, a new sale
 * for its meter and amount, paid by qr with the order's id as reference,
 * then delivered (or left pending with a reason). Durable before it
 * returns K_OK, so the notice may then be acknowledged. */
kerr_t engine_qr_late(engine_t *e, const engine_qr_late_t *n, engine_qr_late_result_t *out, kmsg_t *msg);

/* ---- QR refunds made by the back office (engine_qr_refund.c) ---- */

/* The back office's qr_refunded notice: a parked QR sale's money went back
 * through its provider, or staff settled it by hand. */
typedef struct engine_qr_refund {
    const char *order;     /* the QR order: the sale's payment reference */
    const char *txn;       /* the sale the back office names ("" or NULL: the order's) */
    const char *ref;       /* the provider's refund id; settled: who settled it */
    const char *refund_no; /* the back office's refund number at the provider */
    const char *detail;    /* settled: why */
    int64_t amount;        /* minor units given back */
    bool settled;          /* settled by hand: the sale is voided, not refunded */
} engine_qr_refund_t;

typedef struct engine_qr_refund_result {
    bool booked;            /* the sale ended now */
    bool already;           /* it had ended before (the notice came again): nothing done */
    char txn[UUID_STR_LEN]; /* the sale */
    txn_state_t state;      /* its state now */
} engine_qr_refund_result_t;

/* Ends the parked sale holding n's order once, in one commit: refunded
 * with a qr_reversal refund row (the provider's refund id as reference),
 * or voided with an operator refund row when settled by hand. A sale
 * ended before is K_OK with already; a sale that is not parked, or owes
 * another amount, is K_EINVAL (for staff). Durable before it returns
 * K_OK, so the notice may then be acknowledged. */
kerr_t engine_qr_refund(engine_t *e, const engine_qr_refund_t *n, engine_qr_refund_result_t *out, kmsg_t *msg);

/* ---- cash (engine_cash.c) ---- */

typedef struct engine_cash_news {
    bool booked;         /* a note was booked to the sale */
    int64_t paid;        /* the sale's total so far */
    payment_note_t note; /* what happened, typed for the screen to word (PNOTE_NONE: nothing) */
    int64_t value;       /* PNOTE_TAKEN, PNOTE_RETURNED: the note's value */
    escrow_reason_t why; /* PNOTE_RETURNED: why it was given back */
    char text[96];       /* what happened in English, for logs and kioskctl ("" if nothing) */
    bool stop;           /* the acceptor cannot go on (lost events, fault) */
} engine_cash_news_t;

/* Attaches the bill acceptor: it learns the last counter booked, and what
 * happened while the kiosk was away is handled (notes stacked booked,
 * notes in escrow returned). */
kerr_t engine_cash_attach(engine_t *e, kmsg_t *msg);

/* Starts taking cash for a sale (payment_pending). */
kerr_t engine_cash_start(engine_t *e, const char *id, kmsg_t *msg);

/* Polls the acceptor once and handles its events; call every 150 ms while
 * taking cash. */
kerr_t engine_cash_step(engine_t *e, engine_cash_news_t *news, kmsg_t *msg);

/* Stops taking cash; a note still in escrow is returned. */
kerr_t engine_cash_stop(engine_t *e, kmsg_t *msg);

/* ---- meter cards (engine_mcard.c) ---- */

/* A meter card in the reader, as the engine sees it. */
typedef struct engine_mcard {
    card_view_t view;
    char serial[17];         /* 16 hex digits */
    mcard_verdict_t verdict; /* may it take a purchase */
    char office_block[96];   /* blocked by the back office: its reason; "" otherwise */
    int finished;            /* unfinished purchases of this card delivered now */
    bool zero_first_ok;      /* a purchase of 0 may open its account (engine_mcard_zero_first) */
    ledger_alert_t alerts[INSPECT_MAX_ALERTS]; /* raised by the write-back's reading */
    size_t n_alerts;
} engine_mcard_t;

/* Reads the card in the reader (K_ENOTFOUND if there is none), finishes
 * any purchase of this card still being written, stores what the meter
 * wrote back as a reading with usage inspection (once per new write-back),
 * and decides whether it may take a new one (not if the meter registry in
 * use does not list the card's meter). */
kerr_t engine_mcard_inserted(engine_t *e, engine_mcard_t *out, kmsg_t *msg);

/* Whether a purchase of amount 0 may go onto the card read (docs/card.md,
 * "A new account's first purchase may be zero"): it may take a purchase,
 * it opens its meter's account (an issued card with no purchase written,
 * not a replacement), and the back office's registry document lists the
 * meter as sellable with first_purchase_zero_ok. *ok says; why (if not
 * NULL) gets the reason when not. */
kerr_t engine_mcard_zero_first(engine_t *e, const engine_mcard_t *card, bool *ok, kmsg_t *why, kmsg_t *msg);

/* Whether the kiosk sells offline now: it has a back office that has not
 * answered (offline_is_offline with the sale limits in force); false
 * without a back office or when that cannot be read. */
bool engine_selling_offline(engine_t *e);

/* Whether the card with this serial (16 hex digits) is on the back
 * office's signed list of blocked cards as applied (engine_limits.c);
 * reason gets the back office's words. */
kerr_t engine_card_blocked(engine_t *e, const char *serial, bool *blocked, char *reason, size_t len, kmsg_t *msg);

/* K_OK unless the back office's signed registry as applied marks meter
 * not sellable (removed, or its account closed): then K_ESTATE with a
 * message that says so (engine_limits.c). A meter the registry does not
 * name, or no registry yet, is not refused here. */
kerr_t engine_meter_sellable(engine_t *e, const char *meter, kmsg_t *msg);

/* Opens a sale on the card channel for the card read by
 * engine_mcard_inserted: its meter, customer and serial; refused (with the
 * verdict's words) unless the card may take a purchase. An amount of 0 is
 * a zero first purchase, opened with method none (whatever method says)
 * when engine_mcard_zero_first allows it, else refused (K_EINVAL, naming
 * limits.min_purchase and why). */
kerr_t engine_mcard_open_sale(engine_t *e, const engine_mcard_t *card, sale_method_t method, int64_t amount,
                              char id[UUID_STR_LEN], kmsg_t *msg);

/* ---- one sale in three steps (engine_sale.c) ----
 * How every front end sells (kioskctl sale, the touchscreen's worker, any
 * other): engine_sale_open, engine_sale_pay, engine_sale_deliver. The
 * front end gathers the input and shows the results; every rule is in
 * these calls. The sale holds the ledger's lock from its opening until it
 * is at rest ("One writer" above). */

/* Whether this kiosk serves meter: K_EINVAL, naming the registry, when a
 * meter registry is in use and does not list it (the fake gateway's meters
 * need none); *entry is its registry line, or NULL. */
kerr_t engine_meter_served(const engine_t *e, const char *meter, const registry_entry_t **entry, kmsg_t *msg);

/* What the kiosk sells a meter under: its kind (units, relay or valve)
 * and the tariff in force at a time (engine_tariff.c). */
typedef struct engine_meter_profile {
    meter_kind_t kind;
    bool has_tariff;      /* false: no estimate, no tariff on the receipt */
    meter_tariff_t tariff; /* id "" when it is the configuration's fallback */
} engine_meter_profile_t;

/* The meter's kind and tariff at at_ms (wall clock, ms): the kind and the
 * tariff id from the back office's registry document (for a meter it
 * lists; else the registry file's line); the tariff from the applied
 * tariffs document, the version of that id whose effective_at is the
 * latest not after at_ms; with no tariffs document applied (a kiosk with
 * no back office), ui.tariff or, for water, ui.tariff_water. A tiered
 * tariff gets the meter's use this month (UTC) from the stored readings. */
kerr_t engine_meter_profile(engine_t *e, const char *meter, int64_t at_ms, engine_meter_profile_t *out, kmsg_t *msg);

/* Opens a sale and starts taking money (created -> payment_pending): to
 * req->meter (a meter this kiosk serves; the customer taken from the
 * registry when req gives none), or, with card, onto the meter card read
 * by engine_mcard_inserted (its meter and customer; refused unless the
 * card may take a purchase). Refused, saying why, when the device that
 * takes req->method's money is not there (K_ENOTFOUND, "no sale opened:
 * ..."), outside the limits or the offline rules, or for a meter the
 * registry does not name or marks not sellable (K_EINVAL, K_EBUSY,
 * K_ESTATE). req->channel and req->card are set from card. With card, an
 * amount of 0 is a zero first purchase (engine_mcard_open_sale): no device
 * is asked for and it goes straight to paid with nothing paid
 * (created -> paid by zero_first). */
kerr_t engine_sale_open(engine_t *e, const sale_req_t *req, const engine_mcard_t *card, char id[UUID_STR_LEN],
                        kmsg_t *msg);

/* Opens a post-paid account's bill payment (channel bill, the account in
 * the meter's place) and begins taking its money; method cash or card,
 * the device there (else K_ENOTFOUND), amount above zero (K_EINVAL).
 * engine_sale_pay then takes the money (cash stops at the amount: no
 * change is given; less is kept as what was paid) and engine_sale_deliver
 * settles it: paid -> delivered with its bill_payment outbox row in the
 * same commit. Recovery settles one left paid (docs/billing.md). due, if
 * known, is what the back office said the account owed: it is kept with
 * the sale in the commit that opens it, and every receipt of the sale
 * (the first and any reprint) names the bills paid and what is still
 * owed from it. */
kerr_t engine_bill_open(engine_t *e, const char *account, sale_method_t method, int64_t amount,
                        const receipt_bills_t *due, char id[UUID_STR_LEN], kmsg_t *msg);

/* The resident's side of a payment; every member may be NULL. */
typedef struct engine_watch {
    /* the card terminal's prompt, typed for the screen (and in English) */
    void (*prompt)(void *ctx, payment_prompt_t prompt, const char *text);
    void (*note)(void *ctx, const engine_cash_news_t *news); /* cash: what the acceptor did, the sale's total */
    void (*code)(void *ctx, const char *url, int64_t expires_at_ms); /* QR: the code to scan, until when */
    /* Asked while money is taken: true once the resident is done (cash: no
     * more notes) or cancels (card, QR: given up while the provider still
     * can; later the payment goes through). */
    bool (*cancelled)(void *ctx);
    void *ctx;
    /* central: the back office's command that ordered the credit, the
     * payment's reference (one payment per command: the ledger's index) */
    const char *reference;
} engine_watch_t;

/* What a payment came to. */
typedef struct engine_paid {
    ledger_txn_t sale;    /* after: paid; cancelled (not paid, or no note went in); needs_reconciliation (the
                           * outcome cannot be known, or the acceptor lost count) */
    pt_result_t provider; /* card, QR: what the provider said (its words, a card's receipt lines) */
} engine_paid_t;

/* Takes a sale's money by its method: the counter books the amount (staff
 * took it); cash takes notes until the amount is in, the resident is done
 * or the acceptor cannot go on; card and QR ask the method's provider,
 * once. Then the payment is finished (paid), or the sale is cancelled as
 * not paid ("card not paid: declined by the card issuer", "nothing was
 * paid"); central books the amount taken centrally, its reference the
 * command's id (watch->reference). A zero first purchase, paid already
 * with nothing, is returned as it is. An error return means a device or the ledger failed midway; the
 * sale is then as the ledger last says, and recovery settles it. */
kerr_t engine_sale_pay(engine_t *e, const char *id, const engine_watch_t *watch, engine_paid_t *out, kmsg_t *msg);

/* What a delivery came to. */
typedef struct engine_delivered {
    ledger_txn_t sale; /* after: delivered, delivery_pending or needs_reconciliation (unchanged if it was
                        * not paid) */
    bool has_balance;  /* a remote meter credited: its balance, read afterwards */
    int64_t balance;
} engine_delivered_t;

/* Delivers a paid sale (engine_deliver) and, once a remote meter has the
 * credit, reads its balance; a sale that is not paid is left as it is. */
kerr_t engine_sale_deliver(engine_t *e, const char *id, engine_delivered_t *out, kmsg_t *msg);

/* ---- receipts (engine_receipt.c) ---- */

/* The receipt of a transaction that took money (or of a new account's
 * zero first purchase: amount 0, "account opened"), from its facts in the
 * ledger (core/receipt.h): the site, kiosk, time, meter, masked
 * customer, meter card, how it was paid (a bank card's masked number), the
 * amount, a refund, the purchase count, what happened and what happens
 * next, the reference; copy marks a reprint. K_ESTATE if it took no money
 * and is not a zero first purchase. A bill payment's (channel bill) gives
 * the account instead of the meter, and no energy. */
kerr_t engine_receipt_of(engine_t *e, const char *txn_id, bool copy, receipt_t *r, kmsg_t *msg);

/* Lays a receipt out on paper: the site and the title, each line with its
 * label in Chinese and English and the values lined up (money with the
 * currency's code from cur, the time in UTC), what happens next, then the
 * reference as a QR code and as text; a feed and a cut. */
kerr_t engine_receipt_paper(const receipt_t *r, const currency_t *cur, printer_doc_t *doc, kmsg_t *msg);

/* The receipt of a transaction as a printed document (engine_receipt_of,
 * then engine_receipt_paper). */
kerr_t engine_receipt_doc(engine_t *e, const char *txn_id, bool copy, printer_doc_t *doc, kmsg_t *msg);

/* Asks the printer whether it can print now (K_EDEVICE with why if not,
 * K_ENOTFOUND if there is none); *st is what it said. Ask before taking
 * money, to offer a paper receipt or only one on the screen. */
kerr_t engine_printer_ready(printer_t *p, printer_status_t *st, kmsg_t *msg);

/* Prints the receipt of txn_id (a copy if one was printed before) after
 * checking the printer, and records it in the audit log as actor's. */
kerr_t engine_print_receipt(engine_t *e, printer_t *p, const char *txn_id, const char *actor, kmsg_t *msg);

/* A staff operation: a blank card in the reader becomes a meter's card. */
typedef struct engine_mcard_issue {
    const char *meter;         /* 12 digits */
    const char *customer;      /* a new account's customer; a replacement takes the lost card's */
    bool replace;              /* a replacement for the meter's newest card (lost, blocked) */
    int lost_generation;       /* replacement of a card not issued here: its generation; -1 otherwise */
    const char *operator_name; /* who, for the audit log */
    const char *reason;        /* why, for the audit log */
} engine_mcard_issue_t;

/* Issues the blank card in the reader (engine_mcard_issue.c): recorded in
 * the ledger and the audit log before the card is written, finished once
 * the card reads back what was written. Refused, with the reason, for a card
 * issued already, a meter that has a card (for a new account) or none known
 * (for a replacement). A card pulled out midway (K_ETIMEOUT) is finished
 * by the same call when it is back. *out is the card as it is now. */
kerr_t engine_mcard_issue(engine_t *e, const engine_mcard_issue_t *req, engine_mcard_t *out, kmsg_t *msg);

/* ---- staff corrections (engine_correct.c) ---- */

typedef enum engine_fix {
    ENGINE_FIX_RESUME,  /* a parked delivery goes back to retry */
    ENGINE_FIX_CONFIRM, /* the evidence shows the credit on the meter: delivered */
    ENGINE_FIX_VOID,    /* annulled: what was paid is given back by hand (a refund "operator"); never while
                         * an attempt's credit may be on the meter */
    ENGINE_FIX_ZERO,    /* annulled, its amount zeroed: the money stays (a refund "zeroed"); after a meter
                         * fault the utility settles it, whatever reached the meter */
    ENGINE_FIX_COUNT
} engine_fix_t;

/* The fix's name ("resume", "confirm", "void", "zero"). */
const char *engine_fix_name(engine_fix_t f);

/* Looks a fix up by name; false if there is none. */
bool engine_fix_from_name(const char *name, engine_fix_t *out);

/* Whether the transaction table lets a sale in state s with paid take fix
 * f; zero_sale: a new account's zero first purchase (opened for amount 0),
 * which may be resumed or confirmed with nothing paid. */
bool engine_fix_allowed(txn_state_t s, int64_t paid, bool zero_sale, engine_fix_t f);

#define ENGINE_REASON_MAX 200

/* Whether fix f may be applied to sale t now: the table; for a confirm, a
 * newest delivery attempt that may have reached the meter; for a void
 * (money given back by hand), no attempt whose credit may be on the meter.
 * K_ESTATE says why not and what to do instead. */
kerr_t engine_fix_check(engine_t *e, const ledger_txn_t *t, engine_fix_t f, kmsg_t *msg);

/* Applies fix f to transaction id as actor, for reason (required, 1 to
 * ENGINE_REASON_MAX bytes on one line: K_EINVAL): one ledger change with
 * its audit row. K_ESTATE, saying why, when engine_fix_check refuses.
 * *after (may be NULL) is the sale after. */
kerr_t engine_fix(engine_t *e, const char *id, engine_fix_t f, const char *actor, const char *reason,
                  ledger_txn_t *after, kmsg_t *msg);

/* ---- the Z report (engine_zreport.c) ---- */

/* The Z report of a collection as a printed document, in Chinese and
 * English: the period, who collected, money taken by method and note,
 * money given back (by hand, zeroed, reversed), the cash-box events. */
kerr_t engine_zreport_doc(engine_t *e, const ledger_cash_report_t *r, const char *actor, printer_doc_t *doc,
                          kmsg_t *msg);

/* Collects the cash box as actor (ledger_cash_collect: durable first),
 * then prints the Z report on p when there is one that can print. *out is
 * the report; *printed says whether the paper came out; a collection whose
 * report could not be printed is still recorded (K_OK, msg says why not). */
kerr_t engine_collect(engine_t *e, printer_t *p, const char *actor, ledger_cash_report_t *out, bool *printed,
                      kmsg_t *msg);

#endif
