/* What a journaled transaction looks like on the wire: its status
 * information (04 0F) and its print lines (06 D1), made from the journal
 * entry alone so that a repeated receipt is identical byte for byte. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/money.h"
#include "sim/paysim/psim.h"

#define LINE_LEN 40
#define MAX_LINES 10

typedef struct lines {
    char text[MAX_LINES][LINE_LEN + 1];
    size_t n;
} lines_t;

static void utc_of(int64_t ms, struct tm *tm)
{
    time_t t = (time_t)(ms / 1000);
    gmtime_r(&t, tm);
}

/* BMPs 0C (HHMMSS) and 0D (MMDD) of the terminal's clock, UTC. */
static bool put_time(psim_apdu_t *a, int64_t ms)
{
    struct tm tm;
    utc_of(ms, &tm);
    uint64_t hms = (uint64_t)tm.tm_hour * 10000u + (uint64_t)tm.tm_min * 100u + (uint64_t)tm.tm_sec;
    uint64_t md = (uint64_t)(tm.tm_mon + 1) * 100u + (uint64_t)tm.tm_mday;
    return psim_bmp_put_bcd(a, 0x0C, hms, 3) && psim_bmp_put_bcd(a, 0x0D, md, 2);
}

/* BMP 22: the masked PAN as BCD, E for a hidden digit, F after an odd one. */
static bool put_card(psim_apdu_t *a, const char *card)
{
    uint8_t bcd[10] = {0};
    size_t digits = strlen(card), n = (digits + 1) / 2;
    if (digits == 0 || n > sizeof bcd)
        return false;
    for (size_t i = 0; i < n * 2; i++) {
        uint8_t d = i >= digits ? 0x0F : card[i] == '*' ? 0x0E : (uint8_t)(card[i] - '0');
        bcd[i / 2] = (uint8_t)(bcd[i / 2] | (i % 2 ? d : d << 4));
    }
    return psim_bmp_put(a, 0x22, bcd, n);
}

/* A one-byte field (27 result, 8A card type): raw, not BCD. */
static bool put_byte(psim_apdu_t *a, uint8_t tag, uint8_t v)
{
    return psim_bmp_put(a, tag, &v, 1);
}

static bool put_reference(psim_apdu_t *a, const char *ref)
{
    return !ref[0] || psim_bmp_put(a, 0x3C, (const uint8_t *)ref, strlen(ref));
}

/* An approved payment or reversal: every field, in the profile's order. A
 * reversal's reference is the payment's with "R:" before it, so that it
 * can never be taken for the payment itself. */
static bool full_status(const psim_txn_t *t, psim_apdu_t *a)
{
    char ref[sizeof t->reference + 2];
    snprintf(ref, sizeof ref, "%s%s", t->kind == PSIM_REVERSAL && t->reference[0] ? "R:" : "", t->reference);
    return put_byte(a, 0x27, t->result) && psim_bmp_put_bcd(a, 0x04, (uint64_t)t->amount, 6) &&
           psim_bmp_put_bcd(a, 0x0B, t->trace, 3) && put_time(a, t->time_ms) && put_card(a, t->card) &&
           psim_bmp_put_bcd(a, 0x87, t->receipt, 2) && put_byte(a, 0x8A, t->card_type) &&
           psim_bmp_put_bcd(a, 0x49, t->currency, 2) && put_reference(a, ref);
}

/* End of day: the total in 04 and the count as text in 3C. */
static bool day_status(const psim_txn_t *t, psim_apdu_t *a)
{
    char count[32];
    snprintf(count, sizeof count, "count=%lld", (long long)t->count);
    return put_byte(a, 0x27, t->result) && psim_bmp_put_bcd(a, 0x04, (uint64_t)t->amount, 6) &&
           psim_bmp_put_bcd(a, 0x0B, t->trace, 3) && put_time(a, t->time_ms) &&
           psim_bmp_put_bcd(a, 0x49, t->currency, 2) && put_reference(a, count);
}

bool psim_status_apdu(const psim_txn_t *t, psim_apdu_t *out)
{
    memset(out, 0, sizeof *out);
    out->cls = 0x04;
    out->instr = 0x0F;
    if (t->kind == PSIM_END_OF_DAY)
        return day_status(t, out);
    if (t->result == PSIM_RC_OK)
        return full_status(t, out);
    /* declined or aborted: result, amount, reference (the profile's example) */
    return put_byte(out, 0x27, t->result) && psim_bmp_put_bcd(out, 0x04, (uint64_t)t->amount, 6) &&
           put_reference(out, t->reference);
}

static void add_line(lines_t *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_line(lines_t *l, const char *fmt, ...)
{
    va_list ap;
    if (l->n >= MAX_LINES)
        return;
    va_start(ap, fmt);
    vsnprintf(l->text[l->n++], LINE_LEN + 1, fmt, ap);
    va_end(ap);
}

static void money_line(lines_t *l, const char *label, int64_t amount, uint16_t numeric)
{
    char text[32];
    const currency_t *cur = currency_by_numeric(numeric);
    if (cur && money_format(amount, cur, MONEY_RECEIPT, text, sizeof text))
        add_line(l, "%s %s", label, text);
    else
        add_line(l, "%s %lld (currency %03u)", label, (long long)amount, numeric);
}

/* "4111 11** **** 1111" from "411111******1111". */
static void card_line(lines_t *l, const char *card)
{
    char text[32];
    size_t n = 0;
    for (size_t i = 0; card[i] && n + 2 < sizeof text; i++) {
        if (i && i % 4 == 0)
            text[n++] = ' ';
        text[n++] = card[i];
    }
    text[n] = '\0';
    add_line(l, "CARD %s", text);
}

static void head_lines(lines_t *l, const char *title, const psim_txn_t *t)
{
    struct tm tm;
    utc_of(t->time_ms, &tm);
    add_line(l, "%s", title);
    add_line(l, "TERMINAL %u", PSIM_TERMINAL_ID);
    add_line(l, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
}

static void payment_lines(lines_t *l, const psim_txn_t *t)
{
    head_lines(l, t->kind == PSIM_REVERSAL ? "REVERSAL" : "CARD PAYMENT", t);
    card_line(l, t->card);
    money_line(l, "AMOUNT", t->amount, t->currency);
    if (t->result != PSIM_RC_OK) {
        add_line(l, "DECLINED %02X", t->result);
        return;
    }
    add_line(l, "RECEIPT %04u TRACE %06u", t->receipt, t->trace);
    if (t->kind == PSIM_REVERSAL)
        add_line(l, "REVERSES RECEIPT %04u", t->reverses);
    add_line(l, "APPROVED");
}

static void day_lines(lines_t *l, const psim_txn_t *t)
{
    head_lines(l, "END OF DAY", t);
    add_line(l, "PAYMENTS %lld", (long long)t->count);
    money_line(l, "TOTAL", t->amount, t->currency);
    add_line(l, "TRACE %06u", t->trace);
}

size_t psim_print_lines(const psim_txn_t *t, psim_apdu_t *out, size_t max)
{
    lines_t l = {.n = 0};
    if (t->kind == PSIM_END_OF_DAY)
        day_lines(&l, t);
    else if (t->card[0]) /* no card read (aborted, wrong currency): nothing to print */
        payment_lines(&l, t);
    size_t n = l.n < max ? l.n : max;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(l.text[i]);
        memset(&out[i], 0, sizeof out[i]);
        out[i].cls = 0x06;
        out[i].instr = 0xD1;
        out[i].data[0] = 0x00; /* attribute: plain text */
        memcpy(out[i].data + 1, l.text[i], len);
        out[i].len = 1 + len;
    }
    return n;
}

void psim_completion_apdu(psim_apdu_t *out)
{
    memset(out, 0, sizeof *out);
    out->cls = 0x06;
    out->instr = 0x0F;
}

void psim_abort_apdu(uint8_t code, psim_apdu_t *out)
{
    memset(out, 0, sizeof *out);
    out->cls = 0x06;
    out->instr = 0x1E;
    out->data[0] = code;
    out->len = 1;
}
