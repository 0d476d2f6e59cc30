/* An e-mail notice as RFC 5322 text (docs/protocols/smtp.md): headers with
 * RFC 2047 encoded words where the text is not plain ASCII, a text/plain
 * UTF-8 body in base64, CRLF line ends. Pure: no I/O, no network. */
#ifndef BACKOFFICE_NOTIFY_BO_MAIL_FORMAT_H
#define BACKOFFICE_NOTIFY_BO_MAIL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* What one message says. Every text is UTF-8; no header field may hold a
 * CR or LF (the message is refused: no header can be injected). */
typedef struct bo_mail {
    const char *from;      /* the sender's address (ASCII) */
    const char *from_name; /* From's display name; "" or NULL: none */
    const char *to;        /* the resident's address (ASCII) */
    const char *subject;
    const char *text;      /* the body; line ends become CRLF */
    const char *key;       /* the notice's idempotency key: the Message-ID's left part */
    const char *lang;      /* "zh_CN" or "en" (Content-Language); NULL or "": none */
    int64_t date_ms;       /* the Date header, ms since the epoch (written in UTC) */
} bo_mail_t;

/* A message built in memory (malloc'd; bo_mail_buf_free releases it). */
typedef struct bo_mail_buf {
    char *data;
    size_t len, cap;
    bool failed; /* out of memory on the way */
} bo_mail_buf_t;

/* Builds m's message into out (which it initialises). K_EINVAL when a field
 * is malformed or holds a line break: msg names the field, never the
 * resident's address in clear. */
kerr_t bo_mail_format(const bo_mail_t *m, bo_mail_buf_t *out, kmsg_t *msg);

/* Releases b's memory. */
void bo_mail_buf_free(bo_mail_buf_t *b);

/* Writes the Message-ID for key sent from the address from, with its angle
 * brackets: <KEY@DOMAIN>, the key's bytes other than letters, digits, '-'
 * and '_' written =XX, so the same key gives the same id on every resend.
 * K_EINVAL if key is empty, too long or holds a line break, or it does not
 * fit len. */
kerr_t bo_mail_message_id(const char *key, const char *from, char *out, size_t len, kmsg_t *msg);

/* True if addr is a plain address this channel sends to: ASCII local@domain,
 * no spaces, brackets, quotes or control characters, at most 254 bytes. */
bool bo_mail_address_ok(const char *addr);

/* Writes addr masked for logs and messages: its first character, "***",
 * and its domain ("a***@example.com"); "***" if it has no '@'. */
void bo_mail_mask(const char *addr, char *out, size_t len);

#endif
