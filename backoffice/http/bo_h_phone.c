/* The resident's phone page (docs/phone.md): its files under /my/, the
 * find step (meter number and the customer number's last digits, or a
 * notice's signed link) and the meter's view. The find step is throttled
 * per client address and per meter, each failure logged without the
 * digits, and "no such meter" and "wrong digits" get one answer, so
 * meters cannot be enumerated; nothing answered names the owner. */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/domain/bo_report.h"
#include "backoffice/http/bo_server.h"
#include "base/log.h"

/* GET /my, /my/ and /my/NAME: the page's files, built next to the
 * console's (phone.html, phone-HASH.js, phone-HASH.css) and served with
 * its headers. */
void bo_h_phone_file(bo_req_t *q, bo_resp_t *r)
{
    const char *name = q->arg[0] ? q->arg[0] : "phone.html";
    if (strncmp(name, "phone", 5) != 0) {
        r->console = true;
        bo_resp_error(r, 404, "not_found", "no page file '%s'", name);
        return;
    }
    q->arg[0] = name;
    bo_h_console_file(q, r);
    if (r->status == 200 && strcmp(name, "phone.html") == 0)
        r->cache = "no-cache";
}

/* The client's address as text into out. */
static void client_addr(const bo_req_t *q, char *out, size_t len)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    snprintf(out, len, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)len);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)len);
}

/* The cell of column name in row 0 of rows ("" if none). */
static const char *cell(const bo_rows_t *rows, int row, const char *name)
{
    for (int i = 0; i < rows->ncols && row < rows->nrows; i++)
        if (strcmp(rows->names[i], name) == 0)
            return rows->cells[row * rows->ncols + i];
    return "";
}

/* The customer of meter into customer ("" if the meter is not registered). */
static kerr_t customer_of(bo_server_t *s, const char *meter, char *customer, size_t len, kmsg_t *msg)
{
    bo_rows_t rows = {0};
    bo_list_args_t args = {.id = meter, .from = bo_now(s)};
    kerr_t rc = bo_report_rows(&s->store, BO_LIST_METER_ONE, &args, &rows, msg);
    snprintf(customer, len, "%s", rc == K_OK ? cell(&rows, 0, "customer") : "");
    bo_rows_free(&rows);
    return rc;
}

/* Answers a session for meter. */
static void session_answer(bo_server_t *s, const char *meter, bo_resp_t *r)
{
    char token[BO_PHONE_TOKEN_MAX];
    bo_phone_key_t key;
    int64_t exp = bo_now(s) + BO_PHONE_SESSION_MS;
    bo_phone_key_derive(&s->key, &key);
    bo_phone_token_make(&key, BO_PHONE_SESSION, meter, exp, token, sizeof token);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "token", token);
    cJSON_AddStringToObject(o, "meter", meter);
    cJSON_AddNumberToObject(o, "expires_in", BO_PHONE_SESSION_MS / 1000);
    bo_resp_json(r, 200, o);
}

/* One refusal for every failed find: no such meter, wrong digits, a bad link. */
static void refuse(bo_server_t *s, const char *ip_key, const char *meter_key, const char *meter, const char *addr,
                   bo_resp_t *r)
{
    int64_t now = bo_now(s);
    bo_lock(s);
    int by_ip = bo_phone_fail(&s->phone_throttle, ip_key, now);
    int by_meter = meter_key[0] ? bo_phone_fail(&s->phone_throttle, meter_key, now) : 0;
    bo_unlock(s);
    LOG_W("phone", "find refused: meter %s from %s (%d failures in a row from that address, %d for that meter)",
          meter[0] ? meter : "(a link)", addr, by_ip, by_meter);
    bo_resp_error(r, 401, "not_found",
                  "no meter with that number and those digits: check both on your bill or notice");
}

/* POST /v1/phone/session {"meter", "digits"} or {"link"}. */
void bo_h_phone_find(bo_req_t *q, bo_resp_t *r)
{
    bo_server_t *s = q->s;
    char addr[64], ip_key[80], meter_key[48] = "", customer[65] = "", meter[BO_PHONE_METER_MAX + 1] = "";
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "meter")),
               *d = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "digits")),
               *link = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "link"));
    client_addr(q, addr, sizeof addr);
    snprintf(ip_key, sizeof ip_key, "ip:%s", addr);
    if (!link && (!m || !d || !bo_phone_meter_ok(m))) {
        cJSON_Delete(b);
        bo_resp_error(r, 400, "bad_request", "give your meter number and the last %d digits of your customer number",
                      BO_PHONE_DIGITS);
        return;
    }
    if (m) {
        snprintf(meter, sizeof meter, "%s", m);
        snprintf(meter_key, sizeof meter_key, "meter:%s", m);
    }
    bo_lock(s);
    int64_t now = bo_now(s), wait = bo_phone_wait_ms(&s->phone_throttle, ip_key, now);
    if (meter_key[0] && bo_phone_wait_ms(&s->phone_throttle, meter_key, now) > wait)
        wait = bo_phone_wait_ms(&s->phone_throttle, meter_key, now);
    kmsg_t msg = {{0}};
    kerr_t rc = wait == 0 && !link ? customer_of(s, meter, customer, sizeof customer, &msg) : K_OK;
    bo_unlock(s);
    if (wait > 0) {
        cJSON_Delete(b);
        LOG_W("phone", "find slowed: meter %s from %s must wait %lld ms", meter[0] ? meter : "(a link)", addr,
              (long long)wait);
        cJSON *o = cJSON_CreateObject();
        cJSON *e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddStringToObject(e, "code", "slow_down");
        cJSON_AddStringToObject(e, "message", "too many tries: wait a moment and try again");
        cJSON_AddNumberToObject(o, "retry_after_ms", (double)wait);
        bo_resp_json(r, 429, o);
        return;
    }
    if (rc) {
        cJSON_Delete(b);
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    bo_phone_key_t key;
    bo_phone_key_derive(&s->key, &key);
    bool ok = link ? bo_phone_token_check(&key, BO_PHONE_LINK, link, now, meter, sizeof meter)
                   : bo_phone_digits_match(customer[0] ? customer : "0000", d) && customer[0];
    cJSON_Delete(b);
    if (!ok) {
        refuse(s, ip_key, meter_key, link ? "" : meter, addr, r);
        return;
    }
    if (meter_key[0]) {
        bo_lock(s);
        bo_phone_clear(&s->phone_throttle, meter_key);
        bo_unlock(s);
    }
    LOG_I("phone", "meter %s found from %s%s", meter, addr, link ? " (a notice's link)" : "");
    session_answer(s, meter, r);
}

bool bo__phone_session(bo_req_t *q, char *meter, size_t len, bo_resp_t *r)
{
    const char *auth = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "Authorization");
    bo_phone_key_t key;
    bo_phone_key_derive(&q->s->key, &key);
    if (auth && strncmp(auth, "Bearer ", 7) == 0 &&
        bo_phone_token_check(&key, BO_PHONE_SESSION, auth + 7, bo_now(q->s), meter, len))
        return true;
    bo_resp_error(r, 401, "session_expired", "find your meter again (the page's session lasts %d minutes)",
                  BO_PHONE_SESSION_MS / 60000);
    return false;
}

/* Listing what of meter into a JSON array (NULL on a store failure). */
static cJSON *listing(bo_server_t *s, bo_listing_t what, const bo_list_args_t *args, kmsg_t *msg)
{
    bo_rows_t rows = {0};
    cJSON *a = bo_report_rows(&s->store, what, args, &rows, msg) == K_OK ? bo_rows_json(&rows) : NULL;
    bo_rows_free(&rows);
    return a;
}

/* GET /v1/phone/meter: the balance, the last 30 days' use by day, the
 * last top-ups and how the resident may pay. Never the owner. */
void bo_h_phone_meter(bo_req_t *q, bo_resp_t *r)
{
    char meter[BO_PHONE_METER_MAX + 1];
    if (!bo__phone_session(q, meter, sizeof meter, r))
        return;
    bo_server_t *s = q->s;
    kmsg_t msg = {{0}};
    int64_t now = bo_now(s);
    bo_list_args_t one = {.id = meter, .from = now}, days = {.id = meter, .from = now - 30LL * 86400000, .to = now};
    bo_rows_t st = {0};
    bo_lock(s);
    kerr_t rc = bo_report_rows(&s->store, BO_LIST_METER_ONE, &one, &st, &msg);
    cJSON *usage = rc ? NULL : listing(s, BO_REPORT_METER_DAY, &days, &msg);
    cJSON *topups = usage ? listing(s, BO_LIST_METER_TOPUPS, &one, &msg) : NULL;
    bo_unlock(s);
    if (!topups) {
        bo_rows_free(&st);
        cJSON_Delete(usage);
        bo_resp_error(r, 500, "internal", "the meter could not be read: %s", msg.text);
        return;
    }
    cJSON *o = cJSON_CreateObject(), *u = cJSON_AddArrayToObject(o, "usage");
    cJSON_AddStringToObject(o, "meter", meter);
    cJSON_AddStringToObject(o, "kind", cell(&st, 0, "kind"));
    cJSON_AddStringToObject(o, "currency", "CNY");
    const char *bal = cell(&st, 0, "balance");
    if (bal[0])
        cJSON_AddNumberToObject(o, "balance", strtod(bal, NULL));
    else
        cJSON_AddNullToObject(o, "balance");
    cJSON_AddStringToObject(o, "last_read", cell(&st, 0, "last_read"));
    bo_rows_free(&st);
    const cJSON *d;
    cJSON_ArrayForEach(d, usage)
    {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "day", cJSON_Duplicate(cJSON_GetObjectItem(d, "period"), true));
        cJSON_AddItemToObject(e, "unit", cJSON_Duplicate(cJSON_GetObjectItem(d, "unit"), true));
        cJSON_AddItemToObject(e, "use", cJSON_Duplicate(cJSON_GetObjectItem(d, "energy"), true));
        cJSON_AddItemToArray(u, e);
    }
    cJSON_Delete(usage);
    cJSON_AddItemToObject(o, "topups", topups);
    cJSON *p = cJSON_AddArrayToObject(o, "providers"), *a = cJSON_AddArrayToObject(o, "amounts");
    for (size_t i = 0; i < s->pay.n; i++)
        cJSON_AddItemToArray(p, cJSON_CreateString(s->pay.p[i].ops->name));
    for (size_t i = 0; i < sizeof bo_phone_amounts / sizeof bo_phone_amounts[0]; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)bo_phone_amounts[i]));
    bo_resp_json(r, 200, o);
}
