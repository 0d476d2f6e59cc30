/* The kiosk's side of enrolment (docs/enrolment.md): one POST /v1/enrol
 * with the one-time code, the certificate request and the upload key, over
 * HTTPS verified against sync.ca_file and without a client certificate
 * (the kiosk has none yet; the code stands for it). */
#ifndef SYNC_SYNC_ENROL_H
#define SYNC_SYNC_ENROL_H

#include "engine/config.h"

/* What the kiosk sends. */
typedef struct sync_enrol_req {
    const char *code;       /* the one-time code staff got from `backoffice kiosk add` */
    const char *csr;        /* PEM, CN = the kiosk's id */
    const char *upload_key; /* Ed25519 public key, base64 */
    const char *kiosk_code; /* the code the kiosk shows (sync_kiosk_code) */
} sync_enrol_req_t;

/* What the back office answered; the strings are malloc'd. */
typedef struct sync_enrol_answer {
    char kiosk[CFG_STR], site[CFG_STR];
    char *certificate;    /* the kiosk's certificate, PEM */
    char *ca_certificate; /* the kiosks' CA, PEM */
    char document_key[64]; /* the back office's signing key, base64 */
    char *settings;       /* the kiosk's settings, JSON text */
} sync_enrol_answer_t;

/* Posts req to url (https://host:port; http:// on loopback only). K_EINVAL
 * for a url or sync.ca_file that cannot work (nothing was sent); K_ETIMEOUT
 * if no answer came; K_EDENIED with the back office's reason if it refused
 * (a wrong, expired or used code...); K_ECORRUPT for an answer that lacks
 * what it must hold. On K_OK free a with sync_enrol_answer_free. */
kerr_t sync_enrol(const kiosk_config_t *cfg, const char *url, const sync_enrol_req_t *req, sync_enrol_answer_t *a,
                  kmsg_t *msg);

/* Frees what an answer holds. */
void sync_enrol_answer_free(sync_enrol_answer_t *a);

#endif
