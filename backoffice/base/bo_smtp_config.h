/* The [email] settings (backoffice.ini.sample, docs/protocols/smtp.md):
 * where the notice outbox's e-mail channel hands its messages over. */
#ifndef BACKOFFICE_BASE_BO_SMTP_CONFIG_H
#define BACKOFFICE_BASE_BO_SMTP_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bo_smtp_config {
    char url[256];           /* server_url: smtp://host[:port] (STARTTLS required) or smtps://; empty: e-mail off */
    char from[254];          /* from: the sender's address, in MAIL FROM and From: (ASCII) */
    char from_name[128];     /* from_name: From's display name (UTF-8), e.g. 物业服务中心 */
    char user[128];          /* user: the SMTP login; empty: no AUTH */
    char password_file[512]; /* password_file: its first line is the password (mode 600); read at open, never logged */
    char ca_file[512];       /* ca_file: PEM CAs the server's certificate must chain to; empty: the system's */
    int64_t timeout_s;       /* timeout_seconds: one message's whole exchange (1..600) */
} bo_smtp_config_t;

/* Fills c with the defaults: e-mail off, timeout 30 s. */
void bo_smtp_config_defaults(bo_smtp_config_t *c);

/* Applies one [email] key. Returns false if the value is bad; *known is
 * false if name is no [email] key. */
bool bo_smtp_config_key(bo_smtp_config_t *c, const char *name, const char *value, bool *known);

#endif
