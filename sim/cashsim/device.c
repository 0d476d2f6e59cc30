/* The validator's rules (docs/sim/cashsim.md, "Notes"): the event counter
 * and its five pairs, what happens to an inserted note, escrow, route bill,
 * jams, power loss and the journal. Every change is saved before the
 * caller answers. */
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/cashsim/csim.h"
#include "sim/common/simarray.h"

void csim_event(csim_t *s, uint8_t a, uint8_t b)
{
    csim_dev_t *d = &s->dev;
    d->counter = d->counter == 255 ? 1 : (uint8_t)(d->counter + 1);
    memmove(d->events[1], d->events[0], sizeof d->events - sizeof d->events[0]);
    d->events[0][0] = a;
    d->events[0][1] = b;
    LOG_I(CSIM_LOG, "event %u: (%u, %u)", d->counter, a, b);
}

bool csim_journal_add(csim_t *s, const csim_entry_t *e)
{
    csim_dev_t *d = &s->dev;
    csim_entry_t *j = simarray_room(d->journal, d->n_journal, &d->cap_journal, sizeof *j, 16);
    if (!j)
        return false;
    d->journal = j;
    d->journal[d->n_journal] = *e;
    d->journal[d->n_journal].note = (int64_t)d->n_journal + 1;
    d->n_journal++;
    return true;
}

/* A journal entry for a note of type with the given fate and counter. */
static void journal(csim_t *s, int type, csim_fate_t fate, int counter)
{
    const csim_note_t *n = &s->notes[type];
    csim_entry_t e = {.type = type, .value = n->value, .counter = counter, .fate = fate};
    memcpy(e.bill_id, csim_bill_id(s, type), CSIM_ID_LEN + 1);
    memcpy(e.currency, n->cur ? n->cur->code : "", n->cur ? 4 : 1);
    e.time_ms = kclock_wall(NULL);
    if (!csim_journal_add(s, &e))
        LOG_E(CSIM_LOG, "out of memory: note type %d not journalled", type);
    else
        LOG_I(CSIM_LOG, "journal: note %lld type %d %s value %lld counter %d", (long long)s->dev.n_journal, type,
              e.bill_id, (long long)e.value, counter);
}

/* The note goes into the cash box: event (type, 0), then the journal. */
static void stack(csim_t *s, int type)
{
    csim_event(s, (uint8_t)type, 0);
    journal(s, type, CSIM_STACKED, s->dev.counter);
}

/* Stacking a note that has left escrow (or never went there): it jams if a
 * jam is pending. */
static bool stack_or_jam(csim_t *s, int type)
{
    if (s->faults.jam) {
        s->faults.jam = false;
        s->dev.jammed = type;
        csim_event(s, 0, CSIM_ST_STACKER_JAM);
        LOG_I(CSIM_LOG, "fault: note type %d jammed in the stacker", type);
        return false;
    }
    stack(s, type);
    return true;
}

static bool box_takes_notes(const csim_t *s)
{
    return s->dev.box_present && !s->dev.box_full;
}

/* Why a note cannot be put in the slot now, or NULL. */
static const char *cannot_insert(const csim_t *s)
{
    const csim_dev_t *d = &s->dev;
    if (d->escrow)
        return "a note is already held in escrow (route it first)";
    if (d->jammed)
        return "a note is jammed in the stacker (clear-jam first)";
    if (!(d->mode & CSIM_MODE_ESCROW) && !box_takes_notes(s))
        return d->box_present ? "the cash box is full and escrow is off: no note can be taken"
                              : "the cash box is removed and escrow is off: no note can be taken";
    return NULL;
}

/* The note is refused before validation: master inhibit, or its type. */
static bool refused(csim_t *s, int type, csim_insert_result_t *out)
{
    const csim_dev_t *d = &s->dev;
    if (!d->accepting) {
        csim_event(s, 0, CSIM_ST_MASTER_INHIBIT);
        *out = CSIM_IN_MASTER_INHIBIT;
        return true;
    }
    if (type == 0 || !s->notes[type].id[0] || !(d->mask & (1u << (type - 1)))) {
        csim_event(s, 0, CSIM_ST_INHIBITED);
        *out = CSIM_IN_INHIBITED;
        return true;
    }
    return false;
}

/* What the validator does with a note it can take in. */
static csim_insert_result_t judge(csim_t *s, int type, int64_t now_ms)
{
    csim_insert_result_t r;
    if (refused(s, type, &r))
        return r;
    if (s->faults.reject) {
        s->faults.reject = false;
        csim_event(s, 0, CSIM_ST_REJECTED);
        LOG_I(CSIM_LOG, "fault: note type %d failed validation", type);
        return CSIM_IN_REJECTED;
    }
    if (s->dev.mode & CSIM_MODE_ESCROW) {
        s->dev.escrow = type;
        s->escrow_since_ms = now_ms;
        csim_event(s, (uint8_t)type, 1);
        return CSIM_IN_ESCROW;
    }
    return stack_or_jam(s, type) ? CSIM_IN_STACKED : CSIM_IN_JAMMED;
}

const char *csim_insert(csim_t *s, int type, int64_t now_ms, csim_insert_result_t *out)
{
    const char *why = cannot_insert(s);
    if (why)
        return why;
    *out = judge(s, type, now_ms);
    csim_state_save(s);
    return NULL;
}

uint8_t csim_route(csim_t *s, uint8_t how, int64_t now_ms)
{
    csim_dev_t *d = &s->dev;
    int type = d->escrow;
    if (!type)
        return 254;
    if (how == 255) {
        s->escrow_since_ms = now_ms;
        return 0;
    }
    if (how == 1 && !box_takes_notes(s)) {
        LOG_I(CSIM_LOG, "route: cannot stack note type %d: cash box %s", type, d->box_present ? "full" : "removed");
        return 255;
    }
    d->escrow = 0;
    if (how == 1)
        stack_or_jam(s, type);
    else
        csim_event(s, 0, CSIM_ST_RETURNED);
    csim_state_save(s);
    return 0;
}

int64_t csim_escrow_deadline(const csim_t *s)
{
    if (!s->dev.escrow || s->escrow_timeout_ms <= 0)
        return INT64_MAX;
    return s->escrow_since_ms + s->escrow_timeout_ms;
}

bool csim_escrow_expire(csim_t *s, int64_t now_ms)
{
    if (now_ms < csim_escrow_deadline(s))
        return false;
    LOG_I(CSIM_LOG, "note type %d held in escrow for %lld ms: returned", s->dev.escrow,
          (long long)s->escrow_timeout_ms);
    s->dev.escrow = 0;
    csim_event(s, 0, CSIM_ST_RETURNED);
    csim_state_save(s);
    return true;
}

const char *csim_clear_jam(csim_t *s, bool stacked)
{
    int type = s->dev.jammed;
    if (!type)
        return "no note is jammed";
    s->dev.jammed = 0;
    csim_event(s, 0, CSIM_ST_JAM_CLEARED);
    if (stacked)
        stack(s, type);
    else
        csim_event(s, 0, CSIM_ST_RETURNED);
    csim_state_save(s);
    return NULL;
}

void csim_power_cycle(csim_t *s, csim_fate_t why)
{
    csim_dev_t *d = &s->dev;
    if (d->escrow) {
        LOG_I(CSIM_LOG, "note type %d in escrow returned to the customer (%s)", d->escrow,
              why == CSIM_LOST_RESET ? "reset" : "power loss");
        journal(s, d->escrow, why, 0);
    }
    d->escrow = 0;
    d->counter = 0;
    memset(d->events, 0, sizeof d->events);
    d->accepting = false;
    d->mask = 0;
    d->mode = 0;
    csim_state_save(s);
}
