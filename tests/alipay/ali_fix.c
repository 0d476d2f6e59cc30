/* alipaysim for the Alipay client's tests: see ali_fix.h. */
#include "alipay/ali_fix.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/support.h"

/* Writes a new 2048-bit key pair as PEM to priv and pub. */
static void make_keys(const char *priv, const char *pub)
{
    EVP_PKEY *k = EVP_RSA_gen(2048);
    assert_non_null(k);
    FILE *a = fopen(priv, "w"), *b = pub ? fopen(pub, "w") : NULL;
    assert_non_null(a);
    assert_true(PEM_write_PrivateKey(a, k, NULL, NULL, 0, NULL, NULL) == 1);
    if (b)
        assert_true(PEM_write_PUBKEY(b, k) == 1);
    fclose(a);
    if (b)
        fclose(b);
    EVP_PKEY_free(k);
}

typedef struct body {
    char *p;
    size_t n;
} body_t;

static enum MHD_Result on_note(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)url, (void)method, (void)version;
    ali_fix_t *f = cls;
    body_t *b = *con_cls;
    if (!b) {
        *con_cls = calloc(1, sizeof *b);
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*upload_size) {
        b->p = realloc(b->p, b->n + *upload_size + 1);
        memcpy(b->p + b->n, upload, *upload_size);
        b->n += *upload_size;
        b->p[b->n] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&f->mu);
    const char *say = "success";
    if (f->refuse_next > 0)
        f->refuse_next--, say = "fail";
    else if (f->n_notes < ALI_FIX_NOTES && b->p)
        f->notes[f->n_notes++] = strdup(b->p);
    pthread_mutex_unlock(&f->mu);
    free(b->p);
    free(b);
    *con_cls = NULL;
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(say), (void *)(uintptr_t)say,
                                                             MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return rc;
}

static bool read_ports(void *ctx)
{
    ali_fix_t *f = ctx;
    char *text = file_read(f->sc.dir, "ports");
    bool ok = text && sscanf(text, "http %d\ncontrol %d", &f->http, &f->sc.control) == 2;
    free(text);
    return ok;
}

static void path(char *out, const ali_fix_t *f, const char *name)
{
    snprintf(out, 600, "%s/%s", f->sc.dir, name);
}

void fix_up(ali_fix_t *f, int timeout_s)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    assert_true(tmpdir_make(f->sc.dir, sizeof f->sc.dir));
    path(f->app_priv, f, "app_private.pem"), path(f->app_pub, f, "app_public.pem");
    path(f->ali_priv, f, "alipay_private.pem"), path(f->ali_pub, f, "alipay_public.pem");
    path(f->other_priv, f, "other_private.pem");
    make_keys(f->app_priv, f->app_pub);
    make_keys(f->ali_priv, f->ali_pub);
    make_keys(f->other_priv, NULL);
    char ports[600], log[600];
    path(ports, f, "ports"), path(log, f, "alipaysim.log");
    const char *bin = getenv("ALIPAYSIM");
    assert_non_null(bin);
    const char *argv[] = {bin, "--app-id", "2021000000000001", "--app-public-key", f->app_pub,
                          "--alipay-private-key", f->ali_priv, "--ports-file", ports, "--notify-retry-ms", "100",
                          "--log-level", "info", NULL};
    assert_true(sc_launch(&f->sc, log, argv, NULL, read_ports, f));
    f->recv = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, on_note,
                               f, MHD_OPTION_END);
    assert_non_null(f->recv);
    f->recv_port = MHD_get_daemon_info(f->recv, MHD_DAEMON_INFO_BIND_PORT)->port;
    snprintf(f->notify_url, sizeof f->notify_url, "http://127.0.0.1:%d/pay/notify/alipay", f->recv_port);
    bo_alipay_cfg_defaults(&f->cfg);
    snprintf(f->cfg.app_id, sizeof f->cfg.app_id, "2021000000000001");
    snprintf(f->cfg.private_key_file, sizeof f->cfg.private_key_file, "%s", f->app_priv);
    snprintf(f->cfg.alipay_public_key_file, sizeof f->cfg.alipay_public_key_file, "%s", f->ali_pub);
    snprintf(f->cfg.gateway, sizeof f->cfg.gateway, "http://127.0.0.1:%d/gateway.do", f->http);
    snprintf(f->cfg.notify_url, sizeof f->cfg.notify_url, "%s", f->notify_url);
    f->cfg.timeout_s = timeout_s;
    kmsg_t msg = {""};
    kerr_t rc = bo_alipay_open(&f->cfg, &f->p, &msg);
    if (rc != K_OK)
        fail_msg("open: %s", msg.text);
}

void fix_down(ali_fix_t *f)
{
    if (f->p.ops)
        f->p.ops->close(f->p.ctx);
    if (f->recv)
        MHD_stop_daemon(f->recv);
    if (f->sc.pid > 0)
        sc_stop(&f->sc);
    for (int i = 0; i < f->n_notes; i++)
        free(f->notes[i]);
    if (f->sc.dir[0])
        tmpdir_remove(f->sc.dir);
}

void fix_ctl(ali_fix_t *f, const char *cmd, char *reply, size_t len)
{
    char tmp[512];
    if (!reply)
        reply = tmp, len = sizeof tmp;
    if (!sc_control(&f->sc, cmd, reply, len))
        fail_msg("control '%s': %s", cmd, reply);
}

int fix_wait_notes(ali_fix_t *f, int n, int ms)
{
    int64_t until = sc_now_ms() + ms;
    for (;;) {
        pthread_mutex_lock(&f->mu);
        int got = f->n_notes;
        pthread_mutex_unlock(&f->mu);
        if (got >= n || sc_now_ms() >= until)
            return got;
        usleep(20000);
    }
}

void fix_order(ali_fix_t *f, const char *no, int64_t fen)
{
    bo_prov_order_t o = {.kind = BO_PROV_NATIVE, .out_trade_no = no, .amount = fen, .currency = "CNY",
                         .description = "电费 meter 000000123456"};
    bo_prov_answer_t a;
    kmsg_t msg = {""};
    kerr_t rc = f->p.ops->create(f->p.ctx, &o, &a, &msg);
    if (rc != K_OK)
        fail_msg("create %s: %s", no, msg.text);
    assert_int_equal(a.state, BO_PROV_PENDING);
    assert_non_null(strstr(a.url, "https://qr.alipay.com/"));
}
