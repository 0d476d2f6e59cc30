/* Splitting an amount in proportion to weights, in whole minor units, so
 * the parts add up to it exactly (docs/billing.md, "The rounding rule"):
 * pure, no store. */
#ifndef BACKOFFICE_DOMAIN_BO_SPLIT_H
#define BACKOFFICE_DOMAIN_BO_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define BO_SPLIT_MAX 1024 /* parts in one split */

/* Splits total (0 or more) into n parts (1 to BO_SPLIT_MAX) in proportion
 * to weight[] (each 0 or more; all 0: equal weights) by largest
 * remainders: each part is total x w / W rounded down, then the units
 * left over go one each to the parts with the largest remainders, ties to
 * the lower index (the caller orders the parts by account id). K_EINVAL
 * for a negative total or weight or a bad n; K_EOVERFLOW if W does not
 * fit. */
kerr_t bo_split(int64_t total, const int64_t *weight, size_t n, int64_t *part, kmsg_t *msg);

#endif
