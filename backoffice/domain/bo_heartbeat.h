/* What a kiosk reports and what it is told (docs/sync.md, "Heartbeat and
 * notices"): its health stored with every heartbeat, answered with the
 * documents' versions and its open notices (late QR payments), which it
 * acknowledges one by one. */
#ifndef BACKOFFICE_DOMAIN_BO_HEARTBEAT_H
#define BACKOFFICE_DOMAIN_BO_HEARTBEAT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "backoffice/base/bo_decode.h"
#include "backoffice/store/bo_store.h"

/* Stores kiosk's health at now: the decoded heartbeat and its body. */
kerr_t bo_heartbeat_store(bo_store_t *st, const char *kiosk, int64_t now, const bo_heartbeat_t *h, const char *body,
                          size_t len, kmsg_t *msg);

/* The kiosk's open notices, oldest first (at most 100), as a JSON array. */
cJSON *bo_notices_open(bo_store_t *st, const char *kiosk);

/* Acknowledges the kiosk's notice id at now (again: no change); *found
 * false if the kiosk has no such notice. */
kerr_t bo_notice_ack(bo_store_t *st, const char *kiosk, int64_t id, int64_t now, bool *found, kmsg_t *msg);

#endif
