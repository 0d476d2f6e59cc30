/* Internal to the back-office link: the client handle and one HTTP
 * exchange on libcurl. Nothing here decides anything about money. */
#ifndef SYNC_SYNC_INT_H
#define SYNC_SYNC_INT_H

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "sync/sync_client.h"

/* The most bytes of a body an error message quotes. */
#define SYNC_QUOTE_MAX 60

struct sync_client {
    const kiosk_config_t *cfg;
    CURL *curl;
    int batch_max;      /* the most rows an upload sends: sync.batch, halved after a 413 (for the client's life) */
    bool upload_failed; /* the last upload failed: later answers do not clear that from the link's state */
    sync_signer_t signer; /* signs the uploads; sign NULL: none given */
};

/* An answer from the back office. */
typedef struct sync_answer {
    long status;      /* the HTTP status */
    cJSON *json;      /* the body parsed, NULL if it is not JSON */
    char *text;       /* the body as received (NUL-terminated), NULL if empty */
    size_t len;
    char etag[128];   /* the ETag header, "" if none */
    char code[48];    /* error.code of an error answer, "" if none */
    bool unreachable; /* no connection was made: the request never got there */
    bool aborted;     /* abandoned because abort said so */
} sync_answer_t;

/* Says true to abandon a request under way (the resident's cancel). */
typedef bool (*sync_abort_fn)(void *ctx);

/* One request: method "GET" or "POST", path under sync.url, body JSON
 * (NULL for none), timeout_ms (0: sync.timeout_ms), abort (may be NULL),
 * if_none_match (NULL for none). K_OK with a->status once an answer came;
 * K_ETIMEOUT when none came (a->unreachable if it never got there,
 * a->aborted when abort said so). Free a with sync__answer_free. */
kerr_t sync__request(sync_client_t *c, const char *method, const char *path, const char *body, long timeout_ms,
                     sync_abort_fn abort, void *abort_ctx, const char *if_none_match, sync_answer_t *a, kmsg_t *msg);

/* POSTs body with X-Kiosk-Signature: signature (an upload). As
 * sync__request otherwise. */
kerr_t sync__post_signed(sync_client_t *c, const char *path, const char *body, const char *signature,
                         sync_answer_t *a, kmsg_t *msg);

/* The first bytes of a body (at most SYNC_QUOTE_MAX) for a message, each
 * byte that is not printable ASCII (or a quote) as '?', "..." if cut. */
void sync__quote(const char *text, size_t len, char *out, size_t out_len);

/* Frees what an answer holds. */
void sync__answer_free(sync_answer_t *a);

/* K_EDEVICE with "the back office answered STATUS: message" (or the first
 * bytes of a body that is not JSON). */
kerr_t sync__refused(const sync_answer_t *a, kmsg_t *msg);

/* Reads member name of o as an exact integer (|v| <= 2^53); false if it
 * is missing or not one. */
bool sync__int(const cJSON *o, const char *name, int64_t *out);

/* Copies member name of o (a string) into dst; false if it is missing,
 * not a string or too long. */
bool sync__str(const cJSON *o, const char *name, char *dst, size_t len);

/* Whether url is plain HTTP to a loopback host (the only plain HTTP allowed). */
bool sync__loopback_http(const char *url);

/* Records the link's state in the ledger: an answer came (ok) or not. An
 * answer after a failed upload (c->upload_failed; c may be NULL) leaves the
 * failure standing: the link is well only once the outbox goes up. */
void sync__note(sync_client_t *c, ledger_t *l, bool ok, const char *why);

/* The back office's document key the kiosk pins (sync.pubkey), decoded;
 * K_EINVAL saying so when there is none (sync_docs.c). */
kerr_t sync__pinned_key(const kiosk_config_t *cfg, uint8_t pk[32], kmsg_t *msg);

#endif
