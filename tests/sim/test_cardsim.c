/* cardsim as a separate process, without pcscd: the test plays vpcd (it
 * listens where cardsim connects and frames control bytes and APDUs as
 * vpcd does) and checks docs/card.md command by command and status word by
 * status word, the purse rules, blocking, personalisation, the MACs
 * (against card_key_derive and card_mac8), every tear mode (the image file
 * holds the old purse or the new one, whole) and the SAM. The simulator
 * binary comes as the CARDSIM environment variable. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktest.h"
#include "drivers/card/card_key.h"
#include "gateway/hex.h"
#include "sim/cardsim_client.h"
#include "support/simclient.h"
#include "support/support.h"

#define SERIAL "1122334455667788"
#define CARD_ATR "3B 88 80 01 4B 50 52 45 50 41 59 31 7C"
#define SAM_ATR "3B 88 80 01 4B 50 53 41 4D 30 30 31 7C"
#define SELECT "00 A4 04 0C 08 F0 4B 50 52 45 50 41 59"
#define SAM_SELECT "00 A4 04 0C 08 F0 4B 50 53 41 4D 30 31"
#define WAIT_MS 2000
#define RESP_MAX 300

static const uint8_t master[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t serial[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};

static const char *cardsim_bin;
static char dir[512], image[600];
static cs_sim_t sim;
static int card = -1, sam = -1;

/* ---- the simulator and its control port ---- */

static void dump_log(const char *why)
{
    char *log = file_read(dir, "cardsim.log");
    fprintf(stderr, "%s; cardsim's log:\n%s\n", why, log ? log : "(none)");
    free(log);
}

static void start(bool with_sam)
{
    if (!cs_start(&sim, cardsim_bin, dir, with_sam, NULL)) {
        dump_log("cardsim did not start");
        fail();
    }
}

static bool control_reply(char *reply, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool control_reply(char *reply, size_t len, const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return sc_control(&sim.sc, cmd, reply, len);
}

#define CONTROL(...)                                                                                         \
    do {                                                                                                     \
        char reply_[4096];                                                                                   \
        if (!control_reply(reply_, sizeof reply_, __VA_ARGS__))                                              \
            fail_msg("control answered '%s'", reply_);                                                       \
    } while (0)

/* The control command must fail, and its reply name want. */
#define CONTROL_ERROR(want, ...)                                                                             \
    do {                                                                                                     \
        char reply_[4096];                                                                                   \
        if (control_reply(reply_, sizeof reply_, __VA_ARGS__) || !strstr(reply_, want))                      \
            fail_msg("expected an error naming '%s', got '%s'", want, reply_);                               \
    } while (0)

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Inserts dir/card.json: cardsim connects to the card reader, which powers
 * the card up and asks for its ATR. */
static void insert(void)
{
    uint8_t atr[64], want[32];
    size_t n = 0;
    close_fd(&card);
    CONTROL("insert %s", image);
    card = cs_accept(sim.card_lfd, WAIT_MS);
    assert_true(card >= 0);
    assert_true(cs_power_on(card, atr, sizeof atr, &n));
    size_t wn = hex_bytes(CARD_ATR, want, sizeof want);
    assert_int_equal(n, wn);
    assert_memory_equal(atr, want, wn);
}

static int setup_bare(void **state)
{
    (void)state;
    memset(&sim, 0, sizeof sim);
    sim.card_lfd = sim.sam_lfd = -1;
    card = sam = -1;
    if (!tmpdir_make(dir, sizeof dir))
        return -1;
    snprintf(image, sizeof image, "%s/card.json", dir);
    return 0;
}

/* A running cardsim with a blank card inserted and selected. */
static int setup(void **state)
{
    if (setup_bare(state) != 0)
        return -1;
    start(false);
    CONTROL("make-blank %s %s", SERIAL, image);
    insert();
    return 0;
}

/* As setup, and the SAM connected, powered and selected. */
static int setup_sam(void **state)
{
    uint8_t atr[64];
    size_t n = 0;
    if (setup_bare(state) != 0)
        return -1;
    start(true);
    CONTROL("make-blank %s %s", SERIAL, image);
    insert();
    sam = cs_accept(sim.sam_lfd, WAIT_MS);
    return sam >= 0 && cs_power_on(sam, atr, sizeof atr, &n) ? 0 : -1;
}

/* The simulator must stop cleanly (status 0: no sanitizer report either). */
static int teardown(void **state)
{
    (void)state;
    close_fd(&card);
    close_fd(&sam);
    int status = cs_stop(&sim);
    if (status != 0) {
        char why[64];
        snprintf(why, sizeof why, "cardsim exited with %d", status);
        dump_log(why);
    }
    tmpdir_remove(dir);
    return status == 0 ? 0 : -1;
}

/* ---- APDUs ---- */

/* Sends an APDU on fd; the answer's data go to data (may be NULL), the
 * status word is returned. Fails the test if no answer comes. */
static uint16_t xmit(int fd, const uint8_t *apdu, size_t n, uint8_t *data, size_t *dn)
{
    uint8_t resp[RESP_MAX];
    size_t rn = 0;
    int rc = cs_transmit(fd, apdu, n, resp, sizeof resp, &rn, WAIT_MS);
    if (rc != 1 || rn < 2)
        fail_msg("no answer (%s)", rc < 0 ? "the connection closed" : "silence");
    if (data)
        memcpy(data, resp, rn - 2);
    if (dn)
        *dn = rn - 2;
    return (uint16_t)(resp[rn - 2] << 8 | resp[rn - 1]);
}

static uint16_t xmit_hex(int fd, const char *hex, uint8_t *data, size_t *dn)
{
    uint8_t b[RESP_MAX];
    return xmit(fd, b, hex_bytes(hex, b, sizeof b), data, dn);
}

/* The command (hex) on fd must answer sw. */
static void expect_on(int fd, const char *hex, uint16_t sw)
{
    uint16_t got = xmit_hex(fd, hex, NULL, NULL);
    if (got != sw)
        fail_msg("%s: expected %04X, got %04X", hex, sw, got);
}

static void expect(const char *hex, uint16_t sw)
{
    expect_on(card, hex, sw);
}

static void expect_sw(uint16_t got, uint16_t want, const char *what)
{
    if (got != want)
        fail_msg("%s: expected %04X, got %04X", what, want, got);
}

/* The card's key for label, computed here from the test master key. */
static void key_of(const char *label, const uint8_t ser[8], uint8_t key[16])
{
    assert_true(card_key_derive(master, label, ser, key));
}

static void challenge(uint8_t ch[8])
{
    size_t n = 0;
    expect_sw(xmit_hex(card, "00 84 00 00 08", ch, &n), 0x9000, "GET CHALLENGE");
    assert_int_equal(n, 8);
}

/* UPDATE WITH MAC after the given challenge, the MAC under label, into
 * apdu; returns its length. */
static size_t build_update(const uint8_t ch[8], uint8_t sfi, uint8_t off, const uint8_t *data, size_t len,
                           const char *label, uint8_t apdu[5 + 64 + 8])
{
    uint8_t key[16], msg[8 + 4 + 64];
    uint8_t head[4] = {0x04, 0xD6, (uint8_t)(0x80 | sfi), off};
    memcpy(msg, ch, 8);
    memcpy(msg + 8, head, 4);
    memcpy(msg + 12, data, len);
    key_of(label, serial, key);
    memcpy(apdu, head, 4);
    apdu[4] = (uint8_t)(len + 8);
    memcpy(apdu + 5, data, len);
    assert_true(card_mac8(key, msg, 12 + len, apdu + 5 + len));
    return 5 + len + 8;
}

static uint16_t update_with(const uint8_t ch[8], uint8_t sfi, uint8_t off, const uint8_t *data, size_t len,
                            const char *label)
{
    uint8_t apdu[5 + 64 + 8];
    size_t n = build_update(ch, sfi, off, data, len, label, apdu);
    return xmit(card, apdu, n, NULL, NULL);
}

/* GET CHALLENGE, then UPDATE WITH MAC. */
static uint16_t update(uint8_t sfi, uint8_t off, const uint8_t *data, size_t len, const char *label)
{
    uint8_t ch[8];
    challenge(ch);
    return update_with(ch, sfi, off, data, len, label);
}

/* A purse: purpose, amount, count, 2026-11-22 03:15:00. */
static void make_purse(uint8_t p[16], uint8_t purpose, uint32_t amount, uint16_t count)
{
    static const uint8_t when[6] = {0x26, 0x11, 0x22, 0x03, 0x15, 0x00};
    memset(p, 0, 16);
    p[0] = purpose;
    p[1] = (uint8_t)(amount >> 24);
    p[2] = (uint8_t)(amount >> 16);
    p[3] = (uint8_t)(amount >> 8);
    p[4] = (uint8_t)amount;
    p[5] = (uint8_t)(count >> 8);
    p[6] = (uint8_t)count;
    memcpy(p + 7, when, 6);
}

/* EF_INFO of an issued user card for meter 000000000001, customer
 * 000000000042, CNY. */
static void make_info(uint8_t info[32], const uint8_t ser[8])
{
    static const uint8_t meter[6] = {0, 0, 0, 0, 0, 0x01}, customer[6] = {0, 0, 0, 0, 0, 0x42};
    static const uint8_t when[6] = {0x26, 0x11, 0x22, 0x03, 0x00, 0x00};
    memset(info, 0, 32);
    info[0] = 0x01;
    info[1] = 0x01;
    memcpy(info + 3, ser, 8);
    memcpy(info + 11, meter, 6);
    memcpy(info + 17, customer, 6);
    info[24] = 0x01;
    info[25] = 0x56;
    memcpy(info + 26, when, 6);
}

static void read_file(uint8_t sfi, uint8_t *out, size_t want)
{
    uint8_t apdu[5] = {0x00, 0xB0, (uint8_t)(0x80 | sfi), 0x00, 0x00};
    size_t n = 0;
    expect_sw(xmit(card, apdu, sizeof apdu, out, &n), 0x9000, "READ BINARY");
    assert_int_equal(n, want);
}

/* Issues the blank card (EF_INFO) and writes the first purse, count 1. */
static void issue_and_open(uint8_t purse1[16])
{
    uint8_t info[32];
    make_info(info, serial);
    expect_sw(update(1, 0, info, sizeof info, CARD_LABEL_ISSUE), 0x9000, "issue");
    make_purse(purse1, 0x01, 10000, 1);
    expect_sw(update(2, 0, purse1, 16, CARD_LABEL_PURSE), 0x9000, "purse 1");
}

/* ---- the image file ---- */

static cJSON *load_json(const char *name)
{
    char *text = file_read(dir, name);
    assert_non_null(text);
    cJSON *o = cJSON_Parse(text);
    free(text);
    assert_non_null(o);
    return o;
}

static cJSON *load_image(void)
{
    return load_json("card.json");
}

/* A hex field of the image file, as bytes. */
static void image_hex(const char *field, uint8_t *out, size_t n)
{
    cJSON *o = load_image();
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, field);
    assert_true(cJSON_IsString(it));
    assert_int_equal(strlen(it->valuestring), 2 * n);
    assert_int_equal(hex_bytes(it->valuestring, out, n), n);
    cJSON_Delete(o);
}

static int image_int(const char *field)
{
    cJSON *o = load_image();
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, field);
    assert_true(cJSON_IsNumber(it));
    int v = it->valueint;
    cJSON_Delete(o);
    return v;
}

static void assert_image_str(const char *field, const char *want)
{
    cJSON *o = load_image();
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, field);
    assert_true(cJSON_IsString(it));
    assert_string_equal(it->valuestring, want);
    cJSON_Delete(o);
}

/* The journal's length, and its last entry's file and repeat flag. */
static int journal_last(char *file, size_t cap, bool *repeat)
{
    cJSON *o = load_image();
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, "journal");
    assert_true(cJSON_IsArray(j));
    int n = cJSON_GetArraySize(j);
    if (n > 0) {
        const cJSON *e = cJSON_GetArrayItem(j, n - 1);
        snprintf(file, cap, "%s", cJSON_GetObjectItemCaseSensitive(e, "file")->valuestring);
        *repeat = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "repeat"));
        assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "time")));
    }
    cJSON_Delete(o);
    return n;
}

static void assert_image_purse(const uint8_t want[16])
{
    uint8_t p[16];
    image_hex("ef_purse", p, sizeof p);
    assert_memory_equal(p, want, 16);
}

/* The card must be pulled out at this APDU: the connection closes
 * without an answer, and the control port sees no card. */
static void expect_pulled(const uint8_t *apdu, size_t n)
{
    uint8_t resp[RESP_MAX];
    size_t rn = 0;
    assert_int_equal(cs_transmit(card, apdu, n, resp, sizeof resp, &rn, WAIT_MS), -1);
    close_fd(&card);
    CONTROL_ERROR("no card", "state");
}

/* A good UPDATE of the whole purse, expected to pull the card out. */
static void purse_pulled(const uint8_t p[16])
{
    uint8_t ch[8], apdu[5 + 64 + 8];
    challenge(ch);
    expect_pulled(apdu, build_update(ch, 2, 0, p, 16, CARD_LABEL_PURSE, apdu));
}

/* ---- the tests ---- */

static void atr_and_power(void **state)
{
    (void)state;
    const uint8_t off = 0x00, reset = 0x02, odd = 0x07, get_atr = 0x04;
    expect(SELECT, 0x9000);
    expect("00 B0 81 00 00", 0x9000);
    assert_true(cs_send(card, &reset, 1)); /* no answer to a reset */
    expect("00 B0 81 00 00", 0x6985);
    expect(SELECT, 0x9000);
    assert_true(cs_send(card, &off, 1));
    assert_true(cs_send(card, &odd, 1)); /* unknown control: ignored */
    uint8_t atr[64], want[32];
    size_t n = 0, wn = hex_bytes(CARD_ATR, want, sizeof want);
    assert_true(cs_power_on(card, atr, sizeof atr, &n));
    assert_int_equal(n, wn);
    assert_memory_equal(atr, want, wn);
    expect("00 B0 81 00 00", 0x6985);
    assert_true(cs_send(card, &get_atr, 1));
    assert_int_equal(cs_recv(card, atr, sizeof atr, &n, WAIT_MS), 1);
    assert_memory_equal(atr, want, wn);
}

static void select_rules(void **state)
{
    (void)state;
    expect("00 B0 81 00 00", 0x6985);
    expect("00 84 00 00 08", 0x6985);
    expect("04 D6 82 00 09 00 11 22 33 44 55 66 77 88", 0x6985);
    expect("80 B6 82 00 08 01 02 03 04 05 06 07 08 00", 0x6985);
    expect("00 A4 04 0C 08 F0 4B 50 52 45 50 41 58", 0x6A82);
    expect("00 A4 04 0C 07 F0 4B 50 52 45 50 41", 0x6A82);
    expect("00 A4 04 00 08 F0 4B 50 52 45 50 41 59", 0x6A86);
    expect("00 A4 00 0C 08 F0 4B 50 52 45 50 41 59", 0x6A86);
    expect("00 A4 04 0C 08 F0 4B 50 52 45 50 41 59 00", 0x6700);
    expect("00 A4 04 0C", 0x6700);
    expect("00 B0 81 00 00", 0x6985);
    expect(SELECT, 0x9000);
    expect("00 A4 04 0C 08 F0 4B 50 52 45 50 41 58", 0x6A82); /* a failed SELECT keeps the selection */
    expect("00 B0 81 00 00", 0x9000);
}

static void read_binary(void **state)
{
    (void)state;
    uint8_t b[64], want[32] = {0x01, 0x00, 0x00};
    size_t n = 0;
    memcpy(want + 3, serial, 8);
    expect(SELECT, 0x9000);
    expect_sw(xmit_hex(card, "00 B0 81 00 20", b, &n), 0x9000, "EF_INFO");
    assert_int_equal(n, 32);
    assert_memory_equal(b, want, 32);
    expect_sw(xmit_hex(card, "00 B0 81 00 00", b, &n), 0x9000, "EF_INFO, LE 00");
    assert_int_equal(n, 32);
    expect_sw(xmit_hex(card, "00 B0 81 03 08", b, &n), 0x9000, "the serial");
    assert_memory_equal(b, serial, 8);
    expect_sw(xmit_hex(card, "00 B0 81 1E 00", b, &n), 0x9000, "from 30 to the end");
    assert_int_equal(n, 2);
    expect_sw(xmit_hex(card, "00 B0 82 00 00", b, &n), 0x9000, "EF_PURSE");
    assert_int_equal(n, 16);
    expect_sw(xmit_hex(card, "00 B0 83 00 38", b, &n), 0x9000, "EF_WRITEBACK");
    assert_int_equal(n, 56);
    expect("00 B0 81 1F 02", 0x6700);
    expect("00 B0 81 20 00", 0x6700);
    expect("00 B0 82 00 11", 0x6700);
    expect("00 B0 83 00 39", 0x6700);
    expect("00 B0 84 00 00", 0x6A82);
    expect("00 B0 80 00 00", 0x6A82);
    expect("00 B0 9F 00 00", 0x6A82);
    expect("00 B0 01 00 00", 0x6A86);
    expect("00 B0 C1 00 00", 0x6A86);
    expect("00 B0 81 00", 0x6700);
    expect("00 B0 81 00 01 00", 0x6700);
}

static void class_instruction_length(void **state)
{
    (void)state;
    expect(SELECT, 0x9000);
    expect("90 B0 81 00 00", 0x6E00);
    expect("0C B0 81 00 00", 0x6E00);
    expect("80 B0 81 00 00", 0x6E00);
    expect("00 B6 82 00 08 01 02 03 04 05 06 07 08 00", 0x6E00);
    expect("00 D6 82 00 09 00 11 22 33 44 55 66 77 88", 0x6E00);
    expect("00 CA 00 00 00", 0x6D00);
    expect("04 CA 00 00 00", 0x6D00);
    expect("80 2A 01 00 00", 0x6D00);
    expect("00 B0 81", 0x6700);
    expect("00 B0", 0x6700);
    expect("00 B0 81 00 05 01 02", 0x6700);
    expect("00 B0 81 00 00 00 20", 0x6700); /* extended lengths are not taken */
    expect("00 B0 81 00 00", 0x9000);
}

static void get_challenge(void **state)
{
    (void)state;
    uint8_t a[8], b[8];
    expect(SELECT, 0x9000);
    challenge(a);
    challenge(b);
    assert_memory_not_equal(a, b, 8);
    expect("00 84 01 00 08", 0x6A86);
    expect("00 84 00 01 08", 0x6A86);
    expect("00 84 00 00 04", 0x6700);
    expect("00 84 00 00 00", 0x6700);
    expect("00 84 00 00", 0x6700);
}

static void personalise_blank(void **state)
{
    (void)state;
    uint8_t info[32], other[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x89}, got[32];
    expect(SELECT, 0x9000);
    make_info(info, other);
    expect_sw(update(1, 0, info, sizeof info, CARD_LABEL_ISSUE), 0x6985, "another serial");
    expect_sw(update(1, 10, other + 7, 1, CARD_LABEL_ISSUE), 0x6A86, "a part of the file");
    make_info(info, serial);
    expect_sw(update(1, 0, info, sizeof info, CARD_LABEL_PURSE), 0x6989, "EF_INFO under PURSE");
    expect_sw(update(1, 11, info + 11, 6, CARD_LABEL_ISSUE), 0x6A86, "the meter alone: files are written whole");
    info[2] = 0x01; /* the card keeps its own status byte */
    expect_sw(update(1, 0, info, sizeof info, CARD_LABEL_ISSUE), 0x9000, "issue");
    read_file(1, got, 32);
    info[2] = 0x00;
    assert_memory_equal(got, info, 32);
    uint8_t img[32];
    image_hex("ef_info", img, sizeof img);
    assert_memory_equal(img, info, 32);
    assert_image_str("status", "active");
    char file[32];
    bool repeat = true;
    assert_int_equal(journal_last(file, sizeof file, &repeat), 1);
    assert_string_equal(file, "EF_INFO");
    assert_false(repeat);
    expect_sw(update(1, 0, info, sizeof info, CARD_LABEL_ISSUE), 0x6985, "EF_INFO of an issued card");
    assert_int_equal(journal_last(file, sizeof file, &repeat), 1);
}

static void purse_count_rules(void **state)
{
    (void)state;
    uint8_t p1[16], p[16], got[16];
    char file[32];
    bool repeat = false;
    expect(SELECT, 0x9000);
    make_purse(p, 0x02, 500, 0);
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x6985, "count 0 on count 0, not the same purse");
    issue_and_open(p1);
    read_file(2, got, 16);
    assert_memory_equal(got, p1, 16);
    assert_image_purse(p1);
    expect_sw(update(2, 0, p1, 16, CARD_LABEL_PURSE), 0x9000, "the same purse again");
    assert_int_equal(journal_last(file, sizeof file, &repeat), 3);
    assert_string_equal(file, "EF_PURSE");
    assert_true(repeat);
    expect_sw(update(2, 1, p1 + 1, 4, CARD_LABEL_PURSE), 0x6A86, "part of the purse");
    make_purse(p, 0x01, 20000, 1);
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x6985, "count 1 again, another amount");

    make_purse(p, 0x02, 20000, 3);
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x6985, "count 3 on count 1");
    make_purse(p, 0x02, 20000, 0);
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x6985, "count 0 on count 1");
    assert_image_purse(p1);
    make_purse(p, 0x02, 20000, 2);
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x9000, "count 2 on count 1");
    assert_image_purse(p);
    assert_int_equal(journal_last(file, sizeof file, &repeat), 4);
    assert_false(repeat);
    expect_sw(update(2, 0, p, 16, CARD_LABEL_ISSUE), 0x6989, "EF_PURSE under ISSUE");
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x9000, "a good MAC after a bad one");
}

static void a_first_purchase_takes_any_count(void **state)
{
    (void)state;
    uint8_t p[16];
    expect(SELECT, 0x9000);
    make_purse(p, 0x03, 500, 7); /* a replacement card continues the lost card's counts */
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x9000, "count 7 on a card with no purchase yet");
    assert_image_purse(p);
    make_purse(p, 0x02, 500, 9);
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x6985, "then count + 1 only");
    make_purse(p, 0x02, 500, 8);
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x9000, "count 8");
}

static void challenge_rules(void **state)
{
    (void)state;
    uint8_t ch[8], ch2[8], p[16], wb[56] = {0x01};
    expect(SELECT, 0x9000);
    make_purse(p, 0x01, 100, 1);
    expect("04 D6 82 00 18 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 02 03 04 05 06 07 08", 0x6982);
    challenge(ch);
    expect("00 B0 81 00 00", 0x9000); /* GET CHALLENGE must come right before */
    expect_sw(update_with(ch, 2, 0, p, 16, CARD_LABEL_PURSE), 0x6982, "a challenge with a READ in between");
    make_purse(p, 0x01, 100, 0);
    challenge(ch);
    expect_sw(update_with(ch, 2, 0, p, 16, CARD_LABEL_PURSE), 0x6985, "count 0");
    make_purse(p, 0x01, 100, 1);
    expect_sw(update_with(ch, 2, 0, p, 16, CARD_LABEL_PURSE), 0x6982, "a challenge used by a refused UPDATE");
    challenge(ch);
    expect("04 D6 01 00 09 00 11 22 33 44 55 66 77 88", 0x6A86);
    expect_sw(update_with(ch, 2, 0, p, 16, CARD_LABEL_PURSE), 0x6982, "a challenge used by a malformed UPDATE");
    challenge(ch);
    challenge(ch2);
    expect_sw(update_with(ch, 2, 0, p, 16, CARD_LABEL_PURSE), 0x6989, "the older of two challenges");
    expect_sw(update(3, 0, wb, sizeof wb, CARD_LABEL_METER), 0x9000, "EF_WRITEBACK under METER");
    expect_sw(update(3, 0, wb, sizeof wb, CARD_LABEL_PURSE), 0x6989, "EF_WRITEBACK under PURSE");
    expect_sw(update(3, 55, wb, 1, CARD_LABEL_METER), 0x6A86, "the last byte of EF_WRITEBACK alone");
    assert_int_equal(image_int("mac_failures"), 1);
    expect_sw(update(3, 0, wb, sizeof wb, CARD_LABEL_METER), 0x9000, "a good MAC ends the row of errors");
    assert_int_equal(image_int("mac_failures"), 0);
}

static void update_lengths(void **state)
{
    (void)state;
    uint8_t ch[8];
    expect(SELECT, 0x9000);
    challenge(ch);
    expect("04 D6 82 00 08 01 02 03 04 05 06 07 08", 0x6700);                   /* no data */
    challenge(ch);
    expect("04 D6 82 10 09 00 01 02 03 04 05 06 07 08", 0x6A86);                /* not from the start */
    challenge(ch);
    expect("04 D6 82 00 0A 00 00 01 02 03 04 05 06 07 08", 0x6700);             /* not the whole file */
    challenge(ch);
    expect("04 D6 82 00 09 00 01 02 03 04 05 06 07 08 00", 0x6700);             /* with LE */
    challenge(ch);
    expect("04 D6 85 00 09 00 01 02 03 04 05 06 07 08", 0x6A82);
    challenge(ch);
    expect("04 D6 02 00 09 00 01 02 03 04 05 06 07 08", 0x6A86);
    expect("04 D6 82 00", 0x6700);
    assert_int_equal(image_int("mac_failures"), 0);
}

static void mac_errors_block(void **state)
{
    (void)state;
    uint8_t p1[16], p2[16], p[16], info[32], b[64];
    size_t n = 0;
    expect(SELECT, 0x9000);
    issue_and_open(p1);
    make_purse(p2, 0x02, 700, 2);
    expect_sw(update(2, 0, p2, 16, CARD_LABEL_READ), 0x6989, "MAC error 1");
    expect_sw(update(2, 0, p2, 16, CARD_LABEL_METER), 0x6989, "MAC error 2");
    assert_int_equal(image_int("mac_failures"), 2);
    expect_sw(update(2, 0, p2, 16, CARD_LABEL_PURSE), 0x9000, "a good MAC");
    assert_int_equal(image_int("mac_failures"), 0);
    make_purse(p, 0x02, 700, 5);
    for (int i = 0; i < 2; i++)
        expect_sw(update(2, 0, p, 16, CARD_LABEL_ISSUE), 0x6989, "MAC errors 1, 2");
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x6985, "a good MAC, a bad count");
    assert_int_equal(image_int("mac_failures"), 0);
    for (int i = 0; i < 2; i++)
        expect_sw(update(2, 0, p, 16, CARD_LABEL_ISSUE), 0x6989, "MAC errors 1, 2");
    assert_image_str("status", "active");
    expect_sw(update(2, 0, p, 16, CARD_LABEL_ISSUE), 0x6989, "MAC error 3");
    assert_image_str("status", "blocked");
    assert_int_equal(image_int("mac_failures"), 3);
    image_hex("ef_info", info, sizeof info);
    assert_int_equal(info[2], 0x01);
    expect("00 84 00 00 08", 0x6983);
    expect("04 D6 82 00 18 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 02 03 04 05 06 07 08", 0x6983);
    expect(SELECT, 0x9000);
    expect_sw(xmit_hex(card, "00 B0 81 02 01", b, &n), 0x9000, "the status byte");
    assert_int_equal(b[0], 0x01);
    expect_sw(xmit_hex(card, "80 B6 82 00 08 01 02 03 04 05 06 07 08 00", b, &n), 0x9000, "READ WITH MAC");
    assert_memory_equal(b, p2, 16);
    insert(); /* blocked for good */
    expect(SELECT, 0x9000);
    expect("00 84 00 00 08", 0x6983);
    assert_image_purse(p2);
}

/* READ WITH MAC of sfi must carry CMAC(K_READ, NONCE || P1 || CONTENT). */
static void check_read_mac(uint8_t sfi, size_t size)
{
    uint8_t apdu[14] = {0x80, 0xB6, (uint8_t)(0x80 | sfi), 0x00, 0x08, 9, 8, 7, 6, 5, 4, 3, 2, 0x00};
    uint8_t b[128], content[64], key[16], msg[9 + 64], mac[8];
    size_t n = 0;
    expect_sw(xmit(card, apdu, sizeof apdu, b, &n), 0x9000, "READ WITH MAC");
    assert_int_equal(n, size + 8);
    read_file(sfi, content, size);
    assert_memory_equal(b, content, size);
    memcpy(msg, apdu + 5, 8);
    msg[8] = apdu[2];
    memcpy(msg + 9, content, size);
    key_of(CARD_LABEL_READ, serial, key);
    assert_true(card_mac8(key, msg, 9 + size, mac));
    assert_memory_equal(b + size, mac, 8);
}

static void read_with_mac(void **state)
{
    (void)state;
    uint8_t p1[16], wb[56];
    expect(SELECT, 0x9000);
    check_read_mac(2, 16);
    check_read_mac(3, 56);
    issue_and_open(p1);
    for (size_t i = 0; i < sizeof wb; i++)
        wb[i] = (uint8_t)(i * 7 + 1);
    expect_sw(update(3, 0, wb, sizeof wb, CARD_LABEL_METER), 0x9000, "write-back");
    check_read_mac(2, 16);
    check_read_mac(3, 56);
    expect("80 B6 81 00 08 01 02 03 04 05 06 07 08 00", 0x6A86);
    expect("80 B6 82 01 08 01 02 03 04 05 06 07 08 00", 0x6A86);
    expect("80 B6 02 00 08 01 02 03 04 05 06 07 08 00", 0x6A86);
    expect("80 B6 87 00 08 01 02 03 04 05 06 07 08 00", 0x6A82);
    expect("80 B6 82 00 08 01 02 03 04 05 06 07 08", 0x6700);
    expect("80 B6 82 00 08 01 02 03 04 05 06 07 08 18", 0x6700);
    expect("80 B6 82 00 04 01 02 03 04 00", 0x6700);
    expect("80 B6 82 00 00", 0x6700);
}

static void power_forgets(void **state)
{
    (void)state;
    const uint8_t reset = 0x02, off = 0x00;
    uint8_t ch[8], p[16], atr[64];
    size_t n = 0;
    make_purse(p, 0x01, 100, 1);
    expect(SELECT, 0x9000);
    challenge(ch);
    assert_true(cs_send(card, &reset, 1));
    expect(SELECT, 0x9000);
    expect_sw(update_with(ch, 2, 0, p, 16, CARD_LABEL_PURSE), 0x6982, "a challenge from before a reset");
    challenge(ch);
    assert_true(cs_send(card, &off, 1));
    assert_true(cs_power_on(card, atr, sizeof atr, &n));
    expect(SELECT, 0x9000);
    expect_sw(update_with(ch, 2, 0, p, 16, CARD_LABEL_PURSE), 0x6982, "a challenge from before a power cycle");
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x9000, "a fresh challenge");
}

static void tear_after(void **state)
{
    (void)state;
    uint8_t p[16], blank[16] = {0};
    char file[32];
    bool repeat = false;
    CONTROL("tear-after 3");
    expect(SELECT, 0x9000);
    make_purse(p, 0x01, 100, 1);
    purse_pulled(p); /* GET CHALLENGE is the 2nd, the UPDATE the 3rd */
    assert_image_purse(blank);
    assert_int_equal(journal_last(file, sizeof file, &repeat), 0);
    insert();
    expect(SELECT, 0x9000);
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x9000, "the write after the tear");
    assert_image_purse(p);
    CONTROL("tear-after 1");
    expect_pulled((const uint8_t[]){0x00, 0xB0, 0x82, 0x00, 0x00}, 5);
}

static void tear_in_update(void **state)
{
    (void)state;
    uint8_t p1[16], p2[16], got[16];
    char file[32];
    bool repeat = false;
    expect(SELECT, 0x9000);
    issue_and_open(p1);
    CONTROL("tear-in-update");
    make_purse(p2, 0x02, 3000, 2);
    expect_sw(update(2, 0, p2, 16, CARD_LABEL_ISSUE), 0x6989, "a refused UPDATE does not tear");
    assert_int_equal(image_int("mac_failures"), 1);
    purse_pulled(p2);
    assert_image_purse(p1); /* all the old bytes */
    assert_int_equal(image_int("mac_failures"), 0);
    assert_int_equal(journal_last(file, sizeof file, &repeat), 2);
    insert();
    expect(SELECT, 0x9000);
    read_file(2, got, 16);
    assert_memory_equal(got, p1, 16);
    expect_sw(update(2, 0, p2, 16, CARD_LABEL_PURSE), 0x9000, "the write again");
    assert_image_purse(p2);
}

static void tear_after_update(void **state)
{
    (void)state;
    uint8_t p1[16], p2[16], got[16];
    char file[32];
    bool repeat = true;
    expect(SELECT, 0x9000);
    issue_and_open(p1);
    CONTROL("tear-after-update");
    make_purse(p2, 0x02, 3000, 2);
    purse_pulled(p2);
    assert_image_purse(p2); /* all the new bytes */
    assert_int_equal(journal_last(file, sizeof file, &repeat), 3);
    assert_false(repeat);
    insert();
    expect(SELECT, 0x9000);
    read_file(2, got, 16);
    assert_memory_equal(got, p2, 16);
    expect_sw(update(2, 0, p2, 16, CARD_LABEL_PURSE), 0x9000, "the kiosk repeats the write");
    assert_int_equal(journal_last(file, sizeof file, &repeat), 4);
    assert_true(repeat);
    assert_image_purse(p2);
}

static void remove_and_reinsert(void **state)
{
    (void)state;
    uint8_t b[8];
    size_t n = 0;
    char reply[4096];
    CONTROL_ERROR("inserted already", "insert %s", image);
    assert_true(control_reply(reply, sizeof reply, "state"));
    assert_non_null(strstr(reply, "\"serial\":\"" SERIAL "\""));
    CONTROL("remove");
    assert_int_equal(cs_recv(card, b, sizeof b, &n, WAIT_MS), -1);
    close_fd(&card);
    CONTROL_ERROR("no card", "remove");
    CONTROL_ERROR("no card", "state");
    CONTROL_ERROR("cannot read", "insert %s/none.json", dir);
    insert();
    expect(SELECT, 0x9000);
    close_fd(&card); /* vpcd closes: the card is out */
    for (int i = 0; i < 200 && control_reply(reply, sizeof reply, "state"); i++)
        usleep(10000);
    CONTROL_ERROR("no card", "state");
    insert();
    expect(SELECT, 0x9000);
}

static void insert_without_vpcd(void **state)
{
    (void)state;
    start(false);
    CONTROL("make-blank %s %s", SERIAL, image);
    close(sim.card_lfd); /* no reader listens */
    sim.card_lfd = -1;
    CONTROL_ERROR("cannot connect to vpcd", "insert %s", image);
    CONTROL_ERROR("no card", "state");
    CONTROL_ERROR("no card", "remove");
}

/* The SAM's MAC for label over serial || message, computed here. */
static void sam_expect_mac(uint8_t p1, const char *label, const uint8_t *message, size_t len)
{
    uint8_t apdu[5 + 8 + 64 + 1] = {0x80, 0x2A, p1, 0x00, (uint8_t)(8 + len)}, b[64], key[16], mac[8];
    size_t n = 0;
    memcpy(apdu + 5, serial, 8);
    memcpy(apdu + 13, message, len);
    apdu[13 + len] = 0x08;
    expect_sw(xmit(sam, apdu, 14 + len, b, &n), 0x9000, "COMPUTE MAC");
    assert_int_equal(n, 8);
    key_of(label, serial, key);
    assert_true(card_mac8(key, message, len, mac));
    assert_memory_equal(b, mac, 8);
}

static void sam_compute_mac(void **state)
{
    (void)state;
    const uint8_t reset = 0x02, get_atr = 0x04;
    uint8_t msg[40], atr[64], want[32];
    size_t n = 0, wn = hex_bytes(SAM_ATR, want, sizeof want);
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(0xA0 + i);
    assert_true(cs_send(sam, &get_atr, 1));
    assert_int_equal(cs_recv(sam, atr, sizeof atr, &n, WAIT_MS), 1);
    assert_int_equal(n, wn);
    assert_memory_equal(atr, want, wn);
    expect_on(sam, "80 2A 02 00 09 11 22 33 44 55 66 77 88 00 08", 0x6985);
    expect_on(sam, SELECT, 0x6A82); /* the card's AID */
    expect_on(sam, "00 A4 04 00 08 F0 4B 50 53 41 4D 30 31", 0x6A86);
    expect_on(sam, SAM_SELECT, 0x9000);
    sam_expect_mac(0x01, CARD_LABEL_ISSUE, msg, 36);
    sam_expect_mac(0x02, CARD_LABEL_PURSE, msg, 28);
    sam_expect_mac(0x04, CARD_LABEL_READ, msg, 25);
    sam_expect_mac(0x04, CARD_LABEL_READ, msg, 0);
    expect_on(sam, "80 2A 03 00 09 11 22 33 44 55 66 77 88 00 08", 0x6A86);
    expect_on(sam, "80 2A 05 00 09 11 22 33 44 55 66 77 88 00 08", 0x6A86);
    expect_on(sam, "80 2A 00 00 09 11 22 33 44 55 66 77 88 00 08", 0x6A86);
    expect_on(sam, "80 2A 02 01 09 11 22 33 44 55 66 77 88 00 08", 0x6A86);
    expect_on(sam, "80 2A 02 00 07 11 22 33 44 55 66 77 08", 0x6700);
    expect_on(sam, "80 2A 02 00 09 11 22 33 44 55 66 77 88 00", 0x6700);
    expect_on(sam, "80 2A 02 00 09 11 22 33 44 55 66 77 88 00 10", 0x6700);
    expect_on(sam, "80 2A 02 00 08", 0x6700);
    expect_on(sam, "80 CA 00 00 00", 0x6D00);
    expect_on(sam, "00 2A 02 00 09 11 22 33 44 55 66 77 88 00 08", 0x6E00);
    expect_on(sam, "84 2A 02 00 09 11 22 33 44 55 66 77 88 00 08", 0x6E00);
    assert_true(cs_send(sam, &reset, 1));
    expect_on(sam, "80 2A 02 00 09 11 22 33 44 55 66 77 88 00 08", 0x6985);
}

/* COMPUTE MAC on the SAM: 80 2A label 00 LC serial message 08. */
static void sam_mac(uint8_t label, const uint8_t *message, size_t len, uint8_t mac[8])
{
    uint8_t apdu[5 + 8 + 64 + 1] = {0x80, 0x2A, label, 0x00, (uint8_t)(8 + len)};
    size_t n = 0;
    memcpy(apdu + 5, serial, 8);
    memcpy(apdu + 13, message, len);
    apdu[13 + len] = 0x08;
    expect_sw(xmit(sam, apdu, 14 + len, mac, &n), 0x9000, "COMPUTE MAC");
    assert_int_equal(n, 8);
}

/* The purchase of docs/card.md, APDU by APDU, with the SAM's MACs. */
static void sam_purchase(void **state)
{
    (void)state;
    uint8_t p1[16], p2[16], info[32], wb[56], b[128], nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8}, msg[64], mac[8];
    size_t n = 0;
    expect_on(sam, SAM_SELECT, 0x9000);
    expect(SELECT, 0x9000);
    issue_and_open(p1);
    read_file(1, info, 32);
    read_file(3, wb, 56);
    uint8_t rm[14] = {0x80, 0xB6, 0x82, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00};
    expect_sw(xmit(card, rm, sizeof rm, b, &n), 0x9000, "4: EF_PURSE with MAC");
    memcpy(msg, nonce, 8);
    msg[8] = 0x82;
    memcpy(msg + 9, p1, 16);
    sam_mac(0x04, msg, 25, mac);
    assert_memory_equal(b + 16, mac, 8);
    uint8_t ch[8];
    challenge(ch);
    make_purse(p2, 0x02, 5000, 2);
    uint8_t head[4] = {0x04, 0xD6, 0x82, 0x00}, apdu[5 + 16 + 8] = {0x04, 0xD6, 0x82, 0x00, 24};
    memcpy(msg, ch, 8);
    memcpy(msg + 8, head, 4);
    memcpy(msg + 12, p2, 16);
    sam_mac(0x02, msg, 28, mac);
    memcpy(apdu + 5, p2, 16);
    memcpy(apdu + 21, mac, 8);
    expect_sw(xmit(card, apdu, sizeof apdu, NULL, NULL), 0x9000, "8: write");
    expect_sw(xmit(card, rm, sizeof rm, b, &n), 0x9000, "9: read back");
    assert_memory_equal(b, p2, 16);
    memcpy(msg, nonce, 8);
    msg[8] = 0x82;
    memcpy(msg + 9, p2, 16);
    sam_mac(0x04, msg, 25, mac);
    assert_memory_equal(b + 16, mac, 8);
    assert_image_purse(p2);
}

static void sam_reconnects(void **state)
{
    (void)state;
    uint8_t atr[64];
    size_t n = 0;
    close_fd(&sam); /* vpcd drops the SAM */
    sam = cs_accept(sim.sam_lfd, 3000);
    assert_true(sam >= 0);
    assert_true(cs_power_on(sam, atr, sizeof atr, &n));
    expect_on(sam, "80 2A 02 00 09 11 22 33 44 55 66 77 88 00 08", 0x6985); /* a new SAM session */
    expect_on(sam, SAM_SELECT, 0x9000);
    /* vpcd not up yet: cardsim keeps trying */
    int port = sim.sam_port;
    close_fd(&sam);
    close(sim.sam_lfd);
    sim.sam_lfd = -1;
    usleep(1200 * 1000);
    sim.sam_lfd = cs_listen(port, &port);
    assert_true(sim.sam_lfd >= 0);
    sam = cs_accept(sim.sam_lfd, 3000);
    assert_true(sam >= 0);
    assert_true(cs_power_on(sam, atr, sizeof atr, &n));
    expect_on(sam, SAM_SELECT, 0x9000);
    expect(SELECT, 0x9000); /* the card never noticed */
}

static void no_keys_in_log(void **state)
{
    (void)state;
    uint8_t p1[16], key[16];
    char hex[40];
    expect(SELECT, 0x9000);
    issue_and_open(p1);
    check_read_mac(2, 16);
    char *log = file_read(dir, "cardsim.log");
    assert_non_null(log);
    assert_non_null(strstr(log, "vpcd -> card"));
    assert_null(strstr(log, "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F"));
    assert_null(strstr(log, "000102030405060708090a0b0c0d0e0f"));
    const char *labels[] = {CARD_LABEL_ISSUE, CARD_LABEL_PURSE, CARD_LABEL_READ, CARD_LABEL_METER};
    for (size_t k = 0; k < 4; k++) {
        key_of(labels[k], serial, key);
        snprintf(hex, sizeof hex, "%02X %02X %02X %02X %02X %02X", key[0], key[1], key[2], key[3], key[4], key[5]);
        assert_null(strstr(log, hex));
    }
    free(log);
}

/* Writes text as dir/bad.json and expects insert to refuse it, naming want. */
static void refused_image(const char *text, const char *want)
{
    assert_true(file_write(dir, "bad.json", text));
    CONTROL_ERROR(want, "insert %s/bad.json", dir);
}

#define ZEROS_21 "000000000000000000000000000000000000000000"
#define BLANK_INFO "0100000102030405060708" ZEROS_21

/* A card image for serial 0102030405060708 with these fields and extra
 * (",..." or ""). */
static void image_text(char *buf, size_t cap, const char *status, int failures, const char *info, const char *extra)
{
    char wb[113];
    memset(wb, '0', 112);
    wb[112] = '\0';
    snprintf(buf, cap,
             "{\"format\":\"cardsim-card\",\"version\":1,\"serial\":\"0102030405060708\",\"status\":\"%s\","
             "\"mac_failures\":%d,\"ef_info\":\"%s\",\"ef_purse\":\"00000000000000000000000000000000\","
             "\"ef_writeback\":\"%s\"%s}",
             status, failures, info, wb, extra);
}

static void make_blank_program(void)
{
    char path[700];
    snprintf(path, sizeof path, "%s/made.json", dir);
    const char *const made[] = {"make-blank", "0102030405060708", path, NULL};
    assert_int_equal(sc_run(cardsim_bin, dir, made), 0);
    assert_int_equal(sc_run(cardsim_bin, dir, made), 1); /* not replaced */
    cJSON *o = load_json("made.json");
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    assert_non_null(text);
    bool ok = strstr(text, "\"serial\":\"0102030405060708\",\"status\":\"active\",\"mac_failures\":0,"
                           "\"ef_info\":\"" BLANK_INFO "\",\"ef_purse\":\"00000000000000000000000000000000\"") &&
              strstr(text, "\"journal\":[]");
    if (!ok)
        fprintf(stderr, "made.json: %s\n", text);
    free(text);
    assert_true(ok);
    const char *const bad_serial[] = {"make-blank", "01020304050607", path, NULL};
    assert_int_equal(sc_run(cardsim_bin, dir, bad_serial), 2);
}

static void images(void **state)
{
    (void)state;
    char buf[2048], reply[4096];
    make_blank_program();
    start(false);
    CONTROL_ERROR("exists", "make-blank %s %s/made.json", SERIAL, dir);
    CONTROL_ERROR("16 hex digits", "make-blank 0102 %s/x.json", dir);
    image_text(buf, sizeof buf, "active", 0, BLANK_INFO, ",\"colour\":1");
    refused_image(buf, "'colour'");
    image_text(buf, sizeof buf, "active", 0, "0100000102030405060709" ZEROS_21, "");
    refused_image(buf, "serial");
    image_text(buf, sizeof buf, "blocked", 0, BLANK_INFO, "");
    refused_image(buf, "status");
    image_text(buf, sizeof buf, "active", 3, BLANK_INFO, "");
    refused_image(buf, "'mac_failures'");
    image_text(buf, sizeof buf, "active", 0, "0100000102030405060708", "");
    refused_image(buf, "'ef_info'");
    image_text(buf, sizeof buf, "active", 0, BLANK_INFO,
               ",\"journal\":[{\"time_ms\":1,\"file\":\"EF_X\",\"offset\":0,\"data\":\"00\"}]");
    refused_image(buf, "journal entry 1: 'file'");
    image_text(buf, sizeof buf, "active", 0, BLANK_INFO,
               ",\"journal\":[{\"time_ms\":1,\"file\":\"EF_PURSE\",\"offset\":15,\"data\":\"0102\"}]");
    refused_image(buf, "'data'");
    refused_image("[1,2]", "one JSON object");
    refused_image("not json", "not JSON");
    image_text(buf, sizeof buf, "blocked", 3, "0100010102030405060708" ZEROS_21,
               ",\"journal\":[{\"time_ms\":1,\"file\":\"EF_PURSE\",\"offset\":14,\"data\":\"0102\",\"repeat\":true}]");
    assert_true(file_write(dir, "good.json", buf));
    CONTROL("insert %s/good.json", dir);
    assert_true(control_reply(reply, sizeof reply, "state"));
    assert_non_null(strstr(reply, "\"status\":\"blocked\",\"mac_failures\":3"));
    assert_non_null(strstr(reply, "\"offset\":14,\"data\":\"0102\",\"repeat\":true"));
}

static void control_commands(void **state)
{
    (void)state;
    char reply[1024];
    assert_true(control_reply(reply, sizeof reply, "help"));
    assert_non_null(strstr(reply, "tear-in-update"));
    CONTROL_ERROR("unknown command", "bogus");
    CONTROL_ERROR("usage", "insert");
    CONTROL_ERROR("usage", "remove now");
    CONTROL_ERROR("tear-after needs", "tear-after 0");
    CONTROL_ERROR("tear-after needs", "tear-after x");
    CONTROL_ERROR("empty", "%s", " ");
    CONTROL("tear-after 1");
    CONTROL("tear-in-update");
    CONTROL("tear-after-update");
    CONTROL("clear");
    uint8_t p[16];
    make_purse(p, 0x01, 100, 1);
    expect(SELECT, 0x9000);
    expect_sw(update(2, 0, p, 16, CARD_LABEL_PURSE), 0x9000, "no tear after clear");
    assert_image_purse(p);
}

static void bad_arguments(void **state)
{
    (void)state;
    char key[600], key644[600];
    assert_true(sc_write_key(dir));
    snprintf(key, sizeof key, "%s/master.key", dir);
    snprintf(key644, sizeof key644, "%s/open.key", dir);
    assert_true(file_write(dir, "open.key", "000102030405060708090a0b0c0d0e0f\n"));
    chmod(key644, 0644);
    const char *const cases[][8] = {
        {"--control", "0", NULL},
        {"--master-key", key, "--vpcd", "nowhere", NULL},
        {"--master-key", key, "--vpcd", "127.0.0.1:0", NULL},
        {"--master-key", key, "--vpcd", "127.0.0.1:70000", NULL},
        {"--master-key", key, "--sam", ":35964", NULL},
        {"--master-key", key, "--control", "-1", NULL},
        {"--master-key", key, "--log-level", "loud", NULL},
        {"--master-key", key644, NULL},
        {"--master-key", "/nonexistent/key", NULL},
        {"--master-key", key, "--frobnicate", NULL},
        {"--master-key", key, "extra", NULL},
        {"--master-key", key, "--sam", NULL},
        {"make-blank", "0102030405060708", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (sc_run(cardsim_bin, dir, cases[i]) != 2)
            fail_msg("cardsim %s %s %s %s: expected exit status 2", cases[i][0], cases[i][1] ? cases[i][1] : "",
                     cases[i][1] && cases[i][2] ? cases[i][2] : "",
                     cases[i][1] && cases[i][2] && cases[i][3] ? cases[i][3] : "");
        char *err = file_read(dir, "stderr");
        assert_non_null(err);
        assert_int_equal(file_count_lines(dir, "stderr", "cardsim: "), 1);
        free(err);
    }
    const char *const help[] = {"--help", NULL}, *const version[] = {"--version", NULL};
    assert_int_equal(sc_run(cardsim_bin, dir, help), 0);
    assert_int_equal(sc_run(cardsim_bin, dir, version), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(atr_and_power, setup, teardown),
    cmocka_unit_test_setup_teardown(select_rules, setup, teardown),
    cmocka_unit_test_setup_teardown(read_binary, setup, teardown),
    cmocka_unit_test_setup_teardown(class_instruction_length, setup, teardown),
    cmocka_unit_test_setup_teardown(get_challenge, setup, teardown),
    cmocka_unit_test_setup_teardown(personalise_blank, setup, teardown),
    cmocka_unit_test_setup_teardown(purse_count_rules, setup, teardown),
    cmocka_unit_test_setup_teardown(a_first_purchase_takes_any_count, setup, teardown),
    cmocka_unit_test_setup_teardown(challenge_rules, setup, teardown),
    cmocka_unit_test_setup_teardown(update_lengths, setup, teardown),
    cmocka_unit_test_setup_teardown(mac_errors_block, setup, teardown),
    cmocka_unit_test_setup_teardown(read_with_mac, setup, teardown),
    cmocka_unit_test_setup_teardown(power_forgets, setup, teardown),
    cmocka_unit_test_setup_teardown(tear_after, setup, teardown),
    cmocka_unit_test_setup_teardown(tear_in_update, setup, teardown),
    cmocka_unit_test_setup_teardown(tear_after_update, setup, teardown),
    cmocka_unit_test_setup_teardown(remove_and_reinsert, setup, teardown),
    cmocka_unit_test_setup_teardown(insert_without_vpcd, setup_bare, teardown),
    cmocka_unit_test_setup_teardown(sam_compute_mac, setup_sam, teardown),
    cmocka_unit_test_setup_teardown(sam_purchase, setup_sam, teardown),
    cmocka_unit_test_setup_teardown(sam_reconnects, setup_sam, teardown),
    cmocka_unit_test_setup_teardown(no_keys_in_log, setup, teardown),
    cmocka_unit_test_setup_teardown(images, setup_bare, teardown),
    cmocka_unit_test_setup_teardown(control_commands, setup, teardown),
    cmocka_unit_test_setup_teardown(bad_arguments, setup_bare, teardown),
};

int main(int argc, char **argv)
{
    cardsim_bin = getenv("CARDSIM");
    if (!cardsim_bin || !*cardsim_bin) {
        fprintf(stderr, "test_cardsim: set CARDSIM to the cardsim binary\n");
        return 2;
    }
    return ktest_run(__FILE__, tests, sizeof tests / sizeof tests[0], argc, argv);
}
