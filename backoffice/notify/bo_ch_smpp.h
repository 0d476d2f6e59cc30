/* The SMS channel: SMPP 3.4 to an SMSC (docs/protocols/smpp.md, docs/notices.md). */
#ifndef BACKOFFICE_NOTIFY_BO_CH_SMPP_H
#define BACKOFFICE_NOTIFY_BO_CH_SMPP_H

#include <stdbool.h>
#include <stdint.h>

#include "backoffice/notify/bo_channel.h"
#include "base/clock.h"
#include "base/err.h"

typedef struct bo_smpp_config {
    const char *host; /* the SMSC: an IPv4 address or a name */
    int port;         /* 2775 is usual */
    const char *system_id, *password, *system_type; /* at most 15, 8, 12 characters */
    const char *source;     /* the sender id the resident sees (at most 20) */
    uint8_t source_ton, source_npi; /* 5/0 alphanumeric, 1/1 international digits */
    bool transmitter;       /* bind_transmitter: receipts then come on another session, not here */
    int window;             /* submit_sm outstanding at once (default 10) */
    int timeout_ms;         /* one send's time limit, connecting included (default 10000) */
    int enquire_ms;         /* an enquire_link after this much silence (default 30000) */
    int backoff_ms, backoff_max_ms; /* reconnecting after a failure (defaults 1000, 60000) */
    const kclock_t *clock;  /* the deadlines' monotonic time (NULL: the system's); it must run */
} bo_smpp_config_t;

/* Checks cfg and makes an SMS channel in out; it connects and binds on
 * its first send (or reports call). send returns OK with the message_id
 * the SMSC gave the first part of the message; a receipt for a
 * multi-part message is reported once, under that id, when every part
 * has one (delivered only if every part was). K_EINVAL with msg saying
 * which setting is wrong; K_EIO when out of memory. */
kerr_t bo_ch_smpp_open(const bo_smpp_config_t *cfg, bo_channel_t *out, kmsg_t *msg);

#endif
