/* The plausibility rules (docs/sync.md, "Quarantine"): an uploaded row, or
 * a count reservation's `seen`, that breaks one is not applied but held
 * for staff. Each rule is a setting with a default ([quarantine] in
 * backoffice.ini, and the kiosk's max_purchase setting). */
#ifndef BACKOFFICE_BO_RULES_H
#define BACKOFFICE_BO_RULES_H

#include <stdint.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/base/bo_decode.h"
#include "backoffice/store/bo_store.h"

typedef enum bo_rule {
    BO_RULE_NONE,
    BO_RULE_AMOUNT,   /* a sale's money above the kiosk's max_purchase */
    BO_RULE_FUTURE,   /* a time further ahead than clock_skew_seconds */
    BO_RULE_COUNT,    /* a purchase count more than count_jump above the highest known */
    BO_RULE_REGISTER, /* a reading's energy register above max_register */
} bo_rule_t;

/* The rule's name in reasons and listings: amount_above_limit,
 * time_in_future, count_jump, register_absurd ("" for none). */
const char *bo_rule_name(bo_rule_t r);

/* What the rules are checked against: the settings, the server's clock,
 * and the kiosk that sent the row. */
typedef struct bo_rule_ctx {
    bo_store_t *st;
    const bo_rules_t *set;
    int64_t now;
    const char *kiosk;
} bo_rule_ctx_t;

/* Each says which rule the row breaks first (BO_RULE_NONE: none), with the
 * numbers in why; *rule is left as BO_RULE_NONE on a database failure,
 * which is returned as K_EIO. */
kerr_t bo_rules_txn(const bo_rule_ctx_t *c, const bo_txn_t *t, bo_rule_t *rule, kmsg_t *why);
kerr_t bo_rules_reading(const bo_rule_ctx_t *c, const bo_reading_t *r, bo_rule_t *rule, kmsg_t *why);
kerr_t bo_rules_time(const bo_rule_ctx_t *c, const char *what, int64_t at, bo_rule_t *rule, kmsg_t *why);

/* The count rule alone, for meter's count `count` (a reservation's seen). */
kerr_t bo_rules_count(const bo_rule_ctx_t *c, const char *meter, int64_t count, bo_rule_t *rule, kmsg_t *why);

#endif
