/* libFuzzer target: the real ZVT card-terminal driver
 * (drivers/payterm/pt_zvt.c) through its ops table, against a terminal
 * whose every answer comes from the input (fuzz_line.h: APDUs, noise,
 * pieces, silence, delays, a dropped link, refused connections, failed
 * sends). The first byte sets the acknowledgement and result timeouts;
 * then each END step's next byte is a call (modulo 4): authorise, with two
 * bytes of amount (0x80: the largest BCD amount, 0x40 with it: one more)
 * and a resident watching (0x20) who cancels at the watch's question
 * 10 * (bits 2-4; 7: never); reverse, with two bytes of receipt number
 * (top bit set: 10000 and more, which BMP 87 cannot hold); last; end of
 * day. Between calls the script may leave bytes on the line: an earlier
 * dialogue's tail or a late answer, waiting for the next command.
 *
 * What the driver promises, checked on every APDU it sends and after
 * every call:
 * - it sends whole APDUs, and a command only on a connection it has
 *   registered on (06 00, with the password, config byte and currency);
 * - an authorisation is sent at most once per authorise call, with the
 *   amount, currency and reference asked for, and never by another call;
 *   an amount a BCD field cannot hold is refused without sending anything;
 * - a reversal names the receipt asked for, and one whose receipt BMP 87
 *   cannot hold is refused (a definite no: PT_OK, not approved) without
 *   sending anything; an
 *   abort (06 B0) is sent at most once, and only after the resident
 *   cancelled;
 * - approved only with PT_OK and result code 00;
 * - a result is the answer to the command just sent: after the command
 *   was written (bytes already on the line then do not count), on that
 *   connection, the terminal sent its acknowledgement, then, for an
 *   authorisation always and for any approval, a status information of
 *   that transaction (an authorisation's carries its reference; an
 *   approval's says 00 or nothing), then an end (an approval: 06 0F). So
 *   each result has an end of its own, none used twice, and no approval
 *   rests on what an earlier dialogue left on the line;
 * - the result's texts are terminated and within their arrays; the card
 *   number shows only digits, '*' and spaces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "core/money.h"
#include "drivers/payterm/payterm.h"
#include "drivers/payterm/zvt_apdu.h"
#include "fuzz/fuzz_line.h"

enum { CALL_AUTH, CALL_REVERSE, CALL_LAST, CALL_EOD };
#define AMOUNT_MAX 999999999999LL /* 6 bytes of BCD */

typedef struct probe {
    int call;
    unsigned registered_on; /* the connection a registration was sent on */
    int auths, aborts;      /* sent in this call */
    int until_cancel;       /* the resident cancels at this watch question (-1 never) */
    int asked;
    bool cancelled;
    unsigned n_auth;        /* authorisations asked for, for their references */
    int64_t amount;
    char reference[40];
    uint32_t receipt;
    int reversals;          /* sent in this call */
    bool sent;              /* the call's command was written... */
    unsigned sent_conn;     /* ...on this connection... */
    size_t frame_from;      /* ...when this much had been read on it... */
    size_t fresh_from;      /* ...and this much had been sent to the kiosk */
} probe_t;

/* An APDU from the script: class, instruction, length (FF: two more bytes,
 * lowest first), data. */
static size_t frame(const uint8_t *in, size_t avail, size_t *used, uint8_t *out, size_t cap)
{
    static zvt_apdu_t a;
    size_t head = 3, len = avail >= 3 ? in[2] : 0;
    if (avail >= 5 && len == 0xFF) {
        len = (size_t)(in[3] | in[4] << 8) % (ZVT_MAX_DATA + 1);
        head = 5;
    }
    if (avail < head) {
        *used = avail;
        return 0;
    }
    a.cls = in[0];
    a.instr = in[1];
    a.len = len < avail - head ? len : avail - head;
    memcpy(a.data, in + head, a.len);
    *used = head + a.len;
    return zvt_encode(&a, out, cap);
}

/* The last BMP `tag` in a's data from `from` on (as the driver reads them). */
static bool bmp_last(const zvt_apdu_t *a, size_t from, uint8_t tag, zvt_bmp_t *out)
{
    size_t off = from;
    zvt_bmp_t b;
    bool bad = false, found = false;
    while (zvt_bmp_next(a->data, a->len, &off, &b, &bad))
        if (b.tag == tag) {
            *out = b;
            found = true;
        }
    return found;
}

/* The value of BMP tag as BCD (UINT64_MAX if absent or not BCD). */
static uint64_t bmp_bcd(const zvt_apdu_t *a, size_t from, uint8_t tag)
{
    zvt_bmp_t b;
    uint64_t v;
    return bmp_last(a, from, tag, &b) && zvt_bcd_get(b.value, b.len, &v) ? v : UINT64_MAX;
}

static bool bmp_is(const zvt_apdu_t *a, uint8_t tag, const char *text)
{
    zvt_bmp_t b;
    return bmp_last(a, 0, tag, &b) && b.len == strlen(text) && memcmp(b.value, text, b.len) == 0;
}

static const uint8_t password[3] = {0x12, 0x34, 0x56};

static void check_command(probe_t *pr, const zvt_apdu_t *a)
{
    if (pr->registered_on != fline.connects)
        abort(); /* a command on a connection not registered */
    bool ok;
    if (a->instr == 0x01)
        ok = pr->call == CALL_AUTH && ++pr->auths == 1 && bmp_bcd(a, 0, 0x04) == (uint64_t)pr->amount &&
             bmp_bcd(a, 0, 0x49) == 156 && bmp_is(a, 0x3C, pr->reference);
    else if (a->instr == 0x30)
        ok = pr->call == CALL_REVERSE && a->len >= 3 && memcmp(a->data, password, 3) == 0 &&
             bmp_bcd(a, 3, 0x87) == pr->receipt;
    else
        ok = pr->call == (a->instr == 0x20 ? CALL_LAST : CALL_EOD) && a->len == 3 &&
             memcmp(a->data, password, 3) == 0;
    if (!ok)
        abort();
    pr->reversals += a->instr == 0x30;
    pr->sent = true;
    pr->sent_conn = fline.connects;
    pr->frame_from = fline.n_rx;
    pr->fresh_from = fline.n_rx + fline.n_wait; /* what waits on the line came before the command */
}

static void on_write(void *ctx, const uint8_t *p, size_t n)
{
    probe_t *pr = ctx;
    static zvt_stream_t s;
    static zvt_apdu_t a;
    bool bad = false;
    memset(&s, 0, sizeof s);
    if (!zvt_stream_feed(&s, p, n) || !zvt_stream_next(&s, &a, &bad) || s.n != 0)
        abort(); /* not one whole APDU */
    static const uint8_t reg[6] = {0x12, 0x34, 0x56, 0x0E, 0x01, 0x56};
    if (a.cls == 0x80 && a.instr == 0x00 && a.len == 0)
        return;
    if (a.cls != 0x06)
        abort();
    if (a.instr == 0x00) {
        if (a.len != 6 || memcmp(a.data, reg, 6) != 0)
            abort();
        pr->registered_on = fline.connects;
    } else if (a.instr == 0xB0) {
        if (pr->call != CALL_AUTH || !pr->cancelled || ++pr->aborts > 1)
            abort();
    } else if (a.instr == 0x01 || a.instr == 0x30 || a.instr == 0x20 || a.instr == 0x50) {
        check_command(pr, &a);
    } else {
        abort();
    }
}

/* The APDU at p (n bytes read) as a stream takes it: its length on the
 * wire, 0 if it is not whole or no APDU can be that long. */
static size_t apdu_at(const uint8_t *p, size_t n, zvt_apdu_t *a)
{
    size_t head = 3, len = n >= 3 ? p[2] : 0;
    if (n >= 3 && len == 0xFF) {
        head = 5;
        len = n >= 5 ? (size_t)(p[3] | p[4] << 8) : 0;
    }
    if (n < head || len > ZVT_MAX_DATA || n < head + len)
        return 0;
    a->cls = p[0];
    a->instr = p[1];
    a->len = len;
    memcpy(a->data, p + head, len);
    return head + len;
}

/* A status information of the transaction the call asked about that
 * agrees with the result: an authorisation's carries its reference; an
 * approval's result code is 00 or absent. */
static bool status_of(const probe_t *pr, const zvt_apdu_t *a, const pt_result_t *r)
{
    zvt_bmp_t b;
    if (a->cls != 0x04 || a->instr != 0x0F || (pr->call == CALL_AUTH && !bmp_is(a, 0x3C, pr->reference)))
        return false;
    return r->outcome != PT_APPROVED || !bmp_last(a, 0, 0x27, &b) || b.value[0] == 0x00;
}

/* A result (PT_OK) is the answer to the command the call sent: on the
 * connection it went out on, among the APDUs the terminal sent after it
 * (read from where the driver's stream starts, those begun before it
 * skipped): its acknowledgement, then (an authorisation, or an approval)
 * its status information, then an end (an approval: a completion). */
static void check_answer(const probe_t *pr, pt_err_t e, const pt_result_t *r)
{
    static zvt_apdu_t a;
    if (e != PT_OK || fline.rx_lost || (pr->call == CALL_REVERSE && pr->receipt > 9999))
        return; /* no result, or the driver's own refusal (checked where it is made) */
    if (!pr->sent || pr->sent_conn != fline.connects || pr->frame_from > fline.n_rx)
        abort(); /* a result with no command sent on this connection */
    bool need_status = pr->call == CALL_AUTH || r->outcome == PT_APPROVED;
    int stage = 0; /* 0: the acknowledgement, 1: the status information, 2: the end, 3: found */
    size_t k;
    for (size_t off = pr->frame_from; stage < 3 && (k = apdu_at(fline.rx + off, fline.n_rx - off, &a)) > 0;
         off += k) {
        if (off < pr->fresh_from)
            continue; /* sent before the command: not its answer */
        if (stage == 0 && a.cls == 0x80 && a.instr == 0x00)
            stage = need_status ? 1 : 2;
        else if (stage == 1 && status_of(pr, &a, r))
            stage = 2;
        else if (stage == 2 && a.cls == 0x06 && (a.instr == 0x0F || (a.instr == 0x1E && r->outcome != PT_APPROVED)))
            stage = 3;
    }
    if (stage < 3)
        abort(); /* a result the terminal never gave this command */
}

static bool terminated(const char *s, size_t size)
{
    return memchr(s, 0, size) != NULL;
}

static void check_result(pt_err_t e, const pt_result_t *r)
{
    if (e > PT_PROTOCOL || r->n_lines > PT_MAX_LINES || !terminated(r->masked_pan, sizeof r->masked_pan) ||
        !terminated(r->card_type, sizeof r->card_type) || !terminated(r->reference, sizeof r->reference) ||
        !terminated(r->reason, sizeof r->reason) || !terminated(r->order, sizeof r->order))
        abort();
    for (size_t i = 0; i < r->n_lines; i++)
        if (!terminated(r->lines[i], PT_LINE_LEN))
            abort();
    if (strspn(r->masked_pan, "0123456789* ") != strlen(r->masked_pan))
        abort();
    if (e == PT_OK && !r->reason[0])
        abort();
    if (r->outcome == PT_APPROVED && (e != PT_OK || r->code != 0))
        abort();
}

static void on_text(void *ctx, payment_prompt_t prompt, const char *text)
{
    (void)ctx;
    if (!text || !text[0] || prompt == PPROMPT_NONE || prompt > PPROMPT_SCAN_QR)
        abort();
}

static bool on_cancel(void *ctx)
{
    probe_t *pr = ctx;
    if (pr->until_cancel >= 0 && pr->asked++ >= pr->until_cancel)
        pr->cancelled = true;
    return pr->cancelled;
}

static pt_err_t authorise(payterm_t *t, probe_t *pr, uint8_t a, pt_result_t *r, kmsg_t *msg)
{
    uint8_t hi = fline_byte(), lo = fline_byte();
    pr->amount = a & 0x80 ? AMOUNT_MAX + (a & 0x40 ? 1 : 0) : 1 + (hi << 8 | lo);
    snprintf(pr->reference, sizeof pr->reference, "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9fa%05u:1", ++pr->n_auth % 100000);
    pr->until_cancel = (a >> 2 & 7) == 7 ? -1 : (a >> 2 & 7) * 10;
    pt_request_t req = {.amount = pr->amount, .reference = pr->reference, .meter = "000012345678", .currency = "CNY"};
    pt_watch_t w = {.prompt = on_text, .cancelled = on_cancel, .ctx = pr};
    pt_err_t e = t->ops->authorise(t->ctx, &req, a & 0x20 ? &w : NULL, r, msg);
    if (pr->amount > AMOUNT_MAX && (e != PT_PROTOCOL || pr->auths != 0))
        abort(); /* an amount no BCD field holds went out */
    return e;
}

static void call(payterm_t *t, probe_t *pr, uint8_t a)
{
    static pt_result_t r;
    kmsg_t msg;
    pt_err_t e;
    pr->call = a % 4;
    pr->auths = pr->aborts = pr->asked = pr->reversals = 0;
    pr->cancelled = pr->sent = false;
    memset(&r, 0, sizeof r); /* *out is the driver's to fill, only for PT_OK */
    switch (pr->call) {
    case CALL_AUTH: e = authorise(t, pr, a, &r, &msg); break;
    case CALL_REVERSE: {
        uint32_t raw = (uint32_t)(fline_byte() << 8 | fline_byte());
        pr->receipt = raw & 0x8000 ? 10000 + (raw & 0x7FFF) : raw % 10000; /* BMP 87 holds 0..9999 */
        e = t->ops->reverse(t->ctx, pr->receipt, &r, &msg);
        if (pr->receipt > 9999 && (e != PT_OK || r.outcome != PT_NOT_POSSIBLE || pr->reversals != 0))
            abort(); /* a reversal without its receipt number went out */
        break;
    }
    case CALL_LAST: e = t->ops->last(t->ctx, &r, &msg); break;
    default: e = t->ops->end_of_day(t->ctx, &r, &msg); break;
    }
    check_result(e, &r);
    check_answer(pr, e, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    log_set_level(getenv("FUZZ_DEBUG") ? LOG_DEBUG : LOG_ERROR); /* FUZZ_DEBUG=1: the dialogue */
    static probe_t pr;
    memset(&pr, 0, sizeof pr);
    fline_start(data + 1, size - 1, frame, on_write, &pr);
    const pt_zvt_opts_t o = {.address = "terminal:20007", .password = "123456",
                             .currency = currency_find("CNY")->numeric,
                             .ack_timeout_ms = 500 + (data[0] & 3) * 1500,
                             .timeout_ms = 2000 << (data[0] >> 2 & 3)};
    payterm_t t;
    kmsg_t msg;
    if (pt_zvt_open(&o, &t, &msg) != K_OK)
        abort();
    uint8_t a;
    for (int i = 0; i < 32 && fline_action(&a); i++)
        call(&t, &pr, a);
    payterm_close(&t);
    return 0;
}
