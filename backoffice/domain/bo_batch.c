/* Batches (bo_batch.h): creating one with every meter's first command,
 * cancelling it, the periodic retry check, and its view for staff. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/domain/bo_batch.h"
#include "backoffice/domain/bo_report.h"
#include "base/kjson.h"
#include "core/command.h"
#include "base/uuid.h"

#define RETRY_SCAN 200 /* ended attempts one check looks at */

typedef struct meter_list {
    char (*ids)[33];
    int n;
    bool overflow;
} meter_list_t;

static void add_meter(void *arg, const char *meter)
{
    meter_list_t *l = arg;
    if (l->n == BO_BATCH_MAX_METERS)
        l->overflow = true;
    else
        snprintf(l->ids[l->n++], sizeof l->ids[0], "%s", meter);
}

/* The batch's meters into l (l->ids allocated here). */
static kerr_t select_meters(bo_store_t *st, const bo_batch_spec_t *s, meter_list_t *l, kmsg_t *msg)
{
    l->ids = calloc(BO_BATCH_MAX_METERS, sizeof l->ids[0]);
    if (!l->ids)
        return kmsg_set(msg, K_EIO, "out of memory");
    kerr_t rc = K_OK;
    if (s->site && s->site[0])
        rc = st->ops->batch->site_meters(st->ctx, s->site, add_meter, l, msg);
    else if (s->nmeters > 0 && (l->n = bo_batch_select(s->meters, s->nmeters, l->ids, BO_BATCH_MAX_METERS)) < 0)
        return kmsg_set(msg, K_EINVAL, "--meters: meter ids ([A-Za-z0-9._-], up to 32), at most %d",
                        BO_BATCH_MAX_METERS);
    if (rc == K_OK && l->overflow)
        return kmsg_set(msg, K_EINVAL, "a batch takes at most %d meters", BO_BATCH_MAX_METERS);
    if (rc == K_OK && l->n == 0)
        return kmsg_set(msg, K_EINVAL, "the batch selects no meters: give --site S (with meters on it) or --meters "
                                       "M1,M2,...");
    return rc;
}

/* The command's parameters as the batch keeps them (bo_batch_params reads them back). */
static bool params_json(const bo_cmd_spec_t *c, char *out, size_t len)
{
    cJSON *p = cJSON_CreateObject();
    bool ok = p != NULL;
    const char *names[] = {"tariff", "currency", "paid_by", "reference"};
    const char *vals[] = {c->tariff, c->currency, c->paid_by, c->reference};
    for (int i = 0; ok && i < 4; i++)
        ok = !vals[i] || kjson_add_str(p, names[i], vals[i]);
    const char *inames[] = {"alarm1", "alarm2", "amount"};
    int64_t ivals[] = {c->alarm1, c->alarm2, c->amount};
    for (int i = 0; ok && i < 3; i++)
        ok = !ivals[i] || kjson_add_int(p, inames[i], ivals[i]);
    char *text = ok ? kjson_print(p, false) : NULL;
    cJSON_Delete(p);
    ok = text && strlen(text) < len;
    if (ok)
        snprintf(out, len, "%s", text);
    free(text);
    return ok;
}

static kerr_t check(const bo_who_t *who, const bo_batch_spec_t *s, kmsg_t *msg)
{
    if ((s->site && s->site[0]) == (s->nmeters > 0))
        return kmsg_set(msg, K_EINVAL, "give the batch's meters: --site S or --meters M1,M2,... (one of them)");
    if (s->retries < 0 || s->retries > BO_BATCH_MAX_RETRIES)
        return kmsg_set(msg, K_EINVAL, "--retries: 0 to %d", BO_BATCH_MAX_RETRIES);
    if (s->run_at > who->now + BO_BATCH_MAX_AHEAD_MS)
        return kmsg_set(msg, K_EINVAL, "--at: at most 30 days ahead");
    if (!s->cmd.operator_name || !s->cmd.operator_name[0] || !s->cmd.reason || !s->cmd.reason[0])
        return kmsg_set(msg, K_EINVAL, "a batch needs --operator NAME and --reason TEXT (both audited)");
    return K_OK;
}

static void fill(const bo_who_t *who, const bo_batch_spec_t *s, const meter_list_t *l, bo_cmd_batch_t *b)
{
    uint8_t rnd[16];
    memset(b, 0, sizeof *b);
    randombytes_buf(rnd, sizeof rnd);
    uuid_v4_format(rnd, b->id);
    snprintf(b->command, sizeof b->command, "%s", s->cmd.command ? s->cmd.command : "");
    snprintf(b->state, sizeof b->state, "open");
    snprintf(b->operator_name, sizeof b->operator_name, "%s", s->cmd.operator_name);
    snprintf(b->reason, sizeof b->reason, "%s", s->cmd.reason);
    snprintf(b->created_by, sizeof b->created_by, "%s", who->actor);
    if (s->site && s->site[0])
        snprintf(b->selection, sizeof b->selection, "site %s", s->site);
    else
        snprintf(b->selection, sizeof b->selection, "meters %d", l->n);
    b->run_at = s->run_at > who->now ? s->run_at : who->now;
    b->retries = s->retries;
    b->expiry_s = s->cmd.expiry_s;
    b->created_at = who->now;
}

static kerr_t create(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_batch_spec_t *s,
                     bo_cmd_batch_t *b, meter_list_t *l, kmsg_t *msg)
{
    kerr_t rc = check(who, s, msg);
    if (rc == K_OK)
        rc = select_meters(st, s, l, msg);
    if (rc)
        return rc;
    fill(who, s, l, b);
    if (!params_json(&s->cmd, b->params, sizeof b->params))
        return kmsg_set(msg, K_EINVAL, "the command's parameters are too long");
    rc = st->ops->batch->add(st->ctx, b, msg);
    bo_cmd_spec_t c = s->cmd;
    c.batch = b->id;
    c.not_before = b->run_at > who->now ? b->run_at : 0;
    c.attempt = 1;
    bo_cmd_rec_t *rec = malloc(sizeof *rec);
    if (rc == K_OK && !rec)
        rc = kmsg_set(msg, K_EIO, "out of memory");
    for (int i = 0; rc == K_OK && i < l->n; i++) {
        c.meter = l->ids[i];
        rc = bo_command_queue(st, key, who, &c, rec, msg);
    }
    free(rec);
    return rc;
}

kerr_t bo_batch_create(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_batch_spec_t *spec,
                       bo_cmd_batch_t *out, int *n, kmsg_t *msg)
{
    bo_op_t op;
    meter_list_t l = {0};
    memset(out, 0, sizeof *out);
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc)
        return rc;
    rc = create(st, key, who, spec, out, &l, msg);
    free(l.ids);
    *n = l.n;
    char detail[1400], at[32];
    bo_clock_date(out->run_at, true, at, sizeof at);
    snprintf(detail, sizeof detail, "%s %s over %s (%d meters) at %s retries %lld operator %s", out->command,
             out->params, out->selection, l.n, at, (long long)out->retries, out->operator_name);
    return bo_op_end(&op, rc, "batch.create", out->id, spec->cmd.reason, detail, NULL, NULL);
}

kerr_t bo_batch_cancel(bo_store_t *st, const bo_who_t *who, const char *id, const char *reason, int64_t *n,
                       kmsg_t *msg)
{
    bo_op_t op;
    bo_cmd_batch_t b;
    bool found = false;
    *n = 0;
    kerr_t rc = bo_op_begin(&op, st, who, msg);
    if (rc)
        return rc;
    rc = st->ops->batch->get(st->ctx, id, &b, &found, msg);
    if (rc == K_OK && !found)
        rc = bo_op_nothing(msg, id);
    else if (rc == K_OK && strcmp(b.state, "open") != 0)
        rc = kmsg_set(msg, K_ESTATE, "batch %s is %s already", id, b.state);
    char why[400], detail[64];
    snprintf(why, sizeof why, "batch cancelled by %s: %s", who->actor, reason ? reason : "");
    if (rc == K_OK)
        rc = st->ops->batch->cancel(st->ctx, id, who->now, why, n, msg);
    snprintf(detail, sizeof detail, "%lld queued commands cancelled", (long long)*n);
    return bo_op_end(&op, rc, "batch.cancel", id, reason, detail, NULL, NULL);
}

typedef struct ended {
    bo_cmd_rec_t *recs;
    int n;
} ended_t;

static void take_ended(void *arg, const bo_cmd_rec_t *c)
{
    ended_t *e = arg;
    if (e->n < RETRY_SCAN)
        e->recs[e->n++] = *c;
}

/* The next attempt after prev, if the batch's rule says so; *made true
 * when one was queued (false too when another check queued it first). */
static kerr_t retry_one(bo_store_t *st, const bo_key_t *key, const bo_who_t *who, const bo_cmd_rec_t *prev,
                        bool *made, kmsg_t *msg)
{
    bo_cmd_batch_t b;
    bool found = false;
    *made = false;
    kerr_t rc = st->ops->batch->get(st->ctx, prev->batch, &b, &found, msg);
    if (rc || !found || strcmp(b.state, "open") != 0 ||
        !bo_batch_retry_due(prev->command, prev->state, prev->attempt, b.retries))
        return rc;
    cJSON *p = cJSON_Parse(b.params);
    bo_cmd_spec_t s = {.meter = prev->meter, .command = prev->command, .operator_name = b.operator_name,
                       .reason = b.reason, .expiry_s = b.expiry_s, .batch = b.id, .attempt = prev->attempt + 1,
                       .retry_of = prev->id};
    bo_batch_params(p, &s);
    bo_cmd_rec_t *c = malloc(sizeof *c);
    rc = c ? bo_command_queue(st, key, who, &s, c, msg) : kmsg_set(msg, K_EIO, "out of memory");
    cJSON_Delete(p);
    free(c);
    *made = rc == K_OK;
    return rc;
}

kerr_t bo_batch_retry_check(bo_store_t *st, const bo_key_t *key, int64_t now, int *made, kmsg_t *msg)
{
    ended_t e = {calloc(RETRY_SCAN, sizeof(bo_cmd_rec_t)), 0};
    bo_who_t who = {"backoffice:batches", now};
    *made = 0;
    kerr_t rc = e.recs ? st->ops->batch->ended_each(st->ctx, RETRY_SCAN, take_ended, &e, msg)
                       : kmsg_set(msg, K_EIO, "out of memory");
    for (int i = 0; rc == K_OK && i < e.n; i++) {
        bo_op_t op;
        bool one = false;
        char detail[160];
        rc = bo_op_begin(&op, st, &who, msg);
        if (rc)
            break;
        snprintf(detail, sizeof detail, "batch %s attempt %lld after %s (%s)", e.recs[i].batch,
                 (long long)e.recs[i].attempt + 1, e.recs[i].id, e.recs[i].state);
        kerr_t one_rc = retry_one(st, key, &who, &e.recs[i], &one, msg);
        if (one_rc == K_OK && !one)
            rc = bo_op_commit(&op, K_OK); /* not due after all: nothing written */
        else
            rc = bo_op_end(&op, one_rc, "batch.retry", e.recs[i].meter, NULL, detail, NULL, NULL);
        *made += one && rc == K_OK;
        if (rc == K_ECONFLICT)
            rc = K_OK; /* another check made it first, or nothing to retry */
    }
    free(e.recs);
    return rc;
}

static kerr_t rows_json(bo_store_t *st, bo_listing_t what, const char *id, cJSON **out, kmsg_t *msg)
{
    bo_rows_t rows;
    bo_list_args_t a = {.id = id};
    kerr_t rc = bo_report_rows(st, what, &a, &rows, msg);
    if (rc)
        return rc;
    *out = bo_rows_json(&rows);
    bo_rows_free(&rows);
    return *out ? K_OK : kmsg_set(msg, K_EIO, "out of memory");
}

/* {"queued": n, ...}: every state, from the rows of BO_LIST_BATCH_COUNTS. */
static cJSON *counts_of(const cJSON *rows)
{
    cJSON *o = cJSON_CreateObject();
    for (int s = 0; o && s < MCMD_STATE_COUNT; s++) {
        int64_t n = 0;
        const cJSON *r;
        cJSON_ArrayForEach(r, rows)
        {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(r, "state");
            const cJSON *num = cJSON_GetObjectItemCaseSensitive(r, "meters");
            if (cJSON_IsString(name) && strcmp(name->valuestring, mcmd_state_name((mcmd_state_t)s)) == 0)
                n = cJSON_IsRaw(num) ? strtoll(num->valuestring, NULL, 10) : 0; /* bo_rows_json's integers */
        }
        if (!kjson_add_int(o, mcmd_state_name((mcmd_state_t)s), n)) {
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
}

kerr_t bo_batch_show(bo_store_t *st, const char *id, cJSON **out, kmsg_t *msg)
{
    cJSON *b = NULL, *m = NULL, *c = NULL, *o = NULL;
    *out = NULL;
    kerr_t rc = id && id[0] ? rows_json(st, BO_LIST_BATCHES, id, &b, msg) : K_OK;
    if (rc == K_OK && cJSON_GetArraySize(b) == 0)
        rc = kmsg_set(msg, K_ENOTFOUND, "no batch '%s'", id ? id : "");
    if (rc == K_OK)
        rc = rows_json(st, BO_LIST_BATCH_METERS, id, &m, msg);
    if (rc == K_OK)
        rc = rows_json(st, BO_LIST_BATCH_COUNTS, id, &c, msg);
    cJSON *counts = rc == K_OK ? counts_of(c) : NULL;
    if (rc == K_OK && (o = cJSON_CreateObject()) && counts) {
        cJSON_AddItemToObject(o, "batch", cJSON_DetachItemFromArray(b, 0));
        cJSON_AddItemToObject(o, "counts", counts);
        cJSON_AddItemToObject(o, "meters", m);
        counts = m = NULL;
        *out = o;
    } else if (rc == K_OK) {
        cJSON_Delete(o);
        rc = kmsg_set(msg, K_EIO, "out of memory");
    }
    cJSON_Delete(counts);
    cJSON_Delete(b);
    cJSON_Delete(m);
    cJSON_Delete(c);
    return rc;
}
