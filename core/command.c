/* Central commands: names and the state table (command.h). */
#include "core/command.h"

#include <string.h>

static const char *const names[MCMD_COUNT] = {
    [MCMD_RELAY_TRIP] = "relay_trip",         [MCMD_RELAY_CLOSE] = "relay_close",
    [MCMD_KEEP_POWER_ON] = "keep_power_on",   [MCMD_KEEP_POWER_OFF] = "keep_power_off",
    [MCMD_SET_ALARMS] = "set_alarms",         [MCMD_SET_PRICES] = "set_prices",
    [MCMD_CREDIT] = "credit",                 [MCMD_REFUND] = "refund",
    [MCMD_OPEN_ACCOUNT] = "open_account",
};

static const char *const state_names[MCMD_STATE_COUNT] = {
    [MCMD_QUEUED] = "queued", [MCMD_SENT] = "sent",       [MCMD_RECEIVED] = "received",
    [MCMD_ACTING] = "acting", [MCMD_DONE] = "done",       [MCMD_FAILED] = "failed",
    [MCMD_REFUSED] = "refused", [MCMD_EXPIRED] = "expired", [MCMD_UNKNOWN] = "unknown",
    [MCMD_CANCELLED] = "cancelled",
};

#define NO MCMD_STATE_COUNT

/* The table: rows are states, columns events; NO = refused. */
static const mcmd_state_t table[MCMD_STATE_COUNT][MCMD_EV_COUNT] = {
    /*                SEND        RECEIVE        START        DONE       FAIL         REFUSE        EXPIRE        LOST          CANCEL */
    [MCMD_QUEUED] = {MCMD_SENT, MCMD_RECEIVED, NO, NO, NO, MCMD_REFUSED, MCMD_EXPIRED, NO, MCMD_CANCELLED},
    [MCMD_SENT] = {MCMD_SENT, MCMD_RECEIVED, NO, NO, NO, MCMD_REFUSED, MCMD_EXPIRED, NO, NO},
    [MCMD_RECEIVED] = {NO, MCMD_RECEIVED, MCMD_ACTING, NO, MCMD_FAILED, MCMD_REFUSED, MCMD_EXPIRED, NO, NO},
    [MCMD_ACTING] = {NO, NO, MCMD_ACTING, MCMD_DONE, MCMD_FAILED, NO, NO, MCMD_UNKNOWN, NO},
    [MCMD_DONE] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [MCMD_FAILED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [MCMD_REFUSED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [MCMD_EXPIRED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [MCMD_UNKNOWN] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [MCMD_CANCELLED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO},
};

const char *mcmd_name(mcmd_t c)
{
    return c < MCMD_COUNT ? names[c] : "?";
}

bool mcmd_from_name(const char *name, mcmd_t *out)
{
    for (int c = 0; name && c < MCMD_COUNT; c++)
        if (strcmp(names[c], name) == 0) {
            *out = (mcmd_t)c;
            return true;
        }
    return false;
}

bool mcmd_is_money(mcmd_t c)
{
    return c == MCMD_CREDIT || c == MCMD_REFUND || c == MCMD_OPEN_ACCOUNT;
}

const char *mcmd_state_name(mcmd_state_t s)
{
    return s < MCMD_STATE_COUNT ? state_names[s] : "?";
}

bool mcmd_state_from_name(const char *name, mcmd_state_t *out)
{
    for (int s = 0; name && s < MCMD_STATE_COUNT; s++)
        if (strcmp(state_names[s], name) == 0) {
            *out = (mcmd_state_t)s;
            return true;
        }
    return false;
}

bool mcmd_state_final(mcmd_state_t s)
{
    return s >= MCMD_DONE && s < MCMD_STATE_COUNT;
}

mcmd_state_t mcmd_next(mcmd_state_t s, mcmd_event_t ev)
{
    return s < MCMD_STATE_COUNT && ev < MCMD_EV_COUNT ? table[s][ev] : NO;
}

bool mcmd_outcome_takes(mcmd_state_t from, mcmd_state_t to)
{
    if (!mcmd_state_final(to) || to == MCMD_CANCELLED || from >= MCMD_STATE_COUNT)
        return false;
    return !mcmd_state_final(from) || (from == MCMD_EXPIRED && to != MCMD_EXPIRED);
}

mcmd_restart_t mcmd_restart(mcmd_state_t s, mcmd_t c, bool expired, bool has_sale)
{
    if (s == MCMD_QUEUED || s == MCMD_SENT || s == MCMD_RECEIVED)
        return expired ? MCMD_RESTART_EXPIRE : MCMD_RESTART_RUN;
    if (s != MCMD_ACTING)
        return MCMD_RESTART_NOTHING;
    if (c == MCMD_REFUND)
        return MCMD_RESTART_SETTLE_REFUND;
    return (c == MCMD_CREDIT || c == MCMD_OPEN_ACCOUNT) && has_sale ? MCMD_RESTART_FINISH_SALE : MCMD_RESTART_READ;
}
