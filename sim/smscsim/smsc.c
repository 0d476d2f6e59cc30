/* The centre's side of SMPP 3.4: binds, submit_sm (with the faults the
 * control port sets), concatenated parts joined, receipts sent, the
 * session's housekeeping (enquire_link, unbind, generic_nack). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "sim/smscsim/smsc.h"

#define BIND_RX 0x00000001u
#define BIND_TX 0x00000002u
#define SUBMIT 0x00000004u
#define DELIVER 0x00000005u
#define UNBIND 0x00000006u
#define BIND_TRX 0x00000009u
#define ENQUIRE 0x00000015u
#define NACK 0x80000000u
#define RESP 0x80000000u

static void answer(smsc_conn_t *c, uint32_t id, uint32_t status, uint32_t seq, const char *str)
{
    smsc_out_t o;
    smsc_out_begin(&o, id, status, seq);
    if (str)
        smsc_out_str(&o, str);
    smsc_send(c, &o);
}

static void on_bind(smsc_t *s, smsc_conn_t *c, const smsc_pdu_t *p)
{
    smsc_in_t in = {p->body, p->body_len, 0, false};
    char sys[16], pw[9];
    smsc_in_str(&in, sys, sizeof sys);
    smsc_in_str(&in, pw, sizeof pw);
    uint32_t status = 0;
    if (in.broken)
        status = 0x02; /* ESME_RINVCMDLEN */
    else if (c->bound)
        status = 0x05; /* ESME_RALYBND */
    else if (s->faults.refuse > 0 && s->faults.refuse--)
        status = 0x0D; /* ESME_RBINDFAIL */
    else if (s->password && strcmp(pw, s->password) != 0)
        status = 0x0E; /* ESME_RINVPASWD */
    if (status == 0) {
        c->bound = (int)p->id;
        snprintf(c->system_id, sizeof c->system_id, "%s", sys);
        s->binds++;
    }
    LOG_I(SMSC_LOG, "bind 0x%08X as %s: status 0x%02X", p->id, in.broken ? "?" : sys, status);
    answer(c, p->id | RESP, status, p->seq, status ? NULL : "smscsim");
}

static bool can_send(const smsc_conn_t *c)
{
    return c->bound == (int)BIND_TX || c->bound == (int)BIND_TRX;
}

static bool can_receive(const smsc_conn_t *c)
{
    return c->fd >= 0 && (c->bound == (int)BIND_RX || c->bound == (int)BIND_TRX);
}

/* A whole message joins the list (the oldest go when it is full). */
static void keep(smsc_t *s, const smsc_msg_t *m)
{
    if (s->n_msgs == SMSC_MSGS) {
        memmove(s->msgs, s->msgs + 1, (SMSC_MSGS - 1) * sizeof *s->msgs);
        s->n_msgs--;
    }
    s->msgs[s->n_msgs++] = *m;
    LOG_I(SMSC_LOG, "message %s: %d part%s, %zu bytes of text", m->id, m->parts, m->parts > 1 ? "s" : "", strlen(m->text));
}

static void text_of(const smsc_submit_t *sub, const uint8_t *p, size_t n, char *out, size_t cap)
{
    if ((sub->data_coding & 0x0F) == 0x08) {
        smsc_ucs2_to_utf8(p, n, out, cap);
    } else {
        size_t k = n < cap - 1 ? n : cap - 1;
        memcpy(out, p, k);
        out[k] = '\0';
    }
}

static smsc_pending_t *pending_for(smsc_t *s, const smsc_submit_t *sub, unsigned ref, unsigned total)
{
    smsc_pending_t *free_slot = NULL;
    for (int i = 0; i < SMSC_PENDING; i++) {
        smsc_pending_t *q = &s->pending[i];
        if (q->used && q->ref == ref && q->total == total && !strcmp(q->to, sub->dest) && !strcmp(q->from, sub->source))
            return q;
        if (!q->used && !free_slot)
            free_slot = q;
    }
    if (!free_slot)
        free_slot = &s->pending[0];
    memset(free_slot, 0, sizeof *free_slot);
    free_slot->used = true;
    free_slot->ref = ref;
    free_slot->total = total;
    snprintf(free_slot->to, sizeof free_slot->to, "%s", sub->dest);
    snprintf(free_slot->from, sizeof free_slot->from, "%s", sub->source);
    return free_slot;
}

/* One part of a concatenated message; the whole is kept once every part came. */
static void join_part(smsc_t *s, const smsc_submit_t *sub, const char *id, unsigned ref, unsigned total, unsigned seq,
                      const uint8_t *data, size_t n)
{
    smsc_pending_t *q = pending_for(s, sub, ref, total);
    q->have |= 1u << (seq - 1);
    memcpy(q->body[seq - 1], data, n);
    q->len[seq - 1] = n;
    snprintf(q->ids[seq - 1], sizeof q->ids[seq - 1], "%s", id);
    if (q->have != (1u << total) - 1)
        return;
    static uint8_t all[SMSC_PARTS * 134];
    size_t len = 0;
    smsc_msg_t m = {.parts = (int)total, .data_coding = sub->data_coding};
    for (unsigned i = 0; i < total; i++) {
        memcpy(all + len, q->body[i], q->len[i]);
        len += q->len[i];
        size_t at = strlen(m.ids);
        snprintf(m.ids + at, sizeof m.ids - at, "%s%s", i ? " " : "", q->ids[i]);
    }
    snprintf(m.id, sizeof m.id, "%s", q->ids[0]);
    snprintf(m.to, sizeof m.to, "%s", q->to);
    snprintf(m.from, sizeof m.from, "%s", q->from);
    text_of(sub, all, len, m.text, sizeof m.text);
    q->used = false;
    keep(s, &m);
}

/* The concatenation UDH's reference, total and sequence (8- or 16-bit
 * reference); false if sm has none. *skip: the UDH's octets. */
static bool concat_udh(const uint8_t *sm, size_t n, unsigned *ref, unsigned *total, unsigned *seq, size_t *skip)
{
    if (n < 1 || (size_t)sm[0] + 1 > n)
        return false;
    *skip = (size_t)sm[0] + 1;
    for (size_t i = 1; i + 1 < *skip;) {
        unsigned iei = sm[i], len = sm[i + 1];
        const uint8_t *v = sm + i + 2;
        if (i + 2 + len > *skip)
            return false;
        if (iei == 0x00 && len == 3) {
            *ref = v[0], *total = v[1], *seq = v[2];
            return *total >= 1 && *total <= SMSC_PARTS && *seq >= 1 && *seq <= *total;
        }
        if (iei == 0x08 && len == 4) {
            *ref = (unsigned)v[0] << 8 | v[1], *total = v[2], *seq = v[3];
            return *total >= 1 && *total <= SMSC_PARTS && *seq >= 1 && *seq <= *total;
        }
        i += 2 + len;
    }
    return false;
}

static void take_message(smsc_t *s, const smsc_submit_t *sub, const char *id)
{
    unsigned ref, total, seq;
    size_t skip;
    if ((sub->esm_class & 0x40) && concat_udh(sub->sm, sub->sm_len, &ref, &total, &seq, &skip)) {
        join_part(s, sub, id, ref, total, seq, sub->sm + skip, sub->sm_len - skip);
        return;
    }
    smsc_msg_t m = {.parts = 1, .data_coding = sub->data_coding};
    snprintf(m.id, sizeof m.id, "%s", id);
    snprintf(m.ids, sizeof m.ids, "%s", id);
    snprintf(m.to, sizeof m.to, "%s", sub->dest);
    snprintf(m.from, sizeof m.from, "%s", sub->source);
    text_of(sub, sub->sm, sub->sm_len, m.text, sizeof m.text);
    keep(s, &m);
}

/* The status a submit_sm gets from the faults set, or -1: no answer at all. */
static long fault_status(smsc_t *s)
{
    smsc_faults_t *f = &s->faults;
    if (f->silent > 0) {
        f->silent--;
        return -1;
    }
    if (f->throttle) {
        s->throttled++;
        return 0x58;
    }
    if (f->fail > 0) {
        f->fail--;
        return 0x08;
    }
    if (f->reject) {
        uint32_t st = f->reject;
        f->reject = 0;
        return st;
    }
    return 0;
}

/* A submit_sm's answer, now or (with a latency) later, with its receipt after it. */
static void submit_answer(smsc_t *s, smsc_conn_t *c, uint32_t seq, uint32_t status, const char *id, bool receipt)
{
    if (s->faults.latency > 0 && s->later_n < SMSC_LATER) {
        smsc_later_t *l = &s->later[(s->later_head + s->later_n++) % SMSC_LATER];
        *l = (smsc_later_t){(int)(c - s->conn), c->fd, seq, status, "", receipt, kclock_mono(NULL) + s->faults.latency};
        snprintf(l->id, sizeof l->id, "%s", id ? id : "");
        return;
    }
    answer(c, SUBMIT | RESP, status, seq, id);
    if (receipt)
        smsc_send_receipt(s, id, "DELIVRD");
}

int smsc_later_flush(smsc_t *s, int64_t now)
{
    while (s->later_n > 0) {
        smsc_later_t *l = &s->later[s->later_head];
        if (l->due > now)
            return (int)(l->due - now);
        smsc_conn_t *c = &s->conn[l->conn];
        if (c->fd >= 0 && c->fd == l->fd) {
            answer(c, SUBMIT | RESP, l->status, l->seq, l->status ? NULL : l->id);
            if (l->receipt)
                smsc_send_receipt(s, l->id, "DELIVRD");
        }
        s->later_head = (s->later_head + 1) % SMSC_LATER;
        s->later_n--;
    }
    return -1;
}

static void on_submit(smsc_t *s, smsc_conn_t *c, const smsc_pdu_t *p)
{
    smsc_submit_t sub;
    s->submits++;
    if (!can_send(c)) {
        answer(c, p->id | RESP, 0x04, p->seq, NULL); /* ESME_RINVBNDSTS */
        return;
    }
    long st = fault_status(s);
    if (st < 0)
        return;
    if (st == 0 && !smsc_wire_submit(p->body, p->body_len, &sub))
        st = 0x01; /* ESME_RINVMSGLEN */
    if (st == 0 && (!sub.dest[0] || strspn(sub.dest, "0123456789") != strlen(sub.dest)))
        st = 0x0B; /* ESME_RINVDSTADR */
    if (st != 0) {
        submit_answer(s, c, p->seq, (uint32_t)st, NULL, false);
        return;
    }
    char id[16];
    snprintf(id, sizeof id, "%llu", (unsigned long long)s->next_id++);
    take_message(s, &sub, id);
    submit_answer(s, c, p->seq, 0, id, s->faults.auto_receipt && (sub.registered_delivery & 0x03) == 1);
}

void smsc_handle(smsc_t *s, smsc_conn_t *c, const uint8_t *pdu, size_t n)
{
    smsc_pdu_t p;
    smsc_wire_split(pdu, n, &p);
    switch (p.id) {
    case BIND_RX:
    case BIND_TX:
    case BIND_TRX: on_bind(s, c, &p); break;
    case SUBMIT: on_submit(s, c, &p); break;
    case ENQUIRE:
        s->enquires++;
        answer(c, ENQUIRE | RESP, 0, p.seq, NULL);
        break;
    case UNBIND:
        answer(c, UNBIND | RESP, 0, p.seq, NULL);
        smsc_hang_up(c, "unbound");
        break;
    case DELIVER | RESP:
    case ENQUIRE | RESP:
    case NACK: break;
    default: answer(c, NACK, 0x03, p.seq, NULL); /* ESME_RINVCMDID */
    }
}

/* The message (whole or still in parts) that a part's id belongs to. */
static bool find_part(const smsc_t *s, const char *id, char *to, char *from)
{
    for (size_t i = 0; i < s->n_msgs; i++) {
        const smsc_msg_t *m = &s->msgs[i];
        char list[sizeof m->ids + 2];
        char word[20];
        snprintf(list, sizeof list, " %s ", m->ids);
        snprintf(word, sizeof word, " %s ", id);
        if (strstr(list, word)) {
            snprintf(to, 21, "%s", m->to);
            snprintf(from, 21, "%s", m->from);
            return true;
        }
    }
    for (int i = 0; i < SMSC_PENDING; i++)
        for (unsigned k = 0; s->pending[i].used && k < s->pending[i].total; k++)
            if (!strcmp(s->pending[i].ids[k], id)) {
                snprintf(to, 21, "%s", s->pending[i].to);
                snprintf(from, 21, "%s", s->pending[i].from);
                return true;
            }
    return false;
}

static unsigned state_of(const char *stat)
{
    static const char *const words[] = {"", "ENROUTE", "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD"};
    for (unsigned i = 1; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(words[i], stat))
            return i;
    return 7;
}

bool smsc_send_receipt(smsc_t *s, const char *id, const char *stat)
{
    char to[21] = "", from[21] = "", text[160], when[16];
    if (!find_part(s, id, to, from))
        snprintf(to, sizeof to, "0");
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    snprintf(when, sizeof when, "%02d%02d%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min);
    snprintf(text, sizeof text, "id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%s text:", id,
             strcmp(stat, "DELIVRD") ? "000" : "001", when, when, stat, strcmp(stat, "DELIVRD") ? "001" : "000");
    for (int i = 0; i < SMSC_CONNS; i++) {
        smsc_conn_t *c = &s->conn[i];
        if (!can_receive(c))
            continue;
        smsc_out_t o;
        smsc_out_begin(&o, DELIVER, 0, ++c->out_seq);
        smsc_out_str(&o, "");
        smsc_out_byte(&o, 1), smsc_out_byte(&o, 1), smsc_out_str(&o, to);
        smsc_out_byte(&o, 5), smsc_out_byte(&o, 0), smsc_out_str(&o, from);
        smsc_out_byte(&o, 0x04); /* esm_class: a delivery receipt */
        smsc_out_byte(&o, 0), smsc_out_byte(&o, 0), smsc_out_str(&o, ""), smsc_out_str(&o, "");
        smsc_out_byte(&o, 0), smsc_out_byte(&o, 0), smsc_out_byte(&o, 0), smsc_out_byte(&o, 0);
        smsc_out_byte(&o, (unsigned)strlen(text));
        smsc_out_raw(&o, text, strlen(text));
        smsc_out_raw(&o, "\x00\x1e", 2), smsc_out_byte(&o, 0), smsc_out_byte(&o, (unsigned)strlen(id) + 1);
        smsc_out_str(&o, id);
        smsc_out_raw(&o, "\x04\x27\x00\x01", 4), smsc_out_byte(&o, state_of(stat));
        if (smsc_send(c, &o)) {
            s->receipts_sent++;
            LOG_I(SMSC_LOG, "receipt for %s: %s", id, stat);
            return true;
        }
    }
    return false;
}
