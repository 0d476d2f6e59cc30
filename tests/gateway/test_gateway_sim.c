/* The real drivers and the engine against metersim over TCP, both
 * protocols, every operation and every injected fault. After each scenario
 * the meter's own journal must agree with the ledger, and the ledger must
 * verify. The simulator binary comes as the METERSIM environment variable. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktest.h"
#include "support/simclient.h"
#include "support/support.h"

#include "engine/engine.h"
#include "kiosk/site/site_devices.h"

#define M1 "000000000001"
#define M2 "000000000002"
#define M3 "000000000003"

static struct {
    char dir[512];
    sc_sim_t sim;
    kiosk_config_t cfg;
    registry_t reg;
    ledger_t *ledger;
    gw_t gw;
    engine_t eng;
    const char *proto;
} site;

/* ---- the meter's own view, from the simulator ---- */

static cJSON *meter_state(const char *meter)
{
    static char text[1 << 20];
    char cmd[64];
    snprintf(cmd, sizeof cmd, "state %s", meter);
    if (!sc_control(&site.sim, cmd, text, sizeof text))
        fail_msg("metersim: %s", text);
    cJSON *o = cJSON_Parse(strncmp(text, "ok ", 3) == 0 ? text + 3 : text);
    assert_non_null(o);
    cJSON *m = cJSON_IsArray(o) ? cJSON_DetachItemFromArray(o, 0) : o;
    if (m != o)
        cJSON_Delete(o);
    return m;
}

static int64_t meter_int(const char *meter, const char *field)
{
    cJSON *m = meter_state(meter);
    cJSON *v = cJSON_GetObjectItem(m, field);
    assert_non_null(v);
    int64_t x = (int64_t)cJSON_GetNumberValue(v);
    cJSON_Delete(m);
    return x;
}

static char *meter_str(const char *meter, const char *field)
{
    cJSON *m = meter_state(meter);
    cJSON *v = cJSON_GetObjectItem(m, field);
    assert_true(cJSON_IsString(v));
    char *s = strdup(v->valuestring);
    cJSON_Delete(m);
    return s;
}

static int journal_len(const char *meter)
{
    cJSON *m = meter_state(meter);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(m, "journal"));
    cJSON_Delete(m);
    return n;
}

static void control(const char *cmd)
{
    char reply[256];
    if (!sc_control(&site.sim, cmd, reply, sizeof reply))
        fail_msg("metersim refused '%s': %s", cmd, reply);
}

/* ---- the kiosk side ---- */

static void write_registry(void)
{
    char text[1024] = "meter,customer,protocol,gateway\n";
    const char *meters[] = {M1, M2, M3};
    int port = strcmp(site.proto, "modbus") == 0 ? site.sim.modbus : site.sim.dlt645;
    for (int i = 0; i < 3; i++) {
        char *cust = meter_str(meters[i], "customer");
        char line[160];
        if (strcmp(site.proto, "modbus") == 0)
            snprintf(line, sizeof line, "%s,%s,modbus,127.0.0.1:%d/%lld\n", meters[i], cust, port,
                     (long long)meter_int(meters[i], "unit"));
        else
            snprintf(line, sizeof line, "%s,%s,dlt645,127.0.0.1:%d\n", meters[i], cust, port);
        strcat(text, line);
        free(cust);
    }
    assert_true(file_write(site.dir, "meters.csv", text));
}

static void open_kiosk(const char *key_file)
{
    kiosk_config_t *c = &site.cfg;
    config_defaults(c);
    snprintf(c->ledger_path, sizeof c->ledger_path, "%s/ledger.db", site.dir);
    snprintf(c->registry_path, sizeof c->registry_path, "%s/meters.csv", site.dir);
    snprintf(c->gateway_master_key_file, sizeof c->gateway_master_key_file, "%s", key_file);
    snprintf(c->gateway_protocol, sizeof c->gateway_protocol, "%s", site.proto);
    c->gateway_timeout_ms = 400;
    c->gateway_retries = 1;
    c->delivery_attempts = 2;
    c->retry_base_ms = 100;
    kmsg_t msg = {""};
    if (registry_load(c->registry_path, &site.reg, &msg) || site_gateway_open(c, &site.reg, &site.gw, &msg) ||
        ledger_open(c->ledger_path, LEDGER_CREATE, NULL, &site.ledger, &msg))
        fail_msg("kiosk: %s", msg.text);
    site.eng = (engine_t){.ledger = site.ledger, .gw = &site.gw, .cfg = c};
}

static void close_kiosk(void)
{
    ledger_close(site.ledger);
    site.ledger = NULL;
    gw_close(&site.gw);
    registry_free(&site.reg);
}

static void start(const char *proto)
{
    site.proto = proto;
    const char *bin = getenv("METERSIM");
    assert_non_null(bin);
    assert_true(tmpdir_make(site.dir, sizeof site.dir));
    const char *extra[] = {"--meters", "3", "--baud", "9600", NULL};
    if (!sc_start(&site.sim, bin, site.dir, extra))
        fail_msg("metersim did not start (%s)", bin);
    write_registry();
    char key[600];
    snprintf(key, sizeof key, "%s/master.key", site.dir);
    open_kiosk(key);
}

static int stop(void **state)
{
    (void)state;
    if (site.ledger)
        close_kiosk();
    sc_stop(&site.sim);
    tmpdir_remove(site.dir);
    return 0;
}

static ledger_txn_t sale(const char *meter, int64_t amount)
{
    const registry_entry_t *e = registry_find(&site.reg, meter);
    sale_req_t req = {.meter = meter, .customer = e->customer, .method = METHOD_COUNTER, .channel = CHANNEL_REMOTE,
                      .amount = amount};
    ledger_payment_t p = {.method = METHOD_COUNTER, .amount = amount};
    char id[UUID_STR_LEN];
    ledger_txn_t t = {0};
    kmsg_t msg = {""};
    if (engine_open_sale(&site.eng, &req, id, &msg) || engine_begin_payment(&site.eng, id, &msg) ||
        engine_accept_payment(&site.eng, id, &p, &msg) || engine_finish_payment(&site.eng, id, &msg) ||
        engine_deliver(&site.eng, id, &t, &msg))
        fail_msg("sale: %s", msg.text);
    return t;
}

typedef struct delivered {
    int64_t count[64], amount[64];
    int n;
} delivered_t;

static void collect_delivered(void *ctx, const ledger_txn_t *t)
{
    delivered_t *d = ctx;
    if (t->state == TXN_DELIVERED && d->n < 64) {
        d->count[d->n] = t->purchase_count;
        d->amount[d->n++] = t->paid;
    }
}

/* The meter's journal and the ledger tell the same story (each delivered
 * transaction is exactly one credit with its count and amount, and no
 * credit is unexplained), and the ledger verifies. */
static void agree(const char *meter)
{
    int64_t n = -1;
    kmsg_t msg = {""};
    assert_int_equal(ledger_verify(site.ledger, NULL, NULL, &n, &msg), K_OK);
    assert_int_equal(n, 0);
    delivered_t d = {.n = 0};
    ledger_filter_t f = {.meter = meter};
    assert_int_equal(ledger_list(site.ledger, &f, collect_delivered, &d, NULL), K_OK);
    cJSON *m = meter_state(meter);
    cJSON *j = cJSON_GetObjectItem(m, "journal"), *e;
    assert_int_equal(cJSON_GetArraySize(j), d.n);
    cJSON_ArrayForEach(e, j)
    {
        int64_t count = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "count"));
        int64_t amount = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "amount"));
        int matches = 0;
        for (int i = 0; i < d.n; i++)
            matches += d.count[i] == count && d.amount[i] == amount;
        if (matches != 1)
            fail_msg("meter %s: credit count %lld amount %lld matches %d delivered transactions", meter,
                     (long long)count, (long long)amount, matches);
    }
    cJSON_Delete(m);
}

/* ---- scenarios, each run for both protocols ---- */

static void read_everything(void)
{
    control("set " M2 " balance 4321");
    control("consume " M2 " 1500");
    gw_reading_t r;
    ledger_alert_t alerts[INSPECT_MAX_ALERTS];
    size_t n;
    kmsg_t msg = {""};
    if (engine_read_meter(&site.eng, M2, &r, alerts, &n, &msg) != K_OK)
        fail_msg("read: %s", msg.text);
    assert_int_equal(r.have, GW_READ_ALL);
    assert_int_equal(r.balance, meter_int(M2, "balance"));
    assert_int_equal(r.purchase_count, meter_int(M2, "purchase_count"));
    assert_false(r.relay_open);
    assert_true(r.energy_total >= 1500);
    int64_t bands = r.energy_band[0] + r.energy_band[1] + r.energy_band[2] + r.energy_band[3];
    assert_true(bands <= r.energy_total);
    ledger_reading_t last;
    bool found;
    assert_int_equal(ledger_last_reading(site.ledger, M2, &last, &found, NULL), K_OK);
    assert_true(found);
    assert_int_equal(last.balance, r.balance);
}

static void sale_delivered(void)
{
    int64_t before = meter_int(M1, "purchase_count");
    ledger_txn_t t = sale(M1, 5000);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.purchase_count, before + 1);
    assert_int_equal(meter_int(M1, "purchase_count"), before + 1);
    agree(M1);
    t = sale(M1, 1200); /* and the next one takes the next count */
    assert_int_equal(t.purchase_count, before + 2);
    agree(M1);
}

static void lost_reply_confirmed(void)
{
    int64_t before = meter_int(M1, "purchase_count");
    control("lose-reply 1");
    ledger_txn_t t = sale(M1, 3000);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(meter_int(M1, "purchase_count"), before + 1); /* exactly one */
    assert_int_equal(journal_len(M1), 1);
    agree(M1);
}

static void dropped_request_resent(void)
{
    control("drop 1");
    ledger_txn_t t = sale(M1, 3000);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(journal_len(M1), 1);
    agree(M1);
}

static void long_outage_then_retry(void)
{
    control("drop 20");
    ledger_txn_t t = sale(M1, 3000);
    assert_int_equal(t.state, TXN_DELIVERY_PENDING);
    assert_int_equal(journal_len(M1), 0);
    control("clear");
    usleep(300000); /* past the retry time */
    int done = 0;
    kmsg_t msg = {""};
    assert_int_equal(engine_retry_due(&site.eng, &done, &msg), K_OK);
    assert_int_equal(done, 1);
    assert_int_equal(journal_len(M1), 1);
    agree(M1);
}

static void corrupt_reply_read_back(void)
{
    control("corrupt 1");
    ledger_txn_t t = sale(M1, 3000);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(journal_len(M1), 1);
    agree(M1);
}

static void garbage_and_split_replies(void)
{
    control("garbage 3");
    control("split 3");
    ledger_txn_t t = sale(M1, 3000);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(journal_len(M1), 1);
    agree(M1);
}

static void slow_meter(void)
{
    control("delay 600"); /* longer than gateway.timeout_ms */
    ledger_txn_t t = sale(M1, 3000);
    assert_int_not_equal(t.state, TXN_NEEDS_RECONCILIATION);
    control("delay 0");
    if (t.state == TXN_DELIVERY_PENDING) {
        usleep(2000000);
        int done;
        assert_int_equal(engine_retry_due(&site.eng, &done, NULL), K_OK);
        assert_int_equal(ledger_get(site.ledger, t.id, &t, NULL), K_OK);
    }
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(journal_len(M1), 1);
    agree(M1);
}

static void offline_meter(void)
{
    control("offline " M3);
    ledger_txn_t t = sale(M3, 2000);
    assert_int_equal(t.state, TXN_DELIVERY_PENDING);
    assert_non_null(strstr(t.reason, "meter_unreachable"));
    control("online " M3);
    usleep(300000);
    int done;
    assert_int_equal(engine_retry_due(&site.eng, &done, NULL), K_OK);
    assert_int_equal(done, 1);
    agree(M3);
}

static void count_moved_elsewhere(void)
{
    ledger_txn_t t = sale(M2, 1000);
    assert_int_equal(t.state, TXN_DELIVERED);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "set " M2 " count %lld", (long long)t.purchase_count + 3); /* sales elsewhere */
    control(cmd);
    t = sale(M2, 1000); /* reads the moved count, so this one is fine */
    assert_int_equal(t.state, TXN_DELIVERED);
    agree(M2);
}

static void wrong_key_is_refused(void)
{
    close_kiosk();
    assert_true(file_write(site.dir, "other.key", "ffeeddccbbaa99887766554433221100\n"));
    char key[600];
    snprintf(key, sizeof key, "%s/other.key", site.dir);
    chmod(key, 0600);
    open_kiosk(key);
    ledger_txn_t t = sale(M1, 1000);
    assert_int_equal(t.state, TXN_NEEDS_RECONCILIATION);
    assert_non_null(strstr(t.reason, "MAC check failed"));
    assert_int_equal(journal_len(M1), 0);
    agree(M1);
}

static void relay_and_reconnection(void)
{
    kmsg_t msg = {""};
    assert_int_equal(engine_relay(&site.eng, M2, GW_RELAY_TRIP, "test", "checking the relay", &msg), K_OK);
    char *relay = meter_str(M2, "relay");
    assert_string_equal(relay, "open");
    free(relay);
    control("set " M2 " balance 0");
    ledger_txn_t t = sale(M2, 2500); /* lifts the balance above zero */
    assert_int_equal(t.state, TXN_DELIVERED);
    relay = meter_str(M2, "relay");
    assert_string_equal(relay, "closed"); /* automatic reconnection */
    free(relay);
    agree(M2);
}

typedef struct kind_count {
    const char *kind;
    int n;
} kind_count_t;

static void count_kind(void *ctx, const ledger_alert_t *a)
{
    kind_count_t *k = ctx;
    k->n += strcmp(a->kind, k->kind) == 0;
}

static int alerts_of(const char *meter, const char *kind)
{
    kind_count_t k = {kind, 0};
    assert_int_equal(ledger_alerts(site.ledger, meter, false, count_kind, &k, NULL), K_OK);
    return k.n;
}

static void read_meter(const char *meter)
{
    gw_reading_t r;
    ledger_alert_t alerts[INSPECT_MAX_ALERTS];
    size_t n;
    kmsg_t msg = {""};
    if (engine_read_meter(&site.eng, meter, &r, alerts, &n, &msg) != K_OK)
        fail_msg("read %s: %s", meter, msg.text);
}

static void inspection_alerts(void)
{
    control("set " M3 " energy 50000");
    read_meter(M3); /* the baseline */
    assert_int_equal(alerts_of(M3, "tamper"), 0);
    control("tamper " M3 " cover on");
    control("set " M3 " energy 40000"); /* the register went backwards */
    read_meter(M3);
    assert_int_equal(alerts_of(M3, "tamper"), 1);
    assert_int_equal(alerts_of(M3, "energy_backwards"), 1);
    read_meter(M3); /* nothing new: no new alerts */
    assert_int_equal(alerts_of(M3, "tamper"), 1);
    assert_int_equal(alerts_of(M3, "energy_backwards"), 1);
    control("set " M3 " balance 99999"); /* money from nowhere */
    read_meter(M3);
    assert_int_equal(alerts_of(M3, "balance_rose"), 1);
}

/* A single-rate meter has no energy block (DL/T 645 answers "no such
 * data") or band registers (Modbus exception 02): the total is read alone,
 * the bands are reported and stored as absent, and inspection runs on the
 * total. */
static void single_rate_meter(void)
{
    control("set " M3 " rates single");
    control("set " M3 " energy 50000");
    gw_reading_t r;
    ledger_alert_t alerts[INSPECT_MAX_ALERTS];
    size_t n;
    kmsg_t msg = {""};
    if (engine_read_meter(&site.eng, M3, &r, alerts, &n, &msg) != K_OK)
        fail_msg("read: %s", msg.text);
    assert_int_equal(r.have, GW_READ_ALL);
    assert_true(r.bands_absent);
    assert_int_equal(r.energy_total, 50000);
    ledger_reading_t last;
    bool found;
    assert_int_equal(ledger_last_reading(site.ledger, M3, &last, &found, NULL), K_OK);
    assert_true(found);
    assert_true(last.bands_absent);
    assert_int_equal(last.energy, 50000);
    control("set " M3 " energy 40000"); /* the register went backwards */
    read_meter(M3);
    assert_int_equal(alerts_of(M3, "energy_backwards"), 1);
    control("set " M3 " rates tou");
    assert_int_equal(engine_read_meter(&site.eng, M3, &r, alerts, &n, &msg), K_OK);
    assert_false(r.bands_absent);
}

/* A meter installed but not opened yet: open account binds the customer
 * with count 1, then recharges follow. */
static void open_account_then_recharge(void)
{
    control("set " M3 " customer none");
    control("set " M3 " count 0");
    const registry_entry_t *e = registry_find(&site.reg, M3);
    gw_credit_req_t req = {.to = {.meter = M3}, .customer = e->customer, .amount = 0, .count = 1, .open_account = true};
    gw_credit_reply_t reply;
    kmsg_t msg = {""};
    assert_int_equal(site.gw.ops->credit(site.gw.ctx, &req, &reply, &msg), GW_OK);
    assert_int_equal(reply.result, GW_CREDIT_APPLIED);
    assert_int_equal(reply.count_after, 1);
    char *cust = meter_str(M3, "customer");
    assert_string_equal(cust, e->customer);
    free(cust);
    assert_int_equal(site.gw.ops->credit(site.gw.ctx, &req, &reply, &msg), GW_OK); /* sent twice */
    assert_int_equal(reply.result, GW_CREDIT_REPEATED);
    ledger_txn_t t = sale(M3, 1500);
    assert_int_equal(t.state, TXN_DELIVERED);
    assert_int_equal(t.purchase_count, 2);
    assert_int_equal(meter_int(M3, "purchase_count"), 2);
}

/* ---- central commands: keep power, settings, the freeze, refunds ---- */

/* The meter's field (a list of whole numbers) as text "a,b,c". */
static void meter_list(const char *meter, const char *field, char *out, size_t len)
{
    cJSON *m = meter_state(meter);
    const cJSON *a = cJSON_GetObjectItem(m, field), *it;
    assert_true(cJSON_IsArray(a));
    out[0] = '\0';
    cJSON_ArrayForEach(it, a)
    {
        size_t n = strlen(out);
        snprintf(out + n, len - n, "%s%lld", n ? "," : "", (long long)cJSON_GetNumberValue(it));
    }
    cJSON_Delete(m);
}

/* The kind of journal entry i of meter. */
static char *journal_kind(const char *meter, int i)
{
    cJSON *m = meter_state(meter);
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(m, "journal"), i);
    assert_non_null(e);
    char *k = strdup(cJSON_GetObjectItem(e, "kind")->valuestring);
    cJSON_Delete(m);
    return k;
}

static void keep_power_refuses_trip(void)
{
    kmsg_t msg = {""};
    assert_int_equal(engine_relay(&site.eng, M1, GW_RELAY_KEEP_ON, "test", "hospital", &msg), K_OK);
    cJSON *m = meter_state(M1);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(m, "keep_power")));
    cJSON_Delete(m);
    assert_int_equal(engine_relay(&site.eng, M1, GW_RELAY_TRIP, "test", "arrears", &msg), K_EDEVICE);
    assert_non_null(strstr(msg.text, "keep"));
    char *relay = meter_str(M1, "relay");
    assert_string_equal(relay, "closed");
    free(relay);
    assert_int_equal(engine_relay(&site.eng, M1, GW_RELAY_KEEP_OFF, "test", "released", &msg), K_OK);
    assert_int_equal(engine_relay(&site.eng, M1, GW_RELAY_TRIP, "test", "arrears", &msg), K_OK);
    relay = meter_str(M1, "relay");
    assert_string_equal(relay, "open");
    free(relay);
    assert_int_equal(journal_len(M1), 2); /* keep_on, keep_off: the refused trip left nothing */
    char *k = journal_kind(M1, 0);
    assert_string_equal(k, "keep_on");
    free(k);
}

static void settings_written(void)
{
    kmsg_t msg = {""};
    char got[256];
    engine_cmd_args_t a = {{10000, 5000}, NULL};
    assert_int_equal(engine_meter_command(&site.eng, M1, METER_CMD_SET_ALARMS, &a, "test", "season", &msg), K_OK);
    meter_list(M1, "alarm_amounts", got, sizeof got);
    assert_string_equal(got, "10000,5000");
    tariff_t t;
    assert_int_equal(tariff_parse("tou sharp=1.2 peak=0.9 flat=0.6 valley=0.3 "
                                  "at=00:00/valley,08:00/flat,18:00/peak,22:00/valley",
                                  2, &t, &msg),
                     K_OK);
    a.tariff = &t;
    assert_int_equal(engine_meter_command(&site.eng, M1, METER_CMD_SET_PRICES, &a, "test", "new tariff", &msg), K_OK);
    meter_list(M1, "prices", got, sizeof got);
    assert_string_equal(got, "12000,9000,6000,3000");
    meter_list(M1, "day_table", got, sizeof got);
    assert_string_equal(got, "0,4,480,3,1080,2,1320,4");
    int before = journal_len(M1);
    assert_int_equal(tariff_parse("single 0.52835", 2, &t, &msg), K_OK);
    assert_int_equal(engine_meter_command(&site.eng, M1, METER_CMD_SET_PRICES, &a, "test", "odd", &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "exactly"));
    assert_int_equal(journal_len(M1), before); /* nothing of it reached the meter */
}

/* A meter whose customer is not the registry's takes no command. */
static void identity_gate_refuses_settings(void)
{
    kmsg_t msg = {""};
    site.eng.registry = &site.reg; /* the gate compares the customer too */
    control("set " M2 " customer 100000000099");
    engine_cmd_args_t a = {{100, 50}, NULL};
    assert_int_equal(engine_meter_command(&site.eng, M2, METER_CMD_SET_ALARMS, &a, "test", "season", &msg),
                     K_ECONFLICT);
    assert_int_equal(engine_relay(&site.eng, M2, GW_RELAY_KEEP_ON, "test", "hospital", &msg), K_ECONFLICT);
    assert_int_equal(journal_len(M2), 0);
    char got[64];
    meter_list(M2, "alarm_amounts", got, sizeof got);
    assert_string_equal(got, "0,0");
}

static void daily_freeze(void)
{
    kmsg_t msg = {""};
    gw_frozen_t f;
    assert_int_equal(engine_read_frozen(&site.eng, M1, &f, &msg), K_OK);
    assert_true(f.none);
    control("set " M1 " energy 1234560");
    control("time 2026-12-07T00:00:30");
    control("freeze " M1);
    control("set " M1 " energy 1300000"); /* after the freeze: not in it */
    assert_int_equal(engine_read_frozen(&site.eng, M1, &f, &msg), K_OK);
    assert_false(f.none);
    assert_int_equal(f.energy_total, 1234560);
    assert_false(f.bands_absent);
    assert_int_equal(f.year, 2026);
    assert_int_equal(f.minute, 0);
    control("set " M3 " freezes off");
    assert_int_equal(engine_read_frozen(&site.eng, M3, &f, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "no daily freeze"));
}

static gw_err_t refund(const char *meter, int64_t amount, uint32_t count, gw_credit_reply_t *out, kmsg_t *msg)
{
    const registry_entry_t *e = registry_find(&site.reg, meter);
    gw_credit_req_t req = {.to = {.meter = meter}, .customer = e->customer, .amount = amount, .count = count};
    return site.gw.ops->refund(site.gw.ctx, &req, out, msg);
}

static void dlt645_refund_refused(void **state)
{
    (void)state;
    start("dlt645");
    gw_credit_reply_t r;
    kmsg_t msg = {""};
    control("set " M1 " balance 5000");
    assert_int_equal(refund(M1, 1000, 1, &r, &msg), GW_UNSUPPORTED);
    assert_non_null(strstr(msg.text, "the dlt645-prepaid profile defines no refund"));
    assert_int_equal(meter_int(M1, "balance"), 5000);
    assert_int_equal(journal_len(M1), 0);
}

/* A refund applies once by purchase count; its lost answer is settled
 * by the count read back, and the resend is repeated. */
static void modbus_refund_once(void **state)
{
    (void)state;
    start("modbus");
    gw_credit_reply_t r;
    kmsg_t msg = {""};
    control("set " M1 " balance 5000");
    control("set " M1 " count 3");
    assert_int_equal(refund(M1, 9000, 4, &r, &msg), GW_OK);
    assert_int_equal(r.result, GW_CREDIT_REFUSED);
    assert_non_null(strstr(r.reason, "larger than"));
    assert_int_equal(refund(M1, 1000, 6, &r, &msg), GW_OK);
    assert_int_equal(r.result, GW_CREDIT_COUNT_MISMATCH);
    control("lose-reply 1");
    assert_int_equal(refund(M1, 1000, 4, &r, &msg), GW_TIMEOUT);
    assert_int_equal(meter_int(M1, "purchase_count"), 4); /* applied, its answer lost */
    assert_int_equal(refund(M1, 1000, 4, &r, &msg), GW_OK);
    assert_int_equal(r.result, GW_CREDIT_REPEATED);
    assert_int_equal(meter_int(M1, "balance"), 4000);
    assert_int_equal(journal_len(M1), 1);
    char *k = journal_kind(M1, 0);
    assert_string_equal(k, "refund");
    free(k);
}

/* ---- both protocols ---- */

#define BOTH(name)                                                                                                   \
    static void dlt645_##name(void **state)                                                                          \
    {                                                                                                                \
        (void)state;                                                                                                 \
        start("dlt645");                                                                                             \
        name();                                                                                                      \
    }                                                                                                                \
    static void modbus_##name(void **state)                                                                          \
    {                                                                                                                \
        (void)state;                                                                                                 \
        start("modbus");                                                                                             \
        name();                                                                                                      \
    }

BOTH(read_everything)
BOTH(sale_delivered)
BOTH(lost_reply_confirmed)
BOTH(dropped_request_resent)
BOTH(long_outage_then_retry)
BOTH(corrupt_reply_read_back)
BOTH(garbage_and_split_replies)
BOTH(slow_meter)
BOTH(offline_meter)
BOTH(count_moved_elsewhere)
BOTH(wrong_key_is_refused)
BOTH(relay_and_reconnection)
BOTH(inspection_alerts)
BOTH(open_account_then_recharge)
BOTH(single_rate_meter)
BOTH(keep_power_refuses_trip)
BOTH(settings_written)
BOTH(identity_gate_refuses_settings)
BOTH(daily_freeze)

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(dlt645_read_everything, stop),
    cmocka_unit_test_teardown(modbus_read_everything, stop),
    cmocka_unit_test_teardown(dlt645_sale_delivered, stop),
    cmocka_unit_test_teardown(modbus_sale_delivered, stop),
    cmocka_unit_test_teardown(dlt645_lost_reply_confirmed, stop),
    cmocka_unit_test_teardown(modbus_lost_reply_confirmed, stop),
    cmocka_unit_test_teardown(dlt645_dropped_request_resent, stop),
    cmocka_unit_test_teardown(modbus_dropped_request_resent, stop),
    cmocka_unit_test_teardown(dlt645_long_outage_then_retry, stop),
    cmocka_unit_test_teardown(modbus_long_outage_then_retry, stop),
    cmocka_unit_test_teardown(dlt645_corrupt_reply_read_back, stop),
    cmocka_unit_test_teardown(modbus_corrupt_reply_read_back, stop),
    cmocka_unit_test_teardown(dlt645_garbage_and_split_replies, stop),
    cmocka_unit_test_teardown(modbus_garbage_and_split_replies, stop),
    cmocka_unit_test_teardown(dlt645_slow_meter, stop),
    cmocka_unit_test_teardown(modbus_slow_meter, stop),
    cmocka_unit_test_teardown(dlt645_offline_meter, stop),
    cmocka_unit_test_teardown(modbus_offline_meter, stop),
    cmocka_unit_test_teardown(dlt645_count_moved_elsewhere, stop),
    cmocka_unit_test_teardown(modbus_count_moved_elsewhere, stop),
    cmocka_unit_test_teardown(dlt645_wrong_key_is_refused, stop),
    cmocka_unit_test_teardown(modbus_wrong_key_is_refused, stop),
    cmocka_unit_test_teardown(dlt645_relay_and_reconnection, stop),
    cmocka_unit_test_teardown(modbus_relay_and_reconnection, stop),
    cmocka_unit_test_teardown(dlt645_inspection_alerts, stop),
    cmocka_unit_test_teardown(modbus_inspection_alerts, stop),
    cmocka_unit_test_teardown(dlt645_open_account_then_recharge, stop),
    cmocka_unit_test_teardown(modbus_open_account_then_recharge, stop),
    cmocka_unit_test_teardown(dlt645_single_rate_meter, stop),
    cmocka_unit_test_teardown(modbus_single_rate_meter, stop),
    cmocka_unit_test_teardown(dlt645_keep_power_refuses_trip, stop),
    cmocka_unit_test_teardown(modbus_keep_power_refuses_trip, stop),
    cmocka_unit_test_teardown(dlt645_settings_written, stop),
    cmocka_unit_test_teardown(modbus_settings_written, stop),
    cmocka_unit_test_teardown(dlt645_identity_gate_refuses_settings, stop),
    cmocka_unit_test_teardown(modbus_identity_gate_refuses_settings, stop),
    cmocka_unit_test_teardown(dlt645_daily_freeze, stop),
    cmocka_unit_test_teardown(modbus_daily_freeze, stop),
    cmocka_unit_test_teardown(dlt645_refund_refused, stop),
    cmocka_unit_test_teardown(modbus_refund_once, stop),
};

KTEST_MAIN(tests)
