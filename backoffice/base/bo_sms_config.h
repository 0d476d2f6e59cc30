/* The [sms] settings (backoffice.ini.sample, docs/notices.md): the SMSC the
 * notice outbox's SMS channel binds to over SMPP 3.4
 * (docs/protocols/smpp.md). */
#ifndef BACKOFFICE_BASE_BO_SMS_CONFIG_H
#define BACKOFFICE_BASE_BO_SMS_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

typedef struct bo_sms_config {
    char host[256];          /* host: the SMSC, an IPv4 address or a name; empty: none configured */
    int64_t port;            /* port: 1..65535, 2775 by default */
    char system_id[16];      /* system_id: the account at the SMSC (at most 15 characters) */
    char password_file[512]; /* password_file: its first line is the password (at most 8); never logged */
    char system_type[13];    /* system_type: what some SMSCs ask for (at most 12), usually empty */
    char source[21];         /* source: the sender the resident sees: digits, or letters (at most 11) */
    bool transmitter;        /* bind = transmitter (receipts then come elsewhere) or transceiver (default) */
    int64_t window;          /* window: submit_sm outstanding at once (1..100, default 10) */
    int64_t timeout_s;       /* timeout_seconds: one message's hand-over, connecting included (1..120, 10) */
} bo_sms_config_t;

/* Fills c with the defaults: no SMSC, port 2775, transceiver, window 10, 10 s. */
void bo_sms_config_defaults(bo_sms_config_t *c);

/* Applies one [sms] key. Returns false if the value is bad; *known is
 * false if name is no [sms] key. */
bool bo_sms_config_key(bo_sms_config_t *c, const char *name, const char *value, bool *known);

/* Checks the settings as a whole, for an enabled SMS channel: a host, a
 * system_id, a source; K_EINVAL with msg naming the key if not. */
kerr_t bo_sms_config_check(const bo_sms_config_t *c, kmsg_t *msg);

/* Whether source is all digits (an international number: TON 1, NPI 1)
 * rather than a name (alphanumeric: TON 5, NPI 0). */
bool bo_sms_source_numeric(const char *source);

#endif
