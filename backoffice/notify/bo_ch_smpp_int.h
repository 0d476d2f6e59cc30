/* The SMS channel's inside: its context, the session (bo_smpp_sess.c) and
 * the receipts (bo_smpp_dlr.c) that the channel's operations
 * (bo_ch_smpp.c) use. */
#ifndef BACKOFFICE_NOTIFY_BO_CH_SMPP_INT_H
#define BACKOFFICE_NOTIFY_BO_CH_SMPP_INT_H

#include "backoffice/notify/bo_ch_smpp.h"
#include "backoffice/notify/bo_smpp_pdu.h"
#include "backoffice/notify/bo_smpp_text.h"

#define SMPP_LOG "smpp"
#define SMPP_REPORTS 128 /* receipts kept until reports() passes them on */
#define SMPP_MULTI 64    /* multi-part messages whose receipts are being gathered */

/* A multi-part message waiting for the receipts of all its parts. */
typedef struct smpp_multi {
    char ids[BO_SMPP_MAX_PARTS][66];
    uint8_t total, seen; /* seen: a bit per part */
    bool all_ok;
    char state[24];
} smpp_multi_t;

typedef struct bo_smpp {
    char host[128], system_id[16], password[9], system_type[13], source[21];
    bo_smpp_config_t cfg; /* its strings point at the copies above */
    int fd;               /* -1: not connected */
    bool bound;
    uint32_t next_seq;
    uint8_t rx[2 * BO_SMPP_MAX_PDU];
    size_t rx_n;
    int64_t last_io_ms;    /* the last PDU in or out */
    uint32_t enquire_seq;  /* 0: none outstanding */
    int64_t enquire_ms;    /* when it went out */
    unsigned failures;     /* connection failures in a row */
    int64_t reconnect_at;  /* no new connection before */
    int64_t pace_ms;       /* the slowdown after ESME_RTHROTTLED, 0 when none */
    int64_t not_before;    /* no submit_sm before */
    uint32_t jitter;
    bo_delivery_report_t reports[SMPP_REPORTS];
    size_t rep_head, rep_n;
    smpp_multi_t multi[SMPP_MULTI];
    size_t multi_next;
} bo_smpp_t;

int64_t smpp_now(const bo_smpp_t *s);

/* The next sequence_number, 1..0x7FFFFFFF. */
uint32_t smpp_seq(bo_smpp_t *s);

/* Connects and binds within the time limit; K_OK when bound. On failure
 * the connection is closed, the next attempt is put off by the backoff,
 * and msg says why. */
kerr_t smpp_sess_open(bo_smpp_t *s, int64_t deadline, kmsg_t *msg);

/* Sends one PDU (hex-dumped at debug level as log, which the caller may
 * have masked; NULL: pdu itself). False (and the session dropped) if the
 * connection broke. */
bool smpp_sess_write(bo_smpp_t *s, const uint8_t *pdu, size_t n, const uint8_t *log);

/* Reads until a response to one of our requests arrives (into pdu, cap
 * BO_SMPP_MAX_PDU, *h its header) or deadline passes, answering what the
 * SMSC asks on the way (receipts, enquire_link, unbind). 1: a response;
 * 0: none by the deadline; -1: the session is gone. */
int smpp_sess_next(bo_smpp_t *s, int64_t deadline, bo_smpp_header_t *h, uint8_t *pdu);

/* Handles whatever already arrived without waiting, and sends an
 * enquire_link after enquire_ms of silence (dropping the session when the
 * last one went unanswered for timeout_ms). False if the session is gone. */
bool smpp_sess_pump(bo_smpp_t *s);

/* Closes the connection; the next attempt waits out the backoff. */
void smpp_sess_drop(bo_smpp_t *s, const char *why);

/* unbind, a short wait for unbind_resp, and close. */
void smpp_sess_close(bo_smpp_t *s);

/* A deliver_sm arrived: answers it and, when it is a receipt, keeps its report. */
void smpp_dlr_received(bo_smpp_t *s, const uint8_t *pdu, size_t n, uint32_t seq);

/* A multi-part message is about to go out: its receipts will be gathered
 * in the entry returned, whose ids the caller fills in as the answers come
 * (a receipt can come before the last part's answer), and whose total it
 * sets to 0 if the message is not accepted after all. */
smpp_multi_t *smpp_dlr_expect(bo_smpp_t *s, int total);

#endif
