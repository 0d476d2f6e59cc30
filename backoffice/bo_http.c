/* libmicrohttpd glue: the daemon, the request body, injected faults, and
 * sending the answer. One thread per connection, so a long poll waits in
 * its own thread; the database is taken one request at a time. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/bo_server.h"
#include "kiosk/app/log.h"

#define MAX_BODY (4u << 20)

typedef struct conn_state {
    char *buf;
    size_t len, cap;
    bool too_big;
} conn_state_t;

static bool append(conn_state_t *c, const char *data, size_t n)
{
    if (c->len + n > MAX_BODY) {
        c->too_big = true;
        return true;
    }
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        while (cap < c->len + n + 1)
            cap *= 2;
        char *b = realloc(c->buf, cap);
        if (!b)
            return false;
        c->buf = b;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, data, n);
    c->len += n;
    c->buf[c->len] = '\0';
    return true;
}

/* Takes one use of the injected fault if it matches path and `after`. */
static bool take_fault(bo_server_t *s, const char *path, bool after, bo_fault_t *out)
{
    bool hit = false;
    bo_lock(s);
    bo_fault_t *f = &s->fault;
    if (f->times > 0 && f->after == after && strncmp(path, f->path, strlen(f->path)) == 0) {
        f->times--;
        *out = *f;
        hit = true;
    }
    bo_unlock(s);
    return hit;
}

/* One line per request: debug when it went well, warn for a server error. */
static void log_request(const bo_req_t *q, const bo_resp_t *r, int64_t started)
{
    log_level_t level = r->status >= 500 ? LOG_WARN : LOG_DEBUG;
    if (log_enabled(level))
        log_msg(level, "backoffice", "%s %s %s -> %u in %lld ms", q->kiosk[0] ? q->kiosk : "-", q->method, q->path,
                r->status, (long long)(bo_now(q->s) - started));
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, bo_resp_t *r)
{
    const char *body = r->body ? r->body : "";
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    free(r->body);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->etag[0])
        MHD_add_response_header(resp, "ETag", r->etag);
    enum MHD_Result ret = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Runs the request, with any injected fault before or after it. */
static enum MHD_Result answer(bo_server_t *s, struct MHD_Connection *conn, const char *url, const char *method,
                              conn_state_t *c)
{
    bo_resp_t r = {0};
    bo_fault_t f = {0};
    if (c->too_big) {
        bo_resp_error(&r, 413, "too_large", "the body is larger than %u bytes: send fewer rows per batch",
                      MAX_BODY);
        return send_resp(conn, &r);
    }
    if (take_fault(s, url, false, &f)) {
        if (f.drop)
            return MHD_NO;
        bo_resp_error(&r, f.status, "injected", "a test hook failed this request before it ran; retry");
        return send_resp(conn, &r);
    }
    bo_req_t q = {.s = s, .conn = conn, .method = method, .path = url, .body = c->buf ? c->buf : "",
                  .body_len = c->len};
    int64_t started = bo_now(s);
    bo_route(&q, &r);
    log_request(&q, &r, started);
    if (r.drop || take_fault(s, url, true, &f)) {
        free(r.body);
        if (r.drop || f.drop)
            return MHD_NO;
        r = (bo_resp_t){0};
        bo_resp_error(&r, f.status, "injected", "a test hook failed this request after it ran; retry");
    }
    return send_resp(conn, &r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    conn_state_t *c = *con_cls;
    if (!c) {
        c = calloc(1, sizeof *c);
        *con_cls = c;
        return c ? MHD_YES : MHD_NO;
    }
    if (*upload_size) {
        bool ok = append(c, upload, *upload_size);
        *upload_size = 0;
        return ok ? MHD_YES : MHD_NO;
    }
    return answer(cls, conn, url, method, c);
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)conn;
    (void)why;
    conn_state_t *c = *con_cls;
    if (c) {
        free(c->buf);
        free(c);
        *con_cls = NULL;
    }
}

/* GnuTLS's defaults, with TLS 1.2 and 1.3 only. */
static const char tls_priorities[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";

/* Starts libmicrohttpd on the configured address, with TLS unless plain
 * HTTP was asked for (allowed on loopback only: checked by the caller). */
kerr_t bo__http_start(bo_server_t *s, kmsg_t *msg)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->cfg.port)};
    const char *host = strcmp(s->cfg.listen, "localhost") == 0 ? "127.0.0.1" : s->cfg.listen;
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return kmsg_set(msg, K_EINVAL, "[server] listen = %s is not an IPv4 address", s->cfg.listen);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                     MHD_USE_ERROR_LOG;
    if (s->cfg.plain_http)
        s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &a,
                                  MHD_OPTION_NOTIFY_COMPLETED, on_done, s, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
                                  MHD_OPTION_END);
    else
        s->mhd = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &a,
                                  MHD_OPTION_NOTIFY_COMPLETED, on_done, s, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
                                  MHD_OPTION_HTTPS_MEM_KEY, s->tls_key, MHD_OPTION_HTTPS_MEM_CERT, s->tls_cert,
                                  MHD_OPTION_HTTPS_MEM_TRUST, s->tls_ca, MHD_OPTION_HTTPS_PRIORITIES, tls_priorities,
                                  MHD_OPTION_END);
    if (!s->mhd)
        return kmsg_set(msg, K_EIO,
                        "could not listen on %s:%d%s: is the port taken, or are the certificate, key and CA files "
                        "valid PEM?",
                        s->cfg.listen, s->cfg.port, s->cfg.plain_http ? " (plain HTTP)" : " (HTTPS)");
    return K_OK;
}

void bo__http_stop(bo_server_t *s)
{
    if (s->mhd)
        MHD_stop_daemon(s->mhd);
    s->mhd = NULL;
}

int bo_server_port(const bo_server_t *s)
{
    const union MHD_DaemonInfo *i = s->mhd ? MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    return i ? i->port : 0;
}

const char *bo_req_arg(const bo_req_t *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}
