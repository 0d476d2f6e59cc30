/* The session's guards and actions: what each row of the table checks and
 * does. Commands are only decided here; the app carries them out. */
#include <string.h>

#include "core/session_int.h"

bool session__serving(unsigned health)
{
    return (health & (HEALTH_CASH | HEALTH_TERMINAL | HEALTH_QR)) != 0;
}

static bool idle(const session_t *s, const session_event_t *ev)
{
    return ev->now_ms - s->last_touch_ms >= s->cfg.idle_ms;
}

/* Taking money by this method now: the sale is open and not being closed. */
static bool taking(const session_view_t *v, sale_method_t method)
{
    return v->txn[0] && !v->closing && v->method == method;
}

/* The payment's result says nothing was taken by this method. */
static bool nothing(const session_view_t *v, const session_event_t *ev, sale_method_t method)
{
    return !ev->ok && !ev->parked && v->method == method;
}

/* The card read may take a zero first purchase: 0 opens its account. */
static bool zero_offered(const session_view_t *v)
{
    return v->account.on_card && v->account.zero_first_ok;
}

bool session__guard(const session_t *s, const session_event_t *ev, session_guard_t g)
{
    const session_view_t *v = &s->v;
    unsigned health = ev->kind == SEV_HEALTH ? ev->health : v->health;
    switch (g) {
    case G_NONE: return true;
    case G_SERVING: return session__serving(health);
    case G_NO_METHOD: return !session__serving(health);
    case G_NOT_BUSY: return !v->busy;
    case G_FOUND: return ev->ok;
    case G_NOT_FOUND: return !ev->ok;
    case G_CARD_OK: return ev->verdict == CARDV_OK;
    case G_CARD_REFUSED: return ev->verdict != CARDV_OK;
    case G_ON_CARD: return v->account.on_card;
    case G_AMOUNT_OK: return v->amount >= s->cfg.min_purchase && v->amount <= s->cfg.max_purchase;
    case G_IDLE: return idle(s, ev) && !session_money_in(v);
    case G_CASH_OK: return (health & HEALTH_CASH) != 0;
    case G_TERMINAL_OK: return (health & HEALTH_TERMINAL) != 0;
    case G_OK: return ev->ok;
    case G_NOT_OK: return !ev->ok;
    case G_CASH_EMPTY: return taking(v, METHOD_CASH) && v->paid == 0;
    case G_CASH_SOME: return taking(v, METHOD_CASH) && v->paid > 0;
    case G_ASKING: return taking(v, METHOD_CASH) && v->asking_stop;
    case G_CARD_TAKING: return taking(v, METHOD_CARD);
    case G_QR_OK: return (health & HEALTH_QR) != 0 && !v->paying_bill; /* a bill is paid in cash or by card */
    case G_QR_TAKING: return taking(v, METHOD_QR);
    case G_CASH_IDLE: return taking(v, METHOD_CASH) && idle(s, ev);
    case G_PAID: return ev->ok;
    case G_PARKED: return !ev->ok && ev->parked;
    case G_CASH_NOTHING: return nothing(v, ev, METHOD_CASH);
    case G_CARD_NOTHING: return nothing(v, ev, METHOD_CARD);
    case G_QR_NOTHING: return nothing(v, ev, METHOD_QR);
    case G_ZERO_OFFERED: return zero_offered(v);
    case G_ZERO_CHOSEN: return zero_offered(v) && v->zero_first && v->amount == 0;
    case G_BILLS_OK: return (health & HEALTH_BILLS) && (health & (HEALTH_CASH | HEALTH_TERMINAL));
    case G_DUE: return ev->ok && ev->bill.owed > 0;
    case G_PAYING_BILL: return v->paying_bill;
    case G_GUARD_COUNT: break;
    }
    return false;
}

static session_cmd_t *emit(session_t *s, session_cmd_kind_t kind, session_cmd_t *cmds, size_t *n)
{
    if (*n >= SESSION_MAX_CMDS)
        return NULL; /* never happens: no action decides more than the table allows */
    session_cmd_t *c = &cmds[(*n)++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->gen = s->gen;
    memcpy(c->txn, s->v.txn, sizeof c->txn);
    memcpy(c->meter, s->v.account.meter, sizeof c->meter);
    memcpy(c->customer, s->v.account.customer, sizeof c->customer);
    c->amount = s->v.amount;
    c->on_card = s->v.account.on_card;
    c->method = s->v.method;
    c->bill = s->v.paying_bill;
    memcpy(c->account, s->v.bill.account, sizeof c->account);
    return c;
}

static void reset(session_t *s)
{
    session_view_t keep = s->v;
    memset(&s->v, 0, sizeof s->v);
    s->v.screen = keep.screen;
    s->v.health = keep.health;
    s->v.lang = s->cfg.lang;
    s->v.muted = s->cfg.muted;
    s->qr_deadline_ms = 0;
    s->gen++;
}

static void estimate(session_t *s)
{
    int64_t milli = 0;
    const session_account_t *a = &s->v.account;
    s->v.has_estimate = a->has_tariff && meter_tariff_estimate(&a->tariff, s->v.amount, &milli);
    s->v.estimate_milli = s->v.has_estimate ? milli : 0;
}

static void amount_from_entry(session_t *s)
{
    int64_t major = 0, scale = 1;
    for (const char *p = s->v.entry; *p; p++)
        major = major * 10 + (*p - '0');
    for (unsigned i = 0; i < s->cfg.exponent; i++)
        scale *= 10;
    s->v.amount = major * scale; /* at most 7 digits and 4 decimals: far from overflow */
    s->v.zero_first = false;
    estimate(s);
}

static void digit(session_t *s, int d, size_t max)
{
    size_t len = strlen(s->v.entry);
    if (d < 0 || d > 9 || len >= max)
        return;
    if ((s->v.screen == SCR_AMOUNT || s->v.screen == SCR_BILL_ACCOUNT) && len == 0 && d == 0)
        return; /* an amount does not start with 0 */
    s->v.entry[len] = (char)('0' + d);
    s->v.entry[len + 1] = '\0';
    s->v.message = MSG_NONE;
}

static void edit(session_t *s, bool all)
{
    size_t len = strlen(s->v.entry);
    s->v.entry[all || len == 0 ? 0 : len - 1] = '\0';
    s->v.message = MSG_NONE;
    if (s->v.screen == SCR_AMOUNT)
        amount_from_entry(s);
}

static void lookup(session_t *s, session_cmd_t *cmds, size_t *n)
{
    if (strlen(s->v.entry) != SESSION_METER_DIGITS) {
        s->v.message = MSG_METER_DIGITS;
        return;
    }
    s->v.message = MSG_NONE;
    s->v.busy = true;
    session_cmd_t *c = emit(s, CMD_LOOKUP, cmds, n);
    if (c)
        memcpy(c->meter, s->v.entry, SESSION_METER_DIGITS + 1);
}

static void take_account(session_t *s, const session_event_t *ev)
{
    s->v.account = ev->account;
    s->v.busy = false;
    s->v.message = MSG_NONE;
    s->v.entry[0] = '\0';
    s->v.reason = REASON_NONE;
}

static void preset(session_t *s, int index)
{
    if (index < 0 || index >= SESSION_PRESETS || s->cfg.presets[index] <= 0)
        return;
    s->v.entry[0] = '\0';
    s->v.amount = s->cfg.presets[index];
    s->v.zero_first = false;
    s->v.message = MSG_NONE;
    estimate(s);
}

/* The QR code and its countdown are forgotten. */
static void forget_code(session_t *s)
{
    s->v.qr_url[0] = '\0';
    s->v.qr_left_s = 0;
    s->qr_deadline_ms = 0;
}

static void open_sale(session_t *s, sale_method_t method, session_cmd_t *cmds, size_t *n)
{
    forget_code(s);
    s->v.method = method;
    s->v.paid = 0;
    s->v.closing = false;
    s->v.txn[0] = '\0';
    s->v.reason = REASON_NONE;
    s->v.asking_stop = false;
    s->v.note = PNOTE_NONE;
    s->v.prompt = PPROMPT_NONE;
    s->v.message = MSG_NONE;
    s->v.busy = true;
    emit(s, CMD_OPEN_SALE, cmds, n);
}

static void start_paying(session_t *s, const session_event_t *ev, session_cmd_t *cmds, size_t *n)
{
    s->v.paper_receipt = ev->printer_ok;
    memcpy(s->v.txn, ev->txn, sizeof s->v.txn);
    s->v.txn[sizeof s->v.txn - 1] = '\0';
    s->v.busy = false;
    emit(s, s->v.method == METHOD_CASH ? CMD_START_CASH : s->v.method == METHOD_QR ? CMD_PAY_QR : CMD_PAY_CARD, cmds, n);
}

static void finish_cash(session_t *s, session_cmd_t *cmds, size_t *n)
{
    s->v.closing = true;
    s->v.busy = true;
    s->v.asking_stop = false;
    emit(s, CMD_FINISH_CASH, cmds, n);
}

static void note(session_t *s, const session_event_t *ev, session_cmd_t *cmds, size_t *n)
{
    if (ev->paid != s->v.paid)
        s->last_touch_ms = ev->now_ms; /* a note is the resident at work */
    s->v.paid = ev->paid; /* the question to stop, if asked, names the new amount */
    if (ev->note != PNOTE_NONE) {
        s->v.note = ev->note;
        s->v.note_value = ev->note_value;
        s->v.note_why = ev->note_why;
    }
    if (s->v.paid >= s->v.amount && taking(&s->v, METHOD_CASH))
        finish_cash(s, cmds, n);
}

/* Why a payment was not made: the resident cancelled (the session knows
 * it: Cancel was tapped), the QR code's time ran out (its countdown), or
 * what the worker derived from the provider's answer. */
static session_reason_t not_paid_reason(const session_t *s, const session_event_t *ev)
{
    if (ev->kind != SEV_PAY_RESULT)
        return ev->reason;
    if (s->v.closing)
        return REASON_CANCELLED;
    if (s->v.method == METHOD_QR && s->qr_deadline_ms && ev->now_ms >= s->qr_deadline_ms)
        return REASON_EXPIRED;
    return ev->reason;
}

/* Back to the method screen: the sale is closed, nothing was taken. */
static void not_paid(session_t *s, const session_event_t *ev, session_message_t m)
{
    s->v.message = m;
    s->v.reason = not_paid_reason(s, ev);
    s->v.txn[0] = '\0';
    s->v.method = METHOD_NONE;
    s->v.paid = 0;
    s->v.closing = false;
    s->v.busy = false;
    forget_code(s);
}

/* Seconds left until the QR order expires, rounded up; 0 once it has. */
static void countdown(session_t *s, int64_t now_ms)
{
    int64_t left = s->qr_deadline_ms - now_ms;
    if (s->qr_deadline_ms)
        s->v.qr_left_s = left > 0 ? (left + 999) / 1000 : 0;
}

static void show_code(session_t *s, const session_event_t *ev)
{
    size_t n = strnlen(ev->url, sizeof s->v.qr_url - 1);
    memcpy(s->v.qr_url, ev->url, n);
    s->v.qr_url[n] = '\0';
    s->qr_deadline_ms = ev->now_ms + (ev->left_ms > 0 ? ev->left_ms : 0);
    countdown(s, ev->now_ms);
}

/* A result that took money (or opened an account with 0) gets its receipt: on paper if the printer
 * could print when the sale was opened, else on the screen. */
static void receipt(session_t *s, session_cmd_t *cmds, size_t *n)
{
    session_view_t *v = &s->v;
    v->receipt = RCPT_NONE;
    if ((v->paid <= 0 && !v->zero_first) || !v->txn[0] || v->outcome == OUT_NONE || v->outcome == OUT_REFUSED)
        return;
    v->receipt = v->paper_receipt ? RCPT_PRINTING : RCPT_ON_SCREEN;
    if (v->paper_receipt)
        emit(s, CMD_PRINT_RECEIPT, cmds, n);
}

static void outcome(session_t *s, const session_event_t *ev)
{
    s->v.busy = false;
    s->v.closing = false;
    s->v.paid = ev->paid > s->v.paid ? ev->paid : s->v.paid;
    s->v.outcome = ev->kind == SEV_DELIVERY ? ev->outcome : OUT_PARKED;
    s->v.has_balance = ev->kind == SEV_DELIVERY && ev->has_balance;
    s->v.balance = ev->balance;
    if (ev->at_ms)
        s->v.sale_at_ms = ev->at_ms;
}

static void failed(session_t *s, const session_event_t *ev)
{
    s->v.busy = false;
    s->v.closing = false;
    bool opened = s->v.screen == SCR_DELIVERING && s->v.txn[0]; /* a zero sale not opened: nothing happened */
    s->v.outcome = s->v.paid > 0 || opened ? OUT_PARKED : OUT_REFUSED;
    s->v.reason = ev->reason;
}

/* Every action has the same shape, so that the table can name any of them. */
typedef struct act_ctx {
    session_t *s;
    const session_event_t *ev;
    session_cmd_t *cmds;
    size_t *n;
} act_ctx_t;

static void a_none(act_ctx_t *c) { (void)c; }
static void a_reset(act_ctx_t *c) { reset(c->s); }
static void a_lang_toggle(act_ctx_t *c) { c->s->v.lang = c->s->v.lang == LANG_ZH ? LANG_EN : LANG_ZH; }

static void a_voice_toggle(act_ctx_t *c) { c->s->v.muted = !c->s->v.muted; }
static void a_health(act_ctx_t *c) { c->s->v.health = c->ev->health; }
static void a_digit_meter(act_ctx_t *c) { digit(c->s, c->ev->digit, SESSION_METER_DIGITS); }
static void a_del(act_ctx_t *c) { edit(c->s, false); }
static void a_clear(act_ctx_t *c) { edit(c->s, true); }
static void a_lookup(act_ctx_t *c) { lookup(c->s, c->cmds, c->n); }
static void a_take_account(act_ctx_t *c) { take_account(c->s, c->ev); }
static void a_forget_account(act_ctx_t *c) { memset(&c->s->v.account, 0, sizeof c->s->v.account); }
static void a_preset(act_ctx_t *c) { preset(c->s, c->ev->index); }
static void a_open_cash(act_ctx_t *c) { open_sale(c->s, METHOD_CASH, c->cmds, c->n); }
static void a_open_card(act_ctx_t *c) { open_sale(c->s, METHOD_CARD, c->cmds, c->n); }
static void a_say_down(act_ctx_t *c) { c->s->v.message = MSG_DEVICE_DOWN; }
static void a_start_paying(act_ctx_t *c) { start_paying(c->s, c->ev, c->cmds, c->n); }
static void a_say_not_opened(act_ctx_t *c) { not_paid(c->s, c->ev, MSG_SALE_FAILED); }
static void a_note(act_ctx_t *c) { note(c->s, c->ev, c->cmds, c->n); }
static void a_terminal_text(act_ctx_t *c) { c->s->v.prompt = c->ev->prompt; }
static void a_finish_cash(act_ctx_t *c) { finish_cash(c->s, c->cmds, c->n); }
static void a_ask_stop(act_ctx_t *c) { c->s->v.asking_stop = true; }
static void a_keep(act_ctx_t *c) { c->s->v.asking_stop = false; }
static void a_say_not_paid(act_ctx_t *c) { not_paid(c->s, c->ev, MSG_NOT_PAID); }
static void a_open_qr(act_ctx_t *c) { open_sale(c->s, METHOD_QR, c->cmds, c->n); }
static void a_show_code(act_ctx_t *c) { show_code(c->s, c->ev); }
static void a_countdown(act_ctx_t *c) { countdown(c->s, c->ev->now_ms); }

static void a_outcome(act_ctx_t *c)
{
    outcome(c->s, c->ev);
    receipt(c->s, c->cmds, c->n);
}

static void a_failed(act_ctx_t *c)
{
    failed(c->s, c->ev);
    receipt(c->s, c->cmds, c->n);
}

static void a_receipt(act_ctx_t *c)
{
    c->s->v.receipt = c->ev->ok ? RCPT_PRINTED : RCPT_ON_SCREEN;
}

static void a_large_toggle(act_ctx_t *c) { c->s->v.large_text = !c->s->v.large_text; }

static void a_lang_set(act_ctx_t *c)
{
    if (c->ev->lang < LANG_COUNT)
        c->s->v.lang = c->ev->lang;
}

static void a_read_card(act_ctx_t *c)
{
    c->s->v.busy = true;
    c->s->v.message = MSG_NONE;
    emit(c->s, CMD_READ_CARD, c->cmds, c->n);
}

/* A digit of the amount, unless it would pass the purchase limit: then
 * the amount stays and the screen says the limit at once. */
static void a_digit_amount(act_ctx_t *c)
{
    session_view_t *v = &c->s->v;
    char before[sizeof v->entry];
    memcpy(before, v->entry, sizeof before);
    digit(c->s, c->ev->digit, SESSION_AMOUNT_DIGITS);
    amount_from_entry(c->s);
    if (v->amount > c->s->cfg.max_purchase) {
        memcpy(v->entry, before, sizeof before);
        amount_from_entry(c->s);
        v->message = MSG_AMOUNT_HIGH;
    }
}

static void a_say_unknown(act_ctx_t *c)
{
    c->s->v.busy = false;
    c->s->v.message = MSG_METER_UNKNOWN;
}

static void a_say_card(act_ctx_t *c)
{
    c->s->v.busy = false;
    c->s->v.message = MSG_CARD_REFUSED;
    c->s->v.verdict = c->ev->verdict;
}

static void a_say_limits(act_ctx_t *c)
{
    c->s->v.message = c->s->v.amount < c->s->cfg.min_purchase ? MSG_AMOUNT_LOW : MSG_AMOUNT_HIGH;
}

static void a_cancel_card(act_ctx_t *c)
{
    c->s->v.closing = true;
    emit(c->s, CMD_CANCEL_CARD, c->cmds, c->n);
}

static void a_cancel_qr(act_ctx_t *c)
{
    c->s->v.closing = true;
    emit(c->s, CMD_CANCEL_QR, c->cmds, c->n);
}

/* Amount 0, to open the card's account: the keypad's digits go. */
static void a_choose_zero(act_ctx_t *c)
{
    session_view_t *v = &c->s->v;
    v->entry[0] = '\0';
    v->amount = 0;
    v->zero_first = true;
    v->has_estimate = false;
    v->estimate_milli = 0;
    v->message = MSG_NONE;
}

static void a_open_zero(act_ctx_t *c) { open_sale(c->s, METHOD_NONE, c->cmds, c->n); }

static void a_deliver(act_ctx_t *c)
{
    session_view_t *v = &c->s->v;
    v->paid = c->ev->paid;
    v->sale_at_ms = c->ev->at_ms;
    v->busy = true;
    v->closing = false;
    v->reason = REASON_NONE;
    forget_code(c->s);
    emit(c->s, CMD_DELIVER, c->cmds, c->n);
}

/* The zero sale opened, paid with nothing: straight on to the card. */
static void a_deliver_zero(act_ctx_t *c)
{
    session_view_t *v = &c->s->v;
    v->paper_receipt = c->ev->printer_ok;
    memcpy(v->txn, c->ev->txn, sizeof v->txn);
    v->txn[sizeof v->txn - 1] = '\0';
    a_deliver(c);
}

/* A clean session paying a bill: what the resident chose on attract
 * (the language, large text, the voice) stays. */
static void a_start_bill(act_ctx_t *c)
{
    session_view_t keep = c->s->v;
    reset(c->s);
    c->s->v.lang = keep.lang;
    c->s->v.large_text = keep.large_text;
    c->s->v.muted = keep.muted;
    c->s->v.paying_bill = true;
}

static void a_digit_account(act_ctx_t *c) { digit(c->s, c->ev->digit, SESSION_ACCOUNT_DIGITS); }

/* The account number typed goes to the back office; Continue with none
 * typed does nothing (it is greyed). */
static void a_ask_due(act_ctx_t *c)
{
    session_view_t *v = &c->s->v;
    if (!v->entry[0])
        return;
    memset(&v->bill, 0, sizeof v->bill);
    memcpy(v->bill.account, v->entry, sizeof v->bill.account);
    v->bill.account[SESSION_ACCOUNT_DIGITS] = '\0';
    v->message = MSG_NONE;
    v->reason = REASON_NONE;
    v->busy = true;
    emit(c->s, CMD_ASK_DUE, c->cmds, c->n);
}

/* What the account owes; the resident pays the total. */
static void a_take_due(act_ctx_t *c)
{
    session_view_t *v = &c->s->v;
    char account[sizeof v->bill.account];
    memcpy(account, v->bill.account, sizeof account);
    v->bill = c->ev->bill;
    memcpy(v->bill.account, account, sizeof account); /* the number the resident typed */
    v->amount = v->bill.owed;
    v->busy = false;
    v->entry[0] = '\0';
}

static void a_say_no_due(act_ctx_t *c)
{
    session_view_t *v = &c->s->v;
    v->busy = false;
    v->message = MSG_BILL_REFUSED;
    v->reason = c->ev->ok ? REASON_NOTHING_DUE : c->ev->reason;
}

static void a_forget_due(act_ctx_t *c)
{
    session_view_t *v = &c->s->v;
    memcpy(v->entry, v->bill.account, sizeof v->bill.account);
    v->amount = 0;
    v->bill.n = 0;
    v->bill.owed = 0;
}

static void (*const actions[A_ACTION_COUNT])(act_ctx_t *) = {
    [A_NONE] = a_none,
    [A_RESET] = a_reset,
    [A_LANG_TOGGLE] = a_lang_toggle,
    [A_LANG_SET] = a_lang_set,
    [A_LARGE_TOGGLE] = a_large_toggle,
    [A_VOICE_TOGGLE] = a_voice_toggle,
    [A_HEALTH] = a_health,
    [A_READ_CARD] = a_read_card,
    [A_DIGIT_METER] = a_digit_meter,
    [A_DIGIT_AMOUNT] = a_digit_amount,
    [A_DEL] = a_del,
    [A_CLEAR] = a_clear,
    [A_LOOKUP] = a_lookup,
    [A_TAKE_ACCOUNT] = a_take_account,
    [A_SAY_UNKNOWN] = a_say_unknown,
    [A_SAY_CARD] = a_say_card,
    [A_FORGET_ACCOUNT] = a_forget_account,
    [A_PRESET] = a_preset,
    [A_SAY_LIMITS] = a_say_limits,
    [A_OPEN_CASH] = a_open_cash,
    [A_OPEN_CARD] = a_open_card,
    [A_SAY_DOWN] = a_say_down,
    [A_START_PAYING] = a_start_paying,
    [A_SAY_NOT_OPENED] = a_say_not_opened,
    [A_NOTE] = a_note,
    [A_TERMINAL_TEXT] = a_terminal_text,
    [A_FINISH_CASH] = a_finish_cash,
    [A_ASK_STOP] = a_ask_stop,
    [A_KEEP] = a_keep,
    [A_CANCEL_CARD] = a_cancel_card,
    [A_OPEN_QR] = a_open_qr,
    [A_SHOW_CODE] = a_show_code,
    [A_COUNTDOWN] = a_countdown,
    [A_CANCEL_QR] = a_cancel_qr,
    [A_DELIVER] = a_deliver,
    [A_SAY_NOT_PAID] = a_say_not_paid,
    [A_OUTCOME] = a_outcome,
    [A_FAILED] = a_failed,
    [A_RECEIPT] = a_receipt,
    [A_CHOOSE_ZERO] = a_choose_zero,
    [A_OPEN_ZERO] = a_open_zero,
    [A_DELIVER_ZERO] = a_deliver_zero,
    [A_START_BILL] = a_start_bill,
    [A_DIGIT_ACCOUNT] = a_digit_account,
    [A_ASK_DUE] = a_ask_due,
    [A_TAKE_DUE] = a_take_due,
    [A_SAY_NO_DUE] = a_say_no_due,
    [A_FORGET_DUE] = a_forget_due,
};

void session__act(session_t *s, const session_event_t *ev, session_action_t a, session_cmd_t *cmds, size_t *n)
{
    act_ctx_t c = {s, ev, cmds, n};
    if (a < A_ACTION_COUNT && actions[a])
        actions[a](&c);
}
