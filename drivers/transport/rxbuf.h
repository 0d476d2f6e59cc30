/* A receive buffer that keeps the newest bytes: what framing decoders
 * (DL/T 645, ccTalk) read a byte stream into. The caller owns the storage;
 * dropped counts every byte let go unread, as noise or for lack of room. */
#ifndef DRIVERS_TRANSPORT_RXBUF_H
#define DRIVERS_TRANSPORT_RXBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct rxbuf {
    uint8_t *buf;
    size_t cap, *n, *dropped;
} rxbuf_t;

/* Appends len bytes; when they do not fit, the oldest bytes go first. */
void rxbuf_feed(const rxbuf_t *b, const uint8_t *p, size_t len);

/* Lets the first k bytes go (all of them if fewer are held). */
void rxbuf_drop(const rxbuf_t *b, size_t k);

#endif
