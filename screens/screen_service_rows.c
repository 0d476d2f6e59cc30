/* The service pages' values, worded and formatted in the language shown:
 * a row carries typed facts (core/service.h, svc_value_t) and only data
 * (ids, names, addresses) as text. */
#include <stdio.h>
#include <string.h>

#include "screens/screen_int.h"

#define N_(s) (s)

/* What an audit row's action was ("cash_collect"), in words, and whether
 * those words name its target already; an action with no words here is
 * shown as it is stored. */
static const char *action_words(const char *action, bool *names_target)
{
    static const struct {
        const char *action, *words;
        bool names_target;
    } table[] = {
        {"login", N_("signed in"), false},
        {"logout", N_("signed out"), false},
        {"login_refused", N_("sign-in refused"), false},
        {"cash_collect", N_("emptied the cash box"), true},
        {"card_issue", N_("issued a card"), false},
        {"card_replace", N_("replaced a card"), false},
        {"card_void", N_("voided a card"), false},
        {"card_read", N_("read a card"), false},
        {"meter_read", N_("read a meter"), false},
        {"meter_scan", N_("read every meter"), false},
        {"relay_trip", N_("cut the supply"), false},
        {"relay_close", N_("restored the supply"), false},
        {"txn_resume", N_("resumed a sale"), false},
        {"txn_confirm", N_("confirmed a sale"), false},
        {"txn_void", N_("voided a sale"), false},
        {"txn_zero", N_("closed a sale as not credited"), false},
        {"receipt_print", N_("printed a receipt"), false},
        {"park", N_("parked a sale"), false},
        {"document_applied", N_("applied a document"), false},
        {"identity_mismatch", N_("found another meter"), false},
    };
    *names_target = false;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].action, action) == 0) {
            *names_target = table[i].names_target;
            return _(table[i].words);
        }
    return action;
}

/* An audit row in words: "alice replaced a card 4B50...", "alice emptied
 * the cash box", "alice signed in" (a target that is the actor, or that
 * the action's words name, is not said again). */
static void audit_words(const svc_row_t *r, char *out, size_t len)
{
    bool named;
    const char *words = action_words(r->word, &named);
    if (named || !r->extra[0] || strcmp(r->extra, r->value) == 0)
        snprintf(out, len, "%s %s", r->value, words);
    else
        snprintf(out, len, "%s %s %s", r->value, words, r->extra);
}

/* A reason as the engine words it ("count_mismatch: ..."): its code in
 * words; in English the whole of it. */
static void reason_words(const sctx_t *c, const char *reason, char *out, size_t len)
{
    static const struct {
        const char *code, *words;
    } table[] = {
        {"payment_unknown", N_("whether the money was taken is not known")},
        {"count_mismatch", N_("the meter's purchase count does not match")},
        {"meter_refused", N_("the meter refused the credit")},
        {"meter_unreachable", N_("the meter does not answer")},
        {"read_back_failed", N_("the meter's answer was lost and could not be read back")},
        {"reversal_refused", N_("the card terminal refused to give the money back")},
        {"interrupted", N_("the kiosk stopped during the delivery")},
        {"offline", N_("the kiosk was offline")},
    };
    const char *colon = strchr(reason, ':');
    size_t n = colon ? (size_t)(colon - reason) : strlen(reason);
    if (c->v->lang == LANG_EN) {
        snprintf(out, len, "%s", reason);
        return;
    }
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strlen(table[i].code) == n && strncmp(table[i].code, reason, n) == 0) {
            snprintf(out, len, "%s", _(table[i].words));
            return;
        }
    snprintf(out, len, "%.*s", (int)n, reason); /* a code with no words here: as stored */
}

/* A delivery attempt's result ("timeout", "applied", a reason code). */
static const char *result_words(const char *result)
{
    static const struct {
        const char *code, *words;
    } table[] = {
        {"in_flight", N_("in flight")}, {"applied", N_("applied")},     {"repeated", N_("already applied")},
        {"timeout", N_("no answer")},   {"refused", N_("refused")},     {"count_mismatch", N_("count mismatch")},
        {"unreachable", N_("not reached")},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].code, result) == 0)
            return _(table[i].words);
    return result;
}

static const char *applied_words(int64_t applied)
{
    return applied > 0 ? _("applied: yes") : applied == 0 ? _("applied: no") : _("applied: not known");
}

void screen__svc_value(const sctx_t *c, const svc_row_t *r, char *out, size_t len)
{
    char a[40], b[40], t[40];
    switch (r->kind) {
    case SVV_TEXT: snprintf(out, len, "%s", r->value); return;
    case SVV_WORD: snprintf(out, len, "%s", _(r->value)); return;
    case SVV_REASON: reason_words(c, r->value, out, len); return;
    case SVV_MONEY: text_money(c, r->n, a); snprintf(out, len, "%s", a); return;
    case SVV_TIME:
        if (r->at)
            text_when(r->at, t);
        snprintf(out, len, "%s", r->at ? t : "-");
        return;
    case SVV_COUNT: snprintf(out, len, "%lld", (long long)r->n); return;
    case SVV_PAIR: snprintf(out, len, "%lld / %lld", (long long)r->n, (long long)r->m); return;
    case SVV_OF: snprintf(out, len, _("%lld of %lld"), (long long)r->n, (long long)r->m); return;
    case SVV_SECONDS: snprintf(out, len, _("%lld s"), (long long)r->n); return;
    case SVV_NEWEST: snprintf(out, len, _("%lld, the newest %lld below"), (long long)r->n, (long long)r->m); return;
    case SVV_OLDEST:
        snprintf(out, len, _("%lld, the oldest %lld shown (kioskctl ledger list shows them all)"), (long long)r->n,
                 (long long)r->m);
        return;
    case SVV_RANGE: text_money(c, r->n, a); text_money(c, r->m, b); snprintf(out, len, "%s .. %s", a, b); return;
    case SVV_NOTES:
        text_money(c, r->m, a);
        text_money(c, r->n * r->m, b);
        snprintf(out, len, "%s × %lld = %s", a, (long long)r->n, b);
        return;
    case SVV_TAKEN: text_money(c, r->m, a); snprintf(out, len, _("%lld, %s in all"), (long long)r->n, a); return;
    case SVV_PAID:
        text_money(c, r->m, a);
        text_when(r->at, t);
        snprintf(out, len, "%s %s, %s", a, _(r->word), t);
        return;
    case SVV_READING:
        text_money(c, r->m, a);
        if (r->at) {
            text_when(r->at, t);
            snprintf(out, len, _("count %lld, balance %s, %s"), (long long)r->n, a, t);
        } else {
            snprintf(out, len, _("count %lld, %s"), (long long)r->n, a);
        }
        return;
    case SVV_ATTEMPT:
        snprintf(out, len, _("count %lld, %s, %s"), (long long)r->n, result_words(r->value), applied_words(r->m));
        return;
    case SVV_AUDIT: audit_words(r, out, len); return;
    case SVV_METER: snprintf(out, len, "%s (%s)", r->value, _(r->word)); return;
    }
    snprintf(out, len, "%s", r->value);
}

void screen__svc_item(const sctx_t *c, const svc_item_t *it, char *out, size_t len)
{
    char a[40] = "";
    if (it->has_amount)
        text_money(c, it->amount, a);
    snprintf(out, len, "%s%s%s%s%s", it->text, a[0] ? "  " : "", a, it->word[0] ? "  " : "", it->word[0] ? _(it->word) : "");
}
