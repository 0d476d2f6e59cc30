/* Batches (docs/collector.md, "Batches"): one central command over a
 * selection of meters (a site's, or a list), now or at a given time. Each
 * meter gets a command of its own (bo_command.h) naming the batch; one
 * that ends failed, unknown or expired is tried again by serve's periodic
 * check, a new command per attempt, up to the batch's retries; staff
 * cancel what has not been handed to a kiosk yet. */
#ifndef BACKOFFICE_DOMAIN_BO_BATCH_H
#define BACKOFFICE_DOMAIN_BO_BATCH_H

#include "backoffice/domain/bo_command.h"

#define BO_BATCH_MAX_METERS 10000
#define BO_BATCH_MAX_RETRIES 10
#define BO_BATCH_MAX_AHEAD_MS (30LL * 86400 * 1000) /* how far ahead --at may be */

/* What staff ask: the operation (cmd's meter and batch are ignored), the
 * selection (site, or meters) and when. */
typedef struct bo_batch_spec {
    bo_cmd_spec_t cmd;
    const char *site;          /* every meter registered on it; NULL: meters */
    const char *const *meters; /* nmeters ids */
    int nmeters;
    int64_t run_at;  /* ms; 0 or past: now */
    int64_t retries; /* 0 .. BO_BATCH_MAX_RETRIES */
} bo_batch_spec_t;

/* The meters a batch's list names, in order, each once, into out (max of
 * them): the number, or -1 when one is not a meter id or there are more
 * than max. Pure. */
int bo_batch_select(const char *const *ids, int n, char (*out)[33], int max);

/* Whether an attempt of a batch's command that ended in state is tried
 * again: failed, expired and unknown are, while attempt (from 1) is at
 * most retries; a credit that ended unknown never is (it may have been
 * applied). Pure. */
bool bo_batch_retry_due(const char *command, const char *state, int64_t attempt, int64_t retries);

/* The parameters of a command (the API's "params" object: alarm1,
 * alarm2, tariff, amount, currency, paid_by, reference) into s; a number
 * that is not one becomes -1, which the command's check refuses. The
 * strings point into p. */
void bo_batch_params(const cJSON *p, bo_cmd_spec_t *s);

/* Creates the batch and every meter's first command in one transaction,
 * audited `batch.create`: all or nothing (a meter that cannot take the
 * command is named). *out is the batch as stored, *n its meters. */
kerr_t bo_batch_create(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_batch_spec_t *spec,
                       bo_cmd_batch_t *out, int *n, kmsg_t *msg);

/* Cancels the batch (no more retries) and its commands still queued,
 * audited `batch.cancel`; *n how many commands. K_ESTATE if it was
 * cancelled before. */
kerr_t bo_batch_cancel(bo_store_t *st, const bo_who_t *who, const char *id, const char *reason, int64_t *n,
                       kmsg_t *msg);

/* The periodic check at now: each attempt that ended and is due a retry
 * (bo_batch_retry_due) gets its next command, each in its own
 * transaction audited `batch.retry`. One retry per attempt (the store's
 * constraint), however often the check runs. *made how many. */
kerr_t bo_batch_retry_check(bo_store_t *st, const bo_key_t *key, int64_t now, int *made, kmsg_t *msg);

/* The batch with its counts by state and each meter's latest attempt, as
 * JSON ({"batch", "counts", "meters"}), for `batch show` and the API;
 * K_ENOTFOUND for no such batch. */
kerr_t bo_batch_show(bo_store_t *st, const char *id, cJSON **out, kmsg_t *msg);

#endif
