/* The collector's scan through metersim (docs/collector.md): a site's scan
 * of every meter with the bus lock taken per exchange, against the wire
 * time of the bytes exchanged (goal: at most 1.2x); and a sale's latency,
 * paid -> delivered, while another process scans, against the same on an
 * idle bus (goal: at most 1.1x). Each sale is opened, takes --pay-ms to be
 * paid (a resident's notes or a card's authorisation take longer), and is
 * delivered. The meters answer with zero delay.
 *
 *   collector_bench --metersim BIN [--meters N] [--baud 2400|9600] [--sales N] [--pay-ms MS] [--dir DIR]
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench_util.h"
#include "engine/engine.h"
#include "kiosk/site/site_devices.h"
#include "support/simclient.h"
#include "support/support.h"

#define NAME "collector_bench"

typedef struct side { /* what one process opens: its own ledger connection, gateway and bus */
    registry_t reg;
    ledger_t *ledger;
    gw_t gw;
    engine_bus_t bus;
    engine_t eng;
} side_t;

static int64_t wire_us(const sc_sim_t *sim)
{
    char reply[256];
    long long wire = -1;
    if (!sc_control(sim, "stats", reply, sizeof reply) || !strstr(reply, "wire_us=") ||
        sscanf(strstr(reply, "wire_us="), "wire_us=%lld", &wire) != 1)
        bench_die(NAME, "metersim has no stats");
    return wire;
}

static void registry_file(const char *dir, int meters, int port)
{
    size_t cap = (size_t)meters * 64 + 64, len = 0;
    char *reg = malloc(cap);
    if (!reg)
        bench_die(NAME, "out of memory");
    len += (size_t)snprintf(reg, cap, "meter,customer,protocol,gateway\n");
    for (int i = 1; i <= meters; i++)
        len += (size_t)snprintf(reg + len, cap - len, "%012d,1%011d,dlt645,127.0.0.1:%d\n", i, i, port);
    if (!file_write(dir, "meters.csv", reg))
        bench_die(NAME, "cannot write the registry");
    free(reg);
}

static void side_open(side_t *s, const kiosk_config_t *c)
{
    kmsg_t msg = {""};
    memset(s, 0, sizeof *s);
    if (registry_load(c->registry_path, &s->reg, &msg) || site_gateway_open(c, &s->reg, &s->gw, &msg) ||
        ledger_open(c->ledger_path, LEDGER_CREATE, NULL, &s->ledger, &msg) ||
        engine_bus_open(&s->bus, c->ledger_path, &msg))
        bench_die(NAME, msg.text);
    site_gateway_hook(&s->gw, engine_bus_frame_hook(&s->bus));
    s->eng = (engine_t){.ledger = s->ledger, .gw = &s->gw, .bus = &s->bus, .cfg = c};
}

static void side_close(side_t *s)
{
    ledger_close(s->ledger);
    gw_close(&s->gw);
    engine_bus_close(&s->bus);
    registry_free(&s->reg);
}

/* Reads meters from..to through the scan's path; dies on a meter that does not answer. */
static void scan_range(side_t *s, int from, int to)
{
    for (int i = from; i <= to; i++) {
        char meter[13];
        gw_reading_t r;
        ledger_alert_t alerts[INSPECT_MAX_ALERTS];
        size_t n;
        kmsg_t msg = {""};
        snprintf(meter, sizeof meter, "%012d", i);
        if (engine_read_meter_for(&s->eng, meter, READ_SCAN, &r, alerts, &n, &msg) != K_OK)
            bench_die(NAME, msg.text);
    }
}

/* One sale to meter 1, its payment taking pay_ms; returns its latency,
 * paid -> delivered, in us. */
static int64_t one_sale(side_t *s, int pay_ms)
{
    char id[UUID_STR_LEN];
    const registry_entry_t *e = registry_find(&s->reg, "000000000001");
    sale_req_t req = {.meter = "000000000001", .customer = e->customer, .method = METHOD_CASH,
                      .channel = CHANNEL_REMOTE, .amount = 1000};
    ledger_payment_t p = {.method = METHOD_CASH, .amount = 1000, .denomination = 1000};
    ledger_txn_t t;
    kmsg_t msg = {""};
    if (engine_open_sale(&s->eng, &req, id, &msg) || engine_begin_payment(&s->eng, id, &msg))
        bench_die(NAME, msg.text);
    usleep((useconds_t)pay_ms * 1000);
    if (engine_accept_payment(&s->eng, id, &p, &msg) || engine_finish_payment(&s->eng, id, &msg))
        bench_die(NAME, msg.text);
    int64_t t0 = bench_now_us();
    if (engine_deliver(&s->eng, id, &t, &msg) != K_OK || t.state != TXN_DELIVERED)
        bench_die(NAME, msg.text[0] ? msg.text : "a sale was not delivered");
    return bench_now_us() - t0;
}

/* n sales' latencies: median into *median, p99 into *p99. */
static void sales(side_t *s, int n, int pay_ms, int64_t *median, int64_t *p99)
{
    int64_t *lat = calloc((size_t)n, sizeof *lat);
    if (!lat)
        bench_die(NAME, "out of memory");
    for (int i = 0; i < n; i++) {
        lat[i] = one_sale(s, pay_ms);
        usleep(20000); /* let the scan take the bus again between sales */
    }
    *median = bench_pct(lat, n, 50);
    *p99 = bench_pct(lat, n, 99);
    free(lat);
}

/* A process scanning meters 2..meters round and round until killed. */
static pid_t scanner(const kiosk_config_t *c, int meters)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    side_t s;
    side_open(&s, c);
    for (;;)
        scan_range(&s, 2, meters);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"metersim", required_argument, NULL, 'm'}, {"meters", required_argument, NULL, 'n'},
        {"baud", required_argument, NULL, 'b'},     {"sales", required_argument, NULL, 's'},
        {"dir", required_argument, NULL, 'd'},      {"pay-ms", required_argument, NULL, 'p'},
        {0, 0, 0, 0},
    };
    const char *bin = NULL, *dir = NULL;
    int meters = 1000, baud = 9600, n_sales = 20, pay_ms = 500, ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'm')
            bin = optarg;
        else if (ch == 'n')
            meters = atoi(optarg);
        else if (ch == 'b')
            baud = atoi(optarg);
        else if (ch == 's')
            n_sales = atoi(optarg);
        else if (ch == 'd')
            dir = optarg;
        else if (ch == 'p')
            pay_ms = atoi(optarg);
        else
            bench_die(NAME, "usage: collector_bench --metersim BIN [--meters N] [--baud 2400|9600] [--sales N] [--pay-ms MS] [--dir DIR]");
    }
    if (!bin || meters < 2 || meters > 10000 || (baud != 2400 && baud != 9600) || n_sales < 1 || pay_ms < 0 ||
        pay_ms > 60000)
        bench_die(NAME, "give --metersim BIN, 2..10000 meters, a baud rate of 2400 or 9600, sales >= 1 and a payment "
                        "of 0..60000 ms");
    if (dir)
        setenv("TMPDIR", dir, 1);
    char tmp[512], n[16], b[16];
    if (!tmpdir_make(tmp, sizeof tmp))
        bench_die(NAME, "cannot make a folder");
    snprintf(n, sizeof n, "%d", meters);
    snprintf(b, sizeof b, "%d", baud);
    sc_sim_t sim;
    const char *extra[] = {"--meters", n, "--baud", b, "--speed", "0", "--log-level", "error", NULL};
    if (!sc_start(&sim, bin, tmp, extra))
        bench_die(NAME, "metersim did not start");
    registry_file(tmp, meters, sim.dlt645);
    kiosk_config_t c;
    config_defaults(&c);
    snprintf(c.ledger_path, sizeof c.ledger_path, "%s/ledger.db", tmp);
    snprintf(c.registry_path, sizeof c.registry_path, "%s/meters.csv", tmp);
    snprintf(c.gateway_master_key_file, sizeof c.gateway_master_key_file, "%s/master.key", tmp);
    c.max_purchase = 100000000;
    side_t s;
    side_open(&s, &c);

    int64_t w0 = wire_us(&sim), t0 = bench_now_us();
    scan_range(&s, 1, meters);
    int64_t t = bench_now_us() - t0, w = wire_us(&sim) - w0;
    printf("collector scan of %d meters, dlt645 at %d baud, bus lock per exchange: %.2f s, wire lower bound %.2f s, "
           "ratio %.3f (goal: at most 1.2)\n",
           meters, baud, (double)t / 1e6, (double)w / 1e6, (double)t / (double)w);

    int64_t idle_med, idle_p99, busy_med, busy_p99;
    sales(&s, n_sales, pay_ms, &idle_med, &idle_p99);
    pid_t pid = scanner(&c, meters);
    usleep(300000);
    sales(&s, n_sales, pay_ms, &busy_med, &busy_p99);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    printf("a sale, paid -> delivered (payment %d ms), %d sales: idle bus median %.1f ms (p99 %.1f); during a scan median %.1f ms (p99 %.1f); "
           "ratio %.3f (goal: at most 1.1)\n",
           pay_ms, n_sales, (double)idle_med / 1000, (double)idle_p99 / 1000, (double)busy_med / 1000,
           (double)busy_p99 / 1000, (double)busy_med / (double)idle_med);
    side_close(&s);
    sc_stop(&sim);
    tmpdir_remove(tmp);
    return 0;
}
