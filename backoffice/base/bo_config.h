/* The back office's settings, read from an INI file (backoffice.ini.sample
 * lists every key with its default). */
#ifndef BACKOFFICE_BO_CONFIG_H
#define BACKOFFICE_BO_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/base/bo_console_config.h"
#include "backoffice/base/bo_sms_config.h"
#include "backoffice/base/bo_wx_config.h"
#include "backoffice/base/bo_smtp_config.h"
#include "base/err.h"

/* The plausibility rules' settings ([quarantine], docs/sync.md): a row
 * beyond one is held for staff instead of applied. */
typedef struct bo_rules {
    int64_t clock_skew_s; /* a row time further ahead of the server's clock than this */
    int64_t count_jump;   /* a purchase count further above the highest known than this */
    int64_t max_register; /* a reading's energy register above this (Wh or litres) */
} bo_rules_t;

/* Notices to residents ([notices], docs/notices.md). */
typedef struct bo_notices_cfg {
    bool sms, email, webhook;  /* the channels enabled */
    char webhook_url[256];
    char webhook_secret[128];  /* the HMAC-SHA256 key shared with the receiver (16 bytes at least) */
    int64_t webhook_timeout_s;
    int64_t per_second[3];     /* each channel's pace: sms, email, webhook */
    int64_t levels[3];         /* the default low-balance levels, minor units, highest first */
    int64_t rearm_margin;      /* how far above a level a top-up re-arms it */
    int quiet_from, quiet_to;  /* new contacts' quiet hours, minutes after local midnight */
    int64_t utc_offset_min;    /* the sites' local time (quiet hours, the reports' local days) */
    int64_t retry_min_s, retry_max_s; /* the backoff between tries */
    int64_t give_up_s;         /* a notice not handed over this long after it was made is given up */
} bo_notices_cfg_t;

/* One key of a provider's section, as written. */
#define BO_CONFIG_PROVIDER_KEYS 24
typedef struct bo_config_kv {
    char section[16], name[48], value[512];
} bo_config_kv_t;

typedef struct bo_config {
    char listen[64];      /* host, loopback by default */
    int port;
    char database[512];
    char tls_cert[512];   /* the server's certificate (PEM) */
    char tls_key[512];    /* its private key (PEM) */
    char client_ca[512];  /* the CA that signs kiosk certificates */
    char client_ca_key[512]; /* its private key, for enrolment; empty: no enrolment */
    int64_t enrol_cert_days; /* how long an enrolled kiosk's certificate is valid */
    bool plain_http;      /* only on a loopback address: tests and the demo */
    char public_url[256]; /* base of QR code URLs; empty: from listen and port */
    char signing_key[512];
    bool qr_simulate;     /* the simulated payment provider's pages */
    int64_t qr_ttl_s;
    char qr_provider[16]; /* [qr] provider: sim (no real money, the default), wechat, alipay */
    char qr_providers[64]; /* [qr] providers: the providers opened, "wechat, alipay" ("": provider alone) */
    int64_t qr_reconcile_hour; /* [qr] reconcile_hour: serve reconciles yesterday after this hour, China time */
    int64_t command_expiry_s; /* a central command not run within this long expires ([commands] expiry_seconds) */
    int64_t lease_s;      /* a count lease not renewed for this long ends */
    int64_t lease_max_s;  /* a sale may renew its count lease until this long after it was granted */
    int64_t leases_per_kiosk; /* live count leases one kiosk may hold at once */
    bo_rules_t rules;     /* when an uploaded row is held for staff ([quarantine]) */
    int64_t dedup_days;   /* at least 30 */
    bool test_hooks;      /* /v1/test/... : failure injection and the clock */
    int64_t batch_check_s;  /* [commands] batch_check_seconds: how often serve retries batches' ended commands */
    int64_t alerts_check_s; /* [alerts] check_seconds: how often serve looks for silent kiosks */
    int64_t billing_check_s; /* [billing] check_seconds: how often serve bills and runs what is due */
    int log_level;        /* a log_level_t: error, warn, info, debug */
    /* [server] limits on connections and what they may hold (docs/sync.md, "Limits") */
    int64_t max_conns;      /* max_connections: open at once, in all */
    int64_t max_conns_addr; /* max_connections_per_address: open at once from one address */
    int64_t conn_timeout_s; /* connection_timeout_seconds: a connection idle this long is closed */
    int64_t max_body;       /* max_body_bytes: the largest body (an outbox batch) */
    int64_t upload_memory;  /* upload_memory_bytes: bodies being received at once, in all */
    int64_t threads;        /* threads: the workers serving connections */
    bo_smtp_config_t email; /* [email]: the notices' SMTP server (docs/protocols/smtp.md) */
    bo_sms_config_t sms;    /* [sms]: the notices' SMSC (docs/notices.md, docs/protocols/smpp.md) */
    bo_notices_cfg_t notices;
    bo_console_config_t console; /* [console]: the web console (docs/console.md) */
    /* [alipay]: a QR money provider's keys, kept as written for its own
     * parser below the domain (pay/bo_alipay.h: bo_alipay_cfg_from), which
     * checks them when the provider is opened. */
    bo_config_kv_t provider_keys[BO_CONFIG_PROVIDER_KEYS];
    int n_provider_keys;
    bo_wx_config_t wechat;  /* [wechatpay]: the WeChat Pay merchant account (docs/payments-qr.md) */
} bo_config_t;

/* Fills cfg with the defaults, then reads path (NULL: defaults only). An
 * unknown key or a bad value is K_EINVAL naming the line. */
kerr_t bo_config_load(const char *path, bo_config_t *cfg, kmsg_t *msg);

/* Applies one "section.key=value" over what was loaded. */
kerr_t bo_config_set(bo_config_t *cfg, const char *assignment, kmsg_t *msg);

/* Checks the settings against each other (the per-address limit within the
 * total, the upload memory at least one largest body); K_EINVAL naming the
 * keys if not. */
kerr_t bo_config_check(const bo_config_t *cfg, kmsg_t *msg);

/* Parses quiet hours "HH:MM-HH:MM" (or "none") into minutes after
 * midnight; false if malformed. */
bool bo_config_quiet_parse(const char *text, int *from, int *to);

/* Parses three amounts in minor units, highest first ("2000,1000,500");
 * false if malformed or not strictly falling and positive. */
bool bo_config_levels_parse(const char *text, int64_t out[3]);

/* True if host names the loopback interface (127.0.0.0/8, ::1, localhost). */
bool bo_config_loopback(const char *host);

#define BO_QR_PROVIDERS_MAX 2

/* The real QR money providers the back office opens, into names: the
 * kiosk's first ([qr] provider when it is not sim, else the first of [qr]
 * providers), then the rest of [qr] providers in their order; *n 0 when
 * there is none (sim). K_EINVAL when providers lists more than
 * BO_QR_PROVIDERS_MAX or sim, or leaves out a real [qr] provider. */
kerr_t bo_config_qr_names(const bo_config_t *c, char names[BO_QR_PROVIDERS_MAX][16], size_t *n, kmsg_t *msg);

#endif
