#include "core/delivery.h"

static const char *const reason_names[REASON_COUNT] = {
    [REASON_NONE] = "none",
    [REASON_METER_UNREACHABLE] = "meter_unreachable",
    [REASON_NOT_APPLIED] = "not_applied",
    [REASON_QUEUED] = "queued",
    [REASON_COUNT_MISMATCH] = "count_mismatch",
    [REASON_COUNT_BEHIND] = "count_behind",
    [REASON_REFUSED] = "refused",
    [REASON_REPEATED_UNCONFIRMED] = "repeated_unconfirmed",
    [REASON_INTERRUPTED] = "interrupted",
    [REASON_PAYMENT_UNKNOWN] = "payment_unknown",
};

const char *delivery_reason_name(delivery_reason_t r)
{
    return r < REASON_COUNT ? reason_names[r] : "?";
}

static delivery_decision_t decide(delivery_step_t step, delivery_reason_t reason)
{
    return (delivery_decision_t){.step = step, .reason = reason, .count = 0};
}

delivery_decision_t delivery_pick_count(const count_facts_t *f)
{
    if (f->other_open)
        return decide(STEP_DEFER, REASON_QUEUED);
    if (f->any_count) {
        uint32_t known = f->have_delivered && f->highest_delivered > f->known_count ? f->highest_delivered
                                                                                      : f->known_count;
        if (known == UINT32_MAX)
            return decide(STEP_PARK, REASON_COUNT_MISMATCH);
        delivery_decision_t d = decide(STEP_SEND, REASON_NONE);
        d.count = known + 1;
        return d;
    }
    if (f->have_delivered && f->meter_count < f->highest_delivered)
        return decide(STEP_PARK, REASON_COUNT_BEHIND);
    if (f->meter_count == UINT32_MAX)
        return decide(STEP_PARK, REASON_COUNT_MISMATCH);
    delivery_decision_t d = decide(STEP_SEND, REASON_NONE);
    d.count = f->meter_count + 1;
    return d;
}

delivery_decision_t delivery_after_credit(credit_outcome_t outcome)
{
    switch (outcome) {
    case CREDIT_APPLIED: return decide(STEP_DONE, REASON_NONE);
    case CREDIT_REPEATED:
    case CREDIT_NO_ANSWER: return decide(STEP_READ_BACK, REASON_NONE);
    case CREDIT_COUNT_MISMATCH: return decide(STEP_PARK, REASON_COUNT_MISMATCH);
    case CREDIT_REFUSED: return decide(STEP_PARK, REASON_REFUSED);
    case CREDIT_UNREACHABLE: return decide(STEP_DEFER, REASON_METER_UNREACHABLE);
    }
    return decide(STEP_PARK, REASON_REFUSED);
}

delivery_decision_t delivery_after_read_back(uint32_t n, bool readable, uint32_t meter_count,
                                             credit_outcome_t after, unsigned attempts,
                                             unsigned max_attempts)
{
    if (!readable)
        return decide(STEP_DEFER, REASON_METER_UNREACHABLE);
    if (meter_count == n)
        return decide(STEP_DONE, REASON_NONE);
    if (n > 0 && meter_count == n - 1) {
        if (after == CREDIT_REPEATED)
            return decide(STEP_PARK, REASON_REPEATED_UNCONFIRMED);
        if (attempts < max_attempts)
            return decide(STEP_RESEND, REASON_NOT_APPLIED);
        return decide(STEP_DEFER, REASON_NOT_APPLIED);
    }
    return decide(STEP_PARK, REASON_COUNT_MISMATCH);
}
