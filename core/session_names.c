/* Names of the session's screens, controls, events, guards, actions and
 * commands: for the printed table, the headless scripts and the logs. */
#include <string.h>

#include "core/session.h"

static const char *const screens[] = {
    [SCR_ATTRACT] = "attract",   [SCR_IDENTIFY] = "identify",     [SCR_ACCOUNT] = "account",
    [SCR_AMOUNT] = "amount",     [SCR_METHOD] = "method",         [SCR_PAYMENT] = "payment",
    [SCR_DELIVERING] = "delivering", [SCR_RESULT] = "result",     [SCR_OUT_OF_SERVICE] = "out_of_service",
    [SCR_BILL_ACCOUNT] = "bill_account", [SCR_BILL] = "bill",
    [SCR_SAME] = "(same)",       [SCR_ANY] = "(any)",
};

static const char *const controls[CTL_COUNT] = {
    [CTL_NONE] = "", [CTL_START] = "start", [CTL_LANG] = "lang", [CTL_BACK] = "back",
    [CTL_OK] = "ok", [CTL_DEL] = "del", [CTL_CLEAR] = "clear", [CTL_KEY] = "key",
    [CTL_PRESET] = "preset", [CTL_CASH] = "cash", [CTL_CARD] = "card", [CTL_QR] = "qr", [CTL_DONE] = "done",
    [CTL_CANCEL] = "cancel", [CTL_KEEP] = "keep", [CTL_STOP] = "stop",
    [CTL_FINISH] = "finish", [CTL_LARGE] = "large", [CTL_VOICE] = "voice",
    [CTL_ZERO] = "zero", [CTL_BILL] = "bill",
};

static const char *const events[SEV_KIND_COUNT] = {
    [SEV_TAP] = "tap",           [SEV_TICK] = "tick",         [SEV_LANG] = "lang",
    [SEV_HEALTH] = "health",     [SEV_CARD_IN] = "card_in",   [SEV_CARD_OUT] = "card_out",
    [SEV_ACCOUNT] = "account",   [SEV_CARD_READ] = "card_read", [SEV_SALE_OPENED] = "sale_opened",
    [SEV_NOTE] = "note",         [SEV_TERMINAL_TEXT] = "terminal_text", [SEV_QR_CODE] = "qr_code", [SEV_PAY_RESULT] = "pay_result",
    [SEV_DELIVERY] = "delivery", [SEV_FAILED] = "failed",     [SEV_RECEIPT] = "receipt",
    [SEV_DUE] = "due",
};

static const char *const guards[G_GUARD_COUNT] = {
    [G_NONE] = "",
    [G_SERVING] = "a way to pay is healthy",
    [G_NO_METHOD] = "no way to pay is healthy",
    [G_NOT_BUSY] = "not busy",
    [G_FOUND] = "found",
    [G_NOT_FOUND] = "not found",
    [G_CARD_OK] = "card may buy",
    [G_CARD_REFUSED] = "card refused",
    [G_ON_CARD] = "identified by card",
    [G_AMOUNT_OK] = "within limits",
    [G_IDLE] = "idle, no money in",
    [G_CASH_OK] = "acceptor healthy",
    [G_TERMINAL_OK] = "terminal healthy",
    [G_OK] = "ok",
    [G_NOT_OK] = "failed",
    [G_CASH_EMPTY] = "cash, paid = 0",
    [G_CASH_SOME] = "cash, paid > 0",
    [G_ASKING] = "cash, asked to stop",
    [G_CARD_TAKING] = "card, at the terminal",
    [G_QR_OK] = "QR payments healthy",
    [G_QR_TAKING] = "qr, waiting for the phone",
    [G_CASH_IDLE] = "cash, idle",
    [G_PAID] = "paid",
    [G_PARKED] = "outcome unknown",
    [G_CASH_NOTHING] = "cash, nothing paid",
    [G_CARD_NOTHING] = "card, not paid",
    [G_QR_NOTHING] = "qr, expired or cancelled",
    [G_ZERO_OFFERED] = "card may open its account with 0",
    [G_ZERO_CHOSEN] = "0 chosen to open the account",
    [G_BILLS_OK] = "back office answers, cash or card healthy",
    [G_DUE] = "the account owes",
    [G_PAYING_BILL] = "paying a bill",
};

static const char *const actions[A_ACTION_COUNT] = {
    [A_NONE] = "",
    [A_RESET] = "reset",
    [A_LANG_TOGGLE] = "toggle_language",
    [A_LANG_SET] = "set_language",
    [A_LARGE_TOGGLE] = "toggle_large_text",
    [A_VOICE_TOGGLE] = "toggle_voice",
    [A_HEALTH] = "note_health",
    [A_READ_CARD] = "read_card",
    [A_DIGIT_METER] = "type_meter",
    [A_DIGIT_AMOUNT] = "type_amount",
    [A_DEL] = "delete",
    [A_CLEAR] = "clear",
    [A_LOOKUP] = "lookup",
    [A_TAKE_ACCOUNT] = "show_account",
    [A_SAY_UNKNOWN] = "say_unknown",
    [A_SAY_CARD] = "say_card_refused",
    [A_FORGET_ACCOUNT] = "forget_account",
    [A_PRESET] = "preset",
    [A_SAY_LIMITS] = "say_limits",
    [A_OPEN_CASH] = "open_sale(cash)",
    [A_OPEN_CARD] = "open_sale(card)",
    [A_OPEN_QR] = "open_sale(qr)",
    [A_SAY_DOWN] = "say_device_down",
    [A_START_PAYING] = "start_cash|pay_card|pay_qr",
    [A_SAY_NOT_OPENED] = "say_not_opened",
    [A_NOTE] = "running_total",
    [A_TERMINAL_TEXT] = "show_prompt",
    [A_FINISH_CASH] = "finish_cash",
    [A_ASK_STOP] = "ask_stop_and_credit",
    [A_KEEP] = "keep_inserting",
    [A_CANCEL_CARD] = "cancel_card",
    [A_SHOW_CODE] = "show_code",
    [A_COUNTDOWN] = "countdown",
    [A_CANCEL_QR] = "cancel_qr",
    [A_DELIVER] = "deliver",
    [A_SAY_NOT_PAID] = "say_not_paid",
    [A_OUTCOME] = "show_outcome",
    [A_FAILED] = "show_failure",
    [A_RECEIPT] = "note_receipt",
    [A_CHOOSE_ZERO] = "choose_zero",
    [A_OPEN_ZERO] = "open_sale(zero)",
    [A_DELIVER_ZERO] = "deliver_onto_card",
    [A_START_BILL] = "start_bill",
    [A_DIGIT_ACCOUNT] = "type_account",
    [A_ASK_DUE] = "ask_due",
    [A_TAKE_DUE] = "show_bills",
    [A_SAY_NO_DUE] = "say_no_bill",
    [A_FORGET_DUE] = "forget_bills",
};

static const char *const cmds[CMD_KIND_COUNT] = {
    [CMD_LOOKUP] = "lookup",         [CMD_READ_CARD] = "read_card",     [CMD_OPEN_SALE] = "open_sale",
    [CMD_START_CASH] = "start_cash", [CMD_FINISH_CASH] = "finish_cash", [CMD_PAY_CARD] = "pay_card",
    [CMD_CANCEL_CARD] = "cancel_card", [CMD_PAY_QR] = "pay_qr", [CMD_CANCEL_QR] = "cancel_qr", [CMD_DELIVER] = "deliver",     [CMD_PRINT_RECEIPT] = "print_receipt",
    [CMD_ASK_DUE] = "ask_due",
};

#define NAME(tab, i) ((size_t)(i) < sizeof tab / sizeof tab[0] && tab[i] ? tab[i] : "?")

const char *session_screen_name(session_screen_t s)
{
    return NAME(screens, s);
}

const char *session_control_name(session_control_t c)
{
    return NAME(controls, c);
}

const char *session_event_name(session_event_kind_t k)
{
    return NAME(events, k);
}

const char *session_guard_name(session_guard_t g)
{
    return NAME(guards, g);
}

const char *session_action_name(session_action_t a)
{
    return NAME(actions, a);
}

const char *session_cmd_name(session_cmd_kind_t k)
{
    return NAME(cmds, k);
}

session_screen_t session_screen_from_name(const char *name)
{
    for (int i = 0; i < SCR_COUNT; i++)
        if (strcmp(screens[i], name) == 0)
            return (session_screen_t)i;
    return SCR_COUNT;
}

/* "key7" and "preset2" carry a number after the control's name. */
static bool numbered(const char *id, const char *prefix, int max, int *out)
{
    size_t n = strlen(prefix);
    if (strncmp(id, prefix, n) != 0 || id[n] < '0' || id[n] > '9' || id[n + 1] != '\0')
        return false;
    *out = id[n] - '0';
    return *out < max;
}

bool session_control_from_id(const char *id, session_control_t *c, int *digit, int *index)
{
    *digit = *index = 0;
    if (numbered(id, "key", 10, digit)) {
        *c = CTL_KEY;
        return true;
    }
    if (numbered(id, "preset", SESSION_PRESETS + 1, index) && *index >= 1) {
        (*index)--; /* preset1 is the first */
        *c = CTL_PRESET;
        return true;
    }
    for (int i = CTL_START; i < CTL_COUNT; i++)
        if (i != CTL_KEY && i != CTL_PRESET && strcmp(controls[i], id) == 0) {
            *c = (session_control_t)i;
            return true;
        }
    return false;
}

void session_mask(const char *number, char out[16])
{
    size_t n = strnlen(number, 15);
    memcpy(out, number, n);
    out[n] = '\0';
    for (size_t i = 4; i + 4 < n; i++)
        out[i] = '*';
}
