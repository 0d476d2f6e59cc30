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

#endif
