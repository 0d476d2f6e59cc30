/* The SMS channel (docs/protocols/smpp.md): a notice becomes one
 * submit_sm in UCS-2, or up to BO_SMPP_MAX_PARTS concatenated parts sent
 * with a window of outstanding requests; the answers decide OK, RETRY or
 * REJECTED. Receipts are gathered by the session as they come. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/notify/bo_ch_smpp_int.h"
#include "base/log.h"

#define PACE_MIN_MS 100
#define PACE_MAX_MS 30000

/* Where the parts of one send stand. */
typedef struct submit_run {
    bo_smpp_part_t parts[BO_SMPP_MAX_PARTS];
    uint32_t seqs[BO_SMPP_MAX_PARTS];
    char ids[BO_SMPP_MAX_PARTS][66];
    int total, sent, answered;
    uint32_t worst;      /* the first status other than ESME_ROK */
    bo_smpp_verdict_t verdict;
    smpp_multi_t *multi; /* where the receipts of a multi-part message gather */
} submit_run_t;

static bool is_number(const char *to)
{
    size_t n = strlen(to);
    return n >= 5 && n <= 20 && strspn(to, "0123456789") == n;
}

/* The concatenation reference: the same for every try of one notice, so a
 * handset that got some parts of an earlier try can join them. */
static uint8_t ref_of(const char *key)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)(key ? key : ""); *p; p++)
        h = (h ^ *p) * 16777619u;
    return (uint8_t)(h ^ h >> 8 ^ h >> 16 ^ h >> 24);
}

static bool send_part(bo_smpp_t *s, submit_run_t *run, const char *to)
{
    const bo_smpp_part_t *p = &run->parts[run->sent];
    bo_smpp_submit_t sub = {s->source, s->cfg.source_ton, s->cfg.source_npi, to, run->total > 1 ? 0x40 : 0,
                            s->cfg.transmitter ? 0 : 1, 0x08, p->sm, p->len};
    uint8_t pdu[BO_SMPP_MAX_PDU], shown[BO_SMPP_MAX_PDU];
    uint32_t seq = smpp_seq(s);
    size_t n = bo_smpp_encode_submit(&sub, seq, pdu, sizeof pdu);
    if (log_enabled(LOG_DEBUG)) {
        char masked[21];
        bo_smpp_mask(to, masked, sizeof masked);
        sub.dest = masked;
        bo_smpp_encode_submit(&sub, seq, shown, sizeof shown);
    }
    run->seqs[run->sent++] = seq;
    return n > 0 && smpp_sess_write(s, pdu, n, log_enabled(LOG_DEBUG) ? shown : NULL);
}

static void take_answer(submit_run_t *run, const bo_smpp_header_t *h, const uint8_t *pdu)
{
    for (int i = 0; i < run->sent; i++) {
        if (run->seqs[i] != h->seq)
            continue;
        run->seqs[i] = 0;
        run->answered++;
        uint32_t status = h->cmd == BO_SMPP_GENERIC_NACK && h->status == 0 ? BO_SMPP_RSYSERR : h->status;
        if (status == BO_SMPP_ROK && !bo_smpp_decode_resp_id(pdu, h->len, run->ids[i], sizeof run->ids[i]))
            status = BO_SMPP_RSYSERR;
        if (status == BO_SMPP_ROK && run->multi)
            memcpy(run->multi->ids[i], run->ids[i], sizeof run->ids[i]);
        if (status != BO_SMPP_ROK && run->verdict == BO_SMPP_V_OK) {
            run->worst = status;
            run->verdict = bo_smpp_status_verdict(status);
        }
        return;
    }
    LOG_W(SMPP_LOG, "an answer to no request of this message (sequence %u): ignored", h->seq);
}

/* Sends every part (no more than window unanswered at once) and reads
 * every answer; after a refusal no new part goes out. False if the
 * session broke or the time ran out. */
static bool run_parts(bo_smpp_t *s, submit_run_t *run, const char *to, int64_t deadline)
{
    bo_smpp_header_t h;
    uint8_t pdu[BO_SMPP_MAX_PDU];
    while (run->answered < run->sent || (run->sent < run->total && run->verdict == BO_SMPP_V_OK)) {
        while (run->sent < run->total && run->verdict == BO_SMPP_V_OK && run->sent - run->answered < s->cfg.window)
            if (!send_part(s, run, to))
                return false;
        int got = smpp_sess_next(s, deadline, &h, pdu);
        if (got == 0)
            smpp_sess_drop(s, "no answer to submit_sm in time");
        if (got != 1)
            return false;
        take_answer(run, &h, pdu);
    }
    return true;
}

/* After a throttled answer submits slow down (doubling), after an accepted
 * one they speed up again (halving). */
static void pace(bo_smpp_t *s, bool throttled)
{
    if (throttled)
        s->pace_ms = s->pace_ms < PACE_MIN_MS ? PACE_MIN_MS : s->pace_ms * 2 > PACE_MAX_MS ? PACE_MAX_MS : s->pace_ms * 2;
    else
        s->pace_ms = s->pace_ms / 2 < PACE_MIN_MS ? 0 : s->pace_ms / 2;
    s->not_before = smpp_now(s) + s->pace_ms;
}

static bo_send_outcome_t judge(bo_smpp_t *s, submit_run_t *run, char provider_id[72], kmsg_t *msg)
{
    pace(s, run->verdict == BO_SMPP_V_THROTTLED);
    if (run->multi && run->verdict != BO_SMPP_V_OK)
        run->multi->total = 0;
    switch (run->verdict) {
    case BO_SMPP_V_OK:
        snprintf(provider_id, 72, "%s", run->ids[0]);
        return BO_SEND_OK;
    case BO_SMPP_V_THROTTLED:
        kmsg_set(msg, K_EBUSY, "the SMSC is throttling (ESME_RTHROTTLED): submits slow down to one per %lld ms",
                 (long long)s->pace_ms);
        return BO_SEND_RETRY;
    case BO_SMPP_V_TEMPORARY:
        kmsg_set(msg, K_EBUSY, "the SMSC could not take it now: %s (0x%02X)", bo_smpp_status_name(run->worst),
                 run->worst);
        return BO_SEND_RETRY;
    case BO_SMPP_V_PERMANENT: break;
    }
    kmsg_set(msg, K_EINVAL, "the SMSC refused it for good: %s (0x%02X)", bo_smpp_status_name(run->worst), run->worst);
    return BO_SEND_REJECTED;
}

/* A bound session, or RETRY's reason in msg. */
static bool ready(bo_smpp_t *s, int64_t deadline, kmsg_t *msg)
{
    int64_t now = smpp_now(s);
    if (s->fd >= 0 && !smpp_sess_pump(s))
        kmsg_set(msg, K_EIO, "the SMSC session was lost: reconnecting");
    else if (s->fd >= 0)
        return true;
    else if (now < s->reconnect_at)
        kmsg_set(msg, K_EIO, "no SMSC session: the next try to connect in %lld ms", (long long)(s->reconnect_at - now));
    else
        return smpp_sess_open(s, deadline, msg) == K_OK;
    return false;
}

static bo_send_outcome_t smpp_send(void *ctx, const bo_notice_msg_t *m, char provider_id[72], kmsg_t *msg)
{
    bo_smpp_t *s = ctx;
    uint16_t units[BO_SMPP_MAX_UNITS];
    submit_run_t run = {.verdict = BO_SMPP_V_OK};
    provider_id[0] = '\0';
    if (!m->to || !is_number(m->to))
        return kmsg_set(msg, K_EINVAL, "not a mobile number (5 to 20 digits)"), BO_SEND_REJECTED;
    int n = m->text ? bo_smpp_utf16(m->text, units, BO_SMPP_MAX_UNITS) : -1;
    if (n <= 0 || (run.total = bo_smpp_split(units, (size_t)n, ref_of(m->key), run.parts)) == 0)
        return kmsg_set(msg, K_EINVAL, "the text is empty, not UTF-8, or longer than %d UCS-2 characters",
                        BO_SMPP_MAX_UNITS), BO_SEND_REJECTED;
    int64_t now = smpp_now(s), deadline = now + s->cfg.timeout_ms;
    if (now < s->not_before)
        return kmsg_set(msg, K_EBUSY, "slowing down after ESME_RTHROTTLED: the next submit in %lld ms",
                        (long long)(s->not_before - now)), BO_SEND_RETRY;
    if (!ready(s, deadline, msg))
        return BO_SEND_RETRY;
    run.multi = run.total > 1 ? smpp_dlr_expect(s, run.total) : NULL;
    if (!run_parts(s, &run, m->to, deadline)) {
        if (run.multi)
            run.multi->total = 0;
        return kmsg_set(msg, K_EIO, "the SMSC session broke or went silent during submit_sm: reconnecting"),
               BO_SEND_RETRY;
    }
    char masked[21];
    bo_smpp_mask(m->to, masked, sizeof masked);
    LOG_I(SMPP_LOG, "%s: %d part%s to %s: %s", m->key ? m->key : "", run.total, run.total > 1 ? "s" : "", masked,
          run.verdict == BO_SMPP_V_OK ? run.ids[0] : bo_smpp_status_name(run.worst));
    return judge(s, &run, provider_id, msg);
}

static int smpp_reports(void *ctx, bo_report_cb fn, void *arg)
{
    bo_smpp_t *s = ctx;
    kmsg_t msg = {""};
    if (s->fd >= 0)
        smpp_sess_pump(s);
    else if (!s->cfg.transmitter && smpp_now(s) >= s->reconnect_at && smpp_sess_open(s, smpp_now(s) + s->cfg.timeout_ms, &msg) != K_OK)
        LOG_I(SMPP_LOG, "no session for receipts: %s", msg.text);
    int n = 0;
    for (; s->rep_n > 0; n++) {
        bo_delivery_report_t r = s->reports[s->rep_head];
        s->rep_head = (s->rep_head + 1) % SMPP_REPORTS;
        s->rep_n--;
        fn(arg, &r);
    }
    return n;
}

static void smpp_close(void *ctx)
{
    bo_smpp_t *s = ctx;
    if (!s)
        return;
    smpp_sess_close(s);
    free(s);
}

static const bo_channel_ops_t smpp_ops = {BO_CH_SMS, smpp_send, smpp_reports, smpp_close};

/* Copies a setting into its field; false if it does not fit. */
static bool copy(char *dst, size_t cap, const char *src)
{
    return snprintf(dst, cap, "%s", src ? src : "") < (int)cap;
}

static kerr_t check(const bo_smpp_config_t *c, kmsg_t *msg)
{
    if (!c->host || !c->host[0] || c->port < 1 || c->port > 65535)
        return kmsg_set(msg, K_EINVAL, "sms: the SMSC needs a host and a port 1..65535");
    if (!c->system_id || !c->system_id[0])
        return kmsg_set(msg, K_EINVAL, "sms: system_id is missing");
    if (c->window < 0 || c->window > 100 || c->timeout_ms < 0 || c->enquire_ms < 0 || c->backoff_ms < 0 ||
        c->backoff_max_ms < 0)
        return kmsg_set(msg, K_EINVAL, "sms: window is 1..100 and every time is positive");
    return K_OK;
}

static void set_defaults(bo_smpp_config_t *c)
{
    c->window = c->window ? c->window : 10;
    c->timeout_ms = c->timeout_ms ? c->timeout_ms : 10000;
    c->enquire_ms = c->enquire_ms ? c->enquire_ms : 30000;
    c->backoff_ms = c->backoff_ms ? c->backoff_ms : 1000;
    c->backoff_max_ms = c->backoff_max_ms ? c->backoff_max_ms : 60000;
}

kerr_t bo_ch_smpp_open(const bo_smpp_config_t *cfg, bo_channel_t *out, kmsg_t *msg)
{
    kerr_t rc = check(cfg, msg);
    if (rc != K_OK)
        return rc;
    bo_smpp_t *s = calloc(1, sizeof *s);
    if (!s)
        return kmsg_set(msg, K_EIO, "sms: out of memory");
    s->cfg = *cfg;
    if (!copy(s->host, sizeof s->host, cfg->host) || !copy(s->system_id, sizeof s->system_id, cfg->system_id) ||
        !copy(s->password, sizeof s->password, cfg->password) ||
        !copy(s->system_type, sizeof s->system_type, cfg->system_type) || !copy(s->source, sizeof s->source, cfg->source)) {
        free(s);
        return kmsg_set(msg, K_EINVAL, "sms: host, system_id (15), password (8), system_type (12) or source (20) too long");
    }
    s->cfg.host = s->host;
    s->cfg.system_id = s->system_id;
    s->cfg.password = s->password;
    s->cfg.system_type = s->system_type;
    s->cfg.source = s->source;
    set_defaults(&s->cfg);
    s->fd = -1;
    s->next_seq = 1;
    s->jitter = (uint32_t)smpp_now(s);
    s->reconnect_at = smpp_now(s);
    *out = (bo_channel_t){&smpp_ops, s};
    return K_OK;
}
