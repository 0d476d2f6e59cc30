/* The meter's rules for an inserted card (docs/card.md, "The meter's
 * rules", with the decisions written down in docs/sim/metersim.md, "The
 * card slot"): a pure verdict on the card's EF_INFO and EF_PURSE and the
 * meter's state, checked in this order: the card itself, an account not
 * yet open, the customer, the bound card, the purchase count, then the
 * limits every credit has (suspension, hoarding). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/common/simhex.h"
#include "sim/metersim/card_slot.h"

static bool refuse(msim_card_verdict_t *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets a refusal (nothing is changed, nothing written); returns false. */
static bool refuse(msim_card_verdict_t *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->why, sizeof v->why, fmt, ap);
    va_end(ap);
    v->result = MSIM_CARD_REFUSED;
    v->open = v->bind = v->credit = false;
    return false;
}

void msim_card_serial_text(const uint8_t serial[MSIM_CARD_SERIAL_LEN], char out[MSIM_SERIAL_LEN])
{
    simhex_encode(serial, MSIM_CARD_SERIAL_LEN, out);
}

/* The card itself: issued, not blocked, for this meter. */
static bool card_fits(const msim_meter_t *m, const msim_card_info_t *info, msim_card_verdict_t *v)
{
    if (info->type == MSIM_CARD_TYPE_BLANK)
        return refuse(v, "this card is blank: it was never issued (staff issue it at the kiosk first)");
    if (info->status == MSIM_CARD_BLOCKED)
        return refuse(v, "this card is blocked (three wrong MACs in a row): ask for a replacement card");
    if (strcmp(info->meter, m->addr) != 0)
        return refuse(v, "this card is for meter %s, not for this meter (%s): insert it into its own meter",
                      info->meter, m->addr);
    if (m->count > UINT16_MAX)
        return refuse(v, "the meter's purchase count %u is beyond what a card can carry (65535): it takes no cards",
                      m->count);
    return true;
}

/* A meter whose account is not open takes only the purchase opening it. */
static void judge_unopened(const msim_card_purse_t *p, msim_card_verdict_t *v)
{
    if (p->purpose != MSIM_PURPOSE_OPEN) {
        refuse(v, "the meter's account is not open, and this card's purchase (purpose %02X) does not open it: the "
                  "first purchase on a newly issued card opens it",
               p->purpose);
        return;
    }
    if (p->count != 1) {
        refuse(v, "purchase count error: the purchase opening the account must have count 1, the card's has %u",
               p->count);
        return;
    }
    v->open = v->bind = v->credit = true;
    v->result = MSIM_CARD_OPENED;
}

/* The card against the card the meter is bound to; true to go on. A
 * meter bound to none binds to the first card bringing a purchase. */
static bool judge_binding(const msim_meter_t *m, const msim_card_info_t *info, const msim_card_purse_t *p,
                          msim_card_verdict_t *v)
{
    char serial[MSIM_SERIAL_LEN];
    msim_card_serial_text(info->serial, serial);
    if (!m->card_serial[0]) {
        v->bind = p->purpose != MSIM_PURPOSE_NONE;
        return true;
    }
    if (strcmp(m->card_serial, serial) == 0)
        return true;
    if (p->purpose == MSIM_PURPOSE_REPLACE && info->generation > m->card_generation) {
        v->bind = true;
        v->result = MSIM_CARD_REBOUND;
        return true;
    }
    return refuse(v, "this card (%s, generation %u) is not the card the meter is bound to (%s, generation %u): a "
                     "card that was replaced is refused; use the newest card",
                  serial, info->generation, m->card_serial, m->card_generation);
}

/* The purchase count c against the meter's n: n + 1 credits, n or less
 * is nothing (taken already), n + 2 or more is refused. */
static void judge_count(const msim_meter_t *m, const msim_card_purse_t *p, msim_card_verdict_t *v)
{
    uint64_t n = m->count, c = p->count;
    if (p->purpose == MSIM_PURPOSE_NONE || c <= n)
        return;
    if (c > n + 1) {
        refuse(v, "purchase count error: the card's purchase has count %u, the meter is at count %u and takes only "
                  "count %u next",
               p->count, m->count, m->count + 1);
        return;
    }
    v->credit = true;
    if (v->result == MSIM_CARD_NOTHING)
        v->result = MSIM_CARD_CREDITED;
}

/* What every credit must pass, as a remote one does. */
static void judge_limits(const msim_meter_t *m, const msim_card_purse_t *p, msim_card_verdict_t *v)
{
    if (!v->credit)
        return;
    msim_result_t r = msim_credit_limits(m, p->amount);
    if (r == MSIM_SUSPENDED)
        refuse(v, "the meter's account is suspended: it takes no credit until the utility lifts that (the purchase "
                  "stays on the card)");
    else if (r == MSIM_HOARDING)
        refuse(v, "a credit of %lld would leave %lld, above the meter's hoarding limit %lld: use some first, then "
                  "insert the card again (the purchase stays on the card)",
               (long long)p->amount, (long long)(m->balance + p->amount), (long long)m->hoarding_limit);
}

void msim_card_judge(const msim_meter_t *m, const msim_card_info_t *info, const msim_card_purse_t *purse,
                     msim_card_verdict_t *v)
{
    memset(v, 0, sizeof *v);
    v->result = MSIM_CARD_NOTHING;
    if (!card_fits(m, info, v))
        return;
    if (!m->customer[0]) {
        judge_unopened(purse, v);
    } else if (strcmp(info->customer, m->customer) != 0) {
        refuse(v, "this card is for customer %s, not for this meter's customer (%s)", info->customer, m->customer);
        return;
    } else if (judge_binding(m, info, purse, v)) {
        judge_count(m, purse, v);
    }
    judge_limits(m, purse, v);
}

void msim_card_apply(msim_meter_t *m, const msim_card_info_t *info, const msim_card_purse_t *purse,
                     const msim_card_verdict_t *v)
{
    if (v->result == MSIM_CARD_REFUSED)
        return;
    if (v->open)
        snprintf(m->customer, sizeof m->customer, "%s", info->customer);
    if (v->bind) {
        msim_card_serial_text(info->serial, m->card_serial);
        m->card_generation = info->generation;
    }
    if (v->credit)
        msim_book_credit(m, purse->amount, purse->count, v->open, "card");
}

const char *msim_card_result_name(msim_card_result_t r)
{
    switch (r) {
    case MSIM_CARD_REFUSED: return "refused";
    case MSIM_CARD_NOTHING: return "nothing";
    case MSIM_CARD_CREDITED: return "credited";
    case MSIM_CARD_OPENED: return "opened";
    case MSIM_CARD_REBOUND: return "rebound";
    }
    return "?";
}
