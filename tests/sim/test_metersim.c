/* metersim as a separate process, over its real ports: the examples of
 * docs/protocols/ byte for byte, faults, the control port, restart.
 * Run as: test_metersim CASE PATH-TO-METERSIM. */
#include <stdlib.h>
#include <sys/stat.h>

#include "ktest.h"
#include "gateway/hex.h"
#include "support/simclient.h"
#include "support/support.h"

#include <cjson/cJSON.h>
#include <unistd.h>

#include "drivers/gateway/dlt645_frame.h"
#include "drivers/gateway/meter_mac.h"

static const char *metersim_bin;
static char dir[512];
static sc_sim_t sim;

/* Meter 000012345678 as in the profile's examples: count 7, 1234.56 left,
 * energy 1234.56 kWh = 100.00 + 300.50 + 500.06 + 334.00. */
static const char vector_state[] =
    "{\"meters\":[{\"address\":\"000012345678\",\"unit\":17,\"customer\":\"100000000001\",\"purchase_count\":7,"
    "\"balance\":123456,\"power_w\":0,"
    "\"energy\":{\"total\":1234560,\"sharp\":100000,\"peak\":300500,\"flat\":500060,\"valley\":334000}}]}";

static int setup(void **state)
{
    (void)state;
    memset(&sim, 0, sizeof sim);
    return tmpdir_make(dir, sizeof dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (sim.pid > 0)
        sc_stop(&sim);
    tmpdir_remove(dir);
    return 0;
}

static void start(const char *const *extra)
{
    if (!sc_start(&sim, metersim_bin, dir, extra)) {
        char *log = file_read(dir, "metersim.log");
        fprintf(stderr, "metersim did not start:\n%s\n", log ? log : "(no log)");
        free(log);
        fail();
    }
}

static void start_vectors(void)
{
    static const char *const extra[] = {"--baud", "9600", "--speed", "0", NULL};
    assert_true(file_write(dir, "state.json", vector_state));
    start(extra);
}

static void control(const char *cmd)
{
    char reply[512];
    if (!sc_control(&sim, cmd, reply, sizeof reply)) {
        fprintf(stderr, "control '%s' answered '%s'\n", cmd, reply);
        fail();
    }
}

/* The raw reply to req must be exactly want (both hex). */
static void expect_dlt(int fd, const char *req_hex, const char *want_hex)
{
    uint8_t req[DLT645_MAX_FRAME], want[DLT645_MAX_FRAME], got[512];
    size_t n = hex_bytes(req_hex, req, sizeof req), w = hex_bytes(want_hex, want, sizeof want), g;
    assert_true(sc_dlt(fd, req, n, got, sizeof got, &g, 2000));
    assert_int_equal(g, w);
    assert_memory_equal(got, want, w);
}

static size_t encode(const char *meter, uint8_t ctrl, const uint8_t *data, uint8_t len, uint8_t *out)
{
    dlt645_frame_t f = {.ctrl = ctrl, .len = len};
    assert_true(dlt645_addr_from_text(meter, f.addr));
    memcpy(f.data, data, len);
    return dlt645_encode(&f, out, DLT645_MAX_FRAME);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A recharge frame for meter with the test master key, operator 1; with
 * bad_mac, MAC2 is off by one bit. */
static size_t recharge_mac(const char *meter, const char *customer, uint32_t amount, uint32_t count, bool bad_mac,
                           uint8_t *out)
{
    static const uint8_t master[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    meter_credit_mac_t c = {.di = 0x070102FFu, .amount = amount, .count = count, .operator_code = 1};
    uint8_t addr[6], k[16], d[30];
    assert_true(dlt645_addr_from_text(meter, addr));
    assert_true(dlt645_addr_from_text(customer, c.customer));
    assert_true(meter_key_derive(master, addr, k));
    assert_true(meter_credit_macs(k, &c, d + 16, d + 26));
    dlt645_put_di(d, c.di);
    put_le32(d + 4, 1);
    put_le32(d + 8, amount);
    put_le32(d + 12, count);
    memcpy(d + 20, c.customer, 6);
    d[29] ^= bad_mac ? 0x01 : 0x00;
    return encode(meter, 0x03, d, 30, out);
}

static size_t recharge(const char *meter, const char *customer, uint32_t amount, uint32_t count, uint8_t *out)
{
    return recharge_mac(meter, customer, amount, count, false, out);
}

static size_t read_req(const char *meter, uint32_t di, uint8_t *out)
{
    uint8_t d[4];
    dlt645_put_di(d, di);
    return encode(meter, 0x11, d, 4, out);
}

static char *meter_json(const char *meter)
{
    static char reply[1 << 16];
    char cmd[64];
    snprintf(cmd, sizeof cmd, "state %s", meter);
    assert_true(sc_control(&sim, cmd, reply, sizeof reply));
    return reply + 3;
}

static int64_t meter_int(const char *meter, const char *field)
{
    cJSON *o = cJSON_Parse(meter_json(meter));
    assert_non_null(o);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
    assert_true(cJSON_IsNumber(v));
    int64_t n = (int64_t)v->valuedouble;
    cJSON_Delete(o);
    return n;
}

static void dlt645_doc_vectors(void **state)
{
    (void)state;
    start_vectors();
    int fd = sc_connect(sim.dlt645);
    assert_true(fd >= 0);
    expect_dlt(fd, "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 34 35 66 36 FE 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 91 06 34 35 66 36 3A 33 ED 16");
    expect_dlt(fd, "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 35 C3 33 57 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 91 08 33 35 C3 33 89 67 45 33 43 16");
    expect_dlt(fd, "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 32 34 33 C5 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 91 18 33 32 34 33 89 67 45 33 33 33 34 33 "
               "83 33 36 33 39 33 38 33 33 67 36 33 87 16");
    control("set 000012345678 relay open");
    control("set 000012345678 threshold 300000"); /* pre-trip below 150000 */
    expect_dlt(fd, "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 36 38 33 37 D1 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 91 06 36 38 33 37 C3 35 4B 16");
    uint8_t req[DLT645_MAX_FRAME], raw[512];
    size_t got, n = read_req("000012345678", 0x04000599u, req);
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    uint8_t no_data[32];
    assert_int_equal(got, hex_bytes("FE FE FE FE 68 78 56 34 12 00 00 68 D1 01 35 EB 16", no_data, sizeof no_data));
    assert_memory_equal(raw, no_data, got);
    close(fd);
}

/* The customer number, DI 04 00 04 0E: 12 BCD digits lowest byte first,
 * zeros while no account is open. */
static void dlt645_customer_number(void **state)
{
    (void)state;
    start_vectors();
    int fd = sc_connect(sim.dlt645);
    assert_true(fd >= 0);
    expect_dlt(fd, "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 41 37 33 37 DB 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 91 0A 41 37 33 37 34 33 33 33 33 43 A4 16");
    control("set 000012345678 customer none");
    expect_dlt(fd, "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 41 37 33 37 DB 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 91 0A 41 37 33 37 33 33 33 33 33 33 93 16");
    close(fd);
}

/* A single-rate meter (rates single): the energy block is "no such data"
 * (D1 + 02), the total register answers; back to tou, the block answers. */
static void dlt645_single_rate(void **state)
{
    (void)state;
    start_vectors();
    control("set 000012345678 rates single");
    assert_non_null(strstr(meter_json("000012345678"), "\"rates\":\"single\""));
    int fd = sc_connect(sim.dlt645);
    assert_true(fd >= 0);
    expect_dlt(fd, "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 32 34 33 C5 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 D1 01 35 EB 16");
    expect_dlt(fd, "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 33 33 33 C5 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 91 08 33 33 33 33 89 67 45 33 B1 16");
    control("set 000012345678 rates tou");
    expect_dlt(fd, "FE FE FE FE 68 78 56 34 12 00 00 68 11 04 33 32 34 33 C5 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 91 18 33 32 34 33 89 67 45 33 33 33 34 33 "
               "83 33 36 33 39 33 38 33 33 67 36 33 87 16");
    char reply[256];
    assert_false(sc_control(&sim, "set 000012345678 rates dual", reply, sizeof reply));
    close(fd);
}

static void dlt645_doc_credits(void **state)
{
    (void)state;
    start_vectors();
    int fd = sc_connect(sim.dlt645);
    assert_true(fd >= 0);
    control("set 000012345678 balance 1234");
    const char *rc8 = "FE FE FE FE 68 78 56 34 12 00 00 68 03 1E 32 35 34 3A 34 33 33 33 BB 46 33 33 "
                      "3B 33 33 33 C1 8A B8 A7 34 33 33 33 33 43 ED 59 B5 C1 8B 16";
    expect_dlt(fd, rc8, "FE FE FE FE 68 78 56 34 12 00 00 68 83 0C 32 35 34 3A 8D 4B 33 33 3B 33 33 33 5A 16");
    expect_dlt(fd, rc8, "FE FE FE FE 68 78 56 34 12 00 00 68 C3 02 35 33 11 16");
    uint8_t req[DLT645_MAX_FRAME], raw[512], want[64];
    size_t got, n = recharge("000012345678", "100000000001", 100, 10, req);
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    assert_int_equal(got, hex_bytes("FE FE FE FE 68 78 56 34 12 00 00 68 C3 02 53 33 2F 16", want, sizeof want));
    assert_memory_equal(raw, want, got);
    n = recharge_mac("000012345678", "100000000001", 100, 9, true, req);
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    assert_int_equal(raw[12], 0xC3);
    assert_int_equal(raw[14] - 0x33, 0x04); /* MAC check failed */
    control("set 000012345678 suspended on");
    n = recharge("000012345678", "100000000001", 100, 9, req);
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    assert_int_equal(raw[14] - 0x33 + ((raw[15] - 0x33) << 8), 0x0100); /* suspended */
    control("set 000012345678 suspended off");
    control("set 000012345678 hoarding 6300");
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    assert_int_equal(raw[14] - 0x33, 0x40); /* over the hoarding limit */
    n = recharge("000012345678", "100000000002", 10, 9, req);
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    assert_int_equal(raw[14] - 0x33, 0x10); /* customer mismatch */
    assert_int_equal(meter_int("000012345678", "purchase_count"), 8);
    assert_int_equal(meter_int("000012345678", "balance"), 6234);
    assert_non_null(strstr(meter_json("000012345678"), "\"count\":8,\"amount\":5000,\"balance_after\":6234,"
                                                       "\"kind\":\"recharge\",\"protocol\":\"dlt645\""));
    control("set 000012345678 customer none");
    control("set 000012345678 count 0");
    expect_dlt(fd,
               "FE FE FE FE 68 78 56 34 12 00 00 68 03 1E 32 34 34 3A 34 33 33 33 33 33 33 33 "
               "34 33 33 33 61 81 C1 FD 34 33 33 33 33 43 C5 14 6D 5A C2 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 83 0C 32 34 34 3A 8D 4B 33 33 34 33 33 33 52 16");
    assert_non_null(strstr(meter_json("000012345678"), "\"customer\":\"100000000001\""));
    close(fd);
}

static void dlt645_doc_relay(void **state)
{
    (void)state;
    start_vectors();
    int fd = sc_connect(sim.dlt645);
    assert_true(fd >= 0);
    const char *trip = "FE FE FE FE 68 78 56 34 12 00 00 68 1C 10 35 33 33 33 34 33 33 33 4D 33 "
                       "8C 8C 56 54 44 59 8A 16";
    expect_dlt(fd, trip, "FE FE FE FE 68 78 56 34 12 00 00 68 9C 00 80 16");
    assert_non_null(strstr(meter_json("000012345678"), "\"relay\":\"open\",\"trip_commanded\":true"));
    /* Password level 03 instead of 02: not authorised. */
    expect_dlt(fd,
               "FE FE FE FE 68 78 56 34 12 00 00 68 1C 10 36 33 33 33 34 33 33 33 4D 33 "
               "8C 8C 56 54 44 59 8B 16",
               "FE FE FE FE 68 78 56 34 12 00 00 68 DC 01 37 F8 16");
    uint8_t d[16] = {0x02, 0, 0, 0, 1, 0, 0, 0, 0x1C, 0, 0x59, 0x59, 0x23, 0x21, 0x11, 0x26};
    uint8_t req[DLT645_MAX_FRAME], raw[512];
    size_t got, n = encode("000012345678", 0x1C, d, 16, req);
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    assert_int_equal(raw[12], 0x9C);
    assert_non_null(strstr(meter_json("000012345678"), "\"relay\":\"closed\",\"trip_commanded\":false"));
    d[8] = 0x1A;
    n = encode("000012345678", 0x1C, d, 16, req);
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    d[8] = 0x1B; /* close allowed: the customer presses the button */
    n = encode("000012345678", 0x1C, d, 16, req);
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    assert_non_null(strstr(meter_json("000012345678"), "\"relay\":\"open\",\"trip_commanded\":false,"
                                                       "\"close_armed\":true"));
    control("button 000012345678");
    assert_non_null(strstr(meter_json("000012345678"), "\"relay\":\"closed\""));
    close(fd);
}

/* Consumption is exact: every Wh is charged at the tariff, remainders kept
 * in whole 1/10^7 minor units, and the relay trips when the money is gone. */
static void consumption(void **state)
{
    (void)state;
    static const char *const extra[] = {"--meters", "2", "--speed", "0", NULL};
    start(extra);
    control("set 000000000001 balance 100");
    control("consume 000000000001 1000"); /* 52.83 at 0.5283 */
    assert_int_equal(meter_int("000000000001", "balance"), 48);
    assert_int_equal(meter_int("000000000001", "cost_remainder"), 8300000);
    assert_non_null(strstr(meter_json("000000000001"), "\"relay\":\"closed\""));
    control("consume 000000000001 1000");
    assert_int_equal(meter_int("000000000001", "balance"), -5);
    assert_non_null(strstr(meter_json("000000000001"), "\"relay\":\"open\""));
    assert_non_null(strstr(meter_json("000000000001"), "\"low_balance\":true,\"pretrip\":true"));
    control("set 000000000001 tariff tou sharp=1.2 peak=0.9 flat=0.6 valley=0.3 at=00:00/valley,08:00/flat,"
            "18:00/peak");
    control("time 2026-11-21T19:30:00");
    control("consume 000000000001 100"); /* 9.00 at peak */
    assert_int_equal(meter_int("000000000001", "balance"), -14);
    assert_non_null(strstr(meter_json("000000000001"), "\"total\":2100,\"sharp\":0,\"peak\":100,\"flat\":2000"));

    /* An hour of simulated time a second, on a fresh meter: the charge is
     * exactly the energy at the price. */
    control("set 000000000002 balance 1000000");
    control("set 000000000002 power 3600");
    control("speed 3600");
    usleep(300000);
    control("speed 0");
    cJSON *o = cJSON_Parse(meter_json("000000000002"));
    int64_t wh = (int64_t)cJSON_GetObjectItem(cJSON_GetObjectItem(o, "energy"), "total")->valuedouble;
    int64_t balance = (int64_t)cJSON_GetObjectItem(o, "balance")->valuedouble;
    int64_t rem = (int64_t)cJSON_GetObjectItem(o, "cost_remainder")->valuedouble;
    cJSON_Delete(o);
    assert_true(wh > 100);
    assert_int_equal((1000000 - balance) * 10000000 + rem, wh * 528300);
}

static void expect_mb(int fd, const char *req_hex, const char *want_hex)
{
    uint8_t req[300], want[300], got[300];
    size_t n = hex_bytes(req_hex, req, sizeof req), w = hex_bytes(want_hex, want, sizeof want);
    size_t g = sc_modbus(fd, req, n, got, sizeof got, 2000);
    assert_int_equal(g, w);
    assert_memory_equal(got, want, w);
}

static const char mb_recharge[] = "00 01 00 00 00 29 11 10 01 10 00 11 22 "
                                  "00 01  00 00 13 88  00 00 00 08  10 00 00 00 00 01  00 00 12 34 56 78 "
                                  "00 00 00 01  8E 57 85 74  BA 26 82 8E";

static void modbus_doc_vectors(void **state)
{
    (void)state;
    start_vectors();
    int fd = sc_connect(sim.modbus);
    assert_true(fd >= 0);
    control("set 000012345678 balance 1234");
    expect_mb(fd, "00 07 00 00 00 06 11 03 01 28 00 05", "00 07 00 00 00 0D 11 03 0A FF FF 00 00 00 00 00 00 00 00");
    expect_mb(fd, mb_recharge, "00 01 00 00 00 06 11 10 01 10 00 11");
    expect_mb(fd, "00 02 00 00 00 06 11 03 01 28 00 05", "00 02 00 00 00 0D 11 03 0A 00 00 00 00 18 5A 00 00 00 08");
    expect_mb(fd, "00 02 00 00 00 06 11 03 01 00 00 10",
              "00 02 00 00 00 23 11 03 20 00 00 18 5A 00 00 00 08 00 00 00 00 00 01 "
              "00 00 12 34 56 78 10 00 00 00 00 01 00 00 13 88 00 00");
    expect_mb(fd, "00 03 00 00 00 06 11 03 00 00 00 0A",
              "00 03 00 00 00 17 11 03 14 00 01 E2 40 00 00 27 10 00 00 75 62 00 00 C3 56 00 00 82 78");
    expect_mb(fd, mb_recharge, "00 01 00 00 00 06 11 10 01 10 00 11");
    expect_mb(fd, "00 04 00 00 00 06 11 03 01 28 00 05", "00 04 00 00 00 0D 11 03 0A 00 01 00 00 18 5A 00 00 00 08");
    /* A command write that is not exactly 0110-0120; reads outside the map. */
    expect_mb(fd, "00 05 00 00 00 09 11 10 01 10 00 01 02 00 01", "00 05 00 00 00 03 11 90 02");
    expect_mb(fd, "00 06 00 00 00 06 11 03 00 11 00 01", "00 06 00 00 00 03 11 83 02");
    expect_mb(fd, "00 06 00 00 00 06 11 03 01 00 00 20", "00 06 00 00 00 03 11 83 02");
    expect_mb(fd, "00 06 00 00 00 06 11 04 00 00 00 01", "00 06 00 00 00 03 11 84 01");
    /* The relay register. */
    expect_mb(fd, "00 08 00 00 00 06 11 06 01 30 00 1A", "00 08 00 00 00 06 11 06 01 30 00 1A");
    assert_non_null(strstr(meter_json("000012345678"), "\"relay\":\"open\""));
    expect_mb(fd, "00 09 00 00 00 06 11 06 01 30 00 05", "00 09 00 00 00 03 11 86 03");
    expect_mb(fd, "00 0A 00 00 00 06 11 06 01 30 00 1C", "00 0A 00 00 00 06 11 06 01 30 00 1C");
    assert_non_null(strstr(meter_json("000012345678"), "\"relay\":\"closed\""));
    /* No meter on unit 18: silence, and the connection still works. */
    uint8_t req[16], got[300];
    size_t n = hex_bytes("00 0B 00 00 00 06 12 03 01 00 00 10", req, sizeof req);
    assert_int_equal(sc_modbus(fd, req, n, got, sizeof got, 300), 0);
    expect_mb(fd, "00 0C 00 00 00 06 11 03 01 2B 00 02", "00 0C 00 00 00 07 11 03 04 00 00 00 08");
    assert_non_null(strstr(meter_json("000012345678"), "\"protocol\":\"modbus\""));
    close(fd);
}

/* A single-rate meter has no band registers: a read that touches
 * 0002-0009 is exception 02 (illegal data address); the total and the
 * measurements after the bands still answer. Set in the state file. */
static void modbus_single_rate(void **state)
{
    (void)state;
    static const char *const extra[] = {"--baud", "9600", "--speed", "0", NULL};
    static const char single[] = "{\"meters\":[{\"address\":\"000012345678\",\"unit\":17,\"rates\":\"single\","
                                 "\"power_w\":0,\"energy\":{\"total\":1234560}}]}";
    assert_true(file_write(dir, "state.json", single));
    start(extra);
    int fd = sc_connect(sim.modbus);
    assert_true(fd >= 0);
    expect_mb(fd, "00 03 00 00 00 06 11 03 00 00 00 0A", "00 03 00 00 00 03 11 83 02");
    expect_mb(fd, "00 04 00 00 00 06 11 03 00 08 00 02", "00 04 00 00 00 03 11 83 02");
    expect_mb(fd, "00 05 00 00 00 06 11 03 00 00 00 02", "00 05 00 00 00 07 11 03 04 00 01 E2 40");
    expect_mb(fd, "00 06 00 00 00 06 11 03 00 0B 00 01", "00 06 00 00 00 05 11 03 02 08 98");
    close(fd);
}

static void smoke_with_created_meters(void **state)
{
    (void)state;
    static const char *const extra[] = {"--meters", "3", NULL};
    start(extra);
    int fd = sc_connect(sim.dlt645);
    assert_true(fd >= 0);
    uint8_t req[DLT645_MAX_FRAME], raw[512];
    size_t got, n = read_req("000000000001", 0x03330201u, req);
    int64_t t0 = sc_now_ms();
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    int64_t took = sc_now_ms() - t0;
    assert_true(took >= 185 && took < 1500); /* (20 + 22) x 11 bits at 2400 baud = 192.5 ms */
    assert_int_equal(got, 22);
    assert_int_equal(raw[12], 0x91);
    assert_int_equal(raw[18], 0x33); /* count 0000 */
    assert_int_equal(raw[19], 0x33);

    char reply[1 << 14];
    assert_true(sc_control(&sim, "offline 000000000002", reply, sizeof reply));
    assert_string_equal(reply, "ok");
    n = read_req("000000000002", 0x03330201u, req);
    assert_false(sc_dlt(fd, req, n, raw, sizeof raw, &got, 600));
    assert_int_equal(got, 0);
    assert_true(sc_control(&sim, "online 000000000002", reply, sizeof reply));
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));

    assert_true(sc_control(&sim, "state", reply, sizeof reply));
    cJSON *o = cJSON_Parse(reply + 3);
    assert_non_null(o);
    const cJSON *meters = cJSON_GetObjectItemCaseSensitive(o, "meters");
    assert_int_equal(cJSON_GetArraySize(meters), 3);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(meters, 2), "address")->valuestring, "000000000003");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(meters, 0), "customer")->valuestring, "100000000001");
    cJSON_Delete(o);
    assert_false(sc_control(&sim, "frobnicate", reply, sizeof reply));
    assert_non_null(strstr(reply, "error unknown command"));
    assert_false(sc_control(&sim, "offline 999", reply, sizeof reply));
    close(fd);
    assert_int_equal(sc_stop(&sim), 0);
}

static void restart_keeps_state(void **state)
{
    (void)state;
    static const char *const extra[] = {"--meters", "3", "--speed", "0", "--baud", "9600", NULL};
    static const char *const meters[] = {"000000000001", "000000000002", "000000000003"};
    start(extra);
    int fd = sc_connect(sim.dlt645);
    uint8_t req[DLT645_MAX_FRAME], raw[512];
    size_t got, n = recharge("000000000001", "100000000001", 2500, 1, req);
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    assert_int_equal(raw[12], 0x83);
    close(fd);
    control("tamper 000000000002 magnetic on");
    control("set 000000000003 balance -250");
    control("set 000000000003 tariff tou sharp=1.2 peak=0.9 flat=0.6 valley=0.3 at=00:00/valley,08:00/flat");
    control("offline 000000000003");
    control("consume 000000000002 1234");
    char before[3][8192];
    for (int i = 0; i < 3; i++)
        snprintf(before[i], sizeof before[i], "%s", meter_json(meters[i]));
    assert_int_equal(sc_stop(&sim), 0);
    char *file = file_read(dir, "state.json");
    assert_non_null(strstr(file, "\"format\":\t\"metersim-state\""));
    free(file);
    start(extra);
    for (int i = 0; i < 3; i++)
        assert_string_equal(meter_json(meters[i]), before[i]);
    assert_non_null(strstr(before[0], "\"count\":1,\"amount\":2500"));
    assert_non_null(strstr(before[1], "\"magnetic\":true"));
    assert_int_equal(sc_stop(&sim), 0);
}

static void faults(void **state)
{
    (void)state;
    start_vectors();
    control("set 000012345678 balance 1000");
    int fd = sc_connect(sim.dlt645);
    uint8_t req[DLT645_MAX_FRAME], raw[512];
    size_t got, n = recharge("000012345678", "100000000001", 500, 8, req);
    control("drop 1");
    assert_false(sc_dlt(fd, req, n, raw, sizeof raw, &got, 400));
    assert_int_equal(meter_int("000012345678", "purchase_count"), 7);
    control("lose-reply 1");
    assert_false(sc_dlt(fd, req, n, raw, sizeof raw, &got, 400));
    assert_int_equal(meter_int("000012345678", "purchase_count"), 8);
    assert_true(sc_dlt(fd, req, n, raw, sizeof raw, &got, 2000));
    assert_int_equal(raw[12], 0xC3); /* repeated */

    size_t r = read_req("000012345678", 0x03330201u, req);
    control("corrupt 1");
    assert_false(sc_dlt(fd, req, r, raw, sizeof raw, &got, 400));
    assert_int_equal(got, 22);
    assert_int_equal(raw[21], 0x16);
    control("garbage 1");
    assert_true(sc_dlt(fd, req, r, raw, sizeof raw, &got, 2000));
    assert_true(got > 22 && got <= 22 + 16);
    control("split 1");
    int64_t t0 = sc_now_ms();
    assert_true(sc_dlt(fd, req, r, raw, sizeof raw, &got, 2000));
    assert_true(sc_now_ms() - t0 >= 140); /* 8 pieces, 20 ms apart */
    control("delay 300");
    t0 = sc_now_ms();
    assert_true(sc_dlt(fd, req, r, raw, sizeof raw, &got, 2000));
    assert_true(sc_now_ms() - t0 >= 300);
    char reply[256];
    control("drop 2");
    assert_true(sc_control(&sim, "faults", reply, sizeof reply));
    assert_string_equal(reply, "ok drop=2 lose-reply=0 corrupt=0 garbage=0 split=0 delay=300");
    control("clear");
    assert_true(sc_control(&sim, "faults", reply, sizeof reply));
    assert_string_equal(reply, "ok drop=0 lose-reply=0 corrupt=0 garbage=0 split=0 delay=0");

    /* Faults count requests of both protocols in arrival order. */
    int mb = sc_connect(sim.modbus);
    uint8_t adu[16], out[300];
    size_t m = hex_bytes("00 01 00 00 00 06 11 03 01 02 00 02", adu, sizeof adu);
    control("drop 1");
    assert_int_equal(sc_modbus(mb, adu, m, out, sizeof out, 300), 0);
    assert_true(sc_dlt(fd, req, r, raw, sizeof raw, &got, 2000));
    control("corrupt 1");
    assert_int_equal(sc_modbus(mb, adu, m, out, sizeof out, 2000), 13);
    assert_int_equal(out[7], 0x43);
    control("garbage 1"); /* RTU noise: the gateway forwards the whole ADU only */
    assert_int_equal(sc_modbus(mb, adu, m, out, sizeof out, 2000), 13);
    assert_int_equal(out[7], 0x03);
    close(mb);
    close(fd);
}

static void bad_arguments(void **state)
{
    (void)state;
    char state_path[600], key[600];
    snprintf(state_path, sizeof state_path, "%s/state.json", dir);
    snprintf(key, sizeof key, "%s/master.key", dir);
    const char *const none[] = {NULL};
    assert_int_equal(sc_run(metersim_bin, dir, none), 2);
    const char *const missing[] = {"--state", state_path, NULL};
    assert_int_equal(sc_run(metersim_bin, dir, missing), 2);
    char *err = file_read(dir, "stderr");
    assert_non_null(strstr(err, "--meters"));
    free(err);
    const char *const baud[] = {"--state", state_path, "--meters", "2", "--baud", "1234", NULL};
    assert_int_equal(sc_run(metersim_bin, dir, baud), 2);
    const char *const unknown[] = {"--state", state_path, "--frobnicate", NULL};
    assert_int_equal(sc_run(metersim_bin, dir, unknown), 2);
    assert_true(file_write(dir, "state.json", "{\"meters\":[{\"address\":\"000000000001\",\"balanse\":5}]}"));
    assert_int_equal(sc_run(metersim_bin, dir, missing), 2);
    err = file_read(dir, "stderr");
    assert_non_null(strstr(err, "'balanse'"));
    free(err);
    assert_true(sc_write_key(dir));
    chmod(key, 0644);
    const char *const open_key[] = {"--state", state_path, "--master-key", key, NULL};
    assert_int_equal(sc_run(metersim_bin, dir, open_key), 2);
    const char *const help[] = {"--help", NULL};
    assert_int_equal(sc_run(metersim_bin, dir, help), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(dlt645_doc_vectors, setup, teardown),
    cmocka_unit_test_setup_teardown(dlt645_doc_credits, setup, teardown),
    cmocka_unit_test_setup_teardown(dlt645_doc_relay, setup, teardown),
    cmocka_unit_test_setup_teardown(modbus_doc_vectors, setup, teardown),
    cmocka_unit_test_setup_teardown(dlt645_single_rate, setup, teardown),
    cmocka_unit_test_setup_teardown(dlt645_customer_number, setup, teardown),
    cmocka_unit_test_setup_teardown(modbus_single_rate, setup, teardown),
    cmocka_unit_test_setup_teardown(smoke_with_created_meters, setup, teardown),
    cmocka_unit_test_setup_teardown(restart_keeps_state, setup, teardown),
    cmocka_unit_test_setup_teardown(faults, setup, teardown),
    cmocka_unit_test_setup_teardown(consumption, setup, teardown),
    cmocka_unit_test_setup_teardown(bad_arguments, setup, teardown),
};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_metersim CASE PATH-TO-METERSIM\n");
        return 2;
    }
    metersim_bin = argv[2];
    setenv("TZ", "UTC", 1); /* the meters' time of day, for time-of-use bands */
    return ktest_run(__FILE__, tests, sizeof tests / sizeof tests[0], 2, argv);
}
