/* smscsim: an SMSC speaking SMPP 3.4 to ESMEs (docs/sim/smscsim.md), with
 * a codec of its own written from the specification (smsc_wire.c). */
#ifndef SIM_SMSCSIM_SMSC_H
#define SIM_SMSCSIM_SMSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMSC_LOG "smscsim"
#define SMSC_CONNS 8
#define SMSC_PDU_MAX 4096
#define SMSC_MSGS 4096  /* whole messages kept for list */
#define SMSC_PENDING 64 /* concatenations waiting for parts */
#define SMSC_TEXT 2048  /* UTF-8 bytes of one whole message */
#define SMSC_PARTS 16   /* parts of one concatenated message at most */

/* ---- the wire (smsc_wire.c) ---- */

typedef struct smsc_pdu {
    uint32_t length, id, status, seq;
    const uint8_t *body;
    size_t body_len;
} smsc_pdu_t;

/* How many bytes the PDU at the start of buf[0..n) takes: 0 if more are
 * needed, -1 if its length cannot be (under 16 or over SMSC_PDU_MAX). */
long smsc_wire_need(const uint8_t *buf, size_t n);

/* Splits a whole PDU of n bytes into header and body. */
void smsc_wire_split(const uint8_t *buf, size_t n, smsc_pdu_t *p);

/* An output PDU being built: fields appended, then closed. */
typedef struct smsc_out {
    uint8_t b[SMSC_PDU_MAX];
    size_t n;
    bool full;
} smsc_out_t;

void smsc_out_begin(smsc_out_t *o, uint32_t id, uint32_t status, uint32_t seq);
void smsc_out_byte(smsc_out_t *o, unsigned v);
void smsc_out_str(smsc_out_t *o, const char *s); /* with its NUL */
void smsc_out_raw(smsc_out_t *o, const void *p, size_t n);
/* Writes command_length; false if anything did not fit. */
bool smsc_out_end(smsc_out_t *o);

/* A cursor over a body. */
typedef struct smsc_in {
    const uint8_t *b;
    size_t n, i;
    bool broken;
} smsc_in_t;

unsigned smsc_in_byte(smsc_in_t *in);
/* A NUL-terminated field of at most max bytes (NUL included) into out. */
void smsc_in_str(smsc_in_t *in, char *out, size_t max);

typedef struct smsc_submit {
    char source[21], dest[21];
    unsigned esm_class, registered_delivery, data_coding;
    const uint8_t *sm;
    size_t sm_len;
} smsc_submit_t;

/* The fields of a submit_sm body; false if it is malformed. */
bool smsc_wire_submit(const uint8_t *body, size_t n, smsc_submit_t *s);

/* UCS-2/UTF-16BE octets to UTF-8 (NUL-terminated, cut to cap); a lone
 * surrogate becomes U+FFFD. */
void smsc_ucs2_to_utf8(const uint8_t *p, size_t n, char *out, size_t cap);

/* ---- the centre ---- */

typedef struct smsc_conn {
    int fd; /* -1: free */
    uint8_t rx[2 * SMSC_PDU_MAX];
    size_t rx_n;
    int bound; /* 0, or the bind command_id */
    char system_id[16];
    uint32_t out_seq;
} smsc_conn_t;

typedef struct smsc_msg {
    char id[16];  /* the first part's message_id */
    char ids[200]; /* every part's, space-separated */
    char to[21], from[21];
    int parts;
    unsigned data_coding;
    char text[SMSC_TEXT];
} smsc_msg_t;

/* Parts of one concatenated message seen so far. */
typedef struct smsc_pending {
    bool used;
    char to[21], from[21];
    unsigned ref, total, have; /* have: a bit per part */
    uint8_t body[SMSC_PARTS][134];
    size_t len[SMSC_PARTS];
    char ids[SMSC_PARTS][16];
} smsc_pending_t;

typedef struct smsc_faults {
    int64_t fail;      /* the next N submit_sm: ESME_RSYSERR */
    int64_t silent;    /* the next N submit_sm: no answer at all */
    int64_t refuse;    /* the next N binds: ESME_RBINDFAIL */
    uint32_t reject;   /* the next submit_sm: this status (0: none) */
    bool throttle;     /* every submit_sm: ESME_RTHROTTLED */
    bool auto_receipt; /* a DELIVRD receipt right after each accepted part */
    int64_t latency;   /* submit_sm answered this many ms late (0: at once) */
} smsc_faults_t;

#define SMSC_LATER 4096

/* A submit_sm answer held back by the latency. */
typedef struct smsc_later {
    int conn, fd; /* the connection, and its descriptor then (a new session gets none) */
    uint32_t seq, status;
    char id[16];
    bool receipt;
    int64_t due;
} smsc_later_t;

typedef struct smsc {
    smsc_conn_t conn[SMSC_CONNS];
    smsc_faults_t faults;
    const char *password; /* NULL: any */
    smsc_msg_t *msgs;
    size_t n_msgs;
    smsc_pending_t *pending; /* SMSC_PENDING */
    uint64_t next_id;
    smsc_later_t *later; /* SMSC_LATER, a ring */
    size_t later_head, later_n;
    uint64_t submits, binds, receipts_sent, enquires, throttled;
} smsc_t;

/* Handles one whole PDU from conn c (answering it). */
void smsc_handle(smsc_t *s, smsc_conn_t *c, const uint8_t *pdu, size_t n);

/* Sends the held-back answers that are due; returns the ms until the next
 * one (-1: none). */
int smsc_later_flush(smsc_t *s, int64_t now);

/* Sends a receipt for message_id with stat (DELIVRD, UNDELIV ...) to the
 * ESME that submitted it (or any bound receiver); false if none is bound. */
bool smsc_send_receipt(smsc_t *s, const char *id, const char *stat);

/* Closes an ESME connection. */
void smsc_hang_up(smsc_conn_t *c, const char *why);

/* Writes a PDU to a connection (hanging it up if that fails). */
bool smsc_send(smsc_conn_t *c, smsc_out_t *o);

/* Answers a control line ("ok ..." or "error ..."), malloc'd. */
char *smsc_control(smsc_t *s, char *line);

typedef struct smsc_listen {
    const char *addr, *ports_file;
    int smpp, control;
} smsc_listen_t;

/* The poll loop until SIGTERM or SIGINT; the exit status. */
int smsc_serve(smsc_t *s, const smsc_listen_t *l);

#endif
