/* The upload body and each topic's payload (docs/sync.md, sync/openapi.yaml). */
#include "backoffice/base/bo_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "base/timefmt.h"
#include "base/uuid.h"
#include "core/txn.h"

#define MONEY_MAX 1000000000000LL /* 10^12 minor units: far beyond any top-up */

static const char *const topics[] = {"txn", "reading", "alert", "card", "audit", "command", "frozen", "bill_payment"};

static bool topic_known(const char *t)
{
    for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++)
        if (strcmp(t, topics[i]) == 0)
            return true;
    return false;
}

static kerr_t decode_row(const cJSON *r, int i, bo_row_t *row, kmsg_t *msg)
{
    if (!cJSON_IsObject(r))
        return kmsg_set(msg, K_EINVAL, "rows[%d] must be an object", i);
    kerr_t rc = bo_json_int(r, "seq", 1, INT64_MAX, &row->seq, msg);
    if (rc == K_OK)
        rc = bo_json_str(r, "topic", row->topic, sizeof row->topic, msg);
    if (rc == K_OK && !topic_known(row->topic))
        rc = kmsg_set(msg, K_EINVAL, "topic '%s' is unknown: use txn, reading, alert, card, audit, command, frozen or bill_payment", row->topic);
    row->payload = cJSON_GetObjectItemCaseSensitive(r, "payload");
    if (rc == K_OK && !cJSON_IsObject(row->payload))
        rc = kmsg_set(msg, K_EINVAL, "'payload' must be an object");
    if (rc)
        kmsg_prefix(msg, "rows[%d]: ", i);
    return rc;
}

static kerr_t decode_rows(const cJSON *rows, bo_batch_t *b, kmsg_t *msg)
{
    int n = cJSON_GetArraySize(rows);
    if (n > BO_MAX_BATCH)
        return kmsg_set(msg, K_EINVAL, "a batch holds at most %d rows, this one %d", BO_MAX_BATCH, n);
    if (n == 0)
        return K_OK; /* a kiosk asking whether its uploads are taken at all */
    b->rows = calloc((size_t)n, sizeof *b->rows);
    if (!b->rows)
        return kmsg_set(msg, K_EIO, "out of memory reading the batch");
    int i = 0;
    for (const cJSON *r = rows->child; r; r = r->next, i++) {
        kerr_t rc = decode_row(r, i, &b->rows[i], msg);
        if (rc)
            return rc;
        for (int j = 0; j < i; j++)
            if (b->rows[j].seq == b->rows[i].seq)
                return kmsg_set(msg, K_EINVAL, "rows[%d]: seq %lld appears twice in the batch", i,
                                (long long)b->rows[i].seq);
        b->rows[i].ledger = b->ledger.id;
        b->n = i + 1;
    }
    return K_OK;
}

kerr_t bo_decode_batch(const char *text, size_t len, bo_batch_t *out, kmsg_t *msg)
{
    memset(out, 0, sizeof *out);
    out->root = cJSON_ParseWithLength(text, len);
    if (!out->root)
        return kmsg_set(msg, K_EINVAL, "the body is not JSON");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(out->root, "rows");
    kerr_t rc = cJSON_IsArray(rows) ? bo_decode_ledger(out->root, &out->ledger, msg)
                                    : kmsg_set(msg, K_EINVAL, "the body must be an object with a 'rows' array");
    if (rc == K_OK)
        rc = decode_rows(rows, out, msg);
    if (rc)
        bo_batch_free(out);
    return rc;
}

void bo_batch_free(bo_batch_t *b)
{
    cJSON_Delete(b->root);
    free(b->rows);
    memset(b, 0, sizeof *b);
}

static kerr_t txn_money(const cJSON *p, bo_txn_t *t, kmsg_t *msg)
{
    kerr_t rc = bo_json_int(p, "amount", 0, MONEY_MAX, &t->amount, msg);
    if (rc == K_OK)
        rc = bo_json_int(p, "paid", 0, MONEY_MAX, &t->paid, msg);
    if (rc == K_OK)
        rc = bo_json_int(p, "delivered", 0, MONEY_MAX, &t->delivered, msg);
    if (rc == K_OK)
        rc = bo_json_int(p, "refunded", 0, MONEY_MAX, &t->refunded, msg);
    t->purchase_count = 0;
    if (rc == K_OK)
        rc = bo_json_int_opt(p, "purchase_count", 1, INT64_MAX, &t->purchase_count, msg);
    if (rc == K_OK)
        rc = bo_json_int(p, "event_seq", 1, INT64_MAX, &t->event_seq, msg);
    return rc;
}

kerr_t bo_decode_txn(const cJSON *p, bo_txn_t *t, kmsg_t *msg)
{
    memset(t, 0, sizeof *t);
    kerr_t rc = bo_json_str(p, "id", t->id, sizeof t->id, msg);
    if (rc == K_OK && !uuid_v4_valid(t->id))
        rc = kmsg_set(msg, K_EINVAL, "'id' must be a lower-case UUIDv4");
    if (rc == K_OK)
        rc = bo_json_str(p, "state", t->state, sizeof t->state, msg);
    if (rc == K_OK && txn_state_from_name(t->state) == TXN_NONE)
        rc = kmsg_set(msg, K_EINVAL, "'state' '%s' is not a transaction state (docs/ledger.md)", t->state);
    if (rc == K_OK)
        rc = bo_json_str(p, "meter", t->meter, sizeof t->meter, msg);
    if (rc == K_OK && !t->meter[0])
        rc = kmsg_set(msg, K_EINVAL, "'meter' must not be empty");
    if (rc == K_OK)
        rc = bo_json_str_opt(p, "customer", t->customer, sizeof t->customer, msg);
    if (rc == K_OK)
        rc = bo_json_str(p, "method", t->method, sizeof t->method, msg);
    if (rc == K_OK)
        rc = bo_json_str(p, "channel", t->channel, sizeof t->channel, msg);
    if (rc == K_OK)
        rc = bo_json_str(p, "currency", t->currency, sizeof t->currency, msg);
    if (rc == K_OK)
        rc = txn_money(p, t, msg);
    if (rc == K_OK)
        rc = bo_json_time(p, "created_at", &t->created_at, msg);
    if (rc == K_OK)
        rc = bo_json_time(p, "updated_at", &t->updated_at, msg);
    return rc;
}

/* "bands": absent or null (none), or four whole numbers >= 0. */
static kerr_t decode_bands(const cJSON *p, int64_t bands[4], bool *has, kmsg_t *msg)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(p, "bands");
    if (!b || cJSON_IsNull(b))
        return K_OK;
    if (!cJSON_IsArray(b) || cJSON_GetArraySize(b) != 4)
        return kmsg_set(msg, K_EINVAL, "bands must be null or [sharp, peak, flat, valley]");
    for (int i = 0; i < 4; i++) {
        const cJSON *v = cJSON_GetArrayItem(b, i);
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9007199254740991.0 ||
            (double)(int64_t)v->valuedouble != v->valuedouble)
            return kmsg_set(msg, K_EINVAL, "bands[%d] must be a whole number of milli-units >= 0", i);
        bands[i] = (int64_t)v->valuedouble;
    }
    *has = true;
    return K_OK;
}

/* "source": absent (a kiosk from before), or who asked for the reading. */
static kerr_t reading_source(const cJSON *p, bo_reading_t *r, kmsg_t *msg)
{
    static const char *const sources[] = {"scan", "sale", "staff", "command"};
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(p, "source");
    if (!s)
        return K_OK;
    for (size_t i = 0; cJSON_IsString(s) && i < sizeof sources / sizeof sources[0]; i++)
        if (strcmp(s->valuestring, sources[i]) == 0) {
            snprintf(r->source, sizeof r->source, "%s", sources[i]);
            return K_OK;
        }
    return kmsg_set(msg, K_EINVAL, "source must be scan, sale, staff or command");
}

kerr_t bo_decode_reading(const cJSON *p, bo_reading_t *r, kmsg_t *msg)
{
    memset(r, 0, sizeof *r);
    kerr_t rc = bo_json_str(p, "meter", r->meter, sizeof r->meter, msg);
    if (rc == K_OK)
        rc = bo_json_time(p, "at", &r->at, msg);
    if (rc == K_OK)
        rc = bo_json_int(p, "energy", 0, INT64_MAX, &r->energy, msg);
    if (rc == K_OK)
        rc = bo_json_int(p, "balance", -MONEY_MAX, MONEY_MAX, &r->balance, msg);
    if (rc == K_OK)
        rc = bo_json_int(p, "purchase_count", 0, INT64_MAX, &r->purchase_count, msg);
    if (rc == K_OK)
        rc = bo_json_int(p, "relay_open", 0, 1, &r->relay_open, msg);
    if (rc == K_OK)
        rc = bo_json_int(p, "flags", 0, INT64_MAX, &r->flags, msg);
    if (rc == K_OK)
        rc = decode_bands(p, r->bands, &r->has_bands, msg);
    if (rc == K_OK)
        rc = reading_source(p, r, msg);
    return rc;
}

/* "YYYY-MM-DDThh:mm:ss+hh:mm" (or -hh:mm) into UTC ms. */
static bool offset_time(const char *text, int64_t *ms)
{
    char utc[21];
    int oh, om;
    char sign, tail;
    if (strlen(text) != 25 || sscanf(text + 19, "%c%2d:%2d%c", &sign, &oh, &om, &tail) != 3 ||
        (sign != '+' && sign != '-') || oh > 14 || om > 59)
        return false;
    snprintf(utc, sizeof utc, "%.19sZ", text);
    if (!ktime_parse(utc, ms))
        return false;
    *ms -= (sign == '+' ? 1 : -1) * ((int64_t)oh * 60 + om) * 60000;
    return true;
}

kerr_t bo_decode_frozen(const cJSON *p, bo_frozen_t *f, kmsg_t *msg)
{
    memset(f, 0, sizeof *f);
    kerr_t rc = bo_json_str(p, "meter", f->meter, sizeof f->meter, msg);
    if (rc == K_OK && (bo_json_str(p, "at", f->at_text, sizeof f->at_text, msg) != K_OK ||
                       !offset_time(f->at_text, &f->at)))
        rc = kmsg_set(msg, K_EINVAL, "'at' must be a local time with its offset like 2026-11-21T00:00:00+08:00");
    if (rc == K_OK)
        rc = bo_json_int(p, "energy", 0, INT64_MAX, &f->energy, msg);
    if (rc == K_OK)
        rc = decode_bands(p, f->bands, &f->has_bands, msg);
    if (rc == K_OK)
        rc = bo_json_time(p, "read_at", &f->read_at, msg);
    return rc;
}

kerr_t bo_decode_alert(const cJSON *p, bo_alert_t *a, kmsg_t *msg)
{
    memset(a, 0, sizeof *a);
    kerr_t rc = bo_json_int(p, "id", 1, INT64_MAX, &a->id, msg);
    if (rc == K_OK)
        rc = bo_json_str(p, "meter", a->meter, sizeof a->meter, msg);
    if (rc == K_OK)
        rc = bo_json_time(p, "at", &a->at, msg);
    if (rc == K_OK)
        rc = bo_json_str(p, "kind", a->kind, sizeof a->kind, msg);
    if (rc == K_OK)
        rc = bo_json_str(p, "severity", a->severity, sizeof a->severity, msg);
    if (rc == K_OK)
        rc = bo_json_str_opt(p, "evidence", a->evidence, sizeof a->evidence, msg);
    return rc;
}

kerr_t bo_decode_card(const cJSON *p, bo_card_t *c, kmsg_t *msg)
{
    memset(c, 0, sizeof *c);
    kerr_t rc = bo_json_str(p, "serial", c->serial, sizeof c->serial, msg);
    if (rc == K_OK && strlen(c->serial) != 16)
        rc = kmsg_set(msg, K_EINVAL, "'serial' must be 16 hex digits");
    if (rc == K_OK)
        rc = bo_json_str(p, "meter", c->meter, sizeof c->meter, msg);
    if (rc == K_OK)
        rc = bo_json_str_opt(p, "customer", c->customer, sizeof c->customer, msg);
    if (rc == K_OK)
        rc = bo_json_str(p, "type", c->type, sizeof c->type, msg);
    if (rc == K_OK)
        rc = bo_json_int(p, "generation", 0, 255, &c->generation, msg);
    if (rc == K_OK)
        rc = bo_json_str(p, "state", c->state, sizeof c->state, msg);
    if (rc == K_OK)
        rc = bo_json_str_opt(p, "replaces", c->replaces, sizeof c->replaces, msg);
    if (rc == K_OK)
        rc = bo_json_time(p, "updated_at", &c->updated_at, msg);
    return rc;
}
