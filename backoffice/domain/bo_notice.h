/* Notices' triggers (docs/notices.md, "Triggers"): what the ingest of a
 * reading or a sale calls for, through the pure rules
 * (notify/bo_notice_rules.h), queued in the notice outbox inside the
 * ingest's transaction (or a bill's issue). Each notice's idempotency key
 * comes from its event (kind:account:meter:time, credit:account:txn,
 * bill:account:bill), so the same rows ingested again queue nothing new. */
#ifndef BACKOFFICE_DOMAIN_BO_NOTICE_H
#define BACKOFFICE_DOMAIN_BO_NOTICE_H

#include "backoffice/base/bo_config.h"
#include "backoffice/base/bo_decode.h"
#include "backoffice/store/bo_store.h"

/* The low-balance levels for meter, bound to account ("": none): the
 * account's own, else the meter's site's, else cfg's defaults. */
kerr_t bo_notice_levels_of(bo_store_t *st, const bo_notices_cfg_t *cfg, const char *account, const char *meter,
                           bo_nlevels_t *lv, kmsg_t *msg);

/* A new reading of r->meter stored at now: the meter's notice memory moves
 * on and the notices it calls for are queued for the account the meter is
 * bound to (its contact's channels; none without a contact). cfg NULL (a
 * row released from quarantine): the memory moves on, nothing is queued.
 * The cut-off forecast goes by daily billing's spend (the days billed in
 * the 7 days up to the meter's last billed day, bo_forecast_ms_to_zero)
 * when the meter has billed days, else by the fall between its last two
 * readings (bo_notice_left_ms). */
kerr_t bo_notice_reading(bo_store_t *st, const bo_notices_cfg_t *cfg, const bo_reading_t *r, int64_t now,
                         kmsg_t *msg);

/* A sale's event stored at now: a delivered one queues the credit notice
 * (meter, amount, the balance after as the meter's last reading plus the
 * amount), key credit:ACCOUNT:METER:TXN-ID. A central sale (method
 * central) queues nothing: its command's outcome tells it. */
kerr_t bo_notice_sale(bo_store_t *st, const bo_notices_cfg_t *cfg, const bo_txn_t *t, int64_t now, kmsg_t *msg);

/* A central command's outcome stored at now (c as it is after): a relay
 * command done queues the supply cut or restored (key
 * supply_cut:ACCOUNT:METER:COMMAND-ID) and the meter's memory takes the
 * relay's state, so its next reading does not tell it again; a credit or
 * open_account done queues credit arrived (key
 * credit:ACCOUNT:METER:COMMAND-ID): the command's amount, and the balance
 * after from the outcome, else the last reading's plus the amount. */
kerr_t bo_notice_command(bo_store_t *st, const bo_notices_cfg_t *cfg, const bo_cmd_rec_t *c, int64_t now,
                         kmsg_t *msg);

/* Post-paid bill b issued at now (called in the issuing transaction):
 * queues the bill issued notice for b's account (its period, what it
 * asks: total less paid), key bill:ACCOUNT:BILL-ID, so a bill is told
 * once; held in the contact's quiet hours. cfg NULL: nothing. */
kerr_t bo_notice_bill(bo_store_t *st, const bo_notices_cfg_t *cfg, const bo_bill_rec_t *b, int64_t now, kmsg_t *msg);

#endif
