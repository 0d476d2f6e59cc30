/* The durable notice outbox (docs/notices.md, "The outbox"): the rows the
 * ingest queued (store/bo_store_notice.h) handed to their channels
 * (bo_channel.h) by one worker: each row marked sending and committed
 * before its channel is tried, then sent, retried with a capped
 * exponential backoff and jitter, or given up; every channel at its own
 * pace (messages per second), so a channel back after hours drains
 * steadily; delivery reports recorded. */
#ifndef BACKOFFICE_NOTIFY_BO_OUTBOX_H
#define BACKOFFICE_NOTIFY_BO_OUTBOX_H

#include <stdint.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/notify/bo_channel.h"
#include "backoffice/store/bo_store.h"

/* How the worker takes the store: the server's lock around each use
 * (lock NULL: the caller is the store's only user). */
typedef struct bo_outbox_lock {
    void (*lock)(void *arg);
    void (*unlock)(void *arg);
    void *arg;
} bo_outbox_lock_t;

/* A channel's pace: a token bucket refilled per_second times a second,
 * holding a tenth of a second's messages (one at least); milli-tokens, so
 * no fractions. */
typedef struct bo_outbox_pace {
    int64_t per_second, milli, last_ms;
} bo_outbox_pace_t;

typedef struct bo_outbox {
    bo_store_t *st;
    bo_outbox_lock_t lock;
    bo_channel_t ch[BO_CH_COUNT]; /* ops NULL: the channel is off */
    bo_outbox_pace_t pace[BO_CH_COUNT];
    int64_t retry_min_ms, retry_max_ms, give_up_ms;
    uint32_t rng;
} bo_outbox_t;

/* What one pass did. */
typedef struct bo_outbox_stats {
    int sent, retried, given_up, reports;
} bo_outbox_stats_t;

/* Sets the outbox up from cfg (notify/bo_outbox_open.c): the channels
 * [notices] enables (SMS over SMPP to [sms], e-mail over SMTP to [email],
 * the webhook), their paces and the backoff. The channels connect on
 * their first send: one enabled but unreachable keeps its notices queued
 * (RETRY). K_EINVAL, or K_EIO (a password file unreadable), with msg
 * naming the setting, if a channel cannot start; nothing is left open. */
kerr_t bo_outbox_open(bo_outbox_t *o, bo_store_t *st, const bo_config_t *cfg, bo_outbox_lock_t lock, kmsg_t *msg);

/* Puts a channel of the outbox's (replacing one of its kind); its pace
 * per second. For tests and the channels' own setup. */
void bo_outbox_set_channel(bo_outbox_t *o, bo_channel_t ch, int64_t per_second);

/* Closes the channels. */
void bo_outbox_close(bo_outbox_t *o);

/* Rows left sending by a stop (the program ended mid-send) go back to
 * queued: a notice is then sent at least once, never lost. */
kerr_t bo_outbox_recover(bo_outbox_t *o, int64_t now, kmsg_t *msg);

/* One pass at now (wall clock, ms) and mono_ms (a monotonic clock, for
 * the paces): each channel sends the due rows its pace allows now, and
 * passes on its delivery reports. Adds what it did to *stats. */
kerr_t bo_outbox_pump(bo_outbox_t *o, int64_t now, int64_t mono_ms, bo_outbox_stats_t *stats, kmsg_t *msg);

/* The wait before try attempts + 1, after attempts failed tries:
 * min_ms doubled per try, capped at max_ms, of which a random half
 * (rnd) is taken off (jitter), never below min_ms / 2. */
int64_t bo_outbox_backoff_ms(int64_t attempts, int64_t min_ms, int64_t max_ms, uint32_t rnd);

/* Whether the pace allows a message at mono_ms; takes it if so. */
bool bo_outbox_pace_take(bo_outbox_pace_t *p, int64_t mono_ms);

#endif
