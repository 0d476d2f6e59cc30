/* The back office as the tests see it: a real `backoffice serve` process on
 * loopback, with certificates made by the openssl command line (the
 * server's CA, the kiosks' CA, and a rogue CA), a signing key, sites S1
 * and S2 with kiosks K1 (S1) and K2 (S2), meters registered by the test;
 * requests through libcurl. */
#ifndef TESTS_BACKOFFICE_BO_HARNESS_H
#define TESTS_BACKOFFICE_BO_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct boh {
    char dir[256];
    char ini[320];
    char database[512]; /* the [server] database setting (bo_testdb.h) */
    pid_t pid;
    int port;
    bool tls;
    char pubkey[64]; /* the signing key's public half, base64 */
} boh_t;

typedef struct boh_resp {
    long status; /* 0 if no answer came */
    int curl_rc; /* CURLE_OK or why the request failed */
    char *body;  /* malloc'd, "" if none */
    char etag[96];
} boh_resp_t;

/* The ledger the harness names in uploads that name none (below). */
#define BOH_LEDGER "0d6c1a7e-5b2f-4c3d-8e9f-a0b1c2d3e4f5"
#define BOH_LEDGER_BEGAN "2026-01-01T00:00:00.000Z"

/* Makes the folder, keys, certificates (if tls), the configuration (with
 * extra_ini appended), site and kiosks (each with its upload key
 * registered: boh_kiosk_key), and starts the server. */
bool boh_setup(boh_t *h, bool tls, const char *extra_ini);

/* Runs SQL text (no results) on the server's database, whichever the
 * engine; false (with the error on stderr) if it failed. */
bool boh_sql(boh_t *h, const char *sql);

/* The first column of sql's first row as text into out (len bytes);
 * false if there is no row or the query failed. */
bool boh_sql_text(boh_t *h, const char *sql, char *out, size_t len);

/* Registers meter on site (S1 is K1's, S2 is K2's), for customer C0 (made
 * the first time): a kiosk acts only for the meters of its site. */
bool boh_meter(boh_t *h, const char *meter, const char *site);

/* Registers kiosk `name`'s upload key (an Ed25519 key made from its name,
 * the same every run) with `backoffice kiosk upload-key`. */
bool boh_kiosk_key(boh_t *h, const char *name);

/* Kiosk `name`'s signature over body as X-Kiosk-Signature wants it
 * (base64 of the 64-byte detached Ed25519 signature); sig >= 89 bytes. */
void boh_sign(const char *name, const char *body, size_t len, char *sig);

/* Makes a client certificate for kiosk `name` under the kiosks' CA (files
 * NAME.pem and NAME.key in the folder). */
bool boh_kiosk_cert(const boh_t *h, const char *name);

/* Stops the server and removes the folder. */
void boh_teardown(boh_t *h);

/* Starts or stops the server process alone (the folder stays); stopping
 * returns its exit status (128 + the signal if one ended it). */
bool boh_start(boh_t *h);
int boh_stop(boh_t *h);

/* Runs `backoffice --config INI ARGS` (ARGS passed to the shell as they
 * are), capturing stdout into out; returns the exit status. */
int boh_cli(boh_t *h, char *out, size_t len, const char *args);

/* boh_cli with the arguments formatted, stdout not kept. */
int boh_clif(boh_t *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* boh_count with the query formatted. */
long boh_countf(boh_t *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A request as kiosk `cert` ("K1", "K2", "rogue" for a K1 certificate from
 * another CA, NULL for none; ignored over plain HTTP). header may be NULL. A
 * body is sent as JSON (Content-Type: application/json) unless header sets
 * another Content-Type. An upload (POST /v1/kiosks/KIOSK/outbox) is sent as
 * a kiosk sends it: a body that starts {"rows": gets the ledger BOH_LEDGER
 * in front, and the body is signed with KIOSK's key unless header is an
 * X-Kiosk-Signature. */
boh_resp_t boh_call(boh_t *h, const char *cert, const char *method, const char *path, const char *body,
                    const char *header);

/* As boh_call, with the body and headers exactly as given. */
boh_resp_t boh_call_raw(boh_t *h, const char *cert, const char *method, const char *path, const char *body,
                        const char *header);

/* Frees a response's body. */
void boh_free(boh_resp_t *r);

/* Counts the rows of a query on the server's database (read-only). */
long boh_count(boh_t *h, const char *sql);

/* A transaction's outbox row (topic txn) as the kiosk's ledger writes it. */
typedef struct boh_txn {
    long long seq, event_seq, amount;
    const char *id, *state, *meter, *method, *day; /* day: "2026-11-21" (its 09:30 UTC), or a UTC time */
    const char *count_text;                        /* "7" or "null" */
} boh_txn_t;

/* Writes the row's JSON into buf; returns its length as snprintf does. */
int boh_txn_row(char *buf, size_t len, const boh_txn_t *t);

/* Uploads t alone as kiosk's outbox (POST /v1/kiosks/KIOSK/outbox). */
boh_resp_t boh_post_txn(boh_t *h, const char *kiosk, const boh_txn_t *t);

/* A loopback TCP port free now (HAProxy's front cannot take 0); 0 if none. */
int boh_free_port(void);

/* Starts haproxy -db -f cfg (quiet: -q) and waits (10 s at most) until
 * GET /v1/health through front (a handle whose port is HAProxy's front)
 * answers 200. Its pid, or -1 (stopped again) if it never did. */
pid_t boh_haproxy(boh_t *front, const char *cfg, bool quiet);

/* A fixed UUIDv4 numbered n. */
void boh_uuid(char out[37], unsigned n);

#endif
