/* Accounts over the staff API (docs/accounts.md, docs/console.md): the
 * list, one account with its meters and cards, its usage and fees by
 * month, and the changes the command line makes (open, also pre-filled;
 * bind; transfer; close with the settlement; meters installed and removed),
 * each the same domain operation with the same audit row, the actor the
 * console's operator or the staff certificate (bo_api_who). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_account.h"
#include "backoffice/domain/bo_report.h"
#include "backoffice/http/bo_server.h"

#define MAX_METERS 64
#define MAX_NUMBER 9007199254740991.0 /* 2^53 - 1: an integer JSON carries exactly */

/* The rows of listing what for args, or NULL with the answer in r. */
static cJSON *rows_of(bo_req_t *q, bo_resp_t *r, bo_listing_t what, const bo_list_args_t *args)
{
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_h_rows(q, what, args, &rows, &msg); /* narrowed to the session's organisation */
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return NULL;
    }
    cJSON *a = bo_rows_json(&rows);
    bo_rows_free(&rows);
    return a;
}

/* Answers listing what for args as JSON rows or, with format=csv, CSV. */
static void answer(bo_req_t *q, bo_resp_t *r, bo_listing_t what, const bo_list_args_t *args)
{
    bo_rows_t rows;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_h_rows(q, what, args, &rows, &msg); /* narrowed to the session's organisation */
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        bo_h_answer_rows(q, r, &rows);
}

/* GET /v1/admin/accounts[?format=csv]: every account (as `account list`). */
void bo_h_admin_accounts(bo_req_t *q, bo_resp_t *r)
{
    answer(q, r, BO_LIST_ACCOUNTS, &(bo_list_args_t){0});
}

/* GET /v1/admin/accounts/ID: {"account", "meters", "cards"} (as `account show`). */
void bo_h_admin_account(bo_req_t *q, bo_resp_t *r)
{
    static const bo_listing_t parts[] = {BO_LIST_ACCOUNT, BO_LIST_ACCOUNT_METERS, BO_LIST_ACCOUNT_CARDS};
    static const char *const names[] = {"account", "meters", "cards"};
    bo_list_args_t args = {.id = q->arg[0]};
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < 3; i++) {
        cJSON *rows = rows_of(q, r, parts[i], &args);
        if (!rows) {
            cJSON_Delete(o);
            return;
        }
        if (i == 0 && cJSON_GetArraySize(rows) == 0) {
            cJSON_Delete(rows);
            cJSON_Delete(o);
            bo_resp_error(r, 404, "not_found", "account '%s' is not known: see the list of accounts", q->arg[0]);
            return;
        }
        cJSON_AddItemToObject(o, names[i], i == 0 ? cJSON_DetachItemFromArray(rows, 0) : rows);
        if (i == 0)
            cJSON_Delete(rows);
    }
    bo_resp_json(r, 200, o);
}

/* GET /v1/admin/accounts/ID/usage[?from][&to][&format=csv]: by month. */
void bo_h_admin_account_usage(bo_req_t *q, bo_resp_t *r)
{
    bo_list_args_t args = {.id = q->arg[0], .from = 0, .to = INT64_MAX};
    const char *from = bo_req_arg(q, "from"), *to = bo_req_arg(q, "to");
    if ((from && !bo_time_parse(from, &args.from)) || (to && !bo_time_parse(to, &args.to))) {
        bo_resp_error(r, 400, "bad_request", "from and to are dates like 2026-11-01");
        return;
    }
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_h_scope(q, BO_ORG_ACCOUNT, args.id, &msg); /* another organisation's: 404 */
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    else
        answer(q, r, BO_REPORT_ACCOUNT_MONTH, &args);
}

/* The body's "meters" (an array of distinct meter ids) into m; the count,
 * -1 if it is not one. */
static int meters_of(const cJSON *b, const char **m)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(b, "meters"), *it;
    int n = 0;
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr))
        return -1;
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsString(it) || n == MAX_METERS || !bo_id_valid(it->valuestring, 32))
            return -1;
        for (int j = 0; j < n; j++)
            if (strcmp(m[j], it->valuestring) == 0)
                return -1;
        m[n++] = it->valuestring;
    }
    return n;
}

/* obj.name as a whole number >= 0 into *out (dflt when missing); false if
 * it is not one. */
static bool whole(const cJSON *obj, const char *name, int64_t dflt, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    *out = dflt;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > MAX_NUMBER || floor(v->valuedouble) != v->valuedouble)
        return false;
    *out = (int64_t)v->valuedouble;
    return true;
}

/* The meter settings in the body (absent ones NULL). */
static bo_meter_spec_t spec_of(const cJSON *b)
{
    return (bo_meter_spec_t){bo_json_str_ref(b, "protocol"), bo_json_str_ref(b, "gateway"), bo_json_str_ref(b, "kind"),
                             bo_json_str_ref(b, "tariff"), bo_json_str_ref(b, "site")};
}

/* The reason, given and not empty; NULL if not. */
static const char *reason_of(const cJSON *b)
{
    const char *why = bo_json_str_ref(b, "reason");
    return why && why[0] && strlen(why) <= 200 ? why : NULL;
}

/* Answers the outcome of a change: 200 with {"state": "done", ...} and the
 * account as it is now, or the refusal. */
static void outcome(bo_req_t *q, bo_resp_t *r, kerr_t rc, const kmsg_t *msg, const char *account)
{
    if (rc || !account) {
        bo_resp_done(r, rc, msg);
        return;
    }
    q->arg[0] = account;
    bo_h_admin_account(q, r);
}

/* POST /v1/admin/accounts {"id", "customer", "meters", "reason", "prefill",
 * "name", "protocol", "gateway", "kind", "tariff", "site"}: opens it. */
void bo_h_admin_account_open(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    const char *m[MAX_METERS];
    const cJSON *pre = cJSON_GetObjectItemCaseSensitive(b, "prefill");
    bo_account_open_t o = {.id = bo_json_str_ref(b, "id"), .customer = bo_json_str_ref(b, "customer"), .meters = m,
                           .n = meters_of(b, m), .prefill = cJSON_IsTrue(pre), .name = bo_json_str_ref(b, "name"),
                           .spec = spec_of(b), .reason = bo_json_str_ref(b, "reason")};
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    int64_t carried = 0;
    kerr_t rc = K_OK;
    if (!o.id || !o.customer || !bo_id_valid(o.id, 64) || !bo_id_valid(o.customer, 64) || o.n < 0)
        rc = kmsg_set(&msg, K_EINVAL, "give 'id' and 'customer' (letters, digits, . _ -) and 'meters', an array of "
                                      "distinct meter ids (at most %d)",
                      MAX_METERS);
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_account_open(&q->s->store, &who, &o, &carried, &msg);
        bo_unlock(q->s);
    }
    char id[65];
    snprintf(id, sizeof id, "%s", o.id ? o.id : "");
    cJSON_Delete(b);
    outcome(q, r, rc, &msg, id);
}

/* POST /v1/admin/accounts/ID/bind {"meters", "reason"}. */
void bo_h_admin_account_bind(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    const char *m[MAX_METERS];
    int n = meters_of(b, m);
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    kerr_t rc = n > 0 ? K_OK : kmsg_set(&msg, K_EINVAL, "give 'meters': distinct meter ids, 1 to %d", MAX_METERS);
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_account_bind(&q->s->store, &who, q->arg[0], m, n, bo_json_str_ref(b, "reason"), &msg);
        bo_unlock(q->s);
    }
    cJSON_Delete(b);
    outcome(q, r, rc, &msg, q->arg[0]);
}

/* POST /v1/admin/accounts/ID/transfer {"to_customer", "reason"}. */
void bo_h_admin_account_transfer(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    const char *to = bo_json_str_ref(b, "to_customer"), *why = reason_of(b);
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    kerr_t rc = to && why && bo_id_valid(to, 64) ? K_OK
                                                 : kmsg_set(&msg, K_EINVAL, "give 'to_customer' and a 'reason'");
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_account_transfer(&q->s->store, &who, q->arg[0], to, why, &msg);
        bo_unlock(q->s);
    }
    cJSON_Delete(b);
    outcome(q, r, rc, &msg, q->arg[0]);
}

/* The body's "final_readings" {METER: N, ...} into f; the count, -1 if malformed. */
static int readings_of(const cJSON *b, bo_final_reading_t *f)
{
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(b, "final_readings"), *it;
    int n = 0;
    if (!obj)
        return 0;
    if (!cJSON_IsObject(obj))
        return -1;
    cJSON_ArrayForEach(it, obj)
    {
        int64_t v;
        if (n == MAX_METERS || !bo_id_valid(it->string, 32) || !whole(obj, it->string, -1, &v) || v < 0)
            return -1;
        snprintf(f[n].meter, sizeof f[n].meter, "%s", it->string);
        f[n++].value = v;
    }
    return n;
}

/* POST /v1/admin/accounts/ID/close {"final_readings": {METER: N}, "balance",
 * "settle": "refund"|"carry", "reason"}: {"settled", "carried_to"} and the account. */
void bo_h_admin_account_close(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    bo_final_reading_t f[MAX_METERS];
    const char *settle = bo_json_str_ref(b, "settle");
    bo_account_close_t c = {.id = q->arg[0], .readings = f, .n = readings_of(b, f),
                            .carry = settle && strcmp(settle, "carry") == 0, .reason = reason_of(b)};
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    bo_settled_t s = {0};
    kmsg_t msg = {{0}};
    kerr_t rc = K_OK;
    if (c.n < 0 || !whole(b, "balance", 0, &c.balance) || !c.reason || !settle ||
        (strcmp(settle, "refund") != 0 && strcmp(settle, "carry") != 0))
        rc = kmsg_set(&msg, K_EINVAL, "give 'final_readings' {METER: whole number}, 'balance' (minor units, >= 0), "
                                      "'settle' (refund or carry) and a 'reason'");
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_account_close(&q->s->store, &who, &c, &s, &msg);
        bo_unlock(q->s);
    }
    cJSON_Delete(b);
    outcome(q, r, rc, &msg, q->arg[0]);
}

/* POST /v1/admin/meters/M/install {"account", "protocol", "gateway", "kind",
 * "tariff", "site", "reason"}: registers it (or takes it back) on the account. */
void bo_h_admin_meter_install(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    const char *account = bo_json_str_ref(b, "account");
    bo_meter_spec_t spec = spec_of(b);
    char actor[96], id[65];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    kerr_t rc = account && spec.protocol && spec.gateway && bo_id_valid(q->arg[0], 32)
                    ? K_OK
                    : kmsg_set(&msg, K_EINVAL, "give 'account', 'protocol' (dlt645 or modbus) and 'gateway' "
                                               "(HOST:PORT[/UNIT])");
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_meter_install(&q->s->store, &who, q->arg[0], account, &spec, bo_json_str_ref(b, "reason"), &msg);
        bo_unlock(q->s);
    }
    snprintf(id, sizeof id, "%s", account ? account : "");
    cJSON_Delete(b);
    outcome(q, r, rc, &msg, id);
}

/* POST /v1/admin/meters/M/remove {"final_reading", "balance", "reason"}. */
void bo_h_admin_meter_remove(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    int64_t reading = -1, balance = 0;
    const char *why = reason_of(b);
    char actor[96];
    bo_who_t who = bo_api_who(q, actor, sizeof actor);
    kmsg_t msg = {{0}};
    kerr_t rc = whole(b, "final_reading", -1, &reading) && reading >= 0 && whole(b, "balance", 0, &balance) && why
                    ? K_OK
                    : kmsg_set(&msg, K_EINVAL, "give 'final_reading' (a whole number), 'balance' (minor units, "
                                               ">= 0) and a 'reason'");
    if (rc == K_OK) {
        bo_lock(q->s);
        rc = bo_meter_remove(&q->s->store, &who, q->arg[0], reading, balance, why, &msg);
        bo_unlock(q->s);
    }
    cJSON_Delete(b);
    outcome(q, r, rc, &msg, NULL);
}
