/* The route table: method, path pattern ('*' is one segment), handler, what
 * the route needs (an authenticated kiosk, test hooks, the simulated payment
 * provider) and the body it takes. A request is admitted on its headers
 * alone, before any of its body is read (docs/sync.md, "Limits"). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "backoffice/base/bo_json.h"
#include "backoffice/domain/bo_kiosk.h"
#include "backoffice/http/bo_server.h"

enum { NEEDS_KIOSK = 1, NEEDS_HOOKS = 2, NEEDS_SIM = 4, NEEDS_ADMIN = 8, NEEDS_CONSOLE = 16 };

/* What a route takes as its body. */
typedef enum body_kind { BODY_NONE, BODY_JSON, BODY_FORM } body_kind_t;

/* How large a body may be: a batch up to [server] max_body_bytes, anything
 * else far less (and never more than max_body_bytes either). */
#define BATCH SIZE_MAX
#define SMALL ((size_t)64 << 10)
#define FORM ((size_t)4 << 10)

struct bo_route {
    const char *method;
    const char *pattern;
    void (*handler)(bo_req_t *, bo_resp_t *);
    int needs;
    body_kind_t body;
    size_t max_body;
};

static const bo_route_t routes[] = {
    {"POST", "/v1/kiosks/*/outbox", bo_h_outbox, NEEDS_KIOSK, BODY_JSON, BATCH},
    {"POST", "/v1/kiosks/*/heartbeat", bo_h_heartbeat, NEEDS_KIOSK, BODY_JSON, SMALL},
    {"GET", "/v1/kiosks/*/documents/*", bo_h_document, NEEDS_KIOSK, BODY_NONE, 0},
    {"GET", "/v1/kiosks/*/notices", bo_h_notices, NEEDS_KIOSK, BODY_NONE, 0},
    {"POST", "/v1/kiosks/*/notices/*/ack", bo_h_notice_ack, NEEDS_KIOSK, BODY_NONE, 0},
    {"POST", "/v1/kiosks/*/counts/reserve", bo_h_count_reserve, NEEDS_KIOSK, BODY_JSON, SMALL},
    {"POST", "/v1/kiosks/*/counts/release", bo_h_count_release, NEEDS_KIOSK, BODY_JSON, SMALL},
    {"GET", "/v1/kiosks/*/counts/*", bo_h_count_get, NEEDS_KIOSK, BODY_NONE, 0},
    {"POST", "/v1/kiosks/*/qr-orders", bo_h_qr_create, NEEDS_KIOSK, BODY_JSON, SMALL},
    {"GET", "/v1/kiosks/*/qr-orders/*", bo_h_qr_get, NEEDS_KIOSK, BODY_NONE, 0},
    {"POST", "/v1/kiosks/*/qr-orders/*/cancel", bo_h_qr_cancel, NEEDS_KIOSK, BODY_NONE, 0},
    {"GET", "/v1/kiosks/*/accounts/*/due", bo_h_account_due, NEEDS_KIOSK, BODY_NONE, 0},
    {"GET", "/v1/kiosks/*/commands", bo_h_commands_get, NEEDS_KIOSK, BODY_NONE, 0},
    {"POST", "/v1/kiosks/*/commands/*/ack", bo_h_command_ack, NEEDS_KIOSK, BODY_JSON, SMALL},
    {"GET", "/v1/admin/reports/*", bo_h_admin_report, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/commands", bo_h_admin_commands, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/commands", bo_h_admin_command_issue, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"GET", "/v1/admin/commands/*", bo_h_admin_command_get, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/commands/*/cancel", bo_h_admin_command_cancel, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"GET", "/v1/admin/batches", bo_h_admin_batches, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/batches", bo_h_admin_batch_create, NEEDS_ADMIN, BODY_JSON, BATCH},
    {"GET", "/v1/admin/batches/*", bo_h_admin_batch_get, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/batches/*/cancel", bo_h_admin_batch_cancel, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"GET", "/v1/admin/kiosks", bo_h_admin_kiosks, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/billing", bo_h_admin_billing, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/bills", bo_h_admin_bills, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/bills/*", bo_h_admin_bill, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/bills/*/confirm", bo_h_admin_bill_confirm, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/bills/*/issue", bo_h_admin_bill_issue, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"GET", "/v1/admin/arrears", bo_h_admin_arrears, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/meters", bo_h_admin_meters, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/meters/*", bo_h_admin_meter, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/alerts", bo_h_admin_alerts, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/qr-differences", bo_h_admin_qr_differences, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/qr-refunds", bo_h_admin_qr_refunds, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/accounts/*/contact", bo_h_admin_contact_get, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/accounts/*/contact", bo_h_admin_contact_set, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/accounts/*/contact/clear", bo_h_admin_contact_clear, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"GET", "/v1/admin/notices", bo_h_admin_notices, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/alerts/*/ack", bo_h_admin_alert_ack, NEEDS_ADMIN, BODY_JSON, SMALL},
    /* the web console (docs/console.md): its files, its session, the overview and staff lists */
    {"GET", "/console", bo_h_console_file, 0, BODY_NONE, 0},
    {"GET", "/console/*", bo_h_console_file, 0, BODY_NONE, 0},
    {"POST", "/v1/console/session", bo_h_console_sign_in, 0, BODY_JSON, SMALL},
    {"GET", "/v1/console/session", bo_h_console_me, NEEDS_CONSOLE, BODY_NONE, 0},
    {"DELETE", "/v1/console/session", bo_h_console_sign_out, NEEDS_CONSOLE, BODY_NONE, 0},
    {"GET", "/v1/admin/overview", bo_h_admin_overview, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/operators", bo_h_admin_operators, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/groups", bo_h_admin_groups, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/operators", bo_h_admin_operator_add, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/operators/*/group", bo_h_admin_operator_group, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/operators/*/disable", bo_h_admin_operator_disable, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/operators/*/enable", bo_h_admin_operator_enable, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/operators/*/password", bo_h_admin_operator_password, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/groups", bo_h_admin_group_set, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"GET", "/v1/admin/enrol-codes", bo_h_admin_enrol_codes, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/enrol-codes", bo_h_admin_enrol_code_issue, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/enrol-codes/*/revoke", bo_h_admin_enrol_code_revoke, NEEDS_ADMIN, BODY_JSON, SMALL},
    /* accounts and meters in service (docs/accounts.md) */
    {"GET", "/v1/admin/accounts", bo_h_admin_accounts, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/accounts", bo_h_admin_account_open, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"GET", "/v1/admin/accounts/*", bo_h_admin_account, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/accounts/*/usage", bo_h_admin_account_usage, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/accounts/*/bind", bo_h_admin_account_bind, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/accounts/*/transfer", bo_h_admin_account_transfer, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/accounts/*/close", bo_h_admin_account_close, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/meters/*/install", bo_h_admin_meter_install, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/meters/*/remove", bo_h_admin_meter_remove, NEEDS_ADMIN, BODY_JSON, SMALL},
    /* an organisation's structure and the monitoring page (docs/console.md) */
    {"GET", "/v1/admin/structure", bo_h_admin_structure, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/monitor", bo_h_admin_monitor, NEEDS_ADMIN, BODY_NONE, 0},
    {"GET", "/v1/admin/rooms/*/history", bo_h_admin_room_history, NEEDS_ADMIN, BODY_NONE, 0},
    {"POST", "/v1/admin/orgs", bo_h_admin_org_add, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/buildings", bo_h_admin_building_add, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/rooms", bo_h_admin_room_add, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/rooms/*/meters", bo_h_admin_room_meter, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/buildings/*/kiosks", bo_h_admin_building_kiosk, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/admin/sites/*/org", bo_h_admin_site_org, NEEDS_ADMIN, BODY_JSON, SMALL},
    {"POST", "/v1/enrol", bo_h_enrol, 0, BODY_JSON, SMALL},
    /* the resident's phone page (docs/phone.md): public, its session a bearer token */
    {"GET", "/my", bo_h_phone_file, 0, BODY_NONE, 0},
    {"GET", "/my/*", bo_h_phone_file, 0, BODY_NONE, 0},
    {"POST", "/v1/phone/session", bo_h_phone_find, 0, BODY_JSON, FORM},
    {"GET", "/v1/phone/meter", bo_h_phone_meter, 0, BODY_NONE, 0},
    {"POST", "/v1/phone/orders", bo_h_phone_order_create, 0, BODY_JSON, FORM},
    {"GET", "/v1/phone/orders/*", bo_h_phone_order_get, 0, BODY_NONE, 0},
    {"POST", "/v1/phone/notify/wechatpay", bo_h_notify, 0, BODY_JSON, SMALL},
    {"POST", "/v1/phone/notify/alipay", bo_h_notify, 0, BODY_FORM, SMALL},
    /* The QR money providers' notifications, checked by their signatures
     * (bo_h_qr_prov.c): WeChat Pay's JSON, Alipay's form. */
    {"POST", "/v1/notify/wechatpay", bo_h_notify, 0, BODY_JSON, SMALL},
    {"POST", "/v1/notify/alipay", bo_h_notify, 0, BODY_FORM, SMALL},
    {"GET", "/v1/health", bo_h_health, 0, BODY_NONE, 0},
    {"GET", "/pay/*", bo_h_pay_page, NEEDS_SIM, BODY_NONE, 0},
    {"POST", "/pay/*", bo_h_pay_form, NEEDS_SIM, BODY_FORM, FORM},
    {"POST", "/v1/sim/qr-orders/*/pay", bo_h_qr_sim_pay, NEEDS_SIM, BODY_NONE, 0},
    {"POST", "/v1/test/fault", bo_h_test_fault, NEEDS_HOOKS, BODY_JSON, SMALL},
    {"POST", "/v1/test/clock", bo_h_test_clock, NEEDS_HOOKS, BODY_JSON, SMALL},
};

/* Matches q->segs (a copy of the path) against pattern, cutting it at the
 * slashes and pointing q->arg at the '*' segments. */
static bool match(const char *pattern, bo_req_t *q)
{
    int n = 0;
    char *save_p = NULL, *save_b = NULL, pat[128];
    snprintf(pat, sizeof pat, "%s", pattern);
    memset(q->arg, 0, sizeof q->arg);
    char *p = strtok_r(pat, "/", &save_p), *b = strtok_r(q->segs, "/", &save_b);
    for (; p && b; p = strtok_r(NULL, "/", &save_p), b = strtok_r(NULL, "/", &save_b)) {
        if (strcmp(p, "*") == 0) {
            if (n == 3 || !bo_id_valid(b, 64))
                return false;
            q->arg[n++] = b;
        } else if (strcmp(p, b) != 0) {
            return false;
        }
    }
    return !p && !b;
}

static bool allowed(const bo_route_t *rt, bo_req_t *q, bo_resp_t *r)
{
    if ((rt->needs & NEEDS_HOOKS) && !q->s->cfg.test_hooks) {
        bo_resp_error(r, 404, "not_found", "test hooks are off on this server");
        return false;
    }
    if ((rt->needs & NEEDS_SIM) && !q->s->cfg.qr_simulate) {
        bo_resp_error(r, 404, "not_found", "the simulated payment provider is off on this server");
        return false;
    }
    /* a request with a console session is the console's: its session, CSRF token and permission */
    bool console = (rt->needs & NEEDS_CONSOLE) || ((rt->needs & NEEDS_ADMIN) && bo_console_cookie(q, NULL, 0));
    if (console)
        return bo_console_admit(q, rt->method, rt->pattern, r);
    if ((rt->needs & NEEDS_ADMIN) && !bo_auth_admin(q, r))
        return false;
    return !(rt->needs & NEEDS_KIOSK) || bo_auth_kiosk(q, q->arg[0], r);
}

const bo_route_t *bo_route_admit(bo_req_t *q, bo_resp_t *r)
{
    bool path_known = false;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0] && strlen(q->path) < sizeof q->segs; i++) {
        strcpy(q->segs, q->path);
        if (!match(routes[i].pattern, q))
            continue;
        path_known = true;
        if (strcmp(routes[i].method, q->method) == 0)
            return allowed(&routes[i], q, r) ? &routes[i] : NULL;
    }
    if (path_known)
        bo_resp_error(r, 405, "method_not_allowed", "%s is not allowed on %s (see sync/openapi.yaml)", q->method,
                      q->path);
    else
        bo_resp_error(r, 404, "not_found", "no endpoint %s %s (see sync/openapi.yaml)", q->method, q->path);
    return NULL;
}

/* "application/json", with or without parameters (charset=utf-8). */
static bool is_json(const char *type)
{
    static const char json[] = "application/json";
    size_t n = sizeof json - 1;
    if (!type)
        return false;
    type += strspn(type, " \t");
    char after = strncasecmp(type, json, n) == 0 ? type[n] : 'x';
    return after == '\0' || after == ';' || after == ' ' || after == '\t';
}

bool bo_route_body(const bo_route_t *rt, const bo_req_t *q, const char *content_type, int64_t length,
                   size_t *limit, bo_resp_t *r)
{
    size_t max = rt->max_body < (size_t)q->s->cfg.max_body ? rt->max_body : (size_t)q->s->cfg.max_body;
    if (rt->body == BODY_JSON && !is_json(content_type)) {
        bo_resp_error(r, 415, "unsupported_media_type",
                      "%s %s takes a JSON body sent with 'Content-Type: application/json', not '%.64s'", q->method,
                      q->path, content_type ? content_type : "(none)");
        return false;
    }
    if (rt->body == BODY_NONE && length != 0) {
        bo_resp_error(r, 413, "too_large", "%s %s takes no body: send the request without one", q->method, q->path);
        return false;
    }
    if (length > 0 && (uint64_t)length > max) {
        bo_resp_error(r, 413, "too_large", "the body is %lld bytes, more than the %zu bytes %s %s takes: %s",
                      (long long)length, max, q->method, q->path,
                      rt->max_body == BATCH ? "send fewer rows per batch" : "send a smaller body");
        return false;
    }
    *limit = max;
    return true;
}

void bo_route_run(const bo_route_t *rt, bo_req_t *q, bo_resp_t *r)
{
    rt->handler(q, r);
}

bool bo_auth_admin(bo_req_t *q, bo_resp_t *r)
{
    kmsg_t msg = {{0}};
    if (q->s->cfg.plain_http)
        return true;
    if (!bo__tls_peer_cn(q->conn, q->kiosk, sizeof q->kiosk, &msg)) {
        bo_resp_error(r, 401, "no_identity", "%s", msg.text);
        return false;
    }
    if (strncmp(q->kiosk, "admin.", 6) == 0)
        return true;
    bo_resp_error(r, 403, "not_staff", "'%s' is not a staff certificate (its CN must start with 'admin.')", q->kiosk);
    return false;
}

/* The kiosk named by the certificate (or, over plain HTTP on loopback, by
 * the path) must match the path and be an active kiosk. */
bool bo_auth_kiosk(bo_req_t *q, const char *path_kiosk, bo_resp_t *r)
{
    kmsg_t msg = {{0}};
    if (q->s->cfg.plain_http)
        snprintf(q->kiosk, sizeof q->kiosk, "%s", path_kiosk);
    else if (!bo__tls_peer_cn(q->conn, q->kiosk, sizeof q->kiosk, &msg)) {
        bo_resp_error(r, 401, "no_identity", "%s", msg.text);
        return false;
    }
    if (strcmp(q->kiosk, path_kiosk) != 0) {
        bo_resp_error(r, 403, "wrong_kiosk", "this certificate is kiosk '%s', not '%s'", q->kiosk, path_kiosk);
        return false;
    }
    bo_kiosk_rec_t k = {0};
    bool found = false;
    bo_lock(q->s);
    kerr_t rc = bo_kiosk_get(&q->s->store, q->kiosk, &k, &found, &msg);
    bo_unlock(q->s);
    if (rc) { /* not an answer about the kiosk: it tries again (another instance, later) */
        bo_resp_error(r, 503, "database_unavailable", "could not look the kiosk up: %s", msg.text);
        return false;
    }
    const char *state = k.state, *pinned = k.fingerprint;
    /* an enrolled kiosk is its enrolled certificate; one made by hand has none pinned */
    if (strcmp(state, "active") == 0 && pinned[0] && !q->s->cfg.plain_http && !bo__tls_peer_is(q->conn, pinned)) {
        bo_resp_error(r, 403, "certificate_replaced",
                      "this is not the certificate kiosk '%s' enrolled with last (it enrolled again since): use the "
                      "new one, or enrol again with a fresh code",
                      q->kiosk);
        return false;
    }
    if (strcmp(state, "active") == 0)
        return true;
    bo_resp_error(r, 403, "kiosk_not_active",
                  state[0] ? "kiosk '%s' is %s: ask the back office's staff to activate it"
                           : "kiosk '%s' is not known here%s: add it with `backoffice kiosk add`",
                  q->kiosk, state);
    return false;
}
