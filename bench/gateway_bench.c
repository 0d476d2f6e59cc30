/* Remote credit through metersim: latency from paid to delivered (the
 * delivered commit) against the wire-time lower bound of the bytes actually
 * exchanged, which metersim reports; and a scan of many meters against its
 * own wire bound. The meters answer with zero delay, so the ratio measures
 * the kiosk's own overhead (ledger commits, driver, engine).
 *
 *   gateway_bench --metersim BIN [--protocol dlt645|modbus] [--baud 2400|9600]
 *                 [--sales N] [--scan N] [--dir DIR]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench/bench_util.h"
#include "engine/engine.h"
#include "kiosk/site/site_devices.h"
#include "support/simclient.h"
#include "support/support.h"

typedef struct bench {
    const char *proto;
    int baud;
    sc_sim_t sim;
    char dir[512];
    kiosk_config_t cfg;
    registry_t reg;
    ledger_t *ledger;
    gw_t gw;
    engine_t eng;
    int64_t t_outcome_us, wire_outcome_us;
} bench_t;

static int64_t sim_wire_us(bench_t *b)
{
    char reply[256];
    long long wire = -1;
    if (!sc_control(&b->sim, "stats", reply, sizeof reply) || !strstr(reply, "wire_us=") ||
        sscanf(strstr(reply, "wire_us="), "wire_us=%lld", &wire) != 1)
        bench_die("gateway_bench", "metersim has no stats");
    return wire;
}

/* The delivered commit is the end of the measured stretch. */
static void on_step(void *ctx, const char *step)
{
    bench_t *b = ctx;
    if (strcmp(step, "deliver.outcome") == 0) {
        b->t_outcome_us = bench_now_us();
        b->wire_outcome_us = sim_wire_us(b);
    }
}

static void open_site(bench_t *b, const char *bin, int meters)
{
    char n[16], baud[16], reg[1 << 16] = "meter,customer,protocol,gateway\n";
    snprintf(n, sizeof n, "%d", meters);
    snprintf(baud, sizeof baud, "%d", b->baud);
    const char *extra[] = {"--meters", n, "--baud", baud, "--speed", "0", "--log-level", "error", NULL};
    if (!sc_start(&b->sim, bin, b->dir, extra))
        bench_die("gateway_bench", "metersim did not start");
    bool modbus = strcmp(b->proto, "modbus") == 0;
    for (int i = 1; i <= meters; i++) {
        char line[128];
        /* metersim's default customers and units (docs/sim/metersim.md) */
        snprintf(line, sizeof line, "%012d,1%011d,%s,127.0.0.1:%d", i, i, b->proto, modbus ? b->sim.modbus : b->sim.dlt645);
        if (modbus)
            snprintf(line + strlen(line), sizeof line - strlen(line), "/%d", i);
        strcat(strcat(reg, line), "\n");
    }
    if (!file_write(b->dir, "meters.csv", reg))
        bench_die("gateway_bench", "cannot write the registry");
    kiosk_config_t *c = &b->cfg;
    config_defaults(c);
    snprintf(c->ledger_path, sizeof c->ledger_path, "%s/ledger.db", b->dir);
    snprintf(c->registry_path, sizeof c->registry_path, "%s/meters.csv", b->dir);
    snprintf(c->gateway_master_key_file, sizeof c->gateway_master_key_file, "%s/master.key", b->dir);
    snprintf(c->gateway_protocol, sizeof c->gateway_protocol, "%s", b->proto);
    c->max_purchase = 100000000;
    kmsg_t msg = {""};
    if (registry_load(c->registry_path, &b->reg, &msg) || site_gateway_open(c, &b->reg, &b->gw, &msg) ||
        ledger_open(c->ledger_path, LEDGER_CREATE, NULL, &b->ledger, &msg))
        bench_die("gateway_bench", msg.text);
    b->eng = (engine_t){.ledger = b->ledger, .gw = &b->gw, .cfg = c, .step = on_step, .step_ctx = b};
}

static void close_site(bench_t *b)
{
    ledger_close(b->ledger);
    gw_close(&b->gw);
    registry_free(&b->reg);
    sc_stop(&b->sim);
}

/* One paid sale; returns the latency and wire bound of paid -> delivered. */
static void one_sale(bench_t *b, int i, int64_t *latency, int64_t *bound)
{
    char meter[13], id[UUID_STR_LEN];
    snprintf(meter, sizeof meter, "%012d", 1 + i % 3);
    const registry_entry_t *e = registry_find(&b->reg, meter);
    sale_req_t req = {.meter = meter, .customer = e->customer, .method = METHOD_CASH, .channel = CHANNEL_REMOTE, .amount = 1000};
    ledger_payment_t p = {.method = METHOD_CASH, .amount = 1000, .denomination = 1000};
    ledger_txn_t t;
    kmsg_t msg = {""};
    if (engine_open_sale(&b->eng, &req, id, &msg) || engine_begin_payment(&b->eng, id, &msg) ||
        engine_accept_payment(&b->eng, id, &p, &msg) || engine_finish_payment(&b->eng, id, &msg))
        bench_die("gateway_bench", msg.text);
    int64_t wire0 = sim_wire_us(b), t0 = bench_now_us();
    if (engine_deliver(&b->eng, id, &t, &msg) != K_OK || t.state != TXN_DELIVERED)
        bench_die("gateway_bench", msg.text[0] ? msg.text : "a sale was not delivered");
    *latency = b->t_outcome_us - t0;
    *bound = b->wire_outcome_us - wire0;
}

static void sales(bench_t *b, const char *bin, int n)
{
    open_site(b, bin, 3);
    int64_t *lat = calloc((size_t)n, sizeof *lat), *bound = calloc((size_t)n, sizeof *bound),
            *ratio = calloc((size_t)n, sizeof *ratio);
    for (int i = 0; i < n; i++) {
        one_sale(b, i, &lat[i], &bound[i]);
        ratio[i] = lat[i] * 1000 / bound[i]; /* per mille */
    }
    printf("paid -> delivered, %s at %d baud, meter delay 0, %d sales\n", b->proto, b->baud, n);
    printf("  latency           median %8.1f ms   p99 %8.1f ms\n", (double)bench_pct(lat, n, 50) / 1000,
           (double)bench_pct(lat, n, 99) / 1000);
    printf("  wire lower bound  median %8.1f ms   p99 %8.1f ms\n", (double)bench_pct(bound, n, 50) / 1000,
           (double)bench_pct(bound, n, 99) / 1000);
    printf("  ratio             median %8.3f      p99 %8.3f   (goal: at most 1.5)\n",
           (double)bench_pct(ratio, n, 50) / 1000, (double)bench_pct(ratio, n, 99) / 1000);
    free(lat);
    free(bound);
    free(ratio);
    close_site(b);
}

static void scan(bench_t *b, const char *bin, int meters)
{
    open_site(b, bin, meters);
    int64_t wire0 = sim_wire_us(b), t0 = bench_now_us();
    for (int i = 1; i <= meters; i++) {
        char meter[13];
        gw_reading_t r;
        ledger_alert_t alerts[INSPECT_MAX_ALERTS];
        size_t n;
        kmsg_t msg = {""};
        snprintf(meter, sizeof meter, "%012d", i);
        if (engine_read_meter(&b->eng, meter, &r, alerts, &n, &msg) != K_OK)
            bench_die("gateway_bench", msg.text);
    }
    int64_t t = bench_now_us() - t0, wire = sim_wire_us(b) - wire0;
    printf("meter scan of %d meters, %s at %d baud: %.2f s, wire lower bound %.2f s, ratio %.3f\n", meters, b->proto,
           b->baud, (double)t / 1e6, (double)wire / 1e6, (double)t / (double)wire);
    close_site(b);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"metersim", required_argument, NULL, 'm'}, {"protocol", required_argument, NULL, 'p'},
        {"baud", required_argument, NULL, 'b'},     {"sales", required_argument, NULL, 's'},
        {"scan", required_argument, NULL, 'n'},     {"dir", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},           {0, 0, 0, 0},
    };
    bench_t b = {.proto = "dlt645", .baud = 2400};
    const char *bin = NULL, *dir = NULL;
    int n_sales = 20, n_scan = 0, ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'm': bin = optarg; break;
        case 'p': b.proto = optarg; break;
        case 'b': b.baud = atoi(optarg); break;
        case 's': n_sales = atoi(optarg); break;
        case 'n': n_scan = atoi(optarg); break;
        case 'd': dir = optarg; break;
        default:
            printf("Usage: gateway_bench --metersim BIN [--protocol dlt645|modbus] [--baud 2400|9600]\n"
                   "                     [--sales N] [--scan N] [--dir DIR]\n");
            return ch == 'h' ? 0 : 2;
        }
    }
    if (!bin || (b.baud != 2400 && b.baud != 9600) || n_sales < 0 || n_scan < 0)
        bench_die("gateway_bench", "give --metersim BIN, a baud rate of 2400 or 9600, and counts >= 0");
    if (dir)
        setenv("TMPDIR", dir, 1);
    if (!tmpdir_make(b.dir, sizeof b.dir))
        bench_die("gateway_bench", "cannot make a folder");
    if (n_sales)
        sales(&b, bin, n_sales);
    if (n_scan) {
        tmpdir_remove(b.dir);
        tmpdir_make(b.dir, sizeof b.dir);
        scan(&b, bin, n_scan);
    }
    tmpdir_remove(b.dir);
    return 0;
}
