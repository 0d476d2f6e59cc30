/* Internal to the back-office link: the client handle and one HTTP
 * exchange on libcurl. Nothing here decides anything about money. */
#ifndef SYNC_SYNC_INT_H
#define SYNC_SYNC_INT_H

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "sync/sync_client.h"

struct sync_client {
    const kiosk_config_t *cfg;
    CURL *curl;
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

/* Frees what an answer holds. */
void sync__answer_free(sync_answer_t *a);

/* K_EDEVICE with "the back office answered STATUS: message". */
kerr_t sync__refused(const sync_answer_t *a, kmsg_t *msg);

/* Reads member name of o as an exact integer (|v| <= 2^53); false if it
 * is missing or not one. */
bool sync__int(const cJSON *o, const char *name, int64_t *out);

/* Copies member name of o (a string) into dst; false if it is missing,
 * not a string or too long. */
bool sync__str(const cJSON *o, const char *name, char *dst, size_t len);

/* Whether url is plain HTTP to a loopback host (the only plain HTTP allowed). */
bool sync__loopback_http(const char *url);

/* Records the link's state in the ledger: an answer came (ok) or not. */
void sync__note(ledger_t *l, bool ok, const char *why);

#endif
