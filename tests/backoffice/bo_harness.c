#include "bo_harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backoffice/store_sqlite/bo_db.h"
#include "bo_testdb.h"
#include "support/support.h"

static bool sh(const boh_t *h, const char *inner)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && { %s; } >>openssl.log 2>&1", h->dir, inner);
    return system(cmd) == 0;
}

/* A CA, then a leaf with cn signed by it, its extensions in ext. */
static bool make_ca(const boh_t *h, const char *name)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout %s.key -out %s.pem "
             "-days 2 -subj /CN=test-ca",
             name, name);
    return sh(h, cmd);
}

static bool make_leaf(const boh_t *h, const char *ca, const char *name, const char *cn, const char *ext)
{
    char subj[64];
    snprintf(subj, sizeof subj, "%s", cn);
    if (!file_write(h->dir, "ext.cnf", ext))
        return false;
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout %s.key -out %s.csr "
             "-subj /CN=%s && openssl x509 -req -in %s.csr -CA %s.pem -CAkey %s.key -CAcreateserial -out %s.pem "
             "-days 2 -extfile ext.cnf",
             name, name, subj, name, ca, ca, name);
    return sh(h, cmd);
}

bool boh_kiosk_cert(const boh_t *h, const char *name)
{
    return make_leaf(h, "kiosk-ca", name, name, "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n");
}

static bool make_certs(const boh_t *h)
{
    const char *srv = "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
                      "extendedKeyUsage=serverAuth\n";
    const char *cli = "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n";
    return make_ca(h, "server-ca") && make_ca(h, "kiosk-ca") && make_ca(h, "rogue-ca") &&
           make_leaf(h, "server-ca", "server", "localhost", srv) && make_leaf(h, "kiosk-ca", "K1", "K1", cli) &&
           make_leaf(h, "kiosk-ca", "K2", "K2", cli) && make_leaf(h, "rogue-ca", "rogue", "K1", cli);
}

static bool write_ini(boh_t *h, const char *extra)
{
    char text[2048];
    snprintf(text, sizeof text,
             "[server]\nport = 0\ndatabase = %s\nplain_http = %s\n[tls]\ncert = %s/server.pem\n"
             "key = %s/server.key\nclient_ca = %s/kiosk-ca.pem\n[signing]\nkey = %s/signing.key\n"
             "[qr]\nsimulate = true\n[test]\nhooks = true\n%s",
             h->database, h->tls ? "false" : "true", h->dir, h->dir, h->dir, h->dir, extra ? extra : "");
    snprintf(h->ini, sizeof h->ini, "%s/bo.ini", h->dir);
    return file_write(h->dir, "bo.ini", text);
}

int boh_cli(boh_t *h, char *out, size_t len, const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' --config '%s' %s 2>>'%s/cli.log'", getenv("BACKOFFICE"), h->ini, args, h->dir);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = 0;
    char tmp[512];
    size_t got;
    while ((got = fread(tmp, 1, sizeof tmp, p)) > 0)
        for (size_t i = 0; i < got && out && n + 1 < len; i++)
            out[n++] = tmp[i];
    if (out && len)
        out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int boh_clif(boh_t *h, const char *fmt, ...)
{
    char args[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return boh_cli(h, NULL, 0, args);
}

long boh_countf(boh_t *h, const char *fmt, ...)
{
    char sql[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return boh_count(h, sql);
}

/* Servers still running, stopped at exit when a failed assertion skipped
 * the test's teardown. */
static pid_t live[32];

static void stop_live(void)
{
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++)
        if (live[i] > 0) {
            kill(live[i], SIGTERM);
            waitpid(live[i], NULL, 0);
            live[i] = 0;
        }
}

static void track(pid_t pid, bool add)
{
    static bool registered;
    if (!registered)
        registered = atexit(stop_live) == 0;
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++)
        if (add ? live[i] == 0 : live[i] == pid) {
            live[i] = add ? pid : 0;
            return;
        }
}

bool boh_start(boh_t *h)
{
    int fd[2];
    if (pipe(fd) != 0)
        return false;
    h->pid = fork();
    if (h->pid == 0) {
        char log[300];
        snprintf(log, sizeof log, "%s/serve.log", h->dir);
        dup2(fd[1], 1);
        FILE *e = freopen(log, "a", stderr);
        (void)e;
        close(fd[0]);
        execl(getenv("BACKOFFICE"), "backoffice", "--config", h->ini, "serve", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    if (h->pid > 0)
        track(h->pid, true);
    struct pollfd p = {.fd = fd[0], .events = POLLIN};
    char line[32] = "";
    ssize_t n = poll(&p, 1, 10000) == 1 ? read(fd[0], line, sizeof line - 1) : -1;
    close(fd[0]);
    if (n <= 0)
        return false;
    line[n] = '\0';
    h->port = atoi(line);
    return h->port > 0;
}

int boh_stop(boh_t *h)
{
    int st = 0;
    if (h->pid > 0) {
        kill(h->pid, SIGTERM);
        waitpid(h->pid, &st, 0);
        track(h->pid, false);
    }
    h->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

bool boh_setup(boh_t *h, bool tls, const char *extra_ini)
{
    memset(h, 0, sizeof *h);
    h->tls = tls;
    signal(SIGPIPE, SIG_IGN);
    if (!tmpdir_make(h->dir, sizeof h->dir) || !bo_testdb_make(h->dir, "bo.db", h->database, sizeof h->database) ||
        !write_ini(h, extra_ini) || (tls && !make_certs(h)))
        return false;
    char out[256];
    if (boh_cli(h, out, sizeof out, "keygen") != 0 || sscanf(out, "%63s", h->pubkey) != 1)
        return false;
    return boh_cli(h, NULL, 0, "site add S1 Market") == 0 && boh_cli(h, NULL, 0, "site add S2 Lobby") == 0 &&
           boh_cli(h, NULL, 0, "kiosk add K1 --site S1 --by-hand") == 0 &&
           boh_cli(h, NULL, 0, "kiosk add K2 --site S2 --by-hand") == 0 && boh_kiosk_key(h, "K1") &&
           boh_kiosk_key(h, "K2") && boh_start(h);
}

/* Kiosk name's upload key pair, made from its name. */
static void key_of(const char *name, uint8_t pk[32], uint8_t sk[64])
{
    uint8_t seed[32];
    if (sodium_init() < 0)
        abort();
    crypto_generichash(seed, sizeof seed, (const uint8_t *)name, strlen(name), (const uint8_t *)"boh-upload-key", 14);
    crypto_sign_seed_keypair(pk, sk, seed);
}

bool boh_kiosk_key(boh_t *h, const char *name)
{
    uint8_t pk[32], sk[64];
    key_of(name, pk, sk);
    char b64[64], args[200];
    sodium_bin2base64(b64, sizeof b64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    snprintf(args, sizeof args, "kiosk upload-key %s %s", name, b64);
    return boh_cli(h, NULL, 0, args) == 0;
}

void boh_sign(const char *name, const char *body, size_t len, char *sig)
{
    uint8_t pk[32], sk[64], s[64];
    key_of(name, pk, sk);
    crypto_sign_detached(s, NULL, (const uint8_t *)body, len, sk);
    sodium_bin2base64(sig, 89, s, sizeof s, sodium_base64_VARIANT_ORIGINAL);
}

bool boh_meter(boh_t *h, const char *meter, const char *site)
{
    char args[200];
    if (boh_count(h, "SELECT count(*) FROM customer WHERE id = 'C0'") != 1 &&
        boh_cli(h, NULL, 0, "customer add C0 Owner") != 0)
        return false;
    snprintf(args, sizeof args, "meter add %s --customer C0 --protocol dlt645 --gateway 10.0.0.1:8899 --site %s",
             meter, site);
    return boh_cli(h, NULL, 0, args) == 0;
}

void boh_teardown(boh_t *h)
{
    boh_stop(h);
    if (!getenv("BOH_KEEP"))
        bo_testdb_drop(h->database);
    if (getenv("BOH_KEEP"))
        fprintf(stderr, "kept %s\n", h->dir);
    else
        tmpdir_remove(h->dir);
}

typedef struct sink {
    char *buf;
    size_t n;
} sink_t;

static size_t on_data(char *p, size_t size, size_t n, void *u)
{
    sink_t *s = u;
    char *b = realloc(s->buf, s->n + size * n + 1);
    if (!b)
        return 0;
    memcpy(b + s->n, p, size * n);
    s->n += size * n;
    b[s->n] = '\0';
    s->buf = b;
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *u)
{
    boh_resp_t *r = u;
    if (size * n > 6 && strncasecmp(p, "ETag: ", 6) == 0)
        snprintf(r->etag, sizeof r->etag, "%.*s", (int)strcspn(p + 6, "\r\n"), p + 6);
    return size * n;
}

static void set_tls(CURL *c, const boh_t *h, const char *cert, char *a, char *b, char *ca)
{
    snprintf(ca, 300, "%s/server-ca.pem", h->dir);
    curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    if (cert) {
        snprintf(a, 300, "%s/%s.pem", h->dir, cert);
        snprintf(b, 300, "%s/%s.key", h->dir, cert);
        curl_easy_setopt(c, CURLOPT_SSLCERT, a);
        curl_easy_setopt(c, CURLOPT_SSLKEY, b);
    }
}

/* A request with up to two extra header lines (each may be NULL). */
static boh_resp_t boh_call_headers(boh_t *h, const char *cert, const char *method, const char *path,
                                   const char *body, const char *header, const char *header2)
{
    boh_resp_t r = {0};
    sink_t s = {0};
    char url[512], a[300], b[300], ca[300];
    snprintf(url, sizeof url, "%s://127.0.0.1:%d%s", h->tls ? "https" : "http", h->port, path);
    CURL *c = curl_easy_init();
    struct curl_slist *hdr = header ? curl_slist_append(NULL, header) : NULL;
    if (body && !(header && strncasecmp(header, "Content-Type:", 13) == 0))
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
    if (header2)
        hdr = curl_slist_append(hdr, header2);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 40L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (h->tls)
        set_tls(c, h, cert, a, b, ca);
    r.curl_rc = (int)curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdr);
    r.body = s.buf ? s.buf : strdup("");
    return r;
}

boh_resp_t boh_call_raw(boh_t *h, const char *cert, const char *method, const char *path, const char *body,
                        const char *header)
{
    return boh_call_headers(h, cert, method, path, body, header, NULL);
}

void boh_free(boh_resp_t *r)
{
    free(r->body);
    r->body = NULL;
}

long boh_count(boh_t *h, const char *sql)
{
    bo_db_t *db = NULL;
    kmsg_t msg = {{0}};
    int64_t n = -1;
    if (bo_db_open(h->database, &db, &msg) != K_OK || bo_db_int(db, sql, NULL, &n, &msg) != K_OK) {
        fprintf(stderr, "boh_count: %s\n", msg.text);
        n = -1;
    }
    bo_db_close(db);
    return (long)n;
}

bool boh_sql(boh_t *h, const char *sql)
{
    bo_db_t *db = NULL;
    kmsg_t msg = {{0}};
    kerr_t rc = bo_db_open(h->database, &db, &msg);
    if (rc == K_OK)
        rc = bo_db_exec(db, sql, "running a test's SQL", &msg);
    if (rc)
        fprintf(stderr, "boh_sql: %s\n", msg.text);
    bo_db_close(db);
    return rc == K_OK;
}

bool boh_sql_text(boh_t *h, const char *sql, char *out, size_t len)
{
    bo_db_t *db = NULL;
    kmsg_t msg = {{0}};
    bool found = false;
    kerr_t rc = bo_db_open(h->database, &db, &msg);
    if (rc == K_OK)
        rc = bo_db_text(db, sql, out, len, &found, &msg);
    if (rc)
        fprintf(stderr, "boh_sql_text: %s\n", msg.text);
    bo_db_close(db);
    return rc == K_OK && found;
}

int boh_txn_row(char *buf, size_t len, const boh_txn_t *t)
{
    char at[32], upd[32];
    if (strlen(t->day) > 10) { /* a time: "2026-11-30T23:30:00.000Z" */
        snprintf(at, sizeof at, "%s", t->day);
        snprintf(upd, sizeof upd, "%s", t->day);
    } else {
        snprintf(at, sizeof at, "%sT09:30:00.000Z", t->day);
        snprintf(upd, sizeof upd, "%sT09:30:05.000Z", t->day);
    }
    return snprintf(buf, len,
                    "{\"seq\":%lld,\"topic\":\"txn\",\"payload\":{\"id\":\"%s\",\"state\":\"%s\","
                    "\"amount\":%lld,\"currency\":\"CNY\",\"meter\":\"%s\",\"customer\":\"\","
                    "\"method\":\"%s\",\"channel\":\"remote\",\"card\":\"\",\"paid\":%lld,"
                    "\"delivered\":%lld,\"refunded\":0,\"purchase_count\":%s,\"reason\":\"\","
                    "\"created_at\":\"%s\",\"updated_at\":\"%s\","
                    "\"event_seq\":%lld,\"event\":\"applied\",\"from\":\"delivering\"}}",
                    t->seq, t->id, t->state, t->amount, t->meter, t->method, t->amount,
                    strcmp(t->state, "delivered") == 0 ? t->amount : 0LL, t->count_text, at, upd, t->event_seq);
}

boh_resp_t boh_post_txn(boh_t *h, const char *kiosk, const boh_txn_t *t)
{
    char row[2048], body[2200], path[96];
    boh_txn_row(row, sizeof row, t);
    snprintf(body, sizeof body, "{\"rows\":[%s]}", row);
    snprintf(path, sizeof path, "/v1/kiosks/%s/outbox", kiosk);
    return boh_call(h, kiosk, "POST", path, body, NULL);
}

void boh_uuid(char out[37], unsigned n)
{
    snprintf(out, 37, "6f1c2a4e-3b1d-4c8a-9e2f-%012x", n);
}

/* The kiosk an upload's path names, or false if path is not an upload. */
static bool upload_kiosk(const char *method, const char *path, char kiosk[65])
{
    int end = 0;
    return strcmp(method, "POST") == 0 && sscanf(path, "/v1/kiosks/%64[^/]/outbox%n", kiosk, &end) == 1 &&
           path[end] == '\0';
}

boh_resp_t boh_call(boh_t *h, const char *cert, const char *method, const char *path, const char *body,
                    const char *header)
{
    char kiosk[65];
    if (!body || !upload_kiosk(method, path, kiosk))
        return boh_call_raw(h, cert, method, path, body, header);
    static const char rows[] = "{\"rows\":";
    char *sent = NULL;
    if (strncmp(body, rows, strlen(rows)) == 0 &&
        asprintf(&sent, "{\"ledger\":{\"id\":\"%s\",\"created_at\":\"%s\"},%s", BOH_LEDGER, BOH_LEDGER_BEGAN,
                 body + 1) < 0)
        abort();
    const char *b = sent ? sent : body;
    char line[128] = "";
    if (!header || strncasecmp(header, "X-Kiosk-Signature:", 18) != 0) {
        char sig[89];
        boh_sign(kiosk, b, strlen(b), sig);
        snprintf(line, sizeof line, "X-Kiosk-Signature: %s", sig);
    }
    boh_resp_t r = boh_call_headers(h, cert, method, path, b, header, line[0] ? line : NULL);
    free(sent);
    return r;
}

int boh_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
                       getsockname(fd, (struct sockaddr *)&a, &len) == 0
                   ? ntohs(a.sin_port)
                   : 0;
    if (fd >= 0)
        close(fd);
    return port;
}

pid_t boh_haproxy(boh_t *front, const char *cfg, bool quiet)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (quiet)
            execlp("haproxy", "haproxy", "-q", "-db", "-f", cfg, (char *)NULL);
        else
            execlp("haproxy", "haproxy", "-db", "-f", cfg, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; pid > 0 && i < 200; i++) {
        boh_resp_t r = boh_call(front, NULL, "GET", "/v1/health", NULL, NULL);
        long status = r.status;
        boh_free(&r);
        if (status == 200)
            return pid;
        usleep(50 * 1000);
    }
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
    return -1;
}
