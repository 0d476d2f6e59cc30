/* The back office's purchase-count service on the link (docs/sync.md,
 * "Purchase counts"), as the engine's count service (engine_counts_t): a
 * sale reserves its meter's next count, so two kiosks never send the same
 * one, renews the lease before it resends that count, and gives the count
 * back once the sale's credit is applied. */
#ifndef SYNC_SYNC_COUNTS_H
#define SYNC_SYNC_COUNTS_H

#include "engine/engine.h"

/* Opens the service on the [sync] link: K_ENOTFOUND without sync.url;
 * K_EINVAL for a link that cannot be used (sync_client_open). */
kerr_t sync_counts_open(const kiosk_config_t *cfg, engine_counts_t *out, kmsg_t *msg);

/* Closes it (a zeroed one is fine). */
void sync_counts_close(engine_counts_t *c);

#endif
