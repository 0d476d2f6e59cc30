/* The card delivery target (gw_card.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "drivers/card/gw_card.h"

static const gw_ops_t gwc_ops;

typedef struct gwc {
    card_slot_t slot;
    card_keys_t keys;
    gw_card_opts_t opts;
    card_view_t cached; /* the card as last read or written, while it stays connected */
    bool cached_ok;
} gwc_t;

/* Reads the card, or takes what was read while the same card stayed
 * connected (exclusively: nobody else wrote it in between). */
static kerr_t read_view(gwc_t *g, card_view_t *v, card_status_t *st, kmsg_t *msg)
{
    if (g->cached_ok && g->slot.ops->held(g->slot.ctx)) {
        *v = g->cached;
        *st = (card_status_t){.slot = CARD_OK, .sw = 0x9000};
        return K_OK;
    }
    g->cached_ok = false;
    kerr_t rc = card_session_read(&g->slot, &g->keys, v, st, msg);
    if (rc == K_OK) {
        g->cached = *v;
        g->cached_ok = true;
    }
    return rc;
}

void gw_card_serial_hex(const uint8_t serial[CARD_SERIAL_LEN], char out[17])
{
    for (int i = 0; i < CARD_SERIAL_LEN; i++)
        snprintf(out + 2 * i, 3, "%02X", serial[i]);
}

/* Reads the card in the reader and checks it is the one addressed. */
static gw_err_t open_card(gwc_t *g, const gw_target_t *to, card_view_t *v, kmsg_t *msg)
{
    char hex[17];
    card_status_t st;
    if (read_view(g, v, &st, msg) != K_OK) /* refused only by a card that answered */
        return st.slot == CARD_OK && st.sw != 0 ? GW_REFUSED : GW_UNREACHABLE;
    gw_card_serial_hex(v->info.serial, hex);
    if (strcmp(v->info.meter, to->meter) != 0) {
        kmsg_set(msg, K_ECONFLICT, "the card in the reader is for meter %s, not %s", v->info.meter, to->meter);
        return GW_REFUSED;
    }
    if (to->card && to->card[0] && strcmp(to->card, hex) != 0) {
        kmsg_set(msg, K_ECONFLICT, "card %s is in the reader; this purchase belongs to card %s: insert that card", hex,
                 to->card);
        return GW_REFUSED;
    }
    return GW_OK;
}

kerr_t gw_card_view(gw_t *g, card_view_t *out, kmsg_t *msg)
{
    if (g->ops != &gwc_ops)
        return kmsg_set(msg, K_EINVAL, "not a card reader");
    gwc_t *c = g->ctx;
    card_status_t st;
    kerr_t rc = read_view(c, out, &st, msg);
    if (rc != K_OK && st.slot != CARD_OK && st.slot != CARD_IO)
        return K_ENOTFOUND; /* no card, or no reader */
    return rc;
}

/* Whether two EF_INFO contents say the same (the status byte is the card's own). */
static bool same_info(const card_info_t *a, const card_info_t *b)
{
    return a->type == b->type && memcmp(a->serial, b->serial, CARD_SERIAL_LEN) == 0 &&
           strcmp(a->meter, b->meter) == 0 && strcmp(a->customer, b->customer) == 0 &&
           a->generation == b->generation && a->currency == b->currency && strcmp(a->issued, b->issued) == 0;
}

kerr_t gw_card_issue(gw_t *g, const card_info_t *info, kmsg_t *msg)
{
    if (g->ops != &gwc_ops)
        return kmsg_set(msg, K_EINVAL, "not a card reader");
    gwc_t *c = g->ctx;
    card_view_t v;
    card_status_t st;
    kerr_t rc = read_view(c, &v, &st, msg);
    c->cached_ok = false; /* what it holds is about to change */
    if (rc != K_OK)
        return st.slot != CARD_OK ? K_ETIMEOUT : rc;
    if (memcmp(v.info.serial, info->serial, CARD_SERIAL_LEN) != 0)
        return kmsg_set(msg, K_ECONFLICT, "another card was put into the reader");
    if ((rc = card_session_issue(&c->slot, &c->keys, info, &st, msg)) != K_OK)
        return st.slot != CARD_OK || st.sw == 0 ? K_ETIMEOUT : rc;
    if ((rc = read_view(c, &v, &st, msg)) != K_OK)
        return st.slot != CARD_OK ? K_ETIMEOUT : rc;
    if (!same_info(&v.info, info))
        return kmsg_set(msg, K_EDEVICE, "the card reads back other information than was written");
    return K_OK;
}

void gw_card_reading(const card_view_t *v, gw_reading_t *out)
{
    const card_writeback_t *wb = &v->writeback;
    *out = (gw_reading_t){.have = GW_READ_COUNT,
                          .purchase_count = v->purse.count,
                          .count_open = v->purse.purpose == CARD_PURPOSE_NONE};
    snprintf(out->meter, sizeof out->meter, "%s", v->info.meter);
    if (!wb->written)
        return;
    out->have = GW_READ_ALL;
    out->balance = wb->remaining;
    out->energy_total = wb->energy_total;
    memcpy(out->energy_band, wb->energy, sizeof out->energy_band);
    out->relay_open = wb->status & CARD_WB_RELAY_OPEN;
    out->flags = (wb->tamper & CARD_WB_METER_COVER ? GW_FLAG_COVER : 0) |
                 (wb->tamper & CARD_WB_TERMINAL_COVER ? GW_FLAG_TERMINAL : 0) |
                 (wb->tamper & CARD_WB_MAGNETIC ? GW_FLAG_MAGNETIC : 0) |
                 (wb->tamper & CARD_WB_REVERSE ? GW_FLAG_REVERSE : 0) |
                 (wb->status & CARD_WB_LOW_BALANCE ? GW_FLAG_LOW_BALANCE : 0) |
                 (wb->status & CARD_WB_PRETRIP ? GW_FLAG_PRETRIP : 0);
}

static gw_err_t gwc_read(void *ctx, const gw_target_t *to, unsigned what, gw_reading_t *out, kmsg_t *msg)
{
    (void)what;
    card_view_t v;
    gw_err_t e = open_card(ctx, to, &v, msg);
    if (e == GW_OK)
        gw_card_reading(&v, out);
    return e;
}

/* The purse's purpose (docs/card.md): open the account when the engine
 * says this write does; the first purchase on a replacement card re-binds
 * the meter to it (what a replacement card is for); else a purchase. */
static uint8_t purpose_of(const card_view_t *v, bool open_account)
{
    if (open_account)
        return CARD_PURPOSE_OPEN;
    if (v->purse.purpose == CARD_PURPOSE_NONE && v->info.type == CARD_TYPE_REPLACEMENT)
        return CARD_PURPOSE_REPLACE;
    return CARD_PURPOSE_PURCHASE;
}

static void now_digits(const kclock_t *clk, char out[CARD_DIGITS_LEN])
{
    time_t t = (time_t)(kclock_wall(clk) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, CARD_DIGITS_LEN, "%02d%02d%02d%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
}

/* The card refused: a count that does not follow is a count mismatch, the
 * rest (blocked, MAC) a refusal with its reason. */
static void refused(const card_status_t *st, const card_view_t *v, const char *why, gw_credit_reply_t *out)
{
    out->result = card_sw_kind(st->sw) == CARD_SW_CONDITIONS ? GW_CREDIT_COUNT_MISMATCH : GW_CREDIT_REFUSED;
    out->count_after = v->purse.count;
    out->count_known = true; /* the purse's count; the card says nothing of a balance */
    snprintf(out->reason, sizeof out->reason, "%s", why);
}

static gw_err_t gwc_credit(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg)
{
    gwc_t *g = ctx;
    card_view_t v;
    gw_err_t e = open_card(g, &req->to, &v, msg);
    if (e != GW_OK)
        return e;
    if (req->amount < 0 || req->amount > UINT32_MAX || req->count < 1 || req->count > 0xFFFF) {
        kmsg_set(msg, K_EINVAL, "a card purse holds amounts up to 4294967295 and counts 1..65535");
        return GW_INVALID;
    }
    card_purse_t p = {.purpose = purpose_of(&v, req->open_account), .amount = req->amount, .count = req->count}, after;
    now_digits(g->opts.clk, p.time);
    card_status_t st;
    *out = (gw_credit_reply_t){0};
    g->cached_ok = false; /* what it holds is about to change */
    if (card_session_write_purse(&g->slot, &g->keys, v.info.serial, &p, &after, &st, msg) == K_OK) {
        g->cached = v;
        g->cached.purse = after; /* read back with its MAC */
        g->cached_ok = true;
        out->result = GW_CREDIT_APPLIED;
        out->count_after = after.count;
        out->balance_after = v.writeback.remaining; /* the meter takes the credit when the card is inserted */
        out->count_known = out->balance_known = true;
        return GW_OK;
    }
    if (st.slot != CARD_OK || st.sw == 0)
        return GW_TIMEOUT; /* pulled out, or no answer: the write may or may not have landed */
    refused(&st, &v, msg ? msg->text : "the card refused the purchase", out);
    return GW_OK;
}

static gw_err_t gwc_relay(void *ctx, const char *meter, gw_relay_t cmd, kmsg_t *msg)
{
    (void)ctx;
    (void)cmd;
    kmsg_set(msg, K_EINVAL, "meter %s: a card cannot switch a relay", meter);
    return GW_INVALID;
}

static void gwc_close(void *ctx)
{
    gwc_t *g = ctx;
    card_slot_close(&g->slot);
    card_keys_close(&g->keys);
    free(g);
}

/* The reader answers (a card in it or not). */
static gw_err_t gwc_probe(void *ctx, kmsg_t *msg)
{
    gwc_t *g = ctx;
    return g->slot.ops->probe(g->slot.ctx, msg) == CARD_OK ? GW_OK : GW_UNREACHABLE;
}

/* A meter card carries credit and nothing else: no settings, no
 * refund, no freeze. */
static gw_err_t gwc_write(void *ctx, const char *meter, const gw_settings_t *s, kmsg_t *msg)
{
    (void)ctx;
    (void)s;
    kmsg_set(msg, K_EINVAL, "meter %s: a meter card carries no settings; write them over the meter's gateway", meter);
    return GW_UNSUPPORTED;
}

static gw_err_t gwc_refund(void *ctx, const gw_credit_req_t *req, gw_credit_reply_t *out, kmsg_t *msg)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    kmsg_set(msg, K_EINVAL, "meter %s: the card profile defines no refund; nothing was written", req->to.meter);
    return GW_UNSUPPORTED;
}

static gw_err_t gwc_read_frozen(void *ctx, const char *meter, gw_frozen_t *out, kmsg_t *msg)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    kmsg_set(msg, K_EINVAL, "meter %s: a meter card holds no daily freeze", meter);
    return GW_UNSUPPORTED;
}

static const gw_ops_t gwc_ops = {.name = "card",
                                 .read = gwc_read,
                                 .credit = gwc_credit,
                                 .relay = gwc_relay,
                                 .write = gwc_write,
                                 .refund = gwc_refund,
                                 .read_frozen = gwc_read_frozen,
                                 .close = gwc_close,
                                 .probe = gwc_probe};

kerr_t gw_card_open(card_slot_t slot, card_keys_t keys, const gw_card_opts_t *o, gw_t *out, kmsg_t *msg)
{
    gwc_t *g = calloc(1, sizeof *g);
    if (!g) {
        card_slot_close(&slot);
        card_keys_close(&keys);
        return kmsg_set(msg, K_EIO, "out of memory");
    }
    *g = (gwc_t){.slot = slot, .keys = keys, .opts = o ? *o : (gw_card_opts_t){0}};
    *out = (gw_t){&gwc_ops, g};
    return K_OK;
}
