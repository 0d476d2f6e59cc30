/* alipaysim's HTTP side (libmicrohttpd): gateway.do, whose parameters
 * come in the query and the form body alike, checked against the app's
 * public key and answered {"<method>_response":{...},"sign":"..."}; the
 * wap.pay page; the bills' downloads. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "sim/alipaysim/alisim.h"
#include "sim/common/simhttp.h"

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *type, const void *p, size_t n)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, (void *)(uintptr_t)p, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", type);
    enum MHD_Result rc = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* The answer: the node signed over its exact text. */
static char *answer(alisim_t *s, const char *method, const char *node)
{
    char key[128];
    snprintf(key, sizeof key, "%s_response", method);
    for (char *p = key; *p; p++)
        *p = *p == '.' ? '_' : *p;
    char *sig = as_rsa_sign(s->ali_priv, node, strlen(node));
    as_json_t j = {0};
    as_json_raw(&j, key, node);
    as_json_str(&j, "sign", sig ? sig : "");
    free(sig);
    return as_json_end(&j);
}

static char *bad_sign(void)
{
    as_json_t j = {0};
    as_json_str(&j, "code", "40002");
    as_json_str(&j, "msg", "Invalid Arguments");
    as_json_str(&j, "sub_code", "isv.invalid-signature");
    as_json_str(&j, "sub_msg", "验签出错");
    return as_json_end(&j);
}

static enum MHD_Result page(struct MHD_Connection *c, const as_kv_t *kv, const char *node)
{
    char html[2048];
    const char *biz = as_kv_get(kv, "biz_content");
    snprintf(html, sizeof html,
             "<!doctype html><html><head><meta charset=\"utf-8\"><title>Alipay (simulated)</title></head>"
             "<body><h1>支付宝 (alipaysim)</h1><p id=\"trade\">%s</p><p id=\"answer\">%s</p></body></html>",
             biz ? biz : "", node);
    return send_text(c, 200, "text/html; charset=utf-8", html, strlen(html));
}

static enum MHD_Result gateway(alisim_t *s, struct MHD_Connection *c, simhttp_req_t *r)
{
    as_kv_t kv = {0};
    const char *q = strchr(r->uri, '?');
    bool ok = (!q || as_form_decode(&kv, q + 1, strlen(q + 1))) && (!r->body || as_form_decode(&kv, r->body, r->len));
    const char *method = as_kv_get(&kv, "method"), *sign = as_kv_get(&kv, "sign"), *app = as_kv_get(&kv, "app_id");
    if (!ok || !method) {
        as_kv_clear(&kv);
        return send_text(c, 400, "text/plain", "no method\n", 10);
    }
    char *text = as_signing_text(&kv, false);
    bool signed_ok = text && sign && app && strcmp(app, s->app_id) == 0 &&
                     as_rsa_verify(s->app_pub, text, strlen(text), sign);
    if (!signed_ok)
        LOG_W(ALISIM_LOG, "%s: the signature does not verify over: %s", method, text ? text : "");
    free(text);
    pthread_mutex_lock(&s->mu);
    int64_t stall = 0;
    if (s->faults.stall > 0)
        s->faults.stall--, stall = s->faults.stall_ms;
    char *node = signed_ok ? as_method(s, method, as_kv_get(&kv, "biz_content"), &kv) : bad_sign();
    pthread_mutex_unlock(&s->mu);
    LOG_I(ALISIM_LOG, "%s: %s", method, node ? node : "(out of memory)");
    if (stall)
        usleep((useconds_t)(stall * 1000));
    enum MHD_Result rc;
    if (strcmp(method, "alipay.trade.wap.pay") == 0) {
        rc = page(c, &kv, node ? node : "");
    } else {
        char *body = node ? answer(s, method, node) : NULL;
        rc = body ? send_text(c, 200, "text/html;charset=utf-8", body, strlen(body))
                  : send_text(c, 500, "text/plain", "", 0);
        free(body);
    }
    free(node);
    as_kv_clear(&kv);
    return rc;
}

static enum MHD_Result bill(alisim_t *s, struct MHD_Connection *c, const char *url)
{
    const char *us = strrchr(url, '_');
    char day[11];
    if (!us || strlen(us) < 9) 
        return send_text(c, 404, "text/plain", "no bill\n", 8);
    snprintf(day, sizeof day, "%.4s-%.2s-%.2s", us + 1, us + 5, us + 7);
    size_t len = 0;
    pthread_mutex_lock(&s->mu);
    unsigned char *zip = as_bill_zip(s, day, &len);
    pthread_mutex_unlock(&s->mu);
    if (!zip)
        return send_text(c, 500, "text/plain", "", 0);
    enum MHD_Result rc = send_text(c, 200, "application/zip", zip, len);
    free(zip);
    return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version, (void)method;
    alisim_t *s = cls;
    simhttp_req_t *r = NULL;
    int got = simhttp_gather(con_cls, upload, upload_size, &r);
    if (got <= 0)
        return got == 0 ? MHD_YES : MHD_NO;
    if (strcmp(url, "/gateway.do") == 0)
        return gateway(s, c, r);
    if (strncmp(url, "/bill/", 6) == 0)
        return bill(s, c, url);
    return send_text(c, 404, "text/plain", "not found\n", 10);
}

struct MHD_Daemon *as_gateway_start(alisim_t *s, const char *addr, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
        return NULL;
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_URI_LOG_CALLBACK, simhttp_req_new, s,
        MHD_OPTION_NOTIFY_COMPLETED, simhttp_req_done, s, MHD_OPTION_END);
    if (d) {
        const union MHD_DaemonInfo *i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        s->http_port = i ? i->port : 0;
    }
    return d;
}
