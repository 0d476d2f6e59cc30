/* A kiosk's scope (bo_scope.h): its site's meters and the meters granted
 * to its site. */
#include "backoffice/domain/bo_scope.h"

#include <stdio.h>
#include <string.h>

kerr_t bo_scope_check(bo_store_t *st, const char *kiosk, const char *meter, kmsg_t *why)
{
    bo_scope_rec_t s;
    kerr_t rc = st->ops->meters->scope_get(st->ctx, kiosk, meter, &s, why);
    if (rc)
        return K_EIO;
    if (s.known && s.site[0] && (strcmp(s.site, s.home) == 0 || s.granted))
        return K_OK;
    if (!s.known)
        return kmsg_set(why, K_EDENIED,
                        "out_of_scope: meter %s is not registered, so no kiosk may act for it (kiosk %s); "
                        "register it with `backoffice meter add %s --site SITE ...`",
                        meter, kiosk, meter);
    if (!s.home[0])
        return kmsg_set(why, K_EDENIED,
                        "out_of_scope: meter %s has no site yet (kiosk %s); set it with `backoffice meter site %s "
                        "SITE --reason TEXT`",
                        meter, kiosk, meter);
    return kmsg_set(why, K_EDENIED,
                    "out_of_scope: meter %s is not served by site %s (kiosk %s), it is on site %s; grant it with "
                    "`backoffice site grant %s --meter %s --reason TEXT`",
                    meter, s.site, kiosk, s.home, s.site, meter);
}

kerr_t bo_site_pick(bo_store_t *st, const char *given, char site[65], kmsg_t *msg)
{
    int64_t n = 0;
    site[0] = '\0';
    kerr_t rc = st->ops->fleet->site_count(st->ctx, given, &n, msg);
    if (rc)
        return rc;
    if (given && n == 0)
        return kmsg_set(msg, K_ENOTFOUND, "site %s is not known; see `backoffice site list`", given);
    if (given) {
        snprintf(site, 65, "%s", given);
        return K_OK;
    }
    if (n != 1)
        return kmsg_set(msg, K_EINVAL,
                        "--site SITE is needed: the meter belongs to the site whose gateway it hangs on, and this "
                        "back office has %lld sites (see `backoffice site list`)",
                        (long long)n);
    return st->ops->fleet->site_any(st->ctx, site, msg);
}
