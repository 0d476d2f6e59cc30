/* Delivery receipts: a deliver_sm with esm_class 0x04 is answered and its
 * report kept until reports() passes it on; the receipts of a multi-part
 * message are gathered into one report under its first part's id. */
#include <stdio.h>
#include <string.h>

#include "backoffice/notify/bo_ch_smpp_int.h"
#include "base/log.h"

#define ESM_RECEIPT 0x04

static void push_report(bo_smpp_t *s, const bo_delivery_report_t *r)
{
    if (s->rep_n == SMPP_REPORTS) {
        LOG_W(SMPP_LOG, "more than %d receipts waiting: the oldest (%s) is dropped", SMPP_REPORTS,
              s->reports[s->rep_head].provider_id);
        s->rep_head = (s->rep_head + 1) % SMPP_REPORTS;
        s->rep_n--;
    }
    s->reports[(s->rep_head + s->rep_n) % SMPP_REPORTS] = *r;
    s->rep_n++;
}

smpp_multi_t *smpp_dlr_expect(bo_smpp_t *s, int total)
{
    smpp_multi_t *m = &s->multi[s->multi_next];
    s->multi_next = (s->multi_next + 1) % SMPP_MULTI;
    memset(m, 0, sizeof *m);
    m->total = (uint8_t)total;
    m->all_ok = true;
    snprintf(m->state, sizeof m->state, "DELIVRD");
    return m;
}

/* Counts r towards its multi-part message, if it belongs to one: true if
 * r was taken (and, when it was the last part, the whole report pushed). */
static bool gather(bo_smpp_t *s, const bo_delivery_report_t *r)
{
    for (size_t i = 0; i < SMPP_MULTI; i++) {
        smpp_multi_t *m = &s->multi[i];
        for (int p = 0; p < m->total; p++) {
            if (!m->ids[p][0] || strcmp(m->ids[p], r->provider_id) != 0)
                continue;
            m->seen |= (uint8_t)(1u << p);
            if (!r->delivered && m->all_ok) {
                m->all_ok = false;
                snprintf(m->state, sizeof m->state, "%s", r->state);
            }
            if (m->seen == (uint8_t)((1u << m->total) - 1)) {
                bo_delivery_report_t whole = *r;
                snprintf(whole.provider_id, sizeof whole.provider_id, "%s", m->ids[0]);
                whole.delivered = m->all_ok;
                snprintf(whole.state, sizeof whole.state, "%s", m->state);
                push_report(s, &whole);
                m->total = 0;
            }
            return true;
        }
    }
    return false;
}

/* The report a receipt carries: the TLVs first, then the text. */
static bool receipt_report(bo_smpp_t *s, const bo_smpp_deliver_t *d, bo_delivery_report_t *r)
{
    char id[66] = "", stat[24] = "";
    bool text = bo_smpp_receipt_parse((const char *)d->sm, d->sm_len, id, sizeof id, stat, sizeof stat);
    const char *word = bo_smpp_state_word(d->message_state);
    if (d->receipted_id[0])
        snprintf(id, sizeof id, "%s", d->receipted_id);
    if (word)
        snprintf(stat, sizeof stat, "%s", word);
    if (!id[0] || !stat[0] || (!text && !word))
        return false;
    memset(r, 0, sizeof *r);
    snprintf(r->provider_id, sizeof r->provider_id, "%s", id);
    snprintf(r->state, sizeof r->state, "%s", stat);
    r->delivered = strcmp(stat, "DELIVRD") == 0;
    r->at_ms = kclock_wall(s->cfg.clock);
    return true;
}

/* The PDU at debug level with the handset's number starred. */
static void dump_masked(const uint8_t *pdu, size_t n, const bo_smpp_deliver_t *d)
{
    if (!log_enabled(LOG_DEBUG))
        return;
    uint8_t copy[BO_SMPP_MAX_PDU];
    memcpy(copy, pdu, n);
    char masked[sizeof d->source];
    bo_smpp_mask(d->source, masked, sizeof masked);
    memcpy(copy + d->source_off, masked, strlen(masked));
    log_hex(LOG_DEBUG, SMPP_LOG, "deliver_sm", copy, n);
}

void smpp_dlr_received(bo_smpp_t *s, const uint8_t *pdu, size_t n, uint32_t seq)
{
    bo_smpp_deliver_t d;
    uint8_t out[BO_SMPP_HEADER + 1];
    if (!bo_smpp_decode_deliver(pdu, n, &d)) {
        log_hex(LOG_DEBUG, SMPP_LOG, "deliver_sm (malformed, not shown)", pdu, BO_SMPP_HEADER);
        LOG_W(SMPP_LOG, "a malformed deliver_sm (sequence %u): answered ESME_RSYSERR", seq);
        smpp_sess_write(s, out, bo_smpp_encode_deliver_resp(BO_SMPP_RSYSERR, seq, out, sizeof out), NULL);
        return;
    }
    dump_masked(pdu, n, &d);
    bo_delivery_report_t r;
    char masked[sizeof d.source];
    bo_smpp_mask(d.source, masked, sizeof masked);
    if (!(d.esm_class & ESM_RECEIPT)) {
        LOG_I(SMPP_LOG, "a message from %s (not a receipt): acknowledged and not kept", masked);
    } else if (!receipt_report(s, &d, &r)) {
        LOG_W(SMPP_LOG, "a receipt from %s without an id or a state: acknowledged and not kept", masked);
    } else {
        LOG_I(SMPP_LOG, "receipt for %s: %s (%s)", r.provider_id, r.state, masked);
        if (!gather(s, &r))
            push_report(s, &r);
    }
    smpp_sess_write(s, out, bo_smpp_encode_deliver_resp(BO_SMPP_ROK, seq, out, sizeof out), NULL);
}
