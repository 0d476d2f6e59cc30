/* A meter-card purchase on the real PC/SC stack (pcscd with vpcd, cardsim
 * as the card and the SAM, libpcsclite, the card driver, the engine): the
 * time from the reader reporting the card to the purchase delivered onto
 * it, and the APDUs exchanged with the card and with the SAM. Between two
 * purchases the card goes into metersim's card slot, as a resident's card
 * goes into the meter, so each purchase is one the kiosk allows.
 *
 *   card_bench --cardsim BIN --metersim BIN [--purchases N] [--keys sam|file] [--dir DIR]
 *
 * pcscd must run with the virtual readers (tests/card/pcscd.sh start).
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
#include "support/support.h"
#include "support/vcard.h"

#define METER "000000000001"

/* A slot that counts the APDUs it carries. */
typedef struct counted {
    card_slot_t inner;
    long apdus;
} counted_t;

static card_err_t c_wait(void *ctx, bool present, int timeout_ms, kmsg_t *msg)
{
    counted_t *c = ctx;
    return c->inner.ops->wait(c->inner.ctx, present, timeout_ms, msg);
}

static card_err_t c_connect(void *ctx, uint8_t atr[CARD_ATR_MAX], size_t *atr_len, kmsg_t *msg)
{
    counted_t *c = ctx;
    return c->inner.ops->connect(c->inner.ctx, atr, atr_len, msg);
}

static card_err_t c_transmit(void *ctx, const uint8_t *apdu, size_t n, uint8_t resp[CARD_RESP_MAX],
                             size_t *resp_len, kmsg_t *msg)
{
    counted_t *c = ctx;
    c->apdus++;
    return c->inner.ops->transmit(c->inner.ctx, apdu, n, resp, resp_len, msg);
}

static void c_disconnect(void *ctx)
{
    counted_t *c = ctx;
    c->inner.ops->disconnect(c->inner.ctx);
}

static bool c_held(void *ctx)
{
    counted_t *c = ctx;
    return c->inner.ops->held(c->inner.ctx);
}

static void c_close(void *ctx)
{
    counted_t *c = ctx;
    card_slot_close(&c->inner);
}

static const card_slot_ops_t counted_ops = {"counted", c_wait,  c_connect, c_transmit, c_disconnect,
                                            c_held,    c_close, card_slot_probe_none};

typedef struct bench {
    char dir[512], image[600];
    sc_sim_t cardsim, metersim;
    kiosk_config_t cfg;
    ledger_t *ledger;
    gw_t gw, card;
    engine_t eng;
    counted_t card_slot, sam_slot;
    card_slot_t watch; /* a second handle on the reader, to see the card arrive */
} bench_t;

static void open_slot(const char *reader, counted_t *c, card_slot_t *out)
{
    kmsg_t msg = {""};
    if (card_pcsc_open(reader, &c->inner, &msg) != K_OK)
        bench_die("card_bench", msg.text);
    *out = (card_slot_t){&counted_ops, c};
}

static void start_sims(bench_t *b, const char *cardsim, const char *metersim)
{
    char err[256], mdir[600], key[700];
    if (!vcard_start(&b->cardsim, cardsim, b->dir, err, sizeof err))
        bench_die("card_bench", err);
    snprintf(mdir, sizeof mdir, "%s/meter", b->dir);
    snprintf(key, sizeof key, "%s/master.key", b->dir);
    if (mkdir(mdir, 0700) != 0)
        bench_die("card_bench", "cannot make the meter's folder");
    const char *extra[] = {"--meters", "1", "--speed", "0", "--card-key", key, "--log-level", "error", NULL};
    if (!sc_start(&b->metersim, metersim, mdir, extra))
        bench_die("card_bench", "metersim did not start");
}

static void open_kiosk(bench_t *b, const char *keys)
{
    kiosk_config_t *c = &b->cfg;
    config_defaults(c);
    if (!file_write(b->dir, "meters", METER " 100000000001 0 0\n"))
        bench_die("card_bench", "cannot write the fake meters");
    snprintf(c->ledger_path, sizeof c->ledger_path, "%s/ledger.db", b->dir);
    snprintf(c->gateway_protocol, sizeof c->gateway_protocol, "fake");
    snprintf(c->gateway_fake_dir, sizeof c->gateway_fake_dir, "%s", b->dir);
    kmsg_t msg = {""};
    card_slot_t slot, sam;
    card_keys_t k;
    open_slot(VCARD_READER, &b->card_slot, &slot);
    char key[600];
    snprintf(key, sizeof key, "%s/master.key", b->dir);
    if (strcmp(keys, "file") == 0) {
        if (card_keys_file_open(key, &k, &msg) != K_OK)
            bench_die("card_bench", msg.text);
    } else {
        open_slot(VCARD_SAM_READER, &b->sam_slot, &sam);
        if (card_keys_sam_open(sam, &k, &msg) != K_OK)
            bench_die("card_bench", msg.text);
    }
    if (ledger_open(c->ledger_path, LEDGER_CREATE, NULL, &b->ledger, &msg) || site_gateway_open(c, NULL, &b->gw, &msg) ||
        gw_card_open(slot, k, NULL, &b->card, &msg) || card_pcsc_open(VCARD_READER, &b->watch, &msg))
        bench_die("card_bench", msg.text);
    b->eng = (engine_t){.ledger = b->ledger, .gw = &b->gw, .card = &b->card, .cfg = c};
}

static void insert(bench_t *b)
{
    char err[256];
    if (!vcard_insert(&b->cardsim, b->image, err, sizeof err))
        bench_die("card_bench", err);
}

/* Staff issue a blank card to the meter (not measured). */
static void issue(bench_t *b)
{
    snprintf(b->image, sizeof b->image, "%s/card.json", b->dir);
    const char *args[] = {"make-blank", "4B50000000000001", b->image, NULL};
    if (sc_run(getenv("CARDSIM_BIN"), b->dir, args) != 0)
        bench_die("card_bench", "cardsim make-blank failed");
    insert(b);
    engine_mcard_issue_t req = {.meter = METER, .customer = "100000000001", .lost_generation = -1,
                                .operator_name = "bench", .reason = "bench"};
    engine_mcard_t card;
    kmsg_t msg = {""};
    if (engine_mcard_issue(&b->eng, &req, &card, &msg) != K_OK)
        bench_die("card_bench", msg.text);
}

/* One purchase: from the reader reporting the card to delivered. */
static void purchase(bench_t *b, int64_t *us, long *card_apdus, long *sam_apdus)
{
    kmsg_t msg = {""};
    insert(b);
    if (b->watch.ops->wait(b->watch.ctx, true, 5000, &msg) != CARD_OK)
        bench_die("card_bench", "the card is not in the reader");
    long c0 = b->card_slot.apdus, s0 = b->sam_slot.apdus;
    int64_t t0 = bench_now_us();
    engine_mcard_t card;
    char id[UUID_STR_LEN];
    ledger_payment_t pay = {.method = METHOD_COUNTER, .amount = 1000, .ref = "bench"};
    ledger_txn_t t;
    if (engine_mcard_inserted(&b->eng, &card, &msg) || engine_mcard_open_sale(&b->eng, &card, METHOD_COUNTER, 1000,
                                                                                     id, &msg) ||
        engine_begin_payment(&b->eng, id, &msg) || engine_accept_payment(&b->eng, id, &pay, &msg) ||
        engine_finish_payment(&b->eng, id, &msg) || engine_deliver(&b->eng, id, &t, &msg))
        bench_die("card_bench", msg.text);
    if (t.state != TXN_DELIVERED)
        bench_die("card_bench", "a purchase was not delivered");
    *us = bench_now_us() - t0;
    *card_apdus = b->card_slot.apdus - c0;
    *sam_apdus = b->sam_slot.apdus - s0;
    vcard_remove(&b->cardsim); /* into the meter */
    char cmd[700], reply[512];
    snprintf(cmd, sizeof cmd, "card-insert " METER " %s", b->image);
    if (!sc_control(&b->metersim, cmd, reply, sizeof reply) || !strstr(reply, "\"amount\":1000"))
        bench_die("card_bench", reply);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"cardsim", required_argument, NULL, 'c'},   {"metersim", required_argument, NULL, 'm'},
        {"purchases", required_argument, NULL, 'n'}, {"keys", required_argument, NULL, 'k'},
        {"dir", required_argument, NULL, 'd'},       {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *cardsim = NULL, *metersim = NULL, *dir = NULL, *keys = "sam";
    int n = 20, ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': cardsim = optarg; break;
        case 'm': metersim = optarg; break;
        case 'n': n = atoi(optarg); break;
        case 'k': keys = optarg; break;
        case 'd': dir = optarg; break;
        default:
            printf("Usage: card_bench --cardsim BIN --metersim BIN [--purchases N] [--keys sam|file] [--dir DIR]\n");
            return ch == 'h' ? 0 : 2;
        }
    }
    if (!cardsim || !metersim || n < 1 || (strcmp(keys, "sam") != 0 && strcmp(keys, "file") != 0))
        bench_die("card_bench", "give --cardsim BIN, --metersim BIN, --purchases of 1 or more and --keys sam or file");
    setenv("CARDSIM_BIN", cardsim, 1);
    if (dir)
        setenv("TMPDIR", dir, 1);
    static bench_t b;
    if (!tmpdir_make(b.dir, sizeof b.dir))
        bench_die("card_bench", "cannot make a folder");
    start_sims(&b, cardsim, metersim);
    open_kiosk(&b, keys);
    issue(&b);
    int64_t *us = calloc((size_t)n, sizeof *us);
    long card_apdus = 0, sam_apdus = 0;
    for (int i = 0; i < n; i++)
        purchase(&b, &us[i], &card_apdus, &sam_apdus);
    printf("meter-card purchase, card detected -> delivered, keys %s, %d purchases (pcscd + vpcd)\n", keys, n);
    printf("  latency  median %8.1f ms   p99 %8.1f ms\n", (double)bench_pct(us, n, 50) / 1000, (double)bench_pct(us, n, 99) / 1000);
    printf("  APDUs    %ld to the card, %ld to the SAM (the last purchase)\n", card_apdus, sam_apdus);
    free(us);
    ledger_close(b.ledger);
    gw_close(&b.card);
    gw_close(&b.gw);
    card_slot_close(&b.watch);
    sc_stop(&b.metersim);
    sc_stop(&b.cardsim);
    tmpdir_remove(b.dir);
    return 0;
}
