/* The back-office server, the HTTP front end of the domain: its context,
 * requests and answers, and the handlers the route table (bo_route.c)
 * calls. A handler decodes the request, calls the domain under the lock
 * and answers what the domain returned as a status and JSON. */
#ifndef BACKOFFICE_BO_SERVER_H
#define BACKOFFICE_BO_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "backoffice/base/bo_config.h"
#include "backoffice/domain/bo_op.h"
#include "backoffice/domain/bo_phone.h"
#include "backoffice/domain/bo_qr.h"
#include "backoffice/domain/bo_sign.h"
#include "backoffice/pay/bo_pay.h"
#include "backoffice/pay/bo_provider.h"
#include "backoffice/store/bo_store.h"
#include "base/err.h"

struct MHD_Daemon;
struct MHD_Connection;
struct bo_http; /* the HTTP layer's own state (bo_http.h) */

/* A failure the test hooks inject into the next requests whose path starts
 * with `path` (docs/sync.md, "Test hooks"). */
typedef struct bo_fault {
    char path[128];
    int times;      /* requests still to fail */
    unsigned status; /* the status answered (500...) */
    bool after;     /* fail after the handler ran (its work is committed) */
    bool drop;      /* close the connection without an answer */
} bo_fault_t;

typedef struct bo_server {
    bo_config_t cfg;
    bo_store_t store;     /* the database, through the storage interface */
    pthread_mutex_t lock; /* one request at a time in the store */
    pthread_cond_t changed; /* broadcast when a QR order changes */
    bo_key_t key;
    struct MHD_Daemon *mhd;
    char base_url[300];
    int64_t clock_offset_ms; /* test hook: moves the server's clock forward */
    int64_t purged_at;       /* when old de-duplication records were last dropped */
    bool stopping;           /* set on stop: long polls answer at once */
    bo_fault_t fault;
    char *tls_cert, *tls_key, *tls_ca; /* PEM text handed to libmicrohttpd */
    struct bo_http *http;
    bo_pay_set_t pay;        /* the real QR money providers opened ([qr] provider, [qr] providers) */
    bo_provider_t provider;  /* pay.p[0], the kiosks' QR orders' provider (ops NULL: the simulated one) */
    struct {                 /* when each pending order was last asked about at the provider */
        char id[33];
        int64_t at;
    } asked[64];
    bo_phone_throttle_t phone_throttle; /* the phone page's find step (bo_h_phone.c) */
    bo_phone_asked_t phone_asked[32]; /* when each phone order was last asked about at the provider */
} bo_server_t;

typedef struct bo_req {
    bo_server_t *s;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    const char *body;
    size_t body_len;
    const char *arg[3]; /* the path's '*' segments in order */
    char kiosk[65];     /* the authenticated kiosk, for kiosk routes */
    char console_op[33]; /* the operator signed in to the console, for a request with its session */
    char org[65];        /* that operator's organisation: what the request sees ("": all) */
    uint32_t console_perms; /* that operator's permissions (a perm_set_t) */
    char segs[512];     /* the path cut at its slashes: arg points into it */
    int64_t waited_ms;  /* how long this request has waited already (a long poll) */
} bo_req_t;

typedef struct bo_resp {
    unsigned status;
    char *body; /* malloc'd */
    const char *type;
    char etag[96];
    bool drop; /* close the connection without answering */
    bool wait; /* no answer yet: run the handler again when something changes (a long poll) */
    size_t body_len;   /* the body's length when it is not text (0: strlen) */
    bool console;      /* the console's security headers (Content-Security-Policy...) */
    const char *cache; /* Cache-Control (NULL: no-store) */
    char cookie[160];  /* Set-Cookie, if any */
} bo_resp_t;

/* Starts serving with cfg, the store opened with open (the engine the
 * program was built with) at [server] database; K_OK once the listening
 * socket is up. */
kerr_t bo_server_start(bo_server_t *s, const bo_config_t *cfg, bo_store_open_fn open, kmsg_t *msg);

/* Stops serving and frees everything bo_server_start took. */
void bo_server_stop(bo_server_t *s);

/* The port actually bound (useful with port 0). */
int bo_server_port(const bo_server_t *s);

/* The server's clock: wall time in ms plus the test hook's offset. */
int64_t bo_now(const bo_server_t *s);

/* Answers status with {"error": {"code", "message"}}. */
void bo_resp_error(bo_resp_t *r, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Answers status with the JSON of o (o is freed). */
void bo_resp_json(bo_resp_t *r, unsigned status, struct cJSON *o);

/* Answers a kerr_t failure as the matching HTTP status and error code. */
void bo_resp_kerr(bo_resp_t *r, kerr_t rc, const kmsg_t *msg);

/* Takes the store for one request, and gives it back. */
void bo_lock(bo_server_t *s);
void bo_unlock(bo_server_t *s);

/* Takes the store if it comes free within ms; false if not. */
bool bo_lock_within(bo_server_t *s, int ms);

/* The wall-clock instant ms from now, as pthread's timed waits take it. */
struct timespec bo_deadline(long ms);

/* A row of the route table (bo_route.c). */
typedef struct bo_route bo_route_t;

/* Finds the route of q's method and path and checks that its caller may use
 * it (the kiosk authenticated and active, staff, test hooks on), filling
 * q->arg and q->kiosk; NULL with the refusal in r if not. Needs the
 * request's headers only, so it runs before any of the body is read. */
const bo_route_t *bo_route_admit(bo_req_t *q, bo_resp_t *r);

/* Checks the body the request announces against what the route takes:
 * the media type (415 unless JSON where JSON is taken) and the length
 * (413 beyond the route's limit; length -1: not announced, chunked). True
 * with the route's limit in *limit, or false with the refusal in r. */
bool bo_route_body(const bo_route_t *rt, const bo_req_t *q, const char *content_type, int64_t length,
                   size_t *limit, bo_resp_t *r);

/* Runs the route's handler on the whole request. */
void bo_route_run(const bo_route_t *rt, bo_req_t *q, bo_resp_t *r);

/* Fills q->kiosk from the client certificate (TLS) or the path (plain
 * HTTP on loopback) and checks the kiosk may use the API; false with the
 * answer filled in if not. */
bool bo_auth_kiosk(bo_req_t *q, const char *path_kiosk, bo_resp_t *r);

/* Handlers, one per endpoint (sync/openapi.yaml). */
void bo_h_outbox(bo_req_t *q, bo_resp_t *r);
void bo_h_heartbeat(bo_req_t *q, bo_resp_t *r);
void bo_h_document(bo_req_t *q, bo_resp_t *r);
void bo_h_notices(bo_req_t *q, bo_resp_t *r);
void bo_h_notice_ack(bo_req_t *q, bo_resp_t *r);
void bo_h_count_reserve(bo_req_t *q, bo_resp_t *r);
void bo_h_count_release(bo_req_t *q, bo_resp_t *r);
void bo_h_count_get(bo_req_t *q, bo_resp_t *r);
void bo_h_account_due(bo_req_t *q, bo_resp_t *r);
void bo_h_qr_create(bo_req_t *q, bo_resp_t *r);
void bo_h_qr_get(bo_req_t *q, bo_resp_t *r);
void bo_h_qr_cancel(bo_req_t *q, bo_resp_t *r);
void bo_h_qr_sim_pay(bo_req_t *q, bo_resp_t *r);
void bo_h_notify(bo_req_t *q, bo_resp_t *r);
void bo_h_pay_page(bo_req_t *q, bo_resp_t *r);
void bo_h_pay_form(bo_req_t *q, bo_resp_t *r);
void bo_h_enrol(bo_req_t *q, bo_resp_t *r);
void bo_h_test_fault(bo_req_t *q, bo_resp_t *r);
void bo_h_test_clock(bo_req_t *q, bo_resp_t *r);
void bo_h_health(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_report(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_kiosks(bo_req_t *q, bo_resp_t *r);
/* GET /v1/admin/billing?account=|site=|meter=&from=&to=[&format=csv]:
 * daily billing's report (docs/billing.md). */
void bo_h_admin_billing(bo_req_t *q, bo_resp_t *r);
/* A page of a listing: ?limit=N (1..1000, default 100) rows from
 * ?offset=M (0 or more); asked is whether either was given. */
typedef struct bo_page {
    bool asked;
    int64_t offset, limit;
} bo_page_t;
/* Reads the page asked for into p; false, having answered 400, if it is
 * not one (bo_h_admin.c). */
bool bo_h_page(bo_req_t *q, bo_resp_t *r, bo_page_t *p);
/* Answers rows that are the page asked for already (freed here) as JSON,
 * with the listing's total (unless it is -1: not counted), offset and
 * limit when a page was asked, or as CSV with ?format=csv. */
void bo_h_answer_page(bo_req_t *q, bo_resp_t *r, bo_rows_t *rows, const bo_page_t *page, int64_t total);
/* Answers with rows (freed here): the page asked for, if any, as
 * bo_h_answer_page does; 400 for a page that is not one. */
void bo_h_answer_rows(bo_req_t *q, bo_resp_t *r, bo_rows_t *rows);
/* GET /v1/admin/bills?account=|site=|state=, /v1/admin/bills/{id} (its
 * lines and total), /v1/admin/arrears?site= (docs/billing.md,
 * "Post-paid bills"; bo_h_bills.c); each [&format=csv]. */
void bo_h_admin_bills(bo_req_t *q, bo_resp_t *r);
/* GET /v1/admin/qr-refunds?state=[&format=csv]: the QR refunds
 * (docs/payments-qr.md, "Refunds"; bo_h_qr_refund.c). */
void bo_h_admin_qr_refunds(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_bill(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_bill_confirm(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_bill_issue(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_arrears(bo_req_t *q, bo_resp_t *r);
void bo_h_commands_get(bo_req_t *q, bo_resp_t *r);
void bo_h_command_ack(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_commands(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_command_issue(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_command_get(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_command_cancel(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_batches(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_batch_create(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_batch_get(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_batch_cancel(bo_req_t *q, bo_resp_t *r);

/* Who acts through the staff API: "api:" and the staff certificate's CN,
 * or "api:loopback" over plain HTTP (bo_h_command.c). */
bo_who_t bo_api_who(bo_req_t *q, char *actor, size_t len);

/* A change made over HTTP (bo_h_change.c): prepare (NULL: none) reads the
 * body outside the store's lock (a secret hashed there), run makes the
 * change under it with who, the caller, as the audit's actor. */
typedef struct bo_h_change_ops {
    kerr_t (*prepare)(bo_req_t *q, const struct cJSON *body, void *arg, kmsg_t *msg);
    kerr_t (*run)(bo_req_t *q, const struct cJSON *body, const bo_who_t *who, void *arg, kmsg_t *msg);
} bo_h_change_ops_t;

/* Runs a change with arg (the body parsed, ops->prepare, then ops->run
 * under the lock) and answers as bo_resp_done does. */
void bo_h_change(bo_req_t *q, bo_resp_t *r, const bo_h_change_ops_t *ops, void *arg);

/* Answers a change's outcome: 200 {"state": "done"}, or rc's error with
 * msg (bo_resp_kerr). */
void bo_resp_done(bo_resp_t *r, kerr_t rc, const kmsg_t *msg);

/* A staff cancel's body {"operator", "reason"} as the reason audited,
 * "REASON (operator OP)", into why; K_EINVAL when either is missing. */
kerr_t bo_api_why(bo_req_t *q, char *why, size_t len, kmsg_t *msg);
void bo_h_admin_meters(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_meter(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_alerts(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_qr_differences(bo_req_t *q, bo_resp_t *r); /* bo_h_recon.c */
/* Runs yesterday's QR reconciliation once it is due (bo_recon_due), the lock
 * not held while the bill downloads (bo_h_recon.c). */
void bo_recon_check(bo_server_t *s, int ready_hour);
/* Contacts and notices (bo_h_notice.c, docs/notices.md). */
void bo_h_admin_contact_get(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_contact_set(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_contact_clear(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_notices(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_alert_ack(bo_req_t *q, bo_resp_t *r);

/* Staff's API (the reports, and central commands): over TLS a client certificate from the kiosks' CA
 * whose CN starts with "admin."; over plain HTTP (loopback) anyone. False
 * with the answer filled in if refused. */
bool bo_auth_admin(bo_req_t *q, bo_resp_t *r);

/* A query-string argument of the request, NULL if absent. */
const char *bo_req_arg(const bo_req_t *q, const char *name);

/* The web console (docs/console.md): its files (bo_h_console_files.c),
 * signing in and out, who is signed in (bo_h_console.c), the overview
 * (bo_h_overview.c), the staff lists (bo_h_staff_admin.c). */
void bo_h_console_file(bo_req_t *q, bo_resp_t *r);
void bo_h_console_sign_in(bo_req_t *q, bo_resp_t *r);
void bo_h_console_me(bo_req_t *q, bo_resp_t *r);
void bo_h_console_sign_out(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_overview(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_operators(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_groups(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_structure(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_monitor(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_room_history(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_org_add(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_building_add(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_room_add(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_room_meter(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_building_kiosk(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_site_org(bo_req_t *q, bo_resp_t *r);
/* Staff and enrolment codes changed from the console (bo_h_staff_admin.c,
 * bo_h_enrol_codes.c). */
void bo_h_admin_operator_add(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_operator_group(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_operator_disable(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_operator_enable(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_operator_password(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_group_set(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_enrol_codes(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_enrol_code_issue(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_enrol_code_revoke(bo_req_t *q, bo_resp_t *r);

/* The listing's rows narrowed to what the request's organisation sees
 * (bo_org_narrow), under the lock. */
kerr_t bo_h_rows(bo_req_t *q, bo_listing_t what, const bo_list_args_t *args, bo_rows_t *out, kmsg_t *msg);

/* K_OK if the request's organisation sees the thing of kind (a
 * bo_org_kind_t) id, else K_ENOTFOUND saying so; call under the lock. */
kerr_t bo_h_scope(bo_req_t *q, bo_org_kind_t kind, const char *id, kmsg_t *msg);

/* K_OK if the request's organisation sees alert id (or there is no such
 * alert: the change says so), else K_ENOTFOUND; takes the lock itself. */
kerr_t bo_h_scope_alert(bo_req_t *q, int64_t id, kmsg_t *msg);

/* Accounts and meters in service over the API (bo_h_accounts.c, docs/accounts.md). */
void bo_h_admin_accounts(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_account(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_account_usage(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_account_open(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_account_bind(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_account_transfer(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_account_close(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_meter_install(bo_req_t *q, bo_resp_t *r);
void bo_h_admin_meter_remove(bo_req_t *q, bo_resp_t *r);

/* The resident's phone page (docs/phone.md; bo_h_phone.c, bo_h_phone_pay.c):
 * its files under /my/, finding a meter, its view, paying for it and the
 * payment's way to the meter. */
void bo_h_phone_file(bo_req_t *q, bo_resp_t *r);
void bo_h_phone_find(bo_req_t *q, bo_resp_t *r);
void bo_h_phone_meter(bo_req_t *q, bo_resp_t *r);
void bo_h_phone_order_create(bo_req_t *q, bo_resp_t *r);
void bo_h_phone_order_get(bo_req_t *q, bo_resp_t *r);
/* The meter a phone request's bearer session names into meter
 * (BO_PHONE_METER_MAX + 1 bytes); false with 401 in r if none or expired. */
bool bo__phone_session(bo_req_t *q, char *meter, size_t len, bo_resp_t *r);

/* The phone page's word for a phone order whose credit failed, by its
 * refund (bo_phone_refund_stage: refunded, refunding, checking); stage
 * when it has none yet (bo_h_qr_refund.c). Takes the lock. */
const char *bo__phone_refund_stage(bo_server_t *s, const char *order, const char *stage);
/* The open provider that took phone order id (its id's tag; an id
 * without one: the kiosks' provider), NULL if none is open. */
const bo_provider_t *bo__phone_provider(const bo_server_t *s, const char *id);

/* Books a verified notification ev from provider p about a phone order:
 * a payment becomes the order's credit, once. K_EIO or K_EBUSY when it
 * could not be stored (answer 500: the provider sends it again); any
 * other failure is logged and K_OK. */
kerr_t bo__phone_notified(bo_server_t *s, const bo_provider_t *p, const bo_prov_event_t *ev);

/* Whether the request carries a console session cookie (its token into
 * token, len bytes, if not NULL). */
bool bo_console_cookie(const bo_req_t *q, char *token, size_t len);

/* Admits a request made with a console session to the route of method and
 * pattern: the session alive (401 if not), the CSRF token on a change (403
 * csrf), the permission the route needs (403 permission_missing naming
 * it); fills q->console_op. False with the refusal in r. */
bool bo_console_admit(bo_req_t *q, const char *method, const char *pattern, bo_resp_t *r);

/* Internal, between the server's files. */
kerr_t bo__http_start(bo_server_t *s, kmsg_t *msg);
void bo__http_stop(bo_server_t *s);
/* The CN of the connection's verified client certificate into cn; false
 * with the reason in msg if there is none or it does not verify. */
bool bo__tls_peer_cn(struct MHD_Connection *conn, char *cn, size_t len, kmsg_t *msg);
/* Whether the connection's client certificate has this fingerprint
 * ("sha256:<hex>" of its DER, as enrolment records it). */
bool bo__tls_peer_is(struct MHD_Connection *conn, const char *fingerprint);
/* The QR orders' context of a request at the server's clock, and after
 * it wakes the long polls if an order changed (bo_h_qr.c; the caller holds
 * the lock). */
bo_qr_ctx_t bo__qr_ctx(bo_server_t *s);
void bo__qr_done(bo_server_t *s, const bo_qr_ctx_t *c);
/* With a real QR money provider (bo_h_qr_prov.c; no lock held), always
 * the one that took order o (its recorded provider): places pending order
 * o with it, keeping its code_url on the order (o then as stored); asks it
 * about pending order o if no answer came for a while, booking a payment
 * it reports; closes pending order o's trade, booking a payment the
 * refusal reveals. Nothing when o's provider is the simulated one. When
 * o's provider is not open here (no longer configured) nothing is asked of
 * any provider: staff are alerted (qr_provider_missing) and place and
 * close answer K_EIO (the order stays pending). */
kerr_t bo__qr_place(bo_server_t *s, bo_order_t *o, kmsg_t *msg);
void bo__qr_ask(bo_server_t *s, const bo_order_t *o);
kerr_t bo__qr_close(bo_server_t *s, const bo_order_t *o, kmsg_t *msg);
/* Forgets de-duplication records older than the configured days, and
 * notes when (bo_h_outbox.c; the caller holds the lock). */
kerr_t bo__purge(bo_server_t *s, kmsg_t *msg);

#endif
