/* Words and numbers as the screens show them. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "screens/screen_int.h"

void text_money_in(const currency_t *cur, int64_t minor, char out[40])
{
    if (!money_format(minor, cur, MONEY_SCREEN, out, 40))
        snprintf(out, 40, "%lld", (long long)minor);
}

void text_money(const sctx_t *c, int64_t minor, char out[40])
{
    text_money_in(c->info->currency, minor, out);
}

void text_money_whole(const sctx_t *c, int64_t minor, char out[40])
{
    text_money(c, minor, out);
    char *dot = strrchr(out, '.');
    if (dot && strspn(dot + 1, "0") == strlen(dot + 1))
        *dot = '\0';
}

void text_energy(const sctx_t *c, int64_t milli, char out[40])
{
    meter_quantity_format(c->v->account.kind, milli, UNIT_SCREEN, out);
}

void text_when(int64_t ms, char out[40])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(out, 40, "%Y-%m-%d %H:%M", &tm))
        snprintf(out, 40, "?");
}

void text_grouped(const char *digits, char out[40])
{
    size_t o = 0;
    for (size_t i = 0; digits[i] && o + 2 < 40; i++) {
        if (i && i % 4 == 0)
            out[o++] = ' ';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

void text_reference(const char *txn, char out[16])
{
    receipt_reference(txn, out);
}

static const char *verdict_text(session_card_verdict_t v, meter_kind_t kind)
{
    bool water = kind == METER_WATER;
    switch (v) {
    case CARDV_OK: return "";
    case CARDV_UNREADABLE: return _("The card could not be read. Take it out and insert it again.");
    case CARDV_BLANK: return _("This card is not issued yet. Please ask the staff.");
    case CARDV_BLOCKED: return _("This card is blocked. Please ask the staff.");
    case CARDV_UNKNOWN_METER: return _("This card's meter is not served by this kiosk.");
    case CARDV_REPLACED: return _("This card was replaced by a newer card. Please use the new card.");
    case CARDV_NOT_TAKEN:
        return water ? _("Insert the card into your water meter first: it still holds the last purchase.")
                     : _("Insert the card into your meter first: it still holds the last purchase.");
    case CARDV_PENDING:
        return water ? _("A purchase for this water meter waits for another card. Please use that card.")
                     : _("A purchase for this meter waits for another card. Please use that card.");
    }
    return "";
}

const char *text_bill_refused(const session_view_t *v)
{
    static char said[240]; /* the main thread's: the screens and the voice */
    const char *a = v->bill.account;
    if (v->reason == REASON_ACCOUNT_UNKNOWN)
        snprintf(said, sizeof said, _("Account %s not found. Please check the number on your bill."), a);
    else if (v->reason == REASON_NOTHING_DUE)
        snprintf(said, sizeof said, _("No bill is due for account %s. Nothing was charged."), a);
    else if (v->reason == REASON_ACCOUNT_ELSEWHERE)
        snprintf(said, sizeof said, _("Account %s cannot be paid at this kiosk."), a);
    else
        snprintf(said, sizeof said, "%s", _("The office does not answer now. Please try again later."));
    return said;
}

const char *text_message(const session_view_t *v)
{
    switch (v->message) {
    case MSG_NONE: return "";
    case MSG_METER_UNKNOWN: return _("This meter number is not served here. Please check it.");
    case MSG_METER_DIGITS: return _("Please type all 12 digits of the meter number.");
    case MSG_AMOUNT_LOW: return _("The amount is below the smallest top-up.");
    case MSG_AMOUNT_HIGH: return _("The amount is above the largest top-up.");
    case MSG_CARD_REFUSED: return verdict_text(v->verdict, v->account.kind);
    case MSG_NOT_PAID: return _("The payment did not go through. Nothing was charged.");
    case MSG_SALE_FAILED: return _("The top-up could not be started. Please try again.");
    case MSG_DEVICE_DOWN: return _("This way to pay is not available now.");
    case MSG_BILL_REFUSED: return text_bill_refused(v);
    }
    return "";
}

const char *text_reason(session_reason_t r)
{
    switch (r) {
    case REASON_METER_UNKNOWN: return _("This meter number is not served here. Please check it.");
    case REASON_METER_CLOSED:
        return _("This meter cannot be topped up: its account is closed. Please ask the utility's office.");
    case REASON_OVER_LIMIT: return _("The amount is more than one top-up may be.");
    case REASON_OFFLINE_LIMIT:
        return _("The kiosk cannot reach its office now and may not sell this amount. Try less, or come back later.");
    case REASON_DEVICE_DOWN: return _("The device for this way to pay is not working now.");
    case REASON_STAFF_BUSY: return _("Staff are working on the kiosk. Please try again in a minute.");
    case REASON_DECLINED: return _("The payment was declined.");
    case REASON_CANCELLED: return _("The payment was cancelled.");
    case REASON_EXPIRED: return _("The time to pay ran out.");
    case REASON_NO_ANSWER: return _("The payment service did not answer in time.");
    case REASON_FAILED: return _("Something went wrong. Please try again or ask the staff.");
    case REASON_ACCOUNT_UNKNOWN:
    case REASON_NOTHING_DUE:
    case REASON_ACCOUNT_ELSEWHERE: break; /* said with the account: text_bill_refused */
    case REASON_NONE:
    case REASON_COUNT: break;
    }
    return "";
}

void text_shown(sctx_t *c, const char *text)
{
    screen_frame_t *f = c->f;
    size_t n = strlen(text);
    if (f->texts_len + n + 2 > sizeof f->texts)
        return;
    memcpy(f->texts + f->texts_len, text, n);
    f->texts_len += n;
    f->texts[f->texts_len++] = '\n';
    f->texts[f->texts_len] = '\0';
}

void text_problem(const sctx_t *c, const char *fmt, ...)
{
    if (c->f->n_problems >= SCREEN_MAX_PROBLEMS)
        return;
    char *out = c->f->problems[c->f->n_problems++];
    int n = snprintf(out, sizeof c->f->problems[0], "%s: ", c->name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + n, sizeof c->f->problems[0] - (size_t)n, fmt, ap);
    va_end(ap);
}
