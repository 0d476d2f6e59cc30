/* The ZVT card terminal (docs/protocols/zvt.md): registration per
 * connection, then one command at a time: send, wait for the
 * acknowledgement, acknowledge every message until completion or abort. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/payterm/payterm.h"
#include "drivers/payterm/zvt_apdu.h"
#include "drivers/transport/tcp_link.h"
#include "kiosk/app/log.h"
#include "kiosk/core/money.h"

typedef struct zvt {
    tcp_link_t link;
    uint8_t password[3];
    uint16_t currency; /* ISO 4217 numeric */
    int timeout_ms, ack_ms;
    bool registered;
    zvt_stream_t rx;
} zvt_t;

static void drop_link(zvt_t *z)
{
    tcp_link_close(&z->link);
    z->registered = false;
    memset(&z->rx, 0, sizeof z->rx);
}

static bool send_apdu(zvt_t *z, const zvt_apdu_t *a, kmsg_t *msg, bool *none_sent)
{
    uint8_t out[ZVT_MAX_DATA + 5];
    size_t n = zvt_encode(a, out, sizeof out);
    log_hex(LOG_DEBUG, "zvt", "send", out, n);
    return tcp_link_send(&z->link, out, n, none_sent, msg) == K_OK;
}

static void ack(zvt_t *z)
{
    zvt_apdu_t a = {.cls = 0x80, .instr = 0x00};
    bool none;
    send_apdu(z, &a, NULL, &none);
}

typedef enum rx { RX_GOT, RX_TIMEOUT, RX_BROKEN } rx_t;

/* Waits until deadline for the next APDU. */
static rx_t recv_apdu(zvt_t *z, zvt_apdu_t *a, int64_t deadline)
{
    for (;;) {
        bool bad;
        if (zvt_stream_next(&z->rx, a, &bad)) {
            uint8_t raw[ZVT_MAX_DATA + 5];
            log_hex(LOG_DEBUG, "zvt", "received", raw, zvt_encode(a, raw, sizeof raw));
            return RX_GOT;
        }
        int64_t left = deadline - tcp_link_now_ms();
        if (bad)
            return RX_BROKEN;
        if (left <= 0)
            return RX_TIMEOUT;
        uint8_t buf[512];
        long r = tcp_link_recv(&z->link, buf, sizeof buf, (int)left);
        if (r < 0 || (r > 0 && !zvt_stream_feed(&z->rx, buf, (size_t)r)))
            return RX_BROKEN;
    }
}

/* Sends a command and waits for its acknowledgement. */
static pt_err_t start(zvt_t *z, const zvt_apdu_t *cmd, kmsg_t *msg)
{
    bool none_sent = true;
    if (!send_apdu(z, cmd, msg, &none_sent)) {
        drop_link(z);
        return none_sent ? PT_UNREACHABLE : PT_UNKNOWN;
    }
    zvt_apdu_t a;
    if (recv_apdu(z, &a, tcp_link_now_ms() + z->ack_ms) != RX_GOT) {
        kmsg_set(msg, K_ETIMEOUT, "card terminal did not acknowledge within %d ms", z->ack_ms);
        drop_link(z);
        return PT_UNREACHABLE; /* the profile: no acknowledgement means not received */
    }
    if (a.cls == 0x80 && a.instr == 0x00)
        return PT_OK;
    kmsg_set(msg, K_EDEVICE, "card terminal refused the command (%02X %02X)", a.cls, a.instr);
    return a.cls == 0x84 ? PT_UNREACHABLE : PT_PROTOCOL;
}

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

static const char *intermediate_text(uint8_t code)
{
    switch (code) {
    case 0x0A: return "Insert or tap your card";
    case 0x0B: return "Remove your card";
    case 0x0E: return "Please wait";
    case 0x17: return "Enter your PIN";
    case 0x1C: return "Approved";
    case 0x1D: return "Declined";
    default: return "Follow the instructions on the card terminal";
    }
}

/* One message of the terminal's during a command; true once it ended. */
static bool take(const zvt_apdu_t *a, const pt_watch_t *w, bool *have_status, pt_result_t *out)
{
    if (a->cls == 0x04 && a->instr == 0xFF && a->len >= 1 && w && w->text)
        w->text(w->ctx, intermediate_text(a->data[0]));
    else if (a->cls == 0x06 && a->instr == 0xD1 && a->len >= 1 && out->n_lines < PT_MAX_LINES)
        snprintf(out->lines[out->n_lines++], PT_LINE_LEN, "%.*s", (int)a->len - 1, (const char *)a->data + 1);
    else if (a->cls == 0x04 && a->instr == 0x0F) {
        read_status(a, out);
        *have_status = true;
    } else if (a->cls == 0x06 && (a->instr == 0x0F || a->instr == 0x1E)) {
        if (a->instr == 0x1E)
            out->code = a->len >= 1 ? a->data[0] : 0xFF;
        else if (!*have_status)
            out->code = 0x00;
        out->approved = a->instr == 0x0F && out->code == 0x00;
        snprintf(out->reason, sizeof out->reason, "%s", pt_result_text(out->code));
        return true;
    }
    return false;
}

/* The resident cancelled: 06 B0 asks the terminal to stop (its
 * acknowledgement is not acknowledged back). */
static void send_abort(zvt_t *z)
{
    zvt_apdu_t a = {.cls = 0x06, .instr = 0xB0};
    bool none;
    LOG_I("zvt", "the resident cancelled: asking the terminal to abort");
    send_apdu(z, &a, NULL, &none);
}

/* Acknowledges the terminal's messages until completion or abort, asking
 * watch about a cancel between them. */
static pt_err_t follow(zvt_t *z, const pt_watch_t *w, pt_result_t *out, kmsg_t *msg)
{
    int64_t deadline = tcp_link_now_ms() + z->timeout_ms;
    bool have_status = false, aborted = false, watching = w && w->cancelled;
    zvt_apdu_t a;
    for (;;) {
        int64_t now = tcp_link_now_ms(), until = watching && now + 100 < deadline ? now + 100 : deadline;
        rx_t rx = recv_apdu(z, &a, until);
        if (rx == RX_TIMEOUT && until < deadline) {
            if (!aborted && w->cancelled(w->ctx)) {
                send_abort(z);
                aborted = true;
            }
            continue;
        }
        if (rx != RX_GOT)
            break;
        if (a.cls == 0x80 || a.cls == 0x84) /* the acknowledgement of our abort */
            continue;
        ack(z);
        if (take(&a, w, &have_status, out))
            return PT_OK;
    }
    kmsg_set(msg, K_ETIMEOUT, "card terminal: the result never came (link lost or %d ms passed)", z->timeout_ms);
    drop_link(z);
    return PT_UNKNOWN;
}

/* Connects and registers if needed. */
static pt_err_t ready(zvt_t *z, kmsg_t *msg)
{
    if (z->registered)
        return PT_OK;
    if (tcp_link_connect(&z->link, z->ack_ms, msg) != K_OK)
        return PT_UNREACHABLE;
    zvt_apdu_t reg = {.cls = 0x06, .instr = 0x00, .len = 6};
    memcpy(reg.data, z->password, 3);
    reg.data[3] = 0x0E; /* the kiosk prints receipts; intermediate status on */
    zvt_bcd_set(z->currency, reg.data + 4, 2);
    pt_result_t r = {0};
    pt_err_t e = start(z, &reg, msg);
    if (e == PT_OK && (e = follow(z, NULL, &r, msg)) == PT_OK && !r.approved) {
        kmsg_set(msg, K_EDEVICE, "card terminal refused the registration: %s", r.reason);
        drop_link(z);
        return PT_UNREACHABLE;
    }
    z->registered = e == PT_OK;
    return e == PT_OK ? PT_OK : PT_UNREACHABLE; /* registering changes nothing on the terminal */
}

static pt_err_t run(zvt_t *z, const zvt_apdu_t *cmd, const pt_watch_t *watch, pt_result_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    pt_err_t e = ready(z, msg);
    if (e == PT_OK)
        e = start(z, cmd, msg);
    return e == PT_OK ? follow(z, watch, out, msg) : e;
}

static pt_err_t zvt_authorise(void *ctx, const pt_request_t *req, const pt_watch_t *watch, pt_result_t *out,
                              kmsg_t *msg)
{
    zvt_t *z = ctx;
    int64_t amount = req->amount;
    const char *reference = req->reference;
    zvt_apdu_t a = {.cls = 0x06, .instr = 0x01};
    if (amount <= 0 || !zvt_put_bcd(&a, 0x04, (uint64_t)amount, 6) || !zvt_put_bcd(&a, 0x49, z->currency, 2) ||
        !zvt_put_bytes(&a, 0x3C, (const uint8_t *)reference, strlen(reference))) {
        kmsg_set(msg, K_EINVAL, "amount %lld or reference cannot be sent to the card terminal", (long long)amount);
        return PT_PROTOCOL;
    }
    return run(z, &a, watch, out, msg);
}

static pt_err_t zvt_reverse(void *ctx, uint32_t receipt, pt_result_t *out, kmsg_t *msg)
{
    zvt_t *z = ctx;
    zvt_apdu_t a = {.cls = 0x06, .instr = 0x30, .len = 3};
    memcpy(a.data, z->password, 3);
    zvt_put_bcd(&a, 0x87, receipt, 2);
    return run(z, &a, NULL, out, msg);
}

static pt_err_t password_command(zvt_t *z, uint8_t instr, pt_result_t *out, kmsg_t *msg)
{
    zvt_apdu_t a = {.cls = 0x06, .instr = instr, .len = 3};
    memcpy(a.data, z->password, 3);
    return run(z, &a, NULL, out, msg);
}

static pt_err_t zvt_last(void *ctx, pt_result_t *out, kmsg_t *msg)
{
    return password_command(ctx, 0x20, out, msg);
}

static pt_err_t zvt_end_of_day(void *ctx, pt_result_t *out, kmsg_t *msg)
{
    return password_command(ctx, 0x50, out, msg);
}

static void zvt_close(void *ctx)
{
    zvt_t *z = ctx;
    tcp_link_close(&z->link);
    free(z);
}

static const pt_ops_t zvt_ops = {"zvt", "card", zvt_authorise, zvt_reverse, zvt_last, zvt_end_of_day, zvt_close, NULL};

kerr_t pt_zvt_open(const kiosk_config_t *cfg, payterm_t *out, kmsg_t *msg)
{
    zvt_t *z = calloc(1, sizeof *z);
    if (!z)
        return kmsg_set(msg, K_EIO, "out of memory");
    kerr_t rc = tcp_link_init(&z->link, "card terminal", cfg->payterm_address, msg);
    if (rc != K_OK) {
        free(z);
        return rc;
    }
    uint64_t pw = strtoull(cfg->payterm_password, NULL, 10);
    zvt_bcd_set(pw, z->password, 3);
    z->currency = cfg->currency->numeric;
    z->timeout_ms = (int)cfg->payterm_timeout_ms;
    z->ack_ms = (int)cfg->payterm_ack_timeout_ms;
    out->ops = &zvt_ops;
    out->ctx = z;
    return K_OK;
}
