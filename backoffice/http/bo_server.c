/* Starting and stopping the server; the clock; answers. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backoffice/base/bo_clock.h"
#include "backoffice/http/bo_server.h"
#include "backoffice/pay/bo_pay.h"
#include "base/kjson.h"

static char *slurp(const char *path, kmsg_t *msg, const char *what)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n)
        buf[n] = '\0';
    else {
        free(buf);
        buf = NULL;
        kmsg_set(msg, K_EINVAL, "cannot read %s '%s': set it in the [tls] section", what, path);
    }
    if (f)
        fclose(f);
    return buf;
}

static kerr_t load_tls(bo_server_t *s, kmsg_t *msg)
{
    if (s->cfg.plain_http) {
        if (!bo_config_loopback(s->cfg.listen))
            return kmsg_set(msg, K_EINVAL,
                            "plain HTTP is allowed on loopback only (listen = %s): set [tls] cert, key and "
                            "client_ca, or listen on 127.0.0.1",
                            s->cfg.listen);
        return K_OK;
    }
    if (!(s->tls_cert = slurp(s->cfg.tls_cert, msg, "the server certificate")) ||
        !(s->tls_key = slurp(s->cfg.tls_key, msg, "the server key")) ||
        !(s->tls_ca = slurp(s->cfg.client_ca, msg, "the kiosks' CA certificate")))
        return K_EINVAL;
    return K_OK;
}

static void base_url(bo_server_t *s)
{
    if (s->cfg.public_url[0])
        snprintf(s->base_url, sizeof s->base_url, "%s", s->cfg.public_url);
    else
        snprintf(s->base_url, sizeof s->base_url, "%s://%s:%d", s->cfg.plain_http ? "http" : "https",
                 s->cfg.listen, bo_server_port(s));
}

kerr_t bo_server_start(bo_server_t *s, const bo_config_t *cfg, bo_store_open_fn open, kmsg_t *msg)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    if (cfg->test_hooks && !bo_config_loopback(cfg->listen))
        return kmsg_set(msg, K_EINVAL, "[test] hooks are allowed on loopback only; turn them off");
    kerr_t rc = bo_config_check(cfg, msg);
    if (rc == K_OK)
        rc = load_tls(s, msg);
    if (rc == K_OK)
        rc = bo_key_load(cfg->signing_key, &s->key, msg);
    if (rc == K_OK)
        rc = bo_pay_open_all(cfg, &s->pay, msg);
    if (rc == K_OK && s->pay.n)
        s->provider = s->pay.p[0]; /* a copy: closed through s->pay */
    if (rc == K_OK)
        rc = open(cfg->database, &s->store, msg);
    if (rc == K_OK)
        rc = bo__purge(s, msg);
    if (rc == K_OK)
        rc = bo__http_start(s, msg);
    if (rc) {
        bo_server_stop(s);
        return rc;
    }
    base_url(s);
    return K_OK;
}

void bo_server_stop(bo_server_t *s)
{
    bo_lock(s);
    s->stopping = true;
    pthread_cond_broadcast(&s->changed);
    bo_unlock(s);
    bo__http_stop(s);
    bo_pay_close_all(&s->pay);
    s->provider = (bo_provider_t){0};
    if (s->store.ops)
        s->store.ops->close(s->store.ctx);
    s->store = (bo_store_t){0};
    free(s->tls_cert);
    if (s->tls_key)
        memset(s->tls_key, 0, strlen(s->tls_key));
    free(s->tls_key);
    free(s->tls_ca);
    s->tls_cert = s->tls_key = s->tls_ca = NULL;
    memset(&s->key, 0, sizeof s->key);
}

int64_t bo_now(const bo_server_t *s)
{
    return bo_clock_wall_ms() + s->clock_offset_ms;
}

void bo_lock(bo_server_t *s)
{
    pthread_mutex_lock(&s->lock);
}

struct timespec bo_deadline(long ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += ms % 1000 * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

bool bo_lock_within(bo_server_t *s, int ms)
{
    struct timespec until = bo_deadline(ms);
    return pthread_mutex_timedlock(&s->lock, &until) == 0;
}

void bo_unlock(bo_server_t *s)
{
    pthread_mutex_unlock(&s->lock);
}

void bo_resp_json(bo_resp_t *r, unsigned status, cJSON *o)
{
    free(r->body);
    r->body = o ? kjson_print(o, false) : NULL;
    cJSON_Delete(o);
    r->status = r->body ? status : 500;
    r->type = "application/json";
    if (!r->body)
        r->body = strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
}

void bo_resp_error(bo_resp_t *r, unsigned status, const char *code, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
    kjson_add_str(e, "code", code);
    kjson_add_str(e, "message", text);
    bo_resp_json(r, status, o);
}

void bo_resp_kerr(bo_resp_t *r, kerr_t rc, const kmsg_t *msg)
{
    /* An if-chain, not a switch: a code added to kerr_t later falls to 500. */
    if (rc == K_EINVAL)
        bo_resp_error(r, 400, "bad_request", "%s", msg->text);
    else if (rc == K_ENOTFOUND)
        bo_resp_error(r, 404, "not_found", "%s", msg->text);
    else if (rc == K_ECONFLICT || rc == K_ESTATE)
        bo_resp_error(r, 409, "conflict", "%s", msg->text);
    else if (rc == K_EBUSY)
        bo_resp_error(r, 409, "busy", "%s", msg->text);
    else if (rc == K_EDENIED)
        bo_resp_error(r, 403, "denied", "%s", msg->text);
    else
        bo_resp_error(r, 500, "internal", "the back office failed: %s; retry later", msg->text);
}
