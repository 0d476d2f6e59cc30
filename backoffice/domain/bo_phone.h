/* The resident's phone page (docs/phone.md): the signed tokens that name a
 * meter (a session after the resident found it, or a link printed on a
 * notice) and the throttle that slows guessing on the find step. Pure:
 * no I/O, the clock passed in; the tokens' key is derived from the back
 * office's signing key, so links outlive a restart. */
#ifndef BACKOFFICE_DOMAIN_BO_PHONE_H
#define BACKOFFICE_DOMAIN_BO_PHONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backoffice/domain/bo_sign.h"

#define BO_PHONE_METER_MAX 14   /* a meter id the page takes (an order id must fit 32 characters) */
#define BO_PHONE_TOKEN_MAX 128  /* a token's text, with its NUL */
#define BO_PHONE_DIGITS 4       /* how many of the customer number's last digits the resident gives */
#define BO_PHONE_SESSION_MS (15 * 60 * 1000)
#define BO_PHONE_SLOTS 256      /* throttle entries (client addresses and meters together) */
#define BO_PHONE_ORDER_MAX 33   /* an order id with its NUL: "P", the meter, "_", a tag, 15 hex digits */

/* The amounts the page offers (fen); an order for any other is refused. */
extern const int64_t bo_phone_amounts[4];

/* Writes a fresh order id for meter into id (BO_PHONE_ORDER_MAX bytes):
 * "P", the meter, "_", tag (an upper-case letter naming the provider that
 * takes the order) and 15 random hex digits. The meter and the provider
 * are in it, so a payment notified or asked about after a restart still
 * finds both; the provider's out_trade_no is that id. */
void bo_phone_order_id(const char *meter, char tag, char *id, size_t len);

/* The meter order id names into meter (BO_PHONE_METER_MAX + 1 bytes);
 * false if id is not an order id of the page's. */
bool bo_phone_order_meter(const char *id, char *meter, size_t len);

/* The tag the phone page's order ids carry for provider ("wechat": 'W',
 * "alipay": 'A'); 0 for another name. */
char bo_phone_provider_tag(const char *provider);

/* The provider's tag order id carries ('A'..'Z'); 0 if id is not the
 * page's, or was made before ids carried one (16 hex digits: the kiosks'
 * provider took it). */
char bo_phone_order_tag(const char *id);

/* What a token lets its bearer do. */
typedef enum bo_phone_kind {
    BO_PHONE_SESSION, /* see the meter and pay for it: handed out by the find step */
    BO_PHONE_LINK,    /* a notice's link: exchanged for a session */
} bo_phone_kind_t;

/* The tokens' key, derived from the signing key. */
typedef struct bo_phone_key {
    uint8_t k[32];
} bo_phone_key_t;

void bo_phone_key_derive(const bo_key_t *sign, bo_phone_key_t *out);

/* Writes a token naming meter, of kind, valid until expires_at (ms), into
 * out (BO_PHONE_TOKEN_MAX bytes); false if the meter is not one the page
 * takes. */
bool bo_phone_token_make(const bo_phone_key_t *key, bo_phone_kind_t kind, const char *meter, int64_t expires_at,
                         char *out, size_t len);

/* Checks token (of kind, unexpired at now, its MAC compared in constant
 * time) and writes the meter it names into meter (BO_PHONE_METER_MAX + 1
 * bytes); false for anything else. */
bool bo_phone_token_check(const bo_phone_key_t *key, bo_phone_kind_t kind, const char *token, int64_t now,
                          char *meter, size_t len);

/* Whether meter is one the page takes: 1 to BO_PHONE_METER_MAX letters or digits. */
bool bo_phone_meter_ok(const char *meter);

/* Whether digits (as typed) are the last BO_PHONE_DIGITS digits of
 * customer, compared in constant time whatever is typed. */
bool bo_phone_digits_match(const char *customer, const char *digits);

/* When each pending order was last asked about at the provider: a fixed
 * table, the entry asked longest ago reused for a new order. */
typedef struct bo_phone_asked {
    char id[BO_PHONE_ORDER_MAX];
    int64_t at;
} bo_phone_asked_t;

/* Whether order id may be asked about at now (never asked, or not within
 * every_ms), marking it asked if so. */
bool bo_phone_ask_due(bo_phone_asked_t *t, size_t n, const char *id, int64_t now, int64_t every_ms);

/* The throttle: failures in a row per key ("ip:ADDR", "meter:M"), each
 * making the next try wait longer. A fixed table: when it is full the
 * entry idle longest is reused. */
typedef struct bo_phone_slot {
    char key[48];
    int fails;
    int64_t next_at, last_at;
} bo_phone_slot_t;

typedef struct bo_phone_throttle {
    bo_phone_slot_t slot[BO_PHONE_SLOTS];
} bo_phone_throttle_t;

/* How long a key must wait after its fails-th failure in a row: nothing
 * for the first 3, then 1 s doubling up to 5 minutes. */
int64_t bo_phone_delay_ms(int fails);

/* 0 if key may try now, else how many ms it must still wait. */
int64_t bo_phone_wait_ms(const bo_phone_throttle_t *t, const char *key, int64_t now);

/* Counts a failure of key at now; returns its failures in a row. */
int bo_phone_fail(bo_phone_throttle_t *t, const char *key, int64_t now);

/* Forgets key's failures (it succeeded). */
void bo_phone_clear(bo_phone_throttle_t *t, const char *key);

#endif
