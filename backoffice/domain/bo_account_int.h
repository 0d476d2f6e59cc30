/* Between the account files (bo_account.c, bo_account_open.c,
 * bo_account_close.c, bo_meter.c): the steps operations share, each inside
 * the operation's transaction. */
#ifndef BACKOFFICE_DOMAIN_BO_ACCOUNT_INT_H
#define BACKOFFICE_DOMAIN_BO_ACCOUNT_INT_H

#include "backoffice/domain/bo_account.h"

/* Refuses the closing c while the account owes, or writes the debt off
 * when c says so (bo_account_owes.c). */
kerr_t bo__acct_owes_check(bo_op_t *op, const bo_account_close_t *c);

/* Ends an account operation: audited, the registry moved forward. */
kerr_t bo__acct_end(bo_op_t *op, kerr_t rc, const char *action, const char *target, const char *reason,
                    const char *detail);

/* The account's record; K_ENOTFOUND if there is no such account. */
kerr_t bo__acct_get(bo_op_t *op, const char *account, bo_account_rec_t *a);

/* K_OK if meter may be bound to account now: registered, not removed, and
 * not bound to any open account (this one included). */
kerr_t bo__acct_check_free(bo_op_t *op, const char *meter, const char *account);

/* Binds meter to account (which must be open) from now; the meter's
 * customer becomes the account's. Its first purchase may be zero. */
kerr_t bo__acct_bind(bo_op_t *op, const char *account, const char *meter);

/* Ends meter's live binding with its final reading (< 0: none known) and
 * why; account gets the account it was bound to ("" if none). */
kerr_t bo__acct_unbind(bo_op_t *op, const char *meter, int64_t reading, const char *why, char account[65]);

/* Adds amount (0: nothing) to the account's carried balance. */
kerr_t bo__acct_credit(bo_op_t *op, const char *account, int64_t amount);

/* Checks spec's protocol (dlt645, modbus), kind (electricity, water),
 * gateway and tariff (a tariff set already), those given. */
kerr_t bo__meter_spec_check(bo_op_t *op, const bo_meter_spec_t *spec);

/* The site meter goes to as it is registered: the site it is on already
 * (a given site naming another is refused: `meter site` moves meters);
 * else `given` (NULL if none); else the one site there is. */
kerr_t bo__meter_site(bo_op_t *op, const char *meter, const char *given, char site[65]);

/* Whether meter is registered. */
kerr_t bo__meter_known(bo_op_t *op, const char *meter, bool *found);

#endif
