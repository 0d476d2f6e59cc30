/* Central staff (bo_staff.h): groups, operators, PINs. */
#include "backoffice/domain/bo_staff.h"

#include <string.h>

#include "core/perm.h"

#define PIN_MIN 4
#define PIN_MAX 12

/* Ends a staff change: the row changed, else name or its group is not
 * known; audited, `staff` moved forward. */
static kerr_t end(bo_op_t *op, kerr_t rc, bool changed, const char *action, const char *name, const char *detail)
{
    if (rc == K_OK && !changed)
        rc = kmsg_set(op->msg, K_ENOTFOUND,
                      "nothing changed: %s or its group is not known; see `operator list` and `group list`", name);
    return bo_op_end(op, rc, action, name, "", detail, "staff", NULL);
}

kerr_t bo_group_set(bo_store_t *st, const bo_who_t *who, const char *name, const char *perms, kmsg_t *msg)
{
    perm_set_t set;
    char bad[64] = "", norm[256];
    bo_op_t op;
    if (!perm_parse_set(perms, &set, bad, sizeof bad))
        return kmsg_set(msg, K_EINVAL, "'%s' is not a permission; see docs/staff.md for the names", bad);
    perm_format_set(set, norm, sizeof norm);
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->staff->group_put(st->ctx, name, norm, who->now, msg);
    return end(&op, rc, true, "group.set", name, norm);
}

kerr_t bo_staff_pin_hash(const char *pin, char hash[crypto_pwhash_STRBYTES], kmsg_t *msg)
{
    size_t n = strlen(pin);
    if (n < PIN_MIN || n > PIN_MAX || strspn(pin, "0123456789") != n)
        return kmsg_set(msg, K_EINVAL, "a PIN is %d to %d digits: nothing changed", PIN_MIN, PIN_MAX);
    if (sodium_init() < 0 || crypto_pwhash_str(hash, pin, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return kmsg_set(msg, K_EIO, "hashing the PIN failed (out of memory?): nothing changed");
    return K_OK;
}

kerr_t bo_operator_add(bo_store_t *st, const bo_who_t *who, const char *name, const char *group, const char *pin_hash,
                       kmsg_t *msg)
{
    bo_operator_rec_t o = {name, group, pin_hash, false};
    bo_op_t op;
    bool changed = false;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->staff->operator_put(st->ctx, &o, who->now, &changed, msg);
    return end(&op, rc, changed, "operator.add", name, group);
}

kerr_t bo_operator_pin(bo_store_t *st, const bo_who_t *who, const char *name, const char *pin_hash, kmsg_t *msg)
{
    bo_op_t op;
    bool changed = false;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->staff->operator_pin(st->ctx, name, pin_hash, who->now, &changed, msg);
    return end(&op, rc, changed, "operator.pin", name, "");
}

kerr_t bo_operator_disable(bo_store_t *st, const bo_who_t *who, const char *name, bool disabled, kmsg_t *msg)
{
    bo_op_t op;
    bool changed = false;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->staff->operator_disable(st->ctx, name, disabled, who->now, &changed, msg);
    return end(&op, rc, changed, disabled ? "operator.disable" : "operator.enable", name, "");
}

kerr_t bo_operator_group(bo_store_t *st, const bo_who_t *who, const char *name, const char *group, kmsg_t *msg)
{
    bo_op_t op;
    bool changed = false;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc == K_OK)
        rc = st->ops->staff->operator_group(st->ctx, name, group, who->now, &changed, msg);
    return end(&op, rc, changed, "operator.group", name, group);
}
