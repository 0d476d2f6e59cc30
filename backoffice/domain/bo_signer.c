/* Staff signing a post-paid change (bo_postpaid.h, bo_signer_check): the
 * central operators and groups (docs/staff.md), their PIN hashes checked
 * as the kiosk checks them. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_postpaid.h"
#include "core/perm.h"

typedef struct find {
    const char *name;
    bool found, disabled;
    char group[40], hash[crypto_pwhash_STRBYTES], perms[256];
} find_t;

static void on_operator(void *arg, const bo_operator_rec_t *o)
{
    find_t *f = arg;
    if (strcmp(o->name, f->name) != 0)
        return;
    f->found = true;
    f->disabled = o->disabled;
    snprintf(f->group, sizeof f->group, "%s", o->group);
    snprintf(f->hash, sizeof f->hash, "%s", o->pin_hash);
}

static void on_group(void *arg, const char *name, const char *perms)
{
    find_t *f = arg;
    if (strcmp(name, f->group) == 0)
        snprintf(f->perms, sizeof f->perms, "%s", perms);
}

kerr_t bo_signer_check(bo_store_t *st, const bo_signer_t *sig, int perm, kmsg_t *msg)
{
    find_t f = {.name = sig ? sig->operator_name : NULL};
    perm_set_t set = 0;
    if (!f.name || !f.name[0] || !sig->pin)
        return kmsg_set(msg, K_EDENIED, "this needs an operator allowed %s (--operator NAME and the PIN)",
                        perm_name((perm_t)perm));
    kerr_t rc = st->ops->staff->operators_each(st->ctx, on_operator, &f, msg);
    if (rc == K_OK)
        rc = st->ops->staff->groups_each(st->ctx, on_group, &f, msg);
    if (rc)
        return rc;
    if (!f.found || f.disabled || sodium_init() < 0 ||
        crypto_pwhash_str_verify(f.hash, sig->pin, strlen(sig->pin)) != 0)
        return kmsg_set(msg, K_EDENIED, "operator %s is not known, is disabled or gave a wrong PIN: nothing changed",
                        f.name);
    if (!perm_parse_set(f.perms, &set, NULL, 0) || !perm_allows(set, (perm_t)perm))
        return kmsg_set(msg, K_EDENIED, "operator %s may not do this: it needs the permission %s", f.name,
                        perm_name((perm_t)perm));
    return K_OK;
}
