/* Which meters a kiosk may act for (docs/sync.md, "Scope"). Every meter
 * belongs to one site, the site whose gateway it hangs on; a kiosk serves
 * the meters of its own site and those staff granted its site (one meter,
 * or every meter of another site: selling at a neighbouring point while
 * one is down). A meter the back office does not know is no kiosk's.
 * Staff's changes (bo_sites.c) are each one transaction with its audit row. */
#ifndef BACKOFFICE_DOMAIN_BO_SCOPE_H
#define BACKOFFICE_DOMAIN_BO_SCOPE_H

#include <stddef.h>

#include "backoffice/domain/bo_op.h"

/* K_OK if kiosk may act for meter now; K_EDENIED if not, with the reason
 * for staff in why ("out_of_scope: meter M is not served by site S1
 * (kiosk K1) ...; grant it with ..."); K_EIO on a storage failure. */
kerr_t bo_scope_check(bo_store_t *st, const char *kiosk, const char *meter, kmsg_t *why);

/* The site a meter being registered goes to: `given` if not NULL (it must
 * exist), else the one site when there is exactly one; otherwise K_EINVAL
 * (--site is needed) or K_ENOTFOUND, with what to do in msg. */
kerr_t bo_site_pick(bo_store_t *st, const char *given, char site[65], kmsg_t *msg);

/* Adds a site; K_ECONFLICT if the id is taken. */
kerr_t bo_site_add(bo_store_t *st, const char *id, const char *name, kmsg_t *msg);

/* What a grant gives a site: one meter, or every meter of another site
 * (exactly one of meter and from is given). */
typedef struct bo_grant {
    const char *site, *meter, *from, *reason;
} bo_grant_t;

/* The grant as staff read it: "meter M" or "the meters of site S2". */
void bo_grant_what(const bo_grant_t *g, char *out, size_t len);

/* Grants it (audited site.grant); *id is the grant's number. Refused if
 * the site, the meter or the other site is not known, the meter is the
 * site's own already, or the grant is live already. */
kerr_t bo_site_grant(bo_store_t *st, const bo_who_t *who, const bo_grant_t *g, int64_t *id, kmsg_t *msg);

/* Revokes the live grant (audited site.revoke); *id is its number. */
kerr_t bo_site_revoke(bo_store_t *st, const bo_who_t *who, const bo_grant_t *g, int64_t *id, kmsg_t *msg);

/* Moves meter to site `to`, whose gateway it hangs on now (meter.site). */
kerr_t bo_meter_move(bo_store_t *st, const bo_who_t *who, const char *meter, const char *to, const char *reason,
                     kmsg_t *msg);

#endif
