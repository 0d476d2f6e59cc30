/* libFuzzer target: the real ccTalk bill-acceptor driver
 * (drivers/cash/cash_cctalk.c) through its ops table, against a bill
 * validator whose every answer comes from the input (fuzz_line.h: frames,
 * noise, pieces, silence, delays, a broken line, failed writes, an echoing
 * line). The first byte sets the line's echo and the counter the kiosk
 * last handled; then the driver is opened (its set-up dialogue) and each
 * END step's next byte is a call: enable, disable, poll, route, or the
 * counter set again.
 *
 * What the driver promises, checked after every call:
 * - every frame it writes is a whole ccTalk frame to the validator;
 * - events come oldest first with counters that step by one (255 wraps to
 *   1) from the last one handled and never go back; a reset is alone with
 *   counter 0; lost events are alone, more than 5 steps on, and the driver
 *   has told the validator to stop accepting;
 * - a note's value is 0 or a whole number of yuan of a bill type 1..16;
 * - the validator is told to accept only while the kiosk wants notes
 *   (after enable, before disable or lost events);
 * - only route() routes, exactly one route command per call (never
 *   blindly twice);
 * - a call that succeeds (the driver opened, enable, disable, poll, route)
 *   ended on a genuine answer to the last command it wrote: a frame from
 *   the validator to the host with header 0 (ACK; not any header but a
 *   NAK) and the data bytes the profile gives that command, read after
 *   the command went out; route bill's is one byte, 0 (done). */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "drivers/cash/cash.h"
#include "drivers/cash/cctalk_frame.h"
#include "fuzz/fuzz_line.h"
#include "kiosk/site/site_policy.h"

enum {
    H_ROUTE = 154,
    H_BILL_ID = 157,
    H_EVENTS = 159,
    H_MASTER = 228,
    H_SERIAL = 242,
    H_PRODUCT = 244,
    H_CATEGORY = 245,
    H_MANUFACTURER = 246,
};
enum { CALL_OTHER, CALL_ROUTE };

typedef struct probe {
    int call;
    int routes;          /* route commands written in this call */
    bool inhibit_sent;   /* "accept nothing" written in this call */
    bool accept_wanted;  /* the kiosk asked for notes and has not said stop */
    uint32_t last;       /* the last counter handled, as the kiosk knows it */
    bool wrote;          /* a command was written in this call... */
    uint8_t header;      /* ...the last one's header... */
    size_t n_sent;       /* ...and length (the echo of it comes first) */
} probe_t;

/* A reply from the script: flags (bit 0 another sender, bit 1 addressed to
 * the validator, bit 2 a wrong checksum), header, data length, data. */
static size_t frame(const uint8_t *in, size_t avail, size_t *used, uint8_t *out, size_t cap)
{
    if (avail < 3) {
        *used = avail;
        return 0;
    }
    cctalk_frame_t f = {.dest = in[0] & 2 ? CCTALK_BILL : CCTALK_HOST,
                        .src = in[0] & 1 ? 2 : CCTALK_BILL,
                        .header = in[1]};
    size_t len = in[2] < avail - 3 ? in[2] : avail - 3;
    f.len = (uint8_t)(len < CCTALK_MAX_DATA ? len : CCTALK_MAX_DATA);
    memcpy(f.data, in + 3, f.len);
    *used = 3 + f.len;
    size_t n = cctalk_encode(&f, out, cap);
    if (n && in[0] & 4)
        out[n - 1] ^= 0x5A;
    return n;
}

static void on_write(void *ctx, const uint8_t *p, size_t n)
{
    probe_t *pr = ctx;
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + p[i]);
    if (n < 5 || n != 5u + p[1] || sum != 0 || p[0] != CCTALK_BILL || p[2] != CCTALK_HOST)
        abort(); /* not a whole frame to the validator */
    if (p[3] == H_ROUTE && (pr->call != CALL_ROUTE || ++pr->routes > 1))
        abort(); /* routed outside route(), or twice in one call */
    if (p[3] == H_MASTER && p[1] == 1 && (p[4] & 1) && !pr->accept_wanted)
        abort(); /* told to take notes the kiosk did not ask for */
    if (p[3] == H_MASTER && p[1] == 1 && !(p[4] & 1))
        pr->inhibit_sent = true;
    pr->wrote = true;
    pr->header = p[3];
    pr->n_sent = n;
    fline_mark(); /* what is read from now on answers this command */
}

/* The data bytes of the answer to a command (docs/protocols/cctalk.md,
 * "Commands used"): at least *min, at most *max. */
static void answer_len(uint8_t header, unsigned *min, unsigned *max)
{
    *min = *max = 0; /* simple poll, reset, the modify commands */
    if (header == H_MANUFACTURER || header == H_CATEGORY || header == H_PRODUCT) {
        *min = 1;
        *max = CCTALK_MAX_DATA;
    } else if (header == H_SERIAL) {
        *min = *max = 3;
    } else if (header == H_BILL_ID) {
        *min = *max = 7;
    } else if (header == H_EVENTS) {
        *min = *max = 11;
    } else if (header == H_ROUTE) {
        *min = *max = 1;
    }
}

/* True if the bytes read since the last command was written (after its
 * echo) hold a genuine answer to it: a whole frame from the validator to
 * the host, header 0, with the data bytes the command takes (route bill:
 * 0, done). */
static bool answered(const probe_t *pr)
{
    size_t skip = fline.echo ? pr->n_sent : 0;
    const uint8_t *b = fline.rx + skip;
    size_t n = fline.n_rx > skip ? fline.n_rx - skip : 0;
    unsigned min, max;
    answer_len(pr->header, &min, &max);
    for (size_t i = 0; i + 5 <= n; i++) {
        size_t total = 5u + b[i + 1];
        if (i + total > n || b[i] != CCTALK_HOST || b[i + 2] != CCTALK_BILL || b[i + 3] != CCTALK_ACK ||
            b[i + 1] < min || b[i + 1] > max || (pr->header == H_ROUTE && b[i + 4] != 0))
            continue;
        uint8_t sum = 0;
        for (size_t k = 0; k < total; k++)
            sum = (uint8_t)(sum + b[i + k]);
        if (sum == 0)
            return true;
    }
    return false;
}

/* A call that succeeded ended on a genuine answer to its last command. */
static void check_answered(const probe_t *pr, cash_err_t e)
{
    if (e == CASH_OK && pr->wrote && !fline.rx_lost && !answered(pr))
        abort(); /* done on something that is not the device's ACK of the command */
}

static uint32_t steps(uint32_t from, uint32_t to)
{
    return to >= from ? to - from : to + 255 - from;
}

static void check_note(const cash_event_t *e)
{
    bool note = e->kind == CASH_ESCROW || e->kind == CASH_STACKED;
    if (!note && (e->bill_type != 0 || e->value != 0))
        abort();
    if (note && (e->bill_type < 1 || e->bill_type > 255 || e->value < 0 ||
                 (e->value > 0 && (e->bill_type > 16 || e->value % 100 != 0 || e->value > 999900))))
        abort(); /* CNY notes: whole yuan, four digits at most, of a known type */
}

static void check_event(probe_t *pr, const cash_event_t *e, size_t n)
{
    if (e->kind > CASH_OTHER || !memchr(e->text, 0, sizeof e->text))
        abort();
    if (e->kind == CASH_RESET) {
        if (n != 1 || e->counter != 0)
            abort();
    } else if (e->kind == CASH_LOST_EVENTS) {
        if (n != 1 || e->counter < 1 || e->counter > 255 || !pr->inhibit_sent ||
            (pr->last != CASH_COUNTER_UNKNOWN && steps(pr->last, e->counter) <= 5))
            abort();
        pr->accept_wanted = false;
    } else {
        uint32_t want = pr->last >= 255 ? 1 : pr->last + 1;
        if (e->counter < 1 || e->counter > 255 || (pr->last != CASH_COUNTER_UNKNOWN && e->counter != want))
            abort(); /* not the next event: out of order, repeated or gone back */
        check_note(e);
    }
    pr->last = e->counter;
}

static void poll(cash_t *c, probe_t *pr)
{
    cash_event_t ev[CASH_MAX_EVENTS];
    size_t n = 0;
    kmsg_t msg;
    check_answered(pr, c->ops->poll(c->ctx, ev, &n, &msg));
    if (n > CASH_MAX_EVENTS)
        abort();
    for (size_t i = 0; i < n; i++)
        check_event(pr, &ev[i], n);
}

static void route(cash_t *c, probe_t *pr, bool stack)
{
    kmsg_t msg;
    pr->call = CALL_ROUTE;
    cash_err_t e = c->ops->route(c->ctx, stack, &msg);
    if (pr->routes != 1)
        abort(); /* one route command */
    check_answered(pr, e); /* done only when the validator said so */
}

static void enable(cash_t *c, probe_t *pr, uint8_t pick)
{
    static const int64_t notes[] = {100, 500, 1000, 2000, 5000, 10000, 20000, 50000};
    int64_t values[8];
    size_t n = 0;
    for (int i = 0; i < 8; i++)
        if (pick & (1u << i))
            values[n++] = notes[i];
    kmsg_t msg;
    pr->accept_wanted = true;
    check_answered(pr, c->ops->enable(c->ctx, values, n, &msg));
}

static void call(cash_t *c, probe_t *pr, uint8_t a)
{
    kmsg_t msg;
    pr->call = CALL_OTHER;
    pr->routes = 0;
    pr->inhibit_sent = pr->wrote = false;
    switch ((a & 0x0F) % 5) {
    case 0: enable(c, pr, fline_byte()); break;
    case 1:
        pr->accept_wanted = false;
        check_answered(pr, c->ops->disable(c->ctx, &msg));
        break;
    case 2: poll(c, pr); break;
    case 3: route(c, pr, a & 0x10); break;
    default:
        pr->last = a & 0x80 ? CASH_COUNTER_UNKNOWN : fline_byte();
        c->ops->set_counter(c->ctx, pr->last);
        break;
    }
    cash_info_t info;
    c->ops->info(c->ctx, &info);
    if (!memchr(info.manufacturer, 0, sizeof info.manufacturer) || !memchr(info.product, 0, sizeof info.product) ||
        !memchr(info.serial, 0, sizeof info.serial))
        abort();
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
    fline.echo = data[0] & 1;
    cash_t cash;
    kmsg_t msg;
    const cash_cctalk_opts_t o = {.device = "fuzz-line", .setting = "cash.device", .echo = fline.echo,
                                  .currency = "CNY", .retry = site_cctalk_retry()};
    if (cash_cctalk_open(&o, &cash, &msg) != K_OK)
        return 0;
    check_answered(&pr, CASH_OK); /* set up: its last command answered */
    pr.last = data[0] & 2 ? CASH_COUNTER_UNKNOWN : data[0] >> 2;
    cash.ops->set_counter(cash.ctx, pr.last);
    uint8_t a;
    for (int i = 0; i < 64 && fline_action(&a); i++)
        call(&cash, &pr, a);
    cash_close(&cash);
    return 0;
}
