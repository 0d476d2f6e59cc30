/* Largest-remainder splitting (bo_split.h). */
#include "backoffice/domain/bo_split.h"

#include <stdbool.h>

__extension__ typedef __int128 i128; /* total x weight fits in 128 bits */

/* The sum of the weights (all zero: n, as if each were 1). */
static kerr_t weight_sum(const int64_t *weight, size_t n, int64_t *sum, kmsg_t *msg)
{
    *sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (weight[i] < 0)
            return kmsg_set(msg, K_EINVAL, "a weight is negative (%lld)", (long long)weight[i]);
        if (weight[i] > INT64_MAX - *sum)
            return kmsg_set(msg, K_EOVERFLOW, "the weights add up to too much");
        *sum += weight[i];
    }
    return K_OK;
}

kerr_t bo_split(int64_t total, const int64_t *weight, size_t n, int64_t *part, kmsg_t *msg)
{
    int64_t sum, rem[BO_SPLIT_MAX];
    if (n < 1 || n > BO_SPLIT_MAX || total < 0)
        return kmsg_set(msg, K_EINVAL, "cannot split %lld into %zu parts", (long long)total, n);
    kerr_t rc = weight_sum(weight, n, &sum, msg);
    if (rc)
        return rc;
    bool equal = sum == 0;
    int64_t left = total, all = equal ? (int64_t)n : sum;
    for (size_t i = 0; i < n; i++) {
        i128 x = (i128)total * (equal ? 1 : weight[i]);
        part[i] = (int64_t)(x / all);
        rem[i] = (int64_t)(x % all);
        left -= part[i];
    }
    /* left < n: one unit each to the largest remainders, the lower index first */
    for (; left > 0; left--) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (rem[i] > rem[best])
                best = i;
        part[best]++;
        rem[best] = -1;
    }
    return K_OK;
}
