/* The ESC/POS encoder and the status answers against the examples of
 * docs/protocols/escpos.md, byte for byte; each example's hex must also be
 * on that page (ESCPOS_DOC), so the page and the code cannot drift apart. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/printer/escpos.h"
#include "gateway/hex.h"
#include "ktest.h"

/* The page's hex bytes, in order, as "1B 40 ...": every token of exactly
 * two upper-case hex digits, whatever separates them. */
static char *doc_hex(void)
{
    const char *path = getenv("ESCPOS_DOC");
    FILE *f = path ? fopen(path, "r") : NULL;
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap), word[64];
    int c, w = 0;
    assert_non_null(out);
    do {
        c = fgetc(f);
        if (c != EOF && isalnum(c) && w < 63) {
            word[w++] = (char)c;
            continue;
        }
        if (w == 2 && isxdigit((unsigned char)word[0]) && isxdigit((unsigned char)word[1]) && !islower(word[0]) &&
            !islower(word[1]) && n + 4 < cap) {
            n += (size_t)snprintf(out + n, cap - n, "%s%c%c", n ? " " : "", word[0], word[1]);
        }
        w = 0;
    } while (c != EOF);
    fclose(f);
    return out;
}

static void assert_in_doc(const char *hex)
{
    char *doc = doc_hex();
    if (!strstr(doc, hex))
        fail_msg("not on docs/protocols/escpos.md: %s", hex);
    free(doc);
}

static void hex_of(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && k + 4 < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%02X", i ? " " : "", p[i]);
}

/* Encodes d, compares with hex, frees d. */
static void expect_bytes(printer_doc_t *d, const char *hex)
{
    uint8_t *bytes = NULL, want[4096];
    size_t n = 0, wn = hex_bytes(hex, want, sizeof want);
    kmsg_t msg = {""};
    assert_int_equal(escpos_encode(d, &bytes, &n, &msg), K_OK);
    char got[16384];
    hex_of(bytes, n, got, sizeof got);
    assert_string_equal(got, hex);
    assert_int_equal(n, wn);
    assert_memory_equal(bytes, want, n);
    free(bytes);
    printer_doc_free(d);
}

/* The same, and hex is on the page. */
static void expect(printer_doc_t *d, const char *hex)
{
    expect_bytes(d, hex);
    assert_in_doc(hex);
}

static printer_style_t style(printer_align_t a, bool bold, uint8_t w, uint8_t h)
{
    return (printer_style_t){a, bold, w, h};
}

static void add_text(printer_doc_t *d, printer_style_t s, const char *text)
{
    kmsg_t msg;
    assert_int_equal(printer_doc_text(d, s, text, &msg), K_OK);
}

static void empty_document(void **state)
{
    (void)state;
    printer_doc_t d;
    printer_doc_init(&d);
    expect(&d, "1B 40");
}

static void alignment(void **state)
{
    (void)state;
    printer_doc_t d;
    printer_doc_init(&d);
    add_text(&d, style(PRINTER_CENTRE, false, 1, 1), "Total");
    expect(&d, "1B 40 1B 61 01 54 6F 74 61 6C 0A");
    add_text(&d, style(PRINTER_RIGHT, false, 1, 1), "09:30");
    expect(&d, "1B 40 1B 61 02 30 39 3A 33 30 0A");
}

static void bold_on_and_off(void **state)
{
    (void)state;
    printer_doc_t d;
    printer_doc_init(&d);
    add_text(&d, style(PRINTER_LEFT, true, 1, 1), "Paid");
    add_text(&d, PRINTER_STYLE_NORMAL, "ok");
    expect(&d, "1B 40 1B 45 01 50 61 69 64 0A 1B 45 00 6F 6B 0A");
}

static void character_size(void **state)
{
    (void)state;
    printer_doc_t d;
    printer_doc_init(&d);
    add_text(&d, style(PRINTER_LEFT, false, 2, 2), "50.00");
    add_text(&d, PRINTER_STYLE_NORMAL, "CNY");
    expect(&d, "1B 40 1D 21 11 35 30 2E 30 30 0A 1D 21 00 43 4E 59 0A");
}

static void feed_and_cut(void **state)
{
    (void)state;
    printer_doc_t d;
    kmsg_t msg;
    printer_doc_init(&d);
    add_text(&d, PRINTER_STYLE_NORMAL, "");
    assert_int_equal(printer_doc_feed(&d, 3, &msg), K_OK);
    assert_int_equal(printer_doc_cut(&d, true, &msg), K_OK);
    expect(&d, "1B 40 0A 1B 64 03 1D 56 01");
}

static void chinese_in_gb18030(void **state)
{
    (void)state;
    printer_doc_t d;
    printer_doc_init(&d);
    add_text(&d, PRINTER_STYLE_NORMAL, "电费 50.00");
    expect(&d, "1B 40 1C 26 B5 E7 B7 D1 20 35 30 2E 30 30 1C 2E 0A");
    add_text(&d, PRINTER_STYLE_NORMAL, "Café Ñandú"); /* é two bytes, Ñ four */
    expect(&d, "1B 40 1C 26 43 61 66 A8 A6 20 81 30 88 35 61 6E 64 A8 B2 1C 2E 0A");
}

static void qr_code(void **state)
{
    (void)state;
    printer_doc_t d;
    kmsg_t msg;
    printer_doc_init(&d);
    assert_int_equal(printer_doc_qr(&d, PRINTER_LEFT, "K1-0001", 7, 4, PRINTER_QR_Q, &msg), K_OK);
    expect(&d, "1B 40 1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 04 1D 28 6B 03 00 31 45 32 "
               "1D 28 6B 0A 00 31 50 30 4B 31 2D 30 30 30 31 1D 28 6B 03 00 31 51 30");
}

/* The page's whole receipt, item by item. */
static const char *const receipt_hex[] = {
    "1B 40",
    "1B 61 01 1B 45 01 1D 21 11 1C 26 B5 E7 B7 D1 CA D5 BE DD 1C 2E 0A",
    "1B 45 00 1D 21 00 50 72 65 70 61 69 64 20 4D 65 74 65 72 20 4B 69 6F 73 6B 0A",
    "1B 61 00 1C 26 B1 ED BA C5 20 4D 65 74 65 72 20 20 20 30 30 30 30 31 32 33 34 35 36 37 38 1C 2E 0A",
    "1C 26 BD F0 B6 EE 20 41 6D 6F 75 6E 74 20 20 35 30 2E 30 30 20 43 4E 59 1C 2E 0A",
    "1C 26 B5 E7 C1 BF 20 45 6E 65 72 67 79 20 20 38 33 2E 33 33 20 6B 57 68 1C 2E 0A",
    "1B 61 02 32 30 32 36 2D 31 31 2D 32 31 20 30 39 3A 33 30 0A",
    "1B 61 01 1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 06 1D 28 6B 03 00 31 45 31 "
    "1D 28 6B 1F 00 31 50 30 68 74 74 70 73 3A 2F 2F 72 2E 65 78 61 6D 70 6C 65 2E 63 6E "
    "2F 6B 31 2F 30 30 30 31 1D 28 6B 03 00 31 51 30",
    "1C 26 D0 BB D0 BB 20 54 68 61 6E 6B 20 79 6F 75 1C 2E 0A",
    "1B 64 03",
    "1D 56 00",
};

static void whole_receipt(void **state)
{
    (void)state;
    printer_doc_t d;
    kmsg_t msg;
    printer_doc_init(&d);
    add_text(&d, style(PRINTER_CENTRE, true, 2, 2), "电费收据");
    add_text(&d, style(PRINTER_CENTRE, false, 1, 1), "Prepaid Meter Kiosk");
    add_text(&d, PRINTER_STYLE_NORMAL, "表号 Meter   000012345678");
    add_text(&d, PRINTER_STYLE_NORMAL, "金额 Amount  50.00 CNY");
    add_text(&d, PRINTER_STYLE_NORMAL, "电量 Energy  83.33 kWh");
    add_text(&d, style(PRINTER_RIGHT, false, 1, 1), "2026-11-21 09:30");
    const char url[] = "https://r.example.cn/k1/0001";
    assert_int_equal(printer_doc_qr(&d, PRINTER_CENTRE, url, strlen(url), 6, PRINTER_QR_M, &msg), K_OK);
    add_text(&d, style(PRINTER_CENTRE, false, 1, 1), "谢谢 Thank you");
    assert_int_equal(printer_doc_feed(&d, 3, &msg), K_OK);
    assert_int_equal(printer_doc_cut(&d, false, &msg), K_OK);
    char all[4096] = "";
    for (size_t i = 0; i < sizeof receipt_hex / sizeof receipt_hex[0]; i++) {
        snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", i ? " " : "", receipt_hex[i]);
        assert_in_doc(receipt_hex[i]); /* item by item: the page explains each between them */
    }
    uint8_t bytes[1024];
    assert_int_equal(hex_bytes(all, bytes, sizeof bytes), 254); /* the page says 254 bytes */
    expect_bytes(&d, all);
}

/* DLE EOT answers as the page's table gives them. */
static void status_answers(void **state)
{
    (void)state;
    static const struct {
        const char *hex;
        bool online, cover, error, cutter, ready;
        printer_paper_t paper;
    } rows[] = {
        {"12 12 12 12", true, false, false, false, true, PRINTER_PAPER_OK},
        {"12 12 12 1E", true, false, false, false, true, PRINTER_PAPER_NEAR_END},
        {"1A 32 12 7E", false, false, false, false, false, PRINTER_PAPER_OUT},
        {"1A 16 12 12", false, true, false, false, false, PRINTER_PAPER_OK},
        {"1A 12 12 12", false, false, false, false, false, PRINTER_PAPER_OK},
        {"1A 52 1A 12", false, false, true, true, false, PRINTER_PAPER_OK},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t raw[4];
        printer_status_t st;
        kmsg_t msg;
        assert_int_equal(hex_bytes(rows[i].hex, raw, 4), 4);
        assert_int_equal(escpos_status_parse(raw, &st, &msg), K_OK);
        assert_int_equal(st.online, rows[i].online);
        assert_int_equal(st.paper, rows[i].paper);
        assert_int_equal(st.cover_open, rows[i].cover);
        assert_int_equal(st.error, rows[i].error);
        assert_int_equal(st.cutter_error, rows[i].cutter);
        assert_int_equal(printer_status_ready(&st), rows[i].ready);
        assert_memory_equal(st.raw, raw, 4);
        assert_in_doc(rows[i].hex);
    }
}

/* One bit of a pair is enough; bit 5 of n = 2 alone means paper out. */
static void status_single_bits(void **state)
{
    (void)state;
    printer_status_t st;
    kmsg_t msg;
    assert_int_equal(escpos_status_parse((const uint8_t[]){0x12, 0x12, 0x12, 0x16}, &st, &msg), K_OK);
    assert_int_equal(st.paper, PRINTER_PAPER_NEAR_END);
    assert_int_equal(escpos_status_parse((const uint8_t[]){0x12, 0x12, 0x12, 0x32}, &st, &msg), K_OK);
    assert_int_equal(st.paper, PRINTER_PAPER_OUT);
    assert_int_equal(escpos_status_parse((const uint8_t[]){0x1A, 0x32, 0x12, 0x12}, &st, &msg), K_OK);
    assert_int_equal(st.paper, PRINTER_PAPER_OUT);
    assert_int_equal(escpos_status_parse((const uint8_t[]){0x12, 0x12, 0x72, 0x12}, &st, &msg), K_OK);
    assert_true(st.unrecoverable && st.auto_recoverable && st.error && !printer_status_ready(&st));
    uint8_t q[3];
    escpos_status_query(4, q);
    assert_memory_equal(q, ((const uint8_t[]){0x10, 0x04, 0x04}), 3);
    assert_in_doc("10 04");
}

/* A byte that is not 0xx1xx10 is not a status: the query is named. */
static void status_not_a_status(void **state)
{
    (void)state;
    printer_status_t st;
    kmsg_t msg = {""};
    assert_int_equal(escpos_status_parse((const uint8_t[]){0x12, 0x12, 0x00, 0x12}, &st, &msg), K_EDEVICE);
    assert_non_null(strstr(msg.text, "DLE EOT 3"));
    assert_int_equal(escpos_status_parse((const uint8_t[]){0x92, 0x12, 0x12, 0x12}, &st, &msg), K_EDEVICE);
    assert_false(escpos_status_byte_ok(0x13));
    assert_true(escpos_status_byte_ok(0x7E));
}

/* A command byte can never reach the printer as text. */
static void refuses_bad_items(void **state)
{
    (void)state;
    printer_doc_t d;
    kmsg_t msg = {""};
    char long_line[PRINTER_MAX_TEXT + 2];
    memset(long_line, 'x', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = '\0';
    printer_doc_init(&d);
    assert_int_equal(printer_doc_text(&d, PRINTER_STYLE_NORMAL, "a\x1b@b", &msg), K_EINVAL);
    assert_int_equal(printer_doc_text(&d, PRINTER_STYLE_NORMAL, "tab\there", &msg), K_EINVAL);
    assert_int_equal(printer_doc_text(&d, PRINTER_STYLE_NORMAL, "bad \xC3\x28", &msg), K_EINVAL);
    assert_int_equal(printer_doc_text(&d, PRINTER_STYLE_NORMAL, "overlong \xC0\xAF", &msg), K_EINVAL);
    assert_int_equal(printer_doc_text(&d, PRINTER_STYLE_NORMAL, "surrogate \xED\xA0\x80", &msg), K_EINVAL);
    assert_int_equal(printer_doc_text(&d, PRINTER_STYLE_NORMAL, long_line, &msg), K_EINVAL);
    assert_int_equal(printer_doc_text(&d, style(PRINTER_LEFT, false, 9, 1), "x", &msg), K_EINVAL);
    assert_int_equal(printer_doc_text(&d, style(PRINTER_LEFT, false, 1, 0), "x", &msg), K_EINVAL);
    assert_int_equal(printer_doc_qr(&d, PRINTER_LEFT, "", 0, 4, PRINTER_QR_L, &msg), K_EINVAL);
    assert_int_equal(printer_doc_qr(&d, PRINTER_LEFT, "x", 1, 17, PRINTER_QR_L, &msg), K_EINVAL);
    assert_int_equal(printer_doc_feed(&d, 0, &msg), K_EINVAL);
    assert_int_equal(printer_doc_feed(&d, 256, &msg), K_EINVAL);
    assert_int_equal(d.n, 0);
    long_line[PRINTER_MAX_TEXT] = '\0';
    assert_int_equal(printer_doc_text(&d, PRINTER_STYLE_NORMAL, long_line, &msg), K_OK);
    printer_doc_free(&d);
}

/* An item changed behind the document's back is refused, not sent. */
static void encoder_checks_items(void **state)
{
    (void)state;
    printer_doc_t d;
    kmsg_t msg = {""};
    uint8_t *bytes = NULL;
    size_t n = 0;
    printer_doc_init(&d);
    add_text(&d, PRINTER_STYLE_NORMAL, "ok");
    d.items[0].data[0] = 0x1B;
    assert_int_equal(escpos_encode(&d, &bytes, &n, &msg), K_EINVAL);
    assert_null(bytes);
    printer_doc_free(&d);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(empty_document),     cmocka_unit_test(alignment),
    cmocka_unit_test(bold_on_and_off),    cmocka_unit_test(character_size),
    cmocka_unit_test(feed_and_cut),       cmocka_unit_test(chinese_in_gb18030),
    cmocka_unit_test(qr_code),            cmocka_unit_test(whole_receipt),
    cmocka_unit_test(status_answers),     cmocka_unit_test(status_single_bits),
    cmocka_unit_test(status_not_a_status), cmocka_unit_test(refuses_bad_items),
    cmocka_unit_test(encoder_checks_items),
};

KTEST_MAIN(tests)
