/* libFuzzer target: the reference back office's requests as its route
 * table takes them (backoffice/http/bo_route.c), every handler with its
 * decoding, ingest rules and SQL, on an in-memory database holding a site,
 * an active kiosk K1, a kiosk K2 still enrolling, a customer with an
 * account and a meter, a tariff, a sale and a count lease of K1's, and its
 * QR order Q1 still open, K2's enrolment code MZXW-6YTB-OIQC-A4DE (put
 * back before every input).
 *
 * The input is up to 8 requests, each as text: "METHOD /path?query",
 * header lines "Name: value", an empty line, the body; a line "###"
 * between two requests. The server runs as for the tests and the demo:
 * plain HTTP on loopback (the path names the kiosk), test
 * hooks and the simulated payment provider on, enrolment on with a CA that
 * cannot be read (every enrolment request is decoded and looked up, then
 * fails at signing). libmicrohttpd's argument and header look-up is
 * replaced by one reading the input's.
 *
 * What the back office promises, checked on every answer:
 * - a status between 200 and 599 and a body (but for 304, not modified);
 *   JSON that parses, and for an error an "error" object with a code and a
 *   message;
 * - no request makes it fail inside (5xx), except enrolment here;
 * - an upload answered 200 is answered again word for word when it comes
 *   back (rows are stored once, by kiosk, ledger and outbox seq).
 *
 * Uploads are made as K1 makes them: one whose body starts {"rows": gets
 * the ledger in front, and one without an X-Kiosk-Signature header is
 * signed with K1's upload key (registered in the fixture), so mutated
 * bodies still reach the rows; one that names a signature is checked as
 * it stands. */
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backoffice/cli/bo_cli.h"
#include "backoffice/domain/bo_enrol.h"
#include "backoffice/http/bo_server.h"
#include "backoffice/store_sqlite/bo_db.h"
#include "backoffice/store_sqlite/bo_sqlite.h"
#include "base/log.h"

#define MAX_ARGS 8
#define MAX_REQUESTS 8
#define SEPARATOR "\n###\n"

typedef struct req {
    char method[16], path[512];
    char *arg_name[MAX_ARGS], *arg_val[MAX_ARGS], *hdr_name[MAX_ARGS], *hdr_val[MAX_ARGS];
    int n_args, n_hdrs;
    const char *body;
    size_t body_len;
    char text[4096]; /* the request line and headers, cut into the strings above */
} req_t;

static req_t req;
static bo_server_t server;
static unsigned char *image; /* the database as set up */
static sqlite3_int64 image_len;

/* K1's upload key (a fixed seed: the same every run), its public half in
 * base64 for `kiosk add`, and the signature of the request being run. */
static unsigned char k1_pk[crypto_sign_PUBLICKEYBYTES], k1_sk[crypto_sign_SECRETKEYBYTES];
static char k1_key[64], signature[100];

/* An upload's body as K1 sends it: one starting {"rows": gets the ledger
 * in front, so the seeds and what grows from them reach the rows. */
static char upload[8192];

#define FUZZ_LEDGER "{\"ledger\":{\"id\":\"0d6c1a7e-5b2f-4c3d-8e9f-a0b1c2d3e4f5\",\"created_at\":\"2026-11-01T08:00:00.000Z\"},"

/* libmicrohttpd's look-up, from the input's query and headers; an upload
 * that names no X-Kiosk-Signature is signed with K1's key, as a kiosk
 * signs it (one that names one is checked as it stands). */
const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind, const char *key)
{
    (void)connection;
    bool args = kind == MHD_GET_ARGUMENT_KIND;
    char **names = args ? req.arg_name : req.hdr_name, **vals = args ? req.arg_val : req.hdr_val;
    for (int i = 0; i < (args ? req.n_args : req.n_hdrs); i++)
        if (args ? strcmp(names[i], key) == 0 : strcasecmp(names[i], key) == 0)
            return vals[i];
    if (args || strcasecmp(key, "X-Kiosk-Signature") != 0)
        return NULL;
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)req.body, req.body_len, k1_sk);
    sodium_bin2base64(signature, sizeof signature, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    return signature;
}

/* Puts the ledger in front of an upload that names none. */
static void name_ledger(void)
{
    const char *rows = "{\"rows\":";
    size_t lead = strlen(FUZZ_LEDGER);
    if (req.body_len < strlen(rows) || memcmp(req.body, rows, strlen(rows)) != 0 ||
        lead + req.body_len >= sizeof upload)
        return;
    memcpy(upload, FUZZ_LEDGER, lead);
    memcpy(upload + lead, req.body + 1, req.body_len - 1);
    req.body = upload;
    req.body_len = lead + req.body_len - 1;
}

static void query(char *q)
{
    for (char *save = NULL, *kv = strtok_r(q, "&", &save); kv && req.n_args < MAX_ARGS;
         kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        req.arg_name[req.n_args] = kv;
        req.arg_val[req.n_args++] = eq ? (*eq = '\0', eq + 1) : kv + strlen(kv);
    }
}

/* Splits the input; false if it has no request line. */
static bool parse(const uint8_t *data, size_t size)
{
    memset(&req, 0, sizeof req);
    const uint8_t *end = memmem(data, size, "\n\n", 2);
    size_t head = end ? (size_t)(end - data) : size;
    if (head >= sizeof req.text)
        return false;
    memcpy(req.text, data, head);
    req.body = end ? (const char *)end + 2 : "";
    req.body_len = end ? size - head - 2 : 0;
    name_ledger();
    char *save = NULL, *line = strtok_r(req.text, "\n", &save);
    if (!line || sscanf(line, "%15s %511s", req.method, req.path) != 2)
        return false;
    char *q = strchr(req.path, '?');
    if (q) {
        *q = '\0';
        query(q + 1);
    }
    while ((line = strtok_r(NULL, "\n", &save)) && req.n_hdrs < MAX_ARGS) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        req.hdr_name[req.n_hdrs] = line;
        req.hdr_val[req.n_hdrs++] = colon[1] == ' ' ? colon + 2 : colon + 1;
    }
    return true;
}

/* Runs one admin verb of the command line, as staff would (its words
 * separated by '|'). */
static void admin(const char *words)
{
    char buf[256];
    bo_args_t a = {0};
    snprintf(buf, sizeof buf, "%s", words);
    for (char *save = NULL, *w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
        if (strncmp(w, "--", 2) == 0) {
            a.opt_name[a.nopt] = w + 2;
            const char *v = strtok_r(NULL, "|", &save);
            a.opt_val[a.nopt++] = v ? v : ""; /* a flag */
        } else {
            a.pos[a.npos++] = w;
        }
    }
    FILE *out = fopen("/dev/null", "w");
    if (bo_admin(&server.store, &a, out) != BO_EXIT_OK)
        abort(); /* the fixture must be set up */
    fclose(out);
}

static void check(const bo_resp_t *r)
{
    if (r->status < 200 || r->status > 599 || (!r->body && r->status != 304))
        abort();
    if (r->status >= 500 && strcmp(req.path, "/v1/enrol") != 0)
        abort(); /* a request broke the back office */
    if (!r->body || !r->type || strcmp(r->type, "application/json") != 0)
        return;
    cJSON *o = cJSON_Parse(r->body);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
    if (!o || (r->status >= 400 && (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "code")) ||
                                    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")))))
        abort();
    cJSON_Delete(o);
}

/* The request as the HTTP layer hands it over (bo_http.c): admitted on its
 * headers, its body checked against the route's limit, then run. */
static void route(bo_req_t *q, bo_resp_t *r)
{
    size_t limit = 0;
    const char *type = MHD_lookup_connection_value(NULL, MHD_HEADER_KIND, "Content-Type");
    const bo_route_t *rt = bo_route_admit(q, r);
    if (rt && bo_route_body(rt, q, type, (int64_t)q->body_len, &limit, r))
        bo_route_run(rt, q, r);
}

static void answer(bo_resp_t *r)
{
    bo_req_t q = {.s = &server, .method = req.method, .path = req.path, .body = req.body, .body_len = req.body_len};
    memset(r, 0, sizeof *r);
    route(&q, r);
    if (getenv("FUZZ_DEBUG")) /* FUZZ_DEBUG=1: each request and its answer */
        fprintf(stderr, "%s %s -> %u %.300s\n", req.method, req.path, r->status, r->body ? r->body : "");
    check(r);
}

/* Answers one request (and an upload once more); its status, 0 if the
 * input holds none. */
static unsigned request(const uint8_t *data, size_t size)
{
    if (!parse(data, size))
        return 0;
    bo_resp_t r, again;
    answer(&r);
    size_t n = strlen(req.path);
    if (strcmp(req.method, "POST") == 0 && n > 7 && strcmp(req.path + n - 7, "/outbox") == 0 && r.status == 200) {
        answer(&again);
        if (again.status != 200 || strcmp(again.body, r.body) != 0)
            abort(); /* an upload sent again is not answered as the first time */
        free(again.body);
    }
    free(r.body);
    return r.status;
}

/* K1's sale, its count lease and its open QR order (renamed Q1); K2's
 * enrolment code made the one of docs/enrolment.md. */
static void fixture_requests(void)
{
    static const char *const reqs[] = {
        "POST /v1/kiosks/K1/outbox\nContent-Type: application/json\n\n{\"rows\":[{\"seq\":1,\"topic\":\"txn\",\"payload\":{\"id\":"
        "\"6f1c2a4e-3b1d-4c8a-9e2f-0a1b2c3d4e5f\",\"state\":\"delivered\",\"amount\":5000,\"currency\":\"CNY\","
        "\"meter\":\"000012345678\",\"customer\":\"100000000001\",\"method\":\"cash\",\"channel\":\"remote\","
        "\"paid\":5000,\"delivered\":5000,\"refunded\":0,\"purchase_count\":8,\"created_at\":"
        "\"2026-11-21T09:30:00.000Z\",\"updated_at\":\"2026-11-21T09:30:05.000Z\",\"event_seq\":3}}]}",
        "POST /v1/kiosks/K1/counts/reserve\nContent-Type: application/json\n\n{\"meter\":\"000012345678\",\"txn\":"
        "\"7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d\",\"seen\":8}",
        "POST /v1/kiosks/K1/qr-orders\nContent-Type: application/json\n\n{\"txn\":\"8b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e\",\"meter\":"
        "\"000012345678\",\"amount\":3000,\"currency\":\"CNY\",\"ttl_seconds\":600}",
    };
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++)
        if (request((const uint8_t *)reqs[i], strlen(reqs[i])) != 200)
            abort(); /* the fixture must be set up */
    kmsg_t msg = {{0}};
    char hash[65], sql[200];
    if (!bo_enrol_code_hash("MZXW-6YTB-OIQC-A4DE", hash))
        abort();
    snprintf(sql, sizeof sql, "UPDATE qr_order SET id = 'Q1'; UPDATE enrol_code SET code_hash = '%s'", hash);
    if (bo_db_exec(bo_sqlite_db(&server.store), sql, "naming the order and the code", &msg) != K_OK)
        abort();
}

static void set_up(void)
{
    kmsg_t msg = {{0}};
    if (sodium_init() < 0 || bo_config_load(NULL, &server.cfg, &msg) != K_OK ||
        bo_sqlite_open(":memory:", &server.store, &msg) != K_OK)
        abort();
    server.cfg.plain_http = server.cfg.test_hooks = server.cfg.qr_simulate = true;
    snprintf(server.cfg.listen, sizeof server.cfg.listen, "127.0.0.1");
    snprintf(server.cfg.client_ca, sizeof server.cfg.client_ca, "/nonexistent/kiosk-ca.pem");
    snprintf(server.cfg.client_ca_key, sizeof server.cfg.client_ca_key, "/nonexistent/kiosk-ca.key");
    server.stopping = true; /* long polls answer at once */
    pthread_mutex_init(&server.lock, NULL);
    pthread_cond_init(&server.changed, NULL);
    crypto_sign_keypair(server.key.pk, server.key.sk);
    unsigned char seed[crypto_sign_SEEDBYTES] = {'K', '1'};
    crypto_sign_seed_keypair(k1_pk, k1_sk, seed);
    sodium_bin2base64(k1_key, sizeof k1_key, k1_pk, sizeof k1_pk, sodium_base64_VARIANT_ORIGINAL);
    char add_k1[128];
    snprintf(add_k1, sizeof add_k1, "kiosk|add|K1|--site|S1|--upload-key|%s|--by-hand", k1_key); /* a flag last */
    const char *const fixture[] = {
        "site|add|S1|Riverside",
        add_k1,
        "kiosk|add|K2|--site|S1",
        "customer|add|100000000001|A resident",
        "meter|add|000012345678|--customer|100000000001|--protocol|dlt645|--gateway|127.0.0.1:7000",
        "account|open|A1|--customer|100000000001|--meter|000012345678",
        "tariff|set|T1|CNY|single 0.5283",
    };
    for (size_t i = 0; i < sizeof fixture / sizeof fixture[0]; i++)
        admin(fixture[i]);
    server.purged_at = bo_now(&server);
    fixture_requests();
    image = sqlite3_serialize(bo_db_sqlite(bo_sqlite_db(&server.store)), "main", &image_len, 0);
    if (!image)
        abort();
}

/* The database as set up (a fresh connection: the statements the server
 * keeps prepared go with the old one), the clock and the hooks as at start. */
static void reset(void)
{
    unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)image_len);
    if (!copy)
        abort();
    memcpy(copy, image, (size_t)image_len);
    server.store.ops->close(server.store.ctx);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_deserialize(db, "main", copy, image_len, image_len,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK)
        abort();
    bo_db_t *conn = bo_db_adopt_sqlite(db);
    if (!conn)
        abort();
    bo_sqlite_adopt(conn, &server.store);
    server.clock_offset_ms = 0;
    memset(&server.fault, 0, sizeof server.fault);
    server.purged_at = bo_now(&server);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    log_set_level(LOG_ERROR);
    if (!server.store.ops)
        set_up();
    reset();
    for (int i = 0; i < MAX_REQUESTS && size > 0; i++) {
        const uint8_t *sep = memmem(data, size, SEPARATOR, strlen(SEPARATOR));
        size_t n = sep ? (size_t)(sep - data) : size;
        request(data, n);
        data += sep ? n + strlen(SEPARATOR) : n;
        size -= sep ? n + strlen(SEPARATOR) : n;
    }
    return 0;
}
