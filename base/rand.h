/* The randomness seam: transaction ids and jitter come from a krand_t.
 * The system source is the kernel's CSPRNG (getrandom). */
#ifndef BASE_RAND_H
#define BASE_RAND_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/uuid.h"

typedef struct krand {
    kerr_t (*fill)(void *ctx, void *buf, size_t len);
    void *ctx;
} krand_t;

/* The kernel's CSPRNG. */
const krand_t *krand_system(void);

/* Fills buf from r (the system source if r is NULL). */
kerr_t krand_fill(const krand_t *r, void *buf, size_t len);

/* A fresh UUIDv4 from r. */
kerr_t krand_uuid(const krand_t *r, char out[UUID_STR_LEN]);

/* A random 32-bit value from r (0 if the source fails). */
uint32_t krand_u32(const krand_t *r);

#endif
