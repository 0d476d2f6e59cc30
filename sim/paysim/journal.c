/* The terminal's journal and its counters: receipt and trace numbers,
 * reversible receipts, the day's totals. */
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/common/simarray.h"
#include "sim/paysim/psim.h"

int64_t psim_clock(const psim_t *s)
{
    return s->clock_frozen ? s->frozen_ms : kclock_wall(NULL);
}

uint32_t psim_take_receipt(psim_t *s)
{
    uint32_t r = s->next_receipt;
    s->next_receipt = r >= PSIM_MAX_RECEIPT ? 1 : r + 1;
    return r;
}

uint32_t psim_take_trace(psim_t *s)
{
    uint32_t t = s->next_trace;
    s->next_trace = t >= PSIM_MAX_TRACE ? 1 : t + 1;
    return t;
}

bool psim_journal_push(psim_t *s, const psim_txn_t *t)
{
    if (s->n_journal >= PSIM_MAX_JOURNAL)
        return false;
    psim_txn_t *p = simarray_room(s->journal, s->n_journal, &s->cap_journal, sizeof *p, 64);
    if (!p)
        return false;
    s->journal = p;
    s->journal[s->n_journal++] = *t;
    return true;
}

bool psim_journal_add(psim_t *s, const psim_txn_t *t)
{
    if (!psim_journal_push(s, t)) {
        LOG_E(PSIM_LOG, "cannot journal a transaction: out of memory or %d entries", PSIM_MAX_JOURNAL);
        return false;
    }
    return psim_state_save(s);
}

psim_txn_t *psim_find_receipt(psim_t *s, uint32_t receipt)
{
    for (size_t i = s->n_journal; i-- > 0;) {
        psim_txn_t *t = &s->journal[i];
        if (t->kind == PSIM_END_OF_DAY)
            return NULL;
        if (t->kind == PSIM_AUTH && t->result == PSIM_RC_OK && t->receipt == receipt)
            return t;
    }
    return NULL;
}

void psim_day_totals(const psim_t *s, int64_t *count, int64_t *amount)
{
    *count = 0;
    *amount = 0;
    for (size_t i = s->n_journal; i-- > 0;) {
        const psim_txn_t *t = &s->journal[i];
        if (t->kind == PSIM_END_OF_DAY)
            return;
        if (t->kind == PSIM_AUTH && t->result == PSIM_RC_OK && !t->reversed) {
            (*count)++;
            *amount += t->amount;
        }
    }
}

const psim_txn_t *psim_last_txn(const psim_t *s)
{
    return s->n_journal ? &s->journal[s->n_journal - 1] : NULL;
}
