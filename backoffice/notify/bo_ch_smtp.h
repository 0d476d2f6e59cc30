/* The e-mail channel (docs/protocols/smtp.md): a notice handed to an SMTP
 * server with libcurl, STARTTLS required and the server's certificate
 * verified, optionally after a login. One connection per message; no
 * delivery reports (reports() passes on none). */
#ifndef BACKOFFICE_NOTIFY_BO_CH_SMTP_H
#define BACKOFFICE_NOTIFY_BO_CH_SMTP_H

#include "backoffice/base/bo_smtp_config.h"
#include "backoffice/notify/bo_channel.h"
#include "base/err.h"

/* Opens the channel on cfg ([email]): checks the settings (a smtp:// or
 * smtps:// URL, a plain sender address, a readable CA file) and reads the
 * password file when a user is set; K_EINVAL or K_EIO with msg saying which
 * setting. On K_OK, out's send maps the server's answers: connection
 * failures, timeouts, TLS and login failures and 4xx to BO_SEND_RETRY, a
 * 5xx to RCPT or to the message itself, and a malformed message, to
 * BO_SEND_REJECTED; the resident's address appears in msg only masked. */
kerr_t bo_ch_smtp_open(const bo_smtp_config_t *cfg, bo_channel_t *out, kmsg_t *msg);

#endif
