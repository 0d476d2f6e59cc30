/* The ZVT card terminal (docs/protocols/zvt.md): registration per
 * connection, then one command at a time: throw away what the terminal
 * sent unasked, send, wait for the acknowledgement, acknowledge every
 * message until completion or abort, and take as the answer only what
 * belongs to the command just sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "drivers/payterm/payterm.h"
#include "drivers/payterm/zvt_answer.h"
#include "drivers/payterm/zvt_apdu.h"
#include "drivers/payterm/zvt_cmd.h"
#include "drivers/transport/tcp_link.h"

enum { DRAIN_MAX = 4096 }; /* unasked bytes thrown away before a command; more: the link is made again */

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
    zvt_apdu_t a;
    bool none;
    zvt_cmd_ack(&a);
    send_apdu(z, &a, NULL, &none);
}

/* Throws away what the terminal sent that no command of ours has read (the
 * rest of a dialogue given up, a late answer): what is buffered and what
 * waits on the link, DRAIN_MAX bytes at most, hex-dumped at debug. False,
 * with the link dropped, if it broke or the terminal kept sending. */
static bool drain(zvt_t *z)
{
    size_t total = z->rx.n;
    uint8_t buf[512];
    long r = 0;
    if (z->rx.n > 0)
        log_hex(LOG_DEBUG, "zvt", "discarded", z->rx.buf, z->rx.n);
    z->rx.n = 0;
    while (total <= DRAIN_MAX && (r = tcp_link_recv(&z->link, buf, sizeof buf, 0)) > 0) {
        log_hex(LOG_DEBUG, "zvt", "discarded", buf, (size_t)r);
        total += (size_t)r;
    }
    if (total > 0)
        LOG_I("zvt", "discarded %zu bytes the card terminal sent unasked (an earlier dialogue's)", total);
    if (r >= 0 && total <= DRAIN_MAX)
        return true;
    LOG_W("zvt", "%s", r < 0 ? "the link to the card terminal was closed while idle: connecting again"
                             : "the card terminal keeps sending unasked: making the link again");
    drop_link(z);
    return false;
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

/* Sends a command on a clean link and waits for its acknowledgement;
 * what comes before that is an earlier dialogue's, not this command's. */
static pt_err_t start(zvt_t *z, const zvt_apdu_t *cmd, kmsg_t *msg)
{
    bool none_sent = true;
    if (!drain(z)) {
        kmsg_set(msg, K_EIO, "card terminal: the link was lost before the command went out (nothing was sent)");
        return PT_UNREACHABLE;
    }
    if (!send_apdu(z, cmd, msg, &none_sent)) {
        drop_link(z);
        return none_sent ? PT_UNREACHABLE : PT_UNKNOWN;
    }
    int64_t deadline = tcp_link_now_ms() + z->ack_ms;
    zvt_apdu_t a;
    for (;;) {
        if (recv_apdu(z, &a, deadline) != RX_GOT) {
            kmsg_set(msg, K_ETIMEOUT, "card terminal did not acknowledge within %d ms", z->ack_ms);
            drop_link(z);
            return PT_UNREACHABLE; /* the profile: no acknowledgement means not received */
        }
        if (a.cls == 0x80 && a.instr == 0x00)
            return PT_OK;
        if (a.cls == 0x84) {
            kmsg_set(msg, K_EDEVICE, "card terminal refused the command (84 %02X)", a.instr);
            return PT_UNREACHABLE;
        }
        LOG_W("zvt", "%02X %02X came before the acknowledgement of %02X %02X: an earlier dialogue's, ignored", a.cls,
              a.instr, cmd->cls, cmd->instr);
    }
}

/* The resident cancelled: 06 B0 asks the terminal to stop (its
 * acknowledgement is not acknowledged back). */
static void send_abort(zvt_t *z)
{
    zvt_apdu_t a;
    bool none;
    LOG_I("zvt", "the resident cancelled: asking the terminal to abort");
    zvt_cmd_abort(&a);
    send_apdu(z, &a, NULL, &none);
}

/* An end that is not the command's own: the command's outcome is unknown,
 * and the rest of its dialogue must not meet the next command. */
static pt_err_t stray_end(zvt_t *z, const zvt_apdu_t *a, const zvt_expect_t *x, kmsg_t *msg)
{
    if (x->reference)
        kmsg_set(msg, K_EDEVICE, "card terminal ended with %02X %02X without a status information carrying reference "
                 "%s: not this authorisation's answer, its outcome is unknown (ask for the last transaction)",
                 a->cls, a->instr, x->reference);
    else
        kmsg_set(msg, K_EDEVICE, "card terminal completed without a status information: not this command's answer, "
                 "its outcome is unknown");
    drop_link(z);
    return PT_UNKNOWN;
}

/* Acknowledges the terminal's messages until completion or abort, asking
 * watch about a cancel between them. */
static pt_err_t follow(zvt_t *z, const zvt_expect_t *x, const pt_watch_t *w, pt_result_t *out, kmsg_t *msg)
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
        zvt_took_t t = zvt__take(&a, x, w, &have_status, out);
        if (t == ZVT_END)
            return PT_OK;
        if (t == ZVT_STRAY_END)
            return stray_end(z, &a, x, msg);
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
    static const zvt_expect_t completion = {.status = false, .reference = NULL};
    zvt_apdu_t reg;
    zvt_cmd_registration(z->password, z->currency, &reg);
    pt_result_t r = {0};
    pt_err_t e = start(z, &reg, msg);
    if (e == PT_OK && (e = follow(z, &completion, NULL, &r, msg)) == PT_OK && r.outcome != PT_APPROVED) {
        kmsg_set(msg, K_EDEVICE, "card terminal refused the registration: %s", r.reason);
        drop_link(z);
        return PT_UNREACHABLE;
    }
    z->registered = e == PT_OK;
    return e == PT_OK ? PT_OK : PT_UNREACHABLE; /* registering changes nothing on the terminal */
}

/* One command: on a link that is still there (or made again), registered,
 * then its dialogue. */
static pt_err_t run(zvt_t *z, const zvt_apdu_t *cmd, const zvt_expect_t *x, const pt_watch_t *watch, pt_result_t *out,
                    kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    if (z->link.fd >= 0)
        drain(z); /* a link the terminal closed while idle is made again by ready() */
    pt_err_t e = ready(z, msg);
    if (e == PT_OK)
        e = start(z, cmd, msg);
    return e == PT_OK ? follow(z, x, watch, out, msg) : e;
}

/* A transaction's answer: its completion only after its status information. */
static const zvt_expect_t transaction = {.status = true, .reference = NULL};

static pt_err_t zvt_authorise(void *ctx, const pt_request_t *req, const pt_watch_t *watch, pt_result_t *out,
                              kmsg_t *msg)
{
    zvt_t *z = ctx;
    zvt_apdu_t a;
    if (!zvt_cmd_authorisation(req->amount, z->currency, req->reference, &a)) {
        kmsg_set(msg, K_EINVAL, "amount %lld or reference cannot be sent to the card terminal", (long long)req->amount);
        return PT_PROTOCOL;
    }
    const zvt_expect_t own = {.status = true, .reference = req->reference};
    return run(z, &a, &own, watch, out, msg);
}

static pt_err_t zvt_reverse(void *ctx, uint32_t receipt, pt_result_t *out, kmsg_t *msg)
{
    zvt_t *z = ctx;
    zvt_apdu_t a;
    if (!zvt_cmd_reversal(z->password, receipt, &a)) { /* a definite no: the engine parks it for a refund by hand */
        memset(out, 0, sizeof *out);
        out->outcome = PT_NOT_POSSIBLE;
        out->code = 0x83; /* function not possible: what a terminal would say */
        snprintf(out->reason, sizeof out->reason, "receipt number %u cannot be sent to the card terminal (at most %u): "
                 "the reversal was not sent", receipt, ZVT_MAX_RECEIPT);
        kmsg_set(msg, K_EINVAL, "%s", out->reason);
        return PT_OK;
    }
    return run(z, &a, &transaction, NULL, out, msg);
}

static pt_err_t zvt_last(void *ctx, pt_result_t *out, kmsg_t *msg)
{
    static const zvt_expect_t repeat = {.status = true, .reference = NULL, .repeat = true};
    zvt_t *z = ctx;
    zvt_apdu_t a;
    zvt_cmd_repeat_receipt(z->password, &a);
    return run(z, &a, &repeat, NULL, out, msg);
}

static pt_err_t zvt_end_of_day(void *ctx, pt_result_t *out, kmsg_t *msg)
{
    zvt_t *z = ctx;
    zvt_apdu_t a;
    zvt_cmd_end_of_day(z->password, &a);
    return run(z, &a, &transaction, NULL, out, msg);
}

static const pt_ops_t zvt_ops;

/* The last transaction asked for (its receipt repeated). */
static pt_err_t zvt_probe(void *ctx, kmsg_t *msg)
{
    return pt_probe_last(&zvt_ops, ctx, "answered (its last transaction)", msg);
}

static void zvt_close(void *ctx)
{
    zvt_t *z = ctx;
    tcp_link_close(&z->link);
    free(z);
}

static const pt_ops_t zvt_ops = {"zvt",          METHOD_CARD, zvt_authorise, zvt_reverse, zvt_last,
                                 zvt_end_of_day, zvt_close,   NULL,          zvt_probe};

kerr_t pt_zvt_open(const pt_zvt_opts_t *o, payterm_t *out, kmsg_t *msg)
{
    zvt_t *z = calloc(1, sizeof *z);
    if (!z)
        return kmsg_set(msg, K_EIO, "out of memory");
    kerr_t rc = tcp_link_init(&z->link, "card terminal", o->address, msg);
    if (rc != K_OK) {
        free(z);
        return rc;
    }
    uint64_t pw = strtoull(o->password, NULL, 10);
    zvt_bcd_set(pw, z->password, 3);
    z->currency = o->currency;
    z->timeout_ms = o->timeout_ms;
    z->ack_ms = o->ack_timeout_ms;
    out->ops = &zvt_ops;
    out->ctx = z;
    return K_OK;
}
