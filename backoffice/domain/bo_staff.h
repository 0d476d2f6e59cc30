/* Staff managed centrally (docs/staff.md, "Central operators"): permission
 * groups and operators with their PIN hashes. Each change is one
 * transaction that moves the signed document `staff` forward and writes
 * its row in the audit trail; the kiosks apply the document at their next
 * sync. A PIN is hashed here and forgotten: never stored or logged. */
#ifndef BACKOFFICE_DOMAIN_BO_STAFF_H
#define BACKOFFICE_DOMAIN_BO_STAFF_H

#include <sodium.h>
#include <stdbool.h>

#include "backoffice/domain/bo_op.h"
#include "core/perm.h"

#define BO_STAFF_NAME_MAX 32

/* Sets group name's permissions (perms: names as docs/staff.md lists
 * them, or all), audited group.set; K_EINVAL naming a permission that is
 * not one. */
kerr_t bo_group_set(bo_store_t *st, const bo_who_t *who, const char *name, const char *perms, kmsg_t *msg);

/* The stored form of a new PIN: 4 to 12 digits, hashed with Argon2id at
 * libsodium's interactive limits, as the kiosk does (provisioning/staff.c),
 * so the kiosk verifies it. K_EINVAL for a PIN that is not one. */
kerr_t bo_staff_pin_hash(const char *pin, char hash[crypto_pwhash_STRBYTES], kmsg_t *msg);

/* Adds operator name in group (or makes it again, enabled) with the PIN
 * hash (operator.add); K_ENOTFOUND if the group is not known. */
kerr_t bo_operator_add(bo_store_t *st, const bo_who_t *who, const char *name, const char *group, const char *pin_hash,
                       kmsg_t *msg);

/* Gives operator name a new PIN hash (operator.pin). */
kerr_t bo_operator_pin(bo_store_t *st, const bo_who_t *who, const char *name, const char *pin_hash, kmsg_t *msg);

/* Disables or enables operator name (operator.disable, operator.enable). */
kerr_t bo_operator_disable(bo_store_t *st, const bo_who_t *who, const char *name, bool disabled, kmsg_t *msg);

/* Moves operator name into group (operator.group); K_ENOTFOUND if either
 * is not known. */
kerr_t bo_operator_group(bo_store_t *st, const bo_who_t *who, const char *name, const char *group, kmsg_t *msg);

/* Who changes staff over the API (bo_staff_guard.c): the organisation its
 * session sees ("": all) and the permissions it holds (PERM_ALL for the
 * utility's staff certificate). */
typedef struct bo_staff_actor {
    const char *org;
    perm_set_t held;
} bo_staff_actor_t;

/* K_OK if the actor may manage operator name: an organisation's staff
 * only the operators of their organisation or of one under it (else
 * K_ENOTFOUND, as if there were no such operator). */
kerr_t bo_staff_may_manage(bo_store_t *st, const bo_staff_actor_t *a, const char *name, kmsg_t *msg);

/* K_OK if the actor may act for operator name (a new password, enabling
 * it): it manages the operator and holds every permission of its group
 * (K_EDENIED otherwise: signing in as it would grant them). */
kerr_t bo_staff_may_act_for(bo_store_t *st, const bo_staff_actor_t *a, const char *name, kmsg_t *msg);

/* K_OK if the actor may add operator name in group and organisation org:
 * the name is new (K_ECONFLICT), the organisation one it may place in
 * and known (bo_staff_may_place; K_ENOTFOUND), the group's permissions
 * all its own (bo_staff_may_grant). */
kerr_t bo_staff_may_add(bo_store_t *st, const bo_staff_actor_t *a, const char *name, const char *group,
                        const char *org, kmsg_t *msg);

/* K_OK if the actor may put an operator in organisation org ("": none,
 * the utility's): an organisation's staff only in theirs or one under it
 * (K_EDENIED otherwise). */
kerr_t bo_staff_may_place(bo_store_t *st, const bo_staff_actor_t *a, const char *org, kmsg_t *msg);

/* K_OK if the actor holds every permission of set; else K_EDENIED naming
 * the first it does not hold: no one grants what it lacks. */
kerr_t bo_staff_may_grant(const bo_staff_actor_t *a, perm_set_t set, kmsg_t *msg);

/* The permissions of group into *set; K_ENOTFOUND if there is no such group. */
kerr_t bo_staff_group_perms(bo_store_t *st, const char *group, perm_set_t *set, kmsg_t *msg);

/* K_OK if the actor may change group's permissions to set: it holds every
 * one of them, and (an organisation's staff) every operator in the group
 * is one it manages (K_EDENIED otherwise). */
kerr_t bo_staff_may_set_group(bo_store_t *st, const bo_staff_actor_t *a, const char *group, perm_set_t set,
                              kmsg_t *msg);

/* The central operators the actor sees (BO_LIST_OPERATORS' rows: name,
 * group, state, updated, org): an organisation's staff only those of
 * their organisation and those under it. */
kerr_t bo_staff_operators(bo_store_t *st, const bo_staff_actor_t *a, bo_rows_t *out, kmsg_t *msg);

#endif
