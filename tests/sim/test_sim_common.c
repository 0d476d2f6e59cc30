/* What the simulators share (sim/common): the receive buffer for framed
 * streams, key files and AES-CMAC against RFC 4493, and the reader of
 * their JSON files with the place of an error named. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktest.h"
#include "gateway/hex.h"

#include "sim/common/simkey.h"
#include "sim/common/simjson.h"
#include "sim/common/simrx.h"

/* text in a new file of its own under $TMPDIR (or /tmp) with this mode;
 * its path into path (unlink it after). */
static void temp_file(const char *text, mode_t mode, char path[256])
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, 256, "%s/simtest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
}

/* ---- simrx --------------------------------------------------------------- */

/* A toy framing for the buffer alone: AA, a length byte, that many bytes. */
static simrx_verdict_t judge(const uint8_t *p, size_t n, const void *ctx, size_t *len)
{
    (void)ctx;
    if (n < 2)
        return SIMRX_MORE;
    if (p[1] > 4)
        return SIMRX_NOISE;
    if (n < 2u + p[1])
        return SIMRX_MORE;
    *len = 2u + p[1];
    return SIMRX_FRAME;
}

static void receive_buffer(void **state)
{
    (void)state;
    simrx_t rx;
    size_t len;
    simrx_init(&rx, 8);
    simrx_feed(&rx, (const uint8_t *)"\x01\x02\xAA\x09\xAA\x01", 6); /* noise, a bad start, a cut frame */
    assert_false(simrx_next(&rx, 0xAA, judge, NULL, &len));
    assert_int_equal(rx.dropped, 4);
    simrx_feed(&rx, (const uint8_t *)"\x7F", 1);
    assert_true(simrx_next(&rx, 0xAA, judge, NULL, &len));
    assert_int_equal(len, 3);
    assert_memory_equal(rx.buf, "\xAA\x01\x7F", 3);
    simrx_take(&rx, len);
    assert_int_equal(rx.n, 0);
    assert_int_equal(rx.dropped, 4); /* a frame taken is not dropped */
    /* a start waiting for bytes is noise once a whole frame follows it */
    simrx_feed(&rx, (const uint8_t *)"\xAA\x04\x01\xAA\x00", 5);
    assert_true(simrx_next(&rx, 0xAA, judge, NULL, &len));
    assert_int_equal(len, 2);
    assert_int_equal(rx.dropped, 7);
    simrx_take(&rx, len);
    /* more than cap: the newest bytes stay */
    simrx_feed(&rx, (const uint8_t *)"\x00\x00\x00\x00\x00\x00\x00\xAA\x01\x05", 10);
    assert_int_equal(rx.n, 8);
    assert_true(simrx_next(&rx, 0xAA, judge, NULL, &len));
    assert_memory_equal(rx.buf, "\xAA\x01\x05", 3);
}

/* ---- simkey -------------------------------------------------------------- */

/* RFC 4493, section 4: the key and its four examples. */
static void cmac_of_rfc_4493(void **state)
{
    (void)state;
    static const struct {
        size_t len;
        const char *mac;
    } ex[] = {
        {0, "bb1d6929e95937287fa37d129b756746"},
        {16, "070a16b46b4d4144f79bdd9dd04a287c"},
        {40, "dfa66747de9ae63030ca32611497c827"},
        {64, "51f0bebf7e3b9d92fc49741779363cfe"},
    };
    uint8_t key[16], msg[64], want[16], got[16];
    hex_bytes("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof key);
    hex_bytes("6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
              "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710",
              msg, sizeof msg);
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        hex_bytes(ex[i].mac, want, sizeof want);
        assert_true(simkey_cmac(key, msg, ex[i].len, got));
        assert_memory_equal(got, want, 16);
        assert_true(simkey_mac(key, msg, ex[i].len, got, 4));
        assert_memory_equal(got, want, 4);
        assert_true(simkey_same(got, want, 4));
    }
    got[3] ^= 1;
    assert_false(simkey_same(got, want, 4));
}

static kerr_t load_key(const char *text, mode_t mode, uint8_t key[16], kmsg_t *msg)
{
    char path[256];
    temp_file(text, mode, path);
    kerr_t rc = simkey_load(path, key, msg);
    unlink(path);
    return rc;
}

static void key_files(void **state)
{
    (void)state;
    static const uint8_t want[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    uint8_t key[16];
    kmsg_t msg;
    assert_int_equal(load_key("000102030405060708090a0b0c0d0e0f\n", 0600, key, &msg), K_OK);
    assert_memory_equal(key, want, 16);
    assert_int_equal(load_key("00010203 04050607\n08090A0B 0C0D0E0F\n", 0400, key, &msg), K_OK);
    assert_memory_equal(key, want, 16);
    assert_int_equal(load_key("000102030405060708090a0b0c0d0e0f\n", 0644, key, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "chmod 600"));
    assert_int_equal(load_key("000102", 0600, key, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "exactly 32 hex digits"));
    assert_int_equal(load_key("000102030405060708090a0b0c0d0e0f00", 0600, key, &msg), K_EINVAL);
    assert_int_equal(load_key("zz0102030405060708090a0b0c0d0e0f", 0600, key, &msg), K_EINVAL);
    assert_int_equal(simkey_load("/nonexistent/none.key", key, &msg), K_EINVAL);
    assert_non_null(strstr(msg.text, "none.key: cannot read"));
}

/* ---- simjson ------------------------------------------------------------- */

static cJSON *parse_file(const char *text, kerr_t want, kmsg_t *msg)
{
    char path[256];
    cJSON *root = NULL;
    temp_file(text, 0600, path);
    assert_int_equal(simjson_file(path, 1 << 20, &root, msg), want);
    unlink(path);
    return root;
}

static void json_files(void **state)
{
    (void)state;
    kmsg_t msg;
    cJSON *root = NULL;
    assert_int_equal(simjson_file("/nonexistent/state.json", 1 << 20, &root, &msg), K_ENOTFOUND);
    assert_null(parse_file("{\"a\": 1} trailing", K_EINVAL, &msg));
    assert_non_null(strstr(msg.text, "is not JSON (look near byte"));
    root = parse_file("{\"a\": 1}", K_OK, &msg);
    assert_non_null(root);
    cJSON_Delete(root);
    assert_int_equal(simjson_file("/", 1 << 20, &root, &msg), K_EIO); /* a folder */
}

static void fields_and_places(void **state)
{
    (void)state;
    kmsg_t msg;
    cJSON *o = parse_file("{\"n\": 7, \"big\": 1e300, \"half\": 1.5, \"none\": null, \"t\": \"abc\", \"b\": 1}",
                          K_OK, &msg);
    simjson_at_t at = simjson_top("the state file", &msg);
    int64_t v = -1;
    bool flag = false;
    char text[4] = "x";
    assert_int_equal(simjson_int(o, "n", 0, 9, 0, &v, &at), K_OK);
    assert_int_equal(v, 7);
    assert_int_equal(simjson_int(o, "n", 0, 5, 0, &v, &at), K_EINVAL);
    assert_string_equal(msg.text, "'n' must be a whole number 0..5");
    assert_int_equal(simjson_int(o, "big", 0, 5, 0, &v, &at), K_EINVAL);
    assert_int_equal(simjson_int(o, "half", 0, 5, 0, &v, &at), K_EINVAL);
    v = 3;
    assert_int_equal(simjson_int(o, "absent", 0, 5, 0, &v, &at), K_OK);
    assert_int_equal(v, 3);
    simjson_at(&at, "journal entry %d: ", 2);
    assert_int_equal(simjson_int(o, "absent", 0, 5, SIMJSON_NEEDED, &v, &at), K_EINVAL);
    assert_string_equal(msg.text, "journal entry 2: 'absent' must be a whole number 0..5");
    assert_int_equal(simjson_int(o, "none", 1, 5, SIMJSON_NULL_IS_0, &v, &at), K_OK);
    assert_int_equal(v, 0);
    assert_int_equal(simjson_int(o, "none", 1, 5, 0, &v, &at), K_EINVAL);
    assert_int_equal(simjson_int(o, "t", 1, 5, SIMJSON_NULL_IS_0, &v, &at), K_EINVAL);
    assert_string_equal(msg.text, "journal entry 2: 't' must be a whole number 1..5 or null");
    assert_int_equal(simjson_text(o, "t", text, sizeof text, &at), K_OK);
    assert_string_equal(text, "abc");
    assert_int_equal(simjson_text(o, "t", text, 3, &at), K_EINVAL);
    assert_int_equal(simjson_bool(o, "b", &flag, &at), K_EINVAL);
    assert_string_equal(msg.text, "journal entry 2: 'b' must be true or false");
    static const char *const known[] = {"n", "big", "half", "none", "t", NULL};
    assert_int_equal(simjson_only_known(o, known, &at), K_EINVAL);
    assert_string_equal(msg.text, "journal entry 2: 'b' is not a field of the state file");
    static const char *const needed[] = {"n", "gone", NULL};
    assert_int_equal(simjson_require(o, needed, &at), K_EINVAL);
    assert_string_equal(msg.text, "journal entry 2: 'gone' is missing");
    cJSON_Delete(o);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(receive_buffer),
    cmocka_unit_test(cmac_of_rfc_4493),
    cmocka_unit_test(key_files),
    cmocka_unit_test(json_files),
    cmocka_unit_test(fields_and_places),
};

KTEST_MAIN(tests)
