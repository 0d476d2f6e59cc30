/* The retry policies of the site's devices, in one place: how often a
 * request that got no answer is asked again, and the pauses between, which
 * base/retry.h sleeps on the clock seam. Only requests that may be
 * repeated are retried: never a credit to a meter, a note's route or a
 * card payment. */
#ifndef KIOSK_SITE_SITE_POLICY_H
#define KIOSK_SITE_SITE_POLICY_H

#include "base/retry.h"

/* A meter's read or relay command: gateway.retries more tries, after
 * 100 ms, 200 ms, ... (at most 1.6 s: gateway.retries is at most 5). */
static inline kretry_t site_gateway_retry(int64_t retries)
{
    return (kretry_t){.retries = (unsigned)retries, .base_ms = 100, .max_ms = 1600};
}

/* A ccTalk command (docs/protocols/cctalk.md): three tries, at once (the
 * validator answers within tens of milliseconds or not at all). */
static inline kretry_t site_cctalk_retry(void)
{
    return (kretry_t){.retries = 2};
}

/* A QR order's state asked again after no answer while the resident pays:
 * half a second between questions, for as long as the order may be paid. */
static inline kretry_t site_qr_wait_retry(void)
{
    return (kretry_t){.retries = UINT32_MAX, .base_ms = 500, .max_ms = 500};
}

#endif
