/* Notices' triggers (bo_notice.h). */
#include "backoffice/domain/bo_notice.h"

#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_bill_calc.h"
#include "backoffice/domain/bo_contact.h"
#include "backoffice/domain/bo_forecast.h"
#include "backoffice/notify/bo_channel.h"
#include "backoffice/notify/bo_notice_rules.h"
#include "base/kjson.h"

#define FORECAST_DAYS 7 /* the billed days the cut-off forecast goes by */

/* One event to queue for an account. */
typedef struct notice_ctx {
    bo_store_t *st;
    const bo_notices_cfg_t *cfg;
    const char *account, *meter, *event_id; /* event_id: the reading's time or the sale's id */
    int64_t now;
    const char *key; /* the idempotency key when the event makes its own (a bill's); NULL: from the event */
} notice_ctx_t;

kerr_t bo_notice_levels_of(bo_store_t *st, const bo_notices_cfg_t *cfg, const char *account, const char *meter,
                           bo_nlevels_t *lv, kmsg_t *msg)
{
    char scope[80], site[65] = "";
    bool found = false;
    *lv = (bo_nlevels_t){{cfg->levels[0], cfg->levels[1], cfg->levels[2]}, cfg->rearm_margin};
    kerr_t rc = K_OK;
    if (account && account[0]) {
        snprintf(scope, sizeof scope, "account:%s", account);
        rc = st->ops->notice->levels_get(st->ctx, scope, lv, &found, msg);
    }
    if (rc || found)
        return rc;
    rc = st->ops->meters->meter_site(st->ctx, meter, site, &found, msg);
    if (rc || !found || !site[0])
        return rc;
    snprintf(scope, sizeof scope, "site:%s", site);
    return st->ops->notice->levels_get(st->ctx, scope, lv, &found, msg);
}

/* The event as the webhook sends it; NULL if out of memory. */
static char *event_json(const notice_ctx_t *c, const bo_nevent_t *e, const char *key, const bo_contact_t *who,
                        const char *subject, const char *text)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && kjson_add_str(o, "key", key) && kjson_add_str(o, "kind", bo_notice_kind_name(e->kind)) &&
              kjson_add_str(o, "account", c->account) && kjson_add_str(o, "meter", c->meter) &&
              kjson_add_time(o, "at", e->at) && kjson_add_int(o, "balance", e->balance) &&
              kjson_add_int(o, "amount", e->amount) && kjson_add_str(o, "lang", who->lang) &&
              kjson_add_str(o, "subject", subject) && kjson_add_str(o, "text", text) &&
              (!e->period[0] || kjson_add_str(o, "period", e->period));
    char *s = ok ? kjson_print(o, false) : NULL;
    cJSON_Delete(o);
    return s;
}

/* Queues the notice on one channel (to: its address; "" the webhook). */
static kerr_t put(const notice_ctx_t *c, bo_out_new_t *n, bo_channel_kind_t ch, const char *to, const char *shown,
                  kmsg_t *msg)
{
    bool added = false;
    n->channel = bo_channel_name(ch);
    n->recipient = to;
    n->shown = shown;
    return c->st->ops->notice->enqueue(c->st->ctx, n, &added, msg);
}

/* Queues e on each channel enabled for which the contact has an address. */
static kerr_t queue(const notice_ctx_t *c, const bo_nevent_t *e, const bo_contact_t *who, kmsg_t *msg)
{
    char key[128], subject[128], text[512], shown[160];
    if (c->key)
        snprintf(key, sizeof key, "%s", c->key);
    else
        snprintf(key, sizeof key, "%s:%s:%s:%s", bo_notice_kind_name(e->kind), c->account, c->meter, c->event_id);
    if (!bo_notice_text(e, c->account, c->meter, who->lang, subject, sizeof subject, text, sizeof text))
        return kmsg_set(msg, K_EIO, "the %s notice's text does not fit", bo_notice_kind_name(e->kind));
    char *json = event_json(c, e, key, who, subject, text);
    if (!json)
        return kmsg_set(msg, K_EIO, "out of memory");
    int64_t at = bo_notice_urgent(e->kind) ? c->now
                                           : bo_notice_release_at(c->now, (int)c->cfg->utc_offset_min,
                                                                  who->quiet_from, who->quiet_to);
    bo_out_new_t n = {.key = key, .account = c->account, .meter = c->meter, .kind = bo_notice_kind_name(e->kind),
                      .lang = who->lang, .subject = subject, .text = text, .json = json, .created_at = c->now,
                      .not_before = at};
    kerr_t rc = K_OK;
    if (c->cfg->sms && who->mobile[0]) {
        bo_mask_mobile(who->mobile, shown, sizeof shown);
        rc = put(c, &n, BO_CH_SMS, who->mobile, shown, msg);
    }
    if (rc == K_OK && c->cfg->email && who->email[0]) {
        bo_mask_email(who->email, shown, sizeof shown);
        rc = put(c, &n, BO_CH_EMAIL, who->email, shown, msg);
    }
    if (rc == K_OK && c->cfg->webhook)
        rc = put(c, &n, BO_CH_WEBHOOK, "", "account", msg);
    cJSON_free(json);
    return rc;
}

/* Queues each event the contact wants; none without a contact. */
static kerr_t queue_all(const notice_ctx_t *c, const bo_nevent_t *ev, int n, kmsg_t *msg)
{
    bo_contact_t who;
    bool found = false;
    kerr_t rc = n > 0 ? c->st->ops->notice->contact_get(c->st->ctx, c->account, &who, &found, msg) : K_OK;
    for (int i = 0; rc == K_OK && found && i < n; i++)
        if (who.wants & (1u << bo_notice_family(ev[i].kind)))
            rc = queue(c, &ev[i], &who, msg);
    return rc;
}

/* The forecast time left for a reading (at, balance) of a meter whose
 * memory is s: daily billing's rate (the mean spend of the days billed in
 * the 7 days up to the meter's last billed day) when it has billed days,
 * else the fall between its last two readings. */
static kerr_t forecast(bo_store_t *st, const char *meter, const bo_nstate_t *s, int64_t at, int64_t balance,
                       int64_t *left, kmsg_t *msg)
{
    char last[11] = "", from[11];
    int64_t day, spend[FORECAST_DAYS];
    bo_bill_past_t past[FORECAST_DAYS];
    size_t n = 0;
    kerr_t rc = st->ops->bill->last_day(st->ctx, meter, last, msg);
    if (rc || !last[0] || !bo_bill_day_parse(last, &day)) {
        *left = s->known ? bo_notice_left_ms(s->at, s->balance, at, balance) : -1;
        return rc;
    }
    bo_bill_day_text(day - (FORECAST_DAYS - 1), from);
    bo_bill_day_text(day + 1, last);
    rc = st->ops->bill->past(st->ctx, meter, from, last, past, FORECAST_DAYS, &n, msg);
    for (size_t i = 0; i < n; i++)
        spend[i] = past[i].money;
    *left = balance > 0 ? bo_forecast_ms_to_zero(balance, spend, (int)n) : -1; /* arrears tell a balance gone */
    return rc;
}

kerr_t bo_notice_reading(bo_store_t *st, const bo_notices_cfg_t *cfg, const bo_reading_t *r, int64_t now,
                         kmsg_t *msg)
{
    char account[65] = "", at[24];
    bool bound = false;
    int64_t left = -1;
    bo_nstate_t s, next;
    bo_nevent_t ev[BO_NEVENTS_MAX];
    bo_nlevels_t lv = BO_NLEVELS_DEFAULT;
    snprintf(at, sizeof at, "%lld", (long long)r->at);
    notice_ctx_t c = {st, cfg, account, r->meter, at, now, NULL};
    kerr_t rc = st->ops->meters->binding_of(st->ctx, r->meter, account, &bound, msg);
    if (rc == K_OK && cfg && bound)
        rc = bo_notice_levels_of(st, cfg, account, r->meter, &lv, msg);
    if (rc == K_OK)
        rc = st->ops->notice->state_get(st->ctx, r->meter, &s, msg);
    if (rc)
        return rc;
    if (s.known && r->at <= s.at)
        return K_OK;
    rc = forecast(st, r->meter, &s, r->at, r->balance, &left, msg);
    int n = rc ? 0 : bo_notice_on_reading_left(&s, &lv, r->at, r->balance, r->relay_open != 0, left, &next, ev);
    if (rc == K_OK)
        rc = st->ops->notice->state_put(st->ctx, r->meter, &next, msg);
    return rc || !cfg || !bound ? rc : queue_all(&c, ev, n, msg);
}

/* The credit notice for meter's top-up `id` of amount at `at`: the balance
 * after is *after when the event carries it, else the meter's last
 * reading's plus the amount. */
static kerr_t credit(bo_store_t *st, const bo_notices_cfg_t *cfg, const char *meter, const char *id, int64_t at,
                     int64_t amount, const int64_t *after, int64_t now, kmsg_t *msg)
{
    char account[65] = "";
    bool bound = false;
    bo_nstate_t s;
    kerr_t rc = st->ops->meters->binding_of(st->ctx, meter, account, &bound, msg);
    if (rc == K_OK && bound)
        rc = st->ops->notice->state_get(st->ctx, meter, &s, msg);
    if (rc || !bound)
        return rc;
    bo_nevent_t e = {BO_NK_CREDIT, at, after ? *after : (s.known ? s.balance : 0) + amount, amount, -1, ""};
    notice_ctx_t c = {st, cfg, account, meter, id, now, NULL};
    return queue_all(&c, &e, 1, msg);
}

/* A central credit (or a first purchase) done: credit arrived, keyed by
 * the command, with the amount it carried. */
static kerr_t central_credit(bo_store_t *st, const bo_notices_cfg_t *cfg, const bo_cmd_rec_t *c, int64_t now,
                             kmsg_t *msg)
{
    cJSON *p = cJSON_Parse(c->params);
    int64_t amount = bo_json_int_or(p, "amount", 0);
    cJSON_Delete(p);
    return credit(st, cfg, c->meter, c->id, c->executed_at ? c->executed_at : now, amount,
                  c->has_after ? &c->balance_after : NULL, now, msg);
}

kerr_t bo_notice_command(bo_store_t *st, const bo_notices_cfg_t *cfg, const bo_cmd_rec_t *c, int64_t now,
                         kmsg_t *msg)
{
    char account[65] = "";
    bool bound = false, trip = strcmp(c->command, "relay_trip") == 0;
    bo_nstate_t s, next;
    bo_nevent_t e;
    if (!cfg || strcmp(c->state, "done") != 0)
        return K_OK;
    if (strcmp(c->command, "credit") == 0 || strcmp(c->command, "open_account") == 0)
        return central_credit(st, cfg, c, now, msg);
    if (!trip && strcmp(c->command, "relay_close") != 0)
        return K_OK;
    kerr_t rc = st->ops->meters->binding_of(st->ctx, c->meter, account, &bound, msg);
    if (rc == K_OK)
        rc = st->ops->notice->state_get(st->ctx, c->meter, &s, msg);
    if (rc)
        return rc;
    int n = bo_notice_on_relay(&s, c->executed_at ? c->executed_at : now, trip, c->balance_after, &next, &e);
    if (s.known)
        rc = st->ops->notice->state_put(st->ctx, c->meter, &next, msg);
    notice_ctx_t nc = {st, cfg, account, c->meter, c->id, now, NULL};
    return rc || !bound ? rc : queue_all(&nc, &e, n, msg);
}

kerr_t bo_notice_sale(bo_store_t *st, const bo_notices_cfg_t *cfg, const bo_txn_t *t, int64_t now, kmsg_t *msg)
{
    /* a central sale is told by its command's outcome (bo_notice_command) */
    if (!cfg || strcmp(t->state, "delivered") != 0 || strcmp(t->method, "central") == 0)
        return K_OK;
    return credit(st, cfg, t->meter, t->id, t->updated_at, t->delivered, NULL, now, msg);
}

kerr_t bo_notice_bill(bo_store_t *st, const bo_notices_cfg_t *cfg, const bo_bill_rec_t *b, int64_t now, kmsg_t *msg)
{
    char id[24], key[128];
    if (!cfg)
        return K_OK;
    snprintf(id, sizeof id, "%lld", (long long)b->id);
    snprintf(key, sizeof key, "bill:%s:%s", b->account, id);
    bo_nevent_t e = {BO_NK_BILL_ISSUED, now, 0, b->total - b->paid, -1, ""};
    snprintf(e.period, sizeof e.period, "%s..%s", b->from, b->to);
    notice_ctx_t c = {st, cfg, b->account, "", id, now, key};
    return queue_all(&c, &e, 1, msg);
}
