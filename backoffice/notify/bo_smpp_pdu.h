/* SMPP 3.4 PDUs as the SMS channel speaks them (docs/protocols/smpp.md):
 * the 16-byte header, C-octet strings, bind, submit_sm, deliver_sm and the
 * answers; pure (no sockets, no clock), so every byte is unit-tested. */
#ifndef BACKOFFICE_NOTIFY_BO_SMPP_PDU_H
#define BACKOFFICE_NOTIFY_BO_SMPP_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BO_SMPP_HEADER 16
#define BO_SMPP_MAX_PDU 4096 /* longer than anything this profile sends or expects */
#define BO_SMPP_RESP 0x80000000u

/* command_id values (SMPP 3.4 section 5.1.2); an answer has BO_SMPP_RESP set. */
#define BO_SMPP_GENERIC_NACK 0x80000000u
#define BO_SMPP_BIND_TRANSMITTER 0x00000002u
#define BO_SMPP_SUBMIT_SM 0x00000004u
#define BO_SMPP_DELIVER_SM 0x00000005u
#define BO_SMPP_UNBIND 0x00000006u
#define BO_SMPP_BIND_TRANSCEIVER 0x00000009u
#define BO_SMPP_ENQUIRE_LINK 0x00000015u

/* command_status values this profile acts on (SMPP 3.4 section 5.1.3). */
enum {
    BO_SMPP_ROK = 0x00,
    BO_SMPP_RINVMSGLEN = 0x01,
    BO_SMPP_RINVCMDLEN = 0x02,
    BO_SMPP_RINVCMDID = 0x03,
    BO_SMPP_RINVBNDSTS = 0x04,
    BO_SMPP_RSYSERR = 0x08,
    BO_SMPP_RINVSRCADR = 0x0A,
    BO_SMPP_RINVDSTADR = 0x0B,
    BO_SMPP_RBINDFAIL = 0x0D,
    BO_SMPP_RINVPASWD = 0x0E,
    BO_SMPP_RMSGQFUL = 0x14,
    BO_SMPP_RSUBMITFAIL = 0x45,
    BO_SMPP_RTHROTTLED = 0x58,
    BO_SMPP_RX_T_APPN = 0x64,
};

/* What a status means for the message that got it. */
typedef enum bo_smpp_verdict { BO_SMPP_V_OK, BO_SMPP_V_THROTTLED, BO_SMPP_V_TEMPORARY, BO_SMPP_V_PERMANENT } bo_smpp_verdict_t;

/* ok, throttled (0x58), temporary (queue full, system error, unknown and
 * vendor codes: worth another try) or permanent (a bad address, length or
 * option: the same message will never pass). */
bo_smpp_verdict_t bo_smpp_status_verdict(uint32_t status);

/* A short name for a command_status ("ESME_RTHROTTLED"), "ESME_R?" if unknown. */
const char *bo_smpp_status_name(uint32_t status);

/* A short name for a command_id ("submit_sm_resp"), "unknown" otherwise. */
const char *bo_smpp_cmd_name(uint32_t cmd);

typedef struct bo_smpp_header {
    uint32_t len, cmd, status, seq;
} bo_smpp_header_t;

typedef enum bo_smpp_frame { BO_SMPP_MORE, BO_SMPP_WHOLE, BO_SMPP_BAD } bo_smpp_frame_t;

/* Looks at the first n bytes of a stream: MORE if the header or the body
 * is still incomplete, BAD if command_length is under 16 or over
 * BO_SMPP_MAX_PDU (the stream cannot be trusted any more), else WHOLE with
 * h filled (h->len bytes make the PDU). */
bo_smpp_frame_t bo_smpp_frame(const uint8_t *p, size_t n, bo_smpp_header_t *h);

/* ---- encoding: each writes one whole PDU into out and returns its
 * length, or 0 if it does not fit in cap or a field is too long ---- */

/* A PDU with a header only (enquire_link, unbind, their answers, generic_nack). */
size_t bo_smpp_encode_empty(uint32_t cmd, uint32_t status, uint32_t seq, uint8_t *out, size_t cap);

typedef struct bo_smpp_bind {
    bool transceiver; /* false: bind_transmitter */
    const char *system_id, *password, *system_type;
} bo_smpp_bind_t;

/* bind_transceiver or bind_transmitter, interface_version 0x34, no address range. */
size_t bo_smpp_encode_bind(const bo_smpp_bind_t *b, uint32_t seq, uint8_t *out, size_t cap);

typedef struct bo_smpp_submit {
    const char *source;       /* the sender id */
    uint8_t source_ton, source_npi;
    const char *dest;         /* digits, international */
    uint8_t esm_class;        /* 0x40 when sm carries a UDH */
    uint8_t registered_delivery;
    uint8_t data_coding;      /* 0x08: UCS-2 */
    const uint8_t *sm;        /* short_message, at most 254 octets */
    size_t sm_len;
} bo_smpp_submit_t;

/* submit_sm: dest_addr_ton 1 / npi 1, the other optional fields empty or 0. */
size_t bo_smpp_encode_submit(const bo_smpp_submit_t *s, uint32_t seq, uint8_t *out, size_t cap);

/* deliver_sm_resp with an empty message_id. */
size_t bo_smpp_encode_deliver_resp(uint32_t status, uint32_t seq, uint8_t *out, size_t cap);

/* ---- decoding: p holds one whole PDU as bo_smpp_frame found it ---- */

/* The message_id of a submit_sm_resp (or a bind answer's system_id) into
 * id; false if the body is not one terminated C-octet string that fits. An
 * error answer may have no body: then id is "" and true. */
bool bo_smpp_decode_resp_id(const uint8_t *p, size_t n, char *id, size_t cap);

typedef struct bo_smpp_deliver {
    char source[22];       /* source_addr (the handset: never logged in clear) */
    size_t source_off;     /* where source_addr's octets begin in the PDU */
    uint8_t esm_class, data_coding;
    const uint8_t *sm;     /* short_message, pointing into the PDU */
    size_t sm_len;
    char receipted_id[66]; /* TLV 0x001E, "" if absent */
    int message_state;     /* TLV 0x0427, -1 if absent */
} bo_smpp_deliver_t;

/* Every mandatory field of a deliver_sm and the TLVs this profile reads;
 * false if a field overruns the PDU or a string is too long. */
bool bo_smpp_decode_deliver(const uint8_t *p, size_t n, bo_smpp_deliver_t *d);

#endif
