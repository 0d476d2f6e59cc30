/* Alerts for staff raised by the back office itself: a row rejected as out
 * of a kiosk's scope, a row held in quarantine, an implausible purchase
 * count. They sit in the `alert` table beside the alerts kiosks upload,
 * under kiosk `backoffice`, and `backoffice report alerts` lists them. */
#ifndef BACKOFFICE_BO_ALERT_H
#define BACKOFFICE_BO_ALERT_H

#include <sqlite3.h>
#include <stdint.h>

#include "kiosk/core/err.h"

/* Records one staff alert of kind (out_of_scope, quarantine, ...) about
 * meter ("" if none) at now, inside the caller's transaction, and logs it
 * as a warning; evidence names the kiosk and what to do. K_EIO if it could
 * not be written. */
kerr_t bo_alert_staff(sqlite3 *db, int64_t now, const char *kind, const char *meter, const char *evidence,
                      kmsg_t *msg);

#endif
