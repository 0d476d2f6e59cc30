#include "backoffice/base/bo_config.h"

#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

typedef struct load_ctx {
    bo_config_t *cfg;
    kmsg_t *msg;
    kerr_t rc;
} load_ctx_t;

static bool parse_int(const char *v, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || n < min || n > max)
        return false;
    *out = n;
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = true;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = false;
    else
        return false;
    return true;
}

static bool copy(char *dst, size_t len, const char *v)
{
    if (strlen(v) >= len)
        return false;
    strcpy(dst, v);
    return true;
}

/* The [server] limits (docs/sync.md, "Limits"): whole numbers in a range
 * the error message states. */
typedef struct limit_key {
    const char *name;
    int64_t min, max;
    size_t offset; /* of its int64_t in bo_config_t */
} limit_key_t;

static const limit_key_t limits[] = {
    {"max_connections", 1, 100000, offsetof(bo_config_t, max_conns)},
    {"max_connections_per_address", 1, 100000, offsetof(bo_config_t, max_conns_addr)},
    {"connection_timeout_seconds", 1, 3600, offsetof(bo_config_t, conn_timeout_s)},
    {"max_body_bytes", 1024, 256LL << 20, offsetof(bo_config_t, max_body)},
    {"upload_memory_bytes", 1024, 16LL << 30, offsetof(bo_config_t, upload_memory)},
    {"threads", 1, 64, offsetof(bo_config_t, threads)},
};

static const limit_key_t *limit_of(const char *section, const char *name)
{
    for (size_t i = 0; strcmp(section, "server") == 0 && i < sizeof limits / sizeof limits[0]; i++)
        if (strcmp(name, limits[i].name) == 0)
            return &limits[i];
    return NULL;
}

/* Sets one limit; K_EINVAL saying the range if value is not in it. */
static kerr_t apply_limit(bo_config_t *c, const limit_key_t *l, const char *v, kmsg_t *msg)
{
    if (parse_int(v, l->min, l->max, (int64_t *)(void *)((char *)c + l->offset)))
        return K_OK;
    return kmsg_set(msg, K_EINVAL, "[server] %s = '%s' must be a whole number from %lld to %lld (see backoffice.ini.sample)",
                    l->name, v, (long long)l->min, (long long)l->max);
}

#define KEY(s, k) (strcmp(section, s) == 0 && strcmp(name, k) == 0)

bool bo_config_quiet_parse(const char *text, int *from, int *to)
{
    int h1, m1, h2, m2, end = 0;
    if (strcmp(text, "none") == 0) {
        *from = *to = 0;
        return true;
    }
    if (sscanf(text, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &end) != 4 || text[end] || h1 > 23 || h2 > 23 ||
        m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0)
        return false;
    *from = h1 * 60 + m1;
    *to = h2 * 60 + m2;
    return true;
}

bool bo_config_levels_parse(const char *text, int64_t out[3])
{
    long long a, b, c;
    int end = 0;
    if (sscanf(text, "%lld,%lld,%lld%n", &a, &b, &c, &end) != 3 || text[end] || !(a > b && b > c && c > 0))
        return false;
    out[0] = a, out[1] = b, out[2] = c;
    return true;
}

/* The [notices] keys; false if the value is bad, *known false if no such key. */
static bool apply_notices(bo_notices_cfg_t *n, const char *name, const char *v, bool *known)
{
    *known = true;
    if (strcmp(name, "sms") == 0)
        return parse_bool(v, &n->sms);
    if (strcmp(name, "email") == 0)
        return parse_bool(v, &n->email);
    if (strcmp(name, "webhook") == 0)
        return parse_bool(v, &n->webhook);
    if (strcmp(name, "webhook_url") == 0)
        return copy(n->webhook_url, sizeof n->webhook_url, v);
    if (strcmp(name, "webhook_secret") == 0)
        return copy(n->webhook_secret, sizeof n->webhook_secret, v);
    if (strcmp(name, "webhook_timeout_seconds") == 0)
        return parse_int(v, 1, 120, &n->webhook_timeout_s);
    if (strcmp(name, "sms_per_second") == 0)
        return parse_int(v, 1, 1000, &n->per_second[0]);
    if (strcmp(name, "email_per_second") == 0)
        return parse_int(v, 1, 1000, &n->per_second[1]);
    if (strcmp(name, "webhook_per_second") == 0)
        return parse_int(v, 1, 1000, &n->per_second[2]);
    if (strcmp(name, "levels") == 0)
        return bo_config_levels_parse(v, n->levels);
    if (strcmp(name, "rearm_margin") == 0)
        return parse_int(v, 0, 1000000, &n->rearm_margin);
    if (strcmp(name, "quiet_hours") == 0)
        return bo_config_quiet_parse(v, &n->quiet_from, &n->quiet_to);
    if (strcmp(name, "utc_offset_minutes") == 0)
        return parse_int(v, -720, 840, &n->utc_offset_min);
    if (strcmp(name, "retry_min_seconds") == 0)
        return parse_int(v, 1, 86400, &n->retry_min_s);
    if (strcmp(name, "retry_max_seconds") == 0)
        return parse_int(v, 1, 86400, &n->retry_max_s);
    if (strcmp(name, "give_up_hours") == 0)
        return parse_int(v, 1, 24 * 30, &n->give_up_s) && (n->give_up_s *= 3600, true);
    *known = false;
    return false;
}

/* Keeps a provider's key as written (a later one of the same name replaces
 * it); false if it does not fit. */
static bool keep_provider_key(bo_config_t *c, const char *section, const char *name, const char *v)
{
    int i = 0;
    while (i < c->n_provider_keys &&
           (strcmp(c->provider_keys[i].section, section) != 0 || strcmp(c->provider_keys[i].name, name) != 0))
        i++;
    bo_config_kv_t *kv = &c->provider_keys[i];
    if (i == BO_CONFIG_PROVIDER_KEYS || !copy(kv->section, sizeof kv->section, section) ||
        !copy(kv->name, sizeof kv->name, name) || !copy(kv->value, sizeof kv->value, v))
        return false;
    c->n_provider_keys += i == c->n_provider_keys;
    return true;
}

/* Applies one key; false if the value is bad, *known false if no such key. */
static bool apply(bo_config_t *c, const char *section, const char *name, const char *v, bool *known)
{
    int64_t port = c->port;
    *known = true;
    if (strcmp(section, "email") == 0)
        return bo_smtp_config_key(&c->email, name, v, known);
    if (strcmp(section, "sms") == 0)
        return bo_sms_config_key(&c->sms, name, v, known);
    if (strcmp(section, "console") == 0)
        return bo_console_config_key(&c->console, name, v, known);
    if (strcmp(section, "alipay") == 0)
        return keep_provider_key(c, section, name, v);
    if (strcmp(section, "wechatpay") == 0)
        return bo_wx_config_key(&c->wechat, name, v, known);
    if (KEY("qr", "provider"))
        return copy(c->qr_provider, sizeof c->qr_provider, v);
    if (KEY("qr", "providers"))
        return copy(c->qr_providers, sizeof c->qr_providers, v);
    if (KEY("server", "listen"))
        return copy(c->listen, sizeof c->listen, v);
    if (KEY("server", "port"))
        return parse_int(v, 0, 65535, &port) && (c->port = (int)port, true);
    if (KEY("server", "database"))
        return copy(c->database, sizeof c->database, v);
    if (KEY("server", "plain_http"))
        return parse_bool(v, &c->plain_http);
    if (KEY("server", "public_url"))
        return copy(c->public_url, sizeof c->public_url, v);
    if (KEY("tls", "cert"))
        return copy(c->tls_cert, sizeof c->tls_cert, v);
    if (KEY("tls", "key"))
        return copy(c->tls_key, sizeof c->tls_key, v);
    if (KEY("tls", "client_ca"))
        return copy(c->client_ca, sizeof c->client_ca, v);
    if (KEY("tls", "client_ca_key"))
        return copy(c->client_ca_key, sizeof c->client_ca_key, v);
    if (KEY("enrol", "cert_days"))
        return parse_int(v, 1, 3650, &c->enrol_cert_days);
    if (KEY("signing", "key"))
        return copy(c->signing_key, sizeof c->signing_key, v);
    if (KEY("qr", "simulate"))
        return parse_bool(v, &c->qr_simulate);
    if (KEY("qr", "ttl_seconds"))
        return parse_int(v, 10, 3600, &c->qr_ttl_s);
    if (KEY("qr", "reconcile_hour"))
        return parse_int(v, 0, 23, &c->qr_reconcile_hour);
    if (KEY("commands", "expiry_seconds"))
        return parse_int(v, 10, 86400, &c->command_expiry_s);
    if (KEY("commands", "batch_check_seconds"))
        return parse_int(v, 1, 3600, &c->batch_check_s);
    if (KEY("counts", "lease_seconds"))
        return parse_int(v, 5, 86400, &c->lease_s);
    if (KEY("counts", "lease_max_seconds"))
        return parse_int(v, 5, 7 * 86400, &c->lease_max_s);
    if (KEY("counts", "leases_per_kiosk"))
        return parse_int(v, 1, 100000, &c->leases_per_kiosk);
    if (KEY("quarantine", "clock_skew_seconds"))
        return parse_int(v, 0, 366 * 86400, &c->rules.clock_skew_s);
    if (KEY("quarantine", "count_jump"))
        return parse_int(v, 1, 1000000000, &c->rules.count_jump);
    if (KEY("quarantine", "max_register"))
        return parse_int(v, 1, INT64_MAX / 2, &c->rules.max_register);
    if (KEY("ingest", "dedup_days"))
        return parse_int(v, 30, 3650, &c->dedup_days);
    if (KEY("billing", "check_seconds"))
        return parse_int(v, 1, 86400, &c->billing_check_s);
    if (KEY("alerts", "check_seconds"))
        return parse_int(v, 1, 3600, &c->alerts_check_s);
    if (KEY("test", "hooks"))
        return parse_bool(v, &c->test_hooks);
    if (strcmp(section, "notices") == 0)
        return apply_notices(&c->notices, name, v, known);
    if (KEY("server", "log_level")) {
        log_level_t l;
        return log_parse_level(v, &l) && (c->log_level = (int)l, true);
    }
    *known = false;
    return false;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    load_ctx_t *x = user;
    bool known;
    const limit_key_t *l = limit_of(section, name);
    if (x->rc == K_OK && l)
        x->rc = apply_limit(x->cfg, l, value, x->msg);
    else if (x->rc == K_OK && !apply(x->cfg, section, name, value, &known))
        x->rc = kmsg_set(x->msg, K_EINVAL,
                         known ? "[%s] %s = '%s' is not a valid value (see backoffice.ini.sample)"
                               : "[%s] %s is not a setting (see backoffice.ini.sample); value '%s'",
                         section, name, value);
    return 1;
}

static void defaults(bo_config_t *c)
{
    memset(c, 0, sizeof *c);
    strcpy(c->listen, "127.0.0.1");
    c->port = 8443;
    strcpy(c->database, "backoffice.db");
    strcpy(c->signing_key, "signing.key");
    c->qr_ttl_s = 120;
    c->command_expiry_s = 600;
    c->batch_check_s = 5;
    c->enrol_cert_days = 730;
    c->lease_s = 900;
    c->lease_max_s = 86400;
    c->leases_per_kiosk = 20;
    c->rules = (bo_rules_t){.clock_skew_s = 3600, .count_jump = 1000, .max_register = 10000000000LL};
    c->dedup_days = 30;
    c->alerts_check_s = 30;
    c->billing_check_s = 300;
    c->log_level = LOG_INFO;
    c->max_conns = 512;
    c->max_conns_addr = 32;
    c->conn_timeout_s = 30;
    c->max_body = 4LL << 20;
    c->upload_memory = 64LL << 20;
    c->threads = 4;
    bo_smtp_config_defaults(&c->email);
    bo_sms_config_defaults(&c->sms);
    bo_console_config_defaults(&c->console);
    bo_wx_config_defaults(&c->wechat);
    strcpy(c->qr_provider, "sim");
    c->qr_reconcile_hour = 10;
    c->notices = (bo_notices_cfg_t){.webhook_timeout_s = 10, .per_second = {5, 5, 10}, .levels = {2000, 1000, 500},
                                    .rearm_margin = 100, .quiet_from = 22 * 60, .quiet_to = 7 * 60,
                                    .utc_offset_min = 480, .retry_min_s = 30, .retry_max_s = 3600,
                                    .give_up_s = 48 * 3600};
}

kerr_t bo_config_load(const char *path, bo_config_t *cfg, kmsg_t *msg)
{
    defaults(cfg);
    if (!path)
        return K_OK;
    load_ctx_t x = {cfg, msg, K_OK};
    int line = ini_parse(path, on_key, &x);
    if (line < 0)
        return kmsg_set(msg, K_EINVAL, "cannot read the configuration file %s", path);
    if (x.rc)
        return x.rc;
    if (line > 0)
        return kmsg_set(msg, K_EINVAL, "%s: line %d is not 'key = value' or '[section]'", path, line);
    return K_OK;
}

kerr_t bo_config_set(bo_config_t *cfg, const char *assignment, kmsg_t *msg)
{
    char buf[600];
    if (strlen(assignment) >= sizeof buf)
        return kmsg_set(msg, K_EINVAL, "--set value is too long");
    strcpy(buf, assignment);
    char *dot = strchr(buf, '.'), *eq = strchr(buf, '=');
    if (!dot || !eq || dot > eq)
        return kmsg_set(msg, K_EINVAL, "--set takes section.key=value, not '%s'", assignment);
    *dot = *eq = '\0';
    load_ctx_t x = {cfg, msg, K_OK};
    on_key(&x, buf, dot + 1, eq + 1);
    return x.rc;
}

/* The [notices] settings against each other. */
static kerr_t check_notices(const bo_notices_cfg_t *n, kmsg_t *msg)
{
    if (n->retry_min_s > n->retry_max_s)
        return kmsg_set(msg, K_EINVAL,
                        "[notices] retry_min_seconds = %lld is more than retry_max_seconds = %lld: lower the first",
                        (long long)n->retry_min_s, (long long)n->retry_max_s);
    if (n->webhook && strncmp(n->webhook_url, "http://", 7) != 0 && strncmp(n->webhook_url, "https://", 8) != 0)
        return kmsg_set(msg, K_EINVAL,
                        "[notices] webhook = true needs webhook_url, an http:// or https:// URL (it is '%s')",
                        n->webhook_url);
    if (n->webhook && strlen(n->webhook_secret) < 16)
        return kmsg_set(msg, K_EINVAL,
                        "[notices] webhook = true needs webhook_secret, 16 characters at least, shared with the "
                        "receiver (it signs each body)");
    return K_OK;
}

kerr_t bo_config_check(const bo_config_t *c, kmsg_t *msg)
{
    if (c->max_conns_addr > c->max_conns)
        return kmsg_set(msg, K_EINVAL,
                        "[server] max_connections_per_address = %lld is more than max_connections = %lld: lower "
                        "the first or raise the second",
                        (long long)c->max_conns_addr, (long long)c->max_conns);
    if (c->threads > c->max_conns)
        return kmsg_set(msg, K_EINVAL,
                        "[server] threads = %lld is more than max_connections = %lld: each thread needs a "
                        "connection to serve; lower threads",
                        (long long)c->threads, (long long)c->max_conns);
    if (c->upload_memory < c->max_body)
        return kmsg_set(msg, K_EINVAL,
                        "[server] upload_memory_bytes = %lld is less than max_body_bytes = %lld: a batch of the "
                        "largest size could never be received; raise the first or lower the second",
                        (long long)c->upload_memory, (long long)c->max_body);
    kerr_t rc = check_notices(&c->notices, msg);
    if (rc == K_OK && c->notices.sms)
        rc = bo_sms_config_check(&c->sms, msg);
    char names[BO_QR_PROVIDERS_MAX][16];
    size_t n = 0;
    if (rc == K_OK)
        rc = bo_config_qr_names(c, names, &n, msg);
    for (size_t i = 0; rc == K_OK && i < n; i++)
        if (strcmp(names[i], "wechat") == 0)
            rc = bo_wx_config_check(&c->wechat, msg);
    if (rc == K_OK && c->notices.email && !c->email.url[0])
        rc = kmsg_set(msg, K_EINVAL, "[notices] email = true needs [email] server_url, the SMTP server");
    return rc;
}

/* Appends name to names unless it is there; false when full. */
static bool add_name(char names[BO_QR_PROVIDERS_MAX][16], size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    if (*n == BO_QR_PROVIDERS_MAX || strlen(name) >= sizeof names[0])
        return false;
    snprintf(names[(*n)++], sizeof names[0], "%s", name);
    return true;
}

kerr_t bo_config_qr_names(const bo_config_t *c, char names[BO_QR_PROVIDERS_MAX][16], size_t *n, kmsg_t *msg)
{
    char list[sizeof c->qr_providers], *save = NULL;
    bool kiosk_real = strcmp(c->qr_provider, "sim") != 0, listed = !kiosk_real;
    *n = 0;
    if (kiosk_real)
        add_name(names, n, c->qr_provider);
    snprintf(list, sizeof list, "%s", c->qr_providers);
    for (char *t = strtok_r(list, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
        listed = listed || strcmp(t, c->qr_provider) == 0;
        if (strcmp(t, "sim") == 0 || !add_name(names, n, t))
            return kmsg_set(msg, K_EINVAL, "[qr] providers = %s: at most %d real providers (wechat, alipay)",
                            c->qr_providers, BO_QR_PROVIDERS_MAX);
    }
    if (c->qr_providers[0] && !listed)
        return kmsg_set(msg, K_EINVAL, "[qr] provider = %s is not among [qr] providers = %s", c->qr_provider,
                        c->qr_providers);
    return K_OK;
}

bool bo_config_loopback(const char *host)
{
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 || strcmp(host, "localhost") == 0;
}
