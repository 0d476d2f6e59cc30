#include "drivers/payterm/zvt_answer.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"

static void masked_pan(const zvt_bmp_t *b, char *out, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len && n + 2 < len; i++)
        for (int half = 0; half < 2; half++) {
            unsigned d = half ? b->value[i] & 0x0F : b->value[i] >> 4;
            if (d == 0x0F)
                continue;
            if (n > 0 && n % 5 == 4 && n + 2 < len)
                out[n++] = ' ';
            out[n++] = d <= 9 ? (char)('0' + d) : '*';
        }
    out[n] = '\0';
}

/* The fields of a status information (04 0F) that the kiosk keeps. */
static void read_status(const zvt_apdu_t *a, pt_result_t *out)
{
    size_t off = 0;
    zvt_bmp_t b;
    bool bad;
    uint64_t v;
    while (zvt_bmp_next(a->data, a->len, &off, &b, &bad)) {
        if (b.tag == 0x27)
            out->code = b.value[0];
        else if (b.tag == 0x04 && zvt_bcd_get(b.value, b.len, &v))
            out->amount = (int64_t)v;
        else if (b.tag == 0x87 && zvt_bcd_get(b.value, b.len, &v))
            out->receipt = (uint32_t)v;
        else if (b.tag == 0x0B && zvt_bcd_get(b.value, b.len, &v))
            out->trace = (uint32_t)v;
        else if (b.tag == 0x22)
            masked_pan(&b, out->masked_pan, sizeof out->masked_pan);
        else if (b.tag == 0x8A)
            snprintf(out->card_type, sizeof out->card_type, "type %u", b.value[0]);
        else if (b.tag == 0x3C)
            snprintf(out->reference, sizeof out->reference, "%.*s", (int)b.len, (const char *)b.value);
    }
}

/* An intermediate status (04 FF) as the resident's prompt. */
static payment_prompt_t intermediate_prompt(uint8_t code)
{
    switch (code) {
    case 0x0A: return PPROMPT_INSERT_CARD;
    case 0x0B: return PPROMPT_REMOVE_CARD;
    case 0x0E: return PPROMPT_WAIT;
    case 0x17: return PPROMPT_PIN;
    case 0x1C: return PPROMPT_APPROVED;
    case 0x1D: return PPROMPT_DECLINED;
    default: return PPROMPT_FOLLOW;
    }
}

static const char *const prompt_text[] = {
    [PPROMPT_NONE] = "", [PPROMPT_INSERT_CARD] = "Insert or tap your card", [PPROMPT_REMOVE_CARD] = "Remove your card",
    [PPROMPT_WAIT] = "Please wait", [PPROMPT_PIN] = "Enter your PIN", [PPROMPT_APPROVED] = "Approved",
    [PPROMPT_DECLINED] = "Declined", [PPROMPT_FOLLOW] = "Follow the instructions on the card terminal",
    [PPROMPT_SCAN_QR] = "Scan the code with your phone"};

/* True if the status information carries exactly this reference (its
 * last BMP 3C, as read_status keeps it). */
static bool has_reference(const zvt_apdu_t *a, const char *reference)
{
    size_t off = 0;
    zvt_bmp_t b, ref = {0};
    bool bad, found = false;
    while (zvt_bmp_next(a->data, a->len, &off, &b, &bad))
        if (b.tag == 0x3C) {
            ref = b;
            found = true;
        }
    return found && ref.len == strlen(reference) && memcmp(ref.value, reference, ref.len) == 0;
}

/* A status information: its fields into out if it is the command's own
 * (an authorisation's carries its reference); false if it is another's. */
static bool take_status(const zvt_apdu_t *a, const zvt_expect_t *x, pt_result_t *out)
{
    if (x->reference && !has_reference(a, x->reference)) {
        LOG_W("zvt", "a status information of another transaction: not the answer to authorisation %s, ignored",
              x->reference);
        return false;
    }
    out->reference[0] = '\0'; /* this status's own, or none */
    read_status(a, out);
    return true;
}

/* A ZVT result code in words ("declined by the card issuer"). */
static const char *result_text(uint8_t code)
{
    switch (code) {
    case 0x00: return "approved";
    case 0x64: return "card not readable";
    case 0x6C: return "aborted";
    case 0x6F: return "wrong currency";
    case 0x78: return "card expired";
    case 0x83: return "function not possible";
    case 0xB4: return "already reversed";
    case 0xB5: return "reversal not possible";
    default: return code <= 0x63 ? "declined by the card issuer" : "refused by the card terminal";
    }
}

/* The terminal's result code as the neutral outcome: 00 on a completion is
 * done; 83 "function not possible" is, for a repeated receipt, that there
 * is no transaction to repeat; B4 "already reversed"; B5 "reversal not
 * possible"; any other code is a no. */
static pt_outcome_t outcome_of(const zvt_expect_t *x, bool completed, uint8_t code)
{
    if (completed && code == 0x00)
        return PT_APPROVED;
    switch (code) {
    case 0x83: return x->repeat ? PT_NO_TRANSACTION : PT_NOT_POSSIBLE;
    case 0xB4: return PT_ALREADY_REVERSED;
    case 0xB5: return PT_NOT_POSSIBLE;
    default: return PT_DECLINED;
    }
}

zvt_took_t zvt__take(const zvt_apdu_t *a, const zvt_expect_t *x, const pt_watch_t *w, bool *have_status,
                     pt_result_t *out)
{
    if (a->cls == 0x04 && a->instr == 0xFF && a->len >= 1 && w && w->prompt) {
        payment_prompt_t p = intermediate_prompt(a->data[0]);
        w->prompt(w->ctx, p, prompt_text[p]);
    }
    else if (a->cls == 0x06 && a->instr == 0xD1 && a->len >= 1 && out->n_lines < PT_MAX_LINES)
        snprintf(out->lines[out->n_lines++], PT_LINE_LEN, "%.*s", (int)a->len - 1, (const char *)a->data + 1);
    else if (a->cls == 0x04 && a->instr == 0x0F)
        *have_status |= take_status(a, x, out);
    else if (a->cls == 0x06 && (a->instr == 0x0F || a->instr == 0x1E)) {
        if (!*have_status && (x->reference || (a->instr == 0x0F && x->status)))
            return ZVT_STRAY_END;
        if (a->instr == 0x1E)
            out->code = a->len >= 1 ? a->data[0] : 0xFF;
        else if (!*have_status)
            out->code = 0x00;
        out->outcome = outcome_of(x, a->instr == 0x0F, out->code);
        snprintf(out->reason, sizeof out->reason, "%s", result_text(out->code));
        return ZVT_END;
    }
    return ZVT_MORE;
}
