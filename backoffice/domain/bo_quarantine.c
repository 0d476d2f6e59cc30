/* Quarantine (bo_quarantine.h): held rows, and staff's release or discard. */
#include "backoffice/domain/bo_quarantine.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/domain/bo_alert.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/domain/bo_ingest.h"
#include "backoffice/base/bo_json.h"

static kerr_t find_held(sqlite3 *db, const bo_held_t *h, int64_t *id, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db, "SELECT id FROM quarantine WHERE kiosk = ? AND topic = ? AND payload = ?", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, h->kiosk);
    bo_db_text(st, 2, h->topic);
    bo_db_text(st, 3, h->payload);
    *id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return *id ? K_OK : kmsg_set(msg, K_EIO, "a row just held is not in the quarantine table");
}

kerr_t bo_quarantine_hold(sqlite3 *db, const bo_held_t *h, int64_t now, int64_t *id, bool *fresh, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_cached(db,
                             "INSERT INTO quarantine(kiosk, seq, topic, meter, payload, rule, reason, received_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kiosk, topic, payload) DO NOTHING",
                             &st, msg);
    if (rc)
        return rc;
    const char *texts[] = {h->kiosk, NULL, h->topic, h->meter, h->payload, bo_rule_name(h->rule), h->why};
    for (int i = 0; i < 7; i++)
        if (texts[i])
            bo_db_text(st, i + 1, texts[i]);
    if (h->seq > 0)
        sqlite3_bind_int64(st, 2, h->seq);
    sqlite3_bind_int64(st, 8, now);
    rc = bo_db_done(db, st, "holding a row for staff", msg);
    *fresh = rc == K_OK && sqlite3_changes(db) > 0;
    if (rc == K_OK)
        rc = find_held(db, h, id, msg);
    if (rc || !*fresh)
        return rc;
    char evidence[512];
    snprintf(evidence, sizeof evidence,
             "kiosk %s sent a %s row held for review as quarantine #%lld: %s; see `backoffice quarantine list`, then "
             "release or discard it",
             h->kiosk, h->topic, (long long)*id, h->why);
    return bo_alert_staff(db, now, "quarantine", h->meter, evidence, msg);
}

typedef struct held_row {
    char kiosk[65], topic[16], meter[BO_METER_LEN], state[16];
    int64_t seq;
    char *payload; /* sqlite3_malloc'd */
} held_row_t;

static kerr_t load(sqlite3 *db, int64_t id, held_row_t *r, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db, "SELECT kiosk, topic, meter, state, coalesce(seq, 0), payload FROM quarantine "
                                  "WHERE id = ?", &st, msg);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        snprintf(r->kiosk, sizeof r->kiosk, "%s", bo_db_col(st, 0));
        snprintf(r->topic, sizeof r->topic, "%s", bo_db_col(st, 1));
        snprintf(r->meter, sizeof r->meter, "%s", bo_db_col(st, 2));
        snprintf(r->state, sizeof r->state, "%s", bo_db_col(st, 3));
        r->seq = sqlite3_column_int64(st, 4);
        r->payload = sqlite3_mprintf("%s", bo_db_col(st, 5));
    }
    sqlite3_finalize(st);
    if (!found)
        return kmsg_set(msg, K_ENOTFOUND, "there is no quarantined row #%lld; see `backoffice quarantine list`",
                        (long long)id);
    if (!r->payload)
        return kmsg_set(msg, K_EIO, "out of memory reading quarantined row #%lld", (long long)id);
    if (strcmp(r->state, "held") != 0)
        return kmsg_set(msg, K_ESTATE, "quarantined row #%lld was %s already; see `backoffice quarantine list --all`",
                        (long long)id, r->state);
    return K_OK;
}

static kerr_t decide(sqlite3 *db, int64_t id, const char *state, const char *actor, const char *note, int64_t now,
                     kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db, "UPDATE quarantine SET state = ?, decided_at = ?, decided_by = ?, note = ? "
                                  "WHERE id = ? AND state = 'held'", &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, state);
    sqlite3_bind_int64(st, 2, now);
    bo_db_text(st, 3, actor);
    bo_db_text(st, 4, note);
    sqlite3_bind_int64(st, 5, id);
    return bo_db_run(db, st, "recording staff's decision on a quarantined row", msg);
}

/* A reservation's `seen` released: the count is recorded as seen. */
static kerr_t apply_count(sqlite3 *db, const held_row_t *r, const cJSON *p, int64_t now, kmsg_t *outcome,
                          kmsg_t *msg)
{
    int64_t seen = 0;
    kerr_t rc = bo_json_int(p, "seen", 0, INT64_MAX - 1, &seen, msg);
    if (rc == K_OK)
        rc = bo_counts_seen(db, r->meter, seen, now, msg);
    if (rc == K_OK)
        kmsg_set(outcome, K_OK, "kiosk %s's count reservation: count %lld of meter %s recorded as seen", r->kiosk,
                 (long long)seen, r->meter);
    return rc;
}

static kerr_t apply(sqlite3 *db, const held_row_t *r, int64_t now, kmsg_t *outcome, kmsg_t *msg)
{
    cJSON *p = cJSON_Parse(r->payload);
    if (!cJSON_IsObject(p)) {
        cJSON_Delete(p);
        return kmsg_set(msg, K_ECORRUPT, "the quarantined payload is not a JSON object");
    }
    kerr_t rc;
    if (strcmp(r->topic, BO_QUARANTINE_COUNT) == 0) {
        rc = apply_count(db, r, p, now, outcome, msg);
    } else {
        bo_row_t row = {.seq = r->seq, .payload = p};
        snprintf(row.topic, sizeof row.topic, "%s", r->topic);
        bo_row_status_t status;
        kmsg_t why = {{0}};
        rc = bo_ingest_row(db, NULL, r->kiosk, &row, now, &status, &why, msg);
        if (rc == K_OK)
            kmsg_set(outcome, K_OK, "kiosk %s's %s row (outbox seq %lld) applied: %s%s%s", r->kiosk, r->topic,
                     (long long)r->seq, bo_row_status_name(status), why.text[0] ? ": " : "", why.text);
    }
    cJSON_Delete(p);
    return rc;
}

kerr_t bo_quarantine_release(sqlite3 *db, int64_t id, const char *actor, const char *note, int64_t now,
                             kmsg_t *outcome, kmsg_t *msg)
{
    held_row_t r = {0};
    kerr_t rc = load(db, id, &r, msg);
    if (rc == K_OK)
        rc = apply(db, &r, now, outcome, msg);
    if (rc == K_OK)
        rc = decide(db, id, "released", actor, note, now, msg);
    sqlite3_free(r.payload);
    return rc;
}

kerr_t bo_quarantine_discard(sqlite3 *db, int64_t id, const char *actor, const char *note, int64_t now,
                             kmsg_t *outcome, kmsg_t *msg)
{
    held_row_t r = {0};
    kerr_t rc = load(db, id, &r, msg);
    if (rc == K_OK)
        rc = decide(db, id, "discarded", actor, note, now, msg);
    if (rc == K_OK)
        kmsg_set(outcome, K_OK, "kiosk %s's %s row (outbox seq %lld) discarded, never applied", r.kiosk, r.topic,
                 (long long)r.seq);
    sqlite3_free(r.payload);
    return rc;
}

const char *bo_quarantine_list_sql(bool all)
{
    return all ? "SELECT id, kiosk, coalesce(seq, '') AS seq, topic, meter, rule, "
                 "strftime('%Y-%m-%dT%H:%M:%SZ', received_at / 1000, 'unixepoch') AS received, state, "
                 "decided_by, note, reason FROM quarantine ORDER BY id"
               : "SELECT id, kiosk, coalesce(seq, '') AS seq, topic, meter, rule, "
                 "strftime('%Y-%m-%dT%H:%M:%SZ', received_at / 1000, 'unixepoch') AS received, reason "
                 "FROM quarantine WHERE state = 'held' ORDER BY id";
}
