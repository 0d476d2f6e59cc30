/* A request's life in libmicrohttpd. On its headers alone it is admitted or
 * refused: the route, the caller's identity (certificate, kiosk active),
 * the media type, the announced length and room in the upload memory; a
 * refusal is answered before any of the body is read (libmicrohttpd then
 * reads none and closes the connection). Then the body, up to the route's
 * limit; then the handler, with any injected fault before or after it; then
 * an answer, or the request parked until something changes (bo_wait.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backoffice/http/bo_http.h"
#include "base/log.h"

typedef struct call {
    bo_parked_t park; /* its connection, while the request waits */
    bo_req_t q;
    const bo_route_t *route;
    char *buf;
    size_t len, cap;
    size_t limit;      /* the most the route takes */
    size_t reserved;   /* bytes of the upload memory held for the body */
    int64_t parked_at; /* monotonic ms when it first waited; 0: never */
    bool ran;          /* the injected fault "before" was looked at */
} call_t;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Holds n bytes of [server] upload_memory_bytes; false if they are not free. */
static bool reserve(bo_server_t *s, size_t n)
{
    size_t before = atomic_fetch_add(&s->http->upload_used, n);
    if (before + n <= (size_t)s->cfg.upload_memory)
        return true;
    atomic_fetch_sub(&s->http->upload_used, n);
    return false;
}

/* Takes one use of the injected fault if it matches path and `after`. */
static bool take_fault(bo_server_t *s, const char *path, bool after, bo_fault_t *out)
{
    bool hit = false;
    if (!s->cfg.test_hooks) /* only a test hook sets a fault */
        return false;
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

/* The console's security headers: its own scripts and styles only,
 * never framed, no referrer (docs/console.md, "Security"). */
void bo__console_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                            "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
                            "frame-ancestors 'none'");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, bo_resp_t *r)
{
    const char *body = r->body ? r->body : "";
    size_t len = r->body_len ? r->body_len : strlen(body);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    free(r->body);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "application/json");
    MHD_add_response_header(resp, "Cache-Control", r->cache ? r->cache : "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->console)
        bo__console_headers(resp);
    if (r->cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", r->cookie);
    if (r->etag[0])
        MHD_add_response_header(resp, "ETag", r->etag);
    enum MHD_Result ret = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* The length the headers announce: 0 if none, -1 for a chunked body. */
static int64_t announced_length(struct MHD_Connection *conn)
{
    const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (te && strcasecmp(te, "identity") != 0)
        return -1;
    return cl ? strtoll(cl, NULL, 10) : 0;
}

/* Whether the request may go on to send its body; the refusal in r if not. */
static bool admit(call_t *c, bo_resp_t *r)
{
    struct MHD_Connection *conn = c->q.conn;
    const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    int64_t length = announced_length(conn);
    c->route = bo_route_admit(&c->q, r);
    if (!c->route || !bo_route_body(c->route, &c->q, type, length, &c->limit, r))
        return false;
    size_t need = length >= 0 ? (size_t)length : c->limit;
    if (need && !reserve(c->q.s, need)) {
        bo_resp_error(r, 503, "busy",
                      "the back office is receiving as many uploads as it holds at once ([server] "
                      "upload_memory_bytes): retry later");
        return false;
    }
    c->reserved = need;
    return true;
}

/* The first call, on the headers: admitted, or answered at once. */
static enum MHD_Result begin(bo_server_t *s, struct MHD_Connection *conn, const char *url, const char *method,
                             void **con_cls)
{
    call_t *c = calloc(1, sizeof *c);
    if (!c)
        return MHD_NO;
    *con_cls = c;
    c->park.conn = conn;
    c->q.s = s;
    c->q.conn = conn;
    c->q.method = method;
    c->q.path = url;
    bo_resp_t r = {0};
    if (admit(c, &r))
        return MHD_YES;
    log_request(&c->q, &r, bo_now(s));
    return send_resp(conn, &r);
}

/* Makes room for need bytes, doubling, never beyond what was reserved (a
 * stalled body holds only what it sent). */
static bool grow(call_t *c, size_t need)
{
    size_t cap = c->cap ? c->cap * 2 : 16384;
    if (cap > c->reserved + 1)
        cap = c->reserved + 1;
    if (cap < need)
        cap = need;
    char *b = realloc(c->buf, cap);
    if (!b)
        return false;
    c->buf = b;
    c->cap = cap;
    return true;
}

/* A piece of the body. Past the limit only a chunked body can go (a
 * Content-Length beyond it was refused): it is cut off there by closing the
 * connection, as libmicrohttpd cannot answer in the middle of a body. */
static enum MHD_Result take(call_t *c, const char *data, size_t *size)
{
    size_t n = *size;
    *size = 0;
    if (n > c->limit - c->len) {
        LOG_W("backoffice", "%s %s: a chunked body passed the %zu bytes it may have; connection closed", c->q.method,
              c->q.path, c->limit);
        return MHD_NO;
    }
    if (c->len + n + 1 > c->cap && !grow(c, c->len + n + 1))
        return MHD_NO;
    memcpy(c->buf + c->len, data, n);
    c->len += n;
    c->buf[c->len] = '\0';
    return MHD_YES;
}

/* Runs the handler, and again while it waits and cannot be parked. */
static bool run(call_t *c, bo_resp_t *r)
{
    c->q.body = c->buf ? c->buf : "";
    c->q.body_len = c->len;
    for (;;) {
        c->q.waited_ms = c->parked_at ? mono_ms() - c->parked_at : 0;
        bo_route_run(c->route, &c->q, r);
        if (!r->wait)
            return true;
        free(r->body);
        *r = (bo_resp_t){0};
        if (!c->parked_at) {
            c->parked_at = mono_ms();
            atomic_fetch_add(&c->q.s->http->polls, 1);
        }
        if (bo__wait_park(c->q.s->http, &c->park))
            return false;
    }
}

/* The whole request is in (or its long poll woke): answer it, or park it. */
static enum MHD_Result finish(call_t *c)
{
    bo_server_t *s = c->q.s;
    bo_resp_t r = {0};
    bo_fault_t f = {0};
    bool first = !c->ran;
    c->ran = true;
    if (first && take_fault(s, c->q.path, false, &f)) {
        if (f.drop)
            return MHD_NO;
        bo_resp_error(&r, f.status, "injected", "a test hook failed this request before it ran; retry");
        return send_resp(c->q.conn, &r);
    }
    int64_t started = bo_now(s);
    if (!run(c, &r))
        return MHD_YES;
    log_request(&c->q, &r, started);
    if (r.drop || take_fault(s, c->q.path, true, &f)) {
        free(r.body);
        if (r.drop || f.drop)
            return MHD_NO;
        r = (bo_resp_t){0};
        bo_resp_error(&r, f.status, "injected", "a test hook failed this request after it ran; retry");
    }
    return send_resp(c->q.conn, &r);
}

enum MHD_Result bo__http_on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    call_t *c = *con_cls;
    if (!c)
        return begin(cls, conn, url, method, con_cls);
    if (*upload_size)
        return take(c, upload, upload_size);
    return finish(c);
}

void bo__http_on_done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode why)
{
    (void)conn;
    (void)why;
    bo_server_t *s = cls;
    call_t *c = *con_cls;
    if (!c)
        return;
    if (c->reserved)
        atomic_fetch_sub(&s->http->upload_used, c->reserved);
    if (c->parked_at)
        atomic_fetch_sub(&s->http->polls, 1);
    free(c->buf);
    free(c);
    *con_cls = NULL;
}

const char *bo_req_arg(const bo_req_t *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}
