/* Central commands: issued at the back office -> executed at the meter.
 * Starts metersim, `backoffice serve` (plain HTTP on loopback) and a
 * `kioskctl worker` against them, then issues N relay commands (trip and
 * close in turn) to one meter through the staff API, one at a time, and
 * prints, median and p99:
 *   - issued -> executed: the command's issued_at (the back office's clock)
 *     to its executed_at (the kiosk's clock, same machine: when the kiosk
 *     committed the outcome, right after the meter answered);
 *   - issued -> outcome at the back office: the bench's clock from the
 *     POST to seeing the command final through the API (polled every 2 ms);
 *   - the wire time of the frames the command took (metersim's own count
 *     of the bytes on its bus: identity read + relay command).
 *
 *   command_bench --backoffice BIN --kioskctl BIN --metersim BIN [--commands N] [--baud 2400|9600] [--dir DIR]
 */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "base/timefmt.h"
#include "bench_util.h"

#define NAME "command_bench"

static char dir[512];
static int port, control;

/* Runs a shell command built from fmt; its first line of output into out. */
static void sh(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sh(char *out, size_t len, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    if (!p)
        bench_die(NAME, cmd);
    char line[1024] = "";
    if (!fgets(line, sizeof line, p))
        line[0] = '\0';
    while (fgetc(p) != EOF) {
    }
    if (pclose(p) != 0)
        bench_die(NAME, cmd);
    line[strcspn(line, "\n")] = '\0';
    if (out)
        snprintf(out, len, "%s", line);
}

typedef struct buf {
    char *p;
    size_t n;
} buf_t;

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    buf_t *b = arg;
    char *p = realloc(b->p, b->n + size * n + 1);
    if (!p)
        return 0;
    memcpy(p + b->n, data, size * n);
    b->p = p;
    b->n += size * n;
    b->p[b->n] = '\0';
    return size * n;
}

/* A request to the back office's staff API; the answer parsed. */
static cJSON *api(CURL *c, const char *path, const char *body)
{
    char url[256];
    buf_t b = {0};
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPGET, body ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(h);
    cJSON *o = rc == CURLE_OK && b.p ? cJSON_Parse(b.p) : NULL;
    free(b.p);
    if (!o)
        bench_die(NAME, "the back office's API did not answer");
    return o;
}

static const char *str(const cJSON *o, const char *name)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, name));
    return s ? s : "";
}

static int64_t ms_of(const cJSON *o, const char *name)
{
    int64_t ms = 0;
    if (!ktime_parse_ms(str(o, name), &ms))
        bench_die(NAME, "a command without its times");
    return ms;
}

/* metersim's count of the wire time of every byte on its bus so far. */
static int64_t wire_us(void)
{
    char reply[256] = "";
    long long w = -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)control)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || write(fd, "stats\n", 6) != 6)
        bench_die(NAME, "metersim's control port");
    size_t got = 0;
    ssize_t r;
    while (got + 1 < sizeof reply && (r = read(fd, reply + got, sizeof reply - 1 - got)) > 0 &&
           !memchr(reply, '\n', got + (size_t)r))
        got += (size_t)r;
    close(fd);
    const char *at = strstr(reply, "wire_us=");
    if (!at || sscanf(at, "wire_us=%lld", &w) != 1)
        bench_die(NAME, "metersim's stats");
    return w;
}

static void start(const char *bo, const char *ctl, const char *sim, int baud)
{
    char key[128], ports[700];
    sh(NULL, 0,
       "cd %s && printf '000102030405060708090a0b0c0d0e0f\\n' >master.key && chmod 600 master.key && "
       "(%s --state state.json --meters 2 --ports-file ports --master-key master.key --baud %d --speed 0 "
       ">/dev/null 2>metersim.log & echo $! >sim.pid) && for i in $(seq 100); do [ -s ports ] && break; sleep 0.05; done",
       dir, sim, baud);
    snprintf(ports, sizeof ports, "%s/ports", dir);
    FILE *f = fopen(ports, "r");
    int dlt = 0;
    char k[16];
    int v;
    while (f && fscanf(f, "%15s %d", k, &v) == 2)
        dlt = strcmp(k, "dlt645") == 0 ? v : dlt, control = strcmp(k, "control") == 0 ? v : control;
    if (f)
        fclose(f);
    if (!dlt || !control)
        bench_die(NAME, "metersim did not start");
    sh(NULL, 0,
       "cd %s && printf 'meter,customer,protocol,gateway\\n000000000001,100000000001,dlt645,127.0.0.1:%d\\n' >meters.csv && "
       "printf '[ledger]\\npath = %s/ledger.db\\n[gateway]\\nprotocol = dlt645\\nmaster_key_file = %s/master.key\\n"
       "timeout_ms = 500\\n[registry]\\npath = %s/meters.csv\\n[log]\\nlevel = error\\n' >kiosk.ini && "
       "printf '[server]\\nlisten = 127.0.0.1\\nport = 0\\ndatabase = %s/bo.db\\nplain_http = true\\n"
       "[signing]\\nkey = %s/signing.key\\n[server]\\nlog_level = error\\n' >bo.ini",
       dir, dlt, dir, dir, dir, dir, dir);
    sh(key, sizeof key, "%s --config %s/kiosk.ini identity --json | sed -n 's/.*\"upload_key\":[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p'",
       ctl, dir);
    sh(NULL, 0,
       "cd %s && B='%s --config bo.ini' && $B keygen >/dev/null && $B site add S1 Hall >/dev/null && "
       "$B kiosk add K1 --site S1 --by-hand --upload-key '%s' >/dev/null && $B customer add 100000000001 C >/dev/null && "
       "$B meter add 000000000001 --customer 100000000001 --protocol dlt645 --gateway 127.0.0.1:%d >/dev/null && "
       "($B serve >bo.port 2>bo.log & echo $! >bo.pid) && for i in $(seq 100); do [ -s bo.port ] && break; sleep 0.05; done",
       dir, bo, key, dlt);
    char p[64];
    sh(p, sizeof p, "grep -o '[0-9]*' %s/bo.port | head -1", dir);
    port = atoi(p);
    if (!port)
        bench_die(NAME, "the back office did not start");
    sh(NULL, 0,
       "cd %s && printf '[site]\\nkiosk_id = K1\\n[sync]\\nurl = http://127.0.0.1:%d\\npubkey = %%s\\n' "
       "\"$(%s --config bo.ini pubkey | grep -o '[A-Za-z0-9+/=]\\{44\\}' | head -1)\" >>kiosk.ini && "
       "(%s --config kiosk.ini worker --interval 1000 >worker.log 2>&1 & echo $! >worker.pid)",
       dir, port, bo, ctl);
}

static void stop(void)
{
    sh(NULL, 0, "cd %s && kill $(cat worker.pid) $(cat bo.pid) $(cat sim.pid) 2>/dev/null; sleep 0.3; true", dir);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"backoffice", required_argument, NULL, 'b'},
                                         {"kioskctl", required_argument, NULL, 'k'},
                                         {"metersim", required_argument, NULL, 'm'},
                                         {"commands", required_argument, NULL, 'n'},
                                         {"baud", required_argument, NULL, 'r'},
                                         {"dir", required_argument, NULL, 'd'},
                                         {0, 0, 0, 0}};
    const char *bo = NULL, *ctl = NULL, *sim = NULL, *base = "/tmp";
    int n = 50, baud = 9600, ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'b') bo = optarg;
        else if (ch == 'k') ctl = optarg;
        else if (ch == 'm') sim = optarg;
        else if (ch == 'n') n = atoi(optarg);
        else if (ch == 'r') baud = atoi(optarg);
        else if (ch == 'd') base = optarg;
        else
            bench_die(NAME, "usage: --backoffice BIN --kioskctl BIN --metersim BIN [--commands N] [--baud B] [--dir D]");
    }
    char abs_bo[4096], abs_ctl[4096], abs_sim[4096];
    if (!bo || !ctl || !sim)
        bench_die(NAME, "give --backoffice, --kioskctl and --metersim");
    if ((!realpath(bo, abs_bo) || !realpath(ctl, abs_ctl) || !realpath(sim, abs_sim)))
        bench_die(NAME, "a program given is not there");
    bo = abs_bo, ctl = abs_ctl, sim = abs_sim;
    if (n < 1 || n > 10000 || (baud != 2400 && baud != 9600))
        bench_die(NAME, "give --backoffice, --kioskctl and --metersim, 1..10000 commands, baud 2400 or 9600");
    snprintf(dir, sizeof dir, "%s/command-bench-XXXXXX", base);
    if (!mkdtemp(dir))
        bench_die(NAME, "cannot make a folder");
    start(bo, ctl, sim, baud);
    usleep(1500 * 1000); /* the worker's first long poll is open */
    CURL *c = curl_easy_init();
    int64_t *exec = calloc((size_t)n, sizeof *exec), *seen = calloc((size_t)n, sizeof *seen),
            *wire = calloc((size_t)n, sizeof *wire);
    int done = 0;
    for (int i = 0; i < n; i++) {
        char body[256];
        snprintf(body, sizeof body, "{\"meter\": \"000000000001\", \"command\": \"%s\", \"operator\": \"bench\", "
                                    "\"reason\": \"bench\"}", i % 2 ? "relay_close" : "relay_trip");
        int64_t w0 = wire_us(), t0 = bench_now_us();
        cJSON *o = api(c, "/v1/admin/commands", body);
        char path[128];
        snprintf(path, sizeof path, "/v1/admin/commands/%s", str(o, "id"));
        cJSON_Delete(o);
        for (;;) {
            o = api(c, path, NULL);
            const char *s = str(o, "state");
            if (strcmp(s, "queued") != 0 && strcmp(s, "sent") != 0)
                break;
            cJSON_Delete(o);
            if (bench_now_us() - t0 > 20 * 1000000LL)
                bench_die(NAME, "a command took more than 20 s");
            usleep(2000);
        }
        seen[i] = bench_now_us() - t0;
        if (strcmp(str(o, "state"), "done") == 0) {
            exec[done] = (ms_of(o, "executed_at") - ms_of(o, "issued_at")) * 1000;
            wire[done++] = wire_us() - w0;
        }
        cJSON_Delete(o);
    }
    curl_easy_cleanup(c);
    stop();
    if (done < n)
        fprintf(stderr, "%s: %d of %d commands did not end done\n", NAME, n - done, n);
    if (!done)
        bench_die(NAME, "no command done");
    printf("central relay commands, dlt645 at %d baud, %d commands (one at a time), kioskctl worker long-polling:\n",
           baud, n);
    int64_t m_exec = bench_pct(exec, done, 50), p_exec = bench_pct(exec, done, 99);
    int64_t m_wire = bench_pct(wire, done, 50), p_wire = bench_pct(wire, done, 99);
    int64_t m_seen = bench_pct(seen, n, 50), p_seen = bench_pct(seen, n, 99);
    printf("  issued -> executed (outcome committed at the kiosk)  median %7.1f ms   p99 %7.1f ms\n",
           (double)m_exec / 1000, (double)p_exec / 1000);
    printf("  issued -> outcome back at the back office           median %7.1f ms   p99 %7.1f ms\n",
           (double)m_seen / 1000, (double)p_seen / 1000);
    printf("  wire time of the command's frames                  median %7.1f ms   p99 %7.1f ms\n",
           (double)m_wire / 1000, (double)p_wire / 1000);
    printf("  goal: executed within 2 s plus wire time: %s\n", p_exec <= 2000000 + p_wire ? "met (p99)" : "NOT met");
    sh(NULL, 0, "rm -rf %s", dir);
    free(exec);
    free(seen);
    free(wire);
    return 0;
}
