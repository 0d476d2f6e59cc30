/* The back-office link on libcurl (sync_client.h): opening it, and the
 * rule that plain HTTP goes only to loopback. The upload is in
 * sync_upload.c, one exchange in sync_http.c. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sync/sync_int.h"

/* Whether host, as libcurl's URL parser gives it, is a loopback address:
 * localhost, 127.0.0.0/8 or ::1. */
static bool loopback_host(const char *host)
{
    struct in_addr v4;
    struct in6_addr v6;
    char inner[64];
    size_t n = strlen(host);
    if (strcasecmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    if (n < 3 || n - 2 >= sizeof inner || host[0] != '[' || host[n - 1] != ']')
        return false;
    snprintf(inner, sizeof inner, "%.*s", (int)(n - 2), host + 1);
    return inet_pton(AF_INET6, inner, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

/* The URL's scheme and host as libcurl reads them; false if it is no URL. */
static bool url_parts(const char *url, char *scheme, size_t scheme_len, char *host, size_t host_len)
{
    CURLU *u = curl_url();
    char *s = NULL, *h = NULL;
    bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK && strlen(s) < scheme_len && strlen(h) < host_len;
    if (ok) {
        snprintf(scheme, scheme_len, "%s", s);
        snprintf(host, host_len, "%s", h);
    }
    curl_free(s);
    curl_free(h);
    curl_url_cleanup(u);
    return ok;
}

bool sync__loopback_http(const char *url)
{
    char scheme[16], host[256];
    return url_parts(url, scheme, sizeof scheme, host, sizeof host) && strcmp(scheme, "http") == 0 &&
           loopback_host(host);
}

static kerr_t check_config(const kiosk_config_t *cfg, kmsg_t *msg)
{
    const char *url = cfg->sync_url;
    char scheme[16], host[256];
    if (!url[0])
        return kmsg_set(msg, K_ENOTFOUND, "no back office (sync.url is empty)");
    if (!url_parts(url, scheme, sizeof scheme, host, sizeof host) ||
        (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0))
        return kmsg_set(msg, K_EINVAL, "sync.url %s: give https://host:port", url);
    if (strcmp(scheme, "http") == 0 && !loopback_host(host))
        return kmsg_set(msg, K_EINVAL, "sync.url %s: plain HTTP only on loopback (its host is '%s'); use https:// "
                                       "with sync.ca_file, sync.cert_file and sync.key_file", url, host);
    if (strcmp(scheme, "https") == 0 && (!cfg->sync_ca_file[0] || !cfg->sync_cert_file[0] || !cfg->sync_key_file[0]))
        return kmsg_set(msg, K_EINVAL, "sync.url is https: set sync.ca_file, and enrol the kiosk (kioskctl enrol "
                                       "--code CODE) or set sync.cert_file and sync.key_file");
    return K_OK;
}

kerr_t sync_client_open(const kiosk_config_t *cfg, sync_client_t **out, kmsg_t *msg)
{
    *out = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return kmsg_set(msg, K_EIO, "cannot start libcurl (out of memory?)");
    kerr_t rc = check_config(cfg, msg);
    if (rc)
        return rc;
    sync_client_t *c = calloc(1, sizeof *c);
    if (!c || !(c->curl = curl_easy_init())) {
        free(c);
        return kmsg_set(msg, K_EIO, "cannot start libcurl (out of memory?)");
    }
    c->cfg = cfg;
    c->batch_max = (int)cfg->sync_batch;
    *out = c;
    return K_OK;
}

void sync_client_set_signer(sync_client_t *c, sync_signer_t s)
{
    c->signer = s;
}

void sync_client_close(sync_client_t *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    free(c);
}
