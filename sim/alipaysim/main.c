/* alipaysim: the command line and the loop (docs/sim/alipaysim.md). Bad
 * arguments are one line on stderr and exit status 2; a runtime failure
 * is status 1. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "sim/alipaysim/alisim.h"
#include "sim/common/simio.h"

typedef struct opts {
    const char *addr, *ports_file, *app_id, *app_pub, *ali_priv;
    int64_t port, control, retry_ms;
} opts_t;

static const char usage[] =
    "usage: alipaysim --app-id ID --app-public-key FILE --alipay-private-key FILE\n"
    "                 [--port PORT] [--control PORT] [--listen ADDR] [--ports-file FILE]\n"
    "                 [--notify-retry-ms MS] [--log-level LEVEL] [--help] [--version]\n"
    "\n"
    "Alipay's open API gateway for tests and demos: gateway.do (precreate, wap.pay,\n"
    "query, cancel, refund, refund query, the bill's address) answering signed with\n"
    "\"Alipay's\" key, notifications posted until the merchant answers success,\n"
    "trades paid and faults set on a text control port.\n"
    "\n"
    "  --app-id ID                the app whose requests are accepted\n"
    "  --app-public-key FILE      its public key (PEM): requests must verify with it\n"
    "  --alipay-private-key FILE  the key answers and notifications are signed with (PEM)\n"
    "  --port PORT                HTTP port (default 0: the kernel picks one)\n"
    "  --control PORT             control port (default 0: the kernel picks one)\n"
    "  --listen ADDR              IPv4 address to listen on (default 127.0.0.1)\n"
    "  --ports-file FILE          once listening, write \"http P\" and \"control P\" lines to FILE\n"
    "  --notify-retry-ms MS       first delay before a notification is posted again (default 200)\n"
    "\n"
    "SIGTERM or SIGINT exits 0. See docs/sim/alipaysim.md.\n";

static int take_option(int c, const char *arg, void *ctx)
{
    opts_t *o = ctx;
    bool ok = true;
    switch (c) {
    case 'p': ok = simio_parse_int(arg, 0, 65535, &o->port); break;
    case 'c': ok = simio_parse_int(arg, 0, 65535, &o->control); break;
    case 'r': ok = simio_parse_int(arg, 1, 600000, &o->retry_ms); break;
    case 'l': o->addr = arg, ok = inet_pton(AF_INET, arg, &(struct in_addr){0}) == 1; break;
    case 'f': o->ports_file = arg; break;
    case 'a': o->app_id = arg, ok = strlen(arg) < 33; break;
    case 'k': o->app_pub = arg; break;
    case 's': o->ali_priv = arg; break;
    default: return simio_bad_usage("alipaysim", "%s", "unknown option or missing value");
    }
    return ok ? 0 : simio_bad_usage("alipaysim", "'%s' is not a valid value for that option", arg);
}

static int serve(alisim_t *s, const opts_t *o)
{
    struct MHD_Daemon *d = as_gateway_start(s, o->addr, (int)o->port);
    kmsg_t msg = {""};
    simio_ctl_t ctl;
    simio_ctl_init(&ctl, ALISIM_LOG, as_control, s);
    ctl.lfd = d ? simio_listen_tcp(o->addr, (int)o->control, &msg) : -1;
    if (!d || ctl.lfd < 0) {
        fprintf(stderr, "alipaysim: cannot listen: %s\n", d ? msg.text : "HTTP");
        if (d)
            MHD_stop_daemon(d);
        return 1;
    }
    char ports[64];
    snprintf(ports, sizeof ports, "http %d\ncontrol %d", s->http_port, simio_port_of(ctl.lfd));
    if (o->ports_file && !simio_write_file(o->ports_file, ports)) {
        fprintf(stderr, "alipaysim: cannot write %s: %s\n", o->ports_file, strerror(errno));
        MHD_stop_daemon(d);
        return 1;
    }
    LOG_I(ALISIM_LOG, "listening on %s: http %d, control %d", o->addr, s->http_port, simio_port_of(ctl.lfd));
    pthread_t notifier;
    pthread_create(&notifier, NULL, as_notify_thread, s);
    while (!simio_stop_signal()) {
        struct pollfd fds[SIMIO_CTL_POLLFDS];
        nfds_t n = simio_ctl_poll_set(&ctl, fds, 0);
        if (poll(fds, n, 500) > 0)
            simio_ctl_handle(&ctl, fds);
    }
    as_stop = 1;
    pthread_join(notifier, NULL);
    simio_ctl_close(&ctl);
    MHD_stop_daemon(d);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"port", required_argument, NULL, 'p'},          {"control", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},        {"ports-file", required_argument, NULL, 'f'},
        {"app-id", required_argument, NULL, 'a'},        {"app-public-key", required_argument, NULL, 'k'},
        {"alipay-private-key", required_argument, NULL, 's'}, {"notify-retry-ms", required_argument, NULL, 'r'},
        {"log-level", required_argument, NULL, 'L'},     {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},             {NULL, 0, NULL, 0}};
    opts_t o = {.addr = "127.0.0.1", .retry_ms = 200};
    simio_cli_t cli = {"alipaysim", usage, long_opts, take_option, &o};
    int rc = simio_parse_args(&cli, argc, argv);
    if (rc >= 0)
        return rc;
    if (!o.app_id || !o.app_pub || !o.ali_priv)
        return simio_bad_usage("alipaysim", "%s", "--app-id, --app-public-key and --alipay-private-key are needed");
    static alisim_t s;
    pthread_mutex_init(&s.mu, NULL);
    snprintf(s.app_id, sizeof s.app_id, "%s", o.app_id);
    s.retry_ms = o.retry_ms;
    s.app_pub = as_key_read(o.app_pub, false);
    s.ali_priv = as_key_read(o.ali_priv, true);
    if (!s.app_pub || !s.ali_priv) {
        fprintf(stderr, "alipaysim: cannot read %s\n", s.app_pub ? o.ali_priv : o.app_pub);
        return 1;
    }
    simio_catch_signals();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = serve(&s, &o);
    curl_global_cleanup();
    EVP_PKEY_free(s.app_pub);
    EVP_PKEY_free(s.ali_priv);
    return rc;
}
