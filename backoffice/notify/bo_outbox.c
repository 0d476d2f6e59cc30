/* The durable notice outbox (bo_outbox.h). */
#include "backoffice/notify/bo_outbox.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"

#define BATCH 32

static void take_lock(const bo_outbox_t *o)
{
    if (o->lock.lock)
        o->lock.lock(o->lock.arg);
}

static void drop_lock(const bo_outbox_t *o)
{
    if (o->lock.unlock)
        o->lock.unlock(o->lock.arg);
}

void bo_outbox_set_channel(bo_outbox_t *o, bo_channel_t ch, int64_t per_second)
{
    bo_channel_kind_t k = ch.ops->kind;
    if (o->ch[k].ops)
        o->ch[k].ops->close(o->ch[k].ctx);
    o->ch[k] = ch;
    o->pace[k] = (bo_outbox_pace_t){per_second > 0 ? per_second : 1, 1000, -1};
}

void bo_outbox_close(bo_outbox_t *o)
{
    for (int k = 0; k < BO_CH_COUNT; k++)
        if (o->ch[k].ops)
            o->ch[k].ops->close(o->ch[k].ctx);
    memset(o->ch, 0, sizeof o->ch);
}

kerr_t bo_outbox_recover(bo_outbox_t *o, int64_t now, kmsg_t *msg)
{
    int n = 0;
    take_lock(o);
    kerr_t rc = o->st->ops->notice->recover(o->st->ctx, now, &n, msg);
    drop_lock(o);
    if (rc == K_OK && n)
        LOG_W("notices", "%d notices were being sent when the back office stopped: they go again", n);
    return rc;
}

int64_t bo_outbox_backoff_ms(int64_t attempts, int64_t min_ms, int64_t max_ms, uint32_t rnd)
{
    int64_t d = min_ms;
    for (int64_t i = 1; i < attempts && d < max_ms; i++)
        d *= 2;
    d = d > max_ms ? max_ms : d;
    return d - (int64_t)(rnd % (uint32_t)(d / 2 + 1));
}

/* The bucket holds a tenth of a second's messages, one at least: a
 * channel faster than the worker's passes still reaches its pace, and a
 * slow one never sends two at once. */
static int64_t pace_cap(const bo_outbox_pace_t *p)
{
    return p->per_second * 100 > 1000 ? p->per_second * 100 : 1000;
}

bool bo_outbox_pace_take(bo_outbox_pace_t *p, int64_t mono_ms)
{
    if (p->last_ms >= 0 && mono_ms > p->last_ms)
        p->milli += (mono_ms - p->last_ms) * p->per_second;
    p->last_ms = mono_ms;
    p->milli = p->milli > pace_cap(p) ? pace_cap(p) : p->milli;
    if (p->milli < 1000)
        return false;
    p->milli -= 1000;
    return true;
}

static uint32_t next_rand(bo_outbox_t *o)
{
    o->rng ^= o->rng << 13, o->rng ^= o->rng >> 17, o->rng ^= o->rng << 5;
    return o->rng;
}

/* The rows due that the pass collects. */
typedef struct collect {
    bo_out_row_t *rows;
    int n, max;
} collect_t;

static bool collect_one(void *arg, const bo_out_row_t *r)
{
    collect_t *c = arg;
    c->rows[c->n++] = *r;
    return c->n < c->max;
}

/* Takes up to max due rows of channel k and marks them sending, in one
 * transaction (durable first: a stop now sends them again, never loses
 * them). */
static kerr_t claim(bo_outbox_t *o, bo_channel_kind_t k, int64_t now, collect_t *c, kmsg_t *msg)
{
    const bo_st_notice_t *n = o->st->ops->notice;
    take_lock(o);
    kerr_t rc = o->st->ops->begin(o->st->ctx, msg);
    if (rc == K_OK)
        rc = n->due(o->st->ctx, bo_channel_name(k), now, c->max, collect_one, c, msg);
    for (int i = 0; rc == K_OK && i < c->n; i++)
        rc = n->mark(o->st->ctx, c->rows[i].id,
                     &(bo_out_mark_t){"sending", now, now, "", ""}, msg);
    if (rc == K_OK)
        rc = o->st->ops->commit(o->st->ctx, msg);
    if (rc) {
        o->st->ops->rollback(o->st->ctx);
        c->n = 0;
    }
    drop_lock(o);
    return rc;
}

/* What a try's outcome leaves on the row. */
static bo_out_mark_t outcome(bo_outbox_t *o, const bo_out_row_t *r, bo_send_outcome_t s, const char *pid,
                             const kmsg_t *why, int64_t now, bo_outbox_stats_t *stats)
{
    if (s == BO_SEND_OK) {
        stats->sent++;
        return (bo_out_mark_t){"sent", now, now, pid, ""};
    }
    if (s == BO_SEND_REJECTED || now - r->created_at >= o->give_up_ms) {
        stats->given_up++;
        LOG_W("notices", "notice %s on %s given up after %lld tries: %s", r->key, r->channel,
              (long long)r->attempts + 1, why->text);
        return (bo_out_mark_t){"given_up", now, now, "", why->text};
    }
    stats->retried++;
    int64_t wait = bo_outbox_backoff_ms(r->attempts + 1, o->retry_min_ms, o->retry_max_ms, next_rand(o));
    LOG_I("notices", "notice %s on %s: try %lld failed (%s); next in %lld s", r->key, r->channel,
          (long long)r->attempts + 1, why->text, (long long)(wait / 1000));
    return (bo_out_mark_t){"queued", now + wait, now, "", why->text};
}

/* What one pass's tries came to, recorded together. */
typedef struct tries {
    bo_out_mark_t marks[BATCH];
    char pids[BATCH][72];
    kmsg_t whys[BATCH];
} tries_t;

/* Hands one claimed row to its channel; its outcome into t's slot i. */
static void send_one(bo_outbox_t *o, bo_channel_kind_t k, const bo_out_row_t *r, int64_t now, tries_t *t, int i,
                     bo_outbox_stats_t *stats)
{
    const bo_notice_msg_t m = {r->key, r->recipient, r->lang, r->subject, r->text, r->json};
    t->pids[i][0] = '\0';
    t->whys[i] = (kmsg_t){{0}};
    bo_send_outcome_t s = o->ch[k].ops->send(o->ch[k].ctx, &m, t->pids[i], &t->whys[i]);
    t->marks[i] = outcome(o, r, s, t->pids[i], &t->whys[i], now, stats);
}

/* The outcomes of a pass's n tries, in one transaction (a stop before it
 * leaves the rows sending: they go again, never lost). */
static kerr_t record(bo_outbox_t *o, const bo_out_row_t *rows, const tries_t *t, int n, kmsg_t *msg)
{
    take_lock(o);
    kerr_t rc = o->st->ops->begin(o->st->ctx, msg);
    for (int i = 0; rc == K_OK && i < n; i++)
        rc = o->st->ops->notice->mark(o->st->ctx, rows[i].id, &t->marks[i], msg);
    if (rc == K_OK)
        rc = o->st->ops->commit(o->st->ctx, msg);
    if (rc)
        o->st->ops->rollback(o->st->ctx);
    drop_lock(o);
    return rc;
}

/* Delivery reports gathered, then recorded together. */
typedef struct report_ctx {
    bo_outbox_t *o;
    bo_channel_kind_t k;
    kerr_t rc;
    kmsg_t *msg;
    int n, held;
    bo_delivery_report_t held_r[BATCH];
} report_ctx_t;

static void flush_reports(report_ctx_t *c)
{
    if (!c->held)
        return;
    bo_outbox_t *o = c->o;
    const char *ch = bo_channel_name(c->k);
    take_lock(o);
    kerr_t rc = o->st->ops->begin(o->st->ctx, c->msg);
    int found_n = 0;
    for (int i = 0; rc == K_OK && i < c->held; i++) {
        const bo_delivery_report_t *r = &c->held_r[i];
        bool found = false;
        rc = o->st->ops->notice->report(o->st->ctx, ch, r->provider_id, r->delivered, r->state, r->at_ms, &found,
                                        c->msg);
        found_n += found;
        if (rc == K_OK && !found)
            LOG_W("notices", "a %s delivery report for %s matches no notice sent", ch, r->provider_id);
    }
    if (rc == K_OK)
        rc = o->st->ops->commit(o->st->ctx, c->msg);
    if (rc)
        o->st->ops->rollback(o->st->ctx);
    drop_lock(o);
    c->n += rc == K_OK ? found_n : 0;
    c->rc = c->rc ? c->rc : rc;
    c->held = 0;
}

static void on_report(void *arg, const bo_delivery_report_t *r)
{
    report_ctx_t *c = arg;
    c->held_r[c->held++] = *r;
    if (c->held == BATCH)
        flush_reports(c);
}

/* Channel k's due rows at its pace, then its reports. */
static kerr_t pump_channel(bo_outbox_t *o, bo_channel_kind_t k, int64_t now, int64_t mono_ms,
                           bo_outbox_stats_t *stats, kmsg_t *msg)
{
    bo_out_row_t rows[BATCH];
    tries_t t;
    collect_t c = {rows, 0, 0};
    bo_outbox_pace_t *p = &o->pace[k];
    while (c.max < BATCH && bo_outbox_pace_take(p, mono_ms))
        c.max++;
    kerr_t rc = c.max ? claim(o, k, now, &c, msg) : K_OK;
    p->milli += (int64_t)(c.max - c.n) * 1000; /* tokens not used go back */
    p->milli = p->milli > pace_cap(p) ? pace_cap(p) : p->milli;
    for (int i = 0; rc == K_OK && i < c.n; i++)
        send_one(o, k, &rows[i], now, &t, i, stats);
    if (rc == K_OK && c.n)
        rc = record(o, rows, &t, c.n, msg);
    report_ctx_t rep = {.o = o, .k = k, .rc = K_OK, .msg = msg};
    if (rc == K_OK && o->ch[k].ops->reports) {
        o->ch[k].ops->reports(o->ch[k].ctx, on_report, &rep);
        flush_reports(&rep);
    }
    stats->reports += rep.n;
    return rc ? rc : rep.rc;
}

kerr_t bo_outbox_pump(bo_outbox_t *o, int64_t now, int64_t mono_ms, bo_outbox_stats_t *stats, kmsg_t *msg)
{
    kerr_t rc = K_OK;
    for (int k = 0; rc == K_OK && k < BO_CH_COUNT; k++)
        if (o->ch[k].ops)
            rc = pump_channel(o, (bo_channel_kind_t)k, now, mono_ms, stats, msg);
    return rc;
}
