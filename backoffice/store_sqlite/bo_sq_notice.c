/* The SQLite store's notices (bo_store_notice.h): contacts, levels, each
 * meter's notice memory and the outbox. */
#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

#define CONTACT_COLS "account, mobile, email, lang, wants, quiet_from, quiet_to"

static kerr_t contact_get(void *ctx, const char *account, bo_contact_t *c, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg, "SELECT " CONTACT_COLS " FROM contact WHERE account = ?", "t",
                            account);
    if (rc == K_OK && *found) {
        snprintf(c->account, sizeof c->account, "%s", bo_db_col(st, 0));
        snprintf(c->mobile, sizeof c->mobile, "%s", bo_db_col(st, 1));
        snprintf(c->email, sizeof c->email, "%s", bo_db_col(st, 2));
        snprintf(c->lang, sizeof c->lang, "%s", bo_db_col(st, 3));
        c->wants = (unsigned)bo_cur_int(st, 4);
        c->quiet_from = (int)bo_cur_int(st, 5);
        c->quiet_to = (int)bo_cur_int(st, 6);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t contact_put(void *ctx, const bo_contact_t *c, int64_t at, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "writing a contact",
                       "INSERT INTO contact SELECT ?1, ?2, ?3, ?4, CAST(?5 AS BIGINT), CAST(?6 AS BIGINT), "
                       "CAST(?7 AS BIGINT), CAST(?8 AS BIGINT) WHERE EXISTS "
                       "(SELECT 1 FROM account WHERE id = ?1) ON CONFLICT (account) DO UPDATE SET mobile = ?2, "
                       "email = ?3, lang = ?4, wants = ?5, quiet_from = ?6, quiet_to = ?7, updated_at = ?8",
                       "ttttiiii", c->account, c->mobile, c->email, c->lang, (int64_t)c->wants,
                       (int64_t)c->quiet_from, (int64_t)c->quiet_to, at);
}

static kerr_t contact_clear(void *ctx, const char *account, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "clearing a contact", "DELETE FROM contact WHERE account = ?", "t",
                       account);
}

static kerr_t levels_get(void *ctx, const char *scope, bo_nlevels_t *lv, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT level1, level2, level3, margin FROM notice_levels WHERE scope = ?", "t", scope);
    if (rc == K_OK && *found)
        *lv = (bo_nlevels_t){{bo_cur_int(st, 0), bo_cur_int(st, 1), bo_cur_int(st, 2)},
                             bo_cur_int(st, 3)};
    bo_db_end(st);
    return rc;
}

static kerr_t levels_put(void *ctx, const char *scope, const bo_nlevels_t *lv, int64_t at, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "writing notice levels",
                       "INSERT INTO notice_levels VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET "
                       "level1 = excluded.level1, level2 = excluded.level2, level3 = excluded.level3, "
                       "margin = excluded.margin, updated_at = excluded.updated_at", "tiiiii", scope,
                       lv->level[0], lv->level[1], lv->level[2], lv->margin, at);
}

static kerr_t state_get(void *ctx, const char *meter, bo_nstate_t *s, kmsg_t *msg)
{
    bo_cur_t *st;
    bool found;
    *s = (bo_nstate_t){0};
    kerr_t rc = bo_db_first(ctx, &st, &found, msg,
                            "SELECT at, balance, relay_open, prev_at, prev_balance, fired FROM notice_state "
                            "WHERE meter = ?",
                            "t", meter);
    if (rc == K_OK && found)
        *s = (bo_nstate_t){true, bo_cur_int(st, 0), bo_cur_int(st, 1),
                           (int)bo_cur_int(st, 2) != 0, bo_cur_int(st, 3), bo_cur_int(st, 4),
                           (unsigned)bo_cur_int(st, 5)};
    bo_db_end(st);
    return rc;
}

static kerr_t state_put(void *ctx, const char *meter, const bo_nstate_t *s, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "writing a meter's notice memory",
                       "INSERT INTO notice_state VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (meter) DO UPDATE SET "
                       "at = excluded.at, balance = excluded.balance, relay_open = excluded.relay_open, "
                       "prev_at = excluded.prev_at, prev_balance = excluded.prev_balance, fired = excluded.fired", "tiiiiii", meter, s->at,
                       s->balance, (int64_t)s->relay_open, s->prev_at, s->prev_balance, (int64_t)s->fired);
}

static kerr_t enqueue(void *ctx, const bo_out_new_t *n, bool *added, kmsg_t *msg)
{
    return bo_db_write_keyed(ctx, added, msg, "queueing a notice",
                       "INSERT INTO notice_outbox (key, channel, account, meter, kind, lang, recipient, shown, "
                       "subject, text, json, created_at, next_try_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (key, channel) DO NOTHING",
                       "tttttttttttii", n->key, n->channel, n->account, n->meter, n->kind, n->lang, n->recipient,
                       n->shown, n->subject, n->text, n->json, n->created_at, n->not_before);
}

static void read_row(bo_cur_t *st, bo_out_row_t *r)
{
    r->id = bo_cur_int(st, 0);
    r->attempts = bo_cur_int(st, 1);
    r->created_at = bo_cur_int(st, 2);
    snprintf(r->key, sizeof r->key, "%s", bo_db_col(st, 3));
    snprintf(r->channel, sizeof r->channel, "%s", bo_db_col(st, 4));
    snprintf(r->recipient, sizeof r->recipient, "%s", bo_db_col(st, 5));
    snprintf(r->lang, sizeof r->lang, "%s", bo_db_col(st, 6));
    snprintf(r->subject, sizeof r->subject, "%s", bo_db_col(st, 7));
    snprintf(r->text, sizeof r->text, "%s", bo_db_col(st, 8));
    snprintf(r->json, sizeof r->json, "%s", bo_db_col(st, 9));
}

static kerr_t due(void *ctx, const char *channel, int64_t now, int max, bo_out_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    bo_out_row_t r;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg,
                            "SELECT id, attempts, created_at, key, channel, recipient, lang, subject, text, json "
                            "FROM notice_outbox WHERE channel = ? AND state = 'queued' AND next_try_at <= ? "
                            "ORDER BY next_try_at, id LIMIT ?",
                            "tii", channel, now, (int64_t)max);
    for (bool go = true; rc == K_OK && more && go; more = bo_db_next(ctx, st, &rc, msg)) {
        read_row(st, &r);
        go = fn(arg, &r);
    }
    bo_db_end(st);
    return rc;
}

static kerr_t mark(void *ctx, int64_t id, const bo_out_mark_t *m, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "recording a notice's try",
                       "UPDATE notice_outbox SET state = ?2, attempts = attempts + CASE WHEN ?2 <> 'sending' THEN 1 ELSE 0 END, "
                       "next_try_at = ?3, provider_id = CASE WHEN ?4 = '' THEN provider_id ELSE ?4 END, "
                       "error = ?5, sent_at = CASE WHEN ?2 = 'sent' THEN ?6 ELSE sent_at END, "
                       "done_at = CASE WHEN ?2 = 'given_up' THEN ?6 ELSE done_at END WHERE id = ?1",
                       "ititti", id, m->state, m->next_try_at, m->provider_id, m->error, m->at);
}

static kerr_t report(void *ctx, const char *channel, const char *provider_id, bool delivered, const char *state,
                     int64_t at, bool *found, kmsg_t *msg)
{
    return bo_db_write(ctx, found, msg, "recording a delivery report",
                       "UPDATE notice_outbox SET state = ?3, report = ?4, done_at = ?5 WHERE channel = ?1 AND "
                       "provider_id = ?2 AND state IN ('sent', 'delivered', 'failed')",
                       "tttti", channel, provider_id, delivered ? "delivered" : "failed", state, at);
}

static kerr_t recover(void *ctx, int64_t now, int *n, kmsg_t *msg)
{
    kerr_t rc = bo_db_write(ctx, NULL, msg, "recovering notices left sending",
                            "UPDATE notice_outbox SET state = 'queued', next_try_at = ? WHERE state = 'sending'", "i",
                            now);
    *n = rc == K_OK ? (int)bo_db_changes(ctx) : 0;
    return rc;
}

static kerr_t operator_perms(void *ctx, const char *name, char perms[256], bool *enabled, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT g.perms, o.disabled FROM staff_operator o JOIN staff_group g "
                            "ON g.name = o.group_name WHERE o.name = ?",
                            "t", name);
    if (rc == K_OK && *found) {
        snprintf(perms, 256, "%s", bo_db_col(st, 0));
        *enabled = (int)bo_cur_int(st, 1) == 0;
    }
    bo_db_end(st);
    return rc;
}

static kerr_t alarm_seen(void *ctx, const char *meter, bo_alarm_seen_t *a, kmsg_t *msg)
{
    bo_cur_t *st;
    *a = (bo_alarm_seen_t){0};
    kerr_t rc = bo_db_first(ctx, &st, &a->registered, msg, "SELECT protocol FROM meter WHERE id = ?", "t", meter);
    if (rc == K_OK && a->registered)
        snprintf(a->protocol, sizeof a->protocol, "%s", bo_db_col(st, 0));
    bo_db_end(st);
    if (rc || !a->registered)
        return rc;
    rc = bo_db_first(ctx, &st, &a->has_last, msg,
                     "SELECT state, coalesce(CAST(json_extract(params, '$.alarm1') AS INTEGER), -1), "
                     "coalesce(CAST(json_extract(params, '$.alarm2') AS INTEGER), -1) FROM meter_command "
                     "WHERE meter = ? AND command = 'set_alarms' ORDER BY issued_at DESC, rowid DESC LIMIT 1",
                     "t", meter);
    if (rc == K_OK && a->has_last) {
        snprintf(a->last_state, sizeof a->last_state, "%s", bo_db_col(st, 0));
        a->last[0] = bo_cur_int(st, 1);
        a->last[1] = bo_cur_int(st, 2);
    }
    bo_db_end(st);
    return rc;
}

const bo_st_notice_t bo__sq_notice = {
    .contact_get = contact_get,
    .contact_put = contact_put,
    .contact_clear = contact_clear,
    .levels_get = levels_get,
    .levels_put = levels_put,
    .state_get = state_get,
    .state_put = state_put,
    .enqueue = enqueue,
    .due = due,
    .mark = mark,
    .report = report,
    .recover = recover,
    .operator_perms = operator_perms,
    .alarm_seen = alarm_seen,
};
