/* Configuration: one INI file plus `--set section.key=value` overrides.
 * Every key is described once (type, range, default, help) in config.c;
 * validation, the documented sample and `kioskctl config show` all come
 * from that table. An empty file is a valid configuration. */
#ifndef ENGINE_CONFIG_H
#define ENGINE_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "core/money.h"

#define CFG_STR 128
#define CFG_PATH_LEN 512

typedef struct kiosk_config {
    /* [site] */
    char site_id[CFG_STR];
    char site_name[CFG_STR];    /* as residents know the place ("" none) */
    char site_contact[CFG_STR]; /* how residents reach its staff: a phone number and a place ("" none) */
    char kiosk_id[CFG_STR];
    char identity_dir[CFG_PATH_LEN]; /* "": "identity" next to the ledger (config_identity_dir) */
    char currency_code[4];
    const currency_t *currency; /* resolved from currency_code */
    uint32_t operator_code;
    /* [ledger] */
    char ledger_path[CFG_PATH_LEN];
    int64_t ledger_lock_wait_ms;
    /* [gateway] */
    char gateway_protocol[CFG_STR];
    char gateway_address[CFG_STR];
    int64_t gateway_timeout_ms;
    int64_t gateway_retries;
    char gateway_master_key_file[CFG_PATH_LEN];
    char gateway_fake_dir[CFG_PATH_LEN];
    /* [registry] */
    char registry_path[CFG_PATH_LEN];
    /* [cash] */
    char cash_protocol[CFG_STR];
    char cash_device[CFG_PATH_LEN];
    char cash_denominations[CFG_STR];
    bool cash_echo;
    /* [payterm] */
    char payterm_protocol[CFG_STR];
    char payterm_address[CFG_STR];
    char payterm_password[CFG_STR];
    int64_t payterm_timeout_ms;
    int64_t payterm_ack_timeout_ms;
    /* [card] */
    char card_protocol[CFG_STR];
    char card_reader[CFG_STR];
    char card_keys[CFG_STR];
    char card_key_file[CFG_PATH_LEN];
    char card_sam_reader[CFG_STR];
    /* [printer] */
    char printer_protocol[CFG_STR];
    char printer_transport[CFG_STR];
    char printer_device[CFG_PATH_LEN];
    char printer_address[CFG_STR];
    char printer_path[CFG_PATH_LEN];
    char printer_baud[CFG_STR];
    int64_t printer_timeout_ms;
    int64_t printer_status_timeout_ms;
    /* [delivery] */
    int64_t delivery_attempts;
    int64_t retry_base_ms;
    int64_t retry_max_ms;
    /* [limits] */
    int64_t min_purchase;
    int64_t max_purchase;
    /* [ui] */
    char ui_resolution[CFG_STR];
    int64_t ui_dpi;
    int64_t ui_idle_timeout_s;
    char ui_language[CFG_STR];
    char ui_presets[CFG_STR];
    char ui_tariff[CFG_STR];
    char ui_tariff_water[CFG_STR];
    bool ui_fullscreen;
    char ui_voice[CFG_STR];  /* on | off: the spoken instructions when each resident starts */
    int64_t ui_voice_volume; /* 0..100 */
    /* [log] */
    /* [sync] */
    char sync_url[CFG_STR];
    char sync_ca_file[CFG_PATH_LEN];
    char sync_cert_file[CFG_PATH_LEN];
    char sync_key_file[CFG_PATH_LEN];
    int64_t sync_batch;
    int64_t sync_timeout_ms;
    int64_t sync_retry_base_ms;
    int64_t sync_retry_max_ms;
    bool sync_qr;
    int64_t sync_qr_ttl_s;
    char sync_pubkey[CFG_STR];
    int64_t sync_offline_after_s;
    int64_t sync_offline_max_purchase;
    int64_t sync_offline_total;
    int64_t sync_offline_hours;
    int64_t sync_heartbeat_s;
    char log_level[CFG_STR];
} kiosk_config_t;

/* Fills every field with its documented default. */
void config_defaults(kiosk_config_t *cfg);

/* Reads an INI file over cfg. On error, msg holds one line naming the file
 * and line ("kiosk.ini:12: unknown key ...") and cfg may be partly set. */
kerr_t config_load_file(kiosk_config_t *cfg, const char *path, kmsg_t *msg);

/* Applies one "section.key=value" override. */
kerr_t config_set(kiosk_config_t *cfg, const char *assignment, kmsg_t *msg);

/* Checks rules that span keys (min_purchase <= max_purchase, ...). */
kerr_t config_check(const kiosk_config_t *cfg, kmsg_t *msg);

/* Reads ui.resolution ("1280x800") into width and height. */
bool config_ui_size(const kiosk_config_t *cfg, int *width, int *height);

/* Files of the identity folder (provisioning/identity.h writes them). */
#define CONFIG_IDENTITY_CERT "cert.pem"        /* the enrolled certificate */
#define CONFIG_IDENTITY_TLS_KEY "tls.key"      /* its private key */
#define CONFIG_IDENTITY_DOC_KEY "document.pub" /* the back office's document key, base64 */
#define CONFIG_IDENTITY_LEDGER "ledger.id"     /* the identity of the kiosk's ledger (kiosk/site/site_ledger.c) */

/* The folder of the kiosk's own keys and certificate: site.identity_dir,
 * or "identity" in the ledger's folder. False if the path is too long. */
bool config_identity_dir(const kiosk_config_t *cfg, char *out, size_t len);

/* Fills in what sync.cert_file, sync.key_file and sync.pubkey leave empty
 * from the identity folder of an enrolled kiosk (kioskctl enrol stores the
 * certificate, its key and the back office's document key there), so an
 * enrolled kiosk syncs without further settings. Changes nothing for a
 * kiosk that was not enrolled. */
void config_identity_fallback(kiosk_config_t *cfg);

/* Writes a sample file: every key, commented, with its default and help. */
void config_write_sample(FILE *out);

/* Writes the effective configuration as INI. */
void config_dump(const kiosk_config_t *cfg, FILE *out);

#endif
