/* The ccTalk bill validator (docs/protocols/cctalk.md): identification,
 * inhibits, escrow with route-bill, and the buffered event counter with its
 * wrap, lost events and resets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "core/money.h"
#include "drivers/cash/cash.h"
#include "drivers/cash/cctalk_frame.h"
#include "drivers/transport/serial.h"

enum {
    H_RESET = 1,
    H_MODE = 153,
    H_ROUTE = 154,
    H_BILL_ID = 157,
    H_EVENTS = 159,
    H_MASTER = 228,
    H_INHIBITS = 231,
    H_SERIAL = 242,
    H_PRODUCT = 244,
    H_CATEGORY = 245,
    H_MANUFACTURER = 246,
    H_POLL = 254,
    N_TYPES = 16,
    REPLY_MS = 300, /* a ccTalk device answers within tens of milliseconds */
    BAUD = 9600,    /* ccTalk's serial speed */
};

typedef struct cct {
    int fd;
    bool echo;
    kretry_t retry;
    const kclock_t *clk;
    char country[3];
    unsigned exponent;
    int64_t value[N_TYPES + 1]; /* by bill type; 0 = not a note of our currency */
    uint32_t last;              /* last event counter handled */
    bool accepting;
    uint16_t mask;
    cash_info_t info;
    cctalk_stream_t rx;
} cct_t;

/* Drops the echo of what we sent, if the line echoes. */
static bool skip_echo(cct_t *c, const uint8_t *sent, size_t n)
{
    uint8_t got[CCTALK_MAX_FRAME];
    size_t have = 0;
    while (c->echo && have < n) {
        long r = serial_read(c->fd, got + have, n - have, REPLY_MS);
        if (r <= 0)
            return false;
        have += (size_t)r;
    }
    return !c->echo || memcmp(got, sent, n) == 0;
}

/* The data bytes of the answer to a command (docs/protocols/cctalk.md,
 * "Commands used"): at least *min, at most *max. */
static void answer_len(uint8_t header, unsigned *min, unsigned *max)
{
    *min = *max = 0; /* simple poll, reset, the modify commands: a bare ACK */
    switch (header) {
    case H_MANUFACTURER:
    case H_CATEGORY:
    case H_PRODUCT:
        *min = 1;
        *max = CCTALK_MAX_DATA;
        return;
    case H_SERIAL: *min = *max = 3; return;
    case H_BILL_ID: *min = *max = 7; return;
    case H_EVENTS: *min = *max = 11; return;
    case H_ROUTE: *min = *max = 1; return;
    default: return;
    }
}

/* A reply that is not a NAK is the answer only if it is an ACK (header 0)
 * with the data the command takes; anything else is a device error. */
static cash_err_t genuine(uint8_t header, const cctalk_frame_t *r, kmsg_t *msg)
{
    unsigned min, max;
    char why[96];
    answer_len(header, &min, &max);
    if (r->header != CCTALK_ACK)
        snprintf(why, sizeof why, "answered command %u with header %u, neither ACK nor NAK", header, r->header);
    else if (r->len < min || r->len > max)
        snprintf(why, sizeof why, "answered command %u with %u data bytes instead of %u%s", header, r->len, min,
                 max > min ? " or more" : "");
    else
        return CASH_OK;
    LOG_W("cctalk", "bill acceptor %s", why);
    kmsg_set(msg, K_EDEVICE, "bill acceptor %s (a device fault: check the bill acceptor and its line)", why);
    return CASH_PROTOCOL;
}

/* One request, one answer. */
static cash_err_t exchange_once(cct_t *c, uint8_t header, const uint8_t *data, size_t n, cctalk_frame_t *reply,
                                kmsg_t *msg)
{
    cctalk_frame_t f = {.dest = CCTALK_BILL, .src = CCTALK_HOST, .header = header, .len = (uint8_t)n};
    if (n)
        memcpy(f.data, data, n);
    uint8_t out[CCTALK_MAX_FRAME];
    size_t len = cctalk_encode(&f, out, sizeof out);
    serial_drain(c->fd);
    memset(&c->rx, 0, sizeof c->rx);
    log_hex(LOG_DEBUG, "cctalk", "send", out, len);
    if (!serial_write(c->fd, out, len)) {
        kmsg_set(msg, K_EIO, "bill acceptor: cannot write to the serial device");
        return CASH_IO;
    }
    if (!skip_echo(c, out, len)) {
        kmsg_set(msg, K_EDEVICE, "bill acceptor: the line did not echo what was sent (check cash.echo)");
        return CASH_NO_ANSWER;
    }
    for (int waited = 0; waited < REPLY_MS; waited += 20) {
        uint8_t buf[64];
        long r = serial_read(c->fd, buf, sizeof buf, 20);
        if (r < 0) {
            kmsg_set(msg, K_EIO, "bill acceptor: the serial device failed");
            return CASH_IO;
        }
        cctalk_stream_feed(&c->rx, buf, (size_t)r);
        while (cctalk_stream_next(&c->rx, CCTALK_HOST, reply)) {
            log_hex(LOG_DEBUG, "cctalk", "received", reply->data, reply->len);
            if (reply->src != CCTALK_BILL)
                continue;
            if (reply->header == CCTALK_NAK) {
                kmsg_set(msg, K_EDEVICE, "bill acceptor refused command %u", header);
                return CASH_REFUSED;
            }
            return genuine(header, reply, msg);
        }
    }
    kmsg_set(msg, K_ETIMEOUT, "bill acceptor: no answer to command %u", header);
    return CASH_NO_ANSWER;
}

/* Idempotent commands are tried again as the retry policy says, when
 * unanswered or answered with something that is not their answer. */
static cash_err_t exchange(cct_t *c, uint8_t header, const uint8_t *data, size_t n, cctalk_frame_t *reply,
                           kmsg_t *msg)
{
    cash_err_t e = CASH_NO_ANSWER;
    for (unsigned i = 0; (e == CASH_NO_ANSWER || e == CASH_PROTOCOL) && kretry_next(&c->retry, c->clk, i); i++)
        e = exchange_once(c, header, data, n, reply, msg);
    return e;
}

static cash_err_t ask_text(cct_t *c, uint8_t header, char *out, size_t len, kmsg_t *msg)
{
    cctalk_frame_t r;
    cash_err_t e = exchange(c, header, NULL, 0, &r, msg);
    if (e == CASH_OK)
        snprintf(out, len, "%.*s", (int)r.len, (const char *)r.data);
    return e;
}

/* "CN0020A" -> 2000 minor units, if the note is of our currency. */
static int64_t note_value(const cct_t *c, const uint8_t *id, size_t n)
{
    if (n != 7 || memcmp(id, c->country, 2) != 0)
        return 0;
    int64_t major = 0;
    for (int i = 2; i < 6; i++) {
        if (id[i] < '0' || id[i] > '9')
            return 0;
        major = major * 10 + (id[i] - '0');
    }
    int64_t v = major;
    for (unsigned i = 0; i < c->exponent; i++)
        v *= 10;
    return v;
}

static cash_err_t send_state(cct_t *c, kmsg_t *msg)
{
    cctalk_frame_t r;
    const uint8_t mode = 0x03, mask[2] = {(uint8_t)(c->mask & 0xFF), (uint8_t)(c->mask >> 8)};
    const uint8_t master = c->accepting ? 1 : 0;
    cash_err_t e = exchange(c, H_MODE, &mode, 1, &r, msg);
    if (e == CASH_OK)
        e = exchange(c, H_INHIBITS, mask, 2, &r, msg);
    if (e == CASH_OK)
        e = exchange(c, H_MASTER, &master, 1, &r, msg);
    return e;
}

/* Identification, bill ids, and the state the kiosk last asked for. */
static cash_err_t setup(cct_t *c, kmsg_t *msg)
{
    cctalk_frame_t r;
    cash_err_t e = exchange(c, H_POLL, NULL, 0, &r, msg);
    if (e == CASH_OK)
        e = ask_text(c, H_MANUFACTURER, c->info.manufacturer, sizeof c->info.manufacturer, msg);
    if (e == CASH_OK)
        e = ask_text(c, H_PRODUCT, c->info.product, sizeof c->info.product, msg);
    if (e == CASH_OK && (e = exchange(c, H_SERIAL, NULL, 0, &r, msg)) == CASH_OK)
        snprintf(c->info.serial, sizeof c->info.serial, "%u", r.data[0] | r.data[1] << 8 | r.data[2] << 16);
    for (uint8_t t = 1; e == CASH_OK && t <= N_TYPES; t++)
        if ((e = exchange(c, H_BILL_ID, &t, 1, &r, msg)) == CASH_OK)
            c->value[t] = note_value(c, r.data, r.len);
    if (e == CASH_OK)
        e = send_state(c, msg);
    if (e == CASH_OK)
        LOG_I("cctalk", "bill acceptor %s %s serial %s ready", c->info.manufacturer, c->info.product, c->info.serial);
    return e;
}

static void cct_info(void *ctx, cash_info_t *out)
{
    *out = ((cct_t *)ctx)->info;
}

static void cct_set_counter(void *ctx, uint32_t counter)
{
    ((cct_t *)ctx)->last = counter;
}

static cash_err_t cct_enable(void *ctx, const int64_t *values, size_t n, kmsg_t *msg)
{
    cct_t *c = ctx;
    c->mask = 0;
    for (int t = 1; t <= N_TYPES; t++)
        for (size_t i = 0; i < n; i++)
            if (c->value[t] && c->value[t] == values[i])
                c->mask |= (uint16_t)(1u << (t - 1));
    c->accepting = true;
    return send_state(c, msg);
}

static cash_err_t cct_disable(void *ctx, kmsg_t *msg)
{
    cct_t *c = ctx;
    cctalk_frame_t r;
    const uint8_t master = 0;
    c->accepting = false;
    return exchange(c, H_MASTER, &master, 1, &r, msg);
}

/* A status pair (A = 0) as an event. */
static cash_event_kind_t status_kind(uint8_t b, const char **text)
{
    static const struct {
        cash_event_kind_t kind;
        const char *text;
    } table[] = {
        {CASH_OTHER, "master inhibit active"}, {CASH_RETURNED, "returned from escrow"},
        {CASH_REJECTED, "validation failed"},  {CASH_FAULT, "transport problem"},
        {CASH_REJECTED, "inhibited"},          {CASH_REJECTED, "inhibited by switch"},
        {CASH_JAM, "jammed in transport"},     {CASH_JAM, "jammed in stacker"},
        {CASH_FRAUD, "note pulled backwards"}, {CASH_FRAUD, "tamper"},
        {CASH_OTHER, "stacker ok"},            {CASH_BOX_REMOVED, "cash box removed"},
        {CASH_BOX_INSERTED, "cash box inserted"}, {CASH_FAULT, "stacker faulty"},
        {CASH_BOX_FULL, "cash box full"},      {CASH_JAM, "stacker jammed"},
        {CASH_JAM, "jammed in transport (safe)"}, {CASH_FRAUD, "opto fraud"},
        {CASH_FRAUD, "string fraud"},          {CASH_FRAUD, "anti-string failure"},
        {CASH_OTHER, "barcode detected"},      {CASH_FAULT, "unknown note stacked"},
        {CASH_JAM_CLEARED, "jam cleared"},
    };
    if (b < sizeof table / sizeof table[0]) {
        *text = table[b].text;
        return table[b].kind;
    }
    *text = "unknown status";
    return CASH_OTHER;
}

static void pair_event(const cct_t *c, uint8_t a, uint8_t b, uint32_t counter, cash_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->counter = counter;
    if (a == 0) {
        const char *text;
        ev->kind = status_kind(b, &text);
        snprintf(ev->text, sizeof ev->text, "%s", text);
        return;
    }
    ev->bill_type = a;
    ev->value = a <= N_TYPES ? c->value[a] : 0;
    ev->kind = b == 1 ? CASH_ESCROW : CASH_STACKED;
    snprintf(ev->text, sizeof ev->text, "note type %u %s", a, b == 1 ? "in escrow" : "stacked");
}

/* Steps from counter `from` to `to` (255 wraps to 1, never to 0). */
static uint32_t steps(uint32_t from, uint32_t to)
{
    return to >= from ? to - from : to + 255 - from;
}

static uint32_t back(uint32_t counter, uint32_t k)
{
    while (k--)
        counter = counter <= 1 ? 255 : counter - 1;
    return counter;
}

static cash_err_t cct_poll(void *ctx, cash_event_t *out, size_t *n, kmsg_t *msg)
{
    cct_t *c = ctx;
    cctalk_frame_t r;
    *n = 0;
    cash_err_t e = exchange(c, H_EVENTS, NULL, 0, &r, msg);
    if (e != CASH_OK)
        return e;
    uint32_t now = r.data[0];
    if (c->last == CASH_COUNTER_UNKNOWN || now == c->last) {
        c->last = now;
        return CASH_OK;
    }
    if (now == 0) { /* reset or power cycle: set the device up again */
        c->last = 0;
        out[(*n)++] = (cash_event_t){.kind = CASH_RESET, .text = "bill acceptor was reset"};
        return setup(c, msg);
    }
    uint32_t fresh = steps(c->last, now);
    if (fresh > 5) {
        out[(*n)++] = (cash_event_t){.kind = CASH_LOST_EVENTS, .counter = now};
        snprintf(out[0].text, sizeof out[0].text, "%u events lost (counter %u -> %u)", fresh - 5, c->last, now);
        c->last = now;
        return cct_disable(c, msg);
    }
    for (uint32_t i = fresh; i-- > 0;) /* oldest first */
        pair_event(c, r.data[1 + 2 * i], r.data[2 + 2 * i], back(now, i), &out[(*n)++]);
    c->last = now;
    return CASH_OK;
}

static cash_err_t cct_route(void *ctx, bool stack, kmsg_t *msg)
{
    cctalk_frame_t r;
    const uint8_t how = stack ? 1 : 0;
    cash_err_t e = exchange_once(ctx, H_ROUTE, &how, 1, &r, msg); /* never blindly twice */
    if (e != CASH_OK || r.data[0] == 0)
        return e;
    if (r.data[0] == 254 || r.data[0] == 255) {
        kmsg_set(msg, K_EDEVICE, r.data[0] == 254 ? "no note in escrow" : "the bill acceptor could not route the note");
        return CASH_REFUSED;
    }
    kmsg_set(msg, K_EDEVICE, "bill acceptor answered route bill with %u, which the profile does not have (0 done, "
             "254 escrow empty, 255 failed): the note's events will tell", r.data[0]);
    return CASH_PROTOCOL;
}

/* A simple poll (header 254): the validator answers, and its event buffer
 * is left for cct_poll. */
static cash_err_t cct_probe(void *ctx, kmsg_t *msg)
{
    cct_t *c = ctx;
    cctalk_frame_t r;
    cash_err_t e = exchange(c, H_POLL, NULL, 0, &r, msg);
    if (e == CASH_OK)
        kmsg_set(msg, K_OK, "%s %s, serial %s", c->info.manufacturer, c->info.product, c->info.serial);
    return e;
}

static void cct_close(void *ctx)
{
    cct_t *c = ctx;
    if (c->fd >= 0)
        close(c->fd);
    free(c);
}

static const cash_ops_t cct_ops = {
    .name = "cctalk", .info = cct_info, .set_counter = cct_set_counter, .enable = cct_enable, .disable = cct_disable,
    .poll = cct_poll, .route = cct_route, .close = cct_close, .probe = cct_probe};

kerr_t cash_cctalk_open(const cash_cctalk_opts_t *o, cash_t *out, kmsg_t *msg)
{
    const currency_t *cur = currency_find(o->currency);
    cct_t *c = calloc(1, sizeof *c);
    if (!c || !cur) {
        free(c);
        return kmsg_set(msg, K_EINVAL, "bill acceptor: no currency %s", o->currency);
    }
    c->echo = o->echo;
    c->retry = o->retry;
    c->clk = o->clk;
    c->exponent = cur->exponent;
    snprintf(c->country, sizeof c->country, "%.2s", cur->code); /* CNY -> CN, EUR -> EU */
    c->last = CASH_COUNTER_UNKNOWN;
    if (serial_open(o->device, BAUD, o->setting, &c->fd, msg) != K_OK) {
        free(c);
        return K_EIO;
    }
    if (setup(c, msg) != CASH_OK) {
        kmsg_prefix(msg, "%s: ", o->device);
        cct_close(c);
        return K_EDEVICE;
    }
    out->ops = &cct_ops;
    out->ctx = c;
    return K_OK;
}
