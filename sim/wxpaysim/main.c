/* wxpaysim: the command line and the HTTP server (libmicrohttpd, a thread
 * per connection so a delayed answer holds no other). Bad arguments are
 * one line on stderr and exit status 2; a runtime failure is status 1. */
#include <curl/curl.h>
#include <getopt.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/common/simhttp.h"
#include "sim/wxpaysim/wxs.h"

static const char usage[] =
    "usage: wxpaysim --merchant-cert FILE --platform-key FILE --platform-serial ID --apiv3-key-file FILE\n"
    "                [--port PORT] [--ports-file FILE] [--mchid ID] [--appid ID] [--merchant-serial HEX]\n"
    "\n"
    "WeChat Pay API v3 for tests and demos: Native and H5 orders, query, close,\n"
    "refunds, the trade bill; answers signed with the platform key, notifications\n"
    "signed and encrypted; payments and faults on /sim/. See docs/sim/wxpaysim.md.\n";

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Checks the request's Authorization: the merchant's signature over
 * METHOD\nURI\ntimestamp\nnonce\nbody\n, its mchid and serial. */
static bool verified(wxs_t *s, struct MHD_Connection *c, const char *method, const simhttp_req_t *r)
{
    wxs_auth_t a;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!wxs_auth_parse(h, &a) || strcmp(a.mchid, s->mchid) != 0 || strcasecmp(a.serial, s->merchant_serial) != 0)
        return false;
    long long ts = atoll(a.timestamp), now = time(NULL);
    if (ts < now - 300 || ts > now + 300)
        return false;
    size_t len = strlen(method) + strlen(r->uri) + strlen(a.timestamp) + strlen(a.nonce) + r->len + 6;
    char *text = malloc(len);
    if (!text)
        return false;
    snprintf(text, len, "%s\n%s\n%s\n%s\n%s\n", method, r->uri, a.timestamp, a.nonce, r->body ? r->body : "");
    bool ok = wxs_verify(s->merchant, text, strlen(text), a.signature);
    free(text);
    return ok;
}

static void log_request(wxs_t *s, struct MHD_Connection *c, const char *method, const simhttp_req_t *r, bool ok)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "method", method);
    cJSON_AddStringToObject(j, "uri", r->uri);
    cJSON_AddStringToObject(j, "authorization", auth ? auth : "");
    cJSON_AddStringToObject(j, "user_agent", ua ? ua : "");
    cJSON_AddStringToObject(j, "body", r->body ? r->body : "");
    cJSON_AddBoolToObject(j, "verified", ok);
    pthread_mutex_lock(&s->lock);
    cJSON_AddItemToArray(s->requests, j);
    pthread_mutex_unlock(&s->lock);
}

/* Adds the platform's signature headers over the answer's body. */
static void sign_answer(wxs_t *s, struct MHD_Response *resp, const char *body)
{
    char ts[24], nonce[33], id[40];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    wxs_random(nonce, 32);
    wxs_random(id, 32);
    size_t len = strlen(ts) + strlen(nonce) + strlen(body) + 4;
    char *text = malloc(len), *sig = NULL;
    if (text) {
        snprintf(text, len, "%s\n%s\n%s\n", ts, nonce, body);
        sig = wxs_sign(s->platform, text, strlen(text));
    }
    free(text);
    MHD_add_response_header(resp, "Wechatpay-Timestamp", ts);
    MHD_add_response_header(resp, "Wechatpay-Nonce", nonce);
    MHD_add_response_header(resp, "Wechatpay-Signature", sig ? sig : "");
    MHD_add_response_header(resp, "Wechatpay-Serial", s->platform_serial);
    MHD_add_response_header(resp, "Request-ID", id);
    free(sig);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *data, size_t *size, void **con_cls)
{
    (void)url, (void)version;
    wxs_t *s = cls;
    simhttp_req_t *r = NULL;
    int got = simhttp_gather(con_cls, data, size, &r);
    if (got <= 0)
        return got == 0 ? MHD_YES : MHD_NO;
    if (!r->uri)
        return MHD_NO;
    wxs_answer_t a = {0};
    if (strncmp(r->uri, "/sim/", 5) == 0) {
        wxs_control(s, method, r->uri, r->body, &a);
    } else {
        bool ok = verified(s, c, method, r);
        log_request(s, c, method, r, ok);
        wxs_api(s, method, r->uri, r->body, ok, &a);
    }
    const char *body = a.body ? a.body : "";
    struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", a.type ? a.type : "application/json");
    if (a.sign)
        sign_answer(s, resp, body);
    enum MHD_Result rc = MHD_queue_response(c, a.status ? a.status : 500, resp);
    MHD_destroy_response(resp);
    free(a.body);
    return rc;
}

typedef struct opts {
    const char *merchant_cert, *platform_key, *apiv3_file, *ports_file;
    int port;
} opts_t;

static int bad(const char *what)
{
    fprintf(stderr, "wxpaysim: %s\n%s", what, usage);
    return 2;
}

/* Reads the options into s and o; 0, or the exit status. */
static int parse(int argc, char **argv, wxs_t *s, opts_t *o)
{
    static const struct option long_opts[] = {
        {"port", required_argument, NULL, 'p'},           {"ports-file", required_argument, NULL, 'f'},
        {"mchid", required_argument, NULL, 'm'},          {"appid", required_argument, NULL, 'a'},
        {"merchant-cert", required_argument, NULL, 'c'},  {"merchant-serial", required_argument, NULL, 's'},
        {"platform-key", required_argument, NULL, 'k'},   {"platform-serial", required_argument, NULL, 'S'},
        {"apiv3-key-file", required_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    for (int ch; (ch = getopt_long(argc, argv, "", long_opts, NULL)) != -1;) {
        switch (ch) {
        case 'p': o->port = atoi(optarg); break;
        case 'f': o->ports_file = optarg; break;
        case 'm': snprintf(s->mchid, sizeof s->mchid, "%s", optarg); break;
        case 'a': snprintf(s->appid, sizeof s->appid, "%s", optarg); break;
        case 'c': o->merchant_cert = optarg; break;
        case 's': snprintf(s->merchant_serial, sizeof s->merchant_serial, "%s", optarg); break;
        case 'k': o->platform_key = optarg; break;
        case 'S': snprintf(s->platform_serial, sizeof s->platform_serial, "%s", optarg); break;
        case 'v': o->apiv3_file = optarg; break;
        case 'h': fputs(usage, stdout); return -1;
        default: return bad("unknown option or missing value");
        }
    }
    if (!o->merchant_cert || !o->platform_key || !o->apiv3_file || !s->platform_serial[0])
        return bad("--merchant-cert, --platform-key, --platform-serial and --apiv3-key-file are needed");
    return 0;
}

/* Reads the keys named by o into s; 0 or the exit status. */
static int load(wxs_t *s, const opts_t *o)
{
    char v3[64] = "";
    FILE *f = fopen(o->apiv3_file, "r");
    if (f && fgets(v3, sizeof v3, f))
        v3[strcspn(v3, "\r\n")] = '\0';
    if (f)
        fclose(f);
    s->merchant = wxs_read_key(o->merchant_cert, false);
    s->platform = wxs_read_key(o->platform_key, true);
    if (!s->merchant || !s->platform || strlen(v3) != 32) {
        fprintf(stderr, "wxpaysim: the merchant certificate, the platform key or the 32-character APIv3 key "
                        "cannot be read\n");
        return 1;
    }
    memcpy(s->apiv3, v3, 32);
    return 0;
}

int main(int argc, char **argv)
{
    static wxs_t s = {.mchid = "1900000109", .appid = "wxd678efh567hg6787", .merchant_serial = ""};
    opts_t o = {.port = 0};
    int rc = parse(argc, argv, &s, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if ((rc = load(&s, &o)))
        return rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_mutex_init(&s.lock, NULL);
    s.requests = cJSON_CreateArray();
    s.deliveries = cJSON_CreateArray();
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)o.port, NULL, NULL, handle, &s,
        MHD_OPTION_URI_LOG_CALLBACK, simhttp_req_new, NULL, MHD_OPTION_NOTIFY_COMPLETED, simhttp_req_done, NULL,
        MHD_OPTION_SOCK_ADDR, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "wxpaysim: cannot listen on port %d\n", o.port);
        return 1;
    }
    int port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    snprintf(s.public_url, sizeof s.public_url, "http://127.0.0.1:%d", port);
    if (o.ports_file) {
        FILE *f = fopen(o.ports_file, "w");
        if (f)
            fprintf(f, "http %d\n", port), fclose(f);
    }
    pthread_t notifier;
    pthread_create(&notifier, NULL, wxs_notifier, &s);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    fprintf(stderr, "wxpaysim: listening on %s\n", s.public_url);
    while (!stop)
        pause();
    pthread_mutex_lock(&s.lock);
    s.stopping = true;
    pthread_mutex_unlock(&s.lock);
    pthread_join(notifier, NULL);
    MHD_stop_daemon(d);
    return 0;
}
