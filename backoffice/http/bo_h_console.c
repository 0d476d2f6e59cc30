/* The web console's sessions over HTTP (docs/console.md): signing in and
 * out, who is signed in, and the admission of every request that carries
 * the session cookie: the session alive, the CSRF token on every change,
 * and the permission the route needs (a refusal names it). */
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_console.h"
#include "backoffice/domain/bo_org.h"
#include "backoffice/http/bo_server.h"
#include "base/kjson.h"
#include "core/perm.h"

#define COOKIE "bo_session"
#define CSRF_HEADER "X-CSRF-Token"
#define ORG_HEADER "X-Organisation" /* the organisation switcher's choice */
#define NONE (-1)    /* a signed-in operator may */
#define REFUSED (-2) /* not offered to the console */

/* The permission each route needs from a console operator (docs/console.md,
 * "Permissions"). Reads not listed need only a session; changes not listed
 * are not offered to the console. */
typedef struct route_perm {
    const char *method, *pattern;
    int perm; /* a perm_t, NONE or REFUSED */
} route_perm_t;

static const route_perm_t perms[] = {
    {"DELETE", "/v1/console/session", NONE},
    {"GET", "/v1/admin/operators", PERM_OPERATORS},
    {"GET", "/v1/admin/groups", PERM_OPERATORS},
    {"GET", "/v1/admin/reports/*", NONE}, /* the audit report needs operators: see need_of */
    {"GET", "/v1/admin/accounts/*/contact", PERM_CONTACTS},
    {"GET", "/v1/admin/notices", PERM_CONTACTS},
    {"GET", "/v1/admin/qr-differences", PERM_ACCOUNTS},
    {"POST", "/v1/admin/alerts/*/ack", PERM_DIAGNOSTICS},
    {"POST", "/v1/admin/commands", PERM_DIAGNOSTICS},
    {"POST", "/v1/admin/commands/*/cancel", PERM_DIAGNOSTICS},
    {"POST", "/v1/admin/batches", PERM_DIAGNOSTICS},
    {"POST", "/v1/admin/batches/*/cancel", PERM_DIAGNOSTICS},
    {"POST", "/v1/admin/accounts/*/contact", PERM_CONTACTS},
    {"POST", "/v1/admin/accounts/*/contact/clear", PERM_CONTACTS},
    {"POST", "/v1/admin/accounts", PERM_ACCOUNTS},
    {"POST", "/v1/admin/accounts/*/bind", PERM_ACCOUNTS},
    {"POST", "/v1/admin/accounts/*/transfer", PERM_ACCOUNTS},
    {"POST", "/v1/admin/accounts/*/close", PERM_ACCOUNTS},
    {"POST", "/v1/admin/meters/*/install", PERM_ACCOUNTS},
    {"POST", "/v1/admin/meters/*/remove", PERM_ACCOUNTS},
    {"POST", "/v1/admin/orgs", PERM_SETTINGS}, /* an organisation's structure (bo_h_org_admin.c) */
    {"POST", "/v1/admin/buildings", PERM_SETTINGS},
    {"POST", "/v1/admin/rooms", PERM_SETTINGS},
    {"POST", "/v1/admin/rooms/*/meters", PERM_SETTINGS},
    {"POST", "/v1/admin/buildings/*/kiosks", PERM_SETTINGS},
    {"POST", "/v1/admin/sites/*/org", PERM_SETTINGS},
    {"POST", "/v1/admin/operators", PERM_OPERATORS}, /* staff changes (bo_h_staff_admin.c) */
    {"POST", "/v1/admin/operators/*/group", PERM_OPERATORS},
    {"POST", "/v1/admin/operators/*/disable", PERM_OPERATORS},
    {"POST", "/v1/admin/operators/*/enable", PERM_OPERATORS},
    {"POST", "/v1/admin/operators/*/password", PERM_OPERATORS},
    {"POST", "/v1/admin/groups", PERM_OPERATORS},
    {"GET", "/v1/admin/enrol-codes", PERM_SETTINGS}, /* enrolment codes (bo_h_enrol_codes.c) */
    {"POST", "/v1/admin/enrol-codes", PERM_SETTINGS},
    {"POST", "/v1/admin/enrol-codes/*/revoke", PERM_SETTINGS},
};

/* What the route of method and pattern needs; q for its arguments. */
static int need_of(const bo_req_t *q, const char *method, const char *pattern)
{
    if (strcmp(pattern, "/v1/admin/reports/*") == 0 && q->arg[0] && strcmp(q->arg[0], "audit") == 0)
        return PERM_OPERATORS;
    for (size_t i = 0; i < sizeof perms / sizeof perms[0]; i++)
        if (strcmp(perms[i].method, method) == 0 && strcmp(perms[i].pattern, pattern) == 0)
            return perms[i].perm;
    return strcmp(method, "GET") == 0 ? NONE : REFUSED;
}

bool bo_console_cookie(const bo_req_t *q, char *token, size_t len)
{
    const char *v = MHD_lookup_connection_value(q->conn, MHD_COOKIE_KIND, COOKIE);
    if (!v || strlen(v) != BO_CONSOLE_TOKEN_LEN || strspn(v, "0123456789abcdef") != BO_CONSOLE_TOKEN_LEN)
        return false;
    if (token)
        snprintf(token, len, "%s", v);
    return true;
}

/* 403 naming the permission the operator lacks. */
static void missing(bo_resp_t *r, const char *op, perm_t p)
{
    cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
    char text[160];
    snprintf(text, sizeof text, "operator %s may not do this: it needs the permission %s (ask an administrator)", op,
             perm_name(p));
    kjson_add_str(e, "code", "permission_missing");
    kjson_add_str(e, "message", text);
    kjson_add_str(e, "permission", perm_name(p));
    bo_resp_json(r, 403, o);
}

/* Whether the request carries the session's CSRF token. */
static bool csrf_ok(const bo_req_t *q, const char *csrf)
{
    const char *h = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, CSRF_HEADER);
    return h && strlen(h) == strlen(csrf) && sodium_memcmp(h, csrf, strlen(csrf)) == 0;
}

/* The session's refusal as an answer. */
static void session_refused(bo_resp_t *r, kerr_t rc, const kmsg_t *msg)
{
    if (rc == K_ENOTFOUND)
        bo_resp_error(r, 401, "signed_out", "%s", msg->text);
    else if (rc == K_ESTATE)
        bo_resp_error(r, 401, "session_expired", "%s", msg->text);
    else
        bo_resp_kerr(r, rc, msg);
}

/* Narrows the request to the organisation the header ORG_HEADER names
 * (the console's switcher), one the session sees; false with a 404 for
 * another: a narrowing never shows more than the session's own. */
static bool narrowed(bo_req_t *q, bo_resp_t *r)
{
    const char *want = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, ORG_HEADER);
    if (!want || !want[0])
        return true;
    kmsg_t msg = {{0}};
    bo_lock(q->s);
    kerr_t rc = bo_org_within(&q->s->store, q->org, want, q->org, &msg);
    bo_unlock(q->s);
    if (rc)
        bo_resp_kerr(r, rc, &msg);
    return rc == K_OK;
}

bool bo_console_admit(bo_req_t *q, const char *method, const char *pattern, bo_resp_t *r)
{
    char token[BO_CONSOLE_TOKEN_LEN + 1];
    bo_console_who_t who;
    kmsg_t msg = {{0}};
    if (!bo_console_cookie(q, token, sizeof token)) {
        bo_resp_error(r, 401, "signed_out", "you are not signed in to the console: sign in at /console/");
        return false;
    }
    bo_lock(q->s);
    kerr_t rc = bo_console_session(&q->s->store, bo_now(q->s), &q->s->cfg.console, token, &who, &msg);
    if (rc == K_OK) /* what the session sees: its operator's organisation's (bo_org.h) */
        rc = bo_org_of(&q->s->store, who.operator_name, q->org, &msg);
    bo_unlock(q->s);
    if (rc) {
        session_refused(r, rc, &msg);
        return false;
    }
    snprintf(q->console_op, sizeof q->console_op, "%s", who.operator_name);
    q->console_perms = who.perms;
    snprintf(q->kiosk, sizeof q->kiosk, "console:%s", who.operator_name);
    if (strcmp(method, "GET") != 0 && !csrf_ok(q, who.csrf)) {
        bo_resp_error(r, 403, "csrf",
                      "this change lacks the session's CSRF token (header " CSRF_HEADER "): reload the console and "
                      "try again");
        return false;
    }
    if (!narrowed(q, r))
        return false;
    int need = need_of(q, method, pattern);
    if (need == REFUSED) {
        bo_resp_error(r, 403, "not_in_console", "%s %s is not offered to the console", method, q->path);
        return false;
    }
    if (need != NONE && !perm_allows(who.perms, (perm_t)need)) {
        missing(r, who.operator_name, (perm_t)need);
        return false;
    }
    return true;
}

/* {"operator", "permissions": [...], "csrf", "idle_seconds", ...}. */
static cJSON *who_json(const bo_server_t *s, const bo_console_who_t *w)
{
    cJSON *o = cJSON_CreateObject(), *p = cJSON_AddArrayToObject(o, "permissions");
    kjson_add_str(o, "operator", w->operator_name);
    for (int i = 0; i < PERM_COUNT; i++)
        if (perm_allows(w->perms, (perm_t)i))
            cJSON_AddItemToArray(p, cJSON_CreateString(perm_name((perm_t)i)));
    kjson_add_str(o, "csrf", w->csrf);
    kjson_add_int(o, "idle_seconds", s->cfg.console.idle_s);
    kjson_add_int(o, "absolute_seconds", s->cfg.console.absolute_s);
    kjson_add_time(o, "signed_in_at", w->created_at);
    return o;
}

/* The cookie of token (NULL: one that ends the session in the browser). */
static void set_cookie(const bo_server_t *s, bo_resp_t *r, const char *token)
{
    snprintf(r->cookie, sizeof r->cookie, COOKIE "=%s; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=%lld",
             token ? token : "", token ? (long long)s->cfg.console.absolute_s : 0LL);
}

/* POST /v1/console/session {"operator", "password"}: signs in. */
void bo_h_console_sign_in(bo_req_t *q, bo_resp_t *r)
{
    cJSON *b = cJSON_ParseWithLength(q->body, q->body_len);
    const char *name = bo_json_str_ref(b, "operator"), *pw = bo_json_str_ref(b, "password");
    bo_console_grant_t g;
    kmsg_t msg = {{0}};
    r->console = true;
    if (!name || !pw || !bo_id_valid(name, 32) || strlen(pw) > BO_CONSOLE_PW_MAX) {
        cJSON_Delete(b);
        bo_resp_error(r, 400, "bad_request", "sign in with {\"operator\": NAME, \"password\": TEXT}");
        return;
    }
    bo_lock(q->s);
    kerr_t rc = bo_console_sign_in(&q->s->store, bo_now(q->s), &q->s->cfg.console, name, pw, &g, &msg);
    bo_unlock(q->s);
    cJSON_Delete(b);
    if (rc == K_EDENIED)
        bo_resp_error(r, 401, "wrong_credentials", "%s", msg.text);
    else if (rc == K_EBUSY)
        bo_resp_error(r, 429, "locked_out", "%s", msg.text);
    else if (rc)
        bo_resp_kerr(r, rc, &msg);
    else {
        bo_resp_json(r, 200, who_json(q->s, &g.who));
        set_cookie(q->s, r, g.token);
    }
    sodium_memzero(&g, sizeof g);
}

/* GET /v1/console/session: who is signed in (and the CSRF token again,
 * for a page loaded anew). */
void bo_h_console_me(bo_req_t *q, bo_resp_t *r)
{
    char token[BO_CONSOLE_TOKEN_LEN + 1];
    bo_console_who_t who;
    kmsg_t msg = {{0}};
    r->console = true;
    bo_console_cookie(q, token, sizeof token);
    bo_lock(q->s);
    kerr_t rc = bo_console_session(&q->s->store, bo_now(q->s), &q->s->cfg.console, token, &who, &msg);
    bo_unlock(q->s);
    if (rc)
        session_refused(r, rc, &msg);
    else
        bo_resp_json(r, 200, who_json(q->s, &who));
}

/* DELETE /v1/console/session: signs out. */
void bo_h_console_sign_out(bo_req_t *q, bo_resp_t *r)
{
    char token[BO_CONSOLE_TOKEN_LEN + 1];
    kmsg_t msg = {{0}};
    r->console = true;
    bo_console_cookie(q, token, sizeof token);
    bo_lock(q->s);
    kerr_t rc = bo_console_sign_out(&q->s->store, bo_now(q->s), token, &msg);
    bo_unlock(q->s);
    if (rc) {
        bo_resp_kerr(r, rc, &msg);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    kjson_add_str(o, "state", "signed_out");
    bo_resp_json(r, 200, o);
    set_cookie(q->s, r, NULL);
}
