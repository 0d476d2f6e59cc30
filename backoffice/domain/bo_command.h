/* Central commands to meters (docs/collector.md, "Central commands"):
 * staff queue one for a meter, the back office signs it with its document
 * key and hands it to the kiosk of the meter's site when that kiosk asks
 * (a long poll), the kiosk acknowledges it and later uploads its outcome
 * (topic `command`). Every change one store transaction; staff's with its
 * audit row. */
#ifndef BACKOFFICE_DOMAIN_BO_COMMAND_H
#define BACKOFFICE_DOMAIN_BO_COMMAND_H

#include <cjson/cJSON.h>

#include "backoffice/domain/bo_op.h"
#include "backoffice/domain/bo_sign.h"

/* What staff ask: a command for a meter and its parameters (those the
 * command does not take are left at their zero values). */
typedef struct bo_cmd_spec {
    const char *meter, *command;
    const char *operator_name, *reason;
    int64_t expiry_s;             /* from now */
    int64_t alarm1, alarm2;       /* set_alarms: minor units */
    const char *tariff;           /* set_prices: the tariff's id */
    int64_t amount;               /* credit, refund: minor units */
    const char *currency;         /* credit, refund: NULL = the meter's tariff's, else CNY */
    const char *paid_by;          /* credit: counter or online */
    const char *reference;        /* credit: the central payment's reference */
    const char *batch;            /* NULL: none */
    int64_t not_before;           /* not handed to the kiosk before then (0: at once); expiry counts from it */
    int64_t attempt;              /* a batch's attempt at the meter (0: the first) */
    const char *retry_of;         /* a batch's retry: the attempt it follows (NULL: none) */
    const char *id;               /* the command's id (NULL: a fresh UUID); a payment's own id makes its
                                     credit once: the store refuses the id a second time (K_ECONFLICT) */
} bo_cmd_spec_t;

/* Queues a command: checks it (a known command with its parameters; a
 * registered meter on a site with an active kiosk), signs its document
 * with key and stores it queued, audited `command.issue`; *out is the
 * command as stored. open_account is refused, saying why. */
kerr_t bo_command_issue(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_cmd_spec_t *spec,
                        bo_cmd_rec_t *out, kmsg_t *msg);

/* bo_command_issue's work inside the caller's transaction, with no audit
 * row (a batch audits itself): checked, signed and stored queued. */
kerr_t bo_command_queue(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_cmd_spec_t *spec,
                        bo_cmd_rec_t *out, kmsg_t *msg);

/* The kiosk that runs meter's commands: the first active kiosk (by id) of
 * the meter's site; K_ENOTFOUND, saying why, for a meter not registered,
 * on no site, or whose site has no active kiosk. */
kerr_t bo_command_kiosk_of(bo_store_t *st, const char *meter, char kiosk[65], kmsg_t *msg);

/* The commands kiosk is to pick up at now, as a JSON array of signed
 * envelopes ({"id", "document", "signature", "key"}) in *out (the caller
 * frees it; empty when there is nothing): each marked sent. Queued
 * commands past their expiry end expired first. */
kerr_t bo_command_pickup(bo_store_t *st, const char *kiosk, int64_t now, cJSON **out, kmsg_t *msg);

/* The kiosk acknowledges command id: "received" (recorded durably) or
 * "refused" (with its reason: the command ends refused). Idempotent.
 * K_ENOTFOUND for a command that is not this kiosk's. */
kerr_t bo_command_ack(bo_store_t *st, const char *kiosk, const char *id, const char *status, const char *reason,
                      int64_t now, kmsg_t *msg);

/* Staff cancel a command still queued (audited `command.cancel`);
 * K_ESTATE once it was handed to the kiosk. */
kerr_t bo_command_cancel(bo_store_t *st, const bo_who_t *who, const char *id, const char *reason, kmsg_t *msg);

/* Stores an uploaded outcome (topic `command`) of kiosk's: K_OK with
 * *taken false and why in reason when the row is not one to store (not
 * this kiosk's command, or a state the command cannot take now: a
 * duplicate); K_EINVAL with reason for a malformed row. */
kerr_t bo_command_outcome(bo_store_t *st, const char *kiosk, const cJSON *payload, int64_t now, bool *taken,
                          kmsg_t *reason, kmsg_t *msg);

/* The command as JSON, for the staff API. */
cJSON *bo_command_json(const bo_cmd_rec_t *c);

#endif
