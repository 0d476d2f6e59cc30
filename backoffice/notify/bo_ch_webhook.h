/* The webhook channel (docs/notices.md, "The webhook"): each notice's
 * event as a JSON POST to one URL, signed with HMAC-SHA256 under a secret
 * shared with the receiver. Headers: X-Notice-Key (the idempotency key: a
 * receiver drops a key it has seen), X-Notice-Timestamp (Unix seconds)
 * and X-Notice-Signature: "sha256=" and the lowercase hex HMAC of
 * "TIMESTAMP.BODY". 2xx: sent; 408, 429, 5xx, no answer: try again;
 * another 4xx: rejected for good. */
#ifndef BACKOFFICE_NOTIFY_BO_CH_WEBHOOK_H
#define BACKOFFICE_NOTIFY_BO_CH_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "backoffice/notify/bo_channel.h"

/* The signature header's value for body at timestamp ts into out (72
 * bytes: "sha256=" and 64 hex digits). */
void bo_webhook_sign(const char *secret, int64_t ts, const char *body, size_t len, char out[72]);

/* What an HTTP status means for a try (0: no answer). */
bo_send_outcome_t bo_webhook_outcome(long status);

/* Opens the channel to url (http:// or https://) with the secret, each
 * try within timeout_s. */
kerr_t bo_ch_webhook_open(const char *url, const char *secret, int64_t timeout_s, bo_channel_t *out, kmsg_t *msg);

#endif
