/* Residents' contacts (docs/notices.md, "Contacts"): an account's mobile
 * number, e-mail, language, the notices it wants and its quiet hours.
 * Personal data: shown masked (138****5678, a***@example.com) in lists,
 * logs and the audit; changed only by an operator whose group holds the
 * `contacts` permission, every change audited with the fields it changed. */
#ifndef BACKOFFICE_DOMAIN_BO_CONTACT_H
#define BACKOFFICE_DOMAIN_BO_CONTACT_H

#include <cjson/cJSON.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/domain/bo_op.h"
#include "backoffice/store/bo_store.h"

/* A change: each field NULL stays as it is. */
typedef struct bo_contact_change {
    const char *mobile; /* digits (a leading "+" is dropped), "" to remove */
    const char *email;  /* "" to remove */
    const char *lang;   /* zh_CN or en */
    const char *wants;  /* families: "low,credit", "all", "none" */
    const char *quiet;  /* "22:00-07:00" or "none" */
} bo_contact_change_t;

/* The mobile number masked: its first 3 and last 4 digits (138****5678). */
void bo_mask_mobile(const char *mobile, char *out, size_t len);

/* The e-mail masked: its first letter and domain (a***@example.com). */
void bo_mask_email(const char *email, char *out, size_t len);

/* K_OK if operator_name names an enabled operator whose group holds the
 * contacts permission; K_EDENIED saying why otherwise. */
kerr_t bo_contact_allowed(bo_store_t *st, const char *operator_name, kmsg_t *msg);

/* Applies ch to the account's contact (a new one starts from the
 * defaults: Chinese, every notice, dflt's quiet hours), checked,
 * permitted, and audited (contact.set: the fields changed, masked).
 * K_EINVAL for a malformed field, K_EDENIED without the permission,
 * K_ENOTFOUND for an unknown account. */
kerr_t bo_contact_set(bo_store_t *st, const bo_who_t *who, const char *operator_name, const char *account,
                      const bo_contact_change_t *ch, const bo_notices_cfg_t *dflt, kmsg_t *msg);

/* Removes the account's contact (audited as contact.clear). */
kerr_t bo_contact_clear(bo_store_t *st, const bo_who_t *who, const char *operator_name, const char *account,
                        kmsg_t *msg);

/* The account's contact as JSON, masked: {"account", "mobile", "email",
 * "lang", "wants", "quiet_hours"}; *found false if it has none. */
kerr_t bo_contact_show(bo_store_t *st, const char *account, cJSON **out, bool *found, kmsg_t *msg);

/* Sets the low-balance levels of scope ("site:S" or "account:A"),
 * permitted as a contact change and audited (notice.levels). */
kerr_t bo_notice_levels_set(bo_store_t *st, const bo_who_t *who, const char *operator_name, const char *scope,
                            const bo_nlevels_t *lv, kmsg_t *msg);

#endif
