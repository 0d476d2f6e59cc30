/* Which meters a kiosk may act for (docs/sync.md, "Scope"). Every meter
 * belongs to one site, the site whose gateway it hangs on; a kiosk serves
 * the meters of its own site and those staff granted its site (one meter,
 * or every meter of another site: selling at a neighbouring point while
 * one is down). A meter the back office does not know is no kiosk's. */
#ifndef BACKOFFICE_BO_SCOPE_H
#define BACKOFFICE_BO_SCOPE_H

#include <sqlite3.h>

#include "kiosk/core/err.h"

/* K_OK if kiosk may act for meter now; K_EDENIED if not, with the reason
 * for staff in why ("out_of_scope: meter M is not served by site S1
 * (kiosk K1) ...; grant it with ..."); K_EIO on a database failure. */
kerr_t bo_scope_check(sqlite3 *db, const char *kiosk, const char *meter, kmsg_t *why);

/* The site a meter being registered goes to: `given` if not NULL (it must
 * exist), else the one site when there is exactly one; otherwise K_EINVAL
 * (--site is needed) or K_ENOTFOUND, with what to do in msg. */
kerr_t bo_site_pick(sqlite3 *db, const char *given, char site[65], kmsg_t *msg);

#endif
