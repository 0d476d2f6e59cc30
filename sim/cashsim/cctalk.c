/* The wire side of the profile cctalk-bill: which requests the validator
 * takes, with how many data bytes, and what it answers. The framing itself
 * is cc_frame.c's. */
#include <string.h>

#include "base/log.h"
#include "sim/cashsim/csim.h"

enum {
    H_RESET = 1,
    H_MODE = 153,
    H_ROUTE = 154,
    H_BILL_ID = 157,
    H_EVENTS = 159,
    H_MASTER_GET = 227,
    H_MASTER_SET = 228,
    H_INHIBITS_GET = 230,
    H_INHIBITS_SET = 231,
    H_SERIAL = 242,
    H_PRODUCT = 244,
    H_CATEGORY = 245,
    H_MANUFACTURER = 246,
    H_POLL = 254,
};

#define MANUFACTURER "KIO"
#define CATEGORY "Bill Validator"
#define PRODUCT "NV-SIM"
#define SERIAL 12345u

/* A handler fills ans->data and ans->len; false means NAK. */
typedef bool (*handler_fn)(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms);

static void put_text(csim_frame_t *ans, const char *text)
{
    ans->len = (uint8_t)strlen(text);
    memcpy(ans->data, text, ans->len);
}

static bool h_poll(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    (void)s;
    (void)req;
    (void)ans;
    (void)now_ms;
    return true;
}

static bool h_identity(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    (void)s;
    (void)now_ms;
    switch (req->header) {
    case H_MANUFACTURER: put_text(ans, MANUFACTURER); break;
    case H_CATEGORY: put_text(ans, CATEGORY); break;
    case H_PRODUCT: put_text(ans, PRODUCT); break;
    default:
        ans->len = 3;
        for (int i = 0; i < 3; i++)
            ans->data[i] = (uint8_t)(SERIAL >> (8 * i));
        break;
    }
    return true;
}

static bool h_bill_id(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    (void)now_ms;
    if (req->data[0] < 1 || req->data[0] > CSIM_TYPES)
        return false;
    put_text(ans, csim_bill_id(s, req->data[0]));
    return true;
}

static bool h_inhibits_set(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    (void)ans;
    (void)now_ms;
    s->dev.mask = (uint16_t)(req->data[0] | req->data[1] << 8);
    LOG_I(CSIM_LOG, "inhibit mask 0x%04X", s->dev.mask);
    csim_state_save(s);
    return true;
}

static bool h_inhibits_get(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    (void)req;
    (void)now_ms;
    ans->len = 2;
    ans->data[0] = (uint8_t)(s->dev.mask & 0xFF);
    ans->data[1] = (uint8_t)(s->dev.mask >> 8);
    return true;
}

static bool h_master_set(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    (void)ans;
    (void)now_ms;
    s->dev.accepting = req->data[0] & 1;
    LOG_I(CSIM_LOG, "master inhibit %s", s->dev.accepting ? "off: accepting" : "on");
    csim_state_save(s);
    return true;
}

static bool h_master_get(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    (void)req;
    (void)now_ms;
    ans->len = 1;
    ans->data[0] = s->dev.accepting ? 1 : 0;
    return true;
}

static bool h_mode(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    (void)ans;
    (void)now_ms;
    s->dev.mode = req->data[0];
    LOG_I(CSIM_LOG, "operating mode %u (stacker %s, escrow %s)", s->dev.mode,
          s->dev.mode & CSIM_MODE_STACKER ? "on" : "off", s->dev.mode & CSIM_MODE_ESCROW ? "on" : "off");
    csim_state_save(s);
    return true;
}

static bool h_events(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    (void)req;
    (void)now_ms;
    ans->len = 1 + 2 * CSIM_EVENTS;
    ans->data[0] = s->dev.counter;
    memcpy(ans->data + 1, s->dev.events, sizeof s->dev.events);
    return true;
}

static bool h_route(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    uint8_t how = req->data[0];
    if (how != 0 && how != 1 && how != 255)
        return false;
    ans->len = 1;
    ans->data[0] = csim_route(s, how, now_ms);
    LOG_I(CSIM_LOG, "route %u: answer %u", how, ans->data[0]);
    return true;
}

static bool h_reset(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    (void)req;
    (void)ans;
    (void)now_ms;
    LOG_I(CSIM_LOG, "reset by the host");
    csim_power_cycle(s, CSIM_LOST_RESET);
    return true;
}

static const struct command {
    uint8_t header;
    uint8_t len; /* data bytes the request must carry */
    handler_fn fn;
} commands[] = {
    {H_POLL, 0, h_poll},
    {H_MANUFACTURER, 0, h_identity},
    {H_CATEGORY, 0, h_identity},
    {H_PRODUCT, 0, h_identity},
    {H_SERIAL, 0, h_identity},
    {H_BILL_ID, 1, h_bill_id},
    {H_INHIBITS_SET, 2, h_inhibits_set},
    {H_INHIBITS_GET, 0, h_inhibits_get},
    {H_MASTER_SET, 1, h_master_set},
    {H_MASTER_GET, 0, h_master_get},
    {H_MODE, 1, h_mode},
    {H_EVENTS, 0, h_events},
    {H_ROUTE, 1, h_route},
    {H_RESET, 0, h_reset},
};

void csim_cctalk_answer(csim_t *s, const csim_frame_t *req, csim_frame_t *ans, int64_t now_ms)
{
    memset(ans, 0, sizeof *ans);
    ans->dest = CSIM_ADDR_HOST;
    ans->src = CSIM_ADDR_BILL;
    ans->header = CSIM_HEADER_NAK;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const struct command *c = &commands[i];
        if (c->header != req->header)
            continue;
        if (req->len == c->len && c->fn(s, req, ans, now_ms)) {
            ans->header = CSIM_HEADER_ACK;
            return;
        }
        LOG_W(CSIM_LOG, "header %u with %u data bytes refused: NAK", req->header, req->len);
        ans->len = 0;
        return;
    }
    LOG_W(CSIM_LOG, "unknown header %u: NAK", req->header);
}

bool csim_next_request(simrx_t *st, csim_frame_t *out)
{
    if (st->n > 0 && st->buf[0] == CSIM_ADDR_BROADCAST) {
        /* a broadcast frame counts only where a frame may start: try it on a copy */
        simrx_t probe = *st;
        probe.dropped = 0;
        bool got = csim_frame_next(&probe, CSIM_ADDR_BROADCAST, out);
        if (got && probe.dropped == 0)
            return csim_frame_next(st, CSIM_ADDR_BROADCAST, out);
        if (!got && probe.dropped == 0) {
            probe = *st; /* incomplete: wait, unless a whole frame for us follows */
            if (!csim_frame_next(&probe, CSIM_ADDR_BILL, out))
                return false;
        }
    }
    return csim_frame_next(st, CSIM_ADDR_BILL, out);
}
