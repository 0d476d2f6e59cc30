/* One error code for the pure core and the application layers above it.
 * Codes drive control flow; the human text travels in a kmsg_t. */
#ifndef BASE_ERR_H
#define BASE_ERR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum kerr {
    K_OK = 0,
    K_EINVAL,    /* malformed input: text, argument, value out of its domain */
    K_EOVERFLOW, /* arithmetic would leave the representable range */
    K_ESTATE,    /* not allowed in the current state (illegal transition) */
    K_ENOTFOUND, /* no such transaction, meter, key */
    K_ECONFLICT, /* would break a uniqueness rule (purchase count in use) */
    K_EBUSY,     /* resource held by someone else; try again later */
    K_EIO,       /* storage or operating-system failure */
    K_ETIMEOUT,  /* the other side did not answer in time */
    K_EDEVICE,   /* a device answered with an error */
    K_EVERSION,  /* data written by a newer program */
    K_ECORRUPT,  /* stored data contradicts itself */
    K_EDENIED,   /* the operator may not do this (permission, wrong PIN, locked out) */
} kerr_t;

/* A caller-supplied buffer for the human-readable side of an error. */
typedef struct kmsg {
    char text[256];
} kmsg_t;

/* Returns a short constant name for a code ("invalid input", ...). */
const char *kerr_str(kerr_t code);

/* Writes a formatted message into msg (which may be NULL) and returns code,
 * so that callers can write `return kmsg_set(msg, K_EINVAL, "...")`. */
kerr_t kmsg_set(kmsg_t *msg, kerr_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes an existing message with more context ("ledger: " + old text). */
void kmsg_prefix(kmsg_t *msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
