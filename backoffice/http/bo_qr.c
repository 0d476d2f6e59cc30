/* QR payment orders: create, read (with a long poll), cancel, pay. */
#include "backoffice/domain/bo_qr.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/base/bo_decode.h"
#include "backoffice/domain/bo_qr_state.h"
#include "backoffice/domain/bo_scope.h"
#include "kiosk/app/kjson.h"

#define COLS "id, kiosk, txn_id, meter, currency, state, gave_up, amount, created_at, expires_at, paid_at"

static void read_row(sqlite3_stmt *st, bo_order_t *o)
{
    char *texts[] = {o->id, o->kiosk, o->txn, o->meter, o->currency, o->state, o->gave_up};
    size_t lens[] = {sizeof o->id, sizeof o->kiosk, sizeof o->txn, sizeof o->meter, sizeof o->currency,
                     sizeof o->state, sizeof o->gave_up};
    for (int i = 0; i < 7; i++)
        snprintf(texts[i], lens[i], "%s", bo_db_col(st, i));
    o->amount = sqlite3_column_int64(st, 7);
    o->created_at = sqlite3_column_int64(st, 8);
    o->expires_at = sqlite3_column_int64(st, 9);
    o->paid_at = sqlite3_column_int64(st, 10);
}

static kerr_t find(sqlite3 *db, const char *sql, const char *a, const char *b, bo_order_t *o, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(db, sql, &st, msg);
    if (rc)
        return rc;
    bo_db_text(st, 1, a);
    if (b)
        bo_db_text(st, 2, b);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found)
        read_row(st, o);
    sqlite3_finalize(st);
    return found ? K_OK : kmsg_set(msg, K_ENOTFOUND, "no QR order '%s'", a);
}

static kerr_t set_state(bo_server_t *s, bo_order_t *o, const char *to, kmsg_t *msg)
{
    sqlite3_stmt *st;
    kerr_t rc = bo_db_prepare(s->db, "UPDATE qr_order SET state = ?, gave_up = ?, paid_at = ? WHERE id = ?", &st,
                              msg);
    if (rc)
        return rc;
    if (strcmp(to, "paid_late") == 0)
        snprintf(o->gave_up, sizeof o->gave_up, "%s", o->state);
    if (bo_qr_is_paid(to) && !bo_qr_is_paid(o->state))
        o->paid_at = bo_now(s);
    snprintf(o->state, sizeof o->state, "%s", to);
    bo_db_text(st, 1, o->state);
    bo_db_text(st, 2, o->gave_up);
    if (o->paid_at)
        sqlite3_bind_int64(st, 3, o->paid_at);
    bo_db_text(st, 4, o->id);
    rc = bo_db_run(s->db, st, "changing a QR order", msg);
    pthread_cond_broadcast(&s->changed);
    return rc;
}

kerr_t bo_qr_load(bo_server_t *s, const char *id, bo_order_t *o, kmsg_t *msg)
{
    kerr_t rc = find(s->db, "SELECT " COLS " FROM qr_order WHERE id = ?", id, NULL, o, msg);
    if (rc == K_OK && strcmp(o->state, "pending") == 0 && bo_now(s) >= o->expires_at)
        rc = set_state(s, o, "expired", msg);
    return rc;
}

static kerr_t add_notice(bo_server_t *s, const bo_order_t *o, kmsg_t *msg)
{
    cJSON *b = bo_qr_json(s, o);
    char *text = b ? kjson_print(b, false) : NULL;
    cJSON_Delete(b);
    sqlite3_stmt *st;
    kerr_t rc = text ? bo_db_prepare(s->db, "INSERT INTO notice(kiosk, kind, body, created_at) VALUES (?, ?, ?, ?)",
                                     &st, msg)
                     : kmsg_set(msg, K_EIO, "out of memory");
    if (rc == K_OK) {
        bo_db_text(st, 1, o->kiosk);
        bo_db_text(st, 2, "qr_paid_late");
        bo_db_text(st, 3, text);
        sqlite3_bind_int64(st, 4, bo_now(s));
        rc = bo_db_run(s->db, st, "leaving a notice for the kiosk", msg);
    }
    cJSON_free(text);
    return rc;
}

kerr_t bo_qr_event(bo_server_t *s, const char *id, const char *event, bo_order_t *o, kmsg_t *msg)
{
    kerr_t rc = bo_qr_load(s, id, o, msg);
    const char *to;
    bool notify;
    if (rc)
        return rc;
    if (!bo_qr_next(o->state, event, &to, &notify))
        return kmsg_set(msg, K_ESTATE, "order %s is %s: it cannot be %s; book the payment instead", id, o->state,
                        strcmp(event, "cancel") == 0 ? "cancelled" : event);
    if (strcmp(to, o->state) == 0)
        return K_OK;
    rc = bo_db_exec(s->db, "BEGIN IMMEDIATE", "changing a QR order", msg);
    if (rc == K_OK)
        rc = set_state(s, o, to, msg);
    if (rc == K_OK && notify)
        rc = add_notice(s, o, msg);
    if (rc == K_OK)
        rc = bo_db_exec(s->db, "COMMIT", "committing a QR order", msg);
    if (rc)
        bo_db_exec(s->db, "ROLLBACK", "abandoning", NULL);
    return rc;
}

cJSON *bo_qr_json(const bo_server_t *s, const bo_order_t *o)
{
    cJSON *j = cJSON_CreateObject();
    char url[400];
    snprintf(url, sizeof url, "%s/pay/%s", s->base_url, o->id);
    kjson_add_str(j, "id", o->id);
    kjson_add_str(j, "txn", o->txn);
    kjson_add_str(j, "meter", o->meter);
    kjson_add_int(j, "amount", o->amount);
    kjson_add_str(j, "currency", o->currency);
    kjson_add_str(j, "state", o->state);
    kjson_add_str(j, "code_url", url);
    kjson_add_time(j, "created_at", o->created_at);
    kjson_add_time(j, "expires_at", o->expires_at);
    if (o->paid_at)
        kjson_add_time(j, "paid_at", o->paid_at);
    if (o->gave_up[0])
        kjson_add_str(j, "gave_up", o->gave_up);
    return j;
}

static kerr_t create(bo_server_t *s, const char *kiosk, const bo_qr_new_t *n, bo_order_t *o, kmsg_t *msg)
{
    kmsg_t ignore;
    if (find(s->db, "SELECT " COLS " FROM qr_order WHERE kiosk = ? AND txn_id = ?", kiosk, n->txn, o, &ignore) ==
        K_OK) {
        if (o->amount != n->amount || strcmp(o->meter, n->meter) != 0)
            return kmsg_set(msg, K_ECONFLICT, "transaction %s already has order %s for another amount or meter",
                            n->txn, o->id);
        return bo_qr_load(s, o->id, o, msg); /* a retried create: the same order */
    }
    kerr_t rc = bo_scope_check(s->db, kiosk, n->meter, msg); /* K_EDENIED: not this kiosk's meter */
    if (rc)
        return rc;
    uint8_t rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(o->id, sizeof o->id, rnd, sizeof rnd);
    int64_t now = bo_now(s), ttl = n->ttl_s ? n->ttl_s : s->cfg.qr_ttl_s;
    sqlite3_stmt *st;
    rc = bo_db_prepare(s->db,
                       "INSERT INTO qr_order(id, kiosk, txn_id, meter, amount, currency, state, created_at, "
                       "expires_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                       &st, msg);
    if (rc)
        return rc;
    const char *texts[] = {o->id, kiosk, n->txn, n->meter};
    for (int i = 0; i < 4; i++)
        bo_db_text(st, i + 1, texts[i]);
    sqlite3_bind_int64(st, 5, n->amount);
    bo_db_text(st, 6, n->currency);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_int64(st, 8, now + ttl * 1000);
    rc = bo_db_run(s->db, st, "creating a QR order", msg);
    return rc ? rc : bo_qr_load(s, o->id, o, msg);
}

void bo_h_qr_create(bo_req_t *q, bo_resp_t *r)
{
    bo_qr_new_t n;
    bo_order_t o;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_decode_qr_new(q->body, q->body_len, &n, &msg);
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = create(q->s, q->kiosk, &n, &o, &msg);
        bo_unlock(q->s);
    }
    if (rc == K_EDENIED)
        bo_resp_error(r, 403, "meter_out_of_scope", "%s", msg.text);
    else if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, bo_qr_json(q->s, &o));
}

/* Loads the kiosk's own order; another kiosk's is "not found". */
static kerr_t own_order(bo_req_t *q, bo_order_t *o, kmsg_t *msg)
{
    kerr_t rc = bo_qr_load(q->s, q->arg[1], o, msg);
    if (rc == K_OK && strcmp(o->kiosk, q->kiosk) != 0)
        rc = kmsg_set(msg, K_ENOTFOUND, "kiosk %s has no QR order '%s'", q->kiosk, q->arg[1]);
    return rc;
}

/* A long poll (?wait=N, 30 s at most) answers when the order leaves
 * pending, when N seconds have passed or when the server stops; until then
 * it waits parked (r->wait) and the HTTP layer runs it again on a change. */
void bo_h_qr_get(bo_req_t *q, bo_resp_t *r)
{
    bo_order_t o;
    kmsg_t msg = {{0}};
    const char *w = bo_req_arg(q, "wait");
    int64_t wait_s = w ? atoll(w) : 0;
    wait_s = wait_s < 0 ? 0 : wait_s > 30 ? 30 : wait_s;
    bo_lock(q->s);
    kerr_t rc = own_order(q, &o, &msg);
    r->wait = rc == K_OK && strcmp(o.state, "pending") == 0 && !q->s->stopping && q->waited_ms < wait_s * 1000;
    bo_unlock(q->s);
    if (r->wait)
        return;
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_resp_json(r, 200, bo_qr_json(q->s, &o));
}

void bo_h_qr_cancel(bo_req_t *q, bo_resp_t *r)
{
    bo_order_t o;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = own_order(q, &o, &msg);
    if (rc == K_OK)
        rc = bo_qr_event(q->s, q->arg[1], "cancel", &o, &msg);
    bo_unlock(q->s);
    if (rc == K_ESTATE) {
        cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");
        kjson_add_str(e, "code", "order_paid");
        kjson_add_str(e, "message", msg.text);
        cJSON_AddItemToObject(j, "order", bo_qr_json(q->s, &o));
        bo_resp_json(r, 409, j);
    } else if (rc) {
        bo_resp_kerr(r, rc, &msg);
    } else {
        bo_resp_json(r, 200, bo_qr_json(q->s, &o));
    }
}
