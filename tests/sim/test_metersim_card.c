/* metersim's card slot, with metersim as its own process: a card image
 * inserted into a meter on the control port (card-insert), every row of
 * the meter's rules (docs/card.md, "The meter's rules"), the write-back
 * field by field, the card's journal, restarts. The test writes the card
 * images itself (docs/sim/cardsim.md, "Card images"); no pcscd, no cardsim.
 * Run as: test_metersim_card CASE, with METERSIM set to the binary. */
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <unistd.h>

#include "ktest.h"
#include "support/simclient.h"
#include "support/support.h"

#include "drivers/card/card_apdu.h"

#define SIM_TIME_MS 2065523696000LL /* 2035-06-15T12:34:56Z: later than the wall clock, so kept */
#define SIM_TIME_BCD "350615123456"
#define METER1 "000000000001"       /* account not open */
#define METER2 "000000000002"       /* open: customer 100000000002, count 3, balance 1000 */

static const char *metersim_bin;
static char dir[512];
static sc_sim_t sim;

static const char base_state[] =
    "{\"sim_time_ms\":2065523696000,\"meters\":["
    "{\"address\":\"000000000001\",\"customer\":\"\",\"power_w\":0},"
    "{\"address\":\"000000000002\",\"customer\":\"100000000002\",\"purchase_count\":3,\"balance\":1000,"
    "\"power_w\":0}]}";

/* One card as the kiosk leaves it. */
typedef struct card_spec {
    const char *serial; /* 16 hex digits */
    uint8_t type, status, generation;
    const char *meter, *customer;
    uint8_t purpose;
    uint32_t amount, count;
} card_spec_t;

/* The user card of meter 2 with its purchase count 4 (the meter is at 3). */
static const card_spec_t card2 = {"4B50000000000002", CARD_TYPE_USER, CARD_STATUS_ACTIVE, 0, METER2, "100000000002",
                                  CARD_PURPOSE_PURCHASE, 2500, 4};

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

static const char *path_of(const char *name)
{
    static char paths[4][700];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

static void write_key(const char *name, const char *hex)
{
    int fd = open(path_of(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, hex, strlen(hex)), (ssize_t)strlen(hex));
    close(fd);
}

/* Starts metersim on base_state (unless a state is there already), with
 * the card issuer's key unless without_key. */
static void start_opts(bool without_key)
{
    static const char *const with[] = {"--card-key", NULL, "--speed", "0", NULL};
    static const char *const without[] = {"--speed", "0", NULL};
    const char *extra[5];
    memcpy(extra, with, sizeof extra);
    extra[1] = path_of("card.key");
    write_key("card.key", "0f0e0d0c0b0a09080706050403020100\n");
    if (access(path_of("state.json"), F_OK) != 0)
        assert_true(file_write(dir, "state.json", base_state));
    if (!sc_start(&sim, metersim_bin, dir, without_key ? without : extra)) {
        char *log = file_read(dir, "metersim.log");
        fprintf(stderr, "metersim did not start:\n%s\n", log ? log : "(no log)");
        free(log);
        fail();
    }
}

static void start(void)
{
    start_opts(false);
}

static void control(const char *cmd)
{
    char reply[512];
    if (!sc_control(&sim, cmd, reply, sizeof reply)) {
        fprintf(stderr, "control '%s' answered '%s'\n", cmd, reply);
        fail();
    }
}

static void hex_of(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02X", b[i]);
}

/* Writes the image of card c to dir/name (never in a meter before). */
static void write_card(const char *name, const card_spec_t *c)
{
    card_info_t info = {.version = CARD_INFO_VERSION, .type = c->type, .status = c->status,
                        .generation = c->generation, .currency = 156, .issued = "261122030000"};
    card_purse_t purse = {.purpose = c->purpose, .amount = c->amount, .count = c->count, .time = "261122031500"};
    uint8_t ib[CARD_INFO_LEN], pb[CARD_PURSE_LEN];
    char ih[2 * CARD_INFO_LEN + 1], ph[2 * CARD_PURSE_LEN + 1], wh[2 * CARD_WRITEBACK_LEN + 1], text[1024];
    for (int i = 0; i < CARD_SERIAL_LEN; i++)
        assert_int_equal(sscanf(c->serial + 2 * i, "%2hhx", &info.serial[i]), 1);
    snprintf(info.meter, sizeof info.meter, "%s", c->meter);
    snprintf(info.customer, sizeof info.customer, "%s", c->customer);
    assert_int_equal(card_info_encode(&info, ib, NULL), K_OK);
    assert_int_equal(card_purse_encode(&purse, pb, NULL), K_OK);
    hex_of(ib, sizeof ib, ih);
    hex_of(pb, sizeof pb, ph);
    memset(wh, '0', 2 * CARD_WRITEBACK_LEN);
    wh[2 * CARD_WRITEBACK_LEN] = '\0';
    snprintf(text, sizeof text,
             "{\"format\":\"cardsim-card\",\"version\":1,\"serial\":\"%s\",\"status\":\"%s\",\"mac_failures\":0,"
             "\"ef_info\":\"%s\",\"ef_purse\":\"%s\",\"ef_writeback\":\"%s\",\"journal\":[]}",
             c->serial, c->status == CARD_STATUS_BLOCKED ? "blocked" : "active", ih, ph, wh);
    assert_true(file_write(dir, name, text));
}

/* card-insert METER dir/CARD [dir/KEY]; the reply line in reply. */
static bool insert(const char *meter, const char *card, const char *key, char *reply, size_t len)
{
    char cmd[2200];
    snprintf(cmd, sizeof cmd, "card-insert %s %s", meter, path_of(card));
    if (key)
        snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " %s", path_of(key));
    return sc_control(&sim, cmd, reply, len);
}

/* An insertion that must be taken: the reply's JSON. */
static cJSON *insert_ok(const char *meter, const char *card)
{
    static char reply[4096];
    if (!insert(meter, card, NULL, reply, sizeof reply)) {
        fprintf(stderr, "card-insert %s %s answered '%s'\n", meter, card, reply);
        fail();
    }
    cJSON *o = cJSON_Parse(reply + 3);
    assert_non_null(o);
    return o;
}

static const char *str_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static int64_t int_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_true(cJSON_IsNumber(v));
    return (int64_t)v->valuedouble;
}

static bool bool_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_true(cJSON_IsBool(v));
    return cJSON_IsTrue(v);
}

/* An insertion taken with this result; its write-back written. */
static void expect(const char *meter, const char *card, const char *result, int64_t amount, int64_t count,
                   int64_t balance)
{
    cJSON *o = insert_ok(meter, card);
    assert_string_equal(str_of(o, "result"), result);
    assert_string_equal(str_of(o, "meter"), meter);
    assert_int_equal(int_of(o, "amount"), amount);
    assert_int_equal(int_of(o, "count"), count);
    assert_int_equal(int_of(o, "balance"), balance);
    assert_true(bool_of(o, "bound"));
    assert_true(bool_of(o, "writeback"));
    cJSON_Delete(o);
}

static char *meter_text(const char *meter)
{
    static char reply[1 << 16];
    char cmd[64];
    snprintf(cmd, sizeof cmd, "state %s", meter);
    assert_true(sc_control(&sim, cmd, reply, sizeof reply));
    return strdup(reply + 3);
}

static cJSON *meter_state(const char *meter)
{
    char *text = meter_text(meter);
    cJSON *o = cJSON_Parse(text);
    free(text);
    assert_non_null(o);
    return o;
}

/* The meter's last journal entry. */
static const cJSON *last_credit(const cJSON *meter)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(meter, "journal");
    assert_true(cJSON_GetArraySize(j) > 0);
    return cJSON_GetArrayItem(j, cJSON_GetArraySize(j) - 1);
}

static cJSON *image(const char *card)
{
    char *text = file_read(dir, card);
    assert_non_null(text);
    cJSON *o = cJSON_Parse(text);
    free(text);
    assert_non_null(o);
    return o;
}

/* EF_WRITEBACK of the image: its 56 bytes and their decoding. */
static void writeback_of(const char *card, uint8_t raw[CARD_WRITEBACK_LEN], card_writeback_t *wb)
{
    cJSON *o = image(card);
    const char *hex = str_of(o, "ef_writeback");
    assert_int_equal(strlen(hex), 2 * CARD_WRITEBACK_LEN);
    for (int i = 0; i < CARD_WRITEBACK_LEN; i++)
        assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &raw[i]), 1);
    cJSON_Delete(o);
    kmsg_t msg = {""};
    if (card_writeback_decode(raw, CARD_WRITEBACK_LEN, wb, &msg) != K_OK) {
        fprintf(stderr, "the write-back does not decode: %s\n", msg.text);
        fail();
    }
}

/* How many EF_WRITEBACK updates the card journaled; the last one's data
 * must be the file as it is now. */
static int journaled_writebacks(const char *card)
{
    cJSON *o = image(card);
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, "journal"), *e;
    const char *last = NULL;
    int n = 0;
    cJSON_ArrayForEach(e, j)
    {
        assert_string_equal(str_of(e, "file"), "EF_WRITEBACK");
        assert_int_equal(int_of(e, "offset"), 0);
        assert_false(bool_of(e, "repeat"));
        last = str_of(e, "data");
        n++;
    }
    if (last)
        assert_string_equal(last, str_of(o, "ef_writeback"));
    cJSON_Delete(o);
    return n;
}

/* A refusal: the reply names why, and nothing is written anywhere (the
 * card image, the state file, the meter). */
static void expect_refused(const char *meter, const char *card, const char *key, const char *why)
{
    char reply[1024];
    char *img = file_read(dir, card), *state = file_read(dir, "state.json"), *m = meter_text(meter);
    assert_false(insert(meter, card, key, reply, sizeof reply));
    if (strncmp(reply, "error refused: ", 15) != 0 || !strstr(reply, why)) {
        fprintf(stderr, "card-insert %s %s answered '%s', not a refusal naming '%s'\n", meter, card, reply, why);
        fail();
    }
    char *img2 = file_read(dir, card), *state2 = file_read(dir, "state.json"), *m2 = meter_text(meter);
    assert_string_equal(img, img2);
    assert_string_equal(state, state2);
    assert_string_equal(m, m2);
    free(img), free(img2), free(state), free(state2), free(m), free(m2);
}

static void open_account(void **state)
{
    (void)state;
    card_spec_t c = {"4B50000000000001", CARD_TYPE_USER, 0, 0, METER1, "100000000001", CARD_PURPOSE_OPEN, 5000, 1};
    write_card("c1.json", &c);
    start();
    expect(METER1, "c1.json", "opened", 5000, 1, 5000);
    cJSON *m = meter_state(METER1);
    assert_string_equal(str_of(m, "customer"), "100000000001");
    assert_string_equal(str_of(m, "card_serial"), "4B50000000000001");
    assert_int_equal(int_of(m, "card_generation"), 0);
    assert_int_equal(int_of(m, "purchased_total"), 5000);
    const cJSON *j = last_credit(m);
    assert_string_equal(str_of(j, "kind"), "open_account");
    assert_string_equal(str_of(j, "protocol"), "card");
    assert_int_equal(int_of(j, "count"), 1);
    assert_int_equal(int_of(j, "amount"), 5000);
    cJSON_Delete(m);
    uint8_t raw[CARD_WRITEBACK_LEN];
    card_writeback_t wb;
    writeback_of("c1.json", raw, &wb);
    assert_int_equal(wb.count, 1);
    assert_int_equal(wb.remaining, 5000);
    assert_int_equal(wb.status, CARD_WB_BOUND | CARD_WB_CREDIT_TAKEN);
    assert_int_equal(journaled_writebacks("c1.json"), 1);
}

/* A meter whose account is not open takes only the purchase opening it,
 * with count 1. */
static void unopened_refusals(void **state)
{
    (void)state;
    card_spec_t c = {"4B50000000000001", CARD_TYPE_USER, 0, 0, METER1, "100000000001", CARD_PURPOSE_PURCHASE, 5000, 1};
    write_card("c1.json", &c);
    start();
    expect_refused(METER1, "c1.json", NULL, "account is not open");
    c.purpose = CARD_PURPOSE_OPEN;
    c.count = 2;
    write_card("c1.json", &c);
    expect_refused(METER1, "c1.json", NULL, "purchase count error");
}

static void next_count_credited(void **state)
{
    (void)state;
    write_card("c2.json", &card2);
    start();
    expect(METER2, "c2.json", "credited", 2500, 4, 3500);
    cJSON *m = meter_state(METER2);
    assert_string_equal(str_of(m, "card_serial"), "4B50000000000002");
    assert_int_equal(int_of(m, "purchase_count"), 4);
    const cJSON *j = last_credit(m);
    assert_string_equal(str_of(j, "kind"), "recharge");
    assert_string_equal(str_of(j, "protocol"), "card");
    assert_int_equal(int_of(j, "count"), 4);
    assert_int_equal(int_of(j, "balance_after"), 3500);
    cJSON_Delete(m);
    uint8_t raw[CARD_WRITEBACK_LEN];
    card_writeback_t wb;
    writeback_of("c2.json", raw, &wb);
    assert_int_equal(wb.count, 4);
    assert_int_equal(wb.status & CARD_WB_CREDIT_TAKEN, CARD_WB_CREDIT_TAKEN);
    assert_int_equal(journaled_writebacks("c2.json"), 1);
}

/* The same card again: its purchase was taken; only the write-back. */
static void same_count_nothing(void **state)
{
    (void)state;
    write_card("c2.json", &card2);
    start();
    expect(METER2, "c2.json", "credited", 2500, 4, 3500);
    expect(METER2, "c2.json", "nothing", 0, 4, 3500);
    cJSON *m = meter_state(METER2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(m, "journal")), 1);
    cJSON_Delete(m);
    uint8_t raw[CARD_WRITEBACK_LEN];
    card_writeback_t wb;
    writeback_of("c2.json", raw, &wb);
    assert_int_equal(wb.count, 4);
    assert_int_equal(wb.status, CARD_WB_BOUND);
    assert_int_equal(journaled_writebacks("c2.json"), 2);
}

static void lower_count_nothing(void **state)
{
    (void)state;
    card_spec_t c = card2;
    c.count = 2;
    write_card("c2.json", &c);
    start();
    expect(METER2, "c2.json", "nothing", 0, 3, 1000);
    uint8_t raw[CARD_WRITEBACK_LEN];
    card_writeback_t wb;
    writeback_of("c2.json", raw, &wb);
    assert_int_equal(wb.count, 3);
    assert_int_equal(wb.remaining, 1000);
    assert_int_equal(wb.status & CARD_WB_CREDIT_TAKEN, 0);
    cJSON *m = meter_state(METER2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(m, "journal")), 0);
    cJSON_Delete(m);
}

static void count_gap_refused(void **state)
{
    (void)state;
    card_spec_t c = card2;
    c.count = 5; /* the meter is at 3 */
    write_card("c2.json", &c);
    start();
    expect_refused(METER2, "c2.json", NULL, "purchase count error");
    c.count = 60000;
    write_card("c2.json", &c);
    expect_refused(METER2, "c2.json", NULL, "purchase count error");
}

static void wrong_meter_refused(void **state)
{
    (void)state;
    card_spec_t c = card2;
    c.meter = METER1;
    write_card("c2.json", &c);
    start();
    expect_refused(METER2, "c2.json", NULL, "is for meter 000000000001");
}

static void wrong_customer_refused(void **state)
{
    (void)state;
    card_spec_t c = card2;
    c.customer = "100000000099";
    write_card("c2.json", &c);
    start();
    expect_refused(METER2, "c2.json", NULL, "customer 100000000099");
}

static void blocked_refused(void **state)
{
    (void)state;
    card_spec_t c = card2;
    c.status = CARD_STATUS_BLOCKED;
    write_card("c2.json", &c);
    start();
    expect_refused(METER2, "c2.json", NULL, "blocked");
}

static void blank_refused(void **state)
{
    (void)state;
    card_spec_t c = {"4B50000000000009", CARD_TYPE_BLANK, 0, 0, "000000000000", "000000000000", 0, 0, 0};
    write_card("blank.json", &c);
    start();
    expect_refused(METER2, "blank.json", NULL, "blank");
}

/* A replacement card of a higher generation re-binds the meter and
 * credits; after that the lost card is refused, and so is a card of a
 * generation no higher than the bound one. */
static void replacement_rebinds(void **state)
{
    (void)state;
    card_spec_t b = {"4B50000000000003", CARD_TYPE_REPLACEMENT, 0, 1, METER2, "100000000002", CARD_PURPOSE_REPLACE,
                     1200, 5};
    write_card("lost.json", &card2);
    write_card("new.json", &b);
    start();
    expect(METER2, "lost.json", "credited", 2500, 4, 3500);
    expect(METER2, "new.json", "rebound", 1200, 5, 4700);
    cJSON *m = meter_state(METER2);
    assert_string_equal(str_of(m, "card_serial"), "4B50000000000003");
    assert_int_equal(int_of(m, "card_generation"), 1);
    cJSON_Delete(m);
    expect_refused(METER2, "lost.json", NULL, "not the card the meter is bound to");
    card_spec_t same_gen = b;
    same_gen.serial = "4B50000000000004";
    same_gen.count = 6;
    write_card("same.json", &same_gen);
    expect_refused(METER2, "same.json", NULL, "not the card the meter is bound to");
    expect(METER2, "new.json", "nothing", 0, 5, 4700);
}

/* A card made under another issuer key answers READ WITH MAC with MACs
 * the meter does not accept. */
static void not_genuine_refused(void **state)
{
    (void)state;
    write_card("c2.json", &card2);
    write_key("forger.key", "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\n");
    start();
    expect_refused(METER2, "c2.json", "forger.key", "not a genuine card");
    expect(METER2, "c2.json", "credited", 2500, 4, 3500);
}

/* Every field of EF_WRITEBACK, decoded and as bytes. */
static void writeback_fields(void **state)
{
    (void)state;
    assert_true(file_write(dir, "state.json",
                           "{\"sim_time_ms\":2065523696000,\"meters\":[{\"address\":\"000000000002\","
                           "\"customer\":\"100000000002\",\"purchase_count\":3,\"balance\":-3000,\"power_w\":0,"
                           "\"relay\":\"open\",\"energy\":{\"total\":123456789,\"sharp\":1000,\"peak\":2000,"
                           "\"flat\":3000,\"valley\":4000},\"flags\":{\"cover\":true,\"magnetic\":true}}]}"));
    write_card("c2.json", &card2);
    start();
    expect(METER2, "c2.json", "credited", 2500, 4, -500);
    uint8_t raw[CARD_WRITEBACK_LEN];
    card_writeback_t wb;
    writeback_of("c2.json", raw, &wb);
    assert_true(wb.written);
    assert_string_equal(wb.meter, METER2);
    assert_int_equal(wb.remaining, -500);
    assert_int_equal(wb.energy_total, 123456789);
    assert_int_equal(wb.energy[0], 1000);
    assert_int_equal(wb.energy[1], 2000);
    assert_int_equal(wb.energy[2], 3000);
    assert_int_equal(wb.energy[3], 4000);
    assert_int_equal(wb.count, 4);
    assert_int_equal(wb.status, CARD_WB_RELAY_OPEN | CARD_WB_LOW_BALANCE | CARD_WB_PRETRIP | CARD_WB_BOUND |
                                    CARD_WB_CREDIT_TAKEN);
    assert_int_equal(wb.tamper, CARD_WB_METER_COVER | CARD_WB_MAGNETIC);
    assert_string_equal(wb.time, SIM_TIME_BCD);
    static const uint8_t head[] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xFF, 0xFF, 0xFE, 0x0C,
                                   0x00, 0x00, 0x07, 0x5B, 0xCD, 0x15};
    static const uint8_t tail[] = {0x00, 0x04, 0x1F, 0x05, 0x35, 0x06, 0x15, 0x12, 0x34, 0x56, 0, 0, 0, 0, 0};
    assert_memory_equal(raw, head, sizeof head);
    assert_memory_equal(raw + 41, tail, sizeof tail);
    assert_int_equal(journaled_writebacks("c2.json"), 1);
}

/* Kills metersim without a chance to save: what it saved before it
 * answered is all there is. */
static void crash(void)
{
    int status;
    assert_int_equal(kill(sim.pid, SIGKILL), 0);
    assert_int_equal(waitpid(sim.pid, &status, 0), sim.pid);
    sim.pid = 0;
}

/* The binding and the count were saved before the reply, and survive a
 * crash; a state file written before cards (no card fields) loads with no
 * card bound. */
static void restart_keeps_binding(void **state)
{
    (void)state;
    card_spec_t other = card2;
    other.serial = "4B50000000000005";
    other.count = 5;
    write_card("c2.json", &card2);
    write_card("other.json", &other);
    start();
    cJSON *m = meter_state(METER2);
    assert_string_equal(str_of(m, "card_serial"), "");
    assert_int_equal(int_of(m, "card_generation"), 0);
    cJSON_Delete(m);
    expect(METER2, "c2.json", "credited", 2500, 4, 3500);
    crash();
    char *text = file_read(dir, "state.json");
    assert_non_null(strstr(text, "\"card_serial\":\t\"4B50000000000002\""));
    free(text);
    start();
    m = meter_state(METER2);
    assert_string_equal(str_of(m, "card_serial"), "4B50000000000002");
    assert_int_equal(int_of(m, "purchase_count"), 4);
    assert_int_equal(int_of(m, "balance"), 3500);
    cJSON_Delete(m);
    expect(METER2, "c2.json", "nothing", 0, 4, 3500);
    expect_refused(METER2, "other.json", NULL, "not the card the meter is bound to");
}

/* The write-back cannot be written (the image's tmp file is a folder):
 * the credit is booked and saved all the same; the next insertion finds
 * count = n and writes the write-back only. */
static void writeback_failure_retried(void **state)
{
    (void)state;
    write_card("c2.json", &card2);
    char *before = file_read(dir, "c2.json");
    assert_int_equal(mkdir(path_of("c2.json.tmp"), 0755), 0);
    start();
    cJSON *o = insert_ok(METER2, "c2.json");
    assert_string_equal(str_of(o, "result"), "credited");
    assert_int_equal(int_of(o, "count"), 4);
    assert_false(bool_of(o, "writeback"));
    assert_non_null(strstr(str_of(o, "writeback_error"), "EF_WRITEBACK"));
    cJSON_Delete(o);
    char *after = file_read(dir, "c2.json");
    assert_string_equal(before, after);
    free(before), free(after);
    assert_int_equal(rmdir(path_of("c2.json.tmp")), 0);
    expect(METER2, "c2.json", "nothing", 0, 4, 3500);
    uint8_t raw[CARD_WRITEBACK_LEN];
    card_writeback_t wb;
    writeback_of("c2.json", raw, &wb);
    assert_int_equal(wb.count, 4);
    assert_int_equal(wb.status, CARD_WB_BOUND);
    assert_int_equal(journaled_writebacks("c2.json"), 1);
}

/* A card's credit is held to the limits of a remote one. */
static void limits_refused(void **state)
{
    (void)state;
    write_card("c2.json", &card2);
    start();
    control("set " METER2 " suspended on");
    expect_refused(METER2, "c2.json", NULL, "suspended");
    control("set " METER2 " suspended off");
    control("set " METER2 " hoarding 3000");
    expect_refused(METER2, "c2.json", NULL, "hoarding limit 3000");
    control("set " METER2 " hoarding 3500");
    expect(METER2, "c2.json", "credited", 2500, 4, 3500);
}

/* Errors that are not the meter's rules: they name the problem. */
static void errors(void **state)
{
    (void)state;
    char reply[1024];
    write_card("c2.json", &card2);
    assert_true(file_write(dir, "bad.json", "{\"format\":\"cardsim-card\",\"bogus\":1}"));
    write_key("open.key", "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\n");
    chmod(path_of("open.key"), 0644);
    start();
    assert_false(insert("000000000009", "c2.json", NULL, reply, sizeof reply));
    assert_non_null(strstr(reply, "no meter 000000000009"));
    assert_false(insert(METER2, "bad.json", NULL, reply, sizeof reply));
    assert_non_null(strstr(reply, "'bogus'"));
    assert_false(insert(METER2, "missing.json", NULL, reply, sizeof reply));
    assert_non_null(strstr(reply, "missing.json"));
    assert_false(insert(METER2, "c2.json", "open.key", reply, sizeof reply));
    assert_non_null(strstr(reply, "open.key"));
    assert_false(sc_control(&sim, "card-insert " METER2, reply, sizeof reply));
    assert_non_null(strstr(reply, "usage: card-insert METER FILE"));
    expect(METER2, "c2.json", "credited", 2500, 4, 3500);
}

static void no_card_key(void **state)
{
    (void)state;
    char reply[1024];
    write_card("c2.json", &card2);
    char *before = file_read(dir, "c2.json");
    start_opts(true);
    assert_false(insert(METER2, "c2.json", NULL, reply, sizeof reply));
    assert_non_null(strstr(reply, "--card-key"));
    assert_null(strstr(reply, "refused"));
    char *after = file_read(dir, "c2.json");
    assert_string_equal(before, after);
    free(before), free(after);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(open_account, setup, teardown),
    cmocka_unit_test_setup_teardown(unopened_refusals, setup, teardown),
    cmocka_unit_test_setup_teardown(next_count_credited, setup, teardown),
    cmocka_unit_test_setup_teardown(same_count_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(lower_count_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(count_gap_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(wrong_meter_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(wrong_customer_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(blocked_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(blank_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(replacement_rebinds, setup, teardown),
    cmocka_unit_test_setup_teardown(not_genuine_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(writeback_fields, setup, teardown),
    cmocka_unit_test_setup_teardown(restart_keeps_binding, setup, teardown),
    cmocka_unit_test_setup_teardown(writeback_failure_retried, setup, teardown),
    cmocka_unit_test_setup_teardown(limits_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(errors, setup, teardown),
    cmocka_unit_test_setup_teardown(no_card_key, setup, teardown),
};

int main(int argc, char **argv)
{
    metersim_bin = getenv("METERSIM");
    if (!metersim_bin || !*metersim_bin) {
        fprintf(stderr, "test_metersim_card: set METERSIM to the metersim binary\n");
        return 2;
    }
    setenv("TZ", "UTC", 1);
    return ktest_run(__FILE__, tests, sizeof tests / sizeof tests[0], argc, argv);
}
