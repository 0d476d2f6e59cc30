/* The session's table and the loop that applies it; the actions are in
 * session_act.c, the names in session_names.c. */
#include "core/session.h"

#include <string.h>

#include "core/session_int.h"

#define TAP(ctl) SEV_TAP, CTL_##ctl
#define ON(kind) SEV_##kind, CTL_NONE

/* Read this table top to bottom to know every way the resident can move.
 * The first row that matches the screen, the event (and the control
 * tapped) and whose guard holds is taken; an event no row takes changes
 * nothing. Landing on attract with no way to pay shows out of service. */
static const session_rule_t table[] = {
    /* every screen */
    {SCR_ANY, TAP(LANG), G_NONE, A_LANG_TOGGLE, SCR_SAME},
    {SCR_ANY, ON(LANG), G_NONE, A_LANG_SET, SCR_SAME},
    {SCR_ANY, TAP(LARGE), G_NONE, A_LARGE_TOGGLE, SCR_SAME},
    {SCR_ANY, TAP(VOICE), G_NONE, A_VOICE_TOGGLE, SCR_SAME},
    {SCR_ATTRACT, ON(HEALTH), G_NO_METHOD, A_HEALTH, SCR_OUT_OF_SERVICE},
    {SCR_OUT_OF_SERVICE, ON(HEALTH), G_SERVING, A_HEALTH, SCR_ATTRACT},
    {SCR_ANY, ON(HEALTH), G_NONE, A_HEALTH, SCR_SAME},
    /* attract */
    {SCR_ATTRACT, TAP(START), G_SERVING, A_NONE, SCR_IDENTIFY},
    {SCR_ATTRACT, ON(CARD_IN), G_SERVING, A_READ_CARD, SCR_IDENTIFY},
    {SCR_ATTRACT, TAP(BILL), G_BILLS_OK, A_START_BILL, SCR_BILL_ACCOUNT},
    /* paying a bill: the account number, then what it owes (asked before any money is taken) */
    {SCR_BILL_ACCOUNT, TAP(KEY), G_NOT_BUSY, A_DIGIT_ACCOUNT, SCR_SAME},
    {SCR_BILL_ACCOUNT, TAP(DEL), G_NOT_BUSY, A_DEL, SCR_SAME},
    {SCR_BILL_ACCOUNT, TAP(CLEAR), G_NOT_BUSY, A_CLEAR, SCR_SAME},
    {SCR_BILL_ACCOUNT, TAP(OK), G_NOT_BUSY, A_ASK_DUE, SCR_SAME},
    {SCR_BILL_ACCOUNT, TAP(BACK), G_NONE, A_RESET, SCR_ATTRACT},
    {SCR_BILL_ACCOUNT, ON(DUE), G_DUE, A_TAKE_DUE, SCR_BILL},
    {SCR_BILL_ACCOUNT, ON(DUE), G_NONE, A_SAY_NO_DUE, SCR_SAME},
    {SCR_BILL_ACCOUNT, ON(TICK), G_IDLE, A_RESET, SCR_ATTRACT},
    {SCR_BILL, TAP(OK), G_NONE, A_NONE, SCR_METHOD},
    {SCR_BILL, TAP(BACK), G_NONE, A_FORGET_DUE, SCR_BILL_ACCOUNT},
    {SCR_BILL, ON(TICK), G_IDLE, A_RESET, SCR_ATTRACT},
    /* identify: the meter number, or the card */
    {SCR_IDENTIFY, TAP(KEY), G_NOT_BUSY, A_DIGIT_METER, SCR_SAME},
    {SCR_IDENTIFY, TAP(DEL), G_NOT_BUSY, A_DEL, SCR_SAME},
    {SCR_IDENTIFY, TAP(CLEAR), G_NOT_BUSY, A_CLEAR, SCR_SAME},
    {SCR_IDENTIFY, TAP(OK), G_NOT_BUSY, A_LOOKUP, SCR_SAME},
    {SCR_IDENTIFY, TAP(BACK), G_NONE, A_RESET, SCR_ATTRACT},
    {SCR_IDENTIFY, ON(CARD_IN), G_NOT_BUSY, A_READ_CARD, SCR_SAME},
    {SCR_IDENTIFY, ON(ACCOUNT), G_FOUND, A_TAKE_ACCOUNT, SCR_ACCOUNT},
    {SCR_IDENTIFY, ON(ACCOUNT), G_NOT_FOUND, A_SAY_UNKNOWN, SCR_SAME},
    {SCR_IDENTIFY, ON(CARD_READ), G_CARD_OK, A_TAKE_ACCOUNT, SCR_ACCOUNT},
    {SCR_IDENTIFY, ON(CARD_READ), G_CARD_REFUSED, A_SAY_CARD, SCR_SAME},
    {SCR_IDENTIFY, ON(TICK), G_IDLE, A_RESET, SCR_ATTRACT},
    /* account */
    {SCR_ACCOUNT, TAP(OK), G_NONE, A_NONE, SCR_AMOUNT},
    {SCR_ACCOUNT, TAP(BACK), G_NONE, A_FORGET_ACCOUNT, SCR_IDENTIFY},
    {SCR_ACCOUNT, ON(CARD_OUT), G_ON_CARD, A_RESET, SCR_ATTRACT},
    {SCR_ACCOUNT, ON(TICK), G_IDLE, A_RESET, SCR_ATTRACT},
    /* amount */
    {SCR_AMOUNT, TAP(KEY), G_NONE, A_DIGIT_AMOUNT, SCR_SAME},
    {SCR_AMOUNT, TAP(DEL), G_NONE, A_DEL, SCR_SAME},
    {SCR_AMOUNT, TAP(CLEAR), G_NONE, A_CLEAR, SCR_SAME},
    {SCR_AMOUNT, TAP(PRESET), G_NONE, A_PRESET, SCR_SAME},
    {SCR_AMOUNT, TAP(ZERO), G_ZERO_OFFERED, A_CHOOSE_ZERO, SCR_SAME},
    {SCR_AMOUNT, TAP(OK), G_ZERO_CHOSEN, A_OPEN_ZERO, SCR_DELIVERING}, /* nothing to pay: no method */
    {SCR_AMOUNT, TAP(OK), G_AMOUNT_OK, A_NONE, SCR_METHOD},
    {SCR_AMOUNT, TAP(OK), G_NONE, A_SAY_LIMITS, SCR_SAME},
    {SCR_AMOUNT, TAP(BACK), G_NONE, A_NONE, SCR_ACCOUNT},
    {SCR_AMOUNT, ON(CARD_OUT), G_ON_CARD, A_RESET, SCR_ATTRACT},
    {SCR_AMOUNT, ON(TICK), G_IDLE, A_RESET, SCR_ATTRACT},
    /* method: only what is healthy is offered */
    {SCR_METHOD, TAP(CASH), G_CASH_OK, A_OPEN_CASH, SCR_PAYMENT},
    {SCR_METHOD, TAP(CASH), G_NONE, A_SAY_DOWN, SCR_SAME},
    {SCR_METHOD, TAP(CARD), G_TERMINAL_OK, A_OPEN_CARD, SCR_PAYMENT},
    {SCR_METHOD, TAP(CARD), G_NONE, A_SAY_DOWN, SCR_SAME},
    {SCR_METHOD, TAP(QR), G_QR_OK, A_OPEN_QR, SCR_PAYMENT},
    {SCR_METHOD, TAP(QR), G_NONE, A_SAY_DOWN, SCR_SAME},
    {SCR_METHOD, TAP(BACK), G_PAYING_BILL, A_NONE, SCR_BILL},
    {SCR_METHOD, TAP(BACK), G_NONE, A_NONE, SCR_AMOUNT},
    {SCR_METHOD, ON(CARD_OUT), G_ON_CARD, A_RESET, SCR_ATTRACT},
    {SCR_METHOD, ON(TICK), G_IDLE, A_RESET, SCR_ATTRACT},
    /* payment: no way out but the payment's own result; with cash in, Cancel asks first */
    {SCR_PAYMENT, ON(SALE_OPENED), G_OK, A_START_PAYING, SCR_SAME},
    {SCR_PAYMENT, ON(SALE_OPENED), G_NOT_OK, A_SAY_NOT_OPENED, SCR_METHOD},
    {SCR_PAYMENT, ON(NOTE), G_NONE, A_NOTE, SCR_SAME},
    {SCR_PAYMENT, ON(TERMINAL_TEXT), G_NONE, A_TERMINAL_TEXT, SCR_SAME},
    {SCR_PAYMENT, ON(QR_CODE), G_QR_TAKING, A_SHOW_CODE, SCR_SAME},
    {SCR_PAYMENT, TAP(DONE), G_CASH_SOME, A_FINISH_CASH, SCR_SAME},
    {SCR_PAYMENT, TAP(CANCEL), G_CASH_EMPTY, A_FINISH_CASH, SCR_SAME},
    {SCR_PAYMENT, TAP(CANCEL), G_CASH_SOME, A_ASK_STOP, SCR_SAME}, /* a stacked note cannot be given back */
    {SCR_PAYMENT, TAP(KEEP), G_ASKING, A_KEEP, SCR_SAME},
    {SCR_PAYMENT, TAP(STOP), G_ASKING, A_FINISH_CASH, SCR_SAME},   /* what is in is credited */
    {SCR_PAYMENT, TAP(CANCEL), G_CARD_TAKING, A_CANCEL_CARD, SCR_SAME},
    {SCR_PAYMENT, TAP(CANCEL), G_QR_TAKING, A_CANCEL_QR, SCR_SAME},
    {SCR_PAYMENT, ON(TICK), G_CASH_IDLE, A_FINISH_CASH, SCR_SAME},
    {SCR_PAYMENT, ON(TICK), G_QR_TAKING, A_COUNTDOWN, SCR_SAME}, /* never leaves: the order may be paid */
    {SCR_PAYMENT, ON(PAY_RESULT), G_PAID, A_DELIVER, SCR_DELIVERING},
    {SCR_PAYMENT, ON(PAY_RESULT), G_PARKED, A_OUTCOME, SCR_RESULT},
    {SCR_PAYMENT, ON(PAY_RESULT), G_CASH_NOTHING, A_RESET, SCR_ATTRACT},
    {SCR_PAYMENT, ON(PAY_RESULT), G_CARD_NOTHING, A_SAY_NOT_PAID, SCR_METHOD},
    {SCR_PAYMENT, ON(PAY_RESULT), G_QR_NOTHING, A_SAY_NOT_PAID, SCR_METHOD},
    {SCR_PAYMENT, ON(FAILED), G_NONE, A_FAILED, SCR_RESULT},
    /* delivering (a zero first purchase waits here for its sale to open) */
    {SCR_DELIVERING, ON(SALE_OPENED), G_OK, A_DELIVER_ZERO, SCR_SAME},
    {SCR_DELIVERING, ON(SALE_OPENED), G_NOT_OK, A_FAILED, SCR_RESULT},
    {SCR_DELIVERING, ON(DELIVERY), G_NONE, A_OUTCOME, SCR_RESULT},
    {SCR_DELIVERING, ON(FAILED), G_NONE, A_FAILED, SCR_RESULT},
    /* result */
    {SCR_RESULT, ON(RECEIPT), G_NONE, A_RECEIPT, SCR_SAME},
    {SCR_RESULT, TAP(FINISH), G_NONE, A_RESET, SCR_ATTRACT},
    {SCR_RESULT, ON(TICK), G_IDLE, A_RESET, SCR_ATTRACT},
};

#define N_TABLE (sizeof table / sizeof table[0])

const session_rule_t *session_table(size_t *n)
{
    *n = N_TABLE;
    return table;
}

const session_view_t *session_view(const session_t *s)
{
    return &s->v;
}

bool session_money_in(const session_view_t *v)
{
    return v->paid > 0 && (v->screen == SCR_PAYMENT || v->screen == SCR_DELIVERING);
}

void session_init(session_t *s, const session_config_t *cfg, int64_t now_ms)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->v.lang = cfg->lang;
    s->v.muted = cfg->muted;
    s->v.screen = SCR_OUT_OF_SERVICE; /* until a device is known to be healthy */
    s->last_touch_ms = now_ms;
}

static bool is_answer(session_event_kind_t k)
{
    return k == SEV_ACCOUNT || k == SEV_CARD_READ || k == SEV_SALE_OPENED || k == SEV_NOTE ||
           k == SEV_TERMINAL_TEXT || k == SEV_QR_CODE || k == SEV_PAY_RESULT || k == SEV_DELIVERY || k == SEV_FAILED ||
           k == SEV_RECEIPT || k == SEV_DUE;
}

static bool matches(const session_rule_t *r, const session_t *s, const session_event_t *ev)
{
    if (r->screen != SCR_ANY && r->screen != s->v.screen)
        return false;
    if (r->kind != ev->kind || (ev->kind == SEV_TAP && r->control != ev->control))
        return false;
    return session__guard(s, ev, r->guard);
}

/* The seconds left before the idle timeout of the screen shown, for its
 * countdown; 0 where none runs (attract, payment, delivering, money in). */
static bool countdown(session_t *s, int64_t now_ms)
{
    static const bool times_out[SCR_COUNT] = {[SCR_IDENTIFY] = true, [SCR_ACCOUNT] = true, [SCR_AMOUNT] = true,
                                              [SCR_METHOD] = true, [SCR_RESULT] = true,
                                              [SCR_BILL_ACCOUNT] = true, [SCR_BILL] = true};
    int64_t left = 0;
    if (s->v.screen < SCR_COUNT && times_out[s->v.screen] && !session_money_in(&s->v)) {
        int64_t ms = s->last_touch_ms + s->cfg.idle_ms - now_ms;
        left = ms > 0 ? (ms + 999) / 1000 : 0;
    }
    bool changed = left != s->v.idle_left_s;
    s->v.idle_left_s = left;
    return changed;
}

bool session_handle(session_t *s, const session_event_t *ev, session_cmd_t cmds[SESSION_MAX_CMDS], size_t *n)
{
    *n = 0;
    if (is_answer(ev->kind) && ev->gen != s->gen)
        return false; /* meant for a resident who has gone */
    if (ev->kind == SEV_TAP || ev->kind == SEV_CARD_IN)
        s->last_touch_ms = ev->now_ms;
    bool changed = false;
    for (size_t i = 0; i < N_TABLE; i++) {
        if (!matches(&table[i], s, ev))
            continue;
        session_view_t before = s->v;
        session__act(s, ev, table[i].action, cmds, n);
        session_screen_t next = table[i].next == SCR_SAME ? s->v.screen : table[i].next;
        if (next == SCR_ATTRACT && !session__serving(s->v.health))
            next = SCR_OUT_OF_SERVICE;
        if (next != s->v.screen) {
            s->v.screen = next;
            s->last_touch_ms = ev->now_ms; /* a new screen gets its whole idle time */
        }
        changed = memcmp(&before, &s->v, sizeof before) != 0;
        break;
    }
    return countdown(s, ev->now_ms) || changed;
}
