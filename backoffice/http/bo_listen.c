/* libmicrohttpd listening with the [server] limits (docs/sync.md, "Limits"):
 * a few threads poll every connection with epoll (no thread of its own per
 * connection; a long poll waits parked, bo_wait.c); connections in all and
 * per address are limited, an idle one is closed after the timeout (a TLS
 * handshake never finished included), and each holds at most CONN_MEMORY
 * for its request line and headers besides its body. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backoffice/http/bo_http.h"
#include "base/log.h"

#define CONN_MEMORY ((size_t)32 << 10)

/* GnuTLS's defaults, with TLS 1.2 and 1.3 only. */
static const char tls_priorities[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";

/* libmicrohttpd's own messages (a connection refused at a limit, a failed
 * handshake) as our log lines. */
__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char text[300];
    vsnprintf(text, sizeof text, fmt, ap);
    text[strcspn(text, "\n")] = '\0';
    LOG_I("backoffice", "libmicrohttpd: %s", text);
}

static kerr_t new_state(bo_server_t *s, kmsg_t *msg)
{
    s->http = calloc(1, sizeof *s->http);
    if (!s->http)
        return kmsg_set(msg, K_EIO, "out of memory starting the server");
    atomic_init(&s->http->upload_used, 0);
    atomic_init(&s->http->polls, 0);
    pthread_mutex_init(&s->http->lock, NULL);
    return bo__wait_start(s, msg);
}

#define OPT(o, v, p) ((struct MHD_OptionItem){(o), (intptr_t)(v), (void *)(uintptr_t)(p)})

/* The limits, the address and the TLS material as libmicrohttpd options. */
static void options(const bo_server_t *s, const struct sockaddr_in *a, struct MHD_OptionItem *o)
{
    const bo_config_t *c = &s->cfg;
    size_t n = 0;
    o[n++] = OPT(MHD_OPTION_SOCK_ADDR, 0, a);
    o[n++] = OPT(MHD_OPTION_CONNECTION_LIMIT, c->max_conns, NULL);
    o[n++] = OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->max_conns_addr, NULL);
    o[n++] = OPT(MHD_OPTION_CONNECTION_TIMEOUT, c->conn_timeout_s, NULL);
    o[n++] = OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL);
    if (c->threads > 1) /* one thread: the polling thread alone */
        o[n++] = OPT(MHD_OPTION_THREAD_POOL_SIZE, c->threads, NULL);
    if (!c->plain_http) {
        o[n++] = OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key);
        o[n++] = OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert);
        o[n++] = OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, s->tls_ca);
        o[n++] = OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, tls_priorities);
    }
    o[n] = OPT(MHD_OPTION_END, 0, NULL);
}

static struct MHD_Daemon *start_daemon(bo_server_t *s, const struct sockaddr_in *a)
{
    struct MHD_OptionItem opts[16];
    options(s, a, opts);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
                     (s->cfg.plain_http ? 0 : MHD_USE_TLS);
    return MHD_start_daemon(flags, 0, NULL, NULL, bo__http_on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
                            MHD_OPTION_NOTIFY_COMPLETED, bo__http_on_done, s, MHD_OPTION_ARRAY, opts,
                            MHD_OPTION_END);
}

/* Starts libmicrohttpd on the configured address, with TLS unless plain
 * HTTP was asked for (allowed on loopback only: checked by the caller). */
kerr_t bo__http_start(bo_server_t *s, kmsg_t *msg)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->cfg.port)};
    const char *host = strcmp(s->cfg.listen, "localhost") == 0 ? "127.0.0.1" : s->cfg.listen;
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return kmsg_set(msg, K_EINVAL, "[server] listen = %s is not an IPv4 address", s->cfg.listen);
    kerr_t rc = new_state(s, msg);
    if (rc)
        return rc;
    s->mhd = start_daemon(s, &a);
    if (!s->mhd)
        return kmsg_set(msg, K_EIO,
                        "could not listen on %s:%d%s: is the port taken, or are the certificate, key and CA files "
                        "valid PEM?",
                        s->cfg.listen, s->cfg.port, s->cfg.plain_http ? " (plain HTTP)" : " (HTTPS)");
    return K_OK;
}

void bo__http_stop(bo_server_t *s)
{
    if (s->http)
        bo__wait_stop(s); /* parked long polls answer now: the server stops */
    if (s->mhd)
        MHD_stop_daemon(s->mhd);
    s->mhd = NULL;
    if (s->http) {
        pthread_mutex_destroy(&s->http->lock);
        free(s->http);
    }
    s->http = NULL;
}

int bo_server_port(const bo_server_t *s)
{
    const union MHD_DaemonInfo *i = s->mhd ? MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    return i ? i->port : 0;
}
