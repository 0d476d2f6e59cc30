/* The SQLite store's fleet part (bo_store_fleet.h): sites, kiosks, their
 * settings, enrolment codes and heartbeats. */
#include <stdio.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_sq_int.h"

static kerr_t site_add(void *ctx, const char *id, const char *name, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "changing the database", "INSERT INTO site VALUES (?, ?)", "tt", id, name);
}

static kerr_t site_count(void *ctx, const char *id, int64_t *n, kmsg_t *msg)
{
    *n = 0;
    return id ? bo_db_int(ctx, "SELECT count(*) FROM site WHERE id = ?", id, n, msg)
              : bo_db_int(ctx, "SELECT count(*) FROM site", NULL, n, msg);
}

static kerr_t site_any(void *ctx, char id[65], kmsg_t *msg)
{
    return bo_db_get_text(ctx, id, 65, NULL, msg, "SELECT id FROM site", "");
}

static kerr_t kiosk_get(void *ctx, const char *id, bo_kiosk_rec_t *k, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    memset(k, 0, sizeof *k);
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT site, state, cert_fingerprint, upload_key, kiosk_code FROM kiosk WHERE id = ?",
                            "t", id);
    if (rc)
        return rc;
    if (*found) {
        bo_db_copy(st, 0, k->site, sizeof k->site);
        bo_db_copy(st, 1, k->state, sizeof k->state);
        bo_db_copy(st, 2, k->fingerprint, sizeof k->fingerprint);
        bo_db_copy(st, 3, k->upload_key, sizeof k->upload_key);
        bo_db_copy(st, 4, k->kiosk_code, sizeof k->kiosk_code);
    }
    bo_db_end(st);
    return K_OK;
}

static kerr_t kiosk_add(void *ctx, const char *id, const char *site, int64_t at, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "storing the kiosk's enrolment",
                       "INSERT INTO kiosk(id, site, state, created_at) SELECT ?1, ?2, 'active', CAST(?3 AS BIGINT) "
                       "WHERE EXISTS (SELECT 1 FROM site WHERE id = ?2)",
                       "tti", id, site, at);
}

static kerr_t kiosk_set_state(void *ctx, const char *id, const char *state, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "changing the database", "UPDATE kiosk SET state = ?2 WHERE id = ?1", "tt",
                       id, state);
}

static kerr_t kiosk_set_upload_key(void *ctx, const char *id, const char *key, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "storing the kiosk's enrolment",
                       "UPDATE kiosk SET upload_key = ?2 WHERE id = ?1", "tt", id, key);
}

static kerr_t kiosk_enrolled(void *ctx, const bo_enrolled_rec_t *e, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "activating the kiosk",
                       "UPDATE kiosk SET state = 'active', cert_fingerprint = ?2, upload_key = ?3, kiosk_code = ?4,"
                       " enrolled_at = ?5, cert_not_after = ?6 WHERE id = ?1",
                       "ttttii", e->kiosk, e->fingerprint, e->upload_key, e->kiosk_code, e->at, e->not_after);
}

static kerr_t kiosk_pin(void *ctx, const char *id, const char *fingerprint, int64_t not_after, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "pinning the certificate",
                       "UPDATE kiosk SET cert_fingerprint = ?2, cert_not_after = ?3 WHERE id = ?1", "tti", id,
                       fingerprint, not_after);
}

static kerr_t health_put(void *ctx, const bo_health_rec_t *h, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "storing the heartbeat",
                       "INSERT INTO kiosk_health VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kiosk) DO UPDATE SET at = excluded.at, "
                       "software = excluded.software, outbox_depth = excluded.outbox_depth, "
                       "last_error = excluded.last_error, report = excluded.report", "titits", h->kiosk,
                       h->at, h->hb->software, h->hb->outbox_depth, h->hb->last_error, h->report, (int)h->report_len);
}

static kerr_t setting_get(void *ctx, const char *kiosk, const char *key, int64_t *value, bool *found, kmsg_t *msg)
{
    return bo_db_get_int(ctx, value, found, msg, "SELECT value FROM kiosk_setting WHERE kiosk = ? AND key = ?", "tt",
                         kiosk, key);
}

static kerr_t setting_put(void *ctx, const char *kiosk, const char *key, int64_t value, bool *changed, kmsg_t *msg)
{
    return bo_db_write(ctx, changed, msg, "changing the database",
                       "INSERT INTO kiosk_setting SELECT ?1, ?2, CAST(?3 AS BIGINT) "
                       "WHERE EXISTS (SELECT 1 FROM kiosk WHERE id = ?1) "
                       "ON CONFLICT (kiosk, key) DO UPDATE SET value = excluded.value",
                       "tti", kiosk, key, value);
}

static kerr_t settings_each(void *ctx, const char *kiosk, bo_setting_cb fn, void *arg, kmsg_t *msg)
{
    bo_cur_t *st;
    bool more;
    kerr_t rc = bo_db_first(ctx, &st, &more, msg, "SELECT key, value FROM kiosk_setting WHERE kiosk = ? ORDER BY key",
                            "t", kiosk);
    for (; rc == K_OK && more; more = bo_db_next(ctx, st, &rc, msg))
        fn(arg, bo_db_col(st, 0), bo_cur_int(st, 1));
    bo_db_end(st);
    return rc;
}

static kerr_t code_drop_unused(void *ctx, const char *kiosk, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "storing the kiosk's enrolment",
                       "DELETE FROM enrol_code WHERE kiosk = ?1 AND used_at IS NULL", "t", kiosk);
}

static kerr_t code_put(void *ctx, const char *hash, const char *kiosk, int64_t at, int64_t expires_at, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "storing the kiosk's enrolment",
                       "INSERT INTO enrol_code(code_hash, kiosk, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                       "ttii", hash, kiosk, at, expires_at);
}

static kerr_t code_get(void *ctx, const char *hash, bo_code_rec_t *c, bool *found, kmsg_t *msg)
{
    bo_cur_t *st;
    memset(c, 0, sizeof *c);
    kerr_t rc = bo_db_first(ctx, &st, found, msg,
                            "SELECT c.kiosk, c.expires_at, c.used_at, k.site, k.state FROM enrol_code c "
                            "JOIN kiosk k ON k.id = c.kiosk WHERE c.code_hash = ?",
                            "t", hash);
    if (rc)
        return rc;
    if (*found) {
        bo_db_copy(st, 0, c->kiosk, sizeof c->kiosk);
        c->expires_at = bo_cur_int(st, 1);
        c->used = !bo_cur_null(st, 2);
        c->used_at = bo_cur_int(st, 2);
        bo_db_copy(st, 3, c->site, sizeof c->site);
        bo_db_copy(st, 4, c->state, sizeof c->state);
    }
    bo_db_end(st);
    return K_OK;
}

static kerr_t code_use(void *ctx, const char *hash, int64_t at, kmsg_t *msg)
{
    return bo_db_write(ctx, NULL, msg, "using the enrolment code",
                       "UPDATE enrol_code SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL", "ti", hash, at);
}

static kerr_t codes_open(void *ctx, int64_t now, bo_rows_t *out, kmsg_t *msg)
{
    char at[24];
    snprintf(at, sizeof at, "%lld", (long long)now);
    return bo__sq_rows(ctx,
                       "SELECT c.kiosk, k.site, k.state, strftime('%Y-%m-%dT%H:%M:%SZ', c.created_at / 1000, "
                       "'unixepoch') AS issued, strftime('%Y-%m-%dT%H:%M:%SZ', c.expires_at / 1000, 'unixepoch') "
                       "AS expires FROM enrol_code c JOIN kiosk k ON k.id = c.kiosk WHERE c.used_at IS NULL "
                       "AND c.expires_at > CAST(?1 AS BIGINT) ORDER BY c.kiosk, c.created_at",
                       at, NULL, NULL, out, msg);
}

const bo_st_fleet_t bo__sq_fleet = {
    .site_add = site_add,
    .site_count = site_count,
    .site_any = site_any,
    .kiosk_get = kiosk_get,
    .kiosk_add = kiosk_add,
    .kiosk_set_state = kiosk_set_state,
    .kiosk_set_upload_key = kiosk_set_upload_key,
    .kiosk_enrolled = kiosk_enrolled,
    .kiosk_pin = kiosk_pin,
    .health_put = health_put,
    .setting_get = setting_get,
    .setting_put = setting_put,
    .settings_each = settings_each,
    .code_drop_unused = code_drop_unused,
    .code_put = code_put,
    .code_get = code_get,
    .code_use = code_use,
    .codes_open = codes_open,
};
