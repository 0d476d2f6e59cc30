/* Meter readings and alerts: the ledger side of usage inspection. */
#include <string.h>

#include "base/kjson.h"
#include "ledger/ledger_int.h"

kerr_t ledger_last_reading(ledger_t *l, const char *meter, ledger_reading_t *out, bool *found, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "SELECT at, energy, sharp, peak, flat, valley, balance, purchase_count, relay_open, "
                               "flags FROM meter_reading WHERE meter = ? ORDER BY at DESC, id DESC LIMIT 1",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, meter, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found) {
        memset(out, 0, sizeof *out);
        snprintf(out->meter, sizeof out->meter, "%s", meter);
        out->at = sqlite3_column_int64(st, 0);
        out->energy = sqlite3_column_int64(st, 1);
        out->bands_absent = sqlite3_column_type(st, 2) == SQLITE_NULL;
        for (int b = 0; b < 4; b++)
            out->bands[b] = sqlite3_column_int64(st, 2 + b);
        out->balance = sqlite3_column_int64(st, 6);
        out->purchase_count = sqlite3_column_int64(st, 7);
        out->relay_open = sqlite3_column_int(st, 8) != 0;
        out->flags = (uint32_t)sqlite3_column_int64(st, 9);
    }
    ledger__release(l, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? K_OK : ledger__err(l, s, "reading the last meter reading", msg);
}

kerr_t ledger_meter_activity(ledger_t *l, const char *meter, int64_t from, int64_t to, int64_t *credited,
                             int64_t *credits, bool *relay_closed, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(
        l,
        "SELECT (SELECT coalesce(sum(amount), 0) FROM delivery_attempt WHERE meter = ?1 AND applied = 1"
        "        AND finished_at > ?2 AND finished_at <= ?3),"
        "       (SELECT count(*) FROM delivery_attempt WHERE meter = ?1 AND applied = 1"
        "        AND finished_at > ?2 AND finished_at <= ?3),"
        "       (SELECT count(*) FROM audit WHERE target = ?1 AND action = 'relay_close' AND at > ?2 AND at <= ?3)",
        &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, meter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *credited = sqlite3_column_int64(st, 0);
        *credits = sqlite3_column_int64(st, 1);
        *relay_closed = sqlite3_column_int64(st, 2) > 0;
    }
    ledger__release(l, st);
    return s == SQLITE_ROW ? K_OK : ledger__err(l, s, "reading the meter's activity", msg);
}

kerr_t ledger__outbox(ledger_t *l, const char *topic, cJSON *payload, kmsg_t *msg)
{
    char *text = payload ? kjson_print(payload, false) : NULL;
    cJSON_Delete(payload);
    if (!text)
        return kmsg_set(msg, K_EIO, "out of memory building an outbox row");
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "INSERT INTO outbox(topic, payload, created_at) VALUES (?, ?, ?)", &st, msg);
    if (rc == K_OK) {
        sqlite3_bind_text(st, 1, topic, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, ledger__now(l));
        rc = ledger__run(l, st, "writing the outbox", msg);
    }
    cJSON_free(text);
    return rc;
}

bool ledger__add_bands(cJSON *o, const int64_t bands[4], bool absent)
{
    if (absent)
        return cJSON_AddNullToObject(o, "bands") != NULL;
    cJSON *a = cJSON_AddArrayToObject(o, "bands");
    for (int b = 0; a && b < 4; b++)
        if (!cJSON_AddItemToArray(a, cJSON_CreateNumber((double)bands[b])))
            return false;
    return a != NULL;
}

/* The reading's outbox payload (docs/sync.md, "Uploading the outbox");
 * NULL when out of memory. */
static cJSON *reading_json(const ledger_reading_t *r, const char *source)
{
    cJSON *o = cJSON_CreateObject();
    if (o && !(kjson_add_str(o, "meter", r->meter) && kjson_add_time(o, "at", r->at) &&
               kjson_add_int(o, "energy", r->energy) && ledger__add_bands(o, r->bands, r->bands_absent) && kjson_add_int(o, "balance", r->balance) &&
               kjson_add_int(o, "purchase_count", r->purchase_count) &&
               kjson_add_int(o, "relay_open", r->relay_open) && kjson_add_int(o, "flags", r->flags) &&
               kjson_add_str(o, "source", source))) {
        cJSON_Delete(o);
        o = NULL;
    }
    return o;
}

static kerr_t insert_reading(ledger_t *l, const ledger_reading_t *r, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l,
                               "INSERT INTO meter_reading(meter, at, energy, sharp, peak, flat, valley, balance, "
                               "purchase_count, relay_open, flags, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, r->meter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, r->at);
    sqlite3_bind_int64(st, 3, r->energy);
    for (int b = 0; b < 4; b++)
        if (r->bands_absent)
            sqlite3_bind_null(st, 4 + b);
        else
            sqlite3_bind_int64(st, 4 + b, r->bands[b]);
    sqlite3_bind_int64(st, 8, r->balance);
    sqlite3_bind_int64(st, 9, r->purchase_count);
    sqlite3_bind_int(st, 10, r->relay_open);
    sqlite3_bind_int64(st, 11, r->flags);
    const char *source = read_source_name(r->source);
    sqlite3_bind_text(st, 12, source ? source : "staff", -1, SQLITE_STATIC);
    if ((rc = ledger__run(l, st, "storing the meter reading", msg)))
        return rc;
    return ledger__outbox(l, "reading", reading_json(r, source ? source : "staff"), msg);
}

kerr_t ledger__insert_alert(ledger_t *l, const ledger_alert_t *a, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__cached(l, "INSERT INTO alert(at, meter, kind, severity, evidence) VALUES (?, ?, ?, ?, ?)",
                               &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, a->at);
    sqlite3_bind_text(st, 2, a->meter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->severity, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->evidence, -1, SQLITE_STATIC);
    if ((rc = ledger__run(l, st, "storing the alert", msg)))
        return rc;
    cJSON *o = cJSON_CreateObject();
    if (o && !(kjson_add_int(o, "id", sqlite3_last_insert_rowid(l->db)) && kjson_add_str(o, "meter", a->meter) &&
               kjson_add_time(o, "at", a->at) && kjson_add_str(o, "kind", a->kind) &&
               kjson_add_str(o, "severity", a->severity) && kjson_add_str(o, "evidence", a->evidence))) {
        cJSON_Delete(o);
        o = NULL;
    }
    return ledger__outbox(l, "alert", o, msg);
}

kerr_t ledger_record_reading(ledger_t *l, const ledger_reading_t *r, const ledger_alert_t *alerts, size_t n,
                             kmsg_t *msg)
{
    kerr_t rc = ledger__begin(l, msg);
    if (rc == K_OK)
        rc = insert_reading(l, r, msg);
    for (size_t i = 0; rc == K_OK && i < n; i++)
        rc = ledger__insert_alert(l, &alerts[i], msg);
    if (rc == K_OK)
        return ledger__commit(l, msg);
    ledger__rollback(l);
    return rc;
}

kerr_t ledger_alerts(ledger_t *l, const char *meter, bool open_only, void (*cb)(void *ctx, const ledger_alert_t *a),
                     void *ctx, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = ledger__prepare(l,
                                "SELECT id, at, meter, kind, severity, evidence, coalesce(acknowledged_at, 0) FROM alert"
                                " WHERE (?1 = '' OR meter = ?1) AND (?2 = 0 OR acknowledged_at IS NULL)"
                                " ORDER BY at DESC, id DESC",
                                &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, meter ? meter : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, open_only);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_alert_t a = {.id = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 1),
                            .acknowledged_at = sqlite3_column_int64(st, 6)};
        ledger__col_text(st, 2, a.meter, sizeof a.meter);
        ledger__col_text(st, 3, a.kind, sizeof a.kind);
        ledger__col_text(st, 4, a.severity, sizeof a.severity);
        ledger__col_text(st, 5, a.evidence, sizeof a.evidence);
        cb(ctx, &a);
    }
    ledger__release(l, st);
    return s == SQLITE_DONE ? K_OK : ledger__err(l, s, "listing alerts", msg);
}
