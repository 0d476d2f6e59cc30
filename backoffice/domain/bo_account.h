/* Accounts (docs/accounts.md): a customer's account holds meters through
 * bindings; staff open, bind, transfer and close accounts and register,
 * install and remove meters. Every operation is one transaction that
 * checks its preconditions, writes an audit row and moves the registry
 * document forward, so kiosks learn which meters may be sold to; a refusal
 * changes nothing and its message says why and what to do. */
#ifndef BACKOFFICE_DOMAIN_BO_ACCOUNT_H
#define BACKOFFICE_DOMAIN_BO_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/domain/bo_op.h"

/* A meter's settings as staff give them (NULL: not given). */
typedef struct bo_meter_spec {
    const char *protocol, *gateway, *kind, *tariff, *site;
} bo_meter_spec_t;

/* `account open`: the account, its customer and the meters it starts with. */
typedef struct bo_account_open {
    const char *id, *customer;
    const char *const *meters;
    int n;
    bool prefill;         /* a customer or meter not known is made: the customer with name, meters with spec */
    const char *name;
    bo_meter_spec_t spec;
    const char *reason;   /* NULL: none */
} bo_account_open_t;

/* Opens an account (audited account.open); *carried gets what earlier
 * closed accounts of the customer carried forward into it. */
kerr_t bo_account_open(bo_store_t *st, const bo_who_t *who, const bo_account_open_t *a, int64_t *carried,
                       kmsg_t *msg);

/* Binds n meters to open account id (audited account.bind). */
kerr_t bo_account_bind(bo_store_t *st, const bo_who_t *who, const char *id, const char *const *meters, int n,
                       const char *reason, kmsg_t *msg);

/* Moves open account id and its meters to customer `to` (account.transfer). */
kerr_t bo_account_transfer(bo_store_t *st, const bo_who_t *who, const char *id, const char *to, const char *reason,
                           kmsg_t *msg);

/* A meter's register when its binding ends (Wh or litres). */
typedef struct bo_final_reading {
    char meter[33];
    int64_t value;
} bo_final_reading_t;

/* `account close`: every meter bound has its final reading. */
typedef struct bo_account_close {
    const char *id;
    const bo_final_reading_t *readings;
    int n;
    int64_t balance; /* credit left on the meters, minor units, settled with the carried balance */
    bool carry;      /* carried to the customer's next account; else refunded */
    const char *reason;
    bool write_off;                   /* what the account owes is written off (signed below) */
    const char *operator_name, *pin; /* the operator allowed accounts who signs a write-off */
} bo_account_close_t;

/* How a closing was settled: the amount, and the account it was carried
 * to ("" for a refund or the customer's next account). */
typedef struct bo_settled {
    int64_t amount;
    char to[65];
} bo_settled_t;

/* What an account owes (minor units): its carried balance below 0, the
 * unpaid parts of its issued bills (how many, the oldest), their sum. */
typedef struct bo_owes {
    int64_t balance, bills, total, oldest;
    int n_bills;
} bo_owes_t;

/* What account owes now. K_ENOTFOUND for an account not known. */
kerr_t bo_account_owes(bo_store_t *st, const char *account, bo_owes_t *o, kmsg_t *msg);

/* A payment staff take to settle what an account owes. */
typedef struct bo_settle {
    const char *account, *method, *ref; /* method counter or bank; ref unique per method */
    int64_t amount;
} bo_settle_t;

/* Records payment p (account.settle): on the issued bills oldest first,
 * the rest on a negative carried balance; refused when it is more than
 * the account owes (K_ESTATE) or the reference was used (K_ECONFLICT).
 * *left: what the account owes after. */
kerr_t bo_account_settle(bo_store_t *st, const bo_who_t *who, const bo_settle_t *p, bo_owes_t *left, kmsg_t *msg);

/* Closes an account (account.close). An account that owes (bo_owes_t) is
 * refused (K_ESTATE, saying what it owes and what to do) unless c
 * writes the debt off, signed by an operator allowed accounts with the
 * PIN: the write-off recorded and audited (account.write_off), the
 * negative balance lifted to 0, the bills left issued. */
kerr_t bo_account_close(bo_store_t *st, const bo_who_t *who, const bo_account_close_t *c, bo_settled_t *out,
                        kmsg_t *msg);

/* Adds a customer; K_ECONFLICT if the id is taken. */
kerr_t bo_customer_add(bo_store_t *st, const char *id, const char *name, kmsg_t *msg);

/* `meter add`: registers meter (again) for customer with spec (protocol
 * and gateway given), on its site (meter.add). */
kerr_t bo_meter_add(bo_store_t *st, const bo_who_t *who, const char *meter, const char *customer,
                    const bo_meter_spec_t *spec, kmsg_t *msg);

/* `meter install`: registers meter (or one removed before) with spec and
 * binds it to open account (meter.install). */
kerr_t bo_meter_install(bo_store_t *st, const bo_who_t *who, const char *meter, const char *account,
                        const bo_meter_spec_t *spec, const char *reason, kmsg_t *msg);

/* `meter remove`: takes meter out of service with its final reading; the
 * credit left on it (balance) goes to its account's carried balance
 * (meter.remove). */
kerr_t bo_meter_remove(bo_store_t *st, const bo_who_t *who, const char *meter, int64_t final_reading,
                       int64_t balance, const char *reason, kmsg_t *msg);

/* Told of every transaction state uploaded: a delivered sale of meter
 * created after the meter was bound ends its binding's zero first purchase
 * (and moves the registry forward). Runs inside the caller's transaction. */
kerr_t bo_account_on_sale(bo_store_t *st, const char *meter, const char *state, int64_t created_at, kmsg_t *msg);

#endif
