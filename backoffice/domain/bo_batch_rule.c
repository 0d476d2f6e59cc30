/* The batches' pure rules (bo_batch.h): which meters a list selects, which
 * ended attempt is tried again, and a command's parameters from JSON. */
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_batch.h"

int bo_batch_select(const char *const *ids, int n, char (*out)[33], int max)
{
    int got = 0;
    for (int i = 0; i < n; i++) {
        if (!ids[i] || !bo_id_valid(ids[i], 32))
            return -1;
        bool seen = false;
        for (int j = 0; j < got && !seen; j++)
            seen = strcmp(out[j], ids[i]) == 0;
        if (seen)
            continue;
        if (got == max)
            return -1;
        snprintf(out[got++], sizeof out[0], "%s", ids[i]);
    }
    return got;
}

bool bo_batch_retry_due(const char *command, const char *state, int64_t attempt, int64_t retries)
{
    bool again = strcmp(state, "failed") == 0 || strcmp(state, "expired") == 0 ||
                 (strcmp(state, "unknown") == 0 && strcmp(command, "credit") != 0);
    return again && attempt >= 1 && attempt <= retries;
}

void bo_batch_params(const cJSON *p, bo_cmd_spec_t *s)
{
    s->alarm1 = bo_json_int_or(p, "alarm1", 0);
    s->alarm2 = bo_json_int_or(p, "alarm2", 0);
    s->amount = bo_json_int_or(p, "amount", 0);
    s->tariff = bo_json_str_ref(p, "tariff");
    s->currency = bo_json_str_ref(p, "currency");
    s->paid_by = bo_json_str_ref(p, "paid_by");
    s->reference = bo_json_str_ref(p, "reference");
}
